"""One contract over every registered detector (like scikit-learn's ``parametrize_with_checks``).

Each detector: has a docstring, constructs with its defaults, finds nothing in an empty frame,
gives equal findings on two runs, leaves its input frame untouched, keeps its findings inside the
input's time range, uses a known category and severity, renders a non-empty summary in English and
Chinese, and gives evidence that `Finding.to_dict` turns into JSON and that names the rule, the
statistic, the threshold, the window and the false-alarm rate per year behind the finding.
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
from tests.ingest.wire_programs import FIRMWARE_2, FORGER, LOGGER, packets_frame

MN2 = "61011500000002"
MN3 = "61011500000003"

DETECTORS = sorted(catalogue())
HOURS = 24 * 62


SPEC_KW = {
    "w01018": {"limit": 50.0, "standard": 25.0, "analyser_range": (0.0, 500.0)},
    "w21003": {"limit": 5.0, "standard": 5.0},
    "w21011": {"limit": 0.5},
    "w21001": {"limit": 15.0},
    "w01001": {"limit_range": (6.0, 9.0)},
}


@cache
def rich_outlet(mn: str = MN, seed: int = 0) -> tuple[pd.DataFrame, OutletSpec]:
    """Two months of one outlet with something for most detectors to find: a frozen day, zeros
    with flow, exceedances, values pushed under the limit, the standard fed as sample, a scripted
    wiggle, a replayed day, NH3-N above TN, gaps after high values, flags over exceedances,
    hand-set values, diluted days, weekly calibration, a shutdown and communication gaps."""
    rng = np.random.default_rng(7 + seed)
    cod = effluent(HOURS, mean=30, hold_hours=2, seed=1 + seed)
    nh3 = effluent(HOURS, mean=2.0, hold_hours=3, step=0.01, seed=2 + seed)
    tp = effluent(HOURS, mean=0.2, hold_hours=2, step=0.01, seed=3 + seed)
    tn = effluent(HOURS, mean=10, hold_hours=2, seed=4 + seed)
    ph = effluent(HOURS, mean=7.2, cv=0.02, step=0.1, seed=5 + seed)
    flow = np.round(400 + 100 * rng.random(HOURS), 1)
    flags = {c: np.array(["N"] * HOURS, dtype=object) for c in (COD, NH3N, TP, TN, PH)}
    for f in flags.values():
        f[168::168] = "C"
    cod[100:160] = 23.4  # frozen 60 h
    cod[300:306] = 80.0  # exceedance
    cod[500:502] = 0.0  # zeros while flow > 0
    cod[900:1100] = np.round(rng.uniform(45.5, 49.9, 200), 1)  # pushed under the limit
    nh3[700:730] = 5.0  # the standard fed as the sample
    tp[50:53] = -3.0  # impossible
    tn[560:640] = np.round(10.0 + rng.uniform(-0.1, 0.1, 80), 1)  # scripted wiggle
    for arr in (cod, nh3, tp, tn, ph):
        arr[400:424] = arr[376:400]  # a replayed day
    tn[760:800] = 1.0  # NH3-N above TN
    for at in (200, 240, 280, 330):  # high values, then silence
        cod[at : at + 2] = 46.0
        for arr in (cod, nh3, tp, tn, ph, flow):
            arr[at + 2 : at + 5] = np.nan
    for at in (1150, 1170, 1190):  # exceedances flagged as maintenance
        cod[at : at + 2] = 90.0
        flags[COD][at : at + 2] = "M"
    flags[NH3N][1230:1300] = "S"  # hand-set values
    for arr in (cod, nh3, tp, tn):
        arr[1320:1420] = np.round(arr[1320:1420] * 0.45, 2)  # diluted four days
    flow[1200:1220] = 0.0  # shutdown
    flags[COD][1200:1220] = "F"
    flags[TP][1430:1440] = "F"  # "stopped" while flow goes on
    for arr in (cod, nh3, tp, tn, ph, flow):
        arr[1300:1310] = np.nan  # a gap
    frame = make_frame(
        mn, {COD: cod, NH3N: nh3, TP: tp, TN: tn, PH: ph, FLOW: flow}, flags={**flags, FLOW: "N"}
    )
    # each hour arrives 62 min after it began, but the diluted days were uploaded a day late
    hour = (frame["ts"] - frame["ts"].min()) // pd.Timedelta("1h")
    late = (hour >= 1320) & (hour < 1420)
    frame["received_at"] = frame["ts"] + pd.Timedelta("62min")
    frame.loc[late, "received_at"] = frame["ts"].min() + pd.Timedelta(hours=1444)
    return frame, make_spec(mn, **SPEC_KW)


@cache
def fleet_frames() -> tuple[tuple[pd.DataFrame, OutletSpec], ...]:
    """Three outlets; the third copies a week of the first's COD."""
    first, spec1 = rich_outlet(MN, 0)
    second, spec2 = rich_outlet(MN2, 1)
    third, spec3 = rich_outlet(MN3, 2)
    idx1 = np.flatnonzero((first["pollutant"] == COD).to_numpy())[600:768]
    idx3 = np.flatnonzero((third["pollutant"] == COD).to_numpy())[600:768]
    third = third.copy()
    third.loc[idx3, "value"] = first.loc[idx1, "value"].to_numpy()
    return ((first, spec1), (second, spec2), (third, spec3))


