"""A simulated fleet's shape: its channels, flags, industries, the `Fleet` arrays and the output.

`Fleet` holds one array per channel (outlets x hours) for the true values, the observed values and
the flags; `Simulation` is what a run returns (registry entries, readings, labels, honest events).
`hold` and `quantise` turn a true series into what an analyser reports (held over its cycle,
rounded to its resolution); `registry_toml` and `write_simulation` write a run to disk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from detectors.spec import COD, FLOW, NH3N, PH, TN, TP, OutletSpec, PollutantSpec
from monitor.config import DEFAULT_TIMEZONE

#: Channels every simulated outlet reports, in the order written.
CHANNELS: Final[tuple[str, ...]] = (COD, NH3N, TP, TN, PH, FLOW)


CONC: Final[tuple[str, ...]] = (COD, NH3N, TP, TN)


#: HJ 212 data flags; arrays hold the index into this string.
FLAGS: Final = "NFMSDCTB"


N, F, M, S, D, C, T, B = range(8)


#: The first hour simulated by default: midnight of 2026-01-01 in the simulation's zone.
DEFAULT_START: Final = pd.Timestamp("2026-01-01 00:00")


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


def write_simulation(
    sim: Simulation, out_dir: str | Path, *, fmt: str = "csv", tz: str = DEFAULT_TIMEZONE
) -> dict[str, Path]:
    """Write ``readings.csv`` (or ``readings.parquet``), ``sites.toml``, ``labels.csv`` and
    ``events.csv`` into ``out_dir`` (created if needed), times in ``tz`` (the configured zone);
    returns the paths by role."""
    from monitor.store.readings_files import write_readings

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "readings": out / f"readings.{'parquet' if fmt == 'parquet' else 'csv'}",
        "sites": out / "sites.toml",
        "labels": out / "labels.csv",
        "events": out / "events.csv",
    }
    write_readings(sim.readings, paths["readings"], tz=tz)
    paths["sites"].write_text(registry_toml(sim.registry_sites), encoding="utf-8")
    for role in ("labels", "events"):
        frame = getattr(sim, role).copy()
        for col in ("start", "end"):
            frame[col] = frame[col].dt.tz_convert(tz).map(pd.Timestamp.isoformat)
        frame.to_csv(paths[role], index=False)
    return paths
