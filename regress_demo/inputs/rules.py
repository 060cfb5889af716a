"""The kinds of rule a setting keeps (an integer in a range, a number, one of a few names, a switch,
or left out), and how the command line's texts of ranges, epochs and sizes are read; checks.py
holds which setting keeps which rule."""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple, Optional, Tuple

from .errors import SettingError, not_integer


class Integer(NamedTuple):
    """A whole number from low to high (no bound above for None); why: what a larger one costs."""

    low: int
    high: Optional[int] = None
    why: str = ""

    def check(self, name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise not_integer(name, value)
        if value < self.low:
            raise SettingError(name, f">= {self.low}", value)
        if self.high is not None and value > self.high:
            raise SettingError(
                name, f"<= {self.high}" + (f" ({self.why})" if self.why else ""), value
            )


class Real(NamedTuple):
    """A finite number above low (or at it, for closed), at most high, below `below`."""

    low: float
    high: Optional[float] = None
    why: str = ""
    closed: bool = False
    below: Optional[float] = None

    def check(self, name, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise SettingError(name, "a number", value)
        if not math.isfinite(value):
            raise SettingError(name, "a finite number", value)
        if value < self.low or (value == self.low and not self.closed):
            raise SettingError(name, f"{'>=' if self.closed else '>'} {self.low:g}", value)
        if self.high is not None and value > self.high:
            raise SettingError(
                name, f"<= {self.high:g}" + (f" ({self.why})" if self.why else ""), value
            )
        if self.below is not None and value >= self.below:
            raise SettingError(name, f"< {self.below:g} ({self.why})", value)


class OneOf(NamedTuple):
    """One of a few names."""

    choices: Tuple[str, ...]

    def check(self, name, value):
        if not isinstance(value, str) or value not in self.choices:
            raise SettingError(name, f"one of {', '.join(self.choices)}", value)


class Switch(NamedTuple):
    """True or False."""

    def check(self, name, value):
        if not isinstance(value, bool):
            raise SettingError(name, "True or False", value)


class Maybe(NamedTuple):
    """None (the setting left out), or a value that keeps the rule."""

    rule: object

    def check(self, name, value):
        if value is not None:
            self.rule.check(name, value)


def parse_epochs(name: str, text: str) -> tuple:
    """Turn the text "0,500,last" of --still (or of Settings(still=...)) into (0, 500, "last"); what
    is neither an integer nor last stays text, for the check to refuse with the run's range of
    epochs."""
    items = []
    for item in text.split(","):
        item = item.strip()
        try:
            items.append(item if item == "last" else int(item))
        except ValueError:
            items.append(item)
    return tuple(items)


def parse_range(name: str, text: str) -> "tuple[float, float]":
    """Turn the text "a,b" of --holdout (or of Settings(holdout=...)) into two floats, or raise
    SettingError."""
    parts = text.split(",")
    if len(parts) != 2:
        raise SettingError(name, "two numbers a,b", text)
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise SettingError(name, "two numbers a,b", text) from None


def parse_size(name: str, text: str) -> "tuple[int, int]":
    """Turn the text "WxH" of --size (or of Settings(size=...)) into two ints, or raise
    SettingError."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(
        part.strip().isascii() and part.strip().isdigit() for part in parts
    ):
        raise SettingError(name, "WxH, two whole numbers of pixels, e.g. 1920x1080", text)
    return int(parts[0]), int(parts[1])
