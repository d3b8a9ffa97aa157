"""One entry point from a payload (HJ 212 frame or JSON document) to :class:`Message` and readings.

The daemon calls :func:`decode_payload` for every MQTT message: it raises :class:`CodecError` (and
nothing else) for a payload to quarantine, and otherwise returns a :class:`Message` whose
``readings`` are ready for the sink, except for a part of a split HJ 212 packet (``split`` set and
PNUM > 1), whose readings come from :func:`readings_from_packet` once
:class:`ingest.hj212.Reassembler` returns the whole packet.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Final, Literal, NamedTuple

from ingest.errors import CodecError
from ingest.hj212.codes import FLAG_SPLIT, FLAGS_2005, FLAGS_2017, POLLUTANT_2005_TO_2017
from ingest.hj212.crc import CrcVariant
from ingest.hj212.packet import (
    MAX_SEGMENT,
    Packet,
    parse_datatime,
    parse_segment,
    split_simple_cp,
    unframe,
)
from ingest.json_payload import decode_json, readings_from_json
from ingest.reading import KIND_BY_CN, Kind, Reading

_WS = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class Message:
    """A decoded payload.

    ``crc`` is the HJ 212 CRC variant (``hj212``, or ``modbus``/``modbus-le`` from deviating
    devices; None for JSON); ``split`` is ``(PNUM, PNO)`` of a split-packet part; ``deviations``
    names accepted departures from the standard: ``crc-modbus``, ``crc-modbus-le``, ``no-flag``
    (header Flag missing), ``codes-2005`` (2005 pollutant codes mapped), ``unknown-data-flag``,
    ``naive-time`` (JSON time without offset).
    """

    fmt: Literal["hj212", "json"]
    mn: str
    pw: str | None
    cn: str
    qn: str | None
    st: str | None
    crc: CrcVariant | None
    flag: int | None
    split: tuple[int, int] | None
    packet: Packet | None
    readings: list[Reading] = field(default_factory=list)
    deviations: tuple[str, ...] = ()

    @property
    def is_part(self) -> bool:
        """A part of a split packet still to be reassembled (PNUM > 1)."""
        return self.split is not None and self.split[0] > 1

    @property
    def ack_required(self) -> bool:
        """The header Flag's A bit: the sender expects a 9014 answer."""
        return self.flag is not None and bool(self.flag & 1)


def decode_payload(
    payload: bytes,
    *,
    tz: str = "Asia/Shanghai",
    strict_crc: bool = False,
    max_length: int | None = MAX_SEGMENT,
) -> Message:
    """Decode an HJ 212 frame (starts with ``##``) or a JSON payload (starts with ``{``).

    ``tz`` is the zone of HJ 212 DataTime (and of JSON times without offset); ``strict_crc``
    rejects Modbus CRCs; ``max_length`` is the longest data segment (None: no limit).
    """
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise CodecError("frame", f"expected bytes, got {type(payload).__name__}")
    payload = bytes(payload)
    if payload[:1] == b"#":
        return _decode_hj212(payload, tz, strict_crc, max_length)
    if payload.lstrip(_WS)[:1] == b"{":
        doc = decode_json(payload, tz=tz)
        return Message(
            "json", doc.mn, doc.pw, doc.cn, None, None, None, None, None, None,
            readings_from_json(doc), doc.deviations,
        )  # fmt: skip
    if not payload.strip(_WS):
        raise CodecError("frame", "empty payload")
    raise CodecError(
        "unsupported", f"payload starts with {payload[:8]!r}; expected '##' (HJ 212) or '{{' (JSON)"
    )


def _decode_hj212(payload: bytes, tz: str, strict_crc: bool, max_length: int | None) -> Message:
    segment, variant = unframe(payload, strict_crc=strict_crc, max_length=max_length)
    message = _decode_common(segment, variant, tz)
    return message if message is not None else _decode_general(segment, variant, tz)


