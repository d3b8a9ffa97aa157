"""HJ 212 packets: framing, the data segment, and encoding.

A frame is ``##`` + 4 decimal digits (the data segment's length in bytes) + the data segment + 4 hex
digits (CRC16 of the data segment, see :mod:`ingest.hj212.crc`) + ``\\r\\n``. The data segment is
``KEY=VALUE`` header fields separated by ``;`` (QN, ST, CN, PW, MN, Flag, PNUM, PNO and any vendor
field) and last ``CP=&&...&&``, whose content is items separated by ``;`` and fields within an item
separated by ``,``, each ``KEY=VALUE``.

Rules of :func:`decode_packet` (every violation raises :class:`CodecError`, nothing else escapes):

- ``##`` at offset 0 (``frame``); 4 ASCII digits at offset 2 (``length``); the segment between them
  and the CRC has exactly that many bytes (``length``) and at most ``max_length`` (``too-long``;
  HJ 212 allows 1024, ``max_length=None`` lifts the limit); after the CRC only ``\\r\\n``, ``\\n`` or
  nothing (``frame``); every byte ASCII (``encoding``) and no line break in the segment (``frame``);
- the CRC is 4 hex digits in either case; the HJ 212 CRC16 is standard, CRC-16/MODBUS high or low
  byte first is accepted as a tagged variant unless ``strict_crc`` (``crc``);
- the segment ends with ``CP=&&...&&``; every header part and CP field is ``KEY=VALUE`` with a
  non-empty key; no header key twice (``syntax``);
- MN and CN present and non-empty; Flag, PNUM, PNO decimal; PNUM and PNO both or neither,
  1 <= PNO <= PNUM; the Flag's D bit requires PNUM/PNO (``field``). A missing Flag is allowed (real
  devices omit it): ``Packet.flag`` is then None. Unknown header keys and CP fields are kept as sent.

Values are kept as the exact strings sent, so ``encode_packet(decode_packet(b)) == b`` for every
frame with an HJ 212 CRC in upper case and ``\\r\\n``.

Real devices bend the standard. :func:`read_segment` and ``unframe(..., strict=False)`` (the
default of the decoders) accept these departures and name each with a stable tag
(:data:`DEVIATIONS`); with ``strict=True`` each is refused with the reason given here:

- ``header-stray-separator``: an empty header part (``;;``, a ``;`` opening the segment or
  closing the header before ``;CP=&&``); dropped. Strict: ``syntax``.
- ``upper-case-fields``: a key the standard spells otherwise but for letter case (``FLAG``,
  ``mn``, ``DATATIME``, ``W01018-AVG``); rewritten as the standard spells it (an HJ 212-2017
  pollutant code, one letter and five digits, in lower case). Strict: ``syntax``.
- ``long-data-segment``: a data segment longer than ``max_length`` (1,024 bytes by default, the
  standard's limit) and at most 9,999 (what the length field can say). Strict: ``too-long``.
- ``joined-time-pair``: ``BeginTime=...,EndTime=...`` in one CP item, joined by ``,`` as
  HJ/T 212-2005 requests write them; split into two items as HJ 212-2017 writes them
  (``BeginTime=...;EndTime=...``). Strict: ``syntax``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from ingest.errors import CodecError
from ingest.hj212.codes import DATATIME_TZ, FLAG_SPLIT, NUMERIC_FIELDS, TEXT_FIELDS
from ingest.hj212.crc import CrcVariant, crc_for, crc_variant, hj212_crc

#: Longest data segment HJ 212 allows.
MAX_SEGMENT: int = 1024
#: Longest data segment a frame can declare (4 decimal digits): the limit of lenient decoding.
MAX_LENIENT_SEGMENT: int = 9999

#: Tags of the departures from the standard that lenient decoding accepts (module doc).
STRAY_SEPARATOR: Final = "header-stray-separator"
UPPER_CASE_FIELDS: Final = "upper-case-fields"
LONG_SEGMENT: Final = "long-data-segment"
JOINED_TIME_PAIR: Final = "joined-time-pair"
DEVIATIONS: Final[tuple[str, ...]] = (
    STRAY_SEPARATOR,
    UPPER_CASE_FIELDS,
    LONG_SEGMENT,
    JOINED_TIME_PAIR,
)

#: The header keys the codec interprets, in the order the standard writes them.
HEADER_KEYS: tuple[str, ...] = ("QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO")

CpField = tuple[str, str]
CpItem = tuple[CpField, ...]

_HEX = b"0123456789abcdefABCDEF"


@dataclass(frozen=True, slots=True)
class Packet:
    """One HJ 212 data segment.

    ``header`` holds the header fields (everything before ``CP=``) as ``(key, value)`` strings in
    the order sent; ``cp_text`` the CP content between ``CP=&&`` and the closing ``&&``, exactly as
    sent (validated by :func:`parse_segment`); :attr:`cp` gives it as items of ``(key, value)``
    fields. Build packets with :meth:`build`; read header fields through the properties.
    """

    header: tuple[CpField, ...]
    cp_text: str = ""

    @classmethod
    def build(
        cls,
        *,
        cn: str,
        mn: str,
        qn: str | None = None,
        st: str | None = None,
        pw: str | None = None,
        flag: int | None = None,
        pnum: int | None = None,
        pno: int | None = None,
        cp: tuple[CpItem, ...] = (),
        extra: tuple[CpField, ...] = (),
    ) -> Packet:
        """A packet with its header in the standard's order (QN ST CN PW MN Flag PNUM PNO extra)."""
        values = (qn, st, cn, pw, mn, flag, pnum, pno)
        header = tuple(
            (k, str(v)) for k, v in zip(HEADER_KEYS, values, strict=True) if v is not None
        )
        return cls(header + extra, join_cp(cp))

    def get(self, key: str) -> str | None:
        """A header field's value, or None when absent."""
        for k, v in self.header:
            if k == key:
                return v
        return None

    @property
    def qn(self) -> str | None:
        return self.get("QN")

    @property
    def st(self) -> str | None:
        return self.get("ST")

    @property
    def cn(self) -> str:
        return self.get("CN") or ""

    @property
    def pw(self) -> str | None:
        return self.get("PW")

    @property
    def mn(self) -> str:
        return self.get("MN") or ""

    @property
    def flag(self) -> int | None:
        """The header Flag, or None when the device sent none."""
        text = self.get("Flag")
        return None if text is None else int(text)

    @property
    def version(self) -> int | None:
        """Flag >> 2: 0 = HJ/T 212-2005, 1 = HJ 212-2017, 2 = HJ 212-2025; None without Flag."""
        flag = self.flag
        return None if flag is None else flag >> 2

    @property
    def split(self) -> tuple[int, int] | None:
        """``(PNUM, PNO)`` for a part of a split packet, else None."""
        pnum, pno = self.get("PNUM"), self.get("PNO")
        return None if pnum is None or pno is None else (int(pnum), int(pno))

    @property
    def extra(self) -> tuple[CpField, ...]:
        """Header fields the codec does not interpret (vendor extensions), as sent."""
        return tuple((k, v) for k, v in self.header if k not in HEADER_KEYS)

    @property
    def cp(self) -> tuple[CpItem, ...]:
        """CP items (split at ``;``), each a tuple of ``(key, value)`` fields (split at ``,``)."""
        return split_cp(self.cp_text)

    def cp_value(self, key: str) -> str | None:
        """The first CP field named ``key`` (e.g. ``DataTime``), or None."""
        for item in self.cp:
            for k, v in item:
                if k == key:
                    return v
        return None

    def pollutants(self) -> dict[str, dict[str, str]]:
        """CP fields ``CODE-FIELD=VALUE`` grouped as ``{code: {field: value}}`` (codes as sent).

        A field is a pollutant field when its key contains ``-``; the code is the part before the
        last ``-``. Fields repeated for a code keep the first value.
        """
        out: dict[str, dict[str, str]] = {}
        for item in self.cp:
            for k, v in item:
                code, sep, name = k.rpartition("-")
                if sep:
                    fields = out.setdefault(code, {})
                    if name not in fields:
                        fields[name] = v
        return out

    def cp_other(self) -> dict[str, str]:
        """CP fields that are not pollutant fields (no ``-`` in the key), first value of each."""
        out: dict[str, str] = {}
        for item in self.cp:
            for k, v in item:
                if "-" not in k and k not in out:
                    out[k] = v
        return out


