"""Law selection on Bodart's battles (issue 12, in progress): the data reader, the closed-form
casualties against warroom's own solver, and the ABC's pieces."""

from pathlib import Path

import numpy as np
import pytest

from helpers import duel
from warroom.attrition.laws import AIMED, AREA, LOGARITHMIC
from warroom.errors import UserError
from warroom.simulate import simulate
from warroom.validation.bodart import load
from warroom.validation.orbits import casualties
from warroom.validation.selection import CHUNK, LAWS, select, simulate_chunk, summaries

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bodart_willard_1080"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} not found: ../shared/data "
                                "absent")


@pytest.mark.parametrize("law, exps, k", [("square", AIMED, 1e-5), ("linear", AREA, 1e-9),
                                          ("logarithmic", LOGARITHMIC, 0.01)])
@pytest.mark.parametrize("r0, rc, b0, bc, rho", [
    (47500, 400, 32000, 6000, 3.0),   # R reaches its casualties first
    (20000, 5000, 20000, 5000, 0.7),
    (20000, 5000, 20000, 500, 2.0),   # B reaches its casualties first
])
def test_closed_form_casualties_are_warrooms_own_battle(law, exps, k, r0, rc, b0, bc, rho):
    # each side breaks once it has lost its recorded casualties: the battle warroom fights
    sides = [{"id": "blue", "forces": [{"id": "x", "strength": r0}],
              "breakpoints": [{"kind": "strength", "below": (r0 - rc) / r0}]},
             {"id": "red", "forces": [{"id": "y", "strength": b0}],
              "breakpoints": [{"kind": "strength", "below": (b0 - bc) / b0}]}]
    led = simulate(duel(r0, b0, rho * k, k, law=law, end=1e7, step=1e6,
                        sides=sides)).final_ledger()
    cas_r, cas_b = casualties(*(np.array(float(v)) for v in (r0, rc, b0, bc, rho)), *exps)
    assert float(cas_r) == pytest.approx(led["x"]["lost"], rel=1e-7)
    assert float(cas_b) == pytest.approx(led["y"]["lost"], rel=1e-7)


def test_unknown_period_and_missing_folder_are_refused(tmp_path):
    with pytest.raises(UserError, match="unknown period '05'.*01: 1620-1701"):
        load(tmp_path, "05")
    with pytest.raises(UserError, match="01.csv: not found"):
        load(tmp_path, "01")


def test_a_bad_row_is_named_by_its_line(tmp_path):
    (tmp_path / "01.csv").write_text("year;R0;Rc;B0;Bc\n1650;1000;100;900;90\n1651;500;600;400;"
                                     "40\n")
    with pytest.raises(UserError, match=r"01.csv:3: expected 0 < casualties < strength"):
        load(tmp_path, "01")
    (tmp_path / "01.csv").write_text("year;R0;Rc\n1650;1000;100\n")
    with pytest.raises(UserError, match=r"01.csv:1: expected the columns .* missing B0, Bc"):
        load(tmp_path, "01")


@needs_data
def test_the_four_periods_read_whole():
    sizes = {p: len(load(DATA, p)) for p in ("01", "02", "03", "04")}
    assert sizes == {"01": 112, "02": 251, "03": 556, "04": 160}


@needs_data
def test_chunks_are_pure_and_selection_prefers_the_generating_law():
    b = load(DATA, "01")
    one = simulate_chunk(b, "square", 50, seed=3, chunk=4)
    again = simulate_chunk(b, "square", 50, seed=3, chunk=4)
    assert all(np.array_equal(one[k], again[k]) for k in one)
    # casualties drawn from the square law at mu = 2, sigma = 0.5 (a period's sizes): the ABC
    # must put the square law first
    rng = np.random.default_rng(11)
    rho = rng.gamma((2 / 0.5) ** 2, 0.5**2 / 2, len(b))
    cas_r, cas_b = casualties(b.r0, b.rc, b.b0, b.bc, rho, *AIMED)
    observed = summaries(b.r0, cas_r, b.b0, cas_b)
    draws = {law: simulate_chunk(b, law, CHUNK, seed=5, chunk=0) for law in LAWS}
    chosen = select(draws, observed, 0.01, "summary")
    assert max(chosen, key=lambda law: chosen[law]["probability"]) == "square"
    assert sum(v["accepted"] for v in chosen.values()) == round(0.01 * 3 * CHUNK)


def test_validate_bodart_refuses_bad_input_with_one_message(tmp_path):
    from helpers import invoke

    for args, needle in ((["--period", "05"], "unknown period '05'"),
                         (["--period", "1"], "did you mean '01'"),
                         (["--distance", "euclid"], "--distance: expected summary or paper"),
                         (["--draws", "10"], "--draws"), (["--tolerance", "0"], "--tolerance"),
                         (["--prior-max", "inf"], "--prior-max"),
                         (["--data", tmp_path], "bodart_willard_1080/01.csv: not found")):
        r = invoke("validate", "bodart", *args, "--out", tmp_path / "o")
        assert r.exit_code == 2 and needle in r.output, r.output
    assert not (tmp_path / "o").exists()


