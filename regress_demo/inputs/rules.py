"""The kinds of rule a setting keeps (an integer in a range, a number, one of a few names, a switch,
or left out), and how the command line's texts of ranges, epochs and sizes are read; checks.py
holds which setting keeps which rule."""

from __future__ import annotations

import math
import numbers
import re
from typing import NamedTuple, Optional, Tuple, Union

from .errors import SettingError, not_integer, show


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
    """A finite number above low (or at it, for closed), at most high, below `below`, and at
    least `least` (a positive number too small to be of use)."""

    low: float
    high: Optional[float] = None
    why: str = ""
    closed: bool = False
    below: Optional[float] = None
    least: Optional[float] = None

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
        if self.least is not None and value < self.least:
            raise SettingError(name, f"at least {self.least:g}", value)


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


#: An ISO 8601 date or time: 2019-01, 2019-01-31, 2019-01-31T12:00 (or a space for the T), seconds
#: and a zone (Z, +01:00) if written.
DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}(-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?"
)
#: A date as a Japanese spreadsheet writes it: 2023/01/31, 2023/1/31, 2023/01/31 12:00 (seconds if
#: written), or a month, 2023/01 or 2023/1; read as the ISO 8601 date it names (dates.iso_text).
SLASH_DATE = re.compile(
    r"([0-9]{4})/([0-9]{1,2})(/([0-9]{1,2})( ([0-9]{1,2}):([0-9]{2})(:[0-9]{2}(\.[0-9]+)?)?)?)?"
)


def is_date(text: str) -> bool:
    """True if a text has the form of a date that is read: ISO 8601, or 2023/01/31."""
    return bool(DATE.fullmatch(text) or SLASH_DATE.fullmatch(text))


def parse_range(name: str, text: str) -> "tuple[Union[float, str], Union[float, str]]":
    """Turn the text "a,b" or "a:b" of --holdout (or of Settings(holdout=...)) into its two ends:
    a number as a float, an ISO 8601 date as its text (2024-01-31:2024-03-01); or raise
    SettingError. The ends are split at the first comma or colon that leaves two of them, so that
    a time's own colons (12:00) stay in its date."""
    for k, char in enumerate(text):
        if char in ",:":
            ends = (range_end(text[:k]), range_end(text[k + 1 :]))
            if None not in ends:
                return ends
    raise SettingError(name, "two numbers a,b, or two dates a:b when x are dates", text)


def range_text(ends) -> str:
    """A range's two ends as a message shows them: 0.2,0.6 or 2024-01-01:2024-03-01."""
    texts = [end if isinstance(end, str) else show(end) for end in ends]
    return (":" if any(isinstance(end, str) for end in ends) else ",").join(texts)


def range_end(text: str) -> Union[float, str, None]:
    """One end of a range as typed: a float, a date's text (ISO 8601, or 2023/01/31), or None for
    neither."""
    text = text.strip()
    if is_date(text):
        return text
    try:
        return float(text)
    except ValueError:
        return None


def parse_size(name: str, text: str) -> "tuple[int, int]":
    """Turn the text "WxH" of --size (or of Settings(size=...)) into two ints, or raise
    SettingError."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 2 or not all(
        part.strip().isascii() and part.strip().isdigit() for part in parts
    ):
        raise SettingError(name, "WxH, two whole numbers of pixels, e.g. 1920x1080", text)
    return int(parts[0]), int(parts[1])
