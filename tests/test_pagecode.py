from __future__ import annotations

import random

from scanner.pagecode import CODE_BITS, PageCode, decode, encode


def test_round_trip() -> None:
    for template_id, number, count in [(0, 1, 1), (0xFFFFFFFF, 3, 3), (0x2137FA7C, 2, 5)]:
        assert decode(encode(PageCode(template_id, number, count))) == PageCode(template_id, number, count)


def test_every_single_bit_error_is_caught() -> None:
    bits = list(encode(PageCode(0x1A2B3C4D, 1, 2)))
    assert len(bits) == CODE_BITS
    for i in range(CODE_BITS):
        damaged = bits.copy()
        damaged[i] ^= 1
        assert decode(damaged) is None


def test_random_damage_is_almost_never_accepted() -> None:
    rng = random.Random(3)
    good = encode(PageCode(0x1A2B3C4D, 1, 2))
    accepted = 0
    for _ in range(2000):
        damaged = [b ^ (rng.random() < 0.1) for b in good]
        if damaged != list(good) and decode(damaged) is not None:
            accepted += 1
    assert accepted <= 1
