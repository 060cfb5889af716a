"""The command line's options, one line of a table each: the setting it sets, its flags, its
metavar and its help. cli.build_parser builds argparse's parser from it and cli.parse_settings
turns what was typed into Settings; the choices come from the settings' rules (inputs/checks.py)."""

from __future__ import annotations

from typing import Callable, NamedTuple, Optional, Tuple, Union

from ..inputs import checks, targets
from ..inputs.errors import SettingError


def parse_number(name: str, text: str, kind: type):
    """Turn the text of a command-line option into an int or a float, or raise SettingError."""
    try:
        return kind(text)
    except ValueError:
        raise SettingError(name, "an integer" if kind is int else "a number", text) from None


def _choices(name: str) -> str:
    """The metavar of a setting that takes one of a few names: ``sigmoid|tanh|relu``."""
    return "|".join(checks.CONSTRAINTS[name].choices)


class Option(NamedTuple):
    """One option: the setting it sets (its name in Settings), how it is typed and explained.

    parse turns the text of one value into the setting's value (int, float, a range...); None
    keeps the text. A switch (store_true) has no metavar. %s in help is the setting's default."""

    flags: Tuple[str, ...]
    setting: str
    metavar: Union[str, Callable[[], str], None]  # a function: the choices as they are when asked
    help: str
    parse: Optional[Callable] = None

    @property
    def several(self) -> bool:
        """Whether the option takes several values: a grid's axis, or the videos."""
        return self.setting in checks.GRID_AXES or self.setting == "video"

    def value(self, text):
        """The setting's value from what was typed (one text, or a list of them)."""
        one = (lambda item: item) if self.parse is None else self.parse
        if self.parse in (int, float):
            one = lambda item: parse_number(self.setting, item, self.parse)  # noqa: E731
        elif self.parse is not None:
            one = lambda item: self.parse(self.setting, item)  # noqa: E731
        return tuple(one(item) for item in text) if self.several else one(text)


GRID = "several values make a comparison grid"

