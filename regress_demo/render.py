"""Turn the snapshots of a training run into the frames of an animated GIF.

A figure (matplotlib, Agg: no screen needed) is built once with everything that never changes and
drawn once; its pixels are kept as the background. For each frame only the artists that change
(the fit, the markers, the neuron lines, the loss curve, the titles) are updated and drawn over a
copy of that background ("blitting"), and the canvas buffer is copied out as the frame.

Three layouts: SimpleFigure (the fit only, as in the textbook), RichFigure (the fit, each hidden
neuron's contribution and the loss, for one configuration) and GridFigure (a panel per configuration
and a combined loss panel). GifWriter streams the frames into the GIF with Pillow, in a temporary
file beside the target that replaces the target only when the GIF is complete.
"""

from __future__ import annotations

import itertools
import struct
from collections import deque
from pathlib import Path
from typing import List, Optional, Sequence

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullLocator
from PIL import Image

from . import data, targets
from .data import Dataset
from .outputs import AtomicFile, signals_held
from .settings import Settings, show
from .train import Snapshot

DPI = 100
X_LIMITS = (-1.05, 1.05)
#: The neuron panel draws at most this many neurons one by one (those with the largest |w2_j|).
MAX_NEURON_LINES = 8
#: Text without hinting: it looks the same at this size and draws twice as fast (text is most of a frame).
TEXT_STYLE = {"text.hinting": "no_hinting"}
#: Titles sit just above their axes. Given explicitly, matplotlib does not measure the tick labels
#: to place them, which takes a third of the time to draw a figure's background.
TITLE_Y = 1.0
#: How many earlier fits stay visible as faint trails.
TRAILS = 3

FIT_COLOUR, OUTPUT_COLOUR, TARGET_COLOUR, SAMPLE_COLOUR = "tab:red", "tab:blue", "0.45", "0.3"
HELDOUT_COLOUR, HELDOUT_SHADE = "tab:purple", "#f1ecf7"  # the held-out samples and their range
NEURON_COLOURS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan"]
ETA_STYLES = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2, 2, 2))]


def _finite_or_nan(values):
    """Values a diverged network produced, with inf and overflow as gaps (NaN) instead of lines."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (np.abs(values) < 1e6), values, np.nan)


#: Errors above this many times the smallest first-epoch error (and above this, at least) are off the
#: loss chart (a diverging run); they do not stretch its axis.
LOSS_CEILING = 1e3


def _loss_axis(ax, histories: Sequence[Sequence[float]], fontsize=None):
    """A log-scale error axis with fixed limits: x over the epochs trained, y over the errors of the
    networks that did not diverge (all of them if every one did), up to LOSS_CEILING."""
    ax.set_yscale("log")
    ax.yaxis.set_minor_locator(NullLocator())  # ticks and labels at the powers of ten only
    ax.set_xlim(0, max(max(len(history) for history in histories) - 1, 1))
    ax.set_ylim(*_loss_limits(histories))
    ax.set_xlabel("epoch", fontsize=fontsize)
    ax.set_ylabel("error", fontsize=fontsize)
    ax.grid(True, color="0.92")


def _loss_limits(histories: Sequence[Sequence[float]]):
    """y limits that hold every error up to the ceiling; diverged histories count only if all diverged."""
    firsts = [h[0] for h in histories if len(h) and np.isfinite(h[0])]
    ceiling = LOSS_CEILING * max(1.0, min(firsts, default=1.0))  # a target of a larger scale has larger errors
    healthy = [h for h in histories if len(h) and all(np.isfinite(e) and e <= ceiling for e in h)]
    histories = healthy or histories
    errors = np.array([e for history in histories for e in history if np.isfinite(e) and 0 < e <= ceiling])
    if errors.size == 0:
        return 1e-6, 1.0
    low, high = max(errors.min(), 1e-12) / 2, errors.max() * 2
    return low, max(high, low * 10)


class _Label:
    """A one-line text that changes every frame (an epoch, an error), drawn from cached images of its
    characters.

    matplotlib lays out and rasterises a text anew at every draw: the nine labels of a grid frame
    cost twice as much as all its lines. Here each character is rasterised once, by matplotlib with
    the label's own font, and the label is its characters side by side, blended into the frame. The
    text artist keeps the label's text, font, colour and place; matplotlib no longer draws it.
    """

    #: (character, font, dpi) -> (coverage (h, w) in 0..1, x offset, rows above the baseline, advance),
    #: shared by every label: the eight error labels of a grid have one font.
    glyphs: dict = {}

    def __init__(self, text):
        self.text = text
        self.font = None  # (font, font file, dpi) of the glyphs in self.mine
        self.mine: dict = {}  # character -> glyph, for this font: no font to hash per character
        self.placed = self.place = None  # (position, colour, dpi) -> (x, y, colour) on the canvas

    def _glyphs(self, text: str) -> list:
        """The glyph of each character of text, in the label's font."""
        properties = self.text.get_fontproperties()
        font = (properties, font_manager.findfont(properties), self.text.figure.dpi)  # the font file, too
        if font != self.font:
            self.font, self.mine = font, {}
        mine = self.mine
        return [mine[char] if char in mine else mine.setdefault(char, self._glyph(char)) for char in text]

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
            figure.text(2 / side, 1 - baseline / side, char, fontproperties=self.text.get_fontproperties(),
                        color="black", ha="left", va="baseline")
            canvas.draw()
            ink = 1 - np.asarray(canvas.buffer_rgba())[:, :, 0] / 255.0  # black on white: coverage
            rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            renderer = canvas.get_renderer()
            advance = renderer.get_text_width_height_descent(char, self.text.get_fontproperties(), False)[0]
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
        for coverage, offset, above, advance in glyphs:
            places.append((int(round(baseline - above)), int(round(pen + offset))))
            pen += advance
        drawn = [(coverage, top, left) for (coverage, *_), (top, left) in zip(glyphs, places) if coverage.size]
        if not drawn:
            return
        # the characters' coverage in one box, then one blend of the box into the canvas
        top = min(t for _, t, _ in drawn)
        left = min(lft for _, _, lft in drawn)
        bottom = max(t + c.shape[0] for c, t, _ in drawn)
        right = max(lft + c.shape[1] for c, _, lft in drawn)
        box = np.zeros((bottom - top, right - left))
        for coverage, t, lft in drawn:
            part = box[t - top : t - top + coverage.shape[0], lft - left : lft - left + coverage.shape[1]]
            np.maximum(part, coverage, out=part)  # where two characters touch, the darker ink
        # the part of the box inside the canvas
        y0, y1 = max(top, 0), min(bottom, pixels.shape[0])
        x0, x1 = max(left, 0), min(right, pixels.shape[1])
        if y0 < y1 and x0 < x1:
            region = pixels[y0:y1, x0:x1, :3]
            alpha = box[y0 - top : y1 - top, x0 - left : x1 - left, None]
            region[...] = np.rint(region * (1 - alpha) + colour * alpha)


