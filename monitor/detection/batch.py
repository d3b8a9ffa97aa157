"""History detection: the detector catalogue over many outlets, one outlet at a time.

`detect_outlets` takes any iterable of ``(mn, frame)`` pairs (from a readings file or the store),
builds each outlet's `OutletData` once, runs every outlet detector on it and yields the findings;
outlets are then released, so memory is bounded by one outlet's frame. A fleet detector (one
comparing outlets: copied data, peer outliers) keeps only each outlet's summary
(`FleetDetector.summarise`: monthly statistics, quantised values; a tenth of the prepared data or
less) and compares the summaries at the end (`fleet_stage`).

`detect_parallel` gives the same findings in the same order using several processes: forked
workers and this process take chunks of outlets (each chunk once, by whoever is free first), run
the outlet detectors and summarise each outlet for the fleet detectors; this process gives out
each chunk's findings as soon as every chunk before it is done, then runs the fleet stage over the
summaries.

`detect_stream` gives the same findings over outlets that a reader gives one at a time while it
reads (a CSV file grouped by outlet): workers forked before the reading starts are handed each
outlet as it comes, and this process reads, and detects too when outlets wait.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing as mp
import os
import queue as queues
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from typing import Any, Final

import numpy as np
import pandas as pd

from detectors import Detector, Finding, FleetDetector, OutletData, OutletSpec, build
from detectors.base import Summary
from monitor.detection.collector import collector_paused, freeze_for_forks, thaw_after_forks

#: One outlet's summaries, one per fleet detector (in the detectors' order); None for an outlet
#: without readings (fleet detectors leave it out).
Summaries = tuple[Summary, ...] | None


@dataclass(slots=True)
class DetectionRun:
    """What a run saw besides its findings: outlets and readings processed, unregistered MNs."""

    outlets: int = 0
    readings: int = 0
    unregistered: list[str] = field(default_factory=list)


class OutletRows(Sequence[tuple[str, pd.DataFrame]]):
    """The outlets of a long readings frame in MN order: ``rows[k]`` is ``(mn, that outlet's
    rows)``, taken on demand (no copy of the whole table; a slice, not a copy, when the frame is
    already grouped by MN in MN order, as exported files are). Rows without an MN are left out."""

    def __init__(self, readings: pd.DataFrame):
        self.readings = readings
        self._order: np.ndarray | None = None
        if readings.empty:
            self.names: list[str] = []
            self._bounds = np.zeros(1, dtype=np.int64)
            return
        codes, names = _mn_codes(readings["mn"])
        self.names = names
        if len(codes) > 1 and not bool((codes[1:] >= codes[:-1]).all()):
            small = np.int16 if len(names) < 2**15 else np.int64  # radix sort for small codes
            self._order = np.argsort(codes.astype(small), kind="stable")
            codes = codes[self._order]
        self._bounds = np.searchsorted(codes, np.arange(len(names) + 1))

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, k: int) -> tuple[str, pd.DataFrame]:  # type: ignore[override]
        a, b = int(self._bounds[k]), int(self._bounds[k + 1])
        rows = slice(a, b) if self._order is None else self._order[a:b]
        return self.names[k], self.readings.iloc[rows]

    def sizes(self) -> np.ndarray:
        """Readings of each outlet."""
        return np.diff(self._bounds)


def _mn_codes(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes of the MN column (-1 where missing) and the MNs in order; a categorical column's
    codes are remapped to its MNs in use without hashing the 5 million strings again."""
    if not isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = pd.factorize(column, sort=True)
        return codes, [str(u) for u in uniques]
    raw = column.cat.codes.to_numpy()
    text = np.array([str(c) for c in column.cat.categories], dtype=object)
    present = np.flatnonzero(np.bincount(raw[raw >= 0], minlength=len(text)))
    present = present[np.argsort(text[present], kind="stable")]
    remap = np.full(len(text) + 1, -1, dtype=np.int64)  # raw -1 (missing) stays -1
    remap[present] = np.arange(len(present))
    return remap[raw], [str(s) for s in text[present]]


class WorkerLost(RuntimeError):
    """A detection worker process ended without giving its results: killed (often by the
    system's out-of-memory killer) or crashed below Python. The run fails at once rather than
    wait for outlets that will not come back."""


