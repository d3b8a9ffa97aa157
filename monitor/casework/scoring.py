"""Enterprise credit scores: a ledger of points over a rolling window (DESIGN.md section 8).

Rules (defaults in ``monitor/casework/scoring_defaults.toml``, overridden by ``[scoring]`` of monitor.toml):

- ``score(E, at) = min(100, max(0, 100 + sum(points of E's ledger events with
  at - window_months < ts <= at)))``.
- Colour: ``green`` if score >= 90, ``yellow`` if 70 < score < 90, ``red`` if score <= 70.
- A lead opening deducts ``provisional[category][severity]`` (kind ``provisional``), weighed by
  its evidence when its category is in ``evidence.categories`` (signs, not measured facts):
  ``w = clamp(c^p * (1 + min(1, h / evidence.sustained_hours)) / 2, evidence.min_weight, 1)``
  with ``p`` ``evidence.confidence_power`` (3), ``c`` the highest confidence of its findings of
  its own category and ``h`` the hours those findings cover (not the exceedance or completeness
  findings the lead also holds), so one short or low-confidence sign does not take a clean
  enterprise out of green while a confident, corroborated one does (each lead deducts its own
  points; a single sustained episode of one detector below ``evidence.lone_confidence`` stays a
  lone sign: the rule's limit); never less than the points of the measured facts it holds. A sign weighs at
  the severity of its own findings (:meth:`ScoringRules.sign_severity`), not at that of an
  exceedance it joined. One detector's word is not enough: an integrity lead that is not
  corroborated (:meth:`ScoringRules.corroborated`: its outlet's undismissed integrity leads within
  ``window_months`` hold first-look findings of one detector only, in fewer than
  ``evidence.corroborating_leads`` episodes (`_episodes`; a finding that lists the separate
  runs it judged, ``evidence.episode_list``, counts those beyond the ones it needed:
  `_finding_episodes`), none stated at
  ``evidence.lone_confidence`` or above)
  deducts ``evidence.lone_share`` of those points, and the outlet's uncorroborated leads together
  at most ``evidence.lone_cap``, so a lone sign below 0.99 leaves a clean enterprise green; a
  second detector agreeing, or the
  ``corroborating_leads``-th episode of the same, makes every one of them deduct its full points
  (the earlier ones raised, ledger rule ``corroborated:<category>.<severity>``). A validity lead
  that holds at least the ``evidence.repeated_episodes``-th sustained episode of its detector on
  its channel (:meth:`ScoringRules.repeated`) deducts an integrity lead's points at the pattern's
  confidence (an output held unflagged again and again; ledger rule
  ``repeated:integrity.<severity>``); escalating
  adds the difference to the new level's points; confirming adds the difference to
  ``final[category][severity]`` (kind ``final``; ``final.integrity`` for a repeated pattern, and
  never a rise of the score: a confirmed lead deducts at least what it did); dismissing gives back everything deducted for
  the lead (kind ``restored``). All of a lead's events carry the ``ts`` of its first event (the
  lead's start), so they enter and leave the rolling window together.
- Leniency: a lead whose ``category.severity`` is in ``leniency.minor``, of an enterprise with no
  other undismissed lead with ledger events in the window before it, is recorded with 0 points
  (kind ``lenient``); it stays at 0 when confirmed unless it escalated past minor.
- Manual adjustments (kind ``manual``) carry a reason and who made them.
- Other sources (:data:`SOURCES`): a substantiated complaint deducts ``complaint.substantiated``
  (:mod:`monitor.casework.complaints`); an inspection result or a supervision finding with a
  problem deducts ``results.categories[category]`` (plus ``results.penalty`` when fined; times
  ``results.supervision_factor`` for supervision) times its leniency factor, and rectification gives
  back ``results.restore_share`` of it (:mod:`monitor.casework.results`). Their entries carry the
  record in ``ref`` (``complaint:7``) and are netted per record like a lead's.
"""

from __future__ import annotations

import calendar
import math
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session

from detectors.finding import CATEGORIES, SEVERITIES
from monitor import clock
from monitor.casework import audit
from monitor.config import check_keys
from monitor.registry import enterprise_districts
from monitor.store.casework_models import FindingRow, LeadRow, ScoreEventRow

__all__ = [
    "COLOURS",
    "SOURCES",
    "Deduction",
    "Score",
    "ScoringError",
    "ScoringRules",
    "adjust",
    "colour_of",
    "default_rules",
    "record_source",
    "score_at",
    "scores",
    "source_points",
]

COLOURS: Final[tuple[str, ...]] = ("green", "yellow", "red")
START_SCORE: Final = 100.0
_HOUR: Final = timedelta(hours=1)
#: Where a ledger entry comes from: ``data`` (a lead of the monitoring data), an inspection
#: result, a supervision finding, a complaint, or a manual adjustment.
SOURCES: Final[tuple[str, ...]] = ("data", "inspection", "supervision", "complaint", "manual")


class ScoringError(ValueError):
    """Invalid scoring rules or adjustment."""


def colour_of(score: float) -> str:
    """``green`` if score >= 90, ``yellow`` if 70 < score < 90, ``red`` if score <= 70."""
    if score >= 90:
        return "green"
    if score > 70:
        return "yellow"
    return "red"