class _Blitter:
    """Draws the static figure once, then per frame only the animated artists over that background.

    Growing artists (the loss curves) are drawn into the background itself, a new piece each frame,
    so a frame never redraws the thousands of points before it. `reset` goes back to the background
    without them. Labels (see _Label) are blended in last.
    """

    def __init__(self, figure: Figure):
        self.figure = figure
        self.canvas = FigureCanvasAgg(figure)
        self.artists, self.growing, self.labels = [], [], []
        self.pristine = self.background = None

    def label(self, text):
        """Mark a one-line text (va="baseline") that changes every frame; returns it. It is drawn
        by a _Label, above every other artist: plain, opaque, unrotated text without a box."""
        assert text.get_va() == "baseline" and not text.get_rotation() and text.get_alpha() is None
        assert text.get_bbox_patch() is None
        text.set_animated(True)
        self.labels.append(_Label(text))
        return text

    def animate(self, artist):
        """Mark an artist as changing from frame to frame; returns it."""
        artist.set_animated(True)
        self.artists.append(artist)
        return artist

    def grow(self, artist):
        """Mark an artist whose data, set before each render, is the piece to add to what is drawn."""
        artist.set_animated(True)
        self.growing.append(artist)
        return artist

    def reset(self):
        """Forget the pieces drawn so far by the growing artists."""
        self.background = self.pristine

    def render(self) -> np.ndarray:
        """The frame as an (H, W, 3) uint8 array."""
        saved = {key: matplotlib.rcParams[key] for key in TEXT_STYLE}  # (rc_context copies every setting)
        matplotlib.rcParams.update(TEXT_STYLE)
        try:
            return self._render()
        finally:
            matplotlib.rcParams.update(saved)

    def _render(self) -> np.ndarray:
        if self.pristine is None:
            self.canvas.draw()  # draws everything but the animated artists
            self.pristine = self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.background)
        if self.growing:
            for artist in self.growing:
                self.figure.draw_artist(artist)
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        for artist in self.artists:
            if artist.get_visible():
                self.figure.draw_artist(artist)
        if self.labels:
            pixels = np.asarray(self.canvas.buffer_rgba())
            for label in self.labels:
                label.draw(pixels)
        width, height = self.canvas.get_width_height(physical=True)
        # RGBA -> RGB by Pillow's raw decoder: many times faster than copying a NumPy slice [..., :3]
        return np.asarray(Image.frombytes("RGB", (width, height), self.canvas.buffer_rgba(), "raw", "RGBX"))


class _LossPieces:
    """Which epochs of the error histories the next frame adds to the loss curves drawn so far."""

    def __init__(self, blitter: _Blitter):
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


def y_limits(dataset: Dataset, grid):
    """The y range of the fit panels, fixed for the whole animation so that nothing jumps: the
    target and the samples, rounded out to tenths, with room above and below (-1.6 to 1.6 for the sine)."""
    values = np.concatenate([dataset.target(grid), dataset.t])
    low, high = np.floor(values.min() * 10) / 10, np.ceil(values.max() * 10) / 10
    room = 0.3 * max(high - low, 0.5)
    return low - room, high + room


def _set_piece(line, history, piece: slice):
    """Give a growing loss line the piece of its history to draw next (zeros and overflow as gaps)."""
    errors = history[piece]
    line.set_data(np.arange(len(history))[piece], np.where(errors > 0, errors, np.nan))


def _fit_axes(ax, grid, dataset: Dataset, settings: Settings, small=False):
    """The parts of a fit panel that never change: the target curve, the samples, the held-out
    range, fixed limits."""
    ax.plot(grid, dataset.target(grid), "--", color=TARGET_COLOUR, lw=1.2 if small else 1.5,
            label=f"target: {targets.describe(settings.target)}")
    label = "training samples" + (f"\n(noise σ={show(settings.noise)})" if settings.noise else "")
    ax.plot(dataset.x_train, dataset.t_train, "o", color=SAMPLE_COLOUR, ms=2 if small else 3, label=label)
    if dataset.holdout is not None:
        ax.axvspan(*dataset.holdout, color=HELDOUT_SHADE, zorder=0, label="held out: never trained on")
        ax.plot(dataset.x_heldout, dataset.t_heldout, "o", color=HELDOUT_COLOUR, mfc="none", ms=3 if small else 4.5,
                mew=1.2, label="held-out samples")
    ax.set_xlim(*X_LIMITS)
    ax.set_ylim(*y_limits(dataset, grid))
    if small:  # a few round ticks are enough for a small panel (and each tick costs time to make)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    ax.grid(True, color="0.92")