def join_cp(items: tuple[CpItem, ...]) -> str:
    """CP content of ``items``: fields ``KEY=VALUE`` joined by ``,``, items by ``;``."""
    return ";".join(",".join(f"{k}={v}" for k, v in item) for item in items)


def split_cp(content: str) -> tuple[CpItem, ...]:
    """Items of CP content; CodecError (``syntax``) for a field that is not ``KEY=VALUE``.

    An empty content has no items; an empty item (``a=1;;b=2``) is the empty tuple.
    """
    if not content:
        return ()
    out: list[CpItem] = []
    for index, item in enumerate(content.split(";")):
        if not item:
            out.append(())
            continue
        fields = []
        for number, text in enumerate(item.split(","), 1):
            key, sep, value = text.partition("=")
            if not sep or not key:
                raise CodecError(
                    "syntax", f"CP item {index + 1} field {number} ({text!r:.40}) is not KEY=VALUE"
                )
            fields.append((key, value))
        out.append(tuple(fields))
    return tuple(out)


#: ``bytes.translate`` arguments that keep only the separators ``= , ;`` of a text (``;`` as ``,``).
_NOT_SEPARATOR = bytes(b for b in range(256) if b not in b"=,;")
_SEMICOLON_AS_COMMA = bytes.maketrans(b";", b",")
#: The separators of ``K=V,K=V,...,K=V`` and of ``K=V;K=V;...;K=V`` (their prefixes; a data segment
#: has at most 9999 bytes).
_ALTERNATING_CP = b"=," * 5000
_ALTERNATING_HEADER = b"=;" * 5000


