"""Falsification patterns the simulator injects (DESIGN.md section 11), one function each.

Every pattern works on one outlet's rows of a `monitor.simulation.fleet.Fleet` over the hour interval
[a, b) and returns its label rows ``(pattern, mn, pollutant or None, first hour, last hour,
detail)``. Each is what a falsifier really does:

- ``frozen``: one concentration held at one value (flag N) for 40-96 h while flow goes on.
- ``low_variability``: scripted values, independent draws within +-1 % of a plausible level (range
  under 2 % of the analyser range), every hour, for 4-8 days.
- ``zero_floor``: exact zeros flagged N for 6-48 h (two thirds), or the detection limit (COD 4,
  NH3-N 0.025, TP 0.01, TN 0.05 mg/L) for 24-48 h.
- ``capping``: for 30-45 days the plant runs at 95-110 % of its COD or NH3-N limit and every
  reading of 0.9 L or more is replaced by a value drawn in [0.9 L, L).
- ``dilution``: every concentration channel divided by the same factor (45-65 % drop) for 3-8 days,
  flow unchanged.
- ``copied_data``: 48-96 h of every concentration channel and pH replaced by the same outlet's data
  of as many whole days earlier (a lag of 2-17 days, never overlapping the copy) (``detail`` ``own lag_h=...``), or by another outlet's (``source=MN lag_h=...``);
  the source window of another outlet is labelled too (``copied_by=MN``: that outlet stays honest,
  but a finding pairing the two windows is right on both).
- ``standard_substitution``: COD or TP reads the registered standard (+-0.3 %) with flag N for
  32-72 h, measured at the analyser's cycle.
- ``physics``: TN falsified down to 50-75 % of NH3-N for 2-7 days.
- ``gap_hiding``: over 20-40 days, 6-10 events: COD or NH3-N reads 82-95 % of its limit for 1-2
  hours, then 2-6 hours (that would exceed) go missing on every channel.
- ``flag_masking``: over 14-30 days, 4-6 upsets whose hours over the limit are flagged M or D
  (``detail`` ``M/D``); or 12-48 h of every analyser flagged F while flow goes on (``F``).
- ``manual_values``: over 7-20 days, blocks of 4-12 h covering about 70 % of the hours flagged S with
  a flat, plausible value.
- ``flow_mismatch``: 16-48 h of flow 0 (flag N or F) while the analysers keep measuring
  (``flow0``), or 8-24 h with every concentration frozen while flow varies (``frozen``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import numpy as np

from detectors.spec import COD, FLOW, NH3N, PH, TN, TP

if TYPE_CHECKING:
    from monitor.simulation.fleet import Fleet

Label = tuple[str, str, str | None, int, int, str]

PATTERNS: Final[tuple[str, ...]] = (
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
CONC: Final = (COD, NH3N, TP, TN)
DETECTION_LIMIT: Final[dict[str, float]] = {COD: 4.0, NH3N: 0.025, TP: 0.01, TN: 0.05}
_N, _F, _M, _S, _D, _C = 0, 1, 2, 3, 4, 5


def duration(name: str, rng: np.random.Generator, fleet: Fleet, i: int) -> tuple[int, str]:
    """How many hours an instance of pattern ``name`` lasts and which variant it is."""
    del fleet, i
    r = rng.integers
    if name == "frozen":
        return int(r(40, 97)), ""
    if name == "low_variability":
        return int(r(96, 193)), ""
    if name == "zero_floor":
        if rng.random() < 2 / 3:
            return int(r(6, 49)), "zeros"
        return int(r(24, 49)), "detection_limit"
    if name == "capping":
        return int(r(30, 46)) * 24, ""
    if name == "dilution":
        return int(r(72, 193)), ""
    if name == "copied_data":
        return int(r(48, 97)), "own" if rng.random() < 0.5 else "other"
    if name == "standard_substitution":
        return int(r(32, 73)), ""
    if name == "physics":
        return int(r(48, 169)), ""
    if name == "gap_hiding":
        return int(r(20, 41)) * 24, ""
    if name == "flag_masking":
        if rng.random() < 0.5:
            return int(r(14, 31)) * 24, "M/D"
        return int(r(12, 49)), "F"
    if name == "manual_values":
        return int(r(7, 21)) * 24, ""
    if name == "flow_mismatch":
        if rng.random() < 2 / 3:
            return int(r(16, 49)), "flow0"
        return int(r(8, 25)), "frozen"
    raise KeyError(f"unknown pattern {name!r}")


def inject(
    name: str, fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    """Apply pattern ``name`` to outlet ``i`` over hours [a, b); returns its label rows."""
    return _INJECT[name](fleet, i, a, b, variant, falsifying)


# --------------------------------------------------------------------------------------------
# helpers


def _set_truth(fleet: Fleet, i: int, code: str, a: int, b: int, new: np.ndarray) -> None:
    """Replace the underlying concentration and re-measure it; NH3-N changes carry into TN."""
    if code == NH3N:
        fleet.truth[TN][i, a:b] += new - fleet.truth[NH3N][i, a:b]
        fleet.truth[NH3N][i, a:b] = new
        _observe(fleet, i, NH3N, a, b)
        _observe(fleet, i, TN, a, b)
    else:
        fleet.truth[code][i, a:b] = new
        _observe(fleet, i, code, a, b)


def _observe(fleet: Fleet, i: int, code: str, a: int, b: int) -> None:
    """Re-measure ``code`` over [a, b) from its truth, leaving calibration hours (C) as they are."""
    keep = fleet.flag[code][i, a:b] == _C
    before = fleet.value[code][i, a:b].copy()
    fleet.observe(i, code, a, b)
    fleet.value[code][i, a:b][keep] = before[keep]


def _q(fleet: Fleet, i: int, code: str, values: np.ndarray | float) -> np.ndarray:
    res = fleet.resolution[code][i]
    return np.round(np.round(np.asarray(values, dtype=float) / res) * res, 6)


def _valid_n(fleet: Fleet, i: int, code: str, a: int, b: int) -> None:
    fleet.flag[code][i, a:b] = _N
    fleet.present[code][i, a:b] = True


def _bumps(
    fleet: Fleet, i: int, code: str, a: int, b: int, count: int, peak: tuple[float, float]
) -> list[tuple[int, int]]:
    """Add ``count`` upsets to ``code``'s truth over [a, b), each peaking at ``peak`` x the limit."""
    rng = fleet.rng
    limit = fleet.limit[code][i]
    spots = np.sort(rng.choice(np.arange(a + 12, b - 12, 12), size=count, replace=False))
    out = []
    for s in spots:
        d = int(rng.integers(4, 11))
        s = int(s)
        e = min(b, s + d)
        base = fleet.truth[code][i, s:e]
        target = limit * rng.uniform(*peak)
        shape = np.hanning(e - s + 2)[1:-1]
        new = base + np.maximum(target - base.max(), 0) * shape / shape.max()
        _set_truth(fleet, i, code, s, e, new)
        out.append((s, e))
    return out


