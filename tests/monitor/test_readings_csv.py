"""A CSV readings file read in blocks and spilled by outlet, or given outlet by outlet as it is
read when grouped by outlet (`monitor.store.readings_csv`): the frames, errors and findings of
the whole-file read (`read_readings`), which is the oracle here, with the file cut into many
small blocks so that a problem lies far into it."""

from __future__ import annotations

import gzip
import mmap
import multiprocessing as mp
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from monitor.detection.batch import OutletRows, detect_parallel
from monitor.detection.detect import DetectError, DetectRequest, run_detect
from monitor.registry import load_registry
from monitor.simulation.fleet import write_simulation
from monitor.simulation.simulator import simulate
from monitor.store import readings_csv
from monitor.store.readings_csv import CsvSpill, OutletsNotGrouped, grouped_outlets
from monitor.store.readings_files import ReadingsFileError, read_readings

BLOCK = 4096  # bytes: about 70 lines a block, so a file of a few thousand lines has dozens


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four simulated outlets over 12 days (sorted by outlet, as `monitor simulate` writes)."""
    out = tmp_path_factory.mktemp("csvfleet")
    write_simulation(simulate(4, 12, 7), out)
    return out


@pytest.fixture(scope="module")
def lines(fleet: Path) -> list[str]:
    return (fleet / "readings.csv").read_text().splitlines(keepends=True)


def _shuffled(lines: list[str], path: Path, repeat: int = 0) -> Path:
    """The file's data lines in a scrambled (deterministic) order, the first ``repeat`` again."""
    body = lines[1:]
    body = body[::7] + body[3::7] + body[1::7] + body[5::7] + body[2::7] + body[6::7] + body[4::7]
    path.write_text("".join([lines[0], *body, *body[:repeat]]))
    return path


def _reversed(lines: list[str], path: Path) -> Path:
    """The outlets in the reverse of their MN order, each one's lines together as they were."""
    mns = list(dict.fromkeys(line.split(",")[0] for line in lines[1:]))
    body = [line for mn in reversed(mns) for line in lines[1:] if line.split(",")[0] == mn]
    path.write_text("".join([lines[0], *body]))
    return path


def _halves(lines: list[str], path: Path) -> Path:
    """Every outlet's first six days, then every outlet's other days: each outlet comes back
    once every outlet has begun."""
    early = [line for line in lines[1:] if line.split(",")[2][8:10] < "07"]
    late = [line for line in lines[1:] if line.split(",")[2][8:10] >= "07"]
    path.write_text("".join([lines[0], *early, *late]))
    return path


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a, b = a.reset_index(drop=True), b.reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    for c in a.columns:
        x, y = a[c], b[c]
        if isinstance(x.dtype, pd.CategoricalDtype):
            x, y = x.astype(str), y.astype(str)
        assert x.equals(y), c


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_outlets_read_from_the_spill_are_the_whole_reads(
    fleet: Path, lines: list[str], tmp_path: Path, order: str
) -> None:
    path = fleet / "readings.csv" if order == "sorted" else _shuffled(lines, tmp_path / "s.csv", 40)
    whole = OutletRows(read_readings(path))
    with CsvSpill(path, block_bytes=BLOCK, directory=tmp_path) as spill:
        outlets = spill.outlets()
        assert len(spill._files) > 20  # many blocks
        assert outlets.names == whole.names
        assert list(outlets.sizes()) == list(whole.sizes())  # the repeats dropped
        for k in range(len(whole)):
            assert outlets[k][0] == whole[k][0]
            _frames_equal(outlets[k][1], whole[k][1])
        where = spill.directory
        assert where.parent == tmp_path and any(where.iterdir())
    assert not where.exists()


def test_a_window_keeps_the_outlets_and_rows_inside_it(fleet: Path, tmp_path: Path) -> None:
    path = fleet / "readings.csv"
    whole = read_readings(path)
    start, end = whole["ts"].min() + pd.Timedelta(days=3), whole["ts"].min() + pd.Timedelta(days=5)
    clipped = OutletRows(whole[(whole["ts"] >= start) & (whole["ts"] <= end)])
    with CsvSpill(path, start, end, block_bytes=BLOCK) as spill:
        outlets = spill.outlets()
        assert outlets.names == clipped.names and list(outlets.sizes()) == list(clipped.sizes())
        for k in range(len(clipped)):
            _frames_equal(outlets[k][1], clipped[k][1])


