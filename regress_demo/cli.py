"""The command line: `regress-demo`, `python -m regress_demo` and `scripts/run_demo.py`."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from contextlib import contextmanager

from . import __version__
from .run import make_gif
from .settings import Settings, SettingError, output_path, parse_number, show

PROG = "regress-demo"

EXIT_OK, EXIT_IO_ERROR, EXIT_USAGE, EXIT_DIVERGED = 0, 1, 2, 3
# Interrupted by a signal: 128 + the signal's number, as shells report it (130 for Ctrl-C).
EXIT_SIGINT, EXIT_SIGTERM = 128 + signal.SIGINT, 128 + signal.SIGTERM

DESCRIPTION = """\
Train a tiny neural network (one hidden layer of sigmoid neurons, plain SGD, one sample
at a time) to fit the sine curve, and save an animated GIF of the fit improving epoch by epoch."""

EPILOG = """\
examples:
  regress-demo                      the textbook settings: 3 hidden neurons, eta 0.1, 2001 epochs
  regress-demo --n-mid 1            one neuron can only make one S-shaped step
  regress-demo --n-mid 10           more neurons, a different path to the same curve
  regress-demo --eta 0.5            a larger learning rate: faster, and noisier
  regress-demo --epoch 301 --interval 1 --out outputs/short.gif"""

# (option names, setting, type, metavar, help); defaults come from Settings.
NUMBER_OPTIONS = [
    (("--n-mid", "--n_mid"), "n_mid", int, "N",
     "number of neurons in the hidden (middle) layer (default: %s)"),
    (("--eta",), "eta", float, "ETA",
     "learning rate: how far each SGD step moves the weights (default: %s)"),
    (("--epoch", "--epochs"), "epoch", int, "N",
     "number of epochs; each epoch trains on all 63 samples once, in a random order (default: %s)"),
    (("--interval",), "interval", int, "K",
     "make a frame every K epochs, plus the first and the last epoch "
     "(default: about 100 frames, every 20 epochs for 2001 epochs)"),
    (("--wb-width", "--wb_width"), "wb_width", float, "W",
     "spread of the random initial weights and biases: W times a standard normal draw (default: %s)"),
    (("--seed",), "seed", int, "S",
     "random seed for the initial weights and the sample order; the same seed gives the same GIF "
     "(default: %s)"),
    (("--fps",), "fps", float, "F",
     "frames per second of the animation (default: %s)"),
    (("--hold",), "hold", float, "SECONDS",
     "how long the last frame stays on screen before the animation loops (default: %s)"),
]


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: `regress-demo: error: ...`, exit code 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    defaults = Settings()
    for flags, name, _kind, metavar, text in NUMBER_OPTIONS:
        default = getattr(defaults, name)
        parser.add_argument(*flags, dest=name, metavar=metavar, help=text % show(default) if "%s" in text else text)
    parser.add_argument(
        "--out", metavar="PATH",
        help="a .gif file, or a folder for a file named after the settings "
        "(default: outputs/, e.g. outputs/sin_nmid3_eta0.1_epoch2001_seed0.gif)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true",
        help="do not print the 'Epoch: i/N Error: e' lines and the progress line; "
        "only the path of the GIF and the final error",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def parse_settings(args: argparse.Namespace) -> Settings:
    """Build Settings from the parsed options; raises SettingError for a bad value."""
    values = {}
    for _flags, name, kind, _metavar, _text in NUMBER_OPTIONS:
        text = getattr(args, name)
        if text is not None:
            values[name] = parse_number(name, text, kind)
    return Settings(**values)


class Progress:
    """Prints the textbook's lines at the recorded epochs and keeps one updating progress line."""

    def __init__(self, settings: Settings, quiet: bool, out=sys.stdout, err=sys.stderr):
        self.settings, self.quiet, self.out, self.err = settings, quiet, out, err
        self.live = not quiet and err.isatty()  # an updating line only makes sense on a terminal
        self.shown = False
        self.last_update = 0.0

    def epoch(self, epoch: int, error: float):
        now = time.monotonic()
        if self.live and (now - self.last_update > 0.1 or epoch == self.settings.epoch - 1):
            self.last_update = now
            done = epoch + 1
            self.err.write(
                f"\r  training: epoch {done}/{self.settings.epoch} "
                f"({100 * done // self.settings.epoch}%)  error {error:.3e} "
            )
            self.err.flush()
            self.shown = True

    def snapshot(self, snapshot):
        if self.quiet:
            return
        self.clear()
        print(f"Epoch: {snapshot.epoch}/{self.settings.epoch} Error: {snapshot.error:.6g}", file=self.out, flush=True)

    def clear(self):
        if self.shown:
            self.err.write("\r\033[K")
            self.err.flush()
            self.shown = False


@contextmanager
def sigterm_as_interrupt():
    """While inside, SIGTERM stops the run like Ctrl-C does; yields a list that records the signals."""
    received = []

    def handler(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave SIGTERM alone
        yield received
        return
    try:
        yield received
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv=None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = parse_settings(args)
        path = output_path(args.out, settings)
    except SettingError as error:
        print(f"{PROG}: error: {error.for_option()}", file=sys.stderr)
        return EXIT_USAGE

    progress = Progress(settings, args.quiet)
    with sigterm_as_interrupt() as signals:
        interrupted_code = lambda: EXIT_SIGTERM if signals else EXIT_SIGINT  # noqa: E731
        try:
            result = make_gif(settings, path, on_epoch=progress.epoch, on_snapshot=progress.snapshot)
        except KeyboardInterrupt:
            progress.clear()
            print(f"{PROG}: interrupted while writing; {path} was not written", file=sys.stderr)
            return interrupted_code()
        except OSError as error:
            progress.clear()
            print(f"{PROG}: error: cannot write {path}: {error.strerror or error}", file=sys.stderr)
            return EXIT_IO_ERROR
        finally:
            progress.clear()

    frames = f"{result.frames} frame{'s' if result.frames != 1 else ''}"
    saved = f"{result.path} ({frames}, final error {result.final_error:.3e})"
    if result.status == "interrupted":
        if result.path is None:
            print(f"{PROG}: interrupted before the first frame; nothing was written", file=sys.stderr)
        else:
            print(f"{PROG}: interrupted after {result.epochs_trained} epochs; saved {saved}", file=sys.stderr)
        return interrupted_code()
    print(f"Saved {saved}")
    if result.status == "diverged":
        print(
            f"{PROG}: diverged at epoch {result.training.diverged_at} (the error blew up) "
            f"— try a smaller eta than {settings.eta:g}",
            file=sys.stderr,
        )
        return EXIT_DIVERGED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
