"""The bench's search group (issue 14, item 7) is reported: its rows and ratios in the Markdown table,
and one target per search, read one request at a time (p50 ≤ 100 ms at 100,000 agreements)."""

from bench import report
from bench.suite import GROUPS, SEARCHES


def _row(variant, p50):
    return {
        "variant": variant,
        "path": "/",
        "rps": 10.0,
        "p50_ms": p50,
        "p99_ms": p50 * 2,
        "max_ms": p50 * 3,
        "requests": 100,
        "errors": 0,
        "rounds": 1,
        "tool": "python",
        "connections": 1,
        "queries": 6,
    }


def test_the_search_group_runs_before_the_import_and_is_reported():
    names = list(GROUPS)
    assert names.index("search") < names.index("import")  # over the seeded agreements, before 10,000 more
    rows = [_row("page, no q (baseline), one at a time", 40.0), _row("API, no q (baseline), one at a time", 20.0)]
    for name, words in SEARCHES.items():
        rows.append(_row(f"page, q={words} ({name}), one at a time", 90.0))
        rows.append(_row(f"API, q={words} ({name}), one at a time", 120.0))
    results = {
        "scale": "full",
        "seed": {"counts": {"agreements_agreement": 100_000}, "seconds": {}},
        "machine": {
            "cores": 2,
            "cpu": "x",
            "memory_gb": 24,
            "postgresql": "15",
            "python": "3.13",
            "load_average_at_start": [0.0, 0.0, 0.0],
        },
        "load": {"connections": 8, "rounds": 1, "seconds": 1},
        "server": {"workers": 2, "threads": 4},
        "seconds": 1,
        "groups": {
            "search": {"rows": rows, "ratios": {"page q=防災, one at a time / no q (p50)": 2.25}, "searches": SEARCHES}
        },
    }
    results["targets"] = report.targets(results)
    search_targets = [t for t in results["targets"] if t["target"].startswith("search ")]
    assert len(search_targets) == 2 * len(SEARCHES)
    assert {t["met"] for t in search_targets if " page " in t["target"]} == {True}
    assert {t["met"] for t in search_targets if " API " in t["target"]} == {False}
    text = report.markdown(results)
    assert "#### Free-text search" in text and "page q=防災, one at a time / no q (p50)" in text
