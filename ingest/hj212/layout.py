"""Layouts of common data segments: the fast way from a data segment to its field values.

Nearly every packet is a data packet of the *common shape*: header parts ``KEY=VALUE`` separated by
``;``, then ``CP=&&``, CP fields ``KEY=VALUE`` separated by ``,`` or ``;``, then ``&&``, where no
key or value holds ``=`` ``,`` or ``;``, no key is empty or repeated (within header or CP), no
header key ends with ``CP`` and the header has MN and CN but no PNUM/PNO, and the CP has DataTime
and at least one pollutant field, and every key is spelled as the standard spells it, with no
BeginTime/EndTime (:func:`ingest.hj212.packet.keys_as_standard`: deviations go the general way) (``CODE-FIELD``, the code being the part before the last ``-``).

A device sends the same keys, in the same order, every time. So the meaning of each position is
worked out once per distinct *skeleton* (the segment without its values), from its second segment
on, and kept as a :class:`Layout`, with a regular expression that matches exactly the segments of
that skeleton:
``QN=([^=,;]*);ST=([^=,;]*);...;CP=&&(DataTime=([^=,;]*);w00000-Avg=([^=,;]*),...)&&``. One
``fullmatch`` then both proves that a segment has the skeleton and yields all its values.
:func:`match_layout` tries the layout last seen for the segment's MN first, and learns the layout of
a new skeleton by splitting the segment.

For a matched segment, :func:`ingest.hj212.packet.parse_segment` gives the same header and CP: the
shape makes every header part and CP field ``KEY=VALUE`` with a non-empty key, and the first
``CP=&&`` of the segment is the one after the header (a header key cannot end with ``CP``, and no
value holds ``=``). The values themselves (MN non-empty, Flag, numbers, DataTime) are not checked
here, except that a number field (``-Rtd -Avg -Min -Max -Cou``) holds no ``_`` and no whitespace:
float() would read them, a decimal does not hold them, and the general path names the field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Final, NamedTuple

from ingest.hj212.codes import POLLUTANT_2005_TO_2017
from ingest.hj212.packet import keys_as_standard, split_simple_cp, split_simple_header

Values = tuple[str | None, ...]
Getter = Callable[[Values], tuple[str | None, ...]]

#: Header fields of :attr:`Layout.header`, in this order.
HEADER_FIELDS: Final[tuple[str, ...]] = ("QN", "ST", "CN", "PW", "MN", "Flag")
#: Appended to a match's groups: the value of a missing CP field, of a missing header field.
SENTINELS: Final[tuple[str, None]] = ("", None)
_VALUE: Final = "([^=,;]*)"
#: A number field's value (Rtd Avg Min Max Cou): also without '_' and ASCII whitespace, which
#: float() reads ('1_5' is 15, ' 15' is 15) and a decimal does not hold, so that the fast path never
#: sees them (the general path names the field): no check at all on the common segment.
_NUMBER_VALUE: Final = r"([^=,;_\s]*)"
_NUMBER_NAMES: Final = frozenset({"Rtd", "Avg", "Min", "Max", "Cou"})


class Layout(NamedTuple):
    """The meaning of one skeleton. Indexes and getters apply to :func:`match_layout`'s values:
    the groups of :attr:`pattern` (header values, the CP content, CP values) and the sentinels."""

    pattern: re.Pattern[str]
    header_keys: tuple[str, ...]
    header: Getter  # values of HEADER_FIELDS (None when absent)
    content: int  # index of the CP content (between "CP=&&" and the closing "&&")
    datatime: int  # index of DataTime's value
    pollutants: tuple[str, ...]  # HJ 212-2017 code of each pollutant, in order of first appearance
    mapped: bool  # some code was a 2005 code (table B.1)
    rtd: Getter  # Rtd, then Min, Max, Cou of every pollutant ("" when absent)
    avg: Getter  # Avg, then Min, Max, Cou of every pollutant
    flags: Getter  # Flag of every pollutant ("" when absent)


_Skeleton = tuple[tuple[str, ...], tuple[str, ...], str]
#: skeleton (header keys, CP keys, CP separators) -> Layout, or None when not of the common shape.
_LAYOUTS: dict[_Skeleton, Layout | None] = {}
_LAYOUTS_MAX: Final[int] = 1024
#: Skeletons seen once: a layout (a regular expression to compile, about 1 ms) is built only for a
#: skeleton seen twice, so keys that change with every packet cost no compilation.
_SEEN: set[_Skeleton] = set()
#: MN -> the layout of that device's last common segment.
_BY_MN: dict[str, Layout] = {}
_BY_MN_MAX: Final[int] = 100_000


def match_layout(segment: str) -> tuple[Layout, Values] | None:
    """``(layout, values)`` of a data segment of the common shape (module doc), else None.

    ``values`` are the groups of the layout's pattern followed by :data:`SENTINELS`.
    """
    at = segment.find("MN=")  # a hint only: the pattern match below is the proof
    layout = _BY_MN.get(segment[at + 3 : segment.find(";", at)]) if at >= 0 else None
    match = None if layout is None else layout.pattern.fullmatch(segment)
    if match is None:
        layout = _learn(segment)
        match = None if layout is None else layout.pattern.fullmatch(segment)
        if match is None:
            return None
        mn = match.group(layout.header_keys.index("MN") + 1)
        if len(_BY_MN) >= _BY_MN_MAX:
            _BY_MN.clear()
        _BY_MN[mn] = layout
    return layout, match.groups() + SENTINELS


def _learn(segment: str) -> Layout | None:
    """The layout of the skeleton of ``segment`` (cached), or None when the segment is not of the
    common shape or its skeleton is new; the caller still matches the segment against the layout's
    pattern."""
    cp_at = segment.find("CP=&&")
    if cp_at < 1 or segment[cp_at - 1] != ";" or not segment.endswith("&&"):
        return None
    head, content = segment[: cp_at - 1], segment[cp_at + 5 : -2]
    header, cp = split_simple_header(head), split_simple_cp(content)
    if header is None or cp is None:
        return None
    skeleton = (tuple(header[0::2]), tuple(cp[0::2]), "".join(re.findall("[,;]", content)))
    if skeleton in _LAYOUTS:
        return _LAYOUTS[skeleton]
    if skeleton not in _SEEN:
        if len(_SEEN) >= _LAYOUTS_MAX:
            _SEEN.clear()
        _SEEN.add(skeleton)
        return None
    layout = _build(*skeleton)
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[skeleton] = layout
    return layout


def _getter(indexes: list[int]) -> Getter:
    """``values -> tuple(values[i] for i in indexes)`` (an itemgetter, also for one index)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda values: (values[index],)
    return itemgetter(*indexes)


