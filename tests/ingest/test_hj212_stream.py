"""StreamDecoder on chunked TCP input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.hj212 import StreamDecoder, decode_packet, encode_packet
from ingest.hj212.stream import StreamItem
from tests.ingest.hj212_samples import STANDARD_EXAMPLE, frame, hourly

HOURLY = encode_packet(hourly())


def feed_all(chunks: list[bytes], **kwargs: object) -> list[StreamItem]:
    decoder = StreamDecoder(**kwargs)  # type: ignore[arg-type]
    items = [item for chunk in chunks for item in decoder.feed(chunk)]
    return items + decoder.close()


def test_several_packets_in_one_read() -> None:
    items = feed_all([STANDARD_EXAMPLE + HOURLY + STANDARD_EXAMPLE])
    assert [i.ok for i in items] == [True, True, True]
    assert [i.raw for i in items] == [STANDARD_EXAMPLE, HOURLY, STANDARD_EXAMPLE]
    assert items[1].packet == hourly() and items[1].crc == "hj212"


def test_one_packet_over_many_reads_byte_by_byte() -> None:
    decoder = StreamDecoder()
    out = []
    for i in range(len(HOURLY)):
        out += decoder.feed(HOURLY[i : i + 1])
        if i < len(HOURLY) - 1:
            assert out == [], i
    assert len(out) == 1 and out[0].packet == hourly()
    assert decoder.pending == 0


def test_garbage_between_packets_is_reported_not_lost() -> None:
    items = feed_all(
        [b"\x00\xffnoise", STANDARD_EXAMPLE[:30], STANDARD_EXAMPLE[30:] + b"AT+OK\r\n", HOURLY]
    )
    assert [(i.ok, i.error.reason if i.error else None) for i in items] == [
        (False, "frame"), (True, None), (False, "frame"), (True, None),
    ]  # fmt: skip
    assert items[0].raw == b"\x00\xffnoise" and items[2].raw == b"AT+OK\r\n"


def test_extra_hash_before_a_frame_is_garbage() -> None:
    items = feed_all([b"x#" + STANDARD_EXAMPLE])
    assert [(i.raw, i.ok) for i in items] == [(b"x#", False), (STANDARD_EXAMPLE, True)]


def test_wrong_length_frame_ends_at_crlf_and_next_packet_survives() -> None:
    bad = b"##0099" + STANDARD_EXAMPLE[6:]
    items = feed_all([bad + HOURLY])
    assert items[0].raw == bad and items[0].error is not None and items[0].error.reason == "length"
    assert items[1].packet == hourly()


def test_frame_without_crlf_followed_by_next_frame() -> None:
    items = feed_all([STANDARD_EXAMPLE[:-2] + HOURLY])
    assert [i.ok for i in items] == [True, True]


def test_truncated_frame_at_close_is_an_error() -> None:
    items = feed_all([HOURLY[:100]])
    assert len(items) == 1 and not items[0].ok and items[0].raw == HOURLY[:100]


def test_endless_frame_is_dropped_at_max_frame() -> None:
    decoder = StreamDecoder(max_frame=200)
    items = decoder.feed(b"##9999" + b"x" * 300)
    assert len(items) == 1 and items[0].error is not None and items[0].error.reason == "too-long"
    assert decoder.feed(HOURLY)[0].packet == hourly()


@settings(max_examples=150)
@given(
    st.lists(st.integers(1, 400), min_size=1, max_size=30),
    st.binary(max_size=20).filter(lambda b: b"#" not in b),
)
def test_any_chunking_gives_the_same_packets(cuts: list[int], garbage: bytes) -> None:
    stream = garbage + STANDARD_EXAMPLE + HOURLY + garbage + HOURLY
    chunks, position = [], 0
    for size in cuts:
        chunks.append(stream[position : position + size])
        position += size
    chunks.append(stream[position:])
    items = feed_all(chunks)
    packets = [i.packet for i in items if i.ok]
    assert packets == [decode_packet(STANDARD_EXAMPLE), hourly(), hourly()]
    assert b"".join(i.raw for i in items) == stream


@settings(max_examples=200)
@given(st.lists(st.binary(max_size=64), max_size=10))
def test_fuzz_stream_never_raises(chunks: list[bytes]) -> None:
    items = feed_all(chunks)
    assert b"".join(i.raw for i in items) == b"".join(chunks)


def _with_pw(pw: str) -> bytes:
    return encode_packet(hourly(PW=pw))


def test_a_frame_with_hashes_in_its_pw_survives_any_split() -> None:
    """A correct length field and too few bytes: wait, even past a '##' inside the frame (a PW
    may hold one); it used to be cut there into two undecodable items and lost."""
    raw = _with_pw("ab##cd")
    for cut in range(1, len(raw)):
        items = feed_all([raw[:cut], raw[cut:], HOURLY])
        assert [i.ok for i in items] == [True, True], cut
        assert items[0].packet == hourly(PW="ab##cd")


def test_a_frame_without_crlf_ending_the_stream_is_decoded_at_close() -> None:
    raw = _with_pw("##")[:-2]
    decoder = StreamDecoder()
    assert decoder.feed(raw) == []
    items = decoder.close()
    assert [i.packet for i in items] == [hourly(PW="##")]


def test_a_length_field_too_large_ends_at_the_next_crlf_or_frame() -> None:
    """A length field promising more bytes than the frame has: no wait once a CRLF or the next
    frame's header is in; with neither, it waits, and at the end of the stream the frames are
    cut where each frame header begins."""
    bad = b"##0999" + STANDARD_EXAMPLE[6:]
    items = feed_all([bad, HOURLY])
    assert [(i.raw, i.error.reason if i.error else None) for i in items] == [
        (bad, "length"), (HOURLY, None),
    ]  # fmt: skip
    decoder = StreamDecoder()
    assert decoder.feed(bad[:-2]) == []  # no CRLF, no next frame: waits for the 999
    assert decoder.feed(HOURLY[:8]) == []  # '##0402QN' is not yet a frame header
    assert [(i.raw, i.ok) for i in decoder.feed(HOURLY[8:-2])] == [(bad[:-2], False)]
    assert [(i.raw, i.ok) for i in decoder.close()] == [(HOURLY[:-2], True)]
    decoder = StreamDecoder()
    assert decoder.feed(bad[:-2] + b"##0402QN") == []
    items = decoder.close()
    assert [(i.raw, i.ok) for i in items] == [(bad[:-2] + b"##0402QN", False)]


def _too_large(raw: bytes, by: int = 3000) -> bytes:
    """``raw`` (one frame) with a length field ``by`` bytes larger than its data segment."""
    return b"##%04d" % (int(raw[2:6]) + by) + raw[6:]


def test_a_too_large_length_field_without_crlf_gives_way_to_the_next_frame() -> None:
    """A device sending no CRLF (rule 2's frames ended by the next '##') and one frame whose
    length field is too large: a later '##' beginning a frame header ends the bad frame, which
    comes out whole as undecodable, and the good frames after it are delivered (c98d016 held
    them all until max_frame or the read timeout dropped them: reviewer Q2's R1)."""
    bad = _too_large(HOURLY)[:-2]
    good = HOURLY[:-2]
    # B begins 'ST=' (no QN, as HJ/T 212-2005 devices send), C with its keys in lower case
    st_first = encode_packet(hourly(QN=""))[:-2]
    segment = good[6:-4].decode().replace("QN=", "qn=").replace(";ST=", ";st=")
    lower = frame(segment, end=b"")
    stream = bad + good + st_first + lower + good
    for chunks in ([stream], [stream[i : i + 1] for i in range(len(stream))]):
        decoder = StreamDecoder()
        items = [item for chunk in chunks for item in decoder.feed(chunk)]
        assert [(i.raw, i.error.reason if i.error else None) for i in items] == [
            (bad, "length"), (good, None), (st_first, None), (lower, None),
        ]  # fmt: skip
        assert decoder.pending == len(good)  # the last waits for its CRLF or the next frame
        assert [i.packet for i in decoder.close()] == [hourly()]


def test_a_too_large_length_field_with_hashes_in_its_pw_comes_out_whole() -> None:
    """The bad frame ends at the next frame's '##', not at the '##' in its own PW."""
    bad = _too_large(_with_pw("ab##cd"))[:-2]
    decoder = StreamDecoder()
    items = decoder.feed(bad) + decoder.feed(HOURLY)
    assert [(i.raw, i.ok) for i in items] == [(bad, False), (HOURLY, True)]


def test_a_pw_hash_followed_by_digits_is_no_frame_start() -> None:
    """'##' + 4 digits in a PW with no header key after them: still inside the frame."""
    raw = _with_pw("x##1234y")
    for cut in range(1, len(raw)):
        items = feed_all([raw[:cut], raw[cut:]])
        assert [i.packet for i in items] == [hourly(PW="x##1234y")], cut
