"""Triage: which leads are worth a visit, learnt from the inspectors' verdicts (issue 16).

A lead's **features** (:data:`FEATURES`, :func:`lead_features`) are computed from what the system
knows about it at a time ``at`` and never from who it is (no MN, enterprise, site or district
enters a feature; the enterprise only links a lead to its own history):

- the lead: category (one-hot), severity (0 low, 1 medium, 2 high), highest and mean confidence
  of its findings, how many findings, detectors and channels (other channels at the same time),
  how long it spans (log hours), the share of integrity findings, which integrity detectors fired;
- the evidence: the highest exceedance ratio (value / limit), the strongest rarity claimed (-log10
  of the smallest ``false_alarm_rate_per_year`` or ``p_value``, capped at 12);
- how repeated: leads of the same outlet opened in the 90 days before, of the enterprise in the
  365 days before (all, integrity, exceedance);
- the enterprise's history before ``at``: leads confirmed and dismissed (verdicts recorded before
  ``at``), their smoothed rate ``(c + 1) / (c + d + 2)``, confirmed integrity leads, and those
  confirmed and dismissed among its leads sharing a detector with this one (the same sign met
  at the same plant before); its score and
  colour (0 green, 1 yellow, 2 red) from the ledger entries counting from before ``at`` (a
  lead's entries count from its start, as in :mod:`monitor.casework.scoring`);
- the outlet's data quality: completeness and validity findings recorded in the 90 days before.

The **model** (:func:`train`) is a logistic regression (L2, ``C = 0.1``) on standardised features
plus the prior's log-odds, calibrated by Platt scaling on held-out folds
(``CalibratedClassifierCV``, 3 stratified folds): with tens to hundreds of verdicts a linear model
shrunk towards the prior is what the data can carry (tuned on bench seeds 1-5, the figures in
docs/triage.md), and its per-feature terms ``coef * z`` say which features moved a lead ("why this
rank", :meth:`TriageModel.explain`). The target is the verdict (confirmed = 1, dismissed = 0) of
decided leads; each verdict's features are taken as they were just before it was recorded.

The **prior** (:func:`prior_probability`) stands in until :data:`MIN_VERDICTS` verdicts with at
least :data:`MIN_EACH` of each outcome exist: ``p = base[severity] * (0.5 + 0.5 * confidence)``
with ``base = {low: 0.10, medium: 0.25, high: 0.50}`` and ``confidence`` the lead's highest;
integrity leads get ``x 1.5`` (capped at 0.95): a sign of falsification is what a visit is for.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from monitor import clock
from monitor.casework.scoring import START_SCORE, ScoringRules, colour_of, default_rules
from monitor.store.base import in_chunks
from monitor.store.casework_models import (
    FindingRow,
    LeadEventRow,
    LeadRow,
    ScoreEventRow,
    TriageModelRow,
    TriageRankRow,
)

__all__ = [
    "FEATURES",
    "MIN_EACH",
    "MIN_VERDICTS",
    "Ranked",
    "TriageError",
    "TriageModel",
    "current_model",
    "enterprise_weights",
    "feature_matrix",
    "lead_features",
    "prior_probability",
    "queue_order",
    "rank_leads",
    "ranked_dict",
    "record_ranks",
    "retrain",
    "train",
    "train_stored",
    "verdict_examples",
    "why_text",
]

MIN_VERDICTS: Final = 30
DEFAULT_C: Final = 0.1
MIN_EACH: Final = 5
PRIOR_BASE: Final[dict[str, float]] = {"low": 0.10, "medium": 0.25, "high": 0.50}
PRIOR_INTEGRITY: Final = 1.5
SEVERITY: Final[dict[str, int]] = {"low": 0, "medium": 1, "high": 2}
COLOUR: Final[dict[str, int]] = {"green": 0, "yellow": 1, "red": 2}
CATEGORIES: Final[tuple[str, ...]] = ("integrity", "exceedance", "validity", "completeness")
#: Integrity detectors of the catalogue, one indicator feature each (a fixed list, so a stored
#: model's features do not change when the catalogue grows; a new detector counts in the shares).
INTEGRITY_DETECTORS: Final[tuple[str, ...]] = (
    "capping",
    "copied_data",
    "dilution",
    "flag_masking",
    "flow_mismatch",
    "frozen",
    "gap_hiding",
    "low_variability",
    "manual_values",
    "peer_outlier",
    "physics",
    "standard_substitution",
    "zero_floor",
)
FEATURES: Final[tuple[str, ...]] = (
    *(f"category_{c}" for c in CATEGORIES),
    "severity",
    "confidence_max",
    "confidence_mean",
    "findings_log",
    "detectors",
    "channels",
    "hours_log",
    "integrity_share",
    *(f"detector_{d}" for d in INTEGRITY_DETECTORS),
    "exceedance_ratio",
    "rarity",
    "outlet_leads_90d",
    "enterprise_leads_365d",
    "enterprise_integrity_365d",
    "enterprise_exceedance_365d",
    "enterprise_confirmed",
    "enterprise_dismissed",
    "enterprise_confirmed_rate",
    "enterprise_confirmed_integrity",
    "same_detector_confirmed",
    "same_detector_dismissed",
    "score",
    "colour",
    "outlet_completeness_90d",
    "outlet_validity_90d",
)
_DAY: Final = timedelta(days=1)
_EPS: Final = timedelta(microseconds=1)


class TriageError(ValueError):
    """Training is impossible (too few verdicts) or a stored model cannot be used."""


# -- features ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _History:
    """What is known around a set of leads: the leads of their enterprises (with verdict times),
    the findings of their outlets and the ledger of their enterprises."""

    leads: dict[str, list[LeadRow]] = field(default_factory=dict)  # by enterprise
    verdict_at: dict[int, datetime] = field(default_factory=dict)  # lead id -> confirm/dismiss
    quality: dict[str, list[tuple[str, datetime, datetime]]] = field(default_factory=dict)
    ledger: dict[str, list[tuple[datetime, float]]] = field(default_factory=dict)
    detectors: dict[int, set[str]] = field(default_factory=dict)  # decided lead id -> detectors


def _history(session: Session, leads: Sequence[LeadRow]) -> _History:
    h = _History()
    enterprises = sorted({x.enterprise for x in leads})
    mns = sorted({x.mn for x in leads})
    for chunk in in_chunks(enterprises):
        for lead in session.scalars(
            sa.select(LeadRow).where(LeadRow.enterprise.in_(chunk)).order_by(LeadRow.id)
        ):
            h.leads.setdefault(lead.enterprise, []).append(lead)
        for ent, ts, pts in session.execute(
            sa.select(ScoreEventRow.enterprise, ScoreEventRow.ts, ScoreEventRow.points).where(
                ScoreEventRow.enterprise.in_(chunk)
            )
        ):
            h.ledger.setdefault(ent, []).append((ts, float(pts)))
    ids = [x.id for xs in h.leads.values() for x in xs if x.outcome is not None]
    for chunk in in_chunks(ids):
        for lead_id, at in session.execute(
            sa.select(LeadEventRow.lead_id, LeadEventRow.at).where(
                LeadEventRow.lead_id.in_(chunk), LeadEventRow.action.in_(("confirm", "dismiss"))
            )
        ):
            h.verdict_at[lead_id] = at
        for lead_id, detector in session.execute(
            sa.select(FindingRow.lead_id, FindingRow.detector).where(FindingRow.lead_id.in_(chunk))
        ):
            h.detectors.setdefault(lead_id, set()).add(detector)
    for chunk in in_chunks(mns):
        for mn, cat, start, rec in session.execute(
            sa.select(
                FindingRow.mn, FindingRow.category, FindingRow.start, FindingRow.recorded_at
            ).where(
                FindingRow.mn.in_(chunk),
                FindingRow.category.in_(("completeness", "validity")),
            )
        ):
            h.quality.setdefault(mn, []).append((cat, start, rec))
    return h


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, int | float | np.floating | np.integer):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _own(lead: LeadRow) -> list[float]:
    """The features of the lead itself and its evidence."""
    rows = list(lead.findings)
    conf = [float(f.confidence) for f in rows] or [0.0]
    dets = {f.detector for f in rows}
    hours = max(0.0, (lead.end - lead.start).total_seconds() / 3600.0) + 1.0
    ratio, rarity = 0.0, 0.0
    for f in rows:
        ev = f.evidence if isinstance(f.evidence, dict) else {}
        r = _num(ev.get("ratio"))
        if r is not None and f.category == "exceedance":
            ratio = max(ratio, math.log(max(r, 1.0)))
        for key in ("false_alarm_rate_per_year", "p_value"):
            v = _num(ev.get(key))
            if v is not None and v > 0:
                rarity = max(rarity, min(12.0, -math.log10(v)))
    integrity = sum(f.category == "integrity" for f in rows)
    return [
        *(float(lead.category == c) for c in CATEGORIES),
        float(SEVERITY.get(lead.severity, 0)),
        max(conf),
        float(np.mean(conf)),
        math.log1p(len(rows)),
        float(len(dets)),
        float(len({f.pollutant for f in rows}) if rows else len(lead.pollutants or [])),
        math.log(hours),
        integrity / len(rows) if rows else float(lead.category == "integrity"),
        *(float(d in dets) for d in INTEGRITY_DETECTORS),
        ratio,
        rarity,
    ]


def _context(lead: LeadRow, at: datetime, h: _History) -> list[float]:
    """The features of the lead's outlet and enterprise as known at ``at``."""
    others = [x for x in h.leads.get(lead.enterprise, []) if x.id != lead.id and x.opened_at < at]
    outlet_90 = sum(x.mn == lead.mn and x.start > lead.start - 90 * _DAY for x in others)
    year = [x for x in others if x.start > lead.start - 365 * _DAY and x.start <= lead.end]
    verdicts = [x for x in others if x.id in h.verdict_at and h.verdict_at[x.id] < at]
    confirmed = sum(x.outcome == "confirmed" for x in verdicts)
    dismissed = sum(x.outcome == "dismissed" for x in verdicts)
    confirmed_integrity = sum(
        x.outcome == "confirmed" and x.category == "integrity" for x in verdicts
    )
    mine = {f.detector for f in lead.findings}
    alike = [x for x in verdicts if h.detectors.get(x.id, set()) & mine]
    alike_confirmed = sum(x.outcome == "confirmed" for x in alike)
    window = at - 365 * _DAY
    points = sum(p for ts, p in h.ledger.get(lead.enterprise, []) if window < ts < at)
    score = min(START_SCORE, max(0.0, START_SCORE + points))
    since = at - 90 * _DAY
    quality = [c for c, start, rec in h.quality.get(lead.mn, []) if rec < at and start > since]
    return [
        float(outlet_90),
        float(len(year)),
        float(sum(x.category == "integrity" for x in year)),
        float(sum(x.category == "exceedance" for x in year)),
        float(confirmed),
        float(dismissed),
        (confirmed + 1.0) / (confirmed + dismissed + 2.0),
        float(confirmed_integrity),
        float(alike_confirmed),
        float(len(alike) - alike_confirmed),
        score,
        float(COLOUR[colour_of(score)]),
        float(quality.count("completeness")),
        float(quality.count("validity")),
    ]