def _warning(ax, fontsize):
    """A hidden text box in the middle of a panel, for "diverged at epoch N"."""
    return ax.text(
        0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=fontsize, color="darkred",
        bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred"), visible=False,
    )


def _show_warning(text, snapshot: Snapshot, short=False):
    if snapshot.diverged:
        tail = "" if short else " — try a smaller eta"
        text.set_text(f"diverged at epoch {snapshot.epoch}{tail}")
    text.set_visible(snapshot.diverged)


def _listed(settings: Settings, name: str) -> str:
    return ", ".join(show(value) if isinstance(value, float) else str(value) for value in settings.values(name))


def settings_lines(settings: Settings, max_chars: int = 200) -> List[str]:
    """All settings of a run for the header of a frame: the network and its training on one line,
    and a second line for the data when it is not the textbook's; lines longer than max_chars are
    broken between settings."""
    network = [f"n_mid={_listed(settings, 'n_mid')}"]
    if settings.activation != "sigmoid":
        network.append(f"activation={_listed(settings, 'activation')}")
    if settings.depth != 1:
        network.append(f"depth={_listed(settings, 'depth')}")
    network.append(f"eta={_listed(settings, 'eta')}")
    if settings.momentum != 0:
        network.append(f"momentum={_listed(settings, 'momentum')}")
    if settings.l2 != 0:
        network.append(f"L2={_listed(settings, 'l2')}")
    network += [f"{settings.epoch} epochs", f"wb_width={show(settings.wb_width)}", f"seed={settings.seed}"]
    batch = _listed(settings, "batch_size")
    network.append("SGD, batch size 1" if batch == "1" else f"mini-batch SGD, batch size {batch}")
    samples = []
    if settings.target != "sin":
        samples.append(f"target {targets.describe(settings.target)}")
    if settings.n_points != data.TEXTBOOK_POINTS:
        samples.append(f"{settings.n_points} samples")
    if settings.noise:
        samples.append(f"noise σ={show(settings.noise)}")
    if settings.holdout is not None:
        samples.append(f"held out: x in [{show(settings.holdout[0])}, {show(settings.holdout[1])}]")
    lines = []
    for parts in (network, samples):
        for i, part in enumerate(parts):
            if i and len(lines[-1]) + 3 + len(part) <= max_chars:
                lines[-1] += "   " + part
            else:
                lines.append(part)
    return lines


def beyond_textbook(settings: Settings) -> bool:
    """True if the network, its training or its data differ from the textbook's in more than n_mid
    and eta (the settings the textbook's frame names)."""
    textbook = Settings(n_mid=settings.n_mid, eta=settings.eta, epoch=settings.epoch, wb_width=settings.wb_width,
                        seed=settings.seed)
    return settings_lines(settings) != settings_lines(textbook)


class SimpleFigure:
    """The textbook's frame: target, samples, the current fit and the in-epoch outputs."""

    def __init__(self, settings: Settings, dataset: Dataset):
        self.settings, self.x = settings, dataset.x_train
        self.grid = data.grid()
        self.figure = Figure(figsize=(6.4, 4.8), dpi=DPI)
        self.blitter = _Blitter(self.figure)
        ax = self.ax = self.figure.add_subplot()
        _fit_axes(ax, self.grid, dataset, settings)
        animate = self.blitter.animate
        self.fit_line = animate(ax.plot([], [], "-", color=FIT_COLOUR, lw=2.5, label="network's fit")[0])
        self.output_marks = animate(
            ax.plot([], [], "+", color=OUTPUT_COLOUR, ms=7, mew=1.2, label="outputs during the epoch")[0]
        )
        self.output_marks.set_visible(settings.show_outputs)
        ax.set_xlabel("input x (the angle 0 … 2π rescaled to -1 … 1)" if settings.target == "sin" else "input x")
        ax.set_ylabel("output y")
        ax.legend(loc="upper right" if settings.target == "sin" else "best", fontsize=8, framealpha=0.9)
        ax.set_title(f"n_mid={settings.n_mid}   eta={show(settings.eta)}", fontsize=11, loc="left", y=TITLE_Y)
        self.title = self.blitter.label(ax.set_title("", fontsize=11, loc="right", y=TITLE_Y))  # epoch, error
        self.warning = animate(_warning(ax, 14))
        top = 0.93
        if beyond_textbook(settings):  # the textbook's title says it all; other settings get a header
            lines = settings_lines(settings, max_chars=95)
            self.figure.text(0.5, 0.99, "\n".join(lines), ha="center", va="top", fontsize=7.5, color="0.25")
            top -= 0.035 * len(lines)
        left = 0.1 if settings.target == "sin" else 0.12  # room for longer tick labels, e.g. -1.25
        self.figure.subplots_adjust(left=left, right=0.97, top=top, bottom=0.1)

    def reset(self):
        """Nothing to forget: each frame depends on its own snapshot only."""

    def draw(self, snapshots: List[Snapshot]) -> np.ndarray:
        """The frame for these snapshots (a list of one) as an (H, W, 3) uint8 array."""
        (snapshot,) = snapshots
        s = self.settings
        self.fit_line.set_data(self.grid, _finite_or_nan(snapshot.fit(self.grid)))
        self.output_marks.set_data(self.x, _finite_or_nan(snapshot.outputs))
        self.title.set_text(f"epoch {snapshot.epoch} / {s.epoch}   error {snapshot.error:.2e}")
        _show_warning(self.warning, snapshot)
        return self.blitter.render()


