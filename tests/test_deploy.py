"""The deployment files in ``deploy/``: systemd units that systemd accepts, and every ``monitor``
command line in the units, the compose file and the container recipe accepted by the CLI itself.

The units are checked with ``systemd-analyze verify`` (a unit systemd would refuse, an unknown key
or a bad value is a warning there, so any output fails the test) after pointing them at this
checkout's ``monitor`` and the current user. Command lines are parsed by click exactly as
``monitor`` would parse them, without running them: an option renamed in the CLI fails here
before it fails on a production server at 02:30.
"""

from __future__ import annotations

import getpass
import grp
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from monitor.cli import main
from tests.services import require_binary

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("outlet-watch-*.*"))
INSTALLED = "/opt/outlet-watch/venv/bin/monitor"


def parse_monitor_args(args: list[str]) -> click.Context:
    """Parse ``monitor ARGS`` down to the leaf command without invoking it (click raises
    UsageError on an unknown command, option or bad value)."""
    ctx = main.make_context("monitor", list(args))
    command: click.Command = main
    while isinstance(command, click.Group):
        # a group keeps its subcommand's name apart from the rest (click 8's "protected" args)
        rest = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        ctx = sub.make_context(name, rest, parent=ctx)
        command = sub
    return ctx


def monitor_lines(text: str) -> list[list[str]]:
    """Every ``.../monitor ...`` command line in ``text`` (a unit's Exec lines, a shell string);
    a quoted shell substitution ``"$(...)"`` stands for one argument (a date here)."""
    text = re.sub(r'"\$\((?:[^()]|\([^()]*\))*\)"', "2026-01-01", text)
    found = []
    for m in re.finditer(r"(?:^|[\s'\"=;])(?:\S*/)?monitor ([^;'\n>]+)", text):
        found.append(shlex.split(m.group(1).replace("%%", "%")))
    return found


def test_there_are_units_for_every_long_running_part() -> None:
    names = {p.name for p in UNITS}
    assert {
        "outlet-watch-ingest.service",
        "outlet-watch-gateway.service",
        "outlet-watch-serve.service",
        "outlet-watch-history.service",
        "outlet-watch-history.timer",
    } <= names


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyse = require_binary("systemd-analyze")
    monitor = Path(sys.executable).with_name("monitor")
    env = tmp_path / "outlet-watch.env"
    env.write_text("MONITOR_DB=sqlite:///x.db\n", encoding="utf-8")
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        text = text.replace(INSTALLED, str(monitor))
        text = text.replace("/etc/outlet-watch/outlet-watch.env", str(env))
        text = re.sub(r"(?m)^User=.*$", f"User={user}", text)
        text = re.sub(r"(?m)^Group=.*$", f"Group={group}", text)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [analyse, "verify", "--man=no", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr + done.stdout


def test_systemd_verify_would_catch_a_bad_unit(tmp_path: Path) -> None:
    """The check above can fail: a misspelt key is reported."""
    analyse = require_binary("systemd-analyze")
    unit = tmp_path / "outlet-watch-bad.service"
    unit.write_text("[Service]\nExecStart=/bin/true\nRestart=sometimes\n", encoding="utf-8")
    done = subprocess.run(
        [analyse, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert "sometimes" in done.stderr


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_unit_command_lines_parse(unit: Path) -> None:
    exec_lines = [
        line.partition("=")[2]
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith(("ExecStart=", "ExecStartPre="))
    ]
    commands = [args for line in exec_lines for args in monitor_lines(line)]
    assert commands, f"{unit.name} runs no monitor command"
    for args in commands:
        parse_monitor_args(args)


def test_the_ingest_unit_does_not_restart_into_a_client_id_clash() -> None:
    text = (DEPLOY / "systemd" / "outlet-watch-ingest.service").read_text(encoding="utf-8")
    from ingest.daemon import EXIT_CLIENT_ID_CLASH

    assert f"RestartPreventExitStatus={EXIT_CLIENT_ID_CLASH}" in text


def test_compose_commands_parse_and_files_exist() -> None:
    compose = yaml.safe_load((DEPLOY / "compose" / "compose.yaml").read_text(encoding="utf-8"))
    ours = {
        name: svc
        for name, svc in compose["services"].items()
        if svc.get("image", "").startswith("outlet-watch")
    }
    assert {"migrate", "ingest", "gateway", "web", "history"} <= set(ours)
    for name, svc in ours.items():
        command = svc["command"]
        if "entrypoint" in svc:  # a shell loop around monitor
            lines = monitor_lines(" ".join(command).replace("$$", "$"))
            assert lines, name
        else:
            lines = [command]
        for args in lines:
            parse_monitor_args(args)
    build = compose["x-outlet-watch"]["build"]
    assert (DEPLOY / "compose" / build["context"] / build["dockerfile"]).is_file()
    for svc in compose["services"].values():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            made_by_operator = {"./passwd", "./etc"}
            if source.startswith("./") and source not in made_by_operator:
                assert (DEPLOY / "compose" / source).exists(), source
    assert (DEPLOY / "compose" / "etc" / "monitor.toml").is_file()


def test_container_recipe_copies_what_exists() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    for m in re.finditer(r"(?m)^COPY (?!--from)(.+) \S+$", text):
        for source in m.group(1).split():
            assert (REPO / source).exists(), source
    assert 'ENTRYPOINT ["monitor"]' in text


@pytest.mark.parametrize(
    "args", [["detect", "--no-progres"], ["serve", "--port", "x"], ["db", "upgrad"]]
)
def test_a_command_line_the_cli_refuses_fails_the_check(args: list[str]) -> None:
    with pytest.raises(click.UsageError):
        parse_monitor_args(args)