def feature_matrix(
    session: Session, leads: Sequence[LeadRow], at: Sequence[datetime] | datetime | None = None
) -> np.ndarray:
    """The features (:data:`FEATURES`, one row per lead) of ``leads`` as known at ``at`` (one time
    for all, one per lead, or now)."""
    if not leads:
        return np.zeros((0, len(FEATURES)))
    times = [clock.now(at)] * len(leads) if at is None or isinstance(at, datetime) else list(at)
    if len(times) != len(leads):
        raise ValueError("feature_matrix: one time per lead")
    h = _history(session, leads)
    return np.array([_own(x) + _context(x, t, h) for x, t in zip(leads, times, strict=True)])


def lead_features(session: Session, lead: LeadRow, at: datetime | None = None) -> dict[str, float]:
    """One lead's features by name (what the model sees)."""
    return dict(zip(FEATURES, feature_matrix(session, [lead], at)[0].tolist(), strict=True))


def verdict_examples(
    session: Session, *, since: datetime | None = None, until: datetime | None = None
) -> tuple[list[LeadRow], np.ndarray, np.ndarray, list[datetime]]:
    """Decided leads whose verdict was recorded in ``[since, until)``: the leads, their features
    just before their verdict, the target (confirmed 1, dismissed 0) and the verdict times."""
    q = (
        sa.select(LeadRow, LeadEventRow.at)
        .join(LeadEventRow, LeadEventRow.lead_id == LeadRow.id)
        .where(LeadEventRow.action.in_(("confirm", "dismiss")))
        .options(selectinload(LeadRow.findings))
        .order_by(LeadEventRow.at, LeadRow.id)
    )
    if since is not None:
        q = q.where(LeadEventRow.at >= since)
    if until is not None:
        q = q.where(LeadEventRow.at < until)
    pairs = [(lead, at) for lead, at in session.execute(q) if lead.outcome is not None]
    leads = [p[0] for p in pairs]
    times = [p[1] for p in pairs]
    x = feature_matrix(session, leads, [t - _EPS for t in times])
    y = np.array([1 if x.outcome == "confirmed" else 0 for x in leads], dtype=int)
    return leads, x, y, times


