"""The `Reading` record: one value of one pollutant of one outlet at one time.

Every wire format (HJ 212 packets, JSON payloads) decodes into these; the store persists them under
the unique key (mn, pollutant, kind, ts).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final, Literal, NamedTuple

Kind = Literal["rtd", "minute", "hour", "day"]

#: HJ 212 data command (CN) -> reading kind.
KIND_BY_CN: Final[dict[str, Kind]] = {
    "2011": "rtd",
    "2051": "minute",
    "2061": "hour",
    "2031": "day",
}
CN_BY_KIND: Final[dict[Kind, str]] = {kind: cn for cn, kind in KIND_BY_CN.items()}

#: The longest MN, pollutant code, data flag and QN a reading may carry (the store's column
#: widths; longer ones are refused on decode, so no database ever has to truncate them).
MAX_MN: Final = 32
MAX_POLLUTANT: Final = 16
MAX_FLAG: Final = 4
MAX_QN: Final = 32
#: The most pollutant codes one message may carry (an HJ 212 data segment of 1,024 bytes holds
#: about 70 at most; real packets carry fewer than 30).
MAX_POLLUTANTS: Final = 64

#: Formats of the identifying text fields of a message, checked on decode (:mod:`ingest.decode`)
#: so that no control character, separator or non-ASCII letter ever reaches the readings table:
#: MN printable ASCII letters and digits (HJ 212: up to 24; the store keeps up to ``MAX_MN``);
#: a pollutant code letters and digits (2017 ``w01018``, 2005 ``011`` ``B01``, vendor codes);
#: a data flag letters (one in HJ 212: N F M S D C T B P); QN and CN digits and letters
#: (QN ``YYYYMMDDhhmmsszzz``, CN four digits); PW printable ASCII, up to 64 characters.
MN_FORMAT: Final = re.compile(rf"[0-9A-Za-z]{{1,{MAX_MN}}}")
POLLUTANT_FORMAT: Final = re.compile(rf"[0-9A-Za-z]{{1,{MAX_POLLUTANT}}}")
FLAG_FORMAT: Final = re.compile(rf"[A-Za-z]{{1,{MAX_FLAG}}}")
QN_FORMAT: Final = re.compile(rf"[0-9A-Za-z]{{0,{MAX_QN}}}")
CN_FORMAT: Final = re.compile(r"[0-9A-Za-z]{1,8}")
PW_FORMAT: Final = re.compile(r"[\x20-\x7e]{0,64}")

#: Readings timed before this are refused on decode by default (a device clock reset to its epoch,
#: or data that is not this system's to judge); ``DaemonSettings.oldest_reading`` changes it.
OLDEST_READING: Final = datetime(2000, 1, 1, tzinfo=UTC)

#: Data flags of HJ 212-2017. Only N (normal) and T (over the analyser's upper range) are valid data
#: for compliance; the others are kept and used as evidence.
VALID_FLAGS: Final[frozenset[str]] = frozenset({"N", "T"})


class Reading(NamedTuple):
    """One stored value (an immutable record; a named tuple because decoding makes millions of
    them: it is built five times faster than a frozen dataclass).

    ``ts`` is timezone-aware UTC and, for minute/hour/day values, the start of the period.
    ``pollutant`` is the HJ 212-2017 code (2005 codes are mapped on decode).
    ``value`` is ``Rtd`` for real-time data and ``Avg`` otherwise.
    """

    mn: str
    pollutant: str
    ts: datetime
    kind: Kind
    value: float | None
    min: float | None = None
    max: float | None = None
    cou: float | None = None
    flag: str = "N"
    qn: str | None = None

    @property
    def key(self) -> tuple[str, str, str, datetime]:
        """The unique key the store enforces."""
        return (self.mn, self.pollutant, self.kind, self.ts)

    @property
    def is_valid(self) -> bool:
        """Valid for compliance (flag N or T)."""
        return self.flag in VALID_FLAGS
