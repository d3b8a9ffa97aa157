"""The quarantine never refuses (issue 15 item 1), and counts what it inserted (item 8).

A payload with a NUL in any text field used to make PostgreSQL refuse even its quarantine row, so
the daemon stopped without acknowledging and got the same message forever; on SQLite a NUL or a
control character in a pollutant code, flag or QN reached the readings table. Each hostile message
goes through the handler (the door) and :meth:`Store.commit_batch`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ingest.handler import MessageHandler
from ingest.sink import Accepted, Rejected
from monitor.store.store import Store, storable_text
from tests.ingest.daemon_stream import sites
from tests.ingest.hostile import CONTROLS, FIELDS, hj212, json_payload, with_control

SITE = sites(1, "6101150000")[0]
NOW = datetime(2026, 11, 29, tzinfo=UTC)
#: What no stored text may hold (tab and line feed are allowed in a multi-line detail only).
UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def _hostile() -> list[tuple[str, bytes]]:
    topic = f"hj212/{SITE.mn}"
    out = [
        (topic, with_control(SITE, fmt, field, char))
        for fmt in ("hj212", "json")
        for field in FIELDS
        for char in CONTROLS
    ]
    # an unregistered MN holding NUL (no password needed): the poison message of issue 15
    out.append((topic, json_payload(SITE, mn="6101\x00", pw="")))
    # a NUL and other controls in the topic (MQTT forbids U+0000 there; the store must cope)
    out += [(f"hj212/{SITE.mn}{c}", hj212(SITE, 5)) for c in CONTROLS]
    return out


def _assert_storable(store: Store) -> None:
    q = store.quarantine_frame()
    for column in ("topic", "reason", "mn"):
        for text in q[column].dropna():
            assert not UNSTORABLE.search(text) and "\t" not in text, (column, text)
    for text in q["detail"]:
        assert not UNSTORABLE.search(text), text


def test_hostile_text_fields_are_quarantined_whole_never_stored(store: Store) -> None:
    handler = MessageHandler({SITE.mn: SITE.pw})
    messages = _hostile()
    outcomes = [handler.handle(topic, payload, NOW) for topic, payload in messages]
    accepted = [o for o in outcomes if isinstance(o, Accepted)]
    rejected = [o for o in outcomes if isinstance(o, Rejected)]
    assert not accepted, [a.payload for a in accepted]
    result = store.commit_batch(accepted, rejected)  # one batch: nothing refuses it
    assert result.stored == 0 and store.count_readings() == 0
    q = store.quarantine_frame()
    assert len(q) == len(set(messages)) == result.quarantined
    assert sorted(bytes(p) for p in q.payload) == sorted(p for _, p in set(messages))
    _assert_storable(store)
    # and one by one (as the daemon's fallback commits them): each already there, none refused
    for r in rejected:
        assert store.commit_batch([], [r]).quarantined == 0


def test_every_text_column_of_the_quarantine_is_made_storable(store: Store) -> None:
    """Rows built by hand (a sink user, a conflict, the daemon's ``invalid`` detail quoting the
    refused value): NUL, controls and a lone surrogate in topic, reason, detail and MN."""
    payload = b"raw \x00 bytes \xff kept whole"
    bad = Rejected(
        NOW, "hj212/a\x00b\x1b\ud800", payload, "fi\x00eld", "line 1\nNUL \x00 here\tok", "61\x00"
    )
    result = store.commit_batch([], [bad])
    assert result.quarantined == 1 and result.quarantined_by_reason == {"fi\\x00eld": 1}
    row = store.quarantine_frame().iloc[0]
    assert row.topic == "hj212/a\\x00b\\x1b\\ud800"
    assert row.reason == "fi\\x00eld"
    assert row.detail == "line 1\nNUL \\x00 here\tok"
    assert row.mn == "61\\x00"
    assert bytes(row.payload) == payload
    _assert_storable(store)
    long_mn = Rejected(NOW, "t", b"x", "field", "", "\x00" * 40)
    store.commit_batch([], [long_mn])
    assert store.quarantine_frame().mn.iloc[-1] == "\\x00" * 8  # cut to the column's 32


def test_storable_text_leaves_ordinary_text_alone() -> None:
    for text in ("hj212/61011500000001", "MN 61011500000001 is not registered", "污水 ✓", ""):
        assert storable_text(text) == text
    assert storable_text("a\nb\tc") == "a\\x0ab\\x09c"
    assert storable_text("a\nb\tc", lines=True) == "a\nb\tc"
    assert storable_text("\x00\x7f\x9f", limit=5) == "\\x00\\"


def test_a_repeated_bad_message_is_counted_once(store: Store) -> None:
    """Item 8: the quarantine keeps one row of a message delivered three times, and the counts
    (the daemon's ``quarantined`` metric) say one, in one batch and over several batches."""
    bad = Rejected(NOW, f"hj212/{SITE.mn}", b"##garbage", "frame", "no header", None)
    other = Rejected(NOW, f"hj212/{SITE.mn}", b"##other", "frame", "no header", None)
    first = store.commit_batch([], [bad, bad, other, bad])
    assert (first.quarantined, first.quarantined_by_reason) == (2, {"frame": 2})
    again = store.commit_batch([], [bad])
    assert (again.quarantined, again.quarantined_by_reason) == (0, {})
    assert len(store.quarantine_frame()) == 2
