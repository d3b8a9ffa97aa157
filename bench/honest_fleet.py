"""A third, independent generator of HONEST wastewater-outlet monitoring data (no falsification).

Written (helper-G, twenty-first session, 2026-12-07) from a plain description of how honest
outlets' automatic-monitoring data look and from general knowledge of wastewater treatment and
online analysers, without reading the detectors, their tests, their thresholds or the two other
generators' code. Its purpose: to measure the detectors' false-alarm rate on data nobody tuned on.
Nothing in it is tuned to any detector's output; it carries no labels.

    sites_toml, readings = generate(outlets, days, seed)
    sites_toml, readings, events = generate(outlets, days, seed, events=True)

``readings`` is a long frame (columns ``mn, pollutant, ts, value, flag, kind``; ``mn``,
``pollutant``, ``flag`` and ``kind`` categorical, ``ts`` datetime64[ns, UTC], ``value`` float64)
of hourly values (kind ``hour``) of every channel of every outlet, from ``start`` (default
2026-01-01 00:00 Beijing time) for ``days`` days. ``sites_toml`` is a site registry in the
project's format (limits, analyser ranges, calibration standards, some analyser cycles).
``events`` (optional) is the log of what was simulated (mn, event, pollutant, start, end,
detail), including every hour that is absent from the readings and why ("gap_*" events).

Determinism: a seed gives the same fleet. Outlet i draws from its own stream (seed, i), so the
fleet of N outlets is the first N outlets of a larger fleet of the same seed, days and start
(same MNs, same series): for new data use a new seed, not a larger fleet.

What it models (every parameter is drawn per outlet, per channel or per event from the ranges
given; "p" is a probability, "log-U(a, b)" log-uniform):

Outlets and channels
- Kinds: municipal WWTP (p .50, 5,000-200,000 m3/d), small town plant (p .15, 200-5,000 m3/d),
  industrial-park central plant (p .10, 3,000-50,000 m3/d), industrial (p .25, 200-20,000 m3/d;
  chemical, food, paper, textile dyeing, electroplating pre-treatment, pharmaceutical).
- Channels: COD, NH3-N, pH, flow always; municipal/park plants have TP and TN (a town plant lacks
  TN with p .25); industrial outlets TP with p .45, TN with p .35.
- Limits: GB 18918 1A (50/5/0.5/15, p .55 of municipal-type plants), 1B (60/8/1/20, p .35),
  quasi class IV (30/1.5/0.3/10, p .10); industrial: direct discharge by sector (COD 80-150,
  NH3-N 8-25, TP 0.5-1.5, TN 12-40) or to a sewer (p .4: COD 300-500, NH3-N 25-45, TP 3-8,
  TN 40-70); pH 6-9. Analyser ranges: the smallest common range >= limit x U(1.5, 4).
- Operating level (annual middle / limit): COD log-U(0.2, 0.6) (p .08: 0.55-0.8), NH3-N
  log-U(0.01, 0.3) (p .1: 0.3-0.7), TP log-U(0.08, 0.55) (p .1: 0.55-0.8), TN log-U(0.3, 0.65)
  (p .08: 0.65-0.85; true TN = NH3-N + other nitrogen); pH 6.6-8.2 (industrial 6.3-8.7).
- Registry: limit, analyser range, the span standard, and for p .4 of the cyclic analysers
  cycle_minutes (the first cycle: stale after a change of cycle); enterprises (p .1 of outlets
  are a second outlet of the previous one's enterprise), districts, operators, industry.

Plant behaviour
- Diurnal inflow (morning peak 8-11 h, evening 18-22 h, amplitudes 0.15-0.6 and 0.1-0.5, night
  trough); effluent flow follows with a lag of 0-3 h, damped by equalisation (tau 0.5-6 h);
  concentrations follow the load through the plant's retention (HRT 8-30 h municipal, 4-48 h
  industrial, first-order), relative amplitude 0.02-0.3 (NH3-N up to 0.8).
- Weekly pattern (weekend flow x0.85-1.05); municipal-type flow dips by 0-30 % over the
  Spring Festival (a week before it to 1-3 weeks after); industrial shifts (3 shifts p .4, 2
  p .35, 1 p .25), weekends off (p .3) or Sundays off (p .2), small plants stopping discharge
  when idle (p .5 of one- and two-shift plants under 5,000 m3/d), batch production (p .15 of
  industrial: batches of 8 h - 5 days with their own level, x log-normal sd 0.2-0.5).
- Seasons: water temperature drives NH3-N (winter/summer ratio log-U(1, 6), p .15 6-10), TN's
  other nitrogen (1-1.6), COD (1-1.4), TP (0.8-1.3), flow (+-15 %).
- Slow wander (AR(1), sd 0.05-0.3 in log, 1-10 days, partly common to the channels) and fast
  wander (sd 0.02-0.2, 2-12 h); both x0.35-1 at plants run close to their limit (tighter
  control); very stable plants (MBR / long retention, p .12): both x0.15-0.4, measurement noise
  0.5-1.5 %, diurnal amplitude x0.3.
- Rain (municipal-type plants): 20-60 events a year, about three times as many in summer; combined
  sewers (p .6) raise flow by up to 1.2-5 x (separate sewers 1.02-1.4 x) for hours to days
  (rise 1-3 h, decay 4-48 h); concentrations diluted together (x ratio^-(0.3-0.9), through the
  plant's retention); above 2 x the design flow, solids wash-out raises COD and TP; the outlet's
  hydraulic capacity caps flow at 1.8-3.5 x design; the meter range (1.2-3 x the 95th
  percentile of the discharging hours' flow) caps it again (see "over the analyser's range");
  pH falls by up to 0.1-0.3 in heavy rain.
- Upsets: loss of nitrification (0.2-3 a year, 3 times as likely in deep winter as in summer:
  NH3-N x5-20 over
  6-36 h, recovery over 7-21 days; TN up with it); sludge bulking (0-1 a year, COD x1.3-2.5, TP
  x1.5-3, 3-20 days); toxic shock (industrial and park, 0-2 a year, 1-7 days); phosphorus dosing
  steps (0-3 a year, TP x0.5-0.8 or x1.2-1.6 for good) and dosing-pump failures (0-3 a year,
  TP x2-5 for 6-72 h); aeration steps (0-2 a year, NH3-N x0.6-1.6 for good); regime shifts
  (0-3 a year: every concentration's level x log-normal sd 0.25, kept within 0.4 x its start
  and 0.9 x the limit, and its spread x0.5-2 (within 0.3-3) for good);
  start-up after a stop of 3 days or more (x1.3-3, decaying over 1-4 days).
- SBR plants (p .12 of municipal and town plants, p .1 of industrial): discharge in pulses
  (cycles of 4, 6 or 8 h, decanting 1-2 h, flow 0 between); analysers keep reading the tank
  (p .5) or hold their last value between decants.
- Shutdowns: industrial plants stop for the Spring Festival (p .7, 7-28 days around it) and for
  line maintenance (0-2 a year, 1-5 days); how a stop shows (per outlet): every channel flagged
  F (values held or empty) (p .45), flow 0 flagged N while the analysers read standing water
  (p .35), or no data at all (p .2; stops of a day or more only, else as N).

Analysers and hourly values
- COD: UV continuous (p .15) or dichromate, cycle 60, 120 or 240 min (p .35/.5/.15; plants
  under 2,000 m3/d .15/.45/.4). NH3-N: electrode (p .1) or salicylate 20, 30, 60 or 120 min
  (.15/.15/.35/.25). TP, TN: 60, 120 or 240 min (.35/.5/.15); one analyser alternating over TP
  and TN (p .2: both 120 or 240 min, phases half a cycle apart). pH: electrode; flow:
  electromagnetic (noise 0.3-1 %) or open channel (p .35: 1-4 %, cuts to 0 below 1-3 % of the
  range). A cyclic analyser's hourly value is its last completed measurement (a 2-h cycle
  repeats each value twice, a 4-h cycle four times), sampled at the start of its cycle; the
  cycle changes once with p .15 per analyser; analyser and logger clocks differ (below), so
  runs of 1 or 3 occur at phase slips.
- Resolution: COD 1 or 0.1; NH3-N 0.01, 0.001 or 0.1; TP 0.01 or 0.001; TN 0.1 or 0.01; pH 0.01
  or 0.1; flow 0.01, 0.1 or 1 m3/h.
- Noise: relative 1-5 % Student-t (3 d.f.) plus an absolute floor of 0.2-0.5 x the detection
  limit; single odd readings (p 1e-4 - 3e-3 per measurement, x log-normal sd 0.8).
- Detection limits: COD 4-15 (UV 1-4), NH3-N 0.02-0.05, TP 0.01-0.02, TN 0.05-0.2; below it the
  logger reports the limit, half of it, or a small constant (per outlet and channel).
- Drift between calibrations (every 7-31 days): relative, rate N(0, 1-4 %) per week (pH:
  +-0.01-0.08 per week), removed by a step at recalibration.
- Over the analyser's range: the range's top, flagged T (p .6), N (p .3), or the true value T.

Quality control, faults, transmission
- Zero/span checks every 1, 2, 3 or 7 days (electrode and UV analysers weekly) at a fixed hour:
  a zero hour (p .5) and a span hour reading the standard (round values: COD 20/50/100/200,
  NH3-N 1/2/5/10, TP 0.2/0.5/1/2, TN 5/10/20/50; pH buffers 6.86/4.01/9.18) flagged C, or N
  when the logger does not flag checks (p .15 of outlets).
- Maintenance every 7-31 days: 1-8 h (p .05 a whole day) flagged M on the analysers and pH,
  values zero, the standard, the last value, rinse water or empty; after it, with p .3, a
  2-4 h standard check flagged C.
- Faults: blockages holding the last value 3-72 h (0.5-6 a year; flagged D or, per outlet,
  left N), analyser errors flagged D 1-12 h (1-12 a year; empty or held), reagent running out
  (0.2-3 a year for wet-chemistry analysers: drifting down to x0.2-0.8 over 12-72 h or holding,
  then a jump back at refill); manual values (per outlet p .25) flagged S over fault stretches
  of 24 h or more, at the preceding day's median rounded to a round number.
- Communication outages of every channel, 2-40 a year, 1-72 h: lost (absent rows, p .5),
  backfilled (rows present as measured, p .3) or rows flagged B without values (p .2); single
  lost hours (0-0.5 %).
- Logger clock (p .3 of outlets): runs fast or slow by 0.5-5 min a day until corrected by a jump
  at 10-60 min; hourly values are those of the logger's hours.

- Arrival times (only with ``received_at=True``): an hour after the hour's start plus
  exponential delays of mean 0.1-3 min; hours backfilled after an outage arrive 0-2 h after its
  end, 2-30 s apart.

What it does NOT model: real-time, minute or daily values; duplicate rows (the store keeps one per key); the clock jump's repeated or
skipped hour label (a 1-h step of the label is not produced; the offset only shifts which
measurement an hour holds); seasonal limits (one limit per pollutant, as the registry holds);
influent spikes of pollutants other than the six; sensor fouling other than drift; any
falsification.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.signal import lfilter

CODES = ("w01018", "w21003", "w21011", "w21001", "w01001", "w00000")
COD, NH3, TP, TN, PH, FLOW = range(6)
WATER = (COD, NH3, TP, TN)
FLAGS = ("N", "F", "M", "S", "D", "C", "T", "B")
FN, FF, FM, FS, FD, FC, FT, FB = range(8)
ZONE = "Asia/Shanghai"
SPRING_FESTIVALS = ("2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13")
DISTRICTS = ("Lintong", "Yanta", "Beilin", "Weiyang", "Baqiao", "Changan", "Gaoling", "Huyi")
OPERATORS = ("OM-Huanbao", "OM-Qingyuan", "OM-Lvshui", "OM-Jiance", "OM-Tianyuan")
SECTORS = ("chemical", "food", "paper", "textile_dyeing", "electroplating", "pharmaceutical")
RANGES = {
    COD: (50, 100, 200, 500, 1000, 2000),
    NH3: (5, 10, 20, 50, 100),
    TP: (1, 2, 5, 10, 20),
    TN: (10, 20, 50, 100, 200),
}
STANDARDS = {COD: (20, 50, 100, 200), NH3: (1, 2, 5, 10), TP: (0.2, 0.5, 1, 2), TN: (5, 10, 20, 50)}
RESOLUTIONS = {
    COD: ((1.0, 0.1), (0.5, 0.5)),
    NH3: ((0.01, 0.001, 0.1), (0.6, 0.2, 0.2)),
    TP: ((0.01, 0.001), (0.6, 0.4)),
    TN: ((0.1, 0.01), (0.5, 0.5)),
    PH: ((0.01, 0.1), (0.6, 0.4)),
    FLOW: ((0.01, 0.1, 1.0), (0.4, 0.4, 0.2)),
}
LABEL_COLUMNS = ("mn", "pattern", "pollutant", "start", "end", "detail")


def empty_labels() -> pd.DataFrame:
    """A labels frame with no row, in the columns the labelled generators use."""
    return pd.DataFrame(
        {
            "mn": pd.Series(dtype=object),
            "pattern": pd.Series(dtype=object),
            "pollutant": pd.Series(dtype=object),
            "start": pd.Series(dtype="datetime64[ns, UTC]"),
            "end": pd.Series(dtype="datetime64[ns, UTC]"),
            "detail": pd.Series(dtype=object),
        }
    )


# ---------------------------------------------------------------------------------------------
# small helpers


def _lu(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _pick(rng: np.random.Generator, values, weights=None):
    i = rng.choice(len(values), p=None if weights is None else np.asarray(weights) / sum(weights))
    return values[int(i)]


def _ar1(rng: np.random.Generator, n: int, tau: float, sd: float) -> np.ndarray:
    """Stationary AR(1) of standard deviation sd and correlation time tau (hours)."""
    a = math.exp(-1.0 / tau)
    e = rng.standard_normal(n) * sd * math.sqrt(1 - a * a)
    x0 = rng.standard_normal() * sd
    return lfilter([1.0], [1.0, -a], e, zi=[a * x0])[0]


def _smooth(x: np.ndarray, tau: float) -> np.ndarray:
    """First-order (completely mixed tank) response of time constant tau hours."""
    if tau <= 0.05:
        return x.copy()
    a = math.exp(-1.0 / tau)
    return lfilter([1 - a], [1.0, -a], x, zi=[a * x[0]])[0]


def _times(rng: np.random.Generator, n: int, per_year: float, weight=None) -> np.ndarray:
    """Hours of a Poisson process of per_year events a year (thinned by weight in [0, 1])."""
    boost = 1.0 if weight is None else float(weight.max() / weight.mean())
    k = rng.poisson(per_year * n / 8766.0 * boost)
    t = np.sort(rng.integers(0, n, k)) if k else np.zeros(0, dtype=int)
    if weight is not None and k:
        t = t[rng.random(k) < weight[t] / weight.max()]
    return t


def _pulse(n: int, t0: int, onset: float, tau: float) -> np.ndarray:
    """0 before t0, rising linearly to 1 over onset hours, then decaying with time constant tau."""
    out = np.zeros(n)
    h = np.arange(n - t0, dtype=float)
    rise = np.clip((h + 1) / max(onset, 1.0), 0, 1)
    after = np.where(h > onset, np.exp(-(h - onset) / tau), 1.0)
    out[t0:] = rise * after
    return out


def _round(v: np.ndarray, res: float) -> np.ndarray:
    decimals = max(0, -math.floor(math.log10(res) + 1e-9))
    return np.round(np.round(v / res) * res, decimals)


def _nice_range(rng: np.random.Generator, limit: float, options) -> float:
    need = limit * rng.uniform(1.5, 4.0)
    for r in options:
        if r >= need:
            return float(r)
    return float(options[-1])


def _nice_flow_range(x: float) -> float:
    mag = 10 ** math.floor(math.log10(x))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * mag >= x:
            return float(m * mag)
    return float(10 * mag)


# ---------------------------------------------------------------------------------------------
# the calendar


class _Calendar:
    def __init__(self, start: pd.Timestamp, days: int):
        self.n = n = days * 24
        self.start = start
        local = start + pd.to_timedelta(np.arange(n), unit="h")
        self.hour = local.hour.to_numpy()
        self.dow = local.day_of_week.to_numpy()
        self.doy = local.day_of_year.to_numpy()
        self.day = np.arange(n) // 24
        self.ts_ns = local.tz_convert("UTC").as_unit("ns").asi8
        self.festivals = []
        for d in SPRING_FESTIVALS:
            t = int((pd.Timestamp(d, tz=ZONE) - start) / pd.Timedelta(hours=1))
            if -40 * 24 < t < n + 10 * 24:
                self.festivals.append(t)
        # winter weight (1 at the end of January, 0 at the end of July) and rainy-season weight
        self.winter = 0.5 * (1 + np.cos(2 * np.pi * (self.doy - 25) / 365.25))
        self.rainy = 0.4 + np.exp(-(((self.doy - 200) / 45.0) ** 2))


# ---------------------------------------------------------------------------------------------
# one outlet


class _Outlet:
    """Draws one outlet's parameters and produces its hourly readings."""

    def __init__(self, seed: int, index: int, cal: _Calendar, taken: set[str]):
        self.rng = rng = np.random.default_rng([seed, index])
        self.cal = cal
        self.events: list[tuple] = []
        self.index = index
        while True:
            mn = "6101" + f"{int(rng.integers(0, 10**10)):010d}"
            if mn not in taken:
                break
        taken.add(mn)
        self.mn = mn
        self.kind = _pick(rng, ("municipal", "town", "park", "industrial"), (0.5, 0.15, 0.1, 0.25))
        self.sector = _pick(rng, SECTORS) if self.kind == "industrial" else self.kind
        size = {"municipal": (5e3, 2e5), "town": (200, 5e3), "park": (3e3, 5e4)}
        self.q = _lu(rng, *size.get(self.kind, (200, 2e4)))  # m3/d
        self.stable = rng.random() < 0.12
        self.channels = [COD, NH3, PH, FLOW]
        if self.kind in ("municipal", "park"):
            self.channels += [TP, TN]
        elif self.kind == "town":
            self.channels += [TP] if rng.random() < 0.25 else [TP, TN]
        else:
            if rng.random() < 0.45:
                self.channels.append(TP)
            if rng.random() < 0.35:
                self.channels.append(TN)
        self.channels.sort()
        self._limits()
        self._analysers()

    # -- parameters ------------------------------------------------------------------------

    def _limits(self) -> None:
        rng = self.rng
        if self.kind != "industrial":
            std = _pick(rng, ("1A", "1B", "IV"), (0.55, 0.35, 0.10))
            lim = {"1A": (50, 5, 0.5, 15), "1B": (60, 8, 1, 20), "IV": (30, 1.5, 0.3, 10)}[std]
            self.standard_name = f"GB18918-{std}" if std != "IV" else "quasi-IV"
        elif rng.random() < 0.4:
            lim = (
                _pick(rng, (300, 400, 500)),
                _pick(rng, (25, 35, 45)),
                _pick(rng, (3, 5, 8)),
                _pick(rng, (40, 50, 70)),
            )
            self.standard_name = "to-sewer"
        else:
            lim = (
                _pick(rng, (80, 100, 120, 150)),
                _pick(rng, (8, 10, 15, 20, 25)),
                _pick(rng, (0.5, 0.8, 1.0, 1.5)),
                _pick(rng, (12, 15, 20, 30, 40)),
            )
            self.standard_name = f"{self.sector}-direct"
        self.limit = dict(zip(WATER, map(float, lim), strict=True))
        self.range = {c: _nice_range(rng, self.limit[c], RANGES[c]) for c in WATER}
        self.range[PH] = 14.0

        def ratio(lo, hi, p_high, hlo, hhi):
            return rng.uniform(hlo, hhi) if rng.random() < p_high else _lu(rng, lo, hi)

        self.level = {
            COD: ratio(0.2, 0.6, 0.08, 0.55, 0.8) * self.limit[COD],
            NH3: ratio(0.01, 0.3, 0.10, 0.3, 0.7) * self.limit[NH3],
            TP: ratio(0.08, 0.55, 0.10, 0.55, 0.8) * self.limit[TP],
        }
        tn = ratio(0.3, 0.65, 0.08, 0.65, 0.85) * self.limit[TN]
        self.level[TN] = max(tn - self.level[NH3], 0.3 * tn)  # nitrogen other than NH3-N
        lo, hi = (6.3, 8.7) if self.kind == "industrial" else (6.6, 8.2)
        self.ph_mean = rng.uniform(lo, hi)
        self.dl = {
            COD: rng.uniform(4, 15),
            NH3: rng.uniform(0.02, 0.05),
            TP: _pick(rng, (0.01, 0.01, 0.02)),
            TN: rng.uniform(0.05, 0.2),
        }
        self.standard = {c: float(_pick(rng, STANDARDS[c])) for c in WATER}
        for c in WATER:  # a standard within the analyser's range
            while self.standard[c] > 0.8 * self.range[c]:
                self.standard[c] = float(STANDARDS[c][0])
                break

    def _analysers(self) -> None:
        rng = self.rng
        small = self.q < 2000
        self.cycle: dict[int, float] = {}
        if rng.random() < 0.15:
            self.cycle[COD] = 0.0
            self.dl[COD] = rng.uniform(1, 4)
        else:
            w = (0.15, 0.45, 0.4) if small else (0.35, 0.5, 0.15)
            self.cycle[COD] = _pick(rng, (1.0, 2.0, 4.0), w)
        self.cycle[NH3] = _pick(rng, (0.0, 1 / 3, 0.5, 1.0, 2.0), (0.1, 0.15, 0.15, 0.35, 0.25))
        for c in (TP, TN):
            self.cycle[c] = _pick(rng, (1.0, 2.0, 4.0), (0.35, 0.5, 0.15))
        self.shared_tptn = TP in self.channels and TN in self.channels and rng.random() < 0.2
        if self.shared_tptn:
            self.cycle[TP] = self.cycle[TN] = _pick(rng, (2.0, 4.0), (0.7, 0.3))
        self.cycle[PH] = self.cycle[FLOW] = 0.0
        self.res = {c: float(_pick(rng, *RESOLUTIONS[c])) for c in range(6)}
        self.open_channel = rng.random() < 0.35
        self.floor_policy = {c: _pick(rng, ("dl", "half", "const")) for c in WATER}
        self.floor_const = {
            COD: _pick(rng, (2.0, 4.0, 5.0)),
            NH3: _pick(rng, (0.01, 0.02, 0.025)),
            TP: _pick(rng, (0.005, 0.01)),
            TN: _pick(rng, (0.05, 0.1)),
        }
        self.flags_checks = rng.random() > 0.15
        self.flags_blockage = rng.random() < 0.6
        self.manual = rng.random() < 0.25
        self.comm_policy = _pick(rng, ("lost", "backfilled", "B"), (0.5, 0.3, 0.2))
        self.stop_policy = _pick(rng, ("F", "N", "gap"), (0.45, 0.35, 0.2))
        self.over_policy = _pick(rng, ("cap_T", "cap_N", "true_T"), (0.6, 0.3, 0.1))
        self.registry_cycle = {c: rng.random() < 0.4 for c in (COD, NH3, TP, TN)}

    # -- helpers -----------------------------------------------------------------------------

    def _log(self, event: str, channel: int | None, t0: int, t1: int, detail: str = "") -> None:
        self.events.append(
            (self.mn, event, None if channel is None else CODES[channel], t0, t1, detail)
        )

    # -- the process ----------------------------------------------------------------------

    def _operation(self) -> tuple[np.ndarray, np.ndarray]:
        """(running, stopped): the plant's production (industrial) and stops of the outlet."""
        rng, cal, n = self.rng, self.cal, self.cal.n
        running = np.ones(n, dtype=bool)
        stopped = np.zeros(n, dtype=bool)
        self.idle_stops = False
        self.batch_level = np.zeros(n)
        self.long_stops: list[tuple[int, int]] = []
        if self.kind != "industrial":
            return running, stopped
        shifts = _pick(rng, (3, 2, 1), (0.4, 0.35, 0.25))
        if shifts == 2:
            running &= (cal.hour >= 6) & (cal.hour < 22)
        elif shifts == 1:
            running &= (cal.hour >= 8) & (cal.hour < 17)
        week = _pick(rng, ("all", "weekends_off", "sunday_off"), (0.5, 0.3, 0.2))
        if week == "weekends_off":
            running &= cal.dow < 5
        elif week == "sunday_off":
            running &= cal.dow != 6
        self.idle_stops = shifts < 3 and self.q < 5000 and rng.random() < 0.5
        if rng.random() < 0.15:  # batch production
            t = 0
            sd = rng.uniform(0.2, 0.5)
            while t < n:
                dur = int(_lu(rng, 8, 120))
                idle = int(_lu(rng, 2, 48)) if rng.random() < 0.5 else 0
                self.batch_level[t : t + dur] = rng.normal(0, sd)
                running[t + dur : t + dur + idle] = False
                t += dur + idle
        stops = []
        if rng.random() < 0.7:
            for f in cal.festivals:
                a = f - int(rng.uniform(2, 10) * 24)
                stops.append((a, a + int(rng.uniform(7, 28) * 24), "spring_festival"))
        for t in _times(rng, n, rng.uniform(0, 2)):
            stops.append((t, t + int(rng.uniform(1, 5) * 24), "line_maintenance"))
        for a, b, why in stops:
            a, b = max(a, 0), min(b, n)
            if b > a:
                stopped[a:b] = True
                running[a:b] = False
                self.long_stops.append((a, b))
                self._log("shutdown", None, a, b, why)
        return running, stopped

    def _rain(self) -> np.ndarray:
        """The sewer's flow multiplier from rain (1 = dry weather)."""
        rng, cal, n = self.rng, self.cal, self.cal.n
        r = np.ones(n)
        if self.kind == "industrial":
            return r
        combined = rng.random() < 0.6
        for t in _times(rng, n, rng.uniform(20, 60), cal.rainy):
            amp = _lu(rng, 0.2, 4.0) if combined else _lu(rng, 0.02, 0.4)
            onset, tau = rng.uniform(1, 3), _lu(rng, 4, 48)
            r += amp * _pulse(n, int(t), onset, tau)
            if amp > 0.3:
                self._log("rain", FLOW, int(t), int(min(n, t + onset + 3 * tau)), f"x{1 + amp:.1f}")
        return r

    def _flow(self, running, stopped, rain) -> tuple[np.ndarray, np.ndarray]:
        """(true effluent flow m3/h, load profile of the inflow, mean 1)."""
        rng, cal, n = self.rng, self.cal, self.cal.n
        h = cal.hour
        mean = self.q / 24.0

        def bump(centre, width):
            d = np.minimum(np.abs(h - centre), 24 - np.abs(h - centre))
            return np.exp(-0.5 * (d / width) ** 2)

        profile = (
            rng.uniform(0.3, 0.7)
            + rng.uniform(0.15, 0.6) * bump(rng.uniform(8, 11), rng.uniform(1.5, 3))
            + rng.uniform(0.1, 0.5) * bump(rng.uniform(18, 22), rng.uniform(1.5, 3))
        )
        profile = profile / profile[:24].mean() if n >= 24 else profile / profile.mean()
        weekend = rng.uniform(0.85, 1.05)
        profile = profile * np.where(cal.dow >= 5, weekend, 1.0)
        if self.kind == "industrial":
            load = np.where(running, 1.0, rng.uniform(0.0, 0.15)) * (1 + 0.15 * (profile - 1))
            load = load / max(load.mean(), 1e-6)
        else:
            load = profile
        season = 1 + rng.uniform(-0.15, 0.15) * np.cos(2 * np.pi * (cal.doy - 200) / 365.25)
        if self.kind != "industrial":  # people leave the cities for the Spring Festival
            dip = rng.uniform(0, 0.3)
            for f in cal.festivals:
                a, b = max(0, f - 7 * 24), min(n, f + int(rng.uniform(7, 21) * 24))
                if b > a:
                    season[a:b] *= 1 - dip * np.sin(np.linspace(0, np.pi, b - a))
        wander = np.exp(_ar1(rng, n, _lu(rng, 24, 240), _lu(rng, 0.03, 0.15)))
        lag = int(rng.integers(0, 4))
        inflow = np.roll(load, lag) * season * wander * rain
        eq = _lu(rng, 2, 24) if self.kind == "industrial" else _lu(rng, 0.5, 6)
        flow = mean * _smooth(inflow, eq)
        cap = rng.uniform(1.8, 3.5) * mean
        flow = np.minimum(flow, cap)
        self.sbr = rng.random() < (0.12 if self.kind in ("municipal", "town") else 0.1)
        self.discharging = np.ones(n, dtype=bool)
        if self.sbr:
            cyc = int(_pick(rng, (4, 6, 8)))
            dec = int(rng.integers(1, 3))
            phase = int(rng.integers(0, cyc))
            on = ((np.arange(n) + phase) % cyc) < dec
            self.discharging = on
            vol = np.convolve(flow, np.ones(cyc), mode="same")  # volume of the cycle
            flow = np.where(on, vol / dec, 0.0)
        self.stop_mask = stopped.copy()
        if self.idle_stops:  # the outlet pump runs only while the plant produces
            off = ~np.roll(running, lag)
            before = flow.sum()
            flow = np.where(off, 0.0, flow)
            flow *= before / max(flow.sum(), 1e-9)
            self.stop_mask |= off
        flow = np.where(self.stop_mask, 0.0, flow)
        self.discharging &= ~self.stop_mask
        # the meter is sized for the usual high rate while discharging (pulses of an SBR, shifts)
        on = flow[self.discharging]
        rate = max(mean, float(np.quantile(on, 0.95))) if len(on) else mean
        self.flow_range = _nice_flow_range(rate * rng.uniform(1.2, 3.0))
        return flow, _smooth(load * rain, 1.0)

    def _concentrations(self, rain: np.ndarray, load: np.ndarray) -> dict[int, np.ndarray]:
        """True effluent concentrations (mg/L) and pH, hourly."""
        rng, cal, n = self.rng, self.cal, self.cal.n
        municipal = self.kind != "industrial"
        hrt = _lu(rng, 8, 30) if municipal else _lu(rng, 4, 48)
        quiet = rng.uniform(0.15, 0.4) if self.stable else 1.0
        dil = _smooth(rain, hrt / 2)
        beta = rng.uniform(0.3, 0.9)
        washout = np.clip(_smooth(rain, 2.0) - 2.0, 0, None)
        diurnal = _smooth(load, hrt) - 1.0
        season_ratio = {
            COD: _lu(rng, 1, 1.4),
            NH3: _lu(rng, 6, 10) if rng.random() < 0.15 else _lu(rng, 1, 6),
            TP: _lu(rng, 0.8, 1.3),
            TN: _lu(rng, 1, 1.6),
        }
        if not municipal:
            season_ratio[NH3] = _lu(rng, 1, 3)
        common = _ar1(rng, n, _lu(rng, 24, 240), 1.0)
        logc, wander = {}, {}
        for c in WATER:
            rho = rng.uniform(0, 0.7)
            # a plant run close to its limit is run tightly: less wander
            total = self.level[c] + (self.level[NH3] if c == TN else 0.0)
            tight = min(1.0, max(0.35, math.log(self.limit[c] / total) / 0.6))
            slow_sd = _lu(rng, 0.05, 0.3) * quiet * tight
            slow = slow_sd * (
                rho * common + math.sqrt(1 - rho * rho) * _ar1(rng, n, _lu(rng, 24, 240), 1.0)
            )
            fast = _smooth(
                _ar1(rng, n, _lu(rng, 2, 12), _lu(rng, 0.02, 0.2) * quiet * tight), hrt / 4
            )
            amp = rng.uniform(0.02, 0.8 if c == NH3 else 0.3) * (0.3 if self.stable else 1.0)
            wander[c] = slow + fast
            logc[c] = (
                math.log(self.level[c])
                + math.log(season_ratio[c]) * (cal.winter - 0.5)
                + amp * diurnal
                - beta * np.log(dil)
                + self.batch_level * (1.0 if c in (COD, NH3) else 0.5)
            )
        logc[COD] += np.log1p(rng.uniform(0.2, 0.6) * washout)
        logc[TP] += np.log1p(rng.uniform(0.3, 1.0) * washout)
        mult = {c: np.ones(n) for c in WATER}
        winter = cal.winter
        # loss of nitrification
        for t in _times(rng, n, _lu(rng, 0.2, 3.0), 0.5 + winter):
            m = rng.uniform(5, 20)
            rec = rng.uniform(7, 21) * 24
            p = _pulse(n, int(t), rng.uniform(6, 36), rec / 3)
            mult[NH3] += (m - 1) * p
            self._log("nitrification_loss", NH3, int(t), int(min(n, t + rec)), f"x{m:.0f}")
        if rng.random() < 0.6:
            for t in _times(rng, n, rng.uniform(0, 1)):
                d = rng.uniform(3, 20) * 24
                p = _pulse(n, int(t), 24, d / 3)
                mult[COD] += rng.uniform(0.3, 1.5) * p
                mult[TP] += rng.uniform(0.5, 2.0) * p
                self._log("sludge_bulking", None, int(t), int(min(n, t + d)))
        if self.kind in ("industrial", "park"):
            for t in _times(rng, n, rng.uniform(0, 2)):
                d = rng.uniform(1, 7) * 24
                p = _pulse(n, int(t), 3, d / 3)
                mult[COD] += rng.uniform(0.5, 2.0) * p
                mult[NH3] += rng.uniform(1, 9) * p
                self._log("toxic_shock", None, int(t), int(min(n, t + d)))
        for t in _times(rng, n, rng.uniform(0, 3)):
            f = rng.uniform(0.5, 0.8) if rng.random() < 0.6 else rng.uniform(1.2, 1.6)
            mult[TP][int(t) :] *= f
            self._log("dosing_step", TP, int(t), int(t), f"x{f:.2f}")
        for t in _times(rng, n, rng.uniform(0, 3)):
            d = int(_lu(rng, 6, 72))
            f = rng.uniform(2, 5)
            mult[TP][int(t) : int(t) + d] *= f * np.minimum(1, (np.arange(min(d, n - t)) + 1) / 3)
            self._log("dosing_pump_failure", TP, int(t), int(min(n, t + d)), f"x{f:.1f}")
        for t in _times(rng, n, rng.uniform(0, 2)):
            f = rng.uniform(0.6, 1.6)
            mult[NH3][int(t) :] *= f
            self._log("aeration_step", NH3, int(t), int(t), f"x{f:.2f}")
        # regime shifts: a new level and spread that stay (an operator keeps the level below
        # 0.9 x the limit: a plant does not settle above its limit)
        spread = {c: np.ones(n) for c in WATER}
        regime = {c: np.ones(n) for c in WATER}
        for t in _times(rng, n, rng.uniform(0, 3)):
            for c in WATER:
                top = max(1.0, 0.9 * self.limit[c] / self.level[c])
                regime[c][int(t) :] = np.clip(
                    regime[c][int(t) :] * math.exp(rng.normal(0, 0.25)), 0.4, top
                )
                spread[c][int(t) :] = np.clip(spread[c][int(t) :] * rng.uniform(0.5, 2.0), 0.3, 3)
            self._log("regime_shift", None, int(t), int(t))
        for a, b in self.long_stops:
            if b - a >= 72 and b < n:
                f, d = rng.uniform(1.3, 3.0), rng.uniform(1, 4) * 24
                p = _pulse(n, b, 1, d / 3)
                for c in WATER:
                    mult[c] += (f - 1) * p
                self._log("start_up", None, b, int(min(n, b + d)), f"x{f:.1f}")
        conc = {}
        for c in WATER:
            conc[c] = np.exp(logc[c] + wander[c] * spread[c]) * regime[c] * mult[c]
        # TN = NH3-N + other nitrogen; a loss of nitrification leaves less nitrate
        lost = np.clip(
            1 - np.exp(logc[NH3] + wander[NH3] * spread[NH3]) * regime[NH3] / conc[NH3], 0, 1
        )
        conc[TN] = conc[NH3] + conc[TN] * (1 - 0.5 * lost)
        ph = (
            self.ph_mean
            + _ar1(rng, n, _lu(rng, 24, 240), _lu(rng, 0.05, 0.3) * quiet)
            + _ar1(rng, n, _lu(rng, 2, 12), _lu(rng, 0.01, 0.08) * quiet)
            + rng.uniform(0.02, 0.2) * (0.3 if self.stable else 1.0) * diurnal
            - rng.uniform(0.1, 0.3) * np.clip(1 - 1 / dil, 0, None)
        )
        conc[PH] = np.clip(ph, 2.0, 12.0)
        return conc

    # -- the measurement -------------------------------------------------------------------

    def _clock(self) -> np.ndarray:
        """The logger clock's offset (hours, + = fast) at every hour."""
        rng, n = self.rng, self.cal.n
        off = np.zeros(n)
        if rng.random() < 0.3:
            rate = rng.uniform(0.5, 5) / 60 / 24 * (1 if rng.random() < 0.5 else -1)
            limit = rng.uniform(10, 60) / 60
            acc = np.abs(rate) * np.arange(n)
            off = np.sign(rate) * np.mod(acc, limit)
            self._log(
                "clock_offset",
                None,
                0,
                n,
                f"{rate * 60 * 24:+.1f} min/day, reset at {limit * 60:.0f} min",
            )
        return off

    def _measure(self, c: int, true: np.ndarray, clock: np.ndarray) -> np.ndarray:
        """Hourly reported values (before QC, faults and transmission) of channel c."""
        rng, n = self.rng, self.cal.n
        hours = np.arange(n, dtype=float)
        cyc = self.cycle[c]
        # the cycle may be changed once by a technician
        cycles = np.full(n, cyc)
        if cyc > 0 and rng.random() < 0.15 and n > 48:
            t = int(rng.integers(24, n - 24))
            new = _pick(rng, [x for x in (1.0, 2.0, 4.0) if x != cyc] if cyc >= 1 else (1.0,))
            cycles[t:] = new
            self._log("cycle_change", c, t, t, f"{cyc * 60:.0f} -> {new * 60:.0f} min")
        phase = rng.uniform(0, max(cyc, 1.0))
        if self.shared_tptn and c == TN:
            phase = (self.tp_phase + cyc / 2) % cyc
        if c == TP:
            self.tp_phase = phase
        t_end = hours + 1.0 - clock  # the logger hour's end in analyser (true) time
        if cyc > 0:
            ids = np.empty(n)
            seg_start = np.r_[0, np.flatnonzero(np.diff(cycles)) + 1]
            seg_end = np.r_[seg_start[1:], n]
            base = 0.0
            for a, b in zip(seg_start, seg_end, strict=True):
                k = np.floor((t_end[a:b] - phase) / cycles[a]) + base
                ids[a:b] = k
                base = k.max() + 1e6
            # each measurement samples the water at the start of its cycle
            done = phase + np.floor((t_end - phase) / cycles) * cycles
            uid, first, inv = np.unique(ids, return_index=True, return_inverse=True)
            when = done[first] - cycles[first]
            noise_n = len(uid)
        else:
            first = inv = np.arange(n)
            when = hours + 0.5 - clock
            noise_n = n
        sample = np.interp(when, hours, true)
        self.slot_first[c] = first[inv]  # the first hour holding the same measurement
        if c == PH:
            noise = rng.standard_t(3, noise_n) / math.sqrt(3) * _lu(rng, 0.005, 0.03)
            val = sample + noise
            return self._drift(c, val, when)[inv]
        if c == FLOW:
            rel = _lu(rng, 0.01, 0.04) if self.open_channel else _lu(rng, 0.003, 0.01)
            val = sample * (1 + rel * rng.standard_t(3, noise_n) / math.sqrt(3))
            if self.open_channel:
                val = np.where(val < rng.uniform(0.01, 0.03) * self.flow_range, 0.0, val)
            return np.clip(val, 0, None)[inv]
        rel = _lu(rng, 0.005, 0.015) if self.stable else _lu(rng, 0.01, 0.05)
        dl = self.dl[c]
        val = sample * (1 + rel * rng.standard_t(3, noise_n) / math.sqrt(3))
        val += rng.uniform(0.2, 0.5) * dl * rng.standard_normal(noise_n)
        odd = rng.random(noise_n) < _lu(rng, 1e-4, 3e-3)
        val = np.where(odd, val * np.exp(rng.normal(0, 0.8, noise_n)), val)
        return self._drift(c, val, when)[inv]

    def _drift(self, c: int, val: np.ndarray, when: np.ndarray) -> np.ndarray:
        """val (measurements taken at hours ``when``) with the drift since the last calibration."""
        rng, n = self.rng, self.cal.n
        interval = int(rng.uniform(7, 31) * 24)
        first = int(rng.integers(0, interval))
        cal_at = np.r_[-1e9, np.arange(first, n, interval)]
        seg = np.searchsorted(cal_at, when, side="right") - 1
        since = np.clip(when - np.maximum(cal_at[seg], 0), 0, None)
        if c == PH:
            rates = rng.uniform(-1, 1, len(cal_at)) * _lu(rng, 0.01, 0.08)
            return val + rates[seg] * since / 168
        rates = rng.normal(0, _lu(rng, 0.01, 0.04), len(cal_at))
        return val * np.clip(1 + rates[seg] * since / 168, 0.5, 1.5)

    def _below_dl(self, c: int, val: np.ndarray) -> np.ndarray:
        dl = self.dl[c]
        floor = {"dl": dl, "half": dl / 2, "const": self.floor_const[c]}[self.floor_policy[c]]
        return np.where(val < dl, floor, val)

    # -- QC, faults, transmission --------------------------------------------------------

    def readings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(values (n, 6), flags (n, 6) int8, present (n, 6) bool) of this outlet."""
        n = self.cal.n
        running, stopped = self._operation()
        rain = self._rain()
        flow, load = self._flow(running, stopped, rain)
        conc = self._concentrations(rain, load)
        conc[FLOW] = flow
        clock = self._clock()
        val = np.full((n, 6), np.nan)
        flag = np.zeros((n, 6), dtype=np.int8)
        present = np.zeros((n, 6), dtype=bool)
        for c in self.channels:
            present[:, c] = True
        self.slot_first: dict[int, np.ndarray] = {}
        for c in self.channels:
            v = self._measure(c, conc[c], clock)
            if c in WATER:
                v = self._reagent(c, v)[self.slot_first[c]]  # a measurement's hours stay equal
                if self.sbr and self.hold_between_decants:
                    v = self._hold_where(v, ~self.discharging)
                v = self._below_dl(c, v)
                v = self._over_range(c, v, flag, self.range[c])
            elif c == FLOW:
                v = self._over_range(c, v, flag, self.flow_range)
            val[:, c] = v
        self._checks(val, flag)
        self._maintenance(val, flag)
        self._faults(val, flag)
        self._stops(val, flag, present)
        self._comms(val, flag, present)
        for c in self.channels:
            ok = ~np.isnan(val[:, c])
            v = np.clip(val[ok, c], 0.0, 14.0 if c == PH else None)
            val[ok, c] = _round(v, self.res[c])
        return val, flag, present

    @property
    def hold_between_decants(self) -> bool:
        if not hasattr(self, "_hold_dec"):
            self._hold_dec = self.rng.random() < 0.5
        return self._hold_dec

    @staticmethod
    def _last(col: np.ndarray, t: int) -> float:
        """The last non-empty value before hour t (the first one when there is none)."""
        prev = col[:t][~np.isnan(col[:t])]
        if len(prev):
            return float(prev[-1])
        nxt = col[~np.isnan(col)]
        return float(nxt[0]) if len(nxt) else np.nan

    @staticmethod
    def _hold_where(v: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """v with every hour in mask replaced by the last value outside it."""
        idx = np.where(~mask, np.arange(len(v)), 0)
        np.maximum.accumulate(idx, out=idx)
        return v[idx]

    def _over_range(self, c: int, v: np.ndarray, flag: np.ndarray, top: float) -> np.ndarray:
        over = v > top
        if over.any():
            if self.over_policy != "cap_N":
                flag[over, c] = FT
            if self.over_policy != "true_T":
                v = np.where(over, top, v)
        return v

    def _reagent(self, c: int, v: np.ndarray) -> np.ndarray:
        rng, n = self.rng, self.cal.n
        if self.cycle[c] == 0:
            return v
        for t in _times(rng, n, _lu(rng, 0.2, 3.0)):
            d = int(_lu(rng, 12, 72))
            t1 = min(n, t + d)
            if rng.random() < 0.5:
                f = rng.uniform(0.2, 0.8)
                v[t:t1] *= np.linspace(1, f, t1 - t)
            else:
                v[t:t1] = v[t]
            self._log("reagent_out", c, int(t), int(t1))
        return v

    def _checks(self, val: np.ndarray, flag: np.ndarray) -> None:
        rng, cal, n = self.rng, self.cal, self.cal.n
        fl = FC if self.flags_checks else FN
        for c in self.channels:
            if c == FLOW:
                continue
            if c == PH or self.cycle[c] == 0:
                every = 7
            else:
                every = int(_pick(rng, (1, 2, 3, 7), (0.45, 0.25, 0.15, 0.15)))
            at = int(rng.integers(0, 24)) if rng.random() < 0.4 else int(rng.integers(0, 7))
            zero = rng.random() < 0.5
            days = np.arange(int(rng.integers(0, every)), n // 24, every)
            hours = days * 24 + ((at - cal.hour[0]) % 24)
            hours = hours[hours < n - 1]
            if c == PH:
                buf = _pick(rng, (4.01, 9.18))
                val[hours, c] = 6.86 + rng.normal(0, 0.02, len(hours))
                val[hours + 1, c] = buf + rng.normal(0, 0.03, len(hours))
                flag[hours, c] = fl
                flag[hours + 1, c] = fl
                continue
            std = self.standard[c]
            span = hours + 1 if zero else hours
            val[span, c] = std * (1 + rng.normal(0, 0.02, len(span)))
            flag[span, c] = fl
            if zero:
                val[hours, c] = self._below_dl(
                    c, np.abs(rng.normal(0, 0.4 * self.dl[c], len(hours)))
                )
                flag[hours, c] = fl
            self._log(
                "checks", c, int(hours[0]) if len(hours) else 0, n, f"every {every} d at {at} h"
            )

    def _maintenance(self, val: np.ndarray, flag: np.ndarray) -> None:
        rng, n = self.rng, self.cal.n
        water = [c for c in self.channels if c in WATER or c == PH]
        interval = rng.uniform(7, 31) * 24
        t = rng.uniform(0, interval)
        while t < n:
            a = int(t)
            d = 24 if rng.random() < 0.05 else int(_lu(rng, 1, 8.99))
            b = min(n, a + d)
            for c in water:
                how = _pick(rng, ("zero", "standard", "last", "rinse", "empty"))
                if how == "zero":
                    val[a:b, c] = 0.0 if c != PH else 7.0
                elif how == "standard":
                    val[a:b, c] = self.standard.get(c, 6.86)
                elif how == "last":
                    val[a:b, c] = self._last(val[:, c], a)
                elif how == "rinse":
                    val[a:b, c] = rng.uniform(0.2, 2) * self.dl.get(c, 0.1) if c != PH else 7.2
                else:
                    val[a:b, c] = np.nan
                flag[a:b, c] = FM
            self._log("maintenance", None, a, b)
            if rng.random() < 0.3 and b < n:
                k = int(rng.integers(2, 5))
                e = min(n, b + k)
                for c in water:
                    if c == PH:
                        continue
                    val[b:e, c] = self.standard[c] * (1 + rng.normal(0, 0.02, e - b))
                    flag[b:e, c] = FC if self.flags_checks else FN
                self._log("standard_check", None, b, e)
            t += interval * rng.uniform(0.7, 1.3)

    def _faults(self, val: np.ndarray, flag: np.ndarray) -> None:
        rng, n = self.rng, self.cal.n
        long_d = []
        for c in self.channels:
            if c == FLOW:
                continue
            for t in _times(rng, n, _lu(rng, 0.5, 6)):
                b = min(n, t + int(_lu(rng, 3, 72)))
                val[t:b, c] = self._last(val[:, c], t)
                if self.flags_blockage:
                    flag[t:b, c] = FD
                    if b - t >= 24:
                        long_d.append((c, t, b))
                self._log("blockage", c, int(t), b)
            for t in _times(rng, n, _lu(rng, 1, 12)):
                b = min(n, t + int(_lu(rng, 1, 12)))
                if rng.random() < 0.5:
                    val[t:b, c] = np.nan
                else:
                    val[t:b, c] = self._last(val[:, c], t)
                flag[t:b, c] = FD
                self._log("analyser_error", c, int(t), b)
        if self.manual:
            for c, a, b in long_d:
                prev = val[max(0, a - 24) : a, c]
                prev = prev[~np.isnan(prev)]
                if not len(prev):
                    continue
                m = float(np.median(prev))
                step = 1.0 if c == COD else 0.1 if c in (NH3, TN, PH) else 0.05
                val[a:b, c] = max(round(m / step) * step, step)
                flag[a:b, c] = FS
                self._log("manual_values", c, a, b)

    def _stops(self, val: np.ndarray, flag: np.ndarray, present: np.ndarray) -> None:
        """How the outlet's stops (no discharge: idle hours, shutdowns) show in the data."""
        n = self.cal.n
        off = self.stop_mask.copy()
        if not off.any():
            return
        long_mask = np.zeros(n, dtype=bool)
        for a, b in self.long_stops:
            long_mask[a:b] = True
        policy = self.stop_policy
        if policy == "gap":
            gone = off & long_mask
            present[gone, :] = False
            for a, b in self.long_stops:
                self._log("gap_stopped", None, a, b)
            policy = "N"
            off = off & ~long_mask
        if policy == "F":
            hold = self.rng.random() < 0.5
            for c in self.channels:
                if c == FLOW:
                    val[off, c] = 0.0
                elif hold:
                    val[:, c] = self._hold_where(val[:, c], off)
                else:
                    val[off, c] = np.nan
                flag[off, c] = FF
        else:
            val[off, FLOW] = 0.0
            flag[off, FLOW] = FN

    def _comms(self, val: np.ndarray, flag: np.ndarray, present: np.ndarray) -> None:
        rng, n = self.rng, self.cal.n
        self.backfilled: list[tuple[int, int]] = []
        for t in _times(rng, n, _lu(rng, 2, 40)):
            b = min(n, t + int(_lu(rng, 1, 72)))
            if self.comm_policy == "lost":
                present[t:b, :] = False
                self._log("gap_comms", None, int(t), b, "lost")
            elif self.comm_policy == "B":
                val[t:b, :] = np.nan
                flag[t:b, :] = FB
                self._log("comms", None, int(t), b, "flagged B")
            else:
                self.backfilled.append((int(t), b))
                self._log("comms", None, int(t), b, "backfilled")
        lost = rng.random(n) < rng.uniform(0, 0.005)
        present[lost, :] = False
        for t in np.flatnonzero(lost):
            self._log("gap_hour", None, int(t), int(t) + 1, "lost")

    def arrival(self, seed: int) -> np.ndarray:
        """Hours from the first hour's start at which each hour's packet arrived: an hour after
        its start plus a delay of seconds to minutes, or, backfilled after an outage, 0-2 h after
        the outage's end, one packet after another (a stream of its own: the readings do not
        depend on whether arrival times are asked for)."""
        rng = np.random.default_rng([seed, self.index, 1])
        n = self.cal.n
        arr = np.arange(n) + 1.0 + rng.exponential(_lu(rng, 0.1, 3.0), n) / 60.0
        for a, b in self.backfilled:
            resend = b + 1.0 + rng.uniform(0, 2) + np.arange(b - a) * rng.uniform(2, 30) / 3600
            arr[a:b] = np.maximum(arr[a:b], resend)
        return arr

    # -- registry ------------------------------------------------------------------------

    def site_toml(self) -> str:
        rng = self.rng
        lines = [
            "[[site]]",
            f'mn = "{self.mn}"',
            f'enterprise = "{self.enterprise}"',
            f'name = "Outlet {self.index + 1} ({self.sector})"',
            f'district = "{_pick(rng, DISTRICTS)}"',
            f'password = "{int(rng.integers(0, 10**6)):06d}"',
            f'industry = "{self.sector}"',
            f'operator = "{_pick(rng, OPERATORS)}"',
        ]
        for c in self.channels:
            lines.append(f"\n[site.pollutants.{CODES[c]}]")
            if c in WATER:
                lines.append(f"limit = {self.limit[c]!r}")
                lines.append(f"range = [0.0, {self.range[c]!r}]")
                lines.append(f"standard = {self.standard[c]!r}")
                if self.registry_cycle[c] and self.cycle[c] > 0:
                    lines.append(f"cycle_minutes = {self.cycle[c] * 60:.1f}")
            elif c == PH:
                lines += ["limit = [6.0, 9.0]", "range = [0.0, 14.0]", "standard = 6.86"]
            else:
                lines.append(f"range = [0.0, {self.flow_range!r}]")
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------


