"""ingest.hj212.describe: lines of packets to JSON-ready objects (what `monitor hj212 decode`
prints)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ingest.hj212.describe import describe, describe_lines
from tests.ingest.hj212_samples import STANDARD_EXAMPLE


def test_lines_are_described_in_order_and_blank_lines_skipped() -> None:
    lines = [b"\n", STANDARD_EXAMPLE + b"\r\n", b"  \n", b"##0000garbage\n"]
    out = list(describe_lines(lines, tz="Asia/Shanghai"))
    assert [r["ok"] for r in out] == [True, False]
    assert out[0] == describe(
        STANDARD_EXAMPLE, tz="Asia/Shanghai", strict_crc=False, max_length=None
    )
    assert set(out[1]) == {"ok", "reason", "detail"}


def test_a_bad_zone_is_refused_before_any_line_is_read() -> None:
    def lines() -> Iterator[bytes]:
        raise AssertionError("read")
        yield b""

    with pytest.raises(ValueError, match="'Mars/Base' is not a time zone"):
        describe_lines(lines(), tz="Mars/Base")
