"""Every setting of a run, its default, its help text and its checks, in one place.

The command line and the Python API both build a :class:`Settings`; a value that breaks a rule
raises :class:`SettingError` (a ``ValueError``) whose message names the setting, the rule and the value,
e.g. ``eta must be > 0, got -1``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import hashlib
import math
import numbers
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

import numpy as np

from . import data, targets
from .budget import BudgetError, duration, estimated_bytes, estimated_seconds, size
from .errors import MissingPackage, SettingError, show  # noqa: F401 - part of this module's interface
from .layers import MIDDLE_LAYERS

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
#: The formats of the video that may go beside the GIF (video.py).
VIDEOS = ("mp4", "webm")
#: What trains the network. "auto": the classes of layers.py for a single run (train.py); for a grid,
#: the vectorised loop of lockstep.py, or its plain-float loop network by network where that is faster
#: (engines.faster_one_by_one), checked against the classes before it trains. "fast": the
#: loops of lockstep.py for a single run too, checked the same way. "layers": the classes everywhere.
ENGINES = ("auto", "fast", "layers")


def _plain(name: str, value, listable: bool):
    """A setting's value as plain Python: NumPy scalars become int, float, bool or str, arrays and
    lists become tuples of them (where the setting takes several values). Nested lists are refused."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str) and type(value) is not str:
        return str(value)
    if not listable:
        return value.tolist() if isinstance(value, np.ndarray) else value
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise SettingError(name, "a value or a flat list of values", value.tolist())
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = []
        for item in value:
            if isinstance(item, np.generic):
                item = item.item()
            if isinstance(item, (list, tuple, dict, set, frozenset, np.ndarray)):
                raise SettingError(name, "a value or a flat list of values", value)
            items.append(item)
        return tuple(items)
    return value


def default_interval(epoch: int) -> int:
    """The frame interval that gives about TARGET_FRAMES frames for this many epochs."""
    return max(1, math.ceil((epoch - 1) / TARGET_FRAMES))


