"""Accuracy of the detector catalogue on two labelled generators and on real series.

Generators:
- ``simulator``: the project's own (`monitor.simulation`), written with the detectors;
- ``independent``: `bench/independent_fleet.py`, written from a description of real analyser
  behaviour by someone who had not read the detectors (heavy tails, regime shifts, drift, weekly
  and seasonal load, coarse resolutions, clock offsets, shutdowns, storms past the flow meter's
  range, wide falsification parameters).
- ``honest`` (not run by default; only with ``--generators honest --share 0``):
  `bench/honest_fleet.py`, a third generator of honest outlets only (empty labels), written from a
  description without reading the detectors or the other generators (2026-12-07); for
  false-alarm rates on data nobody tuned on. Its seeds 1-50 are tuning seeds like the others';
  101-110 were the twenty-first session's unseen claim (run on the start code e2e38d6 and the
  final code; the withdrawal of low_variability's 2-day windows was decided on them); 201-210
  the twenty-second's (2026-12-07, run on the start code 3a726a2 and the final code, read after
  both had run, nothing changed after); 301-310 the twenty-third's (2026-12-07, the same way, start
  code ff2ee43); 401-410 the twenty-fourth's (2026-12-07, the same way, start code 7b03e48);
  501-510 the twenty-fifth's (2026-12-07, the same way, start code 1bc9f1e); 601-610 the
  twenty-sixth's first cycle (2026-12-07, the same way, start code 11237d9) and 701-710 its
  second (start code 9d4b2dd); 801-810, 901-910 and 1001-1010 the twenty-seventh's three
  cycles (2026-12-07, the same way, start codes b8359b7, 8c8bd32 and d2580c4; that session also
  looked at 601-610 and 701-710, already read, while changing zero_floor); 1101-1110 the
  twenty-eighth's (2026-12-07, the same way, start code 65510b1; that session looked at
  1001-1010, already read, while changing physics and flow_mismatch); 1201-1210 the
  twenty-ninth's (2026-12-07, the same way, start code 0c5e20e; that session looked at
  1001-1010 and 1101-1110, already read, while changing zero_floor, flow_mismatch and
  capping); 1301-1310 the thirtieth's (2026-12-07, the same way, start code bb463c0); fresh
  ones from 1401 on.

Seeds: for each generator, ``TUNING`` seeds (1-50) may be looked at freely while detectors are
changed; ``EVALUATION`` seeds must never be tuned on. By default only evaluation seeds run.
History (each set below was run for a claim, so it is no longer unseen; use new fresh seeds,
from 4201 on, for the next claim; 2001-2005 are bench_calibration's):
- simulator 101-105 and independent 201-205: end of the first calibration (2026-12-04); one
  detector (standard_substitution) was withdrawn after it;
- simulator 301-305 and independent 401-405: that session's final figures;
- simulator 501-505 and independent 601-605: a checkpoint of the next session (2026-12-05),
  after standard_substitution's jump rule;
- simulator 701-705 and independent 801-805: that session's final figures;
- simulator 901-905 and independent 911-915 (2026-12-05, second session): run on the code before
  the session's changes and on its final code, nothing changed in between or after;
- simulator 931-935 and independent 941-945 (2026-12-05, third session): the same way;
- simulator 961-965 and independent 971-975 (2026-12-05, fourth session): the same way.
- simulator 991-995 and independent 1001-1005 (2026-12-05, fifth session): the same way;
  simulator 1021-1030 and independent 1031-1040 were also run that session on both codes,
  for false findings on more honest outlets.
- simulator 1101-1105 and independent 1111-1115 (2026-12-05, sixth session): run on the code
  before the session's changes, and their per-pattern summary guided which detectors the session
  worked on (so they are partly seen); simulator 1201-1205 and independent 1211-1215 (the claim),
  and simulator 1231-1240 and independent 1241-1250 (more honest outlets), run on the code before
  the changes and looked at only after the final code's run.
- simulator 1301-1305 and independent 1311-1315 (the claim), and simulator 1331-1340 and
  independent 1341-1350 (more honest outlets) (2026-12-05, seventh session): run on the code
  before the session's changes, looked at only after the final code's run.
- simulator 1401-1405 and independent 1411-1415 (the claim), and simulator 1431-1440 and
  independent 1441-1450 (more honest outlets) (2026-12-05, eighth session): the same way.
- simulator 1501-1505 and independent 1511-1515 (the claim), and simulator 1531-1540 and
  independent 1541-1550 (more honest outlets) (2026-12-05, ninth session): the same way (also
  run, unread until the end, on an intermediate commit, cd6e014).
- simulator 1601-1605 and independent 1611-1615 (the claim), and simulator 1631-1640 and
  independent 1641-1650 (more honest outlets) (2026-12-05, tenth session): run on the code
  before the session's changes, looked at only after the final code's run.
- simulator 1701-1705 and independent 1711-1715 (the claim), and simulator 1731-1740 and
  independent 1741-1750 (more honest outlets) (2026-12-06, eleventh session): the same way.
- simulator 1801-1805 and independent 1811-1815 (the claim), and simulator 1831-1840 and
  independent 1841-1850 (more honest outlets) (2026-12-06, twelfth session): the same way;
  after reading them one change was reverted, so the session's start and final code were run
  again, unread until both had run, on simulator 1901-1905 and independent 1911-1915 (the
  claim) and simulator 1931-1940 and independent 1941-1950 (more honest outlets).
- simulator 2101-2105 and independent 2111-2115 (the claim), and simulator 2131-2140 and
  independent 2141-2150 (more honest outlets) (2026-12-06, thirteenth session): run on the code
  before the session's changes, looked at only after the final code's run.
- simulator 2201-2205 and independent 2211-2215 (the claim), and simulator 2231-2240 and
  independent 2241-2250 (more honest outlets) (2026-12-06, fourteenth session): the same way.
- simulator 2301-2305 and independent 2311-2315 (the claim), and simulator 2331-2340 and
  independent 2341-2350 (more honest outlets) (2026-12-06, fifteenth session): the same way
  (final code run on 77149be; later commits change no finding's span).
- simulator 2401-2405 and independent 2411-2415 (the claim), and simulator 2431-2440 and
  independent 2441-2450 (more honest outlets) (2026-12-06, sixteenth session): the same way.
- simulator 2501-2505 and independent 2511-2515 (the claim), and simulator 2531-2540 and
  independent 2541-2550 (more honest outlets) (2026-12-06, seventeenth session): the same way.
- simulator 2601-2605 and independent 2611-2615 (the claim), and simulator 2631-2640 and
  independent 2641-2650 (more honest outlets) (2026-12-06, eighteenth session): the same way.
- simulator 2701-2705 and independent 2711-2715 (the claim), and simulator 2731-2740 and
  independent 2741-2750 (more honest outlets) (2026-12-06, nineteenth session): the same way.
- simulator 2801-2805 and independent 2811-2815 (the claim), and simulator 2831-2840 and
  independent 2841-2850 (more honest outlets) (2026-12-06/07, twentieth session): the same way.
- simulator 2901-2905 and independent 2911-2915 (the claim), and simulator 2931-2940 and
  independent 2941-2950 (more honest outlets) (2026-12-07, twenty-first session): the same way.
- simulator 3001-3005 and independent 3011-3015 (the claim), and simulator 3031-3040 and
  independent 3041-3050 (more honest outlets) (2026-12-07, twenty-second session): the same way.
- simulator 3101-3105 and independent 3111-3115 (the claim), and simulator 3131-3140 and
  independent 3141-3150 (more honest outlets) (2026-12-07, twenty-third session): the same way.
- simulator 3201-3205 and independent 3211-3215 (the claim), and simulator 3231-3240 and
  independent 3241-3250 (more honest outlets) (2026-12-07, twenty-fourth session): the same way.
- simulator 3301-3305 and independent 3311-3315 (the claim), and simulator 3331-3340 and
  independent 3341-3350 (more honest outlets) (2026-12-07, twenty-fifth session): the same way
  (start code 1bc9f1e).
- simulator 3401-3405 and independent 3411-3415 (the claim), and simulator 3431-3440 and
  independent 3441-3450 (more honest outlets) (2026-12-07, twenty-sixth session): the same way
  (start code 11237d9).
- simulator 3501-3505 and independent 3511-3515 (the claim), and simulator 3531-3540 and
  independent 3541-3550 (more honest outlets) (2026-12-07, twenty-sixth session's second
  cycle): the same way (start code 9d4b2dd).
- simulator 3601-3605, 3701-3705 and 3801-3805 and independent 3611-3615, 3711-3715 and
  3811-3815 (the claims), and simulator 3631-3640, 3731-3740 and 3831-3840 and independent
  3641-3650, 3741-3750 and 3841-3850 (more honest outlets) (2026-12-07, twenty-seventh
  session's three cycles): the same way (start codes b8359b7, 8c8bd32 and d2580c4).
- simulator 3901-3905 and independent 3911-3915 (the claim), and simulator 3931-3940 and
  independent 3941-3950 (more honest outlets) (2026-12-07, twenty-eighth session): the same
  way (start code 65510b1).
- simulator 4001-4005 and independent 4011-4015 (the claim), and simulator 4031-4040 and
  independent 4041-4050 (more honest outlets) (2026-12-07, twenty-ninth session): the same
  way (start code 0c5e20e).
- simulator 4101-4105 and independent 4111-4115 (the claim), and simulator 4131-4140 and
  independent 4141-4150 (more honest outlets) (2026-12-07, thirtieth session): the same way
  (start code bb463c0).

Matching rules (per generator, per seed):
- a labelled interval of pattern P is *recalled* when a finding of detector P on the same outlet
  overlaps it (inclusive bounds) and, when both name a pollutant, on the same pollutant; macro
  recall is the mean over the patterns that have labels in that seed; the *as sign* column (and
  its macro line) counts only ``integrity`` findings: a label found by a ``validity`` finding
  alone reaches the inspector as a data-validity lead (a hold the data cannot tell from a stuck
  analyser), not as a sign of falsification, and the reader should see how many do;
- a finding of detector P is a *true positive* when it overlaps (same rule) a label of P;
- an *honest outlet* carries no label but ``exceedance`` (a copy's source, labelled
  ``copied_by=MN`` by the simulator, counts as honest; copied_data findings on that window are
  right); every ``integrity`` finding on an honest outlet is false; reported per 100 honest
  outlet-months, in total and per detector, with the share of honest outlets having one or more;
  ``validity`` findings on honest outlets are not false (an honest plant can leave a fault
  unflagged) and are counted apart;
- a label is *blind* when its window holds no valid reading (flag N or T, with a value) of its
  pollutant (of any, when it names none), except for the patterns whose sign is the flags or gaps
  themselves (flag_masking, gap_hiding, manual_values): the "blind (found)" column counts them
  per pattern, and a second macro recall leaves them out -- a diagnostic of how much of the gap
  the data can show at all, printed beside the target figure, never in its place;
- exceedance hours: recall = valid hours over their limit inside an exceedance finding / such
  hours; precision = exceedance findings holding at least one such hour / exceedance findings.

Real series (no labels; every station taken as honest): the share of each series' valid
readings that lies inside an integrity finding (target <= 1 %): the MIT outlet series in
``tests/data`` and, when the project's shared data folder is beside the repository, 94 national
surface-water stations (daily, with the operators' maintenance flags).

Usage: python bench/bench_detect_accuracy.py [--generators simulator,independent]
       [--seeds-simulator 101,...] [--seeds-independent 201,...] [--outlets 40] [--days 180]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from detectors import Detector, build  # noqa: E402
from detectors.spec import OutletSpec  # noqa: E402
from monitor.detection.batch import detect_readings  # noqa: E402
from monitor.registry import load_registry, parse_registry  # noqa: E402
from monitor.simulation.patterns import PATTERNS  # noqa: E402  (the twelve families)

TUNING = {
    "simulator": tuple(range(1, 51)),
    "independent": tuple(range(1, 51)),
    "honest": tuple(range(1, 51)),
}
EVALUATION = {
    "simulator": (4201, 4202, 4203, 4204, 4205),
    "independent": (4211, 4212, 4213, 4214, 4215),
    "honest": (1401, 1402, 1403, 1404, 1405),
}
OUTLET_CSV = ROOT / "tests" / "data" / "cn_enterprise_outlet_hourly" / "test.csv"
SURFACE = ROOT.parent / "shared" / "data" / "real" / "cnemc_surface_water_daily"


@dataclass
class Fleet:
    """One labelled fleet: readings (long frame, ts UTC), specs by MN, labels, days."""

    readings: pd.DataFrame
    specs: dict[str, OutletSpec]
    labels: pd.DataFrame
    days: int


def simulator_fleet(seed: int, outlets: int, days: int, share: float) -> Fleet:
    from monitor.simulation.simulator import simulate

    sim = simulate(outlets, days, seed, falsifying_share=share)
    return Fleet(sim.readings, sim.specs(), sim.labels.copy(), days)


def independent_fleet(seed: int, outlets: int, days: int, share: float) -> Fleet:
    from independent_fleet import generate, sites_toml

    sites, readings, labels = generate(outlets, days, seed, falsifying_share=share)
    specs = parse_registry(sites_toml(sites), "independent").specs()
    return Fleet(readings, specs, labels, days)


def honest_only_fleet(seed: int, outlets: int, days: int, share: float) -> Fleet:
    """`bench/honest_fleet.py`: honest outlets only (empty labels); refuses a share > 0."""
    from honest_fleet import fleet

    readings, specs, labels = fleet(seed, outlets, days, share)
    return Fleet(readings, specs, labels, days)


GENERATORS: dict[str, Callable[[int, int, int, float], Fleet]] = {
    "simulator": simulator_fleet,
    "independent": independent_fleet,
    "honest": honest_only_fleet,
}


def findings_frame(findings: list) -> pd.DataFrame:
    rows = [
        (f.detector, f.category, f.mn, f.pollutant, f.start, f.end, f.severity) for f in findings
    ]
    cols = ["detector", "category", "mn", "pollutant", "start", "end", "severity"]
    frame = pd.DataFrame(rows, columns=cols)
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def overlaps(labels: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Pairs (label row, finding row) on the same outlet, overlapping, pollutant agreeing."""
    left = labels.reset_index(names="label_id")
    right = found.reset_index(names="finding_id")
    pairs = left.merge(right, on="mn", suffixes=("_l", "_f"))
    if pairs.empty:
        return pairs
    same_time = (pairs["start_l"] <= pairs["end_f"]) & (pairs["start_f"] <= pairs["end_l"])
    pl, pf = pairs["pollutant_l"], pairs["pollutant_f"]
    same_pollutant = pl.isna() | pf.isna() | (pl == pf)
    return pairs[same_time & same_pollutant]


