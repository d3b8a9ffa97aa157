"""One entry point from a payload (HJ 212 frame or JSON document) to :class:`Message` and readings.

The daemon calls :func:`decode_payload` for every MQTT message: it raises :class:`CodecError` (and
nothing else) for a payload to quarantine, and otherwise returns a :class:`Message` whose
``readings`` are ready for the sink, except for a part of a split HJ 212 packet (``split`` set and
PNUM > 1), whose readings come from :func:`readings_from_packet` once
:class:`ingest.hj212.Reassembler` returns the whole packet.

Data packets of the common shape take a fast path (one regular-expression match per packet, see
:mod:`ingest.hj212.layout`) that gives exactly what the general path gives; everything else, and
every error, goes the general way.
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

from ingest.errors import CodecError
from ingest.hj212.codes import (
    DATATIME_TZ,
    FLAG_SPLIT,
    FLAGS_2005,
    FLAGS_2017,
    POLLUTANT_2005_TO_2017,
)
from ingest.hj212.crc import CrcVariant
from ingest.hj212.layout import match_layout
from ingest.hj212.packet import (
    LONG_SEGMENT,
    MAX_SEGMENT,
    Packet,
    is_simple_cp,
    parse_datatime,
    read_segment,
    unframe,
)
from ingest.json_payload import decode_json, readings_from_json
from ingest.reading import (
    CN_FORMAT,
    FLAG_FORMAT,
    KIND_BY_CN,
    MAX_MN,
    MAX_POLLUTANT,
    MAX_POLLUTANTS,
    MAX_QN,
    MN_FORMAT,
    POLLUTANT_FORMAT,
    PW_FORMAT,
    Reading,
)

_WS = b" \t\r\n"


@dataclass(frozen=True, slots=True)
class Message:
    """A decoded payload.

    ``crc`` is the HJ 212 CRC variant (``hj212``, or ``modbus``/``modbus-le`` from deviating
    devices; None for JSON); ``split`` is ``(PNUM, PNO)`` of a split-packet part; ``deviations``
    names accepted departures from the standard, in this order: ``long-data-segment``,
    ``crc-modbus``, ``crc-modbus-le``, ``header-stray-separator``, ``upper-case-fields``,
    ``joined-time-pair`` (:mod:`ingest.hj212.packet`; refused in strict mode), ``no-flag``
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
    tz: str = DATATIME_TZ,
    strict_crc: bool = False,
    max_length: int | None = MAX_SEGMENT,
    strict: bool = False,
) -> Message:
    """Decode an HJ 212 frame (starts with ``##``) or a JSON payload (starts with ``{``).

    ``tz`` is the zone of HJ 212 DataTime (and of JSON times without offset); ``strict_crc``
    rejects Modbus CRCs; ``max_length`` is the standard's longest data segment (None: no limit).
    Lenient (the default), a frame that bends the standard as real devices do (a stray header
    separator, keys in another letter case, a segment longer than ``max_length``, a joined
    BeginTime/EndTime pair) is decoded and tagged in ``deviations``; ``strict`` refuses each with
    its reason (``syntax``, ``too-long``) and implies ``strict_crc``.
    """
    if type(payload) is not bytes:
        if not isinstance(payload, bytes | bytearray | memoryview):
            raise CodecError("frame", f"expected bytes, got {type(payload).__name__}")
        payload = bytes(payload)
    if payload[:1] == b"#":
        segment, variant = unframe(
            payload, strict_crc=strict_crc or strict, max_length=max_length, strict=strict
        )
        message = _decode_common(segment, variant, tz)
        if message is None:
            message = _decode_general(segment, variant, tz, strict)
        if max_length is not None and len(segment) > max_length:  # lenient: tagged
            message = replace(message, deviations=(LONG_SEGMENT, *message.deviations))
        return _checked(message)
    if payload.lstrip(_WS)[:1] == b"{":
        doc = decode_json(payload, tz=tz)
        readings = readings_from_json(doc)
        deviations = doc.deviations
        if any(r.flag not in FLAGS_2017 and r.flag not in FLAGS_2005 for r in readings):
            deviations = (*deviations, "unknown-data-flag")
        return _checked(Message(
            "json", doc.mn, doc.pw, doc.cn, None, None, None, None, None, None,
            readings, deviations,
        ))  # fmt: skip
    if not payload.strip(_WS):
        raise CodecError("frame", "empty payload")
    raise CodecError(
        "unsupported", f"payload starts with {payload[:8]!r}; expected '##' (HJ 212) or '{{' (JSON)"
    )


