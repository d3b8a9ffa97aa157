"""Do honest enterprises stay green? `monitor detect --db` then `monitor score` on a labelled fleet.

For each seed of the independent generator (`bench/independent_fleet.py`), the fleet is written
to files, imported and run through history detection with the real command line
(``monitor detect --readings ... --db ...``, which records leads and scores), and the scores are
read back with ``monitor score --format json`` at the end of the data. A *clean* enterprise is one
none of whose outlets carries any label (no falsification and no exceedance): each of them should
be green. *Honest* enterprises (no falsification, exceedances allowed: a real exceedance rightly
costs points) are counted too, and among them those whose integrity and validity leads alone
would take them out of green (100 plus those leads' points below 90). The baseline printed beside
them is the share of falsifying enterprises that are not green (what the scores are for).

With ``--generator honest`` the fleet is the honest generator's (`bench/honest_fleet.py`, honest
plants only, written without the detectors): no enterprise falsifies, an outlet with a valid
reading over its limit counts as one with an exceedance (the generator labels none), and the
figure that matters is the honest enterprises out of green on integrity and validity leads alone.
Its seeds 1-50 are tuning seeds; 221-225 were spent on 2026-12-07 (twenty-second session, run on
the start code 3a726a2 and the final code), 321-325 (twenty-third session, 2026-12-07, the same way, start
code ff2ee43), 421-425 (twenty-fourth session, 2026-12-07, the same way, start code 7b03e48),
521-525 (twenty-fifth session, 2026-12-07, the same way, start code 1bc9f1e), 621-625
(twenty-sixth session, 2026-12-07, the same way, start code 11237d9), 721-725 (its second cycle,
start code 9d4b2dd), 821-825, 921-925 and 1021-1025 (twenty-seventh session, 2026-12-07, its three
cycles, the same way, start codes b8359b7, 8c8bd32 and d2580c4), 1121-1125 (twenty-eighth session,
2026-12-07, the same way, start code 65510b1), 1221-1225 (twenty-ninth session, 2026-12-07, the
same way, start code 0c5e20e), 1321-1325 (thirtieth session, 2026-12-07, the same way, start
code bb463c0); its default, 1421-1425, are fresh evaluation seeds. Seeds 1-5, 11-15, 21-25 and 31-35 were
looked at by the twenty-fourth session's scoring helper (tuning seeds).

Seeds: the independent generator's default, 4221-4225, are fresh evaluation seeds of the independent generator (never tuned
on). Used for claims already, so no longer unseen: 201-205, and 921-925 (2026-12-05, run on the
code before that session's changes and on its final code), 951-955 (the third session of
2026-12-05, the same way), 981-985 (the fourth session of 2026-12-05, the same way), 1011-1015 (the fifth, the same
way), 1121-1125 and 1221-1225 (the sixth, the same way), 1321-1325 (the seventh, the same way), 1421-1425 (the
eighth, the same way), 1521-1525 (the ninth, the same way), 1621-1625 (the tenth, the same way),
1721-1725 (the eleventh, the same way), 1821-1825 and 1921-1925 (the twelfth, the same way), 2121-2125
(the thirteenth, 2026-12-06, the same way), 2221-2225 (the fourteenth, 2026-12-06, the same way), 2321-2325
(the fifteenth, 2026-12-06, the same way), 2421-2425 (the sixteenth, 2026-12-06, the same way),
2521-2525 (the seventeenth, 2026-12-06, the same way), 2621-2625 (the eighteenth, 2026-12-06, the
same way), 2721-2725 (the nineteenth, 2026-12-06, the same way), 2821-2825 (the twentieth, 2026-12-06/07, the
same way), 2921-2925 (the twenty-first, 2026-12-07, the same way), 3021-3025 (the twenty-second, 2026-12-07, the
same way), 3121-3125 (the twenty-third, 2026-12-07, the same way), 3221-3225 (the twenty-fourth,
2026-12-07, the same way), 3321-3325 (the twenty-fifth, 2026-12-07, the same way), 3421-3425 (the twenty-sixth, 2026-12-07, the
same way), 3521-3525 (its second cycle, the same way), 3621-3625, 3721-3725 and 3821-3825 (the
twenty-seventh's three cycles, the same way), 3921-3925 (the twenty-eighth, the same way), 4021-4025 (the twenty-ninth, the same way), 4121-4125 (the thirtieth, the same way). Seeds 41-50
(40 outlets, share 0.3) were looked at by the twenty-fifth session for falsifiers left green
(tuning seeds).

Usage: python bench/bench_honest_scores.py [--generator independent|honest] [--seeds 4021,4022]
       [--outlets 40] [--days 180]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(1, str(ROOT))

import honest_fleet  # noqa: E402
from independent_fleet import generate, write  # noqa: E402

from monitor.registry import Registry, load_registry  # noqa: E402
from monitor.store.readings_files import write_readings  # noqa: E402

MONITOR = [sys.executable, "-m", "monitor.cli"]
#: The commands run this checkout's code, not whichever copy the interpreter has installed (a
#: worktree of an older commit, measured as a baseline, must not score with the newest code).
CHECKOUT_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)}  # fmt: skip


def _sign(rule: str) -> bool:
    """A ledger rule of a sign of falsification or of invalid data (not a measured fact)."""
    return ".".join(rule.split(":")[-1:]).split(".")[0] in ("integrity", "validity")


#: Fresh evaluation seeds per generator (the honest generator's 1-50 are tuning seeds).
EVALUATION = {"independent": "4221,4222,4223,4224,4225", "honest": "1421,1422,1423,1424,1425"}


def _fleet(
    generator: str, seed: int, outlets: int, days: int, share: float, out: Path
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Write one fleet's sites.toml and readings.csv to ``out``: (readings, labels)."""
    if generator == "honest":  # honest plants only: no label, no falsifying enterprise
        text, readings = honest_fleet.generate(outlets, days, seed)
        out.mkdir(parents=True, exist_ok=True)
        (out / "sites.toml").write_text(text, encoding="utf-8")
        write_readings(readings, out / "readings.csv")
        return readings, honest_fleet.empty_labels()
    sites, readings, labels = generate(outlets, days, seed, falsifying_share=share)
    write(out, sites, readings, labels)
    return readings, labels


