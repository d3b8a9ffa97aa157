"""Reassembly of split HJ 212 packets (Flag bit D, PNUM/PNO).

A device splits a long packet into PNUM parts numbered PNO = 1..PNUM that share MN and QN. The
:class:`Reassembler` is pure: it keeps parts in memory keyed by ``(MN, QN)``, each with an opaque
``token`` from the caller (an MQTT message id, a TCP sequence number), and hands back the whole
packet with every token once all parts are in, so the caller acknowledges all parts only after the
whole packet is committed.

The whole packet has the first part's header without PNUM/PNO and with the D bit cleared, and the
CP items of parts 1..PNUM concatenated in PNO order. A part received again (redelivery) adds its
token and keeps the first copy. ``expire(older_than)`` returns and forgets groups whose first part
arrived before ``older_than`` (in the caller's clock), for quarantine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ingest.errors import CodecError
from ingest.hj212.codes import FLAG_SPLIT
from ingest.hj212.packet import Packet

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Assembled(Generic[T]):
    """A reassembled packet and the tokens of every part received (in arrival order)."""

    packet: Packet
    tokens: list[T]


@dataclass(slots=True)
class Incomplete(Generic[T]):
    """Parts of a split packet still waiting for others: ``parts`` maps PNO -> packet."""

    mn: str
    qn: str
    pnum: int
    first_seen: float
    parts: dict[int, Packet] = field(default_factory=dict)
    tokens: list[T] = field(default_factory=list)


class Reassembler(Generic[T]):
    """Collects the parts of split packets (see module doc). Not thread-safe."""

    def __init__(self) -> None:
        self._groups: dict[tuple[str, str], Incomplete[T]] = {}

    @property
    def pending(self) -> int:
        """Number of split packets with parts still missing."""
        return len(self._groups)

    def add(self, packet: Packet, token: T, *, received_at: float) -> Assembled[T] | None:
        """Add one part; return the whole packet once every part is in, else None.

        A packet without PNUM/PNO (or with PNUM = 1) comes back at once. Raises CodecError
        (``split``) for a part without QN or whose PNUM differs from the group's.
        """
        split = packet.split
        if split is None or split[0] == 1:
            return Assembled(_whole([packet]), [token])
        pnum, pno = split
        qn = packet.qn
        if not qn:
            raise CodecError("split", f"split packet part {pno}/{pnum} without QN")
        key = (packet.mn, qn)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = Incomplete(packet.mn, qn, pnum, received_at)
        elif group.pnum != pnum:
            raise CodecError(
                "split", f"part {pno} of QN={qn} says PNUM={pnum}, earlier parts said {group.pnum}"
            )
        group.parts.setdefault(pno, packet)
        group.tokens.append(token)
        if len(group.parts) < pnum:
            return None
        del self._groups[key]
        return Assembled(_whole([group.parts[i] for i in range(1, pnum + 1)]), group.tokens)

    def expire(self, older_than: float) -> list[Incomplete[T]]:
        """Remove and return the groups whose first part arrived before ``older_than``."""
        old = [key for key, group in self._groups.items() if group.first_seen < older_than]
        return [self._groups.pop(key) for key in old]


def _whole(parts: list[Packet]) -> Packet:
    header = []
    for key, value in parts[0].header:
        if key in ("PNUM", "PNO"):
            continue
        if key == "Flag" and value.isdigit():
            value = str(int(value) & ~FLAG_SPLIT)
        header.append((key, value))
    cp_text = ";".join(part.cp_text for part in parts if part.cp_text)
    return Packet(tuple(header), cp_text)
