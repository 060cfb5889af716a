"""What a run would cost: memory and time estimated from its settings together, before it starts.

Limits per setting are not enough (eight hidden layers of 1000 neurons, or a million epochs of 2000
samples, each pass them): a run whose estimate is over the budget is refused, saying which settings
to lower. The estimates are for a laptop, from timings of the engines, within a few times.
"""

from __future__ import annotations

import math

from .errors import SettingError
from .geometry import still_inches


class BudgetError(SettingError):
    """Settings that together would need too much memory or time: says which settings to lower."""

    def __init__(self, problem: str, lower):
        self.problem, self.lower = problem, list(lower)
        ValueError.__init__(self, self._message(lambda name: name))
        self.name, self.rule, self.value = self.lower[0], problem, None

    def _message(self, spell) -> str:
        names = [spell(name) if not name.startswith("the ") else name for name in self.lower]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        return f"this run {self.problem}: lower {listed}"

    def for_option(self) -> str:
        return self._message(lambda name: f"--{name.replace('_', '-')}")


#: Bytes a run keeps per pixel of a frame: the canvas, the blitted background, the frames of the
#: contact sheet, the palette's sample frames, and a second drawing process (measured: about 60).
PIXEL_BYTES = 80


#: Bytes a video encoder keeps per pixel of a frame: the frames it looks ahead at and refers back
#: to (measured at 1920x1080: about 100 for MP4's, 145 for WebM's; at 3840x3840, about 70 each).
VIDEO_PIXEL_BYTES = 100
#: Bytes a still (--still, --sheet print) keeps per pixel at its dpi: the canvas and the PNG's
#: rows (measured: about 4.5).
STILL_PIXEL_BYTES = 12
#: The size of a contact sheet for print, in inches: A4 (sheet.py).
PRINT_SHEET_INCHES = (8.27, 11.7)


def estimated_bytes(settings, n_train: int, frames: int, inches=None) -> int:
    """About how much memory a run keeps: a snapshot per frame and configuration (its weights and
    the in-epoch outputs), the error histories, with --size the pixels of its frames (the frames of
    the default sizes are a few MB), each video's encoder, and the largest still for print.
    `inches`: the frames' size in inches (from layouts.py); without it, neither videos nor stills
    are counted."""
    total = 0 if settings.size is None else PIXEL_BYTES * settings.size[0] * settings.size[1]
    if inches is not None:
        total += print_bytes(settings)
        pixels = (
            settings.size[0] * settings.size[1] if settings.size else inches[0] * inches[1] * 1e4
        )
        total += VIDEO_PIXEL_BYTES * len(settings.video) * int(pixels)  # (1e4: 100 dpi squared)
    for config in settings.configurations() if settings.is_grid else [settings]:
        n_mid, depth = config.n_mid, config.depth
        weights = 3 * n_mid + 1 + (depth - 1) * (n_mid * n_mid + n_mid)
        snapshot = 8 * (weights + n_train) + 400 + 250 * depth
        total += frames * snapshot + settings.epoch * 32 * (2 if settings.holdout else 1)
    return total


def print_bytes(settings) -> int:
    """The memory of the largest file for print at --dpi: a still (an A4 column), or the A4
    sheet."""
    sizes = [still_inches(settings)] if settings.still else []
    sizes += [PRINT_SHEET_INCHES] if settings.sheet == "print" else []
    dots = [width * height * settings.dpi**2 for width, height in sizes]
    return int(STILL_PIXEL_BYTES * max(dots, default=0))


def estimated_seconds(settings, n_train: int, loop=None) -> float:
    """About how long training takes on a laptop (from timings of both engines; within a few
    times); `loop` True or False: with lockstep.py's loops or the layer classes, whatever the
    settings' engine."""
    configs = settings.configurations() if settings.is_grid else [settings]
    if loop is None:  # as engines.trainer (which, for auto, also looks at this estimate)
        loop = settings.engine == "fast" or settings.engine == "auto" and settings.is_grid
    # lockstep.py: all at once
    if loop and all(c.depth == 1 and c.batch_size == 1 for c in configs):
        per_sample = (3e-6 if len(configs) == 1 else 10e-6) + 20e-9 * sum(c.n_mid for c in configs)
        return settings.epoch * n_train * per_sample
    seconds = 0.0
    for c in configs:  # the layer classes: one step per batch, through every layer
        weights = 3 * c.n_mid + (c.depth - 1) * c.n_mid * c.n_mid
        step = (
            (c.depth + 1) * 20e-6
            + weights * 2e-9
            + c.batch_size * (weights * 0.1e-9 + c.n_mid * c.depth * 10e-9)
        )
        seconds += math.ceil(n_train / c.batch_size) * step
    return settings.epoch * seconds


def size(count: float) -> str:
    for unit, size in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count / 1024:.3g} kB"


def duration(seconds: float) -> str:
    for unit, size in (
        ("years", 365 * 86400),
        ("months", 30 * 86400),
        ("days", 86400),
        ("hours", 3600),
        ("minutes", 60),
    ):
        if seconds >= size:
            count = seconds / size
            return f"{count:.2g} {unit}" if count >= 1.5 else f"1 {unit[:-1]}"
    return f"{seconds:.0f} seconds"