def _over_limit(readings: pd.DataFrame, registry: Registry) -> set[str]:
    """Outlets (MN) with a valid reading (flag N or T) outside their limit: an honest
    generator's fleet carries no exceedance labels, so they are read off the data."""
    specs = registry.specs()
    over: set[str] = set()
    valid = readings[readings["flag"].isin(["N", "T"])]
    for (mn, code), rows in valid.groupby(["mn", "pollutant"], observed=True):
        spec = specs[str(mn)].pollutants.get(str(code))
        if spec is None or spec.upper_limit is None:
            continue
        lo, hi = spec.limit_range or (None, spec.upper_limit)
        v = rows["value"]
        if (hi is not None and (v > hi).any()) or (lo is not None and (v < lo).any()):
            over.add(str(mn))
    return over


def run_seed(
    generator: str, seed: int, outlets: int, days: int, share: float, tmp: Path
) -> dict[str, object]:
    out = tmp / f"seed{seed}"
    readings, labels = _fleet(generator, seed, outlets, days, share, out)
    registry = load_registry(out / "sites.toml")
    if generator == "honest":  # an honest outlet over its limit is labelled as an exceedance
        over = _over_limit(readings, registry)
        labels = pd.DataFrame({"mn": sorted(over), "pattern": "exceedance", "detail": ""})
    db = f"sqlite:///{out / 'ow.db'}"
    env_files = ["--sites", str(out / "sites.toml")]
    t0 = time.perf_counter()
    subprocess.run(
        [*MONITOR, "detect", "--readings", str(out / "readings.csv"), "--db", db, *env_files,
         "--lang", "en", "--no-progress"],
        check=True, stdout=subprocess.DEVNULL, cwd=out, env=CHECKOUT_ENV,
    )  # fmt: skip
    seconds = time.perf_counter() - t0
    at = (readings["ts"].max() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    raw = subprocess.run(
        [*MONITOR, "score", "--db", db, *env_files, "--at", at, "--format", "json"],
        check=True, capture_output=True, text=True, cwd=out, env=CHECKOUT_ENV,
    ).stdout  # fmt: skip
    scores = {row["enterprise"]: row for row in json.loads(raw)}
    enterprise_of = {site.mn: site.enterprise for site in registry}
    labelled = {enterprise_of[m] for m in labels["mn"]}
    source = labels["detail"].fillna("").astype(str).str.startswith("copied_by=")
    falsifying = {
        enterprise_of[m] for m in labels.loc[(labels["pattern"] != "exceedance") & ~source, "mn"]
    }
    clean = sorted(set(enterprise_of.values()) - labelled)
    not_green = [e for e in clean if scores[e]["colour"] != "green"]
    honest = sorted(set(enterprise_of.values()) - falsifying)
    honest_not_green = [e for e in honest if scores[e]["colour"] != "green"]
    # out of green on signs alone: 100 plus the points of integrity and validity leads
    signs_only = [
        e
        for e in honest
        if 100 + sum(d["points"] for d in scores[e]["deductions"] if _sign(d["rule"])) < 90
    ]
    caught = [e for e in falsifying if scores[e]["colour"] != "green"]
    return {
        "seed": seed,
        "clean": len(clean),
        "clean_not_green": [(e, scores[e]["score"], scores[e]["colour"]) for e in not_green],
        "honest": len(honest),
        "honest_not_green": len(honest_not_green),
        "honest_out_on_signs": len(signs_only),
        "falsifying": len(falsifying),
        "falsifying_not_green": len(caught),
        "seconds": seconds,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generator", choices=sorted(EVALUATION), default="independent")
    ap.add_argument("--seeds", help="default: the generator's fresh evaluation seeds")
    ap.add_argument("--outlets", type=int, default=40)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--share", type=float, default=0.3)
    args = ap.parse_args()
    share = 0.0 if args.generator == "honest" else args.share
    seeds = args.seeds or EVALUATION[args.generator]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            run_seed(args.generator, int(s), args.outlets, args.days, share, Path(tmp))
            for s in seeds.split(",")
        ]
    print(f"{args.generator} fleet, {args.outlets} outlets x {args.days} days, share {share}")
    print(
        f"{'seed':>5s} {'clean':>6s} {'not green':>10s} {'honest':>7s} {'not green':>10s} "
        f"{'on signs':>9s} {'falsifying':>11s} {'not green':>10s}"
    )
    for r in rows:
        print(
            f"{r['seed']:5d} {r['clean']:6d} {len(r['clean_not_green']):10d} {r['honest']:7d} "
            f"{r['honest_not_green']:10d} {r['honest_out_on_signs']:9d} {r['falsifying']:11d} "
            f"{r['falsifying_not_green']:10d}"
            f"   {r['seconds']:.0f} s"
        )
        for e, score, colour in r["clean_not_green"]:
            print(f"      clean {e}: {score} {colour}")
    clean = sum(r["clean"] for r in rows)
    bad = sum(len(r["clean_not_green"]) for r in rows)
    fals = sum(r["falsifying"] for r in rows)
    caught = sum(r["falsifying_not_green"] for r in rows)
    honest = sum(r["honest"] for r in rows)
    honest_bad = sum(r["honest_not_green"] for r in rows)
    on_signs = sum(r["honest_out_on_signs"] for r in rows)
    print(
        f"clean enterprises not green: {bad}/{clean}; honest (exceedances allowed) not green: "
        f"{honest_bad}/{honest}, of which out of green on integrity and validity leads alone: "
        f"{on_signs}/{honest}; falsifying enterprises not green "
        f"(baseline, what scores are for): {caught}/{fals}"
    )


if __name__ == "__main__":
    main()
