"""Detection speed: the whole catalogue on one core, and `monitor detect` end to end, against SaQC.

On the same simulated data (default 100 outlets x 365 days of hourly COD, NH3-N, TP, TN, pH and
flow, about 5 million readings) in the same run:

1. catalogue: every detector over every outlet in process (readings already in memory), with
   the time per detector and for preparing each outlet's data once; readings/s (the median of
   ``--repeat`` runs: a 5-second figure on a shared machine is easily hit by a busy moment);
2. SaQC checks in process: `flagConstants` (thresh 0, window 24 h), `flagRange` (the analyser
   range) and `flagJumps` (a jump of 30 % of the range within 6 h) on each outlet's six
   hourly series (data already in memory, one wide frame per outlet); readings/s;
3. end to end, each as a fresh process: `monitor detect --readings FILE.csv --sites sites.toml`
   (file in, JSON Lines out) against a SaQC script doing file in (pandas `read_csv`), the three
   checks, flagged points out (CSV). `monitor detect` runs on its defaults (``--jobs`` = the
   CPUs, Arrow reading with its thread pool) and with ``--jobs 1``, the BLAS/Arrow thread
   pools set to 1 and the process pinned to one CPU (one core), ``--repeat`` times each,
   interleaved, and the median is compared (the SaQC script, ~70 s, runs once); the two
   outputs must be identical. The SaQC script
   runs without thread limits (pandas' reader and SaQC's checks are single-threaded). As
   `make setup` does, the project's modules are compiled once first (this environment sets
   PYTHONDONTWRITEBYTECODE=1; SaQC's installed modules are compiled by pip).

4. with ``--baseline REV`` (repeatable): `monitor detect` on its defaults from a git worktree of
   each REV (a commit of this repository, checked out in a temporary folder and removed at the
   end), interleaved with this tree's runs, the order rotated at each repeat (use a multiple
   of the number of trees for ``--repeat``, so that each takes every place equally): median
   and spread of the wall seconds, readings/s, peak RSS (the largest process of the run, its
   high-water mark polled every 20 ms) and whether the findings are byte-identical to this
   tree's. ``--e2e-only`` skips parts 1 and 2, the SaQC script and the one-core runs (a speed
   check against earlier commits in a few minutes).

Parts 1 and 2 run on one core (BLAS and Arrow thread pools set to 1). SaQC is installed in the
project venv (`pip install saqc`; saqc 2.9 runs on pandas 3).

Usage: python bench/bench_detect_speed.py [--outlets 100] [--days 365]
       python bench/bench_detect_speed.py --e2e-only --repeat 5 --baseline 383a478 --baseline HEAD
"""

from __future__ import annotations

import os

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
FREE_ENV = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}  # before the limits
for _var in THREAD_VARS:
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors import FleetDetector, OutletData, build, run_fleet  # noqa: E402
from monitor.detection.batch import default_jobs, split_outlets  # noqa: E402
from monitor.simulation.fleet import Simulation, registry_toml  # noqa: E402
from monitor.simulation.simulator import simulate  # noqa: E402
from monitor.store.readings_files import write_readings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
pa.set_cpu_count(1)
pa.set_io_thread_count(1)
JUMP_SHARE = 0.3


def warm_imports() -> None:
    """Load the libraries both sides use lazily (scikit-learn for peer_outlier, saqc), so the
    in-process figures compare steady-state work; the end-to-end runs pay every import."""
    import saqc  # noqa: F401
    import sklearn.ensemble  # noqa: F401


