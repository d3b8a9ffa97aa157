"""An independent labelled fleet of wastewater outlets, for judging the detectors from outside.

Written without reading the detectors (``detectors/``, ``tests/detectors/``) or the project's
simulator (``monitor/simulation/``); only the formats (``docs/``, ``README.md``,
``monitor/registry.py``, ``monitor/store/readings_files.py``) and the scoring of
``bench/bench_detect_accuracy.py`` were read. The CSV is written by the project's
``write_readings``; nothing else of the project is imported. ``generate(n_outlets, days, seed,
falsifying_share)`` returns ``(sites, readings, labels)``; the CLI writes ``sites.toml``,
``readings.csv`` and ``labels.csv``::

    python bench/independent_fleet.py --out /tmp/fleet --outlets 100 --days 365 --seed 7

Everything is hourly (kind ``hour``), starts at local midnight (Asia/Shanghai) of ``--start``
(default 2026-01-01) and is stored in UTC. Channels: COD ``w01018``, NH3-N ``w21003``, TP
``w21011`` (85 % of outlets), TN ``w21001`` (70 %), pH ``w01001``, flow ``w00000``.

Registry (sites)
----------------
MN = 6-digit district code + 8 random digits; 1 to 3 outlets per enterprise; industry one of
municipal, chemical, food, textile, paper, pharmaceutical. Limits: COD 50/60/80/100, NH3-N
5/8/10/15, TP 0.5/1, TN 15/20/30 mg/L, pH [6, 9]. Analyser ranges (90 % registered): COD 0-200/
500/1000, NH3-N 0-20/50, TP 0-2/5/10, TN 0-50/100, pH 0-14, flow 0-(1.8..4 x base flow).
Calibration standard registered for 75 % of concentration analysers and 40 % of pH meters
(always exists in the data); ``cycle_minutes`` registered for 20 % of analysers.

Honest model (every outlet)
---------------------------
- Flow (true hourly mean): base 20-3000 m3/h (log-uniform) x diurnal cosine (amplitude
  0.05-0.4, peak 10-16 h local) x weekend factor (0.5-1 industrial, 0.9-1 municipal) x seasonal
  cosine (0-0.25) x regimes (a new level every 20-90 days on average, log sd 0.05-0.25) x AR(1)
  noise (phi 0.5-0.9, Student-t df 2.5-6, log sd 0.03-0.15) x storms. Storms: 0.01-0.08 a day,
  more in summer; rise 1-6 h, exponential decay 3-24 h, peak 1.5-8x base; over the meter's range
  the value is kept and flagged T (half the outlets) or N. Resolution 1, 0.1 or 0.01.
- Concentrations (true): level = fraction x limit, fraction 0.1-0.6, or 0.7-0.9 for 1-2
  channels of the 20 % "close to the limit" plants (own noise sd 0.03-0.07, structured parts
  x0.25). Log space: a slow part (level, regime shifts plant-common and own: a new level every
  20-90 days on average, Student-t sd 0.05-0.2, staying until the next; daily AR(0.99) drift
  plus a linear trend of +-0.3 a year; seasonal cosine 0-0.2) under a soft ceiling at
  max(fraction + 0.05, 0.8) x limit (operators react to a rising level), plus a plant-common
  AR(1) (weight 0.3-0.8), an own AR(1) (phi 0.85-0.98, Student-t df 2.5-6, sd 0.08-0.25),
  weekend factor 0.8-1.05, diurnal cosine 0-0.15, and storm dilution (flow multiplier^-alpha,
  alpha 0.3-0.9: concentrations fall while flow rises). TN = NH3-N + other nitrogen, NH3-N level
  at most half of TN's. Honest upsets (0-1 per 60 days): a raised-cosine bump of 2-48 h on 1-2
  channels peaking at 1.05-2.5x the limit (genuine exceedances).
- Analysers: COD, TP, TN measure every 1/2/3/4 h, NH3-N every 1/2 h (20 % change cycle once),
  with phase; the hourly value repeats the last measurement. Measurement error multiplicative
  Student-t (1-5 %), 1 % of measurements skipped, unflagged short holds (3-10 h without a
  measurement, 0-1 per 40 days). Resolution COD 0.1 or 1, NH3-N 0.01, TP 0.01 or 0.001,
  TN 0.1 or 0.01, floored at one resolution step. Over the analyser range: flag T. pH: true
  hourly mean, level 6.7-8.1, mean-reverting AR (phi 0.97-0.995, t innovations 0.01-0.035 an
  hour, stationary sd 0.1-0.3), diurnal 0-0.1, regime shifts (sd 0.03-0.15), storms pull it
  toward 7.2; resolution 0.1 or 0.01 (a 0.1-resolution pH can sit on one value for a day or
  two).
- Operations: weekly (15 % fortnightly) calibration hour per analyser (pH too) on a fixed
  weekday and hour, 10 % skipped, value = standard x (1 + 0.5-3 % noise), flag C. Maintenance
  M (0.01-0.06 a day per analyser, 1-8 h; values held, empty, 0, high up to 3x limit or random)
  and plant-wide M (every ~90 days, 2-12 h). Faults D (0-1 per 90 days per channel, 6 h-5 days,
  last value repeated or empty). Shutdowns: 65 % continuous, 12 % nights (stop 18-23 h, restart
  5-9 h, on 50-100 % of weekdays plus weekends), 10 % weekends, 13 % campaigns (1-6 stops of
  2-20 days); plus a 3-15 day holiday stop at 30 %. Stopped: flow 0 flag F; concentrations 0,
  held or empty (per plant) with flag F; pH held F. Communication: short gaps of every channel
  (0.01-0.15 a day, 1-6 h, rows absent), long gaps (0-1 per 120 days, 1-4 days), B hours (0-0.02
  a day, 1-3 h, empty or held), one-channel gaps (0.01 a day, 1-3 h). Clock offsets: 12 % of
  outlets have 1-2 periods of 2-30 days with every timestamp shifted by +-1 h (the duplicate
  hour keeps the first row). NH3-N held above TN by the analysers' schedules is lowered to
  50-90 % of TN.

Falsification families (on ``falsifying_share`` of outlets, 1-3 families each; instances placed
so that they do not overlap each other on an outlet; ``label`` per instance)
-----------------------------------------------------------------------------------------
Unless said otherwise only rows flagged N/T are rewritten (C/M/D/F rows inside stay).

- ``frozen`` (pollutant): 1-5 instances, 24-120 h, a concentration channel (pH 10 %) held at the
  last reported value (60 %) or a round value at 0.3-0.9x limit, flag N; flow untouched.
- ``low_variability`` (pollutant): 1-3 instances, 3-30 days, one channel (30 %: every
  concentration channel, one label each), changing every hour: a uniform band of +-1-5 % or a
  sine of +-1-5 % (period 12-48 h), at least 3 resolution steps wide, around the week-before
  level x0.7-1.1 (at most 0.85x limit) or 0.3-0.85x limit; or the real series shrunk to 5-25 %
  of its deviations from its median (+-1.5 resolution steps of noise).
- ``zero_floor`` (pollutant): 1-4 instances, 6 h-7 days (log-uniform), 1 channel (70 %) or 2-4,
  exact 0 or the detection limit (COD 3-5, NH3-N 0.02-0.05, TP 0.005-0.02, TN 0.05-0.1), flag N,
  plant running (flow > 0).
- ``capping`` (pollutant): 1-2 instances (channels nearest their limit more likely), 14-60
  days. What the plant really emits: its values raised x1-2.5 (toward an 80th percentile at
  0.6-1.1x limit) plus excursions (0.2-1 a day, 2-24 h, peaking at 1.05-2x limit), the
  analyser's holds kept; every value above cap = 0.88-0.99x limit is replaced by cap minus
  0-3 % of the limit (one draw per held measurement), flag N.
- ``dilution`` (pollutant empty): 1-4 instances, 1-10 days, every concentration channel (3 or 4)
  multiplied by 0.2-0.6 (each channel x exp(N(0, 0.05))), flow not rising (storm multiplier
  under 1.5, mean flow of the running hours under 1.25x their median over the surrounding
  month), plant running at least half of the window.
- ``copied_data`` (pollutant empty): 1-3 instances of 1-5 whole local days, either replayed from
  1-60 days earlier at the same outlet (every channel with flags and gaps, or concentrations
  only) or copied from another outlet (concentrations and pH, same dates 70 % or 1-90 days
  earlier, exact 70 % or scaled x0.6-1.4); the source outlet's window is labelled
  ``copied_data`` with detail ``copied_by=MN``.
- ``standard_substitution`` (pollutant): 1-5 instances, 3 h-5 days (log-uniform), a channel read
  at its calibration standard (the registered one when there is) x (1 + N(0, 0-2 %)), 30 %
  exactly constant, flag N.
- ``physics`` (pollutant empty): 1-3 instances, 6 h-7 days, TN lowered to 0.6-0.95x NH3-N
  (70 %) or NH3-N raised to 1.05-1.5x TN, flag N.
- ``gap_hiding`` (pollutant): 3-10 instances spread over 60 days to the whole period: a climb of
  3-8 h from the current value to 0.75-1.02x limit (flag N), then 3-48 h with no row of any
  channel; each instance labelled climb start to gap end.
- ``flag_masking``: (70 %) 3-8 instances in one 90-day quarter of 2-12 h of values 1.3-3x limit
  (bump shape, at least 1.2x) flagged M (60 %) or D, pollutant labelled; (30 %) 1-3 instances
  of 6-72 h with every channel flagged F while flow goes on (> 0) and concentrations change,
  pollutant empty.
- ``manual_values`` (pollutant, or empty when several): 1-3 instances of 1-10 local days, every
  concentration channel (60 %) or one, flag S, values at 0.6-1.0x the median of the previous
  week, one value per day x (1 + N(0, 5 %)) (70 %) or +-1 step each hour, rounded to COD 1/5/10,
  NH3-N 0.1/0.5, TP 0.05/0.1, TN 0.5/1.
- ``flow_mismatch`` (pollutant empty): 1-3 instances: (50 %) 1-10 days of flow 0 flagged F or N
  while concentrations go on changing (flag N); or 1-5 days with flow > 0 and every
  concentration channel and pH held at one value, flag N.
- ``exceedance`` (pollutant): computed from the final readings, honest or injected: runs of
  valid (N/T) values above the limit (pH outside the band), joined across at most one missing
  hour; detail ``hours=K;max=V``.

Labels: ``mn, pattern, pollutant (None = whole outlet), start, end`` (inclusive hours, UTC
timestamps; ISO 8601 with +00:00 in labels.csv), ``detail``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import lfilter

COD, NH3, TP, TN, PH, FLOW = "w01018", "w21003", "w21011", "w21001", "w01001", "w00000"
CONC = (COD, NH3, TP, TN)
CHANNELS = (FLOW, PH, COD, NH3, TP, TN)
FLAGS = ("N", "F", "M", "S", "D", "C", "T", "B")
N, F, M, S, D, C, T, B = range(8)
PATTERNS = (
    "frozen",
    "low_variability",
    "zero_floor",
    "capping",
    "dilution",
    "copied_data",
    "standard_substitution",
    "physics",
    "gap_hiding",
    "flag_masking",
    "manual_values",
    "flow_mismatch",
)
DISTRICTS = {
    "Lintong": "610115",
    "Yanta": "610113",
    "Beilin": "610103",
    "Weiyang": "610112",
    "Baqiao": "610111",
    "Changan": "610116",
    "Gaoling": "610117",
    "Huyi": "610118",
}
INDUSTRIES = ("municipal", "chemical", "food", "textile", "paper", "pharmaceutical")
LIMITS = {COD: (50, 60, 80, 100), NH3: (5, 8, 10, 15), TP: (0.5, 1.0), TN: (15, 20, 30)}
RANGES = {COD: (200, 500, 1000), NH3: (20, 50), TP: (2, 5, 10), TN: (50, 100)}
RESOLUTIONS = {COD: (0.1, 1.0), NH3: (0.01,), TP: (0.01, 0.001), TN: (0.1, 0.01), PH: (0.1, 0.01)}
DETECTION = {
    COD: (3.0, 4.0, 5.0),
    NH3: (0.02, 0.025, 0.05),
    TP: (0.005, 0.01, 0.02),
    TN: (0.05, 0.1),
}
STANDARDS = {
    COD: (10, 15, 20, 25, 30, 40, 50, 60, 80, 100),
    NH3: (0.5, 1, 2, 2.5, 5, 8, 10),
    TP: (0.1, 0.2, 0.25, 0.4, 0.5, 1.0),
    TN: (2, 5, 10, 15, 20, 25),
    PH: (6.86, 7.0, 4.01, 9.18),
}
MANUAL_STEPS = {COD: (1.0, 5.0, 10.0), NH3: (0.1, 0.5), TP: (0.05, 0.1), TN: (0.5, 1.0)}


# ------------------------------------------------------------------------------------------
# helpers


def _round(x: np.ndarray | float, res: float) -> np.ndarray:
    decimals = max(0, int(-np.floor(np.log10(res) + 1e-9)))
    return np.round(np.round(np.asarray(x, dtype=float) / res) * res, decimals)


def _ar1(rng: np.random.Generator, n: int, phi: float, df: float, sd: float) -> np.ndarray:
    """AR(1) with Student-t innovations, stationary sd about ``sd``."""
    e = np.clip(rng.standard_t(df, n), -30, 30) * np.sqrt(max(df - 2, 0.5) / df)
    x = lfilter([np.sqrt(1 - phi * phi) * sd], [1.0, -phi], e)
    return x


def _shifts(rng: np.random.Generator, n: int, every_hours: float, sd: float) -> np.ndarray:
    """Regimes: at Poisson times the level jumps to a new value (Student-t around 0, scale
    ``sd``) and stays there until the next jump."""
    k = rng.poisson(n / every_hours)
    seg = np.zeros(n, dtype=np.int64)
    if k:
        np.add.at(seg, rng.integers(1, n, k), 1)
    levels = np.clip(rng.standard_t(4, k + 1), -2.5, 2.5) * sd
    levels[0] *= 0.5
    return levels[np.cumsum(seg)]


def _drift(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    days = n // 24 + 2
    daily = lfilter([1.0], [1.0, -0.99], rng.normal(0, scale, days))
    hourly = np.interp(np.arange(n) / 24.0, np.arange(days), daily)
    return hourly + rng.uniform(-0.3, 0.3) * np.linspace(-0.5, 0.5, n) * n / 8760


def _mask(n: int, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Boolean mask of the union of [start, start + length)."""
    diff = np.zeros(n + 1, dtype=np.int64)
    s = np.clip(starts, 0, n)
    e = np.clip(starts + lengths, 0, n)
    np.add.at(diff, s, 1)
    np.add.at(diff, e, -1)
    return np.cumsum(diff[:n]) > 0


