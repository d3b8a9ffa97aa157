"""Readings to HJ 212 packets: what a device (or the simulator standing in for one) sends.

The inverse of :func:`ingest.decode.readings_from_packet` for data commands: the readings of one
outlet, kind and time become one packet (CN 2011/2051/2061/2031) whose CP holds ``DataTime`` and,
per pollutant, ``-Rtd`` (real time) or ``-Avg``, ``-Min``, ``-Max``, ``-Cou`` and ``-Flag``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from ingest.hj212.codes import DATATIME_TZ
from ingest.hj212.packet import Packet, encode_packet, zone
from ingest.reading import CN_BY_KIND, Kind, Reading

#: Version 2017 (Flag >> 2 == 1), no split, no response required.
FLAG_2017 = 4


def _number(value: float) -> str:
    """A decimal as devices send it: no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def packet_for(
    readings: Iterable[Reading],
    *,
    pw: str | None,
    qn: str | None = None,
    st: str = "32",
    tz: str = DATATIME_TZ,
) -> Packet:
    """One data packet for ``readings`` of a single outlet, kind and time (ValueError otherwise)."""
    items = list(readings)
    if not items:
        raise ValueError("a packet needs at least one reading")
    first = items[0]
    if any((r.mn, r.kind, r.ts) != (first.mn, first.kind, first.ts) for r in items):
        raise ValueError("one packet holds readings of one outlet, kind and time")
    local = first.ts.astimezone(zone(tz))
    cp: list[tuple[tuple[str, str], ...]] = [(("DataTime", local.strftime("%Y%m%d%H%M%S")),)]
    value_name = "Rtd" if first.kind == "rtd" else "Avg"
    for r in items:
        fields: list[tuple[str, str]] = []
        for name, value in ((value_name, r.value), ("Min", r.min), ("Max", r.max), ("Cou", r.cou)):
            if value is not None and value == value:  # None or NaN: the field is left out
                fields.append((f"{r.pollutant}-{name}", _number(value)))
        fields.append((f"{r.pollutant}-Flag", r.flag))
        cp.append(tuple(fields))
    return Packet.build(
        qn=qn or local.strftime("%Y%m%d%H%M%S") + "000",
        st=st,
        cn=CN_BY_KIND[first.kind],
        pw=pw,
        mn=first.mn,
        flag=FLAG_2017,
        cp=tuple(cp),
    )


def encode_readings(
    readings: Iterable[Reading], *, pw: str | None, tz: str = DATATIME_TZ
) -> Iterator[tuple[str, bytes]]:
    """``(mn, frame)`` per outlet, kind and time of ``readings``, in time order."""
    groups: dict[tuple[datetime, str, Kind], list[Reading]] = defaultdict(list)
    for r in readings:
        groups[(r.ts, r.mn, r.kind)].append(r)
    for key in sorted(groups):
        yield key[1], encode_packet(packet_for(groups[key], pw=pw, tz=tz))