class RichFigure:
    """One configuration explained: the fit with trails, each hidden neuron's contribution, the loss."""

    def __init__(self, settings: Settings, dataset: Dataset, histories, heldout_histories=None,
                 final: Optional[Snapshot] = None, snapshots=()):
        self.settings, self.x = settings, dataset.x_train
        self.history = np.asarray(histories[0], dtype=float)
        heldout = heldout_histories[0] if heldout_histories else []
        self.heldout_history = np.asarray(heldout, dtype=float) if len(heldout) else None
        self.grid = data.grid()
        self.figure = Figure(figsize=(8.4, 8.0), dpi=DPI)
        self.blitter = _Blitter(self.figure)
        animate = self.blitter.animate
        lines = settings_lines(settings, max_chars=110)
        spec = self.figure.add_gridspec(3, 1, height_ratios=[3, 1.7, 1.5], left=0.09, right=0.75,
                                        top=0.92 - 0.016 * (len(lines) - 1), bottom=0.07, hspace=0.32)
        ax_fit = self.ax = self.figure.add_subplot(spec[0])
        ax_neurons = self.ax_neurons = self.figure.add_subplot(spec[1], sharex=ax_fit)
        ax_loss = self.ax_loss = self.figure.add_subplot(spec[2])
        self.figure.text(0.5, 0.975 - 0.008 * (len(lines) - 1), "\n".join(lines), ha="center", va="center",
                         fontsize=9.5 if len(lines) == 1 else 8.5, color="0.25", linespacing=1.3)

        # The fit panel.
        _fit_axes(ax_fit, self.grid, dataset, settings)
        self.trails = deque(maxlen=TRAILS)
        self.trail_lines = [
            animate(ax_fit.plot([], [], "-", color=FIT_COLOUR, lw=1.2, alpha=0.12 + 0.12 * i)[0]) for i in range(TRAILS)
        ]
        self.trail_lines[-1].set_label("earlier fits")
        self.fit_line = animate(ax_fit.plot([], [], "-", color=FIT_COLOUR, lw=2.5, label="network's fit")[0])
        self.output_marks = animate(
            ax_fit.plot([], [], "+", color=OUTPUT_COLOUR, ms=6, mew=1.1, label="outputs during\nthe epoch")[0]
        )
        self.output_marks.set_visible(settings.show_outputs)
        if not settings.show_outputs:
            self.output_marks.set_label("_hidden")
        ax_fit.set_ylabel("output y")
        ax_fit.tick_params(labelbottom=False)
        ax_fit.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
        self.title = self.blitter.label(ax_fit.set_title("epoch  error", fontsize=11, loc="left", y=TITLE_Y))
        self.warning = animate(_warning(ax_fit, 14))

        # The neuron panel: which neurons get a line of their own is fixed for the whole animation.
        n_mid = settings.n_mid
        w2 = np.abs(np.nan_to_num(final.w2, nan=0.0, posinf=0.0, neginf=0.0)) if final is not None else np.zeros(n_mid)
        self.shown = np.sort(np.argsort(-w2, kind="stable")[:MAX_NEURON_LINES])
        self.hidden = np.setdiff1d(np.arange(n_mid), self.shown)
        self.neuron_lines = [
            animate(ax_neurons.plot([], [], "-", color=NEURON_COLOURS[i % len(NEURON_COLOURS)], lw=1.3,
                                    label=f"neuron {j + 1}")[0])
            for i, j in enumerate(self.shown)
        ]
        self.other_line = None
        if self.hidden.size:
            self.other_line = animate(ax_neurons.plot([], [], "-", color="0.6", lw=1.3,
                                                      label=f"{self.hidden.size} more neurons\n(their sum)")[0])
        self.bias_line = animate(ax_neurons.plot([], [], ":", color="black", lw=1.3, label="output bias b2" if settings.depth == 1 else "output bias")[0])
        ax_neurons.axhline(0, color="0.8", lw=0.8)
        ax_neurons.set_ylim(*self._neuron_limits(snapshots))
        ax_neurons.set_xlabel("input x")
        f = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu"}[settings.activation]
        if settings.depth == 1:
            ax_neurons.set_ylabel(f"w2_j · {f}(w1_j x + b1_j)", fontsize=9)
            which = "each hidden neuron's share of the fit"
        else:
            ax_neurons.set_ylabel(f"w_j · h_j(x), h = {f}(…)", fontsize=9)
            which = f"each neuron of the last hidden layer ({settings.depth} of {settings.depth}): its share"
        ax_neurons.set_title(f"{which} (with the bias, they sum to the red line)", fontsize=9, loc="left", y=TITLE_Y)
        ax_neurons.grid(True, color="0.92")
        ax_neurons.legend(loc="upper left", bbox_to_anchor=(1.02, 1.05), fontsize=7.5, frameon=False)

        # The loss panel.
        _loss_axis(ax_loss, [self.history] + ([self.heldout_history] if self.heldout_history is not None else []))
        ax_loss.set_title("error per epoch: mean of ½(y − t)²", fontsize=9, loc="left", y=TITLE_Y)
        self.loss_line = self.blitter.grow(ax_loss.plot([], [], "-", color="tab:red", lw=1.2, label="training")[0])
        self.heldout_line = None
        if self.heldout_history is not None:
            self.heldout_line = self.blitter.grow(
                ax_loss.plot([], [], "-", color=HELDOUT_COLOUR, lw=1.2,
                             label="held out (with the\nweights at the\nepoch's end)")[0]
            )
            ax_loss.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False)
        self.loss_pieces = _LossPieces(self.blitter)
        self.loss_now = animate(ax_loss.plot([], [], "o", color="tab:red", ms=5, clip_on=False)[0])
        self.loss_cursor = animate(ax_loss.axvline(0, color="0.5", lw=0.8))

    def _neuron_limits(self, snapshots):
        """y limits that hold every drawn neuron line of every frame (within reason)."""
        values = [np.array([-1.0, 1.0])]
        for snapshot in snapshots:
            values.append(self._lines(snapshot).ravel())
        values = np.concatenate(values)
        values = values[np.isfinite(values)]
        low, high = max(values.min(), -10), min(values.max(), 10)
        margin = 0.08 * (high - low)
        return low - margin, high + margin

    def _lines(self, snapshot: Snapshot):
        """The neuron panel's curves: the shown neurons, the sum of the others, the bias."""
        contributions = snapshot.contributions(self.grid)
        lines = [contributions[j] for j in self.shown]
        if self.hidden.size:
            lines.append(contributions[self.hidden].sum(axis=0))
        lines.append(np.full_like(self.grid, snapshot.b2))
        return np.array(lines)

    def reset(self):
        """Forget the trails and the loss curve drawn so far, to start the animation again."""
        self.trails.clear()
        for line in self.trail_lines:
            line.set_data([], [])
        self.loss_pieces.reset()

    def draw(self, snapshots: List[Snapshot]) -> np.ndarray:
        """The frame for these snapshots (a list of one) as an (H, W, 3) uint8 array."""
        (snapshot,) = snapshots
        fit = _finite_or_nan(snapshot.fit(self.grid))
        for line, trail in zip(self.trail_lines[TRAILS - len(self.trails):], self.trails):
            line.set_data(self.grid, trail)
        self.trails.append(fit)
        self.fit_line.set_data(self.grid, fit)
        self.output_marks.set_data(self.x, _finite_or_nan(snapshot.outputs))
        self.title.set_text(f"epoch {snapshot.epoch} / {self.settings.epoch}     error {snapshot.error:.2e}")
        _show_warning(self.warning, snapshot)
        lines = self._lines(snapshot)
        for line, values in zip(self.neuron_lines + [self.other_line] * bool(self.hidden.size) + [self.bias_line], lines):
            line.set_data(self.grid, _finite_or_nan(values))
        piece = self.loss_pieces.piece(snapshot.epoch)
        _set_piece(self.loss_line, self.history, piece)
        if self.heldout_line is not None:
            _set_piece(self.heldout_line, self.heldout_history, piece)
        self.loss_now.set_data([snapshot.epoch], [snapshot.error])
        self.loss_cursor.set_xdata([snapshot.epoch, snapshot.epoch])
        return self.blitter.render()


