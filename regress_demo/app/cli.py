"""The command line: `regress-demo`, `python -m regress_demo` and `scripts/run_demo.py`."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from .. import INTERRUPTED_WHILE_STARTING, __version__, drawing_imports
from ..files.paths import output_path, primary_video, settings_from_record
from ..files.staged import signals_held
from ..inputs import targets
from ..inputs.checks import (
    parse_epochs,
    parse_range,
    parse_size,
)  # (the rules of their text: also for Settings(size="1920x1080"))
from ..inputs.settings import SettingError, Settings, show
from .console import (
    EXIT_IO_ERROR,
    EXIT_OK,
    EXIT_SIGINT,
    EXIT_SIGTERM,
    EXIT_USAGE,
    PROG,
    GuardedStream,  # noqa: F401
    Progress,
    profile_line,
    report,
    sigterm_as_interrupt,
)

DESCRIPTION = """\
Train a tiny neural network (one hidden layer of sigmoid neurons, plain SGD, one sample
at a time) to fit the sine curve, and save an animated GIF of the fit improving epoch by epoch.
Other curves, noisy or held-out samples, activations, depths, L2, mini-batches and momentum
are options."""

EPILOG = """\
examples:
  regress-demo                          the textbook settings: 3 hidden neurons, eta 0.1, 2001 epochs
  regress-demo --n-mid 1                one neuron can only make one S-shaped step
  regress-demo --n-mid 10               more neurons, a different path to the same curve
  regress-demo --eta 0.5                a larger learning rate: faster, and noisier
  regress-demo --n-mid 1 2 3 10 --eta 0.05 0.5
                                        a comparison grid: a panel per (n_mid, eta) pair
  regress-demo --schedule log           more frames early, when the fit changes fastest
  regress-demo --target "sin(3*x) + 0.3*x" --n-mid 10
                                        any formula in x (x runs from -1 to 1)
  regress-demo --noise 0.2 --holdout 0.2,0.6
                                        noisy samples, and a range the network never sees
  regress-demo --data examples/daylight.csv --holdout 200,365 --n-mid 10
                                        your own (x, y) series from a CSV file, in its own units
  regress-demo --activation sigmoid tanh relu --n-mid 3 10
                                        a grid of activations (rows) by n_mid (columns)
  regress-demo --n-mid 2 3 10 --stop-at 1e-3
                                        how soon each n_mid learns the curve: each stops at error 1e-3
  regress-demo --still 80,last --sheet print
                                        for a handout: two frames and the contact sheet, as PNG
                                        at 300 dpi and as PDF
  regress-demo --size 1920x1080 --style print
                                        frames for a 16:9 slide (large text, the panels side
                                        by side), lines told apart in black and white
  regress-demo --replay outputs/sin_nmid3_eta0.1_epoch2001_seed1.json
                                        the same run again, from its record

