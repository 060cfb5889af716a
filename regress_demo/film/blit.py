"""Drawing only what changes: a figure's static parts are drawn once, the rest over a copy of them.

A figure (matplotlib, Agg: no screen needed) is drawn once with everything that never changes; its
pixels are kept as the background. For each frame only the artists that change (the fit, the
markers, the neuron lines) are drawn over a copy of that background ("blitting"); growing artists
(the loss curves) are drawn into the background piece by piece; and the one-line labels that change
every frame (epoch, error) are put together from cached images of their characters (Label). The
canvas buffer is then copied out as the frame.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox
from PIL import Image

#: Text without hinting: it looks the same at this size and draws twice as fast (text is most of a
#: frame).
TEXT_STYLE = {"text.hinting": "no_hinting"}


class Label:
    """A one-line text that changes every frame (an epoch, an error), drawn from cached images of
    its characters.

    matplotlib lays out and rasterises a text anew at every draw: the nine labels of a grid frame
    cost twice as much as all its lines. Here each character is rasterised once, by matplotlib with
    the label's own font, and the label is its characters side by side, blended into the frame. The
    text artist keeps the label's text, font, colour and place; matplotlib no longer draws it.
    """

    #: (character, font, dpi) -> (coverage (h, w) in 0..1, x offset, rows above the baseline,
    #: advance), shared by every label: the eight error labels of a grid have one font.
    glyphs: dict = {}

    def __init__(self, text):
        self.text = text
        self.font = None  # (font, font file, dpi) of the glyphs in self.mine
        self.mine: dict = {}  # character -> glyph, for this font: no font to hash per character
        self.placed = self.place = None  # (position, colour, dpi) -> (x, y, colour) on the canvas

    def _glyphs(self, text: str) -> list:
        """The glyph of each character of text, in the label's font."""
        properties = self.text.get_fontproperties()
        font = (
            properties,
            font_manager.findfont(properties),
            self.text.figure.dpi,
        )  # the font file, too
        if font != self.font:
            self.font, self.mine = font, {}
        mine = self.mine
        return [
            mine[char] if char in mine else mine.setdefault(char, self._glyph(char))
            for char in text
        ]

    def _place(self):
        """Where the label's anchor is on the canvas (x, y in pixels from the bottom left), and its
        colour (RGB, 0-255); worked out again only when its position or colour change (the axes
        stay where they are for the whole animation, as the blitted background assumes)."""
        key = (self.text.get_unitless_position(), self.text.get_color(), self.text.figure.dpi)
        if key != self.placed:
            x, y = self.text.get_transform().transform(key[0])
            colour = np.array(matplotlib.colors.to_rgb(key[1])) * 255
            self.placed, self.place = key, (float(x), float(y), colour)
        return self.place

    def _glyph(self, char: str):
        """The character rasterised once, on white, by matplotlib; how far it advances the pen."""
        key = (char, *self.font)
        if key not in self.glyphs:
            dpi = self.text.figure.dpi
            size = self.text.get_fontsize() * dpi / 72  # pixels
            side = int(size * 3) + 4
            figure = Figure(figsize=(side / dpi, side / dpi), dpi=dpi)
            canvas = FigureCanvasAgg(figure)
            baseline = side - int(size) - 2  # rows from the top: room for descenders below
            figure.text(
                2 / side,
                1 - baseline / side,
                char,
                fontproperties=self.text.get_fontproperties(),
                color="black",
                ha="left",
                va="baseline",
            )
            canvas.draw()
            ink = 1 - np.asarray(canvas.buffer_rgba())[:, :, 0] / 255.0  # black on white: coverage
            rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            renderer = canvas.get_renderer()
            advance = renderer.get_text_width_height_descent(
                char, self.text.get_fontproperties(), False
            )[0]
            if rows.size == 0:  # a space
                self.glyphs[key] = (np.zeros((0, 0)), 0, 0, advance)
            else:
                box = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1]
                self.glyphs[key] = (box, int(columns[0]) - 2, baseline - int(rows[0]), advance)
        return self.glyphs[key]

    def draw(self, pixels: np.ndarray):
        """Blend the label into the (H, W, 4) RGBA pixels of the canvas (origin at the top left)."""
        text = self.text.get_text()
        if not text or not self.text.get_visible():
            return
        glyphs = self._glyphs(text)
        width = sum(glyph[3] for glyph in glyphs)
        x, y, colour = self._place()
        x -= {"left": 0, "center": width / 2, "right": width}[self.text.get_horizontalalignment()]
        baseline = pixels.shape[0] - y  # the text is placed by its baseline (va="baseline")
        # where each character's coverage goes (top, left), as the pen advances
        places, pen = [], x
        for _coverage, offset, above, advance in glyphs:
            places.append((int(round(baseline - above)), int(round(pen + offset))))
            pen += advance
        drawn = [
            (coverage, top, left)
            for (coverage, *_), (top, left) in zip(glyphs, places)
            if coverage.size
        ]
        if not drawn:
            return
        # the characters' coverage in one box, then one blend of the box into the canvas
        top = min(t for _, t, _ in drawn)
        left = min(lft for _, _, lft in drawn)
        bottom = max(t + c.shape[0] for c, t, _ in drawn)
        right = max(lft + c.shape[1] for c, _, lft in drawn)
        box = np.zeros((bottom - top, right - left))
        for coverage, t, lft in drawn:
            part = box[
                t - top : t - top + coverage.shape[0], lft - left : lft - left + coverage.shape[1]
            ]
            np.maximum(part, coverage, out=part)  # where two characters touch, the darker ink
        # the part of the box inside the canvas
        y0, y1 = max(top, 0), min(bottom, pixels.shape[0])
        x0, x1 = max(left, 0), min(right, pixels.shape[1])
        if y0 < y1 and x0 < x1:
            region = pixels[y0:y1, x0:x1, :3]
            alpha = box[y0 - top : y1 - top, x0 - left : x1 - left, None]
            region[...] = np.rint(region * (1 - alpha) + colour * alpha)


