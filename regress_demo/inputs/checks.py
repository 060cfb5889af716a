"""Every rule a run's settings must keep, in one place, with messages that name the setting, the
rule and the value (``eta must be > 0, got -1``); Settings calls :func:`check` when it is created.

The choices and limits the rules use are here too; settings.py holds what each setting means.
"""

from __future__ import annotations

import datetime
import math
import numbers
import os

import numpy as np

from ..network import samples as data
from ..network.layers import MIDDLE_LAYERS
from . import targets
from .budget import BudgetError, duration, estimated_bytes, estimated_seconds, size
from .dates import normal_date
from .errors import SettingError, not_integer, show
from .extras import check_extras
from .geometry import estimated_inches
from .rules import (  # noqa: F401 - the parsers: also the command line's
    Integer,
    Maybe,
    OneOf,
    Real,
    Switch,
    is_date,
    parse_epochs,
    parse_range,
    parse_size,
    range_text,
)

#: The number of frames the default frame interval aims for.
TARGET_FRAMES = 100
#: A GIF with more frames than this is too large to view comfortably.
MAX_FRAMES = 2500
#: A comparison grid: at most this many values of a setting, and this many panels.
MAX_VALUES = 8
MAX_PANELS = 24
#: The settings that may take several values, making a comparison grid of at most two of them.
#: Those about the network's shape go across (columns), those about its training go down (rows);
#: two of the same kind: the first in this order goes across.
ACROSS = ("n_mid", "activation", "depth")
DOWN = ("eta", "l2", "momentum", "batch_size")
GRID_AXES = ACROSS + DOWN
#: The activations of the hidden layers: the names registered in layers.py (a live view of them, so
#: that a class registered later is one too).
ACTIVATIONS = MIDDLE_LAYERS.keys()
#: How the recorded epochs are spread over the run.
SCHEDULES = ("linear", "log")
#: A target must stay within +-MAX_TARGET on [-1, 1]: larger values cannot be learnt by SGD from
#: small weights (the error overflows) nor drawn (the axes overflow).
MAX_TARGET = 1e6  # (the messages say 1e6)
#: Where a target is checked to be finite and within bounds, besides the samples: a dense grid that
#: holds both ends and 0 (where 1/x and log(abs(x)) blow up).
CHECK_GRID = np.linspace(-1.0, 1.0, 4001)
#: The most memory a run may keep for its snapshots and error histories, and the longest training it
#: may start (estimated for a laptop from the settings; see estimated_bytes and estimated_seconds).
MAX_BYTES = 2 * 1024**3
MAX_SECONDS = 3600.0
#: The contact sheet: the film's frames reduced (PNG), or re-drawn for print (PNG and PDF;
#: sheet.py).
SHEETS = ("film", "print")
#: The stills' and the printed sheet's resolution: from screen to the finest a printer prints (a
#: larger PNG only grows: 600 dpi makes a 5000-pixel-wide still of a frame; the PDF is sharp at any
#: size).
DPI_RANGE, DEFAULT_DPI = (50, 600), 300
#: At most this many --still epochs (each is a PNG and a PDF, drawn at print resolution).
MAX_STILLS = 20
#: The textbook's epochs for a handout (--handout book): its figures of the fit at 0, 200, ... 2000.
BOOK_EPOCHS = tuple(range(0, 2001, 200))
#: At most this many fit panels on a handout's A4 page, or tiles on a printed sheet (4 rows of 3).
MAX_PRINTED = 12
#: How a frame is drawn: for a screen, or safe in black and white and for colour-blind readers.
STYLES = ("screen", "print")
#: The sides of a frame given by --size, in pixels: from a thumbnail to a 4K screen.
MIN_SIDE, MAX_SIDE = 320, 3840
#: The languages of the frames' texts (film/texts.py holds each one's words).
LANGUAGES = ("en", "ja")
#: The formats of the video that may go beside the GIF (video.py).
VIDEOS = ("mp4", "webm")
#: What trains the network. "auto": the classes of layers.py for a single run (train.py); for a
#: grid, the vectorised loop of lockstep.py, or its plain-float loop network by network where that
#: is faster (engines.faster_one_by_one), checked against the classes before it trains. "fast": the
#: loops of lockstep.py for a single run too, checked the same way. "layers": the classes
#: everywhere.
ENGINES = ("auto", "fast", "layers")


