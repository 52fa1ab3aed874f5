"""Hostile input to `fit`, `simulate-fit`, `report` and `validate`: battle records, run folders
and options each get one clear message (exit 2), never a traceback, a hang or invalid JSON."""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from warroom.cli import app
from warroom.fit.jsonout import dumps

GOOD = "t,blue,red\n0,100,50\n1,90,42\n2,81,35\n3,73,29\n4,66,24\n"
COEF = ["--blue-effectiveness", "0.02", "--red-effectiveness", "0.03"]


def cli(*args):
    r = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r


def refused(*args, needles=()):
    r = cli(*args)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error: ")
    for n in needles:
        assert n in r.output, r.output
    return r


def record(tmp_path, text, name="r.csv"):
    p = tmp_path / name
    (p.write_bytes if isinstance(text, bytes) else p.write_text)(text)
    return p


def strict_json(text):
    """json.loads that refuses NaN and Infinity, as every non-Python parser does."""
    def no(c):
        raise AssertionError(f"not JSON: {c}")
    return json.loads(text, parse_constant=no)


# --- battle records: every refusal names the file and the line ---------------------------

@pytest.mark.parametrize("text,where,needle", [
    ("t,blue,red\n0,100,50\n1,inf,40\n2,80,30\n", "r.csv:3:2:", "finite number"),
    ("t,blue,red\n0,100,50\n1,90,nan\n2,80,30\n", "r.csv:3:3:", "finite number"),
    ("t,blue,red\n0,1e308,50\n1,90,40\n2,80,30\n", "r.csv:2:2:", "'magnitude'"),
    ("t,blue,red\n0,100,50\n1,-90,40\n2,80,30\n", "r.csv:3:2:", ">= 0"),
    ("t,blue,red\n0,100,50\n1e-300,90,40\n2e-300,80,30\n", "r.csv:4:1:", "spans 2e-300"),
    ("t,blue,red\n0,100,50\n1,90,40\n1.000000000000001,80,30\n5,70,20\n", "r.csv:4:1:",
     "steps must be at least"),
    ("t,blue,red\n0,100,50\n2,90,40\n1,80,30\n", "r.csv:4:1:", "times must increase"),
    ("t,blue,red\n0,100,50,7\n1,90,40\n", "r.csv:2:4:", "header names 3"),
    ("t,blue,blue,red\n0,1,2,3\n1,1,2,3\n", "r.csv:1:3:", "named twice"),
    ("t,blue,red\n", "r.csv:1:", "at least two rows"),
    ("", "r.csv:1:", "empty file"),
    ("t,blue,red\n0,100,0\n1,90,0\n2,80,0\n3,70,0\n", "r.csv:2:", "red: no strength"),
])
def test_bad_record_cells_and_times(tmp_path, text, where, needle):
    p = record(tmp_path, text)
    refused("fit", p, "--out", tmp_path / "o", needles=(where, needle))
    if "no strength" not in needle:  # simulate-fit reads the same records the same way
        refused("simulate-fit", p, *COEF, needles=(where, needle))


