"""What the command prints: the textbook's lines and the progress line while a run goes on, how it
ended, where the time went; standard streams that a full disk or a closed pipe cannot break."""

from __future__ import annotations

import math
import os
import signal
import time
from contextlib import contextmanager
from enum import IntEnum

from ..files.records import best_network
from ..files.staged import STOP_SIGNALS
from ..film import stopping
from ..inputs.errors import printable
from ..inputs.settings import Settings, show
from ..network import edits, gradcheck
from ..network.layers import MIDDLE_LAYERS

PROG = "regress-demo"
#: A run whose training is estimated to take longer than this, in seconds, says so first.
ANNOUNCED_SECONDS = 30.0


class Exit(IntEnum):
    """The command's exit codes."""

    OK = 0
    IO_ERROR = 1  # a file could not be read or written
    CHECK_FAILED = 1  # regress-demo --check: a gradient of the layer classes is wrong
    USAGE = 2  # a bad option or setting: nothing was done
    DIVERGED = 3  # the run finished, but training blew up
    SIGINT = 128 + signal.SIGINT  # interrupted by a signal: 128 + its number, as shells say (130)
    SIGTERM = 128 + signal.SIGTERM  # (143)
    SIGHUP = 128 + 1  # the terminal closed (129; signal.SIGHUP, where the system has it)


class Progress:
    """Prints the textbook's lines at the recorded epochs and keeps one updating progress line."""

    def __init__(self, settings: Settings, quiet: bool, out, err):
        self.settings, self.quiet, self.out, self.err = settings, quiet, out, err
        self.live = not quiet and err.isatty()  # an updating line only makes sense on a terminal
        self.shown = False
        self.last_update = 0.0

    def start(self, engine: str, note):
        """What trains the run (unless quiet), and why, if the check sent it back to the layer
        classes; an edited layers.py is named by its digest: ``layers.py (edited: 3f2a9c)``."""
        if note:
            print(f"{PROG}: {note}", file=self.err, flush=True)
        digest = edits.edited()
        if digest is not None:
            engine = engine.replace("layers.py", f"layers.py (edited: {digest})", 1)
        if not self.quiet:
            from ..inputs.budget import duration
            from ..speed.engines import expected_seconds

            seconds = expected_seconds(self.settings, engine)
            if seconds > ANNOUNCED_SECONDS:  # a long run says so before it starts
                print(f"Training takes about {duration(seconds)} (estimated)", file=self.out)
            print(f"Training with the {engine}", file=self.out, flush=True)

    def warn(self, line: str):
        """A warning that does not stop the run (the gradient check's), on standard error."""
        print(f"{PROG}: {line}", file=self.err, flush=True)

    def epoch(self, epoch: int, error: float):
        now = time.monotonic()
        if self.live and (now - self.last_update > 0.1 or epoch == self.settings.epoch - 1):
            self.last_update = now
            done = epoch + 1
            best = "best " if self.settings.is_grid else ""
            self.line(
                f"training: epoch {done}/{self.settings.epoch} "
                f"({100 * done // self.settings.epoch}%)"
                f"  {best}error {error:.3e}"
            )

    def frame(self, done: int, total: int):
        if self.live and (time.monotonic() - self.last_update > 0.1 or done == total):
            self.last_update = time.monotonic()
            self.line(f"drawing: frame {done}/{total}")

    def line(self, text):
        self.err.write(f"\r\033[K  {text}")
        self.err.flush()
        self.shown = True

    def snapshot(self, snapshots):
        """The textbook's line, `Epoch: i/N Error: e`; for a grid, one error per configuration."""
        if self.quiet:
            return
        self.clear()
        epoch = max(snapshot.epoch for snapshot in snapshots)
        errors = " ".join(f"{_in_english(snapshot.error):.6g}" for snapshot in snapshots)
        print(f"Epoch: {epoch}/{self.settings.epoch} Error: {errors}", file=self.out, flush=True)

    def clear(self):
        if self.shown:
            self.err.write("\r\033[K")
            self.err.flush()
            self.shown = False


