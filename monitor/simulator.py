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
non-overlapping intervals (see `monitor.simulator_patterns`). Every valid hour over its limit in
the final data is labelled ``exceedance`` (runs joined across 1-hour gaps), whether honest or not.

Outputs: the registry entries (DESIGN.md section 4, plus ``industry``), the readings (a long frame
of DESIGN.md section 5, ``ts`` in UTC), the labels (``mn, pattern, pollutant, start, end, detail``;
``start``/``end`` inclusive; ``pollutant`` empty for outlet-wide patterns) and the honest events
(``events``, same columns) for tests of the traps. `Simulation.hours` replays the readings hour by
hour; `stream` yields consecutive blocks of the same fleet without end, for a live feed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from detectors.spec import COD, FLOW, NH3N, PH, TN, TP, OutletSpec, PollutantSpec
from monitor import simulator_patterns as patterns

#: Channels every simulated outlet reports, in the order written.
CHANNELS: Final[tuple[str, ...]] = (COD, NH3N, TP, TN, PH, FLOW)
CONC: Final[tuple[str, ...]] = (COD, NH3N, TP, TN)
#: HJ 212 data flags; arrays hold the index into this string.
FLAGS: Final = "NFMSDCTB"
N, F, M, S, D, C, T, B = range(8)
DEFAULT_START: Final = pd.Timestamp("2026-01-01 00:00", tz="Asia/Shanghai")
DISTRICTS: Final[tuple[str, ...]] = ("Lintong", "Yanta", "Beilin", "Weiyang", "Baqiao")

#: Discharge limits (mg/L; pH band), analyser ranges and typical levels by industry.
INDUSTRIES: Final[dict[str, dict[str, Any]]] = {
    "municipal": {
        "limit": {COD: 50.0, NH3N: 5.0, TP: 0.5, TN: 15.0},
        "range": {COD: 200.0, NH3N: 20.0, TP: 2.0, TN: 50.0},
        "flow": (300.0, 3000.0),
    },
    "chemical": {
        "limit": {COD: 100.0, NH3N: 15.0, TP: 1.0, TN: 30.0},
        "range": {COD: 500.0, NH3N: 50.0, TP: 10.0, TN: 100.0},
        "flow": (30.0, 400.0),
    },
    "food": {
        "limit": {COD: 100.0, NH3N: 15.0, TP: 1.0, TN: 30.0},
        "range": {COD: 500.0, NH3N: 50.0, TP: 10.0, TN: 100.0},
        "flow": (20.0, 300.0),
    },
    "textile": {
        "limit": {COD: 80.0, NH3N: 10.0, TP: 0.5, TN: 15.0},
        "range": {COD: 500.0, NH3N: 50.0, TP: 5.0, TN: 100.0},
        "flow": (50.0, 800.0),
    },
    "pharma": {
        "limit": {COD: 100.0, NH3N: 10.0, TP: 0.5, TN: 20.0},
        "range": {COD: 500.0, NH3N: 50.0, TP: 5.0, TN: 100.0},
        "flow": (10.0, 200.0),
    },
}
PH_LIMIT: Final = (6.0, 9.0)
PH_STANDARD: Final = 6.86


@dataclass(frozen=True, slots=True)
class Simulation:
    """A simulated fleet. ``readings`` is sorted by (mn, ts, pollutant) with ``ts`` in UTC."""

    registry_sites: list[dict[str, Any]]
    readings: pd.DataFrame
    labels: pd.DataFrame
    events: pd.DataFrame
    seed: int
    start: pd.Timestamp
    days: int
    falsifying: tuple[str, ...] = field(default=())

    def specs(self) -> dict[str, OutletSpec]:
        """The registry as detector specs, by MN (what `monitor.registry` builds from the TOML)."""
        return {site["mn"]: site_spec(site) for site in self.registry_sites}

    def hours(self) -> Iterator[tuple[pd.Timestamp, pd.DataFrame]]:
        """Every hour in time order with that hour's readings of every outlet (a live stream)."""
        frame = self.readings
        order = np.argsort(frame["ts"].array.asi8, kind="stable")
        ts = frame["ts"].array.asi8[order]
        bounds = np.flatnonzero(np.diff(ts)) + 1
        starts = np.r_[0, bounds]
        ends = np.r_[bounds, len(ts)]
        for a, b in zip(starts, ends, strict=True):
            rows = frame.iloc[order[a:b]]
            yield pd.Timestamp(ts[a], tz="UTC"), rows.reset_index(drop=True)


