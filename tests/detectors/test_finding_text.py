"""A finding's JSON line: times and evidence written as before the fast paths of
`detectors.finding` (`_iso` through Python's datetime, `_plain` by exact type)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from detectors.finding import Finding, _iso, _plain

ZONES = ("Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Etc/GMT-8")


def _slow_plain(value):  # the definition before the fast paths
    if isinstance(value, dict):
        return {str(k): _slow_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_slow_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


@pytest.mark.parametrize("tz", ZONES)
def test_iso_as_pandas_writes_it(tz: str) -> None:
    rng = np.random.default_rng(5)
    ns = rng.integers(-2_200_000_000, 4_100_000_000, 3000) * 1_000_000_000  # 1900-2100, seconds
    ns[:1000] += rng.integers(0, 1_000_000, 1000) * 1000  # microseconds
    ns[1000:1500] += rng.integers(1, 1000, 500)  # nanoseconds: pandas' own text
    for t in pd.DatetimeIndex(ns, tz="UTC"):
        assert _iso(t, tz) == t.tz_convert(tz).isoformat()
    naive = pd.Timestamp("2026-03-01 12:00")
    with pytest.raises(TypeError):  # as before: a time without a zone is refused
        _iso(naive, tz)


def test_iso_zone_pandas_alone_knows() -> None:
    t = pd.Timestamp("2026-06-03T04:00:00Z")
    assert _iso(t, "+08:00") == t.tz_convert("+08:00").isoformat() == "2026-06-03T12:00:00+08:00"


def test_plain_as_before() -> None:
    evidence = {
        "a": 1,
        "b": 2.5,
        "c": float("nan"),
        "d": np.float64("inf"),
        "e": np.int64(3),
        "f": True,
        "g": np.bool_(False),
        "h": None,
        "i": "text",
        "j": [1, np.float32(0.5), (2, float("-inf"))],
        "k": {"x": pd.Timestamp("2026-01-01", tz="UTC"), 5: np.array(7)},
        "l": np.str_("s"),
    }
    assert _plain(evidence) == _slow_plain(evidence)
    assert json.dumps(_plain(evidence)) == json.dumps(_slow_plain(evidence))
    f = Finding(
        "x",
        "integrity",
        "m",
        None,
        pd.Timestamp("2026-01-01T00:00:00.5Z"),
        pd.Timestamp("2026-01-02", tz="UTC"),
        "low",
        0.12345,
        "s",
        evidence,
    )
    line = f.to_json()
    assert line == json.dumps(f.to_dict(), ensure_ascii=False, allow_nan=False)
    assert '"start": "2026-01-01T08:00:00.500000+08:00"' in line
