"""A packet's transmission fingerprint: the habits of the program that wrote it, read from its bytes.

Two programs sending the same outlet's data write different bytes even when the values agree: the
CRC variant and the case of its hex digits, the line end, the order (and spelling) of the header
fields, the shape of the CP items, the decimal places of each pollutant's numbers, how QN is made,
the ST and Flag they put, whether they split packets. :func:`fingerprint` reads these *habits*
from one frame as it arrived (a pure function of the bytes; no value, no time, nothing that
changes from one hour to the next enters it) and :attr:`Fingerprint.key` names the set in 16 hex
digits, so the store keeps the habits once (``transmission_fingerprints``) and each packet's key
(``packets.fingerprint``). The detector ``fingerprint_change`` compares habit by habit.

Habits (each a short text; ``""`` when the frame says nothing about it, e.g. a CRC of digits only
says nothing about letter case):

- ``crc``: ``hj212``, ``modbus`` or ``modbus-le`` (:func:`ingest.hj212.crc.crc_variant`);
- ``hex``: ``upper`` or ``lower`` (the CRC's letters), ``""`` for a CRC of digits only;
- ``eol``: ``crlf``, ``lf`` or ``none``;
- ``header``: the header keys as sent, in order (``QN,ST,CN,PW,MN,Flag``);
- ``st``, ``flag``: the values sent (``""`` when absent);
- ``qn``: ``17``-style length of QN, ``+000`` when its milliseconds are ``000``, ``=dt`` when its
  first 14 digits are the CP DataTime (a program that makes QN from the data, not the clock);
- ``cp``: the CP items' shapes with pollutant codes as ``*`` and repeats collapsed
  (``DataTime;*-Avg,*-Min,*-Max,*-Flag``);
- ``decimals``: per CP item in order, the decimal places of its numbers (``1;2;1/2``: a
  pollutant whose fields differ lists each count); ``-`` for a number written without a point,
  ``e`` for an exponent;
- ``codes``: ``2005`` when a pollutant code is of HJ/T 212-2005 (``011``, ``B01``), else ``2017``;
- ``split``: the number of frames of a split packet (PNUM), ``""`` for a whole one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from ingest.hj212.crc import crc_variant

__all__ = ["HABITS", "Fingerprint", "fingerprint"]

#: The habits a fingerprint holds, in this order.
HABITS: Final[tuple[str, ...]] = (
    "crc",
    "hex",
    "eol",
    "header",
    "st",
    "flag",
    "qn",
    "cp",
    "decimals",
    "codes",
    "split",
)

#: ``code-Field=value`` of a pollutant's numeric field in CP text.
_NUMERIC: Final = frozenset(("Rtd", "Avg", "Min", "Max", "Cou"))
#: A key's pollutant code: 2017 codes are one letter and five digits (``w01018``, ``a21026``).
_CODE_2017 = re.compile(r"[a-zA-Z]\d{5}")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The habits of one packet (:data:`HABITS`, in order), their key (16 hex digits of SHA-1 of
    their JSON: equal habits, equal keys) and that JSON (what the store keeps once per key)."""

    habits: tuple[tuple[str, str], ...]
    key: str
    json: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.habits)

    def to_json(self) -> str:
        return self.json


@lru_cache(maxsize=4096)
def _make(habits: tuple[tuple[str, str], ...]) -> Fingerprint:
    """The one `Fingerprint` of ``habits`` (made once: its key and JSON are computed once)."""
    text = json.dumps(dict(habits), separators=(",", ":"), ensure_ascii=True)
    return Fingerprint(habits, hashlib.sha1(text.encode("ascii")).hexdigest()[:16], text)


def fingerprint(payload: bytes, *, crc: str | None = None) -> Fingerprint | None:
    """The habits of the HJ 212 frame(s) in ``payload`` as received (several frames joined: a
    split packet's parts, read from the first with ``split`` their number), or None when the
    payload is not a frame (JSON, or bytes that do not hold one). ``crc``: the variant the decoder
    found (saves checking it again).

    A few microseconds a packet: everything but the QN habit is remembered per shape of the
    packet (its header without QN, its CP with every digit written as 9, its CRC variant, case
    and line end), which an outlet repeats packet after packet."""
    if payload[:2] != b"##" or len(payload) < 10 or not payload[2:6].isdigit():
        return None
    end = 6 + int(payload[2:6])
    if len(payload) < end + 4:
        return None
    crc_text = payload[end : end + 4]
    tail = payload[end + 4 : end + 6]
    letters = crc_text.translate(None, b"0123456789")
    if crc is None:
        try:
            variant = crc_variant(payload[6:end], int(crc_text, 16))
        except ValueError:
            variant = None
        crc = variant or "bad"
    segment = payload[6:end]
    at = segment.find(b"CP=&&")
    if at < 0:
        at = segment.upper().find(b"CP=&&")
    head, cp = (segment, b"") if at < 0 else (segment[:at], segment[at + 5 :])
    if cp.endswith(b"&&"):
        cp = cp[:-2]
    q = head.find(b"QN=")
    if q >= 0:
        q_end = head.find(b";", q)
        q_end = len(head) if q_end < 0 else q_end
        qn = head[q + 3 : q_end].decode("latin-1")
        shape_head = head[:q] + head[q_end:]
    else:
        qn, shape_head = "", head
    split = _frames(payload) if b"NUM=" in head or b"num=" in head else 0
    key = (
        shape_head,
        cp.translate(_AS_NINE),
        crc,
        tail,
        letters[:1].isupper(),
        bool(letters),
        split,
    )
    by_qn = _SHAPES.get(key)
    if by_qn is None:
        if len(_SHAPES) >= _SHAPES_AT_MOST:
            _SHAPES.clear()
        by_qn = _SHAPES[key] = {}
    qn_habit = _qn_habit(qn, _datatime(cp))
    found = by_qn.get(qn_habit)
    if found is None:
        habits = _shape_habits(head, cp, crc, tail, letters, split)
        found = by_qn[qn_habit] = _make((*habits[:6], ("qn", qn_habit), *habits[6:]))
    return found


