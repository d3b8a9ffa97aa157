"""The honest plant: a fleet's parameters and the behaviour of honest outlets, hour by hour.

`draw_fleet` draws each outlet's industry, limits, levels, analyser cycles and resolutions;
`add_honest_behaviour` fills the true and observed series with what honest plants do (diurnal
load, AR(1) noise, rain, upsets, calibration hours flagged C, maintenance M, faults D, shutdowns F,
communication gaps), leaving out the hours a falsification ``plan`` will overwrite. The rates are
in `monitor.simulation.simulator`'s module docstring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.signal import lfilter

from detectors.spec import COD, FLOW, NH3N, PH, TN, TP
from monitor.simulation.fleet import (
    CHANNELS,
    CONC,
    INDUSTRIES,
    PH_STANDARD,
    C,
    D,
    F,
    Fleet,
    M,
    T,
    hold,
    quantise,
)


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


def draw_fleet(rng: np.random.Generator, n: int, days: int, start: pd.Timestamp) -> Fleet:
    """The fleet's plants and their hours from ``start`` (timezone-aware, in the zone the plants
    keep their working hours in)."""
    h = days * 24
    hours_local = pd.date_range(start, periods=h, freq="h")
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


def add_honest_behaviour(fleet: Fleet, plan: dict[int, list[tuple[str, int, int, str]]]) -> None:
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
