"""Sample HJ 212 packets and hypothesis strategies shared by the codec tests."""

from __future__ import annotations

from hypothesis import strategies as st

from ingest.hj212 import Packet
from ingest.hj212.crc import hj212_crc

#: The example of HJ 212-2017 (section 6.3) as a device transmits it (with CRLF).
STANDARD_EXAMPLE = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    b"CP=&&RtdInterval=30&&1C80\r\n"
)

HOURLY_CP = (
    "DataTime=20261129080000;"
    "w00000-Avg=812.3,w00000-Min=640.1,w00000-Max=955.0,w00000-Cou=812.3,w00000-Flag=N;"
    "w01001-Avg=7.42,w01001-Min=7.31,w01001-Max=7.55,w01001-Flag=N;"
    "w01018-Avg=35.2,w01018-Min=30.1,w01018-Max=40.0,w01018-Cou=28.59,w01018-Flag=N;"
    "w21003-Avg=1.23,w21003-Min=0.98,w21003-Max=1.51,w21003-Cou=0.999,w21003-Flag=C"
)


def hourly(flag: int = 5, cp: str = HOURLY_CP, **header: str) -> Packet:
    """A 2061 packet of outlet 61011500000001 for 2026-11-29 08:00 Beijing time."""
    fields = {
        "QN": "20261129080012345",
        "ST": "32",
        "CN": "2061",
        "PW": "123456",
        "MN": "61011500000001",
        "Flag": str(flag),
    }
    fields.update(header)
    return Packet(tuple((k, v) for k, v in fields.items() if v != ""), cp)


def frame(segment: str, crc: str | None = None, end: bytes = b"\r\n") -> bytes:
    """A frame around ``segment`` with its HJ 212 CRC (or the given CRC text)."""
    data = segment.encode("latin-1")
    text = crc if crc is not None else f"{hj212_crc(data):04X}"
    return b"##%04d" % len(data) + data + text.encode("latin-1") + end


# Characters allowed in keys and values: printable ASCII without the separators ; , = & and
# without '-' in keys (which would make them pollutant fields - still fine, but kept simple).
_VALUE_CHARS = st.sampled_from(
    [chr(c) for c in range(0x21, 0x7F) if chr(c) not in ";,=&"] + [" ", "-", "."]
)
_KEY = st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
    min_size=1,
    max_size=12,
)
_VALUE = st.text(_VALUE_CHARS, max_size=16)
_CP_ITEM = st.lists(st.tuples(_KEY, _VALUE), min_size=1, max_size=5).map(tuple)


@st.composite
def packets(draw: st.DrawFn) -> Packet:
    """Valid packets: any header values, optional QN/ST/PW/Flag, split or not, vendor fields."""
    flag = draw(st.none() | st.integers(0, 255))
    split = draw(
        st.none() | st.integers(1, 20).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n)))
    )
    if flag is not None and flag & 2 and split is None:
        flag &= ~2
    extra_keys = draw(
        st.lists(
            _KEY.filter(
                lambda k: k not in {"QN", "ST", "CN", "PW", "MN", "Flag", "PNUM", "PNO", "CP"}
            ),
            max_size=3,
            unique=True,
        )
    )
    extra = tuple((k, draw(_VALUE.filter(lambda v: "CP=&&" not in v))) for k in extra_keys)
    cp = tuple(draw(st.lists(_CP_ITEM, max_size=6)))
    text = st.text(_VALUE_CHARS, min_size=1, max_size=24).filter(lambda v: "CP=&&" not in v)
    return Packet.build(
        qn=draw(st.none() | text),
        st=draw(st.none() | text),
        cn=draw(text),
        pw=draw(st.none() | text),
        mn=draw(text),
        flag=flag,
        pnum=None if split is None else split[0],
        pno=None if split is None else split[1],
        cp=cp,
        extra=extra,
    )