def _events(rng, n, per_day, lo, hi, log=False):
    k = rng.poisson(max(per_day, 0) * n / 24)
    starts = rng.integers(0, n, k)
    if log:
        lengths = np.exp(rng.uniform(np.log(lo), np.log(hi + 1), k)).astype(int)
    else:
        lengths = rng.integers(lo, hi + 1, k)
    return starts, np.maximum(lengths, 1)


def _ffill_mask(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``values`` with the hours of ``mask`` replaced by the last value before them."""
    idx = np.where(~mask, np.arange(values.size), -1)
    idx = np.maximum.accumulate(idx)
    first = np.flatnonzero(~mask)
    idx[idx < 0] = first[0] if first.size else 0
    return values[idx]


def _loguniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


@dataclass
class _Calendar:
    hours: int
    hod: np.ndarray
    day: np.ndarray
    dow: np.ndarray
    doy: np.ndarray

    @classmethod
    def build(cls, hours: int, t0: pd.Timestamp) -> _Calendar:
        h = np.arange(hours)
        day = h // 24
        return cls(
            hours,
            h % 24,
            day,
            (t0.day_of_week + day) % 7,
            (t0.day_of_year - 1 + day) % 365,
        )


@dataclass
class _Outlet:
    mn: str
    site: dict
    codes: list[str]
    val: dict[str, np.ndarray] = field(default_factory=dict)
    flag: dict[str, np.ndarray] = field(default_factory=dict)
    present: dict[str, np.ndarray] = field(default_factory=dict)
    res: dict[str, float] = field(default_factory=dict)
    std: dict[str, float] = field(default_factory=dict)
    dl: dict[str, float] = field(default_factory=dict)
    limit: dict[str, float] = field(default_factory=dict)
    running: np.ndarray | None = None
    storm: np.ndarray | None = None
    busy: np.ndarray | None = None
    offset: np.ndarray | None = None

    @property
    def conc(self) -> list[str]:
        return [c for c in CONC if c in self.codes]

    def valid(self, code: str, s: int, e: int) -> np.ndarray:
        f = self.flag[code][s:e]
        return self.present[code][s:e] & ((f == N) | (f == T)) & np.isfinite(self.val[code][s:e])

    def level(self, code: str, s: int, e: int) -> float:
        v = self.val[code][s:e][self.valid(code, s, e)]
        if v.size:
            return float(np.median(v))
        v = self.val[code][np.isfinite(self.val[code])]
        return float(np.median(v)) if v.size else self.limit.get(code, 1.0) * 0.4

    def last_valid(self, code: str, s: int) -> float:
        """The last valid (N/T) positive value before hour ``s`` (within a week), else the level."""
        a = max(0, s - 168)
        idx = np.flatnonzero(self.valid(code, a, s) & (self.val[code][a:s] > 0))
        if idx.size:
            return float(self.val[code][a + idx[-1]])
        return self.level(code, a, s)


# ------------------------------------------------------------------------------------------
# honest outlets


def _site(rng, mn, enterprise, district, k, has_tp, has_tn, flow_base):
    industry = str(rng.choice(INDUSTRIES))
    pollutants: dict[str, dict] = {}
    codes = [FLOW, PH, COD, NH3] + ([TP] if has_tp else []) + ([TN] if has_tn else [])
    for code in codes:
        spec: dict = {}
        if code == PH:
            spec["limit"] = [6.0, 9.0]
            if rng.random() < 0.9:
                spec["range"] = [0.0, 14.0]
        elif code == FLOW:
            if rng.random() < 0.9:
                spec["range"] = [0.0, float(np.round(flow_base * rng.uniform(1.8, 4.0)))]
        else:
            spec["limit"] = float(rng.choice(LIMITS[code]))
            if rng.random() < 0.9:
                spec["range"] = [0.0, float(rng.choice(RANGES[code]))]
        pollutants[code] = spec
    site = {
        "mn": mn,
        "enterprise": enterprise,
        "name": f"{industry.capitalize()} outlet {k}",
        "district": district,
        "password": f"{rng.integers(0, 1_000_000):06d}",
        "industry": industry,
        "pollutants": pollutants,
    }
    return site, codes


def _honest(
    rng: np.random.Generator, cal: _Calendar, mn: str, enterprise: str, district: str, k: int
) -> _Outlet:
    n = cal.hours
    hod, dow, doy = cal.hod, cal.dow, cal.doy
    weekend = dow >= 5
    flow_base = _loguniform(rng, 20, 3000)
    site, codes = _site(
        rng, mn, enterprise, district, k, rng.random() < 0.85, rng.random() < 0.7, flow_base
    )
    o = _Outlet(mn=mn, site=site, codes=codes)
    o.busy = np.zeros(n, dtype=bool)
    municipal = site["industry"] == "municipal"

    # storms: flow multiplier
    summer = 1 + 1.5 * (1 + np.cos(2 * np.pi * (doy - 200) / 365))
    k_storm = rng.poisson(rng.uniform(0.01, 0.08) * n / 24)
    storm = np.ones(n)
    if k_storm:
        starts = rng.choice(n, k_storm, p=summer / summer.sum())
        for s in starts:
            rise = int(rng.integers(1, 7))
            tau = rng.uniform(3, 24)
            length = min(n - s, rise + int(5 * tau))
            t = np.arange(length)
            shape = np.where(t < rise, (t + 1) / rise, np.exp(-(t - rise + 1) / tau))
            peak = _loguniform(rng, 1.5, 8.0)
            storm[s : s + length] = np.maximum(storm[s : s + length], 1 + (peak - 1) * shape)
    o.storm = storm
    log_storm = np.log(storm)

    # flow
    amp = rng.uniform(0.05, 0.4)
    peak_h = rng.uniform(10, 16)
    wk_flow = rng.uniform(0.9, 1.0) if municipal else rng.uniform(0.5, 1.0)
    logq = (
        np.log(flow_base)
        + amp * np.cos(2 * np.pi * (hod - peak_h) / 24)
        + np.where(weekend, np.log(wk_flow), 0.0)
        + rng.uniform(0, 0.25) * np.cos(2 * np.pi * (doy - rng.uniform(0, 365)) / 365)
        + _shifts(rng, n, 24 * rng.uniform(20, 90), rng.uniform(0.05, 0.25))
        + _ar1(rng, n, rng.uniform(0.5, 0.9), rng.uniform(2.5, 6), rng.uniform(0.03, 0.15))
    )
    flow_true = np.exp(logq) * storm

    # concentrations
    near = rng.random() < 0.2
    near_codes = set(rng.choice(o.conc, int(rng.integers(1, 3)), replace=False)) if near else set()
    common = _ar1(rng, n, rng.uniform(0.85, 0.98), rng.uniform(2.5, 6), 1.0)
    common_w = rng.uniform(0.3, 0.8)
    common_regime = _shifts(rng, n, 24 * rng.uniform(20, 90), rng.uniform(0.05, 0.2))
    alpha = rng.uniform(0.3, 0.9)
    true: dict[str, np.ndarray] = {}
    fracs = {}
    for code in o.conc:
        o.limit[code] = o.site["pollutants"][code]["limit"]
        fracs[code] = rng.uniform(0.7, 0.9) if code in near_codes else rng.uniform(0.1, 0.6)
    if TN in o.codes:
        # NH3-N is part of TN: keep its level under half of TN's
        tn_level = fracs[TN] * o.limit[TN]
        fracs[NH3] = min(fracs[NH3], 0.5 * tn_level / o.limit[NH3])
    for code in o.conc:
        close = code in near_codes
        damp = 0.25 if close else 1.0
        sd = rng.uniform(0.03, 0.07) if close else rng.uniform(0.08, 0.25)
        level = fracs[code] * o.limit[code]
        if code == TN:
            # TN = NH3-N + other nitrogen
            nh3_level = fracs[NH3] * o.limit[NH3]
            level = max(level - nh3_level, 0.4 * level)
        slow = np.log(level) + damp * (
            common_regime * rng.uniform(0.3, 1.0)
            + _shifts(rng, n, 24 * rng.uniform(20, 90), rng.uniform(0.05, 0.2))
            + _drift(rng, n, rng.uniform(0.003, 0.012))
            + rng.uniform(0, 0.2) * np.cos(2 * np.pi * (doy - rng.uniform(0, 365)) / 365)
        )
        # operators react when the running level nears the limit: a soft ceiling on the slow
        # part (the fast noise and upsets still exceed)
        top = max(fracs[code] + 0.05, 0.8) * o.limit[code]
        if code == TN:
            top = max(top - fracs[NH3] * o.limit[NH3], 0.3 * top)
        ceiling = np.log(top)
        slow = ceiling - 0.1 * np.logaddexp(0, (ceiling - slow) / 0.1)
        logc = (
            slow
            + damp * common_w * sd * common
            + _ar1(rng, n, rng.uniform(0.85, 0.98), rng.uniform(2.5, 6), sd)
            + damp * np.where(weekend, np.log(rng.uniform(0.8, 1.05)), 0.0)
            + damp * rng.uniform(0, 0.15) * np.cos(2 * np.pi * (hod - rng.uniform(0, 24)) / 24)
            - alpha * log_storm
        )
        true[code] = np.exp(logc)
    if TN in true:
        true[TN] = true[TN] + true[NH3]
    # honest upsets
    k_up = rng.poisson(rng.uniform(0, 1 / 60) * n / 24)
    for _ in range(k_up):
        s = int(rng.integers(0, n))
        length = min(n - s, int(rng.integers(2, 49)))
        shape = np.sin(np.pi * (np.arange(length) + 0.5) / length) ** 2
        for code in rng.choice(o.conc, int(rng.integers(1, 3)), replace=False):
            base = true[code][s : s + length]
            target = o.limit[code] * rng.uniform(1.05, 2.5)
            m = max(1.0, target / max(float(base.max()), 1e-6))
            true[code][s : s + length] = base * (1 + (m - 1) * shape)
    if TN in true:
        true[TN] = np.maximum(true[TN], true[NH3] * 1.1)

    # pH
    ph_level = rng.uniform(6.7, 8.1)
    ph_phi = rng.uniform(0.97, 0.995)
    # a few hundredths an hour (hourly innovation sd 0.01-0.035), stationary sd 0.1-0.3
    ph_sd = float(np.clip(rng.uniform(0.01, 0.035) / np.sqrt(1 - ph_phi**2), 0.1, 0.3))
    ph_true = (
        ph_level
        + _shifts(rng, n, 24 * rng.uniform(20, 90), rng.uniform(0.03, 0.15))
        + _ar1(rng, n, ph_phi, rng.uniform(3, 6), ph_sd)
        + rng.uniform(0, 0.1) * np.cos(2 * np.pi * (hod - rng.uniform(0, 24)) / 24)
    )
    ph_true = ph_true + (7.2 - ph_true) * (1 - 1 / storm) * 0.5
    ph_true = np.clip(ph_true, 4.5, 10.5)

    # ---- reported values
    o.res[FLOW] = float(rng.choice((1.0, 0.1, 0.01)))
    o.res[PH] = float(rng.choice(RESOLUTIONS[PH]))
    o.val[FLOW] = _round(flow_true, o.res[FLOW])
    o.val[PH] = _round(ph_true, o.res[PH])
    for code in o.conc:
        o.res[code] = float(rng.choice(RESOLUTIONS[code]))
        o.dl[code] = float(_round(rng.choice(DETECTION[code]), o.res[code]))
        if o.dl[code] <= 0:
            o.dl[code] = o.res[code]
        cycle = (
            int(rng.choice((1, 2), p=(0.5, 0.5)))
            if code == NH3
            else int(rng.choice((1, 2, 3, 4), p=(0.15, 0.45, 0.15, 0.25)))
        )
        meas = np.arange(int(rng.integers(0, cycle)), n, cycle)
        if rng.random() < 0.2:
            change = int(rng.integers(0, n))
            cycle2 = int(rng.integers(1, 5 if code != NH3 else 3))
            meas = np.concatenate([meas[meas < change], np.arange(change, n, cycle2)])
        keep = rng.random(meas.size) > 0.01
        hs, hl = _events(rng, n, rng.uniform(0, 1 / 40), 3, 10)
        hold = _mask(n, hs, hl)
        keep &= ~hold[meas]
        keep[0] = True
        meas = meas[keep]
        noise = np.exp(
            rng.uniform(0.01, 0.05)
            * np.clip(rng.standard_t(rng.uniform(2.5, 6), meas.size), -15, 15)
        )
        measured = true[code][meas] * noise
        pos = np.maximum(np.searchsorted(meas, np.arange(n), side="right") - 1, 0)
        o.val[code] = np.maximum(_round(measured[pos], o.res[code]), o.res[code])
        if rng.random() < 0.2:
            o.site["pollutants"][code]["cycle_minutes"] = float(cycle * 60)
    for code in codes:
        o.flag[code] = np.zeros(n, dtype=np.uint8)
        o.present[code] = np.ones(n, dtype=bool)
        rng_hi = o.site["pollutants"][code].get("range")
        if rng_hi is not None and code != PH:
            over = o.val[code] > rng_hi[1]
            if code != FLOW or rng.random() < 0.5:
                o.flag[code][over] = T

    # ---- shutdowns
    kind = rng.choice(("continuous", "night", "weekend", "campaign"), p=(0.65, 0.12, 0.10, 0.13))
    stopped = np.zeros(n, dtype=bool)
    if kind == "night":
        stop_h, start_h = int(rng.integers(18, 24)), int(rng.integers(5, 10))
        nightly = rng.random(cal.day.max() + 1) < rng.uniform(0.5, 1.0)
        night = (hod >= stop_h) | (hod < start_h)
        # the night belongs to the day it starts on
        owner = np.where(hod < start_h, cal.day - 1, cal.day)
        owner = np.clip(owner, 0, None)
        stopped = night & (nightly[owner] | (dow[np.minimum(owner * 24, n - 1)] >= 5))
    elif kind == "weekend":
        stopped = weekend.copy()
    elif kind == "campaign":
        k_c = int(rng.integers(1, 7))
        starts = rng.integers(0, n, k_c) // 24 * 24
        stopped = _mask(n, starts, rng.integers(2, 21, k_c) * 24)
    if rng.random() < 0.3:
        s = int(rng.integers(0, max(1, n // 24 - 15))) * 24
        stopped |= _mask(n, np.array([s]), np.array([int(rng.integers(3, 16)) * 24]))
    o.running = ~stopped
    if stopped.any():
        policy = rng.choice(("zero", "hold", "nan"))
        for code in codes:
            if code == FLOW:
                o.val[code][stopped] = 0.0
            elif code == PH or policy == "hold":
                o.val[code] = np.where(stopped, _ffill_mask(o.val[code], stopped), o.val[code])
            elif policy == "zero":
                o.val[code][stopped] = 0.0
            else:
                o.val[code][stopped] = np.nan
            o.flag[code][stopped] = F

    # ---- calibration (C), with the analyser's actual standard
    for code in [PH, *o.conc]:
        choices = [
            s for s in STANDARDS[code] if code == PH or s <= 1.0 * o.limit[code] * 1.05
        ] or list(STANDARDS[code][:1])
        if code != PH:
            choices = [s for s in choices if s >= 0.25 * o.limit[code]] or choices
        std = float(rng.choice(choices))
        o.std[code] = std
        if rng.random() < (0.4 if code == PH else 0.75):
            o.site["pollutants"][code]["standard"] = std
        wd, hr = int(rng.integers(0, 7)), int(rng.integers(0, 24))
        weeks = cal.day // 7
        every = 2 if rng.random() < 0.15 else 1
        skip = rng.random(weeks.max() + 1) < 0.1
        cal_h = (dow == wd) & (hod == hr) & (weeks % every == 0) & ~skip[weeks] & o.running
        noise = rng.uniform(0.005, 0.03)
        o.val[code][cal_h] = _round(std * (1 + rng.normal(0, noise, int(cal_h.sum()))), o.res[code])
        o.flag[code][cal_h] = C

    # ---- maintenance (M)
    for code in [PH, *o.conc]:
        starts, lengths = _events(rng, n, rng.uniform(0.01, 0.06), 1, 8)
        for s, length in zip(starts, lengths, strict=True):
            e = min(n, s + length)
            mode = rng.choice(
                ("hold", "nan", "zero", "high", "random"), p=(0.5, 0.15, 0.1, 0.15, 0.1)
            )
            v = o.val[code]
            if mode == "hold":
                v[s:e] = v[max(s - 1, 0)]
            elif mode == "nan":
                v[s:e] = np.nan
            elif mode == "zero":
                v[s:e] = 0.0
            elif mode == "high":
                top = o.limit[code] * rng.uniform(1, 3) if code != PH else rng.uniform(9, 12)
                rng_spec = o.site["pollutants"][code].get("range")
                if rng_spec and rng.random() < 0.3:
                    top = rng_spec[1]
                v[s:e] = _round(top, o.res[code])
            else:
                hi = o.limit[code] * 2 if code != PH else 14
                v[s:e] = _round(rng.uniform(0, hi, e - s), o.res[code])
            o.flag[code][s:e] = M
    starts, lengths = _events(rng, n, 1 / 90, 2, 12)
    plant_m = _mask(n, starts, lengths)
    for code in [PH, *o.conc]:
        o.flag[code][plant_m] = M

    # ---- faults (D): last value repeated or empty
    for code in codes:
        starts, lengths = _events(rng, n, rng.uniform(0, 1 / 90), 6, 120, log=True)
        for s, length in zip(starts, lengths, strict=True):
            e = min(n, s + length)
            if rng.random() < 0.3:
                o.val[code][s:e] = np.nan
            else:
                o.val[code][s:e] = o.val[code][max(s - 1, 0)]
            o.flag[code][s:e] = D

    # ---- NH3-N held above TN by the schedules: lowered
    if TN in o.codes:
        both = (o.flag[NH3] == N) & (o.flag[TN] == N) & (o.val[NH3] > o.val[TN])
        if both.any():
            o.val[NH3][both] = np.maximum(
                _round(o.val[TN][both] * rng.uniform(0.5, 0.9), o.res[NH3]), o.res[NH3]
            )

    # ---- communication: B hours, gaps of every channel, gaps of one channel
    starts, lengths = _events(rng, n, rng.uniform(0, 0.02), 1, 3)
    b = _mask(n, starts, lengths)
    empty_b = rng.random() < 0.5
    for code in codes:
        o.flag[code][b] = B
        if empty_b:
            o.val[code][b] = np.nan
    starts, lengths = _events(rng, n, rng.uniform(0.01, 0.15), 1, 6)
    gap = _mask(n, starts, lengths)
    starts, lengths = _events(rng, n, rng.uniform(0, 1 / 120), 24, 96)
    gap |= _mask(n, starts, lengths)
    for code in codes:
        starts, lengths = _events(rng, n, 0.01, 1, 3)
        o.present[code] = ~(gap | _mask(n, starts, lengths))

    # ---- clock offsets (applied when rows are written)
    o.offset = np.zeros(n, dtype=np.int64)
    if rng.random() < 0.12:
        for _ in range(int(rng.integers(1, 3))):
            s = int(rng.integers(0, n))
            length = int(rng.integers(2, 31)) * 24
            o.offset[s : s + length] = rng.choice((-1, 1))
    return o


# ------------------------------------------------------------------------------------------
# falsification


class _Injector:
    def __init__(self, rng: np.random.Generator, outlets: list[_Outlet], hours: int):
        self.rng = rng
        self.outlets = outlets
        self.n = hours
        self.labels: list[tuple] = []
        self.deferred: list[tuple] = []

    def label(self, o, pattern, code, s, e, detail=""):
        self.labels.append((o.mn, pattern, code, int(s), int(e) - 1, detail))

    def place(self, o, dur, lo=0, hi=None, ok=None, align=1, margin=12):
        rng, n = self.rng, self.n
        hi = n if hi is None else min(hi, n)
        for _ in range(60):
            if hi - dur <= lo:
                return None
            s = int(rng.integers(lo, hi - dur))
            s -= s % align
            e = s + dur
            if s < lo or e > hi:
                continue
            if o.busy[max(0, s - margin) : min(n, e + margin)].any():
                continue
            if ok is not None and not ok(s, e):
                continue
            o.busy[s:e] = True
            return s
        return None

    def running(self, o):
        return lambda s, e: o.running[s:e].mean() > 0.95

    def write(self, o, code, s, e, values, flag=N, rows=None):
        """Write ``values`` (scalar or array for [s, e)) on ``rows`` (default: the valid rows)."""
        m = o.valid(code, s, e) if rows is None else rows
        v = np.broadcast_to(np.asarray(values, dtype=float), (e - s,))
        o.val[code][s:e][m] = v[m]
        o.flag[code][s:e][m] = flag

    # --- families

    def frozen(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 6))):
            code = PH if rng.random() < 0.1 else str(rng.choice(o.conc))
            dur = int(rng.integers(24, 121))
            s = self.place(o, dur, ok=self.running(o))
            if s is None:
                continue
            e = s + dur
            if rng.random() < 0.6 or code == PH:
                v = o.last_valid(code, s)
            else:
                v = o.limit[code] * rng.uniform(0.3, 0.9)
                v = _round(v, 1.0 if v > 5 else 0.1 if v > 0.5 else 0.01)
            v = float(_round(v, o.res[code]))
            self.write(o, code, s, e, v)
            self.label(o, "frozen", code, s, e, f"value={v:g};hours={dur}")

    def low_variability(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 4))):
            dur = int(rng.integers(3, 31)) * 24
            s = self.place(o, dur)
            if s is None:
                continue
            e = s + dur
            codes = o.conc if rng.random() < 0.3 else [str(rng.choice(o.conc))]
            mode = str(rng.choice(("band", "shrunk", "sine")))
            for code in codes:
                res = o.res[code]
                width = rng.uniform(0.01, 0.05)
                h = np.arange(dur)
                if mode == "shrunk":
                    x = o.val[code][s:e]
                    mean = o.level(code, s, e)
                    x = np.where(np.isfinite(x), x, mean)
                    v = mean + (x - mean) * rng.uniform(0.05, 0.25)
                    v = v + rng.uniform(-0.5, 0.5, dur) * max(3 * res, 0.0)
                else:
                    mean = (
                        min(
                            o.level(code, max(0, s - 168), s) * rng.uniform(0.7, 1.1),
                            0.85 * o.limit[code],
                        )
                        if rng.random() < 0.5
                        else o.limit[code] * rng.uniform(0.3, 0.85)
                    )
                    width = max(width, 3 * res / mean)
                    if mode == "band":
                        v = mean * (1 + width * rng.uniform(-1, 1, dur))
                    else:
                        period = rng.uniform(12, 48)
                        v = mean * (1 + width * np.sin(2 * np.pi * h / period + rng.uniform(0, 6)))
                v = np.maximum(_round(v, res), res)
                self.write(o, code, s, e, v)
                self.label(o, "low_variability", code, s, e, f"mode={mode}")

    def zero_floor(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 5))):
            dur = int(_loguniform(rng, 6, 168))
            s = self.place(o, dur, ok=self.running(o))
            if s is None:
                continue
            e = s + dur
            k = 1 if rng.random() < 0.7 else int(rng.integers(2, len(o.conc) + 1))
            zero = rng.random() < 0.5
            for code in rng.choice(o.conc, min(k, len(o.conc)), replace=False):
                code = str(code)
                v = 0.0 if zero else o.dl[code]
                self.write(o, code, s, e, v)
                self.label(o, "zero_floor", code, s, e, f"value={v:g}")

    def capping(self, o):
        rng = self.rng
        # the falsifier caps what would exceed: most likely the channels nearest their limit
        ratio = np.array([o.level(c, 0, self.n) / o.limit[c] for c in o.conc])
        weights = ratio**2 / (ratio**2).sum()
        k = int(rng.integers(1, 3))
        for code in rng.choice(o.conc, k, replace=False, p=weights):
            code = str(code)
            dur = int(rng.integers(14, 61)) * 24
            s = self.place(o, dur)
            if s is None:
                continue
            e = s + dur
            m = o.valid(code, s, e)
            if m.sum() < 24:
                continue
            limit = o.limit[code]
            x = o.val[code][s:e].copy()
            # what the plant really emits: its level raised (at most x2.5) toward the limit and
            # frequent excursions above it (2-24 h, peaking at 1.05-2x the limit)
            factor = float(
                np.clip(limit * rng.uniform(0.6, 1.1) / np.percentile(x[m], 80), 1.0, 2.5)
            )
            x = x * factor
            bump = np.ones(dur)
            for _ in range(max(1, rng.poisson(dur / 24 * rng.uniform(0.2, 1.0)))):
                a, length = int(rng.integers(0, dur)), int(rng.integers(2, 25))
                b = min(dur, a + length)
                shape = np.sin(np.pi * (np.arange(b - a) + 0.5) / length)
                seen = x[a:b][np.isfinite(x[a:b])]
                if seen.size == 0:
                    continue
                peak = limit * rng.uniform(1.05, 2.0) / max(float(seen.max()), 1e-9)
                bump[a:b] = np.maximum(bump[a:b], 1 + max(peak - 1, 0) * shape)
            # the analyser's holds stay: one value per held measurement
            first = np.maximum.accumulate(np.where(np.r_[True, np.diff(x) != 0], np.arange(dur), 0))
            x = (x * bump)[first]
            cap = limit * rng.uniform(0.88, 0.99)
            spread = limit * rng.uniform(0, 0.03)
            run = np.cumsum(np.r_[True, np.diff(x) != 0])
            u = rng.uniform(0, spread, run.max() + 1)
            over = x > cap
            x[over] = cap - u[run[over]]
            x = np.maximum(_round(x, o.res[code]), o.res[code])
            self.write(o, code, s, e, x)
            capped = int((over & m).sum())
            self.label(
                o, "capping", code, s, e, f"cap={cap:.4g};factor={factor:.3g};capped_hours={capped}"
            )

    def dilution(self, o):
        rng = self.rng
        n = self.n

        def ok(s, e):
            # flow does not rise: running hours' mean flow within 1.25x the median of the
            # running hours of the surrounding month, no storm
            a, b = max(0, s - 360), min(n, e + 360)
            run = o.running[a:b] & np.isfinite(o.val[FLOW][a:b])
            inside = run[s - a : e - a]
            if o.running[s:e].mean() < 0.5 or not inside.any():
                return False
            local = float(np.median(o.val[FLOW][a:b][run]))
            return o.storm[s:e].max() < 1.5 and o.val[FLOW][s:e][inside].mean() < 1.25 * local

        for _ in range(int(rng.integers(1, 5))):
            dur = int(rng.integers(24, 241))
            s = self.place(o, dur, ok=ok)
            if s is None:
                continue
            e = s + dur
            f = rng.uniform(0.2, 0.6)
            for code in o.conc:
                fi = f * np.exp(rng.normal(0, 0.05))
                v = np.maximum(_round(o.val[code][s:e] * fi, o.res[code]), o.res[code])
                self.write(o, code, s, e, v)
            self.label(o, "dilution", None, s, e, f"factor={f:.3f}")

    def copied_data(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 4))):
            days = int(rng.integers(1, 6))
            if rng.random() < 0.5:
                self.deferred.append((o, days))
                continue
            back = int(rng.integers(1, 61)) * 24
            s = self.place(o, days * 24, lo=back, align=24)
            if s is None:
                continue
            e, src = s + days * 24, s - back
            codes = o.codes if rng.random() < 0.5 else o.conc
            for code in codes:
                o.val[code][s:e] = o.val[code][src : src + days * 24]
                o.flag[code][s:e] = o.flag[code][src : src + days * 24]
                o.present[code][s:e] = o.present[code][src : src + days * 24]
            self.label(
                o, "copied_data", None, s, e, f"source={o.mn};source_start_hour={src};days={days}"
            )

    def copy_across(self, o, days):
        rng = self.rng
        others = [q for q in self.outlets if q is not o]
        if not others:
            return
        q = others[int(rng.integers(0, len(others)))]
        codes = [c for c in (PH, *CONC) if c in o.codes and c in q.codes]
        back = 0 if rng.random() < 0.7 else int(rng.integers(1, 91)) * 24

        def ok(s, e):
            return not q.busy[s - back : e - back].any()

        s = self.place(o, days * 24, lo=back, align=24, ok=ok)
        if s is None:
            return
        e, src = s + days * 24, s - back
        q.busy[src : src + days * 24] = True
        scale = 1.0 if rng.random() < 0.7 else rng.uniform(0.6, 1.4)
        for code in codes:
            v = q.val[code][src : src + days * 24]
            if scale != 1.0 and code != PH:
                v = np.maximum(_round(v * scale, o.res[code]), o.res[code])
            o.val[code][s:e] = v
            o.flag[code][s:e] = q.flag[code][src : src + days * 24]
            o.present[code][s:e] = q.present[code][src : src + days * 24]
        self.label(
            o, "copied_data", None, s, e, f"source={q.mn};source_start_hour={src};scale={scale:.3g}"
        )
        self.label(q, "copied_data", None, src, src + days * 24, f"copied_by={o.mn}")

    def standard_substitution(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 6))):
            code = str(rng.choice(o.conc))
            dur = int(_loguniform(rng, 3, 120))
            s = self.place(o, dur)
            if s is None:
                continue
            e = s + dur
            registered = o.site["pollutants"][code].get("standard")
            std = registered if registered is not None and rng.random() < 0.85 else o.std[code]
            spread = 0.0 if rng.random() < 0.3 else rng.uniform(0.001, 0.02)
            v = _round(std * (1 + rng.normal(0, spread, dur)), o.res[code])
            self.write(o, code, s, e, v)
            self.label(o, "standard_substitution", code, s, e, f"standard={std:g}")

    def physics(self, o):
        rng = self.rng
        if TN not in o.codes:
            return
        for _ in range(int(rng.integers(1, 4))):
            dur = int(_loguniform(rng, 6, 168))
            s = self.place(o, dur)
            if s is None:
                continue
            e = s + dur
            both = o.valid(NH3, s, e) & o.valid(TN, s, e)
            if rng.random() < 0.7:
                v = _round(o.val[NH3][s:e] * rng.uniform(0.6, 0.95), o.res[TN])
                self.write(o, TN, s, e, np.maximum(v, o.res[TN]), rows=both)
                how = "TN lowered below NH3-N"
            else:
                v = _round(o.val[TN][s:e] * rng.uniform(1.05, 1.5), o.res[NH3])
                self.write(o, NH3, s, e, v, rows=both)
                how = "NH3-N raised above TN"
            self.label(o, "physics", None, s, e, how)

    def gap_hiding(self, o):
        rng, n = self.rng, self.n
        code = str(rng.choice(o.conc))
        k = int(rng.integers(3, 11))
        span = int(rng.integers(min(60, n // 24), n // 24 + 1)) * 24
        lo = int(rng.integers(0, n - span + 1))
        slot = span // k
        for i in range(k):
            climb, gap = int(rng.integers(3, 9)), int(rng.integers(3, 49))
            a = lo + i * slot
            s = self.place(o, climb + gap, lo=max(a, 1), hi=a + slot, ok=self.running(o), margin=6)
            if s is None:
                continue
            start_v = o.last_valid(code, s)
            peak = o.limit[code] * rng.uniform(0.75, 1.02)
            ramp = np.linspace(start_v, max(peak, start_v), climb + 1)[1:]
            ramp = np.maximum(_round(ramp, o.res[code]), o.res[code])
            o.val[code][s : s + climb] = ramp
            o.flag[code][s : s + climb] = N
            o.present[code][s : s + climb] = True
            for c in o.codes:
                o.present[c][s + climb : s + climb + gap] = False
            self.label(o, "gap_hiding", code, s, s + climb + gap, f"peak={ramp[-1]:g};gap={gap}")

    def flag_masking(self, o):
        rng, n = self.rng, self.n
        if rng.random() < 0.7:
            code = str(rng.choice(o.conc))
            flag = M if rng.random() < 0.6 else D
            q_len = min(90 * 24, n)
            lo = int(rng.integers(0, n - q_len + 1))
            for _ in range(int(rng.integers(3, 9))):
                dur = int(rng.integers(2, 13))
                s = self.place(o, dur, lo=lo, hi=lo + q_len)
                if s is None:
                    continue
                e = s + dur
                shape = np.sin(np.pi * (np.arange(dur) + 0.5) / dur)
                peak = o.limit[code] * rng.uniform(1.3, 3.0)
                v = np.maximum(peak * shape, 1.2 * o.limit[code])
                v = _round(v, o.res[code])
                o.val[code][s:e] = v
                o.flag[code][s:e] = flag
                o.present[code][s:e] = True
                self.label(o, "flag_masking", code, s, e, f"flag={FLAGS[flag]};peak={peak:.4g}")
        else:
            for _ in range(int(rng.integers(1, 4))):
                dur = int(rng.integers(6, 73))
                s = self.place(o, dur, ok=self.running(o))
                if s is None:
                    continue
                e = s + dur
                for code in o.codes:
                    o.flag[code][s:e] = F
                o.val[FLOW][s:e] = np.maximum(o.val[FLOW][s:e], o.res[FLOW])
                self.label(o, "flag_masking", None, s, e, "F while flow goes on")

    def manual_values(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 4))):
            days = int(rng.integers(1, 11))
            s = self.place(o, days * 24, lo=168, align=24)
            if s is None:
                continue
            e = s + days * 24
            codes = o.conc if rng.random() < 0.6 else [str(rng.choice(o.conc))]
            hourly = rng.random() < 0.3
            for code in codes:
                step = float(rng.choice(MANUAL_STEPS[code]))
                level = o.level(code, s - 168, s) * rng.uniform(0.6, 1.0)
                daily = level * (1 + rng.normal(0, 0.05, days))
                v = np.repeat(daily, 24)
                if hourly:
                    v = v + step * rng.integers(-1, 2, days * 24)
                v = np.maximum(_round(v, step), step)
                rows = o.present[code][s:e]
                self.write(o, code, s, e, v, flag=S, rows=rows)
            self.label(
                o,
                "manual_values",
                codes[0] if len(codes) == 1 else None,
                s,
                e,
                f"channels={len(codes)}",
            )

    def flow_mismatch(self, o):
        rng = self.rng
        for _ in range(int(rng.integers(1, 4))):
            if rng.random() < 0.5:
                dur = int(rng.integers(24, 241))
                s = self.place(o, dur, ok=self.running(o))
                if s is None:
                    continue
                e = s + dur
                flag = F if rng.random() < 0.5 else N
                o.val[FLOW][s:e] = 0.0
                o.flag[FLOW][s:e] = flag
                self.label(o, "flow_mismatch", None, s, e, f"flow 0 flag {FLAGS[flag]}")
            else:
                dur = int(rng.integers(24, 121))

                def ok(s, e):
                    return o.running[s:e].all() and np.nanmin(o.val[FLOW][s:e]) > 0

                s = self.place(o, dur, ok=ok)
                if s is None:
                    continue
                e = s + dur
                for code in [PH, *o.conc]:
                    v = o.last_valid(code, s)
                    self.write(o, code, s, e, float(_round(v, o.res[code])))
                self.label(o, "flow_mismatch", None, s, e, "every channel frozen, flow > 0")


def _inject(rng: np.random.Generator, outlets: list[_Outlet], falsifying: list[int], hours: int):
    inj = _Injector(rng, outlets, hours)
    weights = np.ones(len(PATTERNS))
    for i in falsifying:
        o = outlets[i]
        feasible = [
            p
            for p in PATTERNS
            if not (p == "dilution" and len(o.conc) < 3)
            and not (p == "physics" and TN not in o.codes)
        ]
        w = weights[[PATTERNS.index(p) for p in feasible]]
        k = int(rng.choice((1, 2, 3), p=(0.45, 0.35, 0.2)))
        for p in rng.choice(feasible, min(k, len(feasible)), replace=False, p=w / w.sum()):
            getattr(inj, str(p))(o)
    for o, days in inj.deferred:
        inj.copy_across(o, days)
    return inj.labels


# ------------------------------------------------------------------------------------------
# rows, labels


def _exceedances(arrays: dict, outlets: list[_Outlet], t0_utc: pd.Timestamp) -> pd.DataFrame:
    """Runs of valid hours outside the limit, from the final rows (integer arrays)."""
    o_idx, c_idx, h, v, f = (arrays[k] for k in ("o", "c", "h", "v", "f"))
    lo = np.full((len(outlets), len(CHANNELS)), -np.inf)
    hi = np.full((len(outlets), len(CHANNELS)), np.inf)
    for i, o in enumerate(outlets):
        for code, spec in o.site["pollutants"].items():
            lim = spec.get("limit")
            if isinstance(lim, list):
                lo[i, CHANNELS.index(code)], hi[i, CHANNELS.index(code)] = lim
            elif lim is not None:
                hi[i, CHANNELS.index(code)] = lim
    ok = ((f == N) | (f == T)) & np.isfinite(v)
    order = np.lexsort((h, c_idx, o_idx))
    order = order[ok[order]]
    oo, cc, hh, vv = o_idx[order], c_idx[order], h[order], v[order]
    over = (vv > hi[oo, cc]) | (vv < lo[oo, cc])
    key = oo.astype(np.int64) * 8 + cc
    new = np.ones(over.size, dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (np.diff(hh) > 2) | (over[1:] != over[:-1])
    run = np.cumsum(new)[over]
    oo, cc, hh, vv = oo[over], cc[over], hh[over], vv[over]
    cols = ["mn", "pattern", "pollutant", "start", "end", "detail"]
    if run.size == 0:
        return pd.DataFrame(columns=cols)
    first = np.flatnonzero(np.r_[True, run[1:] != run[:-1]])
    last = np.r_[first[1:] - 1, run.size - 1]
    peak = np.maximum.reduceat(vv, first)
    low = np.minimum.reduceat(vv, first)
    count = last - first + 1
    step = np.int64(3_600_000_000_000)
    return pd.DataFrame(
        {
            "mn": [outlets[i].mn for i in oo[first]],
            "pattern": "exceedance",
            "pollutant": [CHANNELS[c] for c in cc[first]],
            "start": pd.DatetimeIndex(t0_utc.value + hh[first].astype(np.int64) * step, tz="UTC"),
            "end": pd.DatetimeIndex(t0_utc.value + hh[last].astype(np.int64) * step, tz="UTC"),
            "detail": [
                f"hours={k};max={p:g};min={m:g}" for k, p, m in zip(count, peak, low, strict=True)
            ],
        }
    )


def _rows(outlets: list[_Outlet], t0_utc: pd.Timestamp, hours: int) -> tuple[dict, pd.DataFrame]:
    parts = {k: [] for k in ("o", "c", "h", "v", "f")}
    h_all = np.arange(hours)
    for i, o in enumerate(outlets):
        for code in o.codes:
            m = o.present[code]
            h = h_all[m] + o.offset[m]
            parts["o"].append(np.full(h.size, i, dtype=np.int32))
            parts["c"].append(np.full(h.size, CHANNELS.index(code), dtype=np.int8))
            parts["h"].append(h)
            parts["v"].append(o.val[code][m])
            parts["f"].append(o.flag[code][m])
    o_idx, c_idx, h, v, f = (np.concatenate(parts[k]) for k in ("o", "c", "h", "v", "f"))
    keep = (h >= 0) & (h < hours)
    o_idx, c_idx, h, v, f = o_idx[keep], c_idx[keep], h[keep], v[keep], f[keep]
    key = (o_idx.astype(np.int64) * 8 + c_idx) * (hours + 1) + h
    _, first = np.unique(key, return_index=True)  # duplicate hour (clock offset): first row
    first.sort()
    o_idx, c_idx, h, v, f = o_idx[first], c_idx[first], h[first], v[first], f[first]
    order = np.lexsort((c_idx, h, o_idx))
    o_idx, c_idx, h, v, f = o_idx[order], c_idx[order], h[order], v[order], f[order]
    ts = pd.DatetimeIndex(t0_utc.value + h.astype(np.int64) * 3_600_000_000_000, tz="UTC")
    arrays = {"o": o_idx, "c": c_idx, "h": h, "v": v, "f": f}
    return arrays, pd.DataFrame(
        {
            "mn": pd.Categorical.from_codes(o_idx, [o.mn for o in outlets]),
            "pollutant": pd.Categorical.from_codes(c_idx, list(CHANNELS)),
            "ts": ts,
            "value": v,
            "flag": pd.Categorical.from_codes(f.astype(np.int8), list(FLAGS)),
            "kind": pd.Categorical.from_codes(np.zeros(v.size, dtype=np.int8), ["hour"]),
        }
    )


def generate(
    n_outlets: int,
    days: int,
    seed: int,
    falsifying_share: float = 0.3,
    start: str = "2026-01-01",
) -> tuple[list[dict], pd.DataFrame, pd.DataFrame]:
    """(sites, readings, labels) of an independent labelled fleet (see the module docstring)."""
    hours = int(days) * 24
    t0 = pd.Timestamp(start, tz="Asia/Shanghai")
    cal = _Calendar.build(hours, t0)
    rng = np.random.default_rng(seed)
    names = list(DISTRICTS)
    serials = rng.choice(10**8, n_outlets, replace=False)
    outlets: list[_Outlet] = []
    enterprise, left = 0, 0
    for i in range(n_outlets):
        if left == 0:
            enterprise += 1
            left = int(rng.choice((1, 2, 3), p=(0.7, 0.2, 0.1)))
            district = names[int(rng.integers(0, len(names)))]
        left -= 1
        mn = f"{DISTRICTS[district]}{serials[i]:08d}"
        o = _honest(
            np.random.default_rng([seed, i]), cal, mn, f"E{enterprise:04d}", district, i + 1
        )
        outlets.append(o)
    n_f = round(falsifying_share * n_outlets)
    falsifying = sorted(rng.choice(n_outlets, n_f, replace=False).tolist()) if n_f else []
    raw = _inject(np.random.default_rng([seed, 10**6]), outlets, falsifying, hours)

    arrays, readings = _rows(outlets, t0.tz_convert("UTC"), hours)
    sites = [o.site for o in outlets]
    step = pd.Timedelta(hours=1)
    t0u = t0.tz_convert("UTC")
    labels = pd.DataFrame(
        {
            "mn": [r[0] for r in raw],
            "pattern": [r[1] for r in raw],
            "pollutant": [r[2] for r in raw],
            "start": pd.DatetimeIndex([t0u + r[3] * step for r in raw], tz="UTC")
            if raw
            else pd.DatetimeIndex([], tz="UTC"),
            "end": pd.DatetimeIndex([t0u + r[4] * step for r in raw], tz="UTC")
            if raw
            else pd.DatetimeIndex([], tz="UTC"),
            "detail": [r[5] for r in raw],
        }
    )
    ex = _exceedances(arrays, outlets, t0u)
    labels = pd.concat([labels, ex], ignore_index=True)
    labels["pollutant"] = (
        labels["pollutant"].astype(object).where(labels["pollutant"].notna(), None)
    )
    labels = labels.sort_values(["mn", "start", "pattern"], kind="stable").reset_index(drop=True)
    return sites, readings, labels


# ------------------------------------------------------------------------------------------
# files


def _toml_value(v) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return repr(float(v))


def sites_toml(sites: list[dict]) -> str:
    """The registry TOML of ``sites`` (one ``[[site]]`` table per outlet)."""
    lines: list[str] = []
    for site in sites:
        lines.append("[[site]]")
        for key in ("mn", "enterprise", "name", "district", "password", "industry"):
            if site.get(key) is not None:
                lines.append(f"{key} = {_toml_value(site[key])}")
        for code, spec in site.get("pollutants", {}).items():
            lines.append("")
            lines.append(f"[site.pollutants.{code}]")
            for key in ("limit", "range", "standard", "cycle_minutes"):
                if key in spec:
                    lines.append(f"{key} = {_toml_value(spec[key])}")
        lines.append("")
    return "\n".join(lines)


def write(out: Path, sites: list[dict], readings: pd.DataFrame, labels: pd.DataFrame) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from monitor.store.readings_files import write_readings

    out.mkdir(parents=True, exist_ok=True)
    (out / "sites.toml").write_text(sites_toml(sites), encoding="utf-8")
    write_readings(readings, out / "readings.csv")
    lab = labels.copy()
    for c in ("start", "end"):
        lab[c] = lab[c].map(pd.Timestamp.isoformat)
    lab["pollutant"] = lab["pollutant"].fillna("")
    lab.to_csv(out / "labels.csv", index=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--share", type=float, default=0.3, help="falsifying share of outlets")
    ap.add_argument("--start", default="2026-01-01", help="first local day (Asia/Shanghai)")
    args = ap.parse_args()
    t = time.perf_counter()
    sites, readings, labels = generate(args.outlets, args.days, args.seed, args.share, args.start)
    gen = time.perf_counter() - t
    write(args.out, sites, readings, labels)
    print(
        f"{len(sites)} outlets, {len(readings):,} readings, {len(labels)} labels "
        f"({', '.join(f'{p} {n}' for p, n in labels['pattern'].value_counts().items())}); "
        f"generated in {gen:.1f} s, written in {time.perf_counter() - t - gen:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
