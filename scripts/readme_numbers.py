#!/usr/bin/env python3
"""Every number README.md, README.ja.md and docs/*.md quote, run again and compared with them.

The pages' numbers are claims about the program: this script reruns what they come from and checks
that the pages still say what the program gives, to the digits quoted. It checks:

- each table headed `| command | what you see | final error |` (or its Japanese): each row's
  command(s) and final error(s) ("3.6e-2", "2.9e-4, held out 1.8e-1", "7.6e-3 vs 8.3e-6",
  "diverged");
- CLAIMS: sentences rebuilt from a run's numbers (held-out errors, the epoch where a run diverges
  or stops, frame counts, the contact sheet's tiles, the daylight run's errors, the error of a flat
  line), each of which must appear in a page word for word (line breaks aside);
- PRINTED: lines the command prints (the default run's last line, a refusal of 131 GB), run in an
  empty folder, each of which must appear in a page;
- LIMITS: each limit the pages quote for a setting (1000 neurons, 2000 samples, 24 panels, ...),
  which a Settings must accept at the limit and refuse beyond it.

It checks only these four kinds. The other numbers of the pages are not checked here: the
options' defaults (tests/test_docs.py compares them with the parser's), other constants of the
design (the 1e-9 agreement of the fast loops, the text sizes of a slide, 8.4 × 8 in at --dpi, exit
codes, 256 MB), facts of the data (63 samples, 92 days at 52.5° N), times (the test suite's, which
the README gives as measured; the benchmarks', which BENCHMARKS.md gives with its machine:
scripts/bench.py measures them), the sizes of the extras' downloads, and the example values inside
messages (`line 7`, `max |dw| 3.1e-02`).

    python scripts/readme_numbers.py                 # every claim (a few minutes)
    python scripts/readme_numbers.py --engine fast   # the runs with the fast loops where they fit
    python scripts/readme_numbers.py --only holdout  # the claims whose command contains this

A claim that needs an extra that is not installed (PyAV for --video, the Japanese font for
--lang ja) is skipped with a line that says so. It prints one line per claim and exits with 1 if
any no longer matches. tests/test_readme.py runs the claims that train fast on every test run.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
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
from regress_demo.inputs.errors import MissingPackage  # noqa: E402
from regress_demo.inputs.settings import Settings  # noqa: E402
from regress_demo.speed.engines import trainer  # noqa: E402

#: The pages whose numbers are checked.
PAGES = [ROOT / "README.md", ROOT / "README.ja.md"] + sorted((ROOT / "docs").glob("*.md"))
#: The headers of a table of commands and their final errors, in English and in Japanese.
TABLE_HEADERS = (
    ["command", "what you see", "final error"],
    ["コマンド", "見えるもの", "最終的な誤差"],
)


def short(value: float) -> str:
    """A number as the pages write an error: two significant digits, 3.6e-2."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


@contextlib.contextmanager
def inside(folder):
    """Work in this folder for a while (contextlib.chdir, for Python before 3.11)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def settings_of(command: str, engine: Optional[str] = None) -> Settings:
    """The Settings of a `regress-demo ...` command line, as the command line reads them."""
    argv = shlex.split(command)
    if argv and argv[0] == "regress-demo":
        argv = argv[1:]
    args = cli.build_parser().parse_args(cli.negative_ranges_attached(argv))
    with inside(ROOT):  # (a --data file's name is relative to the checkout)
        settings = cli.parse_settings(args)
    if engine is not None and engine != settings.engine:
        settings = settings.replace(engine=engine)
    return settings


@dataclass
class Run:
    """What a run gives: per configuration, the error of every epoch, the held-out error, where it
    diverged; the snapshots of its frames; and, if it was drawn, the frame count of its GIF."""

    errors: List[List[float]]
    heldout: List[List[float]]
    diverged_at: List[Optional[int]]
    snapshots: list
    gif_frames: Optional[int] = None

    @property
    def final_error(self) -> float:
        return self.errors[0][-1]


def run(command: str, engine: Optional[str] = None, draw: bool = False) -> Run:
    """Train (and, with draw, make the GIF of) the run of this command."""
    settings = settings_of(command, engine)
    if draw:
        from regress_demo.app.run import make_gif

        with tempfile.TemporaryDirectory() as folder:
            result = make_gif(settings, Path(folder) / "run.gif")
        return Run(
            result.histories, result.heldout_histories, result.diverged_at, [], result.frames
        )
    training = trainer(settings).training
    snapshots = list(training.snapshots())
    return Run(training.errors, training.heldout_errors, list(training.diverged_at), snapshots)


def printed(command: str) -> str:
    """The last line the command prints (standard output, or standard error if it fails), run with
    -q in an empty folder that sees the checkout's examples/."""
    argv = cli.negative_ranges_attached(shlex.split(command)[1:]) + ["-q"]
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder, inside(folder):
        os.symlink(ROOT / "examples", Path(folder) / "examples")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    lines = (out if code == 0 else err).getvalue().strip().splitlines()
    return lines[-1] if lines else f"(nothing printed, exit code {code})"


