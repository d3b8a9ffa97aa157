"""The JSON payload of gateways that convert HJ 212 (DESIGN.md section 2).

``{"mn": "61011500000001", "cn": "2061", "time": "2026-11-29T08:00:00+08:00", "pw": "123456",
"values": {"w01018": {"avg": 35.2, "min": 30.1, "max": 40.0, "flag": "N"}}}``

Rules of :func:`decode_json` (every violation raises :class:`CodecError`, nothing else escapes):

- at most ``MAX_JSON`` (16 KiB) bytes and at most ``MAX_POLLUTANTS`` (64) codes in ``values``
  (``too-long``);
- UTF-8 (``encoding``), one JSON object (``syntax``);
- ``mn`` and ``cn`` non-empty strings; ``pw`` a string or absent; ``time`` an ISO 8601 string. A
  time without offset is read in zone ``tz`` and tagged ``naive-time`` in ``deviations`` (``field``);
- ``values`` an object of pollutant code -> object; within it ``rtd avg min max cou`` are finite
  numbers or null, ``flag eflag sampletime`` strings, other keys any scalar, kept as sent (``field``);
- other top-level keys are kept in ``extra``;
- a key given twice in one object (e.g. one pollutant code twice in ``values``) counts once when
  both values are the same (two objects of one code are merged field by field), and two different
  values raise ``field`` naming both, as a field given twice in an HJ 212 CP does.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.errors import CodecError
from ingest.hj212.codes import DATATIME_TZ, to_2017_code
from ingest.hj212.packet import zone
from ingest.reading import KIND_BY_CN, MAX_POLLUTANTS, Reading

NUMBER_KEYS = frozenset({"rtd", "avg", "min", "max", "cou"})
TEXT_KEYS = frozenset({"flag", "eflag", "sampletime"})
TOP_KEYS = frozenset({"mn", "cn", "time", "pw", "values"})
#: Longest JSON payload in bytes: HJ 212 bounds a data segment to 1,024 bytes; a JSON payload of
#: the same 64 pollutants (:data:`ingest.reading.MAX_POLLUTANTS`), each with five numbers and a
#: flag, stays under 8 KiB, so 16 KiB leaves room for gateways' extra keys.
MAX_JSON: int = 16 * 1024

Scalar = float | int | str | bool | None


@dataclass(frozen=True, slots=True)
class JsonPayload:
    """One decoded JSON payload. ``time`` is timezone-aware (as sent, or in ``tz`` when naive)."""

    mn: str
    cn: str
    time: datetime
    pw: str | None = None
    values: dict[str, dict[str, Scalar]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    deviations: tuple[str, ...] = ()


def _text(doc: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = doc.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise CodecError("field", f"'{key}' must be a non-empty string, got {value!r:.40}")
    return value


def decode_json(
    payload: bytes, *, tz: str = DATATIME_TZ, max_size: int | None = MAX_JSON
) -> JsonPayload:
    """Decode a JSON payload (rules in the module doc); ``max_size`` bytes at most (None: no
    limit)."""
    try:
        size = len(payload)
    except TypeError:
        raise CodecError("frame", f"expected bytes, got {type(payload).__name__}") from None
    if max_size is not None and size > max_size:
        raise CodecError(
            "too-long", f"JSON payload of {size} bytes exceeds the limit of {max_size}"
        )
    try:
        text = bytes(payload).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CodecError("encoding", f"not UTF-8 at byte offset {exc.start}") from None
    except TypeError:
        raise CodecError("frame", f"expected bytes, got {type(payload).__name__}") from None
    try:
        doc = json.loads(text, object_pairs_hook=_object)
    except _Twice as exc:
        raise CodecError("field", _twice_where(text, str(exc))) from None
    except json.JSONDecodeError as exc:
        raise CodecError("syntax", f"invalid JSON at char {exc.pos}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise CodecError("syntax", f"invalid JSON: {type(exc).__name__}") from None
    if not isinstance(doc, dict):
        raise CodecError("syntax", f"expected a JSON object, got {type(doc).__name__}")
    mn = _text(doc, "mn", required=True)
    cn = _text(doc, "cn", required=True)
    pw = _text(doc, "pw", required=False)
    time_text = _text(doc, "time", required=True)
    assert mn is not None and cn is not None and time_text is not None
    try:
        time = datetime.fromisoformat(time_text)
    except ValueError:
        raise CodecError("field", f"'time' {time_text!r:.40} is not ISO 8601") from None
    deviations: tuple[str, ...] = ()
    if time.tzinfo is None:
        try:
            time = time.replace(tzinfo=zone(tz))
        except Exception as exc:  # an unknown zone name is a configuration error
            raise CodecError("field", f"unknown time zone {tz!r}: {exc}") from None
        deviations = ("naive-time",)
    try:
        time.astimezone(UTC)
    except (ValueError, OverflowError):
        raise CodecError("field", f"'time' {time_text!r:.40} is out of range in UTC") from None
    raw_values = doc.get("values", {})
    if not isinstance(raw_values, dict):
        raise CodecError("field", "'values' must be an object of pollutant code -> fields")
    if len(raw_values) > MAX_POLLUTANTS:
        raise CodecError(
            "too-long", f"{len(raw_values)} pollutant codes in 'values'; at most {MAX_POLLUTANTS}"
        )
    values: dict[str, dict[str, Scalar]] = {}
    for code, fields in raw_values.items():
        if not code or not isinstance(fields, dict):
            raise CodecError("field", f"values[{code!r:.30}] must be an object of fields")
        for key, value in fields.items():
            where = f"values[{code!r:.30}][{key!r:.20}]"
            if key in NUMBER_KEYS:
                if value is not None and not _finite_number(value):
                    raise CodecError("field", f"{where} must be a finite number or null")
            elif key in TEXT_KEYS:
                if not isinstance(value, str):
                    raise CodecError("field", f"{where} must be a string")
            elif isinstance(value, dict | list):
                raise CodecError("field", f"{where} must be a scalar")
        values[code] = dict(fields)
    extra = {k: v for k, v in doc.items() if k not in TOP_KEYS}
    return JsonPayload(mn, cn, time, pw, values, extra, deviations)


class _Twice(ValueError):
    """A key given twice in one object with two different values."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """One JSON object; a key given twice counts once when both values are the same (two objects
    of one pollutant code are merged field by field under the same rule), and raises
    :class:`_Twice` when they differ: ``json.loads`` alone keeps the last value silently, while
    HJ 212 keeps the first, so one rule for both formats (docs/formats/mqtt.md)."""
    out = dict(pairs)
    if len(out) == len(pairs):  # no key twice: the common case, no Python loop
        return out
    out = {}
    for key, value in pairs:
        if key in out:
            value = _merged(key, out[key], value)
        out[key] = value
    return out


def _merged(where: str, first: Any, again: Any) -> Any:
    if isinstance(first, dict) and isinstance(again, dict):
        both = dict(first)
        marks = getattr(first, "twice", None) or getattr(again, "twice", None)
        if marks:  # (`_recording`'s objects) the merged object keeps its key given twice
            both = _Marked(both)
            both.twice = marks
        for key, value in again.items():
            both[key] = _merged(f"{where}.{key}", both[key], value) if key in both else value
        return both
    same = type(first) is type(again) or (
        isinstance(first, int | float)
        and isinstance(again, int | float)
        and not isinstance(first, bool)
        and not isinstance(again, bool)
    )
    if not (same and first == again):
        raise _Twice(f"{where} given twice: {first!r:.40} and {again!r:.40}")
    return first


class _Marked(dict):  # type: ignore[type-arg]
    """An object parsed by :func:`_recording`: ``twice`` is its first key given twice, if any."""

    twice: str | None = None


def _recording(pairs: list[tuple[str, Any]]) -> _Marked:
    out = _Marked()
    for key, value in pairs:
        if key in out:
            try:
                value = _merged(key, out[key], value)
            except _Twice as exc:
                out.twice = out.twice or str(exc)
                continue
        out[key] = value
    return out


def _twice_where(text: str, detail: str) -> str:
    """``detail`` of a :class:`_Twice` with the path of its object from the top of the document
    (``values.w01018.avg given twice: ...``): the hook that raised saw its own object only, and an
    operator mending the device needs the pollutant code. Parses ``text`` a second time, which
    only a refused payload costs."""

    def walk(node: Any, path: tuple[str, ...]) -> str | None:
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else ()
        )
        for (
            key,
            child,
        ) in items:  # an inner object's key twice was met first, as json.loads meets it
            found = walk(child, (*path, str(key)))
            if found:
                return found
        if isinstance(node, _Marked) and node.twice:
            return ".".join((*path, node.twice))
        return None

    try:
        return walk(json.loads(text, object_pairs_hook=_recording), ()) or detail
    except (ValueError, RecursionError):
        return detail


def encode_json(payload: JsonPayload) -> bytes:
    """The UTF-8 JSON document of ``payload`` (``decode_json(encode_json(p)) == p``)."""
    doc: dict[str, Any] = {"mn": payload.mn, "cn": payload.cn, "time": payload.time.isoformat()}
    if payload.pw is not None:
        doc["pw"] = payload.pw
    doc["values"] = payload.values
    doc.update(payload.extra)
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def readings_from_json(payload: JsonPayload) -> list[Reading]:
    """Readings of a data payload (cn 2011/2051/2061/2031; others give none).

    The pollutant is the 2017 code (2005 codes mapped); ``value`` is ``rtd`` for 2011 and ``avg``
    otherwise; a missing flag is N; ``ts`` is ``time`` in UTC.
    """
    kind = KIND_BY_CN.get(payload.cn)
    if kind is None:
        return []
    ts = payload.time.astimezone(UTC)
    value_key = "rtd" if kind == "rtd" else "avg"
    out = []
    for code, fields in payload.values.items():
        flag = fields.get("flag")
        out.append(
            Reading(
                mn=payload.mn,
                pollutant=to_2017_code(code),
                ts=ts,
                kind=kind,
                value=_float(fields.get(value_key)),
                min=_float(fields.get("min")),
                max=_float(fields.get("max")),
                cou=_float(fields.get("cou")),
                flag=flag if isinstance(flag, str) and flag else "N",
            )
        )
    return out


def _finite_number(value: object) -> bool:
    """An int or float (not bool) that converts to a finite float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the float range
        return False


def _float(value: Scalar) -> float | None:
    return None if value is None else float(value)
