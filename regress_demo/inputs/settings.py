"""Every setting of a run and its default, and what follows from them: the frames' epochs, the
grid's configurations, the file name.

The command line and the Python API both build a :class:`Settings`; it is checked when created, by
the rules of checks.py: a value that breaks one raises :class:`SettingError` (a ``ValueError``)
whose message names the setting, the rule and the value, e.g. ``eta must be > 0, got -1``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

import numpy as np

from ..network import edits
from ..network import samples as data
from ..network.config import Config
from . import checks, targets
from .checks import (  # noqa: F401 - the choices and limits, part of this module's interface
    ACROSS,
    ACTIVATIONS,
    DEFAULT_DPI,
    DOWN,
    ENGINES,
    GRID_AXES,
    MAX_FRAMES,
    MAX_PANELS,
    MAX_VALUES,
    SCHEDULES,
    SHEETS,
    TARGET_FRAMES,
    VIDEOS,
)
from .errors import MissingPackage, SettingError, show  # noqa: F401 - part of this module's interface


def _plain(name: str, value, listable: bool):
    """A setting's value as plain Python: NumPy scalars become int, float, bool or str, arrays and
    lists become tuples of them (where the setting takes several values). Nested lists are
    refused."""
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


#: The settings a repr always shows: the textbook's key values (the others only when changed).
REPR_ALWAYS = ("n_mid", "eta", "epoch", "wb_width", "seed")

#: The settings for print, left out of the record when they are at their defaults.
PRINT_SETTINGS = ("still", "dpi", "sheet", "sheet_epochs", "handout")


@dataclass(frozen=True)
class Settings:
    """The settings of one run, checked when created.

    Up to two of the GRID_AXES (n_mid, activation, depth, eta, l2, momentum, batch_size) may each be
    a list of values: the run is then a comparison grid with one configuration per pair of values,
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
    # the held-out range of x: two numbers, or two ISO 8601 dates' texts when x are dates
    holdout: Optional[Tuple[Union[float, str], Union[float, str]]] = None
    activation: Union[str, Tuple[str, ...]] = "sigmoid"
    depth: Union[int, Tuple[int, ...]] = 1
    l2: Union[float, Tuple[float, ...]] = 0.0
    batch_size: Union[int, Tuple[int, ...]] = 1
    momentum: Union[float, Tuple[float, ...]] = 0.0
    video: Tuple[
        str, ...
    ] = ()  # the film as a video too: "mp4", "webm" (not part of the file name)
    stop_at: Optional[float] = (
        None  # stop training at the first epoch whose error is at or below this
    )
    lang: str = (
        "en"  # the language of the frames' texts and the gallery: "en", "ja" (texts.LANGUAGES)
    )
    data: Optional[object] = (
        None  # your own series: a CSV file's name or (x, y), held as an owndata.OwnData
    )
    log_x: bool = False  # your own data: train on log10 x, shown on a log axis (x > 0)
    log_y: bool = False  # your own data: train on log10 y, shown on a log axis (y > 0)
    # For print (stills.py, sheet.py; not part of the file name, in the record only when given):
    still: Tuple[
        Union[int, str], ...
    ] = ()  # epochs (or "last") drawn as PNG and PDF beside the GIF
    dpi: int = DEFAULT_DPI  # the resolution of the stills' and the printed sheet's PNG
    # the contact sheet: "film" (frames of the film, reduced) or "print" (re-drawn, PNG and PDF)
    sheet: str = "film"
    sheet_epochs: Tuple[
        int, ...
    ] = ()  # the printed sheet's tiles; () : chosen along the fit's path
    handout: Tuple[int, ...] = ()  # the epochs of the A4 handout, NAME-handout.pdf (() : none)
    size: Optional[Tuple[int, int]] = (
        None  # (width, height) of the frames in pixels; None: each layout's own
    )
    style: str = (
        "screen"  # "print": line styles and colours that survive greyscale and colour blindness
    )

    def __post_init__(self):
        if isinstance(self.video, str):
            object.__setattr__(self, "video", (self.video,))
        for item in dataclasses.fields(self):
            value = _plain(
                item.name,
                getattr(self, item.name),
                item.name
                in GRID_AXES + ("holdout", "video", "still", "size", "sheet_epochs", "handout"),
            )
            object.__setattr__(self, item.name, value)
        for name in GRID_AXES:
            value = getattr(self, name)
            if isinstance(value, (list, tuple)):
                value = tuple(value)
                object.__setattr__(self, name, value[0] if len(value) == 1 else value)
        checks.check(self)

    def __repr__(self) -> str:
        """The textbook's key values, then the settings that differ from the defaults, e.g.
        ``Settings(n_mid=10, eta=0.5, epoch=2001, wb_width=0.01, seed=1, target='cos')``."""
        shown = {name: getattr(self, name) for name in REPR_ALWAYS}
        shown.update(self.changed())
        return f"Settings({', '.join(f'{name}={value!r}' for name, value in shown.items())})"

    def changed(self) -> dict:
        """The settings that differ from their defaults, in the order of the fields."""
        return {
            item.name: getattr(self, item.name)
            for item in dataclasses.fields(self)
            if getattr(self, item.name) != item.default
        }

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
            self.replace(
                **{name: value for name, value in ((rows, row), (columns, column)) if name}
            )
            for row in row_values
            for column in column_values
        ]

    def label(self, config: "Settings", separator: str = ", ") -> str:
        """What tells a configuration of this grid apart, e.g. ``n_mid=3, eta=0.1``: its values of
        the settings the grid varies, columns first (n_mid and eta for a single run)."""
        names = [name for name in self.grid_axes() if name] or ["n_mid", "eta"]
        return separator.join(
            f"{name}={show(getattr(config, name))}".replace("'", "") for name in names
        )

    def network_config(self) -> Config:
        """The network and its training, as network/ knows them: this run's (not a grid's)."""
        if self.is_grid:
            raise ValueError(
                "Training takes one configuration; "
                "train a grid with TrainingGroup or lockstep.Lockstep"
            )
        names = ("n_mid", "activation", "depth", "eta", "l2", "momentum", "batch_size")
        values = {name: self.values(name)[0] for name in names}
        return Config(
            **values,
            wb_width=self.wb_width,
            seed=self.seed,
            epoch=self.epoch,
            record=tuple(self.recorded_epochs()),
            stop_at=self.stop_limit(),
        )

    def network_configs(self) -> List[Config]:
        """One Config per network of the grid, row by row (or just this run's)."""
        return [config.network_config() for config in self.configurations()]

    def stop_limit(self) -> Optional[float]:
        """The error to stop at in the network's own units, which the trainers compare: stop_at
        itself, or with your own data (whose errors are shown in y's units squared) stop_at /
        sd**2."""
        if self.stop_at is None or self.data is None:
            return self.stop_at
        from .owndata import scale_of  # (loaded already by a run on its own data)

        return self.stop_at / scale_of(self).variance

    def dataset(self) -> data.Dataset:
        """The samples of this run: its target curve, sample count, noise and held-out range."""
        if self.data is not None:  # your own (x, y), scaled for the network
            from . import owndata

            return owndata.make_dataset(self)
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

    def recorded_epochs(self) -> List[int]:
        """The epochs the training keeps a snapshot of: the frames' and those of --still, --handout
        and --sheet-epochs (which are drawn for print only, not added to the film)."""
        printed = (*self.still, *self.sheet_epochs, *self.handout)
        extra = {epoch for epoch in printed if epoch != "last"}
        return sorted(set(self.frame_epochs()) | extra) if extra else self.frame_epochs()

    def frame_duration_ms(self) -> int:
        """How long each frame but the last is shown, in milliseconds."""
        return max(20, round(1000 / self.fps))

    def replace(self, **changes) -> "Settings":
        """A copy with some settings changed, checked again."""
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict:
        """The settings as plain JSON-ready values (the GRID_AXES always as lists; the
        PRINT_SETTINGS only when they are not their defaults, so that the record of a run without
        them is as before)."""
        values = dataclasses.asdict(self)
        for name in PRINT_SETTINGS:
            if values[name] == Settings.__dataclass_fields__[name].default:
                del values[name]
        for name in GRID_AXES:
            values[name] = list(self.values(name))
        if self.holdout is not None:
            values["holdout"] = list(self.holdout)
        # (a record without it: the records of runs without --stop-at stay as they were)
        if self.stop_at is None:
            del values["stop_at"]
        for name in ("log_x", "log_y"):  # (only when given: other records stay as they were)
            if not values[name]:
                del values[name]
        if self.data is None:
            del values["data"]  # (a record without data is as it always was)
        else:
            values["data"] = self.data.as_record()  # the numbers themselves: a replay needs no file
        if self.size is not None:
            values["size"] = list(self.size)
        return values

    def file_stem(self) -> str:
        """A file name built from the settings, e.g. ``sin_nmid3_eta0.1_epoch2001_seed1``;
        settings that differ from their defaults are added, e.g. ``_schedulelog``. A typed target
        formula is named by a short digest of its text, e.g. ``formula3f2a9c``; an edited layers.py
        by a short digest of the file, e.g. ``_layers3f2a9c`` (network/edits.py)."""
        if self.data is not None:
            stem = self.data.stem()
        elif targets.is_named(self.target):
            stem = self.target
        else:
            stem = "formula" + hashlib.sha1(self.target.encode()).hexdigest()[:6]
        stem += (
            f"_nmid{_joined(self.n_mids)}_eta{_joined(self.etas)}_epoch{self.epoch}_seed{self.seed}"
        )
        for field in dataclasses.fields(self):
            if field.name in (
                "n_mid",
                "eta",
                "epoch",
                "seed",
                "target",
                "video",
                "data",
                *PRINT_SETTINGS,
            ):
                continue
            value = getattr(self, field.name)
            if value == field.default:
                continue
            if field.name == "holdout":  # (a date's colons and zone left out: 2024-01-31T1200)
                text = "to".join(
                    re.sub(r"[^0-9A-Za-z-]", "", end) if isinstance(end, str) else show(end)
                    for end in value
                )
            elif field.name == "size":
                text = f"{value[0]}x{value[1]}"
            elif field.name in GRID_AXES:
                text = _joined(self.values(field.name))
            elif isinstance(value, bool):  # a switch: named as its option is (_simple, _nooutputs)
                stem += "_" + {"show_outputs": "nooutputs"}.get(
                    field.name, field.name.replace("_", "")
                )
                continue
            else:
                text = show(value) if isinstance(value, float) else str(value).lower()
            stem += f"_{field.name.replace('_', '')}{text}"
        digest = edits.edited()
        # an edited layers.py: its run goes beside the textbook's, not over it
        if digest is not None:
            stem += f"_layers{digest}"
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
