"""The new options together, used as a hostile user would: your own data with odd files and arrays,
--stop-at, --size, --lang ja, --still and --sheet print in combination. Each misuse ends with one line
and exit code 2, nothing written; each run that is accepted writes files that agree."""

import json
import os
from pathlib import Path

import pytest

from helpers import run_main

ROOT = Path(__file__).resolve().parent.parent


def one_error_line(err: str) -> str:
    assert err.startswith("regress-demo: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("rows, options, message", [
    ("1,1e308\n2,-1e308\n3,0\n4,1\n", [], "y is 1e+308 at point 1: every value must be between -1e+100 and 1e+100"),
    ("1e200,1\n2,2\n3,0\n4,1\n", [], "x is 1e+200 at point 1: every value must be between -1e+100 and 1e+100"),
    ("1,1e-310\n2,2e-310\n3,0\n4,1e-310\n", [], "y varies too little to scale (standard deviation 0; at least 1e-100)"),
    ("".join(f"{i},{int(i == 50)}\n" for i in range(100)), ["--n-points", "4"],
     "sampled by --n-points 4: every y is 0: nothing to fit (a flat line)"),
])
def test_data_that_cannot_be_scaled_is_refused_in_one_line(tmp_path, monkeypatch, rows, options, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "odd.csv", "x,y\n" + rows)
    name = "odd.csv"
    code, out, err = run_main(["--data", name, "--epoch", "3", "--frames", "2", "-q", "--out", "out/", *options])
    assert code == 2 and out == ""
    assert one_error_line(err).startswith("regress-demo: error: --data odd.csv") and err.rstrip().endswith(message)
    assert os.listdir(tmp_path) == ["odd.csv"]


def daylight():
    return str(ROOT / "examples" / "daylight.csv")


@pytest.mark.parametrize("options", [[], ["--engine", "fast"], ["--n-mid", "3", "4"]])
def test_stop_at_on_own_data_is_an_error_in_the_data_s_units(tmp_path, options):
    # the errors of a run on its own data are shown in y's units squared (hours² here), and so is --stop-at
    code, out, err = run_main(["--data", daylight(), "--stop-at", "0.5", "--epoch", "150", "--frames", "2",
                               "-q", "--out", str(tmp_path), *options])
    assert code == 0, err
    record = json.loads(next(tmp_path.glob("*.json")).read_text())
    for run in record["runs"]:
        errors = run["errors"]
        assert run["status"] == "reached" and errors[-1] == run["final_error"] <= 0.5 < min(errors[:-1])
        assert run["reached_at"] == len(errors) - 1
    assert f"reached 0.5 at epoch {record['runs'][0]['reached_at']}" in out or "reached 0.5 (" in out