def test_a_cell_past_the_csv_modules_own_bound_names_its_line(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,90," + "4" * 200_000 + "\n2,80,30\n")
    refused("fit", p, needles=("r.csv:3:", "'string'"))


def test_a_cell_over_the_string_limit_names_its_line_and_column(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,90," + "4" * 20_000 + "\n2,80,30\n")
    refused("fit", p, needles=("r.csv:3:3:", "20,000 characters", "'string'"))


def test_invalid_utf8_and_binary_files_name_the_line(tmp_path):
    p = record(tmp_path, b"t,blue,red\n0,100,50\n1,9\xff0,40\n")
    refused("fit", p, needles=("r.csv:3:4:", "not UTF-8"))
    p = record(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00", "b.csv")
    refused("simulate-fit", p, *COEF, needles=("b.csv:1:1:", "not UTF-8"))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_LIMIT_FILE_BYTES", "40")
    refused("fit", record(tmp_path, GOOD), needles=("r.csv:", "'file_bytes'"))


def test_a_record_over_the_row_limit_is_refused_with_the_limit(tmp_path, monkeypatch):
    rows = "".join(f"{i},{30000 - i},{90000 - 2 * i}\n" for i in range(20_000))
    p = record(tmp_path, "t,blue,red\n" + rows)
    refused("fit", p, needles=("r.csv:1002:", "1,000", "'record_rows'",
                               "WARROOM_LIMIT_RECORD_ROWS"))
    monkeypatch.setenv("WARROOM_LIMIT_RECORD_ROWS", "3")
    refused("fit", record(tmp_path, GOOD), needles=("r.csv:5:", "more than 3 rows"))


def test_a_folder_is_not_a_record(tmp_path):
    refused("fit", tmp_path, needles=("not a file",))


def test_a_record_with_a_byte_order_mark_is_read(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text(GOOD, encoding="utf-8-sig")
    r = cli("simulate-fit", p, *COEF, "--json")
    assert r.exit_code == 0, r.output


# --- odd records that can be fitted are fitted; what cannot be is said ------------------

def test_fit_all_of_a_side_that_never_loses_is_valid_json_with_nulls(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,90,50\n2,80,50\n3,70,50\n4,60,50\n")
    r = cli("fit", p, "--law", "all", "--json", "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    out = strict_json(r.stdout)
    assert out["laws"]["square"]["r2"]["red"] is None  # a constant series has no R^2
    strict_json((tmp_path / "o" / "fit.json").read_text())


def test_fit_of_strengths_far_from_one_starts_inside_its_bounds(tmp_path):
    # a linear law's effectiveness on strengths of 1e12 is ~1e-25: below the old e^-50 bound
    p = record(tmp_path, "t,blue,red\n0,1e12,1e12\n1,9e11,9e11\n2,8e11,8.5e11\n3,7e11,8e11\n")
    r = cli("fit", p, "--law", "linear", "--json", "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    assert strict_json(r.stdout)["blue_effectiveness"] > 0


def test_engel_refuses_negative_losses_and_marks_zero_losses(tmp_path):
    grow = record(tmp_path, "t,blue,red\n0,100,50\n1,110,60\n2,120,70\n")
    refused("fit", grow, "--method", "engel", needles=("r.csv:4:", "losses total -20"))
    flat = record(tmp_path, "t,blue,red\n0,100,50\n1,100,50\n2,100,50\n", "f.csv")
    r = cli("fit", flat, "--method", "engel", "--json", "--out", tmp_path / "o")
    assert r.exit_code == 0 and strict_json(r.stdout)["identifiable"] is False
    gaps = record(tmp_path, "t,blue,red\n0,100,50\n1,,40\n2,80,\n", "g.csv")
    refused("fit", gaps, "--method", "engel", needles=("g.csv:3:", "leaves 100% of the span"))
    refused("fit", gaps, "--method", "engel", "--law", "all", needles=("--law",))


def test_fit_all_fits_the_laws_the_data_allow_and_says_which_it_left_out(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,90,45\n2,80,40\n")  # 4 values: not 4 params
    r = cli("fit", p, "--law", "all", "--json", "--out", tmp_path / "o")
    assert r.exit_code == 0, r.output
    out = strict_json(r.stdout)
    assert "exponents" not in out["laws"] and "square" in out["laws"]
    assert "r.csv:4:" in out["skipped"]["exponents"]


def test_too_few_observations_name_the_record(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,,\n2,90,\n")
    refused("fit", p, needles=("r.csv:4:", "only 1 observed"))


# --- JSON output is JSON ----------------------------------------------------------------

def test_json_output_maps_non_finite_to_null():
    assert dumps({"a": float("nan"), "b": [float("inf"), 1.5], "c": (2, -float("inf"))}) == \
        '{"a": null, "b": [null, 1.5], "c": [2, null]}'


def test_simulate_fit_json_is_strict_json(tmp_path):
    p = record(tmp_path, "t,blue,red\n0,100,50\n1,,\n2,,\n")  # nothing observed after the start
    r = cli("simulate-fit", p, *COEF, "--json")
    assert r.exit_code == 0, r.output
    strict_json(r.stdout)


# --- options ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["inf", "nan", "-inf", "-1", "1e300"])
def test_simulate_fit_refuses_non_finite_or_huge_coefficients(tmp_path, value):
    p = record(tmp_path, GOOD)
    refused("simulate-fit", p, "--blue-effectiveness", value, "--red-effectiveness", "0.1",
            needles=("--blue-effectiveness",))


def test_simulate_fit_exponent_options(tmp_path):
    p = record(tmp_path, GOOD)
    refused("simulate-fit", p, *COEF, "--law", "exponents", "--p", "1", "--q", "inf",
            needles=("--q",))
    refused("simulate-fit", p, *COEF, "--p", "1", needles=("--p goes with --law exponents",))
    refused("simulate-fit", p, *COEF, "--law", "mixed", needles=("--area-fire-by",))
    refused("simulate-fit", p, *COEF, "--area-fire-by", "green", needles=("--area-fire-by",))
    refused("fit", p, "--area-fire-by", "blue", needles=("--law mixed only",))


def test_run_refuses_a_seed_past_63_bits(tmp_path):
    refused("run", "scenarios/iwo_jima.yaml", "--seed", 2**63, "--out", tmp_path / "o",
            needles=("--seed", "2**63 - 1"))


@pytest.mark.parametrize("where", ["file", "proc"])
def test_unusable_out_folders_are_refused_before_any_work(tmp_path, where):
    blocker = record(tmp_path, GOOD, "plain.txt")
    out = blocker / "sub" if where == "file" else Path("/proc/warroom-test/out")
    refused("run", "scenarios/iwo_jima.yaml", "--out", out, needles=("--out",))
    refused("fit", record(tmp_path, GOOD), "--out", out, needles=("--out",))
    # before the data are even looked for: no minutes of fitting then a lost result
    refused("validate", "cdb90", "--data", tmp_path, "--out", out, needles=("--out",))


def test_validate_refuses_absurd_folds_and_a_file_as_data(tmp_path):
    refused("validate", "cdb90", "--data", record(tmp_path, GOOD), "--out", tmp_path / "o",
            needles=("--data", "not a folder"))
    refused("validate", "cdb90", "--seed", 2**63, "--data", tmp_path, needles=("--seed",))
    if (CDB90 / "cdb90").is_dir():  # the count of battles bounds the folds
        refused("validate", "cdb90", "--data", CDB90, "--folds", 10**9, "--out", tmp_path / "o",
                needles=("--folds", "at most"))


def test_time_unit_must_be_a_unit(tmp_path):
    refused("fit", record(tmp_path, GOOD), "--time-unit", "x" * 10_000, needles=("--time-unit",))
    refused("fit", record(tmp_path, GOOD), "--time-unit", "hours", "--report-per", "dya",
            needles=("--report-per", "did you mean 'day'"))
    refused("simulate-fit", record(tmp_path, GOOD), "--blue-effectiveness", "1",
            "--red-effectiveness", "1", "--time-unit", "fortnight", needles=("--time-unit",))


def test_effectiveness_is_reported_per_the_unit_asked(tmp_path):
    p = square_record(tmp_path)  # t in days
    day = strict_json(cli("fit", p, "--json", "--out", tmp_path / "a").stdout)
    hour = strict_json(cli("fit", p, "--json", "--report-per", "hour", "--out",
                           tmp_path / "b").stdout)
    assert (day["time_unit"], day["per"], hour["per"]) == ("day", "day", "hour")
    assert hour["blue_effectiveness"] == pytest.approx(day["blue_effectiveness"] / 24)
    assert hour["intervals"]["red_effectiveness"][1] == pytest.approx(
        day["intervals"]["red_effectiveness"][1] / 24)
    assert day["blue_effectiveness"] == pytest.approx(0.02, rel=1e-3)  # the generating rate
    # the same battle with t in hours: the same fit per day
    hours = "t,blue,red\n" + "".join(
        f"{float(t) * 24:g},{b},{r}\n" for t, b, r in
        (line.split(",") for line in p.read_text().splitlines()[1:]))
    q = record(tmp_path, hours, "hours.csv")
    again = strict_json(cli("fit", q, "--json", "--time-unit", "hour", "--report-per", "day",
                            "--out", tmp_path / "c").stdout)
    assert again["blue_effectiveness"] == pytest.approx(day["blue_effectiveness"], rel=1e-6)
    # simulate-fit takes coefficients per the unit named
    per_day = strict_json(cli("simulate-fit", p, "--json", "--blue-effectiveness", "0.02",
                              "--red-effectiveness", "0.01").stdout)
    per_hour = strict_json(cli("simulate-fit", p, "--json", "--blue-effectiveness",
                               str(0.02 / 24), "--red-effectiveness", str(0.01 / 24), "--per",
                               "hour").stdout)
    assert per_hour["final_blue"] == pytest.approx(per_day["final_blue"], rel=1e-9)
    assert per_day["max_rel_error"]["overall"] < 1e-4


# --- report on damaged run folders ------------------------------------------------------

@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "iwo"
    assert cli("run", "scenarios/iwo_jima.yaml", "--out", out).exit_code == 0
    return out


def damaged(run_folder, tmp_path, name, content):
    folder = tmp_path / "run"
    shutil.copytree(run_folder, folder)
    if isinstance(content, pa.Table):
        pq.write_table(content, folder / name)
    else:
        (folder / name).write_bytes(content)
    return folder


@pytest.mark.parametrize("name,content,needle", [
    ("summary.json", b"{bad", "summary.json:1:2: not valid JSON"),
    ("summary.json", b"[1, 2]", "expected a JSON object"),
    ("summary.json", b"{}", "summary.json: not a warroom run's file"),
    ("summary.json", b"\xff\xfe\x00", "summary.json: cannot be read"),
    ("manifest.json", b"null", "manifest.json: expected a JSON object"),
    ("timeseries.parquet", b"garbage", "timeseries.parquet: not a readable Parquet table"),
    ("events.parquet", pa.table({"x": [1]}), "events.parquet: not a warroom table"),
    ("timeseries.parquet", pa.table({"t": ["a"], "side": ["b"], "force": ["x"],
                                     "strength": [1.0], "lost": [0.0], "withdrawn": [0.0]}),
     "column t: expected numbers"),
])
def test_report_on_a_damaged_run_folder_names_the_file(run_folder, tmp_path, name, content,
                                                        needle):
    folder = damaged(run_folder, tmp_path, name, content)
    before = (folder / "report.md").read_bytes()
    refused("report", folder, needles=(needle,))
    assert (folder / "report.md").read_bytes() == before  # nothing already written is lost


def test_report_on_a_summary_with_wrong_values(run_folder, tmp_path):
    s = json.loads((run_folder / "summary.json").read_text())
    s["sides"] = {k: {"lost": "many"} for k in s["sides"]}
    folder = damaged(run_folder, tmp_path, "summary.json", json.dumps(s).encode())
    refused("report", folder, needles=("summary.json", "sides."))


def test_report_on_folders_that_are_not_run_folders(tmp_path):
    refused("report", tmp_path, needles=("not a warroom run folder",))
    refused("report", record(tmp_path, GOOD), needles=("no such run folder",))


CDB90 = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.mark.skipif(not (CDB90 / "cdb90").is_dir(), reason="../shared/data/cdb90 absent")
def test_validate_json_is_strict_json(tmp_path):
    r = cli("validate", "cdb90", "--data", CDB90, "--out", tmp_path, "--json", "--folds", "3")
    assert r.exit_code == 0, r.output
    strict_json(r.stdout)
    strict_json((tmp_path / "validation.json").read_text())


def square_record(tmp_path, n=30):
    """A square-law battle sampled daily: blue loses 0.01 per red, red 0.02 per blue."""
    import numpy as np
    from scipy.integrate import solve_ivp

    t = np.arange(n, dtype=float)
    sol = solve_ivp(lambda _, y: [-0.01 * y[1], -0.02 * y[0]], (0, n - 1), [1000.0, 800.0],
                    t_eval=t, rtol=1e-10, atol=1e-8)
    rows = "".join(f"{a:g},{b:.6f},{c:.6f}\n" for a, b, c in zip(t, *sol.y, strict=True))
    return record(tmp_path, "t,blue,red\n" + rows)


def test_a_fit_whose_budget_runs_out_says_so_and_stays_bounded(tmp_path, monkeypatch):
    p = square_record(tmp_path)
    full = strict_json(cli("fit", p, "--law", "exponents", "--json", "--out",
                           tmp_path / "a").stdout)
    assert full["identifiable"] and "linearised" not in full["reason"]
    # enough for the search, not for every profile: those ends are linearised, and said to be
    monkeypatch.setenv("WARROOM_LIMIT_FIT_STEPS", "5000")
    mid = strict_json(cli("fit", p, "--law", "exponents", "--json", "--out",
                          tmp_path / "b").stdout)
    assert "linearised" in mid["reason"] and "WARROOM_LIMIT_FIT_STEPS" in mid["reason"]
    assert mid["blue_effectiveness"] == pytest.approx(full["blue_effectiveness"], rel=1e-6)
    # too little for the search: the best point reached, not claimed identifiable
    monkeypatch.setenv("WARROOM_LIMIT_FIT_STEPS", "300")
    low = strict_json(cli("fit", p, "--law", "exponents", "--json", "--out",
                          tmp_path / "c").stdout)
    assert not low["identifiable"] and "before it converged" in low["reason"]


def test_fit_all_shares_its_budget_so_every_law_is_fitted(tmp_path, monkeypatch):
    monkeypatch.setenv("WARROOM_LIMIT_FIT_STEPS", "30000")
    out = strict_json(cli("fit", square_record(tmp_path), "--law", "all", "--json", "--out",
                          tmp_path / "o").stdout)
    assert set(out["laws"]) == {"square", "linear", "logarithmic", "mixed", "exponents"}


def test_fit_all_names_the_best_law_in_its_table_too(tmp_path):
    p = square_record(tmp_path)
    best = strict_json(cli("fit", p, "--law", "all", "--json", "--out", tmp_path / "a").stdout)
    r = cli("fit", p, "--law", "all", "--out", tmp_path / "b")
    assert r.exit_code == 0 and f"best law: {best['best']} (the lowest BIC" in r.stdout


def test_simulate_fit_measures_error_against_the_peak_not_a_zero(tmp_path):
    # red annihilated at the end: an error relative to its 0 there was 2e14
    p = record(tmp_path, "t,blue,red\n0,1000,300\n1,950,150\n2,930,0\n")
    r = cli("simulate-fit", p, "--blue-effectiveness", "0.3", "--red-effectiveness", "0.1",
            "--json")
    assert r.exit_code == 0, r.output
    out = strict_json(r.stdout)
    assert "peak observed strength" in out["rel_error_basis"]
    assert out["max_rel_error"]["red"] <= 1.0
    assert out["rel_error"]["red"][0] is None and len(out["rel_error"]["red"]) == 3
    sim = out["series"]["red"][2]
    assert out["rel_error"]["red"][2] == pytest.approx(abs(sim - 0) / 300)
