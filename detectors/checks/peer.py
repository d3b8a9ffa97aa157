"""Outlets implausibly clean or stable compared with their peers (same industry or district)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from detectors.base import FleetDetector, Summary, register, units_per_year
from detectors.checks._common import grid_cycle_hours, month_label
from detectors.finding import Finding
from detectors.frame import OutletData
from detectors.spec import CONCENTRATIONS

FEATURES: Final[tuple[str, ...]] = ("median", "cv", "cycle_autocorrelation", "repeat_share")

#: The values of `FEATURES` of one outlet-month.
Features = tuple[float, float, float, float]
#: One outlet-month of a channel: features, first and last grid hour (indices and times).
Month = tuple[Features, int, int, pd.Timestamp, pd.Timestamp]
#: One outlet-month of a group: channel, month, outlet, features, first and last grid hour.
_Row = tuple[str, int, "PeerSummary", Features, int, int, pd.Timestamp, pd.Timestamp]


@dataclass(frozen=True, slots=True)
class PeerSummary(Summary):
    """What `PeerOutlierDetector` keeps of an outlet: its peer group (industry, else district;
    None: no peers) and, per concentration channel, the `monthly_features` of its months with
    ``min_valid_hours`` valid hours (a few hundred bytes an outlet-month)."""

    group: str | None
    months: dict[str, dict[int, Month]]


def monthly_features(
    outlet: OutletData, code: str, min_valid_hours: int, months: np.ndarray | None = None
) -> dict[int, tuple[Features, int, int]]:
    """Per local month (months since 1970-01): ``(features, first_hour, last_hour)`` of one
    channel, for months with at least ``min_valid_hours`` valid hours. ``months``: the grid's
    months counted from its first (``outlet.local_months - outlet.local_months[0]``), when the
    caller has them (`PeerOutlierDetector.summarise`: once per outlet, not per channel).

    Features: median; coefficient of variation (std / mean); autocorrelation at one analyser
    cycle ``c`` (`analyser_cycle_hours`: registry or learned) over pairs of valid hours ``c``
    apart; repeat share (share of those pairs with equal values: consecutive measurements that
    repeat, not the analyser's own holds).
    """
    if code not in outlet.pollutants:
        return {}
    # the grids' columns copied once: a dozen passes read them, each faster unstrided
    v = np.ascontiguousarray(outlet.wide_column(code))
    valid = np.ascontiguousarray(outlet.wide_valid[:, outlet.column(code)])
    if not valid.any():
        return {}
    m0 = int(outlet.local_months[0])
    mi = months if months is not None else outlet.local_months - m0  # non-decreasing
    n_months = int(mi[-1]) + 1
    idx = np.flatnonzero(valid)
    x, m = v[idx], mi[idx]
    cnt = np.bincount(m, minlength=n_months)
    mean = np.bincount(m, x, n_months) / np.maximum(cnt, 1)
    var = np.bincount(m, x * x, n_months) / np.maximum(cnt, 1) - mean**2
    cv = np.where(mean > 0, np.sqrt(np.maximum(var, 0.0)) / np.where(mean > 0, mean, 1.0), 0.0)
    first = np.r_[0, np.cumsum(cnt)[:-1]]
    kept = np.flatnonzero(cnt >= min_valid_hours)
    median = _medians(x, first, cnt, kept, n_months)
    # compare each measurement with the previous one: values `cycle` hours apart, so that an
    # analyser measuring every 2-4 h does not look "repetitive" for holding its value; the
    # held runs it is learned from only when the registry does not give the cycle
    c = max(1, round(grid_cycle_hours(outlet, code)))
    if len(v) <= c:
        return {}
    pair = valid[c:] & valid[:-c] & (mi[c:] == mi[:-c])
    a, b, pm = v[:-c][pair], v[c:][pair], mi[c:][pair]
    n_pairs = np.bincount(pm, minlength=n_months)
    k = np.maximum(n_pairs, 1)
    ea, eb = np.bincount(pm, a, n_months) / k, np.bincount(pm, b, n_months) / k
    cov = np.bincount(pm, a * b, n_months) / k - ea * eb
    sa = np.sqrt(np.maximum(np.bincount(pm, a * a, n_months) / k - ea**2, 0.0))
    sb = np.sqrt(np.maximum(np.bincount(pm, b * b, n_months) / k - eb**2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        lag1 = np.where(sa * sb > 1e-12, cov / (sa * sb), 1.0)
    repeat = np.bincount(pm, a == b, n_months) / k
    out: dict[int, tuple[Features, int, int]] = {}
    for j in kept:
        feats = (float(median[j]), float(cv[j]), float(lag1[j]), float(repeat[j]))
        out[m0 + int(j)] = (feats, int(idx[first[j]]), int(idx[first[j] + cnt[j] - 1]))
    return out


def _medians(
    x: np.ndarray, first: np.ndarray, cnt: np.ndarray, kept: np.ndarray, n_months: int
) -> np.ndarray:
    """Median of each month in ``kept`` (0 elsewhere): the values of month ``j`` are
    ``x[first[j] : first[j] + cnt[j]]``. Each month's two middle order statistics come from
    `np.partition` of its values (a dozen months a channel-year, no sort of every month). A month
    holding a zero or NaN, whose order statistics could be -0.0 or 0.0 (or one of several NaNs)
    depending on the algorithm, is sorted as one row padded with +inf to the longest kept
    month, exactly as the months were all sorted before, so the medians are the same bytes."""
    median = np.zeros(n_months)
    if len(kept) == 0:
        return median
    width = int(cnt[kept].max())
    # zeros and NaNs before each value, counted once (not looked for month by month)
    odd = np.r_[0, np.cumsum((x == 0) | np.isnan(x))]
    for j in kept.tolist():
        a, c = int(first[j]), int(cnt[j])
        lo, hi = (c - 1) // 2, c // 2
        values = x[a : a + c]
        if odd[a + c] > odd[a]:
            row = np.full(width, np.inf)
            row[:c] = values
            row.sort()
        else:
            row = np.partition(values, (lo, hi))
        median[j] = (row[lo] + row[hi]) / 2.0
    return median


@register
class PeerOutlierDetector(FleetDetector[PeerSummary]):
    """An outlet-month whose statistics are isolated from its peers' and cleaner or steadier.

    Peers are outlets of the same ``industry`` (else the same ``district``) from the registry.
    Outlet-months count when the outlet has ``min_valid_hours`` valid hours and at least
    ``min_peers`` outlets of its group qualify that month (for that channel). For each group one
    IsolationForest (``n_estimators`` trees, ``random_state`` fixed, so runs are repeatable) is
    fitted on those outlet-months of every concentration channel, on the features
    (log(1 + median), CV, autocorrelation at one analyser cycle, repeat share) standardised
    within each channel (``(x - median) / IQR``). The anomaly score is ``s = -score_samples``.

    Null model: the group's own scores. Most outlet-months of a group are honest, and honest
    plants differ (a steady plant is steady every month), so the bar is where the group's own
    upper tail of scores reaches ``false_alarms_per_year`` outlet-months a year by chance: its
    ``n_tail`` highest scores (a tenth of them, at least ``tail_rows``; a group with fewer than
    ``2 * n_tail`` scores is silent: too small to say what is normal) exceed the next highest
    ``u`` by an exponential amount of mean ``beta`` (their median excess / ln 2, robust to a few
    outliers among them), and ``n_tail * exp(-(t - u) / beta) = rate * outlet_years`` gives

        t = u + beta * ln(n_tail / (false_alarms_per_year * outlet_years))

    (``outlet_years``: the group's scored outlet-months / 12). An outlet-month is a finding when
    ``s >= t`` and it is on the clean or steady side of the same month's peers for that channel:
    CV below ``clean_share`` of their median CV, or repeat share at least ``repeat_excess`` above
    theirs. Severity is always low: a prompt to look, not evidence of falsification. On the
    independent generator's tuning fleets, honest and falsified outlet-months reached the upper
    tail of scores about equally often (the old fixed bar of 0.6 flagged 1.9 honest outlet-months
    per 100): the comparison with peers is weak evidence, and this bar keeps it to the stated
    rate (one honest finding in 832 outlet-months of all-honest fleets at 0.01 a year).

    Defaults: 8 peers, 200 valid hours, 50 trees, random_state 0, ``false_alarms_per_year=0.005``
    (per outlet), ``tail_rows=12``, CV under a third of the peers', repeat share 0.3 above.
    (50 trees rather than scikit-learn's 100: the fit's cost is per tree, not per sample, and on
    nine simulated fleets, 100 outlets x 365 days and the accuracy seeds, 32, 50 and 100 trees
    flag the same outlet-months.)

    Honest traps it must not flag: an analyser with a longer cycle than its peers' (features are
    taken one cycle apart); a plant steadier than its peers every month (it sets the group's
    tail); a plant that is dirtier or more variable than its peers (the exceedance detectors'
    business); groups too small to say what is normal (silent below ``min_peers`` outlets or
    ``2 * tail_rows`` scored outlet-months); outlets with no industry or district; one outlet
    alone.
    """

    name = "peer_outlier"
    category = "integrity"
    rate_units = units_per_year(false_alarms_per_year="outlet")  # "per outlet"

    def __init__(
        self,
        *,
        min_peers: int = 8,
        min_valid_hours: int = 200,
        false_alarms_per_year: float = 0.005,
        tail_rows: int = 12,
        n_estimators: int = 50,
        random_state: int = 0,
        clean_share: float = 0.33,
        repeat_excess: float = 0.3,
    ) -> None:
        self.min_peers = min_peers
        self.min_valid_hours = min_valid_hours
        self.false_alarms_per_year = false_alarms_per_year
        self.tail_rows = tail_rows
        self.n_estimators = n_estimators
        self.random_state = random_state
        self.clean_share = clean_share
        self.repeat_excess = repeat_excess

    def _detect(self, outlet: OutletData) -> Iterable[Finding]:
        return []  # an outlet alone has no peers

    def summarise(self, outlet: OutletData) -> PeerSummary:
        """The outlet's group and its monthly features of every concentration channel."""
        group = outlet.spec.industry or outlet.spec.district or None
        months: dict[str, dict[int, Month]] = {}
        if group is None:
            return PeerSummary(outlet.mn, outlet.lang, group, months)
        local = outlet.local_months
        since = local - local[0] if len(local) else local  # the grid's months, once
        found = {
            code: features
            for code in CONCENTRATIONS
            if (features := monthly_features(outlet, code, self.min_valid_hours, since))
        }
        if found:
            # every month's first and last hour boxed in one index lookup (grid[i] one at a
            # time took three times as long a time stamp; one lookup per channel 0.1 ms more
            # an outlet)
            hours = [
                h for f in found.values() for _, first, last in f.values() for h in (first, last)
            ]
            stamps = iter(outlet.grid[np.array(hours)])
            for code, features in found.items():
                months[code] = {
                    month: (feats, first, last, next(stamps), next(stamps))
                    for month, (feats, first, last) in features.items()
                }
        return PeerSummary(outlet.mn, outlet.lang, group, months)

    def _detect_summaries(self, summaries: Sequence[PeerSummary]) -> Iterable[Finding]:
        groups: dict[str, list[PeerSummary]] = defaultdict(list)
        for outlet in sorted(summaries, key=lambda o: o.mn):
            if outlet.group:
                groups[outlet.group].append(outlet)
        for group, members in sorted(groups.items()):
            if len(members) >= self.min_peers:
                yield from self._group(group, members)

    def _group(self, group: str, members: list[PeerSummary]) -> Iterable[Finding]:
        table = self._table(members)
        if not table:
            return
        n_tail = max(self.tail_rows, len(table) // 10)
        if len(table) < 2 * n_tail:
            return  # too few outlet-months to say what the group's tail is
        outlet_years = len({(t[2].mn, t[1]) for t in table}) / 12.0
        raw, x = _standardised(table)
        scores = self._scores(x)
        threshold = _tail_score(scores, n_tail, self.false_alarms_per_year * outlet_years)
        by_key: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i, t in enumerate(table):
            by_key[(t[0], t[1])].append(i)
        for key in sorted(by_key):
            here = np.array(by_key[key])
            peer_cv = float(np.median(raw[here, 1]))
            peer_repeat = float(np.median(raw[here, 3]))
            for i in here[scores[here] >= threshold]:
                code, month, outlet, feats, first, last, start, end = table[i]
                steady = feats[1] < self.clean_share * peer_cv
                repeats = feats[3] >= peer_repeat + self.repeat_excess
                if not (steady or repeats):
                    continue
                yield self.finding(
                    outlet,
                    code,
                    start,
                    end,
                    severity="low",
                    confidence=float(scores[i]),
                    message="peer.summary",
                    evidence={
                        "rule": "IsolationForest score beyond the group's own tail at "
                        "false_alarms_per_year, cleaner or steadier than the month's peers",
                        "statistic": "IsolationForest anomaly score",
                        "threshold": threshold,
                        "false_alarm_rate_per_year": self.false_alarms_per_year,
                        "window_hours": float(last - first + 1),
                        "month": month_label(month),
                        "group": group,
                        "peers": len(here),
                        "score": float(scores[i]),
                        "features": dict(zip(FEATURES, feats, strict=True)),
                        "peer_median_cv": peer_cv,
                        "peer_median_repeat_share": peer_repeat,
                        "cv": feats[1],
                        "repeat_share": feats[3],
                    },
                )

    def _table(self, members: list[PeerSummary]) -> list[_Row]:
        """The outlet-months with enough peers that month, of every channel (one forest for all:
        features are standardised within each channel), by channel and month."""
        rows: dict[tuple[str, int], list[tuple[PeerSummary, *Month]]] = defaultdict(list)
        for code in CONCENTRATIONS:
            for outlet in members:
                for month, entry in outlet.months.get(code, {}).items():
                    rows[(code, month)].append((outlet, *entry))
        return [
            (code, month, *entry)
            for (code, month), entries in sorted(rows.items())
            if len(entries) >= self.min_peers
            for entry in entries
        ]

    def _scores(self, x: np.ndarray) -> np.ndarray:
        """Anomaly scores ``-score_samples`` of an IsolationForest fitted on the rows of ``x``."""
        IsolationForest = _isolation_forest()
        forest = IsolationForest(
            n_estimators=self.n_estimators,
            max_samples=min(256, len(x)),
            random_state=self.random_state,
        ).fit(x)
        return -forest.score_samples(x)


def _isolation_forest() -> type:
    """scikit-learn's IsolationForest, imported only when there are peers to compare (some 900
    modules, ~0.3 s of CPU: a run without peer groups never pays it). A plain import: how the collector runs meanwhile is the host's
    process policy (`monitor.detection.batch` runs the fleet detectors with it paused,
    reviewer-J J11), not a detector's."""
    from sklearn.ensemble import IsolationForest

    return IsolationForest


def _standardised(table: list[_Row]) -> tuple[np.ndarray, np.ndarray]:
    """The features of every row (median as log(1 + median)), raw and standardised within each
    channel (median, interquartile range)."""
    raw = np.array([t[3] for t in table], dtype="float64")
    raw[:, 0] = np.log1p(np.maximum(raw[:, 0], 0.0))
    codes = np.array([t[0] for t in table])
    x = np.empty_like(raw)
    for code in np.unique(codes):
        sel = codes == code
        q1, med, q3 = np.percentile(raw[sel], [25, 50, 75], axis=0)
        x[sel] = (raw[sel] - med) / np.where(q3 - q1 > 1e-12, q3 - q1, 1.0)
    return raw, x


def _tail_score(scores: np.ndarray, n_tail: int, expected: float) -> float:
    """The score the exponential upper tail of ``scores`` (its ``n_tail`` highest over the next
    highest ``u``, mean excess ``beta`` = median excess / ln 2) reaches ``expected`` times."""
    ordered = np.sort(scores)
    u = float(ordered[-n_tail - 1])
    beta = float(np.median(ordered[-n_tail:] - u)) / np.log(2.0)
    return u + max(beta, 1e-12) * float(np.log(n_tail / expected))
