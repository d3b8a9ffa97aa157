"""Comparison tests (比对监测): a laboratory result against the analyser's value at that time.

A test that misses its tolerance is a ``validity`` finding of the outlet (detector
``comparison``), recorded like any finding (:func:`monitor.casework.leads.record_findings`), so
it opens or joins a lead, is scored and alerted.

Errors, with ``B`` the laboratory value and ``x`` the analyser's: absolute ``x - B``, relative
``(x - B) / B``. A pollutant's tolerance is a list of bands by the laboratory value, the first
band with ``B < below`` (or without ``below``) applying: ``absolute`` (same unit as the values)
or ``relative`` (a fraction). A test passes when ``|error| <= tolerance``.

Default tolerances (``DEFAULT_TOLERANCES``) are those of the actual-water-sample comparison of
HJ 355-2019 (水污染源在线监测系统（CODCr、NH3-N 等）运行技术规范), as recalled for this code and not
checked against the standard's text here: verify them, and override them in monitor.toml::

    [comparison.tolerances]
    w01018 = [{ below = 30, absolute = 5 }, { below = 60, relative = 0.30 },
              { below = 100, relative = 0.20 }, { relative = 0.15 }]     # COD, mg/L
    w21003 = [{ below = 2, absolute = 0.3 }, { relative = 0.15 }]        # NH3-N
    w21011 = [{ below = 0.4, absolute = 0.06 }, { relative = 0.15 }]     # TP
    w21001 = [{ below = 2, absolute = 0.3 }, { relative = 0.15 }]        # TN
    w01001 = [{ absolute = 0.5 }]                                         # pH

Severity of a failed test: ``medium`` when its error is at most twice the tolerance, ``high``
beyond. An optional ``announced`` column (yes/no, 是/否) says whether the enterprise knew of the
test beforehand: an analyser that passes the announced tests and fails the unannounced ones is an
``integrity`` sign (:func:`announcement_signs`). Spreadsheet (CSV or ``.xlsx``), one test a row: ``time``, ``pollutant`` (HJ 212 code),
``lab``, ``analyser``, ``tester``, and ``mn`` unless one outlet is given for the whole file; a bad
row refuses the whole file with one line naming the file and line. An empty ``analyser`` cell
takes the analyser's stored hourly value of the hour holding ``time`` (when a database session is
given), so the test is judged against what the outlet actually reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from detectors.finding import Finding
from monitor import clock
from monitor.config import DEFAULT_TIMEZONE, check_keys
from monitor.locale import text
from monitor.registry import sites_by_mn
from monitor.spreadsheets import SpreadsheetError, read_rows
from monitor.store.models import ReadingRow

__all__ = [
    "DEFAULT_TOLERANCES",
    "Band",
    "Comparison",
    "ComparisonError",
    "Verdict",
    "findings",
    "judge",
    "read_file",
    "stored_hourly",
    "tolerances_from",
]

DETECTOR: Final = "comparison"


class ComparisonError(ValueError):
    """A comparison-test file or tolerance table that cannot be used (one line: where and fix)."""


@dataclass(frozen=True)
class Band:
    """A tolerance band: applies when the laboratory value is below ``below`` (None: any)."""

    below: float | None = None
    absolute: float | None = None
    relative: float | None = None

    def describe(self) -> str:
        limit = f"±{self.absolute:g}" if self.absolute is not None else f"±{self.relative:.0%}"
        return limit if self.below is None else f"{limit} (lab < {self.below:g})"


DEFAULT_TOLERANCES: Final[dict[str, tuple[Band, ...]]] = {
    "w01018": (
        Band(30, absolute=5),
        Band(60, relative=0.30),
        Band(100, relative=0.20),
        Band(relative=0.15),
    ),
    "w21003": (Band(2, absolute=0.3), Band(relative=0.15)),
    "w21011": (Band(0.4, absolute=0.06), Band(relative=0.15)),
    "w21001": (Band(2, absolute=0.3), Band(relative=0.15)),
    "w01001": (Band(absolute=0.5),),
}


def tolerances_from(section: Mapping[str, Any] | None) -> dict[str, tuple[Band, ...]]:
    """The defaults with ``[comparison.tolerances]`` of monitor.toml replacing whole pollutants."""
    out = dict(DEFAULT_TOLERANCES)
    check_keys(section or {}, "[comparison]", ("tolerances",), ComparisonError)
    for code, bands in dict((section or {}).get("tolerances", {})).items():
        where = f"[comparison.tolerances].{code}"
        if not isinstance(bands, list) or not bands:
            raise ComparisonError(f"{where}: a list of bands, e.g. [{{ relative = 0.15 }}]")
        parsed = []
        for b in bands:
            try:
                band = Band(
                    None if b.get("below") is None else float(b["below"]),
                    None if b.get("absolute") is None else float(b["absolute"]),
                    None if b.get("relative") is None else float(b["relative"]),
                )
            except (AttributeError, TypeError, ValueError):
                band = Band(absolute=-1.0)
            if (band.absolute is None) == (band.relative is None) or min(
                x for x in (band.absolute, band.relative) if x is not None
            ) < 0:
                raise ComparisonError(
                    f"{where}: {b!r}: each band needs absolute or relative (not both, >= 0) "
                    "and may have below"
                )
            parsed.append(band)
        if parsed[-1].below is not None:
            raise ComparisonError(
                f"{where}: the last band must have no 'below' (it covers the rest)"
            )
        out[str(code)] = tuple(parsed)
    return out


@dataclass(frozen=True)
class Comparison:
    """One comparison test: outlet, pollutant, time, laboratory and analyser values, tester."""

    mn: str
    pollutant: str
    at: datetime
    lab: float
    analyser: float
    tester: str
    line: int = 0
    #: where the analyser value came from: ``file``, or ``stored`` (the stored hourly value)
    analyser_from: str = "file"
    #: whether the test was announced to the enterprise beforehand (None: not recorded)
    announced: bool | None = None


@dataclass(frozen=True)
class Verdict:
    """A judged test: its absolute and relative errors, the band applied and whether it passed."""

    test: Comparison
    error: float
    relative: float | None
    band: Band
    passed: bool

    @property
    def excess(self) -> float:
        """|error| over the tolerance (<= 1 passes)."""
        if self.band.absolute is not None:
            return abs(self.error) / self.band.absolute if self.band.absolute else math.inf
        assert self.band.relative is not None
        if self.relative is None:
            return math.inf
        return abs(self.relative) / self.band.relative if self.band.relative else math.inf

    def to_dict(self, tz: str = DEFAULT_TIMEZONE) -> dict[str, Any]:
        t = self.test
        return {
            "line": t.line,
            "mn": t.mn,
            "pollutant": t.pollutant,
            "time": pd.Timestamp(t.at).tz_convert(tz).isoformat(),
            "lab": t.lab,
            "analyser": t.analyser,
            "analyser_from": t.analyser_from,
            "error": round(self.error, 4),
            "relative": None if self.relative is None else round(self.relative, 4),
            "tolerance": self.band.describe(),
            "passed": self.passed,
            "tester": t.tester,
            "announced": t.announced,
        }


def judge(test: Comparison, tolerances: Mapping[str, Sequence[Band]]) -> Verdict:
    """The test against its pollutant's tolerance (:class:`ComparisonError` when none is known)."""
    bands = tolerances.get(test.pollutant)
    if not bands:
        raise ComparisonError(
            f"no tolerance for pollutant {test.pollutant}: add [comparison.tolerances].{test.pollutant}"
        )
    band = next(b for b in bands if b.below is None or test.lab < b.below)
    error = test.analyser - test.lab
    relative = error / test.lab if test.lab else None
    if band.absolute is not None:
        passed = abs(error) <= band.absolute + 1e-12
    else:
        assert band.relative is not None
        passed = relative is not None and abs(relative) <= band.relative + 1e-12
    return Verdict(test, error, relative, band, passed)


