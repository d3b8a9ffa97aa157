"""Programs that write HJ 212 hourly packets, each with its own habits (for fingerprint tests, the
wire-evidence detectors' tests and bench, and the daemon integration test).

A :class:`Program` is what a data logger's firmware (or a program on a PC posing as one) does with
the same data: its CRC variant and hex case, line end, header order, ST/Flag, how it makes QN, and
the decimal places it writes for each pollutant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

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
