"""Your own data: an (x, y) series from a CSV file or from two arrays, checked, and the scaling that
lets the textbook's network learn it.

The network learns on u = (x - a) / b, x rescaled to [-1, 1], and v = (y - mean) / sd, y
standardised, so that the textbook's wb_width and eta suit any units; what a run shows is turned
back (x = a + b u, y = mean + sd v; an error times sd**2). Reading a file is csvfile.py's; dates as
x are days since 1970-01-01 UTC (dates.py); what a replay reads back from a record, replayed.py's.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import unicodedata
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from ..network import samples as data
from .dates import date_text, day_number, days_since_1970, end_day_number
from .errors import SettingError, show
from .rules import range_text

#: A series with more points than this is refused: every epoch trains on each point, one at a time.
MAX_POINTS = 100_000
#: The fewest points worth fitting.
MIN_POINTS = 4
#: The seed of the stream that draws a subsample (--n-points), combined with the run's seed.
SUBSAMPLE_STREAM = 4
#: A run record's JSON holds the numbers of a series of at most this many points; a longer series'
#: numbers are kept in the weights file (NPZ) beside it, as data_x and data_y (always there too).
JSON_POINTS = 2000
#: The largest |value| and the least standard deviation of y accepted: y is divided by its sd, and
#: errors are shown times sd**2 (which must stay a float).
LARGEST, SMALLEST_SD = 1e100, 1e-100
#: The separators a file may use: comma, semicolon, tab, or spaces.
SEPARATORS = ",;\t "


class DataError(SettingError):
    """Data that cannot be fitted: one line naming the file (or the arrays), the line and the
    problem."""

    def __init__(self, source: str, problem: str, line: Optional[int] = None):
        # (a name with a line break stays one line)
        source = source if source and source.isprintable() else repr(source)
        self.source, self.problem, self.line = source, problem, line
        where = f"{source}, line {line}" if line is not None else source
        ValueError.__init__(self, f"data {where}: {problem}")
        self.name, self.rule, self.value = "data", problem, source

    def for_option(self) -> str:
        return "--" + str(self)


@dataclass(frozen=True)
class Scale:
    """x = a + b u and y = mean + sd v: the data's units from the network's (u in [-1, 1], v
    standardised); with log_x (--log-x), log10 x = a + b u; with log_y, log10 y = mean + sd v."""

    a: float = 0.0
    b: float = 1.0
    mean: float = 0.0
    sd: float = 1.0
    log_x: bool = False
    log_y: bool = False

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray, log_x=False, log_y=False) -> "Scale":
        x, y = (np.log10(x) if log_x else x), (np.log10(y) if log_y else y)
        low, high = float(x.min()), float(x.max())
        return cls(
            (low + high) / 2, (high - low) / 2, float(y.mean()), float(y.std()), log_x, log_y
        )

    def u(self, x):
        """x rescaled to the network's input: (x - a) / b, of log10 x with log_x."""
        x = np.asarray(x, dtype=float)
        return ((np.log10(x) if self.log_x else x) - self.a) / self.b

    def x(self, u):
        x = self.a + self.b * np.asarray(u, dtype=float)
        return 10**x if self.log_x else x

    def v(self, y):
        """y standardised: (y - mean) / sd, of log10 y with log_y."""
        y = np.asarray(y, dtype=float)
        return ((np.log10(y) if self.log_y else y) - self.mean) / self.sd

    def y(self, v):
        y = self.trained_y(v)
        return 10**y if self.log_y else y

    def trained_y(self, v):
        """mean + sd v: y, or log10 y with log_y (what the neuron panel's lines sum to)."""
        return self.mean + self.sd * np.asarray(v, dtype=float)

    @property
    def variance(self) -> float:
        return self.sd**2

    def describe(self, say) -> str:
        """The scaling, for a frame's header."""
        x, y = ("log10 x" if self.log_x else "x"), ("log10 y" if self.log_y else "y")
        return say("data_scaling", x=x, y=y, mean=_num(self.mean), sd=_num(self.sd))