@contextmanager
def signals_as_interrupt():
    """While inside, SIGTERM and SIGHUP (the terminal closed) stop the run as Ctrl-C does; yields a
    list that records those signals (see stopped_code)."""
    received = []

    def handler(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    others = [signum for signum in STOP_SIGNALS if signum != signal.SIGINT]
    previous = {}
    try:
        for signum in others:
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread: leave the signals alone
        yield received
        return
    try:
        yield received
    finally:
        for signum, handler_before in previous.items():
            signal.signal(signum, handler_before)


def stopped_code(received) -> int:
    """The exit code of a run a signal stopped: 128 + the signal's number, as shells say (130 for
    Ctrl-C, 143 for SIGTERM, 129 for SIGHUP); `received`: the list of signals_as_interrupt."""
    return 128 + received[0] if received else Exit.SIGINT


class GuardedStream:
    """Standard output or error for a run: a write that fails (a closed pipe, a full device) never
    stops the run. The first failure is kept in `error`, and later writes are dropped."""

    def __init__(self, stream):
        self.stream, self.error = stream, None
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:  # a path or formula the locale cannot encode is shown escaped, not refused
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):
                pass

    def write(self, text: str) -> int:
        if self.error is None and self.stream is not None:
            try:
                self.stream.write(text)
            except (OSError, ValueError) as error:
                self._failed(error)
        return len(text)

    def flush(self):
        if self.error is None and self.stream is not None:
            try:
                self.stream.flush()
            except (OSError, ValueError) as error:
                self._failed(error)

    def isatty(self) -> bool:
        try:
            return self.error is None and self.stream is not None and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def _failed(self, error):
        self.error = error
        # What is still buffered goes nowhere, so that leaving Python does not fail on it again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())
            os.close(devnull)
        except (
            OSError,
            ValueError,
            AttributeError,
        ):  # (io.UnsupportedOperation: no file descriptor)
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _in_english(error):
    """An error as the terminal says it: in English (with your own data and --lang ja, its share of
    var(y) in English too)."""
    english = getattr(error, "in_english", None)
    return error if english is None else english()


def report(settings: Settings, result, interrupted_code: int, out, err, quiet=False) -> int:
    """Print how the run ended on out and err; returns the exit code. Quiet, a poor fit's hint is
    left out (the record and the gallery card keep it)."""
    frames = plural(result.frames, "frame")
    if result.foreign_index is not None:  # (the run's files are written: a note, not an error)
        print(
            f"{PROG}: the gallery was not written: {printable(str(result.foreign_index))} is not "
            "regress-demo's (it is left as it is; move it for a gallery of the runs)",
            file=err,
        )
    if result.status == "interrupted":
        print(interrupted_line(settings, result), file=err)
        return interrupted_code
    saved = ", ".join(printable(str(path)) for path in [result.path, *result.video_paths])
    print(f"Saved {saved} ({frames}, {final_errors(settings, result)})", file=out)
    if settings.data is not None and result.status == "finished" and not quiet:
        from ..film.units import poor_fit_hint

        hint = poor_fit_hint(settings, result.final_error)
        if hint:
            print(f"Hint: {hint}", file=out)
    if settings.stop_at is not None:  # --stop-at: whether, and when, each network reached it
        print(stopping.summary(settings, result.reached_at), file=out)
    missing = stopping.missing_stills(settings, result)
    if missing:  # --still of an epoch the run never reached (it stopped, or diverged, before)
        print(f"{PROG}: {missing}", file=err)
    if result.status == "diverged":
        print(f"{PROG}: {divergence(settings, result)}", file=err)
        return Exit.DIVERGED
    return Exit.OK


def interrupted_line(settings: Settings, result) -> str:
    """The one line of an interrupted run: what it saved (the frames so far), that it kept the
    files of an earlier finished run of its name and wrote nothing, or that it wrote nothing."""
    while_drawing = result.interrupted_while == "drawing"
    if result.kept is not None:
        moment = (
            "while drawing"
            if while_drawing
            else f"after {result.epochs_trained} of {settings.epoch} epochs"
        )
        kept = f"the earlier finished run's files are kept: {printable(str(result.kept))}"
        return f"{PROG}: interrupted {moment}; {kept}"
    if result.path is None:
        moment = "while drawing the first frame" if while_drawing else "before the first frame"
        return f"{PROG}: interrupted {moment}; nothing was written"
    shown = result.last_frame
    epoch = max(snapshot.epoch for snapshot in shown)
    error = _in_english(min(snapshot.error for snapshot in shown))
    best = "best " if settings.is_grid else ""
    moment = (
        f"while drawing ({plural(result.epochs_trained, 'epoch')} trained)"
        if while_drawing
        else f"after {result.epochs_trained} of {settings.epoch} epochs"
    )
    return (
        f"{PROG}: interrupted {moment}; saved {printable(str(result.path))} "
        f"({plural(result.frames, 'frame')}, up to epoch {epoch}, {best}error {error:.3e})"
    )


