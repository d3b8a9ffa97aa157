"""``monitor hj212``: tools to debug HJ 212 devices."""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import click

from ingest.hj212.describe import describe, describe_lines
from ingest.hj212.packet import MAX_SEGMENT
from monitor.cli.options import config_option
from monitor.config import DEFAULT_TIMEZONE

__all__ = ["decode", "describe", "hj212"]


@click.group("hj212")
def hj212() -> None:
    """HJ 212 packets: decode what a device sends.

    \b
    Example:
      monitor hj212 decode packets.txt
    """


@hj212.command("decode")
@click.argument("source", type=click.File("rb"), default="-")
@click.option(
    "--tz", help=f"Zone of DataTime (default: timezone of monitor.toml, else {DEFAULT_TIMEZONE})."
)
@click.option("--strict-crc", is_flag=True, help="Reject Modbus CRCs instead of tagging them.")
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse the deviations real devices send (stray separators, upper-case fields, long "
    "segments, joined time pairs; docs/formats/hj212.md) instead of tagging them; implies "
    "--strict-crc.",
)
@click.option(
    "--max-length",
    type=int,
    default=MAX_SEGMENT,
    show_default=True,
    help="Longest data segment accepted (0: no limit).",
)
@config_option()
def decode(
    source: BinaryIO,
    tz: str | None,
    strict_crc: bool,
    strict: bool,
    max_length: int,
    config_path: Path | None,
) -> None:
    """Decode one packet per line of SOURCE (a file, or - for stdin): one JSON object per line.

    Success: {"ok": true, "crc", "qn", "st", "cn", "pw", "mn", "flag", "version", "datatime",
    "values": {code: {field: value}}, "cp": {other CP fields}, "deviations": [tags] when any}; failure:
    {"ok": false, "reason", "detail"}. Blank lines are skipped. Exit status 1 if any line failed.

    \b
    Example:
      echo '##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&1C80' | monitor hj212 decode -
    """
    from monitor.config import ConfigError, load_config

    if tz is None or config_path is not None:
        try:
            tz = tz or load_config(config_path).timezone
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    try:
        results = describe_lines(
            source,
            tz=tz,
            strict_crc=strict_crc or strict,
            max_length=max_length or None,
            strict=strict,
        )
    except ValueError as exc:
        raise click.ClickException(f"--tz {exc}") from None
    failed = 0
    for result in results:
        failed += not result["ok"]
        click.echo(json.dumps(result, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} line(s) failed to decode")
