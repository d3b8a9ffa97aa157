"""The reader's shortcuts give what the general path gives (monitor.store.readings_files)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.store.readings_files import (
    FLAG_CODES,
    ReadingsFileError,
    Where,
    _dictionary,
    _encoded,
    _flags,
    _one_letter_flags,
    _parsed_runs,
    _short_cells,
)


def _general(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    encoded = pc.dictionary_encode(column).combine_chunks()
    return encoded.indices.fill_null(-1).to_numpy(
        zero_copy_only=False
    ), encoded.dictionary.to_pylist()


@pytest.mark.parametrize(
    "chunks",
    [
        [["a"] * 5, ["a"] * 3],  # one value: the shortcut
        [["a", "a"], ["a", "b"]],  # two values
        [["a", None], ["a"]],  # an empty cell
        [[" a", "a"]],  # equal only when stripped: two labels
        [[]],
    ],
)
def test_dictionary_as_dictionary_encode(chunks: list[list[str | None]]) -> None:
    column = pa.chunked_array(chunks, pa.string())
    codes, uniques = _dictionary(column)
    want_codes, want_uniques = _general(column) if len(column) else (np.zeros(0), [])
    assert codes.dtype == np.int32
    assert codes.tolist() == list(want_codes)
    assert uniques.to_pylist() == want_uniques


def test_parsed_runs_as_the_cast() -> None:
    rng = np.random.default_rng(3)
    times = ["2026-01-01T00:00:00+08:00", "2026-01-01T01:00:00Z", "2026-03-01T00:30:00-05:00"]
    picks = np.repeat(rng.integers(0, 3, 40), rng.integers(1, 7, 40))
    column = pa.chunked_array([[times[k] for k in picks[:50]], [times[k] for k in picks[50:]]])
    want = column.cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64()).to_numpy()
    assert np.array_equal(_parsed_runs(column), want)
    with pytest.raises(pa.ArrowInvalid):  # no offset: refused as the cast refuses it
        _parsed_runs(pa.chunked_array([[times[0], "2026-01-01T02:00:00"]]))


def _flags_general(column: pa.ChunkedArray) -> np.ndarray:
    """`_flags`' codes through the dictionary (its path without the one-letter shortcut)."""
    codes, uniques = _dictionary(column)
    categories = [str(u).strip() for u in uniques.to_pylist()]
    mapping = np.array([FLAG_CODES.index(c) if c else -1 for c in categories] + [-1], np.int8)
    return mapping[codes]


def test_one_letter_flags_as_the_dictionary() -> None:
    """On random columns of one-letter flags in random chunks, sliced as a block's rows are
    (offsets not at 0), the shortcut's codes are the dictionary's; any other cell (empty,
    unknown, longer, padded, not ASCII) leaves the column to the general path, which refuses
    or reads it as before."""
    rng = np.random.default_rng(11)
    others = [None, "", "X", "NN", " N", "n", "\u00d1"]
    where = Where(Path("f.csv"), False)
    shortcut = 0
    for case in range(400):
        n = int(rng.integers(0, 60))
        cells: list[str | None] = [FLAG_CODES[k] for k in rng.integers(0, len(FLAG_CODES), n)]
        if case % 3 == 0 and n:
            cells[int(rng.integers(0, n))] = others[int(rng.integers(0, len(others)))]
        cuts = np.sort(rng.integers(0, n + 1, int(rng.integers(0, 4))))
        bounds = [0, *cuts.tolist(), n]
        pad = int(rng.integers(0, 3))  # each chunk a slice of a longer array
        chunks = [
            pa.array(["N"] * pad + cells[a:b] + ["T"], pa.string()).slice(pad, b - a)
            for a, b in itertools.pairwise(bounds)
        ]
        column = pa.chunked_array(chunks, pa.string())
        fast = _one_letter_flags(column)
        if fast is not None:
            shortcut += 1
            assert fast.dtype == np.int8
            assert fast.tolist() == _flags_general(column).tolist()
            assert np.asarray(_flags(column, where).codes).tolist() == fast.tolist()
        else:
            assert any(c not in FLAG_CODES for c in cells)
            try:
                got = np.asarray(_flags(column, where).codes)
            except ReadingsFileError:
                continue
            assert got.tolist() == _flags_general(column).tolist()
    assert 150 < shortcut < 400


