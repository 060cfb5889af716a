"""Every rule a run's settings must keep, in one place, with messages that name the setting, the rule
and the value (``eta must be > 0, got -1``); Settings calls :func:`check` when it is created.

The choices and limits the rules use are here too; settings.py holds what each setting means.
"""

from __future__ import annotations

import importlib.util
import math
import numbers

import numpy as np

from ..film import layouts
from ..film.fonts import check_font
from ..film.texts import LANGUAGES
from ..network import samples as data
from ..network.layers import MIDDLE_LAYERS
from . import targets
from .budget import BudgetError, duration, estimated_bytes, estimated_seconds, size
from .errors import MissingPackage, SettingError, not_integer, show

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
#: The activations of the hidden layers.
ACTIVATIONS = tuple(MIDDLE_LAYERS)
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
#: The contact sheet: the film's frames reduced (PNG), or re-drawn for print (PNG and PDF; sheet.py).
SHEETS = ("film", "print")
#: The stills' and the printed sheet's resolution: from screen to the finest a printer prints (a
#: larger PNG only grows: 600 dpi makes a 5000-pixel-wide still of a frame; the PDF is sharp at any size).
DPI_RANGE, DEFAULT_DPI = (50, 600), 300
#: At most this many --still epochs (each is a PNG and a PDF, drawn at print resolution).
MAX_STILLS = 20
#: How a frame is drawn: for a screen, or safe in black and white and for colour-blind readers.
STYLES = ("screen", "print")
#: The sides of a frame given by --size, in pixels (the bounds are layouts.MIN_SIDE and MAX_SIDE).
MIN_SIDE, MAX_SIDE = layouts.MIN_SIDE, layouts.MAX_SIDE
#: The formats of the video that may go beside the GIF (video.py).
VIDEOS = ("mp4", "webm")
#: What trains the network. "auto": the classes of layers.py for a single run (train.py); for a grid,
#: the vectorised loop of lockstep.py, or its plain-float loop network by network where that is faster
#: (engines.faster_one_by_one), checked against the classes before it trains. "fast": the
#: loops of lockstep.py for a single run too, checked the same way. "layers": the classes everywhere.
ENGINES = ("auto", "fast", "layers")