#: Patterns whose sign is the flags or the gaps themselves (M/D over high values, S-typed values,
#: missing hours): a label of theirs is never blind.
BY_FLAGS = frozenset({"flag_masking", "gap_hiding", "manual_values"})


def valid_inside(readings: pd.DataFrame, labels: pd.DataFrame) -> np.ndarray:
    """For each label (in ``labels`` order): whether its window holds one valid reading (flag N
    or T, a value) of its pollutant, or of any pollutant when it names none. A label without one
    is *blind*: whatever was falsified there left no valid value to judge (every reading flagged
    F, D, M... or none received); only its flags or gaps can show it (`BY_FLAGS` patterns are
    judged on those, so their labels are never counted blind)."""
    rows = readings[readings["flag"].isin(["N", "T"]) & readings["value"].notna()]
    ts = rows["ts"].to_numpy("datetime64[ns]").astype(np.int64)
    mn, pol = rows["mn"].astype(str).to_numpy(), rows["pollutant"].astype(str).to_numpy()
    order = np.lexsort((ts, pol, mn))
    ts, mn, pol = ts[order], mn[order], pol[order]
    key_mn = pd.Series(np.arange(len(mn))).groupby(mn).agg(["min", "max"])
    key = pd.Series(np.arange(len(mn))).groupby([mn, pol]).agg(["min", "max"])
    out = np.zeros(len(labels), dtype=bool)
    starts = pd.to_datetime(labels["start"], utc=True).to_numpy("datetime64[ns]").astype(np.int64)
    ends = pd.to_datetime(labels["end"], utc=True).to_numpy("datetime64[ns]").astype(np.int64)
    for i, (m, p) in enumerate(zip(labels["mn"].astype(str), labels["pollutant"], strict=True)):
        if isinstance(p, str):
            if (m, p) not in key.index:
                continue
            lo, hi = key.loc[(m, p)]
            span = ts[lo : hi + 1]
        else:
            if m not in key_mn.index:
                continue
            lo, hi = key_mn.loc[m]
            span = np.sort(ts[lo : hi + 1])
        k = np.searchsorted(span, starts[i], side="left")
        out[i] = k < len(span) and span[k] <= ends[i]
    return out