#: Each setting's rule of its own, one line each, checked in this order (the rules that join
#: several settings follow in check()). A setting of GRID_AXES is checked value by value.
CONSTRAINTS = {
    "n_mid": Integer(1, 1000, "more neurons are slow and show nothing new"),
    "eta": Real(0, least=1e-12),  # (a target of scale 1e6 trains at 1e-12; less is noise)
    "activation": OneOf(ACTIVATIONS),
    "depth": Integer(1, 8, "deeper networks of this size only train slower here"),
    "l2": Real(0, 1, "a larger penalty pulls every weight to 0", closed=True),
    "momentum": Real(0, None, "at 1 and above the steps never fade", closed=True, below=1),
    "epoch": Integer(1, 1_000_000, "longer runs take hours"),
    "wb_width": Real(0, 100, "larger initial weights leave every neuron saturated"),
    "seed": Integer(0, 2**32 - 1),
    "fps": Real(0.1, 50, "GIF viewers cannot show frames shorter than 20 ms", closed=True),
    "hold": Real(0, 60, closed=True),
    "schedule": OneOf(SCHEDULES),
    "engine": OneOf(ENGINES),
    "interval": Maybe(Integer(1)),
    "simple": Switch(),
    "log_x": Switch(),
    "log_y": Switch(),
    "show_outputs": Switch(),
    "stop_at": Maybe(Real(0)),
    "lang": OneOf(LANGUAGES),
    "sheet": OneOf(SHEETS),
    "style": OneOf(STYLES),
}


def check(settings) -> None:
    """Check every setting of a run (a Settings, already made plain); raise SettingError at the
    first broken rule."""
    n_train = _check_data(settings)
    for name, rule in CONSTRAINTS.items():
        value = getattr(settings, name)
        for one in _values(name, value, MAX_VALUES) if name in GRID_AXES else (value,):
            rule.check(name, one)
    for batch_size in _values("batch_size", settings.batch_size, MAX_VALUES):
        Integer(1, n_train, "the number of training samples").check("batch_size", batch_size)
    _check_grid(settings)
    _check_frames(settings)
    if settings.stop_at is not None:
        object.__setattr__(settings, "stop_at", float(settings.stop_at))
    _check_video(settings)
    check_extras(bool(settings.video), settings.lang)  # every missing package named in one line
    _check_print(settings)
    _check_size(settings)
    frames = len(settings.frame_epochs())
    if frames > MAX_FRAMES:
        low = math.ceil((settings.epoch - 1) / (MAX_FRAMES - 1))
        raise SettingError(
            "interval",
            f">= {low} for {settings.epoch} epochs (at most {MAX_FRAMES} frames)",
            settings.interval,
        )
    _check_budget(settings, n_train, frames)


def _check_grid(settings):
    """A grid varies at most two settings, into at most MAX_PANELS panels."""
    varying = [name for name in GRID_AXES if len(settings.values(name)) > 1]
    if len(varying) > 2:
        raise SettingError(
            varying[2],
            "a single value: a grid varies at most two settings "
            f"(here {varying[0]} and {varying[1]})",
            list(settings.values(varying[2])),
        )
    if len(varying) == 2:
        columns, rows = settings.grid_axes()
        if len(settings.values(columns)) * len(settings.values(rows)) > MAX_PANELS:
            raise SettingError(
                columns,
                f"few enough for at most {MAX_PANELS} panels ({rows} values x {columns} values)",
                f"{len(settings.values(rows))} x {len(settings.values(columns))}",
            )


def _check_frames(settings):
    """--frames (no more than the epochs) or --interval (not with log), not both."""
    if settings.frames is not None:
        if settings.epoch < 2:
            raise SettingError(
                "frames", "left out when {epoch} is 1 (one epoch, one frame)", settings.frames
            )
        most = min(settings.epoch, MAX_FRAMES)
        Integer(2, most, "no more frames than epochs").check("frames", settings.frames)
        if settings.interval is not None:
            raise SettingError("interval", "left out when {frames} is given", settings.interval)
    if settings.interval is not None and settings.schedule != "linear":
        raise SettingError(
            "interval", "left out with {schedule} log (use {frames})", settings.interval
        )


def _check_video(settings):
    """The video formats: known ones, each once (PyAV, which writes them: check_extras)."""
    video = settings.video if isinstance(settings.video, tuple) else (settings.video,)
    for kind in video:
        if kind not in VIDEOS:
            raise SettingError("video", f"one of {', '.join(VIDEOS)}", kind)
    if len(set(video)) != len(video):
        raise SettingError("video", "a list without repeats", list(video))
    object.__setattr__(settings, "video", video)


