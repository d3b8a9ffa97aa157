"""CRC16 of HJ 212 and the Modbus CRCs some devices send instead.

HJ 212 CRC16 (appendix of HJ 212-2017): register ``r = 0xFFFF``; for each byte ``b`` of the data
segment ``r = (r >> 8) ^ b``, then 8 times: shift ``r`` right by one and XOR ``0xA001`` if the bit
shifted out was 1. The result is sent as 4 hex digits, high byte first. Because ``r >> 8`` has only
8 bits, the register after each byte is ``T[h ^ b]`` with ``h`` the previous register's high byte,
and ``h -> high byte of T[h]`` is a linear map ``H`` over GF(2) whose 8th power is the identity. So

    crc = T[ XOR_k H^((n-k) mod 8)(b_k)  XOR  H^((n-1) mod 8)(0xFF) ]

and the bytes can be folded 8 at a time with big-integer XORs before 8 table look-ups: this is
:func:`hj212_crc`, checked against the plain bit loop :func:`hj212_crc_reference`.

CRC-16/MODBUS is a different algorithm (the byte is XORed into the low byte of the register); it is
only ever used to recognise deviating devices (:func:`crc_variant`).
"""

from __future__ import annotations

from typing import Final, Literal

CrcVariant = Literal["hj212", "modbus", "modbus-le"]


def _shift8(value: int) -> int:
    for _ in range(8):
        value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
    return value


#: ``T[i]``: ``i`` (0..255) shifted 8 times with the reflected polynomial 0xA001.
_T: Final[tuple[int, ...]] = tuple(_shift8(i) for i in range(256))


def _power_tables() -> tuple[tuple[int, ...], ...]:
    high = [t >> 8 for t in _T]
    tables = [tuple(range(256))]
    for _ in range(7):
        tables.append(tuple(high[x] for x in tables[-1]))
    assert [high[x] for x in tables[-1]] == list(range(256)), "H^8 must be the identity"
    return tuple(tables)


#: ``_HP[j][x]`` = H^j(x), j = 0..7.
_HP: Final[tuple[tuple[int, ...], ...]] = _power_tables()
#: ``_INIT[j]`` = H^j(0xFF): the contribution of the initial register 0xFFFF.
_INIT: Final[tuple[int, ...]] = tuple(_HP[j][0xFF] for j in range(8))
#: ``_LOW_WORDS[h]`` = ``(1 << 64 h) - 1`` for the folds of segments up to 1024 bytes (``h`` <= 64).
_LOW_WORDS: Final[tuple[int, ...]] = tuple((1 << (h << 6)) - 1 for h in range(65))


def hj212_crc(data: bytes) -> int:
    """HJ 212 CRC16 of ``data`` (the data segment) as an int 0..0xFFFF."""
    n = len(data)
    if n == 0:
        return 0xFFFF
    # Fold the bytes into 8 lanes: lane e (0 = last byte) XORs the bytes whose distance from the end
    # is congruent to e modulo 8. int.from_bytes right-aligns, so the lanes line up on 64-bit words.
    x = int.from_bytes(data, "big")
    words = (n + 7) >> 3
    low_words = _LOW_WORDS
    while words > 1:
        half = words >> 1
        low = low_words[half] if half <= 64 else (1 << (half << 6)) - 1
        x = (x >> (half << 6)) ^ (x & low)
        words -= half
    hp = _HP
    lane = x.to_bytes(8, "big")  # lane[7] is lane 0
    s = (
        lane[7]
        ^ hp[1][lane[6]]
        ^ hp[2][lane[5]]
        ^ hp[3][lane[4]]
        ^ hp[4][lane[3]]
        ^ hp[5][lane[2]]
        ^ hp[6][lane[1]]
        ^ hp[7][lane[0]]
    )
    return _T[s ^ _INIT[(n - 1) & 7]]


def hj212_crc_reference(data: bytes) -> int:
    """The HJ 212 CRC16 as the standard writes it, bit by bit (slow; tests and benchmark baseline)."""
    reg = 0xFFFF
    for byte in data:
        reg = (reg >> 8) ^ byte
        for _ in range(8):
            carry = reg & 1
            reg >>= 1
            if carry:
                reg ^= 0xA001
    return reg


def modbus_crc(data: bytes) -> int:
    """CRC-16/MODBUS of ``data`` (register 0xFFFF, ``r ^= b`` then 8 reflected shifts by 0xA001)."""
    reg = 0xFFFF
    table = _T
    for byte in data:
        reg = (reg >> 8) ^ table[(reg ^ byte) & 0xFF]
    return reg


def format_crc(value: int) -> str:
    """4 upper-case hex digits, high byte first."""
    return f"{value:04X}"


def swap_bytes(value: int) -> int:
    """``0x1234 -> 0x3412`` (a CRC sent low byte first)."""
    return ((value & 0xFF) << 8) | (value >> 8)


def crc_variant(data: bytes, sent: int, *, strict: bool = False) -> CrcVariant | None:
    """Which algorithm produced the CRC ``sent`` for ``data``, or None if none did.

    ``"hj212"`` is the standard; ``"modbus"`` (CRC-16/MODBUS, high byte first) and ``"modbus-le"``
    (low byte first) are accepted only when ``strict`` is false.
    """
    if sent == hj212_crc(data):
        return "hj212"
    if strict:
        return None
    modbus = modbus_crc(data)
    if sent == modbus:
        return "modbus"
    if sent == swap_bytes(modbus):
        return "modbus-le"
    return None


def crc_for(data: bytes, variant: CrcVariant = "hj212") -> int:
    """The CRC of ``data`` by ``variant`` (to build frames, e.g. to simulate deviating devices)."""
    if variant == "hj212":
        return hj212_crc(data)
    if variant == "modbus":
        return modbus_crc(data)
    if variant == "modbus-le":
        return swap_bytes(modbus_crc(data))
    raise ValueError(f"unknown CRC variant {variant!r}")
