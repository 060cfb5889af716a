"""Sizes and styles of the frames: how big a frame is (--size), how big its text, where its panels
go, and how its lines look in print (--style print).

Without --size every layout keeps its own size (840 x 800, the textbook's 640 x 480, a grid's own)
and the numbers frames.py gives. With --size W x H a frame is laid out as if it filled a slide: its
short side is SLIDE inches, so that its text, in points, is as large as on a slide of that size
(a 1920 x 1080 frame is a 13.33 x 7.5 in slide at 144 dots per inch: 18 pt is 36 pixels), and
matplotlib's constrained layout places the panels so that no label overlaps another or leaves the
frame. A wide frame (16:9) puts the fit on the left and the neurons and the error on the right.

A still (--still) is for print: whatever the film's size, it is laid out the same way in a column
of an A4 page (geometry.still_inches: 6.3 in wide, at most 9 in high), its text in points as
printed, none under 8 pt (COLUMN_FONTS), its panels stacked.

This module loads matplotlib only when a figure is made (checks.py asks it for natural_size first).
"""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import numpy as np

from ..inputs import geometry
from ..inputs.checks import MAX_SIDE, MIN_SIDE  # noqa: F401 - the sides a --size may give
from ..inputs.geometry import DPI, GRID_PANEL, RICH_INCHES, SIMPLE_INCHES, SLIDE, STACKED, WIDE  # noqa: F401
from .breaking import break_between_terms, shorter_lines

