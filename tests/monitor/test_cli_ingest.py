"""`monitor ingest`: help with examples; bad configuration is one line and exit code 1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from tests.ingest.daemon_stream import sites, write_registry


def test_help_has_examples() -> None:
    result = CliRunner().invoke(main, ["ingest", "--help"])
    assert result.exit_code == 0
    assert "monitor ingest --broker mqtt://127.0.0.1:1883" in result.output
    assert "--broker embedded" in result.output


def test_bad_registry_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "sites.toml"
    bad.write_text('[[site]]\nmn = "M1"\n', encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["ingest", "--sites", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        env={"MONITOR_CONFIG": ""},
    )
    assert result.exit_code == 1
    assert f"{bad}: site M1: key 'enterprise': missing" in result.output
    assert "Traceback" not in result.output


def test_bad_broker_url_is_one_line_exit_1(tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "sites.toml", sites(1))
    result = CliRunner().invoke(
        main,
        [
            "ingest",
            "--sites",
            str(registry),
            "--broker",
            "http://u:secret@h",
            "--db",
            "sqlite:///x.db",
        ],
        env={"MONITOR_CONFIG": ""},
    )
    assert result.exit_code == 1
    assert "scheme 'http' not supported" in result.output
    assert "secret" not in result.output
