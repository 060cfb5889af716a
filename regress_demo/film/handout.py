"""The handout (--handout EPOCHS): one A4 page for a lecture, as vector PDF: the run's settings,
the fit at the chosen epochs, and the error curve with those epochs marked.

The page is drawn at A4's own size (8.27 x 11.69 in), so its font sizes are those printed; none is
under 8 pt. Printed in black and white the fit and the samples stay apart by their shapes, not their
colours: the fit a thick black line, the samples small open rings, the target a thin dashed grey.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from matplotlib.figure import Figure

from ..inputs.settings import Settings
from ..network.samples import Dataset
from .fonts import in_its_font
from .panels import HELDOUT_COLOUR, TITLE_Y, finite_or_nan, fit_axes, loss_axis, x_label, y_label
from .sheet import SMALL_PT, TITLE_PT, drawing_grid, own_data_axes, tile_title
from .texts import texts_of

#: An A4 page, portrait, in inches.
A4 = (8.27, 11.69)
COLUMNS = 3
#: The fit and the samples as black and white tells them apart: line weight and marker shape.
FIT_LOOK = dict(color="black", lw=2.2, zorder=3)
SAMPLE_LOOK = dict(marker="o", ms=3.5, mfc="white", mec="0.35", mew=0.8, ls="none", zorder=2)
TARGET_LOOK = dict(color="0.55", lw=0.9)
#: The training error a solid black line; the held-out error dashed, in the held-out samples'
#: colour (a grey in black and white).
ERROR_LOOK = dict(color="black", lw=1.4)
HELDOUT_LOOK = dict(color=HELDOUT_COLOUR, lw=1.2, ls=(0, (5, 2)))
HEADING_PT = 11.0
#: The chosen epochs' numbers stand this many points above the error panel, at least MARK_GAP points
#: apart from each other.
MARK_LIFT, MARK_GAP = 6.0, 3.0


@in_its_font  # a Japanese handout in a Japanese font (fonts.py)
def handout_page(
    settings: Settings,
    dataset: Dataset,
    history: Sequence[float],
    chosen: Dict[int, list],
    heldout: Optional[Sequence[float]] = None,
) -> Figure:
    """The handout's page: `chosen` the snapshots of each chosen epoch (one network), by epoch;
    `history` the error of every epoch trained, `heldout` the held-out error's (--holdout)."""
    from .captions import columns, settings_lines

    say = texts_of(settings)
    figure = Figure(figsize=A4)
    lines = settings_lines(settings, max_chars=100, width=columns)
    figure.text(0.06, 0.975, say("handout_title"), fontsize=HEADING_PT, va="top")
    figure.text(0.06, 0.952, "\n".join(lines), fontsize=SMALL_PT + 1, va="top", color="0.15")
    legend_top = 0.947 - 0.016 * len(lines)
    rows = -(-len(chosen) // COLUMNS)
    page = figure.add_gridspec(
        2, 1, left=0.1, right=0.97, top=legend_top - 0.045, bottom=0.05,
        height_ratios=[rows, 1.8], hspace=0.22,
    )  # fmt: skip
    fits = page[0].subgridspec(rows, COLUMNS, hspace=0.55, wspace=0.12)
    axes = _fit_panels(figure, fits, settings, dataset, chosen)
    _error_panel(figure.add_subplot(page[1]), settings, history, list(chosen), heldout)
    figure.legend(
        handles=axes[0].get_lines(),
        loc="upper left",
        bbox_to_anchor=(0.05, legend_top),
        ncol=3,
        fontsize=SMALL_PT + 1,
        frameon=False,
    )
    return figure


def _fit_panels(figure, spec, settings, dataset, chosen: Dict[int, list]) -> List:
    """A fit panel per chosen epoch, COLUMNS to a row: the target, the samples, the fit."""
    say = texts_of(settings)
    dataset, grid = drawing_grid(settings, dataset)
    axes = []
    for k, (snapshot,) in enumerate(chosen.values()):
        ax = figure.add_subplot(spec[k // COLUMNS, k % COLUMNS], sharex=axes[0] if axes else None)
        fit_axes(ax, grid, dataset, settings, small=True)
        target, samples = ax.get_lines()[:2] if dataset.target is not None else (None, None)
        if dataset.target is None:
            samples = ax.get_lines()[0]
        samples.set(**SAMPLE_LOOK)
        if target is not None:
            target.set(**TARGET_LOOK)
        fit = finite_or_nan(snapshot.fit(grid), snapshot)
        ax.plot(grid, fit, "-", label=say("fit"), **FIT_LOOK)
        ax.set_title(tile_title(snapshot, say), fontsize=TITLE_PT, loc="left", y=TITLE_Y)
        ax.tick_params(labelsize=SMALL_PT, labelleft=k % COLUMNS == 0)
        if k % COLUMNS == 0:
            ax.set_ylabel(y_label(settings), fontsize=SMALL_PT)
        axes.append(ax)
    own_data_axes(axes, settings)
    axes[-1].set_xlabel(x_label(settings), fontsize=SMALL_PT)
    return axes


def _error_panel(ax, settings, history: Sequence[float], epochs: List[int], heldout=None):
    """The error of every epoch (log scale), each chosen epoch marked by a dotted line and its
    number above the panel; with --holdout the held-out error too, dashed, and a legend."""
    say = texts_of(settings)
    loss_axis(ax, [history] + ([heldout] if heldout else []), say, fontsize=SMALL_PT)
    ax.plot(range(len(history)), history, label=say("training"), **ERROR_LOOK)
    if heldout:
        ax.plot(range(len(heldout)), heldout, label=say("heldout_error"), **HELDOUT_LOOK)
        ax.legend(loc="best", fontsize=SMALL_PT, frameon=True, framealpha=0.9)
    if settings.data is not None:  # the error in y's unit, squared, as the film's error panel
        from .units import error_axis_label

        ax.set_ylabel(error_axis_label(settings), fontsize=SMALL_PT)
    _mark_epochs(ax, sorted(epochs))
    ax.set_title(
        say("handout_error"), fontsize=TITLE_PT, loc="left", y=1.0, pad=MARK_LIFT + 2 * SMALL_PT
    )
    ax.tick_params(labelsize=SMALL_PT)


def _mark_epochs(ax, epochs: List[int]):
    """Each epoch (in order) marked on the error panel: a dotted line, and its number above the
    panel joined to it by a thin line; numbers that would overlap (epochs 0, 10, 20 and 30 of 2000
    are 0.03 in apart) moved apart along the top, each as little as it takes (spread)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    font, points = FontProperties(size=SMALL_PT), 72 / ax.figure.dpi  # (points a pixel)
    widths = [text_to_path.get_text_width_height_descent(str(e), font, False)[0] for e in epochs]
    centres = [ax.transData.transform((epoch, 1))[0] * points for epoch in epochs]
    right = max(centres[-1], ax.bbox.x1 * points)  # (the last may stand on the right edge)
    for epoch, centre, place in zip(epochs, centres, spread(centres, widths, MARK_GAP, right)):
        ax.axvline(epoch, color="0.4", lw=0.9, ls=":")
        ax.annotate(
            str(epoch),
            (epoch, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(place - centre, MARK_LIFT),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=SMALL_PT,
            arrowprops=dict(arrowstyle="-", color="0.4", lw=0.6, shrinkA=0, shrinkB=0),
        )


def spread(centres: Sequence[float], widths: Sequence[float], gap: float, right: float) -> list:
    """Labels along a line, in order, moved apart as little as it takes: each label's centre
    (points) where no label is nearer its neighbour than `gap`, none beyond `right`. From the left,
    each goes right of the one before; then from the right, each goes left of the one after."""
    placed = list(centres)
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + (widths[k - 1] + widths[k]) / 2 + gap)
    placed[-1] = min(placed[-1], right)
    for k in range(len(placed) - 2, -1, -1):
        placed[k] = min(placed[k], placed[k + 1] - (widths[k] + widths[k + 1]) / 2 - gap)
    return placed
