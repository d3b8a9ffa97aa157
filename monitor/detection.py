"""History detection: the detector catalogue over many outlets, one outlet at a time.

`detect_outlets` takes any iterable of ``(mn, frame)`` pairs (from a readings file today, from the
store tomorrow), builds each outlet's `OutletData` once, runs every outlet detector on it and yields
the findings; outlets are then released, so memory is bounded by one outlet's frame, except when a
fleet detector (one comparing outlets: copied data, peer outliers) is selected: then the prepared
outlets are kept until the fleet detectors have run at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from detectors import Detector, Finding, FleetDetector, OutletData, OutletSpec, build, run_fleet


@dataclass(slots=True)
class DetectionRun:
    """What a run saw besides its findings: outlets and readings processed, unregistered MNs."""

    outlets: int = 0
    readings: int = 0
    unregistered: list[str] = field(default_factory=list)


def split_outlets(readings: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """One ``(mn, rows)`` pair per outlet of a long readings frame, in MN order (no copy of the
    whole table: rows are taken outlet by outlet)."""
    if readings.empty:
        return
    codes, uniques = pd.factorize(readings["mn"], sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    for k, name in enumerate(uniques):
        rows = order[bounds[k] : bounds[k + 1]]
        if len(rows):
            yield str(name), readings.iloc[rows]


def clip_time(
    readings: pd.DataFrame, start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The readings with ``start <= ts <= end`` (either bound may be None)."""
    if start is None and end is None:
        return readings
    keep = np.ones(len(readings), dtype=bool)
    ts = readings["ts"]
    if start is not None:
        keep &= (ts >= start).to_numpy()
    if end is not None:
        keep &= (ts <= end).to_numpy()
    return readings[keep]


def detect_outlets(
    outlets: Iterable[tuple[str, pd.DataFrame]],
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
) -> Iterator[Finding]:
    """Findings of ``detectors`` (default: the whole catalogue) over each outlet, then the fleet's.

    An outlet missing from ``specs`` is checked with an empty spec (no limits known) and listed in
    ``run.unregistered``. ``progress(mn)`` is called after each outlet.
    """
    chosen = list(detectors) if detectors is not None else build()
    own = [d for d in chosen if not isinstance(d, FleetDetector)]
    fleet = [d for d in chosen if isinstance(d, FleetDetector)]
    run = run if run is not None else DetectionRun()
    kept: list[OutletData] = []
    for mn, frame in outlets:
        spec = specs.get(mn)
        if spec is None:
            run.unregistered.append(mn)
            spec = OutletSpec(mn)
        outlet = OutletData(frame, spec, lang=lang)
        run.outlets += 1
        run.readings += len(frame)
        for detector in own:
            yield from detector.detect(outlet)
        if fleet:
            kept.append(outlet)
        if progress is not None:
            progress(mn)
    if fleet and kept:
        yield from run_fleet(kept, fleet)


def detect_readings(
    readings: pd.DataFrame,
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
) -> Iterator[Finding]:
    """`detect_outlets` over a long readings frame (DESIGN.md section 5), clipped to [start, end]."""
    clipped = clip_time(readings, start, end)
    yield from detect_outlets(
        split_outlets(clipped), specs, detectors, lang=lang, progress=progress, run=run
    )