def site_spec(site: dict[str, Any]) -> OutletSpec:
    """An `OutletSpec` from one registry entry in the TOML shape (DESIGN.md section 4)."""
    pollutants: dict[str, PollutantSpec] = {}
    for code, p in site.get("pollutants", {}).items():
        limit = p.get("limit")
        pollutants[code] = PollutantSpec(
            code,
            limit=float(limit) if isinstance(limit, int | float) else None,
            limit_range=tuple(limit) if isinstance(limit, list) else None,
            analyser_range=tuple(p["range"]) if "range" in p else None,
            standard=p.get("standard"),
            cycle_minutes=p.get("cycle_minutes"),
        )
    return OutletSpec(
        site["mn"],
        pollutants,
        enterprise=site.get("enterprise"),
        district=site.get("district"),
        industry=site.get("industry"),
    )


# --------------------------------------------------------------------------------------------
# the fleet's parameters


@dataclass(slots=True)
class Fleet:
    """Everything generated for the fleet: parameters and (n, H) arrays per channel.

    ``truth`` holds the underlying concentrations (before analyser hold and rounding); ``value`` and
    ``flag`` (indices into `FLAGS`) what the station reports; ``present`` whether a row exists.
    """

    rng: np.random.Generator
    mns: list[str]
    hours_local: pd.DatetimeIndex
    industry: list[str]
    limit: dict[str, np.ndarray]
    range_hi: dict[str, np.ndarray]
    standard: dict[str, np.ndarray]
    cycle: dict[str, np.ndarray]
    phase: dict[str, np.ndarray]
    resolution: dict[str, np.ndarray]
    level: dict[str, np.ndarray]
    known_cycle: np.ndarray  # the registry states the analyser cycle
    calibration_hour: np.ndarray  # hour of the week (local, Monday 0h = 0) of the calibration
    passwords: list[str]
    truth: dict[str, np.ndarray] = field(default_factory=dict)
    value: dict[str, np.ndarray] = field(default_factory=dict)
    flag: dict[str, np.ndarray] = field(default_factory=dict)
    present: dict[str, np.ndarray] = field(default_factory=dict)
    busy: np.ndarray | None = None  # (n, H) hours near a falsification interval
    planned: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # [a, b) per outlet
    events: list[tuple[str, str, str | None, int, int]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.mns)

    @property
    def n_hours(self) -> int:
        return len(self.hours_local)

    def observe(self, i: int, code: str, a: int, b: int) -> None:
        """Re-measure ``truth[code][i, a:b]`` into ``value`` with the analyser's hold and rounding."""
        held = hold(
            self.truth[code][i : i + 1, :], self.cycle[code][i : i + 1], self.phase[code][i : i + 1]
        )
        self.value[code][i, a:b] = quantise(held[0, a:b], self.resolution[code][i])