@pytest.mark.parametrize("order", ["sorted", "reversed"])
def test_a_grouped_file_gives_the_spilled_outlets_as_it_is_read(
    fleet: Path, lines: list[str], tmp_path: Path, order: str
) -> None:
    path = fleet / "readings.csv" if order == "sorted" else _reversed(lines, tmp_path / "r.csv")
    whole = read_readings(path)
    start, end = whole["ts"].min() + pd.Timedelta(days=3), whole["ts"].min() + pd.Timedelta(days=5)
    for window in ((None, None), (start, end)):
        with CsvSpill(path, *window, block_bytes=BLOCK) as spill:
            got = list(grouped_outlets(path, *window, block_bytes=BLOCK))
            names = [mn for mn, _ in got]
            expected = spill.outlets().names
            assert names == (expected[::-1] if order == "reversed" else expected)
            assert len(names) == 4
            for mn, frame in got:  # the same frame, to its categories' order
                pd.testing.assert_frame_equal(frame, spill.read(mn))


def test_an_outlet_coming_back_is_told_before_its_block_gives_anything(
    lines: list[str], tmp_path: Path
) -> None:
    mns = sorted({line.split(",")[0] for line in lines[1:]})
    mixed = tmp_path / "m.csv"  # the outlets' lines in turn (as a time-ordered export would be)
    rows = [[line for line in lines[1:] if line.split(",")[0] == mn] for mn in mns]
    turns = zip(*rows, strict=False)  # as many turns as the shortest outlet has lines
    mixed.write_text("".join([lines[0], *(line for turn in turns for line in turn)]))
    for path, before in ((_halves(lines, tmp_path / "h.csv"), mns[:3]), (mixed, [])):
        given = []
        with pytest.raises(OutletsNotGrouped):
            for mn, _ in grouped_outlets(path, block_bytes=BLOCK):
                given.append(mn)
        assert given == before  # the last outlet begun is not given: it may come back


def _broken(lines: list[str], path: Path, edits: dict[int, str]) -> Path:
    """The file with line ``n`` (1 = the header) replaced by ``edits[n]``."""
    out = list(lines)
    for n, text in edits.items():
        out[n - 1] = text + "\n"
    path.write_text("".join(out))
    return path


def _cells(line: str, **cells: str) -> str:
    names = ["mn", "pollutant", "ts", "value", "flag"]
    values = dict(zip(names, line.rstrip("\n").split(","), strict=True))
    values.update(cells)
    return ",".join(values[n] for n in names)


NOT_GROUPED = "not grouped"


def _errors(path: Path) -> tuple[str, str]:
    """The errors of the whole read and of the spill, checked to be the one read outlet by
    outlet gives (unless it finds the file not grouped by outlet: then it is spilled)."""
    with pytest.raises(ReadingsFileError) as whole:
        read_readings(path)
    spills = path.parent / "spills"  # not the system's: other programs spill there
    spills.mkdir(exist_ok=True)
    with pytest.raises(ReadingsFileError) as streamed:
        CsvSpill(path, block_bytes=BLOCK, directory=spills)
    assert not any(spills.iterdir())  # removed
    assert _grouped_error(path) in (str(whole.value), NOT_GROUPED)
    return str(whole.value), str(streamed.value)


def _grouped_error(path: Path) -> str:
    """The error met reading ``path`` outlet by outlet; no outlet may be given after it."""
    outlets = grouped_outlets(path, block_bytes=BLOCK)
    try:
        given = [mn for mn, _ in outlets]
    except OutletsNotGrouped:
        return NOT_GROUPED
    except ReadingsFileError as e:
        return str(e)
    raise AssertionError(f"no error, outlets {given}")


