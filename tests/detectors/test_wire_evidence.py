"""The wire's evidence: `fingerprint_change` and `backfill`, with their honest traps.

Packets are written by the programs of ``tests/ingest/wire_programs.py`` and decoded and recorded
as the daemon does, so the habits are the ones the store would hold.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from detectors.checks.backfill import BackfillDetector
from detectors.checks.fingerprint_change import FingerprintChangeDetector
from detectors.frame import OutletData
from detectors.spec import OutletSpec
from tests.ingest.wire_programs import (
    DECIMALS,
    FIRMWARE_2,
    FORGER,
    LOGGER,
    honest_values,
    wire_frames,
)

MN, PW = "61011500000001", "123456"
T0 = datetime(2026, 6, 1, tzinfo=UTC)
DAYS = 45
HOURS = 24 * DAYS


def _live(h: int) -> datetime:
    return T0 + timedelta(hours=h + 1, minutes=2)


def _outlet(programs, sent=_live, values=None, seed: int = 1) -> OutletData:  # type: ignore[no-untyped-def]
    vals = values if values is not None else honest_values(HOURS, seed)
    frame, packets = wire_frames(MN, PW, T0, vals, programs, sent)
    return OutletData(frame, packets=packets)


# -- fingerprint_change ------------------------------------------------------------------------


def test_an_honest_logger_keeps_its_fingerprint() -> None:
    assert FingerprintChangeDetector().detect(_outlet(lambda h: LOGGER)) == []


def test_a_second_program_beside_the_logger_is_an_integrity_lead() -> None:
    outlet = _outlet(lambda h: FORGER if h >= 600 and h % 4 == 0 else LOGGER)
    (f,) = FingerprintChangeDetector().detect(outlet)
    assert (f.category, f.severity) == ("integrity", "high")
    assert f.start == outlet.packets["received_at"].iloc[600]  # type: ignore[index]
    habits = f.evidence["habits"]
    assert habits["crc"] == {"before": "hj212", "after": "modbus"}
    assert habits["qn"] == {"before": "17", "after": "17+000=dt"}
    assert habits["header"]["after"] == "QN,CN,ST,MN,PW,Flag"
    assert 0.2 < f.evidence["new_share"] < 0.3 and f.evidence["old_share_after"] > 0.7


def test_a_firmware_update_is_a_validity_notice_and_none_when_announced() -> None:
    outlet = _outlet(lambda h: FIRMWARE_2 if h >= 500 else LOGGER)
    (f,) = FingerprintChangeDetector().detect(outlet)
    assert (f.category, f.severity) == ("validity", "low")
    assert f.evidence["habits"]["flag"] == {"before": "5", "after": "9"}
    assert f.evidence["new_share"] == 1.0 and f.evidence["old_share_after"] == 0.0
    announced = (T0 + timedelta(hours=501, minutes=30)).isoformat()
    assert FingerprintChangeDetector(announced=(announced,)).detect(outlet) == []
    elsewhere = (T0 + timedelta(days=30)).isoformat()
    assert len(FingerprintChangeDetector(announced=(elsewhere,)).detect(outlet)) == 1


def test_an_update_announced_in_the_registry_gives_no_notice() -> None:
    """The site's ``announced`` changes (OutletSpec.announced, from sites.toml) act as the
    detector's own ``announced``: no notice within a day of one, a notice elsewhere."""
    vals = honest_values(HOURS, 1)
    frame, packets = wire_frames(
        MN, PW, T0, vals, lambda h: FIRMWARE_2 if h >= 500 else LOGGER, _live
    )
    near = ((T0 + timedelta(hours=505)).isoformat(),)
    quiet = OutletData(frame, OutletSpec(MN, announced=near), packets=packets)
    assert FingerprintChangeDetector().detect(quiet) == []
    far = ((T0 + timedelta(days=40)).isoformat(),)
    loud = OutletData(frame, OutletSpec(MN, announced=far), packets=packets)
    assert len(FingerprintChangeDetector().detect(loud)) == 1


