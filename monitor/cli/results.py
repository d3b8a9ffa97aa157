"""`monitor results`: inspection results and supervision findings, one by one or from a
spreadsheet, and their rectification; each moves the enterprise's score."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.casework import results as R
from monitor.casework.scoring import ScoringError, ScoringRules
from monitor.cli.options import Casework, casework_options, default_who, open_casework, parse_time
from monitor.cli.output import emit, emit_one, format_option, say, shown

LIST_COLUMNS = (
    "id",
    "source",
    "enterprise",
    "at",
    "period",
    "problem",
    "category",
    "penalty",
    "minor",
    "unintentional",
    "corrected",
    "rectified",
    "points",
)
SOURCE = click.option(
    "--source",
    type=click.Choice(R.SOURCES),
    default="inspection",
    show_default=True,
    help="A double-random inspection visit, or a finding of higher-level supervision.",
)


def _rules(cw: Casework) -> ScoringRules:
    try:
        return ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
def results() -> None:
    """Inspection results and supervision findings in the score.

    \b
    A problem deducts [scoring.results.categories] points (plus [scoring.results] penalty when
    fined; supervision_factor times for supervision), lessened by [scoring.results.leniency]
    (first, minor, unintentional, corrected in time); rectification gives back restore_share.
    Example:
      monitor results add --enterprise E0001 --date 2026-12-03 --period 2026-12 --problem \\
        --category facility --evidence "aeration tank off" --minor --corrected
      monitor results import visits.xlsx --source inspection
      monitor results rectify 4 --note "fan repaired, photos filed"
    """


@results.command("add")
@casework_options
@SOURCE
@click.option("--enterprise", required=True, help="Enterprise id (registry).")
@click.option("--date", "date_text", required=True, help="When the visit or finding was.")
@click.option("--problem/--no-problem", required=True, help="A problem found, or none.")
@click.option("--category", help="Category of the problem ([scoring.results.categories]).")
@click.option("--evidence", default="", help="What was found (photos, records, samples).")
@click.option("--penalty", type=click.FloatRange(0), default=0.0, help="Fine imposed, yuan.")
@click.option("--minor", is_flag=True, help="A minor violation.")
@click.option("--unintentional", is_flag=True, help="No intent or fault shown.")
@click.option("--corrected", is_flag=True, help="Corrected in time.")
@click.option("--period", help="The draw's period, YYYY-MM (inspections).")
@click.option("--authority", default="", help="Who supervised (supervision findings).")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
@format_option
def add_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    source: str,
    enterprise: str,
    date_text: str,
    problem: bool,
    category: str | None,
    evidence: str,
    penalty: float,
    minor: bool,
    unintentional: bool,
    corrected: bool,
    period: str | None,
    authority: str,
    who: str,
    fmt: str,
) -> None:
    """Record one result and its score entry.

    \b
    Example:
      monitor results add --enterprise E0001 --date 2026-12-03 --period 2026-12 --no-problem
      monitor results add --source supervision --authority "provincial inspection team" \\
        --enterprise E0002 --date 2026-11-20 --problem --category monitoring --penalty 50000
    """
    cw = open_casework(config_path, db, sites)
    at = parse_time(date_text, cw.config.timezone, end=False)
    assert at is not None
    item = R.ResultInput(
        source, enterprise, at, problem, category, evidence, penalty, minor, unintentional,
        corrected, period, authority,
    )  # fmt: skip
    rules = _rules(cw)
    with cw.session() as s:
        row = R.record(s, item, who, rules=rules, registry=cw.registry)
        points = R.points_of(s, [row])[row.id]
        d = R.result_dict(row, tz=cw.config.timezone, points=points)
    if fmt == "table":
        say("result_recorded", source=shown("source", source), id=d["id"],
            enterprise=enterprise, points=f"{points:+g}")  # fmt: skip
    else:
        emit_one(d, fmt)


@results.command("import")
@casework_options
@SOURCE
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--authority", default="", help="Who supervised, for rows that do not say.")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
def import_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    source: str,
    path: Path,
    authority: str,
    who: str,
) -> None:
    """Record every row of a CSV or .xlsx file; one bad row refuses the whole file.

    \b
    Columns (header): enterprise, date, problem (yes/no) required; category, evidence, penalty,
    minor, unintentional, corrected (yes/no), period, authority optional.
    Example:
      monitor results import visits-2026-12.xlsx --source inspection
    """
    cw = open_casework(config_path, db, sites)
    rules = _rules(cw)
    with cw.session() as s:
        items = R.read_file(
            path, source, tz=cw.config.timezone, rules=rules, registry=cw.registry,
            authority=authority,
        )  # fmt: skip
        rows = R.record_many(s, items, who, where=str(path), rules=rules, registry=cw.registry)
        total = sum(R.points_of(s, rows).values())
    problems = sum(1 for r in rows if r.problem)
    click.echo(
        f"{len(rows)} {source} results recorded ({problems} with a problem, {total:+g} points)"
    )


@results.command("rectify")
@casework_options
@click.argument("result_id", type=int)
@click.option("--date", "date_text", help="When it was rectified (default now).")
@click.option("--note", default="", help="How (kept with the score entry).")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
def rectify_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    result_id: int,
    date_text: str | None,
    note: str,
    who: str,
) -> None:
    """Record that a problem was rectified: [scoring.results] restore_share of its points back.

    \b
    Example:
      monitor results rectify 4 --date 2026-12-10 --note "fan repaired, photos filed"
    """
    cw = open_casework(config_path, db, sites)
    at = parse_time(date_text, cw.config.timezone, end=False)
    rules = _rules(cw)
    with cw.session() as s:
        back = R.rectify(s, result_id, who, note=note, at=at, rules=rules)
    say("result_rectified", id=result_id, points=f"{back:+g}")


@results.command("list")
@casework_options
@click.option("--source", type=click.Choice(R.SOURCES), help="Only this source.")
@click.option("--enterprise", help="Only this enterprise's results.")
@format_option
def list_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    source: str | None,
    enterprise: str | None,
    fmt: str,
) -> None:
    """List results, newest first, with the points each deducts now.

    \b
    Example:
      monitor results list --enterprise E0001 --format csv
    """
    cw = open_casework(config_path, db, sites)
    with cw.session() as s:
        found = R.list_results(s, source=source, enterprise=enterprise)
        points = R.points_of(s, found)
        rows = [R.result_dict(r, tz=cw.config.timezone, points=points[r.id]) for r in found]
    emit(rows, fmt, LIST_COLUMNS, empty="(no results)")
