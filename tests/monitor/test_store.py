"""The store keeps every reading once, never overwrites a stored value, and quarantines the rest."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pandas as pd
import pytest
import sqlalchemy as sa

from detectors.frame import READINGS_SCHEMA
from ingest.reading import Reading
from ingest.sink import Accepted, Rejected, SinkError
from monitor.store.store import Store, create_engine

BEIJING = timezone(timedelta(hours=8))
T0 = datetime(2026, 11, 29, 8, 0, tzinfo=BEIJING)  # 00:00 UTC
MN = "61011500000001"


def _message(
    hour: int, value: float = 35.2, *, mn: str = MN, payload: bytes | None = None
) -> Accepted:
    ts = T0 + timedelta(hours=hour)
    readings = (
        Reading(mn, "w01018", ts, "hour", value, value - 1, value + 1, None, "N", qn=f"q{hour}"),
        Reading(mn, "w00000", ts, "hour", 812.5, None, None, 812.5, "N", qn=f"q{hour}"),
    )
    raw = payload if payload is not None else f"packet {mn} {hour} {value}".encode()
    return Accepted(datetime.now(UTC), f"hj212/{mn}", raw, readings)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def test_readings_round_trip_as_aware_utc(store: Store) -> None:
    result = store.commit_batch([_message(0), _message(1)])
    assert (result.stored, result.duplicates, result.conflicts) == (4, 0, 0)
    frame = store.read_frame(MN)
    assert list(frame.columns) == list(READINGS_SCHEMA.names)
    assert str(frame["ts"].dtype) == "datetime64[ns, UTC]"
    cod = frame[frame.pollutant == "w01018"].reset_index(drop=True)
    assert cod.ts.tolist() == [pd.Timestamp("2026-11-29T00:00Z"), pd.Timestamp("2026-11-29T01:00Z")]
    assert cod.value.tolist() == [35.2, 35.2]
    assert cod["max"].tolist() == [36.2, 36.2]
    flow = frame[frame.pollutant == "w00000"]
    assert flow.cou.tolist() == [812.5, 812.5]
    assert flow["min"].isna().all()


def test_orm_reads_back_equal_datetimes(store: Store) -> None:
    from monitor.store.models import ReadingRow

    store.commit_batch([_message(0)])
    with sa.orm.Session(store.engine) as session:
        row = session.scalars(sa.select(ReadingRow).where(ReadingRow.pollutant == "w01018")).one()
    assert row.ts == T0
    assert row.ts.tzinfo is not None and row.ts.utcoffset() == timedelta(0)


def test_redelivery_is_a_no_op(store: Store) -> None:
    store.commit_batch([_message(0), _message(1)])
    again = store.commit_batch([_message(1), _message(2)])
    assert (again.stored, again.duplicates, again.conflicts, again.quarantined) == (2, 2, 0, 0)
    assert store.count_readings(MN) == 6
    assert store.quarantine_frame().empty


def test_different_value_is_quarantined_never_overwritten(store: Store) -> None:
    store.commit_batch([_message(0, 35.2)])
    newcomer = _message(0, 99.9, payload=b"##0101QN=...w01018-Avg=99.9")
    result = store.commit_batch([newcomer, _message(1)])
    # COD differs (conflict), flow is equal (duplicate), hour 1 is new.
    assert (result.stored, result.duplicates, result.conflicts) == (2, 1, 1)
    assert result.quarantined_by_reason == {"conflict": 1}
    cod = store.read_frame(MN).query("pollutant == 'w01018'")
    assert cod.value.tolist() == [35.2, 35.2]
    q = store.quarantine_frame("conflict")
    assert len(q) == 1
    assert bytes(q.payload[0]) == b"##0101QN=...w01018-Avg=99.9"
    assert q.topic[0] == f"hj212/{MN}" and q.mn[0] == MN
    assert "w01018 hour 2026-11-29T00:00:00+00:00" in q.detail[0]
    assert "stored value=35.2" in q.detail[0] and "received value=99.9" in q.detail[0]


def test_first_wins_within_one_batch(store: Store) -> None:
    result = store.commit_batch([_message(0, 10.0), _message(0, 20.0)])
    assert (result.stored, result.duplicates, result.conflicts) == (2, 1, 1)
    assert store.read_frame(MN).query("pollutant == 'w01018'").value.tolist() == [10.0]


def test_first_wins_within_one_batch_of_several_outlets(store: Store) -> None:
    # the store writes a batch in MN order: each outlet's messages keep their arrival order
    mns = ["61011500000009", MN, "61011500000005"]
    first = [_message(0, 10.0, mn=mn, payload=f"first {mn}".encode()) for mn in mns]
    later = [_message(0, 20.0, mn=mn, payload=f"later {mn}".encode()) for mn in reversed(mns)]
    result = store.commit_batch(first + later)
    assert (result.stored, result.duplicates, result.conflicts) == (6, 3, 3)
    for mn in mns:
        assert store.read_frame(mn).query("pollutant == 'w01018'").value.tolist() == [10.0]
    payloads = sorted(bytes(p) for p in store.quarantine_frame("conflict").payload)
    assert payloads == sorted(f"later {mn}".encode() for mn in mns)


def test_flag_change_is_a_conflict(store: Store) -> None:
    r = Reading(MN, "w21003", T0, "hour", 1.5, flag="N")
    store.commit_batch([r])
    result = store.commit_batch([Reading(MN, "w21003", T0, "hour", 1.5, flag="M")])
    assert result.conflicts == 1
    q = store.quarantine_frame("conflict")
    assert b'"flag": "M"' in bytes(q.payload[0])  # plain readings are quarantined as JSON


def test_nan_is_stored_as_unknown_and_redelivery_is_duplicate(store: Store) -> None:
    r = Reading(MN, "w21011", T0, "hour", float("nan"), flag="D")
    assert store.commit_batch([r]).stored == 1
    again = store.commit_batch([r])
    assert (again.stored, again.duplicates, again.conflicts) == (0, 1, 0)
    assert store.read_frame(MN)["value"].isna().all()


def test_rejected_messages_are_quarantined_once(store: Store) -> None:
    now = datetime.now(UTC)
    bad = [
        Rejected(now, "hj212/x", b"##9999garbage", "frame", "no header", None),
        Rejected(now, "hj212/x", b"##0010QN=1;MN=2\xff", "crc", "crc 0000 != 1A2B", "2"),
    ]
    first = store.commit_batch([], bad)
    assert first.quarantined_by_reason == {"frame": 1, "crc": 1}
    store.commit_batch([], bad)
    q = store.quarantine_frame()
    assert sorted(q.reason) == ["crc", "frame"]
    assert bytes(q[q.reason == "crc"].payload.iloc[0]).endswith(b"\xff")
    assert store.count_readings() == 0


def test_read_frame_window_and_kinds(store: Store) -> None:
    store.commit_batch([_message(h) for h in range(5)])
    store.commit_batch([Reading(MN, "w01018", T0, "day", 30.0)])
    window = store.read_frame(MN, start=T0 + timedelta(hours=1), end=T0 + timedelta(hours=3))
    assert sorted(set(window.ts)) == [
        pd.Timestamp("2026-11-29T01:00Z"),
        pd.Timestamp("2026-11-29T02:00Z"),
    ]
    both = store.read_frame(MN, kinds=("hour", "day"))
    assert sorted(set(both.kind)) == ["day", "hour"]
    assert store.read_frame("00000000000000").empty
    with pytest.raises(ValueError, match="naive"):
        store.read_frame(MN, start=datetime(2026, 11, 29))


def test_read_frames_gives_each_outlet_its_own_window(store: Store) -> None:
    """Several outlets read together (two per query here) come back one by one, in MN order,
    each exactly as read_frame gives its window; an outlet without readings there, empty."""
    mns = [f"6101150000000{i}" for i in range(5)]
    store.commit_batch([_message(h, 30.0 + i, mn=mn) for i, mn in enumerate(mns) for h in range(8)])
    store.commit_batch([Reading(mns[2], "w01018", T0 + timedelta(hours=3), "day", 30.0)])
    windows = {
        mn: (T0 + timedelta(hours=i), T0 + timedelta(hours=i + 3)) for i, mn in enumerate(mns)
    }
    windows["61011500000009"] = (T0, T0 + timedelta(hours=8))  # nothing stored
    windows[mns[3]] = (T0 + timedelta(hours=20), T0 + timedelta(hours=30))  # after its readings
    got = list(store.read_frames(dict(reversed(windows.items())), at_once=2))
    assert [mn for mn, _ in got] == sorted(windows)
    for mn, frame in got:
        start, end = windows[mn]
        pd.testing.assert_frame_equal(frame, store.read_frame(mn, start=start, end=end))
        assert set(frame.mn) <= {mn} and set(frame.kind) <= {"hour"}
    frames = dict(got)
    assert sorted(set(frames[mns[1]].ts)) == [T0 + timedelta(hours=h) for h in (1, 2, 3)]
    assert len(frames[mns[1]]) == 6 and set(frames[mns[1]].value.dropna()) == {31.0, 812.5}
    assert frames["61011500000009"].empty and frames[mns[3]].empty and len(frames[mns[4]]) == 6
    assert list(frames[mns[3]].columns) == list(READINGS_SCHEMA.names)


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises((ValueError, SinkError), match="naive"):
        store.commit_batch([Reading(MN, "w01018", datetime(2026, 1, 1), "hour", 1.0)])
    assert store.count_readings() == 0


def test_outlets_and_import_frame(store: Store) -> None:
    frame = pd.DataFrame(
        {
            "mn": ["A1", "A1", "B2"],
            "pollutant": ["w01018", "w01018", "w01001"],
            "ts": [
                "2026-01-01T08:00:00+08:00",
                "2026-01-01T09:00:00+08:00",
                "2026-01-01T00:00:00Z",
            ],
            "value": [12.0, None, 7.1],
            "flag": ["N", "D", "N"],
        }
    )
    result = store.import_frame(frame)
    assert result.stored == 3
    assert store.import_frame(frame).duplicates == 3
    assert store.outlets() == ["A1", "B2"]
    a1 = store.read_frame("A1")
    assert a1.ts.tolist() == [pd.Timestamp("2026-01-01T00:00Z"), pd.Timestamp("2026-01-01T01:00Z")]
    assert a1.flag.tolist() == ["N", "D"]
    with pytest.raises(ValueError, match="pollutant"):
        store.import_frame(frame.drop(columns=["pollutant"]))


def test_imported_reading_without_flag_stays_unknown(store: Store) -> None:
    """A readings frame's missing flag is unknown: stored as such and read back missing (so
    detectors do not count it valid), not turned into N."""
    from detectors import OutletData

    frame = pd.DataFrame(
        {
            "mn": ["A1", "A1"],
            "pollutant": ["w01018", "w01018"],
            "ts": ["2026-01-01T08:00:00+08:00", "2026-01-01T09:00:00+08:00"],
            "value": [12.0, 13.0],
            "flag": ["N", None],
        }
    )
    assert store.import_frame(frame).stored == 2
    back = store.read_frame("A1")
    assert back.flag.tolist() == ["N", None]
    series = OutletData(back).series("w01018")
    assert series is not None and series.valid.tolist() == [True, False]
    assert store.import_frame(frame).duplicates == 2  # the unknown flag compares equal


def test_sqlite_pragmas_and_locked_database(tmp_path) -> None:
    path = tmp_path / "locked.db"
    store = Store(create_engine(f"sqlite:///{path}", busy_timeout_ms=100))
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 16384  # a new file
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    with pytest.raises(SinkError, match="locked"):
        store.commit_batch([_message(0)])
    blocker.execute("ROLLBACK")
    blocker.close()
    assert store.commit_batch([_message(0)]).stored == 2
    store.close()


def test_large_batch_spans_several_statements_with_redeliveries_and_conflicts(
    store: Store,
) -> None:
    # 2,500 messages x 2 readings = 5,000 readings: more than one multi-row INSERT on SQLite
    # (about 2,978 rows per statement), in one transaction.
    first = store.commit_batch([_message(h) for h in range(2500)])
    assert (first.stored, first.duplicates, first.conflicts) == (5000, 0, 0)
    again = [_message(h) for h in range(2000, 4000)]
    again[-1] = _message(2200, 77.0, payload=b"late conflict")  # a stored key, new COD value
    again.append(_message(3500, 1.0, payload=b"in-batch conflict"))  # first in batch wins
    result = store.commit_batch(again)
    # hours 2000-2499 come back (1,000 duplicates), 2500-3998 are new; each conflicting
    # message has one conflicting reading (COD) and one duplicate (flow)
    assert (result.stored, result.conflicts, result.duplicates) == (2998, 2, 1002)
    assert store.count_readings(MN) == 5000 + 2998
    cod = store.read_frame(MN).query("pollutant == 'w01018'").set_index("ts")["value"]
    assert cod[pd.Timestamp(T0 + timedelta(hours=2200))] == 35.2
    assert cod[pd.Timestamp(T0 + timedelta(hours=3500))] == 35.2
    assert pd.Timestamp(T0 + timedelta(hours=3999)) not in cod.index
    assert sorted(bytes(p) for p in store.quarantine_frame("conflict").payload) == [
        b"in-batch conflict",
        b"late conflict",
    ]
