"""The apps' layering (docs/architecture.md, "Layers"): no app imports one above it, no private name is
imported across modules, and there is no import cycle. scripts/import_graph.py is the check."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_upward_import_no_private_name_no_cycle():
    result = subprocess.run(  # noqa: S603 — our own script, with this interpreter
        [sys.executable, str(ROOT / "scripts" / "import_graph.py"), "--strict-cycles"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