def exceedance_hours(fleet: Fleet, found: pd.DataFrame) -> tuple[int, int, int, int]:
    """(over-limit valid hours inside an exceedance finding, such hours, exceedance findings
    holding one, exceedance findings)."""
    rows = fleet.readings[fleet.readings["flag"].isin(["N", "T"])]
    rows = rows.assign(mn=rows["mn"].astype(str), pollutant=rows["pollutant"].astype(str))
    keys = rows[["mn", "pollutant"]].drop_duplicates()
    bounds = []
    for m, p in keys.itertuples(index=False):
        spec = fleet.specs[m].pollutant(p)
        lo, hi = spec.limit_range or (-np.inf, spec.upper_limit)
        bounds.append((m, p, -np.inf if lo is None else lo, np.inf if hi is None else hi))
    lim = pd.DataFrame(bounds, columns=["mn", "pollutant", "lo", "hi"])
    rows = rows.merge(lim, on=["mn", "pollutant"])
    over = rows[(rows["value"] > rows["hi"]) | (rows["value"] < rows["lo"])]
    ex = found[found["detector"] == "exceedance"].reset_index(names="finding_id")
    merged = over.reset_index(names="hour_id").merge(
        ex, on=["mn", "pollutant"], suffixes=("", "_f")
    )
    inside = merged[(merged["ts"] >= merged["start"]) & (merged["ts"] <= merged["end"])]
    return inside["hour_id"].nunique(), len(over), inside["finding_id"].nunique(), len(ex)


