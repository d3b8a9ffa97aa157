"""Readings files: round trips, and one error line naming file, row and column for bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from detectors import OutletData
from monitor.simulation.simulator import simulate
from monitor.store.readings_files import ReadingsFileError, read_readings, write_readings

HEADER = "mn,pollutant,ts,value,flag\n"
GOOD = "61011500000001,w01018,2026-06-03T04:00:00+08:00,23.4,N\n"


def write(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    frame = simulate(3, 4, seed=1).readings
    path = write_readings(frame, tmp_path / f"r.{suffix}")
    back = read_readings(path)
    assert len(back) == len(frame)
    assert (back["ts"].to_numpy() == frame["ts"].to_numpy()).all()
    assert str(back["ts"].dtype) == "datetime64[ns, UTC]"
    np.testing.assert_allclose(back["value"], frame["value"], rtol=1e-6)
    assert (back["mn"].astype(str).to_numpy() == frame["mn"].astype(str).to_numpy()).all()
    assert (back["flag"].astype(str).to_numpy() == frame["flag"].astype(str).to_numpy()).all()
    assert set(back["kind"].astype(str)) == {"hour"}


def test_csv_times_are_written_with_offset(tmp_path: Path) -> None:
    path = write_readings(simulate(1, 1, seed=1).readings, tmp_path / "r.csv")
    line = path.read_text().splitlines()[1]
    assert line.split(",")[2] == "2026-01-01T00:00:00+08:00"


def test_leading_zero_mn_empty_value_and_offsets(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "0001,w01018,2026-06-03T04:00:00+08:00,,M\n"
        + "0001,w21003,2026-06-02T20:00:00Z,23.5,N\n",
    )
    frame = read_readings(path)
    assert list(frame["mn"].astype(str)) == ["0001", "0001"]
    assert np.isnan(frame["value"].iloc[0]) and frame["value"].iloc[1] == 23.5
    assert frame["ts"].iloc[0] == frame["ts"].iloc[1] == pd.Timestamp("2026-06-02T20:00Z")


def test_times_arrow_refuses_are_still_read_when_iso_with_offset(tmp_path: Path) -> None:
    # spaces around a time and a missing seconds field go the string-by-string way
    path = write(
        tmp_path,
        HEADER
        + "1,w01018, 2026-06-03T04:00:00+08:00 ,1.0,N\n"
        + "1,w01018,2026-06-03T05:00+08:00,2.0,N\n"
        + "1,w01018,2026-06-03T06:00:00.000+0800,3.0,N\n",
    )
    got = list(read_readings(path)["ts"])
    assert got == [pd.Timestamp(f"2026-06-02T{h}:00Z") for h in (20, 21, 22)]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (GOOD + "61011500000001,w01018,2026-06-03 05:00:00,23.4,N\n", "line 3, column 'ts'"),
        (GOOD + "61011500000001,w01018,yesterday,23.4,N\n", "line 3, column 'ts'"),
        (
            GOOD + GOOD + "61011500000001,w01018,2026-06-03T06:00:00+08:00,2x,N\n",
            "line 4, column 'value'",
        ),
        (GOOD + "61011500000001,w01018,2026-06-03T06:00:00+08:00,1.0,X\n", "line 3, column 'flag'"),
        (GOOD + ",w01018,2026-06-03T06:00:00+08:00,1.0,N\n", "line 3, column 'mn'"),
    ],
)
def test_bad_rows_name_file_line_and_column(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, HEADER + body)
    with pytest.raises(ReadingsFileError) as err:
        read_readings(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {expected}")
    assert "\n" not in message


def test_naive_time_says_offset_is_missing(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "1,w01018,2026-06-03T04:00:00,1,N\n")
    with pytest.raises(ReadingsFileError, match="no UTC offset"):
        read_readings(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "mn,pollutant,ts,value\n1,w01018,2026-06-03T04:00:00+08:00,1\n")
    with pytest.raises(ReadingsFileError, match=r"r\.csv: missing column\(s\) flag"):
        read_readings(path)


def test_unknown_kind_and_missing_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mn,pollutant,ts,value,flag,kind\n1,w01018,2026-06-03T04:00:00+08:00,1,N,hourly\n",
    )
    with pytest.raises(ReadingsFileError, match="line 2, column 'kind'"):
        read_readings(path)
    with pytest.raises(ReadingsFileError, match="no such file"):
        read_readings(tmp_path / "absent.csv")


def test_parquet_naive_timestamps_refused_with_row(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "mn": ["1", "1"],
            "pollutant": ["w01018", "w01018"],
            "ts": pd.to_datetime(["2026-06-03 04:00", "2026-06-03 05:00"]),
            "value": [1.0, 2.0],
            "flag": ["N", "Q"],
        }
    )
    path = tmp_path / "r.parquet"
    frame.to_parquet(path)
    with pytest.raises(ReadingsFileError, match=r"r\.parquet: row 1, column 'ts'"):
        read_readings(path)
    frame["ts"] = frame["ts"].dt.tz_localize("Asia/Shanghai")
    frame.to_parquet(path)
    with pytest.raises(ReadingsFileError, match=r"row 2, column 'flag': unknown flag 'Q'"):
        read_readings(path)


def test_unknown_values_and_awkward_names_survive_a_csv_round_trip(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "mn": ["A,1", "0002"],
            "pollutant": ["w01018", "w01018"],
            "ts": pd.to_datetime(["2026-06-03T04:00+08:00", "2026-06-03T05:00+08:00"], utc=True),
            "value": [np.nan, 1.25],
            "flag": ["D", "N"],
        }
    )
    path = write_readings(frame, tmp_path / "r.csv")
    text = path.read_text().splitlines()
    assert text[0] == "mn,pollutant,ts,value,flag"
    assert text[2] == '"0002","w01018","2026-06-03T05:00:00+08:00",1.25,"N"' or text[2].startswith(
        "0002,"
    )
    back = read_readings(path)
    assert list(back["mn"].astype(str)) == ["A,1", "0002"]
    assert np.isnan(back["value"].iloc[0]) and back["value"].iloc[1] == 1.25


# -- the rules of the one readings frame schema (detectors.frame.READINGS_SCHEMA) -------------


def test_row_without_pollutant_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + "61011500000001,,2026-06-03T05:00:00+08:00,1.0,N\n")
    with pytest.raises(ReadingsFileError) as err:
        read_readings(path)
    assert str(err.value) == (
        f"{path}: line 3, column 'pollutant': empty; every row needs a pollutant: fill it in or "
        "delete the row"
    )


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_empty_flag_is_unknown_not_normal(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, HEADER + GOOD + "61011500000001,w01018,2026-06-03T05:00:00+08:00,2.0,\n")
    if suffix == "parquet":
        path = write_readings(read_readings(path), tmp_path / "r.parquet")
    frame = read_readings(path)
    assert list(frame["flag"].astype(object).where(frame["flag"].notna(), None)) == ["N", None]
    series = OutletData(frame).series("w01018")
    assert series is not None
    assert list(series.valid) == [True, False]  # unknown is never valid


def test_empty_flag_survives_a_csv_round_trip(tmp_path: Path) -> None:
    body = HEADER + GOOD + "61011500000001,w01018,2026-06-03T05:00:00+08:00,2.0,\n"
    back = write_readings(read_readings(write(tmp_path, body)), tmp_path / "back.csv")
    lines = back.read_text().splitlines()
    assert lines[2] == "61011500000001,w01018,2026-06-03T05:00:00+08:00,2,,hour"
    assert read_readings(back)["flag"].isna().tolist() == [False, True]


@pytest.mark.parametrize("number", ["inf", "-inf", "1e999", "nan", "NaN", " inf"])
def test_non_finite_values_are_refused_with_their_line(tmp_path: Path, number: str) -> None:
    path = write(
        tmp_path, HEADER + GOOD + f"61011500000001,w01018,2026-06-03T05:00:00+08:00,{number},N\n"
    )
    with pytest.raises(ReadingsFileError) as err:
        read_readings(path)
    assert str(err.value) == (
        f"{path}: line 3, column 'value': {number.strip()!r} is not a finite number; write the "
        "measured value, or leave the cell empty when it is unknown"
    )


def test_non_finite_parquet_value_is_refused_with_its_row(tmp_path: Path) -> None:
    frame = read_readings(write(tmp_path, HEADER + GOOD))
    frame = pd.concat([frame, frame.assign(value=np.inf, ts=frame["ts"] + pd.Timedelta("1h"))])
    frame.to_parquet(tmp_path / "r.parquet")
    with pytest.raises(ReadingsFileError, match=r"r\.parquet: row 2, column 'value': 'inf' is not"):
        read_readings(tmp_path / "r.parquet")


@pytest.mark.parametrize("between", ["", "61011500000001,w21003,2026-06-03T04:00:00+08:00,1,N\n"])
def test_same_key_different_value_is_refused_naming_both_lines(
    tmp_path: Path, between: str
) -> None:
    other = "61011500000001,w01018,2026-06-03T04:00:00+08:00,23.5,N\n"
    path = write(tmp_path, HEADER + GOOD + between + other)
    line = 4 if between else 3
    with pytest.raises(ReadingsFileError) as err:
        read_readings(path)
    assert str(err.value) == (
        f"{path}: lines 2 and {line}: two different readings of mn 61011500000001 pollutant "
        "w01018 kind hour at 2026-06-02T20:00:00+00:00 (value 23.4 flag N, then value 23.5 flag "
        "N); keep the right one and delete the other"
    )


def test_same_key_different_flag_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + GOOD + GOOD.replace(",N\n", ",M\n"))
    with pytest.raises(ReadingsFileError, match=r"lines 2 and 3: .*flag N, then value 23.4 flag M"):
        read_readings(path)


def test_identical_duplicate_rows_collapse_silently(tmp_path: Path) -> None:
    later = "61011500000001,w01018,2026-06-03T05:00:00+08:00,,\n"
    # out of order (the sorting way) and in order (the linear check) give the same frame
    for body in (GOOD + later + GOOD + later, GOOD + GOOD + later + later):
        frame = read_readings(write(tmp_path, HEADER + body))
        assert len(frame) == 2
        assert list(frame["ts"]) == [
            pd.Timestamp("2026-06-02T20:00Z"),
            pd.Timestamp("2026-06-02T21:00Z"),
        ]
        assert frame["value"].iloc[0] == 23.4 and np.isnan(frame["value"].iloc[1])
        assert list(frame.index) == [0, 1]


def test_same_time_in_another_kind_or_outlet_is_no_duplicate(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "mn,pollutant,ts,value,flag,kind\n"
        "1,w01018,2026-06-03T04:00:00+08:00,1,N,hour\n"
        "1,w01018,2026-06-03T04:00:00+08:00,2,N,day\n"
        "2,w01018,2026-06-03T04:00:00+08:00,3,N,hour\n",
    )
    assert list(read_readings(path)["value"]) == [1.0, 2.0, 3.0]
