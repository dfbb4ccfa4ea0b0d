"""The targets of issue 7 checked against a result file, and the results as Markdown tables (printed,
and written into docs/performance.md between its bench markers after a full-scale run)."""

from .env import ROOT

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _row(group, variant):
    return next((r for r in group.get("rows", []) if r.get("variant") == variant), {})


def targets(results: dict) -> list[dict]:
    g = results["groups"]
    checks = []

    def check(target, value, met, note=""):
        checks.append({"target": target, "value": value, "met": bool(met) if value is not None else None, "note": note})

    if "list" in g:
        ratios, product = g["list"]["ratios"], _row(g["list"], "product")
        value = ratios["product / hand-tuned (requests/s)"]
        check("public list ≥ 1.0× hand-tuned requests/s", value, value and value >= 1.0)
        value = ratios["product / naive (requests/s)"]
        check("public list ≥ 5× naive requests/s", value, value and value >= 5)
        check("public list ≤ 4 queries per request", product.get("queries"), (product.get("queries") or 99) <= 4)
        value = ratios.get("product misses / hand-tuned (requests/s)")
        check("public list, cache misses ≥ 0.8× hand-tuned requests/s (issue 12)", value, value and value >= 0.8)
    if "deep_pages" in g:
        value = g["deep_pages"]["ratios"]["last page / page 1 (p50)"]
        check("last page p50 ≤ 1.2× first page p50", value, value and value <= 1.2)
    for row in g.get("csv", {}).get("rows", []):
        name, product, copy = row["dataset"], row["product"], row["copy"]
        value = round(product["rows_per_s"] / copy["rows_per_s"], 2)
        check(f"CSV {name} ≥ 0.5× COPY rows/s", value, value >= 0.5)
        growth = product["worker_peak_rss_growth_mb"]
        check(f"CSV {name}: worker memory growth ≤ 25 MB", growth, growth <= 25)
    if "stats" in g:
        warm = _row(g["stats"], "product (warm)").get("p50_ms")
        check("stats p50 < 50 ms (warm, cached)", warm, warm is not None and warm < 50)
        cold = g["stats"]["cold_p50_ms"]
        check("stats cold (cache emptied) ≤ 500 ms (issue 12)", cold, cold <= 500, "from the maintained summaries")
    if "pages" in g:
        dashboard = _row(g["pages"], "officer dashboard").get("p50_ms")
        met = dashboard is not None and dashboard <= 150
        check("officer dashboard p50 ≤ 150 ms under load (issue 12)", dashboard, met)
    if "search" in g:
        for kind in ("page", "API"):
            for words in g["search"].get("searches", {}).values():
                one = next(
                    (
                        r
                        for r in g["search"]["rows"]
                        if r["variant"].startswith(f"{kind}, q={words} (") and r["variant"].endswith("one at a time")
                    ),
                    {},
                )
                value = one.get("p50_ms")
                met = value is not None and value <= 100
                check(
                    f"search {kind} q={words}: p50 ≤ 100 ms at 100,000 agreements (issue 14)",
                    value,
                    met,
                    "one request at a time",
                )
    if "import" in g:
        value = g["import"]["rows"][0]["rows_per_s"]
        check("import ≥ 5,000 rows/s", value, value >= 5000)
    if "cases" in g:
        _case_targets(g["cases"], check)
    return checks


def _case_targets(group: dict, check) -> None:
    """Issue 15, section 6."""
    seeded = group["seed"]
    check(
        f"cases seeded: {_fmt(group['cases'])} over 1,741 municipalities, 30 procedures, 3 years",
        seeded.get("cases"),
        seeded.get("cases") == group["cases"] == 10_000_000,
        "synthetic (bench/outcomes_seed.py)",
    )
    imported = group["import"]
    rate = _row(imported, IMPORT_VARIANT).get("rows_per_s")
    ratio = imported["ratios"]["first import / COPY (rows/s)"]
    check("case import ≥ 50,000 cases/s", rate, rate is not None and rate >= 50_000, f"{ratio}× a plain COPY")
    seconds = group["recompute"]["product_ms"] / 1000
    cases = _fmt(group["recompute"]["cases"])
    check("recompute one city's figures ≤ 2 s", round(seconds, 2), seconds <= 2, f"{cases} cases, every procedure")
    by = {r["variant"]: r for r in group["comparison"]["rows"]}
    for suffix, note in (("", "under load"), (", one at a time", "one request at a time")):
        value = by.get(f"comparison API{suffix}", {}).get("p50_ms")
        check("comparison API p50 ≤ 100 ms", value, value is not None and value <= 100, note)