def findings(verdicts: Sequence[Verdict], lang: str = "en") -> list[Finding]:
    """A ``validity`` finding for each failed test (confidence 1: a measured fact)."""
    out = []
    for v in verdicts:
        if v.passed:
            continue
        t = v.test
        at = pd.Timestamp(t.at)
        evidence = {"rule": "comparison", **v.to_dict("UTC"), "standard": "HJ 355-2019"}
        evidence.pop("line")
        out.append(
            Finding(
                detector=DETECTOR,
                category="validity",
                mn=t.mn,
                pollutant=t.pollutant,
                start=at,
                end=at,
                severity="medium" if v.excess <= 2 else "high",
                confidence=1.0,
                summary=text(
                    "comparison.failed",
                    lang,
                    pollutant=t.pollutant,
                    analyser=f"{t.analyser:g}",
                    lab=f"{t.lab:g}",
                    tolerance=v.band.describe(),
                    tester=t.tester,
                ),
                evidence=evidence,
            )
        )
    return out


_YES: Final = frozenset({"yes", "y", "true", "1", "是", "事先通知", "通知"})
_NO: Final = frozenset({"no", "n", "false", "0", "否", "未通知", "飞行", "突击"})


def _announced(raw: str) -> bool | None:
    """The optional ``announced`` cell: yes/no (是/否, 1/0, true/false); empty: not recorded."""
    value = raw.strip().lower()
    if not value:
        return None
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ComparisonError(f"column announced: {raw!r} is not yes or no (是/否)")


