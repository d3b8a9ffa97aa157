"""`monitor comparison import`: comparison tests (比对监测) judged against their tolerance; a failed
one is a validity finding of the outlet (a lead, scored and alerted like any finding)."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.casework import comparison as CMP
from monitor.casework import leads as L
from monitor.casework.scoring import ScoringError, ScoringRules
from monitor.cli.options import casework_options, open_casework
from monitor.cli.output import emit, format_option, say

COLUMNS = (
    "line",
    "mn",
    "pollutant",
    "time",
    "lab",
    "analyser",
    "analyser_from",
    "error",
    "relative",
    "tolerance",
    "passed",
    "tester",
    "announced",
)


@click.group()
def comparison() -> None:
    """Comparison tests: a laboratory result against the analyser at the same time.

    \b
    Tolerances: HJ 355-2019 actual-water-sample bands by default (COD, NH3-N, TP, TN, pH),
    [comparison.tolerances] in monitor.toml to change them (docs/casework.md).
    Example:
      monitor comparison import tests-2026-11.xlsx --sites sites.toml
    """


@comparison.command("import")
@casework_options
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--mn", help="The outlet of every row (else a column 'mn').")
@click.option("--dry-run", is_flag=True, help="Judge the tests, record nothing.")
@format_option
def import_cmd(
    config_path: Path | None,
    db: str | None,
    sites: Path | None,
    path: Path,
    mn: str | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """Judge every test of a CSV or .xlsx file; failed ones become validity findings.

    \b
    Columns (header): time, pollutant (HJ 212 code), lab, analyser, tester, and mn unless --mn;
    optional announced (yes/no: was the enterprise told beforehand?). An empty analyser cell
    takes the stored hourly value of that hour. One bad row refuses the whole file. An analyser
    that passes the announced tests and fails the unannounced ones is an integrity finding.
    Example:
      monitor comparison import tests.csv --mn 61011500000001 --format csv > verdicts.csv
    """
    cw = open_casework(config_path, db, sites, need_registry=True)
    try:
        tolerances = CMP.tolerances_from(cw.config.sections.get("comparison"))
        rules = ScoringRules.from_dict(cw.config.scoring)
        with cw.session() as s:
            verdicts = CMP.read_file(
                path,
                tz=cw.config.timezone,
                mn=mn,
                registry=cw.registry,
                tolerances=tolerances,
                session=s,
            )
    except (CMP.ComparisonError, ScoringError) as exc:
        raise click.ClickException(str(exc)) from None
    emit([v.to_dict(cw.config.timezone) for v in verdicts], fmt, COLUMNS)
    failed = CMP.findings(verdicts, cw.config.lang)
    signs = CMP.announcement_signs(verdicts, cw.config.lang)
    counts = {"failed": len(failed), "tests": len(verdicts), "signs": len(signs)}
    if dry_run:
        if fmt == "table":
            click.echo()
            say("comparison_dry_run", **counts)
        return
    with cw.session() as s:
        changes = L.record_findings(s, failed + signs, cw.registry, rules=rules)
    if fmt == "table":
        click.echo()
        say("comparison_recorded", **counts, stored=changes.stored, opened=len(changes.opened),
            updated=len(changes.updated) + len(changes.escalated))  # fmt: skip
