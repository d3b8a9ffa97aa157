"""History detection on Dask (DESIGN.md section 10): `monitor detect --dask ADDRESS|local`.

The outlets are cut into partitions (runs of outlets in MN order); each partition is one task
that runs the same pure functions as the in-process path (`batch.outlet_stage`: the outlet
detectors, then each fleet detector's summary of the outlet) and returns the outlets' findings
and summaries. A Parquet dataset (`monitor.store.readings_dataset.DatasetOutlets`) travels as
its small index and each worker reads its own outlets; so does the store's history (``--db``:
`monitor.detection.history.StoredOutlets`, the URL and the MNs; each worker opens the database
once and reads its outlets with the store's streaming reader, a server-side cursor on
PostgreSQL, so the workers must reach the database: a SQLite file on the same machine, or a
PostgreSQL server). Outlets read in this process (a CSV file spilled on this machine,
`monitor.store.readings_csv.CsvOutlets`, or a whole Parquet file, `batch.OutletRows`) are
shipped one partition at a time, a few partitions ahead of the workers. The fleet detectors (copied data, peer outliers) run as a second stage, one task
each, over the summaries (kilobytes an outlet), which stay on the cluster: no raw series is
gathered anywhere. The findings come out in the in-process order: each outlet's in MN order as
soon as every partition before it is done, then each fleet detector's.

``local`` starts a `distributed.LocalCluster` on 127.0.0.1 (worker processes, one thread each,
no dashboard) for the run and stops it at the end. The workers of another cluster need this
outlet-watch installed (the tasks are its functions) and, for a dataset, its files at the same
path.

Cost (100 simulated outlets x 365 days as a Parquet dataset, 5.08 M readings, a 2-core machine
shared with other work): the same findings as in process; peak RSS client 250 MB, scheduler
147 MB, workers 301-390 MB, against 418-423 MB for the in-process run; CPU of the two workers
14.2-14.4 s against 10.0 s in one process, plus 2.7 s for the client and 1.8 s for the
scheduler (each worker imports the libraries and reads the dataset's footers itself).
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final

import pandas as pd

from detectors import Detector, Finding, FleetDetector, OutletSpec
from monitor.detection.batch import (
    DetectionRun,
    Summaries,
    outlet_stage,
    split_detectors,
)

__all__ = ["LOCAL", "DaskUnreachable", "detect_dask", "local_cluster"]

#: ``--dask local``: a cluster on this machine for the run.
LOCAL: Final = "local"
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT: Final = 10
#: Seconds to wait for a scheduler's first worker.
WORKER_TIMEOUT: Final = 60


class DaskUnreachable(ConnectionError):
    """The scheduler at the given address did not answer (one line)."""


def local_cluster(workers: int) -> Any:
    """A `distributed.LocalCluster` of ``workers`` processes with one thread each, everything on
    127.0.0.1 only: the scheduler, the workers and the scheduler's HTTP server (health and
    metrics; without the dashboard's packages, no dashboard), on free ports."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # None would still serve HTTP on every interface
        silence_logs=logging.ERROR,
    )


