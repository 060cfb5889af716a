"""The command line: `regress-demo`, `python -m regress_demo` and `scripts/run_demo.py`."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from .. import INTERRUPTED_WHILE_STARTING, __version__, drawing_imports
from ..files.paths import gif_named, output_path, primary_video, settings_from_record
from ..files.staged import signals_held
from ..inputs.settings import SettingError, Settings, show
from ..network.gradcheck import Untrainable
from .console import (
    PROG,
    Exit,
    GuardedStream,  # noqa: F401
    Progress,
    check_table,
    profile_line,
    report,
    signals_as_interrupt,
    stopped_code,
)
from .options import COMMAND_OPTIONS, SETTING_OPTIONS, parse_number  # noqa: F401

DESCRIPTION = """\
Train a tiny neural network (one hidden layer of sigmoid neurons, plain SGD, one sample
at a time) to fit the sine curve, and save an animated GIF of the fit improving epoch by epoch.
Other curves, noisy or held-out samples, activations, depths, L2, mini-batches and momentum
are options."""

EPILOG = """\
examples:
  regress-demo                          the textbook settings: 3 hidden neurons, eta 0.1,
                                        2001 epochs
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
                                        how soon each n_mid learns the curve: each stops at
                                        error 1e-3
  regress-demo --handout book          a lecture's handout: one A4 page, the fit at epochs
                                        0, 200, ..., 2000 and the error curve (NAME-handout.pdf)
  regress-demo --still 80,last --sheet print
                                        for print: two frames and the contact sheet, as PNG
                                        at 300 dpi and as PDF
  regress-demo --size 1920x1080 --style print
                                        frames for a 16:9 slide (large text, the panels side
                                        by side), lines told apart in black and white
  regress-demo --replay outputs/sin_nmid3_eta0.1_epoch2001_seed1.json
                                        the same run again, from its record