# -- prior and model --------------------------------------------------------------------------------


def prior_probability(severity: str, confidence: float, category: str) -> float:
    """The documented prior (module docstring) for a lead of ``severity``, highest finding
    ``confidence`` and ``category``."""
    c = min(1.0, max(0.0, float(confidence)))
    p = PRIOR_BASE.get(severity, PRIOR_BASE["low"]) * (0.5 + 0.5 * c)
    if category == "integrity":
        p *= PRIOR_INTEGRITY
    return min(0.95, p)


def _prior_rows(x: np.ndarray) -> np.ndarray:
    names = {n: i for i, n in enumerate(FEATURES)}
    sev = {v: k for k, v in SEVERITY.items()}
    out = []
    for row in x:
        cat = next((c for c in CATEGORIES if row[names[f"category_{c}"]] > 0.5), "completeness")
        out.append(
            prior_probability(
                sev[round(float(row[names["severity"]]))], row[names["confidence_max"]], cat
            )
        )
    return np.array(out)


@dataclass(slots=True)
class TriageModel:
    """A trained model, or the prior when ``calibrated`` is None. ``mean_``, ``scale_`` and
    ``coef_`` are those of the logistic regression fit on every verdict (for explanations)."""

    version: int = 0
    calibrated: Any = None
    mean_: np.ndarray | None = None
    scale_: np.ndarray | None = None
    coef_: np.ndarray | None = None
    features: tuple[str, ...] = FEATURES
    n_verdicts: int = 0
    n_confirmed: int = 0
    prior_feature: bool = False

    @property
    def is_prior(self) -> bool:
        return self.calibrated is None

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """P(confirmed) of each row of features."""
        if len(x) == 0:
            return np.zeros(0)
        if self.calibrated is None:
            return _prior_rows(x)
        return np.asarray(self.calibrated.predict_proba(x)[:, 1], dtype=float)

    def explain(self, x: np.ndarray, top: int = 3) -> list[list[tuple[str, float]]]:
        """Each row's ``top`` features by how far they moved its log-odds from the average lead
        (``coef * z``), largest first, leaving out indicators the lead does not have; for the
        prior, severity, confidence and category."""
        if self.coef_ is None or self.mean_ is None or self.scale_ is None:
            names = {n: i for i, n in enumerate(FEATURES)}
            return [
                [
                    ("severity", float(row[names["severity"]])),
                    ("confidence_max", float(row[names["confidence_max"]])),
                    ("category_integrity", float(row[names["category_integrity"]])),
                ][:top]
                for row in x
            ]
        names = (*self.features, "prior") if self.prior_feature else self.features
        xa = with_prior(x) if self.prior_feature else x
        terms = self.coef_ * (xa - self.mean_) / self.scale_
        # an indicator a lead does not have (another category, a detector that did not fire) is
        # no reason to show for it
        absent = np.zeros_like(terms, dtype=bool)
        for j, name in enumerate(names):
            if name.startswith(("category_", "detector_")):
                absent[:, j] = xa[:, j] == 0
        terms = np.where(absent, 0.0, terms)
        out = []
        for row in terms:
            order = np.argsort(-np.abs(row), kind="stable")[:top]
            out.append([(names[j], round(float(row[j]), 3)) for j in order if row[j]])
        return out

    def to_bytes(self) -> bytes:
        import joblib

        buf = io.BytesIO()
        joblib.dump(self, buf)
        return buf.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> TriageModel:
        import joblib

        model = joblib.load(io.BytesIO(data))
        if not isinstance(model, TriageModel) or tuple(model.features) != FEATURES:
            raise TriageError(
                "the stored triage model was trained on other features: run `monitor triage train`"
            )
        return model