class Blitter:
    """Draws the static figure once, then per frame only the animated artists over that background.

    Growing artists (the loss curves) are drawn into the background itself, a new piece each frame,
    so a frame never redraws the thousands of points before it. `reset` goes back to the background
    without them. Labels (see Label) are blended in last. A cover (a legend over the fit) is drawn
    above the lines, but only in the frames where a line comes near it: in the others it is already
    in a second background, with the very same pixels (see `cover`).
    """

    def __init__(self, figure: Figure):
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.artists, self.growing, self.labels = [], [], []
        self.pristine = (
            None  # the canvas with every static artist drawn: the background of every frame
        )
        self.growth_box = (
            None  # where the growing artists draw (their axes), and what they drew there:
        )
        self.grown = self.pristine_grown = None  # so far, and before the first piece
        self.covers = []  # (artist, the lines drawn before it) for each cover
        self.covered = None  # the background with the covers drawn on it; where they are
        self.cover_boxes = []

    def label(self, text):
        """Mark a one-line text (va="baseline") that changes every frame; returns it. It is drawn
        by a Label, above every other artist: plain, opaque, unrotated text without a box."""
        assert text.get_va() == "baseline" and not text.get_rotation() and text.get_alpha() is None
        assert text.get_bbox_patch() is None
        text.set_animated(True)
        self.labels.append(Label(text))
        return text

    def animate(self, artist):
        """Mark an artist as changing from frame to frame; returns it."""
        artist.set_animated(True)
        self.artists.append(artist)
        return artist

    def cover(self, artist):
        """Mark an artist drawn over the animated lines before it (a legend inside the fit panel);
        returns it.

        A legend costs more to draw than everything else in a simple frame: matplotlib lays it out
        again at each draw. Most frames have no line near it, and there drawing it over the lines
        or under them gives the same pixels; so it is drawn once into a second background, and
        drawn again over the lines only in a frame where one comes within reach of its box."""
        self.animate(artist)
        lines = self.artists[:-1]
        assert all(isinstance(line, Line2D) for line in lines), "only lines are checked for reach"
        self.covers.append((artist, lines))
        return artist

    def swap(self, old, new):
        """Put `new` where `old` was among the animated artists and the covers (a legend made
        again); returns it."""
        new.set_animated(True)
        self.artists[self.artists.index(old)] = new
        self.covers = [(new if artist is old else artist, lines) for artist, lines in self.covers]
        return new

    def grow(self, artist):
        """Mark an artist whose data, set before each render, is the piece to add to what is
        drawn."""
        artist.set_animated(True)
        self.growing.append(artist)
        return artist

    def reset(self):
        """Forget the pieces drawn so far by the growing artists."""
        self.grown = self.pristine_grown

    def render(self) -> np.ndarray:
        """The frame as an (H, W, 3) uint8 array."""
        with _text_style():
            self._start()
            clear = self._clear_of_covers()
            self.canvas.restore_region(self.covered if clear else self.pristine)
            self._grow()
            skipped = {id(artist) for artist, _ in self.covers} if clear else set()
            return self._render(skipped)

    def grow_only(self):
        """Add the growing artists' pieces to what they drew so far, as render does, without drawing
        a frame."""
        with _text_style():
            self._start()
            self._grow()

    def _start(self):
        """The first time: draw the static figure, keep it, and keep the region the growing artists
        draw in."""
        if self.pristine is None:
            self.canvas.draw()  # draws everything but the animated artists
            self.pristine = self.canvas.copy_from_bbox(self.figure.bbox)
            self._draw_covers()
            if self.growing:  # (lines clip to their axes: nothing they draw goes outside these)
                self.growth_box = Bbox.union([artist.axes.bbox for artist in self.growing]).padded(
                    2
                )
                self.grown = self.pristine_grown = self.canvas.copy_from_bbox(self.growth_box)

    def _draw_covers(self):
        """The second background: the pristine one with the covers drawn on it, and their boxes
        (a few pixels wider: antialiasing). None if a cover could meet what the growing artists
        draw (they restore their own region over it)."""
        if not self.covers:
            return
        renderer = self.canvas.get_renderer()
        for artist, _lines in self.covers:
            self.figure.draw_artist(artist)
        self.cover_boxes = [
            artist.get_window_extent(renderer).padded(3) for artist, _ in self.covers
        ]
        growing = [artist.axes.bbox.padded(2) for artist in self.growing]
        if not any(box.overlaps(area) for box in self.cover_boxes for area in growing):
            self.covered = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.pristine)

    def _clear_of_covers(self) -> bool:
        """Whether no line drawn before a cover comes near its box this frame."""
        if self.covered is None:
            return False
        return not any(
            _within_reach(line, box)
            for (_artist, lines), box in zip(self.covers, self.cover_boxes)
            for line in lines
        )

    def _grow(self):
        """The growing artists' region as drawn so far, with their new pieces drawn into it. Only
        that region is copied, not the whole canvas: skipping frames (for a still) stays quick."""
        if self.growing:
            self.canvas.restore_region(self.grown)
            for artist in self.growing:
                self.figure.draw_artist(artist)
            self.grown = self.canvas.copy_from_bbox(self.growth_box)

    def _render(self, skipped=frozenset()) -> np.ndarray:
        for artist in self.artists:
            if artist.get_visible() and id(artist) not in skipped:
                self.figure.draw_artist(artist)
        if self.labels:
            pixels = np.asarray(self.canvas.buffer_rgba())
            for label in self.labels:
                label.draw(pixels)
        width, height = self.canvas.get_width_height(physical=True)
        # RGBA -> RGB by Pillow's raw decoder: many times faster than copying a NumPy slice [...,
        # :3]
        return np.asarray(
            Image.frombytes("RGB", (width, height), self.canvas.buffer_rgba(), "raw", "RGBX")
        )