class GridFigure:
    """A comparison grid: one fit panel per configuration (e.g. rows = eta, columns = n_mid), shared
    axes, and a loss panel with one curve per configuration."""

    def __init__(self, settings: Settings, dataset: Dataset, histories, heldout_histories=None):
        self.settings = settings
        self.configurations = settings.configurations()
        self.columns, self.rows = settings.grid_axes()
        self.histories = [np.asarray(h, dtype=float) for h in histories]
        self.heldout = [np.asarray(h, dtype=float) for h in heldout_histories or [] if len(h)]
        self.grid = data.grid()
        rows, cols = settings.grid_shape()
        with_loss = not settings.simple
        lines = settings_lines(settings, int(max(7.0, 2.5 * cols + 0.8) / 0.07))
        header = 0.62 + 0.16 * len(lines)  # inches: the epoch, the settings, the panels' titles
        loss_height = 3.2 if with_loss else 0.0
        width, height = max(7.0, 2.5 * cols + 0.8), 1.95 * rows + loss_height + header + 0.3
        self.figure = Figure(figsize=(width, height), dpi=DPI)
        self.blitter = _Blitter(self.figure)
        animate = self.blitter.animate
        spec = self.figure.add_gridspec(
            rows + with_loss, cols, height_ratios=[1.95] * rows + ([loss_height - 1.3] if with_loss else []),
            left=0.7 / width, right=1 - 0.15 / width, top=1 - header / height, bottom=0.45 / height,
            hspace=0.45, wspace=0.08,
        )
        self.header = self.blitter.label(self.figure.text(0.5, 1 - 0.25 / height, "", ha="center", va="baseline",
                                                          fontsize=11))
        self.figure.text(0.5, 1 - 0.37 / height, "\n".join(lines), ha="center", va="top", fontsize=8.5, color="0.3")
        self.panels = []
        first = None
        for r in range(rows):
            for c in range(cols):
                ax = self.figure.add_subplot(spec[r, c], sharex=first, sharey=first)
                first = first or ax
                _fit_axes(ax, self.grid, dataset, settings, small=True)
                ax.tick_params(labelsize=7, labelleft=(c == 0), labelbottom=(r == rows - 1))
                config = self.configurations[len(self.panels)]
                fit = animate(ax.plot([], [], "-", color=self._colour(config), lw=1.8)[0])
                ax.set_title(settings.label(config, "  "), fontsize=8, loc="left", y=TITLE_Y)
                title = self.blitter.label(ax.set_title("", fontsize=8, loc="right", y=TITLE_Y))  # error, "diverged"
                self.panels.append((fit, title, animate(_warning(ax, 8))))
        if with_loss:
            ax_loss = self.ax_loss = self.figure.add_subplot(spec[rows, :])
            _loss_axis(ax_loss, self.histories + self.heldout, fontsize=8)
            ax_loss.tick_params(labelsize=7)
            if self.heldout:
                ax_loss.set_title("thin lines: held-out error, with the weights at the epoch's end", fontsize=7.5,
                                  loc="right", color=HELDOUT_COLOUR, y=TITLE_Y)
            self.loss_lines = [
                self.blitter.grow(ax_loss.plot([], [], lw=1.2, color=self._colour(config), linestyle=self._style(config),
                                               label=settings.label(config))[0])
                for config in self.configurations
            ]
            self.heldout_lines = [
                self.blitter.grow(ax_loss.plot([], [], lw=0.7, alpha=0.7, color=self._colour(config),
                                               linestyle=self._style(config))[0])
                for config in self.configurations
            ] if self.heldout else []
            self.loss_pieces = _LossPieces(self.blitter)
            longest = max(len(line.get_label()) for line in self.loss_lines)
            columns = int((width - 0.8) / (0.06 * longest + 0.6))  # 7 pt characters are about 0.06 in wide
            ax_loss.legend(handles=self.loss_lines, fontsize=7, ncol=max(1, min(len(self.configurations), columns)),
                           loc="lower left", bbox_to_anchor=(0.0, 1.0), frameon=False)
            self.loss_cursor = animate(ax_loss.axvline(0, color="0.5", lw=0.8))
        self.ax = first

    def _colour(self, config: Settings) -> str:
        """Each column has its colour, in the panels and in the loss panel."""
        if self.columns is None:
            return NEURON_COLOURS[0]
        index = self.settings.values(self.columns).index(getattr(config, self.columns))
        return NEURON_COLOURS[index % len(NEURON_COLOURS)]

    def _style(self, config: Settings):
        """Each row has its line style in the loss panel."""
        if self.rows is None:
            return ETA_STYLES[0]
        return ETA_STYLES[self.settings.values(self.rows).index(getattr(config, self.rows)) % len(ETA_STYLES)]

    def reset(self):
        """Forget the loss curves drawn so far, to start the animation again."""
        if not self.settings.simple:
            self.loss_pieces.reset()

    def draw(self, snapshots: List[Snapshot]) -> np.ndarray:
        """The frame for these snapshots (one per configuration) as an (H, W, 3) uint8 array."""
        epoch = max(snapshot.epoch for snapshot in snapshots)
        self.header.set_text(f"epoch {epoch} / {self.settings.epoch}")
        for (fit, title, warning), snapshot in zip(self.panels, snapshots):
            fit.set_data(self.grid, _finite_or_nan(snapshot.fit(self.grid)))
            title.set_text("diverged" if snapshot.diverged else f"error {snapshot.error:.1e}")
            _show_warning(warning, snapshot, short=True)
        if not self.settings.simple:
            piece = self.loss_pieces.piece(epoch)
            for line, history in zip(self.loss_lines, self.histories):
                _set_piece(line, history, piece)
            for line, history in zip(self.heldout_lines, self.heldout):
                _set_piece(line, history, piece)
            self.loss_cursor.set_xdata([epoch, epoch])
        return self.blitter.render()


