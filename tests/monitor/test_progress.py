"""Progress of the long jobs on stderr, never on stdout; off with --no-progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.store import migrate


def _run(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, list(args), env={"MONITOR_CONFIG": ""})
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_db_upgrade_reports_each_revision(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    out, err = _run("db", "upgrade", "--db", db, "--progress")
    applied = [
        line.split()[1].rstrip(":") for line in err.splitlines() if line.startswith("applied")
    ]
    assert applied[0] == "0001" and applied[-1] == migrate.head()
    assert len(applied) == int(migrate.head())  # one line per revision, in order
    assert out.strip() == f"database upgraded from nothing to {migrate.head()}"
    _, quiet = _run("db", "upgrade", "--db", f"sqlite:///{tmp_path / 'q.db'}", "--no-progress")
    assert "applied" not in quiet


@pytest.fixture
def stored(tmp_path: Path) -> tuple[str, Path]:
    sim = tmp_path / "sim"
    _, err = _run("simulate", "--out", str(sim), "--outlets", "3", "--days", "3", "--progress")
    assert "simulating 3 outlets x 3 days" in err and "writing" in err
    db = f"sqlite:///{tmp_path / 's.db'}"
    out, err = _run(
        "detect", "--readings", str(sim / "readings.csv"), "--sites", str(sim / "sites.toml"),
        "--db", db, "--progress", "--detectors", "exceedance",
    )  # fmt: skip
    assert "import" in err and "imported" in err and "detect" in err
    assert "import" not in out  # findings only on stdout
    return db, sim


def test_export_shows_its_bar_on_stderr_only(stored: tuple[str, Path], tmp_path: Path) -> None:
    db, _ = stored
    out, err = _run("export", "--db", db, "--out", str(tmp_path / "x.csv"), "--progress")
    assert "export" in err and "wrote" in err and out == ""
    _, quiet = _run("export", "--db", db, "--out", str(tmp_path / "y.csv"), "--no-progress")
    assert quiet.startswith("wrote") and len(quiet.splitlines()) == 1  # the result line only