@contextmanager
def dask_client(address: str, workers: int) -> Iterator[Any]:
    """A `distributed.Client` of the scheduler at ``address`` (``local``: of a LocalCluster of
    ``workers`` processes started here and stopped on exit)."""
    from distributed import Client

    if address == LOCAL:
        with local_cluster(workers) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise DaskUnreachable(
            f"--dask {address}: no Dask scheduler answered ({reason}); start one "
            "(dask scheduler, then dask worker ADDRESS) or use --dask local"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise DaskUnreachable(
                f"--dask {address}: the scheduler has no worker after {WORKER_TIMEOUT} s; start "
                f"some (dask worker {address}) or use --dask local"
            ) from None
        yield client


def partition_stage(
    source: Sequence[Any] | None,
    items: Sequence[Any],
    specs: Mapping[str, OutletSpec],
    own: Sequence[Detector],
    fleet: Sequence[FleetDetector],
    lang: str,
    checked: bool,
) -> tuple[list[list[Finding] | None], list[Summaries], list[int]]:
    """One partition's task: each outlet's findings, fleet summaries and readings. ``items``
    are indices into ``source`` (a dataset or a store read here, on the worker) or, with no
    source, ``(mn, frame)`` pairs shipped with the task. An item is ``(mn, frame)`` or ``(mn,
    frame, packets)`` (a store's: with its packet records), or None for an outlet the source
    leaves out (no readings in the window: findings None, as the in-process run skips it)."""
    found: list[list[Finding] | None] = []
    summaries: list[Summaries] = []
    sizes: list[int] = []
    for item in items:
        outlet = source[item] if source is not None else item
        if outlet is None:
            found.append(None)
            summaries.append(None)
            sizes.append(0)
            continue
        mn, frame, *wire = outlet
        spec = specs.get(mn)
        one, summary = outlet_stage(
            mn,
            frame,
            spec if spec is not None else OutletSpec(mn),
            own,
            fleet,
            lang=lang,
            checked=checked,
            packets=wire[0] if wire else None,
        )
        found.append(one)
        summaries.append(summary)
        sizes.append(len(frame))
    return found, summaries, sizes


def fleet_task(detector: FleetDetector, index: int, *parts: list[Summaries]) -> list[Finding]:
    """The second stage of one fleet detector (its ``index`` among the fleet detectors) over the
    partitions' summaries, given in partition order."""
    return detector.detect_summaries([s[index] for part in parts for s in part if s is not None])


def detect_dask(
    outlets: Sequence[tuple[str, pd.DataFrame]],
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    address: str,
    workers: int = 2,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
    checked: bool = False,
) -> Iterator[Finding]:
    """`batch.detect_parallel`'s findings, in the same order, computed on the Dask cluster at
    ``address`` (``local``: a LocalCluster of ``workers`` processes); see the module's
    docstring. ``outlets`` is an `OutletRows`, a `CsvOutlets` or a `DatasetOutlets` (``names``,
    ``sizes()``, ``[k]``), or a `history.StoredOutlets` (``names``, ``[k]``: the findings of
    `batch.detect_outlets` over `history.stored_outlets`). Raises `DaskUnreachable` when no
    scheduler answers."""
    own, fleet = split_detectors(detectors)
    run = run if run is not None else DetectionRun()
    names: list[str] = list(outlets.names)  # type: ignore[attr-defined]
    counted = hasattr(outlets, "sizes")  # else counted as the partitions come back
    if counted:
        run.outlets += len(names)
        run.readings += int(outlets.sizes().sum())  # type: ignore[attr-defined]
        run.unregistered.extend(mn for mn in names if mn not in specs)
    # a dataset or a store: each worker reads its own outlets; else frames are shipped
    reads = getattr(outlets, "read_anywhere", hasattr(outlets, "dataset"))
    with dask_client(address, workers) as client:
        width = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        size = max(1, min(16, len(names) // (width * 8)))
        parts = [range(a, min(len(names), a + size)) for a in range(0, len(names), size)]
        source = client.scatter(outlets, broadcast=True) if reads else None

        def submit(k: int) -> Any:
            members = parts[k]
            items = list(members) if reads else [outlets[i] for i in members]
            return client.submit(
                partition_stage,
                source,
                items,
                {names[i]: specs[names[i]] for i in members if names[i] in specs},
                own,
                fleet,
                lang,
                checked,
                pure=False,
            )

        ahead = len(parts) if reads else 2 * width  # frames shipped from here: a few ahead
        pending = {k: submit(k) for k in range(min(ahead, len(parts)))}
        summaries: list[Any] = []
        for k in range(len(parts)):
            task = pending.pop(k)
            if k + ahead < len(parts):
                pending[k + ahead] = submit(k + ahead)
            found, sizes = client.submit(operator.itemgetter(0, 2), task, pure=False).result()
            if fleet:  # the summaries stay on the cluster for the second stage
                summaries.append(client.submit(operator.itemgetter(1), task, pure=False))
            del task
            for i, outlet_found, size in zip(parts[k], found, sizes, strict=True):
                if outlet_found is None:  # left out by the source
                    continue
                if not counted:
                    run.outlets += 1
                    run.readings += size
                    if names[i] not in specs:
                        run.unregistered.append(names[i])
                yield from outlet_found
                if progress is not None:
                    progress(names[i])
        stage = [
            client.submit(fleet_task, d, i, *summaries, pure=False) for i, d in enumerate(fleet)
        ]
        for task in stage:
            yield from task.result()