@dataclass
class Claim:
    """A sentence of the pages made of a run's numbers: `text(run)` must appear in a page."""

    command: str
    text: Callable[[Run], str]
    draw: bool = False  # the claim is about the GIF (its frame count): make it


def _heldout(run_: Run) -> np.ndarray:
    return np.asarray(run_.heldout[0])


def _daylight_variance() -> float:
    """The variance of y in examples/daylight.csv: an error in the network's units times it is in
    hours²."""
    from regress_demo.inputs.csvfile import read_file

    return float(np.var(read_file(ROOT / "examples" / "daylight.csv").y))


def _sheet_epochs(run_: Run) -> str:
    """The epochs of the contact sheet's tiles, as the pages list them."""
    from regress_demo.files.stills import fit_path, sheet_picks

    frames = run_.snapshots
    epochs = [frames[i][0].epoch for i in sheet_picks(fit_path(frames))]
    return ", ".join(str(epoch) for epoch in epochs[:-1]) + f" and {epochs[-1]}"


def _flat_line(command: str) -> float:
    """The error of a flat line at the mean of the targets: half their variance."""
    return 0.5 * float(np.var(settings_of(command).dataset().t_train))


HOLDOUT_NOISE = "regress-demo --holdout 0.6,1 --n-mid 10 --noise 0.05"
OFFSET = 'regress-demo --target "300 + 40*sin(1.7*x)"'
DAYLIGHT = "regress-demo --data examples/daylight.csv"

CLAIMS = [
    Claim(
        "regress-demo --holdout 0.2,0.6",
        lambda r: (
            f"held-out error {short(r.heldout[0][-1])}, "
            f"close to its training error of {short(r.final_error)}"
        ),
    ),
    Claim(
        "regress-demo --holdout 0.6,1", lambda r: f"(`--holdout 0.6,1`: {short(r.heldout[0][-1])})"
    ),
    Claim(
        HOLDOUT_NOISE,
        lambda r: f"up to {_heldout(r)[:100].max():.2g} at epoch {int(_heldout(r)[:100].argmax())}",
    ),
    Claim(
        HOLDOUT_NOISE,
        lambda r: (
            f"falls to its lowest, {_heldout(r).min():.2g}, at epoch {int(_heldout(r).argmin())}"
        ),
    ),
    Claim(HOLDOUT_NOISE, lambda r: f"and climbs again: {_heldout(r)[-1]:.2g} at the end"),
    Claim(
        HOLDOUT_NOISE,
        lambda r: (
            f"the training error is {short(r.errors[0][1000])} at epoch 1000 "
            f"and {short(r.final_error)} at the end"
        ),
    ),
    Claim(
        "regress-demo --eta 1.9",
        lambda r: (
            f"at epoch {r.diverged_at[0]} the error explodes and the run stops, "
            f"with a frame for each of its {r.gif_frames} epochs"
        ),
        draw=True,
    ),
    Claim(
        "regress-demo --interval 200 --simple", lambda r: f"the book's {len(r.snapshots)} stills"
    ),
    Claim("regress-demo", lambda r: f"in the default run epochs {_sheet_epochs(r)}"),
    # `--n-mid 2 3 10 --stop-at 1e-3`, network by network (each follows the path it follows alone);
    # the errors of a network that reached 1e-3 end at that epoch
    Claim(
        "regress-demo --stop-at 1e-3", lambda r: f"three neurons at epoch {len(r.errors[0]) - 1}"
    ),
    Claim("regress-demo --stop-at 1e-3", lambda r: f"reached 1e-3 at epoch {len(r.errors[0]) - 1}"),
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
        OFFSET,
        lambda r: (
            f"ends its 2001 epochs at an error of {short(r.final_error)}, worse than "
            f"the {short(_flat_line(OFFSET))} of a flat line at the mean of y"
        ),
    ),
    Claim(
        DAYLIGHT,
        lambda r: (
            f"a final error of {short(r.final_error * _daylight_variance())} hours² — "
            f"{100 * r.final_error:.2g} % of the variance of y"
        ),
    ),
    Claim(
        DAYLIGHT + " --holdout 200,365 --n-mid 10",
        lambda r: (
            f"its held-out error ends at {r.heldout[0][-1] * _daylight_variance():.2g} hours², "
            f"{100 * r.heldout[0][-1]:.0f} % of var(y)"
        ),
    ),
    Claim(
        DAYLIGHT + " --stop-at 0.5",
        lambda r: (
            f"stops the daylight run at {r.final_error * _daylight_variance():.2g} hours², "
            f"epoch {len(r.errors[0]) - 1}"
        ),
    ),
]