def _num(value: float) -> str:
    return f"{value:.4g}"


class OwnData:
    """A series (x, y) as read: its name, the SHA-256 of its file, the axes' labels and the numbers.
    Compared by value; shown short: ``<year-value.csv: 101 points>``."""

    __slots__ = (
        "name",
        "path",
        "sha256",
        "x",
        "y",
        "x_label",
        "y_label",
        "digest",
        "x_written",
        "encoding",
    )

    def __init__(
        self,
        x,
        y,
        name: str = "",
        path: Optional[str] = None,
        sha256: Optional[str] = None,
        x_label: str = "x",
        y_label: str = "y",
        x_written=None,
        encoding: str = "utf-8",
    ):
        x, y = np.array(x, dtype=float), np.array(y, dtype=float)
        x.flags.writeable = y.flags.writeable = False
        # dates as x: the cells as written (x holds them as days since 1970-01-01 UTC)
        x_written = None if x_written is None else tuple(str(cell) for cell in x_written)
        digest = hashlib.sha256(x.tobytes() + b"|" + y.tobytes()).hexdigest()
        for key, value in dict(
            name=name,
            path=path,
            sha256=sha256 or digest,
            x=x,
            y=y,
            x_label=x_label,
            y_label=y_label,
            digest=digest,
            x_written=x_written,
            encoding=encoding,
        ).items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key, value):
        raise AttributeError("OwnData is read-only")

    def __eq__(self, other):
        if not isinstance(other, OwnData):
            return NotImplemented
        return (self.digest, self.name, self.x_label, self.y_label, self.x_written) == (
            other.digest,
            other.name,
            other.x_label,
            other.y_label,
            other.x_written,
        )

    def __hash__(self):
        return hash((self.digest, self.name))

    def __len__(self):
        return len(self.x)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self  # (read-only: a copy would be the same)

    def __reduce__(self):
        return OwnData, (
            self.x,
            self.y,
            self.name,
            self.path,
            self.sha256,
            self.x_label,
            self.y_label,
            self.x_written,
            self.encoding,
        )

    @property
    def x_dates(self) -> bool:
        """True if x are dates (days since 1970-01-01 UTC, as matplotlib's date axes count)."""
        return self.x_written is not None

    def __repr__(self):
        return f"<{self.name + ': ' if self.name else ''}{len(self)} points>"

    def stem(self) -> str:
        """For a file name: ``data-<the file's name>-<a short digest of the numbers>``, e.g.
        ``data-daylight-3f2a9c`` (see file_name_part), or ``data-<the digest>`` for arrays: the
        same numbers the same name, other numbers (another file, other columns) another."""
        part = file_name_part(self.name)
        return f"data-{part}-{self.digest[:6]}" if part else f"data-{self.digest[:8]}"

    def as_record(self) -> dict:
        """The data as plain JSON-ready values, for the run record: a replay needs no file. The
        numbers of a series longer than JSON_POINTS are left to the weights file (see
        numbers_from_npz)."""
        record = {
            "name": self.name,
            "encoding": self.encoding,
            "path": self.path,
            "sha256": self.sha256,
            "x_label": self.x_label,
            "y_label": self.y_label,
            "points": len(self),
            "digest": self.digest,
        }
        if len(self) <= JSON_POINTS:
            record.update(x=self.x.tolist(), y=self.y.tolist())
        if self.x_dates:  # x as written, and what it was turned into (x: days since 1970)
            record.update(x_dates="days since 1970-01-01 UTC", x_written=list(self.x_written))
        return record


#: The most of a data file's name that goes into the run's file names: characters, and bytes.
NAME_CHARACTERS, NAME_BYTES = 40, 80