def enough(y: np.ndarray) -> bool:
    """Whether verdicts ``y`` are enough to train (:data:`MIN_VERDICTS`, :data:`MIN_EACH`)."""
    return len(y) >= MIN_VERDICTS and int(y.sum()) >= MIN_EACH and int((1 - y).sum()) >= MIN_EACH


def with_prior(x: np.ndarray) -> np.ndarray:
    """``x`` with the prior's log-odds as a last column (the model starts from the prior)."""
    p = np.clip(_prior_rows(x), 1e-3, 1 - 1e-3) if len(x) else np.zeros(0)
    return np.column_stack([x, np.log(p / (1 - p))])


def train(
    x: np.ndarray,
    y: np.ndarray,
    *,
    version: int = 1,
    seed: int = 0,
    c: float = DEFAULT_C,
    prior_feature: bool = True,
) -> TriageModel:
    """A calibrated model of ``y`` (confirmed 1) from features ``x``; the prior (version 0) when
    the verdicts are not :func:`enough`. ``c``: inverse L2 strength of the logistic regression;
    ``prior_feature``: give it the prior's log-odds as one more feature."""
    y = np.asarray(y, dtype=int)
    if not enough(y):
        return TriageModel(version=0, n_verdicts=len(y), n_confirmed=int(y.sum()))
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    steps: list[Any] = [FunctionTransformer(with_prior)] if prior_feature else []

    def base() -> Any:
        return make_pipeline(*steps, StandardScaler(), LogisticRegression(C=c, max_iter=2000))

    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    calibrated = CalibratedClassifierCV(base(), method="sigmoid", cv=folds).fit(x, y)
    full = base().fit(x, y)
    scaler, logit = full[-2], full[-1]
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    return TriageModel(
        version=version,
        calibrated=calibrated,
        mean_=scaler.mean_.copy(),
        scale_=scale,
        coef_=logit.coef_[0].copy(),
        n_verdicts=len(y),
        n_confirmed=int(y.sum()),
        prior_feature=prior_feature,
    )