@pytest.mark.parametrize(
    "cells",
    [
        {"value": "12,5"},  # a cell too many: Arrow's parse error
        {"value": "abc"},
        {"value": "1e999"},
        {"ts": "2026-06-03 04:00:00"},
        {"ts": "yesterday"},
        {"ts": ""},
        {"flag": "Q"},
        {"mn": ""},
        {"mn": " "},
        {"pollutant": ""},
    ],
)
def test_a_bad_cell_far_into_the_file_names_the_line_a_whole_read_names(
    lines: list[str], tmp_path: Path, cells: dict[str, str]
) -> None:
    far = len(lines) - 40
    path = _broken(lines, tmp_path / "bad.csv", {far: _cells(lines[far - 1], **cells)})
    whole, streamed = _errors(path)
    assert streamed == whole
    assert "\n" not in streamed and streamed.startswith(f"{path}: ")
    if cells.get("value") != "12,5":  # Arrow's parse errors name no line, then or now
        assert f"line {far}," in streamed
    if "mn" not in cells:  # (a row without its outlet's MN breaks the group: spilled)
        assert _grouped_error(path) == whole


def test_a_conflict_far_into_the_file_names_both_lines(lines: list[str], tmp_path: Path) -> None:
    far = len(lines) - 10
    again = _cells(lines[far - 1], value="999")
    path = tmp_path / "twice.csv"
    path.write_text("".join(lines[: far + 5]) + again + "\n" + "".join(lines[far + 5 :]))
    whole, streamed = _errors(path)
    assert streamed == whole and f"lines {far} and {far + 6}: two different readings" in streamed
    assert _grouped_error(path) == whole


def test_the_first_conflict_reading_down_across_outlets(lines: list[str], tmp_path: Path) -> None:
    """Two conflicts in two outlets of a scrambled file: the one whose second line comes first,
    whichever outlet it is in (the spill finds them outlet by outlet)."""
    body = _shuffled(lines, tmp_path / "s.csv").read_text().splitlines(keepends=True)
    outlets = {line.split(",")[0] for line in body[1:]}
    last = {line.split(",")[0]: n for n, line in enumerate(body) if n > 0}
    late, early = sorted(outlets, key=lambda mn: last[mn])[-2:]  # by their last line
    extra = [_cells(body[last[late]], value="998") + "\n", _cells(body[last[early]], value="997")]
    path = tmp_path / "two.csv"
    path.write_text("".join(body) + extra[0] + extra[1] + "\n")
    whole, streamed = _errors(path)
    assert streamed == whole and f"mn {late} " in streamed


@pytest.mark.parametrize(
    ("early", "late"),
    [
        ({"value": "abc"}, {"ts": "yesterday"}),  # a later column's problem comes second
        ({"mn": " "}, {"mn": ""}),  # an empty cell before a blank one
        ({"value": "1e999"}, {"value": "abc"}),  # not a number before not finite
        ({"flag": "Q"}, {"value": "1,2"}),  # a file Arrow cannot parse wins
    ],
)
def test_with_several_problems_the_one_a_whole_read_names(
    lines: list[str], tmp_path: Path, early: dict[str, str], late: dict[str, str]
) -> None:
    a, b = 30, len(lines) - 30
    edits = {a: _cells(lines[a - 1], **early), b: _cells(lines[b - 1], **late)}
    whole, streamed = _errors(_broken(lines, tmp_path / "two.csv", edits))
    assert streamed == whole and f"line {a}," not in streamed
    if "mn" not in early:
        assert _grouped_error(tmp_path / "two.csv") == whole


def test_findings_are_those_of_the_whole_read(
    fleet: Path, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readings_csv, "BLOCK_BYTES", BLOCK)
    specs = load_registry(fleet / "sites.toml").specs()
    for path in (
        fleet / "readings.csv",
        _shuffled(lines, tmp_path / "s.csv", 25),
        _reversed(lines, tmp_path / "r.csv"),  # grouped: read and detected outlet by outlet
        _halves(lines, tmp_path / "h.csv"),  # spilled once the first outlet comes back
    ):
        whole = OutletRows(read_readings(path))
        expected = [
            f.to_json("Asia/Shanghai") + "\n" for f in detect_parallel(whole, specs, jobs=1)
        ]
        assert expected
        for jobs in (1, 2):
            got: list[str] = []
            request = DetectRequest(fleet / "sites.toml", readings=path, jobs=jobs, lang="en")
            run_detect(request, got.append)
            assert got == expected