#: Text sizes in points, with --size: titles and axis labels at least 18 pt, the rest at least 14
#: pt, what a lecture hall reads from the back.
FONTS = {"title": 18, "label": 18, "tick": 14, "legend": 14, "header": 14, "note": 14}
#: Text sizes in points in a still, printed in an A4 column: none under 8 pt, as in a book.
COLUMN_FONTS = {"title": 9.5, "label": 9, "tick": 8, "legend": 8, "header": 8.5, "note": 8}
#: Room around the panels, in inches (matplotlib's constrained layout adds it around every label).
PAD = 0.08
#: A character of DejaVu Sans is about this many ems wide, on average (to break long header lines).
EM_WIDTH = 0.6
#: --style print: the Okabe-Ito colours, told apart by colour-blind readers (yellow last: faint on
#: white paper; black, the output bias's, as the dark grey of matplotlib's tableau-colorblind10),
#: each with its own dash pattern and marker, told apart in black and white.
PRINT_COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#595959",
    "#F0E442",
]
PRINT_DASHES = [
    (0, (6, 2)),
    (0, (2, 2)),
    (0, (8, 2, 2, 2)),
    (0, (12, 3)),
    (0, (4, 2, 1, 2, 1, 2)),
    (0, (1, 3)),
    (0, (10, 2, 2, 2, 2, 2)),
    (0, (3, 4)),
]
PRINT_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def print_look(k: int, points: Optional[int] = None) -> dict:
    """The look of the k-th line of a panel in print: colour, dash pattern and marker, all three its
    own (for k < 64: the markers cycle apart from the others); a line of `points` points gets about
    8 marks, each line's a little apart from the others'."""
    n = len(PRINT_COLOURS)
    every = 0.12 if points is None else (k * 5 % max(points // 8, 1), max(points // 8, 1))
    return dict(
        color=PRINT_COLOURS[k % n],
        linestyle=PRINT_DASHES[k % n],
        marker=PRINT_MARKERS[(k + k // n) % n],
        markersize=5,
        markevery=every,
    )


def mark_epochs(lines, epochs: int):
    """Marks on growing error curves (drawn piece by piece) at about 10 epochs each, the k-th
    curve's a little after the one before's, so that the marks of two curves do not fall on each
    other."""
    period = max(1, epochs // 10)
    for k, line in enumerate(lines):
        x = np.asarray(line.get_xdata(), dtype=int)
        line.set_markevery(list(np.flatnonzero((x - k * period // len(lines)) % period == 0)))


def grid_inches(settings, lines_count: Optional[int] = None) -> Tuple[float, float, float, float]:
    """A comparison grid's own size without --size: (width, height, header, loss height) in inches,
    from its rows and columns and the lines of its header (geometry.grid_inches)."""
    from .captions import settings_lines  # (at run time: captions needs settings)

    if lines_count is None:
        width = geometry.grid_inches(settings, 0)[0]
        lines_count = len(settings_lines(settings, int(width / 0.07)))
    return geometry.grid_inches(settings, lines_count)


def natural_size(settings) -> Tuple[int, int]:
    """The size in pixels of a run's frames without --size."""
    if settings.is_grid:
        width, height, _, _ = grid_inches(settings)
    else:
        width, height = SIMPLE_INCHES if settings.simple else RICH_INCHES
    return int(width * DPI + 1e-8), int(height * DPI + 1e-8)


def is_sized(settings) -> bool:
    """True if the run's --size changes its frames: it is given, and not their own size."""
    return settings.size is not None and tuple(settings.size) != natural_size(settings)


def frame_inches(settings) -> Tuple[float, float]:
    """The size in inches of a run's frames: its own, or as its layout fills --size."""
    if settings.size is None:
        width, height = natural_size(settings)
        return width / DPI, height / DPI
    return Layout(settings, (0.0, 0.0)).inches


class Layout:
    """A frame's size, the size of its text and where its panels go: a layout's own (no --size),
    one that fills --size, or a still's, in an A4 column (`still`). The last two are `sized`: laid
    out by matplotlib, their text at the sizes of `fonts`."""

    def __init__(self, settings, inches: Tuple[float, float], still: bool = False):
        self.settings, self.still = settings, still
        self.sized = still or is_sized(settings)
        self.wide, self.fonts = False, FONTS
        if still:
            self.dpi, self.inches = DPI, geometry.still_inches(settings)
            self.fonts = COLUMN_FONTS
        elif self.sized:
            self.dpi, self.inches, self.wide = geometry.sized(*settings.size, settings)
        else:
            self.dpi, self.inches = DPI, inches
        # a label shrinks to fit its panel, but a still's never under its least size: it is printed
        self.least = min(self.fonts.values()) if still else 0.0

    def __repr__(self) -> str:
        return f"Layout({self.inches[0]:.2f} x {self.inches[1]:.2f} in at {self.dpi:g} dpi)"

    def figure(self):
        """The empty figure: the layout's own, or one laid out by matplotlib (--size, a still)."""
        from matplotlib.figure import Figure

        if not self.sized:
            return Figure(figsize=self.inches, dpi=self.dpi)
        figure = Figure(figsize=self.inches, dpi=self.dpi)
        self._constrained(figure)
        return figure

    @staticmethod
    def _constrained(figure):
        """matplotlib's constrained layout for the figure, PAD inches around every panel."""
        figure.set_layout_engine("constrained")
        figure.get_layout_engine().set(w_pad=PAD, h_pad=PAD, wspace=0.04, hspace=0.04)

    def font(self, role: str, default: float) -> float:
        """The size of a text of this role (`fonts`), in points: the layout's own if not sized."""
        return self.fonts[role] if self.sized else default

    def chars(self, default: int, share: float = 1.0) -> int:
        """How many characters a header line may hold (across `share` of the frame's width)."""
        if not self.sized:
            return default
        return int(share * (self.inches[0] - 0.4) / (EM_WIDTH * self.fonts["header"] / 72))

    def legend(self, fontsize: float, anchor=(1.02, 1.0), **options) -> dict:
        """A legend beside its panel, to the right, its top at the panel's top (if sized: never
        above it, where the titles go)."""
        if self.sized:
            anchor = (anchor[0], 1.0)
        return dict(
            loc="upper left",
            bbox_to_anchor=anchor,
            fontsize=self.font("legend", fontsize),
            frameon=False,
            **options,
        )

    def fit_legend(self, settings) -> dict:
        """The fit panel's legend: beside it; inside it in a wide frame of --size (where the room
        beside the panels goes to the neurons'; see legend_right_of_zero). A still and a
        frame with panels one above the other keep it beside, off the curves."""
        if not self.sized or self.still or not self.wide:
            return self.legend(8)
        # (its corner is free)
        sine = settings.target == "sin" and getattr(settings, "data", None) is None
        return dict(
            loc="upper right" if sine else "best", fontsize=self.fonts["legend"], framealpha=0.9
        )

    def legend_right_of_zero(self, ax, legend, options: dict):
        """With --size, a legend in the sine's upper right corner, where the sine has neither
        target nor samples (right of x = 0 and above y = 0): if it reaches left of x = 0 (long
        labels, Japanese), made again with its labels in shorter lines, its text as large as
        before. Returns the legend to use. Call once the panels are placed."""
        if not self.sized or self.still or options.get("loc") != "upper right":
            return legend
        zero = ax.transData.transform((0, 0))[0] + 0.05 * self.dpi  # (a twentieth of an inch)
        handles, _ = ax.get_legend_handles_labels()
        return self._narrower(ax, legend, handles, options, zero)

    def _narrower(self, ax, legend, handles, options: dict, zero: float):
        """The legend made again with its labels in shorter lines until it stays right of `zero`
        (pixels), or its lines are as short as they can be."""
        renderer = ax.figure.canvas.get_renderer()
        for _ in range(4):  # (each try a little shorter: characters differ in width)
            box = legend.get_window_extent(renderer)
            texts = legend.get_texts()
            widest = max(text.get_window_extent(renderer).width for text in texts)
            if box.x0 >= zero or widest <= 0:
                return legend
            longest = max(len(line) for text in texts for line in text.get_text().split("\n"))
            chars = int(longest * (widest - (zero - box.x0)) / widest)
            if chars < 4:
                return legend
            labels = [shorter_lines(text.get_text(), chars) for text in texts]
            legend.remove()
            legend = ax.legend(handles, labels, **options)
        return legend

    def legend_columns(self, longest: int) -> int:
        """How many legend entries of at most `longest` characters fit side by side, if sized."""
        em = self.fonts["legend"] / 72
        # + the line, the gaps
        return int((self.inches[0] - 0.8) / (EM_WIDTH * em * longest + 5 * em))

    def neuron_lines(self, default: int, n_mid: int) -> int:
        """How many neurons the neuron panel draws one by one: if sized, as many as its legend
        holds beside it (the others are drawn as their sum; a sum of one would take as much
        room)."""
        if not self.sized:
            return default
        return min(default, n_mid if n_mid <= 6 else 5)

    # The panels -----------------------------------------------------------------------------------

    def rich_axes(self, figure):
        """The fit, the neurons and the error, if sized: side by side in a wide frame (the fit on
        the left, the neurons over the error on the right), else stacked (a still's too)."""
        if self.wide:
            spec = figure.add_gridspec(2, 2, width_ratios=[1.15, 1], height_ratios=[1.15, 1])
            ax_fit = figure.add_subplot(spec[:, 0])
            return (
                ax_fit,
                figure.add_subplot(spec[0, 1], sharex=ax_fit),
                figure.add_subplot(spec[1, 1]),
            )
        spec = figure.add_gridspec(3, 1, height_ratios=[3, 1.7, 1.5])
        ax_fit = figure.add_subplot(spec[0])
        return ax_fit, figure.add_subplot(spec[1], sharex=ax_fit), figure.add_subplot(spec[2])

    def grid_spec(self, figure, rows: int, cols: int, with_loss: bool):
        """The grid's panels, if sized: filling the width, the error below them."""
        ratios = [1.0] * rows + ([1.25 if rows > 1 else 1.0] if with_loss else [])
        return figure.add_gridspec(rows + with_loss, cols, height_ratios=ratios)

    # After the figure is built --------------------------------------------------------------------

    def finish(
        self, figure, headers: Sequence = (), lifted: Sequence = (), fit_axes=None, lines: int = 1
    ):
        """With --size or in a still: every text at its size (`fonts`), the header lines at the top,
        each title that shares its line with another lifted above it (by as many `lines` as the
        other may have), long labels broken into lines, and the panels placed by matplotlib's
        constrained layout (once: the frames are blitted over it)."""
        if not self.sized:
            return
        from matplotlib.transforms import ScaledTranslation

        for ax in figure.axes:
            for title in (ax.title, ax._left_title, ax._right_title):  # (matplotlib's three titles)
                title.set_fontsize(self.fonts["title"])
            ax.xaxis.label.set_fontsize(self.fonts["label"])
            ax.yaxis.label.set_fontsize(self.fonts["label"])
            ax.tick_params(labelsize=self.fonts["tick"])
            for (
                text
            ) in ax.texts:  # the note of a divergence: low in its panel, below the fit's legend
                text.set_fontsize(self.fonts["note"])
                text.set_y(0.1)
            for (
                artist
            ) in ax.get_children():  # what changes from frame to frame stays inside its panel
                if artist.get_animated() and artist not in (
                    ax.title,
                    ax._left_title,
                    ax._right_title,
                ):
                    artist.set_in_layout(False)
        if fit_axes is not None and self.wide:  # the fit has its own x axis beside the neurons
            shared = fit_axes.get_shared_x_axes()
            neighbour = next(
                ax for ax in figure.axes if ax is not fit_axes and shared.joined(ax, fit_axes)
            )
            fit_axes.tick_params(labelbottom=True)
            fit_axes.set_xlabel(neighbour.get_xlabel(), fontsize=self.fonts["label"])
        for title in lifted:  # a line up, so that a title on the right cannot run into it
            lift = 1.3 * self.fonts["title"] / 72 * lines
            title.set_transform(
                title.get_transform() + ScaledTranslation(0, lift, figure.dpi_scale_trans)
            )
        self.top = self._place_headers(figure, headers)
        self._lay_out(figure)

    def lay_out_again(self, figure):
        """A still's panels placed again after its labels changed (your own data's ticks, in its
        units, are set after the figure is built); the film's stay where its frames are blitted."""
        if self.still:
            self._constrained(figure)
            self._lay_out(figure)

    def _lay_out(self, figure):
        """The panels placed by matplotlib's constrained layout under the headers (`top` inches),
        labels too long broken between its passes; then they stay where they are."""
        engine = figure.get_layout_engine()
        engine.set(rect=(0, 0, 1, 1 - self.top / self.inches[1]))
        renderer = figure.canvas.get_renderer()
        self._break_long_labels(figure, renderer)  # for the panels' first places, the grid's
        for _ in range(3):  # lay out, break what is still too long, lay out again
            self._legends_over_titles(figure, renderer)
            engine.execute(figure)
            if not self._break_long_labels(figure, renderer):
                break
        figure.set_layout_engine("none")  # the panels stay where they are: the frames are blitted

    def _place_headers(self, figure, headers) -> float:
        """Put the header texts one under the other from the top; returns the inches they take."""
        renderer = figure.canvas.get_renderer()
        top = PAD
        for text in headers:
            if text.get_va() == "baseline":  # a grid's epoch, blitted: one line, set at each frame
                text.set_fontsize(self.fonts["title"])
                text.set_y(1 - (top + 0.8 * self.fonts["title"] / 72) / self.inches[1])
                top += 1.25 * self.fonts["title"] / 72
            else:
                text.set_fontsize(self.fonts["header"])
                text.set_va("top")
                text.set_y(1 - top / self.inches[1])
                top += text.get_window_extent(renderer).height / self.dpi + PAD
        return top

    def _legends_over_titles(self, figure, renderer):
        """A legend that stands on its panel (a grid's error panel) goes above the panel's
        titles."""
        from matplotlib.transforms import ScaledTranslation

        for ax in figure.axes:
            legend = ax.get_legend()
            titles = [
                title for title in (ax.title, ax._left_title, ax._right_title) if title.get_text()
            ]
            # (3: "lower left", standing on its anchor)
            if legend is None or legend._loc != 3 or not titles:
                continue
            height = (
                max(title.get_window_extent(renderer).height for title in titles) / figure.dpi + PAD
            )
            anchor = ax.transAxes + ScaledTranslation(0, height, figure.dpi_scale_trans)
            legend.set_bbox_to_anchor((0.0, 1.0), transform=anchor)

    def _break_long_labels(self, figure, renderer) -> bool:
        """Break titles and axis labels longer than their panel (titles on the right: as far as the
        frame's edge) into lines; True if any was broken."""
        broken = False
        width = figure.bbox.width
        for ax in figure.axes:
            box = ax.get_window_extent(renderer)
            rightmost = not any(
                other.get_window_extent(renderer).x0 > box.x1
                for other in figure.axes
                if other.get_window_extent(renderer).y1 > box.y0
                and other.get_window_extent(renderer).y0 < box.y1
            )
            title_room = (width - box.x0 - 0.1 * figure.dpi) if rightmost else box.width
            for text, room in [
                (ax._left_title, title_room),
                (ax.title, box.width),
                (ax._right_title, box.width),
                (ax.xaxis.label, box.width),
                (ax.yaxis.label, box.height),
            ]:
                if text.get_animated() or not text.get_text():
                    continue  # (a label blitted every frame stays on one line)
                extent = text.get_window_extent(renderer)
                length = extent.height if text is ax.yaxis.label else extent.width
                if length > room:  # as many characters a line as fit, at the width of those it has
                    lines = text.get_text().split("\n")
                    chars = max(8, int(max(len(line) for line in lines) * room / length) - 1)
                    wrapped = break_between_terms(" ".join(lines), chars)
                    if wrapped == text.get_text():  # a term longer than the room: a smaller font
                        text.set_fontsize(max(text.get_fontsize() * room / length, self.least))
                    text.set_text(wrapped)
                    broken = True
        return broken