def catalogue_speed(readings: pd.DataFrame, specs: dict) -> tuple[float, dict[str, float], int]:
    """Seconds for the whole catalogue, seconds per detector (and 'prepare'), findings count."""
    detectors = build()
    own = [d for d in detectors if not isinstance(d, FleetDetector)]
    fleet = [d for d in detectors if isinstance(d, FleetDetector)]
    per: dict[str, float] = defaultdict(float)
    kept = []
    count = 0
    t0 = time.perf_counter()
    for mn, frame in split_outlets(readings):
        t = time.perf_counter()
        outlet = OutletData(frame, specs[mn])
        _ = outlet.wide_array, outlet.wide_flag_codes  # the shared grids, built once per outlet
        per["(prepare outlet)"] += time.perf_counter() - t
        for d in own:
            t = time.perf_counter()
            count += len(d.detect(outlet))
            per[d.name] += time.perf_counter() - t
        kept.append(outlet)
    for d in fleet:
        t = time.perf_counter()
        count += len(run_fleet(kept, [d]))
        per[d.name + " (fleet)"] += time.perf_counter() - t
    return time.perf_counter() - t0, dict(per), count


def saqc_checks(wide: pd.DataFrame, ranges: dict[str, tuple[float, float]]):
    """The three SaQC checks on one outlet's wide hourly frame; returns the flags frame."""
    import saqc

    qc = saqc.SaQC(wide)
    for col in wide.columns:
        lo, hi = ranges.get(col, (0.0, float("inf")))
        qc = qc.flagConstants(col, thresh=0, window="24h")
        qc = qc.flagRange(col, min=lo, max=hi)
        if hi != float("inf"):
            qc = qc.flagJumps(col, thresh=JUMP_SHARE * (hi - lo), window="6h")
    return qc.flags


def outlet_wide(frame: pd.DataFrame) -> pd.DataFrame:
    """One outlet's valid readings as a wide hourly frame (naive UTC index, one column per code)."""
    wide = frame.pivot_table(index="ts", columns="pollutant", values="value", observed=True)
    wide.index = wide.index.tz_convert("UTC").tz_localize(None)
    wide.columns = [str(c) for c in wide.columns]
    full = pd.date_range(wide.index.min(), wide.index.max(), freq="h")
    return wide.reindex(full)


def ranges_of(site: dict) -> dict[str, tuple[float, float]]:
    return {code: tuple(p["range"]) for code, p in site["pollutants"].items() if "range" in p}


def saqc_in_process(readings: pd.DataFrame, sites: dict) -> tuple[float, int]:
    t0 = time.perf_counter()
    flagged = 0
    for mn, frame in split_outlets(readings):
        flags = saqc_checks(outlet_wide(frame), ranges_of(sites[mn]))
        flagged += int(sum((flags[c] > 0).sum() for c in flags.columns))
    return time.perf_counter() - t0, flagged


def saqc_end_to_end(readings_csv: Path, sites_toml: Path, out_csv: Path) -> None:
    """File in (pandas read_csv), the three checks per outlet, flagged points out (CSV)."""
    import tomllib

    sites = {s["mn"]: s for s in tomllib.loads(sites_toml.read_text())["site"]}
    frame = pd.read_csv(readings_csv, dtype={"mn": str})
    frame["ts"] = pd.to_datetime(frame["ts"], format="ISO8601", utc=True)
    frame = frame[frame["flag"].isin(["N", "T"])]
    rows = []
    for mn, part in frame.groupby("mn", sort=True):
        flags = saqc_checks(outlet_wide(part), ranges_of(sites[mn]))
        for col in flags.columns:
            hit = flags[col] > 0
            if hit.any():
                rows.append(pd.DataFrame({"mn": mn, "pollutant": col, "ts": flags[col].index[hit]}))
    pd.concat(rows).to_csv(out_csv, index=False) if rows else out_csv.write_text("")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds) + " s"


def timed(cmd: list[str], stdout: Path, *, one_core: bool = False) -> float:
    """Wall seconds of ``cmd`` as a fresh process; with ``one_core``, thread pools at 1 and the
    process pinned to CPU 0 (``taskset``, when the system has it)."""
    return timed_rss(cmd, stdout, one_core=one_core)[0]