#: Every option that sets a setting, in the order --help lists them.
SETTING_OPTIONS = [
    Option(
        ("--n-mid", "--n_mid"),
        "n_mid",
        "N",
        "number of neurons in the hidden (middle) layer, in each one with --depth; "
        f"{GRID}, one column each (default: %s)",
        int,
    ),
    Option(
        ("--eta",),
        "eta",
        "ETA",
        f"learning rate: how far each SGD step moves the weights; {GRID}, one row each "
        "(default: %s)",
        float,
    ),
    Option(
        ("--epoch", "--epochs"),
        "epoch",
        "N",
        "number of epochs; each epoch trains on every training sample once, in a random order "
        "(default: %s)",
        int,
    ),
    Option(
        ("--interval",),
        "interval",
        "K",
        "make a frame every K epochs, plus the first and the last epoch "
        "(default: about 100 frames, every 20 epochs for 2001 epochs)",
        int,
    ),
    Option(
        ("--frames",),
        "frames",
        "N",
        "the number of frames, spread over the run by --schedule (default: about 100)",
        int,
    ),
    Option(
        ("--wb-width", "--wb_width"),
        "wb_width",
        "W",
        "spread of the random initial weights and biases: W times a standard normal draw "
        "(default: %s)",
        float,
    ),
    Option(
        ("--seed",),
        "seed",
        "S",
        "random seed for the initial weights and the sample order; the same seed gives the "
        "same GIF (default: %s)",
        int,
    ),
    Option(
        ("--fps",),
        "fps",
        "F",
        "frames per second of the animation, from 0.1 to 50 (GIF viewers cannot show shorter "
        "frames) (default: %s)",
        float,
    ),
    Option(
        ("--hold",),
        "hold",
        "SECONDS",
        "how long the last frame stays on screen before the animation loops; a value shorter "
        "than one frame's time is raised to it (default: %s)",
        float,
    ),
    Option(
        ("--n-points", "--n_points"),
        "n_points",
        "N",
        "number of samples, evenly spread over x in [-1, 1) (default: %s, the textbook's)",
        int,
    ),
    Option(
        ("--noise",),
        "noise",
        "STD",
        "standard deviation of the Gaussian noise added to the targets, drawn from --seed "
        "(default: %s)",
        float,
    ),
    Option(
        ("--depth",),
        "depth",
        "D",
        f"number of hidden layers, each of --n-mid neurons; {GRID} (default: %s)",
        int,
    ),
    Option(
        ("--l2",),
        "l2",
        "LAMBDA",
        "L2 regularisation: LAMBDA * w is added to each weight's gradient (not the biases'); "
        f"{GRID} (default: %s)",
        float,
    ),
    Option(
        ("--batch-size", "--batch_size"),
        "batch_size",
        "B",
        "samples per SGD step, their gradients averaged; the number of samples gives "
        f"full-batch gradient descent; {GRID} (default: %s)",
        int,
    ),
    Option(
        ("--dpi",),
        "dpi",
        "N",
        "resolution of the PNGs of --still and --sheet print, 50 to 600 (the PDFs are vector "
        "drawings) (default: %s)",
        int,
    ),
    Option(
        ("--momentum",),
        "momentum",
        "MU",
        "classical momentum: each step keeps MU times the step before (0 <= MU < 1); "
        f"{GRID} (default: %s)",
        float,
    ),
    Option(
        ("--stop-at", "--stop_at"),
        "stop_at",
        "ERROR",
        "stop training at the first epoch whose error is at or below ERROR (a number > 0; "
        "with --data, in y's units squared, as its errors are shown): the film ends there and "
        "its last frame says so; in a grid each network stops on its own "
        "(default: none, every --epoch)",
        float,
    ),
    Option(
        ("--target",),
        "target",
        "CURVE",
        f"the curve to learn: {', '.join(targets.CURVES)}, or a formula in x (x from -1 to 1) "
        f"with numbers, pi, e, + - * / ** %% and {', '.join(targets.FUNCTIONS)}, "
        'e.g. "sin(3*x) + 0.3*x" (default: sin, the textbook\'s)',
    ),
    Option(
        ("--holdout",),
        "holdout",
        "A,B",
        "keep the samples with x in [A, B] out of training: the frame shades that range and "
        "the error panel adds their error (e.g. 0.2,0.6 or --holdout=-0.5,0); with --data in "
        "x's units, or dates when x are dates (2024-01-01:2024-03-01)",
        checks.parse_range,
    ),
    Option(
        ("--data",),
        "data",
        "FILE.csv",
        "fit your own (x, y) series: a text file of two numeric columns (comma, semicolon, "
        "tab or space separated; a header row names the axes; # comments and blank lines "
        "skipped), shown in its own units; the network trains on x rescaled to [-1, 1] and y "
        "standardised. --n-points takes a random sample, --holdout A,B is in the data's x",
    ),
    Option(
        ("--data-columns",),
        "data_columns",
        "A,B",
        "the x and y columns of a wider --data file, by header name or number from 1 "
        "(e.g. year,value or 1,3); a file of more than two columns needs it",
    ),
    Option(
        ("--log-x",),
        "log_x",
        None,
        "with --data: train on log10 of x and show x on a log axis, for x over several decades "
        "(every x > 0)",
    ),
    Option(
        ("--log-y",),
        "log_y",
        None,
        "with --data: train on log10 of y and show y on a log axis (every y > 0); errors are then "
        "in log10 y",
    ),
    Option(
        ("--activation",),
        "activation",
        lambda: _choices("activation"),  # every class registered in layers.py, when asked
        "activation of the hidden neurons, a class of regress_demo/network/layers.py; "
        f"{GRID} (default: %s)",
    ),
    Option(
        ("--schedule",),
        "schedule",
        _choices("schedule"),
        "which epochs become frames: linear (every --interval epochs) or log (evenly spaced "
        "in log(epoch), so the fast early change gets frames too) (default: %s)",
    ),
    Option(
        ("--engine",),
        "engine",
        _choices("engine"),
        "what trains the network: auto (the classes in regress_demo/network/layers.py for a "
        "single run; a grid with a loop vectorised over its networks, or network by network "
        "with the plain-float loop where that is faster, checked against those classes before "
        "it trains), fast (a single run too with a loop tuned for speed, checked the same way: "
        "for long runs) or layers (the classes everywhere); deeper networks and mini-batches "
        "always train with the classes (default: %s)",
    ),
    Option(
        ("--video",),
        "video",
        "|".join(checks.VIDEOS),
        "write the film as a video too, beside the GIF: mp4 (H.264, for slides and players) "
        "and/or webm (VP9); needs PyAV: pip install -e '.[video]'. --out NAME.mp4 makes the "
        "video the main output",
    ),
    Option(
        ("--lang",),
        "lang",
        _choices("lang"),
        "the language of the texts in the frames, the contact sheet and the gallery: en "
        "(English) or ja (Japanese, in the textbook's terms; needs matplotlib-fontja: "
        "pip install -e '.[ja]') (default: %s)",
    ),
    Option(
        ("--still",),
        "still",
        "EPOCH[,EPOCH...]",
        "also draw the frame of these epochs (or last: the film's last frame) for print, laid "
        "out for a column of an A4 page (6.3 in wide, text 8 pt or more): NAME-epochN.png at "
        "--dpi and NAME-epochN.pdf (vector, its text selectable); any epoch of the run, a frame "
        "of the film or not",
        checks.parse_epochs,
    ),
    Option(
        ("--sheet",),
        "sheet",
        _choices("sheet"),
        "the contact sheet NAME.png: film (8 of the film's frames at their size, a 1080-pixel "
        "slide's at half size) or print (8 tiles drawn anew at A4 width, text 8 pt or more, as "
        "PNG at --dpi and NAME.pdf) (default: %s)",
    ),
    Option(
        ("--sheet-epochs", "--sheet_epochs"),
        "sheet_epochs",
        "EPOCH[,EPOCH...]",
        f"the epochs of --sheet print's tiles, up to {checks.MAX_PRINTED}, e.g. 0,200,2000 "
        "(default: 8 spread along the fit's path)",
        checks.parse_epochs,
    ),
    Option(
        ("--handout",),
        "handout",
        "EPOCHS",
        "write NAME-handout.pdf, one A4 page for a lecture: the run's settings, the fit at these "
        f"epochs (up to {checks.MAX_PRINTED}; book: the textbook's 0,200,...,2000) and the error "
        "curve with them marked; text 8 pt or more, the fit and the samples apart in greyscale, "
        "in the language of --lang",
        checks.parse_epochs,
    ),
    Option(
        ("--size",),
        "size",
        "WxH",
        f"the frames' size in pixels, each side from {checks.MIN_SIDE} to {checks.MAX_SIDE}, "
        "e.g. 1920x1080 for a slide: the text grows with the frame (18 pt titles on a 16:9 "
        "slide), and a wide frame puts the panels side by side (default: each layout's own: "
        "840x800, 640x480 with --simple, a grid's from its panels)",
        checks.parse_size,
    ),
    Option(
        ("--style",),
        "style",
        _choices("style"),
        "print: every neuron line and grid curve with its own dash pattern and marker as well "
        "as its own colour (colour-blind-safe), and no text naming a colour, for black and "
        "white (default: %s)",
    ),
    Option(
        ("--simple",),
        "simple",
        None,
        "the plain frame of the textbook: only the fit (without the neuron and error panels)",
    ),
    Option(
        ("--no-outputs",),
        "show_outputs",
        None,
        "do not draw the '+' marks: the outputs for each sample during the epoch",
    ),
]

