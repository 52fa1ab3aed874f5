"""Fast per-replication streams for batches: the same numbers as `rng.stream`, without one
Python Generator object per replication.

`child_words` derives the PCG64 seed words of SeedSequence(seed, spawn_key=(i, purpose)) for a
whole range of i at once (numpy's SeedSequence algorithm, compiled; `seed_words` does it for one
of many seeds inside a kernel); `Slot` is one PCG64 Generator per worker whose state numba
rewrites in place for each replication, exactly as `PCG64(SeedSequence(...))` would set it. A
self-test at first use compares against numpy and switches the fast path off if this platform
lays the state out differently.
"""

from __future__ import annotations

import ctypes
from functools import cache

import numpy as np
from numba import njit

from .rng import PURPOSES, stream

U = np.uint64  # numba mixes uint64 with a plain int into a float: every constant is typed
INIT_A, MULT_A = U(0x43B0D7E5), U(0x931E8875)
INIT_B, MULT_B = U(0x8B51F9DD), U(0x58F38DED)
MIX_MULT_L, MIX_MULT_R = U(0xCA01F9DD), U(0x4973F715)
XSHIFT = U(16)
POOL = 4
M32 = U(0xFFFFFFFF)
S32 = U(32)


def _words(x: int) -> list[int]:
    out = []
    while True:
        out.append(x & 0xFFFFFFFF)
        x >>= 32
        if not x:
            return out


def child_words(seed: int, start: int, stop: int, purpose: str) -> np.ndarray:
    """(stop - start, 4) uint64: SeedSequence(seed, spawn_key=(i, p)).generate_state(4, uint64)."""
    run = _words(seed)
    if len(run) < POOL:
        run += [0] * (POOL - len(run))
    out = np.empty((stop - start, 4), np.uint64)
    _children(np.array(run + [0, PURPOSES[purpose]], np.uint64), start, out)
    return out


@njit(cache=True, nogil=True)
def _children(entropy, start, out):
    """out[k] = the words of this entropy with its spawn key's replication set to start + k
    (its next-to-last 32-bit word: replications below 2**32)."""
    for k in range(out.shape[0]):
        entropy[entropy.shape[0] - 2] = U(start + k) & M32
        generate(entropy, out[k])


@njit(cache=True, nogil=True, inline="always")
def _hashmix(v, h):
    v = v ^ h
    h = (h * MULT_A) & M32
    v = (v * h) & M32
    return v ^ (v >> XSHIFT), h


@njit(cache=True, nogil=True, inline="always")
def _mix(x, y):
    r = (MIX_MULT_L * x - MIX_MULT_R * y) & M32
    return r ^ (r >> XSHIFT)


@njit(cache=True, nogil=True)
def generate(entropy, out):
    """out[:4] = SeedSequence's generate_state(4, uint64) of this assembled entropy (32-bit
    words as uint64, padded to at least POOL): numpy's pool mixing, word for word."""
    pool = np.empty(POOL, np.uint64)
    h = INIT_A
    for k in range(POOL):
        pool[k], h = _hashmix(entropy[k], h)
    for src in range(POOL):
        for dst in range(POOL):
            if src != dst:
                v, h = _hashmix(pool[src], h)
                pool[dst] = _mix(pool[dst], v)
    for src in range(POOL, entropy.shape[0]):
        for dst in range(POOL):
            v, h = _hashmix(entropy[src], h)
            pool[dst] = _mix(pool[dst], v)
    hc = INIT_B
    for k in range(8):
        v = pool[k % POOL] ^ hc
        hc = (hc * MULT_B) & M32
        v = (v * hc) & M32
        v = v ^ (v >> XSHIFT)
        if k % 2 == 0:
            out[k // 2] = v
        else:
            out[k // 2] |= v << S32


@njit(cache=True, nogil=True)
def seed_words(seed, replication, purpose, entropy, out):
    """out[:4] = child_words(seed, replication, replication + 1, purpose)[0] for a seed below
    2**64 (one or two words, padded to the pool's four as SeedSequence pads it); `entropy`
    is room for six words."""
    entropy[0] = seed & M32
    entropy[1] = seed >> S32
    entropy[2] = U(0)
    entropy[3] = U(0)
    entropy[4] = replication & M32
    entropy[5] = purpose
    generate(entropy, out)


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
