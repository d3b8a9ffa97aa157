"""The catalogue on a real Chinese outlet's hourly series: what it flags among honest analyser holds.

Data: tests/data/cn_enterprise_outlet_hourly/test.csv (MIT, with its SOURCE.md),
a real platform export (2021-01 to 2022-10, hourly, 72 % of hours missing, most values held for
6-8 hours by the analyser). Its parameter is unnamed; by its values (median 1.1, p75 2.3 mg/L) it
is treated as NH3-N (w21003) with a discharge limit of 8 mg/L (a common industrial NH3-N limit,
e.g. GB 8978-1996 grade 1 is 15, many permits say 5-8) and an analyser range of 0-100 mg/L. Times
are Asia/Shanghai. Every row is taken as flag N (the export has no flags); empty values stay NaN.

Printed: each integrity finding, the share of the series' valid hours they cover (target: no
finding from the 6-8 h holds that are this analyser's norm), the naive baseline "same value for
6 h" rule's share on the same data, and the whole days at one value (possible leads: listed, not
necessarily findings).

Usage: python bench/bench_real_series.py [--limit 8]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors import OutletData, OutletSpec, PollutantSpec, build, run_fleet
from detectors.base import FleetDetector
from detectors.spec import NH3N

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "cn_enterprise_outlet_hourly" / "test.csv"
MN = "REAL0000000001"


def load(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path)
    ts = pd.to_datetime(raw["monitorTime"]).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    return pd.DataFrame(
        {
            "mn": MN,
            "pollutant": NH3N,
            "ts": ts,
            "value": pd.to_numeric(raw["monitorAvgValue"], errors="coerce"),
            "flag": "N",
        }
    )


def naive_constant_share(frame: pd.DataFrame, hours: int = 6) -> float:
    """Share of valid hours inside a run of >= ``hours`` consecutive hours at one value."""
    s = frame.set_index("ts")["value"].asfreq("h")
    change = (s != s.shift()) | s.isna()
    run_id = change.cumsum()
    length = s.groupby(run_id).transform("size")
    flagged = (length >= hours) & s.notna()
    return float(flagged.sum() / s.notna().sum())


def constant_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Local days with 20+ valid hours all at one value."""
    local = frame.dropna(subset=["value"]).assign(
        day=lambda f: f["ts"].dt.tz_convert("Asia/Shanghai").dt.date
    )
    g = local.groupby("day")["value"].agg(["size", "nunique", "first"])
    return g[(g["size"] >= 20) & (g["nunique"] == 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=float, default=8.0, help="NH3-N discharge limit, mg/L")
    ap.add_argument("--file", type=Path, default=DATA)
    args = ap.parse_args()
    frame = load(args.file)
    spec = OutletSpec(
        MN, {NH3N: PollutantSpec(NH3N, limit=args.limit, analyser_range=(0.0, 100.0))}
    )
    outlet = OutletData(frame, spec)
    detectors = build()
    findings = []
    for d in detectors:
        if isinstance(d, FleetDetector):
            findings.extend(run_fleet([outlet], [d]))
        else:
            findings.extend(d.detect(outlet))
    valid = frame.dropna(subset=["value"])
    print(
        f"{args.file.name}: {len(frame)} rows, {len(valid)} valid hours, "
        f"{frame['ts'].min():%Y-%m-%d} to {frame['ts'].max():%Y-%m-%d}; "
        f"treated as NH3-N, limit {args.limit} mg/L, range 0-100"
    )
    print(f"detectors run: {', '.join(d.name for d in detectors)}\n")
    by_category: dict[str, int] = {}
    for f in findings:
        by_category[f.category] = by_category.get(f.category, 0) + 1
    print(f"findings by category: {by_category}")
    integrity = [f for f in findings if f.category == "integrity"]
    covered = np.zeros(len(valid), dtype=bool)
    ts = valid["ts"]
    print(f"\nintegrity findings: {len(integrity)}")
    for f in integrity:
        covered |= ((ts >= f.start) & (ts <= f.end)).to_numpy()
        d = f.to_dict()
        print(f"  {d['detector']:16s} {d['start']} .. {d['end']} {d['severity']:6s} {d['summary']}")
    share = covered.mean() if len(valid) else 0.0
    if integrity:
        shortest = min((f.end - f.start) / pd.Timedelta(hours=1) + 1 for f in integrity)
        print(f"shortest integrity finding: {shortest:.0f} h (this analyser's usual hold: 6-8 h)")
    print(
        f"\nshare of valid hours inside an integrity finding: {share:.1%} ({int(covered.sum())} h)"
    )
    print(f"baseline: a naive 'same value for 6 h' rule flags {naive_constant_share(frame):.1%}")
    days = constant_days(frame)
    print(f"\nwhole days (20+ valid hours) at one value: {len(days)} (possible leads, see note)")
    for day, row in days.iterrows():
        print(f"  {day} value {row['first']} over {row['size']} h")


if __name__ == "__main__":
    main()