def _decode_general(segment: str, variant: CrcVariant, tz: str, *, fast: bool = True) -> Message:
    """Any data segment: the rules of :func:`ingest.hj212.packet.parse_segment`, then readings
    (``fast=False``: without the fast path for the CP, see :func:`_readings`)."""
    packet = parse_segment(segment)
    header = dict(packet.header)
    flag_text = header.get("Flag")
    flag = None if flag_text is None else int(flag_text)
    pnum = header.get("PNUM")
    split = None if pnum is None else (int(pnum), int(header["PNO"]))
    deviations: list[str] = []
    if variant != "hj212":
        deviations.append(f"crc-{variant}")
    if flag is None:
        deviations.append("no-flag")
    readings: list[Reading] = []
    if split is None or split[0] == 1:
        readings, mapped = _readings(packet, tz, fast=fast)
        if mapped:
            deviations.append("codes-2005")
        flags = FLAGS_2005 if flag is not None and flag >> 2 == 0 else FLAGS_2017
        for reading in readings:
            if reading.flag not in flags:
                deviations.append("unknown-data-flag")
                break
    return Message(
        "hj212", header["MN"], header.get("PW"), header["CN"], header.get("QN"), header.get("ST"),
        variant, flag, split, packet, readings, tuple(deviations),
    )  # fmt: skip


# The fast path. Nearly every packet is a data packet (CN 2011/2051/2061/2031) of the common shape:
# header parts KEY=VALUE (no PNUM/PNO, no ',' anywhere in the header) and CP fields KEY=VALUE, each
# part and field with exactly one '=', no key empty or twice. `_decode_common` checks that shape on
# the sequence of '=' ',' ';' characters, splits header and CP into keys and values at once (no loop
# per field), and reads the values through a `_Layout`: what each position in the sequence of keys
# means, worked out and validated once per distinct sequence (a device sends the same keys every
# hour) and cached. Per packet only the values are checked (MN non-empty, CN a data command, Flag
# decimal without the split bit, numbers finite). It returns None for anything else and for anything
# it is unsure of; the general path `_decode_general` then decodes the segment from scratch, and it
# alone raises the errors of such segments. So the fast path only ever returns what the general path
# would return; the one error it raises itself is parse_datatime's for a bad DataTime, which the
# general path raises for the same segment too (its earlier checks all pass on the common shape).


class _Layout(NamedTuple):
    """The meaning of one sequence of keys: the header keys, then the CP keys.

    Indexes point into the values with ``""`` (a missing CP field) and None (a missing header
    field) appended.
    """

    header_keys: tuple[str, ...]
    header: Callable[[list[str | None]], tuple[str | None, ...]]  # QN ST CN PW MN Flag
    datatime: int  # index of DataTime's value
    pollutants: tuple[str, ...]  # HJ 212-2017 code of each pollutant, in order of first appearance
    mapped: bool  # some code was a 2005 code
    rtd: Callable[[list[str | None]], tuple[str, ...]]  # Rtd Min Max Cou strings, column-wise
    avg: Callable[[list[str | None]], tuple[str, ...]]  # Avg Min Max Cou strings, column-wise
    flags: Callable[[list[str | None]], tuple[str, ...]]  # Flag of each pollutant


#: ``(number of header keys, keys) -> _Layout``, or None for keys left to the general path.
_LAYOUTS: dict[tuple[int, tuple[str, ...]], _Layout | None] = {}
_LAYOUTS_MAX: Final[int] = 4096
_UNKNOWN: Final = object()
_HEADER_FIELDS: Final = ("QN", "ST", "CN", "PW", "MN", "Flag")