def _mn(fleet: Fleet, i: int) -> str:
    return fleet.mns[i]


# --------------------------------------------------------------------------------------------
# patterns


def _frozen(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    code = CONC[int(fleet.rng.integers(0, 4))]
    value = fleet.value[code][i, a]
    if fleet.flag[code][i, a] != _N or value <= 0:
        value = _q(fleet, i, code, fleet.level[code][i])
    fleet.value[code][i, a:b] = value
    _valid_n(fleet, i, code, a, b)
    return [("frozen", _mn(fleet, i), code, a, b - 1, f"value={float(value)}")]


def _low_variability(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    code = CONC[int(rng.integers(0, 4))]
    prev = fleet.value[code][i, max(0, a - 72) : a]
    level = float(np.median(prev)) if len(prev) else fleet.level[code][i]
    level = max(level, 10 * fleet.resolution[code][i])
    res = fleet.resolution[code][i]
    amp = min(max(0.01 * level, 1.5 * res), 0.007 * fleet.range_hi[code][i])
    fleet.value[code][i, a:b] = _q(fleet, i, code, level + rng.uniform(-amp, amp, size=b - a))
    _valid_n(fleet, i, code, a, b)
    return [("low_variability", _mn(fleet, i), code, a, b - 1, f"level={level:.3g}")]


def _zero_floor(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    code = CONC[int(fleet.rng.integers(0, 4))]
    value = 0.0 if variant == "zeros" else float(_q(fleet, i, code, DETECTION_LIMIT[code]))
    value = value if variant == "zeros" or value > 0 else fleet.resolution[code][i]
    fleet.value[code][i, a:b] = value
    _valid_n(fleet, i, code, a, b)
    return [("zero_floor", _mn(fleet, i), code, a, b - 1, f"{variant} value={value}")]


def _capping(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    code = (COD, NH3N)[int(rng.integers(0, 2))]
    limit = fleet.limit[code][i]
    factor = limit * rng.uniform(0.95, 1.1) / fleet.level[code][i]
    _set_truth(fleet, i, code, a, b, fleet.truth[code][i, a:b] * factor)
    v = fleet.value[code][i, a:b]
    high = (v >= 0.9 * limit) & (fleet.flag[code][i, a:b] == _N)
    res = fleet.resolution[code][i]
    capped = _q(fleet, i, code, rng.uniform(0.9 * limit, limit, size=int(high.sum())))
    v[high] = np.minimum(capped, limit - res)
    return [("capping", _mn(fleet, i), code, a, b - 1, f"capped={int(high.sum())}")]


def _dilution(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    factor = fleet.rng.uniform(0.35, 0.55)
    for code in CONC:
        fleet.truth[code][i, a:b] *= factor
        _observe(fleet, i, code, a, b)
    return [("dilution", _mn(fleet, i), None, a, b - 1, f"factor={factor:.2f}")]


def _copied_data(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    # replay whole earlier days: the source window lies before the copy and overlaps no other
    # falsification of this outlet
    others = [(s, e) for s, e in fleet.planned.get(i, []) if (s, e) != (a, b)]
    first = -(-(b - a) // 24)
    lags = [
        24 * k
        for k in range(first, min(first + 13, a // 24) + 1)
        if not any(s < b - 24 * k and a - 24 * k < e for s, e in others)
    ]
    if (variant == "own" and lags) or falsifying.all():
        j = i
        lag = int(rng.choice(lags)) if lags else min(24 * first, 24 * max(1, a // 24), a)
        detail = f"own lag_h={lag}"
    else:
        j = int(rng.choice(np.flatnonzero(~falsifying)))
        lag = 0 if rng.random() < 0.5 or a < 24 else 24 * int(rng.integers(1, min(14, a // 24) + 1))
        detail = f"source={fleet.mns[j]} lag_h={lag}"
        source = (
            "copied_data",
            fleet.mns[j],
            None,
            a - lag,
            b - 1 - lag,
            f"copied_by={fleet.mns[i]}",
        )
    for code in (*CONC, PH):
        src_v = fleet.value[code][j, a - lag : b - lag]
        usable = (
            np.isin(fleet.flag[code][j, a - lag : b - lag], (0, 6))
            & fleet.present[code][j, a - lag : b - lag]
        )
        fleet.value[code][i, a:b] = np.where(usable, src_v, fleet.value[code][i, a:b])
        _valid_n(fleet, i, code, a, b)
    label: Label = ("copied_data", _mn(fleet, i), None, a, b - 1, detail)
    return [label] if j == i else [label, source]


def _standard_substitution(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    code = (COD, TP)[int(rng.integers(0, 2))]
    std = fleet.standard[code][i]
    _set_truth(fleet, i, code, a, b, std * (1 + 0.003 * rng.standard_normal(b - a)))
    _valid_n(fleet, i, code, a, b)
    return [("standard_substitution", _mn(fleet, i), code, a, b - 1, f"standard={std}")]


def _physics(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    factor = fleet.rng.uniform(0.5, 0.75)
    fleet.truth[TN][i, a:b] = fleet.truth[NH3N][i, a:b] * factor
    _observe(fleet, i, TN, a, b)
    return [("physics", _mn(fleet, i), None, a, b - 1, f"TN/NH3-N={factor:.2f}")]


def _gap_hiding(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    code = (COD, NH3N)[int(rng.integers(0, 2))]
    limit = fleet.limit[code][i]
    count = int(rng.integers(6, 11))
    spots = np.sort(rng.choice(np.arange(a + 12, b - 12, 24), size=count, replace=False))
    hidden = 0
    for s in spots:
        s = int(s)
        rise = int(rng.integers(1, 3))  # 1-2 reported hours at 82-95 % of the limit
        gap = int(rng.integers(2, 7))  # then 2-6 hours that would exceed go missing
        high = limit * rng.uniform(0.82, 0.95, size=rise)
        fleet.value[code][i, s : s + rise] = _q(fleet, i, code, high)
        _valid_n(fleet, i, code, s, s + rise)
        fleet.truth[code][i, s + rise : s + rise + gap] = limit * rng.uniform(1.1, 1.6)
        for c in (*CONC, PH, FLOW):
            fleet.present[c][i, s + rise : s + rise + gap] = False
        hidden += gap
    return [("gap_hiding", _mn(fleet, i), code, a, b - 1, f"events={count} hidden_h={hidden}")]


def _flag_masking(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    if variant == "F":
        for c in (*CONC, PH):
            fleet.flag[c][i, a:b] = _F
        return [("flag_masking", _mn(fleet, i), None, a, b - 1, "F while flow > 0")]
    code = (COD, NH3N)[int(rng.integers(0, 2))]
    limit = fleet.limit[code][i]
    for s, e in _bumps(fleet, i, code, a, b, int(rng.integers(4, 7)), (1.3, 1.8)):
        over = fleet.value[code][i, s:e] > limit
        fleet.flag[code][i, s:e][over] = _M if rng.random() < 0.5 else _D
    return [("flag_masking", _mn(fleet, i), code, a, b - 1, "M/D over the limit")]


def _manual_values(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    rng = fleet.rng
    code = CONC[int(rng.integers(0, 4))]
    t = a
    hours = 0
    while t < b:
        d = int(rng.integers(4, 13))
        if rng.random() < 0.7:
            e = min(b, t + d)
            level = fleet.level[code][i] * rng.uniform(0.8, 1.0)
            fleet.value[code][i, t:e] = _q(fleet, i, code, level)
            fleet.flag[code][i, t:e] = _S
            fleet.present[code][i, t:e] = True
            hours += e - t
        t += d
    return [("manual_values", _mn(fleet, i), code, a, b - 1, f"s_hours={hours}")]


def _flow_mismatch(
    fleet: Fleet, i: int, a: int, b: int, variant: str, falsifying: np.ndarray
) -> list[Label]:
    if variant == "flow0":
        fleet.value[FLOW][i, a:b] = 0.0
        fleet.flag[FLOW][i, a:b] = _F if fleet.rng.random() < 0.5 else _N
        return [("flow_mismatch", _mn(fleet, i), None, a, b - 1, "flow 0 while measuring")]
    for code in CONC:
        value = fleet.value[code][i, a]
        if fleet.flag[code][i, a] != _N:
            value = _q(fleet, i, code, fleet.level[code][i])
        fleet.value[code][i, a:b] = value
        _valid_n(fleet, i, code, a, b)
    return [("flow_mismatch", _mn(fleet, i), None, a, b - 1, "every channel frozen")]


_INJECT = {
    "frozen": _frozen,
    "low_variability": _low_variability,
    "zero_floor": _zero_floor,
    "capping": _capping,
    "dilution": _dilution,
    "copied_data": _copied_data,
    "standard_substitution": _standard_substitution,
    "physics": _physics,
    "gap_hiding": _gap_hiding,
    "flag_masking": _flag_masking,
    "manual_values": _manual_values,
    "flow_mismatch": _flow_mismatch,
}