def _lost(workers: Sequence[Any], *, waiting: bool) -> WorkerLost | None:
    """How a worker that ended abnormally ended, if one did (a worker ends with status 0 only
    when done or told to stop; a detector's error comes back as a message, not a status); or,
    ``waiting`` for a result, that every worker has ended without it."""
    for worker in workers:
        code = worker.exitcode
        if code:  # None: running; 0: ended as it should
            return WorkerLost(
                f"a detection worker (process {worker.pid}) {_ending(code)} before giving its "
                "results"
            )
    if waiting and not any(w.is_alive() for w in workers):
        return WorkerLost("a detection worker ended without its results")
    return None


def _ending(code: int) -> str:
    """A process's exit code in words: a status, or the signal that killed it."""
    if code > 0:
        return f"exited with status {code}"
    try:
        return f"was killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"was killed by signal {-code}"


def split_outlets(readings: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """One ``(mn, rows)`` pair per outlet of a long readings frame, in MN order (no copy of the
    whole table: rows are taken outlet by outlet)."""
    yield from OutletRows(readings)


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


def summarise(fleet: Sequence[FleetDetector], outlet: OutletData) -> Summaries:
    """The outlet's summary for each fleet detector (None when it has no readings)."""
    if not fleet or outlet.empty:
        return None
    return tuple(d.summarise(outlet) for d in fleet)


def fleet_stage(fleet: Sequence[FleetDetector], summaries: Iterable[Summaries]) -> list[Finding]:
    """The fleet detectors' findings over the outlets' summaries (given in the outlets' order),
    each detector's in turn: what `detectors.run_fleet` gives over the outlets themselves."""
    kept = [s for s in summaries if s is not None]
    with collector_paused():  # see `_fleet_work`
        return [f for i, d in enumerate(fleet) for f in d.detect_summaries([s[i] for s in kept])]


def split_detectors(
    detectors: Sequence[Detector] | None,
) -> tuple[list[Detector], list[FleetDetector]]:
    """The outlet detectors and the fleet detectors of ``detectors`` (default: the catalogue)."""
    chosen = list(detectors) if detectors is not None else build()
    own = [d for d in chosen if not isinstance(d, FleetDetector)]
    return own, [d for d in chosen if isinstance(d, FleetDetector)]


def outlet_stage(
    mn: str,
    frame: pd.DataFrame,
    spec: OutletSpec,
    own: Sequence[Detector],
    fleet: Sequence[FleetDetector],
    *,
    lang: str = "en",
    checked: bool = False,
    packets: pd.DataFrame | None = None,
) -> tuple[list[Finding], Summaries]:
    """One outlet's findings of the outlet detectors ``own`` and its summaries for the fleet
    detectors ``fleet``, its data prepared once (and released on return)."""
    outlet = OutletData(frame, spec, lang=lang, checked=checked, packets=packets)
    return [f for d in own for f in d.detect(outlet)], summarise(fleet, outlet)


def detect_outlets(
    outlets: Iterable[tuple[str, pd.DataFrame] | tuple[str, pd.DataFrame, pd.DataFrame | None]],
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
    checked: bool = False,
) -> Iterator[Finding]:
    """Findings of ``detectors`` (default: the whole catalogue) over each outlet, then the fleet's.

    An outlet missing from ``specs`` is checked with an empty spec (no limits known) and listed in
    ``run.unregistered``. ``progress(mn)`` is called after each outlet. ``checked``: the frames
    come from a reader that validated them (`read_readings`, `Store.read_frame`), so each
    outlet's is not checked against the schema again. An item ``(mn, frame, packets)`` also
    gives the outlet's packet records (`Store.read_packets`) to the detectors that read them.
    """
    own, fleet = split_detectors(detectors)
    run = run if run is not None else DetectionRun()
    kept: list[Summaries] = []
    for mn, frame, *wire in outlets:
        spec = specs.get(mn)
        if spec is None:
            run.unregistered.append(mn)
            spec = OutletSpec(mn)
        packets = wire[0] if wire else None  # the outlet's packet records, when stored
        found, summaries = outlet_stage(
            mn, frame, spec, own, fleet, lang=lang, checked=checked, packets=packets
        )
        run.outlets += 1
        run.readings += len(frame)
        yield from found
        if fleet:
            kept.append(summaries)
        if progress is not None:
            progress(mn)
    if fleet:
        yield from fleet_stage(fleet, kept)


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


def default_jobs() -> int:
    """Processes `monitor detect` uses by default: the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def release_free_memory() -> None:
    """Give back to the system the memory a reader has freed but its allocator keeps: Arrow's
    pool keeps about 450 MB after reading a CSV of 5 million readings (the frame itself is about
    100 MB), glibc's heap some 50 MB more. Nothing is freed that is still in use."""
    arrow = sys.modules.get("pyarrow")  # only when a reader loaded it
    if arrow is not None:
        arrow.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # glibc; absent elsewhere (musl)
            ctypes.CDLL(None).malloc_trim(0)


#: glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory(mmap_bytes: int = 32 << 20, trim_bytes: int = 64 << 20) -> None:
    """In a detection worker (and `monitor detect`'s own process, which reads and detects too):
    glibc's malloc keeps the memory freed by one outlet for the next (arrays up to
    ``mmap_bytes`` from its heap, not mapped apart; the heap's free top returned to the system
    only past ``trim_bytes``), instead of giving back and faulting in again the pages of every
    outlet's arrays. Nothing where the C library is not glibc."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None)
            libc.mallopt(_M_MMAP_THRESHOLD, mmap_bytes)
            libc.mallopt(_M_TRIM_THRESHOLD, trim_bytes)


def detect_parallel(
    outlets: OutletRows,
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    jobs: int,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    run: DetectionRun | None = None,
    checked: bool = False,
) -> Iterator[Finding]:
    """`detect_outlets` over ``outlets`` with ``jobs`` processes: the same findings in the same
    order (each outlet's, in MN order, then the fleet detectors').

    ``jobs - 1`` workers are forked (they share the readings already in memory, the memory the
    reader freed given back first, the objects of this process frozen against the collector so
    that no worker copies their pages) and take chunks of outlets from a shared counter, as this
    process does, giving out the findings of the chunks done in order between its own. A worker
    holds one outlet's data at a time and hands back, with its findings, the outlet's summaries
    for the fleet detectors, which this process compares at the end (`fleet_stage`). With ``jobs <= 1``, one outlet, or no ``fork`` on this platform, it is
    `detect_outlets` in this process. ``progress(mn)`` is called as outlets are done (not in MN
    order).
    """
    own, fleet = split_detectors(detectors)
    run = run if run is not None else DetectionRun()
    release_free_memory()  # before the fork: workers start from the readings alone
    if jobs <= 1 or len(outlets) < 2 or "fork" not in mp.get_all_start_methods():
        yield from detect_outlets(
            outlets, specs, [*own, *fleet], lang=lang, progress=progress, run=run, checked=checked
        )
        return
    run.outlets += len(outlets)
    run.readings += int(outlets.sizes().sum())
    run.unregistered.extend(mn for mn in outlets.names if mn not in specs)
    # small chunks (one outlet each for a fleet of 100 on 2 CPUs): the last ones end together
    chunk = max(1, min(16, len(outlets) // (jobs * 32)))
    work = _Chunks(outlets, specs, own, fleet, lang, chunk, mp.get_context("fork"), checked)
    for stream in (sys.stdout, sys.stderr):  # a forked child must not write them out again
        stream.flush()
    ours = freeze_for_forks()
    workers = [work.context.Process(target=work.serve, daemon=True) for _ in range(jobs - 1)]
    try:
        for worker in workers:
            worker.start()
        done: dict[int, list[list[Finding]]] = {}
        kept: list[Summaries] = [None] * len(outlets)
        given = 0  # chunks whose findings are given out, in order, as soon as they can be
        while (k := work.take()) is not None:  # this process takes chunks too
            done[k] = work.keep(k, work.chunk(k), kept)
            _report(work, k, progress)
            _collect(work, done, kept, progress, wait=False, workers=workers)
            while given in done:
                for found in done.pop(given):
                    yield from found
                given += 1
        while given < work.count:
            if given not in done:
                _collect(work, done, kept, progress, wait=True, workers=workers)
                continue
            for found in done.pop(given):
                yield from found
            given += 1
    finally:
        for worker in workers:
            if worker.pid is None:  # never started
                continue
            worker.join(timeout=1.0)
            if worker.is_alive():
                worker.terminate()
        thaw_after_forks(ours)
    if fleet:
        release_free_memory()  # the outlet stage's freed buffers, before the fleet stage's peak
        yield from _fleet_stage_forked(fleet, kept, jobs, work.context)


def detect_stream(
    outlets: Iterable[tuple[str, pd.DataFrame]],
    specs: Mapping[str, OutletSpec],
    detectors: Sequence[Detector] | None = None,
    *,
    jobs: int,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    started: Callable[[int], None] | None = None,
    run: DetectionRun | None = None,
    checked: bool = False,
    hold: int = 2,
) -> Iterator[Finding]:
    """`detect_parallel`'s findings (each outlet's in MN order, then the fleet detectors') over
    outlets that a reader gives one at a time while it reads (each MN once; e.g. a CSV file
    grouped by outlet, read in blocks), detected while the reader reads on.

    ``jobs - 1`` workers are forked before the first outlet is read and handed the outlets
    (through a queue, at most four each at a time) as they come; this process reads, and
    detects an outlet itself whenever more than ``hold`` wait, so that memory holds a few
    outlets, not the file (at the end it takes back the outlets no worker has taken yet rather
    than wait). No finding is given before the reader has ended without an error
    (its error is raised as it is, the workers stopped, nothing given). Then ``started(count)``
    is called with the number of outlets, ``progress(mn)`` for each outlet done (those done
    while reading at that moment), and the findings are given in MN order as they are done.
    With ``jobs <= 1`` or no ``fork`` on this platform, every outlet is detected here as it
    comes."""
    own, fleet = split_detectors(detectors)
    run = run if run is not None else DetectionRun()
    forking = jobs > 1 and "fork" in mp.get_all_start_methods()
    context = mp.get_context("fork") if forking else None
    done: dict[str, tuple[list[Finding], Summaries]] = {}
    order: list[str] = []  # the outlets done, in the order they were done
    sizes: dict[str, int] = {}
    ready: deque[tuple[str, pd.DataFrame]] = deque()
    ours = freeze_for_forks() if context is not None else False
    feed = _Feed(context, jobs - 1, specs, own, fleet, lang, checked) if context else None
    hold = hold if feed is not None else 0
    known = False  # whether started() was called: progress() follows the outlets done

    def finish(mn: str, result: tuple[list[Finding], Summaries]) -> None:
        done[mn] = result
        order.append(mn)
        if known and progress is not None:
            progress(mn)

    def here(mn: str, frame: pd.DataFrame) -> None:
        spec = specs.get(mn) or OutletSpec(mn)
        finish(mn, outlet_stage(mn, frame, spec, own, fleet, lang=lang, checked=checked))

    def dispatch(*, wait: bool = False) -> None:
        if feed is None:
            return
        for mn, result in feed.collect(wait=wait):
            finish(mn, result)
        while ready and feed.room():
            feed.give(*ready.popleft())

    finished = False
    try:
        for mn, frame in outlets:
            sizes[mn] = len(frame)
            ready.append((mn, frame))
            del frame
            dispatch()
            while len(ready) > hold:
                here(*ready.popleft())
                dispatch()
        names = sorted(sizes)
        run.outlets += len(names)
        run.readings += sum(sizes.values())
        run.unregistered.extend(mn for mn in names if mn not in specs)
        if started is not None:
            started(len(names))
        known = True
        if progress is not None:
            for mn in order:
                progress(mn)
        given = 0
        while given < len(names):
            if names[given] in done:
                found, summaries = done[names[given]]
                done[names[given]] = ([], summaries)  # the findings given out are let go
                yield from found
                given += 1
            elif ready:
                dispatch()
                if ready:
                    here(*ready.popleft())
            elif feed is not None and (back := feed.take_back()) is not None:
                here(*back)  # rather than wait while a worker has outlets in hand
            else:
                dispatch(wait=True)
        finished = True
    finally:
        if feed is not None:
            feed.close(finished)
        thaw_after_forks(ours)
    if fleet:
        release_free_memory()  # the outlet stage's freed buffers, before the fleet stage's peak
        kept = [done[mn][1] for mn in names]
        done.clear()
        if context is not None:
            yield from _fleet_stage_forked(fleet, kept, jobs, context)
        else:
            yield from fleet_stage(fleet, kept)


#: Bytes a pipe between `detect_stream`'s process and its workers holds (Linux's default is 64
#: KiB; 1 MiB is the most an unprivileged process may ask for by default).
PIPE_BYTES: Final = 1 << 20


def widen_pipe(queue: Any, size: int = PIPE_BYTES) -> None:
    """Let the pipe under a multiprocessing ``queue`` hold ``size`` bytes (Linux's
    ``F_SETPIPE_SZ``), so that one outlet's frame (about 1 MB for an outlet-year) is written in
    one go: through a 64 KiB pipe the queue's feeder thread writes it in some 16 parts, waking
    the worker between parts and waiting each time for the GIL, which this process's thread
    holds while it reads or detects (switch interval 5 ms), and the worker, its outlets in hand
    done, waited for the next one. On the 100-outlet year (2026-12-07, loaded machine, 3
    interleaved runs each) the worker's waits of over 3 ms for an outlet went from 50-59
    (0.54-0.90 s) to 10-21 (0.11-0.32 s), this process's for results from 11-26 (0.07-0.22 s)
    to 2-4 (0.01-0.04 s), at the same CPU and peak RSS. Nothing where the system has no such
    call or refuses the size (the pipe keeps its size)."""
    try:
        import fcntl
    except ImportError:  # not on Windows
        return
    with contextlib.suppress(OSError, AttributeError, ValueError):
        fcntl.fcntl(queue._writer.fileno(), fcntl.F_SETPIPE_SZ, size)


class _Feed:
    """``count`` forked workers of :func:`detect_stream`, handed outlets through a queue: each
    detects the outlets it takes and sends back their findings and summaries."""

    def __init__(
        self,
        context: Any,
        count: int,
        specs: Mapping[str, OutletSpec],
        own: Sequence[Detector],
        fleet: Sequence[FleetDetector],
        lang: str,
        checked: bool,
    ) -> None:
        self.tasks, self.results = context.Queue(), context.Queue()
        for pipe in (self.tasks, self.results):
            widen_pipe(pipe)
        self.stop = context.Event()
        self.out = 0  # outlets handed out whose results have not come back
        self.specs, self.own, self.fleet, self.lang, self.checked = specs, own, fleet, lang, checked
        for stream in (sys.stdout, sys.stderr):  # a forked child must not write them out again
            stream.flush()
        self.workers = [context.Process(target=self._serve, daemon=True) for _ in range(count)]
        for worker in self.workers:
            worker.start()

    def room(self) -> bool:
        """Whether a worker may be handed another outlet (four each at most: on a busy
        machine this process may not run for a while)."""
        return self.out < 4 * len(self.workers)

    def take_back(self) -> tuple[str, pd.DataFrame] | None:
        """An outlet handed out that no worker has taken yet, if any."""
        try:
            item = self.tasks.get_nowait()
        except queues.Empty:
            return None
        self.out -= 1
        return item  # type: ignore[no-any-return]

    def give(self, mn: str, frame: pd.DataFrame) -> None:
        self.tasks.put((mn, frame))
        self.out += 1

    def collect(self, *, wait: bool) -> list[tuple[str, tuple[list[Finding], Summaries]]]:
        """The results that have come back (``wait``: at least one, failing when every worker
        has ended without it)."""
        got = []
        while self.out:
            try:
                item = (
                    self.results.get(timeout=0.5) if wait and not got else self.results.get_nowait()
                )
            except queues.Empty:
                # a lost worker's outlets will not come back: no waiting for them
                if (lost := _lost(self.workers, waiting=wait and not got)) is not None:
                    raise lost from None
                if got or not wait:
                    break
                continue
            if item[0] == "error":
                raise RuntimeError(f"a detection worker failed:\n{item[1]}")
            _, mn, result = item
            got.append((mn, result))
            self.out -= 1
        return got

    def close(self, finished: bool) -> None:
        """Let the workers end once every outlet is done (``finished``); else they skip the
        outlets handed out and not yet taken, end the one they are on, and end. What they
        still send is read (so that they can end) and dropped."""
        if not finished:
            self.stop.set()
        for _ in self.workers:
            self.tasks.put(None)
        deadline = time.monotonic() + 60.0
        while (alive := [w for w in self.workers if w.is_alive()]) and time.monotonic() < deadline:
            # woken as soon as a worker ends: a wait for a result instead (results.get with a
            # timeout) slept its whole 50 ms after the last outlet, both cores idle between the
            # outlet stage and the fleet stage, since a done worker sends nothing more
            wait_for([w.sentinel for w in alive], timeout=0.05)
            with contextlib.suppress(queues.Empty):
                while True:
                    self.results.get_nowait()
        ended = False
        for worker in self.workers:
            if worker.is_alive():  # stuck: ended, and what it did not read left behind
                worker.terminate()
                ended = True
            worker.join()
        if ended:
            self.tasks.cancel_join_thread()
        self.tasks.close()
        self.tasks.join_thread()
        self.results.close()

    def _serve(self) -> None:
        """A worker (forked: it has this object as it was): the outlets handed to it until
        None, each one's results sent back (none once told to stop)."""
        keep_freed_memory()
        try:
            while (item := self.tasks.get()) is not None:
                if self.stop.is_set():
                    continue
                mn, frame = item
                del item
                spec = self.specs.get(mn) or OutletSpec(mn)
                result = outlet_stage(
                    mn, frame, spec, self.own, self.fleet, lang=self.lang, checked=self.checked
                )
                del frame
                self.results.put(("ok", mn, result))
        except BaseException:
            self.results.put(("error", traceback.format_exc()))
        self.results.close()
        self.results.join_thread()


def _fleet_stage_forked(
    fleet: Sequence[FleetDetector], summaries: list[Summaries], jobs: int, context: Any
) -> list[Finding]:
    """`fleet_stage` over this process and up to ``jobs - 1`` forked ones (sharing the
    summaries): the stage comes after every outlet, so the other cores would idle. The fleet
    detectors after the first that do not split their work (`FleetDetector.parts`) go to the
    forked processes, the rest to this one; then every process takes the parts of the detectors
    that split, largest first, one at a time from a shared counter, until none is left. Each
    detector's parts are merged here (`FleetDetector.merge_parts`) by part, so the findings are
    the same, in the same order, whichever process computed which part."""
    kept = [s for s in summaries if s is not None]
    if jobs < 2 or not kept:
        return fleet_stage(fleet, kept)
    of = [[s[i] for s in kept] for i in range(len(fleet))]
    split = {i: p for i, d in enumerate(fleet) if len(p := d.parts(of[i])) > 1}
    whole = [i for i in range(len(fleet)) if i not in split]
    tasks = [(i, p) for i in split for p in split[i]]
    n_children = min(jobs - 1, max(len(whole) - 1, 0) + len(tasks))
    if n_children < 1:
        return fleet_stage(fleet, kept)
    # one fleet detector that does not split (after the first) to each forked process at most
    others = [i for i in whole if i != 0]
    theirs = [others[k : k + 1] for k in range(n_children)]
    mine = [i for i in whole if i not in others[:n_children]]
    counter = context.Value("i", 0)
    children: list[tuple[Any, Any]] = []
    ours = freeze_for_forks()
    try:
        for own in theirs:
            here, there = context.Pipe(duplex=False)
            child = context.Process(
                target=_fleet_child, args=(fleet, of, own, tasks, counter, there), daemon=True
            )
            child.start()
            there.close()
            children.append((here, child))
        found, parts = _fleet_work(fleet, of, mine, tasks, counter)
        for here, child in children:
            try:
                status, result = here.recv()
            except EOFError:
                child.join(timeout=5.0)
                raise _lost([child], waiting=True) or WorkerLost(
                    "a fleet detection worker ended without its results"
                ) from None
            finally:
                child.join(timeout=5.0)
            if status == "error":
                raise RuntimeError(f"a fleet detection worker failed:\n{result}")
            found.update(result[0])
            parts.update(result[1])
    finally:
        for _, child in children:
            if child.is_alive():
                child.terminate()
        thaw_after_forks(ours)
    for i in split:
        found[i] = fleet[i].merge_parts(of[i], {p: parts[i, p] for p in split[i]})
    return [f for i in range(len(fleet)) for f in found[i]]


def _fleet_work(
    fleet: Sequence[FleetDetector],
    of: list[list[Any]],
    whole: list[int],
    tasks: list[tuple[int, Any]],
    counter: Any,
) -> tuple[dict[int, list[Finding]], dict[tuple[int, Any], Any]]:
    """The findings of the fleet detectors ``whole`` (by index), then the results of the parts
    of ``tasks`` this process takes from ``counter`` (by detector index and part).

    With the cyclic collector paused (`collector_paused`), as in `fleet_stage`: the fleet
    detectors import their libraries lazily (scikit-learn for peer_outlier, some 900 modules,
    whose tens of thousands of lasting objects young collections would walk for nothing: 0.04 s
    of CPU in the 100-outlet year's fleet process, 2026-12-06), and the stage itself makes
    arrays, summaries' rows and findings, freed by their reference counts, not cycles. The
    detectors stay free of process policy (reviewer-J J11)."""
    with collector_paused():
        found = {i: fleet[i].detect_summaries(of[i]) for i in whole}
        parts: dict[tuple[int, Any], Any] = {}
        while True:
            with counter.get_lock():
                k = counter.value
                counter.value += 1
            if k >= len(tasks):
                return found, parts
            i, p = tasks[k]
            parts[i, p] = fleet[i].detect_part(of[i], p)


def _fleet_child(
    fleet: Sequence[FleetDetector],
    of: list[list[Any]],
    whole: list[int],
    tasks: list[tuple[int, Any]],
    counter: Any,
    conn: Any,
) -> None:
    """A forked process: its share of the fleet stage (`_fleet_work`), sent back."""
    try:
        conn.send(("ok", _fleet_work(fleet, of, whole, tasks, counter)))
    except BaseException:
        conn.send(("error", traceback.format_exc()))
    conn.close()


class _Chunks:
    """Chunks of outlets handed out once each through a counter shared by the processes."""

    def __init__(
        self,
        outlets: OutletRows,
        specs: Mapping[str, OutletSpec],
        own: Sequence[Detector],
        fleet: Sequence[FleetDetector],
        lang: str,
        size: int,
        context: Any,
        checked: bool = False,
    ):
        self.outlets, self.specs, self.own, self.lang, self.size = outlets, specs, own, lang, size
        self.fleet = fleet
        self.checked = checked
        self.count = -(-len(outlets) // size)
        self.context = context
        self.next = context.Value("l", 0)
        self.results = context.Queue()

    def take(self) -> int | None:
        """The next chunk nobody has taken, or None when all are taken."""
        with self.next.get_lock():
            k = int(self.next.value)
            if k >= self.count:
                return None
            self.next.value = k + 1
        return k

    def members(self, k: int) -> range:
        return range(k * self.size, min(len(self.outlets), (k + 1) * self.size))

    def chunk(self, k: int) -> tuple[list[list[Finding]], list[Summaries]]:
        """Each outlet's findings of the outlet detectors and its summaries for the fleet
        detectors, for the outlets of chunk ``k``."""
        found, summaries = [], []
        for i in self.members(k):
            mn, frame = self.outlets[i]
            spec = self.specs.get(mn) or OutletSpec(mn)
            one, summary = outlet_stage(
                mn, frame, spec, self.own, self.fleet, lang=self.lang, checked=self.checked
            )
            found.append(one)
            summaries.append(summary)
        return found, summaries

    def keep(
        self,
        k: int,
        result: tuple[list[list[Finding]], list[Summaries]],
        kept: list[Summaries],
    ) -> list[list[Finding]]:
        """Put chunk ``k``'s summaries in their outlets' places of ``kept``; its findings."""
        found, summaries = result
        for i, summary in zip(self.members(k), summaries, strict=True):
            kept[i] = summary
        return found

    def serve(self) -> None:
        """A worker: chunks until none is left, each result put on the queue, then None."""
        try:
            while (k := self.take()) is not None:
                self.results.put((k, self.chunk(k)))
            self.results.put(None)
        except BaseException:
            self.results.put(("error", traceback.format_exc()))
        self.results.close()
        self.results.join_thread()


def _report(work: _Chunks, k: int, progress: Callable[[str], None] | None) -> None:
    if progress is not None:
        for i in work.members(k):
            progress(work.outlets.names[i])


def _collect(
    work: _Chunks,
    done: dict[int, list[list[Finding]]],
    kept: list[Summaries],
    progress: Callable[[str], None] | None,
    *,
    wait: bool,
    workers: Sequence[Any] = (),
) -> None:
    """Put the workers' finished chunks in ``done``: those already queued, or (``wait``) the next
    one, failing when every worker has ended without it."""
    while True:
        try:
            item = work.results.get(timeout=0.5) if wait else work.results.get_nowait()
        except queues.Empty:
            # a lost worker's chunks will not come back: no waiting for them
            if (lost := _lost(workers, waiting=wait)) is not None:
                raise lost from None
            if not wait:
                return
            continue
        if item is None:  # a worker has no chunk left
            continue
        if item[0] == "error":
            raise RuntimeError(f"a detection worker failed:\n{item[1]}")
        k, result = item
        done[k] = work.keep(k, result, kept)
        _report(work, k, progress)
        if wait:
            return