def _check_print(settings):
    """--still, --dpi and --sheet: epochs of the run (or last), each once; a sane resolution, given
    only for something it prints; a printed sheet for a single network."""
    last = settings.epoch - 1
    stills = settings.still if isinstance(settings.still, tuple) else (settings.still,)
    if isinstance(settings.still, str):  # "80,last", as on the command line
        stills = parse_epochs("still", settings.still)
    rule = f"epochs from 0 to {last} or last, separated by commas"
    if len(stills) > MAX_STILLS:
        raise SettingError(
            "still", f"at most {MAX_STILLS} epochs", ",".join(str(epoch) for epoch in stills)
        )
    for epoch in stills:
        if epoch != "last" and (
            isinstance(epoch, bool)
            or not isinstance(epoch, numbers.Integral)
            or not 0 <= epoch <= last
        ):
            raise SettingError("still", rule, epoch)
    if len(set(stills)) != len(stills):
        raise SettingError(
            "still", "a list without repeats", ",".join(str(epoch) for epoch in stills)
        )
    object.__setattr__(settings, "still", tuple(stills))
    for name in ("sheet_epochs", "handout"):
        object.__setattr__(settings, name, _printed_epochs(settings, name))
    if settings.sheet_epochs and settings.sheet != "print":
        raise SettingError(
            "sheet_epochs",
            "left out without {sheet} print (it chooses the printed sheet's tiles)",
            ",".join(str(epoch) for epoch in settings.sheet_epochs),
        )
    if settings.handout and settings.is_grid:
        raise SettingError(
            "handout",
            "left out for a comparison grid (a handout shows one network's fit)",
            ",".join(str(epoch) for epoch in settings.handout),
        )
    if settings.sheet == "print" and settings.is_grid:
        raise SettingError(
            "sheet",
            "film for a comparison grid (a printed sheet shows one network's fit)",
            settings.sheet,
        )
    if isinstance(settings.dpi, bool) or not isinstance(settings.dpi, numbers.Integral):
        raise not_integer("dpi", settings.dpi)
    if not DPI_RANGE[0] <= settings.dpi <= DPI_RANGE[1]:
        raise SettingError(
            "dpi",
            "from {} to {} (screen to print; the PDFs are sharp at any size)".format(*DPI_RANGE),
            settings.dpi,
        )
    if settings.dpi != DEFAULT_DPI and not stills and settings.sheet != "print":
        raise SettingError(
            "dpi",
            "left out without {still} or {sheet} print (it sets their resolution)",
            settings.dpi,
        )


def _printed_epochs(settings, name: str) -> tuple:
    """--handout and --sheet-epochs: from 1 to MAX_PRINTED epochs of the run, each once, in order;
    --handout book: the textbook's 0, 200, ..., 2000 (a run of 2001 epochs or more)."""
    value = getattr(settings, name)
    epochs = parse_epochs(name, value) if isinstance(value, str) else tuple(value)
    last = settings.epoch - 1
    if name == "handout" and epochs == ("book",):
        if last < BOOK_EPOCHS[-1]:
            raise SettingError(
                "handout", f"epochs from 0 to {last} (book needs {{epoch}} 2001 or more)", "book"
            )
        return BOOK_EPOCHS
    shown = ",".join(str(epoch) for epoch in epochs)
    rule = f"epochs from 0 to {last}, separated by commas"
    rule += " (or book: 0,200,...,2000)" if name == "handout" else ""
    for epoch in epochs:
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
            raise SettingError(name, rule, epoch)
        if not 0 <= epoch <= last:
            raise SettingError(name, rule, epoch)
    if len(epochs) > MAX_PRINTED:
        raise SettingError(name, f"at most {MAX_PRINTED} epochs (one A4 page)", shown)
    if len(set(epochs)) != len(epochs):
        raise SettingError(name, "a list without repeats", shown)
    return tuple(sorted(int(epoch) for epoch in epochs))


def _check_size(settings):
    """The size of the frames: two whole numbers within bounds (a layout's own size changes
    nothing: film/layouts.is_sized)."""
    size = settings.size
    if size is None:
        return
    if isinstance(size, str):  # "1920x1080", as on the command line
        size = parse_size("size", size)
    rule = f"WxH, two whole numbers of pixels from {MIN_SIDE} to {MAX_SIDE}, e.g. 1920x1080"
    if (
        isinstance(size, str)
        or not isinstance(size, (list, tuple))
        or len(size) != 2
        or any(isinstance(side, bool) or not isinstance(side, numbers.Integral) for side in size)
    ):
        raise SettingError("size", rule, size)
    width, height = int(size[0]), int(size[1])
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise SettingError("size", rule, f"{width}x{height}")
    object.__setattr__(settings, "size", (width, height))