@dataclass
class SeedResult:
    generator: str
    seed: int
    recalled: dict[str, tuple[int, int]]  # pattern -> (recalled, labels)
    blind: dict[
        str, tuple[int, int]
    ]  # pattern -> (recalled, labels) of labels with no valid reading
    precise: dict[str, tuple[int, int]]  # pattern -> (true positives, findings)
    false_by_detector: dict[str, int]
    signed: dict[str, int]  # pattern -> labels recalled by an ``integrity`` finding of it
    validity_on_honest: int  # ``validity`` findings on honest outlets (not false; shown apart)
    honest_outlets: int
    honest_flagged: int
    honest_months: float
    exceedance: tuple[int, int, int, int]
    readings: int
    seconds: float
    ran: frozenset[str]

    @property
    def macro_recall(self) -> float:
        values = [r / n for r, n in self.recalled.values() if n]
        return float(np.mean(values)) if values else float("nan")

    @property
    def macro_recall_sighted(self) -> float:
        """Macro recall leaving out blind labels (see `valid_inside`): how much of the gap to 1
        the data can show at all. A diagnostic beside `macro_recall`, never in its place."""
        values = [
            (r - self.blind[p][0]) / (n - self.blind[p][1])
            for p, (r, n) in self.recalled.items()
            if n > self.blind[p][1]
        ]
        return float(np.mean(values)) if values else float("nan")

    @property
    def macro_recall_signed(self) -> float:
        """Macro recall counting only ``integrity`` findings: a label recalled by a ``validity``
        finding alone (e.g. an unflagged hold the data cannot tell from a stuck analyser) reaches
        the inspector as a data-validity lead, not as a sign of falsification."""
        values = [self.signed[p] / n for p, (_, n) in self.recalled.items() if n]
        return float(np.mean(values)) if values else float("nan")

    @property
    def false_per_100(self) -> float:
        return 100 * sum(self.false_by_detector.values()) / max(self.honest_months, 1e-9)


