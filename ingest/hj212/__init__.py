"""HJ 212 codec: frames, data segments, CRC, code tables, streams, split packets, responses."""

from ingest.hj212.codes import (
    FLAGS_2005,
    FLAGS_2017,
    POLLUTANT_2005_TO_2017,
    flag_version,
    to_2017_code,
)
from ingest.hj212.crc import (
    CrcVariant,
    crc_for,
    crc_variant,
    hj212_crc,
    hj212_crc_reference,
    modbus_crc,
)
from ingest.hj212.packet import (
    MAX_SEGMENT,
    Packet,
    decode_packet,
    encode_packet,
    encode_segment,
    parse_datatime,
    parse_segment,
    unframe,
)
from ingest.hj212.response import data_ack, execution_result, request_answer
from ingest.hj212.split import Assembled, Incomplete, Reassembler
from ingest.hj212.stream import StreamDecoder, StreamItem

__all__ = [
    "FLAGS_2005",
    "FLAGS_2017",
    "MAX_SEGMENT",
    "POLLUTANT_2005_TO_2017",
    "Assembled",
    "CrcVariant",
    "Incomplete",
    "Packet",
    "Reassembler",
    "StreamDecoder",
    "StreamItem",
    "crc_for",
    "crc_variant",
    "data_ack",
    "decode_packet",
    "encode_packet",
    "encode_segment",
    "execution_result",
    "flag_version",
    "hj212_crc",
    "hj212_crc_reference",
    "modbus_crc",
    "parse_datatime",
    "parse_segment",
    "request_answer",
    "to_2017_code",
    "unframe",
]
