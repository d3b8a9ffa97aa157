"""The wire's evidence: recall and false findings of `fingerprint_change` and `backfill` over a fleet
of generated packet streams, and their speed beside `completeness` (a cheap detector) as baseline.

Each outlet sends hourly HJ 212 packets (tests/ingest/wire_programs.py) for ``--days`` days; every
packet is decoded and recorded as the daemon does (habits, arrival time). Five kinds of outlet,
``--outlets`` of each, seeded from ``--seed``:

- ``honest``: a standard logger; half of them write decimals %g-style (varying packet by packet);
  a few short outages that are never filled;
- ``firmware``: a firmware update at a random time (one clean, lasting switch of habits);
- ``buffer``: an outage of 6-72 h whose hours the logger uploads from its buffer when the line
  comes back (honest values, arriving late);
- ``second``: from a random time on, another program (Modbus CRC, its own header order, QN
  from DataTime, 2 decimals) sends 5-50 % of the hours beside the logger (below 10 % the
  detector's ``min_share`` is not met: those are expected misses);
- ``filled``: an outage of 12-72 h filled later with made-up hours (a line between the hours
  around the gap with 0.2-1 % noise, or a flat level at 50-90 % of the mean with 2-15 % noise,
  up to the live hours' own spread).

Expected: ``second`` -> an integrity `fingerprint_change`; ``filled`` -> an integrity `backfill`;
``firmware`` -> a validity notice only (none when the update is registered as announced);
``honest`` and ``buffer`` -> nothing. Printed: per kind, outlets found as expected, integrity
findings where there should be none, validity notices, and the detectors' time per outlet.

    python bench/bench_wire_evidence.py [--outlets 20] [--days 90] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from detectors.checks.backfill import BackfillDetector  # noqa: E402
from detectors.checks.completeness import CompletenessDetector  # noqa: E402
from detectors.checks.fingerprint_change import FingerprintChangeDetector  # noqa: E402
from detectors.frame import OutletData  # noqa: E402
from tests.ingest.wire_programs import (  # noqa: E402
    DECIMALS,
    FIRMWARE_2,
    FORGER,
    LOGGER,
    honest_values,
    wire_frames,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
KINDS = ("honest", "firmware", "buffer", "second", "filled")
EXPECTED = {"second": "fingerprint_change", "filled": "backfill"}


def outlet(kind: str, k: int, days: int, seed: int) -> tuple[OutletData, str | None]:
    """One outlet of ``kind`` (the ``k``-th) and, for a firmware update, its announced time."""
    rng = np.random.default_rng([seed, KINDS.index(kind), k])
    hours = 24 * days
    values = honest_values(hours, int(rng.integers(1 << 30)))
    mn = f"61011{KINDS.index(kind)}{k:08d}"

    def live(h: int) -> datetime:
        return T0 + timedelta(hours=h + 1, minutes=int(rng.integers(0, 5)))

    programs = [LOGGER]
    if kind == "honest" and k % 2:
        programs = [
            replace(LOGGER, decimals={c: int(d) for c, d in zip(DECIMALS, row, strict=True)})
            for row in rng.integers(0, 4, size=(8, len(DECIMALS)))
        ]
    picks = rng.integers(0, len(programs), hours)
    at = int(rng.integers(hours // 4, 3 * hours // 4))
    share = float(rng.uniform(0.05, 0.5))
    coin = rng.random(hours)
    gap = range(at, at + int(rng.integers(12 if kind == "filled" else 6, 73)))
    silent = {int(h) for h in rng.integers(0, hours, 4)} if kind == "honest" else set()
    upload = T0 + timedelta(hours=gap.stop + int(rng.integers(1, 48)), minutes=7)
    if kind == "filled":
        a, b = gap.start, gap.stop
        flat = rng.random() < 0.5
        for v in values.values():
            if flat:
                v[a:b] = (
                    v[:a].mean()
                    * rng.uniform(0.5, 0.9)
                    * rng.normal(1, rng.uniform(0.03, 0.08), b - a)
                )
            else:
                line = np.linspace(v[a - 1], v[b], b - a)
                v[a:b] = line * rng.normal(1, rng.uniform(0.002, 0.01), b - a)

    def program_of(h: int):  # type: ignore[no-untyped-def]
        if kind == "firmware" and h >= at:
            return FIRMWARE_2
        if kind == "second" and h >= at and coin[h] < share:
            return FORGER
        return programs[picks[h]]

    def sent_of(h: int) -> datetime | None:
        if h in silent:
            return None
        if kind in ("buffer", "filled") and h in gap:
            return upload
        return live(h)

    frame, packets = wire_frames(mn, "123456", T0, values, program_of, sent_of)
    announced = (T0 + timedelta(hours=at + 1)).isoformat() if kind == "firmware" else None
    return OutletData(frame, packets=packets), announced


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--outlets", type=int, default=20, help="outlets of each kind")
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t = time.perf_counter()
    fleet = {
        kind: [outlet(kind, k, args.days, args.seed) for k in range(args.outlets)] for kind in KINDS
    }
    made = time.perf_counter() - t
    n = args.outlets * len(KINDS)
    print(
        f"fleet: {args.outlets} outlets of each of {len(KINDS)} kinds, {args.days} days of hourly "
        f"packets each, seed {args.seed} (generated, decoded and recorded in {made:.1f} s)"
    )
    detectors = {
        "fingerprint_change": FingerprintChangeDetector(),
        "backfill": BackfillDetector(),
        "completeness (baseline)": CompletenessDetector(),
    }
    seconds = dict.fromkeys(detectors, 0.0)
    findings: dict[str, list[list]] = {kind: [] for kind in KINDS}
    for kind, outlets in fleet.items():
        for data, _ in outlets:
            mine = []
            for name, detector in detectors.items():
                t = time.perf_counter()
                found = detector.detect(data)
                seconds[name] += time.perf_counter() - t
                if "baseline" not in name:
                    mine += found
            findings[kind].append(mine)
    print(f"{'kind':<10} {'expected':<20} {'found':>7} {'integrity elsewhere':>20} {'validity':>9}")
    for kind in KINDS:
        expected = EXPECTED.get(kind)
        found = sum(
            any(f.detector == expected and f.category == "integrity" for f in fs)
            for fs in findings[kind]
        )
        wrong = sum(
            sum(f.category == "integrity" and f.detector != expected for f in fs)
            for fs in findings[kind]
        )
        notices = sum(sum(f.category == "validity" for f in fs) for fs in findings[kind])
        shown = f"{found}/{args.outlets}" if expected else "-"
        print(f"{kind:<10} {expected or 'nothing':<20} {shown:>7} {wrong:>20} {notices:>9}")
    announced = FingerprintChangeDetector
    silenced = sum(
        not announced(announced=(when,)).detect(data)
        for data, when in fleet["firmware"]
        if when is not None
    )
    print(f"firmware updates registered as announced: {silenced}/{args.outlets} without a finding")
    print("detector time per outlet (same outlets, same run):")
    for name, s in seconds.items():
        print(f"  {name:<26} {1000 * s / n:7.2f} ms")


if __name__ == "__main__":
    main()