# -- ranking ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ranked:
    """A lead with its probability of being confirmed and the features that moved it most."""

    lead: LeadRow
    probability: float
    why: tuple[tuple[str, float], ...]
    model_version: int


def rank_leads(
    session: Session,
    leads: Sequence[LeadRow],
    model: TriageModel | None = None,
    *,
    at: datetime | None = None,
    top: int = 3,
    rules: ScoringRules | None = None,
) -> list[Ranked]:
    """``leads`` by decreasing expected yield of a visit, ``probability x |final points|`` of the
    lead's category and severity under ``rules`` (default the packaged ones: a confirmed
    falsification weighs four times a confirmed exceedance of the same severity), ties by
    severity, then newer; with reasons.

    Why not the probability alone: the model learns what gets *confirmed*, and an honest plant
    fined for a real exceedance is a confirmation too; ordered by probability alone, the queue
    drifts to exceedances where such fines are common (bench_triage: 0.226 against 0.303 at
    k = 5 when half the honest exceedances visited are fined)."""
    model = model or TriageModel()
    final = (rules or default_rules()).final
    x = feature_matrix(session, leads, clock.now(at))
    p = model.probabilities(x)
    why = model.explain(x, top)
    out = [
        Ranked(lead, float(pi), tuple(w), model.version)
        for lead, pi, w in zip(leads, p, why, strict=True)
    ]

    def weight(lead: LeadRow) -> float:
        return abs(float(final.get(lead.category, {}).get(lead.severity, 1.0))) or 1.0

    out.sort(
        key=lambda r: (
            -round(r.probability * weight(r.lead), 9),
            -SEVERITY[r.lead.severity],
            -r.lead.start.timestamp(),
            r.lead.id,
        )
    )
    return out


