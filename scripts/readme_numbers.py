#!/usr/bin/env python3
"""Every number README.md quotes from a run, run again and compared with the README's text.

The README's numbers that come from a run (final errors, held-out errors, the epoch where a run
diverges, frame counts) are claims about the program: this script reruns each run they come from
and checks that the README still says what the run gives, to the digits quoted. It reads:

- the table "Examples worth trying": each row's command(s) and final error(s) ("3.6e-2",
  "2.9e-4, held out 1.8e-1", "7.6e-3 vs 8.3e-6", "diverged");
- the CLAIMS below, sentences of the README rebuilt from a run's numbers: each must appear in
  the README word for word (line breaks aside).

    python scripts/readme_numbers.py                 # every claim, with the default engine (a few minutes)
    python scripts/readme_numbers.py --engine fast   # the same runs with lockstep.py's loops where they fit
    python scripts/readme_numbers.py --only holdout  # the claims whose command contains this

It prints one line per claim and exits with 1 if any no longer matches. tests/test_readme.py runs a
representative subset on every test run: the claims whose networks train fast with `--engine
fast` (one hidden layer of at most 16 neurons, or full batches), with that engine; it leaves
out the two-layer and the 20-neuron ReLU examples, which take several seconds each.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from regress_demo.app import cli  # noqa: E402
from regress_demo.app.run import make_gif  # noqa: E402
from regress_demo.inputs.settings import Settings  # noqa: E402
from regress_demo.speed.engines import trainer  # noqa: E402

README = ROOT / "README.md"


def short(value: float) -> str:
    """A number as the README writes an error: two significant digits, 3.6e-2."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def settings_of(command: str, engine: Optional[str] = None) -> Settings:
    """The Settings of a `regress-demo ...` command line, as the command line reads them."""
    argv = shlex.split(command)
    if argv and argv[0] == "regress-demo":
        argv = argv[1:]
    args = cli.build_parser().parse_args(cli.negative_ranges_attached(argv))
    with contextlib.chdir(ROOT):  # (a --data file's name is relative to the checkout)
        settings = cli.parse_settings(args)
    if engine is not None and engine != settings.engine:
        settings = settings.replace(engine=engine)
    return settings


@dataclass
class Run:
    """What a run gives: per configuration, the error of every epoch, the held-out error, where it
    diverged; the frames of its GIF, if it was drawn."""

    errors: List[List[float]]
    heldout: List[List[float]]
    diverged_at: List[Optional[int]]
    frames: Optional[int] = None

    @property
    def final_error(self) -> float:
        return self.errors[0][-1]


def run(command: str, engine: Optional[str] = None, draw: bool = False) -> Run:
    """Train (and, with draw, make the GIF of) the run of this command."""
    settings = settings_of(command, engine)
    if draw:
        with tempfile.TemporaryDirectory() as folder:
            result = make_gif(settings, Path(folder) / "run.gif")
            return Run(
                result.histories, result.heldout_histories, result.diverged_at, result.frames
            )
    training = trainer(settings).training
    for _ in training.snapshots():
        pass
    return Run(training.errors, training.heldout_errors, list(training.diverged_at))


@dataclass
class Claim:
    """A sentence of the README made of a run's numbers: `text(run)` must appear in the README."""

    command: str
    text: Callable[[Run], str]
    draw: bool = False  # the claim is about the GIF (its frame count): make it


def _heldout(run_: Run) -> np.ndarray:
    return np.asarray(run_.heldout[0])


CLAIMS = [
    Claim(
        "regress-demo --holdout 0.2,0.6",
        lambda r: (
            f"held-out error {short(r.heldout[0][-1])}, close to its training error of {short(r.final_error)}"
        ),
    ),
    Claim(
        "regress-demo --holdout 0.6,1", lambda r: f"(`--holdout 0.6,1`: {short(r.heldout[0][-1])})"
    ),
    Claim(
        "regress-demo --holdout 0.6,1 --n-mid 10 --noise 0.05",
        lambda r: f"up to {_heldout(r)[:100].max():.2g} at epoch {int(_heldout(r)[:100].argmax())}",
    ),
    Claim(
        "regress-demo --holdout 0.6,1 --n-mid 10 --noise 0.05",
        lambda r: (
            f"falls to its lowest, {_heldout(r).min():.2g}, at epoch {int(_heldout(r).argmin())}"
        ),
    ),
    Claim(
        "regress-demo --holdout 0.6,1 --n-mid 10 --noise 0.05",
        lambda r: f"and climbs again: {_heldout(r)[-1]:.2g} at the end",
    ),
    Claim(
        "regress-demo --holdout 0.6,1 --n-mid 10 --noise 0.05",
        lambda r: (
            f"the training error is {short(r.errors[0][1000])} at epoch 1000 "
            f"and {short(r.final_error)} at the end"
        ),
    ),
    Claim(
        "regress-demo --eta 1.9",
        lambda r: (
            f"at epoch {r.diverged_at[0]} the error explodes and the run stops, "
            f"with a frame for each of its {r.frames} epochs"
        ),
        draw=True,
    ),
    Claim(
        "regress-demo --interval 200 --simple", lambda r: f"the book's {r.frames} stills", draw=True
    ),
    # `--n-mid 2 3 10 --stop-at 1e-3`, network by network (each follows the path it follows alone); the
    # errors of a network that reached 1e-3 end at that epoch
    Claim(
        "regress-demo --stop-at 1e-3", lambda r: f"three neurons at epoch {len(r.errors[0]) - 1}"
    ),
    Claim(
        "regress-demo --n-mid 10 --stop-at 1e-3", lambda r: f"ten only at {len(r.errors[0]) - 1}"
    ),
    Claim(
        "regress-demo --n-mid 2 --stop-at 1e-3",
        lambda r: (
            "two never" if min(r.errors[0]) > 1e-3 else f"two at epoch {len(r.errors[0]) - 1}"
        ),
    ),
    Claim(
        'regress-demo --target "300 + 40*sin(1.7*x)"',
        lambda r: f"ends its 2001 epochs at an error of {short(r.final_error)}, worse than",
    ),
    Claim(
        "regress-demo --data examples/daylight.csv",
        lambda r: (
            f"a final error of {short(r.final_error * _daylight_variance())} hours² — "
            f"{100 * r.final_error:.2g} % of the variance of y"
        ),
    ),
    Claim(
        "regress-demo --data examples/daylight.csv --holdout 200,365 --n-mid 10",
        lambda r: (
            f"its held-out error ends at {r.heldout[0][-1] * _daylight_variance():.2g} hours², "
            f"{100 * r.heldout[0][-1]:.0f} % of var(y)"
        ),
    ),
]