def hold(truth: np.ndarray, cycle: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Each hour shows the last measurement: outlet i measures at hours h with (h + phase_i) % cycle_i
    == 0 (the first hour always counts as measured)."""
    h = truth.shape[1]
    idx = np.arange(h)
    measured = (idx[None, :] + phase[:, None]) % cycle[:, None] == 0
    measured[:, 0] = True
    last = np.where(measured, idx[None, :], 0)
    np.maximum.accumulate(last, axis=1, out=last)
    return np.take_along_axis(truth, last, axis=1)


def quantise(values: np.ndarray, resolution: np.ndarray | float) -> np.ndarray:
    """Round to the analyser's resolution (broadcast per outlet when ``resolution`` is a column)."""
    return np.round(np.round(values / resolution) * resolution, 6)


def _ar1(rng: np.random.Generator, n: int, h: int, phi: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """AR(1) rows x_t = phi x_{t-1} + e_t with stationary standard deviation ``sd`` per row."""
    out = np.empty((n, h))
    noise = rng.standard_normal((n, h))
    for i in range(n):
        e = noise[i] * sd[i] * np.sqrt(1 - phi[i] ** 2)
        e[0] = noise[i, 0] * sd[i]
        out[i] = lfilter([1.0], [1.0, -phi[i]], e)
    return out


def _windows(
    rng: np.random.Generator, h: int, rate_per_day: float, dur: tuple[int, int]
) -> list[tuple[int, int]]:
    """Random [start, end) hour windows: Poisson count at ``rate_per_day``, uniform durations."""
    count = rng.poisson(rate_per_day * h / 24)
    out = []
    for _ in range(count):
        d = int(rng.integers(dur[0], dur[1] + 1))
        s = int(rng.integers(0, max(1, h - d)))
        out.append((s, min(h, s + d)))
    return out


def _round2(x: np.ndarray) -> np.ndarray:
    """Round to two significant digits."""
    digits = 1 - np.floor(np.log10(np.abs(x))).astype(int)
    return np.array([round(float(v), int(d)) for v, d in zip(x, digits, strict=True)])


def _parameters(rng: np.random.Generator, n: int, days: int, start: pd.Timestamp) -> Fleet:
    h = days * 24
    hours_local = pd.date_range(start.tz_convert("Asia/Shanghai"), periods=h, freq="h")
    industry = list(rng.choice(list(INDUSTRIES), size=n, p=[0.4, 0.2, 0.15, 0.15, 0.1]))
    # a short random prefix keeps MNs of different seeds apart only when wanted: MNs are stable
    mns = [f"610115{i + 1:08d}" for i in range(n)]
    limit = {c: np.array([INDUSTRIES[k]["limit"][c] for k in industry]) for c in CONC}
    range_hi = {c: np.array([INDUSTRIES[k]["range"][c] for k in industry]) for c in CONC}
    range_hi[PH] = np.full(n, 14.0)
    flow_lo_hi = np.array([INDUSTRIES[k]["flow"] for k in industry])
    flow_level = np.exp(rng.uniform(np.log(flow_lo_hi[:, 0]), np.log(flow_lo_hi[:, 1])))
    range_hi[FLOW] = np.round(flow_level * 4, -1)
    # standard solutions: a round value below the limit (what a plant calibrates against)
    standard = {c: _round2(limit[c] * rng.choice([0.4, 0.6, 0.8], size=n)) for c in CONC}
    standard[PH] = np.full(n, PH_STANDARD)
    cycle = {
        COD: rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.2, 0.3]),
        TN: rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.2, 0.3]),
        TP: rng.choice([1, 2, 3, 4], size=n, p=[0.15, 0.35, 0.2, 0.3]),
        NH3N: rng.choice([1, 2], size=n),
        PH: np.ones(n, dtype=int),
        FLOW: np.ones(n, dtype=int),
    }
    phase = {c: rng.integers(0, 4, size=n) for c in CHANNELS}
    resolution = {
        COD: rng.choice([0.1, 1.0], size=n, p=[0.8, 0.2]),
        NH3N: rng.choice([0.01, 0.001], size=n, p=[0.7, 0.3]),
        TP: rng.choice([0.01, 0.001], size=n, p=[0.7, 0.3]),
        TN: rng.choice([0.01, 0.1], size=n, p=[0.6, 0.4]),
        PH: rng.choice([0.01, 0.1], size=n, p=[0.6, 0.4]),
        FLOW: np.full(n, 0.1),
    }
    # plant level as a share of the limit; a fifth of the plants run close to it on one channel
    ratio = {c: rng.uniform(0.25, 0.6, size=n) for c in CONC}
    close = rng.random(n) < 0.2
    close_channel = rng.choice([COD, NH3N], size=n)
    for c in (COD, NH3N):
        pick = close & (close_channel == c)
        ratio[c][pick] = rng.uniform(0.6, 0.72, size=pick.sum())
    level = {c: ratio[c] * limit[c] for c in CONC}
    # TN = NH3-N + other nitrogen: the other nitrogen's level keeps TN under its limit
    level[TN] = np.maximum(ratio[TN] * limit[TN] - level[NH3N], 0.15 * limit[TN])
    level[PH] = rng.uniform(6.9, 7.8, size=n)
    level[FLOW] = flow_level
    known_cycle = rng.random(n) < 0.5
    calibration_hour = rng.integers(0, 7 * 24, size=n)
    passwords = [f"{int(p):06d}" for p in rng.integers(0, 1_000_000, size=n)]
    return Fleet(
        rng=rng,
        known_cycle=known_cycle,
        calibration_hour=calibration_hour,
        passwords=passwords,
        mns=mns,
        hours_local=hours_local,
        industry=industry,
        limit=limit,
        range_hi=range_hi,
        standard=standard,
        cycle=cycle,
        phase=phase,
        resolution=resolution,
        level=level,
    )


