"""A station whose packets start coming from another program and keep coming from it
(issue 11, the wire's evidence; the habits are those of ``ingest.hj212.fingerprint``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from detectors.base import Detector, register
from detectors.finding import Finding
from detectors.frame import OutletData

#: Habits that say something only when known (a CRC of four decimal digits has no letter case).
_SOMETIMES_SILENT = frozenset({"hex"})


@dataclass(slots=True)
class _Change:
    """A habit's change: the packet ``at`` which the new values start, their share after it, the
    share of old values after it, and the habit's usual value before and after."""

    habit: str
    at: int
    new_share: float
    old_share: float
    before: str
    after: str


@register
class FingerprintChangeDetector(Detector):
    """The transmission fingerprint of an outlet's packets changes and stays changed.

    Input: the outlet's packet records (`OutletData.packets`, from the store's ``packets``
    table); without them the detector does not run (no finding). Per command (CN), packets in
    arrival order, habit by habit (CRC variant and case, line end, header order, ST, Flag, QN
    habit, CP shape, decimal places, code table, split): a value of a habit *new at packet t*
    was never seen in the ``t`` packets before. A habit changes at ``t`` when at least
    ``min_packets`` packets came before, and after ``t`` packets with habit values new at or
    after ``t`` are at least ``min_packets`` and a share of at least ``min_share``, also within
    the last ``tail_share`` of the packets after ``t`` (the change stays). The earliest such
    ``t`` of each habit is its change; habits changing within ``join_hours`` of each other are
    one finding, with each habit's usual value before and after in evidence.

    Category by what the wire shows:

    - the old habits go on after the change in at least ``min_share`` of the packets, also at
      the end: two programs send for one station (the logger and another one, e.g. a PC
      program filling in hours): ``integrity``, severity high;
    - one clean, lasting switch to new habits: a firmware update or a replaced logger looks
      exactly like this, as does another program that replaced the logger altogether. The wire
      cannot tell them apart, so it is a ``validity`` notice (severity low) naming the change,
      for the inspector to match against an announced update, never an integrity lead;
    - a change at a time listed in ``announced`` or in the outlet's registered ``announced``
      changes (:attr:`detectors.spec.OutletSpec.announced`; UTC ISO times of announced firmware updates,
      within ``join_hours``) gives no finding.

    Defaults: ``min_packets=24``, ``min_share=0.1``, ``tail_share=0.25``, ``settled=0.9``,
    ``join_hours=24``, ``announced=()``.

    Not flagged (honest traps): one odd packet, or a few (fewer than ``min_packets``), e.g. a
    packet resent by hand; habits that vary packet by packet (a logger writing numbers
    ``%g``-style has decimal places 0 to 4 in any week); an announced firmware update.
    """

    name = "fingerprint_change"
    category = "integrity"

    def __init__(
        self,
        *,
        min_packets: int = 24,
        min_share: float = 0.1,
        tail_share: float = 0.25,
        settled: float = 0.9,
        join_hours: float = 24.0,
        announced: tuple[str, ...] = (),
    ) -> None:
        self.min_packets = min_packets
        self.min_share = min_share
        self.settled = settled
        self.tail_share = tail_share
        self.join_hours = join_hours
        self.announced = announced

    def _detect(self, outlet: OutletData) -> Iterator[Finding]:
        packets = outlet.packets
        if packets is None or len(packets) < 2 * self.min_packets:
            return
        known = packets["fingerprint"].notna() & packets["habits"].notna()
        if "kind" in packets.columns:
            known &= (packets["kind"] != "heartbeat").to_numpy()
        data = packets[known.to_numpy()]
        lo, hi = outlet.times_ns.min(), outlet.times_ns.max()
        for cn, group in data.groupby("cn", sort=True):
            if len(group) < 2 * self.min_packets:
                continue
            yield from self._changes(outlet, str(cn), group, int(lo), int(hi))

    def _changes(
        self, outlet: OutletData, cn: str, group: pd.DataFrame, lo: int, hi: int
    ) -> Iterator[Finding]:
        received = group["received_at"].dt.tz_convert("UTC").array.asi8
        order = np.argsort(received, kind="stable")
        received = received[order]
        codes, habit_texts = pd.factorize(group["habits"].to_numpy()[order])
        parsed = [json.loads(text) for text in habit_texts]
        names = sorted({k for h in parsed for k in h})
        changes: list[_Change] = []
        for habit in names:
            values = np.array([str(h.get(habit, "")) for h in parsed], dtype=object)
            change = self._habit_change(habit, values[codes])
            if change is not None:
                changes.append(change)
        if not changes:
            return
        changes.sort(key=lambda c: c.at)
        join_ns = int(self.join_hours * 3.6e12)
        clusters: list[list[_Change]] = []
        for c in changes:
            if clusters and received[c.at] - received[clusters[-1][0].at] <= join_ns:
                clusters[-1].append(c)
            else:
                clusters.append([c])
        announced = [
            pd.Timestamp(t).tz_convert("UTC").value
            for t in (*self.announced, *outlet.spec.announced)
        ]
        for cluster in clusters:
            at = cluster[0].at
            when = int(received[at])
            if any(abs(when - a) <= join_ns for a in announced):
                continue
            yield self._finding(outlet, cn, cluster, received, at, lo, hi)

    def _habit_change(self, habit: str, values: np.ndarray) -> _Change | None:
        """The earliest lasting change of one habit over its values in packet order."""
        known = values != "" if habit in _SOMETIMES_SILENT else np.ones(len(values), bool)
        idx = np.flatnonzero(known)
        n = len(idx)
        if n < 2 * self.min_packets:
            return None
        codes, uniques = pd.factorize(values[idx])
        if len(uniques) < 2:
            return None
        first = np.full(len(uniques), n, dtype=np.int64)
        np.minimum.at(first, codes, np.arange(n))
        first_of = first[codes]  # for each packet: when its value was first seen
        for t in np.unique(first):
            t = int(t)
            if t < self.min_packets or n - t < self.min_packets:
                continue
            after = first_of[t:]
            new = after >= t
            count = int(new.sum())
            if count < self.min_packets or count < self.min_share * len(after):
                continue
            tail = new[int(len(after) * (1 - self.tail_share)) :]
            if len(tail) == 0 or tail.mean() < self.min_share:
                continue
            if np.bincount(codes[:t]).max() < self.settled * t:
                continue  # the habit varied before: it is no habit of one program
            return _Change(
                habit,
                int(idx[t]),
                float(new.mean()),
                min(float((~new).mean()), float((~tail).mean())),  # old habits go on, to the end
                _usual(values[idx[:t]]),
                _usual(values[idx[t:]][new]),
            )
        return None

    def _finding(
        self,
        outlet: OutletData,
        cn: str,
        cluster: list[_Change],
        received: np.ndarray,
        at: int,
        lo: int,
        hi: int,
    ) -> Finding:
        two_senders = all(c.old_share >= self.min_share for c in cluster)
        start = pd.Timestamp(int(np.clip(received[at], lo, hi)), tz="UTC")
        end = pd.Timestamp(int(np.clip(received[-1], lo, hi)), tz="UTC")
        new_share = min(c.new_share for c in cluster)
        habits = {c.habit: {"before": c.before, "after": c.after} for c in cluster}
        shown = ", ".join(f"{c.habit} {c.before or '-'} -> {c.after or '-'}" for c in cluster)
        window = max(1.0, (received[-1] - received[0]) / 3.6e12)
        return self.finding(
            outlet,
            None,
            start,
            end,
            severity="high" if two_senders else "low",
            confidence=0.9 if two_senders else 0.5,
            category="integrity" if two_senders else "validity",
            message="fingerprint_change.two" if two_senders else "fingerprint_change.switch",
            evidence={
                "rule": (
                    "habit values never seen before a packet take at least min_share of the "
                    "packets after it (and of the last tail_share), at least min_packets; old "
                    "habits going on beside them in min_share: two senders"
                ),
                "statistic": "share of packets after the change with habits new at the change",
                "threshold": self.min_share,
                "window_hours": round(float(window), 1),
                "false_alarm_rate_per_year": None,  # a measured fact about the bytes
                "cn": cn,
                "changed_at": pd.Timestamp(int(received[at]), tz="UTC").isoformat(),
                "packets_before": int(at),
                "packets_after": int(len(received) - at),
                "new_share": round(new_share, 3),
                "old_share_after": round(max(c.old_share for c in cluster), 3),
                "habits": habits,
            },
            habits=shown,
            count=len(cluster),
            share=round(100 * new_share),
        )


def _usual(values: np.ndarray) -> str:
    """The most frequent value (the first one seen among equals)."""
    if len(values) == 0:
        return ""
    codes, uniques = pd.factorize(values)
    return str(uniques[int(np.argmax(np.bincount(codes)))])
