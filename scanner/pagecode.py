"""The page code: 64 printed bits naming the template and the page, never a voter.

Layout, most significant bit first: 32 bits of the template fingerprint, 8 bits
page number, 8 bits page count, 16 bits CRC-16/CCITT over the first 48 bits.
"""

from __future__ import annotations

from dataclasses import dataclass

CODE_BITS = 64


@dataclass(frozen=True)
class PageCode:
    template_id: int  # first 32 bits of the template fingerprint
    page_number: int  # 1-based
    page_count: int


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE.

    >>> hex(crc16_ccitt(b"123456789"))
    '0x29b1'
    """
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def encode(code: PageCode) -> tuple[int, ...]:
    """The 64 bits to print, 1 = a black cell.

    >>> decode(encode(PageCode(0xDEADBEEF, 2, 3)))
    PageCode(template_id=3735928559, page_number=2, page_count=3)
    """
    if not (0 <= code.template_id < 2**32 and 1 <= code.page_number <= code.page_count < 256):
        raise ValueError(f"page code out of range: {code}")
    payload = code.template_id.to_bytes(4, "big") + bytes([code.page_number, code.page_count])
    value = int.from_bytes(payload, "big") << 16 | crc16_ccitt(payload)
    return tuple((value >> (CODE_BITS - 1 - i)) & 1 for i in range(CODE_BITS))


def decode(bits: tuple[int, ...] | list[int]) -> PageCode | None:
    """The code the bits carry, or None when the checksum does not match."""
    if len(bits) != CODE_BITS:
        return None
    value = 0
    for bit in bits:
        value = value << 1 | (1 if bit else 0)
    payload = (value >> 16).to_bytes(6, "big")
    if crc16_ccitt(payload) != value & 0xFFFF:
        return None
    number, count = payload[4], payload[5]
    if not 1 <= number <= count:
        return None
    return PageCode(int.from_bytes(payload[:4], "big"), number, count)