def _checked(message: Message) -> Message:
    """Refuse what no store could keep as sent, each as ``field``: an identifying text field
    (MN, CN, QN, PW, pollutant code, data flag) outside its format (:data:`ingest.reading.MN_FORMAT`
    and the others: no control character, no NUL, nothing longer than its column), more than
    :data:`ingest.reading.MAX_POLLUTANTS` pollutants (``too-long``), and one pollutant twice in a
    message (e.g. a 2005 and a 2017 code of the same pollutant), which would make half of the
    message a conflict with the other half."""
    mn, cn, pw, qn = message.mn, message.cn, message.pw, message.qn
    if (mn, cn, pw) not in _CHECKED_HEADERS:  # an outlet sends the same ones every time
        if not MN_FORMAT.fullmatch(mn):
            why = (
                f"longer than {MAX_MN} characters"
                if len(mn) > MAX_MN
                else "not ASCII letters and digits"
            )
            raise CodecError("field", f"MN {mn!r:.60} is {why}")
        if not CN_FORMAT.fullmatch(cn):
            raise CodecError("field", f"CN {cn!r:.40} is not a command number")
        if pw is not None and not PW_FORMAT.fullmatch(pw):
            raise CodecError(
                "field", "PW holds a control or non-ASCII character or is longer than 64"
            )
        _remember(_CHECKED_HEADERS, (mn, cn, pw))
    # QN (a time, new in every packet): what QN_FORMAT says, without a regular expression
    if qn is not None and not (qn.isascii() and (qn.isalnum() or not qn) and len(qn) <= MAX_QN):
        raise CodecError(
            "field", f"QN {qn!r:.60} is not ASCII letters and digits or longer than {MAX_QN}"
        )
    check_readings(message.readings)
    return message


#: Values already found well-formed (bounded: a flood of invented codes cannot grow them).
_CHECKED_HEADERS: set[tuple[str, str, str | None]] = set()
_CHECKED_CODES: set[str] = set()
_CHECKED_FLAGS: set[str] = set()
_REMEMBER_AT_MOST = 4096
_POLLUTANT_OF = operator.itemgetter(1)
_FLAG_OF = operator.itemgetter(8)


def _remember(known: set[Any], value: Any) -> None:
    if len(known) < _REMEMBER_AT_MOST:
        known.add(value)


def check_readings(readings: list[Reading]) -> None:
    """Raise CodecError unless every reading's pollutant code and data flag fit their formats,
    no pollutant comes twice and there are at most :data:`ingest.reading.MAX_POLLUTANTS`."""
    if len(readings) > MAX_POLLUTANTS:
        raise CodecError(
            "too-long", f"{len(readings)} pollutants in one message; at most {MAX_POLLUTANTS}"
        )
    codes = set(map(_POLLUTANT_OF, readings))
    if len(codes) != len(readings):
        seen: set[str] = set()
        for r in readings:
            if r.pollutant in seen:
                raise CodecError("field", f"pollutant {r.pollutant} appears twice in one message")
            seen.add(r.pollutant)
    if not codes <= _CHECKED_CODES:
        for r in readings:
            code = r.pollutant
            if not POLLUTANT_FORMAT.fullmatch(code):
                raise CodecError(
                    "field",
                    f"pollutant code {code!r:.60} is not ASCII letters and digits or longer "
                    f"than {MAX_POLLUTANT} (e.g. w01018, or 011 and B01 of HJ/T 212-2005)",
                )
            _remember(_CHECKED_CODES, code)
    if not _CHECKED_FLAGS.issuperset(map(_FLAG_OF, readings)):
        for r in readings:
            if not FLAG_FORMAT.fullmatch(r.flag):
                raise CodecError(
                    "field",
                    f"{r.pollutant}-Flag={r.flag!r:.40} is not a data flag (a letter, e.g. N)",
                )
            _remember(_CHECKED_FLAGS, r.flag)


def _decode_general(segment: str, variant: CrcVariant, tz: str, strict: bool = False) -> Message:
    """Any data segment: the rules of :func:`ingest.hj212.packet.read_segment`, then readings."""
    packet, tags = read_segment(segment, strict=strict)
    header = dict(packet.header)
    flag_text = header.get("Flag")
    flag = None if flag_text is None else int(flag_text)
    pnum = header.get("PNUM")
    split = None if pnum is None else (int(pnum), int(header["PNO"]))
    deviations: list[str] = []
    if variant != "hj212":
        deviations.append(f"crc-{variant}")
    deviations.extend(tags)
    if flag is None:
        deviations.append("no-flag")
    readings: list[Reading] = []
    if split is None or split[0] == 1:
        readings, mapped = _readings(packet, tz)
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


