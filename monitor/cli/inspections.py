"""`monitor inspections draw`: the "double random" inspection plan for a period."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from monitor.casework import inspections as insp
from monitor.casework.scoring import ScoringError, ScoringRules, scores
from monitor.cli.options import casework_options, open_casework, parse_time
from monitor.cli.output import emit, format_option
from monitor.config import ConfigError, check_keys
from monitor.registry import enterprise_districts


@click.group()
def inspections() -> None:
    """Inspection plans drawn at random: random enterprises (weighted by colour), random inspectors.

    \b
    Example:
      monitor inspections draw --period 2026-12 --seed 20261201 --inspectors inspectors.csv
    """


def _shares(
    cfg_section: dict[str, Any], yellow: float | None, green: float | None
) -> dict[str, float]:
    shares = dict(insp.DEFAULT_SHARES)
    shares.update({k: float(v) for k, v in (cfg_section.get("shares") or {}).items()})
    if yellow is not None:
        shares["yellow"] = yellow
    if green is not None:
        shares["green"] = green
    return shares


def _triage_key(section: dict[str, Any], flag: int | None) -> int:
    """The key share's size: the flag, else ``[inspections].triage_key``, else 0."""
    if flag is not None:
        return flag
    value = section.get("triage_key", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            f"[inspections] triage_key = {value!r}: give a whole number of enterprises (0: off)"
        )
    return value


def _weights(session: Any, at: Any, rules: ScoringRules) -> dict[str, float]:
    """Each enterprise's triage weight from its active leads, ranked by the newest model (or the
    prior) as the queue ranks them (kept in the ranking audit)."""
    from monitor.casework import leads as L
    from monitor.casework import triage as T

    active = L.list_leads(session, status="active")
    _, ranks = T.queue_order(session, active, sort="triage", now=at, rules=rules)
    return T.enterprise_weights(ranks.values())


@inspections.command("draw")
@casework_options
@click.option("--period", required=True, help="Month of the plan, YYYY-MM.")
@click.option(
    "--seed", type=int, required=True, help="Seed of the draw (publish it with the list)."
)
@click.option(
    "--inspectors",
    "inspectors_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Inspectors: CSV or .xlsx with a 'name,district' header, or TOML [[inspector]] "
    "(default: [inspections].inspectors).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Publishable list: .csv (UTF-8 with BOM) or .xlsx (default: inspections-PERIOD.csv).",
)
@click.option(
    "--yellow-share", type=click.FloatRange(0, 1), help="Share of yellow enterprises (0.5)."
)
@click.option(
    "--green-share", type=click.FloatRange(0, 1), help="Share of green enterprises (0.1)."
)
@click.option("--team-size", type=click.IntRange(1, 10), default=1, show_default=True)
@click.option(
    "--triage-key",
    type=click.IntRange(0),
    help="Key share: this many more enterprises, drawn after the random share and weighted by "
    "triage (the probability of their most likely active lead); default "
    "[inspections].triage_key, else 0 (off).",
)
@click.option("--at", "at_text", help="Colours as scored at this date (default now).")
@click.option("--replace", is_flag=True, help="Replace a draw already recorded for the period.")
@format_option
def draw_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    period: str,
    seed: int,
    inspectors_path: Path | None,
    out: Path | None,
    yellow_share: float | None,
    green_share: float | None,
    team_size: int,
    triage_key: int | None,
    at_text: str | None,
    replace: bool,
    fmt: str,
) -> None:
    """Draw enterprises for PERIOD (every red one, shares of yellow and green) and assign
    inspectors at random (not the same as the enterprise's previous draw when avoidable).

    The same seed and period give the same draw. Writes the publishable CSV and records the
    draw in the database. Inspectors file format: CSV with header 'name,district' or TOML with
    [[inspector]] tables (name, district).

    \b
    Example:
      monitor inspections draw --period 2026-12 --seed 20261201 --inspectors inspectors.csv --out plan.csv
    """
    cw = open_casework(config_path, db, sites, need_registry=True)
    section = cw.config.sections.get("inspections", {})
    try:
        check_keys(section, "[inspections]", ("inspectors", "shares", "triage_key"))
        key = _triage_key(section, triage_key)
        check_keys(section.get("shares") or {}, "[inspections.shares]", insp.DEFAULT_SHARES)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    path = inspectors_path or section.get("inspectors")
    if not path:
        raise click.ClickException(
            "no inspectors: give --inspectors FILE (CSV or .xlsx 'name,district') or [inspections].inspectors"
        )
    try:
        inspectors = insp.load_inspectors(path)
        rules = ScoringRules.from_dict(cw.config.scoring)
    except (insp.InspectionError, ScoringError) as exc:
        raise click.ClickException(str(exc)) from None
    at = parse_time(at_text, cw.config.timezone, end=True)
    out = out or Path(f"inspections-{period}.csv")
    with cw.session() as s:
        current = scores(s, at, cw.registry, rules)
        weights = _weights(s, at, rules) if key else None
        d = insp.draw(
            current,
            period,
            seed,
            inspectors,
            _shares(section, yellow_share, green_share),
            previous=insp.previous_inspectors(s, period),
            districts=enterprise_districts(cw.registry),
            team_size=team_size,
            key=key,
            weights=weights,
        )
        insp.record_draw(s, d, replace=replace)
    insp.write_csv(d, out)
    emit(d.to_dicts(), fmt, list(d.columns), empty="(no enterprise drawn)")
    if fmt == "table":
        click.echo(
            f"\n{len(d.assignments)} of {len(current)} enterprises drawn; list written to {out}"
        )
