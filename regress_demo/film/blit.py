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
    without them. Labels (see Label) are blended in last.
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
            self.canvas.restore_region(self.pristine)
            self._grow()
            return self._render()

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
            if self.growing:  # (lines clip to their axes: nothing they draw goes outside these)
                self.growth_box = Bbox.union([artist.axes.bbox for artist in self.growing]).padded(
                    2
                )
                self.grown = self.pristine_grown = self.canvas.copy_from_bbox(self.growth_box)

    def _grow(self):
        """The growing artists' region as drawn so far, with their new pieces drawn into it. Only
        that region is copied, not the whole canvas: skipping frames (for a still) stays quick."""
        if self.growing:
            self.canvas.restore_region(self.grown)
            for artist in self.growing:
                self.figure.draw_artist(artist)
            self.grown = self.canvas.copy_from_bbox(self.growth_box)

    def _render(self) -> np.ndarray:
        for artist in self.artists:
            if artist.get_visible():
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