def evaluate(
    generator: str, seed: int, outlets: int, days: int, share: float, detectors: list[Detector]
) -> SeedResult:
    fleet = GENERATORS[generator](seed, outlets, days, share)
    t0 = time.perf_counter()
    found = findings_frame(list(detect_readings(fleet.readings, fleet.specs, detectors)))
    seconds = time.perf_counter() - t0
    labels = fleet.labels.copy()
    labels["pollutant"] = labels["pollutant"].astype(object).where(labels["pollutant"].notna())
    labels["detail"] = labels["detail"].fillna("").astype(str)
    recalled, precise, blind, signed = {}, {}, {}, {}
    sighted = pd.Series(valid_inside(fleet.readings, labels), index=labels.index)
    for pattern in [p for p in PATTERNS if p in {d.name for d in detectors}]:
        lab = labels[labels["pattern"] == pattern]
        fnd = found[found["detector"] == pattern]
        pairs = overlaps(lab, fnd)
        hit = set(pairs["label_id"]) if len(pairs) else set()
        recalled[pattern] = (len(hit), len(lab))
        signs = pairs[pairs["category"] == "integrity"] if len(pairs) else pairs
        signed[pattern] = signs["label_id"].nunique() if len(signs) else 0
        precise[pattern] = (pairs["finding_id"].nunique() if len(pairs) else 0, len(fnd))
        blind_ids = lab.index[~sighted[lab.index].to_numpy()] if pattern not in BY_FLAGS else []
        blind[pattern] = (len(hit & set(blind_ids)), len(blind_ids))
    source = labels["detail"].str.startswith("copied_by=")
    falsifying = set(labels.loc[labels["pattern"].isin(PATTERNS) & ~source, "mn"])
    honest = sorted(set(fleet.specs) - falsifying)
    false = found[found["mn"].isin(honest) & (found["category"] == "integrity")]
    right = overlaps(labels[source], false[false["detector"] == "copied_data"])
    false = false.drop(index=right["finding_id"].unique() if len(right) else [])
    return SeedResult(
        generator,
        seed,
        recalled,
        blind,
        precise,
        false.groupby("detector").size().to_dict(),
        signed,
        int((found["mn"].isin(honest) & (found["category"] == "validity")).sum()),
        len(honest),
        false["mn"].nunique(),
        len(honest) * days / 30.0,
        exceedance_hours(fleet, found),
        len(fleet.readings),
        seconds,
        frozenset(d.name for d in detectors),
    )


