"""`monitor triage`: train the model that ranks leads by how likely a visit confirms them."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.options import casework_options, default_who, open_casework, parse_time


@click.group()
def triage() -> None:
    """Lead triage: learn from inspection verdicts which leads to work first.

    \b
    Until a model is trained, `monitor leads list --sort triage` ranks by a prior from severity
    and confidence; once one is, that is the default order of the queue.
    Example:
      monitor triage train
      monitor leads list --status open
    """


@triage.command("train")
@casework_options
@click.option("--since", help="Only verdicts recorded from this time (default: all).")
@click.option("--until", help="Only verdicts recorded before this time (default: now).")
@click.option(
    "--who", default=default_who, show_default="$MONITOR_USER or login name", help="Who trains."
)
@click.option(
    "--if-enough",
    is_flag=True,
    help="For schedules: train on every verdict only when there are enough and some are new "
    "since the newest model; otherwise keep ranking with it (or the prior) and exit 0.",
)
def train_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    since: str | None,
    until: str | None,
    who: str,
    if_enough: bool,
) -> None:
    """Train a calibrated model on the recorded verdicts and store it as the next version; then
    rank the active leads with it (kept in the ranking audit).

    \b
    Example:
      monitor triage train --since 2026-01-01
    Nightly, after the history pass (deploy/systemd/outlet-watch-history.service does it):
      monitor triage train --if-enough
    """
    from monitor.casework import leads as L
    from monitor.casework import triage as T
    from monitor.casework.scoring import ScoringError, ScoringRules
    from monitor.locale import text

    cw = open_casework(config_path, db, sites)
    tz, lang = cw.config.timezone, cw.config.lang
    try:
        rules = ScoringRules.from_dict(cw.config.scoring)
    except ScoringError as exc:
        raise click.ClickException(str(exc)) from None
    lo = parse_time(since, tz, end=False)
    hi = parse_time(until, tz, end=True)
    if if_enough and (lo is not None or hi is not None):
        raise click.UsageError(text("triage.if_enough_window", lang))
    with cw.session() as s:
        try:
            row = T.retrain(s, who) if if_enough else T.train_stored(s, who, since=lo, until=hi)
        except T.TriageError as exc:
            raise click.ClickException(str(exc)) from None
        _, ranks = T.queue_order(s, L.list_leads(s, status="active"), sort="triage", rules=rules)
        stored = T.current_model(s)
    if row is None:
        version = stored[1].version if stored else 0
        click.echo(text("triage.kept", lang, version=version))
        click.echo(text("triage.ranks", lang, count=len(ranks), version=version))
        return

    def show(ts: object) -> str:
        import pandas as pd

        return pd.Timestamp(ts).tz_convert(tz).strftime("%Y-%m-%d %H:%M")

    click.echo(
        text(
            "triage.trained",
            lang,
            version=row.version,
            verdicts=row.n_verdicts,
            confirmed=row.n_confirmed,
            start=show(row.window_start),
            end=show(row.window_end),
            brier=row.metrics["brier"],
            brier_prior=row.metrics["brier_prior"],
        )
    )
    click.echo(text("triage.ranks", lang, count=len(ranks), version=row.version))
