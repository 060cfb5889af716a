"""A run on its own data shown in the data's units: the snapshots, the errors and the frame's axes.

The network works in its units (u in [-1, 1], v standardised: owndata.Scale); what a person reads
is turned back: x = a + b u, y = mean + sd v, an error (a mean of ½(y - t)²) times sd², and each
error also as a share of y's variance (the error in the network's units), so that runs on
different data compare. The arrays are turned back before they are drawn, so matplotlib picks round
ticks in the data's own units (years, say).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, fields
from typing import List, Optional, Sequence

import numpy as np

from ..inputs.budget import estimated_seconds
from ..inputs.errors import SettingError, printable, show
from ..inputs.owndata import Scale, chosen_points, heldout_range, scale_of
from ..network import samples as data
from ..network.samples import Dataset
from ..network.train import Snapshot
from . import fonts
from .texts import Texts, texts_of
from .ticks import RoomyTicks, WholeTicks, date_axis

#: An axis label from a column's name is cut to this many characters (the frame has room for no
#: more): x's along the panel's width, y's along its height.
LABEL_CHARS, Y_LABEL_CHARS = 60, 30


def drawn(text: str, limit: Optional[int] = None) -> str:
    """A text of the data (its file's or a column's name) as a frame draws it: as it is, never as
    matplotlib's mathtext ($ escaped: a name like 'cost $x_2$' or '$\\bad$' is not a formula), its
    control characters as escapes (\\x1b), cut to `limit` characters."""
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = "".join(char if has_glyph(char) else MISSING_GLYPH for char in printable(text))
    return text.replace("$", r"\$")


#: What a character no font of the frames has (Hangul, say) is drawn as: the box matplotlib would
#: draw, but without its warning.
MISSING_GLYPH = "□"


@functools.lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """True if a font the frames use (matplotlib's own, or the Japanese one) can draw `char`."""
    if char.isascii():
        return True
    return any(ord(char) in charmap for charmap in _charmaps())


@functools.lru_cache(maxsize=1)
def _charmaps() -> list:
    """The characters of matplotlib's own font and of the Japanese one, if it is installed."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    paths = [font_manager.findfont(fonts.FALLBACK, fallback_to_default=True)]
    paths += [path for path in [fonts.japanese_font_file()] if path is not None]
    return [FT2Font(str(path)).get_charmap() for path in paths]


def header(settings) -> List[str]:
    """The header's parts that name the data and their scaling."""
    own, say = settings.data, texts_of(settings)
    x, _ = chosen_points(settings)
    count = (
        say("data_drawn", count=len(x), total=len(own))
        if len(x) < len(own)
        else say("data_points", count=len(own))
    )
    step = mark_step(settings)
    marks = [say("data_marks", step=step)] if step > 1 else []
    return [
        say("header_data", name=drawn(own.name or "(x, y)"), points=count),
        *marks,
        scale_of(settings).describe(say),
    ]


#: At most about this many + marks (the outputs during the epoch) are drawn: more bury the fit.
MAX_MARKS = 300


def mark_step(settings) -> int:
    """1, or k when the outputs of only 1 training point in k get a + mark (above MAX_MARKS)."""
    count = training_count(settings)
    if settings.is_grid or not settings.show_outputs:
        return 1
    return math.ceil(count / MAX_MARKS) if count > MAX_MARKS else 1


def training_count(settings) -> int:
    """How many points of its own data a run trains on: those chosen, less those held out."""
    x, _ = chosen_points(settings)
    return int(np.count_nonzero(~data.held_out(x, heldout_range(settings))))


#: The English texts: what an error says unless a run speaks another language.
ENGLISH = Texts("en")


#: A unit at the end of a column's name, in brackets: (kWh), [kWh], or full width as Japanese text
#: writes them, （円）, ［千円］.
UNIT = re.compile(
    r"(?:\(([^()]{1,16})\)|\[([^\[\]]{1,16})\]|（([^（）]{1,16})）|［([^［］]{1,16})］)\s*$"
)


def unit_of(label: str) -> str:
    """The unit a column's name ends with, in brackets: "kWh" of "Gasverbrauch (kWh)", "円" of
    "売上（円）"; else ""."""
    found = UNIT.search(label or "")
    return next(group for group in found.groups() if group is not None).strip() if found else ""


def error_unit(settings) -> str:
    """The unit of a run's RMSE: y's, or "log10 y" when it trains on log10 y (--log-y)."""
    return "in log10 y" if settings.log_y else unit_of(settings.data.y_label)


def rmse(error: float) -> float:
    """The root-mean-square error of the textbook's error, a mean of ½(y − t)²: √(2 E)."""
    return math.sqrt(2 * error) if error >= 0 else math.nan


class ErrorValue(float):
    """An error in the data's units that, formatted, also says its share of y's variance and the
    RMSE in y's units: ``f"{e:.2e}"`` gives ``1.23e+00 (0.15 % of var(y)), RMSE 1.57 kWh`` (in the
    language of `say`), ``f"{e:.1e}"`` the short ``1.2e+00 (0.15 %)`` of a grid's panel."""

    def __new__(cls, value: float, variance: float, say: Texts = ENGLISH, unit: str = ""):
        error = super().__new__(cls, value)
        error.variance, error.say, error.unit = variance, say, unit
        return error

    def __format__(self, spec: str) -> str:
        text = float.__format__(float(self), spec)
        if not spec or spec[-1] not in "eEgGf" or not np.isfinite(self):
            return text
        percent = 100 * float(self) / self.variance
        # 0.05 %, 2.7 %, 76 %, 180 %, 3.7e+05 %
        share = f"{percent:.0f} %" if 10 <= percent < 1000 else f"{percent:.2g} %"
        if spec.startswith(".1"):
            return f"{text} ({share})"
        root = f"{rmse(float(self)):.3g}" + (f" {self.unit}" if self.unit else "")
        return f"{text} {self.say('share_of_variance', share=share)}{self.say('rmse', rmse=root)}"

    def __reduce__(self):
        return ErrorValue, (float(self), self.variance, self.say, self.unit)

    def in_english(self) -> "ErrorValue":
        """The same error for the terminal, whose messages are in English whatever --lang is."""
        return ErrorValue(float(self), self.variance, ENGLISH, self.unit)


#: A run on its own data that ends above this share of var(y) prints what to try (poor_fit).
POOR_FIT = 0.2


def poor_fit_hint(
    settings, error: float, say: Texts = ENGLISH, keywords: bool = False
) -> Optional[str]:
    """What to try when a fit leaves more than POOR_FIT of var(y): more neurons, a larger
    --wb-width, more epochs (on a monthly series of five seasons, 38 % became 24 %), with a run
    that would be accepted and is short (suggested_run), written as the command line's options
    (--n-mid 20) or, for a notebook, as keyword arguments (n_mid=20); else None."""
    share = error / scale_of(settings).variance
    if settings.data is None or settings.is_grid or not POOR_FIT < share < math.inf:
        return None
    share = f"{100 * share:.0f} %"
    changes = suggested_run(settings)
    if not changes:  # (no short run that differs from this one)
        return say("poor_fit_plain", share=share)
    if keywords:  # animate(n_mid=20, wb_width=10, epoch=500)
        options = ", ".join(f"{name}={show(value)}" for name, value in changes.items())
    else:
        options = " ".join(
            f"--{name.replace('_', '-')} {show(value)}" for name, value in changes.items()
        )
    key = "poor_fit_sample" if "n_points" in changes else "poor_fit"
    return say(key, share=share, options=options)


#: The longest run a hint suggests, in seconds, by the estimate the budget checks a run with
#: (inputs/budget.py: the layer classes' time, for a laptop).
HINT_SECONDS = 120.0
#: The network a hint suggests (at least), and the epochs it tries, most first; then, if even the
#: fewest take too long on every point, samples of the points (--n-points), largest first.
HINT_N_MID, HINT_WB_WIDTH = 20, 10.0
HINT_EPOCHS = (5000, 2000, 1000, 500, 200, 100)
HINT_SAMPLES = (20_000, 10_000, 5_000, 2_000, 1_000)


def suggested_run(settings) -> dict:
    """The settings a poor fit's hint suggests, those that differ from the run's: more neurons,
    wider initial weights and the most epochs that train within HINT_SECONDS, on every point or on
    the largest sample that does; checked as any run is. {} if there is none."""
    wider = {
        "n_mid": max(HINT_N_MID, settings.n_mid),
        "wb_width": max(HINT_WB_WIDTH, settings.wb_width),
    }
    samples = [{}] + [{"n_points": n} for n in HINT_SAMPLES if n < training_count(settings)]
    for sample in samples:
        for epoch in HINT_EPOCHS:
            changes = {**wider, **sample, "epoch": epoch}
            try:
                run = settings.replace(**changes)
            except SettingError:
                continue
            if estimated_seconds(run, training_count(run)) <= HINT_SECONDS:
                return {
                    name: value
                    for name, value in changes.items()
                    if value != getattr(settings, name)
                }
    return {}


def final_in_units(settings, error: float) -> dict:
    """A final error's RMSE in y's units and its share of var(y), for the record."""
    fields = {
        "final_rmse": rmse(error),
        "final_share_of_variance": error / scale_of(settings).variance,
    }
    hint = poor_fit_hint(settings, error, texts_of(settings))  # (in the run's language: its card)
    return {**fields, "unit": error_unit(settings), **({"hint": hint} if hint else {})}


def errors_in_units(settings, history: Sequence[float]) -> List[float]:
    """An error history in the data's units (each error times sd²), for the record and the terminal
    (in English, as every message there)."""
    variance, unit = scale_of(settings).variance, error_unit(settings)
    return [ErrorValue(error * variance, variance, ENGLISH, unit) for error in history]


@dataclass
class DataSnapshot(Snapshot):
    """A snapshot whose curves, outputs and errors are in the data's units: fit(x) takes x in them
    and gives y in them; the weights (layers) stay the network's."""

    scale: Scale = Scale()

    def hidden(self, x) -> np.ndarray:
        return Snapshot.hidden(self, self.scale.u(x))

    def fit(self, x) -> np.ndarray:
        return self.scale.y(Snapshot.fit(self, x))

    def contributions(self, x) -> np.ndarray:
        """Each neuron's share of y, sd · w2_j · h_j(u): with mean + sd · b2, they sum to the
        fit."""
        return self.scale.sd * Snapshot.contributions(self, x)

    @property
    def b2(self) -> float:
        """The output bias in y's units: mean + sd · b2 (in log10 y with --log-y)."""
        return float(self.scale.trained_y(self.layers[-1][1][0]))


def in_data_units(settings, snapshots: List[Snapshot]) -> List[Snapshot]:
    """The snapshots of one recorded epoch in the data's units (those that are already, as they
    are)."""
    scale, say, unit = scale_of(settings), texts_of(settings), error_unit(settings)
    shown = []
    for snapshot in snapshots:
        if isinstance(snapshot, DataSnapshot):
            shown.append(snapshot)
            continue
        values = {
            item.name: getattr(snapshot, item.name)
            for item in fields(Snapshot)
            if item.name != "_network"
        }
        values["error"] = ErrorValue(snapshot.error * scale.variance, scale.variance, say, unit)
        if snapshot.heldout_error is not None:
            values["heldout_error"] = ErrorValue(
                snapshot.heldout_error * scale.variance, scale.variance, say, unit
            )
        values["outputs"] = scale.y(snapshot.outputs)
        shown.append(DataSnapshot(**values, scale=scale))
    return shown


class DatasetInUnits(Dataset):
    """The samples in the data's units, for drawing."""

    in_data_units = True


def for_drawing(settings, dataset: Dataset) -> Dataset:
    """The samples in the data's units, for the frame (no target curve: the points are the
    target)."""
    scale = scale_of(settings)
    return DatasetInUnits(
        scale.x(dataset.x), scale.y(dataset.t), dataset.train, None, heldout_range(settings)
    )


def in_units(figure, settings, snapshots: Sequence[Snapshot]):
    """Make a frame's figure show the data's units: the curves drawn over the data's x, the axes
    (axes_in_units), the neuron panel's scale (its labels are the columns' names from the start:
    panels.x_label)."""
    scale = scale_of(settings)
    figure.grid = fit_grid(settings)
    loss = getattr(figure, "ax_loss", None)
    panels = [ax for ax in figure.figure.axes if ax is not loss]
    # a grid's panels are each a fit; a single run's fit is figure.ax
    axes_in_units(panels, settings, fits=panels if settings.is_grid else [figure.ax])
    ax = figure.ax
    # (the axes' labels, the neuron panel's and its bias's are set as the figure is
    step = mark_step(settings)
    if step > 1:  # 1 point in `step` marked, and the fit drawn over the marks
        figure.marks = slice(None, None, step)
        artists = figure.blitter.artists
        artists.remove(figure.fit_line)
        artists.insert(artists.index(figure.output_marks) + 1, figure.fit_line)
    if not settings.is_grid:
        # made, before a --size layout places them: frames.py)
        neurons = getattr(figure, "ax_neurons", None)
        legend = ax.get_legend()
        # (matplotlib 3.8 on) the sine's corner may hide data
        if neurons is None and hasattr(legend, "set_loc"):
            legend.set_loc("best")
        if neurons is not None:
            neurons.set_ylim(*_neuron_limits(figure, scale, snapshots))
    if loss is not None:
        loss.set_ylabel(error_axis_label(settings))


def error_axis_label(settings) -> str:
    """What an error axis of your own data says: the error in y's unit, squared (error (円²)),
    in log10 y's with --log-y, or just "error" when y's name gives no unit."""
    say, unit = texts_of(settings), unit_of(settings.data.y_label)
    if settings.log_y:
        return say("error_log_y")
    return say("error_unit", unit=drawn(unit)) if unit else say("error")


def fit_grid(settings) -> np.ndarray:
    """The x a fit is drawn at, in the data's units: spread evenly over the points' x, or in log10 x
    with --log-x."""
    x, _ = chosen_points(settings)
    spread = np.geomspace if settings.log_x else np.linspace
    return spread(float(x.min()), float(x.max()), data.GRID_POINTS)


def axes_in_units(axes, settings, fits=(), small=False):
    """Panels over x in the data's units, as every frame, the printed sheet and the handout show
    them: x over the points with a margin, each tick label its whole value, dates as dates (fewer
    on a small panel), a log axis with --log-x; y's tick labels whole, and with --log-y the fit
    panels `fits` on a log axis around the points (in y's own units)."""
    x, y = chosen_points(settings)
    low, high = float(x.min()), float(x.max())
    for ax in axes:
        if settings.log_x:  # (a ratio as margin: the same on each side of a log axis)
            margin = (high / low) ** 0.025
            ax.set_xscale("log")
            ax.set_xlim(low / margin, high * margin)
        else:
            margin = 0.025 * (high - low)  # as -1.05 ... 1.05 for [-1, 1]
            ax.set_xlim(low - margin, high + margin)
            ax.xaxis.set_major_formatter(WholeTicks())
            if settings.data.x_dates:  # x in days since 1970: matplotlib's date ticks
                date_axis(ax.xaxis, most=4 if small else 7, lang=settings.lang)
        ticks = ax.yaxis.get_major_locator()  # (panels sharing y share it: wrapped once)
        ax.yaxis.set_major_locator(ticks if isinstance(ticks, RoomyTicks) else RoomyTicks(ticks))
        ax.yaxis.set_major_formatter(WholeTicks())
    if settings.log_y:
        low, high = float(y.min()), float(y.max())
        margin = (high / low) ** 0.15
        for ax in fits:
            ax.set_yscale("log")
            ax.set_ylim(low / margin, high * margin)


def _neuron_limits(figure, scale: Scale, snapshots):
    """y limits that hold every finite line the neuron panel draws in any frame, however far from
    the data (a neuron of -247 beside a bias of +231): what the title says sums to the fit is all
    on the panel."""
    values = [np.array([0.0, scale.mean - scale.sd, scale.mean + scale.sd])]
    values += [figure._lines(snapshot).ravel() for snapshot in snapshots]
    values = np.concatenate(values)
    values = values[np.isfinite(values)]
    low, high = values.min(), values.max()
    margin = 0.08 * (high - low)
    return low - margin, high + margin
