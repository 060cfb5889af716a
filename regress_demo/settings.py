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
from typing import Optional

#: The number of frames the default frame interval aims for.
TARGET_FRAMES = 100
#: A GIF with more frames than this is too large to view comfortably.
MAX_FRAMES = 2500


class SettingError(ValueError):
    """A setting that breaks its rule: names the setting, the rule and the value."""

    def __init__(self, name: str, rule: str, value):
        self.name, self.rule, self.value = name, rule, value
        super().__init__(f"{name} must be {rule}, got {show(value)}")

    def for_option(self) -> str:
        """The same message naming the command-line option, e.g. ``--n-mid must be >= 1, got 0``."""
        return f"--{self.name.replace('_', '-')} must be {self.rule}, got {show(self.value)}"


def show(value) -> str:
    """A value as the user would have typed it: ``-1`` rather than ``-1.0``, strings quoted."""
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return repr(value)
    return str(value)


def default_interval(epoch: int) -> int:
    """The frame interval that gives about TARGET_FRAMES frames for this many epochs."""
    return max(1, math.ceil((epoch - 1) / TARGET_FRAMES))


@dataclass(frozen=True)
class Settings:
    """The settings of one run, checked when created."""

    n_mid: int = 3
    eta: float = 0.1
    epoch: int = 2001
    interval: Optional[int] = None
    wb_width: float = 0.01
    seed: int = 0
    fps: float = 10.0
    hold: float = 2.0

    def __post_init__(self):
        _integer("n_mid", self.n_mid, 1, 1000, "more neurons are slow and show nothing new")
        _real("eta", self.eta, 0, None, "")
        _integer("epoch", self.epoch, 1, 1_000_000, "longer runs take hours")
        if self.interval is not None:
            _integer("interval", self.interval, 1, None, "")
        _real("wb_width", self.wb_width, 0, None, "")
        _integer("seed", self.seed, 0, 2**32 - 1, "")
        _real("fps", self.fps, 0, 50, "GIF viewers cannot show frames shorter than 20 ms")
        _real("hold", self.hold, 0, 60, "", allow_low=True)
        frames = len(self.frame_epochs())
        if frames > MAX_FRAMES:
            low = math.ceil((self.epoch - 1) / (MAX_FRAMES - 1))
            raise SettingError(
                "interval",
                f">= {low} for {self.epoch} epochs (at most {MAX_FRAMES} frames)",
                self.interval,
            )

    @property
    def frame_interval(self) -> int:
        """The interval in use: the one given, or the default for this many epochs."""
        return default_interval(self.epoch) if self.interval is None else self.interval

    def frame_epochs(self) -> list[int]:
        """The epochs that become frames: every interval-th, always the first and the last."""
        epochs = list(range(0, self.epoch, self.frame_interval))
        if epochs[-1] != self.epoch - 1:
            epochs.append(self.epoch - 1)
        return epochs

    def frame_duration_ms(self) -> int:
        """How long each frame but the last is shown, in milliseconds."""
        return max(20, round(1000 / self.fps))

    def replace(self, **changes) -> "Settings":
        """A copy with some settings changed, checked again."""
        return dataclasses.replace(self, **changes)

    def file_stem(self) -> str:
        """A file name built from the settings, e.g. ``sin_nmid3_eta0.1_epoch2001_seed0``."""
        stem = f"sin_nmid{self.n_mid}_eta{self.eta:g}_epoch{self.epoch}_seed{self.seed}"
        if self.interval is not None:
            stem += f"_interval{self.interval}"
        if self.wb_width != Settings.wb_width:
            stem += f"_wb{self.wb_width:g}"
        return stem


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
    return path