def _build(
    header_keys: tuple[str, ...], cp_keys: tuple[str, ...], separators: str
) -> Layout | None:
    """The layout of a skeleton, or None unless its keys are as the module doc requires."""
    if (
        "" in header_keys
        or "" in cp_keys
        or len(set(header_keys)) != len(header_keys)
        or len(set(cp_keys)) != len(cp_keys)
        or not {"MN", "CN"} <= set(header_keys)
        or {"PNUM", "PNO"} & set(header_keys)
        or any(key.endswith("CP") for key in header_keys)
        or "DataTime" not in cp_keys
        or not keys_as_standard(header_keys, cp_keys)  # deviations go the general way
    ):
        return None
    head = len(header_keys)
    first = head + 1  # index of the first CP value: after the header values and the CP content
    groups: dict[str, dict[str, int]] = {}
    for index, key in enumerate(cp_keys, first):
        code, sep, name = key.rpartition("-")
        if sep:
            groups.setdefault(code, {})[name] = index
    if not groups:
        return None
    missing = first + len(cp_keys)  # the sentinel "" (then None)
    where = {key: index for index, key in enumerate(header_keys)}
    fields = list(groups.values())

    def numbers(value_name: str) -> Getter:
        names = (value_name, "Min", "Max", "Cou")
        return _getter([group.get(name, missing) for name in names for group in fields])

    header_pattern = ";".join(f"{re.escape(key)}={_VALUE}" for key in header_keys)
    cp_pattern = "".join(
        f"{re.escape(key)}="
        f"{_NUMBER_VALUE if key.rpartition('-')[2] in _NUMBER_NAMES else _VALUE}{re.escape(sep)}"
        for key, sep in zip(cp_keys, (*separators, ""), strict=True)
    )
    return Layout(
        re.compile(f"{header_pattern};CP=&&({cp_pattern})&&"),
        header_keys,
        _getter([where.get(name, missing + 1) for name in HEADER_FIELDS]),
        head,
        first + cp_keys.index("DataTime"),
        tuple(POLLUTANT_2005_TO_2017.get(code, code) for code in groups),
        any(code in POLLUTANT_2005_TO_2017 for code in groups),
        numbers("Rtd"),
        numbers("Avg"),
        _getter([group.get("Flag", missing) for group in fields]),
    )