def test_a_program_replacing_the_logger_altogether_is_the_same_validity_notice() -> None:
    """The wire cannot tell it from a firmware update: a notice, never silence."""
    (f,) = FingerprintChangeDetector().detect(_outlet(lambda h: FORGER if h >= 500 else LOGGER))
    assert f.category == "validity" and "crc" in f.evidence["habits"]


@pytest.mark.parametrize("odd", [1, 10])
def test_a_few_odd_packets_are_no_change(odd: int) -> None:
    hours = set(range(700, 700 + odd))
    outlet = _outlet(lambda h: FORGER if h in hours else LOGGER)
    assert FingerprintChangeDetector().detect(outlet) == []
    # a change at the very end is not yet a lasting one either
    late = _outlet(lambda h: FIRMWARE_2 if h >= HOURS - 10 else LOGGER)
    assert FingerprintChangeDetector().detect(late) == []


def test_habits_varying_from_the_start_are_no_change() -> None:
    """A logger printing numbers with %g: decimal places vary packet by packet, always."""
    rng = np.random.default_rng(3)
    variants = [
        replace(LOGGER, decimals={code: int(d) for code, d in zip(DECIMALS, row, strict=True)})
        for row in rng.integers(0, 4, size=(12, len(DECIMALS)))
    ]
    picks = rng.integers(0, len(variants), HOURS)
    outlet = _outlet(lambda h: variants[picks[h]])
    assert FingerprintChangeDetector().detect(outlet) == []


def test_no_packet_records_no_finding() -> None:
    outlet = _outlet(lambda h: FORGER if h >= 600 else LOGGER)
    bare = OutletData(outlet.frame)
    assert FingerprintChangeDetector().detect(bare) == []


# -- backfill ----------------------------------------------------------------------------------

OUTAGE = range(600, 648)  # two days without data, then the hours arrive together


def _upload(h: int) -> datetime:
    if h in OUTAGE:
        return T0 + timedelta(hours=OUTAGE.stop + 3, minutes=10)
    return _live(h)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_logger_uploading_its_buffer_after_an_outage_is_honest(seed: int) -> None:
    outlet = _outlet(lambda h: LOGGER, _upload, seed=seed)
    assert BackfillDetector().detect(outlet) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_hours_made_up_to_fill_a_gap_are_found(seed: int) -> None:
    values = honest_values(HOURS, seed)
    rng = np.random.default_rng(seed)
    for v in values.values():  # a smooth line between the hours around the gap
        a, b = v[OUTAGE.start - 1], v[OUTAGE.stop]
        v[OUTAGE.start : OUTAGE.stop] = np.linspace(a, b, len(OUTAGE)) * rng.normal(
            1, 0.003, len(OUTAGE)
        )
    outlet = _outlet(lambda h: LOGGER, _upload, values=values)
    (f,) = BackfillDetector().detect(outlet)
    assert f.category == "integrity" and f.evidence["p_value"] < 1e-3
    assert f.start == outlet.grid[OUTAGE.start]
    assert f.evidence["median_lag_hours"] > 6
    cod = f.evidence["channels"]["w01018"]
    assert cod["roughness"] < cod["live_roughness"] / 3


def test_hours_filled_at_a_made_up_level_are_found() -> None:
    values = honest_values(HOURS, 5)
    rng = np.random.default_rng(5)
    for v in values.values():  # every channel at 60 % of its level, with some noise
        v[OUTAGE.start : OUTAGE.stop] = 0.6 * v.mean() * rng.normal(1, 0.08, len(OUTAGE))
    (f,) = BackfillDetector().detect(_outlet(lambda h: LOGGER, _upload, values=values))
    assert f.severity == "high"


def test_without_arrival_times_or_live_hours_backfill_does_not_run() -> None:
    outlet = _outlet(lambda h: LOGGER, _upload)
    assert BackfillDetector().detect(OutletData(outlet.frame)) == []  # no received_at
    imported = outlet.frame.assign(received_at=outlet.frame["ts"].max() + timedelta(days=2))
    assert BackfillDetector().detect(OutletData(imported)) == []  # a whole history at once
