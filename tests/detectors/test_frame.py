"""`OutletData` prepares the same arrays whatever the frame's dtypes and row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detectors import FrameError, OutletData
from detectors.spec import COD, FLOW
from tests.detectors.conftest import MN, make_frame


def _arrays(outlet: OutletData) -> tuple:
    return (
        outlet.pollutants,
        outlet._codes.tolist(),
        outlet._ts.tolist(),
        np.nan_to_num(outlet._values, nan=-1.0).tolist(),
        outlet._flags.tolist(),
    )


def _frame() -> pd.DataFrame:
    return make_frame(
        MN,
        {FLOW: [500.0, None, 520.0, 530.0], COD: [30.0, 31.0, None, 33.0]},
        "2026-06-01 00:00",
        flags={COD: ["N", "C", None, "M"]},
    )


def test_categorical_columns_give_the_same_arrays_as_text_columns() -> None:
    text = _frame()
    cat = text.copy()
    # categories in no particular order, with unused ones: the codes must be remapped
    cat["pollutant"] = pd.Categorical(text["pollutant"], categories=[COD, "w99999", FLOW])
    cat["flag"] = pd.Categorical(text["flag"], categories=["T", "M", "C", "N"])
    cat["mn"] = pd.Categorical(text["mn"], categories=["other", MN])
    assert _arrays(OutletData(cat)) == _arrays(OutletData(text))
    assert OutletData(cat).pollutants == tuple(sorted({COD, FLOW}))
    assert OutletData(cat).mn == MN


def test_row_order_does_not_matter() -> None:
    text = _frame()
    shuffled = text.sample(frac=1.0, random_state=3)
    assert _arrays(OutletData(shuffled)) == _arrays(OutletData(text))


def test_column_index_matches_the_grids() -> None:
    outlet = OutletData(_frame())
    for code in outlet.pollutants:
        k = outlet.column(code)
        assert outlet.wide_values.columns[k] == code
        np.testing.assert_array_equal(
            outlet.wide_values[code].to_numpy(), outlet.wide_values.to_numpy()[:, k]
        )
        np.testing.assert_array_equal(outlet.wide_column(code), outlet.wide_values[code])
    with pytest.raises(ValueError, match="read-only"):
        outlet.wide_column(COD)[0] = 1.0  # shared by every detector
    with pytest.raises(KeyError):
        outlet.column("w21011")


def test_two_outlets_in_a_categorical_frame_are_refused() -> None:
    a = _frame()
    b = _frame().assign(mn="61011500000002")
    both = pd.concat([a, b], ignore_index=True)
    both["mn"] = both["mn"].astype("category")
    with pytest.raises(FrameError, match="2 outlets"):
        OutletData(both)


def test_wide_valid_is_n_or_t_with_a_number() -> None:
    outlet = OutletData(_frame())
    flags, values = outlet.wide_flag_codes, outlet.wide_array
    expected = ((flags == "N") | (flags == "T")) & ~np.isnan(values)
    np.testing.assert_array_equal(outlet.wide_valid, expected)
    assert not outlet.wide_valid[:, outlet.column(COD)].all()  # C and M hours are not valid