def _daylight_variance() -> float:
    """The variance of y in examples/daylight.csv: an error in the network's units times it is in hours²."""
    from regress_demo.inputs.owndata import read_file

    return float(np.var(read_file(ROOT / "examples" / "daylight.csv").y))


def table_claims(readme: str):
    """(command, quoted) for each run of the table "Examples worth trying" that quotes a number:
    quoted is "3.6e-2", "2.9e-4, held out 1.8e-1" or "diverged"."""
    section = readme.split("## Examples worth trying", 1)[1].split("\n## ", 1)[0]
    claims = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`regress-demo"):
            continue
        commands = re.findall(r"`([^`]+)`", cells[0])
        first = commands[0]
        commands = [first] + [
            "regress-demo " + c if not c.startswith("regress-demo") else c for c in commands[1:]
        ]
        quoted = [q.strip() for q in cells[2].split(" vs ")] if cells[2] else []
        if not quoted:
            continue
        if len(quoted) != len(commands):
            raise SystemExit(
                f"README: {len(commands)} commands but {len(quoted)} errors in: {line}"
            )
        claims.extend(zip(commands, quoted))
    return claims


def given(run_: Run, quoted: str) -> str:
    """What the README's table should say for this run, in the form of what it says."""
    if quoted == "diverged":
        return (
            "diverged"
            if run_.diverged_at[0] is not None
            else f"not diverged: {short(run_.final_error)}"
        )
    text = short(run_.final_error)
    if "held out" in quoted:
        text += f", held out {short(run_.heldout[0][-1])}"
    return text


def check(
    engine: Optional[str] = None, only: Optional[str] = None, selected=None, out=sys.stdout
) -> List[str]:
    """Rerun the claims (those whose command contains `only`, or for which selected(command) is
    true) and return the ones that no longer hold, each as one line."""
    readme = README.read_text(encoding="utf-8")
    runs = {}

    def get(command, draw=False):
        key = (command, draw)
        if key not in runs:
            runs[key] = run(command, engine, draw)
        return runs[key]

    wrong = []
    for command, quoted in table_claims(readme):
        if (only and only not in command) or (selected and not selected(command)):
            continue
        now = given(get(command), quoted)
        ok = now == quoted
        print(
            f"{'ok  ' if ok else 'DIFF'} {command}: README {quoted!r}, run {now!r}",
            file=out,
            flush=True,
        )
        if not ok:
            wrong.append(f"{command}: the README's table says {quoted!r}, the run gives {now!r}")
    for claim in CLAIMS:
        if (only and only not in claim.command) or (selected and not selected(claim.command)):
            continue
        text = claim.text(get(claim.command, claim.draw))
        ok = " ".join(text.split()) in " ".join(readme.split())  # wherever the README's lines break
        print(f"{'ok  ' if ok else 'DIFF'} {claim.command}: {text!r}", file=out, flush=True)
        if not ok:
            wrong.append(f"{claim.command}: the README does not say {text!r}")
    return wrong


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--engine",
        choices=["auto", "fast", "layers"],
        default=None,
        help="train with this engine instead of the command's own (default: the command's, auto)",
    )
    parser.add_argument(
        "--only", metavar="TEXT", help="only the claims whose command contains TEXT"
    )
    args = parser.parse_args(argv)
    wrong = check(args.engine, args.only)
    if wrong:
        print(f"\n{len(wrong)} number(s) of README.md no longer match:", file=sys.stderr)
        for line in wrong:
            print("  " + line, file=sys.stderr)
        return 1
    print("\nEvery number checked matches README.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