def _check_budget(settings, n_train: int, frames: int):
    """Refuse a combination of settings that would need more memory or time than a laptop has."""
    memory = estimated_bytes(settings, n_train, frames, estimated_inches(settings))
    if memory > MAX_BYTES:
        lower = ["frames"] + [name for name in ("n_mid", "depth") if max(settings.values(name)) > 1]
        lower += ["the number of grid values"] if settings.is_grid else []
        lower += ["size"] if settings.size is not None else []
        lower += ["the number of videos"] if len(settings.video) > 1 else []
        lower += ["dpi"] if settings.still or settings.sheet == "print" else []
        raise BudgetError(
            f"would keep about {size(memory)} in memory (at most {size(MAX_BYTES)})", lower
        )
    seconds = estimated_seconds(settings, n_train)
    if seconds > MAX_SECONDS:
        lower = ["epoch"] + [
            name for name in ("n_points", "n_mid", "depth") if max(settings.values(name)) > 1
        ]
        lower += ["the number of grid values"] if settings.is_grid else []
        raise BudgetError(
            f"would train for about {duration(seconds)} (at most about {duration(MAX_SECONDS)})",
            lower,
        )


def _check_data(settings) -> int:
    """Check the settings of the samples; returns how many are left for training."""
    if settings.data is not None:  # your own data
        return _check_own_data(settings)
    for name in ("log_x", "log_y"):
        if getattr(settings, name) is True:
            raise SettingError(name, "given with {data} (a file's numbers over decades)", True)
    curve, shown = _target(settings)
    _integer("n_points", settings.n_points, 2, 2000, "more samples make every epoch slow")
    _real("noise", settings.noise, 0, 10, "", allow_low=True)
    x = data.sample_inputs(settings.n_points)
    for where in (x, CHECK_GRID):
        values = curve(where)
        if not np.isfinite(values).all():
            bad = float(where[np.flatnonzero(~np.isfinite(values))[0]])
            raise SettingError(
                "target", f"finite for every x in [-1, 1] (not at x={bad:.4g})", shown
            )
        if (np.abs(values) > MAX_TARGET).any():
            k = int(np.argmax(np.abs(values)))
            raise SettingError(
                "target",
                f"between -1e6 and 1e6 for every x in [-1, 1], to be learnt and drawn "
                f"(it is {float(values[k]):.4g} at x={float(where[k]):.4g})",
                shown,
            )
    if settings.holdout is None:
        return settings.n_points
    ends = _holdout(settings)
    if any(isinstance(end, str) for end in ends):  # (dates are for your own data's x)
        raise SettingError(
            "holdout", "two numbers a,b, as x are numbers (from -1 to 1)", range_text(ends)
        )
    low, high = ends
    if not -1 <= low < high <= 1:
        raise SettingError(
            "holdout", "a range a,b with -1 <= a < b <= 1", f"{show(low)},{show(high)}"
        )
    inside = int(data.held_out(x, settings.holdout).sum())
    step = 2 / settings.n_points
    if inside == 0:
        raise SettingError(
            "holdout",
            f"wide enough to hold a sample (they are {step:.3g} apart)",
            f"{show(low)},{show(high)}",
        )
    if settings.n_points - inside < 2:
        raise SettingError(
            "holdout", "narrow enough to leave 2 samples for training", f"{show(low)},{show(high)}"
        )
    return settings.n_points - inside


def _holdout(settings):
    """--holdout as its two ends, each a finite number or an ISO 8601 date's text (a date from
    Python as its text), set so on the settings."""
    holdout = (
        parse_range("holdout", settings.holdout)
        if isinstance(settings.holdout, str)
        else settings.holdout
    )
    if isinstance(holdout, str) or not isinstance(holdout, (list, tuple)) or len(holdout) != 2:
        raise SettingError(
            "holdout", "two numbers a,b: the range of x to keep out of training", holdout
        )
    ends = tuple(_range_end(end) for end in holdout)
    object.__setattr__(settings, "holdout", ends)
    return ends


def _range_end(end):
    """One end of --holdout: a finite float, or a date's ISO 8601 text (as typed, of a 2023/01/31,
    or of a datetime.date or datetime from Python)."""
    if isinstance(end, datetime.date):
        end = end.isoformat()
    if isinstance(end, str) and is_date(end.strip()):
        return normal_date(end)
    _real("holdout", end, -math.inf, None, "", allow_low=True)
    return float(end)


