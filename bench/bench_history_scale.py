"""History at scale: `monitor detect` over a simulated year as a Parquet dataset (issue 13).

1. Writes a simulated year of ``--outlets`` outlets (default 1,000: about 52 M hourly readings)
   as the Parquet dataset `monitor export` writes (``month=YYYY-MM/bucket=NN/part-0.parquet``,
   :class:`monitor.store.export.DatasetWriter`), generated ``--chunk`` outlets at a time with
   `monitor.simulation` (each chunk its own seed, its MNs renumbered to follow the last chunk's),
   so the fleet is never in memory; and the registry. Written once into ``--data`` (default
   /tmp/e1-data) and reused while its parameters are the same.
2. Runs `monitor detect --readings DIR` over it as a fresh process (``--jobs`` default: the
   CPUs) and reports the wall time, readings/s and the peak RSS of each process of the run (the
   command and its forked workers: the high-water mark ``VmHWM`` of every process of the tree,
   read from /proc every 0.1 s).
3. The 100-outlet year (``--small``): the same dataset layout against the one-file inputs, one
   CSV file (spilled by outlet, then read outlet by outlet) and one Parquet file, each a fresh
   process, interleaved ``--repeat`` times (A B C A B C ...), with the medians, and whether
   every run's findings are byte-identical to the CSV file's. ``--baseline-tree DIR`` adds the
   CSV file through an earlier commit's tree (``git archive COMMIT | tar -x -C DIR``: the CSV
   read whole) in the same interleaving; ``--csv-only`` leaves out the Parquet inputs.
4. ``--db``: the small year through a SQLite store: `monitor detect --readings DIR --db URL`
   (the dataset imported outlet by outlet, then detected from the store), `monitor detect
   --db URL` alone and, with Dask, `monitor detect --db URL --dask local` (each worker reading
   its outlets from the file), each with its peak RSS, and whether the last two's findings are
   byte-identical.
5. ``--dask``: when `monitor detect --help` offers ``--dask`` (helper-E2's work), step 2 again
   with ``--dask local`` and whether its findings equal the in-process run's. ``auto`` (the
   default) runs it only when the option exists and says so otherwise.

``--detectors`` is passed on to every run (default: the whole catalogue). With a fleet detector
(copied_data, peer_outlier) in the catalogue, ``monitor.detection.batch`` keeps every prepared
outlet in the main process until the fleet stage (being changed to compact summaries by a
separate piece of work); ``--detectors outlet`` runs the catalogue without the fleet detectors,
to show the bounded path alone.

Measured on 2026-12-05 (2 CPUs shared with other work, load 12-16: seconds are noisy, memory is
not; peak RSS of the main process / the largest other, MB). 100 outlets x 365 d (5.07 M readings),
whole catalogue, --jobs 2, medians of 2 interleaved runs: one CSV file 68 s, 922/302; one exported
Parquet file 74 s, 405/190; the dataset 87 s, 401/189; findings byte-identical. Without the fleet
detectors (``--detectors outlet``, one run each): CSV 845/252, Parquet file 174/136, dataset
175/132. 1,000 outlets x 365 d (50.7 M readings) from the dataset, whole catalogue: in process
1,332 s (38,087 readings/s), 4,076/250; ``--dask local`` (2 workers) 1,446 s (35,087
readings/s), main 298, workers 4,117 and 522; the same 25,032 findings. The gigabytes are in
the process that runs the fleet detectors' second stage (in process over the 100-outlet year:
256 MB at the last outlet, 408 MB after that stage); a 1,000-outlet run without the fleet
detectors was not made.

One CSV file spilled by outlet (``monitor.store.readings_csv``) against the tree before it read
whole (``--csv-only --baseline-tree``; both trees the same commit otherwise, medians of 2
interleaved runs, load 11-15): without the fleet detectors 49 s, 231/214 MB against 62 s,
853/290 MB; whole catalogue 45 s, 422/221 MB against 38 s, 924/297 MB; findings byte-identical.
``--db --small 20`` (SQLite, 1.02 M readings, load 15, one run each): --db alone 48 s, 363 MB;
--db on --dask local 70 s, client 180 MB, workers 381 and 339 MB; findings byte-identical.

Usage: python bench/bench_history_scale.py [--outlets 1000] [--small 100] [--repeat 2]
       python bench/bench_history_scale.py --skip-large --small 100 --repeat 3
       python bench/bench_history_scale.py --skip-large --csv-only --baseline-tree /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from monitor.simulation.fleet import registry_toml
from monitor.simulation.simulator import simulate
from monitor.store.export import DatasetWriter, ReadingsWriter

ROOT = Path(__file__).resolve().parents[1]
MONITOR = [sys.executable, "-m", "monitor.cli"]
START = pd.Timestamp("2026-01-01")
TZ = "Asia/Shanghai"


# -- the data ----------------------------------------------------------------------------------


def ensure_year(
    where: Path, outlets: int, days: int, seed: int, chunk: int, files: bool
) -> dict[str, Any]:
    """The simulated year under ``where`` (``history/``, ``sites.toml`` and, with ``files``,
    ``readings.csv`` and ``readings.parquet``), written unless already there for these
    parameters; returns its description (readings, seconds to write)."""
    params = {"outlets": outlets, "days": days, "seed": seed, "chunk": chunk, "files": files}
    marker = where / "done.json"
    if marker.is_file():
        done = json.loads(marker.read_text())
        if done.get("params") == params:
            return done
    if where.exists():
        shutil.rmtree(where)
    where.mkdir(parents=True)
    began = time.monotonic()
    sites: list[dict[str, Any]] = []
    rows = 0
    months = (days // 28 + 2) * 16
    writers: list[Any] = [DatasetWriter(where / "history", tz=TZ, max_open=months)]
    if files:
        writers += [
            ReadingsWriter(where / "readings.csv", tz=TZ),
            ReadingsWriter(where / "readings.parquet", tz=TZ),
        ]
    try:
        for k, first in enumerate(range(0, outlets, chunk)):
            n = min(chunk, outlets - first)
            sim = simulate(n, days, seed + k, start=START, tz=TZ)
            readings = sim.readings
            renamed = [f"610115{first + i + 1:08d}" for i in range(n)]
            readings["mn"] = readings["mn"].cat.rename_categories(renamed)
            for i, site in enumerate(sim.registry_sites):
                site.update(mn=renamed[i], name=f"Outlet {first + i + 1}")
                site["enterprise"] = f"E{first + i + 1:05d}"
                sites.append(site)
            for _, outlet in readings.groupby("mn", observed=True, sort=True):
                for writer in writers:
                    writer.write(outlet)
            rows += len(readings)
            del sim, readings
            print(f"  written {first + n}/{outlets} outlets ({rows:,} readings)", flush=True)
    finally:
        for writer in writers:
            writer.close()
    (where / "sites.toml").write_text(registry_toml(sites), encoding="utf-8")
    done = {
        "params": params,
        "readings": rows,
        "seconds": round(time.monotonic() - began, 1),
        "files": len(list((where / "history").rglob("*.parquet"))),
        "bytes": sum(p.stat().st_size for p in (where / "history").rglob("*.parquet")),
    }
    marker.write_text(json.dumps(done))
    return done


# -- one run of monitor detect ------------------------------------------------------------------


@dataclass
class Run:
    label: str
    seconds: float
    peaks_mb: list[float]  # the main process first, then the others by size
    findings: Path
    code: int
    stderr: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def tree_peaks_mb(proc: subprocess.Popen[bytes], interval: float = 0.1) -> list[float]:
    """Poll ``proc`` and its descendants every ``interval`` seconds until it exits: the peak RSS
    (MB, the kernel's high-water marks) of its main process, then of the others by size. (Not
    ``wait4``'s ``ru_maxrss``: a child started by a large process reports that process's size,
    since exec keeps the high-water mark of the memory it replaces.)"""
    peaks: dict[int, int] = {}
    while proc.poll() is None:
        todo, seen = [proc.pid], set()
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            hwm = _hwm_kb(pid)
            if hwm is not None:
                peaks[pid] = max(peaks.get(pid, 0), hwm)
            todo += _children(pid)
        time.sleep(interval)
    main_peak = peaks.pop(proc.pid, 0)
    return [p / 1024 for p in (main_peak, *sorted(peaks.values(), reverse=True))]


def detect_run(
    label: str,
    args: list[str],
    out: Path,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Run:
    """`monitor detect ARGS` as a fresh process, findings into ``out``; the peak RSS of every
    process of its tree (polled high-water marks). ``cwd``: the source tree whose ``monitor``
    runs (``python -m`` puts it first on the path)."""
    began = time.monotonic()
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [*MONITOR, "detect", "--no-progress", *args],
            stdout=sink,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()))  # type: ignore[union-attr]
        reader.start()
        peaks = tree_peaks_mb(proc)
        reader.join()
    seconds = time.monotonic() - began
    return Run(
        label,
        seconds,
        peaks,
        out,
        proc.returncode,
        b"".join(errors).decode(errors="replace"),
    )


def shown(run: Run, readings: int) -> str:
    peaks = ", ".join(f"{p:,.0f}" for p in run.peaks_mb[:6])
    more = f" (+{len(run.peaks_mb) - 6} more)" if len(run.peaks_mb) > 6 else ""
    return (
        f"{run.label:<34} {run.seconds:8.1f} s {readings / run.seconds:12,.0f} readings/s   "
        f"peak RSS MB [main, others]: [{peaks}]{more}"
    )


def detector_args(choice: str) -> list[str]:
    if choice == "all":
        return []
    if choice == "outlet":
        from detectors import FleetDetector, build

        return [
            "--detectors",
            ",".join(d.name for d in build() if not isinstance(d, FleetDetector)),
        ]
    return ["--detectors", choice]


def has_dask() -> bool:
    text = subprocess.run(
        [*MONITOR, "detect", "--help"], capture_output=True, text=True, cwd=ROOT
    ).stdout
    return "--dask" in text


# -- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outlets", type=int, default=1000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--small", type=int, default=100, help="outlets of the one-file comparison")
    ap.add_argument("--chunk", type=int, default=50, help="outlets simulated at a time")
    ap.add_argument("--seed", type=int, default=61)
    ap.add_argument("--data", type=Path, default=Path("/tmp/e1-data"))
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=None, help="--jobs of monitor detect")
    ap.add_argument("--detectors", default="all", help="all, outlet (no fleet detector) or names")
    ap.add_argument("--dask", choices=["auto", "yes", "no"], default="auto")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--skip-small", action="store_true")
    ap.add_argument(
        "--baseline-tree",
        type=Path,
        help="a source tree of an earlier commit (git archive COMMIT | tar -x -C DIR): its "
        "monitor detect over the CSV file runs interleaved with this tree's, as the baseline",
    )
    ap.add_argument(
        "--csv-only",
        action="store_true",
        help="in the one-file comparison, only the CSV file (and the baseline tree's run)",
    )
    ap.add_argument(
        "--db",
        action="store_true",
        help="also the small year through a SQLite store: imported from the dataset outlet by "
        "outlet and detected (one run), then detected from the store alone (--db input)",
    )
    args = ap.parse_args(argv)
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    which = detector_args(args.detectors)
    runs_dir = args.data / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    print(f"detectors: {args.detectors}; jobs: {args.jobs or 'default (the CPUs)'}; "
          f"CPUs here: {len(os.sched_getaffinity(0))}")  # fmt: skip

    if not args.skip_small:
        small = args.data / f"year-{args.small}"
        print(f"\n== {args.small} outlets x {args.days} days: dataset against one file ==")
        info = ensure_year(small, args.small, args.days, args.seed + 500, args.chunk, files=True)
        n = info["readings"]
        print(f"{n:,} readings; dataset {info['files']} files, {info['bytes'] / 1e6:,.0f} MB; "
              f"CSV {(small / 'readings.csv').stat().st_size / 1e6:,.0f} MB")  # fmt: skip
        inputs = {"one CSV file": (small / "readings.csv", ROOT)}
        if args.baseline_tree is not None:
            inputs["one CSV file, baseline tree"] = (small / "readings.csv", args.baseline_tree)
        if not args.csv_only:
            inputs["one Parquet file (exported)"] = (small / "readings.parquet", ROOT)
            inputs["Parquet dataset (directory)"] = (small / "history", ROOT)
        sites = ["--sites", str(small / "sites.toml")]
        results: dict[str, list[Run]] = {k: [] for k in inputs}
        for r in range(args.repeat):
            for k, (label, (path, tree)) in enumerate(inputs.items()):
                run = detect_run(label, ["--readings", str(path), *sites, *jobs, *which],
                                 runs_dir / f"small-{k}-{r}.jsonl", cwd=tree)  # fmt: skip
                if run.code != 0:
                    print(f"{label}: exit {run.code}: {run.stderr.strip()[-2000:]}")
                    return 1
                results[label].append(run)
                print("  " + shown(run, n), flush=True)
        base = next(iter(results.values()))[0].findings.read_bytes()
        print(f"\nmedians of {args.repeat} (interleaved):")
        for label, runs in results.items():
            same = all(run.findings.read_bytes() == base for run in runs)
            peaks = [statistics.median(r.peaks_mb[0] for r in runs)]
            if all(len(r.peaks_mb) > 1 for r in runs):  # the largest worker
                peaks.append(statistics.median(max(r.peaks_mb[1:]) for r in runs))
            seconds = statistics.median(r.seconds for r in runs)
            median = Run(label, seconds, peaks, runs[0].findings, 0)
            print(f"  {shown(median, n)}   findings identical to the CSV file's: {same}")
        csv_peak = statistics.median(max(r.peaks_mb) for r in results["one CSV file"])
        for label in ("one CSV file, baseline tree", "Parquet dataset (directory)"):
            if label in results:
                peak = statistics.median(max(r.peaks_mb) for r in results[label])
                print(f"  largest process: one CSV file {csv_peak:,.0f} MB against {label} "
                      f"{peak:,.0f} MB ({csv_peak / peak:.2f} x)")  # fmt: skip

    if args.db:
        small = args.data / f"year-{args.small}"
        info = ensure_year(small, args.small, args.days, args.seed + 500, args.chunk, files=True)
        n = info["readings"]
        store = small / "store.db"
        store.unlink(missing_ok=True)
        url = f"sqlite:///{store}"
        sites = ["--sites", str(small / "sites.toml")]
        print(f"\n== {args.small} outlets x {args.days} days through SQLite (--db) ==")
        steps = [
            ("dataset imported, then --db", ["--readings", str(small / "history")]),
            ("--db alone", []),
        ]
        if args.dask == "yes" or (args.dask == "auto" and has_dask()):
            steps.append(("--db on --dask local", ["--dask", "local"]))
        db_runs = []
        for k, (label, extra) in enumerate(steps):
            run = detect_run(label, [*extra, "--db", url, *sites, *which],
                             runs_dir / f"db-{k}.jsonl")  # fmt: skip
            if run.code != 0:
                print(f"{label}: exit {run.code}: {run.stderr.strip()[-2000:]}")
                return 1
            print("  " + shown(run, n), flush=True)
            db_runs.append(run)
        if len(db_runs) == 3:
            same = db_runs[2].findings.read_bytes() == db_runs[1].findings.read_bytes()
            print(f"  --db on --dask local: findings identical to --db alone's: {same}")

    if not args.skip_large:
        large = args.data / f"year-{args.outlets}"
        print(f"\n== {args.outlets} outlets x {args.days} days as a Parquet dataset ==")
        info = ensure_year(large, args.outlets, args.days, args.seed, args.chunk, files=False)
        n = info["readings"]
        print(f"{n:,} readings; {info['files']} files, {info['bytes'] / 1e6:,.0f} MB "
              f"(written in {info['seconds']:.0f} s)")  # fmt: skip
        sites = ["--sites", str(large / "sites.toml")]
        common = ["--readings", str(large / "history"), *sites, *which]
        in_process = detect_run("in process", [*common, *jobs], runs_dir / "large.jsonl")
        print("  " + shown(in_process, n), flush=True)
        if in_process.code != 0:
            print(in_process.stderr.strip()[-2000:])
            return 1
        lines = in_process.findings.read_bytes().count(b"\n")
        print(f"  {lines:,} findings")
        dask = args.dask == "yes" or (args.dask == "auto" and has_dask())
        if dask:
            run = detect_run("--dask local", [*common, "--dask", "local"],
                             runs_dir / "large-dask.jsonl")  # fmt: skip
            print("  " + shown(run, n), flush=True)
            if run.code != 0:
                print(run.stderr.strip()[-2000:])
                return 1
            same = run.findings.read_bytes() == in_process.findings.read_bytes()
            print(f"  --dask local findings identical to the in-process run's: {same}")
        elif args.dask == "auto":
            print("  --dask: monitor detect has no --dask option yet; not run (--dask yes forces)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
