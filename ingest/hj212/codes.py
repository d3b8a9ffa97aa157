"""Code tables of HJ 212: pollutant codes 2005 -> 2017, data flags, protocol versions.

``POLLUTANT_2005_TO_2017`` is the water part of table B.1 of HJ 212-2017 (column "original code" of
HJ/T 212-2005 against the new code). Codes the table does not map (2005 codes without a 2017
equivalent, vendor codes) are kept as sent. 2017 codes are a letter and five digits, 2005 codes three
characters, so the two never collide and mapping does not depend on the packet's version.
"""

from __future__ import annotations

from typing import Final

#: The zone of HJ 212's DataTime (and QN): Beijing time by protocol. The one literal of the zone in
#: ingest/; a deployment may still pass another zone (``DaemonSettings.tz``).
DATATIME_TZ: Final = "Asia/Shanghai"

#: HJ/T 212-2005 water pollutant code -> HJ 212-2017 code (table B.1).
POLLUTANT_2005_TO_2017: Final[dict[str, str]] = {
    "B01": "w00000",  # 污水 (flow)
    "001": "w01001",  # pH
    "002": "w01002",  # 色度 colour
    "003": "w01012",  # 悬浮物 suspended solids
    "010": "w01017",  # 五日生化需氧量 BOD5
    "011": "w01018",  # 化学需氧量 COD
    "015": "w01020",  # 总有机碳 TOC
    "020": "w20111",  # 总汞 total mercury
    "021": "w20113",  # 烷基汞 alkyl mercury
    "022": "w20115",  # 总镉 total cadmium
    "023": "w20116",  # 总铬 total chromium
    "024": "w20117",  # 六价铬 hexavalent chromium
    "026": "w20119",  # 总砷 total arsenic
    "027": "w20120",  # 总铅 total lead
    "028": "w20121",  # 总镍 total nickel
    "029": "w20122",  # 总铜 total copper
    "030": "w20123",  # 总锌 total zinc
    "031": "w20124",  # 总锰 total manganese
    "032": "w20125",  # 总铁 total iron
    "033": "w20126",  # 总银 total silver
    "034": "w20127",  # 总铍 total beryllium
    "035": "w20128",  # 总硒 total selenium
    "036": "w20092",  # 锡 tin
    "037": "w20023",  # 硼 boron
    "038": "w20061",  # 钼 molybdenum
    "039": "w20012",  # 钡 barium
    "040": "w20038",  # 钴 cobalt
    "041": "w20089",  # 铊 thallium
    "060": "w21003",  # 氨氮 NH3-N
    "061": "w99001",  # 有机氮 organic nitrogen
    "062": "w21004",  # 凯氏氮 Kjeldahl nitrogen
    "063": "w21006",  # 亚硝酸盐 nitrite
    "064": "w21007",  # 硝酸盐 nitrate
    "065": "w21001",  # 总氮 TN
    "070": "w21016",  # 氰化物 cyanide
    "071": "w21019",  # 硫化物 sulfide
    "072": "w21017",  # 氟化物 fluoride
    "080": "w22001",  # 石油类 petroleum
    "090": "w21022",  # 氯化物 chloride
    "101": "w21011",  # 总磷 TP
    "110": "w23002",  # 挥发酚 volatile phenol
    "350": "w33001",  # 六六六 HCH
    "351": "w33007",  # 滴滴涕 DDT
    "520": "w19002",  # 阴离子表面活性剂 anionic surfactant
    "540": "w25043",  # 苯并[a]芘 benzo[a]pyrene
    "550": "w02003",  # 粪大肠菌群 faecal coliforms
    "570": "w03001",  # 总α放射性 gross alpha
    "571": "w03002",  # 总β放射性 gross beta
}

#: Data flags of HJ 212-2017: N normal, F stopped, M maintenance, S manually set, D fault,
#: C calibration, T over the instrument's upper range, B communication abnormal.
FLAGS_2017: Final[frozenset[str]] = frozenset("NFMSDCTB")
#: Data flags of HJ/T 212-2005: P power failure, F stopped, C calibration, M maintenance,
#: T over range, D fault, S set value, N normal.
FLAGS_2005: Final[frozenset[str]] = frozenset("PFCMTDSN")

#: Protocol version (Flag >> 2) -> name.
VERSIONS: Final[dict[int, str]] = {0: "HJ/T 212-2005", 1: "HJ 212-2017", 2: "HJ 212-2025"}

#: Flag bit: the receiver must answer (A).
FLAG_ACK: Final[int] = 0b01
#: Flag bit: the packet is one part of a split packet (D); PNUM and PNO are present.
FLAG_SPLIT: Final[int] = 0b10

#: Pollutant fields whose value is a number.
NUMERIC_FIELDS: Final[frozenset[str]] = frozenset(
    {"Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "ZsMin", "ZsMax"}
)
#: Pollutant fields whose value is text.
TEXT_FIELDS: Final[frozenset[str]] = frozenset({"Flag", "EFlag", "SampleTime"})


def to_2017_code(code: str) -> str:
    """The HJ 212-2017 code of ``code`` (2005 codes of table B.1 mapped, everything else as is)."""
    return POLLUTANT_2005_TO_2017.get(code, code)


def flag_version(flag: int) -> int:
    """Protocol version of a header ``Flag``: 0 = 2005, 1 = 2017, 2 = 2025."""
    return flag >> 2


def is_known_data_flag(data_flag: str, version: int | None) -> bool:
    """Whether ``data_flag`` is a data flag of the packet's version (2017 flags when unknown)."""
    return data_flag in (FLAGS_2005 if version == 0 else FLAGS_2017)