def announcement_signs(
    verdicts: Sequence[Verdict], lang: str = "en", *, false_alarm_rate: float = 0.01
) -> list[Finding]:
    """An ``integrity`` finding for an analyser that passes the tests announced beforehand and
    fails the unannounced ones (for the announced ones the operator can make the analyser
    agree, e.g. calibrate or feed a known sample; between them it drifts).

    Null model: announcement does not change whether a test passes. Per outlet and pollutant,
    with at least 2 announced and 2 unannounced tests in the file, the one-sided Fisher exact
    test of the 2x2 table (announced / unannounced x passed / failed) gives the probability of at
    least as many unannounced failures; below ``false_alarm_rate`` divided by the number of
    (outlet, pollutant) pairs tested (Bonferroni), with at least 2 unannounced failures, it is a
    finding spanning the unannounced failures (high below a tenth of the bar, else medium).
    Honest traps: an analyser that fails tests whatever their announcement (a validity matter:
    each failed test is already a finding), and a file without the column.
    """
    from scipy.stats import fisher_exact

    groups: dict[tuple[str, str], list[Verdict]] = {}
    for v in verdicts:
        if v.test.announced is not None:
            groups.setdefault((v.test.mn, v.test.pollutant), []).append(v)
    tested = [
        (key, vs)
        for key, vs in groups.items()
        if sum(v.test.announced is True for v in vs) >= 2
        and sum(v.test.announced is False for v in vs) >= 2
    ]
    bar = false_alarm_rate / max(1, len(tested))
    out = []
    for (mn, pollutant), vs in tested:
        told = [v for v in vs if v.test.announced]
        untold = [v for v in vs if not v.test.announced]
        told_fail = sum(not v.passed for v in told)
        untold_fail = [v for v in untold if not v.passed]
        table = [[len(untold_fail), len(untold) - len(untold_fail)],
                 [told_fail, len(told) - told_fail]]  # fmt: skip
        p = float(fisher_exact(table, alternative="greater")[1])
        if len(untold_fail) < 2 or p >= bar:
            continue
        first = min(pd.Timestamp(v.test.at) for v in untold_fail)
        last = max(pd.Timestamp(v.test.at) for v in untold_fail)
        out.append(
            Finding(
                detector=DETECTOR,
                category="integrity",
                mn=mn,
                pollutant=pollutant,
                start=first,
                end=last,
                severity="high" if p < bar / 10 else "medium",
                confidence=round(1.0 - p, 4),
                summary=text(
                    "comparison.announced_only",
                    lang,
                    pollutant=pollutant,
                    told_pass=len(told) - told_fail,
                    told=len(told),
                    untold_fail=len(untold_fail),
                    untold=len(untold),
                ),
                evidence={
                    "rule": "announced_only",
                    "statistic": p,
                    "threshold": bar,
                    "window_hours": max(1.0, (last - first).total_seconds() / 3600),
                    "false_alarm_rate_per_year": None,
                    "announced_passed": len(told) - told_fail,
                    "announced": len(told),
                    "unannounced_failed": len(untold_fail),
                    "unannounced": len(untold),
                    "lines": sorted(v.test.line for v in untold_fail),
                },
            )
        )
    return out