# --------------------------------------------------------------------------------------------
# honest behaviour


def _honest(fleet: Fleet, plan: dict[int, list[tuple[str, int, int, str]]]) -> None:
    """Generate the honest truth, then what stations report, leaving falsification windows free of
    honest events (shutdowns, maintenance, rain, gaps, upsets) so labels stay unambiguous."""
    rng, n, h = fleet.rng, fleet.n, fleet.n_hours
    hod = fleet.hours_local.hour.to_numpy()
    busy = np.zeros((n, h), dtype=bool)
    for i, items in plan.items():
        for _, a, b, _ in items:
            busy[i, max(0, a - 24) : min(h, b + 24)] = True
    fleet.busy = busy
    fleet.planned = {i: [(a, b) for _, a, b, _ in items] for i, items in plan.items()}

    def free(i: int, a: int, b: int) -> bool:
        return not busy[i, a:b].any()

    rain = np.zeros((n, h))
    shutdown = np.zeros((n, h), dtype=bool)
    upset = np.zeros((n, h))
    for i in range(n):
        for a, b in _windows(rng, h, 1 / 8, (6, 36)):
            if free(i, a, b):
                rain[i, a:b] = np.maximum(rain[i, a:b], rng.uniform(0.5, 2.0))
                fleet.events.append(("rain", fleet.mns[i], None, a, b - 1))
        for a, b in _windows(rng, h, 1 / 90, (12, 72)):
            if free(i, a, b):
                shutdown[i, a:b] = True
                fleet.events.append(("shutdown", fleet.mns[i], None, a, b - 1))
        for a, b in _windows(rng, h, 1 / 45, (3, 12)):
            if free(i, a, b):
                bump = np.log(rng.uniform(1.8, 3.0)) * np.hanning(b - a + 2)[1:-1]
                upset[i, a:b] = np.maximum(upset[i, a:b], bump)
                fleet.events.append(("upset", fleet.mns[i], None, a, b - 1))

    # flow: diurnal (peak late morning), AR(1), rain raises it, shutdown stops it
    amp = rng.uniform(0.15, 0.35, size=n)
    diurnal = np.sin(2 * np.pi * (hod[None, :] - 5) / 24 - np.pi / 2 + np.pi)  # min ~5h, max ~17h
    log_q = np.log(fleet.level[FLOW])[:, None] + amp[:, None] * diurnal
    log_q += _ar1(rng, n, h, rng.uniform(0.7, 0.9, n), rng.uniform(0.05, 0.12, n))
    q = np.exp(log_q) * (1 + 0.8 * rain)
    q[shutdown] = 0.0
    fleet.truth[FLOW] = q

    # concentrations: shared and own AR(1) on the log, diurnal lagged behind flow, upsets, rain
    shared = _ar1(rng, n, h, rng.uniform(0.93, 0.98, n), rng.uniform(0.08, 0.15, n))
    c_amp = rng.uniform(0.05, 0.2, size=n)
    c_diurnal = c_amp[:, None] * np.sin(2 * np.pi * (hod[None, :] - 8) / 24)
    dilute = -np.log1p(0.7 * rain)
    weights = {COD: 1.0, NH3N: 1.2, TP: 0.8, TN: 0.5}
    for c in CONC:
        own = _ar1(rng, n, h, rng.uniform(0.85, 0.95, n), rng.uniform(0.08, 0.15, n))
        log_c = np.log(fleet.level[c])[:, None] + shared + own + c_diurnal + dilute
        log_c += upset * weights[c]
        fleet.truth[c] = np.exp(log_c)
    fleet.truth[TN] = fleet.truth[TN] + fleet.truth[NH3N]
    ph = fleet.level[PH][:, None] + _ar1(rng, n, h, np.full(n, 0.9), rng.uniform(0.08, 0.15, n))
    ph_amp = rng.uniform(0.05, 0.15, size=n)[:, None]
    fleet.truth[PH] = np.clip(ph + ph_amp * np.sin(2 * np.pi * hod[None, :] / 24), 6.2, 8.8)

    # what the stations report
    for c in CHANNELS:
        noisy = fleet.truth[c]
        if c in CONC:
            noisy = noisy * (1 + 0.02 * rng.standard_normal((n, h)))
            fleet.truth[c] = noisy
        held = hold(noisy, fleet.cycle[c], fleet.phase[c])
        fleet.value[c] = quantise(held, fleet.resolution[c][:, None])
        fleet.flag[c] = np.zeros((n, h), dtype=np.int8)
        fleet.present[c] = np.ones((n, h), dtype=bool)
        over = fleet.value[c] > fleet.range_hi[c][:, None]
        fleet.value[c][over] = fleet.range_hi[c][np.nonzero(over)[0]]
        fleet.flag[c][over] = T

    # weekly calibration: one hour per analyser reading the standard, flagged C
    weekday_hour = fleet.calibration_hour
    how = (fleet.hours_local.day_of_week.to_numpy() * 24 + hod)[None, :]
    for k, c in enumerate((COD, NH3N, TP, TN, PH)):
        cal = how == ((weekday_hour + k) % (7 * 24))[:, None]
        std = fleet.standard[c][:, None] * (1 + 0.005 * rng.standard_normal((n, h)))
        fleet.value[c] = np.where(cal, quantise(std, fleet.resolution[c][:, None]), fleet.value[c])
        fleet.flag[c][cal] = C
    for i in range(n):
        fleet.events.append(("calibration", fleet.mns[i], None, int(weekday_hour[i]), -1))

    for i in range(n):
        # maintenance: a few hours about monthly, every analyser flagged M (values kept)
        for a, b in _windows(rng, h, 1 / 30, (2, 8)):
            if free(i, a, b):
                for c in (COD, NH3N, TP, TN, PH):
                    fleet.flag[c][i, a:b] = M
                fleet.events.append(("maintenance", fleet.mns[i], None, a, b - 1))
        # analyser fault: one analyser flags D for a few hours and repeats its last value
        for a, b in _windows(rng, h, 1 / 60, (2, 12)):
            c = CONC[int(rng.integers(0, len(CONC)))]
            if free(i, a, b):
                fleet.value[c][i, a:b] = fleet.value[c][i, max(a - 1, 0)]
                fleet.flag[c][i, a:b] = D
                fleet.events.append(("fault", fleet.mns[i], c, a, b - 1))
        # shutdown: every channel 0, flagged F
        for c in CHANNELS:
            fleet.value[c][i, shutdown[i]] = 0.0
            fleet.flag[c][i, shutdown[i]] = F
        # short communication gaps (every channel absent), now and then a day or two
        gaps = _windows(rng, h, 1 / 4, (1, 4)) + _windows(rng, h, 1 / 150, (24, 48))
        for a, b in gaps:
            if free(i, a, b):
                for c in CHANNELS:
                    fleet.present[c][i, a:b] = False
                fleet.events.append(("gap", fleet.mns[i], None, a, b - 1))