def _target(settings):
    """The target: a curve name or a formula in x; its function and its text for messages."""
    if not isinstance(settings.target, str):
        raise SettingError("target", "a curve name or a formula in x", settings.target)
    object.__setattr__(settings, "target", settings.target.strip())
    # for messages
    shown = settings.target if len(settings.target) <= 60 else settings.target[:57] + "..."
    try:
        curve = targets.target_function(settings.target)
    except targets.FormulaError as error:
        names = ", ".join(targets.CURVES)
        raise SettingError(
            "target", f"a curve name ({names}) or a formula in x; {error}", shown
        ) from None
    return curve, shown


def _check_own_data(settings) -> int:
    """The rules of a run on its own data; returns how many samples are left for training."""
    from .owndata import MIN_POINTS, as_own_data, check_points, chosen_points  # (for such a run)

    given = settings.data
    if isinstance(given, (str, os.PathLike)):  # a file's name: read it
        from .csvfile import read_file

        given = read_file(given)
    own = as_own_data(given)
    object.__setattr__(settings, "data", own)
    _check_logs(settings, own)
    if settings.target != "sin":
        raise SettingError(
            "data",
            "left out when {target} is given: the data are what the network learns",
            own.name or repr(own),
        )
    # (the time a run takes is checked by its budget)
    _integer("n_points", settings.n_points, 2, None, "")
    if settings.n_points != data.TEXTBOOK_POINTS:  # (the default, 63, takes every point)
        _integer(
            "n_points",
            settings.n_points,
            MIN_POINTS,
            len(own),
            f"the data have {len(own)} points: 63, the default, takes them all",
        )
    x, y = chosen_points(settings)
    if len(x) < len(own):  # (a sample of the points must be fit to scale too)
        check_points(f"{own.name or '(x, y)'} sampled by --n-points {settings.n_points}", x, y)
    # (as a curve's noise is at most 10: noise far beyond the data buries them)
    spread = 10 * float(y.std())
    _real(
        "noise", settings.noise, 0, spread, "10 times the standard deviation of y", allow_low=True
    )
    if settings.holdout is None:
        return len(x)
    return len(x) - _own_heldout(settings, own, x)


def _own_heldout(settings, own, x) -> int:
    """The rules of --holdout on your own data, in x's units; returns how many points it holds."""
    from .owndata import holdout_in_x, x_text  # (for such a run only)

    ends = _holdout(settings)
    low, high = holdout_in_x(own, ends)  # (dates for dates, numbers for numbers)
    shown = range_text(ends)
    if not low < high:
        raise SettingError("holdout", "a range a,b with a < b (in the data's x)", shown)
    spread = f"x runs from {x_text(own, x.min())} to {x_text(own, x.max())}"
    if settings.log_x and low <= 0:  # (in x's units, as every x > 0)
        raise SettingError(
            "holdout", f"a range of x > 0, as --log-x takes log10 x ({spread})", shown
        )
    inside = int(data.held_out(x, (low, high)).sum())
    if inside == 0:
        raise SettingError("holdout", f"a range that holds a point ({spread})", shown)
    if len(x) - inside < 2:
        raise SettingError("holdout", "narrow enough to leave 2 points for training", shown)
    return inside


def _check_logs(settings, own):
    """--log-x and --log-y: every value of their column > 0, and x not dates."""
    from .owndata import DataError

    for name, values, on in (("x", own.x, settings.log_x), ("y", own.y, settings.log_y)):
        bad = np.flatnonzero(values <= 0)
        if on and bad.size:
            raise DataError(
                own.name or "(x, y)",
                f"{name} is {show(float(values[bad[0]]))} at point {bad[0] + 1}: --log-{name} "
                f"needs every {name} > 0",
            )
    if settings.log_x and own.x_dates:
        raise DataError(own.name or "(x, y)", "x are dates: --log-x takes numbers")


# The samples


def _values(name, value, most):
    """The values of a setting that may be a list: a tuple, checked to be non-empty and short."""
    if not isinstance(value, tuple):
        return (value,)
    if not value:
        raise SettingError(name, "at least one value", list(value))
    if len(value) > most:
        raise SettingError(name, f"at most {most} values", list(value))
    if len(set(value)) != len(value):
        raise SettingError(name, "a list without repeats", list(value))
    return value


def _integer(name, value, low, high, why):
    Integer(low, high, why).check(name, value)


def _real(name, value, low, high, why, allow_low=False):
    Real(low, high, why, closed=allow_low).check(name, value)