def _number(cells: Mapping[str, str], column: str) -> float:
    raw = cells.get(column, "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ComparisonError(f"column {column}: {raw!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise ComparisonError(f"column {column}: {raw!r} must be a finite value >= 0")
    return value


def stored_hourly(session: Session, mn: str, pollutant: str, at: datetime) -> float | None:
    """The analyser's stored hourly value of the hour holding ``at`` (None when none)."""
    hour = pd.Timestamp(at).tz_convert("UTC").floor("h").to_pydatetime()
    q = sa.select(ReadingRow.value).where(
        ReadingRow.mn == mn,
        ReadingRow.pollutant == pollutant,
        ReadingRow.kind == "hour",
        ReadingRow.ts == hour,
    )
    value = session.scalar(q)
    return None if value is None else float(value)


def read_file(
    path: str | Path,
    *,
    tz: str = DEFAULT_TIMEZONE,
    mn: str | None = None,
    registry: Any = None,
    tolerances: Mapping[str, Sequence[Band]] = DEFAULT_TOLERANCES,
    session: Session | None = None,
) -> list[Verdict]:
    """Every test of a CSV or ``.xlsx`` file, judged; the first bad row raises
    :class:`ComparisonError` naming the file and line. With ``session``, an empty ``analyser``
    cell takes the stored hourly value (:func:`stored_hourly`)."""
    required = ["time", "pollutant", "lab", "analyser", "tester"] + ([] if mn else ["mn"])
    sites = sites_by_mn(registry) if registry is not None else None
    out = []
    try:
        for line, cells in read_rows(path, required=required):
            try:
                outlet = mn or cells.get("mn", "").strip()
                if not outlet:
                    raise ComparisonError("column mn is empty")
                if sites is not None and outlet not in sites:
                    raise ComparisonError(f"outlet {outlet} is not in the site registry")
                try:
                    at = clock.parse_time(cells.get("time", ""), tz, end=False)
                except clock.TimeFormatError as exc:
                    raise ComparisonError(f"column time: {exc}") from None
                tester = cells.get("tester", "").strip()
                if not tester:
                    raise ComparisonError(
                        "column tester is empty: who tested is part of the record"
                    )
                pollutant = cells.get("pollutant", "").strip()
                analyser, source = None, "file"
                if cells.get("analyser", "").strip() or session is None:
                    analyser = _number(cells, "analyser")
                else:
                    analyser, source = stored_hourly(session, outlet, pollutant, at), "stored"
                    if analyser is None:
                        raise ComparisonError(
                            f"column analyser is empty and no hourly value of {pollutant} of "
                            f"{outlet} is stored for {pd.Timestamp(at).tz_convert(tz):%Y-%m-%d %H}h; "
                            "give the analyser value"
                        )
                test = Comparison(
                    outlet,
                    pollutant,
                    at,
                    _number(cells, "lab"),
                    analyser,
                    tester,
                    line,
                    source,
                    _announced(cells.get("announced", "")),
                )
                out.append(judge(test, tolerances))
            except ComparisonError as exc:
                raise ComparisonError(f"{path}: line {line}: {exc}; nothing was recorded") from None
    except SpreadsheetError as exc:
        raise ComparisonError(str(exc)) from None
    if not out:
        raise ComparisonError(f"{path}: no tests under the header; one test a row")
    return out
