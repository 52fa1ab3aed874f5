"""Fast per-replication streams for batches: the same numbers as `rng.stream`, without one
Python Generator object per replication.

`child_words` derives the PCG64 seed words of SeedSequence(seed, spawn_key=(i, purpose)) for a
whole range of i at once (numpy's SeedSequence algorithm, vectorised over i); `Slot` is one PCG64
Generator per worker whose state numba rewrites in place for each replication, exactly as
`PCG64(SeedSequence(...))` would set it. A self-test at first use compares against numpy and
switches the fast path off if this platform lays the state out differently.
"""

from __future__ import annotations

import ctypes
from functools import cache

import numpy as np
from numba import njit

from .rng import PURPOSES, stream

INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
XSHIFT = 16
POOL = 4
M32 = 0xFFFFFFFF


def _words(x: int) -> list[int]:
    out = []
    while True:
        out.append(x & M32)
        x >>= 32
        if not x:
            return out


def child_words(seed: int, start: int, stop: int, purpose: str) -> np.ndarray:
    """(stop - start, 4) uint64: SeedSequence(seed, spawn_key=(i, p)).generate_state(4, uint64)."""
    n = stop - start
    run = _words(seed)
    if len(run) < POOL:
        run += [0] * (POOL - len(run))
    i = np.arange(start, stop, dtype=np.uint64)
    entropy = [np.full(n, w, np.uint32) for w in run]
    entropy += [(i & M32).astype(np.uint32), np.full(n, PURPOSES[purpose], np.uint32)]
    h = [INIT_A]

    def hashmix(v):
        v = v ^ np.uint32(h[0])
        h[0] = (h[0] * MULT_A) & M32
        v = v * np.uint32(h[0])
        return v ^ (v >> np.uint32(XSHIFT))

    def mix(x, y):
        r = np.uint32(MIX_MULT_L) * x - np.uint32(MIX_MULT_R) * y
        return r ^ (r >> np.uint32(XSHIFT))

    with np.errstate(over="ignore"):
        pool = [hashmix(entropy[k]) for k in range(POOL)]
        for src in range(POOL):
            for dst in range(POOL):
                if src != dst:
                    pool[dst] = mix(pool[dst], hashmix(pool[src]))
        for src in range(POOL, len(entropy)):
            for dst in range(POOL):
                pool[dst] = mix(pool[dst], hashmix(entropy[src]))
        hc = INIT_B
        out32 = []
        for k in range(8):
            v = pool[k % POOL] ^ np.uint32(hc)
            hc = (hc * MULT_B) & M32
            v = v * np.uint32(hc)
            out32.append(v ^ (v >> np.uint32(XSHIFT)))
    lo = np.stack(out32[0::2], axis=1).astype(np.uint64)
    hi = np.stack(out32[1::2], axis=1).astype(np.uint64)
    return lo | (hi << np.uint64(32))


@njit(cache=True, nogil=True)
def _mul64(a, b):
    """Full 128-bit product of two uint64 as (high, low)."""
    m = np.uint64(0xFFFFFFFF)
    s32 = np.uint64(32)
    a0, a1 = a & m, a >> s32
    b0, b1 = b & m, b >> s32
    p00, p01, p10, p11 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
    mid = (p00 >> s32) + (p01 & m) + (p10 & m)
    hi = p11 + (p01 >> s32) + (p10 >> s32) + (mid >> s32)
    return hi, (mid << s32) | (p00 & m)


@njit(cache=True, nogil=True)
def _step(s_hi, s_lo, i_hi, i_lo):
    m_hi, m_lo = np.uint64(0x2360ED051FC65DA4), np.uint64(0x4385DF649FCCF645)
    h, lo = _mul64(s_lo, m_lo)
    h = h + s_lo * m_hi + s_hi * m_lo
    lo2 = lo + i_lo
    carry = np.uint64(1) if lo2 < lo else np.uint64(0)
    return h + i_hi + carry, lo2


@njit(cache=True, nogil=True)
def seed_slot(view, words, layout):
    """Write into `view` the PCG64 state that PCG64(seed sequence with these words) starts in."""
    one = np.uint64(1)
    i_hi = (words[2] << one) | (words[3] >> np.uint64(63))
    i_lo = (words[3] << one) | one
    s_hi, s_lo = _step(np.uint64(0), np.uint64(0), i_hi, i_lo)
    lo = s_lo + words[1]
    carry = one if lo < s_lo else np.uint64(0)
    s_hi, s_lo = _step(s_hi + words[0] + carry, lo, i_hi, i_lo)
    if layout == 0:  # native __uint128_t, little-endian: low word first
        view[0], view[1], view[2], view[3] = s_lo, s_hi, i_lo, i_hi
    else:  # struct {high, low}
        view[0], view[1], view[2], view[3] = s_hi, s_lo, i_hi, i_lo


class Slot:
    """One PCG64 Generator whose state numba rewrites per replication."""

    def __init__(self) -> None:
        self.bit_generator = np.random.PCG64(0)
        self.gen = np.random.Generator(self.bit_generator)
        addr = self.bit_generator.ctypes.state_address
        pcg_addr = ctypes.c_void_p.from_address(addr).value
        assert pcg_addr is not None
        self.view = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(pcg_addr))
        self.flags = np.ctypeslib.as_array((ctypes.c_uint32 * 2).from_address(addr + 8))
        self.layout = _layout()

    def seed(self, words: np.ndarray) -> None:
        seed_slot(self.view, words, self.layout)
        self.flags[:] = 0


@cache
def _layout() -> int:
    """0 or 1 if writing the state in that layout reproduces numpy's streams, else -1."""
    for layout in (0, 1):
        bg = np.random.PCG64(0)
        addr = bg.ctypes.state_address
        pcg_addr = ctypes.c_void_p.from_address(addr).value
        assert pcg_addr is not None
        view = np.ctypeslib.as_array((ctypes.c_uint64 * 4).from_address(pcg_addr))
        gen = np.random.Generator(bg)
        ok = True
        for seed, i in ((0, 0), (12345, 7), (2**40 + 3, 99999), (2**70 + 1, 5)):
            seed_slot(view, child_words(seed, i, i + 1, "attrition")[0], layout)
            want = stream(seed, i, "attrition").random(3)
            ok &= bool(np.array_equal(gen.random(3), want))
        if ok:
            return layout
    return -1


def fast_streams_available() -> bool:
    return _layout() >= 0