#: Commands whose last printed line a page quotes.
PRINTED = [
    "regress-demo",
    DAYLIGHT,
    "regress-demo --depth 8 --n-mid 1000 --frames 2500 --epoch 2500",
    "regress-demo --eta -1",
]

ZERO = "0."  # (a formula of 200 characters: 0.000...0+x)
#: (what a page says, the setting it limits, settings at the limit, settings beyond it).
LIMITS = [
    ("more than 1000 neurons", "n_mid", dict(n_mid=1000, epoch=10), dict(n_mid=1001)),
    ("a depth above 8", "depth", dict(depth=8, epoch=10), dict(depth=9)),
    (
        "more than 2000 samples from `--n-points`",
        "n_points",
        dict(n_points=2000),
        dict(n_points=2001),
    ),
    (
        "a million epochs",
        "epoch",
        dict(epoch=1_000_000, n_points=2),
        dict(epoch=1_000_001, n_points=2),
    ),
    (
        "more than 8 values of a setting",
        "n_mid",
        dict(n_mid=tuple(range(1, 9))),
        dict(n_mid=tuple(range(1, 10))),
    ),
    (
        "24 panels in a grid",
        "n_mid",
        dict(n_mid=(1, 2, 3, 4, 5, 6), eta=(0.1, 0.2, 0.3, 0.4)),
        dict(n_mid=(1, 2, 3, 4, 5), eta=(0.1, 0.2, 0.3, 0.4, 0.5)),
    ),
    (
        "more than 2500 frames",
        "frames",
        dict(epoch=3000, frames=2500),
        dict(epoch=3000, frames=2501),
    ),
    ("(at most 20)", "still", dict(still=tuple(range(20))), dict(still=tuple(range(21)))),
    ("each side from 320 to 3840", "size", dict(size=(320, 3840)), dict(size=(319, 3841))),
    ("50 to 600", "dpi", dict(dpi=600, still=(1,)), dict(dpi=601, still=(1,))),
    ("from 0.1 to 50", "fps", dict(fps=50), dict(fps=51)),
    (
        "more than 200 characters",
        "target",
        dict(target=ZERO + "0" * 196 + "+x"),
        dict(target=ZERO + "0" * 197 + "+x"),
    ),
    ("between −1e6 and 1e6", "target", dict(target="1e6*x"), dict(target="1.0001e6*x")),
    (
        "fewer than 4 points",
        "data",
        dict(data=([1, 2, 3, 4], [1, 0, 1, 0])),
        dict(data=([1, 2, 3], [1, 0, 1])),
    ),
    (
        "up to ±1e100",
        "data",
        dict(data=([1, 2, 3, 4], [1e100, -1e100, 0, 1])),
        dict(data=([1, 2, 3, 4], [1.01e100, 0, 1, 2])),
    ),
    (
        "fewer than 4 or more than 100,000 points",
        "data",
        dict(data=(np.arange(100_000.0), np.sin(np.arange(100_000.0))), epoch=1),
        dict(data=(np.arange(100_001.0), np.sin(np.arange(100_001.0))), epoch=1),
    ),
]


def page_text() -> str:
    """Every page, its whitespace made single spaces: a claim matches wherever the lines break."""
    return " ".join(" ".join(page.read_text(encoding="utf-8").split()) for page in PAGES)


