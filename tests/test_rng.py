"""One RNG family: the fast batch streams are exactly numpy's SeedSequence children, and batch
results do not depend on the number of workers or the path taken."""

import numpy as np
import pytest

from helpers import duel
from warroom import simulate
from warroom.aggregate import replicate as rep
from warroom.rng import stream
from warroom.rngfast import Slot, child_words, fast_streams_available
from warroom.world import compile_world


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**32 - 1, 2**33 + 5, 2**100 + 7])
def test_child_words_equal_seedsequence(seed):
    words = child_words(seed, 1000, 1040, "movement")
    for k, i in enumerate(range(1000, 1040)):
        ss = np.random.SeedSequence(seed, spawn_key=(i, 1))
        assert np.array_equal(ss.generate_state(4, np.uint64), words[k])


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1, 2**32, 2**62 + 12345, 2**63 - 1, 2**64 - 1])
def test_one_seeds_words_equal_seedsequence(seed):
    """The words a kernel derives for one of many seeds (a campaign's battles)."""
    from warroom.rngfast import seed_words

    out = np.empty(4, np.uint64)
    seed_words(np.uint64(seed), np.uint64(3), np.uint64(0), np.empty(6, np.uint64), out)
    want = np.random.SeedSequence(seed, spawn_key=(3, 0)).generate_state(4, np.uint64)
    assert np.array_equal(out, want)


def test_reseeded_slot_draws_exactly_what_stream_draws():
    assert fast_streams_available()
    slot = Slot()
    words = child_words(77, 0, 20, "attrition")
    for i in range(20):
        slot.seed(words[i])
        ref = stream(77, i, "attrition")
        assert np.array_equal(slot.gen.random(5), ref.random(5))
        assert np.array_equal(slot.gen.standard_exponential(5), ref.standard_exponential(5))


@pytest.mark.parametrize("solver", ["ctmc", "tau_leap"])
def test_batches_equal_single_runs_whatever_the_workers(solver, monkeypatch):
    sc = duel(60, 50, 0.1, 0.1, solver=solver, end=60, step=0.5)
    world = compile_world(sc)
    one = rep.replicate(world, 40, seed=9, workers=1)
    two = rep.replicate(world, 40, seed=9, workers=2)
    monkeypatch.setattr(rep, "fast_streams_available", lambda: False)
    slow = rep.replicate(world, 40, seed=9, workers=3)
    for k in one:
        assert np.array_equal(one[k], two[k]) and np.array_equal(one[k], slow[k])
    for i in (0, 17, 39):
        r = simulate(sc, seed=9, replication=i)
        assert np.array_equal(r.strength[-1], one["final"][i])
        assert r.end_time == one["end_time"][i]