Each run writes NAME.gif, NAME.png (a contact sheet of 8 frames), NAME.npz (the final
weights) and NAME.json (the run record) into the output folder, and regenerates the folder's
gallery, index.html; with --still, NAME-epochN.png and .pdf, with --sheet print, NAME.pdf too,
with --handout, NAME-handout.pdf."""


def build_parser(out=None, err=None) -> argparse.ArgumentParser:
    """The parser of every option in options.py's tables; its defaults are None (not given)."""
    parser = _Parser(
        out=sys.stdout if out is None else out,
        err=sys.stderr if err is None else err,
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    defaults = Settings()
    for option in SETTING_OPTIONS:
        text = option.help
        if "%s" in text:
            default = getattr(defaults, option.setting)
            text = text % (default if isinstance(default, str) else show(default))
        if option.metavar is None:  # a switch
            action = "store_false" if option.setting == "show_outputs" else "store_true"
            parser.add_argument(
                *option.flags, dest=option.setting, action=action, default=None, help=text
            )
            continue
        parser.add_argument(
            *option.flags,
            dest=option.setting,
            metavar=option.metavar() if callable(option.metavar) else option.metavar,
            nargs="+" if option.several else None,
            help=text,
        )
    for flags, metavar, text in COMMAND_OPTIONS:
        if metavar is None:  # a switch
            parser.add_argument(*flags, action="store_true", help=text)
        else:
            parser.add_argument(*flags, metavar=metavar, help=text)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def negative_ranges_attached(argv):
    """`--holdout -0.5,0` as `--holdout=-0.5,0`, `--target -x**2` as `--target=-x**2`: argparse
    would take the value for an option."""
    argv = list(argv)
    for i in range(len(argv) - 2, -1, -1):
        value = argv[i + 1]
        negative_range = argv[i] == "--holdout" and value[:1] == "-" and value[1:2] in "0123456789."
        # e.g. -x**2
        negative_formula = argv[i] == "--target" and value[:1] == "-" and value[1:2] != "-"
        if negative_range or negative_formula:
            argv[i : i + 2] = [f"{argv[i]}={value}"]
    return argv


#: The option of each setting, as a message names it.
FLAGS = {option.setting: option.flags[0] for option in SETTING_OPTIONS}


def parse_settings(args: argparse.Namespace) -> Settings:
    """Build Settings from the parsed options; raises SettingError for a bad value."""
    values = {}
    for option in SETTING_OPTIONS:
        text = getattr(args, option.setting)
        if text is not None and option.setting not in ("data", "data_columns"):
            values[option.setting] = text if option.metavar is None else option.value(text)
    if args.data is not None or args.data_columns is not None:
        values["data"] = read_data(args.data, args.data_columns)
    if args.replay is not None:
        if values:
            given = ", ".join(FLAGS.get(name, f"--{name.replace('_', '-')}") for name in values)
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
    from ..inputs.csvfile import read_file

    return read_file(path, columns)


def main(argv=None, out=None, err=None) -> int:
    """Run the command line; returns the exit code. It prints on out and err (default: the standard
    streams), each guarded (GuardedStream): if standard output cannot be written, the run still
    writes its files; a closed pipe (`| head -1`) is then no error, any other failure ends with one
    line on standard error and exit code 1 (if the run itself went well)."""
    out = GuardedStream(sys.stdout if out is None else out)
    err = GuardedStream(sys.stderr if err is None else err)
    try:
        code = _main(sys.argv[1:] if argv is None else list(argv), out, err)
    except SystemExit as exit_info:  # argparse: --help, --version, a bad option
        code = exit_info.code if isinstance(exit_info.code, int) else Exit.USAGE
    finally:
        out.flush()
    if out.error is not None and getattr(out.error, "errno", None) != errno.EPIPE:
        reason = getattr(out.error, "strerror", None) or out.error
        err.write(f"{PROG}: error: cannot write to standard output: {reason}\n")
        err.flush()
        code = Exit.IO_ERROR if code == Exit.OK else code
    return int(code)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: `regress-demo: error: ...`, exit code 2; it prints on the
    streams it is given."""

    def __init__(self, *args, out, err, **kwargs):
        super().__init__(*args, **kwargs)
        self.out, self.err = out, err

    def _print_message(self, message, file=None):  # --help and --version on out, errors on err
        if message:
            (self.err if file is sys.stderr else self.out).write(message)

    def error(self, message):
        self.exit(Exit.USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _main(argv, out, err) -> int:
    """Parse, check, train, draw and write; one line on err for whatever stops it."""
    args = build_parser(out, err).parse_args(negative_ranges_attached(argv))
    if args.check:  # only the gradient check: no settings, no run
        return check_table(out)
    try:  # every check before matplotlib loads: a bad value is refused at once, with one line
        settings = parse_settings(args)
        where, settings = primary_video(args.out, settings)
        path = output_path(where, settings, args.out)
        with drawing_imports():
            from .run import GalleryWriteError, WritingInterrupted, make_gif  # matplotlib, Pillow
    except SettingError as error:
        print(f"{PROG}: error: {error.for_option()}", file=err)
        return Exit.USAGE
    except OSError as error:  # a read-only file the run would replace
        print(f"{PROG}: error: cannot write {error.filename}: {error.strerror or error}", file=err)
        return Exit.IO_ERROR
    except KeyboardInterrupt:
        print(INTERRUPTED_WHILE_STARTING, file=err)
        return Exit.SIGINT
    if args.replay is not None:
        _replay_notes(args.replay, settings, err)
    elif settings.data is not None and settings.data.encoding != "utf-8":
        name = settings.data.name if settings.data.name.isprintable() else repr(settings.data.name)
        print(f"{PROG}: {name} is not UTF-8: read as Shift_JIS (cp932)", file=err)
    return _run((make_gif, WritingInterrupted, GalleryWriteError), settings, path, args, out, err)


def _replay_notes(record, settings: Settings, err) -> None:
    """What a replay says first: layers.py changed since, your own data's file changed or gone."""
    from ..files.records import layers_changed_since

    if layers_changed_since(record):
        print(
            f"{PROG}: layers.py has changed since this run was recorded: the replay trains with "
            "layers.py as it is now, so its numbers may differ",
            file=err,
        )
    if settings.data is not None:
        from ..inputs.replayed import replay_note

        note = replay_note(settings)
        if note:
            print(f"{PROG}: {note}", file=err)


def _run(run, settings: Settings, path, args, out, err) -> int:
    """Train, draw and write the run, with Ctrl-C (and SIGTERM, SIGHUP) said in one line; the exit
    code."""
    make_gif, WritingInterrupted, GalleryWriteError = run  # noqa: N806 - (loaded late: matplotlib)
    progress = Progress(settings, args.quiet, out, err)
    with signals_as_interrupt() as signals:
        try:
            result = make_gif(
                settings,
                path if gif_named(args.out) else args.out,  # (--out NAME.mp4: the GIF beside it)
                on_epoch=progress.epoch,
                on_snapshot=progress.snapshot,
                on_frame=progress.frame,
                on_start=progress.start,
                on_warning=progress.warn,
            )
        except Untrainable as error:  # layers.py cannot train: its one line, nothing written
            progress.clear()
            print(f"{PROG}: {error}", file=err)
            return Exit.USAGE
        except WritingInterrupted:
            progress.clear()
            print(f"{PROG}: interrupted while writing; {path} was not written", file=err)
            return stopped_code(signals)
        except KeyboardInterrupt:  # before training started: building the network
            progress.clear()
            print(INTERRUPTED_WHILE_STARTING, file=err)
            return stopped_code(signals)
        except OSError as error:
            progress.clear()
            if isinstance(error, GalleryWriteError):  # the run's files are written: say so too
                report(settings, error.result, stopped_code(signals), out, err, args.quiet)
            named = error.filename is not None and not str(error.filename).endswith(".tmp")
            target = error.filename if named else path
            print(f"{PROG}: error: cannot write {target}: {error.strerror or error}", file=err)
            return Exit.IO_ERROR
        except MemoryError:  # (the budget is a laptop's: this machine, or its limit, has less)
            progress.clear()
            print(
                f"{PROG}: error: out of memory: lower --size, --frames, --dpi or the number of "
                "videos",
                file=err,
            )
            return Exit.IO_ERROR
        # Every file is written: Ctrl-C from now on would only cut the report short, with no word
        with signals_held(deliver=False):
            progress.clear()
            code = report(settings, result, stopped_code(signals), out, err, args.quiet)
            if args.profile:
                print(profile_line(result.seconds), file=err)
    if args.open and result.path is not None:
        open_gallery(result.path.parent / "index.html", err)
    return code


def open_gallery(index, err):
    """Open the gallery page in the web browser; one line if there is none (the run still
    succeeded)."""
    import webbrowser

    try:
        opened = webbrowser.open(Path(index).resolve().as_uri())
    except webbrowser.Error:
        opened = False
    if not opened:
        print(f"{PROG}: no web browser to open {index}; open it by hand", file=err)


if __name__ == "__main__":
    sys.exit(main())