def file_name_part(name: str) -> str:
    """A data file's name without its extension, as it goes into the run's file names: its letters,
    digits and marks in any script (東京の気温2023 stays so), "_" and "-"; each run of anything
    else (separators, spaces, dots, control characters) one "-", none at either end; at most
    NAME_CHARACTERS characters and NAME_BYTES bytes in UTF-8. Composed (NFC) first, so that a
    name written by macOS (が as か and its mark) gives the same."""
    base = unicodedata.normalize("NFC", os.path.splitext(name)[0])
    parts = ["".join(run) if kept else "-" for kept, run in itertools.groupby(base, _kept)]
    part = "".join(parts).strip("-")[:NAME_CHARACTERS]
    while len(part.encode("utf-8")) > NAME_BYTES:
        part = part[:-1]
    return part


def _kept(character: str) -> bool:
    """Whether a character of a data file's name goes into a file name as it is."""
    return character in "_-" or unicodedata.category(character)[0] in "LNM"


# Checking


def check_points(source: str, x: np.ndarray, y: np.ndarray):
    """What every series must be: enough points, not too many, finite, x and y each not all
    equal."""
    if len(x) < MIN_POINTS:
        raise DataError(
            source, f"has {len(x)} point{'s' * (len(x) != 1)}: at least {MIN_POINTS} are needed"
        )
    if len(x) > MAX_POINTS:
        raise DataError(
            source,
            f"has {len(x)} points: at most {MAX_POINTS:,} (each epoch trains on every "
            "point, one at a time: take a sample with --n-points)",
        )
    for name, values in (("x", x), ("y", y)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                source,
                f"{name} is {values[bad[0]]} at point {bad[0] + 1}: every value must be finite",
            )
        bad = np.flatnonzero(np.abs(values) > LARGEST)
        if bad.size:
            raise DataError(
                source,
                f"{name} is {show(float(values[bad[0]]))} at point {bad[0] + 1}: every value "
                f"must be between -{LARGEST:g} and {LARGEST:g}",
            )
    if x.min() == x.max():
        raise DataError(source, f"every x is {show(float(x[0]))}: x must vary (nothing to rescale)")
    if y.min() == y.max():
        raise DataError(source, f"every y is {show(float(y[0]))}: nothing to fit (a flat line)")
    if not y.std() >= SMALLEST_SD:  # (v = (y - mean) / sd)
        raise DataError(
            source,
            f"y varies too little to scale (standard deviation {y.std():.3g}; "
            f"at least {SMALLEST_SD:g})",
        )


def as_own_data(value) -> OwnData:
    """The data setting as OwnData: OwnData itself, (x, y) array-likes, or a record's dict (a
    file's name is read by csvfile.read_file first)."""
    if isinstance(value, OwnData):
        return value
    if isinstance(value, dict):
        texts = [value.get(key) for key in ("name", "path", "sha256", "x_label", "y_label")]
        if not all(text is None or isinstance(text, str) and len(text) <= 4096 for text in texts):
            raise SettingError("data", "a record's data: names as short texts", "a damaged record")
        try:
            result = OwnData(
                value["x"],
                value["y"],
                str(value.get("name") or ""),
                value.get("path"),
                value.get("sha256"),
                str(value.get("x_label", "x")),
                str(value.get("y_label", "y")),
                _written(value),
            )
        except (KeyError, TypeError, ValueError):
            raise SettingError(
                "data", "a record's data: name, x and y", "a damaged record"
            ) from None
        if (
            result.x.shape != result.y.shape
            or result.x.ndim != 1
            or (result.x_dates and len(result.x_written) != len(result.x))
        ):
            raise SettingError("data", "a record's data: x and y of one length", "a damaged record")
        if value.get("digest") is not None and value.get("digest") != result.digest:
            raise SettingError(
                "data", "a record's data: the numbers it was recorded with", "an edited record"
            )
        check_points(result.name or "of the record", result.x, result.y)
        return result
    try:
        x, y = value
        written = None
        if np.issubdtype(np.asarray(x).dtype, np.datetime64):  # dates: days since 1970
            written, x = np.datetime_as_string(np.asarray(x)).tolist(), days_since_1970(x)
        # (float() drops imaginary parts, masks)
        if any(np.iscomplexobj(v) or np.ma.is_masked(v) for v in (x, y)):
            raise TypeError("complex")
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    except (TypeError, ValueError, OverflowError):  # (10**400 is too large for a float)
        raise SettingError(
            "data", "a CSV file's name or two array-likes (x, y) of numbers", _short(value)
        ) from None
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise SettingError(
            "data", "two flat array-likes (x, y) of one length", f"shapes {x.shape} and {y.shape}"
        )
    check_points("(x, y)", x, y)
    return OwnData(x, y, x_written=written)


