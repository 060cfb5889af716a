"""The contact sheet for print (--sheet print): each tile a fit panel drawn anew at its own size,
as PNG at --dpi and as vector PDF.

The sheet is as wide as an A4 page (8.27 in) and its smallest text is 8 pt, so that printed at A4
width every word stays readable; the film's sheet (stills.contact_sheet) shows the frames as they
are, for a screen. The tiles are the frames stills.sheet_picks chooses.
"""

from __future__ import annotations

import textwrap
from typing import List, Sequence

from matplotlib.figure import Figure

from ..inputs.settings import Settings
from ..network import samples as data
from ..network.samples import Dataset
from .fonts import in_its_font
from .panels import (
    FIT_COLOUR,
    TITLE_Y,
    finite_or_nan,
    fit_axes,
    show_warning,
    warning_box,
    x_label,
    y_label,
)
from .texts import Texts, texts_of

#: The width of an A4 page, in inches: the sheet's width, so that its font sizes are those printed.
A4_WIDTH = 8.27
COLUMNS = 4
TILE_HEIGHT = 1.85  # inches, with the tile's title
#: The smallest font on the sheet (points at A4 width), and the tiles' titles.
SMALL_PT, TITLE_PT = 8.0, 9.0


#: The English texts, the default of what a tile says.
ENGLISH = Texts("en")


def tile_title(snapshot, say: Texts = ENGLISH) -> str:
    """What a tile says above its panel: `epoch 80 · error 4.6e-02` (with your own data, in its
    units: its share of var(y), which the film's titles give, would run into the next tile's
    title)."""
    return say("tile_title", epoch=snapshot.epoch, error=float(snapshot.error))


@in_its_font  # the texts of a Japanese sheet in a Japanese font (fonts.py)
def print_sheet(settings: Settings, dataset: Dataset, frames: Sequence[list]) -> Figure:
    """The printable contact sheet of these frames (one snapshot each: a single network), COLUMNS
    tiles to a row: in each the target, the samples and the fit of its epoch, its epoch and error
    above."""
    rows = -(-len(frames) // COLUMNS)
    figure, spec, height = _sheet(settings, rows)
    say = texts_of(settings)
    dataset, grid = drawing_grid(settings, dataset)
    y_text = textwrap.fill(y_label(settings), 22)  # (a tile is 1.4 in high: a long name, 2 lines)
    first = None
    for k, (snapshot,) in enumerate(frames):
        ax = figure.add_subplot(spec[k // COLUMNS, k % COLUMNS], sharex=first, sharey=first)
        first = first or ax
        fit_axes(ax, grid, dataset, settings, small=True)
        fit = finite_or_nan(snapshot.fit(grid), snapshot)
        ax.plot(grid, fit, "-", color=FIT_COLOUR, lw=1.8, label=say("fit"))
        ax.set_title(tile_title(snapshot, say), fontsize=TITLE_PT, loc="left", y=TITLE_Y)
        last_row = k // COLUMNS == rows - 1 or k + COLUMNS >= len(frames)
        ax.tick_params(labelsize=SMALL_PT, labelleft=k % COLUMNS == 0, labelbottom=last_row)
        if k % COLUMNS == 0:
            ax.set_ylabel(y_text, fontsize=SMALL_PT)
        show_warning(warning_box(ax, SMALL_PT), snapshot, say, short=True)
    own_data_axes(figure.axes, settings)
    figure.text(0.5, 0.42 / height, x_label(settings), ha="center", va="center", fontsize=SMALL_PT)
    figure.legend(
        handles=first.get_lines(),
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=4,
        fontsize=SMALL_PT,
        frameon=False,
    )
    return figure


def drawing_grid(settings: Settings, dataset: Dataset):
    """(dataset, x grid) of a printed fit panel: for your own data, in its units as the film draws
    them."""
    if settings.data is None:
        return dataset, data.grid()
    from .units import fit_grid, for_drawing

    return for_drawing(settings, dataset), fit_grid(settings)


def own_data_axes(axes, settings: Settings):
    """Printed fit panels of your own data with the axes of the film's frames (units.py): their
    range, dates as dates, log axes in the data's units with --log-x and --log-y. (Called once
    every panel sharing their x is made: fit_axes would set -1.05 … 1.05 on a shared log axis.)"""
    if settings.data is not None:
        from .units import axes_in_units

        axes_in_units(axes, settings, fits=axes, small=True)
        for ax in axes:  # (dates: the year or month below the ticks, "2024-Mar")
            ax.xaxis.get_offset_text().set_fontsize(SMALL_PT)


def _sheet(settings: Settings, rows: int):
    """The A4-wide page of the sheet, its settings' lines on top, and the grid of its tiles:
    (figure, gridspec, height in inches)."""
    from .captions import columns, settings_lines

    lines = settings_lines(settings, max_chars=120, width=columns)
    header = 0.2 + 0.16 * len(lines)  # inches: the settings' lines
    footer = 0.75  # the x label and the legend
    if settings.data is not None and settings.data.x_dates:  # and the year under the dates
        footer += 0.15
    height = header + rows * TILE_HEIGHT + footer
    figure = Figure(figsize=(A4_WIDTH, height))
    top = 1 - 0.1 / height
    text = "\n".join(lines)
    figure.text(0.5, top, text, ha="center", va="top", fontsize=SMALL_PT, color="0.25")
    spec = figure.add_gridspec(
        rows,
        COLUMNS,
        left=0.6 / A4_WIDTH,
        right=1 - 0.12 / A4_WIDTH,
        top=1 - (header + 0.25) / height,
        bottom=footer / height,
        hspace=0.45,
        wspace=0.1,
    )
    return figure, spec, height


def font_sizes(figure: Figure) -> List[float]:
    """The size in points of every piece of text the figure shows (its titles, labels, tick labels,
    legend), for a check that none is too small to read."""
    from matplotlib.text import Text

    return [
        text.get_fontsize()
        for text in figure.findobj(Text)
        if text.get_visible() and text.get_text()
    ]
