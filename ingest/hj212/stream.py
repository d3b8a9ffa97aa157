"""Framing HJ 212 packets out of a TCP byte stream.

:class:`StreamDecoder` takes bytes as they arrive (several packets in one read, one packet over
several reads, garbage between packets) and yields one :class:`StreamItem` per frame or per run of
garbage. Rules, applied to the buffered bytes:

1. Bytes before the next ``##`` (the last two of a run of ``#``) are garbage: one item with a
   ``frame`` error (kept in ``raw``).
2. A frame starts at ``##``; when the 4 characters after it are digits ``n``, it ends after the
   CRC at ``6 + n + 4`` if ``\\r\\n`` (or the next ``##``) follows there. Otherwise it ends at
   the first ``\\r\\n`` or at the next *frame header*, whichever comes first: a ``##`` followed
   by 4 digits and a header key with ``=`` (``##0101QN=``, ``##0088ST=``, any letter case, a
   stray ``;`` allowed), so a ``##`` inside the frame (``PW=ab##cd``) ends nothing. While
   neither has arrived it waits for more: a frame split by TCP after a ``##`` in its PW waits for
   its declared length, and a frame whose length field is too large gives way to the next frame
   header, so the good frames after it are delivered even from a device that sends no CRLF. The
   frame is then decoded by :func:`ingest.hj212.packet.read_frame`, so a wrong length still
   reports ``length`` with the frame's bytes; a frame that bends the standard as real devices do
   is decoded with its deviation tags (``strict=True`` refuses it instead).
3. While no end is in sight the bytes wait for the next read; a frame that grows past
   ``max_frame`` bytes without an end is dropped as garbage (``too-long``).

:meth:`StreamDecoder.close` returns what is left: a frame complete by its length field, else up to
the next frame header, the rest as a final (truncated) item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ingest.errors import CodecError
from ingest.hj212.crc import CrcVariant
from ingest.hj212.packet import HEADER_KEYS, MAX_SEGMENT, Packet, read_frame

#: A ``##`` that begins a plausible frame: 4 length digits, then a header key and ``=`` (any
#: letter case, after an optional stray ``;``: the deviations read_frame accepts), e.g.
#: ``##0101QN=`` or ``##0088ST=``. Only such a ``##`` ends a frame still waiting for the bytes
#: its length field promised; a ``##`` in a PW (``PW=ab##cd``) does not.
_FRAME_START: Final = re.compile(
    rb"##(?=\d{4};?(?:" + b"|".join(k.encode() for k in HEADER_KEYS) + rb")=)", re.IGNORECASE
)


def _next_frame(buf: bytearray) -> int | None:
    """Where the first ``##`` after the frame at the start of ``buf`` begins a frame header."""
    found = _FRAME_START.search(buf, 2)
    return None if found is None else found.start()


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One frame (or run of garbage) from the stream: ``packet`` and ``crc`` when it decoded,
    ``error`` otherwise; ``raw`` is always the bytes as received; ``deviations`` the tags of
    the frame's accepted departures from the standard (:data:`ingest.hj212.packet.DEVIATIONS`)."""

    raw: bytes
    packet: Packet | None = None
    crc: CrcVariant | None = None
    error: CodecError | None = None
    deviations: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None


