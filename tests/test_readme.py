"""The numbers README.md quotes from runs still come out of those runs (scripts/readme_numbers.py).

A representative subset, to keep the suite short: every claim whose network trains fast with
--engine fast (one hidden layer of at most 16 neurons, or full batches), with that engine; it is
checked against the layer classes before it trains, and agrees with them to rounding. The script
itself reruns every claim with the default engine: `python scripts/readme_numbers.py`.
"""

import importlib.util
import io
import shlex
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "readme_numbers.py"
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
    readme = readme_numbers.README.read_text(encoding="utf-8")
    found = [command for command, _ in readme_numbers.table_claims(readme)]
    found += [claim.command for claim in readme_numbers.CLAIMS]
    return sorted(set(found))


COMMANDS = commands()
CHECKED = [command for command in COMMANDS if fast_enough(command)]


def test_the_readme_quotes_numbers_and_most_are_checked_here():
    assert len(COMMANDS) >= 20
    assert (
        len(CHECKED) >= len(COMMANDS) - 3
    )  # the two-layer and the 20-neuron ReLU examples are left to the script


@pytest.mark.parametrize("command", CHECKED)
def test_a_number_the_readme_quotes_still_comes_out_of_its_run(command):
    out = io.StringIO()
    wrong = readme_numbers.check("fast", selected=lambda c: c == command, out=out)
    assert not wrong, (
        "\n".join(wrong) + "\n(run python scripts/readme_numbers.py and update README.md)"
    )
    assert out.getvalue()  # something was checked


def test_a_number_that_no_longer_matches_fails(monkeypatch, tmp_path):
    readme = tmp_path / "README.md"
    text = readme_numbers.README.read_text(encoding="utf-8")
    readme.write_text(text.replace("| 5.1e-3 |", "| 5.2e-3 |"), encoding="utf-8")
    monkeypatch.setattr(readme_numbers, "README", readme)
    wrong = readme_numbers.check("fast", only="--batch-size 63", out=io.StringIO())
    assert wrong == [
        "regress-demo --batch-size 63 --eta 1: the README's table says '5.2e-3', the run gives '5.1e-3'"
    ]


def test_the_commands_are_real_command_lines():
    for command in COMMANDS:
        assert shlex.split(command)[0] == "regress-demo"
