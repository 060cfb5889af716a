"""The parts of a frame every layout shares: a fit panel's fixed parts and limits, the log error
axis and its pieces, the note of a divergence, the colours."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from ..inputs import targets
from ..inputs.settings import Settings, show
from ..network import gradcheck
from ..network.samples import Dataset
from ..network.train import Snapshot
from .texts import Texts, texts_of

X_LIMITS = (-1.05, 1.05)
#: Titles sit just above their axes. Given explicitly, matplotlib does not measure the tick labels
#: to place them, which takes a third of the time to draw a figure's background.
TITLE_Y = 1.0
FIT_COLOUR, OUTPUT_COLOUR, TARGET_COLOUR, SAMPLE_COLOUR = "tab:red", "tab:blue", "0.45", "0.3"
HELDOUT_COLOUR, HELDOUT_SHADE = "tab:purple", "#f1ecf7"  # the held-out samples and their range


#: A drawn value beyond this, in the network's units, is a diverged network's overflow: a gap.
FAR = 1e6


def finite_or_nan(values, snapshot=None):
    """Values of `snapshot` to draw, with inf and overflow as gaps (NaN) instead of lines: beyond
    FAR, or for your own data (a snapshot in its units) beyond |mean| + FAR sd of y."""
    values = np.asarray(values, dtype=float)
    scale = getattr(snapshot, "scale", None)  # (units.DataSnapshot: the data's units)
    far = FAR if scale is None else abs(scale.mean) + FAR * scale.sd
    return np.where(np.isfinite(values) & (np.abs(values) < far), values, np.nan)


#: Errors above this many times the smallest first-epoch error (and above this, at least) are off
#: the loss chart (a diverging run); they do not stretch its axis.
LOSS_CEILING = 1e3


def loss_axis(ax, histories: Sequence[Sequence[float]], say: Texts, fontsize=None):
    """A log-scale error axis with fixed limits: x over the epochs trained, y over the errors of the
    networks that did not diverge (all of them if every one did), up to LOSS_CEILING."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())  # ticks and labels at the powers of ten only
    # (not mathtext: its parser takes 0.1 s to load)
    ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
    ax.set_xlim(0, max(max(len(history) for history in histories) - 1, 1))
    # epochs are whole numbers: matplotlib's own steps, but no tick at epoch 0.2 when only epoch 0
    # was drawn
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    ax.set_ylim(*loss_limits(histories))
    ax.set_xlabel(say("epoch"), fontsize=fontsize)
    ax.set_ylabel(say("error"), fontsize=fontsize)
    ax.grid(True, color="0.92")


#: Superscript digits and minus, for 10⁻⁵ written in plain text.
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def power_of_ten(value, _position=None) -> str:
    """A log axis's tick label: 10⁻⁵ for 1e-05, 1 for 10⁰; nothing between the powers of ten."""
    if value <= 0:
        return ""
    exponent = np.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "1" if round(exponent) == 0 else "10" + str(int(round(exponent))).translate(SUPERSCRIPT)


def loss_limits(histories: Sequence[Sequence[float]]):
    """y limits that hold every error up to the ceiling; diverged histories count only if all
    diverged."""
    firsts = [h[0] for h in histories if len(h) and np.isfinite(h[0])]
    # a target of a larger scale has larger errors
    ceiling = LOSS_CEILING * max(1.0, min(firsts, default=1.0))
    healthy = [h for h in histories if len(h) and all(np.isfinite(e) and e <= ceiling for e in h)]
    histories = healthy or histories
    errors = np.array(
        [e for history in histories for e in history if np.isfinite(e) and 0 < e <= ceiling]
    )
    if errors.size == 0:
        return 1e-6, 1.0
    low, high = max(errors.min(), 1e-12) / 2, errors.max() * 2
    return two_powers_of_ten(low, max(high, low * 10))


def two_powers_of_ten(low: float, high: float):
    """Limits of a log axis labelled at the powers of ten only, widened out to the powers of ten
    around them when fewer than two lie inside (a short run's errors span less than a decade)."""
    if np.floor(np.log10(high)) - np.ceil(np.log10(low)) >= 1:
        return low, high
    return 10 ** np.floor(np.log10(low)), 10 ** np.ceil(np.log10(high))


def y_limits(dataset: Dataset, grid):
    """The y range of the fit panels, fixed for the whole animation so that nothing jumps: the
    target and the samples, rounded out to tenths, with room above and below (-1.6 to 1.6 for the
    sine)."""
    # (your own data: the samples only)
    target = [] if dataset.target is None else [dataset.target(grid)]
    values = np.concatenate(target + [dataset.t])
    low, high = np.floor(values.min() * 10) / 10, np.ceil(values.max() * 10) / 10
    room = 0.3 * max(high - low, 0.5)
    return low - room, high + room


