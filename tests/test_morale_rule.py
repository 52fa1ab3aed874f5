"""The morale rule at both of its scales: members one by one, and the compartments that are
their mean field. The cross-scale check follows the Lanchester tests: as the force grows, the
members' shares converge on the compartments' about as 1/sqrt(N)."""

from __future__ import annotations

import numpy as np

from warroom.morale.rule import (
    INPUTS,
    REFUSING,
    ROUTING,
    SHAKEN,
    STATES,
    STEADY,
    apply_flows,
    flows,
    leave_probabilities,
    met,
    rates,
    step_members,
    transitions,
)

S = len(STATES)
NO_INPUTS = np.zeros((len(INPUTS), 1))


def well_mixed_share(state: np.ndarray) -> np.ndarray:
    """(S, M): the share of each member's others in each state (everyone sees everyone)."""
    n = np.bincount(state, minlength=S).astype(float)
    own = np.zeros((S, state.shape[0]))
    own[state, np.arange(state.shape[0])] = 1.0
    return (n[:, None] - own) / (state.shape[0] - 1)


def members_path(tr, n_members, first_share, dt, steps, rng):
    state = np.full(n_members, STEADY)
    state[: round(first_share * n_members)] = REFUSING
    inputs = np.zeros((len(INPUTS), n_members))
    out = [np.mean(state == REFUSING)]
    for _ in range(steps):
        h = rates(tr, state, inputs, None, well_mixed_share(state))
        state, _ = step_members(tr, state, h, np.zeros((tr.n, n_members), bool), dt,
                                rng.random(n_members))
        out.append(np.mean(state == REFUSING))
    return np.array(out)


def mean_field_path(tr, first_share, dt, steps):
    n = np.zeros((S, 1))
    n[REFUSING, 0], n[STEADY, 0] = first_share, 1 - first_share
    out = [first_share]
    for _ in range(steps):
        share = n / n.sum(axis=0)
        n = apply_flows(tr, n, flows(tr, n, NO_INPUTS, None, share, dt))
        out.append(n[REFUSING, 0])
    return np.array(out)


def test_exposure_in_a_well_mixed_force_converges_on_its_mean_field_as_one_over_root_n():
    # refusal spreads by exposure, beta 1 a day, from 5% over 10 days in steps of 0.1 day;
    # the mean field is the discrete logistic. Each replication's error against it is a
    # fluctuation of order 1/sqrt(N): 16 times the members, a quarter of the RMS error. With
    # 40 replications the RMS estimate is good to about 1/sqrt(2 * 40) = 11% on each side, so
    # the measured ratio lies in 4 / (1.11 / 0.89) .. 4 * (1.11 / 0.89) = 3.2 .. 5.0 (taken
    # wider, 2.8 .. 5.7, for the O(1/N) bias of counting oneself out of one's neighbours)
    tr = transitions([{"from": "steady", "to": "refusing", "kind": "exposure", "beta": 1.0}])
    dt, steps = 0.1, 100
    mf = mean_field_path(tr, 0.05, dt, steps)
    assert mf[-1] > 0.98 and abs(mf[30] - 0.05 * np.e**3 / (1 - 0.05 + 0.05 * np.e**3)) < 0.05
    rms = {}
    for n in (400, 6400):
        rng = np.random.default_rng(n)
        err = np.array([members_path(tr, n, 0.05, dt, steps, rng) - mf for _ in range(40)])
        rms[n] = float(np.sqrt(np.mean(err**2)))
        # and the replications' mean sits on the mean field within its standard error
        mean = err.mean(axis=0)
        se = err.std(axis=0, ddof=1) / np.sqrt(40)
        assert np.all(np.abs(mean) <= 4.5 * se + 2.0 / n), n
    assert 2.8 <= rms[400] / rms[6400] <= 5.7, rms


def test_competing_rates_split_the_leavers_in_proportion():
    tr = transitions([
        {"from": "steady", "to": "shaken", "base": 0.3},
        {"from": "steady", "to": "routing", "loss": 2.0},
    ])
    inputs = np.zeros((len(INPUTS), 1))
    inputs[INPUTS.index("loss")] = 0.1  # 10% lost per unit time: rate 0.2
    n = np.zeros((S, 1))
    n[STEADY] = 1000.0
    f = flows(tr, n, inputs, None, np.zeros((S, 1)), dt=0.5)
    leave = 1 - np.exp(-0.5 * 0.5)
    assert np.allclose(f[:, 0], [1000 * leave * 0.3 / 0.5, 1000 * leave * 0.2 / 0.5])
    after = apply_flows(tr, n, f)
    assert np.isclose(after.sum(), 1000.0) and np.isclose(after[SHAKEN, 0], f[0, 0])
    # members: the same split; 200,000 members, 5 standard errors
    m = 200_000
    h = rates(tr, np.full(m, STEADY), np.repeat(inputs, m, axis=1), None, np.zeros((S, m)))
    new, took = step_members(tr, np.full(m, STEADY), h, np.zeros((2, m), bool), 0.5,
                             np.random.default_rng(3).random(m))
    for k, state in ((0, SHAKEN), (1, ROUTING)):
        p = f[k, 0] / 1000
        assert abs(np.mean(new == state) - p) < 5 * np.sqrt(p * (1 - p) / m)
        assert np.array_equal(took == k, new == state)
    # a multinomial draw keeps every member
    drawn = flows(tr, n, inputs, None, np.zeros((S, 1)), 0.5, rng=np.random.default_rng(1))
    assert drawn.sum() <= 1000 and float(drawn.sum()).is_integer()


def test_a_met_threshold_beats_the_rates_and_only_members_in_the_source_state_move():
    tr = transitions([
        {"from": "steady", "to": "refusing", "kind": "fractional"},
        {"from": "steady", "to": "shaken", "base": 100.0},
    ])
    state = np.array([STEADY, STEADY, ROUTING])
    share = np.zeros((S, 3))
    share[REFUSING] = [0.5, 0.2, 0.9]
    threshold = np.array([[0.4, 0.4, 0.1], [0, 0, 0]])
    turned = met(tr, state, share, np.zeros((S, 3)), threshold)
    assert turned.tolist() == [[True, False, False], [False, False, False]]
    h = rates(tr, state, np.zeros((len(INPUTS), 3)), None, share)
    new, took = step_members(tr, state, h, turned, 1.0, np.array([0.5, 0.5, 0.5]))
    assert new.tolist() == [REFUSING, SHAKEN, ROUTING] and took.tolist() == [0, 1, -1]


def test_leave_probabilities_are_a_distribution():
    h = np.array([[0.0, 1.0, 5.0], [0.0, 3.0, 0.0]])
    p = leave_probabilities(h, 0.25)
    assert np.allclose(p.sum(axis=0), 1.0) and np.allclose(p[:, 0], [0, 0, 1])
    assert np.isclose(p[2, 1], np.exp(-1.0))