IMPORT_VARIANT = "import_cases, first import (checked, days and keys computed; COPY)"


def _fmt(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _load_table(group: dict) -> list[str]:
    lines = ["| variant | requests/s | p50 ms | p99 ms | queries/request | errors |", "|---|---:|---:|---:|---:|---:|"]
    for r in group["rows"]:
        lines.append(
            f"| {r['variant']} | {_fmt(r['rps'])} | {_fmt(r['p50_ms'])} | {_fmt(r['p99_ms'])} | "
            f"{_fmt(r.get('queries'))} | {r['errors']} |"
        )
    for name, value in group.get("ratios", {}).items():
        lines.append(f"| **{name}** | **{_fmt(value)}** | | | | |")
    return lines


TITLES = {
    "list": "Public agreement list, page 1 (50 agreements with municipality, fields and parties)",
    "deep_pages": "Deep pages of the agreement list",
    "detail": "One agreement (API detail)",
    "ocds": "OCDS release package of the largest municipality (first 100 releases)",
    "stats": "National statistics `/api/v1/stats/`",
    "pages": "Pages",
    "search": "Free-text search (`q`): the search page and the API list, against the same without `q`",
}


def markdown(results: dict) -> str:
    m, seed, load = results["machine"], results["seed"], results["load"]
    counts = seed.get("counts", {})
    lines = [
        f"Run of `make bench` at scale **{results['scale']}** on {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gb']} GB, {m['postgresql']}, Python {m['python']}; gunicorn gthread "
        f"{results['server']['workers']} workers × {results['server']['threads']} threads; load: "
        f"{load['connections']} connections, {load['rounds']} × {load['seconds']} s per variant, interleaved "
        f"(tool: {results['groups'].get('list', {}).get('rows', [{}])[0].get('tool', 'wrk')}). "
        f"Load average at start: {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}. "
        f"Whole run: {results['seconds']} s.",
        "",
        "Data: "
        + ", ".join(f"{_fmt(v)} {k.split('_', 1)[1]}" for k, v in counts.items())
        + f"; seeded in {seed.get('seconds', {}).get('total')} s "
        f"(+ {seed.get('seconds', {}).get('vacuum_analyze')} s VACUUM ANALYZE).",
        "",
    ]
    for rerun in results.get("partial_reruns", []):
        groups = " ".join(rerun["groups"])
        if "database" not in rerun:
            done = ", ".join(rerun["groups"])
            lines += [f"Re-run afterwards on the same database (`--keep-db --only {groups}`): {done}.", ""]
            continue
        load = ", ".join(f"{x:.2f}" for x in rerun["machine"]["load_average_at_start"])
        lines += [
            f"Re-run afterwards (`--only {groups}`) on the database {rerun['database']} (agreements seeded at scale "
            f"{rerun.get('scale_of_its_seed')}; the group seeds its own data); load average at start: {load}.",
            "",
        ]
    groups = results["groups"]
    for name, title in TITLES.items():
        if name not in groups:
            continue
        lines += [f"#### {title}", "", *_load_table(groups[name]), ""]
        if name == "stats":
            lines += [f"Cold (cache emptied, computed): {', '.join(map(str, groups[name]['cold_ms']))} ms.", ""]
        if name == "pages" and groups[name].get("pending"):
            pending = ", ".join(f"{p['page']} (`{p['path']}` → {p['status']})" for p in groups[name]["pending"])
            lines += [f"Pending (not served yet at this commit): {pending}; the API detail is measured instead.", ""]
    if "csv" in groups:
        lines += [
            "#### CSV exports (streamed) vs PostgreSQL `COPY … TO STDOUT` of the same query",
            "",
            "| dataset | rows | product rows/s | COPY rows/s | ratio | product s | COPY s | MB | first byte ms"
            " | worker peak RSS growth MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in groups["csv"]["rows"]:
            p, c = r["product"], r["copy"]
            lines.append(
                f"| {r['dataset']} | {_fmt(p['rows'])} | {_fmt(p['rows_per_s'])} | {_fmt(c['rows_per_s'])} | "
                f"{_fmt(round(p['rows_per_s'] / c['rows_per_s'], 2))} | {p['seconds']} | {c['seconds']} | "
                f"{round(p['bytes'] / 1e6)} | {p['first_byte_ms']} | {p['worker_peak_rss_growth_mb']} |"
            )
        lines.append("")
    if "import" in groups:
        lines += ["#### Import of a 10,000-row agreement list", "", "| variant | rows/s | seconds | queries |"]
        lines.append("|---|---:|---:|---:|")
        for r in groups["import"]["rows"]:
            lines.append(f"| {r['variant']} | {_fmt(r['rows_per_s'])} | {r['seconds']} | {_fmt(r.get('queries'))} |")
        lines.append("")
    if "cases" in groups:
        lines += _cases_markdown(groups["cases"])
    lines += ["#### Targets", "", "| target | measured | met |", "|---|---:|---|"]
    for t in results["targets"]:
        met = "yes" if t["met"] else ("no" if t["met"] is False else "—")
        lines.append(f"| {t['target']} | {_fmt(t['value'])} | {met}{' — ' + t['note'] if t['note'] else ''} |")
    return "\n".join(lines)


def _cases_markdown(group: dict) -> list[str]:
    seeded, imported, recompute, comparison = group["seed"], group["import"], group["recompute"], group["comparison"]
    lines = ["#### Service outcomes: case import, recompute, comparison (issue 15)", ""]
    if seeded.get("reused"):
        lines += [f"Seed: {_fmt(seeded['cases'])} synthetic cases, reused from an earlier run.", ""]
    else:
        s, f, per = seeded["seconds"], seeded["figures"], seeded["cases_per_municipality"]
        lines += [
            f"Seed (synthetic, bench/outcomes_seed.py): {_fmt(seeded['cases'])} cases over "
            f"{_fmt(seeded['municipalities'])} municipalities (largest {_fmt(per['largest'])}, mean "
            f"{_fmt(per['mean'])}, smallest {_fmt(per['smallest'])}), {seeded['procedures']} procedures, "
            f"{seeded['first_day']} – {seeded['last_day']}: inserted in {s['insert']} s "
            f"({_fmt(seeded['cases_per_s'])} cases/s), indexes and keys rebuilt in {s['indexes_and_keys']} s, "
            f"VACUUM ANALYZE {s['vacuum_analyze']} s; every city's figures by the product "
            f"(`figures_recompute` per city): {_fmt(f['figures'])} figures in {f['seconds']} s "
            f"(median {f['per_city_ms']['median']} ms a city, slowest {f['per_city_ms']['max']} ms).",
            "",
        ]
    size = seeded.get("size", {})
    if size:
        lines += [
            f"Size: database {_fmt(size['database_mb'])} MB, cases {_fmt(size['cases_with_indexes_mb'])} MB with "
            f"indexes ({_fmt(size['cases_table_mb'])} MB table), figures {size['figures_mb']} MB.",
            "",
        ]
    lines += ["| case import | rows | rows/s | seconds | client CPU s |", "|---|---:|---:|---:|---:|"]
    for r in imported["rows"]:
        lines.append(
            f"| {r['variant']} | {_fmt(r['rows'])} | {_fmt(r['rows_per_s'])} | {r['seconds']} | "
            f"{_fmt(r['client_cpu_s'])} |"
        )
    for name, value in imported["ratios"].items():
        lines.append(f"| **{name}** | | **{_fmt(value)}** | | |")
    memory = imported.get("memory", {})
    lines += [
        "",
        f"Import peak RSS {memory.get('rss_peak_after_reimport_mb')} MB (before: {memory.get('rss_before_mb')} MB).",
        "",
        "| recompute of one city (every procedure) | cases | figures | median ms | ratio |",
        "|---|---:|---:|---:|---:|",
        f"| `figures_recompute` of {recompute['municipality']} | {_fmt(recompute['cases'])} | "
        f"{_fmt(recompute['figures'])} | {_fmt(recompute['product_ms'])} | "
        f"**{_fmt(recompute['ratio'])}** |",
        f"| bare aggregate of the same cases (baseline) | {_fmt(recompute['cases'])} | | "
        f"{_fmt(recompute['bare_aggregate_ms'])} | 1 |",
        "",
        f"Comparison of {comparison['procedure']} over {_fmt(comparison['municipalities'])} publishing cities:",
        "",
        *_load_table(comparison),
        "",
    ]
    extra = "; ".join(f"{name}: {_fmt(value)}" for name, value in comparison["in_process"].items())
    if "api_cold_p50_ms" in comparison:
        extra += f"; API cold (cache emptied before each request) p50: {_fmt(comparison['api_cold_p50_ms'])} ms"
    for pending in comparison.get("pending", []):
        extra += f"; pending: `{pending['path']}` ({pending['status']})"
    lines += [f"In this process: {extra}.", ""]
    return lines


def update_docs(results: dict) -> None:
    """Replace the figures between the bench markers of docs/performance.md (full-scale runs only)."""
    if results["scale"] != "full":
        return
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        return
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{BEGIN}\n{markdown(results)}\n{END}{tail}", encoding="utf-8")


DRILLS_BEGIN, DRILLS_END = "<!-- drills:begin -->", "<!-- drills:end -->"


def drills_markdown(results: dict) -> str:
    """One line per drill: what was done, what was seen, passed or not."""
    lines = ["| drill | what was seen | passed |", "|---|---|---|"]
    load = results.get("load")
    if load:
        lines.append(
            f"| load: {load['connections']} connections × {load['seconds']:.0f} s on `/api/v1/agreements/` | "
            f"{load['requests']:,} requests, {load['rps']} req/s, {load['errors']} errors; "
            f"p50 {load['p50_ms']:.0f} ms, "
            f"p99 {load['p99_ms']:.0f} ms, max {load['max_ms']:.0f} ms | {'yes' if load['passed'] else 'no'} |"
        )
    pg = results.get("postgres")
    if pg:
        r, w = pg["reads"], pg["writes"]
        lines.append(
            f"| PostgreSQL restarted under load (2 readers, 1 writer) | down {pg['outage_s']} s; reads {r['ok']:,}/"
            f"{r['requests']:,} ok, {r['errors']} errors ({', '.join(r['error_kinds']) or 'none'}), "
            f"{r['errors_outside_the_outage']} outside the outage; after it {r['ok_after_recovery']}/"
            f"{r['requests_after_recovery']} ok; writes {pg['accepted_201']} accepted, {pg['stored']} stored, "
            f"{pg['accepted_but_lost']} lost | {'yes' if pg['passed'] else 'no'} |"
        )
    broker = results.get("broker")
    if broker:
        r, w = broker["reads"], broker["writes"]
        lines.append(
            f"| broker (Redis) stopped {broker['outage_s']} s and started | reads {r['ok']:,}/{r['requests']:,} ok, "
            f"writes {w['ok']}/{w['requests']} ok (slowest {w['slowest_ms']} ms); {broker['notices']} notices, "
            f"{broker['notices_unsent']} unsent, {broker['mails']} mails (none lost, none twice) | "
            f"{'yes' if broker['passed'] else 'no'} |"
        )
    worker = results.get("worker")
    if worker:
        imp, exp = worker["import"], worker["export"]
        lines.append(
            f"| worker's pool process killed (SIGKILL) during an import of {imp['rows']:,} rows | redelivered at once; "
            f"job status `{imp['status']}`, {imp['created'] or 0} created | {'yes' if imp['passed'] else 'no'} |"
        )
        lines.append(
            f"| worker's pool process killed during the nightly open-data export | new sets {len(exp['new_sets'])}, "
            f"current is the new set: {exp['current_is_the_new_set']}; leftover partial folders: "
            f"{len(exp['partial_folders_left'])} | {'yes' if exp['passed'] else 'no'} |"
        )
    return "\n".join(lines)


def update_drills_docs(results: dict) -> None:
    path = ROOT / "docs" / "performance.md"
    text = path.read_text(encoding="utf-8")
    if DRILLS_BEGIN not in text or DRILLS_END not in text:
        return
    head, rest = text.split(DRILLS_BEGIN, 1)
    _old, tail = rest.split(DRILLS_END, 1)
    path.write_text(f"{head}{DRILLS_BEGIN}\n{drills_markdown(results)}\n{DRILLS_END}{tail}", encoding="utf-8")
