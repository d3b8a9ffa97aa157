"""`monitor simulate` then `monitor detect` end to end with click's CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from detectors import CATEGORIES
from monitor.cli import main

FIELDS = [
    "detector",
    "category",
    "mn",
    "pollutant",
    "start",
    "end",
    "severity",
    "confidence",
    "summary",
    "evidence",
]


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sim")
    result = CliRunner().invoke(
        main, ["simulate", "--out", str(out), "--outlets", "6", "--days", "20", "--seed", "4"]
    )
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} >= {"readings.csv", "sites.toml", "labels.csv"}
    return out


def detect(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["detect", *args])
    return result.exit_code, result.stdout, result.stderr


def test_findings_are_json_lines_with_the_design_fields(sim_dir: Path) -> None:
    code, out, err = detect(
        "--readings", str(sim_dir / "readings.csv"), "--sites", str(sim_dir / "sites.toml")
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines, "a simulation with exceedances gives findings"
    for line in lines:
        finding = json.loads(line)
        assert list(finding) == FIELDS
        assert finding["category"] in CATEGORIES
        assert finding["start"].endswith("+08:00") and finding["start"] <= finding["end"]


def test_jobs_give_the_same_lines_in_the_same_order(sim_dir: Path) -> None:
    files = ["--readings", str(sim_dir / "readings.csv"), "--sites", str(sim_dir / "sites.toml")]
    outputs = []
    for jobs in ("1", "2", "3"):
        code, out, err = detect(*files, "--jobs", jobs)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]
    code, _, err = detect(*files, "--jobs", "0")
    assert code == 2 and "--jobs" in err


def test_every_labelled_exceedance_is_found(sim_dir: Path) -> None:
    code, out, err = detect(
        "--readings",
        str(sim_dir / "readings.csv"),
        "--sites",
        str(sim_dir / "sites.toml"),
        "--detectors",
        "exceedance",
    )
    assert code == 0, err
    found = pd.DataFrame([json.loads(line) for line in out.splitlines()])
    assert set(found["detector"]) == {"exceedance"}
    labels = pd.read_csv(sim_dir / "labels.csv", dtype={"mn": str})
    labels = labels[labels["pattern"] == "exceedance"]
    assert len(labels) > 0
    for _, label in labels.iterrows():
        mine = found[(found["mn"] == label["mn"]) & (found["pollutant"] == label["pollutant"])]
        start, end = pd.to_datetime(mine["start"]), pd.to_datetime(mine["end"])
        hit = (start <= pd.Timestamp(label["end"])) & (end >= pd.Timestamp(label["start"]))
        assert hit.any(), label.to_dict()


def test_time_window_limits_findings(sim_dir: Path) -> None:
    code, out, _ = detect(
        "--readings",
        str(sim_dir / "readings.csv"),
        "--sites",
        str(sim_dir / "sites.toml"),
        "--detectors",
        "exceedance",
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-10",
    )
    assert code == 0
    for line in out.splitlines():
        finding = json.loads(line)
        assert pd.Timestamp(finding["start"]) >= pd.Timestamp("2026-01-05T00:00+08:00")
        assert pd.Timestamp(finding["end"]) < pd.Timestamp("2026-01-11T00:00+08:00")


def test_zh_summaries(sim_dir: Path) -> None:
    code, out, _ = detect(
        "--readings",
        str(sim_dir / "readings.csv"),
        "--sites",
        str(sim_dir / "sites.toml"),
        "--detectors",
        "exceedance",
        "--lang",
        "zh",
    )
    assert code == 0
    summaries = [json.loads(line)["summary"] for line in out.splitlines()]
    assert summaries and all(any("\u4e00" <= ch <= "\u9fff" for ch in s) for s in summaries)


def test_bad_inputs_give_one_line_and_exit_1(sim_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("mn,pollutant,ts,value,flag\n1,w01018,2026-06-03T04:00:00+08:00,1,Q\n")
    code, out, err = detect("--readings", str(bad), "--sites", str(sim_dir / "sites.toml"))
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"Error: {bad}: line 2, column 'flag': unknown flag 'Q'; use one of N F M S D C T B, "
        "or leave it empty when unknown"
    ]
    code, _, err = detect(
        "--readings",
        str(sim_dir / "readings.csv"),
        "--sites",
        str(sim_dir / "sites.toml"),
        "--detectors",
        "frozen,nosuch",
    )
    assert code == 1 and "unknown detector(s) nosuch" in err
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nmn = "1"\n')
    code, _, err = detect("--readings", str(sim_dir / "readings.csv"), "--sites", str(sites))
    assert code == 1 and str(sites) in err


def test_an_analysts_registry_needs_no_passwords(sim_dir: Path, tmp_path: Path) -> None:
    """History is analysed with a registry that has no device passwords: same findings."""
    text = (sim_dir / "sites.toml").read_text()
    bare = "\n".join(line for line in text.splitlines() if not line.startswith("password"))
    assert bare != text
    sites = tmp_path / "sites.toml"
    sites.write_text(bare)
    readings = str(sim_dir / "readings.csv")
    code, out, err = detect("--readings", readings, "--sites", str(sites), "--detectors", "frozen")
    assert code == 0, err
    code, with_pw, _ = detect(
        "--readings", readings, "--sites", str(sim_dir / "sites.toml"), "--detectors", "frozen"
    )
    assert code == 0 and out == with_pw and out


def test_unregistered_outlets_are_warned_about(sim_dir: Path, tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    text = (sim_dir / "sites.toml").read_text()
    sites.write_text(text[: text.index("[[site]]", 10)])  # keep only the first site
    code, out, err = detect(
        "--readings",
        str(sim_dir / "readings.csv"),
        "--sites",
        str(sites),
        "--detectors",
        "exceedance",
    )
    assert code == 0
    assert "warning: 5 outlet(s) not in" in err
    assert {json.loads(line)["mn"] for line in out.splitlines()} <= {"61011500000001"}


def test_json_lines_are_strict_json() -> None:
    import numpy as np

    from detectors import Finding

    t = pd.Timestamp("2026-06-01T00:00", tz="UTC")
    evidence = {"cv": float("nan"), "values": [1.0, float("inf")], "z": np.float64("-inf")}
    f = Finding("frozen", "integrity", "M1", "011", t, t, "low", 0.5, "s", evidence)
    line = f.to_json()
    assert json.loads(line)["evidence"] == {"cv": None, "values": [1.0, None], "z": None}
    assert f.to_dict()["evidence"] == {"cv": None, "values": [1.0, None], "z": None}


def test_db_imports_detects_and_opens_leads_idempotently(sim_dir: Path, db_url: str) -> None:
    """`--readings` with `--db` imports the file, detects over the stored history and opens
    leads; a second run over the same store opens nothing new and prints the same findings."""
    from monitor.casework.leads import list_leads
    from monitor.store.base import transaction
    from monitor.store.store import Store

    readings, sites = str(sim_dir / "readings.csv"), str(sim_dir / "sites.toml")
    code, first, err = detect("--readings", readings, "--db", db_url, "--sites", sites)
    assert code == 0, err
    assert "imported" in err and "leads opened" in err
    from_file = detect("--readings", readings, "--sites", sites)[1]
    # the stored history gives the same findings as the file
    assert sorted(first.splitlines()) == sorted(from_file.splitlines())
    store = Store(db_url)
    with transaction(store.engine) as s:
        lead_outlets = {x.mn for x in list_leads(s)}
        n_leads = len(list_leads(s))
    assert lead_outlets == {json.loads(line)["mn"] for line in first.splitlines()}

    code, second, err = detect("--db", db_url, "--sites", sites)
    assert code == 0, err
    assert "stored 0 new findings; leads opened 0, escalated 0" in err
    assert sorted(second.splitlines()) == sorted(first.splitlines())
    with transaction(store.engine) as s:
        assert len(list_leads(s)) == n_leads
    store.close()


def test_needs_readings_or_db(sim_dir: Path) -> None:
    code, _, err = detect("--sites", str(sim_dir / "sites.toml"))
    assert code == 1 and "give --readings FILE, --db URL, or both" in err


def test_export_round_trips_what_detect_imported(sim_dir: Path, tmp_path: Path) -> None:
    """`monitor export` writes the stored history in the readings format; detecting over the
    exported file gives what detecting over the original file gave."""
    db = f"sqlite:///{tmp_path / 'x.db'}"
    readings, sites = str(sim_dir / "readings.csv"), str(sim_dir / "sites.toml")
    code, from_file, err = detect("--readings", readings, "--db", db, "--sites", sites)
    assert code == 0, err
    out = tmp_path / "exported.parquet"
    result = CliRunner().invoke(main, ["export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    original = pd.read_csv(sim_dir / "readings.csv")
    assert len(pd.read_parquet(out)) == len(original)
    code, again, err = detect("--readings", str(out), "--sites", sites)
    assert code == 0, err
    assert sorted(again.splitlines()) == sorted(from_file.splitlines())
    bad = CliRunner().invoke(main, ["export", "--db", db, "--out", str(tmp_path / "x.txt")])
    assert bad.exit_code == 1 and "use a .csv, .parquet or .xlsx" in bad.output


def test_db_records_registered_outlets_and_skips_unknown_ones(
    sim_dir: Path, tmp_path: Path
) -> None:
    """An outlet in the readings but not in the registry is checked without limits, reported,
    and its findings are not recorded (a lead needs an enterprise); the others are recorded."""
    readings = pd.read_csv(sim_dir / "readings.csv", dtype={"mn": str})
    stranger = readings[readings["mn"] == readings["mn"].iloc[0]].assign(mn="99999999999999")
    both = tmp_path / "with-stranger.csv"
    pd.concat([readings, stranger]).to_csv(both, index=False)
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, out, err = detect(
        "--readings", str(both), "--db", db, "--sites", str(sim_dir / "sites.toml")
    )
    assert code == 0, err
    assert "not in" in err and "99999999999999" in err
    # an exact copy of another outlet: at least the copied-data finding names it
    assert any(json.loads(line)["mn"] == "99999999999999" for line in out.splitlines())
    assert "findings of unregistered outlets not recorded" in err


def test_conflicting_rows_and_non_finite_values_give_one_line(
    sim_dir: Path, tmp_path: Path
) -> None:
    row = "1,w01018,2026-06-03T04:00:00+08:00,{},N\n"
    sites = str(sim_dir / "sites.toml")
    bad = tmp_path / "bad.csv"
    bad.write_text("mn,pollutant,ts,value,flag\n" + row.format(1) + row.format(2))
    code, out, err = detect("--readings", str(bad), "--sites", sites)
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == [
        f"Error: {bad}: lines 2 and 3: two different readings of mn 1 pollutant w01018 kind hour "
        "at 2026-06-02T20:00:00+00:00 (value 1.0 flag N, then value 2.0 flag N); keep the right "
        "one and delete the other"
    ]
    bad.write_text("mn,pollutant,ts,value,flag\n" + row.format("1e999"))
    code, out, err = detect("--readings", str(bad), "--sites", sites)
    assert (code, out) == (1, "")
    assert err.strip().splitlines() == [
        f"Error: {bad}: line 2, column 'value': '1e999' is not a finite number; write the "
        "measured value, or leave the cell empty when it is unknown"
    ]


@pytest.mark.parametrize("given", [None, "10"])
def test_the_command_tells_arrow_to_give_memory_back_unless_told(given: str | None) -> None:
    """Arrow's mimalloc pool keeps a large Parquet file's freed pages for the whole run unless
    told before pyarrow is imported; the command tells it, an operator's own setting kept."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    if given is not None:
        env["MIMALLOC_PURGE_DELAY"] = given
    code = (
        "import os, monitor.cli, pyarrow as pa; "
        "print(pa.default_memory_pool().backend_name, os.environ['MIMALLOC_PURGE_DELAY'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["mimalloc", given or "0"]