def plural(count: int, noun: str) -> str:
    """``1 frame``, ``2 frames``: a count and its noun, in English."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def profile_line(seconds: dict) -> str:
    """`time: train 0.61 s (20%), draw 1.80 s (58%), ...` for --profile."""
    total = sum(seconds.values()) or 1.0
    parts = [
        f"{name} {value:.2f} s ({100 * value / total:.0f}%)" for name, value in seconds.items()
    ]
    return f"time: {', '.join(parts)}; total {sum(seconds.values()):.2f} s"


def final_errors(settings: Settings, result) -> str:
    """`final error 6.3e-05`, or for a grid the best one and where it is."""
    if not settings.is_grid:
        heldout = result.heldout_histories[0]
        return f"final error {result.final_error:.3e}" + (
            f", held-out error {heldout[-1]:.3e}" if heldout else ""
        )
    heldout = [history[-1] if history else None for history in result.heldout_histories]
    best = best_network(result.final_errors, heldout)
    if best is None:
        return "no finite final error"
    error, where = result.final_errors[best], settings.label(settings.configurations()[best])
    if heldout[best] is None:
        return f"best final error {error:.3e} at {where}"
    # held out: best is what guesses the unseen range best, not what fits its training points best
    return f"best held-out error {heldout[best]:.3e} at {where}, training error {float(error):.3e}"


def divergence(settings: Settings, result) -> str:
    """One line on which configurations diverged, and what to try."""
    diverged_at = [
        epoch if epoch is not None or math.isfinite(snapshot.error) else snapshot.epoch
        for epoch, snapshot in zip(result.diverged_at, result.last_frame or [])
    ]
    failure = gradcheck.check_settings(settings)  # (done before the run: kept, not redone)
    if not settings.is_grid:
        if failure is not None:  # a wrong gradient, not eta: a smaller eta would not help
            return (
                f"diverged at epoch {diverged_at[0]} (the error blew up) — the gradient check "
                f"failed ({failure.where}): fix layers.py"
            )
        return (
            f"diverged at epoch {diverged_at[0]} (the error blew up) "
            f"— try a smaller eta than {show(settings.eta)}"
            + (" or less momentum" if settings.momentum else "")
        )
    which = [
        f"{settings.label(config, ' ')} at epoch {epoch}"
        for config, epoch in zip(settings.configurations(), diverged_at)
        if epoch is not None
    ]
    return f"{len(which)} of {len(diverged_at)} configurations diverged ({', '.join(which)}) " + (
        f"— the gradient check failed ({failure.where}): fix layers.py"
        if failure is not None
        else "— try smaller etas"
    )


#: What `regress-demo --check` checks besides the depths, each a column: the textbook's plain SGD of
#: batch 1 (update's first branch), a batch of 4 with L2 (the mean over a batch, update's penalty,
#: its second branch), and momentum (two steps of its v, from a known one).
CHECKED_TRAINING = (
    ("SGD, batch 1", 1, 0.0, 0.0),
    ("SGD, batch 4, L2 0.01", 4, 0.01, 0.0),
    ("momentum 0.9, batch 1", 1, 0.0, 0.9),
)


def check_table(out) -> int:
    """`regress-demo --check`: the gradient check of every registered activation at depths 1 and 2,
    as a small table, then a line for each method that failed. Returns the exit code: 1 if one did,
    2 if a run could not train at all (a forward that returns None)."""
    digest = edits.edited()
    edited = f" (edited: {digest})" if digest is not None else ""
    print(
        f"Gradient check of layers.py{edited}: backward and update against central finite "
        f"differences, {gradcheck.N_MID} neurons per hidden layer (the worst relative error)",
        file=out,
    )
    columns = [name for name, _, _, _ in CHECKED_TRAINING]
    header = f"{'activation':<12}{'depth':>5}  " + "".join(f"{c:<23}" for c in columns)
    print(header.rstrip(), file=out)
    failures, trainable = {}, True
    for activation in MIDDLE_LAYERS:
        for depth in (1, 2):
            cells = []
            for _, batch_size, l2, momentum in CHECKED_TRAINING:
                outcome = gradcheck.check(activation, depth, batch_size, l2, momentum)
                verdict = "ok" if outcome.passed else "FAILED"
                cells.append(f"{verdict} ({outcome.error:.0e})")
                if not outcome.passed and outcome.where not in failures:
                    failures[outcome.where] = outcome.line()  # the first of each method
                trainable = trainable and outcome.trainable
            row = f"{activation:<12}{depth:>5}  " + "".join(f"{c:<23}" for c in cells)
            print(row.rstrip(), file=out)
    for line in failures.values():
        print(f"{PROG}: {line}", file=out)
    if not trainable:
        return Exit.USAGE
    return Exit.CHECK_FAILED if failures else Exit.OK