def _written(record: dict):
    """A record's dates as written (None if its x are numbers); ValueError if they are damaged."""
    written = record.get("x_written")
    if written is None:
        return None
    if not isinstance(written, list) or not all(
        isinstance(cell, str) and len(cell) <= 64 for cell in written
    ):
        raise ValueError("x_written")
    return written


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def chosen_points(settings):
    """The points a run uses, in the data's units: all of them, or --n-points of them drawn at
    random (seeded by --seed; kept in the file's order)."""
    own = settings.data
    if settings.n_points == data.TEXTBOOK_POINTS or settings.n_points >= len(own):
        return own.x, own.y
    rng = np.random.default_rng([settings.seed, SUBSAMPLE_STREAM])
    keep = np.sort(rng.choice(len(own), settings.n_points, replace=False))
    return own.x[keep], own.y[keep]


@functools.lru_cache(maxsize=16)  # (asked for at every epoch's report: a subsample is drawn once)
def scale_of(settings) -> Scale:
    """The scaling of a run: from its points, or the identity for a built-in target."""
    if getattr(settings, "data", None) is None:
        return Scale()
    return Scale.of(*chosen_points(settings), settings.log_x, settings.log_y)


def x_text(own: OwnData, x: float) -> str:
    """An x of the data as a message shows it: a date for dates, else the number."""
    return date_text(x) if own.x_dates else show(float(x))


def holdout_in_x(own: OwnData, ends) -> Tuple[float, float]:
    """--holdout's two ends as numbers in x's units (days since 1970 for dates), if they are in
    x's own form: ISO 8601 dates when x are dates (from the start of the lower end's day or month
    to the end of the upper end's), numbers when they are numbers; else SettingError, one line
    that says which."""
    dates = [isinstance(end, str) for end in ends]
    if dates == [own.x_dates] * 2:
        try:
            if own.x_dates:
                return day_number(ends[0]), end_day_number(ends[1])
            return float(ends[0]), float(ends[1])
        except ValueError:  # (2024-02-30 has the form of a date)
            raise SettingError(
                "holdout", "two dates that exist on the calendar", range_text(ends)
            ) from None
    spread = f"from {x_text(own, own.x.min())} to {x_text(own, own.x.max())}"
    form = "two dates a:b, as x are dates" if own.x_dates else "two numbers a,b, as x are numbers"
    raise SettingError("holdout", f"{form} ({spread})", range_text(ends))


def heldout_range(settings) -> Optional[Tuple[float, float]]:
    """The held-out range of a run on its own data in x's units (days since 1970 for dates), or
    None."""
    return None if settings.holdout is None else holdout_in_x(settings.data, settings.holdout)


def make_dataset(settings) -> data.Dataset:
    """The samples of a run on its own data, in the network's units: u in [-1, 1], v standardised;
    noise (of --noise, in y's units) added before the scaling, the held-out range (in x's units)
    kept out."""
    x, y = chosen_points(settings)
    scale = Scale.of(x, y, settings.log_x, settings.log_y)
    if settings.noise > 0:
        y = y + settings.noise * np.random.default_rng(
            [settings.seed, data.NOISE_STREAM]
        ).standard_normal(len(y))
    held = heldout_range(settings)
    holdout = None if held is None else tuple(float(end) for end in scale.u(held))
    return data.Dataset(scale.u(x), scale.v(y), ~data.held_out(x, held), None, holdout)
