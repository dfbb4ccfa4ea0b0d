#!/usr/bin/env python3
"""First-party import graph of Kyoso, and the layering check of issue 12 item 4.

Usage:  .venv/bin/python scripts/import_graph.py [--root .] [--edges] [--private]
            [--cycles] [--strict-cycles] [--tests] [--strings-count] [--json FILE]
        (Python >= 3.12: the project uses PEP 695 syntax; a file that does not parse -> exit 2)

Exit status: 1 when an arrow goes from a lower app to a higher one (and is not in ALLOW),
or when a private name is imported across modules outside tests/ (and is not in ALLOW_PRIVATE),
or (with --strict-cycles) when a module-level import cycle exists (not in ALLOW_SCC); 2 when a file
does not parse; else 0.

Every import is recorded with its kind:
  eager  - executed at module import time (module level, also inside if/try at module level)
  lazy   - inside a function/method body (executed when called)
  typing - under `if TYPE_CHECKING:`
  str    - a dotted path in a string literal that names a first-party module/attribute
           (settings, include("..."), Celery names, mock.patch targets ...); reported, checked
           only with --strings-count
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from collections import defaultdict

# --------------------------------------------------------------------------------------------------
# Intended layering (lower number = lower layer). An app may import its own layer or any lower one.
# Apps on the same rank must not import each other either (SAME_RANK_FORBIDDEN) unless listed.
LAYERS = {
    "core": 0,
    "accounts": 1,
    "partnerships": 2,
    "notifications": 3,
    "agreements": 4,
    "opendata": 5,  # OCDS releases and the nightly files, built from the public-change outbox
    "imports": 6,
    "outcomes": 7,  # procedures, case records and the figures computed from them (reads files with imports)
    "proposals": 7,  # themes, proposals, review scores and decisions (imports agreements and partnerships)
    "reports": 7.5,  # reports reading several rank-7 apps, shown by the pages and the API (the annual report)
    "api": 8,  # api, workspace and portal are siblings: none imports another
    "workspace": 8,
    "portal": 8,
    "config": 9,  # settings, urls, wsgi/asgi, celery app: imports any app, imported by none
    "bench": 10,  # never imported by the product
    "scripts": 10,
    "manage": 11,
}
# Same-rank pairs that may import each other (documented exceptions). (importer, imported)
SAME_RANK_ALLOWED: set[tuple[str, str]] = set()

# Documented exceptions: (importer module, imported module) or (importer app, imported module).
# Each with the reason; they are printed on every run.
ALLOW: dict[tuple[str, str], str] = {
    # config/settings and config/urls are the top; everything else is checked.
}
# Module-level strongly connected components (eager+lazy) tolerated with --strict-cycles, as
# frozenset of module names -> reason.
ALLOW_SCC: dict[frozenset, str] = {}
# Private names allowed across modules: (importer module, "target.module:_name") -> reason
ALLOW_PRIVATE: dict[tuple[str, str], str] = {}

FIRST_PARTY = set(LAYERS) - {"manage"}
SYNTAX_ERRORS: list[str] = []
SKIP_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", "static", "locale", "media"}


def app_of(mod: str) -> str:
    return mod.split(".", 1)[0]


def module_name(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)[:-3]
    parts = rel.split(os.sep)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class Collector(ast.NodeVisitor):
    def __init__(self, mod: str, is_pkg: bool, known: set[str]):
        self.mod = mod
        self.is_pkg = is_pkg
        self.known = known
        self.depth = 0  # function nesting
        self.typing = 0
        self.edges = []  # (lineno, target_module, names, kind, stmt)
        self.attr_private = []  # (lineno, alias_target_module, attr)
        self.aliases = {}  # local name -> first-party module (from `import x.y as z` / `from x import mod`)
        self.strings = []

    # ---- helpers
    def kind(self):
        if self.typing:
            return "typing"
        return "lazy" if self.depth else "eager"

    def resolve(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        base = self.mod.split(".")
        if not self.is_pkg:
            base = base[:-1]
        if level > 1:
            base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def longest_known(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for i in range(len(parts), 0, -1):
            cand = ".".join(parts[:i])
            if cand in self.known:
                return cand
        return None

    # ---- visitors
    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    def visit_If(self, node):
        t = node.test
        is_tc = (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
            isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
        )
        if is_tc:
            self.typing += 1
            for n in node.body:
                self.visit(n)
            self.typing -= 1
            for n in node.orelse:
                self.visit(n)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        for a in node.names:
            if app_of(a.name) not in FIRST_PARTY:
                continue
            target = self.longest_known(a.name) or a.name
            self.edges.append((node.lineno, target, [], self.kind(), f"import {a.name}"))
            if a.asname:
                self.aliases[a.asname] = target
            else:
                self.aliases[a.name.split(".")[0]] = a.name.split(".")[0]

    def visit_ImportFrom(self, node):
        base = self.resolve(node.module, node.level)
        if app_of(base) not in FIRST_PARTY:
            return
        by_target = defaultdict(list)
        for a in node.names:
            sub = f"{base}.{a.name}"
            if sub in self.known:  # `from pkg import module`
                by_target[sub].append(a.name)
                self.aliases[a.asname or a.name] = sub
            else:
                tgt = self.longest_known(base) or base
                by_target[tgt].append(a.name)
        for tgt, names in by_target.items():
            self.edges.append(
                (
                    node.lineno,
                    tgt,
                    names,
                    self.kind(),
                    f"from {'.' * node.level}{node.module or ''} import {', '.join(names)}",
                )
            )

    def visit_Attribute(self, node):
        # module_alias._private  (x._name across modules)
        if node.attr.startswith("_") and not node.attr.startswith("__"):
            chain = []
            cur = node.value
            while isinstance(cur, ast.Attribute):
                chain.append(cur.attr)
                cur = cur.value
            if isinstance(cur, ast.Name) and cur.id in self.aliases:
                dotted = ".".join([self.aliases[cur.id]] + list(reversed(chain)))
                tgt = self.longest_known(dotted)
                if tgt and tgt != self.mod and dotted == tgt:
                    self.attr_private.append((node.lineno, tgt, node.attr))
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+(:\w+)?", node.value):
            s = node.value.split(":")[0]
            if app_of(s) in FIRST_PARTY:
                tgt = self.longest_known(s)
                if tgt and tgt != self.mod:
                    self.strings.append((node.lineno, tgt, s))


def scan(root: str, include_tests: bool):
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        rel = os.path.relpath(dirpath, root)
        top = rel.split(os.sep)[0]
        if top != "." and top not in FIRST_PARTY and not (include_tests and top == "tests"):
            continue
        for f in filenames:
            if f.endswith(".py"):
                p = os.path.join(dirpath, f)
                if top == "." and f != "manage.py":
                    continue
                files.append(p)
    known = {module_name(root, p) for p in files}
    # namespace packages / package dirs without __init__ also count as modules
    for m in list(known):
        parts = m.split(".")
        for i in range(1, len(parts)):
            known.add(".".join(parts[:i]))
    result = {}
    for p in sorted(files):
        mod = module_name(root, p)
        with open(p, encoding="utf-8") as fh:
            src = fh.read()
        try:
            tree = ast.parse(src, p)
        except SyntaxError as e:
            print(f"SYNTAX {p}: {e}", file=sys.stderr)
            SYNTAX_ERRORS.append(os.path.relpath(p, root))
            continue
        c = Collector(mod, p.endswith("__init__.py"), known)
        c.visit(tree)
        result[mod] = {
            "path": os.path.relpath(p, root),
            "edges": c.edges,
            "attr_private": c.attr_private,
            "strings": c.strings,
        }
    return result, known


def layer(app: str):
    return LAYERS.get(app)


def violations(result, count_strings=False):
    out = []
    for mod, info in result.items():
        a = app_of(mod)
        if a == "tests" or a == "manage":
            continue
        edges = list(info["edges"])
        if count_strings:
            edges += [(ln, t, [s], "str", s) for ln, t, s in info["strings"]]
        for ln, tgt, names, kind, stmt in edges:
            b = app_of(tgt)
            if a == b or b not in LAYERS:
                continue
            la, lb = layer(a), layer(b)
            bad = lb > la or (lb == la and (a, b) not in SAME_RANK_ALLOWED)
            if bad:
                out.append((mod, info["path"], ln, tgt, names, kind, stmt))
    return out


def private_imports(result):
    out = []
    for mod, info in result.items():
        for ln, tgt, names, kind, _stmt in info["edges"]:
            if tgt == mod:
                continue
            for n in names:
                if n.startswith("_") and not n.startswith("__"):
                    out.append((mod, info["path"], ln, tgt, n, kind))
        for ln, tgt, attr in info["attr_private"]:
            out.append((mod, info["path"], ln, tgt, attr, "attr"))
    return out


def tarjan(graph):
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in list(graph):
        if v not in index:
            strong(v)
    return sccs


def module_graph(result, kinds):
    g = defaultdict(set)
    for mod, info in result.items():
        if app_of(mod) == "tests":
            continue
        for _ln, tgt, _names, kind, _stmt in info["edges"]:
            if kind in kinds and tgt != mod and tgt in result:
                # importing a package executes its __init__: edge to the package
                g[mod].add(tgt)
        g.setdefault(mod, set())
    # a submodule import also runs its parents' __init__ (pkg.sub -> pkg), and a package
    # that imports its submodules (pkg -> pkg.sub) is not a design cycle: drop parent-edges.
    return g


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--edges", action="store_true", help="print every cross-app edge")
    ap.add_argument("--private", action="store_true", help="print private-name imports (also tests)")
    ap.add_argument("--cycles", action="store_true", help="print strongly connected components")
    ap.add_argument("--tests", action="store_true", help="also scan tests/ (reported, never checked)")
    ap.add_argument("--strings-count", action="store_true", help="count string references as arrows")
    ap.add_argument("--json", help="dump the raw graph to this file")
    ap.add_argument(
        "--strict-cycles",
        action="store_true",
        help="also fail on module-level import cycles (eager or lazy) not in ALLOW_SCC",
    )
    args = ap.parse_args()

    result, known = scan(args.root, args.tests)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)

    if args.edges:
        print("== cross-app edges (importer -> imported) ==")
        for mod, info in sorted(result.items()):
            for ln, tgt, names, kind, _stmt in info["edges"]:
                if app_of(tgt) != app_of(mod):
                    print(f"{info['path']}:{ln} [{kind}] {mod} -> {tgt} {names}")

    bad = violations(result, args.strings_count)
    allowed, real = [], []
    for v in bad:
        mod, path, ln, tgt, names, kind, stmt = v
        key1, key2 = (mod, tgt), (app_of(mod), tgt)
        reason = ALLOW.get(key1) or ALLOW.get(key2)
        (allowed if reason else real).append((v, reason))

    print(f"== upward arrows (lower app -> higher app): {len(real)} ==")
    for (mod, path, ln, tgt, names, kind, _stmt), _ in sorted(real, key=lambda x: (x[0][1], x[0][2])):
        print(
            f"  {path}:{ln} [{kind}] {app_of(mod)}({layer(app_of(mod))}) -> "
            f"{app_of(tgt)}({layer(app_of(tgt))}) {tgt} {names}"
        )
    if allowed:
        print(f"== allowed by documented exception: {len(allowed)} ==")
        for (mod, path, ln, tgt, names, kind, _stmt), reason in allowed:
            print(f"  {path}:{ln} [{kind}] {mod} -> {tgt} {names}  # {reason}")

    priv = [p for p in private_imports(result) if app_of(p[0]) != "tests"]
    priv_real = [p for p in priv if (p[0], f"{p[3]}:{p[4]}") not in ALLOW_PRIVATE]
    print(f"== private names imported across modules (excluding tests): {len(priv_real)} ==")
    for _mod, path, ln, tgt, n, kind in sorted(priv_real, key=lambda x: (x[1], x[2])):
        print(f"  {path}:{ln} [{kind}] {tgt}:{n}")
    if args.private and args.tests:
        tp = [p for p in private_imports(result) if app_of(p[0]) == "tests"]
        print(f"== private names imported by tests/ (not checked): {len(tp)} ==")
        for _mod, path, ln, tgt, n, kind in sorted(tp, key=lambda x: (x[1], x[2])):
            print(f"  {path}:{ln} [{kind}] {tgt}:{n}")

    failed_cycles = []
    if args.strict_cycles:
        for comp in tarjan(module_graph(result, {"eager", "lazy"})):
            reason = ALLOW_SCC.get(frozenset(comp))
            if reason:
                print(f"== allowed cycle: {{{', '.join(comp)}}}  # {reason}")
            else:
                failed_cycles.append(comp)
        print(f"== module import cycles (eager+lazy) not allowed: {len(failed_cycles)} ==")
        for comp in failed_cycles:
            print("  {" + ", ".join(comp) + "}")

    if args.cycles:
        for label, kinds in (("eager only", {"eager"}), ("eager+lazy", {"eager", "lazy"})):
            g = module_graph(result, kinds)
            sccs = tarjan(g)
            print(f"== strongly connected components ({label}): {len(sccs)} ==")
            for comp in sccs:
                print("  {" + ", ".join(comp) + "}")
                cs = set(comp)
                for m in comp:
                    info = result[m]
                    for ln, tgt, names, kind, _stmt in info["edges"]:
                        if tgt in cs and tgt != m and kind in kinds:
                            print(f"      {info['path']}:{ln} [{kind}] {m} -> {tgt} {names}")
            # app-level SCCs
            ag = defaultdict(set)
            for m, ts in g.items():
                for t in ts:
                    if app_of(t) != app_of(m):
                        ag[app_of(m)].add(app_of(t))
            print(f"   app-level SCCs ({label}): {tarjan(ag)}")

    if SYNTAX_ERRORS:
        print(f"== files not parsed (run with Python >= 3.12, e.g. /work/main/.venv/bin/python): {SYNTAX_ERRORS} ==")
        sys.exit(2)
    sys.exit(1 if (real or priv_real or failed_cycles) else 0)


if __name__ == "__main__":
    main()