def make_figure(settings: Settings, dataset: Dataset, histories, frames: Sequence[List[Snapshot]],
                heldout_histories=None):
    """The figure that suits these settings, made to fit every frame of the run."""
    if settings.is_grid:
        return GridFigure(settings, dataset, histories, heldout_histories)
    if settings.simple:
        return SimpleFigure(settings, dataset)
    snapshots = [frame[0] for frame in frames]
    return RichFigure(settings, dataset, histories, heldout_histories, snapshots[-1] if snapshots else None, snapshots)


def sheet_picks(frame_count: int, count: int = 8) -> List[int]:
    """The indices of `count` frames spread evenly over the animation, first and last included."""
    return sorted({int(i) for i in np.rint(np.linspace(0, frame_count - 1, min(count, frame_count)))})


def contact_sheet(frames: Sequence[np.ndarray], columns: int = 4, shrink: int = 2) -> Image.Image:
    """A still grid of these frames, each `shrink` times smaller (each pixel the mean of a
    shrink x shrink square), `columns` to a row, for slides and print."""
    tiles = [Image.fromarray(frame).reduce(shrink) for frame in frames]
    width, height = tiles[0].size
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (width * min(columns, len(tiles)), height * rows), "white")
    for k, tile in enumerate(tiles):
        sheet.paste(tile, ((k % columns) * width, (k // columns) * height))
    return sheet


#: The colours the figures draw lines, markers and text with. The GIF's palette holds those of them
#: that the sample frames show, exactly.
GIF_INKS = ["black", FIT_COLOUR, OUTPUT_COLOUR, TARGET_COLOUR, SAMPLE_COLOUR, HELDOUT_COLOUR, *NEURON_COLOURS, "darkred"]
#: An ink counts as shown if the samples have it, or a blend of it with at most this share of white
#: (a thin line in a legend may have no pixel of the pure ink).
GIF_INK_REACH = 0.3
#: A colour that fills at least this share of the sample frames joins the palette exactly too (the
#: grid, the legend's frame, any other area).
GIF_AREA_SHARE = 0.001
#: Blends toward white added for each colour of the palette, at 1/4, 2/4 and 3/4 of the way: the
#: antialiased edges of a line on white paper.
GIF_BLENDS = 3
#: At most this many colours, plus one index for the pixels that did not change. Few colours compress
#: well: the edges of a moving line, which are most of what changes from frame to frame, take only a
#: few values, and the compressed codes start one bit wider than an index (7 bits for a table of 64
#: entries, 9 for 256).
GIF_COLOURS = 63
#: Each colour channel is looked up in 2**5 = 32 steps of 8: the lookup table has 32**3 cells. Colours
#: that differ by less than one step in every channel count as one.
GIF_TABLE_BITS = 5
GIF_STEP = 256 >> GIF_TABLE_BITS
WHITE = (255, 255, 255)


def _agg_rgb(colour) -> tuple:
    """A matplotlib colour as the 8-bit RGB that Agg draws it with (0.3 -> 76.5 -> 77)."""
    return tuple(int(channel * 255 + 0.5) for channel in to_rgb(colour))


def _pack(r, g, b):
    """A colour as one number, 0xRRGGBB (NumPy arrays of uint32 too)."""
    return (r << 16) | (g << 8) | b


def _unpack(number) -> tuple:
    """0xRRGGBB back to (r, g, b)."""
    number = int(number)
    return number >> 16, (number >> 8) & 255, number & 255


def _shows_ink(colours: np.ndarray, ink) -> bool:
    """True if any of these (n, 3) colours is the ink, or the ink blended with a little white:
    ink + s (255 - ink) with the same s (up to GIF_INK_REACH) in every channel, give or take 3 levels."""
    ink = np.array(ink, dtype=float)
    room = 255 - ink  # how far each channel can go toward white
    s = ((colours - ink) * room).sum(axis=1) / max((room**2).sum(), 1.0)  # the best share of white
    s = np.clip(s, 0, GIF_INK_REACH)
    return bool((np.abs(colours - (ink + s[:, None] * room)).max(axis=1) <= 3).any())


def gif_palette(sample_frames: Sequence[np.ndarray]) -> np.ndarray:
    """The palette for frames like these, as (n, 3) uint8 with n <= GIF_COLOURS, white first.

    A plot is a few colours (the inks) on white paper, and antialiasing blends each ink with the
    paper along its edges. So the palette holds, in this order while there is room:
    white; each ink in GIF_INKS that the samples show (see _shows_ink); each colour that fills at least GIF_AREA_SHARE
    of the samples; GIF_BLENDS blends toward white of each of those; and, for where one ink crosses
    another (a blue marker over the red line), the halfway blend of each two inks. A colour that is
    less than GIF_STEP away from one already in the palette, in every channel, is left out: near-whites
    become white, so the paper stays exactly white. Any other colour is shown as the nearest one of
    the palette.
    """
    pixels = np.concatenate([np.asarray(frame).reshape(-1, 3) for frame in sample_frames]).astype(np.uint32)
    packed, counts = np.unique(_pack(pixels[:, 0], pixels[:, 1], pixels[:, 2]), return_counts=True)
    colours = np.stack([packed >> 16, (packed >> 8) & 255, packed & 255], axis=1).astype(int)  # (n, 3)
    inks = [rgb for rgb in dict.fromkeys(map(_agg_rgb, GIF_INKS)) if _shows_ink(colours, rgb)]
    by_area = np.argsort(-counts, kind="stable")  # the colours that fill the most pixels first
    by_area = by_area[counts[by_area] >= GIF_AREA_SHARE * len(pixels)]
    areas = [_unpack(packed[k]) for k in by_area]

    palette = [WHITE]

    def add(rgb):
        if len(palette) < GIF_COLOURS and np.abs(np.array(palette) - rgb).max(axis=1).min() >= GIF_STEP:
            palette.append(rgb)

    for rgb in inks + areas:
        add(rgb)
    for rgb in palette[1:]:  # edges on the paper
        for k in range(1, GIF_BLENDS + 1):
            share = k / (GIF_BLENDS + 1)  # how far toward white
            add(tuple(round(c + (255 - c) * share) for c in rgb))
    for ink, other in itertools.combinations(inks, 2):  # edges where one ink crosses another
        add(tuple(round((c + d) / 2) for c, d in zip(ink, other)))
    return np.array(palette, dtype=np.uint8)


def _table_cells(rgb: np.ndarray) -> np.ndarray:
    """The lookup-table cell of each colour in (..., 3) uint8: r // 8 * 32**2 + g // 8 * 32 + b // 8."""
    steps = rgb >> (8 - GIF_TABLE_BITS)  # (one pass over all three channels is faster than three)
    cells = steps[..., 0].astype(np.uint16) << (2 * GIF_TABLE_BITS)
    cells |= steps[..., 1].astype(np.uint16) << GIF_TABLE_BITS
    cells |= steps[..., 2]
    return cells


def nearest_table(palette: np.ndarray) -> np.ndarray:
    """For each cell of the RGB cube, the index of the palette colour nearest to the cell's centre
    (in plain RGB distance), except that a cell holding a palette colour gives that colour, so that
    each colour of the palette maps to itself. Built once per GIF: 32**3 cells x 63 colours."""
    centres = np.arange(GIF_STEP / 2 - 0.5, 256, GIF_STEP, dtype=np.float32)
    cube = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), axis=-1).reshape(-1, 3)
    colours = palette.astype(np.float32)
    # |cube - colour|² = |cube|² - 2 cube·colour + |colour|², and |cube|² is the same for every colour
    distances = (colours**2).sum(axis=1) - 2 * cube @ colours.T
    table = distances.argmin(axis=1).astype(np.uint8)
    # Palette colours are at least GIF_STEP apart in some channel, so no two of them share a cell.
    table[_table_cells(palette)] = np.arange(len(palette))
    return table


class GifWriter:
    """Streams frames into a looping GIF that replaces `path` only when complete.

    setup (reserve a temporary file beside `path`) -> set_palette -> grab_frame for each frame -> finish,
    like matplotlib's animation writers. A plot has few colours, so every frame is drawn with one
    small palette made from sample frames (gif_palette): each pixel becomes the index of the nearest
    palette colour, found in a lookup table (nearest_table). Only the rectangle that changed since the
    frame before is written, with the pixels that did not change transparent. The file is written
    block by block as the GIF format lays it out; Pillow compresses the pixels (LZW). The frames are
    not kept: memory stays at two frames, however many there are. Leaving the `with` block without
    finish() removes the temporary file, and any earlier file at `path` stays as it was.
    """

    def __init__(self, path, frame_ms: int, last_frame_ms: int):
        self.path = Path(path)
        self.frame_ms, self.last_frame_ms = frame_ms, last_frame_ms
        self.count = 0  # frames grabbed so far
        self.file: Optional[AtomicFile] = None
        self.palette: Optional[np.ndarray] = None  # (n, 3) uint8
        self.transparent = 0  # the index of "unchanged": the first one after the palette's colours
        self._table: Optional[np.ndarray] = None  # cell of the RGB cube -> palette index
        self._stream = None
        self._pending: Optional[np.ndarray] = None  # the newest frame: its duration is known at the next
        self._previous: Optional[np.ndarray] = None  # the palette indices of the last frame written

    def setup(self):
        """Create missing folders and the temporary file, so that an unwritable place fails now."""
        self.file = AtomicFile(self.path)
        self._stream = open(self.file.tmp_path, "wb")

    def set_palette(self, sample_frames: Sequence[np.ndarray]):
        """Make the palette of every frame from these (H, W, 3) frames, e.g. the first and the last."""
        self.palette = gif_palette(sample_frames)
        self.transparent = len(self.palette)
        self._table = nearest_table(self.palette)

    def grab_frame(self, frame: np.ndarray):
        """Add one (H, W, 3) uint8 frame."""
        if self.palette is None:
            self.set_palette([frame])
        indices = np.take(self._table, _table_cells(frame))  # (np.take: faster than self._table[...] here)
        with signals_held():  # a frame is written whole, and counted, or not at all
            if self._pending is not None:
                self._write(self._pending, self.frame_ms)
            self._pending = indices
            self.count += 1

    def _write(self, indices: np.ndarray, duration_ms: int):
        """Write one frame: the first whole, after the file's header; later ones as the rectangle that
        changed, in which the pixels that did not change are transparent (they compress to almost nothing)."""
        header = b""
        if self._previous is None:
            header = self._header(width=indices.shape[1], height=indices.shape[0])
            part, offset = indices, (0, 0)
        else:
            changed = indices != self._previous
            rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if rows.size == 0:  # the same picture: one unchanged pixel keeps the frame (and its duration)
                rows, columns = np.array([0]), np.array([0])
            window = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
            part = np.where(changed[window], indices[window], self.transparent).astype(np.uint8)
            offset = (int(columns[0]), int(rows[0]))
        # One write: a Ctrl-C comes before or after it.
        self._stream.write(header + self._image(part, offset, duration_ms))
        self._previous = indices

    def _bits(self) -> int:
        """Bits per index: the colour table has 2**bits entries, enough for the palette and "unchanged"."""
        return max(2, self.transparent.bit_length())  # (the GIF format wants at least 2)

    def _header(self, width: int, height: int) -> bytes:
        """The start of the file: signature, screen size, the colour table, and "loop forever"."""
        bits = self._bits()
        table = np.zeros((2**bits, 3), np.uint8)  # the entries after the palette's colours are never shown
        table[: len(self.palette)] = self.palette
        # Screen descriptor flags: a global colour table (0x80), 8 bits per primary (0x70), its size.
        screen = struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (bits - 1), 0, 0)  # background: 0, white
        loop = b"!\xff\x0bNETSCAPE2.0" + struct.pack("<BBHB", 3, 1, 0, 0)  # repeat count 0: forever
        return b"GIF89a" + screen + table.tobytes() + loop

    def _image(self, part: np.ndarray, offset, duration_ms: int) -> bytes:
        """One frame: how long it shows and which index is transparent, where it goes, its pixels."""
        bits = self._bits()
        # Graphic control: disposal 1 (keep this frame under the next one) and the transparent index
        # (the first frame, written whole, has no pixel with it).
        control = b"!\xf9" + struct.pack("<BBHBB", 4, (1 << 2) | 1, duration_ms // 10, self.transparent, 0)
        height, width = part.shape
        descriptor = b"," + struct.pack("<HHHHB", offset[0], offset[1], width, height, 0)  # no own table
        # Pillow's GIF encoder compresses the indices (LZW, codes starting at bits + 1 bits; 0: not
        # interlaced) and cuts the result into the format's sub-blocks of at most 255 bytes; a 0 byte ends them.
        pixels = Image.fromarray(np.ascontiguousarray(part)).tobytes("gif", "L", bits, 0)
        return control + descriptor + bytes([bits]) + pixels + b"\0"

    def finish(self) -> Path:
        """Write the last frame, held for last_frame_ms, close the GIF and move it into place."""
        self._write(self._pending, max(self.frame_ms, self.last_frame_ms))
        self._stream.write(b";")  # the GIF trailer
        self._stream.close()
        return self.file.commit()

    def __enter__(self):
        self.setup()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._stream is not None:
            self._stream.close()
        self.file.discard()  # after finish() there is nothing left to remove
        return False