_AS_NINE = bytes.maketrans(b"012345678", b"999999999")
#: Fingerprints by packet shape, then by QN habit; cleared when full (a flood of shapes cannot
#: grow it).
_SHAPES: dict[tuple[object, ...], dict[str, Fingerprint]] = {}
_SHAPES_AT_MOST = 65_536


def _shape_habits(
    head: bytes, cp: bytes, crc: str, tail: bytes, letters: bytes, split: int
) -> tuple[tuple[str, str], ...]:
    """Every habit but QN's, in :data:`HABITS` order."""
    eol = "crlf" if tail == b"\r\n" else "lf" if tail[:1] == b"\n" else "none"
    hex_case = "" if not letters else "upper" if letters.isupper() else "lower"
    header_keys: list[str] = []
    values: dict[str, str] = {}
    for part in head.decode("latin-1").split(";"):
        if part:
            key, _, value = part.partition("=")
            header_keys.append(key)
            values.setdefault(key.upper(), value)
    cp_shape, decimals, codes = _cp_habits(cp.translate(_AS_NINE))
    return (
        ("crc", crc),
        ("hex", hex_case),
        ("eol", eol),
        ("header", ",".join(header_keys)),
        ("st", values.get("ST", "")),
        ("flag", values.get("FLAG", "")),
        ("cp", cp_shape),
        ("decimals", decimals),
        ("codes", codes),
        ("split", str(split) if split else ""),
    )


def _frames(payload: bytes) -> int:
    """How many frames ``payload`` holds back to back."""
    count, at = 0, 0
    while payload[at : at + 2] == b"##" and payload[at + 2 : at + 6].isdigit():
        count += 1
        at += 6 + int(payload[at + 2 : at + 6]) + 4
        while payload[at : at + 1] in (b"\r", b"\n"):
            at += 1
    return max(count, 1)


def _datatime(cp: bytes) -> str:
    at = cp.find(b"DataTime=")
    if at < 0:
        at = cp.upper().find(b"DATATIME=")
        if at < 0:
            return ""
    return cp[at + 9 : at + 23].decode("latin-1")


def _qn_habit(qn: str, datatime: str) -> str:
    if not qn:
        return ""
    habit = str(len(qn))
    if len(qn) >= 17 and qn[14:17] == "000":
        habit += "+000"
    if datatime and qn[:14] == datatime:
        habit += "=dt"
    return habit


@lru_cache(maxsize=16384)
def _cp_habits(cp_bytes: bytes) -> tuple[str, str, str]:
    """``(cp, decimals, codes)`` habits of a CP text whose digits are all 9 (so values of one
    width share an entry): item shapes with codes as ``*`` (repeats collapsed), decimal places
    per item in order (``1;2;1/2``: a program formats each pollutant its own way), code table."""
    shapes: list[str] = []
    places: list[str] = []
    codes = "2017"
    for item in cp_bytes.decode("latin-1").split(";"):
        fields = []
        seen: list[str] = []
        for pair in item.split(","):
            key, _, value = pair.partition("=")
            code, dash, name = key.rpartition("-")
            if not dash:
                fields.append(key)
                continue
            if not _CODE_2017.fullmatch(code):
                codes = "2005"
            fields.append(f"*-{name}")
            if name.capitalize() in _NUMERIC and value:
                point = value.find(".")
                p = (
                    "e"
                    if "e" in value or "E" in value
                    else "-"
                    if point < 0
                    else str(len(value) - point - 1)
                )
                if p not in seen:
                    seen.append(p)
        shape = ",".join(fields)
        if not shapes or shapes[-1] != shape:
            shapes.append(shape)
        if seen:
            places.append("/".join(sorted(seen)))
    return ";".join(shapes), ";".join(places), codes
