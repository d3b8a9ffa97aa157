"""The quiet rule's statistics (`standard_substitution`'s fifth rule): how much a series moves
from one analyser reading to the next, relative to its level, and how often its own stretches of
as many readings are as still.

An analyser fed a standard solution returns the solution's concentration with its own
repeatability error (a percent or two); fed the effluent, it follows the plant's load, which
moves from one reading to the next by several times that. The statistic of a stretch is the
mean relative change between its consecutive distinct readings (`relative_changes`, a held
reading is no new measurement); its null is the same mean over every window of as many changes
in the series' own history (`window_means`), whose lower tail `quiet_share` fits.

This module registers no detector.
"""

from __future__ import annotations

import numpy as np

from detectors.checks._common import tail_hours, tail_survival


def relative_changes(x: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The relative changes ``|x[i+1] - x[i]| / x[i]`` between consecutive readings ``x`` that
    differ and are both positive (``steps``: ``|x[i+1] - x[i]|``), and the index ``i`` of each
    (a held reading is no new measurement: no change)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = steps / x[:-1]
    at = np.flatnonzero((rel > 0) & np.isfinite(rel) & (x[:-1] > 0) & (x[1:] > 0))
    return rel[at], at


def window_means(rel: np.ndarray, m: int, sums: np.ndarray | None = None) -> np.ndarray:
    """The mean of every window of ``m`` consecutive values of ``rel`` (empty when fewer);
    ``sums``: ``rel``'s running sums after a 0, when already known (several ``m``)."""
    if m <= 0 or len(rel) < m:
        return np.array([], dtype="float64")
    if sums is None:
        sums = np.empty(len(rel) + 1)
        sums[0] = 0.0
        np.cumsum(rel, out=sums[1:])
    return (sums[m:] - sums[:-m]) / m


def quiet_share(windows: np.ndarray, r: np.ndarray | float, min_tail: int) -> np.ndarray:
    """The share of ``windows`` (a series' window means) expected at or below ``r``: the upper
    tail of ``-log`` of them (`tail_survival`, an exponential fitted on its largest tenth, a
    power law in the window means themselves, heavier than a log-normal's lower tail)."""
    w = windows[windows > 0]
    r = np.atleast_1d(np.asarray(r, dtype="float64"))
    if len(w) == 0:
        return np.ones(len(r))
    with np.errstate(divide="ignore"):
        return tail_survival(-np.log(w), -np.log(r), min_tail)


def quiet_bar(windows: np.ndarray, share: float, min_tail: int) -> float:
    """The window mean at or below which `quiet_share` is ``share`` (0 when none is)."""
    w = windows[windows > 0]
    if len(w) == 0:
        return 0.0
    z = tail_hours(-np.log(w), share, min_tail)
    return float(np.exp(-z)) if np.isfinite(z) else 0.0
