"""The error for a setting that breaks its rule, and how values are shown in its messages.

Messages name the setting, the rule and the value, as scikit-learn's do: ``eta must be > 0, got
-1``.
"""

from __future__ import annotations

import math
import re
import reprlib
import unicodedata

import numpy as np


class SettingError(ValueError):
    """A setting that breaks its rule: names the setting, the rule and the value. A rule that names
    another setting writes it as a field, "left out when {frames} is given": the Python API's
    message says frames, the command line's --frames."""

    def __init__(self, name: str, rule: str, value):
        self.name, self.rule, self.value = name, rule, value
        super().__init__(f"{name} must be {_named(rule, lambda other: other)}, got {show(value)}")

    def for_option(self) -> str:
        """The same message naming the command-line option, e.g. ``--n-mid must be >= 1, got 0``."""
        rule = _named(self.rule, _option)
        return f"{_option(self.name)} must be {rule}, got {show(self.value)}"


def _option(name: str) -> str:
    return f"--{name.replace('_', '-')}"


def _named(rule: str, spell) -> str:
    """The rule with each {setting} in it spelt by `spell` (rules without braces are left as they
    are)."""
    return re.sub(r"\{([a-z_]+)\}", lambda match: spell(match.group(1)), rule)


def show(value) -> str:
    """A value as the user would have typed it: ``-1`` rather than ``-1.0``, ``0.1``, ``1e-05``,
    ``0.10000001`` (never rounded), strings quoted; long or deeply nested values are shortened."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Exact):
        return repr(float(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        short = f"{value:g}"
        return short if float(short) == value else repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 1000 else value[:997] + "...")
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return (
            str(value)
            if value.bit_length() <= 64
            else f"{'-' if value < 0 else ''}(about 2**{value.bit_length()})"
        )
    return _SHORT.repr(value)


class Exact(float):
    """A float that a message shows as Python writes it, 100.0 (not 100): for a rule that wants an
    integer, where 100 would read as one."""


def not_integer(name: str, value) -> SettingError:
    """The error for a value that is not an integer (a float shown as one: 100.0)."""
    if isinstance(value, np.generic):
        value = value.item()
    return SettingError(name, "an integer", Exact(value) if type(value) is float else value)


def _short_repr():
    short = reprlib.Repr()
    short.maxlevel, short.maxlist, short.maxtuple, short.maxdict = 3, 30, 30, 4
    short.maxstring, short.maxother, short.maxlong = 40, 40, 40
    return short


_SHORT = _short_repr()


class MissingPackage(SettingError):
    """A setting that needs a package that is not installed: says how to install it."""

    def __init__(self, name: str, install: str, package: str):
        self.install, self.package = install, package
        ValueError.__init__(self, f"{name} needs {package}: {install}")
        self.name, self.rule, self.value = name, f"possible without {package}", None

    def for_option(self) -> str:
        return f"--{self.name.replace('_', '-')} needs {self.package}: {self.install}"


def printable(text: str) -> str:
    """A text from outside (a path, a file's or a column's name) safe to print or draw: its control
    and format characters (a terminal's escape sequences, a line break, a right-to-left override)
    written as escapes, ``\\x1b``, ``\\n``, ``\\u202e``; every other character, Japanese
    included, as it is."""
    return "".join(
        char if unicodedata.category(char) not in ("Cc", "Cf") else repr(char)[1:-1]
        for char in text
    )
