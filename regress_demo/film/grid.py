"""A comparison grid's frame: a fit panel per configuration (rows and columns of two settings),
shared axes, and a loss panel with a curve per configuration."""

from __future__ import annotations

from typing import List

import numpy as np

from ..inputs.settings import Settings
from ..network import samples as data
from ..network.samples import Dataset
from ..network.train import Snapshot
from .blit import Blitter, LossPieces
from .breaking import break_between_terms
from .captions import settings_lines
from .layouts import Layout, grid_inches, mark_epochs, print_look
from .panels import (
    ETA_STYLES,
    HELDOUT_COLOUR,
    TITLE_Y,
    finite_or_nan,
    fit_axes,
    grid_colours,
    loss_axis,
    set_piece,
    show_warning,
    warning_box,
)
from .stopping import grid_header
from .texts import texts_of


class GridFigure:
    """A comparison grid: one fit panel per configuration (e.g. rows = eta, columns = n_mid), shared
    axes, and a loss panel with one curve per configuration."""

    def __init__(
        self, settings: Settings, dataset: Dataset, histories, heldout_histories=None, still=False
    ):
        self.settings = settings
        self.configurations = settings.configurations()
        self.columns, self.rows = settings.grid_axes()
        self.histories = [np.asarray(h, dtype=float) for h in histories]
        self.heldout = [np.asarray(h, dtype=float) for h in heldout_histories or [] if len(h)]
        self.say = texts_of(settings)
        self.grid = data.grid()
        rows, cols = settings.grid_shape()
        with_loss = not settings.simple
        layout = self.layout = Layout(settings, grid_inches(settings)[:2], still)
        lines = settings_lines(settings, layout.chars(int(max(7.0, 2.5 * cols + 0.8) / 0.07)))
        width, height, header, loss_height = grid_inches(settings, len(lines))
        self.figure = layout.figure()
        self.blitter = Blitter(self.figure)
        if layout.sized:
            spec = layout.grid_spec(self.figure, rows, cols, with_loss)
        else:
            spec = self.figure.add_gridspec(
                rows + with_loss,
                cols,
                height_ratios=[1.95] * rows + ([loss_height - 1.3] if with_loss else []),
                left=0.7 / width,
                right=1 - 0.15 / width,
                top=1 - header / height,
                bottom=0.45 / height,
                hspace=0.45,
                wspace=0.08,
            )
        self.header = self.blitter.label(
            self.figure.text(0.5, 1 - 0.25 / height, "", ha="center", va="baseline", fontsize=11)
        )
        settings_text = self.figure.text(
            0.5,
            1 - 0.37 / height,
            "\n".join(lines),
            ha="center",
            va="top",
            fontsize=8.5,
            color="0.3",
        )
        names = self._fit_panels(spec, dataset, rows, cols)
        if with_loss:
            self._loss_panel(spec[rows, :], width)
        self.status_chars, status_lines = self._status_lines(cols)
        layout.finish(self.figure, [self.header, settings_text], lifted=names, lines=status_lines)

    def _fit_panels(self, spec, dataset: Dataset, rows: int, cols: int):
        """A fit panel per configuration, row by row, sharing their axes; returns their names."""
        settings, animate = self.settings, self.blitter.animate
        self.panels, self.heldout_texts, names = [], [], []
        first = None
        for r in range(rows):
            for c in range(cols):
                ax = self.figure.add_subplot(spec[r, c], sharex=first, sharey=first)
                first = first or ax
                fit_axes(ax, self.grid, dataset, settings, small=True)
                ax.tick_params(labelsize=7, labelleft=(c == 0), labelbottom=(r == rows - 1))
                config = self.configurations[len(self.panels)]
                fit = animate(ax.plot([], [], "-", color=self._colour(config), lw=1.8)[0])
                names.append(
                    ax.set_title(settings.label(config, "  "), fontsize=8, loc="left", y=TITLE_Y)
                )
                # error, "diverged" (in a still, maybe in lines: drawn by matplotlib, not a Label)
                title = ax.set_title("", fontsize=8, loc="right", y=TITLE_Y)
                title = (animate if self.layout.still else self.blitter.label)(title)
                self.panels.append((fit, title, animate(warning_box(ax, 8))))
                if settings.holdout is not None and not self.layout.still:
                    self.heldout_texts.append(self._heldout_text(ax))
        self.ax = first
        return names

    def _heldout_text(self, ax):
        """The held-out error, under the panel's title on the right, in the held-out samples'
        colour: the network that fits its points best may guess the unseen range worst. (In a
        still, a line of its own under the title's error.)"""
        text = ax.text(
            0.98, 0.9, "", transform=ax.transAxes, ha="right", fontsize=8, color=HELDOUT_COLOUR
        )
        return self.blitter.animate(text)

    def _loss_panel(self, cell, width: float):
        """The loss panel under the fits: a curve per configuration (and its held-out error)."""
        settings, say, animate = self.settings, self.say, self.blitter.animate
        ax_loss = self.ax_loss = self.figure.add_subplot(cell)
        loss_axis(ax_loss, self.histories + self.heldout, say, fontsize=8)
        ax_loss.tick_params(labelsize=7)
        if self.heldout:
            ax_loss.set_title(
                say("grid_heldout_note"),
                fontsize=7.5,
                loc="right",
                color=HELDOUT_COLOUR,
                y=TITLE_Y,
            )
        self.loss_lines = [
            self.blitter.grow(
                ax_loss.plot(
                    [],
                    [],
                    lw=1.2,
                    color=self._colour(config),
                    linestyle=self._style(config),
                    label=settings.label(config),
                )[0]
            )
            for config in self.configurations
        ]
        self.heldout_lines = (
            [
                self.blitter.grow(
                    ax_loss.plot(
                        [],
                        [],
                        lw=0.7,
                        alpha=0.7,
                        color=self._colour(config),
                        linestyle=self._style(config),
                    )[0]
                )
                for config in self.configurations
            ]
            if self.heldout
            else []
        )
        self.loss_pieces = LossPieces(self.blitter)
        # each curve its own dashes and marks too, for black and white
        if settings.style == "print":
            for k, line in enumerate(self.loss_lines + self.heldout_lines):
                line.set(**print_look(k % len(self.loss_lines)))
        self._loss_legend(ax_loss, width)
        self.loss_cursor = animate(ax_loss.axvline(0, color="0.5", lw=0.8))

    def _loss_legend(self, ax_loss, width: float):
        """The loss panel's legend above it: a configuration per entry, as many columns as fit."""
        layout = self.layout
        longest = max(len(line.get_label()) for line in self.loss_lines)
        # 7 pt characters are about 0.06 in wide
        columns = int((width - 0.8) / (0.06 * longest + 0.6))
        if layout.sized:
            columns = layout.legend_columns(longest)
        legend_size = layout.font("legend", 7)
        columns = max(1, min(len(self.configurations), columns))
        ax_loss.legend(
            handles=self.loss_lines,
            fontsize=legend_size,
            ncol=columns,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            frameon=False,
        )

    def _status_lines(self, cols: int):
        """How a panel's status (its error, diverged, reached) is broken into lines: in a still,
        as narrow as its panel (in an A4 column a wide grid's panels have no room for `reached at
        epoch 38` on one line), as (characters a line, lines at most); in the film, (0, 1): one
        line."""
        layout, say = self.layout, self.say
        if not layout.still:
            return 0, 1
        error = 0.05  # (your own data's error also says its share of var(y): "(100 %)")
        if self.settings.data is not None:
            from .units import ErrorValue

            error = ErrorValue(error, error, say)
        statuses = [say("grid_error", error=error), say("grid_diverged")]
        if self.settings.stop_at is not None:
            statuses.append(say("grid_reached", epoch=self.settings.epoch - 1))
        # with a held-out range, its error on lines of its own below (with its share of var(y))
        heldout = [say("grid_heldout_error", error=0.05) + " (100 %)"] * (
            self.settings.holdout is not None
        )
        panel = (layout.inches[0] - 0.6) / cols - 0.15  # inches: less the tick labels, the gaps
        renderer, widths = self.figure.canvas.get_renderer(), []
        for status in statuses + heldout:  # each measured at the titles' size, in the figure's font
            text = self.figure.text(0, 0, status, fontsize=layout.fonts["title"])
            widths.append(text.get_window_extent(renderer).width / self.figure.dpi)
            text.remove()
        chars = max(4, min(int(len(s) * panel / w) for s, w in zip(statuses + heldout, widths)))
        lines = max(len(break_between_terms(s, chars).split("\n")) for s in statuses)
        return chars, lines + sum(len(break_between_terms(s, chars).split("\n")) for s in heldout)

    def _heldout_status(self, snapshot: Snapshot) -> str:
        """`held-out error 2.6e+01 (258 %)`, or nothing for a network that diverged."""
        heldout = snapshot.heldout_error
        if snapshot.diverged or heldout is None:
            return ""
        return self.say("grid_heldout_error", error=heldout)

    def _status(self, text: str) -> str:
        """A panel's status as it is shown: broken into lines in a still (_status_lines)."""
        return break_between_terms(text, self.status_chars) if self.status_chars else text

    def _colour(self, config: Settings) -> str:
        """Each column has its colour, in the panels and in the loss panel (in print: each
        panel)."""
        if self.settings.style == "print":
            return print_look(self.configurations.index(config))["color"]
        colours = grid_colours(self.settings)
        if self.columns is None:
            return colours[0]
        index = self.settings.values(self.columns).index(getattr(config, self.columns))
        return colours[index % len(colours)]

    def _style(self, config: Settings):
        """Each row has its line style in the loss panel."""
        if self.rows is None:
            return ETA_STYLES[0]
        return ETA_STYLES[
            self.settings.values(self.rows).index(getattr(config, self.rows)) % len(ETA_STYLES)
        ]

    def reset(self):
        """Forget the loss curves drawn so far, to start the animation again."""
        if not self.settings.simple:
            self.loss_pieces.reset()

    def draw(self, snapshots: List[Snapshot]) -> np.ndarray:
        """The frame for these snapshots (one per configuration) as an (H, W, 3) uint8 array."""
        epoch = max(snapshot.epoch for snapshot in snapshots)
        self.header.set_text(self.say("grid_epoch", epoch=epoch, epochs=self.settings.epoch))
        if self.settings.stop_at is not None:  # --stop-at: how many have reached it
            self.header.set_text(
                grid_header(snapshots, self.settings.stop_at, epoch, self.settings.epoch, self.say)
                or self.header.get_text()
            )
        for (fit, title, warning), snapshot in zip(self.panels, snapshots):
            fit.set_data(self.grid, finite_or_nan(snapshot.fit(self.grid), snapshot))
            status = (
                self.say("grid_diverged")
                if snapshot.diverged
                else self.say("grid_error", error=snapshot.error)
            )
            if snapshot.reached:  # --stop-at: this network stopped here
                status = self.say("grid_reached", epoch=snapshot.epoch)
            status = self._status(status)
            if self.layout.still and self.settings.holdout is not None:
                status += "\n" + self._status(self._heldout_status(snapshot))
            title.set_text(status)
            show_warning(warning, snapshot, self.say, short=True)
        for text, snapshot in zip(self.heldout_texts, snapshots):
            text.set_text(self._heldout_status(snapshot))
        if not self.settings.simple:
            self._next_loss_pieces(epoch)
            self.loss_cursor.set_xdata([epoch, epoch])
        return self.blitter.render()

    def _next_loss_pieces(self, epoch: int):
        piece = self.loss_pieces.piece(epoch)
        for line, history in zip(self.loss_lines, self.histories):
            set_piece(line, history, piece)
        for line, history in zip(self.heldout_lines, self.heldout):
            set_piece(line, history, piece)
        # marks at the same epochs whatever the pieces: about 10 a curve
        if self.settings.style == "print":
            mark_epochs(self.loss_lines + self.heldout_lines, self.settings.epoch)

    def skip(self, snapshots: List[Snapshot]):
        """What drawing this frame leaves for the next ones (its piece of the loss curves), without
        drawing it: the same state as after draw."""
        if not self.settings.simple:
            self._next_loss_pieces(max(snapshot.epoch for snapshot in snapshots))
            self.blitter.grow_only()