def _alternates(marks: bytes, pattern: bytes) -> bool:
    """``marks`` is ``=`` and the separator of ``pattern`` in turn, starting and ending with ``=``."""
    n = len(marks)
    if n > len(pattern):
        pattern = pattern[:2] * (n // 2 + 1)
    return n & 1 == 1 and marks == pattern[:n]


def split_simple_cp(content: str) -> list[str] | None:
    """``[key1, value1, key2, value2, ...]`` of CP content whose fields each hold exactly one ``=``.

    That is: the characters ``=`` ``,`` ``;`` of ``content``, in order, alternate ``=`` and a
    separator (``,`` or ``;``), starting and ending with ``=``. Otherwise None (also for an empty
    content). Keys may be empty: :func:`is_simple_cp` also excludes those. The item structure (``;``
    against ``,``) is not kept.
    """
    marks = content.encode("ascii", "replace").translate(_SEMICOLON_AS_COMMA, _NOT_SEPARATOR)
    if not _alternates(marks, _ALTERNATING_CP):
        return None
    return content.replace("=", ",").replace(";", ",").split(",")


def split_simple_header(text: str) -> list[str] | None:
    """``[key1, value1, key2, value2, ...]`` of header text ``K=V;K=V;...;K=V`` whose parts each hold
    exactly one ``=`` and no ``,``; otherwise None. Keys may be empty or repeated."""
    marks = text.encode("ascii", "replace").translate(None, _NOT_SEPARATOR)
    if not _alternates(marks, _ALTERNATING_HEADER):
        return None
    return text.replace("=", ";").split(";")


def is_simple_cp(content: str) -> bool:
    """True when every CP field holds exactly one ``=`` after a non-empty key and no item is empty.

    This is the shape of every standard packet; it lets :func:`check_cp` and the readings code work
    with whole-string operations instead of a loop per field. Checked on the sequence of ``=``, ``,``
    and ``;`` characters: it must alternate ``=`` and a separator, starting and ending with ``=``
    (:func:`split_simple_cp`), and no ``=`` may start the content or follow a separator.
    """
    if not content or content[0] == "=":
        return False
    marks = content.encode("ascii", "replace").translate(_SEMICOLON_AS_COMMA, _NOT_SEPARATOR)
    return _alternates(marks, _ALTERNATING_CP) and ",=" not in content and ";=" not in content


def check_cp(content: str) -> None:
    """Raise CodecError (``syntax``) unless every CP field is ``KEY=VALUE`` with a non-empty key.

    Standard packets pass :func:`is_simple_cp`; anything else goes through :func:`split_cp`, which
    accepts values holding ``=`` and empty items and locates the offending field.
    """
    if content and not is_simple_cp(content):
        split_cp(content)


def unframe(
    data: bytes,
    *,
    strict_crc: bool = False,
    max_length: int | None = MAX_SEGMENT,
    strict: bool = True,
) -> tuple[str, CrcVariant]:
    """Check a frame's envelope and return ``(data segment, CRC variant)``. Rules: module doc.

    ``strict=False`` lets a segment longer than ``max_length`` (up to 9,999 bytes) through: the
    caller tags it ``long-data-segment`` (:func:`is_long`)."""
    if type(data) is not bytes:
        if not isinstance(data, bytes | bytearray | memoryview):
            raise CodecError("frame", f"expected bytes, got {type(data).__name__}")
        data = bytes(data)
    end = len(data)
    if data.endswith(b"\r\n"):
        end -= 2
    elif data.endswith(b"\n"):
        end -= 1
    if end == 0:
        raise CodecError("frame", "empty payload; expected '##' at offset 0")
    if not data.startswith(b"##"):
        raise CodecError("frame", f"expected '##' at offset 0, found {data[:2]!r}")
    if end < 10:
        raise CodecError("frame", f"truncated frame of {end} bytes; at least 10 needed")
    length_field = data[2:6]
    if not length_field.isdigit():
        raise CodecError("length", f"length field at offset 2 is {length_field!r}, not 4 digits")
    declared = int(length_field)
    actual = end - 10
    if declared != actual:
        frame_end = 6 + declared + 4
        if data[frame_end : frame_end + 2] == b"\r\n" and len(data) > frame_end + 2:
            raise CodecError(
                "frame",
                f"{len(data) - frame_end - 2} bytes after the frame's CRLF at offset {frame_end}",
            )
        raise CodecError(
            "length",
            f"length field at offset 2 says {declared} but the data segment from offset 6 to the "
            f"CRC at offset {end - 4} is {actual} bytes",
        )
    if max_length is not None and actual > max_length and strict:
        raise CodecError(
            "too-long",
            f"data segment of {actual} bytes exceeds the limit of {max_length}",
        )
    segment = data[6 : end - 4]
    crc_field = data[end - 4 : end]
    if crc_field.translate(None, _HEX) or len(crc_field) != 4:
        raise CodecError("crc", f"CRC field at offset {end - 4} is {crc_field!r}, not 4 hex digits")
    if not data.isascii():
        pos = next(i for i, b in enumerate(data) if b > 127)
        raise CodecError("encoding", f"non-ASCII byte 0x{data[pos]:02X} at offset {pos}")
    if b"\r" in segment or b"\n" in segment:
        pos = 6 + min(i for i in (segment.find(b"\r"), segment.find(b"\n")) if i >= 0)
        raise CodecError("frame", f"line break inside the data segment at offset {pos}")
    sent = int(crc_field, 16)
    variant = (
        "hj212" if sent == hj212_crc(segment) else crc_variant(segment, sent, strict=strict_crc)
    )
    if variant is None:
        expected = f"{crc_for(segment):04X}"
        raise CodecError(
            "crc",
            f"CRC {crc_field.decode()} at offset {end - 4} does not match the data segment "
            f"(HJ 212 CRC16 is {expected}{'; strict mode' if strict_crc else ''})",
        )
    return segment.decode("ascii"), variant


def parse_segment(segment: str) -> Packet:
    """Parse a data segment (rules in the module doc). Positions in errors are segment offsets."""
    cp_at = segment.find("CP=&&")
    if cp_at < 0:
        raise CodecError("syntax", "no 'CP=&&' in the data segment")
    if cp_at and segment[cp_at - 1] != ";":
        raise CodecError("syntax", f"'CP=&&' at segment offset {cp_at} not preceded by ';'")
    if len(segment) < cp_at + 7 or not segment.endswith("&&"):
        raise CodecError("syntax", "CP is not closed by '&&' at the end of the data segment")
    header = _parse_header(segment[: cp_at - 1]) if cp_at else []
    content = segment[cp_at + 5 : -2]
    check_cp(content)
    _check_header(header)
    return Packet(tuple(header), content)


def _parse_header(text: str) -> list[CpField]:
    """Header ``KEY=VALUE`` parts separated by ``;``; CodecError (``syntax``) names the offset."""
    flat = split_simple_header(text)
    if flat is not None:  # one '=' per part: split everything at once
        keys = flat[0::2]
        if "" not in keys and len(set(keys)) == len(keys):
            return list(zip(keys, flat[1::2], strict=True))
    parts = text.split(";")
    header: list[CpField] = []
    seen: set[str] = set()
    offset = 0
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or not key:
            raise CodecError(
                "syntax", f"header part {part!r} at segment offset {offset} is not KEY=VALUE"
            )
        if key in seen:
            raise CodecError("syntax", f"header key {key} repeated at segment offset {offset}")
        seen.add(key)
        header.append((key, value))
        offset += len(part) + 1
    return header


def _int_field(header: dict[str, str], key: str) -> int | None:
    text = header.get(key)
    if text is None:
        return None
    if not text.isdigit() or not text.isascii() or len(text) > 9:
        raise CodecError("field", f"{key}={text!r} is not a decimal number")
    return int(text)


def _check_header(fields: list[CpField]) -> None:
    header = dict(fields)
    if not header.get("MN"):
        raise CodecError("field", "MN missing or empty in the header")
    if not header.get("CN"):
        raise CodecError("field", "CN missing or empty in the header")
    flag = _int_field(header, "Flag")
    pnum = _int_field(header, "PNUM")
    pno = _int_field(header, "PNO")
    if (pnum is None) != (pno is None):
        raise CodecError("field", "PNUM and PNO must come together")
    if pnum is not None and pno is not None and not 1 <= pno <= pnum:
        raise CodecError("field", f"PNO={pno} outside 1..PNUM={pnum}")
    if flag is not None and flag & FLAG_SPLIT and pnum is None:
        raise CodecError("field", f"Flag={flag} has the split bit (D) but PNUM/PNO are missing")


def decode_packet(
    data: bytes, *, strict_crc: bool = False, max_length: int | None = MAX_SEGMENT
) -> Packet:
    """Decode one frame into a :class:`Packet` (the CRC variant is dropped; see :func:`unframe`).

    Strict: every deviation of the module doc is refused; :func:`read_frame` accepts them."""
    segment, _ = unframe(data, strict_crc=strict_crc, max_length=max_length)
    return parse_segment(segment)


def read_frame(
    data: bytes,
    *,
    strict: bool = False,
    strict_crc: bool = False,
    max_length: int | None = MAX_SEGMENT,
    cp_keys: bool = True,
) -> tuple[Packet, CrcVariant, tuple[str, ...]]:
    """``(packet, CRC variant, deviation tags)`` of one frame: :func:`unframe`, then
    :func:`read_segment`. ``strict`` refuses the deviations of the module doc (and implies
    ``strict_crc``); lenient, they come back as tags, the packet as the standard would spell it.
    ``cp_keys=False``: the CP is taken as sent, unchecked for keys in another case and joined time
    pairs (what a gateway that reads only the header needs; about 15 us less per packet)."""
    segment, variant = unframe(
        data, strict_crc=strict_crc or strict, max_length=max_length, strict=strict
    )
    packet, tags = read_segment(segment, strict=strict, cp_keys=cp_keys)
    if is_long(segment, max_length):
        tags = (LONG_SEGMENT, *tags)
    return packet, variant, tags


def is_long(segment: str, max_length: int | None) -> bool:
    """The segment is longer than ``max_length`` (a ``long-data-segment`` when accepted)."""
    return max_length is not None and len(segment) > max_length


#: Header keys and CP keys by their upper-case spelling, and the pollutant field names.
_HEADER_BY_UPPER: Final[dict[str, str]] = {key.upper(): key for key in HEADER_KEYS}
_CP_BY_UPPER: Final[dict[str, str]] = {
    key.upper(): key for key in ("DataTime", "BeginTime", "EndTime")
}
_FIELD_BY_UPPER: Final[dict[str, str]] = {
    name.upper(): name for name in sorted({*NUMERIC_FIELDS, *TEXT_FIELDS})
}


#: Any header key spelled otherwise than the standard (``FLAG=``, ``mn=``), after ``;``.
_HEADER_OTHERWISE: Final = re.compile(
    rf"(?:^|;)(?!(?:{'|'.join(HEADER_KEYS)})=)(?i:{'|'.join(HEADER_KEYS)})="
)
#: Keys found spelled as the standard spells them (bounded): a device sends the same keys in every
#: packet, so each is looked at once.
_STANDARD_KEYS: set[str] = set()
_STANDARD_HEADER_KEYS: set[str] = set(HEADER_KEYS)
_STANDARD_KEYS_MAX: Final = 65_536


def _header_otherwise(head: str) -> bool:
    """Some header key of ``head`` (``K=V;K=V``) is a standard key in another letter case."""
    flat = split_simple_header(head)
    if flat is None:
        return _HEADER_OTHERWISE.search(head) is not None
    keys = flat[0::2]
    if _STANDARD_HEADER_KEYS.issuperset(keys):
        return False
    for key in keys:
        if key not in HEADER_KEYS and key.upper() in _HEADER_BY_UPPER:
            return True
        if len(_STANDARD_HEADER_KEYS) < _STANDARD_KEYS_MAX:
            _STANDARD_HEADER_KEYS.add(key)
    return False


def _cp_otherwise(content: str) -> bool:
    """Some CP key of ``content`` is spelled otherwise than the standard (:func:`_canonical_key`).
    Quick for a device's usual keys: one set comparison."""
    flat = split_simple_cp(content)
    if flat is not None:
        keys = set(flat[0::2])
    else:
        keys = {key for item in split_cp(content) for key, _ in item}
    if keys <= _STANDARD_KEYS:
        return False
    for key in keys - _STANDARD_KEYS:
        if _canonical_key(key) != key:
            return True
        if len(_STANDARD_KEYS) < _STANDARD_KEYS_MAX:
            _STANDARD_KEYS.add(key)
    return False


_CP_KEY: Final = re.compile(r"(^|[;,])([^=;,]*)=")
_JOINED_TIME: Final = re.compile(r"((?:Begin|End)Time=[^=;,]*),(?=(?:Begin|End)Time=)")


def keys_as_standard(header_keys: Iterable[str], cp_keys: Iterable[str]) -> bool:
    """No header or CP key is spelled otherwise than the standard and none is BeginTime or EndTime:
    a segment with these keys is one :func:`read_segment` finds no deviation in (but for stray
    separators, which no list of keys shows)."""
    cp_keys = tuple(cp_keys)
    return (
        not any(k not in HEADER_KEYS and k.upper() in _HEADER_BY_UPPER for k in header_keys)
        and all(_canonical_key(key) == key for key in cp_keys)
        and "BeginTime" not in cp_keys
        and "EndTime" not in cp_keys
    )


def read_segment(
    segment: str, *, strict: bool = False, cp_keys: bool = True
) -> tuple[Packet, tuple[str, ...]]:
    """``(packet, deviation tags)`` of a data segment: the rules of :func:`parse_segment`, with
    the deviations of the module doc accepted and tagged (in the order of :data:`DEVIATIONS`), or
    refused with their reasons when ``strict``. A segment without any gives the same packet as
    :func:`parse_segment` and no tags; lenient, the packet is the segment as the standard would
    spell it (empty header parts dropped, keys in the standard's case, time pairs split).
    ``cp_keys=False`` leaves the CP as sent (header deviations only)."""
    tags: list[str] = []
    cp_at = segment.find("CP=&&")
    if cp_at > 0 and segment[cp_at - 1] == ";":
        head = segment[: cp_at - 1]
        if head[:1] == ";" or head[-1:] == ";" or ";;" in head:
            if strict:
                where = 0 if head[:1] == ";" else (head + ";").find(";;")
                raise CodecError(
                    "syntax", f"stray ';' in the header at segment offset {where} (strict mode)"
                )
            head = ";".join(part for part in head.split(";") if part)
            tags.append(STRAY_SEPARATOR)
        content = segment[cp_at + 5 : -2] if segment.endswith("&&") else ""
        otherwise = _header_otherwise(head)
        cp_otherwise = cp_keys and bool(content) and _cp_otherwise(content)
        if otherwise or cp_otherwise:
            if strict:
                if otherwise:
                    found = _HEADER_OTHERWISE.search(head)
                    assert found is not None
                    key = found.group().lstrip(";")[:-1]
                    canon = _HEADER_BY_UPPER[key.upper()]
                else:
                    key = next(
                        match.group(2)
                        for match in _CP_KEY.finditer(content)
                        if _canonical_key(match.group(2)) != match.group(2)
                    )
                    canon = _canonical_key(key)
                raise CodecError(
                    "syntax", f"key {key!r} is spelled {canon} in HJ 212 (strict mode)"
                )
            if otherwise:
                head = ";".join(_canonical_part(part) for part in head.split(";"))
            if cp_otherwise:
                content = _CP_KEY.sub(_canonical_match, content)
            tags.append(UPPER_CASE_FIELDS)
        if cp_keys and "BeginTime=" in content and _JOINED_TIME.search(content) is not None:
            if strict:
                raise CodecError(
                    "syntax",
                    "BeginTime and EndTime joined by ',' in one CP item (HJ/T 212-2005 style; "
                    "HJ 212-2017 separates them by ';') (strict mode)",
                )
            content = _JOINED_TIME.sub(r"\1;", content)
            tags.append(JOINED_TIME_PAIR)
        if tags:
            segment = f"{head};CP=&&{content}&&"
    return parse_segment(segment), tuple(tags)


def _canonical_part(part: str) -> str:
    key, sep, value = part.partition("=")
    return f"{_HEADER_BY_UPPER.get(key.upper(), key)}{sep}{value}"


def _canonical_key(key: str) -> str:
    """A CP key as the standard spells it (``DataTime``, ``w01018-Avg``)."""
    code, sep, name = key.rpartition("-")
    if not sep:
        return _CP_BY_UPPER.get(key.upper(), key)
    name = _FIELD_BY_UPPER.get(name.upper(), name)
    if len(code) == 6 and code[0].isupper() and code[1:].isdigit() and code.isascii():
        code = code.lower()  # HJ 212-2017 codes are one lower-case letter and five digits
    return f"{code}-{name}"


def _canonical_match(match: re.Match[str]) -> str:
    return f"{match.group(1)}{_canonical_key(match.group(2))}="


def encode_segment(packet: Packet) -> str:
    """The data segment of ``packet``; raises CodecError for values that cannot be framed."""
    parts = [f"{k}={v}" for k, v in packet.header]
    segment = ";".join([*parts, "CP=&&" + packet.cp_text + "&&"])
    check = parse_segment(segment)
    if check != packet or not segment.isascii() or "\r" in segment or "\n" in segment:
        raise CodecError("syntax", "packet has keys or values that do not survive framing")
    return segment


def encode_packet(
    packet: Packet, *, crc: CrcVariant = "hj212", max_length: int | None = MAX_SEGMENT
) -> bytes:
    """The frame of ``packet``: ``##`` + length + segment + CRC (upper-case hex) + CRLF.

    ``crc`` selects a deviating algorithm to imitate a device. Raises CodecError (``too-long``)
    when the segment exceeds ``max_length``.
    """
    segment = encode_segment(packet).encode("ascii")
    if max_length is not None and len(segment) > max_length:
        raise CodecError("too-long", f"data segment of {len(segment)} bytes exceeds {max_length}")
    if len(segment) > 9999:
        raise CodecError("too-long", f"data segment of {len(segment)} bytes exceeds 9999")
    return b"##%04d%s%04X\r\n" % (len(segment), segment, crc_for(segment, crc))


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The time zone ``name`` (cached)."""
    return ZoneInfo(name)


@lru_cache(maxsize=4096)
def parse_datatime(text: str, tz: str = DATATIME_TZ) -> datetime:
    """``YYYYMMDDhhmmss`` (optionally followed by milliseconds ``zzz``) in zone ``tz`` -> aware UTC.

    Raises CodecError (``field``) for anything else, including impossible dates. Cached: the
    packets of one hour from every outlet share their DataTime.
    """
    if len(text) not in (14, 17) or not text.isdigit() or not text.isascii():
        raise CodecError("field", f"DataTime={text!r} is not YYYYMMDDhhmmss")
    try:
        tzinfo = zone(tz)
    except Exception as exc:  # ZoneInfoNotFoundError, ValueError for malformed names
        raise CodecError("field", f"unknown time zone {tz!r} ({type(exc).__name__})") from None
    try:
        local = datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
            int(text[14:17] or 0) * 1000,
            tzinfo=tzinfo,
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise CodecError("field", f"DataTime={text!r} is not a valid date/time ({exc})") from None
