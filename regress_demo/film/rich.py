"""The default frame of a single run: the fit with its trails and the outputs during the epoch,
each hidden neuron's share of the fit (w2_j · σ(w1_j x + b1_j), which with the output bias sums to
the fit), and the error per epoch. Built once with everything that never changes; `draw` updates
only what changes (blit.py).
"""

from __future__ import annotations

from collections import deque
from typing import List, Optional

import numpy as np

from ..inputs.settings import Settings
from ..network import layers
from ..network import samples as data
from ..network.samples import Dataset
from ..network.train import Snapshot
from .blit import Blitter, LossPieces
from .captions import settings_lines
from .layouts import Layout, print_look
from .panels import (
    FIT_COLOUR,
    HELDOUT_COLOUR,
    NEURON_COLOURS,
    OUTPUT_COLOUR,
    TITLE_Y,
    diverged_hint,
    finite_or_nan,
    fit_axes,
    loss_axis,
    set_piece,
    show_warning,
    warning_box,
    x_label,
    y_label,
)
from .stopping import threshold
from .texts import texts_of

#: The neuron panel draws at most this many neurons one by one (those with the largest |w2_j|).
MAX_NEURON_LINES = 8
#: How many earlier fits stay visible as faint trails.
TRAILS = 3


class RichFigure:
    """One configuration explained: the fit with trails, each hidden neuron's contribution, the
    loss."""

    marks = slice(None)  # the samples whose outputs get a + mark (own data: units.mark_step)

    def __init__(
        self,
        settings: Settings,
        dataset: Dataset,
        histories,
        heldout_histories=None,
        final: Optional[Snapshot] = None,
        snapshots=(),
        still: bool = False,
    ):
        self.settings, self.x = settings, dataset.x_train
        self.history = np.asarray(histories[0], dtype=float)
        heldout = heldout_histories[0] if heldout_histories else []
        self.heldout_history = np.asarray(heldout, dtype=float) if len(heldout) else None
        self.say = texts_of(settings)
        self.grid = data.grid()
        layout = self.layout = Layout(settings, (8.4, 8.0), still)
        self.figure = layout.figure()
        self.blitter = Blitter(self.figure)
        lines = settings_lines(settings, max_chars=layout.chars(110))
        self.ax, self.ax_neurons, self.ax_loss = self._panels(layout, len(lines))
        self.header = self.figure.text(
            0.5,
            0.975 - 0.008 * (len(lines) - 1),
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=9.5 if len(lines) == 1 else 8.5,
            color="0.25",
            linespacing=1.3,
        )

        self._fit_panel(dataset, settings, layout)
        self._neuron_lines(settings, final, layout)
        self._neuron_axes(settings, snapshots, layout)
        self._loss_panel(settings, layout)
        # Side by side, the fit's title (with your own data, longer: its share of var(y)) would run
        # into the neurons' title on its right: that one goes a line up.
        lifted = [self.neurons_title] if layout.wide and settings.data is not None else []
        layout.finish(self.figure, [self.header], lifted=lifted, fit_axes=self.ax)
        if self.fit_legend in self.blitter.artists:  # a slide's: off the sine's samples
            legend = layout.legend_right_of_zero(self.ax, self.fit_legend, self.fit_legend_options)
            self.fit_legend = self.blitter.swap(self.fit_legend, legend)

    def _panels(self, layout: Layout, header_lines: int):
        """The three panels, one above the other: the fit, the neurons (sharing its x), the loss."""
        if layout.sized:
            ax_fit, ax_neurons, ax_loss = layout.rich_axes(self.figure)
        else:
            spec = self.figure.add_gridspec(
                3,
                1,
                height_ratios=[3, 1.7, 1.5],
                left=0.09,
                right=0.75,
                top=0.92 - 0.016 * (header_lines - 1),
                bottom=0.07,
                hspace=0.36,
            )
            ax_fit = self.figure.add_subplot(spec[0])
            ax_neurons = self.figure.add_subplot(spec[1], sharex=ax_fit)
            ax_loss = self.figure.add_subplot(spec[2])
        return ax_fit, ax_neurons, ax_loss

    def _fit_panel(self, dataset: Dataset, settings: Settings, layout: Layout):
        """The fit panel: the samples, the fit and its trails, the outputs during the epoch."""
        ax_fit, say, animate = self.ax, self.say, self.blitter.animate
        fit_axes(ax_fit, self.grid, dataset, settings)
        self.trails = deque(maxlen=TRAILS)
        self.trail_lines = [
            animate(ax_fit.plot([], [], "-", color=FIT_COLOUR, lw=1.2, alpha=0.12 + 0.12 * i)[0])
            for i in range(TRAILS)
        ]
        self.trail_lines[-1].set_label(say("earlier_fits"))
        self.fit_line = animate(
            ax_fit.plot([], [], "-", color=FIT_COLOUR, lw=2.5, label=say("fit"))[0]
        )
        self.output_marks = animate(
            ax_fit.plot(
                [], [], "+", color=OUTPUT_COLOUR, ms=6, mew=1.1, label=say("outputs_wrapped")
            )[0]
        )
        self.output_marks.set_visible(settings.show_outputs)
        if not settings.show_outputs:
            self.output_marks.set_label("_hidden")
        ax_fit.set_ylabel(y_label(settings))
        ax_fit.tick_params(labelbottom=False)
        options = self.fit_legend_options = layout.fit_legend(settings)
        legend = self.fit_legend = ax_fit.legend(**options)
        # inside the panel: drawn over the fit and the outputs
        if "bbox_to_anchor" not in options and options["loc"] != "best":
            self.blitter.cover(legend)
        self.title = self.blitter.label(
            ax_fit.set_title(say("rich_epoch_blank"), fontsize=11, loc="left", y=TITLE_Y)
        )
        self.warning = animate(warning_box(ax_fit, 14))
        self.hint = diverged_hint(settings, say)  # a smaller eta, or fix layers.py

    def _neuron_lines(self, settings: Settings, final: Optional[Snapshot], layout: Layout):
        """The neuron panel's lines: which neurons get a line of their own is fixed for the whole
        animation (the largest |w2_j| of the last frame), the others summed; the output bias."""
        ax_neurons, say, animate = self.ax_neurons, self.say, self.blitter.animate
        n_mid = settings.n_mid
        w2 = (
            np.abs(np.nan_to_num(final.w2, nan=0.0, posinf=0.0, neginf=0.0))
            if final is not None
            else np.zeros(n_mid)
        )
        self.shown = np.sort(
            np.argsort(-w2, kind="stable")[: layout.neuron_lines(MAX_NEURON_LINES, n_mid)]
        )
        self.hidden = np.setdiff1d(np.arange(n_mid), self.shown)
        self.neuron_lines = [
            animate(
                ax_neurons.plot(
                    [],
                    [],
                    "-",
                    color=NEURON_COLOURS[i % len(NEURON_COLOURS)],
                    lw=1.3,
                    label=say("neuron", number=j + 1),
                )[0]
            )
            for i, j in enumerate(self.shown)
        ]
        self.other_line = None
        if self.hidden.size:
            self.other_line = animate(
                ax_neurons.plot(
                    [],
                    [],
                    "-",
                    color="0.6",
                    lw=1.3,
                    label=say("more_neurons", count=self.hidden.size),
                )[0]
            )
        bias_key = "output_bias_b2" if settings.depth == 1 else "output_bias"
        # your own data: the bias in y's units, mean + sd · b2 (ownunits.py)
        if settings.data is not None:
            bias_key = "data_bias_b2" if settings.depth == 1 else "data_bias"
        self.bias_line = animate(
            ax_neurons.plot([], [], ":", color="black", lw=1.3, label=say(bias_key))[0]
        )

    def _neuron_axes(self, settings: Settings, snapshots, layout: Layout):
        """The neuron panel's axes: limits for every frame, labels that name the math, the title."""
        ax_neurons, say = self.ax_neurons, self.say
        # each neuron its own dashes and marks too, for black and white
        if settings.style == "print":
            for i, line in enumerate(self.neuron_lines):
                line.set(**print_look(i, len(self.grid)))
        ax_neurons.axhline(0, color="0.8", lw=0.8)
        ax_neurons.set_ylim(*self._neuron_limits(snapshots))
        ax_neurons.set_xlabel(x_label(settings))
        f = layers.label(settings.activation)  # σ, tanh, relu, or a new class's own
        if settings.depth == 1:
            neuron_label = f"w2_j · {f}(w1_j x + b1_j)"
            which = say("neurons_share")
        else:
            neuron_label = f"w_j · h_j(x), h = {f}(…)"
            which = say("neurons_share_deep", depth=settings.depth)
        if settings.data is not None:  # your own data: in y's units, of u (x rescaled)
            neuron_label = "sd · " + neuron_label.replace(" x ", " u ").replace("(x)", "(u)")
        ax_neurons.set_ylabel(neuron_label, fontsize=9)
        # In print, no text names a colour: in black and white there is none.
        printed = settings.style == "print"
        if settings.log_y:  # the network learns log10 y: the lines sum to log10 of the fit
            which = say("neurons_share_log_y") if settings.depth == 1 else which
            title = say(
                "neurons_title_print_log_y" if printed else "neurons_title_log_y", which=which
            )
        else:
            title = say("neurons_title_print" if printed else "neurons_title", which=which)
        self.neurons_title = ax_neurons.set_title(title, fontsize=9, loc="left", y=TITLE_Y)
        ax_neurons.grid(True, color="0.92")
        ax_neurons.legend(**layout.legend(7.5, (1.02, 1.05)))

    def _loss_panel(self, settings: Settings, layout: Layout):
        """The loss panel: the error of every epoch so far (and the held-out error), growing."""
        ax_loss, say, animate = self.ax_loss, self.say, self.blitter.animate
        loss_axis(
            ax_loss,
            [self.history] + ([self.heldout_history] if self.heldout_history is not None else []),
            say,
        )
        ax_loss.set_title(say("loss_title"), fontsize=9, loc="left", y=TITLE_Y)
        self.loss_line = self.blitter.grow(
            ax_loss.plot([], [], "-", color="tab:red", lw=1.2, label=say("training"))[0]
        )
        self.heldout_line = None
        if self.heldout_history is not None:
            self.heldout_line = self.blitter.grow(
                ax_loss.plot([], [], "-", color=HELDOUT_COLOUR, lw=1.2, label=say("heldout_error"))[
                    0
                ]
            )
            if settings.style == "print":  # the held-out error dashed
                self.heldout_line.set_linestyle("--")
            ax_loss.legend(**layout.legend(8))
        self.loss_pieces = LossPieces(self.blitter)
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
        fit = finite_or_nan(snapshot.fit(self.grid), snapshot)
        for line, trail in zip(self.trail_lines[TRAILS - len(self.trails) :], self.trails):
            line.set_data(self.grid, trail)
        self.trails.append(fit)
        self.fit_line.set_data(self.grid, fit)
        outputs = finite_or_nan(snapshot.outputs, snapshot)
        self.output_marks.set_data(self.x[self.marks], outputs[self.marks])
        self.title.set_text(
            self.say(
                "rich_epoch", epoch=snapshot.epoch, epochs=self.settings.epoch, error=snapshot.error
            )
        )
        if snapshot.reached:  # --stop-at: the film ends here
            self.title.set_text(
                self.say(
                    "rich_reached",
                    limit=threshold(self.settings.stop_at),
                    epoch=snapshot.epoch,
                    error=snapshot.error,
                )
            )
        show_warning(self.warning, snapshot, self.say, hint=self.hint)
        lines = self._lines(snapshot)
        for line, values in zip(
            self.neuron_lines + [self.other_line] * bool(self.hidden.size) + [self.bias_line], lines
        ):
            line.set_data(self.grid, finite_or_nan(values, snapshot))
        self._next_loss_piece(snapshot.epoch)
        self.loss_now.set_data([snapshot.epoch], [snapshot.error])
        self.loss_cursor.set_xdata([snapshot.epoch, snapshot.epoch])
        return self.blitter.render()

    def _next_loss_piece(self, epoch: int):
        piece = self.loss_pieces.piece(epoch)
        set_piece(self.loss_line, self.history, piece)
        if self.heldout_line is not None:
            set_piece(self.heldout_line, self.heldout_history, piece)

    def skip(self, snapshots: List[Snapshot]):
        """What drawing this frame leaves for the next ones (its fit as a trail, its piece of the
        loss curve), without drawing it: the same state as after draw."""
        (snapshot,) = snapshots
        self.trails.append(finite_or_nan(snapshot.fit(self.grid), snapshot))
        self._next_loss_piece(snapshot.epoch)
        self.blitter.grow_only()