# The fast path. `_decode_common` decodes a data packet (CN 2011/2051/2061/2031) whose segment has
# the common shape of ingest.hj212.layout (one regular-expression match against the layout of the
# device's skeleton yields every value) and whose values pass the checks of the general path (MN
# non-empty, Flag a plain 0..255 without the split bit, numbers finite). It returns None for
# anything else and for anything it is unsure of; `_decode_general` then decodes the segment from
# scratch, and it alone raises the errors of such segments. So the fast path only ever returns what
# the general path would return (tests/ingest/test_decode_fast.py compares the two); the one error
# it raises itself is parse_datatime's for a bad DataTime, which the general path raises for the
# same segment too (all its earlier checks pass on the common shape).

#: Header Flag values the fast path takes: 0..255 written plainly, without the split bit (D).
_PLAIN_FLAGS: Final[dict[str, int]] = {str(f): f for f in range(256) if not f & FLAG_SPLIT}
#: ``Reading`` from a tuple of its 10 fields: what ``Reading(*fields)`` does, minus a Python-level
#: call (a NamedTuple cannot override ``__new__``, so nothing is skipped).
_new_tuple = tuple.__new__


def _decode_common(segment: str, variant: CrcVariant, tz: str) -> Message | None:
    """The message of a common data segment (see above), else None."""
    matched = match_layout(segment)
    if matched is None:
        return None
    layout, values = matched
    _, header_keys, header, content, datatime, pollutants, mapped, rtd, avg, flag_getter = layout
    qn, st, cn, pw, mn, flag_text = header(values)
    kind = KIND_BY_CN.get(cn)
    flag = _PLAIN_FLAGS.get(flag_text)
    if not mn or kind is None or (flag is None and flag_text is not None):
        return None
    ts = parse_datatime(values[datatime], tz)
    # (the layout's pattern refuses '_' and whitespace in number fields: what float() reads, a
    # decimal is not ('1_5', ' 15'); such a segment goes the general way, which names the field)
    try:  # value (Rtd or Avg) of every pollutant, then Min of every pollutant, Max, Cou
        nums = [float(text) if text else None for text in (rtd if kind == "rtd" else avg)(values)]
    except ValueError:
        return None
    total = sum(filter(None, nums))
    if total - total != 0.0:  # NaN or infinite (or finite numbers whose sum overflows)
        return None
    flags = flag_getter(values)
    if "" in flags:
        flags = tuple(text or "N" for text in flags)
    n = len(pollutants)
    readings = [
        _new_tuple(Reading, (mn, pollutant, ts, kind, value, low, high, cou, data_flag, qn))
        for pollutant, value, low, high, cou, data_flag in zip(
            pollutants, nums[:n], nums[n : 2 * n], nums[2 * n : 3 * n], nums[3 * n :], flags,
            strict=True,
        )
    ]  # fmt: skip
    deviations: tuple[str, ...] = ()
    if variant != "hj212":
        deviations += (f"crc-{variant}",)
    if flag is None:
        deviations += ("no-flag",)
    if mapped:
        deviations += ("codes-2005",)
    if not (FLAGS_2005 if flag is not None and flag >> 2 == 0 else FLAGS_2017).issuperset(flags):
        deviations += ("unknown-data-flag",)
    # zip stops after the header: the header values come first in ``values``
    packet = Packet(tuple(zip(header_keys, values, strict=False)), values[content])
    return Message(
        "hj212", mn, pw, cn, qn, st, variant, flag, None, packet, readings, deviations,
    )  # fmt: skip


#: A decimal number as docs/formats/hj212.md defines it: an optional sign, digits with an
#: optional point (or a point and digits), an optional exponent. float() reads more: digit-group
#: underscores ('1_5' is 15: a corrupted decimal point becomes a value ten times larger) and
#: surrounding whitespace, which this refuses.
_DECIMAL: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _odd_text(content: str) -> bool:
    """Whether a CP may hold a number that float() reads and :data:`_DECIMAL` refuses: an
    underscore or an ASCII whitespace character (a data segment is ASCII without CR and LF). Nine
    scans in C, about 0.6 us for a 515-byte CP (str.isprintable() takes 3 us), so the regular
    expression runs only for the rare CP that has one."""
    return (
        "_" in content or " " in content or "\t" in content or "\x0b" in content
        or "\x0c" in content or "\x1c" in content or "\x1d" in content or "\x1e" in content
        or "\x1f" in content
    )  # fmt: skip


def _number(text: str | None, code: str, name: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text) if _DECIMAL.fullmatch(text) else math.nan
    except ValueError:  # pragma: no cover - what _DECIMAL matches float() reads
        value = math.nan
    if value - value != 0.0:  # NaN or infinite, or not a number at all
        raise CodecError("field", f"{code}-{name}={text!r:.40} is not a finite decimal number")
    return value