def generate(
    outlets: int,
    days: int,
    seed: int,
    *,
    start: str = "2026-01-01",
    events: bool = False,
    received_at: bool = False,
):
    """(sites_toml, readings) of ``outlets`` honest outlets over ``days`` days (see the module
    docstring); with ``events=True`` also the frame of simulated events; with
    ``received_at=True`` the readings carry a ``received_at`` column (when each hour's packet
    arrived; the other columns are the same as without it)."""
    if outlets < 1 or days < 1:
        raise ValueError(f"need at least one outlet and one day, got {outlets} and {days}")
    cal = _Calendar(pd.Timestamp(start, tz=ZONE), days)
    n = cal.n
    taken: set[str] = set()
    blocks, sites, log, mn_of = [], [], [], []
    enterprise = 0
    for i in range(outlets):
        o = _Outlet(seed, i, cal, taken)
        if i == 0 or o.rng.random() >= 0.1:  # p .1: a second outlet of the previous enterprise
            enterprise += 1
        o.enterprise = f"E{seed % 1000:03d}{enterprise:04d}"
        val, flag, present = o.readings()
        sites.append(o.site_toml())
        mn_of.append(o.mn)
        keep = present.ravel()
        hh, cc = np.divmod(np.flatnonzero(keep), 6)
        blocks.append(
            (
                np.full(len(hh), i, dtype=np.int32),
                cc.astype(np.int8),
                cal.ts_ns[hh],
                val.ravel()[keep],
                flag.ravel()[keep],
                o.arrival(seed)[hh] if received_at else np.zeros(0),
            )
        )
        log += o.events
    mns = sorted(mn_of)
    where = {m: k for k, m in enumerate(mns)}
    mn_code = np.array([where[m] for m in mn_of], dtype=np.int32)
    cols = [np.concatenate(x) for x in zip(*blocks, strict=True)]
    readings = pd.DataFrame(
        {
            "mn": pd.Categorical.from_codes(mn_code[cols[0]], categories=mns),
            "pollutant": pd.Categorical.from_codes(cols[1], categories=list(CODES)),
            "ts": pd.to_datetime(cols[2], utc=True).as_unit("ns"),
            "value": cols[3].astype(np.float64),
            "flag": pd.Categorical.from_codes(cols[4], categories=list(FLAGS)),
            "kind": pd.Categorical.from_codes(np.zeros(len(cols[0]), dtype=np.int8), ["hour"]),
        }
    )
    if received_at:
        hours = (cols[5] * 3600e9).astype(np.int64)
        readings["received_at"] = pd.to_datetime(cal.ts_ns[0] + hours, utc=True).as_unit("ns")
    sites_toml = "\n".join(sites)
    if not events:
        return sites_toml, readings
    ev = pd.DataFrame(log, columns=["mn", "event", "pollutant", "start", "end", "detail"])
    base = pd.Timestamp(cal.ts_ns[0], tz="UTC") if n else None
    for col in ("start", "end"):
        ev[col] = base + pd.to_timedelta(ev[col].astype(np.int64), unit="h")
    return sites_toml, readings, ev


def fleet(seed: int, outlets: int, days: int, share: float = 0.0):
    """(readings, specs, labels) for the benches: honest only, so ``share`` must be 0."""
    if share > 0:
        raise ValueError(
            f"the honest generator makes honest outlets only: falsifying share {share} asked, "
            "use 0 (e.g. --share 0), or the simulator / independent generators for falsified data"
        )
    from monitor.registry import parse_registry

    text, readings = generate(outlets, days, seed)
    specs = parse_registry(text, "honest_fleet").specs()
    return readings, specs, empty_labels()
