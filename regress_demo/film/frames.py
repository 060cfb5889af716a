"""What a frame shows: the figures that turn a run's snapshots into the frames of the film.

Three layouts: SimpleFigure (the fit only, as in the textbook; here), RichFigure (rich.py: the fit,
each hidden neuron's contribution and the loss, for one configuration) and GridFigure (grid.py: a
panel per configuration and a combined loss panel). Each is built once with everything that never
changes; `draw` updates only what changes and returns the frame as pixels (blit.py). make_figure
picks one for a run. INKS are the colours the figures draw with, for the GIF's palette (gif.py).
"""

from __future__ import annotations

from typing import List, Sequence

import numpy as np
from matplotlib.colors import to_rgb

from ..inputs.settings import Settings, show
from ..network import samples as data
from ..network.samples import Dataset
from ..network.train import Snapshot
from .blit import Blitter
from .captions import beyond_textbook, settings_lines
from .fonts import in_its_font
from .grid import GridFigure
from .layouts import PRINT_COLOURS, Layout
from .panels import (
    FIT_COLOUR,
    HELDOUT_COLOUR,
    NEURON_COLOURS,
    OUTPUT_COLOUR,
    SAMPLE_COLOUR,
    TARGET_COLOUR,
    TITLE_Y,
    diverged_hint,
    finite_or_nan,
    fit_axes,
    show_warning,
    warning_box,
    x_label,
    y_label,
)
from .rich import RichFigure
from .stopping import threshold
from .texts import texts_of


class SimpleFigure:
    """The textbook's frame: target, samples, the current fit and the in-epoch outputs."""

    marks = slice(None)  # the samples whose outputs get a + mark (own data: units.mark_step)

    def __init__(self, settings: Settings, dataset: Dataset, still: bool = False):
        self.settings, self.x = settings, dataset.x_train
        self.say = say = texts_of(settings)
        self.grid = data.grid()
        layout = self.layout = Layout(settings, (6.4, 4.8), still)
        self.figure = layout.figure()
        self.blitter = Blitter(self.figure)
        ax = self.ax = self.figure.add_subplot()
        fit_axes(ax, self.grid, dataset, settings)
        animate = self.blitter.animate
        self.fit_line = animate(ax.plot([], [], "-", color=FIT_COLOUR, lw=2.5, label=say("fit"))[0])
        self.output_marks = animate(
            ax.plot([], [], "+", color=OUTPUT_COLOUR, ms=7, mew=1.2, label=say("outputs"))[0]
        )
        self.output_marks.set_visible(settings.show_outputs)
        if not settings.show_outputs:
            self.output_marks.set_label("_hidden")  # not in the legend either
        ax.set_xlabel(x_label(settings))
        ax.set_ylabel(y_label(settings))
        legend_size = layout.font("legend", 8)
        corner = "upper right" if settings.target == "sin" else "best"
        options = dict(loc=corner, fontsize=legend_size, framealpha=0.9)
        legend = ax.legend(**options)
        # over the fit (one placed "best" stays put, under it)
        if corner != "best" and settings.data is None:
            self.blitter.cover(legend)
        name = ax.set_title(
            say("simple_title", n_mid=settings.n_mid, eta=show(settings.eta)),
            fontsize=11,
            loc="left",
            y=TITLE_Y,
        )
        # epoch, error
        self.title = self.blitter.label(ax.set_title("", fontsize=11, loc="right", y=TITLE_Y))
        self.warning = animate(warning_box(ax, 14))
        self.hint = diverged_hint(settings, say)  # a smaller eta, or fix layers.py
        top, headers = 0.93, []
        # the textbook's title says it all; other settings get a header
        if beyond_textbook(settings):
            lines = settings_lines(settings, max_chars=layout.chars(95))
            headers.append(
                self.figure.text(
                    0.5, 0.99, "\n".join(lines), ha="center", va="top", fontsize=7.5, color="0.25"
                )
            )
            top -= 0.035 * len(lines)
        left = 0.1 if settings.target == "sin" else 0.12  # room for longer tick labels, e.g. -1.25
        if not layout.sized:
            self.figure.subplots_adjust(left=left, right=0.97, top=top, bottom=0.1)
        layout.finish(self.figure, headers, lifted=[] if layout.wide else [name])
        if legend in self.blitter.artists:  # a slide's: off the sine's samples
            self.blitter.swap(legend, layout.legend_right_of_zero(ax, legend, options))

    def reset(self):
        """Nothing to forget: each frame depends on its own snapshot only."""

    def skip(self, snapshots: List[Snapshot]):
        """Nothing to remember of a frame that is not drawn."""

    def draw(self, snapshots: List[Snapshot]) -> np.ndarray:
        """The frame for these snapshots (a list of one) as an (H, W, 3) uint8 array."""
        (snapshot,) = snapshots
        s = self.settings
        self.fit_line.set_data(self.grid, finite_or_nan(snapshot.fit(self.grid), snapshot))
        outputs = finite_or_nan(snapshot.outputs, snapshot)
        self.output_marks.set_data(self.x[self.marks], outputs[self.marks])
        self.title.set_text(
            self.say("simple_epoch", epoch=snapshot.epoch, epochs=s.epoch, error=snapshot.error)
        )
        if snapshot.reached:  # --stop-at: the film ends here
            self.title.set_text(
                self.say(
                    "simple_reached",
                    limit=threshold(s.stop_at),
                    epoch=snapshot.epoch,
                    error=snapshot.error,
                )
            )
        show_warning(self.warning, snapshot, self.say, hint=self.hint)
        return self.blitter.render()