@needs_data
def test_validate_bodart_writes_its_report_and_the_same_answer_on_two_workers(tmp_path):
    import json

    from helpers import invoke

    outs = []
    for workers in ("1", "2"):
        r = invoke("validate", "bodart", "--data", DATA.parent, "--period", "04", "--draws",
                   "2000", "--repeats", "2", "--workers", workers, "--json", "--out",
                   tmp_path / workers)
        assert r.exit_code == 0, r.output
        outs.append(json.loads(r.stdout))
    assert outs[0] == outs[1]  # seeded chunks, accepted together: worker-count independent
    per = outs[0]["periods"][0]
    assert per["period"] == "04" and abs(sum(v["probability"] for v in per["laws"].values())
                                         - 1) < 1e-12
    assert {"report.md", "report.html", "validation.json", "posteriors.png",
            "predicted.png"} <= {p.name for p in (tmp_path / "1").iterdir()}


def _fought(b, law: str, rho: np.ndarray):
    """Each battle of `b` fought by warroom's own solver under `law`, R's effectiveness rho
    times B's, each side breaking at its recorded casualties: what the model predicts."""
    k = {"square": 1e-5, "linear": 1e-9, "logarithmic": 0.01}[law]  # ends well within time
    cas_r, cas_b = np.empty(len(b)), np.empty(len(b))
    for i in range(len(b)):
        r0, b0 = float(b.r0[i]), float(b.b0[i])
        sides = [{"id": "blue", "forces": [{"id": "x", "strength": r0}],
                  "breakpoints": [{"kind": "strength", "below": 1 - b.rc[i] / r0}]},
                 {"id": "red", "forces": [{"id": "y", "strength": b0}],
                  "breakpoints": [{"kind": "strength", "below": 1 - b.bc[i] / b0}]}]
        led = simulate(duel(r0, b0, float(rho[i]) * k, k, law=law, end=1e8, step=1e7,
                            sides=sides)).final_ledger()
        cas_r[i], cas_b[i] = led["x"]["lost"], led["y"]["lost"]
    return cas_r, cas_b


@needs_data
@pytest.mark.slow
def test_selection_recovers_the_law_and_covers_the_parameters_of_battles_warroom_fought():
    # 20 seeded trials on period 01's sizes and stopping points: the law that fought the
    # battles is chosen in at least 18 (the acceptance: 90%), and the 90% posterior intervals
    # of mu and sigma hold the truth at their nominal rate: 20 x 0.9 = 18, whose 99% binomial
    # band is 14 to 20, so at least 14 each
    b = load(DATA, "01")
    laws = list(LAWS)
    chosen = covered_mu = covered_sigma = 0
    for trial in range(20):
        rng = np.random.default_rng([2016, trial])
        law, mu, sigma = laws[trial % 3], rng.uniform(0.5, 4.5), rng.uniform(0.2, 2.0)
        rho = rng.gamma((mu / sigma) ** 2, sigma**2 / mu, len(b))
        cas_r, cas_b = _fought(b, law, rho)
        parts = {lw: [simulate_chunk(b, lw, CHUNK, seed=trial, chunk=c) for c in (0, 1)]
                 for lw in LAWS}
        draws = {lw: {k: np.concatenate([p[k] for p in ps]) for k in ps[0]}
                 for lw, ps in parts.items()}
        res = select(draws, summaries(b.r0, cas_r, b.b0, cas_b), 0.02, "summary")
        chosen += max(res, key=lambda lw: res[lw]["probability"]) == law
        post = res[law]
        if post["accepted"]:
            covered_mu += bool(np.percentile(post["mu"], 5) <= mu <= np.percentile(post["mu"],
                                                                                   95))
            covered_sigma += bool(np.percentile(post["sigma"], 5) <= sigma <= np.percentile(
                post["sigma"], 95))
    assert chosen >= 18, chosen
    assert covered_mu >= 14 and covered_sigma >= 14, (covered_mu, covered_sigma)


def test_fatigue_that_slows_both_sides_alike_leaves_every_casualty_as_the_log_law_has_it():
    # Rubio-Campillo's fatigue law divides both sides' rates by one factor of time: a change
    # of time scale, so the battle's path, and where it stops, are the logarithmic law's
    ns: dict = {}
    exec((Path("docs") / "examples" / "fatigue.py").read_text(), ns)
    r0, rc, b0, bc, k = 20000.0, 5000.0, 20000.0, 5000.0, 0.01
    sides = [{"id": "blue", "forces": [{"id": "x", "strength": r0}],
              "breakpoints": [{"kind": "strength", "below": 1 - rc / r0}]},
             {"id": "red", "forces": [{"id": "y", "strength": b0}],
              "breakpoints": [{"kind": "strength", "below": 1 - bc / b0}]}]
    sc = duel(r0, b0, 0.7 * k, k, law="logarithmic", end=1e4, step=1.0, sides=sides)
    plain = simulate(sc)
    tired = simulate(sc, systems=[ns["Fatigue"](rate=0.05, floor=0.05)])
    assert tired.end_time > plain.end_time  # slower ...
    for f in ("x", "y"):  # ... to the same casualties
        assert tired.final_ledger()[f]["lost"] == pytest.approx(plain.final_ledger()[f]["lost"],
                                                                rel=1e-6)
    cas_r, cas_b = casualties(*(np.array(v) for v in (r0, rc, b0, bc, 0.7)), *LOGARITHMIC)
    assert plain.final_ledger()["y"]["lost"] == pytest.approx(float(cas_b), rel=1e-6)