class StreamDecoder:
    """Incremental HJ 212 framer and decoder for one TCP connection (not thread-safe)."""

    def __init__(
        self,
        *,
        strict_crc: bool = False,
        max_length: int | None = MAX_SEGMENT,
        max_frame: int = 16384,
        strict: bool = False,
        cp_keys: bool = True,
    ) -> None:
        """``strict`` refuses frames that bend the standard; lenient, ``cp_keys=False`` leaves
        the CP as sent (keys in another case, joined time pairs untagged: a gateway reads only
        the header and publishes the bytes, and the daemon tags them)."""
        self.strict = strict
        self.cp_keys = cp_keys
        self.strict_crc = strict_crc
        self.max_length = max_length
        self.max_frame = max_frame
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes buffered and not yet returned."""
        return len(self._buffer)

    def feed(self, chunk: bytes) -> list[StreamItem]:
        """Add ``chunk`` and return every frame and garbage run now complete, in stream order."""
        self._buffer += chunk
        out: list[StreamItem] = []
        buf = self._buffer
        while buf:
            start = buf.find(b"##")
            while start >= 0 and buf[start + 2 : start + 3] == b"#":  # '###0101...': last '##'
                start += 1
            if start < 0:
                # keep a trailing '#' that may begin the next frame
                cut = len(buf) - (1 if buf.endswith(b"#") else 0)
                if cut:
                    out.append(self._garbage(bytes(buf[:cut])))
                    del buf[:cut]
                break
            if start > 0:
                out.append(self._garbage(bytes(buf[:start])))
                del buf[:start]
                continue
            end = self._frame_end(buf)
            if end is None:
                if len(buf) > self.max_frame:
                    error = CodecError(
                        "too-long", f"no frame end within {self.max_frame} bytes after '##'"
                    )
                    out.append(StreamItem(bytes(buf), error=error))
                    buf.clear()
                break
            out.append(self._decode(bytes(buf[:end])))
            del buf[:end]
        return out

    def close(self) -> list[StreamItem]:
        """End of stream: whatever is buffered comes back, framed at each next frame header
        (frames that waited for bytes a wrong length field promised), the last item being the
        rest (decoded if it can be)."""
        out: list[StreamItem] = []
        buf = self._buffer
        while buf:
            end = self._declared_end(buf)
            if end is None or buf[end : end + 2] not in (b"", b"##"):
                start = _next_frame(buf) if buf.startswith(b"##") else None
                end = len(buf) if start is None else start
            raw = bytes(buf[:end])
            del buf[: len(raw)]
            out.append(self._decode(raw) if raw.startswith(b"##") else self._garbage(raw))
        return out

    @staticmethod
    def _declared_end(buf: bytearray) -> int | None:
        """Where the frame at the start of ``buf`` ends by its length field, when it is all there
        (the last frame of a stream may come without its CRLF)."""
        length_field = bytes(buf[2:6])
        if buf.startswith(b"##") and len(length_field) == 4 and length_field.isdigit():
            end = 6 + int(length_field) + 4
            return end if end <= len(buf) else None
        return None

    def _frame_end(self, buf: bytearray) -> int | None:
        if len(buf) < 6:
            return None
        length_field = bytes(buf[2:6])
        line_end = buf.find(b"\r\n", 2)
        later = _next_frame(buf)
        if length_field.isdigit():
            crc_end = 6 + int(length_field) + 4
            after = bytes(buf[crc_end : crc_end + 2])
            if after == b"\r\n":
                return crc_end + 2
            if after == b"##":
                return crc_end
            if len(buf) < crc_end + 2 and line_end < 0 and later is None:
                # not fully arrived, and neither a CRLF nor a later frame header says the length
                # is wrong: wait (a '##' inside the frame, e.g. in a PW, begins no frame header)
                return None
        # a wrong length field: end at the first CRLF or where the next frame header begins,
        # whichever comes first (the frame whole, a '##' in its PW left inside); with neither,
        # wait (max_frame, the read timeout and close() bound it)
        if later is not None and (line_end < 0 or later < line_end):
            return later
        return None if line_end < 0 else line_end + 2

    def _decode(self, raw: bytes) -> StreamItem:
        try:
            packet, variant, tags = read_frame(
                raw,
                strict=self.strict,
                strict_crc=self.strict_crc,
                max_length=self.max_length,
                cp_keys=self.strict or self.cp_keys,
            )
            return StreamItem(raw, packet, variant, deviations=tags)
        except CodecError as error:
            return StreamItem(raw, error=error)

    @staticmethod
    def _garbage(raw: bytes) -> StreamItem:
        error = CodecError("frame", f"{len(raw)} bytes outside any frame (no '##' before them)")
        return StreamItem(raw, error=error)
