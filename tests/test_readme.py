"""The numbers README.md and docs/ quote from runs still come out of those runs
(scripts/readme_numbers.py), and the script runs without the extras.

A representative subset, to keep the suite short: every table row and claim whose network trains
fast with --engine fast (one hidden layer of at most 16 neurons, or full batches), with that engine;
it is checked against the layer classes before it trains, and agrees with them to rounding. The
script itself reruns every claim with the default engine: `python scripts/readme_numbers.py`.
"""

import importlib.util
import io
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import hide_packages

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "readme_numbers.py"
spec = importlib.util.spec_from_file_location("readme_numbers", SCRIPT)
readme_numbers = sys.modules["readme_numbers"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_numbers)


def fast_enough(command: str) -> bool:
    """A run of at most a second or so with --engine fast."""
    settings = readme_numbers.settings_of(command)
    if settings.batch_size == len(settings.dataset().x_train):
        return True  # one step per epoch
    return settings.depth == 1 and max(settings.n_mids) <= 16 and not settings.is_grid


def commands():
    found = [
        command
        for page in readme_numbers.PAGES
        for command, _ in readme_numbers.table_claims(page.read_text(encoding="utf-8"))
    ]
    found += [claim.command for claim in readme_numbers.CLAIMS]
    return sorted(set(found))


COMMANDS = commands()
CHECKED = [command for command in COMMANDS if fast_enough(command)]


def test_the_pages_quote_numbers_and_most_are_checked_here():
    assert len(COMMANDS) >= 20
    # the two-layer and the 20-neuron ReLU examples are left to the script
    assert len(CHECKED) >= len(COMMANDS) - 3


@pytest.mark.parametrize("command", CHECKED)
def test_a_number_the_pages_quote_still_comes_out_of_its_run(command):
    out = io.StringIO()
    wrong = readme_numbers.check("fast", selected=lambda c: c == command, out=out)
    assert not wrong, (
        "\n".join(wrong) + "\n(run python scripts/readme_numbers.py and update the pages)"
    )
    assert out.getvalue()  # something was checked


def test_a_number_that_no_longer_matches_fails(monkeypatch, tmp_path):
    page = tmp_path / "teaching.md"
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert "| 5.1e-3 |" in text
    page.write_text(text.replace("| 5.1e-3 |", "| 5.2e-3 |"), encoding="utf-8")
    monkeypatch.setattr(readme_numbers, "PAGES", [page])
    wrong = readme_numbers.check("fast", only="--batch-size 63", out=io.StringIO())
    assert wrong == [
        "regress-demo --batch-size 63 --eta 1: a table says '5.2e-3', the run gives '5.1e-3'"
    ]


def test_a_limit_the_pages_no_longer_keep_is_named():
    text = "more than 1000 neurons"
    assert readme_numbers.limit_problem(text, "n_mid", {"n_mid": 1000, "epoch": 10}, {}, text) == (
        "accepted beyond the limit"
    )
    assert readme_numbers.limit_problem(text, "n_mid", {"n_mid": 1001}, {"n_mid": 1002}, text)
    assert readme_numbers.limit_problem("no such phrase", "n_mid", {}, {}, text) == (
        "no page says it"
    )


def test_every_limit_the_pages_quote_holds():
    text = readme_numbers.page_text()
    problems = [
        (phrase, readme_numbers.limit_problem(phrase, name, at, beyond, text))
        for phrase, name, at, beyond in readme_numbers.LIMITS
    ]
    assert [item for item in problems if item[1] is not None] == []


def test_the_commands_are_real_command_lines():
    for command in COMMANDS + readme_numbers.PRINTED:
        assert shlex.split(command)[0] == "regress-demo"


# ---- without the extras (the environment of the README's first command) ----

HIDE_EXTRAS = """\
import importlib.util

_find_spec = importlib.util.find_spec


def find_spec(name, package=None):
    if name.split(".")[0] in ("av", "matplotlib_fontja"):
        return None
    return _find_spec(name, package)


importlib.util.find_spec = find_spec
"""


def test_a_claim_that_needs_a_missing_extra_is_skipped_with_a_line(monkeypatch, tmp_path):
    hide_packages(monkeypatch, "av")
    page = tmp_path / "page.md"
    page.write_text(
        "| command | what you see | final error |\n|---|---|---|\n"
        "| `regress-demo --video mp4` | the film as a video too | 8.4e-6 |\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(readme_numbers, "PAGES", [page])
    out = io.StringIO()
    assert readme_numbers.check(only="--video", out=out) == []
    assert out.getvalue() == (
        "skip regress-demo --video mp4: video needs PyAV: pip install -e '.[video]' "
        "(or pip install av)\n"
    )


def test_the_script_runs_clean_without_the_extras(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(HIDE_EXTRAS)
    env = dict(os.environ, PYTHONPATH=str(tmp_path), MPLBACKEND="Agg")
    hidden = (
        "import importlib.util as u; print(u.find_spec('av'), u.find_spec('matplotlib_fontja'))"
    )
    probe = subprocess.run([sys.executable, "-c", hidden], capture_output=True, text=True, env=env)
    assert probe.stdout == "None None\n"  # the extras are out of sight
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--engine", "fast", "--only=--eta"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "DIFF" not in done.stdout
    assert (
        "ok   regress-demo --eta -1: prints 'regress-demo: error: --eta must be > 0" in done.stdout
    )
    assert done.stdout.endswith("Every number checked matches the pages.\n")
