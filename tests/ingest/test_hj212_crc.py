"""HJ 212 CRC16: the standard's algorithm, the fast folded version, the Modbus variants."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.hj212.crc import (
    crc_for,
    crc_variant,
    format_crc,
    hj212_crc,
    hj212_crc_reference,
    modbus_crc,
    swap_bytes,
)
from tests.ingest.hj212_samples import STANDARD_EXAMPLE

SEGMENT = STANDARD_EXAMPLE[6:-6]


def test_standard_example_crc_is_1c80() -> None:
    assert len(SEGMENT) == 101
    assert format_crc(hj212_crc_reference(SEGMENT)) == "1C80"
    assert format_crc(hj212_crc(SEGMENT)) == "1C80"


def test_modbus_is_a_different_algorithm() -> None:
    # CRC-16/MODBUS check value of "123456789" is 0x4B37
    assert modbus_crc(b"123456789") == 0x4B37
    assert hj212_crc(b"123456789") != 0x4B37
    assert modbus_crc(SEGMENT) != hj212_crc(SEGMENT)


def test_empty_input_is_initial_register() -> None:
    assert hj212_crc(b"") == hj212_crc_reference(b"") == 0xFFFF


@settings(max_examples=400)
@given(st.binary(max_size=2100))
def test_fast_crc_equals_the_standard_bit_loop(data: bytes) -> None:
    assert hj212_crc(data) == hj212_crc_reference(data)


def test_fast_crc_every_length_around_word_boundaries() -> None:
    data = bytes(range(256)) * 5
    for n in range(0, 140):
        assert hj212_crc(data[:n]) == hj212_crc_reference(data[:n]), n


def test_variants_are_recognised_and_strict_rejects_modbus() -> None:
    m = modbus_crc(SEGMENT)
    assert crc_variant(SEGMENT, 0x1C80) == "hj212"
    assert crc_variant(SEGMENT, m) == "modbus"
    assert crc_variant(SEGMENT, swap_bytes(m)) == "modbus-le"
    assert crc_variant(SEGMENT, m, strict=True) is None
    assert crc_variant(SEGMENT, swap_bytes(m), strict=True) is None
    assert crc_variant(SEGMENT, 0x1C81) is None
    assert crc_for(SEGMENT, "modbus-le") == swap_bytes(m)
