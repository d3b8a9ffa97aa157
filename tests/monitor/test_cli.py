"""Every `monitor` command and subcommand answers --help with a description and an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from monitor.cli import COMMANDS, main


def _paths() -> list[list[str]]:
    out: list[list[str]] = []

    def walk(cmd: click.Command, path: list[str]) -> None:
        out.append(path)
        if isinstance(cmd, click.Group):
            ctx = click.Context(cmd)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                walk(sub, [*path, name])

    ctx = click.Context(main)
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert cmd is not None, name
        walk(cmd, [name])
    return out


@pytest.mark.parametrize("path", _paths(), ids=" ".join)
def test_help_has_a_description_and_an_example(path: list[str]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Usage: " in text
    assert "example" in text.lower(), f"`monitor {' '.join(path)} --help` shows no example"
    assert f"monitor {path[0]}" in text


def test_top_level_help_lists_every_command() -> None:
    text = CliRunner().invoke(main, ["--help"]).output
    assert all(name in text for name in COMMANDS)


def _runnable() -> list[list[str]]:
    """Every path that runs something: each leaf command, and each group that runs on its own."""
    ctx = click.Context(main)
    out = []
    for path in _paths():
        cmd: click.Command | None = main
        for name in path:
            assert isinstance(cmd, click.Group)
            cmd = cmd.get_command(ctx, name)
        assert cmd is not None
        if not isinstance(cmd, click.Group) or cmd.invoke_without_command:
            out.append(path)
    return out


@pytest.mark.parametrize("path", _runnable(), ids=" ".join)
def test_every_command_takes_config(path: list[str]) -> None:
    """`--config FILE` is accepted by every command (shared settings come from monitor.toml)."""
    ctx = click.Context(main)
    cmd: click.Command | None = main
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.get_command(ctx, name)
    assert cmd is not None
    options = {opt for param in cmd.params for opt in param.opts}
    assert "--config" in options, f"`monitor {' '.join(path)}` has no --config"
    assert "--config" in CliRunner().invoke(main, [*path, "--help"]).output