@dataclass(frozen=True)
class Settings:
    """The settings of one run, checked when created.

    Up to two of the GRID_AXES (n_mid, activation, depth, eta, l2, momentum, batch_size) may each be a
    list of values: the run is then a comparison grid with one configuration per pair of values,
    e.g. rows = eta, columns = n_mid.
    """

    n_mid: Union[int, Tuple[int, ...]] = 3
    eta: Union[float, Tuple[float, ...]] = 0.1
    epoch: int = 2001
    interval: Optional[int] = None
    wb_width: float = 0.01
    seed: int = 1
    fps: float = 10.0
    hold: float = 2.0
    schedule: str = "linear"
    frames: Optional[int] = None
    simple: bool = False
    show_outputs: bool = True
    engine: str = "auto"
    target: str = "sin"
    n_points: int = data.TEXTBOOK_POINTS
    noise: float = 0.0
    holdout: Optional[Tuple[float, float]] = None
    activation: Union[str, Tuple[str, ...]] = "sigmoid"
    depth: Union[int, Tuple[int, ...]] = 1
    l2: Union[float, Tuple[float, ...]] = 0.0
    batch_size: Union[int, Tuple[int, ...]] = 1
    momentum: Union[float, Tuple[float, ...]] = 0.0
    video: Tuple[str, ...] = ()  # the film as a video too: "mp4", "webm" (not part of the file name)

    def __post_init__(self):
        if isinstance(self.video, str):
            object.__setattr__(self, "video", (self.video,))
        for item in dataclasses.fields(self):
            value = _plain(item.name, getattr(self, item.name), item.name in GRID_AXES + ("holdout", "video"))
            object.__setattr__(self, item.name, value)
        for name in GRID_AXES:
            value = getattr(self, name)
            if isinstance(value, (list, tuple)):
                value = tuple(value)
                object.__setattr__(self, name, value[0] if len(value) == 1 else value)
        n_train = self._check_data()
        for n_mid in _values("n_mid", self.n_mid, MAX_VALUES):
            _integer("n_mid", n_mid, 1, 1000, "more neurons are slow and show nothing new")
        for eta in _values("eta", self.eta, MAX_VALUES):
            _real("eta", eta, 0, None, "")
        for activation in _values("activation", self.activation, MAX_VALUES):
            if activation not in ACTIVATIONS:
                raise SettingError("activation", f"one of {', '.join(ACTIVATIONS)}", activation)
        for depth in _values("depth", self.depth, MAX_VALUES):
            _integer("depth", depth, 1, 8, "deeper networks of this size only train slower here")
        for l2 in _values("l2", self.l2, MAX_VALUES):
            _real("l2", l2, 0, 1, "a larger penalty pulls every weight to 0", allow_low=True)
        for batch_size in _values("batch_size", self.batch_size, MAX_VALUES):
            _integer("batch_size", batch_size, 1, n_train, "the number of training samples")
        for momentum in _values("momentum", self.momentum, MAX_VALUES):
            _real("momentum", momentum, 0, None, "", allow_low=True)
            if momentum >= 1:
                raise SettingError("momentum", "< 1 (at 1 and above the steps never fade)", momentum)
        varying = [name for name in GRID_AXES if len(self.values(name)) > 1]
        if len(varying) > 2:
            raise SettingError(
                varying[2], f"a single value: a grid varies at most two settings (here {varying[0]} and {varying[1]})",
                list(self.values(varying[2])),
            )
        if len(varying) == 2:
            columns, rows = self.grid_axes()
            if len(self.values(columns)) * len(self.values(rows)) > MAX_PANELS:
                raise SettingError(
                    columns, f"few enough for at most {MAX_PANELS} panels ({rows} values x {columns} values)",
                    f"{len(self.values(rows))} x {len(self.values(columns))}",
                )
        _integer("epoch", self.epoch, 1, 1_000_000, "longer runs take hours")
        _real("wb_width", self.wb_width, 0, 100, "larger initial weights leave every neuron saturated")
        _integer("seed", self.seed, 0, 2**32 - 1, "")
        _real("fps", self.fps, 0.1, 50, "GIF viewers cannot show frames shorter than 20 ms", allow_low=True)
        _real("hold", self.hold, 0, 60, "", allow_low=True)
        if self.schedule not in SCHEDULES:
            raise SettingError("schedule", f"one of {', '.join(SCHEDULES)}", self.schedule)
        if self.engine not in ENGINES:
            raise SettingError("engine", f"one of {', '.join(ENGINES)}", self.engine)
        if self.frames is not None:
            if self.epoch < 2:
                raise SettingError("frames", "left out when {epoch} is 1 (one epoch, one frame)", self.frames)
            _integer("frames", self.frames, 2, min(self.epoch, MAX_FRAMES), "no more frames than epochs")
            if self.interval is not None:
                raise SettingError("interval", "left out when {frames} is given", self.interval)
        if self.interval is not None:
            _integer("interval", self.interval, 1, None, "")
            if self.schedule != "linear":
                raise SettingError("interval", "left out with {schedule} log (use {frames})", self.interval)
        for name in ("simple", "show_outputs"):
            if not isinstance(getattr(self, name), bool):
                raise SettingError(name, "True or False", getattr(self, name))
        self._check_video()
        frames = len(self.frame_epochs())
        if frames > MAX_FRAMES:
            low = math.ceil((self.epoch - 1) / (MAX_FRAMES - 1))
            raise SettingError(
                "interval", f">= {low} for {self.epoch} epochs (at most {MAX_FRAMES} frames)", self.interval
            )
        self._check_budget(n_train, frames)

    def _check_video(self):
        """The video formats: known ones, each once, and PyAV there to write them."""
        video = self.video if isinstance(self.video, tuple) else (self.video,)
        for kind in video:
            if kind not in VIDEOS:
                raise SettingError("video", f"one of {', '.join(VIDEOS)}", kind)
        if len(set(video)) != len(video):
            raise SettingError("video", "a list without repeats", list(video))
        if video and importlib.util.find_spec("av") is None:
            raise MissingPackage("video", "pip install -e '.[video]' (or pip install av)", "PyAV")
        object.__setattr__(self, "video", video)

    def _check_budget(self, n_train: int, frames: int):
        """Refuse a combination of settings that would need more memory or time than a laptop has."""
        memory = estimated_bytes(self, n_train, frames)
        if memory > MAX_BYTES:
            lower = ["frames"] + [name for name in ("n_mid", "depth") if max(self.values(name)) > 1]
            lower += ["the number of grid values"] if self.is_grid else []
            raise BudgetError(
                f"would keep about {size(memory)} in memory (at most {size(MAX_BYTES)})", lower
            )
        seconds = estimated_seconds(self, n_train)
        if seconds > MAX_SECONDS:
            lower = ["epoch"] + [name for name in ("n_points", "n_mid", "depth") if max(self.values(name)) > 1]
            lower += ["the number of grid values"] if self.is_grid else []
            raise BudgetError(
                f"would train for about {duration(seconds)} (at most about {duration(MAX_SECONDS)})", lower
            )

    def _check_data(self) -> int:
        """Check the settings of the samples; returns how many are left for training."""
        if not isinstance(self.target, str):
            raise SettingError("target", "a curve name or a formula in x", self.target)
        object.__setattr__(self, "target", self.target.strip())
        shown = self.target if len(self.target) <= 60 else self.target[:57] + "..."  # for messages
        try:
            curve = targets.target_function(self.target)
        except targets.FormulaError as error:
            names = ", ".join(targets.CURVES)
            raise SettingError("target", f"a curve name ({names}) or a formula in x; {error}", shown) from None
        _integer("n_points", self.n_points, 2, 2000, "more samples make every epoch slow")
        _real("noise", self.noise, 0, 10, "", allow_low=True)
        x = data.sample_inputs(self.n_points)
        for where in (x, CHECK_GRID):
            values = curve(where)
            if not np.isfinite(values).all():
                bad = float(where[np.flatnonzero(~np.isfinite(values))[0]])
                raise SettingError("target", f"finite for every x in [-1, 1] (not at x={bad:.4g})", shown)
            if (np.abs(values) > MAX_TARGET).any():
                k = int(np.argmax(np.abs(values)))
                raise SettingError(
                    "target", f"between -1e6 and 1e6 for every x in [-1, 1], to be learnt and drawn "
                    f"(it is {float(values[k]):.4g} at x={float(where[k]):.4g})", shown,
                )
        if self.holdout is None:
            return self.n_points
        holdout = self.holdout
        if isinstance(holdout, str) or not isinstance(holdout, (list, tuple)) or len(holdout) != 2:
            raise SettingError("holdout", "two numbers a,b: the range of x to keep out of training", holdout)
        for end in holdout:
            _real("holdout", end, -math.inf, None, "", allow_low=True)
        low, high = float(holdout[0]), float(holdout[1])
        object.__setattr__(self, "holdout", (low, high))
        if not -1 <= low < high <= 1:
            raise SettingError("holdout", "a range a,b with -1 <= a < b <= 1", f"{show(low)},{show(high)}")
        inside = int(data.held_out(x, self.holdout).sum())
        step = 2 / self.n_points
        if inside == 0:
            raise SettingError("holdout", f"wide enough to hold a sample (they are {step:.3g} apart)",
                               f"{show(low)},{show(high)}")
        if self.n_points - inside < 2:
            raise SettingError("holdout", "narrow enough to leave 2 samples for training", f"{show(low)},{show(high)}")
        return self.n_points - inside

    def __repr__(self) -> str:
        """Only the settings that differ from the defaults (the textbook's), e.g.
        ``Settings(n_mid=10, eta=0.5)``; ``Settings()`` for the textbook's run."""
        return f"Settings({', '.join(f'{name}={value!r}' for name, value in self.changed().items())})"

    def changed(self) -> dict:
        """The settings that differ from their defaults, in the order of the fields."""
        return {item.name: getattr(self, item.name) for item in dataclasses.fields(self)
                if getattr(self, item.name) != item.default}

    def values(self, name: str) -> tuple:
        """The values of a setting as a tuple: one, or the columns or rows of a grid."""
        value = getattr(self, name)
        return value if isinstance(value, tuple) else (value,)

    @property
    def n_mids(self) -> Tuple[int, ...]:
        """The n_mid values: one, or those of a grid."""
        return self.values("n_mid")

    @property
    def etas(self) -> Tuple[float, ...]:
        """The eta values: one, or those of a grid."""
        return self.values("eta")

    @property
    def is_grid(self) -> bool:
        return any(len(self.values(name)) > 1 for name in GRID_AXES)

    def grid_axes(self) -> Tuple[Optional[str], Optional[str]]:
        """(the setting whose values are the columns, the one whose values are the rows), None for
        no axis. A single varying setting of the network's shape (ACROSS) makes one row, one of
        training (DOWN) one column."""
        varying = [name for name in GRID_AXES if len(self.values(name)) > 1]
        if len(varying) == 2:
            return tuple(varying)
        if len(varying) == 1:
            return (varying[0], None) if varying[0] in ACROSS else (None, varying[0])
        return None, None

    def grid_shape(self) -> Tuple[int, int]:
        """(rows, columns) of the grid: (1, 1) for a single configuration."""
        columns, rows = self.grid_axes()
        return (len(self.values(rows)) if rows else 1, len(self.values(columns)) if columns else 1)

    def configurations(self) -> List["Settings"]:
        """One Settings per panel of the grid, row by row (or just this run)."""
        if not self.is_grid:
            return [self]
        columns, rows = self.grid_axes()
        column_values = self.values(columns) if columns else (None,)
        row_values = self.values(rows) if rows else (None,)
        return [
            self.replace(**{name: value for name, value in ((rows, row), (columns, column)) if name})
            for row in row_values for column in column_values
        ]

    def label(self, config: "Settings", separator: str = ", ") -> str:
        """What tells a configuration of this grid apart, e.g. ``n_mid=3, eta=0.1``: its values of
        the settings the grid varies, columns first (n_mid and eta for a single run)."""
        names = [name for name in self.grid_axes() if name] or ["n_mid", "eta"]
        return separator.join(f"{name}={show(getattr(config, name))}".replace("'", "") for name in names)

    def dataset(self) -> data.Dataset:
        """The samples of this run: its target curve, sample count, noise and held-out range."""
        curve = targets.target_function(self.target)
        return data.make_dataset(curve, self.n_points, self.noise, self.holdout, self.seed)

    @property
    def frame_interval(self) -> int:
        """The interval in use: the one given, or the default for this many epochs."""
        return default_interval(self.epoch) if self.interval is None else self.interval

    def frame_epochs(self) -> List[int]:
        """The epochs that become frames, in order; always the first and the last.

        linear: every interval-th epoch, or `frames` evenly spaced epochs;
        log: `frames` epochs (default about 100) evenly spaced in log(epoch + 1), so the fast early
        change gets as many frames as the slow end.
        """
        last = self.epoch - 1
        if self.schedule == "linear" and self.frames is None:
            epochs = list(range(0, self.epoch, self.frame_interval))
            return epochs if epochs[-1] == last else epochs + [last]
        count = min(self.epoch, self.frames or TARGET_FRAMES + 1)
        if self.schedule == "linear":
            ideal = np.linspace(0, last, count)
        else:
            ideal = np.geomspace(1, self.epoch, count) - 1
        return _distinct_epochs(np.rint(ideal).astype(int), last)

    def frame_duration_ms(self) -> int:
        """How long each frame but the last is shown, in milliseconds."""
        return max(20, round(1000 / self.fps))

    def replace(self, **changes) -> "Settings":
        """A copy with some settings changed, checked again."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """The settings as plain JSON-ready values (the GRID_AXES always as lists)."""
        values = dataclasses.asdict(self)
        for name in GRID_AXES:
            values[name] = list(self.values(name))
        if self.holdout is not None:
            values["holdout"] = list(self.holdout)
        return values

    def file_stem(self) -> str:
        """A file name built from the settings, e.g. ``sin_nmid3_eta0.1_epoch2001_seed1``;
        settings that differ from their defaults are added, e.g. ``_schedulelog``. A typed target
        formula is named by a short digest of its text, e.g. ``formula3f2a9c``."""
        if targets.is_named(self.target):
            stem = self.target
        else:
            stem = "formula" + hashlib.sha1(self.target.encode()).hexdigest()[:6]
        stem += f"_nmid{_joined(self.n_mids)}_eta{_joined(self.etas)}_epoch{self.epoch}_seed{self.seed}"
        for field in dataclasses.fields(self):
            if field.name in ("n_mid", "eta", "epoch", "seed", "target", "video"):
                continue
            value = getattr(self, field.name)
            if value == field.default:
                continue
            if field.name == "holdout":
                text = f"{show(value[0])}to{show(value[1])}"
            elif field.name in GRID_AXES:
                text = _joined(self.values(field.name))
            else:
                text = show(value) if isinstance(value, float) else str(value).lower()
            stem += f"_{field.name.replace('_', '')}{text}"
        return stem


def _joined(values) -> str:
    """Several values for a file name: ``0.05-0.5``."""
    return "-".join(show(value) if isinstance(value, float) else str(value) for value in values)


def _distinct_epochs(epochs, last: int) -> List[int]:
    """Make rounded epochs strictly increasing from 0 to `last`, keeping their count."""
    epochs = list(epochs)
    epochs[0] = 0
    for i in range(1, len(epochs)):
        epochs[i] = max(epochs[i], epochs[i - 1] + 1)
    epochs[-1] = last
    for i in range(len(epochs) - 2, -1, -1):
        epochs[i] = min(epochs[i], epochs[i + 1] - 1)
    return [int(epoch) for epoch in epochs]


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
        raise SettingError(name, "an integer", value)
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