def seed_interval(values: list[float], draws: int = 10_000) -> tuple[float, float]:
    """The 2.5 and 97.5 % points of the mean of ``values`` (one per seed) resampled with
    replacement: how much of a difference between two claims the seeds' draw alone could make.
    With five seeds it understates the spread (a bootstrap of few values is too narrow), so
    read it as the least the draw can move a mean."""
    x = np.asarray(values, dtype=float)
    means = x[np.random.default_rng(0).integers(0, len(x), (draws, len(x)))].mean(axis=1)
    return float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def report(generator: str, runs: list[SeedResult]) -> None:
    seeds = [r.seed for r in runs]
    tuned = sorted(set(seeds) & set(TUNING[generator]))
    print(
        f"\n=== {generator}: seeds {seeds} "
        f"({'TUNING seeds ' + str(tuned) if tuned else 'evaluation seeds, never tuned on'}); "
        f"{sum(r.readings for r in runs):,} readings in {sum(r.seconds for r in runs):.1f} s"
    )
    head = (
        f"{'pattern':22s} {'labels':>6s} {'recall':>7s} {'worst':>6s} {'findings':>8s} {'prec':>5s}"
        f" {'blind (found)':>13s} {'as sign':>7s}"
    )
    print(head)
    print("-" * len(head))
    ran = {name for r in runs for name in r.ran}
    for p in PATTERNS:
        if p not in ran:
            continue
        n_lab = sum(r.recalled[p][1] for r in runs)
        n_rec = sum(r.recalled[p][0] for r in runs)
        worst = min(
            (r.recalled[p][0] / r.recalled[p][1] for r in runs if r.recalled[p][1]),
            default=float("nan"),
        )
        n_tp = sum(r.precise[p][0] for r in runs)
        n_f = sum(r.precise[p][1] for r in runs)
        rec = f"{n_rec / n_lab:.2f}" if n_lab else "-"
        prec = f"{n_tp / n_f:.2f}" if n_f else "-"
        n_blind = sum(r.blind[p][1] for r in runs)
        blind = f"{n_blind} ({sum(r.blind[p][0] for r in runs)})"
        sign = f"{sum(r.signed[p] for r in runs) / n_lab:.2f}" if n_lab else "-"
        print(
            f"{p:22s} {n_lab:6d} {rec:>7s} {worst:6.2f} {n_f:8d} {prec:>5s} {blind:>13s} {sign:>7s}"
        )
    # (a seed without a label of the detectors run has no macro recall: left out)
    macro = [m for r in runs if not np.isnan(m := r.macro_recall)] or [float("nan")]
    print(f"macro recall: mean {np.mean(macro):.3f}, worst seed {min(macro):.3f}")
    if len(macro) > 1:
        lo, hi = seed_interval(macro)
        print(
            f"  (how far the draw moves it: seeds' sd {np.std(macro, ddof=1):.3f}; 95 % interval "
            f"of the mean {lo:.3f}-{hi:.3f}, bootstrap over the {len(macro)} seeds)"
        )
    signs = [m for r in runs if not np.isnan(m := r.macro_recall_signed)] or [float("nan")]
    print(
        f"  (recalled by an integrity finding, not a validity one ('as sign'): macro mean "
        f"{np.mean(signs):.3f}, worst seed {min(signs):.3f})"
    )
    sighted = [m for r in runs if not np.isnan(m := r.macro_recall_sighted)] or [float("nan")]
    print(
        f"  (diagnostic, not the target: macro recall over labels with a valid reading inside: "
        f"mean {np.mean(sighted):.3f}, worst seed {min(sighted):.3f})"
    )
    hit = sum(r.exceedance[0] for r in runs)
    hours = sum(r.exceedance[1] for r in runs)
    holding = sum(r.exceedance[2] for r in runs)
    ex = sum(r.exceedance[3] for r in runs)
    print(
        f"exceedance hours: recall {hit}/{hours} = {hit / max(hours, 1):.4f}; precision "
        f"{holding}/{ex} = {holding / max(ex, 1):.4f} (findings holding an over-limit valid hour)"
    )
    per100 = [r.false_per_100 for r in runs]
    months = sum(r.honest_months for r in runs)
    total = sum(sum(r.false_by_detector.values()) for r in runs)
    flagged = sum(r.honest_flagged for r in runs)
    outlets = sum(r.honest_outlets for r in runs)
    print(
        f"false integrity findings: {total} over {months:.0f} honest outlet-months: mean "
        f"{np.mean(per100):.2f}, worst seed {max(per100):.2f} per 100 honest outlet-months; "
        f"honest outlets with one or more: {flagged}/{outlets} = {flagged / max(outlets, 1):.1%}"
    )
    valid = sum(r.validity_on_honest for r in runs)
    print(
        f"  (validity findings on honest outlets, not counted as false: {valid}, "
        f"{100 * valid / max(months, 1e-9):.2f} per 100 honest outlet-months)"
    )
    names = sorted({d for r in runs for d in r.false_by_detector})
    for name in names:
        counts = [100 * r.false_by_detector.get(name, 0) / r.honest_months for r in runs]
        print(f"  {name:22s} mean {np.mean(counts):5.2f}  worst {max(counts):5.2f} per 100")