Each run writes NAME.gif, NAME.png (a contact sheet of 8 frames), NAME.npz (the final
weights) and NAME.json (the run record) into the output folder, and regenerates the folder's
gallery, index.html; with --still, NAME-epochN.png and .pdf, with --sheet print, NAME.pdf too."""

# (option names, setting, type, metavar, help); defaults come from Settings.
NUMBER_OPTIONS = [
    (
        ("--n-mid", "--n_mid"),
        "n_mid",
        int,
        "N",
        "number of neurons in the hidden (middle) layer, in each one with --depth; several values make a comparison grid, "
        "one column each (default: %s)",
    ),
    (
        ("--eta",),
        "eta",
        float,
        "ETA",
        "learning rate: how far each SGD step moves the weights; several values make a comparison grid, "
        "one row each (default: %s)",
    ),
    (
        ("--epoch", "--epochs"),
        "epoch",
        int,
        "N",
        "number of epochs; each epoch trains on every training sample once, in a random order (default: %s)",
    ),
    (
        ("--interval",),
        "interval",
        int,
        "K",
        "make a frame every K epochs, plus the first and the last epoch "
        "(default: about 100 frames, every 20 epochs for 2001 epochs)",
    ),
    (
        ("--frames",),
        "frames",
        int,
        "N",
        "the number of frames, spread over the run by --schedule (default: about 100)",
    ),
    (
        ("--wb-width", "--wb_width"),
        "wb_width",
        float,
        "W",
        "spread of the random initial weights and biases: W times a standard normal draw (default: %s)",
    ),
    (
        ("--seed",),
        "seed",
        int,
        "S",
        "random seed for the initial weights and the sample order; the same seed gives the same GIF "
        "(default: %s)",
    ),
    (
        ("--fps",),
        "fps",
        float,
        "F",
        "frames per second of the animation, from 0.1 to 50 (GIF viewers cannot show shorter frames) (default: %s)",
    ),
    (
        ("--hold",),
        "hold",
        float,
        "SECONDS",
        "how long the last frame stays on screen before the animation loops; a value shorter than one "
        "frame's time is raised to it (default: %s)",
    ),
    (
        ("--n-points", "--n_points"),
        "n_points",
        int,
        "N",
        "number of samples, evenly spread over x in [-1, 1) (default: %s, the textbook's)",
    ),
    (
        ("--noise",),
        "noise",
        float,
        "STD",
        "standard deviation of the Gaussian noise added to the targets, drawn from --seed (default: %s)",
    ),
    (
        ("--depth",),
        "depth",
        int,
        "D",
        "number of hidden layers, each of --n-mid neurons; several values make a comparison grid (default: %s)",
    ),
    (
        ("--l2",),
        "l2",
        float,
        "LAMBDA",
        "L2 regularisation: LAMBDA * w is added to each weight's gradient (not the biases'); "
        "several values make a comparison grid (default: %s)",
    ),
    (
        ("--batch-size", "--batch_size"),
        "batch_size",
        int,
        "B",
        "samples per SGD step, their gradients averaged; the number of samples gives full-batch gradient "
        "descent; several values make a comparison grid (default: %s)",
    ),
    (
        ("--dpi",),
        "dpi",
        int,
        "N",
        "resolution of the PNGs of --still and --sheet print, 50 to 600 (the PDFs are vector drawings) (default: %s)",
    ),
    (
        ("--momentum",),
        "momentum",
        float,
        "MU",
        "classical momentum: each step keeps MU times the step before (0 <= MU < 1); several values make "
        "a comparison grid (default: %s)",
    ),
    (
        ("--stop-at", "--stop_at"),
        "stop_at",
        float,
        "ERROR",
        "stop training at the first epoch whose error is at or below ERROR (a number > 0; with --data, in y's "
        "units squared, as its errors are shown): the film ends there and its last frame says so; in a grid each "
        "network stops on its own (default: none, every --epoch)",
    ),
]
# Settings whose option is not simply --NAME.
OPTION_NAMES = {"show_outputs": "--no-outputs"}
# Options that take several values (the axes of a comparison grid).
LIST_OPTIONS = ("n_mid", "eta", "depth", "l2", "batch_size", "momentum", "activation")


def parse_number(name: str, text: str, kind: type):
    """Turn the text of a command-line option into an int or a float, or raise SettingError."""
    try:
        return kind(text)
    except ValueError:
        raise SettingError(name, "an integer" if kind is int else "a number", text) from None


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
        parser.add_argument(
            *flags,
            dest=name,
            metavar=metavar,
            nargs="+" if name in LIST_OPTIONS else None,
            help=text % show(default) if "%s" in text else text,
        )
    parser.add_argument(
        "--target",
        metavar="CURVE",
        help=f"the curve to learn: {', '.join(targets.CURVES)}, or a formula in x (x from -1 to 1) with "
        f'numbers, pi, e, + - * / ** %% and {", ".join(targets.FUNCTIONS)}, e.g. "sin(3*x) + 0.3*x" '
        "(default: sin, the textbook's)",
    )
    parser.add_argument(
        "--holdout",
        metavar="A,B",
        help="keep the samples with x in [A, B] out of training: the frame shades that range and the "
        "error panel adds their error (e.g. 0.2,0.6 or --holdout=-0.5,0)",
    )
    parser.add_argument(
        "--data",
        metavar="FILE.csv",
        help="fit your own (x, y) series: a text file of two numeric columns (comma, semicolon, tab or space "
        "separated; a header row names the axes; # comments and blank lines skipped), shown in its own units; "
        "the network trains on x rescaled to [-1, 1] and y standardised. --n-points takes a random sample, "
        "--holdout A,B is in the data's x",
    )
    parser.add_argument(
        "--data-columns",
        metavar="A,B",
        help="the x and y columns of a wider --data file, by header name or number from 1 (e.g. year,value or 1,3); "
        "a file of more than two columns needs it",
    )
    parser.add_argument(
        "--activation",
        metavar="sigmoid|tanh|relu",
        nargs="+",
        help="activation of the hidden neurons; several values make a comparison grid (default: sigmoid)",
    )
    parser.add_argument(
        "--schedule",
        metavar="linear|log",
        help="which epochs become frames: linear (every --interval epochs) or log (evenly spaced in "
        "log(epoch), so the fast early change gets frames too) (default: linear)",
    )
    parser.add_argument(
        "--engine",
        metavar="auto|fast|layers",
        help="what trains the network: auto (the classes in regress_demo/layers.py for a single run; a grid "
        "with a loop vectorised over its networks, or network by network with the plain-float loop where "
        "that is faster, checked against those classes before it trains), fast (a "
        "single run too with a loop tuned for speed, checked the same way: for long runs) or layers (the "
        "classes everywhere); deeper networks and mini-batches always train with the classes (default: auto)",
    )
    parser.add_argument(
        "--video",
        metavar="mp4|webm",
        nargs="+",
        help="write the film as a video too, beside the GIF: mp4 (H.264, for slides and players) and/or webm "
        "(VP9); needs PyAV: pip install -e '.[video]'. --out NAME.mp4 makes the video the main output",
    )
    parser.add_argument(
        "--lang",
        metavar="en|ja",
        help="the language of the texts in the frames, the contact sheet and the gallery: en (English) or ja "
        "(Japanese, in the textbook's terms; needs matplotlib-fontja: pip install -e '.[ja]') (default: en)",
    )
    parser.add_argument(
        "--still",
        metavar="EPOCH[,EPOCH...]",
        help="also draw the frame of these epochs (or last: the film's last frame) for print: NAME-epochN.png "
        "at --dpi and NAME-epochN.pdf (vector, its text selectable); any epoch of the run, a frame of the film or not",
    )
    parser.add_argument(
        "--sheet",
        metavar="film|print",
        help="the contact sheet NAME.png: film (8 of the film's frames at half size) or print (8 tiles drawn "
        "anew at A4 width, text 8 pt or more, as PNG at --dpi and NAME.pdf) (default: film)",
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help="open the folder's gallery (index.html) in the web browser after the run",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        help="the frames' size in pixels, each side from 320 to 3840, e.g. 1920x1080 for a slide: the text "
        "grows with the frame (18 pt titles on a 16:9 slide), and a wide frame puts the panels side by side "
        "(default: each layout's own: 840x800, 640x480 with --simple, a grid's from its panels)",
    )
    parser.add_argument(
        "--style",
        metavar="screen|print",
        help="print: every neuron line and grid curve with its own dash pattern and marker as well as its "
        "own colour (colour-blind-safe), and no text naming a colour, for black and white (default: screen)",
    )
    parser.add_argument(
        "--simple",
        action="store_true",
        help="the plain frame of the textbook: only the fit (without the neuron and error panels)",
    )
    parser.add_argument(
        "--no-outputs",
        dest="show_outputs",
        action="store_false",
        default=None,
        help="do not draw the '+' marks: the outputs for each sample during the epoch",
    )
    parser.add_argument(
        "--replay",
        metavar="RUN.json",
        help="run again with exactly the settings in this run record (with --out, --quiet, --profile, --open only)",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="a .gif file (or .mp4, .webm: see --video), or a folder for a file named after the settings "
        "(default: outputs/, e.g. outputs/sin_nmid3_eta0.1_epoch2001_seed1.gif)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="do not print the 'Epoch: i/N Error: e' lines and the progress line; "
        "only the path of the GIF and the final error",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="at the end, print where the time went: training, drawing, encoding the GIF, writing the other files",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def negative_ranges_attached(argv):
    """`--holdout -0.5,0` as `--holdout=-0.5,0`, `--target -x**2` as `--target=-x**2`: argparse would
    take the value for an option."""
    argv = list(argv)
    for i in range(len(argv) - 2, -1, -1):
        value = argv[i + 1]
        negative_range = argv[i] == "--holdout" and value[:1] == "-" and value[1:2] in "0123456789."
        negative_formula = (
            argv[i] == "--target" and value[:1] == "-" and value[1:2] != "-"
        )  # e.g. -x**2
        if negative_range or negative_formula:
            argv[i : i + 2] = [f"{argv[i]}={value}"]
    return argv


def parse_settings(args: argparse.Namespace) -> Settings:
    """Build Settings from the parsed options; raises SettingError for a bad value."""
    values = {}
    for _flags, name, kind, _metavar, _text in NUMBER_OPTIONS:
        text = getattr(args, name)
        if text is None:
            continue
        if name in LIST_OPTIONS:
            values[name] = tuple(parse_number(name, item, kind) for item in text)
        else:
            values[name] = parse_number(name, text, kind)
    for name in ("schedule", "show_outputs", "engine", "target", "lang", "sheet", "style"):
        if getattr(args, name) is not None:
            values[name] = getattr(args, name)
    if args.activation is not None:
        values["activation"] = tuple(args.activation)
    if args.video is not None:
        values["video"] = tuple(args.video)
    if args.holdout is not None:
        values["holdout"] = parse_range("holdout", args.holdout)
    if args.data is not None or args.data_columns is not None:
        values["data"] = read_data(args.data, args.data_columns)
    if args.still is not None:
        values["still"] = parse_epochs("still", args.still)
    if args.size is not None:
        values["size"] = parse_size("size", args.size)
    if args.simple:
        values["simple"] = True
    if args.replay is not None:
        if values:
            given = ", ".join(
                OPTION_NAMES.get(name, f"--{name.replace('_', '-')}") for name in values
            )
            raise SettingError(
                "replay",
                "used without other settings (only --out, --quiet, --profile and --open)",
                given,
            )
        return settings_from_record(args.replay)
    return Settings(**values)


def read_data(path, columns):
    """--data FILE.csv (with --data-columns A,B): the series, read and checked (owndata.py)."""
    if path is None:
        raise SettingError("data_columns", "given with {data}", columns)
    from ..inputs.owndata import read_file

    return read_file(path, columns)


def main(argv=None) -> int:
    """Run the command line; returns the exit code.

    Standard output and error are guarded (GuardedStream): if standard output cannot be written, the
    run still writes its files; a closed pipe (`| head -1`) is then no error, any other failure ends
    with one line on standard error and exit code 1 (if the run itself went well)."""
    out, err = GuardedStream(sys.stdout), GuardedStream(sys.stderr)
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = _main(argv)
    except SystemExit as exit_info:  # argparse: --help, --version, a bad option
        code = exit_info.code if isinstance(exit_info.code, int) else EXIT_USAGE
    finally:
        out.flush()
        sys.stdout, sys.stderr = saved
    if out.error is not None and getattr(out.error, "errno", None) != errno.EPIPE:
        reason = getattr(out.error, "strerror", None) or out.error
        err.write(f"{PROG}: error: cannot write to standard output: {reason}\n")
        err.flush()
        code = EXIT_IO_ERROR if code == EXIT_OK else code
    return code


def _main(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(negative_ranges_attached(sys.argv[1:] if argv is None else list(argv)))
    try:  # every check before matplotlib loads: a bad value is refused at once, with one line
        settings = parse_settings(args)
        out, settings = primary_video(args.out, settings)
        path = output_path(out, settings)
    except SettingError as error:
        print(f"{PROG}: error: {error.for_option()}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a read-only file the run would replace
        print(
            f"{PROG}: error: cannot write {error.filename}: {error.strerror or error}",
            file=sys.stderr,
        )
        return EXIT_IO_ERROR
    except KeyboardInterrupt:
        print(INTERRUPTED_WHILE_STARTING, file=sys.stderr)
        return EXIT_SIGINT
    try:
        with drawing_imports():
            from .run import (
                WritingInterrupted,
                make_gif,
            )  # training and drawing: matplotlib and Pillow load here
    except KeyboardInterrupt:
        print(INTERRUPTED_WHILE_STARTING, file=sys.stderr)
        return EXIT_SIGINT

    if args.replay is not None:
        from ..files.records import layers_changed_since

        if layers_changed_since(args.replay):
            print(
                f"{PROG}: layers.py has changed since this run was recorded: the replay trains with layers.py "
                "as it is now, so its numbers may differ",
                file=sys.stderr,
            )
        if settings.data is not None:
            from ..inputs.owndata import replay_note

            note = replay_note(settings)
            if note:
                print(f"{PROG}: {note}", file=sys.stderr)
    progress = Progress(settings, args.quiet)
    with sigterm_as_interrupt() as signals:
        try:
            result = make_gif(
                settings,
                path,
                on_epoch=progress.epoch,
                on_snapshot=progress.snapshot,
                on_frame=progress.frame,
                on_start=progress.start,
            )
        except WritingInterrupted:
            progress.clear()
            print(f"{PROG}: interrupted while writing; {path} was not written", file=sys.stderr)
            return EXIT_SIGTERM if signals else EXIT_SIGINT
        except KeyboardInterrupt:  # before training started: building the network
            progress.clear()
            print(INTERRUPTED_WHILE_STARTING, file=sys.stderr)
            return EXIT_SIGTERM if signals else EXIT_SIGINT
        except OSError as error:
            progress.clear()
            target = (
                path
                if error.filename is None or str(error.filename).endswith(".tmp")
                else error.filename
            )
            print(
                f"{PROG}: error: cannot write {target}: {error.strerror or error}", file=sys.stderr
            )
            return EXIT_IO_ERROR
        except MemoryError:  # (the budget is a laptop's: this machine, or its limit, has less)
            progress.clear()
            print(
                f"{PROG}: error: out of memory: lower --size, --frames, --dpi or the number of "
                "videos",
                file=sys.stderr,
            )
            return EXIT_IO_ERROR
        # Every file is written: Ctrl-C from now on would only cut the report short, with no word
        with signals_held(deliver=False):
            progress.clear()
            code = report(settings, result, EXIT_SIGTERM if signals else EXIT_SIGINT)
            if args.profile:
                print(profile_line(result.seconds), file=sys.stderr)
    if args.open and result.path is not None:
        open_gallery(result.path.parent / "index.html")
    return code


def open_gallery(index):
    """Open the gallery page in the web browser; one line if there is none (the run still succeeded)."""
    import webbrowser

    try:
        opened = webbrowser.open(Path(index).resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        print(f"{PROG}: no web browser to open {index}; open it by hand", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
