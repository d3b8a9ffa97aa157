"""monitor.store.export: stored readings to a readings file, one outlet at a time."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.simulation.simulator import simulate
from monitor.store.export import ExportError, export_readings
from monitor.store.readings_files import read_readings, write_readings
from monitor.store.store import Store


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("export") / "s.db"
    sim = simulate(4, 5, 3, start=pd.Timestamp("2026-06-01"))
    readings = sim.readings.copy()
    readings["flag"] = readings["flag"].astype(object)
    readings.loc[readings.index[::97], "flag"] = None  # some flags unknown: written empty
    store = Store(f"sqlite:///{path}")
    store.import_frame(readings)
    yield store
    store.close()


def _all_in_memory(store: Store, path: Path, **window: Any) -> None:
    """What `monitor export` did before it streamed: every outlet's frame, concatenated."""
    frames = [store.read_frame(mn, **window) for mn in store.outlets()]
    write_readings(pd.concat(frames, ignore_index=True), path)


def test_csv_equals_the_all_in_memory_file_byte_for_byte(store: Store, tmp_path: Path) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    _all_in_memory(store, old)
    result = export_readings(store, new)
    assert new.read_bytes() == old.read_bytes()
    assert b",,hour," in new.read_bytes()  # an unknown flag is an empty cell (then received_at)
    assert result.outlets == 4 and result.readings == store.count_readings()
    window = {
        "start": pd.Timestamp("2026-06-02", tz="UTC"),
        "end": pd.Timestamp("2026-06-04", tz="UTC"),
    }
    _all_in_memory(store, old, **window)
    export_readings(store, new, **window)
    assert new.read_bytes() == old.read_bytes()


def test_parquet_equals_the_all_in_memory_file(store: Store, tmp_path: Path) -> None:
    old, new = tmp_path / "old.parquet", tmp_path / "new.parquet"
    _all_in_memory(store, old)
    export_readings(store, new)
    pd.testing.assert_frame_equal(pd.read_parquet(new), pd.read_parquet(old))
    pd.testing.assert_frame_equal(read_readings(new), read_readings(old))
    assert pq.ParquetFile(new).metadata.num_row_groups == 4  # one per outlet


class OneAtATime:
    """The store, recording each read and how many earlier outlets' frames are still alive."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads: list[str] = []
        self.alive_at_read: list[int] = []
        self._frames: list[weakref.ref[pd.DataFrame]] = []

    def outlets(self) -> list[str]:
        return self.store.outlets()

    def read_frame(self, mn: str, **kwargs: Any) -> pd.DataFrame:
        gc.collect()
        self.alive_at_read.append(sum(ref() is not None for ref in self._frames))
        self.reads.append(mn)
        frame = self.store.read_frame(mn, **kwargs)
        self._frames.append(weakref.ref(frame))
        return frame


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_reads_one_outlet_at_a_time(store: Store, tmp_path: Path, suffix: str) -> None:
    """Each outlet is read once, and when the next one is read no earlier outlet's frame is
    held any more: memory is one outlet's frame."""
    spy = OneAtATime(store)
    result = export_readings(spy, tmp_path / f"out{suffix}")  # type: ignore[arg-type]
    assert spy.reads == store.outlets()
    assert spy.alive_at_read == [0, 0, 0, 0]
    assert result.readings == store.count_readings()


def test_nothing_to_export_leaves_no_file(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "none.parquet"
    with pytest.raises(ExportError, match="nothing to export"):
        export_readings(store, out, mns=["99999999999999"])
    assert not out.exists()
    with pytest.raises(ExportError, match=r"use a \.csv, \.parquet or \.xlsx"):
        export_readings(store, tmp_path / "x.txt")
    with pytest.raises(ExportError, match="no database file"):
        export_readings(f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "y.csv")
    assert not (tmp_path / "missing.db").exists()


def test_cli_takes_the_database_and_zone_from_the_config(store: Store, tmp_path: Path) -> None:
    conf = tmp_path / "monitor.toml"
    conf.write_text(f'database = "{store.engine.url}"\ntimezone = "UTC"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        ["export", "--config", str(conf), "--out", str(out), "--from", "2026-06-02"],
        env={"MONITOR_DB": None},
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert frame["ts"].str.endswith("+00:00").all()  # written in the configured zone
    assert frame["ts"].min() == "2026-06-02T00:00:00+00:00"  # --from local to that zone


def test_xlsx_for_people_holds_the_readings_and_stops_at_excels_rows(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook: the readings file's columns, times as dates in the zone (named in the
    header), values as numbers, unknown values empty; more rows than Excel holds is one error
    naming the way out, and no half file is left."""
    from openpyxl import load_workbook

    import monitor.spreadsheets

    out = tmp_path / "june.xlsx"
    result = export_readings(store, out, tz="Asia/Shanghai")
    sheet = load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("mn", "pollutant", "ts (Asia/Shanghai)", "value", "flag")
    assert len(rows) - 1 == result.readings == store.count_readings()
    stored = store.read_frame(store.outlets()[0])
    first = stored.iloc[0]
    assert rows[1][2] == first["ts"].tz_convert("Asia/Shanghai").tz_localize(None)
    assert rows[1][3] == pytest.approx(first["value"]) and rows[1][0] == first["mn"]
    with pytest.raises(Exception, match="a workbook is for people"):
        read_readings(out)
    monkeypatch.setattr(monitor.spreadsheets, "XLSX_MAX_ROWS", result.readings - 1)
    with pytest.raises(ExportError, match=r"more than Excel's [\d,]+ rows.*--mn.*--from/--to"):
        export_readings(store, tmp_path / "big.xlsx")
    assert not (tmp_path / "big.xlsx").exists()