def _within_reach(line: Line2D, box: Bbox) -> bool:
    """Whether a line (its strokes and its markers) could put ink inside the box (pixels)."""
    if not line.get_visible():
        return False
    data = line.get_xydata()
    data = data[np.isfinite(data).all(axis=1)]  # a NaN is a gap in the line, drawn nowhere
    if not len(data):
        return False
    xy = line.get_transform().transform(data)  # data -> pixels
    if not np.isfinite(xy).all():  # a point too far to place: its segments could go anywhere
        return True
    points = line.get_linewidth()
    if line.get_marker() not in (None, "None", "none", "", " "):
        points += line.get_markersize() + line.get_markeredgewidth()
    reach = 2 + points * line.figure.dpi / 72  # pixels, with 2 for antialiasing
    if line.get_linestyle() not in ("None", "none", "", " ") and len(xy) > 1:
        # a segment comes near the box only if one of its ends is within its length of it
        reach += np.hypot(*np.diff(xy, axis=0).T).max()
    x0, y0, x1, y1 = box.extents
    near = (xy[:, 0] > x0 - reach) & (xy[:, 0] < x1 + reach)
    return bool((near & (xy[:, 1] > y0 - reach) & (xy[:, 1] < y1 + reach)).any())


#: matplotlib's settings are one for the whole process: one thread at a time changes them.
_STYLE_LOCK = threading.RLock()


@contextmanager
def _text_style():
    """matplotlib's settings in TEXT_STYLE while inside (rc_context would copy every setting); runs
    in other threads wait meanwhile, so that each draws with them and restores what it found."""
    with _STYLE_LOCK:
        saved = {key: matplotlib.rcParams[key] for key in TEXT_STYLE}
        matplotlib.rcParams.update(TEXT_STYLE)
        try:
            yield
        finally:
            matplotlib.rcParams.update(saved)


class LossPieces:
    """Which epochs of the error histories the next frame adds to the loss curves drawn so far."""

    def __init__(self, blitter: Blitter):
        self.blitter = blitter
        self.drawn_until = None  # the last epoch already drawn

    def reset(self):
        self.blitter.reset()
        self.drawn_until = None

    def piece(self, epoch: int) -> slice:
        """The epochs to draw now for a frame at `epoch` (one overlap, so that the pieces join)."""
        if self.drawn_until is not None and epoch < self.drawn_until:  # going back: start again
            self.reset()
        start = 0 if self.drawn_until is None else self.drawn_until
        self.drawn_until = epoch
        return slice(start, epoch + 1)