def test_parsed_runs_chunk_by_chunk() -> None:
    """Runs parsed chunk by chunk (sliced chunks, empty ones, a run across a chunk border)
    give the cast of the whole column."""
    times = ["2026-01-01T00:00:00+08:00", "2026-01-01T01:00:00Z"]
    whole = pa.array([times[0]] * 3 + [times[1]] * 4 + [times[0]] * 2)
    column = pa.chunked_array(
        [whole.slice(0, 2), whole.slice(2, 0), whole.slice(2, 5), whole.slice(7)]
    )
    want = column.cast(pa.timestamp("ns", tz="UTC")).cast(pa.int64()).to_numpy()
    got = _parsed_runs(column)
    assert got.dtype == np.int64
    assert np.array_equal(got, want)
    empty = _parsed_runs(pa.chunked_array([], pa.string()))
    assert empty.dtype == np.int64
    assert len(empty) == 0


#: Cells of one width mostly (the 64-bit shortcut), some of others, empty, blank, padded,
#: not ASCII (several bytes a character), with a NUL byte, of eight bytes and of nine.
_CELLS = st.one_of(
    st.sampled_from(["w01018", "w21003", "w00000", "w0101", "W01018", "w01018 ", " w0101"]),
    st.sampled_from(["a", "b", "", " ", "ab\x00", "ab", "\u00e9t\u00e9", "12345678", "123456789"]),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(_CELLS, max_size=40),
    cuts=st.lists(st.integers(0, 40), max_size=3),
    pad=st.integers(0, 2),
    shape=st.sampled_from(["any", "one width", "one value"]),
)
def test_dictionary_shortcuts_as_the_encoding(
    cells: list[str | None], cuts: list[int], pad: int, shape: str
) -> None:
    """On random columns (random chunks, each a slice of a longer array as a block's rows
    are), `_dictionary`'s shortcuts (one value, its chunks' bytes compared; cells of one width
    of 1-8 bytes read as 64-bit numbers) give the codes and distinct values, in order, of
    Arrow's dictionary encoding."""
    if shape == "one width":  # most columns of a file: codes of one width
        cells = [c for c in cells if c is None or len(c.encode()) == 6] or ["w01018", "w21003"]
    elif shape == "one value" and cells:  # an outlet's MN, a file's kind
        cells = cells[:1] * len(cells)
    n = len(cells)
    bounds = [0, *sorted(min(c, n) for c in cuts), n]
    chunks = [
        pa.array(["zz"] * pad + cells[a:b] + ["y"], pa.string()).slice(pad, b - a)
        for a, b in itertools.pairwise(bounds)
    ]
    column = pa.chunked_array(chunks, pa.string())
    codes, uniques = _dictionary(column)
    want_codes, want_uniques = _encoded(column)
    assert codes.dtype == np.int32
    assert codes.tolist() == want_codes.tolist()
    assert uniques.to_pylist() == want_uniques.to_pylist()
    if n:
        general_codes, general_uniques = _general(column)
        assert codes.tolist() == list(general_codes)
        assert uniques.to_pylist() == general_uniques


def test_short_cells_only_for_cells_of_one_width_up_to_eight_bytes() -> None:
    """The 64-bit shortcut takes one width of 1-8 bytes without an empty cell; equal cells give
    equal numbers, different ones different numbers (the bytes past a cell are cleared)."""
    column = pa.chunked_array([["w01018", "w21003"], ["w01018", "w00000"]])
    short = _short_cells(column)
    assert short is not None
    words, width = short
    assert width == 6
    assert words[0] == words[2] and len(set(words.tolist())) == 3
    assert _dictionary(column)[0].tolist() == [0, 1, 0, 2]
    assert _short_cells(pa.chunked_array([["w01018", "w0101"]])) is None  # two widths
    assert _short_cells(pa.chunked_array([["w01018"], ["w0101"]])) is None  # across chunks
    assert _short_cells(pa.chunked_array([["123456789", "123456780"]])) is None  # 9 bytes
    assert _short_cells(pa.chunked_array([["", ""]])) is None  # no bytes at all
    assert _short_cells(pa.chunked_array([["12345678", "12345670"]])) is not None
