"""monitor.store.readings_dataset: readings as a Parquet dataset, read one outlet at a time;
`monitor export` writing one and `monitor detect --readings DIR|GLOB` reading it."""

from __future__ import annotations

import pickle
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.simulation.fleet import write_simulation
from monitor.simulation.simulator import simulate
from monitor.store.export import DatasetWriter, ReadingsWriter
from monitor.store.readings_dataset import (
    DatasetOutlets,
    ReadingsDataset,
    by_outlet,
    is_dataset,
)
from monitor.store.readings_files import ReadingsFileError, read_readings, write_readings


@pytest.fixture(scope="module")
def sim_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five outlets over 70 days (three months) as one Parquet file, with the registry."""
    out = tmp_path_factory.mktemp("sim")
    write_simulation(simulate(5, 70, 7, start=pd.Timestamp("2026-01-05")), out, fmt="parquet")
    return out


@pytest.fixture(scope="module")
def whole(sim_dir: Path) -> pd.DataFrame:
    return read_readings(sim_dir / "readings.parquet")


def _hive(whole: pd.DataFrame, root: Path, buckets: int = 3) -> Path:
    """The readings as `monitor export` writes a dataset (month/bucket partitions)."""
    with DatasetWriter(root, buckets=buckets) as writer:
        for _, rows in whole.groupby("mn", observed=True):
            writer.write(rows)
    return root


def _plain(whole: pd.DataFrame, root: Path) -> Path:
    """One plain file per month holding every outlet (several outlets per row group)."""
    root.mkdir()
    month = whole["ts"].dt.strftime("%Y-%m")
    for m in sorted(month.unique()):
        write_readings(whole[(month == m).to_numpy()], root / f"readings-{m}.parquet")
    return root


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """The same readings (labels compared as text, rows in (pollutant, kind, ts) order)."""

    def norm(f: pd.DataFrame) -> pd.DataFrame:
        f = f.astype({"mn": str, "pollutant": str, "kind": str, "flag": object})
        return f.sort_values(["pollutant", "kind", "ts"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(norm(a), norm(b))


@pytest.mark.parametrize("layout", ["hive", "plain"])
def test_each_outlet_read_alone_equals_its_rows_of_the_file(
    layout: str, whole: pd.DataFrame, tmp_path: Path
) -> None:
    root = _hive(whole, tmp_path / "h") if layout == "hive" else _plain(whole, tmp_path / "p")
    dataset = ReadingsDataset(root)
    mns = sorted(whole["mn"].astype(str).unique())
    assert dataset.outlets() == mns
    assert dataset.sizes().tolist() == [int((whole["mn"] == mn).sum()) for mn in mns]
    for mn in mns:
        _same(dataset.read(mn), whole[(whole["mn"] == mn).to_numpy()])
    if layout == "hive":
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))
        assert files[0] == "month=2026-01/bucket=0/part-0.parquet"
        assert {f.split("/")[0] for f in files} == {
            "month=2026-01",
            "month=2026-02",
            "month=2026-03",
        }


def test_reads_only_the_outlets_row_groups(whole: pd.DataFrame, tmp_path: Path) -> None:
    """Exported layout: reading an outlet decodes exactly its rows (the row groups found by the
    footers' statistics), nothing of the other outlets; a window skips whole months."""
    dataset = ReadingsDataset(_hive(whole, tmp_path / "h"))
    for mn, size in zip(dataset.outlets(), dataset.sizes(), strict=True):
        before = dataset.rows_read
        dataset.read(mn)
        assert dataset.rows_read - before == size
    mn = dataset.outlets()[0]
    before = dataset.rows_read
    february = dataset.read(mn, pd.Timestamp("2026-02-03", tz="UTC"), pd.Timestamp("2026-02-05"
                                                                                    , tz="UTC"))  # fmt: skip
    assert february["ts"].min() == pd.Timestamp("2026-02-03", tz="UTC")
    assert february["ts"].max() == pd.Timestamp("2026-02-05", tz="UTC")  # both ends inclusive
    rows = whole[(whole["mn"] == mn).to_numpy()]
    local = rows["ts"].dt.tz_convert("Asia/Shanghai")
    in_february = int((local.dt.month == 2).sum())
    assert dataset.rows_read - before == in_february  # only the February file's row group


def test_plain_files_scan_each_row_group_once_in_mn_order(
    whole: pd.DataFrame, tmp_path: Path
) -> None:
    """Row groups of several outlets are indexed by their mn column; read in MN order, each is
    decoded once (held while the next outlet is read from it), not once per outlet."""
    root = _plain(whole, tmp_path / "p")
    dataset = ReadingsDataset(root)
    for mn in dataset.outlets():
        dataset.read(mn)
    assert dataset.rows_read == len(whole)


def test_glob_and_hive_directories_by_outlet(whole: pd.DataFrame, tmp_path: Path) -> None:
    """A glob (quoted, with **) and a directory split by outlet hive-style, the MN in the path
    only (as Arrow's write_dataset leaves it)."""
    root = tmp_path / "by-outlet"
    for mn, rows in whole.groupby("mn", observed=True):
        (root / f"mn={mn}").mkdir(parents=True)
        out = rows.drop(columns=["mn"]).astype({"pollutant": str, "kind": str, "flag": str})
        out.to_parquet(root / f"mn={mn}" / "data.parquet", index=False)
    (root / "_SUCCESS").write_text("")  # skipped, as Arrow and Spark do
    for source in (root, f"{root}/**/*.parquet", f"{tmp_path}/by-*"):
        assert is_dataset(source)
        dataset = ReadingsDataset(source)
        mn = dataset.outlets()[2]
        _same(dataset.read(mn), whole[(whole["mn"] == mn).to_numpy()])
    assert not is_dataset(tmp_path / "nothing.parquet")


def test_picklable_for_worker_processes(whole: pd.DataFrame, tmp_path: Path) -> None:
    dataset = ReadingsDataset(_plain(whole, tmp_path / "p"))
    mn = dataset.outlets()[1]
    dataset.read(mn)  # holds a row group: not sent along
    copy = pickle.loads(pickle.dumps(dataset))
    assert copy.outlets() == dataset.outlets()
    _same(copy.read(mn), dataset.read(mn))
    rows = DatasetOutlets(copy)
    assert len(rows) == 5 and rows.names == copy.outlets() and rows[1][0] == mn


def test_bad_inputs_get_one_line(whole: pd.DataFrame, tmp_path: Path) -> None:
    def error(source: str | Path) -> str:
        with pytest.raises(ReadingsFileError) as caught:
            ReadingsDataset(source)
        message = str(caught.value)
        assert "\n" not in message
        return message

    assert "no such file or directory" in error(tmp_path / "missing")
    assert "no file matches this pattern" in error(f"{tmp_path}/*.parquet")
    (tmp_path / "empty").mkdir()
    assert "no Parquet file in this directory" in error(tmp_path / "empty")
    root = _plain(whole, tmp_path / "p")
    (root / "notes.csv").write_text("mn,pollutant\n")
    assert error(root) == (
        f"{root / 'notes.csv'}: not a Parquet file; a readings dataset holds Parquet files only "
        "(move it out of the directory, or convert it: monitor export writes Parquet)"
    )
    (root / "notes.csv").unlink()
    pq.write_table(pa.table({"mn": ["1"], "ts": ["2026-01-01T00:00Z"]}), root / "thin.parquet")
    assert error(root) == (
        f"{root / 'thin.parquet'}: missing column(s) pollutant, value, flag; a readings file "
        "needs the columns mn,pollutant,ts,value,flag (and optional kind)"
    )


def test_a_bad_row_is_named_by_file_and_row(whole: pd.DataFrame, tmp_path: Path) -> None:
    """The checks of read_readings, naming the file and the row in that file; a conflict
    between two files names both."""
    root = _plain(whole, tmp_path / "p")
    files = sorted(root.iterdir())
    table = pq.read_table(files[1])
    mn = table["mn"][3].as_py()
    flags = table["flag"].to_pylist()
    flags[3] = "X"
    pq.write_table(table.set_column(table.schema.get_field_index("flag"), "flag", pa.array(flags)),
                   files[1])  # fmt: skip
    dataset = ReadingsDataset(root)
    with pytest.raises(ReadingsFileError) as caught:
        dataset.read(mn)
    assert str(caught.value) == (
        f"{files[1]}: row 4, column 'flag': unknown flag 'X'; use one of N F M S D C T B, or "
        "leave it empty when unknown"
    )
    pq.write_table(table, files[1])  # mended
    # the first row of the first file again, with another value, in a file of its own
    first = pq.read_table(files[0]).slice(0, 1)
    first = first.set_column(first.schema.get_field_index("value"), "value", pa.array([-1.0]))
    pq.write_table(first, root / "readings-z.parquet")
    with pytest.raises(ReadingsFileError, match=r"readings-2026-01\.parquet: row 1 and .*"
                       r"readings-z\.parquet: row 1: two different readings of mn"):  # fmt: skip
        ReadingsDataset(root).read(first["mn"][0].as_py())


# -- monitor export and monitor detect --------------------------------------------------------


def _detect(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["detect", *args])
    return result.exit_code, result.stdout, result.stderr


def test_export_then_detect_gives_the_files_findings(sim_dir: Path, tmp_path: Path) -> None:
    """The file into a store, the store out as a dataset, the dataset into detect: the same
    findings, in the same order, as the file itself (one process and two)."""
    sites = str(sim_dir / "sites.toml")
    readings = str(sim_dir / "readings.parquet")
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, from_file, err = _detect("--readings", readings, "--sites", sites, "--jobs", "1")
    assert code == 0 and from_file, err
    code, _, err = _detect("--readings", readings, "--db", db, "--sites", sites)
    assert code == 0, err
    out = tmp_path / "history"
    result = CliRunner().invoke(main, ["export", "--db", db, "--out", str(out), "--buckets", "4"])
    assert result.exit_code == 0, result.output
    assert f"to {out} (" in result.stderr and "files)" in result.stderr
    assert all(p.parent.name.startswith("bucket=") for p in out.rglob("*.parquet"))
    for jobs in ("1", "2"):
        code, from_dataset, err = _detect("--readings", str(out), "--sites", sites, "-j", jobs)
        assert code == 0, err
        assert from_dataset == from_file
    code, window_file, _ = _detect("--readings", readings, "--sites", sites, "--from",
                                   "2026-02-01", "--to", "2026-02-20")  # fmt: skip
    code, window_set, err = _detect("--readings", f"{out}/month=2026-0[23]/**/*.parquet",
                                    "--sites", sites, "--from", "2026-02-01", "--to",
                                    "2026-02-20")  # fmt: skip
    assert code == 0, err
    assert window_set == window_file
    again = CliRunner().invoke(main, ["export", "--db", db, "--out", str(out)])
    assert again.exit_code == 1 and "directory not empty" in again.stderr
    bad = CliRunner().invoke(main, ["export", "--db", db, "--out", str(tmp_path / "x.csv"),
                                    "--buckets", "2"])  # fmt: skip
    assert bad.exit_code == 1 and "--buckets" in bad.stderr


def test_an_exported_parquet_file_is_read_outlet_by_outlet(
    sim_dir: Path, whole: pd.DataFrame, tmp_path: Path
) -> None:
    """A Parquet file of one row group per outlet (monitor export's) is read like a dataset,
    with the findings of the same readings read whole; a file of mixed row groups is not."""
    exported = tmp_path / "exported.parquet"
    with ReadingsWriter(exported) as writer:
        for _, rows in whole.groupby("mn", observed=True):
            writer.write(rows)
    assert by_outlet(exported)
    assert not by_outlet(sim_dir / "readings.parquet")  # write_readings: one row group
    assert not by_outlet(tmp_path / "missing.parquet")
    sites = str(sim_dir / "sites.toml")
    code, from_file, err = _detect(
        "--readings", str(sim_dir / "readings.parquet"), "--sites", sites
    )
    assert code == 0, err
    code, by_outlets, err = _detect("--readings", str(exported), "--sites", sites)
    assert code == 0, err
    assert by_outlets == from_file


def test_detect_imports_a_dataset_into_the_store(sim_dir: Path, tmp_path: Path) -> None:
    whole = read_readings(sim_dir / "readings.parquet")
    root = _hive(whole, tmp_path / "h")
    db = f"sqlite:///{tmp_path / 's.db'}"
    code, _, err = _detect("--readings", str(root), "--db", db, "--sites",
                           str(sim_dir / "sites.toml"))  # fmt: skip
    assert code == 0, err
    assert f"imported {root}: {len(whole)} new readings" in err


def test_detect_refuses_bad_datasets_in_one_line(sim_dir: Path, tmp_path: Path) -> None:
    sites = str(sim_dir / "sites.toml")
    code, _, err = _detect("--readings", f"{tmp_path}/none-*.parquet", "--sites", sites)
    assert code == 1 and err.strip().splitlines() == [
        f"Error: {tmp_path}/none-*.parquet: no file matches this pattern (check the path; "
        "quote the pattern so that the shell does not expand it)"
    ]
    root = _plain(read_readings(sim_dir / "readings.parquet"), tmp_path / "p")
    table = pq.read_table(sorted(root.iterdir())[0])
    values = table["value"].to_pylist()
    values[0] = float("inf")
    table = table.set_column(table.schema.get_field_index("value"), "value", pa.array(values))
    pq.write_table(table, sorted(root.iterdir())[0])
    for jobs in ("1", "2"):  # read here, or in a worker process
        code, _, err = _detect("--readings", str(root), "--sites", sites, "--jobs", jobs)
        assert code == 1, err
        assert err.strip().splitlines() == [
            f"Error: {sorted(root.iterdir())[0]}: row 1, column 'value': 'inf' is not a finite "
            "number; write the measured value, or leave the cell empty when it is unknown"
        ]