def set_piece(line, history, piece: slice):
    """Give a growing loss line the piece of its history to draw next (zeros and overflow as
    gaps)."""
    errors = history[piece]
    line.set_data(np.arange(len(history))[piece], np.where(errors > 0, errors, np.nan))


def fit_axes(ax, grid, dataset: Dataset, settings: Settings, small=False):
    """The parts of a fit panel that never change: the target curve, the samples, the held-out
    range, fixed limits."""
    say = texts_of(settings)
    if dataset.target is not None:  # (your own data have none: their points are the target)
        ax.plot(
            grid,
            dataset.target(grid),
            "--",
            color=TARGET_COLOUR,
            lw=1.2 if small else 1.5,
            label=say("target", curve=targets.describe(settings.target)),
        )
    label = say("samples_noise", noise=show(settings.noise)) if settings.noise else say("samples")
    ax.plot(
        dataset.x_train,
        dataset.t_train,
        "o",
        color=SAMPLE_COLOUR,
        ms=2 if small else 3,
        label=label,
    )
    if dataset.holdout is not None:
        ax.axvspan(*dataset.holdout, color=HELDOUT_SHADE, zorder=0, label=say("heldout_range"))
        ax.plot(
            dataset.x_heldout,
            dataset.t_heldout,
            "o",
            color=HELDOUT_COLOUR,
            mfc="none",
            ms=3 if small else 4.5,
            mew=1.2,
            label=say("heldout_samples"),
        )
    ax.set_xlim(*X_LIMITS)
    ax.set_ylim(*y_limits(dataset, grid))
    if small:  # a few round ticks are enough for a small panel (and each tick costs time to make)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    ax.grid(True, color="0.92")


def x_label(settings: Settings) -> str:
    """What x is: for the textbook's sine, its angle rescaled; for your own data, its x column's
    name."""
    if getattr(settings, "data", None) is not None:
        from .units import LABEL_CHARS, drawn

        return drawn(settings.data.x_label, LABEL_CHARS)
    return texts_of(settings)("input_x_sine" if settings.target == "sin" else "input_x")


def y_label(settings: Settings) -> str:
    """What y is: the network's output, or your own data's y column."""
    if getattr(settings, "data", None) is not None:
        from .units import Y_LABEL_CHARS, drawn

        return drawn(settings.data.y_label, Y_LABEL_CHARS)
    return texts_of(settings)("output_y")


def warning_box(ax, fontsize):
    """A hidden text box in the middle of a panel, for "diverged at epoch N"."""
    return ax.text(
        0.5,
        0.5,
        "",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=fontsize,
        color="darkred",
        bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred"),
        visible=False,
    )


def show_warning(text, snapshot: Snapshot, say: Texts, short=False, hint=None):
    """Show "diverged at epoch N" on a diverged snapshot's frame, hide it on the others; `hint`
    (else "try a smaller eta") follows it unless `short`."""
    if snapshot.diverged:
        hint = say("diverged_hint") if hint is None else hint
        text.set_text(say("diverged_at", epoch=snapshot.epoch) + ("" if short else hint))
    text.set_visible(snapshot.diverged)


def diverged_hint(settings: Settings, say: Texts) -> str:
    """What a diverged frame suggests: a smaller eta, or, if the gradient check of layers.py
    failed, to fix the method it names (a smaller eta would not help)."""
    failure = gradcheck.check_settings(settings)
    if failure is None:
        return say("diverged_hint")
    return say("diverged_gradcheck", where=failure.where)


#: The colours of the neurons' lines, and of a grid's columns.
NEURON_COLOURS = [
    "tab:blue",
    "tab:orange",
    "tab:green",
    "tab:purple",
    "tab:brown",
    "tab:pink",
    "tab:olive",
    "tab:cyan",
]


def grid_colours(settings: Settings) -> list:
    """The colours of a grid's columns: the neurons', but with --holdout never the held-out
    samples' colour, among which a curve of that colour would vanish."""
    if settings.holdout is None:
        return NEURON_COLOURS
    return [colour for colour in NEURON_COLOURS if colour != HELDOUT_COLOUR]


ETA_STYLES = [
    "-",
    "--",
    ":",
    "-.",
    (0, (5, 1)),
    (0, (3, 1, 1, 1, 1, 1)),
    (0, (1, 3)),
    (0, (8, 2, 2, 2)),
]