@cache
def fleet_packets() -> dict[str, pd.DataFrame]:
    """Packet records of the fleet: a logger; a firmware update; a second program beside it."""
    programs = {
        MN: lambda k: LOGGER,
        MN2: lambda k: FIRMWARE_2 if k >= 700 else LOGGER,
        MN3: lambda k: FORGER if k >= 900 and k % 3 == 0 else LOGGER,
    }
    out = {}
    for frame, spec in fleet_frames():
        arrivals = frame.groupby("ts")["received_at"].min().sort_values()
        out[spec.mn] = packets_frame(
            pd.DatetimeIndex(arrivals.to_numpy()), arrivals.index, programs[spec.mn]
        )
    return out


def run_all(detector: Detector, lang: str = "en") -> list[Finding]:
    """The detector over the fleet: each outlet alone, or all at once for a fleet detector."""
    wire = fleet_packets()
    outlets = [OutletData(f, s, lang=lang, packets=wire[s.mn]) for f, s in fleet_frames()]
    if isinstance(detector, FleetDetector):
        return detector.detect_fleet(outlets)
    return [x for o in outlets for x in detector.detect(o)]


@pytest.fixture(params=DETECTORS)
def detector_cls(request: pytest.FixtureRequest) -> type[Detector]:
    return catalogue()[request.param]


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
    detector = detector_cls()
    assert detector.detect(empty_frame(), make_spec(MN)) == []
    if isinstance(detector, FleetDetector):
        assert detector.detect_fleet([OutletData(empty_frame(), make_spec(MN))]) == []


def test_two_runs_equal_and_input_untouched(detector_cls: type[Detector]) -> None:
    frames = fleet_frames()
    before = [f.copy(deep=True) for f, _ in frames]
    first = run_all(detector_cls())
    second = run_all(detector_cls())
    for (frame, _), copy in zip(frames, before, strict=True):
        pd.testing.assert_frame_equal(frame, copy)
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]


def test_findings_are_well_formed(detector_cls: type[Detector]) -> None:
    span = {f["mn"].iloc[0]: (f["ts"].min(), f["ts"].max()) for f, _ in fleet_frames()}
    for lang in ("en", "zh"):
        for f in run_all(detector_cls(), lang=lang):
            assert f.detector == detector_cls.name
            assert f.category in CATEGORIES
            assert f.severity in SEVERITIES
            assert 0.0 <= f.confidence <= 1.0
            assert f.mn in span
            lo, hi = span[f.mn]
            assert lo <= f.start <= f.end <= hi, (f.start, f.end, lo, hi)
            assert f.summary.strip() and "{" not in f.summary
            if lang == "zh":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in f.summary), f.summary
            json.dumps(f.to_dict(), allow_nan=False)
            assert "params" in f.evidence
            assert_evidence_shape(f)


EVIDENCE_KEYS = ("rule", "statistic", "threshold", "window_hours", "false_alarm_rate_per_year")


def assert_evidence_shape(f: Finding) -> None:
    """Every finding names its rule, statistic, threshold, window and the false-alarm rate per
    year its threshold was set for (null only for a rule on measured facts, no statistical null)."""
    ev = f.evidence
    missing = [k for k in EVIDENCE_KEYS if k not in ev]
    assert not missing, f"{f.detector}: evidence lacks {missing}"
    assert isinstance(ev["rule"], str) and ev["rule"].strip(), f.detector
    assert isinstance(ev["statistic"], str) and ev["statistic"].strip(), f.detector
    threshold = ev["threshold"]
    numbers = threshold if isinstance(threshold, list | tuple) else [threshold]
    assert numbers and all(isinstance(x, int | float) for x in numbers), (f.detector, threshold)
    assert isinstance(ev["window_hours"], int | float) and ev["window_hours"] > 0, f.detector
    rate = ev["false_alarm_rate_per_year"]
    assert rate is None or (isinstance(rate, int | float) and 0 < rate < 1), (f.detector, rate)


def test_the_contract_is_not_vacuous() -> None:
    """Most detectors find something in the rich fleet, so the checks above check findings."""
    silent = [name for name, cls in catalogue().items() if not run_all(cls())]
    assert len(silent) <= len(DETECTORS) // 4, f"silent on the contract fleet: {silent}"