@in_its_font  # the texts of a Japanese figure in a Japanese font (fonts.py)
def make_figure(
    settings: Settings,
    dataset: Dataset,
    histories,
    frames: Sequence[List[Snapshot]],
    heldout_histories=None,
    still: bool = False,
):
    """The figure that suits these settings, made to fit every frame of the run: the film's, or
    with `still` one laid out for print in an A4 column (--still)."""
    # your own data (ownunits.py)
    if settings.data is not None and not getattr(dataset, "in_data_units", False):
        from .units import for_drawing, in_units

        figure = make_figure(
            settings, for_drawing(settings, dataset), histories, frames, heldout_histories, still
        )
        in_units(figure, settings, [frame[0] for frame in frames])
        figure.layout.lay_out_again(figure.figure)  # (a still: its ticks' labels in the units)
        return figure
    if settings.is_grid:
        return GridFigure(settings, dataset, histories, heldout_histories, still)
    if settings.simple:
        return SimpleFigure(settings, dataset, still)
    snapshots = [frame[0] for frame in frames]
    return RichFigure(
        settings,
        dataset,
        histories,
        heldout_histories,
        snapshots[-1] if snapshots else None,
        snapshots,
        still,
    )


def _agg_rgb(colour) -> tuple:
    """A matplotlib colour as the 8-bit RGB that Agg draws it with (0.3 -> 76.5 -> 77)."""
    return tuple(int(channel * 255 + 0.5) for channel in to_rgb(colour))


#: The colours the figures draw lines, markers and text with, as Agg draws them. The GIF's palette
#: holds those of them that the sample frames show, exactly.
INKS = [
    _agg_rgb(colour)
    for colour in [
        "black",
        FIT_COLOUR,
        OUTPUT_COLOUR,
        TARGET_COLOUR,
        SAMPLE_COLOUR,
        HELDOUT_COLOUR,
        *NEURON_COLOURS,
        "darkred",
    ]
]
#: In print (--style print), its own colours first.
PRINT_INKS = [_agg_rgb(colour) for colour in PRINT_COLOURS] + INKS


def inks(settings: Settings) -> list:
    """The inks of a run's frames, for the GIF's palette."""
    return PRINT_INKS if settings.style == "print" else INKS
