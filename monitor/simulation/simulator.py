"""A labelled simulator of wastewater discharge outlets: honest plants and falsifying ones.

`simulate` builds, from one seed (a numpy ``Generator``), a fleet of outlets reporting hourly COD,
NH3-N, TP, TN, pH and flow (HJ 212-2017 codes) with the honest behaviour that fools naive rules:

- effluent concentrations log-normal around a plant level, with a diurnal cycle and AR(1) noise on
  the log (a component shared by the channels plus one per channel); TN is NH3-N plus other
  nitrogen, so NH3-N <= TN always holds honestly; flow has its own diurnal cycle;
- analyser cycles: COD/TN/TP measure every 1-4 h, NH3-N every 1-2 h, and the hourly value repeats
  until the next measurement; pH and flow are hourly averages; every channel is rounded to its
  resolution (COD 0.1 or 1, NH3-N and TP 0.01 or 0.001, TN 0.01 or 0.1, pH 0.01 or 0.1,
  flow 0.1);
- a weekly calibration hour per analyser that reads the registered standard solution (flag C),
  maintenance windows (M), analyser faults (D), shutdowns (flow 0 and every channel 0, flag F),
  rain (flow up, concentrations diluted), short communication gaps (rows absent), honest upsets
  that really exceed, and plants running close to their limit.

Honest rates (Poisson per outlet): rain every 8 days for 6-36 h (flow x1.4-2.6, concentrations
/1.35-2.4), maintenance monthly for 2-8 h, an analyser fault (D, last value repeated) every 60
days for 2-12 h, shutdowns every 90 days for 12-72 h, upsets every 45 days
for 3-12 h (x1.8-3.0 at the peak), gaps every 4 days for 1-4 h plus every 150 days for 24-48 h.
Plants run at 25-60 % of each limit; a fifth run at 60-72 % on COD or NH3-N.

A share of the outlets falsify: each gets patterns of DESIGN.md section 11 injected at labelled,
non-overlapping intervals (see `monitor.simulation.patterns`). Every valid hour over its limit in
the final data is labelled ``exceedance`` (runs joined across 1-hour gaps), whether honest or not.

Outputs: the registry entries (DESIGN.md section 4, plus ``industry``), the readings (a long frame
of DESIGN.md section 5, ``ts`` in UTC), the labels (``mn, pattern, pollutant, start, end, detail``;
``start``/``end`` inclusive; ``pollutant`` empty for outlet-wide patterns) and the honest events
(``events``, same columns) for tests of the traps. `Simulation.hours` replays the readings hour by
hour; `stream` yields consecutive blocks of the same fleet without end, for a live feed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from detectors.spec import FLOW, PH
from monitor.config import DEFAULT_TIMEZONE
from monitor.simulation import patterns
from monitor.simulation.fleet import (
    CHANNELS,
    CONC,
    DEFAULT_START,
    DISTRICTS,
    FLAGS,
    PH_LIMIT,
    PH_STANDARD,
    Fleet,
    N,
    Simulation,
    T,
)
from monitor.simulation.honest import add_honest_behaviour, draw_fleet


def _plan(
    fleet: Fleet, falsifying: np.ndarray, names: Sequence[str], clean_share: float = 0.25
) -> dict[int, list[tuple[str, int, int, str]]]:
    """Assign patterns round-robin to the falsifying outlets and place each at a free interval.

    Each falsifying outlet gets 1 (< 90 days), 2 (< 270 days) or 3 patterns, each in its own slice
    of the time line after the first ``clean_share`` (kept as clean history for baselines).
    """
    rng, h = fleet.rng, fleet.n_hours
    days = h // 24
    per_outlet = 1 if days < 90 else 2 if days < 270 else 3
    order = list(names)
    rng.shuffle(order)
    plan: dict[int, list[tuple[str, int, int, str]]] = {}
    k = 0
    lo = int(h * clean_share)
    slot = (h - lo) // per_outlet
    for i in np.flatnonzero(falsifying):
        items = []
        for j in range(per_outlet):
            a0, b0 = lo + j * slot, lo + (j + 1) * slot - min(24, slot // 4)
            for _ in range(len(order)):
                name = order[k % len(order)]
                k += 1
                dur, variant = patterns.duration(name, rng, fleet, int(i))
                if dur <= b0 - a0:
                    a = int(rng.integers(a0, b0 - dur + 1))
                    items.append((name, a, a + dur, variant))
                    break
        plan[int(i)] = items
    return plan


def _exceedance_labels(fleet: Fleet) -> list[tuple[str, str, str | None, int, int, str]]:
    """Every valid hour over its limit, as runs joined across gaps of 1 hour."""
    out = []
    for c in (*CONC, PH):
        valid = fleet.present[c] & np.isin(fleet.flag[c], (N, T))
        v = fleet.value[c]
        if c == PH:
            over = valid & ((v < PH_LIMIT[0]) | (v > PH_LIMIT[1]))
        else:
            over = valid & (v > fleet.limit[c][:, None])
        for i in np.flatnonzero(over.any(axis=1)):
            idx = np.flatnonzero(over[i])
            cut = np.flatnonzero(np.diff(idx) > 2) + 1
            for run in np.split(idx, cut):
                out.append(("exceedance", fleet.mns[i], c, int(run[0]), int(run[-1]), ""))
    return out


def _long(fleet: Fleet) -> pd.DataFrame:
    """The readings as a long frame sorted by (mn, ts, pollutant), ``ts`` in UTC."""
    n, h = fleet.n, fleet.n_hours
    k = len(CHANNELS)
    value = np.stack([fleet.value[c] for c in CHANNELS], axis=2)  # (n, h, k)
    flag = np.stack([fleet.flag[c] for c in CHANNELS], axis=2)
    present = np.stack([fleet.present[c] for c in CHANNELS], axis=2).ravel()
    mn_idx = np.repeat(np.arange(n), h * k)[present]
    hour_idx = np.tile(np.repeat(np.arange(h), k), n)[present]
    ch_idx = np.tile(np.arange(k), n * h)[present]
    ts = fleet.hours_local.tz_convert("UTC").as_unit("ns")
    return pd.DataFrame(
        {
            "mn": pd.Categorical.from_codes(mn_idx, categories=fleet.mns),
            "pollutant": pd.Categorical.from_codes(ch_idx, categories=list(CHANNELS)),
            "ts": ts[hour_idx],
            "value": value.ravel()[present],
            "flag": pd.Categorical.from_codes(flag.ravel()[present], categories=list(FLAGS)),
        }
    )


def _registry(fleet: Fleet) -> list[dict[str, Any]]:
    sites = []
    known_cycle = fleet.known_cycle
    for i, mn in enumerate(fleet.mns):
        pollutants: dict[str, dict[str, Any]] = {}
        for c in CONC:
            entry: dict[str, Any] = {
                "limit": float(fleet.limit[c][i]),
                "range": [0.0, float(fleet.range_hi[c][i])],
                "standard": float(fleet.standard[c][i]),
            }
            if known_cycle[i]:
                entry["cycle_minutes"] = int(fleet.cycle[c][i]) * 60
            pollutants[c] = entry
        pollutants[PH] = {"limit": list(PH_LIMIT), "range": [0.0, 14.0], "standard": PH_STANDARD}
        pollutants[FLOW] = {"range": [0.0, float(fleet.range_hi[FLOW][i])]}
        sites.append(
            {
                "mn": mn,
                "enterprise": f"E{i + 1:04d}",
                "name": f"Outlet {i + 1}",
                "district": DISTRICTS[i % len(DISTRICTS)],
                "password": fleet.passwords[i],
                "industry": fleet.industry[i],
                "pollutants": pollutants,
            }
        )
    return sites


def _interval_frame(
    fleet: Fleet, rows: list[tuple[str, str, str | None, int, int, str]], first: str
) -> pd.DataFrame:
    """Label or event rows (hour indices) as a frame ``mn, <first>, pollutant, start, end, detail``
    with UTC timestamps, sorted by outlet and start."""
    ts = fleet.hours_local.tz_convert("UTC").as_unit("ns")
    frame = pd.DataFrame(rows, columns=[first, "mn", "pollutant", "start", "end", "detail"])
    frame = frame.astype({first: object, "mn": object, "pollutant": object, "detail": object})
    frame["start"] = ts[frame["start"].to_numpy(dtype=np.int64)]
    frame["end"] = ts[frame["end"].to_numpy(dtype=np.int64)]
    frame = frame[["mn", first, "pollutant", "start", "end", "detail"]]
    return frame.sort_values(["mn", "start", first], ignore_index=True)


def simulate(
    n_outlets: int = 20,
    days: int = 30,
    seed: int = 0,
    *,
    start: pd.Timestamp | str = DEFAULT_START,
    falsifying_share: float = 0.3,
    patterns_used: Sequence[str] | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> Simulation:
    """Simulate ``n_outlets`` outlets for ``days`` days of hourly data from ``seed``.

    The plants keep their working hours in ``tz`` (the configured zone), where a ``start``
    without a zone is read.

    ``falsifying_share`` of the outlets (rounded, at least one when the share is positive) falsify,
    with ``patterns_used`` (default: every pattern of `monitor.simulation.patterns.PATTERNS`)
    assigned round-robin; patterns that do not fit the time line are skipped. The same arguments
    always give the same simulation.
    """
    return _build(n_outlets, days, seed, start, falsifying_share, patterns_used, tz, block=0)


def stream(
    n_outlets: int = 20,
    seed: int = 0,
    *,
    block_days: int = 1,
    start: pd.Timestamp | str = DEFAULT_START,
    falsifying_share: float = 0.3,
    patterns_used: Sequence[str] | None = None,
    tz: str = DEFAULT_TIMEZONE,
) -> Iterator[Simulation]:
    """An endless live feed: consecutive simulations of ``block_days`` each for the same fleet.

    Every block has the same registry and the same falsifying outlets; block 0 equals
    ``simulate(n_outlets, block_days, seed, ...)``; block k (k >= 1) covers the following days
    from its own random stream (seed, k), so the feed is reproducible and needs only one block
    in memory. Slow processes (AR noise, analyser phases) restart at each block boundary, and
    falsification patterns are placed inside each block (patterns longer than a block never
    appear). Iterate ``block.hours()`` for hour-by-hour publishing.
    """
    block = 0
    while True:
        yield _build(n_outlets, block_days, seed, start, falsifying_share, patterns_used, tz, block)
        block += 1


def _build(
    n_outlets: int,
    days: int,
    seed: int,
    start: pd.Timestamp | str,
    falsifying_share: float,
    patterns_used: Sequence[str] | None,
    tz: str,
    block: int,
) -> Simulation:
    if n_outlets < 1 or days < 1:
        raise ValueError("simulate needs at least one outlet and one day")
    start_ts = pd.Timestamp(start)
    start_ts = start_ts.tz_localize(tz) if start_ts.tzinfo is None else start_ts.tz_convert(tz)
    rng = np.random.default_rng(seed)
    fleet = draw_fleet(rng, n_outlets, days, start_ts)
    names = list(patterns_used) if patterns_used is not None else list(patterns.PATTERNS)
    unknown = sorted(set(names) - set(patterns.PATTERNS))
    if unknown:
        raise ValueError(f"unknown pattern(s) {unknown}; known: {', '.join(patterns.PATTERNS)}")
    m = round(n_outlets * falsifying_share)
    if falsifying_share > 0:
        m = max(1, m)
    falsifying = np.zeros(n_outlets, dtype=bool)
    falsifying[rng.permutation(n_outlets)[:m]] = True
    if block:
        fleet.rng = np.random.default_rng([seed, block])
        fleet.hours_local = fleet.hours_local + pd.Timedelta(days=days * block)
    plan = _plan(fleet, falsifying, names, clean_share=0.0 if block else 0.25) if names else {}
    add_honest_behaviour(fleet, plan)
    labels: list[tuple[str, str, str | None, int, int, str]] = []
    for i, items in sorted(plan.items()):
        for name, a, b, variant in items:
            labels.extend(patterns.inject(name, fleet, i, a, b, variant, falsifying))
    labels.extend(_exceedance_labels(fleet))
    events = [(e, mn, p, a, b, "") for e, mn, p, a, b in fleet.events if b >= 0]
    return Simulation(
        registry_sites=_registry(fleet),
        readings=_long(fleet),
        labels=_interval_frame(fleet, labels, "pattern"),
        events=_interval_frame(fleet, events, "event"),
        seed=seed,
        start=fleet.hours_local[0],
        days=days,
        falsifying=tuple(fleet.mns[i] for i in np.flatnonzero(falsifying)),
    )
