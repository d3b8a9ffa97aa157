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