def outlet_series() -> tuple[pd.DataFrame, dict[str, OutletSpec]]:
    """The MIT real outlet series as NH3-N (limit 8, range 0-100), as bench_real_series reads it."""
    from bench_real_series import MN, load

    from detectors.spec import NH3N, PollutantSpec

    nh3 = PollutantSpec(NH3N, limit=8.0, analyser_range=(0.0, 100.0))
    return load(OUTLET_CSV), {MN: OutletSpec(MN, {NH3N: nh3})}


def real_share(
    readings: pd.DataFrame, specs: dict[str, OutletSpec], detectors: list[Detector]
) -> pd.Series:
    """Per outlet: the share of its valid readings inside an integrity finding."""
    found = findings_frame(list(detect_readings(readings, specs, detectors)))
    found = found[found["category"] == "integrity"]
    valid = readings[readings["flag"].isin(["N", "T"]) & readings["value"].notna()]
    valid = valid.assign(mn=valid["mn"].astype(str), pollutant=valid["pollutant"].astype(str))
    counts = valid.groupby("mn").size()
    if found.empty:
        return pd.Series(0.0, index=counts.index)
    merged = valid.reset_index(names="row").merge(found, on="mn", suffixes=("", "_f"))
    same = merged["pollutant_f"].isna() | (merged["pollutant_f"] == merged["pollutant"])
    inside = merged[same & (merged["ts"] >= merged["start"]) & (merged["ts"] <= merged["end"])]
    covered = inside.groupby("mn")["row"].nunique()
    return (covered.reindex(counts.index, fill_value=0) / counts).sort_values(ascending=False)