#: The options of the command itself, not of a run's settings: (flags, metavar, help).
COMMAND_OPTIONS = [
    (("--open",), None, "open the folder's gallery (index.html) in the web browser after the run"),
    (
        ("--check",),
        None,
        "only check the gradients of the layer classes in regress_demo/network/layers.py (backward "
        "and update against finite differences) for every activation at depths 1 and 2, and print "
        "a table; exit code 1 if one is wrong (every run checks its own network before it trains)",
    ),
    (
        ("--replay",),
        "RUN.json",
        "run again with exactly the settings in this run record "
        "(with --out, --quiet, --profile, --open only)",
    ),
    (
        ("--out",),
        "PATH",
        "a .gif file (or .mp4, .webm: see --video), or a folder for a file named after the "
        "settings (default: outputs/, e.g. outputs/sin_nmid3_eta0.1_epoch2001_seed1.gif)",
    ),
    (
        ("-q", "--quiet"),
        None,
        "print only the line 'Saved PATH (N frames, final error E)' and, with --stop-at, whether "
        "it was reached: not the 'Epoch: i/N Error: e' lines, the progress line, what trains the "
        "run or a hint (notes, warnings and errors still go to standard error)",
    ),
    (
        ("--profile",),
        None,
        "at the end, print where the time went: training, drawing, encoding the GIF, writing the "
        "other files",
    ),
]
