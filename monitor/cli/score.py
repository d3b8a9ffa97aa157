"""`monitor score`: enterprise credit scores and colours; `monitor score adjust` for manual entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from monitor.casework.scoring import (
    SOURCES,
    Score,
    ScoringError,
    ScoringRules,
    adjust,
    scores,
)
from monitor.cli.options import Casework, casework_options, default_who, open_casework, parse_time
from monitor.cli.output import emit, format_option, say
from monitor.locale import lookup, text


def _rules(cw: Casework) -> ScoringRules:
    try:
        return ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None


def score_row(sc: Score, lang: str) -> dict[str, Any]:
    """A score as printed: JSON keys ``enterprise``, ``score``, ``colour``, ``deductions``,
    ``visits_per_year`` and ``frequency`` (the recommendation in words)."""
    row = sc.to_dict()
    visits = row["visits_per_year"]
    row["frequency"] = text("score.frequency", lang, visits=visits)
    return row


def _deductions_cell(row: dict[str, Any], lang: str) -> str:
    parts = []
    for d in row["deductions"]:
        who = f"#{d['lead_id']}" if d["lead_id"] is not None else d["ref"] or d["reason"]
        kind = d["kind"] if lang == "en" else lookup(f"score.kind.{d['kind']}", lang) or d["kind"]
        parts.append(f"{kind} {who} {d['points']:+g}")
    return "; ".join(parts)


@click.group(invoke_without_command=True)
@casework_options
@click.option("--at", "at_text", help="Score at this date (end of day) or time; default now.")
@format_option
@click.pass_context
def score(
    ctx: click.Context,
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    at_text: str | None,
    fmt: str,
) -> None:
    """Enterprise scores over the rolling 12 months: 100 plus the ledger's points.

    Colours: green >= 90, yellow 70 < score < 90, red <= 70. Every enterprise of the registry is
    listed, with the points of each source side by side (monitoring data, inspections,
    supervision, complaints, manual), the deductions behind its score and the recommended
    inspection frequency.

    \b
    Example:
      monitor score --db sqlite:///outlet-watch.db --sites sites.toml
      monitor score --at 2026-12-31 --format json
      monitor score adjust --enterprise E0001 --points -5 --reason "complaint 2026-11-02"
    """
    if ctx.invoked_subcommand is not None:
        return
    cw = open_casework(config_path, db, sites)
    at = parse_time(at_text, cw.config.timezone, end=True)
    rules = _rules(cw)
    with cw.session() as s:
        rows = [score_row(x, cw.config.lang) for x in scores(s, at, cw.registry, rules)]
    if fmt == "json":
        emit(rows, fmt)
        return
    for r in rows:
        r["deductions"] = _deductions_cell(r, cw.config.lang)
        r.update(r.pop("sources"))  # every source side by side
    if fmt == "table" and not rows:
        say("score_none")
        return
    emit(rows, fmt, ["enterprise", "score", "colour", *SOURCES, "frequency", "deductions"])


@score.command("adjust")
@casework_options
@click.option("--enterprise", required=True, help="Enterprise id.")
@click.option("--points", type=float, required=True, help="Points to add (negative deducts).")
@click.option("--reason", required=True, help="Why (complaint, inspection result, ...).")
@click.option("--who", default=default_who, show_default="$MONITOR_USER or login name")
@click.option("--at", "at_text", help="When it counts from (default now).")
def adjust_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    enterprise: str,
    points: float,
    reason: str,
    who: str,
    at_text: str | None,
) -> None:
    """Record a manual score adjustment with a reason.

    \b
    Example:
      monitor score adjust --enterprise E0001 --points -5 --reason "complaint 2026-11-02"
    """
    cw = open_casework(config_path, db, sites)
    at = parse_time(at_text, cw.config.timezone, end=True)
    with cw.session() as s:
        adjust(s, enterprise, points, reason, who, at=at)
    say("score_adjusted", enterprise=enterprise, points=f"{points:+g}", reason=reason)