# -- stored models and the ranking audit ------------------------------------------------------------


def current_model(session: Session) -> tuple[TriageModel, TriageModelRow] | None:
    """The newest stored model trained on today's :data:`FEATURES` with its row, or None when
    there is none (a model of an older release's features is passed over until the next
    training, :func:`retrain`, replaces it; meanwhile the queue is as without a model)."""
    q = sa.select(TriageModelRow.id, TriageModelRow.features).order_by(
        TriageModelRow.version.desc()
    )
    for row_id, features in session.execute(q):
        if list(features or []) == list(FEATURES):
            row = session.get(TriageModelRow, row_id)
            assert row is not None
            return TriageModel.from_bytes(row.model), row
    return None


def train_stored(
    session: Session,
    who: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> TriageModelRow:
    """Train on the verdicts recorded in ``[since, until)`` (default: all) and store the model as
    the next version (:class:`TriageError` when they are not :func:`enough`)."""
    now = clock.now(now)
    leads, x, y, times = verdict_examples(session, since=since, until=until)
    if not enough(y):
        raise TriageError(
            f"{len(y)} verdicts ({int(y.sum())} confirmed): training needs at least "
            f"{MIN_VERDICTS} with {MIN_EACH} of each outcome; until then the prior ranks the leads"
        )
    last = session.scalar(sa.select(sa.func.max(TriageModelRow.version))) or 0
    model = train(x, y, version=last + 1)
    row = TriageModelRow(
        version=model.version,
        created_at=now,
        trained_by=who,
        window_start=since or min(times),
        window_end=until or max(times),
        n_verdicts=len(y),
        n_confirmed=int(y.sum()),
        lead_ids=[x.id for x in leads],
        features=list(FEATURES),
        metrics=_fit_metrics(model, x, y),
        model=model.to_bytes(),
    )
    session.add(row)
    session.flush()
    return row


def retrain(session: Session, who: str, *, now: datetime | None = None) -> TriageModelRow | None:
    """The scheduled retraining (the nightly pass, ``monitor triage train --if-enough``): train on
    every verdict recorded before ``now`` and store the next version, unless the verdicts are not
    :func:`enough` or the newest stored model already saw exactly these verdicts; then None (the
    newest model, or the prior, keeps ranking)."""
    now = clock.now(now)
    q = (
        sa.select(LeadEventRow.lead_id)
        .join(LeadRow, LeadRow.id == LeadEventRow.lead_id)
        .where(
            LeadEventRow.action.in_(("confirm", "dismiss")),
            LeadEventRow.at < now,
            LeadRow.outcome.is_not(None),
        )
    )
    decided = set(session.scalars(q))
    stored = session.scalars(
        sa.select(TriageModelRow).order_by(TriageModelRow.version.desc()).limit(1)
    ).first()
    if stored is not None and set(stored.lead_ids) == decided and stored.features == list(FEATURES):
        return None
    try:
        return train_stored(session, who, until=now, now=now)
    except TriageError:
        return None


def _fit_metrics(model: TriageModel, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Brier score of the model and of the prior on the training verdicts (in-sample)."""
    p = model.probabilities(x)
    q = _prior_rows(x)
    return {
        "brier": round(float(np.mean((p - y) ** 2)), 4),
        "brier_prior": round(float(np.mean((q - y) ** 2)), 4),
        "confirmed_share": round(float(y.mean()), 4),
    }


def record_ranks(session: Session, ranked: Sequence[Ranked], now: datetime | None = None) -> int:
    """Audit: keep, once per lead and model version, the probability and reasons it was ranked
    with (returns the rows added)."""
    if not ranked:
        return 0
    now = clock.now(now)
    ids = [r.lead.id for r in ranked]
    known: set[tuple[int, int]] = set()
    for chunk in in_chunks(ids):
        known.update(
            (lead_id, version)
            for lead_id, version in session.execute(
                sa.select(TriageRankRow.lead_id, TriageRankRow.model_version).where(
                    TriageRankRow.lead_id.in_(chunk)
                )
            )
        )
    added = 0
    for r in ranked:
        if (r.lead.id, r.model_version) in known:
            continue
        known.add((r.lead.id, r.model_version))
        session.add(
            TriageRankRow(
                lead_id=r.lead.id,
                model_version=r.model_version,
                probability=r.probability,
                why=[list(w) for w in r.why],
                at=now,
            )
        )
        added += 1
    session.flush()
    return added


def enterprise_weights(ranked: Iterable[Ranked]) -> dict[str, float]:
    """Each enterprise's weight in the double-random draw's key share
    (:mod:`monitor.casework.inspections`): the probability that a visit confirms its most likely
    ranked lead."""
    out: dict[str, float] = {}
    for r in ranked:
        out[r.lead.enterprise] = max(out.get(r.lead.enterprise, 0.0), r.probability)
    return out


def why_text(why: Sequence[tuple[str, float]], lang: str = "en") -> str:
    """The features that moved a lead, in ``lang``: ``name ↑`` (towards a visit) or ``name ↓``."""
    from monitor.locale import text

    sep = "；" if lang == "zh" else "; "
    return sep.join(f"{text(f'triage.feature.{n}', lang)} {'↑' if v >= 0 else '↓'}" for n, v in why)


def ranked_dict(r: Ranked, lang: str = "en") -> dict[str, Any]:
    """What a lead list adds for its ranking: probability, the model version and why."""
    return {
        "probability": round(r.probability, 3),
        "model": r.model_version,
        "why": why_text(r.why, lang),
    }


def queue_order(
    session: Session,
    leads: Sequence[LeadRow],
    *,
    sort: str | None = None,
    record: bool = True,
    now: datetime | None = None,
    rules: ScoringRules | None = None,
) -> tuple[list[LeadRow], dict[int, Ranked]]:
    """``leads`` in the queue's order: ``sort="triage"`` by the newest stored model (the prior
    when none), ``"newest"`` as given; ``None`` is ``triage`` when a model is stored. With
    ``record``, the ranking is kept in the audit (:func:`record_ranks`); ``rules``: the scoring
    rules whose final points weigh the order (default the packaged ones). Returns the ordered leads
    and each one's :class:`Ranked` (empty when not ranked)."""
    stored = current_model(session)
    if sort is None:
        sort = "triage" if stored is not None else "newest"
    if sort != "triage":
        return list(leads), {}
    ranked = rank_leads(session, leads, stored[0] if stored else None, at=now, rules=rules)
    if record:
        record_ranks(session, ranked, now)
    return [r.lead for r in ranked], {r.lead.id: r for r in ranked}