def timed_rss(
    cmd: list[str], stdout: Path, *, one_core: bool = False, root: Path = ROOT
) -> tuple[float, float, float]:
    """`timed`, run from the tree ``root``, with the peak RSS in MB of the run's largest process
    (its process tree's high-water marks, polled every 20 ms: `bench_history_scale.tree_peaks_mb`;
    ``wait4``'s figure would be this bench's own size, several hundred MB with the simulated
    readings in memory, whenever the run stays under it) and the CPU seconds (user + system) of
    its process tree: on this shared 2-core machine another's load moves the wall time of a
    5-second run by seconds, the CPU by a few per cent."""
    import resource

    from bench_history_scale import tree_peaks_mb

    env = {**(os.environ if one_core else FREE_ENV), "PYTHONPATH": str(root)}
    if one_core and shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with stdout.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, cwd=root, env=env)
        peaks = tree_peaks_mb(proc, interval=0.02)
    seconds = time.perf_counter() - t0
    if proc.wait():
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # its workers were waited for by it
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, max(peaks), cpu


def _spread(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})"


def compare_commits(
    revs: list[str], csv: Path, sites_toml: Path, folder: Path, repeat: int, n: int
) -> None:
    """`monitor detect` end to end from this tree and from a worktree of each of ``revs``,
    interleaved, ``repeat`` times each (part 4 of the module's doc)."""
    trees: dict[str, Path] = {"this tree": ROOT}
    made: list[Path] = []
    try:
        for rev in revs:
            tree = folder / f"tree-{len(made)}"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-f", str(tree), rev],
                check=True,
                cwd=ROOT,
                capture_output=True,
            )
            made.append(tree)
            subprocess.run(
                [sys.executable, "-m", "compileall", "-q", "ingest", "detectors", "monitor"],
                check=True,
                cwd=tree,
                capture_output=True,
            )
            trees[rev] = tree
        files = ["--readings", str(csv), "--sites", str(sites_toml)]
        monitor = [sys.executable, "-m", "monitor.cli", "detect", "--no-progress", *files]
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
        order = list(enumerate(trees.items()))
        for r in range(repeat):  # interleaved, so that a busy moment hits every tree alike,
            # and rotated: on this VM an earlier commit's run right after this tree's was up to
            # 2.2x slower (kernel time in its whole-file read), so each takes each place in turn
            for k, (name, tree) in order[r % len(order) :] + order[: r % len(order)]:
                runs[name].append(timed_rss(monitor, folder / f"c{k}.jsonl", root=tree))
        mine = (folder / "c0.jsonl").read_bytes()
        print(f"\nmonitor detect end to end, defaults, {repeat} interleaved runs each:")
        for k, (name, got) in enumerate(runs.items()):
            seconds, rss, cpu = ([g[i] for g in got] for i in range(3))
            same = (folder / f"c{k}.jsonl").read_bytes() == mine
            print(
                f"  {name:12s} {_spread(seconds)}, {n / statistics.median(seconds):,.0f} "
                f"readings/s, CPU {_spread(cpu)}, peak RSS {statistics.median(rss):,.0f} MB "
                f"(max {max(rss):,.0f}), findings {'identical' if same else 'DIFFERENT'}  "
                f"({_runs(seconds)})"
            )
    finally:
        for tree in made:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True
            )