def report_real(detectors: list[Detector]) -> None:
    print(
        "\n=== real series (no labels; integrity findings' share of valid readings, target <= 1 %)"
    )
    readings, specs = outlet_series()
    share = real_share(readings, specs, detectors)
    print(f"outlet series (tests/data, hourly NH3-N): {share.iloc[0]:.2%}")
    if not (SURFACE / "readings.csv").exists():
        print("surface-water stations: data not beside the repository, skipped")
        return
    from monitor.store.readings_files import read_readings

    sw = read_readings(SURFACE / "readings.csv")
    sw_specs = load_registry(SURFACE / "sites.toml").specs()
    share = real_share(sw, sw_specs, detectors)
    over = share[share > 0.01]
    print(
        f"surface-water stations (daily, {len(share)}): mean {share.mean():.2%}, worst "
        f"{share.max():.2%} ({share.index[0]}); stations over 1 %: {len(over)}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generators", default="simulator,independent")
    ap.add_argument("--seeds-simulator", default=",".join(map(str, EVALUATION["simulator"])))
    ap.add_argument("--seeds-independent", default=",".join(map(str, EVALUATION["independent"])))
    ap.add_argument("--seeds-honest", default=",".join(map(str, EVALUATION["honest"])))
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--share", type=float, default=0.5, help="falsifying share of outlets")
    ap.add_argument("--no-real", action="store_true", help="skip the real series")
    ap.add_argument(
        "--detectors", default=None, help="only these detectors (comma-separated), to iterate fast"
    )
    args = ap.parse_args()
    detectors = build(args.detectors.split(",") if args.detectors else None)
    print(
        f"{args.outlets} outlets x {args.days} days per seed, falsifying share {args.share}; "
        f"detectors: {', '.join(d.name for d in detectors)}"
    )
    for generator in args.generators.split(","):
        seeds = [int(s) for s in getattr(args, f"seeds_{generator}").split(",")]
        runs = [
            evaluate(generator, s, args.outlets, args.days, args.share, detectors) for s in seeds
        ]
        report(generator, runs)
    if not args.no_real:
        report_real(detectors)


if __name__ == "__main__":
    main()
