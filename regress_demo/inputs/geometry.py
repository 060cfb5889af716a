"""A frame's size in inches and dots per inch, from the settings: its own size, the one that fills
--size, or a still's (--still: an A4 column). film/layouts.py lays the panels out in it; the memory
budget counts its pixels."""

from __future__ import annotations

import math
from typing import Tuple

#: Dots per inch of the frames without --size.
DPI = 100
#: A single run's own frame, in inches: with its three panels, and the plain one (--simple).
RICH_INCHES, SIMPLE_INCHES = (8.4, 8.0), (6.4, 4.8)
#: The short side of a frame with --size, in inches: a 16:9 slide is 13.33 x 7.5 in.
SLIDE = 7.5
#: The short side of a frame with --size whose panels are stacked (square, portrait, 4:3), in
#: inches: three panels and their labels one above the other need more room than SLIDE gives at
#: those sizes (shown 7.5 in high, its text is three quarters of a wide frame's).
STACKED = 10.0
#: Frames wider than this (width / height) put the panels side by side (16:9, 16:10, 3:2); 4:3,
#: square and portrait frames keep them stacked.
WIDE = 1.4
#: A still (--still) is as wide as a column of an A4 page, 210 mm less two margins of 25 mm: 160 mm,
#: 6.3 in; and at most COLUMN_HEIGHT high, leaving room on the page for its caption.
COLUMN_WIDTH, COLUMN_HEIGHT = 6.3, 9.0
#: The least room of a grid's panel, with its titles and tick labels, in inches (width, height).
GRID_PANEL = (3.3, 1.8)


def grid_inches(settings, lines_count: int) -> Tuple[float, float, float, float]:
    """A comparison grid's own size without --size: (width, height, header, loss height) in
    inches, from its rows and columns and the lines of its header."""
    rows, cols = settings.grid_shape()
    width = max(7.0, 2.5 * cols + 0.8)
    header = 0.62 + 0.16 * lines_count  # inches: the epoch, the settings, the panels' titles
    loss_height = 3.2 if not settings.simple else 0.0
    return width, 1.95 * rows + loss_height + header + 0.3, header, loss_height


def grid_growth(settings, width: float, height: float) -> float:
    """How much larger than the slide a grid is laid out (its text that much smaller), so that
    each panel keeps about GRID_PANEL inches and the error panel and its legend their room: 1 for
    a few panels (up to 3 x 2 on a 16:9 slide), 2 for 8 columns."""
    if not settings.is_grid:
        return 1.0
    rows, cols = settings.grid_shape()
    legend_rows = math.ceil(rows * cols / 4)
    below = 1.3 if settings.simple else 3.0 + 0.3 * legend_rows  # the header, the error panel
    return max(1.0, (GRID_PANEL[0] * cols + 1.0) / width, (GRID_PANEL[1] * rows + below) / height)


def sized(width: int, height: int, settings) -> Tuple[float, Tuple[float, float], bool]:
    """A frame that fills width x height pixels: (its dots per inch, its inches, whether it is
    wide enough to put the panels side by side)."""
    wide = width / height > WIDE
    dpi = min(width, height) / (SLIDE if wide else STACKED)
    dpi /= grid_growth(settings, width / dpi, height / dpi)
    return dpi, (width / dpi, height / dpi), wide


def still_inches(settings) -> Tuple[float, float]:
    """A still's size in inches: an A4 column wide, as high as its panels need with text of 8 pt
    (a grid's rows of fit panels 1.7 in each, its error panel 2.6 in; at most COLUMN_HEIGHT)."""
    if settings.is_grid:
        rows = settings.grid_shape()[0]
        height = 1.0 + 1.7 * rows + (0.0 if settings.simple else 2.6)
    else:
        height = 4.8 if settings.simple else 7.8
    return COLUMN_WIDTH, min(height, COLUMN_HEIGHT)


def estimated_inches(settings) -> Tuple[float, float]:
    """A run's frame in inches, its header taken as two lines (the frames' own lays out the real
    lines): what the memory budget counts."""
    if settings.size is not None:
        return sized(*settings.size, settings)[1]
    if settings.is_grid:
        return grid_inches(settings, 2)[:2]
    return SIMPLE_INCHES if settings.simple else RICH_INCHES