# --------------------------------------------------------------------------------------------
# falsification plan, exceedance labels, output frames


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
) -> Simulation:
    """Simulate ``n_outlets`` outlets for ``days`` days of hourly data from ``seed``.

    ``falsifying_share`` of the outlets (rounded, at least one when the share is positive) falsify,
    with ``patterns_used`` (default: every pattern of `monitor.simulator_patterns.PATTERNS`)
    assigned round-robin; patterns that do not fit the time line are skipped. The same arguments
    always give the same simulation.
    """
    return _build(n_outlets, days, seed, start, falsifying_share, patterns_used, block=0)


def stream(
    n_outlets: int = 20,
    seed: int = 0,
    *,
    block_days: int = 1,
    start: pd.Timestamp | str = DEFAULT_START,
    falsifying_share: float = 0.3,
    patterns_used: Sequence[str] | None = None,
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
        yield _build(n_outlets, block_days, seed, start, falsifying_share, patterns_used, block)
        block += 1


def _build(
    n_outlets: int,
    days: int,
    seed: int,
    start: pd.Timestamp | str,
    falsifying_share: float,
    patterns_used: Sequence[str] | None,
    block: int,
) -> Simulation:
    if n_outlets < 1 or days < 1:
        raise ValueError("simulate needs at least one outlet and one day")
    start_ts = pd.Timestamp(start)
    if start_ts.tzinfo is None:
        start_ts = start_ts.tz_localize("Asia/Shanghai")
    rng = np.random.default_rng(seed)
    fleet = _parameters(rng, n_outlets, days, start_ts)
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
    _honest(fleet, plan)
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


# --------------------------------------------------------------------------------------------
# writers


def registry_toml(sites: Sequence[dict[str, Any]]) -> str:
    """The registry in the TOML format of DESIGN.md section 4 (plus ``industry``)."""

    def lit(v: Any) -> str:
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list | tuple):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        if isinstance(v, float):
            return repr(float(v))
        return str(v)

    lines: list[str] = []
    for site in sites:
        lines.append("[[site]]")
        for key, v in site.items():
            if key != "pollutants":
                lines.append(f"{key} = {lit(v)}")
        for code, entry in site.get("pollutants", {}).items():
            lines.append("")
            lines.append(f"[site.pollutants.{code}]")
            lines.extend(f"{key} = {lit(v)}" for key, v in entry.items())
        lines.append("")
    return "\n".join(lines)


def write_simulation(sim: Simulation, out_dir: str | Path, *, fmt: str = "csv") -> dict[str, Path]:
    """Write ``readings.csv`` (or ``readings.parquet``), ``sites.toml``, ``labels.csv`` and
    ``events.csv`` into ``out_dir`` (created if needed); returns the paths by role."""
    from monitor.readings_io import write_readings

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "readings": out / f"readings.{'parquet' if fmt == 'parquet' else 'csv'}",
        "sites": out / "sites.toml",
        "labels": out / "labels.csv",
        "events": out / "events.csv",
    }
    write_readings(sim.readings, paths["readings"])
    paths["sites"].write_text(registry_toml(sim.registry_sites), encoding="utf-8")
    for role in ("labels", "events"):
        frame = getattr(sim, role).copy()
        for col in ("start", "end"):
            frame[col] = frame[col].dt.tz_convert("Asia/Shanghai").map(pd.Timestamp.isoformat)
        frame.to_csv(paths[role], index=False)
    return paths