def _write(sim: Simulation, folder: Path) -> tuple[Path, Path]:
    """The simulated readings as CSV and its sites.toml in ``folder``; this tree's modules
    compiled once, as `make setup` does."""
    csv = write_readings(sim.readings, folder / "readings.csv")
    sites_toml = folder / "sites.toml"
    sites_toml.write_text(registry_toml(sim.registry_sites))
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "ingest", "detectors", "monitor"],
        check=True,
        cwd=ROOT,
    )
    return csv, sites_toml


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outlets", type=int, default=100)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--repeat", type=int, default=3, help="end-to-end runs of monitor detect (median shown)"
    )
    ap.add_argument(
        "--baseline",
        action="append",
        default=[],
        metavar="REV",
        help="also run monitor detect end to end from a worktree of this commit (repeatable)",
    )
    ap.add_argument(
        "--e2e-only",
        action="store_true",
        help="only the end-to-end comparison with --baseline (no catalogue, SaQC, one core)",
    )
    ap.add_argument("--saqc-e2e", nargs=3, metavar=("CSV", "SITES", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.saqc_e2e:
        saqc_end_to_end(*(Path(p) for p in args.saqc_e2e))
        return

    sim = simulate(args.outlets, args.days, args.seed)
    readings, specs = sim.readings, sim.specs()
    sites = {s["mn"]: s for s in sim.registry_sites}
    n = len(readings)
    print(
        f"data: {args.outlets} outlets x {args.days} days hourly = {n:,} readings (seed {args.seed})"
    )

    if args.e2e_only:
        if not args.baseline:
            ap.error("--e2e-only compares with --baseline REV")
        with tempfile.TemporaryDirectory() as tmp:
            csv, sites_toml = _write(sim, Path(tmp))
            compare_commits(args.baseline, csv, sites_toml, Path(tmp), args.repeat, n)
        return

    warm_imports()
    trials = sorted(
        (catalogue_speed(readings, specs) for _ in range(args.repeat)), key=lambda r: r[0]
    )
    seconds, per, count = trials[len(trials) // 2]  # the median run, with its breakdown
    print(
        f"\ncatalogue in process (libraries loaded): {seconds:.2f} s, {n / seconds:,.0f} readings/s, "
        f"{count} findings  (median of {_runs([t[0] for t in trials])})"
    )
    for name, s in sorted(per.items(), key=lambda kv: -kv[1]):
        print(f"  {name:26s} {s:7.2f} s  {n / s:14,.0f} readings/s")

    s_seconds, flagged = saqc_in_process(readings, sites)
    print(
        f"SaQC (flagConstants, flagRange, flagJumps) in process: {s_seconds:.2f} s, "
        f"{n / s_seconds:,.0f} readings/s, {flagged:,} points flagged"
    )
    print(f"ratio catalogue / SaQC in process: {s_seconds / seconds:.1f}x")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv, sites_toml = _write(sim, folder)
        monitor = [sys.executable, "-m", "monitor.cli", "detect", "--no-progress"]
        files = ["--readings", str(csv), "--sites", str(sites_toml)]
        runs: dict[str, list[float]] = {"default": [], "one": []}
        for _ in range(args.repeat):  # interleaved, so that a busy moment hits both alike
            runs["default"].append(timed([*monitor, *files], folder / "f.jsonl"))
            runs["one"].append(
                timed([*monitor, *files, "--jobs", "1"], folder / "f1.jsonl", one_core=True)
            )
        e2e, e2e_one = statistics.median(runs["default"]), statistics.median(runs["one"])
        lines = sum(1 for _ in (folder / "f.jsonl").open())
        same = (folder / "f.jsonl").read_bytes() == (folder / "f1.jsonl").read_bytes()
        saqc_cmd = [
            sys.executable,
            __file__,
            "--saqc-e2e",
            str(csv),
            str(sites_toml),
            str(folder / "s.csv"),
        ]
        s_e2e = timed(saqc_cmd, folder / "s.out")
        print(
            f"\nend to end, CSV in ({csv.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} CPUs:\n"
            f"  monitor detect (defaults: --jobs {default_jobs()}): {e2e:.2f} s, "
            f"{n / e2e:,.0f} readings/s, {lines} findings  (median of {_runs(runs['default'])})\n"
            f"  monitor detect --jobs 1, one core: {e2e_one:.2f} s, {n / e2e_one:,.0f} readings/s, "
            f"output {'identical' if same else 'DIFFERENT'}  (median of {_runs(runs['one'])})\n"
            f"  SaQC script:    {s_e2e:.2f} s, {n / s_e2e:,.0f} readings/s\n"
            f"  ratio monitor detect / SaQC: {s_e2e / e2e:.1f}x (target >= 10x); "
            f"--jobs 1, one core: {s_e2e / e2e_one:.1f}x"
        )
        if args.baseline:
            compare_commits(args.baseline, csv, sites_toml, folder, args.repeat, n)
    print("targets: catalogue >= 1,000,000 readings/s on one core; detect end to end >= 10x SaQC")


if __name__ == "__main__":
    main()
