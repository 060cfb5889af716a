"""Every setting of a run, its default, its help text and its checks, in one place.

The command line and the Python API both build a :class:`Settings`; a value that breaks a rule
raises :class:`SettingError` (a ``ValueError``) whose message names the setting, the rule and the value,
e.g. ``eta must be > 0, got -1``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple, Union

import numpy as np

#: The number of frames the default frame interval aims for.
TARGET_FRAMES = 100
#: A GIF with more frames than this is too large to view comfortably.
MAX_FRAMES = 2500
#: A comparison grid: at most this many values of n_mid or of eta, and this many panels.
MAX_VALUES = 8
MAX_PANELS = 24
#: How the recorded epochs are spread over the run.
SCHEDULES = ("linear", "log")
#: What trains the network: "fast" (lockstep.py, tuned for speed, checked against the layers by the
#: tests) or "layers" (train.py with the classes of layers.py, the textbook's code).
ENGINES = ("fast", "layers")


class SettingError(ValueError):
    """A setting that breaks its rule: names the setting, the rule and the value."""

    def __init__(self, name: str, rule: str, value):
        self.name, self.rule, self.value = name, rule, value
        super().__init__(f"{name} must be {rule}, got {show(value)}")

    def for_option(self) -> str:
        """The same message naming the command-line option, e.g. ``--n-mid must be >= 1, got 0``."""
        return f"--{self.name.replace('_', '-')} must be {self.rule}, got {show(self.value)}"


def show(value) -> str:
    """A value as the user would have typed it: ``-1`` rather than ``-1.0``, ``0.1``, ``1e-05``,
    ``0.10000001`` (never rounded), strings quoted."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def default_interval(epoch: int) -> int:
    """The frame interval that gives about TARGET_FRAMES frames for this many epochs."""
    return max(1, math.ceil((epoch - 1) / TARGET_FRAMES))


@dataclass(frozen=True)
class Settings:
    """The settings of one run, checked when created.

    `n_mid` and `eta` may each be a list of values: the run is then a comparison grid with one
    configuration per (eta, n_mid) pair, rows = eta, columns = n_mid.
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
    engine: str = "fast"

    def __post_init__(self):
        for name in ("n_mid", "eta"):
            value = getattr(self, name)
            if isinstance(value, (list, tuple)):
                value = tuple(value)
                object.__setattr__(self, name, value[0] if len(value) == 1 else value)
        n_mids = _values("n_mid", self.n_mid, MAX_VALUES)
        etas = _values("eta", self.eta, MAX_VALUES)
        for n_mid in n_mids:
            _integer("n_mid", n_mid, 1, 1000, "more neurons are slow and show nothing new")
        for eta in etas:
            _real("eta", eta, 0, None, "")
        if len(n_mids) * len(etas) > MAX_PANELS:
            raise SettingError(
                "n_mid", f"few enough for at most {MAX_PANELS} panels (eta values x n_mid values)",
                f"{len(etas)} x {len(n_mids)}",
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
        if self.engine != "fast" and len(n_mids) * len(etas) > 1:
            raise SettingError("engine", "fast for a comparison grid", self.engine)
        if self.frames is not None:
            if self.epoch < 2:
                raise SettingError("frames", "left out when epoch is 1 (one epoch, one frame)", self.frames)
            _integer("frames", self.frames, 2, min(self.epoch, MAX_FRAMES), "no more frames than epochs")
            if self.interval is not None:
                raise SettingError("interval", "left out when frames is given", self.interval)
        if self.interval is not None:
            _integer("interval", self.interval, 1, None, "")
            if self.schedule != "linear":
                raise SettingError("interval", "left out with schedule log (use frames)", self.interval)
        for name in ("simple", "show_outputs"):
            if not isinstance(getattr(self, name), bool):
                raise SettingError(name, "True or False", getattr(self, name))
        frames = len(self.frame_epochs())
        if frames > MAX_FRAMES:
            low = math.ceil((self.epoch - 1) / (MAX_FRAMES - 1))
            raise SettingError(
                "interval", f">= {low} for {self.epoch} epochs (at most {MAX_FRAMES} frames)", self.interval
            )

    @property
    def n_mids(self) -> Tuple[int, ...]:
        """The n_mid values: one, or the columns of a grid."""
        return self.n_mid if isinstance(self.n_mid, tuple) else (self.n_mid,)

    @property
    def etas(self) -> Tuple[float, ...]:
        """The eta values: one, or the rows of a grid."""
        return self.eta if isinstance(self.eta, tuple) else (self.eta,)

    @property
    def is_grid(self) -> bool:
        return len(self.n_mids) * len(self.etas) > 1

    def configurations(self) -> List["Settings"]:
        """One Settings per (eta, n_mid) pair, row by row: the panels of a grid, or just this run."""
        return [self.replace(n_mid=n_mid, eta=eta) for eta in self.etas for n_mid in self.n_mids]

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
        """The settings as plain JSON-ready values (n_mid and eta always as lists)."""
        values = dataclasses.asdict(self)
        values["n_mid"], values["eta"] = list(self.n_mids), list(self.etas)
        return values

    def file_stem(self) -> str:
        """A file name built from the settings, e.g. ``sin_nmid3_eta0.1_epoch2001_seed1``;
        settings that differ from their defaults are added, e.g. ``_schedulelog``."""
        n_mids = "-".join(str(n) for n in self.n_mids)
        etas = "-".join(show(eta) for eta in self.etas)
        stem = f"sin_nmid{n_mids}_eta{etas}_epoch{self.epoch}_seed{self.seed}"
        for field in dataclasses.fields(self):
            if field.name in ("n_mid", "eta", "epoch", "seed"):
                continue
            value = getattr(self, field.name)
            if value != field.default:
                text = show(value) if isinstance(value, float) else str(value).lower()
                stem += f"_{field.name.replace('_', '')}{text}"
        return stem


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


def parse_number(name: str, text: str, kind: type):
    """Turn the text of a command-line option into an int or a float, or raise SettingError."""
    try:
        return kind(text)
    except ValueError:
        raise SettingError(name, "an integer" if kind is int else "a number", text) from None


def output_path(out, settings: Settings) -> Path:
    """Where the GIF goes: `out` if it names a .gif file, else a file named after the settings
    inside the folder `out` (default ``outputs/``)."""
    name = settings.file_stem() + ".gif"
    text = "outputs/" if out is None else str(out)
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.is_dir() or path.suffix == "":
        path = path / name
    elif path.suffix.lower() != ".gif":
        raise SettingError("out", "a folder or a file name ending in .gif", text)
    if path.is_dir():
        raise SettingError("out", "a file, not an existing folder", str(path))
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise SettingError("out", f"in a folder, but {str(folder)!r} is a file", str(path))
    return path
