"""Vectorised statistics over one series that many detectors share (runs, cycles, resolution)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Runs:
    """Maximal runs of consecutive equal values: ``starts[i]`` index of the first element, ``lengths[i]``
    how many, ``values[i]`` the value. NaN never joins a run (each NaN is a run of its own)."""

    starts: np.ndarray
    lengths: np.ndarray
    values: np.ndarray

    @property
    def ends(self) -> np.ndarray:
        """Index of the last element of each run (inclusive)."""
        return self.starts + self.lengths - 1


def runs(values: np.ndarray, breaks: np.ndarray | None = None) -> Runs:
    """Runs of equal consecutive values in ``values``.

    ``breaks[i]`` True forces a new run to start at ``i`` (e.g. a gap in time or a flag change).
    """
    v = np.asarray(values, dtype="float64")
    n = len(v)
    if n == 0:
        empty = np.array([], dtype=np.int64)
        return Runs(empty, empty, np.array([], dtype="float64"))
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = (v[1:] != v[:-1]) | np.isnan(v[1:]) | np.isnan(v[:-1])
    if breaks is not None:
        change |= np.asarray(breaks, dtype=bool)
    starts = np.flatnonzero(change)
    lengths = np.diff(np.r_[starts, n])
    return Runs(starts, lengths, v[starts])
