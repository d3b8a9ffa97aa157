"""`monitor operators`: third-party operation and maintenance companies, their findings and leads
rolled up, and a lead of its own for a company with signs of falsification at several enterprises."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.casework import operators as OP
from monitor.cli.options import casework_options, open_casework, parse_time
from monitor.cli.output import emit, format_option

COLUMNS = (
    "operator",
    "sites",
    "enterprises",
    "findings",
    "leads",
    "signs",
    "confirmed",
    "sign_enterprises",
)


@click.group()
def operators() -> None:
    """Operation and maintenance companies (the registry's `operator = "..."` of each site).

    \b
    Example:
      monitor operators list --sites sites.toml
      monitor operators leads --min-enterprises 2
    """


@operators.command("list")
@casework_options
@click.option("--at", "at_text", help="Over the 12 months up to this date (default now).")
@format_option
def list_cmd(
    config_path: Path | None, db: str | None, sites: Path | None, at_text: str | None, fmt: str
) -> None:
    """Each company: sites, enterprises, findings, leads, signs of falsification (integrity leads
    not dismissed), confirmed falsification and the enterprises with signs; worst first.

    \b
    Example:
      monitor operators list --format csv > operators.csv
    """
    cw = open_casework(config_path, db, sites, need_registry=True)
    at = parse_time(at_text, cw.config.timezone, end=True)
    with cw.session() as s:
        rows = [f.to_dict() for f in OP.rollup(s, cw.registry, at=at)]
    emit(rows, fmt, COLUMNS, empty='(no site names an operator: add operator = "...")')


@operators.command("leads")
@casework_options
@click.option(
    "--min-enterprises",
    type=click.IntRange(2),
    default=OP.MIN_ENTERPRISES,
    show_default=True,
    help="Enterprises with signs that make a company a lead.",
)
def leads_cmd(
    config_path: Path | None, db: str | None, sites: Path | None, min_enterprises: int
) -> None:
    """Open (or update) a lead for each company with signs of falsification at several
    enterprises; the lead lists the sites (see `monitor leads show`).

    \b
    Example:
      monitor operators leads --sites sites.toml
    """
    cw = open_casework(config_path, db, sites, need_registry=True)
    with cw.session() as s:
        opened, updated = OP.open_operator_leads(s, cw.registry, min_enterprises=min_enterprises)
    click.echo(
        f"{len(opened)} operator leads opened"
        + (f" (#{', #'.join(map(str, opened))})" if opened else "")
        + f", {len(updated)} updated"
    )