def table_claims(text: str):
    """(command, quoted) for each row of a table of final errors that quotes one: quoted is
    "3.6e-2", "2.9e-4, held out 1.8e-1" or "diverged"."""
    claims, in_table = [], False
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            in_table = False
        elif cells in TABLE_HEADERS:
            in_table = True
        elif in_table and cells[0].startswith("`regress-demo") and len(cells) == 3 and cells[2]:
            commands = re.findall(r"`([^`]+)`", cells[0])
            commands = [
                c if c.startswith("regress-demo") else "regress-demo " + c for c in commands
            ]
            quoted = [q.strip() for q in cells[2].split(" vs ")]
            if len(quoted) != len(commands):
                raise SystemExit(f"{len(commands)} commands but {len(quoted)} errors in: {line}")
            claims.extend(zip(commands, quoted))
    return claims


def given(run_: Run, quoted: str) -> str:
    """What the table should say for this run, in the form of what it says."""
    if quoted == "diverged":
        diverged = run_.diverged_at[0] is not None
        return "diverged" if diverged else f"not diverged: {short(run_.final_error)}"
    text = short(run_.final_error)
    if "held out" in quoted:
        text += f", held out {short(run_.heldout[0][-1])}"
    return text


def check(
    engine: Optional[str] = None, only: Optional[str] = None, selected=None, out=sys.stdout
) -> List[str]:
    """Rerun the claims (those whose command contains `only`, or for which selected(command) is
    true) and return the ones that no longer hold, each as one line."""
    text = page_text()
    runs = {}

    def wanted(command):
        chosen = (not only or only in command) and (not selected or selected(command))
        return chosen and not needs_missing_extra(command, out)

    def get(command, draw=False):
        if (command, draw) not in runs:
            runs[command, draw] = run(command, engine, draw)
        return runs[command, draw]

    def report(command, ok, line, wrong_line):
        print(f"{'ok  ' if ok else 'DIFF'} {command}: {line}", file=out, flush=True)
        return [] if ok else [wrong_line]

    wrong = []
    tables = [claim for page in PAGES for claim in table_claims(page.read_text(encoding="utf-8"))]
    tables = list(dict.fromkeys(tables))  # (a row both READMEs give is checked once)
    for command, quoted in (claim for claim in tables if wanted(claim[0])):
        now = given(get(command), quoted)
        says = f"a table says {quoted!r}, the run gives {now!r}"
        wrong += report(command, now == quoted, says, f"{command}: {says}")
    for claim in (claim for claim in CLAIMS if wanted(claim.command)):
        line = claim.text(get(claim.command, claim.draw))
        ok = " ".join(line.split()) in text
        wrong += report(claim.command, ok, repr(line), f"{claim.command}: no page says {line!r}")
    for command in (command for command in PRINTED if wanted(command)):
        line = printed(command)
        ok = " ".join(line.split()) in text
        wrong += report(command, ok, f"prints {line!r}", f"{command}: no page quotes {line!r}")
    if not only and not selected:
        for phrase, name, at, beyond in LIMITS:
            problem = limit_problem(phrase, name, at, beyond, text)
            wrong += report("limit", problem is None, repr(phrase), f"limit {phrase!r}: {problem}")
    return wrong


def needs_missing_extra(command: str, out) -> bool:
    """True, with one line that says so, if the command needs an extra that is not installed (PyAV
    for --video, the Japanese font for --lang ja)."""
    try:
        settings_of(command)
    except MissingPackage as error:
        print(f"skip {command}: {error}", file=out, flush=True)
        return True
    except ValueError:  # a command the pages quote for its refusal
        return False
    return False


def limit_problem(phrase: str, name: str, at: dict, beyond: dict, text: str) -> Optional[str]:
    """What is wrong with a limit a page quotes, or None: the phrase is in a page, the settings at
    the limit are accepted and those beyond it refused, by the rule of the setting `name`."""
    if " ".join(phrase.split()) not in text:
        return "no page says it"
    try:
        Settings(**at)
    except ValueError as error:
        return f"refused at the limit: {error}"
    try:
        Settings(**beyond)
    except ValueError as error:
        return None if str(error).startswith(name) else f"refused for another reason: {error}"
    return "accepted beyond the limit"


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
        print(f"\n{len(wrong)} number(s) of the pages no longer match:", file=sys.stderr)
        for line in wrong:
            print("  " + line, file=sys.stderr)
        return 1
    print("\nEvery number checked matches the pages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
