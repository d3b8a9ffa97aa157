"""Accuracy of the detector catalogue on labelled simulations (`monitor.simulation.simulator`).

Seeds: 1-3 are for tuning detectors (look at them freely); 101-105 are for evaluation and must
not be tuned on. This script runs the evaluation seeds by default.

Matching rules:
- a labelled interval of pattern P is *recalled* when a finding of detector P on the same outlet
  overlaps it (inclusive bounds) and, when both name a pollutant, on the same pollutant;
- a finding of detector P is a *true positive* when it overlaps (same rule) any labelled interval
  of pattern P; precision = true positives / findings of P;
- every integrity finding on an honest outlet is false (except a copied_data finding on the source
  window of another outlet's copy, labelled ``copied_by=MN``); they are reported per 100 honest
  outlet-months, in total and per detector.

Usage: python bench/bench_detect_accuracy.py [--seeds 101,102,103,104,105] [--outlets 40] [--days 180]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors import Detector, build
from monitor.detection.batch import detect_readings
from monitor.simulation.patterns import PATTERNS
from monitor.simulation.simulator import simulate

TUNING_SEEDS = (1, 2, 3)
EVALUATION_SEEDS = (101, 102, 103, 104, 105)


def findings_frame(findings: list) -> pd.DataFrame:
    rows = [
        (f.detector, f.category, f.mn, f.pollutant, f.start, f.end, f.severity) for f in findings
    ]
    cols = ["detector", "category", "mn", "pollutant", "start", "end", "severity"]
    frame = pd.DataFrame(rows, columns=cols)
    if frame.empty:
        frame["start"] = pd.Series([], dtype="datetime64[ns, UTC]")
        frame["end"] = pd.Series([], dtype="datetime64[ns, UTC]")
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


def working_detectors() -> tuple[list[Detector], dict[str, str]]:
    """The catalogue's detectors that run on a small simulation, and the errors of the others
    (detectors are written while this bench runs: a broken one is reported, not fatal)."""
    small = simulate(4, 60, seed=999, falsifying_share=0.5)
    specs = small.specs()
    ok: list[Detector] = []
    broken: dict[str, str] = {}
    for detector in build():
        try:
            list(detect_readings(small.readings, specs, [detector]))
            ok.append(detector)
        except Exception as e:  # report any failure of a detector under construction
            broken[detector.name] = f"{type(e).__name__}: {e}"
    return ok, broken


def exceedance_coverage(sim, found: pd.DataFrame) -> tuple[int, int, int]:
    """(valid hours over their limit inside an exceedance finding, such hours, exceedance
    findings holding none of them)."""
    specs = sim.specs()
    rows = sim.readings[sim.readings["flag"].isin(["N", "T"])]
    keys = rows[["mn", "pollutant"]].astype(str).drop_duplicates()
    lo_hi = {
        (m, p): (
            specs[m].pollutant(p).limit_range or (-float("inf"), specs[m].pollutant(p).upper_limit)
        )
        for m, p in keys.itertuples(index=False)
    }
    pairs = list(zip(rows["mn"].astype(str), rows["pollutant"].astype(str), strict=True))
    lo = pd.Series([lo_hi[k][0] for k in pairs], index=rows.index, dtype=float)
    hi = pd.Series([lo_hi[k][1] for k in pairs], index=rows.index, dtype=float)
    over = rows[
        (rows["value"] > hi.fillna(float("inf"))) | (rows["value"] < lo.fillna(-float("inf")))
    ]
    over = over.assign(mn=over["mn"].astype(str), pollutant=over["pollutant"].astype(str))
    ex = found[found["detector"] == "exceedance"].reset_index(names="finding_id")
    merged = over.reset_index(names="hour_id").merge(
        ex, on=["mn", "pollutant"], suffixes=("", "_f")
    )
    inside = merged[(merged["ts"] >= merged["start"]) & (merged["ts"] <= merged["end"])]
    empty = len(set(ex["finding_id"]) - set(inside["finding_id"]))
    return inside["hour_id"].nunique(), len(over), empty


def evaluate(seed: int, outlets: int, days: int, share: float, detectors: list[Detector]) -> dict:
    sim = simulate(outlets, days, seed, falsifying_share=share)
    t0 = time.perf_counter()
    found = findings_frame(list(detect_readings(sim.readings, sim.specs(), detectors)))
    seconds = time.perf_counter() - t0
    labels = sim.labels.copy()
    labels["pollutant"] = labels["pollutant"].where(labels["pollutant"].notna(), None)
    honest = sorted(set(sim.specs()) - set(sim.falsifying))
    covered, over_hours, empty = exceedance_coverage(sim, found)
    return {
        "exceedance_hours": over_hours,
        "exceedance_hours_covered": covered,
        "exceedance_findings_without_hour": empty,
        "labels": labels,
        "found": found,
        "honest": honest,
        "honest_months": len(honest) * days / 30.0,
        "readings": len(sim.readings),
        "seconds": seconds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default=",".join(map(str, EVALUATION_SEEDS)))
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--share", type=float, default=0.5, help="falsifying share of outlets")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    tuned = sorted(set(seeds) & set(TUNING_SEEDS))
    print(
        f"seeds {seeds} ({'TUNING seeds ' + str(tuned) if tuned else 'evaluation only'}), "
        f"{args.outlets} outlets x {args.days} days, falsifying share {args.share}"
    )
    detectors, broken = working_detectors()
    for name, error in broken.items():
        print(f"detector {name} fails and is left out: {error[:150]}")
    runs = [evaluate(s, args.outlets, args.days, args.share, detectors) for s in seeds]
    catalogue = sorted({d.name for d in detectors})
    print(
        f"detected {sum(r['readings'] for r in runs):,} readings in "
        f"{sum(r['seconds'] for r in runs):.1f} s; detectors present: {', '.join(catalogue)}\n"
    )

    header = (
        f"{'pattern':24s} {'labels':>6s} {'recall':>7s} {'findings':>8s} {'precision':>9s} "
        f"{'on other':>8s} {'on clean':>8s}"
    )
    print(header)
    print("-" * len(header))
    for pattern in (*PATTERNS, "exceedance"):
        n_lab = n_rec = n_find = n_tp = n_other = 0
        for r in runs:
            labels = r["labels"][r["labels"]["pattern"] == pattern]
            found = r["found"][r["found"]["detector"] == pattern]
            pairs = overlaps(labels, found)
            n_lab += len(labels)
            n_rec += pairs["label_id"].nunique() if len(pairs) else 0
            n_find += len(found)
            hit = set(pairs["finding_id"]) if len(pairs) else set()
            n_tp += len(hit)
            rest = found[~found.index.isin(hit)]
            fals = r["labels"][~r["labels"]["pattern"].isin([pattern, "exceedance"])]
            cross = overlaps(fals.assign(pollutant=None), rest)
            n_other += cross["finding_id"].nunique() if len(cross) else 0
        missing = pattern not in catalogue
        recall = "absent" if missing else f"{n_rec / n_lab:.2f}" if n_lab else "-"
        precision = "absent" if missing else f"{n_tp / n_find:.2f}" if n_find else "-"
        clean = n_find - n_tp - n_other
        print(
            f"{pattern:24s} {n_lab:6d} {recall:>7s} {n_find:8d} {precision:>9s} "
            f"{n_other:8d} {clean:8d}"
        )
    print(
        "(precision: findings overlapping a label of their own pattern; 'on other': the rest that "
        "overlap another falsification on that outlet; 'on clean': the rest)"
    )

    hours = sum(r["exceedance_hours"] for r in runs)
    covered = sum(r["exceedance_hours_covered"] for r in runs)
    print(
        f"\nvalid hours over their limit inside an exceedance finding: {covered}/{hours}; "
        f"exceedance findings without such an hour: "
        f"{sum(r['exceedance_findings_without_hour'] for r in runs)} (daily-mean findings hold one "
        "only when an hour of that day is over)"
    )

    months = sum(r["honest_months"] for r in runs)
    false = pd.concat(
        [r["found"][r["found"]["mn"].isin(r["honest"])] for r in runs], ignore_index=True
    )
    false = false[false["category"] == "integrity"]
    # a copy's honest source outlet carries a 'copied_by' label: pairing findings there are right
    sources = pd.concat(
        [r["labels"][r["labels"]["detail"].str.startswith("copied_by=")] for r in runs]
    )
    right = overlaps(sources, false[false["detector"] == "copied_data"])
    false = false.drop(index=right["finding_id"].unique() if len(right) else [])
    print(
        f"\nfalse integrity findings on honest outlets: {len(false)} over {months:.0f} "
        f"outlet-months = {100 * len(false) / months:.2f} per 100 honest outlet-months "
        "(target <= 1)"
    )
    if len(false):
        per = false.groupby("detector").size().sort_values(ascending=False)
        for name, count in per.items():
            print(f"  {name:22s} {count:5d}  {100 * count / months:6.2f} per 100 outlet-months")
    other = pd.concat([r["found"] for r in runs], ignore_index=True)
    other = other[other["category"] == "completeness"]
    print(f"completeness findings (all outlets): {len(other)}")


if __name__ == "__main__":
    main()