def check(settings) -> None:
    """Check every setting of a run (a Settings, already made plain); raise SettingError at the first
    broken rule."""
    n_train = _check_data(settings)
    for n_mid in _values("n_mid", settings.n_mid, MAX_VALUES):
        _integer("n_mid", n_mid, 1, 1000, "more neurons are slow and show nothing new")
    for eta in _values("eta", settings.eta, MAX_VALUES):
        _real("eta", eta, 0, None, "")
    for activation in _values("activation", settings.activation, MAX_VALUES):
        if activation not in ACTIVATIONS:
            raise SettingError("activation", f"one of {', '.join(ACTIVATIONS)}", activation)
    for depth in _values("depth", settings.depth, MAX_VALUES):
        _integer("depth", depth, 1, 8, "deeper networks of this size only train slower here")
    for l2 in _values("l2", settings.l2, MAX_VALUES):
        _real("l2", l2, 0, 1, "a larger penalty pulls every weight to 0", allow_low=True)
    for batch_size in _values("batch_size", settings.batch_size, MAX_VALUES):
        _integer("batch_size", batch_size, 1, n_train, "the number of training samples")
    for momentum in _values("momentum", settings.momentum, MAX_VALUES):
        _real("momentum", momentum, 0, None, "", allow_low=True)
        if momentum >= 1:
            raise SettingError("momentum", "< 1 (at 1 and above the steps never fade)", momentum)
    varying = [name for name in GRID_AXES if len(settings.values(name)) > 1]
    if len(varying) > 2:
        raise SettingError(
            varying[2],
            f"a single value: a grid varies at most two settings (here {varying[0]} and {varying[1]})",
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
    _integer("epoch", settings.epoch, 1, 1_000_000, "longer runs take hours")
    _real(
        "wb_width", settings.wb_width, 0, 100, "larger initial weights leave every neuron saturated"
    )
    _integer("seed", settings.seed, 0, 2**32 - 1, "")
    _real(
        "fps",
        settings.fps,
        0.1,
        50,
        "GIF viewers cannot show frames shorter than 20 ms",
        allow_low=True,
    )
    _real("hold", settings.hold, 0, 60, "", allow_low=True)
    if settings.schedule not in SCHEDULES:
        raise SettingError("schedule", f"one of {', '.join(SCHEDULES)}", settings.schedule)
    if settings.engine not in ENGINES:
        raise SettingError("engine", f"one of {', '.join(ENGINES)}", settings.engine)
    if settings.frames is not None:
        if settings.epoch < 2:
            raise SettingError(
                "frames", "left out when {epoch} is 1 (one epoch, one frame)", settings.frames
            )
        _integer(
            "frames",
            settings.frames,
            2,
            min(settings.epoch, MAX_FRAMES),
            "no more frames than epochs",
        )
        if settings.interval is not None:
            raise SettingError("interval", "left out when {frames} is given", settings.interval)
    if settings.interval is not None:
        _integer("interval", settings.interval, 1, None, "")
        if settings.schedule != "linear":
            raise SettingError(
                "interval", "left out with {schedule} log (use {frames})", settings.interval
            )
    for name in ("simple", "show_outputs"):
        if not isinstance(getattr(settings, name), bool):
            raise SettingError(name, "True or False", getattr(settings, name))
    _check_video(settings)
    _check_stop_at(settings)
    _check_lang(settings)
    _check_print(settings)
    _check_looks(settings)
    frames = len(settings.frame_epochs())
    if frames > MAX_FRAMES:
        low = math.ceil((settings.epoch - 1) / (MAX_FRAMES - 1))
        raise SettingError(
            "interval",
            f">= {low} for {settings.epoch} epochs (at most {MAX_FRAMES} frames)",
            settings.interval,
        )
    _check_budget(settings, n_train, frames)


def _check_video(settings):
    """The video formats: known ones, each once, and PyAV there to write them."""
    video = settings.video if isinstance(settings.video, tuple) else (settings.video,)
    for kind in video:
        if kind not in VIDEOS:
            raise SettingError("video", f"one of {', '.join(VIDEOS)}", kind)
    if len(set(video)) != len(video):
        raise SettingError("video", "a list without repeats", list(video))
    if video and importlib.util.find_spec("av") is None:
        raise MissingPackage("video", "pip install -e '.[video]' (or pip install av)", "PyAV")
    object.__setattr__(settings, "video", video)


def _check_stop_at(settings):
    """--stop-at: an error to stop at, a finite number > 0 (or None: train every epoch)."""
    if settings.stop_at is not None:
        _real("stop_at", settings.stop_at, 0, None, "")
        object.__setattr__(settings, "stop_at", float(settings.stop_at))


def _check_lang(settings):
    """The language of the texts: a known one, and its font there to draw it."""
    if not isinstance(settings.lang, str) or settings.lang not in LANGUAGES:
        raise SettingError("lang", f"one of {', '.join(LANGUAGES)}", settings.lang)
    check_font(settings.lang)


def _check_print(settings):
    """--still, --dpi and --sheet: epochs of the run (or last), each once; a sane resolution, given only
    for something it prints; a printed sheet for a single network."""
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
    if settings.sheet not in SHEETS:
        raise SettingError("sheet", f"one of {', '.join(SHEETS)}", settings.sheet)
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


def _check_looks(settings):
    """The style, and the size of the frames: two whole numbers within bounds; the size a layout has
    anyway counts as none (the same frames, the same file name)."""
    if settings.style not in STYLES:
        raise SettingError("style", f"one of {', '.join(STYLES)}", settings.style)
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
    sized = (width, height) != layouts.natural_size(settings)
    object.__setattr__(settings, "size", (width, height) if sized else None)


def parse_epochs(name: str, text: str) -> tuple:
    """Turn the text "0,500,last" of --still (or of Settings(still=...)) into (0, 500, "last"); what is neither
    an integer nor last stays text, for the check to refuse with the run's range of epochs."""
    items = []
    for item in text.split(","):
        item = item.strip()
        try:
            items.append(item if item == "last" else int(item))
        except ValueError:
            items.append(item)
    return tuple(items)


def parse_range(name: str, text: str) -> "tuple[float, float]":
    """Turn the text "a,b" of --holdout (or of Settings(holdout=...)) into two floats, or raise SettingError."""
    parts = text.split(",")
    if len(parts) != 2:
        raise SettingError(name, "two numbers a,b", text)
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise SettingError(name, "two numbers a,b", text) from None


def parse_size(name: str, text: str) -> "tuple[int, int]":
    """Turn the text "WxH" of --size (or of Settings(size=...)) into two ints, or raise SettingError."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(
        part.strip().isascii() and part.strip().isdigit() for part in parts
    ):
        raise SettingError(name, "WxH, two whole numbers of pixels, e.g. 1920x1080", text)
    return int(parts[0]), int(parts[1])


def _check_budget(settings, n_train: int, frames: int):
    """Refuse a combination of settings that would need more memory or time than a laptop has."""
    memory = estimated_bytes(settings, n_train, frames, layouts.frame_inches(settings))
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
    if settings.data is not None:  # your own data: their rules are owndata's
        from . import owndata

        return owndata.check(settings)
    if not isinstance(settings.target, str):
        raise SettingError("target", "a curve name or a formula in x", settings.target)
    object.__setattr__(settings, "target", settings.target.strip())
    shown = (
        settings.target if len(settings.target) <= 60 else settings.target[:57] + "..."
    )  # for messages
    try:
        curve = targets.target_function(settings.target)
    except targets.FormulaError as error:
        names = ", ".join(targets.CURVES)
        raise SettingError(
            "target", f"a curve name ({names}) or a formula in x; {error}", shown
        ) from None
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
    holdout = (
        parse_range("holdout", settings.holdout)
        if isinstance(settings.holdout, str)
        else settings.holdout
    )
    if isinstance(holdout, str) or not isinstance(holdout, (list, tuple)) or len(holdout) != 2:
        raise SettingError(
            "holdout", "two numbers a,b: the range of x to keep out of training", holdout
        )
    for end in holdout:
        _real("holdout", end, -math.inf, None, "", allow_low=True)
    low, high = float(holdout[0]), float(holdout[1])
    object.__setattr__(settings, "holdout", (low, high))
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
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise not_integer(name, value)
    if value < low:
        raise SettingError(name, f">= {low}", value)
    if high is not None and value > high:
        raise SettingError(name, f"<= {high}" + (f" ({why})" if why else ""), value)


def _real(name, value, low, high, why, allow_low=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise SettingError(name, "a number", value)
    if not math.isfinite(value):
        raise SettingError(name, "a finite number", value)
    if value < low or (value == low and not allow_low):
        raise SettingError(name, f"{'>=' if allow_low else '>'} {low:g}", value)
    if high is not None and value > high:
        raise SettingError(name, f"<= {high:g}" + (f" ({why})" if why else ""), value)
