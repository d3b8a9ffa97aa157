"""Spec, flags and flow shared by the tests of gap_hiding, flag_masking, manual_values and
flow_mismatch (outlet ``M1``, hourly from 1 March 2026, local)."""

from __future__ import annotations

import numpy as np

from detectors.spec import COD, OutletSpec, PollutantSpec

N = 720  # March 2026, local hours


def cod_spec(standard: float | None = None) -> OutletSpec:
    """Outlet M1 with a COD limit of 50 mg/L (and a calibration ``standard`` when given)."""
    return OutletSpec("M1", {COD: PollutantSpec(COD, limit=50.0, standard=standard)})


def normal_flags(n: int = N) -> np.ndarray:
    """``n`` flags N."""
    return np.array(["N"] * n, dtype=object)


def daily_flow(n: int = N) -> np.ndarray:
    """A flow of 300-700 m3/h following the hour of the day."""
    h = np.arange(n)
    return np.round(500 + 200 * np.sin(2 * np.pi * (h % 24) / 24), 1)


def random_gaps(values: np.ndarray, k: int, seed: int) -> np.ndarray:
    """``values`` with ``k`` readings at random removed (NaN)."""
    out = values.copy()
    out[np.random.default_rng(seed).choice(len(out), k, replace=False)] = np.nan
    return out