def _fields(packet: Packet) -> tuple[dict[str, dict[str, str]], str | None]:
    """``({code: {field: value}}, DataTime)`` of a packet's CP. A field given twice keeps its one
    value; a field a reading is built from (`_STORED_FIELDS`) given twice with different values
    (e.g. ``w01018-Avg=10`` and ``w01018-Avg=99``: a corrected value appended, or a replacement)
    raises CodecError (``field``, naming both), as does DataTime given twice with different
    values: which of the two is true cannot be told. Any other field keeps its first value."""
    content = packet.cp_text
    if is_simple_cp(content):
        flat = content.replace("=", ",").replace(";", ",").split(",")
        keys = flat[0::2]
        if len(set(keys)) == len(keys):  # no key twice: the common case, one pass over the fields
            groups: dict[str, dict[str, str]] = {}
            datatime = None
            last = None
            group: dict[str, str] = {}
            for key, value in zip(keys, flat[1::2], strict=True):
                code, sep, name = key.rpartition("-")
                if sep:
                    if code != last:  # fields of one code usually come together
                        last = code
                        group = groups.setdefault(code, {})
                    group[name] = value
                elif key == "DataTime":
                    datatime = value
            return groups, datatime
    found: str | None = None
    out: dict[str, dict[str, str]] = {}
    for item in packet.cp:
        for key, value in item:
            code, sep, name = key.rpartition("-")
            if sep:
                fields = out.setdefault(code, {})
                first = fields.setdefault(name, value)
                if (
                    first != value
                    and name in _STORED_FIELDS
                    and not _same_number(name, first, value)
                ):
                    raise CodecError("field", f"{key} given twice: {first!r:.40} and {value!r:.40}")
            elif key == "DataTime":
                if found is None:
                    found = value
                elif value != found:
                    raise CodecError("field", f"conflicting DataTime values {found} and {value}")
    return out, found


#: CP fields a reading is built from: one of these given twice with two different values makes
#: the packet ``field``; any other field (EFlag, SampleTime, ZsRtd, a vendor's) is accepted and
#: not stored, so a repeat keeps its first value and costs no reading (reviewer-Q2's R7: a
#: logger repeating ``w01018-EFlag`` had its whole packet quarantined).
_STORED_FIELDS: Final[frozenset[str]] = frozenset({"Rtd", "Avg", "Min", "Max", "Cou", "Flag"})

#: CP fields read as numbers: a repeat of one of these is the same when the numbers are equal.
_NUMBER_FIELDS: Final[frozenset[str]] = frozenset({"Rtd", "Avg", "Min", "Max", "Cou"})


def _same_number(name: str, first: str, again: str) -> bool:
    """Whether two texts of a number field are one number (``10`` and ``10.0``)."""
    if name not in _NUMBER_FIELDS or not _DECIMAL.fullmatch(first):
        return False
    return _DECIMAL.fullmatch(again) is not None and float(first) == float(again)


def readings_from_packet(packet: Packet, tz: str = DATATIME_TZ) -> list[Reading]:
    """Readings of a data packet: CN 2011 -> rtd (value = Rtd), 2051 -> minute, 2061 -> hour,
    2031 -> day (value = Avg); any other CN gives none.

    ``ts`` is CP DataTime read in zone ``tz`` (Beijing time by default; the start of the period for
    minute/hour/day), as aware UTC. A data packet without DataTime, with an invalid one, with two
    different ones, or with a numeric field (Rtd Avg Min Max Cou) that is not a finite number
    raises CodecError (``field``); an empty numeric field is None. The pollutant is the HJ 212-2017
    code (2005 codes of table B.1 mapped); a missing data flag is N. Every pollutant code in CP
    gives one reading, even without a value (value None); a field given twice with the same value
    counts once, with two different values it raises CodecError (``field``).
    Pollutant codes and data flags are checked as in :func:`decode_payload` (``field``).
    """
    readings = _readings(packet, tz)[0]
    check_readings(readings)
    return readings


def _readings(packet: Packet, tz: str) -> tuple[list[Reading], bool]:
    """Readings and whether any pollutant code was a 2005 code that got mapped."""
    kind = KIND_BY_CN.get(packet.cn)
    if kind is None:
        return [], False
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
    if check - check != 0.0 or _odd_text(packet.cp_text):
        # "nan", "inf", "1e400", not a number, or perhaps one float() reads but a decimal is not
        # ('1_5', ' 15'): name the field
        for code, fields in groups.items():
            for name in (value_name, "Min", "Max", "Cou"):
                _number(fields.get(name), code, name)
    return out, mapped
