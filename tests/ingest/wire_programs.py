"""Programs that write HJ 212 hourly packets, each with its own habits (for fingerprint tests, the
wire-evidence detectors' tests and bench, and the daemon integration test).

A :class:`Program` is what a data logger's firmware (or a program on a PC posing as one) does with
the same data: its CRC variant and hex case, line end, header order, ST/Flag, how it makes QN, and
the decimal places it writes for each pollutant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from ingest.decode import decode_payload
from ingest.handler import packet_record
from ingest.hj212.crc import hj212_crc, modbus_crc

BEIJING = timedelta(hours=8)
#: decimal places of each pollutant of the default program
DECIMALS = {"w00000": 1, "w01001": 2, "w01018": 1, "w21003": 3, "w21011": 3}


@dataclass(frozen=True)
class Program:
    """The habits of one sending program (defaults: a standard-abiding logger)."""

    crc: str = "hj212"  # or "modbus"
    hex_upper: bool = True
    eol: bytes = b"\r\n"
    header: tuple[str, ...] = ("QN", "ST", "CN", "PW", "MN", "Flag")
    st: str = "32"
    flag: str = "5"
    qn_from_datatime: bool = False  # QN = DataTime + 000 instead of the clock
    decimals: Mapping[str, int] = field(default_factory=lambda: dict(DECIMALS))
    fields: tuple[str, ...] = ("Avg", "Min", "Max", "Flag")

    def packet(
        self,
        mn: str,
        pw: str,
        ts: datetime,
        values: Mapping[str, float],
        *,
        sent: datetime | None = None,
        flags: Mapping[str, str] | None = None,
    ) -> bytes:
        """The hourly (CN 2061) frame of ``values`` for the hour starting at ``ts`` (UTC), sent
        at ``sent`` (UTC; default ts + 1 h 2 min)."""
        local = ts + BEIJING
        datatime = local.strftime("%Y%m%d%H%M%S")
        sent = sent if sent is not None else ts + timedelta(hours=1, minutes=2)
        if self.qn_from_datatime:
            qn = datatime + "000"
        else:
            clock = sent + BEIJING
            qn = clock.strftime("%Y%m%d%H%M%S") + f"{clock.microsecond // 1000 + 1:03d}"
        head = {"QN": qn, "ST": self.st, "CN": "2061", "PW": pw, "MN": mn, "Flag": self.flag}
        items = [f"DataTime={datatime}"]
        for code, v in values.items():
            d = self.decimals.get(code, 2)
            parts = []
            for name in self.fields:
                if name == "Flag":
                    parts.append(f"{code}-Flag={(flags or {}).get(code, 'N')}")
                else:
                    x = {"Avg": v, "Min": v * 0.9, "Max": v * 1.1}[name]
                    parts.append(f"{code}-{name}={x:.{d}f}")
            items.append(",".join(parts))
        segment = ";".join(f"{k}={head[k]}" for k in self.header if k in head)
        segment += ";CP=&&" + ";".join(items) + "&&"
        data = segment.encode("ascii")
        crc = hj212_crc(data) if self.crc == "hj212" else modbus_crc(data)
        text = f"{crc:04X}" if self.hex_upper else f"{crc:04x}"
        return b"##%04d" % len(data) + data + text.encode() + self.eol


#: A logger as the standard describes it.
LOGGER = Program()
#: The same logger after a firmware update: Flag 2025-style version, flow with 2 decimals.
FIRMWARE_2 = replace(LOGGER, flag="9", decimals={**DECIMALS, "w00000": 2})
#: A program on a PC posing as the logger: Modbus CRC in lower case, LF only, QN from DataTime,
#: its own header order and number format.
FORGER = Program(
    crc="modbus",
    hex_upper=False,
    eol=b"\n",
    header=("QN", "CN", "ST", "MN", "PW", "Flag"),
    qn_from_datatime=True,
    decimals={code: 2 for code in DECIMALS},
)


#: Typical levels of the default pollutants (flow m3/h, pH, COD, NH3-N, TP).
LEVELS = {"w00000": 400.0, "w01001": 7.2, "w01018": 30.0, "w21003": 1.5, "w21011": 0.3}


def honest_values(hours: int, seed: int) -> dict[str, np.ndarray]:
    """Hourly values of the default pollutants: an AR(1) log-deviation (coefficient 0.8) around
    each level, a daily cycle of flow; seeded."""
    rng = np.random.default_rng(seed)
    out = {}
    t = np.arange(hours)
    for code, level in LEVELS.items():
        e = rng.normal(0.0, 0.6, hours)
        ar = np.empty(hours)
        ar[0] = e[0]
        for i in range(1, hours):
            ar[i] = 0.8 * ar[i - 1] + e[i]
        cv = 0.02 if code == "w01001" else 0.15
        cycle = 0.15 * np.sin(2 * np.pi * (t % 24) / 24) if code == "w00000" else 0.0
        out[code] = level * np.exp(cv * ar + cycle)
    return out


def wire_frames(
    mn: str,
    pw: str,
    t0: datetime,
    values: Mapping[str, np.ndarray],
    program_of: Callable[[int], Program],
    sent_of: Callable[[int], datetime | None],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The readings frame (with ``received_at``) and packets frame of an outlet whose hour ``h``
    (from ``t0``, UTC) is written by ``program_of(h)`` and arrives at ``sent_of(h)`` (None: never
    sent), each packet decoded and recorded as the daemon does (``decode_payload``,
    ``packet_record``)."""
    hours = len(next(iter(values.values())))
    readings: list[tuple[object, ...]] = []
    packets: list[tuple[object, ...]] = []
    for h in range(hours):
        sent = sent_of(h)
        if sent is None:
            continue
        ts = t0 + timedelta(hours=h)
        payload = program_of(h).packet(
            mn, pw, ts, {code: float(v[h]) for code, v in values.items()}, sent=sent
        )
        message = decode_payload(payload)
        record = packet_record(message, payload, message.readings)
        readings.extend(
            (r.mn, r.pollutant, r.ts, r.kind, r.value, r.flag, sent) for r in message.readings
        )
        packets.append(
            (
                sent,
                record.data_time,
                record.cn,
                record.kind,
                record.fingerprint,
                record.habits,
                ",".join(record.deviations),
            )
        )
    frame = pd.DataFrame(
        readings, columns=["mn", "pollutant", "ts", "kind", "value", "flag", "received_at"]
    )
    wire = pd.DataFrame(
        packets,
        columns=["received_at", "data_time", "cn", "kind", "fingerprint", "habits", "deviations"],
    )
    for df, cols in ((frame, ("ts", "received_at")), (wire, ("received_at", "data_time"))):
        for c in cols:
            df[c] = pd.to_datetime(df[c], utc=True).astype("datetime64[ns, UTC]")
    return frame, wire.sort_values("received_at", kind="stable").reset_index(drop=True)


def packets_frame(
    received: pd.DatetimeIndex, data_times: pd.DatetimeIndex, program_of: Callable[[int], Program]
) -> pd.DataFrame:
    """A packets frame of hourly packets arriving at ``received`` for ``data_times``, packet
    ``k`` written by ``program_of(k)`` (each program's record made once: the habits do not
    depend on the values)."""
    records: dict[int, tuple[str | None, str | None, str]] = {}
    rows = []
    for k, (arrived, ts) in enumerate(zip(received, data_times, strict=True)):
        program = program_of(k)
        if id(program) not in records:
            payload = program.packet("61011500000001", "123456", ts.to_pydatetime(), {"w01018": 1})
            message = decode_payload(payload)
            record = packet_record(message, payload, message.readings)
            records[id(program)] = (record.fingerprint, record.habits, ",".join(record.deviations))
        rows.append((arrived, ts, "2061", "hour", *records[id(program)]))
    frame = pd.DataFrame(
        rows,
        columns=["received_at", "data_time", "cn", "kind", "fingerprint", "habits", "deviations"],
    )
    for c in ("received_at", "data_time"):
        frame[c] = pd.to_datetime(frame[c], utc=True).astype("datetime64[ns, UTC]")
    return frame
