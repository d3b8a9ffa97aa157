"""The reader's shortcuts give what the general path gives (monitor.store.readings_files)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from monitor.store.readings_files import _dictionary, _parsed_runs


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