def _getter(indexes: list[int]) -> Callable[[list[str | None]], tuple[str, ...]]:
    """``values -> tuple(values[i] for i in indexes)`` (an itemgetter, also for one index)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda values: (values[index],)  # type: ignore[return-value]
    return itemgetter(*indexes)


def _layout(head: int, keys: tuple[str, ...]) -> _Layout | None:
    """The layout of ``keys`` (cached), of which the first ``head`` are header keys (none: a
    packet's CP alone), or None unless: no key is empty or repeated within header or CP; the header
    has MN and CN and no PNUM/PNO; the CP has DataTime and a pollutant field (``CODE-FIELD``, the
    code being the part before the last ``-``)."""
    header_keys, cp_keys = keys[:head], keys[head:]
    groups: dict[str, dict[str, int]] = {}
    if (
        "" not in keys
        and len(set(header_keys)) == head
        and len(set(cp_keys)) == len(cp_keys)
        and (head == 0 or {"MN", "CN"} <= set(header_keys))
        and not {"PNUM", "PNO"} & set(header_keys)
        and "DataTime" in cp_keys
    ):
        for index, text in enumerate(cp_keys, head):
            code, sep, name = text.rpartition("-")
            if sep:
                groups.setdefault(code, {})[name] = index
    layout = None
    if groups:
        missing, absent = len(keys), len(keys) + 1  # the appended "" and None
        where = {key: index for index, key in enumerate(header_keys)}

        def numbers(value_name: str) -> Callable[[list[str | None]], tuple[str, ...]]:
            names = (value_name, "Min", "Max", "Cou")
            return _getter([fields.get(n, missing) for n in names for fields in groups.values()])

        layout = _Layout(
            header_keys,
            _getter([where.get(name, absent) for name in _HEADER_FIELDS]),
            cp_keys.index("DataTime") + head,
            tuple(POLLUTANT_2005_TO_2017.get(code, code) for code in groups),
            any(code in POLLUTANT_2005_TO_2017 for code in groups),
            numbers("Rtd"),
            numbers("Avg"),
            _getter([fields.get("Flag", missing) for fields in groups.values()]),
        )
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[head, keys] = layout
    return layout


def _split(head: int, text: str) -> tuple[_Layout, list[str | None]] | None:
    """``(layout, values)`` of ``text`` (header parts then CP fields) of the common shape, else
    None; ``values`` has the two sentinels appended."""
    flat: list[str | None] | None = split_simple_cp(text)  # type: ignore[assignment]
    if flat is None:
        return None
    keys = tuple(flat[0::2])
    layout = _LAYOUTS.get((head, keys), _UNKNOWN)  # type: ignore[arg-type]
    if layout is _UNKNOWN:
        layout = _layout(head, keys)  # type: ignore[arg-type]
    if layout is None:
        return None
    values = flat[1::2]
    values.append("")  # a missing CP field
    values.append(None)  # a missing header field
    return layout, values  # type: ignore[return-value]


#: ``Reading`` from a tuple of its 10 fields: what ``Reading(*fields)`` does, minus a Python-level
#: call (a NamedTuple cannot override ``__new__``, so nothing is skipped).
_new_tuple = tuple.__new__


def _common_readings(
    layout: _Layout, values: list[str | None], kind: Kind, mn: str, qn: str | None, tz: str
) -> tuple[list[Reading], tuple[str, ...]] | None:
    """``(readings, data flags)`` from the values of a common-shape segment or CP, else None
    (a number that does not parse, is not finite, or numbers whose sum overflows)."""
    ts = parse_datatime(values[layout.datatime], tz)  # type: ignore[arg-type]
    texts = (layout.rtd if kind == "rtd" else layout.avg)(values)
    try:
        nums = [float(text) if text else None for text in texts]
    except ValueError:
        return None
    total = sum(filter(None, nums))  # type: ignore[arg-type]
    if total - total != 0.0:  # NaN or infinite (or finite numbers whose sum overflows)
        return None
    flags = layout.flags(values)
    if "" in flags:
        flags = tuple(text or "N" for text in flags)
    pollutants = layout.pollutants
    n = len(pollutants)
    readings = [
        _new_tuple(Reading, (mn, pollutant, ts, kind, value, low, high, cou, flag, qn))
        for pollutant, value, low, high, cou, flag in zip(
            pollutants, nums[:n], nums[n : 2 * n], nums[2 * n : 3 * n], nums[3 * n :], flags,
            strict=True,
        )
    ]  # fmt: skip
    return readings, flags  # type: ignore[return-value]


def _decode_common(segment: str, variant: CrcVariant, tz: str) -> Message | None:
    """The message of a data segment of the common shape (see above), else None."""
    cp_at = segment.find("CP=&&")
    if cp_at < 1 or segment[cp_at - 1] != ";" or len(segment) < cp_at + 7:
        return None
    head, content = segment[: cp_at - 1], segment[cp_at + 5 : -2]
    if "," in head or not segment.endswith("&&"):
        return None
    # The header parts and CP fields in one go: the shape check makes "=" the count of parts.
    split = _split(head.count("="), f"{head};{content}")
    if split is None:
        return None
    layout, values = split
    qn, st, cn, pw, mn, flag_text = layout.header(values)
    kind = KIND_BY_CN.get(cn)  # type: ignore[arg-type]
    if not mn or kind is None:
        return None
    flag = None
    if flag_text is not None:
        if not flag_text.isdigit() or not flag_text.isascii() or len(flag_text) > 9:
            return None
        flag = int(flag_text)
        if flag & FLAG_SPLIT:
            return None
    common = _common_readings(layout, values, kind, mn, qn, tz)
    if common is None:
        return None
    readings, flags = common
    deviations: list[str] = []
    if variant != "hj212":
        deviations.append(f"crc-{variant}")
    if flag is None:
        deviations.append("no-flag")
    if layout.mapped:
        deviations.append("codes-2005")
    if not (FLAGS_2005 if flag is not None and flag >> 2 == 0 else FLAGS_2017).issuperset(flags):
        deviations.append("unknown-data-flag")
    header_keys = layout.header_keys
    packet = Packet(tuple(zip(header_keys, values[: len(header_keys)], strict=True)), content)
    return Message(
        "hj212", mn, pw, cn, qn, st, variant, flag, None, packet, readings, tuple(deviations),
    )  # fmt: skip


def _number(text: str | None, code: str, name: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if value - value != 0.0:  # NaN or infinite, or not a number at all
        raise CodecError("field", f"{code}-{name}={text!r:.40} is not a finite decimal number")
    return value


def _fields(packet: Packet) -> tuple[dict[str, dict[str, str]], str | None]:
    """``({code: {field: value}}, DataTime)`` of a packet's CP; first value wins, but DataTime
    given twice with different values raises CodecError (``field``)."""
    found: str | None = None
    for item in packet.cp:
        for key, value in item:
            if key == "DataTime":
                if found is None:
                    found = value
                elif value != found:
                    raise CodecError("field", f"conflicting DataTime values {found} and {value}")
    return packet.pollutants(), found


def readings_from_packet(packet: Packet, tz: str = "Asia/Shanghai") -> list[Reading]:
    """Readings of a data packet: CN 2011 -> rtd (value = Rtd), 2051 -> minute, 2061 -> hour,
    2031 -> day (value = Avg); any other CN gives none.

    ``ts`` is CP DataTime read in zone ``tz`` (Beijing time by default; the start of the period for
    minute/hour/day), as aware UTC. A data packet without DataTime, with an invalid one, with two
    different ones, or with a numeric field (Rtd Avg Min Max Cou) that is not a finite number
    raises CodecError (``field``); an empty numeric field is None. The pollutant is the HJ 212-2017
    code (2005 codes of table B.1 mapped); a missing data flag is N. Every pollutant code in CP
    gives one reading, even without a value (value None); a field repeated keeps its first value.
    """
    return _readings(packet, tz)[0]


def _readings(packet: Packet, tz: str, *, fast: bool = True) -> tuple[list[Reading], bool]:
    """Readings and whether any pollutant code was a 2005 code that got mapped.

    ``fast=False`` skips the fast path for a CP of the common shape (for tests comparing the two).
    """
    kind = KIND_BY_CN.get(packet.cn)
    if kind is None:
        return [], False
    split = _split(0, packet.cp_text) if fast else None
    if split is not None:  # the fast path (see above)
        common = _common_readings(*split, kind, packet.mn, packet.qn, tz)
        if common is not None:
            return common[0], split[0].mapped
    groups, text = _fields(packet)
    if text is None:
        raise CodecError("field", f"DataTime missing in CP of a data packet (CN={packet.cn})")
    ts = parse_datatime(text, tz)
    mn = packet.mn
    qn = packet.qn
    value_name = "Rtd" if kind == "rtd" else "Avg"
    mapping = POLLUTANT_2005_TO_2017
    mapped = False
    out = []
    check = 0.0
    try:
        for code, fields in groups.items():
            get = fields.get
            pollutant = mapping.get(code)
            if pollutant is None:
                pollutant = code
            else:
                mapped = True
            value, low, high, cou = get(value_name), get("Min"), get("Max"), get("Cou")
            value = float(value) if value else None
            low = float(low) if low else None
            high = float(high) if high else None
            cou = float(cou) if cou else None
            # finite unless a number is NaN or infinite (or the sum overflows: rechecked below)
            check += (value or 0.0) + (low or 0.0) + (high or 0.0) + (cou or 0.0)
            out.append(
                Reading(mn, pollutant, ts, kind, value, low, high, cou, get("Flag") or "N", qn)
            )
    except ValueError:
        check = math.nan
    if check - check != 0.0:  # "nan", "inf", "1e400" or not a number: name the field
        for code, fields in groups.items():
            for name in (value_name, "Min", "Max", "Cou"):
                _number(fields.get(name), code, name)
    return out, mapped
