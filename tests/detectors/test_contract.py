"""One contract over every registered detector (like scikit-learn's ``parametrize_with_checks``).

Each detector: has a docstring, constructs with its defaults, finds nothing in an empty frame,
gives equal findings on two runs, leaves its input frame untouched, keeps its findings inside the
input's time range, uses a known category and severity, renders a non-empty summary in English and
Chinese, and gives evidence that `Finding.to_dict` turns into JSON.
"""

from __future__ import annotations

import inspect
import json
from functools import cache

import numpy as np
import pandas as pd
import pytest

from detectors import CATEGORIES, SEVERITIES, Detector, FleetDetector, OutletData, catalogue
from detectors.finding import Finding
from detectors.spec import COD, FLOW, NH3N, PH, TN, TP, OutletSpec
from tests.detectors.conftest import MN, effluent, empty_frame, make_frame, make_spec

DETECTORS = sorted(catalogue())
HOURS = 24 * 62


@cache
def rich_outlet() -> tuple[pd.DataFrame, OutletSpec]:
    """Two months of one outlet with something for every detector to find (frozen day, zeros with
    flow, exceedances, values near the limit, a calibration hour, gaps, a shutdown)."""
    rng = np.random.default_rng(7)
    cod = effluent(HOURS, mean=30, hold_hours=2, seed=1)
    cod[100:160] = 23.4  # frozen 60 h
    cod[300:306] = 80.0  # exceedance
    cod[500:502] = 0.0  # zeros while flow > 0
    cod[900:1100] = np.round(rng.uniform(45.5, 49.9, 200), 1)  # pushed under the limit
    nh3 = effluent(HOURS, mean=2.0, hold_hours=3, step=0.01, seed=2)
    nh3[700:730] = 5.0  # near a standard of 5.0
    tp = effluent(HOURS, mean=0.2, hold_hours=2, step=0.01, seed=3)
    tp[50:53] = -3.0  # impossible
    tn = effluent(HOURS, mean=10, hold_hours=2, seed=4)
    ph = effluent(HOURS, mean=7.2, cv=0.02, step=0.1, seed=5)
    flow = np.round(400 + 100 * rng.random(HOURS), 1)
    flags = np.array(["N"] * HOURS, dtype=object)
    flags[168::168] = "C"
    flow[1200:1220] = 0.0
    cod_flags = flags.copy()
    cod_flags[1200:1220] = "F"
    for arr in (cod, nh3, tp, tn, ph, flow):
        arr[1300:1310] = np.nan  # a gap
    frame = make_frame(
        MN,
        {COD: cod, NH3N: nh3, TP: tp, TN: tn, PH: ph, FLOW: flow},
        flags={COD: cod_flags, NH3N: flags, TP: flags, TN: flags, PH: flags, FLOW: "N"},
    )
    spec = make_spec(
        MN,
        w01018={"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
        w21003={"limit": 5.0, "standard": 5.0},
        w21011={"limit": 0.5},
        w21001={"limit": 15.0},
        w01001={"limit_range": (6.0, 9.0)},
    )
    return frame, spec


@pytest.fixture(params=DETECTORS)
def detector_cls(request: pytest.FixtureRequest) -> type[Detector]:
    return catalogue()[request.param]


def run(
    detector: Detector, frame: pd.DataFrame, spec: OutletSpec, lang: str = "en"
) -> list[Finding]:
    if isinstance(detector, FleetDetector):
        return detector.detect_fleet([OutletData(frame, spec, lang=lang)])
    return detector.detect(frame, spec, lang=lang)


def test_catalogue_is_not_empty() -> None:
    assert "exceedance" in DETECTORS


def test_docstring_states_the_rule(detector_cls: type[Detector]) -> None:
    doc = inspect.getdoc(detector_cls) or ""
    assert len(doc) > 200, f"{detector_cls.__name__} needs a docstring with its rule and traps"
    assert "default" in doc.lower()


def test_defaults_construct_and_params_round_trip(detector_cls: type[Detector]) -> None:
    detector = detector_cls()
    params = detector.get_params()
    assert type(detector)(**params).get_params() == params
    for name, param in inspect.signature(detector_cls.__init__).parameters.items():
        if name == "self":
            continue
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, f"{name} must be keyword-only"
        assert param.default is not inspect.Parameter.empty, f"{name} needs a default"


def test_empty_frame_gives_no_findings(detector_cls: type[Detector]) -> None:
    assert run(detector_cls(), empty_frame(), make_spec(MN)) == []


def test_two_runs_equal_and_input_untouched(detector_cls: type[Detector]) -> None:
    frame, spec = rich_outlet()
    before = frame.copy(deep=True)
    first = run(detector_cls(), frame, spec)
    second = run(detector_cls(), frame, spec)
    pd.testing.assert_frame_equal(frame, before)
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]


def test_findings_are_well_formed(detector_cls: type[Detector]) -> None:
    frame, spec = rich_outlet()
    lo, hi = frame["ts"].min(), frame["ts"].max()
    for lang in ("en", "zh"):
        for f in run(detector_cls(), frame, spec, lang=lang):
            assert f.detector == detector_cls.name
            assert f.category in CATEGORIES
            assert f.severity in SEVERITIES
            assert 0.0 <= f.confidence <= 1.0
            assert f.mn == MN
            assert lo <= f.start <= f.end <= hi, (f.start, f.end, lo, hi)
            assert f.summary.strip() and "{" not in f.summary
            if lang == "zh":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in f.summary), f.summary
            json.dumps(f.to_dict(), allow_nan=False)
            assert "params" in f.evidence