@dataclass(frozen=True)
class ScoringRules:
    """Points by category x severity, leniency, window and recommended visits per colour."""

    provisional: Mapping[str, Mapping[str, float]]
    final: Mapping[str, Mapping[str, float]]
    leniency_enabled: bool = True
    minor: frozenset[tuple[str, str]] = frozenset()
    window_months: int = 12
    visits_per_year: Mapping[str, float] = field(default_factory=dict)
    evidence_categories: frozenset[str] = frozenset({"integrity", "validity"})
    sustained_hours: float = 24.0
    min_weight: float = 0.25
    confidence_power: float = 3.0
    #: distinct episodes (more than ``episode_gap_hours`` apart) after which a validity lead
    #: (a standing condition: later episodes join it) weighs as a sign; 0 never
    repeated_episodes: int = 4
    episode_gap_hours: float = 24.0
    #: an integrity lead is corroborated when its outlet's undismissed integrity leads within
    #: ``window_months`` of its start hold first-look findings of two detectors or more, or
    #: when this many of them hold one (a repeated pattern); 0: every sign is corroborated
    corroborating_leads: int = 2
    #: the share of its weighed points an uncorroborated integrity lead deducts ...
    lone_share: float = 0.5
    #: ... and the most the outlet's uncorroborated integrity leads deduct together
    lone_cap: float = -9.5
    #: a sign at this confidence or above (the catalogue's most certain statement) stands alone
    lone_confidence: float = 0.99
    complaint_points: float = -3.0
    result_points: Mapping[str, float] = field(default_factory=dict)
    penalty_points: float = -5.0
    supervision_factor: float = 1.5
    restore_share: float = 0.5
    #: (conditions, factor) of ``results.leniency``, e.g. ({"first", "minor", "corrected"}, 0.0)
    result_leniency: tuple[tuple[frozenset[str], float], ...] = ()

    @classmethod
    def from_dict(cls, overrides: Mapping[str, Any] | None = None) -> ScoringRules:
        """The defaults with ``overrides`` (the ``[scoring]`` table) merged in, key by key; a key
        the defaults do not have is refused (except in the open tables of :data:`_OPEN`)."""
        defaults = _defaults_dict()
        _known_keys(dict(overrides or {}), defaults, "[scoring]")
        data = _merge(defaults, dict(overrides or {}))
        where = "[scoring]"
        try:
            provisional = _table(data["provisional"], f"{where}.provisional")
            final = _table(data["final"], f"{where}.final")
            leniency = data.get("leniency", {})
            minor = frozenset(
                _pair(s, f"{where}.leniency.minor") for s in leniency.get("minor", [])
            )
            visits = {c: float(data["visits_per_year"][c]) for c in COLOURS}
            window = int(data["window_months"])
            evidence = data.get("evidence", {})
            weighed = frozenset(str(c) for c in evidence.get("categories", []))
            sustained = _positive(evidence, "sustained_hours")
            min_weight = float(evidence.get("min_weight", 0.25))
            power = _positive(evidence, "confidence_power")
            repeated = evidence.get("repeated_episodes")
            if not isinstance(repeated, int) or isinstance(repeated, bool) or repeated < 0:
                raise ScoringError(
                    f"[scoring.evidence].repeated_episodes must be a whole number >= 0 (0: off), "
                    f"got {repeated!r}"
                )
            gap = _positive(evidence, "episode_gap_hours")
            corroborating = evidence.get("corroborating_leads")
            if (
                not isinstance(corroborating, int)
                or isinstance(corroborating, bool)
                or corroborating < 0
            ):
                raise ScoringError(
                    f"[scoring.evidence].corroborating_leads must be a whole number >= 0 "
                    f"(0: off), got {corroborating!r}"
                )
            lone_share = _share(evidence, "lone_share")
            lone_confidence = _share(evidence, "lone_confidence")
            lone_cap = evidence.get("lone_cap")
            if isinstance(lone_cap, bool) or not isinstance(lone_cap, int | float):
                lone_cap = math.nan
            if not (math.isfinite(lone_cap) and lone_cap <= 0):
                raise ScoringError(
                    f"[scoring.evidence].lone_cap must be a finite number of points <= 0, "
                    f"got {evidence.get('lone_cap')!r}"
                )
            sources = _sources(data)
        except ScoringError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            msg = f"{where}: invalid rules ({exc!r}); see monitor/casework/scoring_defaults.toml"
            raise ScoringError(msg) from None
        if window < 1:
            raise ScoringError(f"{where}.window_months must be >= 1, got {window}")
        if not 0 < min_weight <= 1 or weighed - set(CATEGORIES):
            raise ScoringError(
                f"{where}.evidence: 0 < min_weight <= 1 and categories among "
                f"{', '.join(CATEGORIES)} (got {min_weight}, {sorted(weighed)})"
            )
        return cls(
            provisional,
            final,
            bool(leniency.get("enabled", True)),
            minor,
            window,
            visits,
            weighed,
            sustained,
            min_weight,
            power,
            repeated,
            gap,
            corroborating,
            lone_share,
            float(lone_cap),
            lone_confidence,
            **sources,
        )

    @classmethod
    def load(cls, path: str | Path) -> ScoringRules:
        """Rules from a TOML file (a ``[scoring]`` table, or the rules at top level)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ScoringError(f"{path}: cannot read scoring rules ({exc})") from None
        return cls.from_dict(data.get("scoring", data))

    def points(self, stage: str, category: str, severity: str) -> float:
        """Points of a lead at ``stage`` (``provisional`` | ``final``)."""
        table = self.provisional if stage == "provisional" else self.final
        return float(table[category][severity])

    def evidence_weight(self, lead: LeadRow) -> float:
        """How much of its provisional points ``lead`` deducts (1 for categories not weighed)."""
        if lead.category not in self.evidence_categories:
            return 1.0
        signs = [f for f in lead.findings if f.category == lead.category] or list(lead.findings)
        confidences = [f.confidence for f in signs if f.confidence is not None]
        c = max(confidences) if confidences else 1.0
        hours = _covered_hours([(f.start, f.end) for f in signs]) if signs else 1.0
        sustain = (1.0 + min(1.0, hours / self.sustained_hours)) / 2.0
        return min(1.0, max(self.min_weight, c**self.confidence_power * sustain))

    def repeated(self, lead: LeadRow) -> float | None:
        """The confidence of ``lead`` as a validity condition met again and again, or None.

        Only findings whose hours were declared valid but not measured count (:func:`_unmeasured`:
        frozen's unflagged holds counted against the month's 90 % validity bar, whose passing
        frozen itself escalates; a hold at the series' floor, an NH3-N read at 0.01 or 0.2 for
        weeks, may be read and does not count). It is one when it holds a sustained episode (a
        run of such findings less than ``episode_gap_hours`` apart covering at least
        ``sustained_hours``) that is at least the
        ``repeated_episodes``-th such episode of the same detector on the same channel of the
        outlet within ``window_months``, whichever leads hold the earlier ones (a month's
        completeness lead may have taken one in) unless dismissed (an inspector cleared them: a
        repaired analyser's next hold is no pattern). One pattern is charged once: only the first
        validity lead holding the ``repeated_episodes``-th or a later episode weighs as it (a
        later episode that joined another channel's lead by time is no second pattern). A flow meter's range met for a few hours at
        each storm has no sustained episode; an analyser's output held for two days, unflagged,
        four times in half a year has four. The pattern is surer than any of its episodes: its
        confidence is that at least one of them is what its finding says,
        ``1 - prod(1 - c_i)`` over the episodes (each its most confident finding's ``c``)."""
        if lead.category != "validity" or not self.repeated_episodes:
            return None
        session = object_session(lead)
        best: float | None = None
        mine = [f for f in lead.findings if f.category == "validity" and _unmeasured(f)]
        for detector, pollutant in {(f.detector, f.pollutant) for f in mine}:
            own = _sustained_runs(
                [f for f in mine if (f.detector, f.pollutant) == (detector, pollutant)],
                self.episode_gap_hours,
                self.sustained_hours,
            )
            if not own:
                continue
            last = max(start for start, _, _ in own)
            runs = own
            if session is not None:
                # a dismissed lead's episodes were judged no sign: they count no more
                q = (
                    sa.select(FindingRow)
                    .outerjoin(LeadRow, LeadRow.id == FindingRow.lead_id)
                    .where(sa.or_(LeadRow.outcome.is_(None), LeadRow.outcome != "dismissed"))
                    .where(
                        FindingRow.mn == lead.mn,
                        FindingRow.detector == detector,
                        FindingRow.category == "validity",
                        FindingRow.pollutant.is_(None)
                        if pollutant is None
                        else FindingRow.pollutant == pollutant,
                        FindingRow.start > months_before(last, self.window_months),
                        FindingRow.start <= last,
                    )
                )
                found = [f for f in session.scalars(q) if _unmeasured(f)]
                runs = _sustained_runs(found, self.episode_gap_hours, self.sustained_hours)
            runs = [(start, c, holder) for start, c, holder in runs if start <= last]
            if len(runs) < self.repeated_episodes:
                continue
            # one pattern, one charge: the lead holding its repeated_episodes-th episode deducts
            # it, not another lead a later episode joined by time (another channel's note)
            # (a month's completeness lead holding it charges nothing: the next validity lead)
            holder = next((h for _, _, h in runs[self.repeated_episodes - 1 :] if h), None)
            if holder is not None and lead.id is not None and holder != lead.id:
                continue
            doubt = math.prod(1.0 - c for _, c, _ in runs)
            best = max(best or 0.0, 1.0 - doubt)
        return best

    def sign_severity(self, lead: LeadRow) -> str:
        """The severity of ``lead``'s own findings (of its category): a sign weighs at its own
        severity, not at that of an exceedance it joined (the exceedance's points are kept as a
        fact: :meth:`provisional_points`)."""
        own = [f.severity for f in lead.findings if f.category == lead.category]
        return max(own, key=SEVERITIES.index) if own else lead.severity

    def corroborated(self, lead: LeadRow) -> bool:
        """Whether an integrity lead's sign is corroborated: its outlet's undismissed integrity
        leads whose start is within ``window_months`` of its own (either side) hold first-look
        findings (:func:`_first_look`) of two detectors or more (they agree), or
        ``corroborating_leads`` of them hold one (a repeated pattern; the runs a finding lists
        in ``evidence.episode_list`` beyond those it needed count, :func:`_finding_episodes`),
        or one of its own
        first-look findings is stated at ``lone_confidence`` or above (the detector's most
        certain statement stands alone). A lead of another category, or with
        ``corroborating_leads`` 0, is always corroborated."""
        if lead.category != "integrity" or not self.corroborating_leads:
            return True
        own = [f for f in lead.findings if f.category == "integrity" and _first_look(f)]
        if any(float(f.confidence) >= self.lone_confidence for f in own):
            return True
        detectors = {f.detector for f in own}
        spans = [span for f in own for span in _finding_episodes(f)]  # first-look findings
        session = object_session(lead)
        if session is not None and lead.id is not None:
            q = (
                sa.select(FindingRow)
                .join(LeadRow, LeadRow.id == FindingRow.lead_id)
                .where(
                    FindingRow.category == "integrity",
                    *_signs_around(lead, self.window_months, undismissed=True),
                )
            )
            for f in session.scalars(q):
                if _first_look(f):
                    detectors.add(f.detector)
                    spans.extend(_finding_episodes(f))
        return len(detectors) >= 2 or _episodes(spans) >= self.corroborating_leads

    def _lone_spent(self, lead: LeadRow) -> float:
        """What the outlet's other undismissed integrity leads starting in the ``window_months``
        up to ``lead``'s start deduct (the ledger, and entries not yet written to it)."""
        session = object_session(lead)
        if session is None:
            return 0.0
        # either side of its start: any order (T3-2)
        q = sa.select(LeadRow.id).where(*_signs_around(lead, self.window_months, undismissed=True))
        ids = set(session.scalars(q))
        if not ids:
            return 0.0
        total = sa.select(sa.func.sum(ScoreEventRow.points)).where(ScoreEventRow.lead_id.in_(ids))
        pending = sum(
            e.points for e in session.new if isinstance(e, ScoreEventRow) and e.lead_id in ids
        )
        return float(session.scalar(total) or 0.0) + pending

    def provisional_points(self, lead: LeadRow) -> float:
        """The provisional points of ``lead``: its category and its findings' severity
        (:meth:`sign_severity`), weighed by evidence; an integrity lead not corroborated
        (:meth:`corroborated`: one detector's word, seen fewer than ``corroborating_leads``
        times) deducts ``lone_share`` of that, and the outlet's uncorroborated leads together
        at most ``lone_cap``; a repeated validity condition (:meth:`repeated`) weighs as a sign
        (integrity) of the pattern's confidence."""
        pattern = self.repeated(lead)
        if pattern is None:
            base = self.points("provisional", lead.category, self.sign_severity(lead))
            weighed = base * self.evidence_weight(lead)
            if not self.corroborated(lead):
                room = min(0.0, self.lone_cap - self._lone_spent(lead))
                weighed = max(weighed * self.lone_share, room)
        else:
            base = self.points("provisional", "integrity", lead.severity)
            weighed = base * min(1.0, max(self.min_weight, pattern**self.confidence_power))
        # never less than the measured facts the lead holds (an exceedance a sign joined)
        facts = [
            self.points("provisional", f.category, f.severity)
            for f in lead.findings
            if f.category not in self.evidence_categories
        ]
        return round(min([weighed, *facts]), 2)

    def is_minor(self, category: str, severity: str) -> bool:
        return self.leniency_enabled and (category, severity) in self.minor

    def leniency_factor(self, facts: set[str]) -> float:
        """The smallest ``results.leniency`` factor whose conditions all hold in ``facts`` (of
        ``first``, ``minor``, ``unintentional``, ``corrected``), else 1."""
        fits = [f for conds, f in self.result_leniency if conds <= facts]
        return min([1.0, *fits])


def _positive(evidence: Mapping[str, Any], key: str) -> float:
    """``[scoring.evidence].<key>`` as a finite number > 0 (the defaults always give one)."""
    value = evidence.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ScoringError(
            f"[scoring.evidence].{key} must be a finite number > 0, got {evidence.get(key)!r}"
        )
    return float(value)


def _share(evidence: Mapping[str, Any], key: str) -> float:
    """``[scoring.evidence].<key>`` as a number from 0 to 1."""
    value = evidence.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = math.nan
    if not 0 <= value <= 1:
        raise ScoringError(
            f"[scoring.evidence].{key} must be a number from 0 to 1, got {evidence.get(key)!r}"
        )
    return float(value)


def _utc(ts: datetime) -> datetime:
    """``ts`` aware (a database may hand back naive UTC)."""
    return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)


def _episodes(spans: Sequence[tuple[datetime, datetime]]) -> int:
    """How many episodes findings spanning ``spans`` (start, end) make: a finding starting after
    every earlier one has ended opens a new one. Findings on several channels at once, or
    overlapping, are one episode; holds a few hours apart in one lead (leads merge findings less
    than a day apart) are several: counting leads, one campaign kept going was one holder and
    never a repeated pattern (reviewer-T3's T3-3: five 47 h frozen holds 13 h apart, one lead,
    stayed green)."""
    return len(_merged(spans))


def _merged(spans: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """``spans`` (start, end) in order, those overlapping or touching the ones before merged:
    a span starting after every earlier one has ended opens a new one."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _finding_episodes(finding: Any) -> list[tuple[datetime, datetime]]:
    """The episodes (start, end) ``finding`` stands for. A detector that judges several
    separate runs together (flag_masking) lists them in ``evidence.episode_list``; the runs it
    needed to make the finding at all (``params.min_episodes``, 1 if unstated) are one
    episode, one test at its stated rate, and each counted run beyond them is one more (as a
    further finding would have been): a finding of two masked runs where two are needed is
    one detector's word, three are a repeated pattern (reviewer-T's 1a: counting every listed
    run made every flag_masking finding corroborate itself). Runs the detector lists without
    counting them (``kind`` companion) are no episode. A listed time without its offset, or a
    run outside the finding's own span, cannot be read as the detector meant it: the list
    then counts as the finding's own span (never more than the finding says)."""
    lo, hi = _utc(finding.start), _utc(finding.end)
    own = [(lo, hi)]
    evidence = finding.evidence or {}
    listed = evidence.get("episode_list")
    if not isinstance(listed, list) or not listed:
        return own
    needed = (evidence.get("params") or {}).get("min_episodes", 1)
    if isinstance(needed, bool) or not isinstance(needed, int) or needed < 1:
        return own
    try:  # in order: `_merged`
        runs = list(
            (datetime.fromisoformat(e["start"]), datetime.fromisoformat(e["end"]))
            for e in listed
            if e.get("kind") != "companion"
        )
    except (TypeError, KeyError, ValueError, AttributeError):
        return own
    if any(a.tzinfo is None or b.tzinfo is None or not lo <= a <= b <= hi for a, b in runs):
        return own
    merged = _merged(runs)  # overlapping runs are one episode
    if len(merged) <= needed:
        return own
    return [(merged[0][0], merged[needed - 1][1]), *merged[needed:]]


def _first_look(finding: Any) -> bool:
    """Whether ``finding`` was made at its detector's stated rate, not by a second look at an
    outlet the detector had already found (``evidence.found_outlet_factor`` set: judged at that
    factor times the rate only because of the first finding, so no independent sign)."""
    return (finding.evidence or {}).get("found_outlet_factor") is None


def _unmeasured(finding: Any) -> bool:
    """Whether ``finding`` says its hours were declared valid but not measured, counted against
    the month's 90 % validity bar (``evidence.held_hours_in_month``: frozen's unflagged holds;
    a hold at the series' floor, which may be read, carries none)."""
    return (finding.evidence or {}).get("held_hours_in_month") is not None


def _sustained_runs(
    findings: Sequence[Any], gap_hours: float, sustained_hours: float
) -> list[tuple[datetime, float, int | None]]:
    """The sustained episodes among ``findings``, as (start, highest confidence, the lowest id
    of a validity lead holding one of its findings, or None): runs of findings less than
    ``gap_hours`` apart whose union covers at least ``sustained_hours``."""
    gap = timedelta(hours=gap_hours)
    runs: list[list[Any]] = []
    reach: datetime | None = None
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        if runs and reach is not None and f.start <= reach + gap:
            runs[-1].append(f)
            reach = max(reach, f.end)
        else:
            runs.append([f])
            reach = f.end
    return [
        (
            run[0].start,
            max(float(f.confidence) for f in run),
            min((f.lead_id for f in run if _validity_lead(f)), default=None),
        )
        for run in runs
        if _covered_hours([(f.start, f.end) for f in run]) >= sustained_hours
    ]


def _validity_lead(finding: Any) -> bool:
    """Whether ``finding`` is held by a (stored) validity lead."""
    lead = getattr(finding, "lead", None)
    return finding.lead_id is not None and lead is not None and lead.category == "validity"


def _covered_hours(spans: Sequence[tuple[datetime, datetime]]) -> float:
    """Hours covered by the union of ``spans`` (each ``[start, end]`` of hourly readings, so one
    reading's span counts one hour): overlapping findings of several detectors count once."""
    total, cur_s, cur_e = 0.0, None, None
    for s, e in sorted(spans):
        e = e + _HOUR
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += (cur_e - cur_s).total_seconds()
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += (cur_e - cur_s).total_seconds()
    return total / 3600.0


LENIENCY_FACTS: Final[frozenset[str]] = frozenset({"first", "minor", "unintentional", "corrected"})


def _sources(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``complaint`` and ``results`` tables as :class:`ScoringRules` keyword arguments."""
    where = "[scoring.results]"
    results = data.get("results", {})
    categories = {str(k): float(v) for k, v in results.get("categories", {}).items()}
    if not categories or any(v > 0 for v in categories.values()):
        raise ScoringError(f"{where}.categories: give each category its (negative) points")
    leniency = []
    for key, factor in results.get("leniency", {}).items():
        conds = frozenset(str(key).split("+"))
        if conds - LENIENCY_FACTS or not 0 <= float(factor) <= 1:
            raise ScoringError(
                f"{where}.leniency: {key!r} = {factor}: conditions joined by '+' among "
                f"{', '.join(sorted(LENIENCY_FACTS))}, factor from 0 to 1"
            )
        leniency.append((conds, float(factor)))
    share = float(results.get("restore_share", 0.5))
    factor = float(results.get("supervision_factor", 1.5))
    if not 0 <= share <= 1 or factor <= 0:
        raise ScoringError(f"{where}: restore_share from 0 to 1 and supervision_factor > 0")
    return {
        "complaint_points": float(data.get("complaint", {}).get("substantiated", -3.0)),
        "result_points": categories,
        "penalty_points": float(results.get("penalty", -5.0)),
        "supervision_factor": factor,
        "restore_share": share,
        "result_leniency": tuple(leniency),
    }


def _defaults_dict() -> dict[str, Any]:
    raw = resources.files("monitor.casework").joinpath("scoring_defaults.toml").read_text("utf-8")
    return tomllib.loads(raw)


@cache
def default_rules() -> ScoringRules:
    """The packaged default rules."""
    return ScoringRules.from_dict()


#: Tables of the rules whose keys are the bureau's own (categories of problems, leniency rules).
_OPEN: Final = frozenset({"[scoring].results.categories", "[scoring].results.leniency"})


def _known_keys(over: Mapping[str, Any], base: Mapping[str, Any], where: str) -> None:
    """Refuse a key of ``over`` that ``base`` (the defaults) does not have, at any depth."""
    if where in _OPEN:
        return
    check_keys(over, where, base, ScoringError)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), Mapping):
            _known_keys(value, base[key], f"{where}.{key}")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _merge(dict(out[key]), dict(value))
        else:
            out[key] = value
    return out


def _table(data: Mapping[str, Any], where: str) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for category in CATEGORIES:
        row = data.get(category)
        if not isinstance(row, Mapping):
            raise ScoringError(f"{where}.{category} is missing (a table of low/medium/high points)")
        for severity in SEVERITIES:
            if not isinstance(row.get(severity), int | float):
                raise ScoringError(f"{where}.{category}.{severity} must be a number of points")
        out[category] = {s: float(row[s]) for s in SEVERITIES}
    return out


def _pair(text: str, where: str) -> tuple[str, str]:
    category, _, severity = str(text).partition(".")
    if category not in CATEGORIES or severity not in SEVERITIES:
        raise ScoringError(f"{where}: {text!r} is not 'category.severity' (e.g. 'exceedance.low')")
    return category, severity


def months_before(at: datetime, months: int) -> datetime:
    """``at`` moved back by calendar months (the 29th-31st clamp to the month's last day)."""
    month0 = at.month - 1 - months
    year, month = at.year + month0 // 12, month0 % 12 + 1
    return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deduction:
    """One line behind a score: a lead's net points (``kind`` its latest stage) or a manual entry."""

    ts: datetime
    points: float
    kind: str
    lead_id: int | None
    rule: str
    reason: str
    ref: str | None = None

    @property
    def source(self) -> str:
        """One of :data:`SOURCES`."""
        if self.lead_id is not None:
            return "data"
        kind = (self.ref or "").partition(":")[0]
        return kind if kind in SOURCES else "manual"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ts": self.ts.isoformat(),
            "points": _num(self.points),
            "kind": self.kind,
            "source": self.source,
            "lead_id": self.lead_id,
            "ref": self.ref,
            "rule": self.rule,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Score:
    """An enterprise's score at a time, its colour, the deductions behind it, recommended visits."""

    enterprise: str
    score: float
    colour: str
    deductions: list[Deduction]
    visits_per_year: float
    at: datetime

    @property
    def sources(self) -> dict[str, float]:
        """The points of each source (:data:`SOURCES`, all present) side by side."""
        out = dict.fromkeys(SOURCES, 0.0)
        for d in self.deductions:
            out[d.source] += d.points
        return {k: round(v, 3) for k, v in out.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise,
            "score": _num(self.score),
            "colour": self.colour,
            "visits_per_year": _num(self.visits_per_year),
            "sources": {k: _num(v) for k, v in self.sources.items()},
            "deductions": [d.to_dict() for d in self.deductions],
        }


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(float(x), 3)


def _events(
    session: Session, at: datetime, rules: ScoringRules, enterprise: str | None = None
) -> Sequence[ScoreEventRow]:
    q = sa.select(ScoreEventRow).where(
        ScoreEventRow.ts > months_before(at, rules.window_months), ScoreEventRow.ts <= at
    )
    if enterprise is not None:
        q = q.where(ScoreEventRow.enterprise == enterprise)
    return session.scalars(q.order_by(ScoreEventRow.id)).all()


def _build(
    enterprise: str, events: list[ScoreEventRow], at: datetime, rules: ScoringRules
) -> Score:
    total = sum(e.points for e in events)
    score = min(START_SCORE, max(0.0, START_SCORE + total))
    by_lead: dict[int | str, list[ScoreEventRow]] = defaultdict(list)
    deductions: list[Deduction] = []
    for e in events:
        if e.lead_id is not None:
            by_lead[e.lead_id].append(e)
        elif e.ref:
            by_lead[e.ref].append(e)
        else:
            deductions.append(Deduction(e.ts, e.points, e.kind, None, e.rule, e.reason))
    for key, evs in by_lead.items():
        net = sum(e.points for e in evs)
        last = evs[-1]
        if last.kind == "restored":
            continue
        kind = "lenient" if net == 0 and any(e.kind == "lenient" for e in evs) else last.kind
        lead_id = key if isinstance(key, int) else None
        ref = key if isinstance(key, str) else None
        deductions.append(Deduction(evs[0].ts, net, kind, lead_id, last.rule, last.reason, ref))
    deductions.sort(key=lambda d: (d.ts, d.lead_id or 0, d.ref or ""))
    colour = colour_of(score)
    return Score(enterprise, score, colour, deductions, rules.visits_per_year[colour], at)


def score_at(
    session: Session,
    enterprise: str,
    at: datetime | None = None,
    rules: ScoringRules | None = None,
) -> Score:
    """``enterprise``'s score at ``at`` (default now, UTC) under ``rules`` (default the defaults)."""
    rules = rules or default_rules()
    at = clock.now(at)
    return _build(enterprise, list(_events(session, at, rules, enterprise)), at, rules)


def scores(
    session: Session,
    at: datetime | None = None,
    registry: Any = None,
    rules: ScoringRules | None = None,
) -> list[Score]:
    """Scores of every enterprise of ``registry`` (even without events) and of every enterprise in
    the ledger, sorted by score then enterprise."""
    rules = rules or default_rules()
    at = clock.now(at)
    grouped: dict[str, list[ScoreEventRow]] = {e: [] for e in enterprise_districts(registry)}
    for ev in _events(session, at, rules):
        grouped.setdefault(ev.enterprise, []).append(ev)
    out = [_build(e, evs, at, rules) for e, evs in grouped.items()]
    return sorted(out, key=lambda s: (s.score, s.enterprise))


def adjust(
    session: Session,
    enterprise: str,
    points: float,
    reason: str,
    who: str,
    at: datetime | None = None,
    *,
    source: str = "",
) -> ScoreEventRow:
    """Record a manual adjustment (e.g. a complaint or an inspection result); a reason is required.

    It enters the audit trail from ``source`` (default: this machine's ``cli LOGIN@HOST``)."""
    if not reason.strip():
        raise ScoringError("a manual adjustment needs a reason (--reason)")
    if not enterprise.strip():
        raise ScoringError("a manual adjustment needs an enterprise (--enterprise)")
    now = clock.now()
    row = ScoreEventRow(
        enterprise=enterprise,
        ts=clock.now(at) if at is not None else now,
        points=float(points),
        kind="manual",
        lead_id=None,
        rule="manual",
        reason=reason.strip(),
        who=who,
        recorded_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "score.adjust",
        who,
        object=f"enterprise:{enterprise}",
        source=source,
        detail=f"{float(points):+g}: {reason.strip()}",
    )
    return row


def record_source(
    session: Session,
    enterprise: str,
    ref: str,
    ts: datetime,
    points: float,
    kind: str,
    rule: str,
    reason: str,
    who: str,
) -> ScoreEventRow:
    """Append a ledger entry of a record that is not a lead (``ref`` ``complaint:7``,
    ``inspection:12``, ``supervision:3``); the entries of one ``ref`` are netted in a score."""
    row = ScoreEventRow(
        enterprise=enterprise,
        ts=ts,
        points=round(float(points), 3),
        kind=kind,
        lead_id=None,
        ref=ref,
        rule=rule,
        reason=reason,
        who=who,
        recorded_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row


def source_points(session: Session, ref: str) -> float:
    """What the entries of ``ref`` deduct in all (0 when none)."""
    q = sa.select(sa.func.sum(ScoreEventRow.points)).where(ScoreEventRow.ref == ref)
    return float(session.scalar(q) or 0.0)


# -- hooks called by monitor.casework.leads ----------------------------------------------------------------


def _lead_events(session: Session, lead: LeadRow) -> list[ScoreEventRow]:
    q = sa.select(ScoreEventRow).where(ScoreEventRow.lead_id == lead.id)
    return list(session.scalars(q.order_by(ScoreEventRow.id)))


def _record(
    session: Session, lead: LeadRow, ts: datetime, points: float, kind: str, rule: str, who: str
) -> None:
    session.add(
        ScoreEventRow(
            enterprise=lead.enterprise,
            ts=ts,
            points=points,
            kind=kind,
            lead_id=lead.id,
            rule=rule,
            reason=f"lead #{lead.id}",
            who=who,
            recorded_at=clock.now(),
        )
    )


def on_leads_opened(
    session: Session, leads: list[LeadRow], rules: ScoringRules | None = None
) -> None:
    """Provisional deductions (or lenient 0-point entries) for newly opened leads, in start order:
    a minor lead is lenient when its enterprise has no other undismissed lead with ledger events in
    the ``window_months`` up to its start (leads of the same call count too)."""
    rules = rules or default_rules()
    history: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    minor = [x for x in leads if rules.is_minor(x.category, x.severity)]
    if minor:
        enterprises = sorted({x.enterprise for x in minor})
        lo = months_before(min(x.start for x in minor), rules.window_months)
        hi = max(x.start for x in minor)
        for i in range(0, len(enterprises), 500):
            q = (
                sa.select(ScoreEventRow.enterprise, ScoreEventRow.ts, ScoreEventRow.lead_id)
                .join(LeadRow, LeadRow.id == ScoreEventRow.lead_id)
                .where(
                    ScoreEventRow.enterprise.in_(enterprises[i : i + 500]),
                    ScoreEventRow.ts > lo,
                    ScoreEventRow.ts <= hi,
                    sa.or_(LeadRow.outcome.is_(None), LeadRow.outcome != "dismissed"),
                )
            )
            for enterprise, ts, lead_id in session.execute(q):
                history[enterprise].append((ts, lead_id))
    for lead in sorted(leads, key=lambda x: (x.start, x.id)):
        rule = f"{lead.category}.{lead.severity}"
        since = months_before(lead.start, rules.window_months)
        prior = any(
            lid != lead.id and since < ts <= lead.start for ts, lid in history[lead.enterprise]
        )
        if rules.is_minor(lead.category, lead.severity) and not prior:
            _record(session, lead, lead.start, 0.0, "lenient", f"leniency:{rule}", "system")
        else:
            pts = rules.provisional_points(lead)
            why = _rule("provisional", lead, rules)
            _record(session, lead, lead.start, pts, "provisional", why, "system")
        history[lead.enterprise].append((lead.start, lead.id))
    _raise_corroborated(session, leads, rules)


def _open_signs_around(session: Session, lead: LeadRow, rules: ScoringRules) -> list[LeadRow]:
    """The outlet's other open integrity leads starting within ``window_months`` of ``lead``'s
    start, either side: those whose corroboration ``lead`` may make or unmake."""
    q = sa.select(LeadRow).where(*_signs_around(lead, rules.window_months, undismissed=False))
    return list(session.scalars(q))


def _signs_around(lead: LeadRow, window_months: int, *, undismissed: bool) -> list[Any]:
    """Where-clauses of the outlet's other integrity leads (not ``lead``) starting within
    ``window_months`` of ``lead``'s start, either side; ``undismissed``: any lead not dismissed,
    else only open ones (no outcome yet). One place for the corroboration rule, the lone cap
    and the leads a new or dismissed lead may raise or lower."""
    lo = months_before(lead.start, window_months)
    outcome = (
        sa.or_(LeadRow.outcome.is_(None), LeadRow.outcome != "dismissed")
        if undismissed
        else LeadRow.outcome.is_(None)
    )
    return [
        LeadRow.mn == lead.mn,
        LeadRow.category == "integrity",
        LeadRow.id != lead.id,
        outcome,
        LeadRow.start > lo,
        LeadRow.start < lead.start + (lead.start - lo),
    ]


def _raise_corroborated(session: Session, leads: list[LeadRow], rules: ScoringRules) -> None:
    """The outlet's other active integrity leads around each of ``leads`` that corroborates them
    (a second detector, or the ``corroborating_leads``-th lead): each deducts the difference to
    its full weighed points (rule ``corroborated:...``), whatever order they were seen in."""
    if not rules.corroborating_leads:
        return
    signs = [x for x in leads if x.category == "integrity" and x.mn and x.id is not None]
    if not signs:
        return
    session.flush()
    others: dict[int, LeadRow] = {}
    for lead in signs:
        if rules.corroborated(lead):
            for other in _open_signs_around(session, lead, rules):
                others.setdefault(other.id, other)
    for other in sorted(others.values(), key=lambda x: (x.start, x.id)):
        events = _lead_events(session, other)
        if events and not any(e.kind in ("final", "restored", "lenient") for e in events):
            _deduct_rise(session, other, events, rules, "corroborated")
            session.flush()


def on_lead_opened(session: Session, lead: LeadRow, rules: ScoringRules | None = None) -> None:
    """Provisional deduction (or a lenient 0-point entry) for one newly opened lead."""
    session.flush()
    on_leads_opened(session, [lead], rules)


def _target(events: list[ScoreEventRow], lead: LeadRow, stage: str, rules: ScoringRules) -> float:
    """What ``lead`` deducts in all at ``stage``. Final points of a lead that weighs as a repeated
    pattern (:meth:`ScoringRules.repeated`) are an integrity lead's (validity's -3 would give back
    most of the -14.82 its pattern deducted), and confirming never gives points back: the final
    target is never above what the lead already deducts."""
    lenient = any(e.kind == "lenient" for e in events)
    if lenient and rules.is_minor(lead.category, lead.severity):
        return 0.0
    if stage == "provisional":
        return rules.provisional_points(lead)
    category = "integrity" if rules.repeated(lead) is not None else lead.category
    target = rules.points(stage, category, lead.severity)
    return min(target, sum(e.points for e in events))


def _rule(why: str, lead: LeadRow, rules: ScoringRules) -> str:
    """The ledger rule of an event of ``lead``: ``why:category.severity``, or
    ``repeated:integrity.severity`` when the lead weighs as a repeated pattern (its points are an
    integrity lead's, whatever stage; the entry's kind says the stage)."""
    if rules.repeated(lead) is not None:
        return f"repeated:integrity.{lead.severity}"
    return f"{why}:{lead.category}.{lead.severity}"


def on_lead_escalated(session: Session, lead: LeadRow, rules: ScoringRules | None = None) -> None:
    """Deduct the difference between the lead's new provisional points and what it has so far."""
    rules = rules or default_rules()
    events = _lead_events(session, lead)
    if not events:
        on_lead_opened(session, lead, rules)
        return
    _deduct_rise(session, lead, events, rules, "escalated")
    _raise_corroborated(session, [lead], rules)


def on_lead_grown(session: Session, lead: LeadRow, rules: ScoringRules | None = None) -> None:
    """A lead whose evidence grew (a longer span, a more confident finding) without a new category
    or severity: deduct the difference when its weighed provisional points are now larger. Points
    are never given back on growth (only a dismissal restores them), so a lead's deduction follows
    the strongest evidence seen, whatever order live detection saw it in."""
    rules = rules or default_rules()
    if lead.category not in rules.evidence_categories or lead.outcome is not None:
        return
    events = _lead_events(session, lead)
    if events and not any(e.kind in ("final", "restored") for e in events):
        _deduct_rise(session, lead, events, rules, "evidence")
        _raise_corroborated(session, [lead], rules)


def _deduct_rise(
    session: Session, lead: LeadRow, events: list[ScoreEventRow], rules: ScoringRules, why: str
) -> None:
    """Record (rule ``why:category.severity``) what the lead's provisional points now exceed its
    ledger by, if anything: deductions only grow this way."""
    delta = _target(events, lead, "provisional", rules) - sum(e.points for e in events)
    if delta <= -0.005:
        rule = _rule(why, lead, rules)
        _record(session, lead, events[0].ts, round(delta, 2), "provisional", rule, "system")


def on_lead_confirmed(
    session: Session, lead: LeadRow, who: str, rules: ScoringRules | None = None
) -> None:
    """Make the lead's points final: record the difference to ``final[category][severity]``
    (an integrity lead's for a repeated pattern; never above what the lead already deducts).
    A lead without an outlet (an operator's lead, :mod:`monitor.casework.operators`) is not
    scored: its company is no enterprise."""
    if not lead.mn:
        return
    rules = rules or default_rules()
    events = _lead_events(session, lead)
    ts = events[0].ts if events else lead.start
    current = sum(e.points for e in events)
    target = _target(events, lead, "final", rules)
    _record(session, lead, ts, target - current, "final", _rule("final", lead, rules), who)


def on_lead_dismissed(session: Session, lead: LeadRow, who: str) -> None:
    """Give back every point deducted for the lead."""
    events = _lead_events(session, lead)
    if events:
        current = sum(e.points for e in events)
        _record(session, lead, events[0].ts, -current, "restored", "dismissed", who)
    # leads this one corroborated go back to what they deduct without it (reviewer-T3 T3-1;
    # the default rules: `leads.dismiss` takes none)
    rules = default_rules()
    if lead.category != "integrity" or not lead.mn or not rules.corroborating_leads:
        return
    session.flush()
    for other in sorted(_open_signs_around(session, lead, rules), key=lambda x: (x.start, x.id)):
        evs = _lead_events(session, other)
        if not evs or not any(e.rule.startswith("corroborated:") for e in evs):
            continue
        if any(e.kind in ("final", "restored", "lenient") for e in evs):
            continue
        delta = rules.provisional_points(other) - sum(e.points for e in evs)
        if delta >= 0.005:
            _record(
                session,
                other,
                evs[0].ts,
                round(delta, 2),
                "provisional",
                f"uncorroborated:{other.category}.{other.severity}",
                "system",
            )
            session.flush()