def test_the_command_gives_one_line_for_a_problem_far_into_the_file(
    fleet: Path, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.cli import main

    monkeypatch.setattr(readings_csv, "BLOCK_BYTES", BLOCK)
    far = len(lines) - 3
    path = _broken(lines, tmp_path / "bad.csv", {far: _cells(lines[far - 1], flag="Q")})
    args = ["detect", "--readings", str(path), "--sites", str(fleet / "sites.toml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"Error: {path}: line {far}, column 'flag': unknown flag 'Q'; use one of N F M S D C T B, "
        "or leave it empty when unknown"
    ]
    with pytest.raises(DetectError, match=f"line {far},"):
        run_detect(DetectRequest(fleet / "sites.toml", readings=path), [].append)


class _Events:
    """What run_detect tells its listener, and whether a spill existed when detection started."""

    def __init__(self, where: Path) -> None:
        self.where, self.log, self.spilled = where, [], False

    def started(self, outlets: int) -> None:
        self.log.append(("started", outlets))
        self.spilled = any(self.where.glob("outlet-watch-csv-*"))

    def step(self, mn: str) -> None:
        self.log.append(("step", mn))

    def finished(self) -> None:
        self.log.append(("finished", None))

    def __getattr__(self, name: str) -> Any:  # the import's events: no import here
        raise AssertionError(name)


def test_a_grouped_file_is_detected_as_it_is_read_with_nothing_spilled(
    fleet: Path, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readings_csv, "BLOCK_BYTES", BLOCK)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where a spill would go
    mns = sorted({line.split(",")[0] for line in lines[1:]})
    files = {"grouped": fleet / "readings.csv", "shuffled": _shuffled(lines, tmp_path / "s.csv")}
    found = {}
    for name, path in files.items():
        events, got = _Events(tmp_path), []
        run_detect(DetectRequest(fleet / "sites.toml", readings=path, jobs=2), got.append, events)
        assert events.spilled == (name == "shuffled")
        assert events.log[0] == ("started", 4) and events.log[-1] == ("finished", None)
        assert sorted(mn for kind, mn in events.log if kind == "step") == mns
        assert not list(tmp_path.glob("outlet-watch-csv-*"))  # the spill removed
        found[name] = got
    assert found["grouped"] == found["shuffled"] and found["grouped"]


@pytest.mark.parametrize("problem", ["cell", "conflict"])
def test_a_problem_in_the_last_outlet_stops_the_workers_and_gives_no_finding(
    fleet: Path, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    """The first outlets are being detected by then: their findings are never given."""
    monkeypatch.setattr(readings_csv, "BLOCK_BYTES", BLOCK)
    far = len(lines) - 3
    if problem == "cell":
        path = _broken(lines, tmp_path / "bad.csv", {far: _cells(lines[far - 1], value="abc")})
        message = f"{path}: line {far}, column 'value': 'abc' is not a number"
    else:
        path = tmp_path / "twice.csv"
        path.write_text("".join(lines) + _cells(lines[far - 1], value="999") + "\n")
        message = f"{path}: lines {far} and {len(lines) + 1}: two different readings"
    got: list[str] = []
    with pytest.raises(DetectError, match=message):
        run_detect(DetectRequest(fleet / "sites.toml", readings=path, jobs=2), got.append)
    assert got == [] and mp.active_children() == []


def _mixed_parquet(lines: list[str], path: Path, tmp_path: Path) -> Path:
    """The scrambled file as Parquet written by pandas in row groups of 500 rows: every row
    group holds several outlets, and each outlet's rows are in many of them."""
    frame = pd.read_csv(_shuffled(lines, tmp_path / "for-parquet.csv"), dtype={"mn": str})
    frame.to_parquet(path, index=False, row_group_size=500)
    return path


def test_a_parquet_file_of_mixed_row_groups_is_spilled_by_outlet(
    fleet: Path, lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Parquet file whose row groups mix outlets (as pandas writes it) is spilled in batches,
    outlet by outlet, as a CSV file is: the frames of the whole read, and the same findings from
    `monitor detect` (which read such a file whole before)."""
    import pyarrow.parquet as pq

    path = _mixed_parquet(lines, tmp_path / "mixed.parquet", tmp_path)
    assert pq.ParquetFile(path).metadata.num_row_groups > 10
    monkeypatch.setattr(readings_csv, "PARQUET_ROWS", 300)  # many batches
    whole = OutletRows(read_readings(path))
    with CsvSpill(path, directory=tmp_path) as spill:
        outlets = spill.outlets()
        assert len(spill._files) > 20 and outlets.names == whole.names
        assert list(outlets.sizes()) == list(whole.sizes())
        for k in range(len(whole)):
            _frames_equal(outlets[k][1], whole[k][1])
    specs = load_registry(fleet / "sites.toml").specs()
    expected = [f.to_json("Asia/Shanghai") + "\n" for f in detect_parallel(whole, specs, jobs=1)]
    got: list[str] = []
    run_detect(DetectRequest(fleet / "sites.toml", readings=path, jobs=2, lang="en"), got.append)
    assert expected and got == expected


def test_a_bad_cell_far_into_a_mixed_parquet_file_names_the_row_a_whole_read_names(
    lines: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused cell in a late batch, and a conflict between two batches: the spill's error is
    the whole read's, one line naming the file's row(s)."""
    path = _mixed_parquet(lines, tmp_path / "mixed.parquet", tmp_path)
    monkeypatch.setattr(readings_csv, "PARQUET_ROWS", 300)
    frame = pd.read_parquet(path)
    bad = frame.copy()
    bad["flag"] = bad["flag"].astype(object)
    bad.loc[len(bad) - 30, "flag"] = "Q"
    twice = pd.concat([frame, frame.iloc[[5]].assign(value=frame["value"].iloc[5] + 1.0)])
    for name, broken in (("bad", bad), ("twice", twice)):
        target = tmp_path / f"{name}.parquet"
        broken.to_parquet(target, index=False, row_group_size=500)
        with pytest.raises(ReadingsFileError) as whole:
            read_readings(target)
        with pytest.raises(ReadingsFileError) as spilled:
            CsvSpill(target, directory=tmp_path)
        assert str(spilled.value) == str(whole.value)
        assert "\n" not in str(whole.value) and str(whole.value).startswith(f"{target}: row")


@pytest.mark.skipif(not hasattr(mmap, "MADV_DONTNEED"), reason="no madvise on this system")
def test_the_file_is_parsed_through_a_map_let_go_behind_the_reader(
    fleet: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Arrow parses a mapped file (`readings_csv._mapped`) and the pages behind the reader are
    let go as it goes; the outlets are those read from the path, bit for bit."""
    calls: list[tuple[int, int, int]] = []

    class Spy(mmap.mmap):
        def madvise(self, *args: int) -> None:  # type: ignore[override]
            calls.append(args)  # type: ignore[arg-type]
            super().madvise(*args)

    def spied(path: Path) -> mmap.mmap:
        with open(path, "rb") as fh:
            return Spy(fh.fileno(), 0, access=mmap.ACCESS_READ)

    path = fleet / "readings.csv"
    monkeypatch.setattr(readings_csv, "_mapped", spied)
    got = list(grouped_outlets(path, block_bytes=BLOCK))
    monkeypatch.setattr(readings_csv, "_mapped", lambda path: None)
    plain = list(grouped_outlets(path, block_bytes=BLOCK))
    assert [mn for mn, _ in got] == [mn for mn, _ in plain] and len(got) == 4
    for (_, a), (_, b) in zip(got, plain, strict=True):
        pd.testing.assert_frame_equal(a, b)
    ends = [end for _, _, end in calls]
    assert len(calls) > 3 and {advice for advice, _, _ in calls} == {mmap.MADV_DONTNEED}
    assert ends == sorted(set(ends)) and ends[-1] < path.stat().st_size
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert readings_csv._mapped(empty) is None  # Arrow reads the path: its own error


def test_a_compressed_file_is_read_as_the_plain_one(fleet: Path, tmp_path: Path) -> None:
    # a map would hand Arrow the compressed bytes: the path is read, decompressed by extension
    path = fleet / "readings.csv"
    packed = tmp_path / "readings.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    plain = list(grouped_outlets(path, block_bytes=BLOCK))
    got = list(grouped_outlets(packed, block_bytes=BLOCK))
    assert [mn for mn, _ in got] == [mn for mn, _ in plain] and len(got) == 4
    for (_, a), (_, b) in zip(got, plain, strict=True):
        pd.testing.assert_frame_equal(a, b)
