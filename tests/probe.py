"""A script run in a fresh interpreter of this checkout, for tests of process-wide state (imports,
the garbage collector) that the test process itself has already changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def fresh_json(script: str, *args: str) -> Any:
    """``script`` run with ``args`` by a new interpreter (this checkout first on its path): the
    JSON value it prints. A failing script fails the test with its output."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(out.stdout)
