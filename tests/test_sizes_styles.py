"""Frames of any size (--size) and for print (--style print): the frame's pixels, the size of its text,
no text over another or off the frame, lines told apart in black and white, no colour named."""

import json
import re

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from regress_demo import cli
from regress_demo.frames import PRINT_INKS, make_figure
from regress_demo.layouts import MAX_SIDE, MIN_SIDE, natural_size
from regress_demo.lockstep import Lockstep
from regress_demo.run import make_gif, replay_settings
from regress_demo.settings import Settings
from regress_demo.train import Training

from helpers import decode_gif, run_main

SLIDE = Settings(epoch=31, frames=3, size=(1920, 1080))
GRID = SLIDE.replace(n_mid=(1, 3, 10), eta=(0.05, 0.5))
COLOUR_WORDS = ["red", "blue", "green", "orange", "purple", "brown", "pink", "olive", "cyan", "grey", "gray",
                "yellow", "black", "violet", "magenta"]


def figure_frames(settings):
    """A run's frames, as the figures take them."""
    if settings.is_grid:
        return list(Lockstep(settings).snapshots())
    return [[snapshot] for snapshot in Training(settings).snapshots()]


def drawn_figure(settings):
    """The figure of a run drawn at its last frame."""
    if settings.is_grid:
        training = Lockstep(settings)
        frames = list(training.snapshots())
        histories, heldout = training.errors, training.heldout_errors
    else:
        training = Training(settings)
        frames = [[snapshot] for snapshot in training.snapshots()]
        histories, heldout = [training.errors], [training.heldout_errors]
    figure = make_figure(settings, training.dataset, histories, frames, heldout)
    figure.draw(frames[0])
    figure.draw(frames[-1])
    return figure


def visible_texts(figure):
    """Every text the frame shows, with its role: tick labels inside their axis' view only."""
    ticks, texts = set(), []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
                if low - 1e-9 * abs(high - low) <= tick.get_loc() <= high + 1e-9 * abs(high - low):
                    texts += [(label, "tick") for label in (tick.label1, tick.label2) if label.get_visible()]
        heading = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        texts += [(text, "title") for text in heading]
        ticks.update(id(text) for text in heading)
    texts += [(text, "other") for text in figure.findobj(Text) if id(text) not in ticks]
    seen, shown = set(), []
    for text, role in texts:
        if id(text) not in seen and text.get_visible() and text.get_text().strip():
            seen.add(id(text))
            shown.append((text, role))
    return shown


def check_text(figure_object, width, height):
    figure = figure_object.figure
    renderer = figure.canvas.get_renderer()
    texts = visible_texts(figure)
    assert len(texts) > 15
    boxes = []
    for text, role in texts:
        pixels = text.get_fontsize() * figure.dpi / 72
        assert pixels >= (36 if role == "title" else 28) - 1e-9, (text.get_text(), role, pixels)
        box = text.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5, text.get_text()
        boxes.append((text.get_text(), box))
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            overlap = min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)
            assert min(overlap) <= 0.5, f"{first!r} overlaps {second!r}"


@pytest.fixture(scope="module")
def slide_gif(tmp_path_factory):
    return decode_gif(make_gif(SLIDE, tmp_path_factory.mktemp("slide") / "run.gif").path)


def test_a_1920x1080_film_has_frames_of_that_size_filled_to_the_edges(slide_gif):
    assert len(slide_gif.frames) == 3 and slide_gif.sizes == {(1920, 1080)}
    frame = slide_gif.frames[-1]
    assert frame.shape == (1080, 1920, 3)
    columns = np.flatnonzero((frame < 245).any(axis=2).any(axis=0))
    assert (columns[-1] - columns[0]) / 1920 >= 0.9  # no letterboxing


@pytest.fixture(scope="module")
def slide_figure():
    return drawn_figure(SLIDE)


def test_text_at_1920x1080_is_large_inside_the_frame_and_never_over_other_text(slide_figure):
    assert slide_figure.figure.canvas.get_width_height() == (1920, 1080)
    check_text(slide_figure, 1920, 1080)


def test_the_text_check_sees_text_over_text_and_off_the_frame(slide_figure):
    figure = slide_figure.figure
    title = slide_figure.ax_neurons.get_title(loc="left")
    extra = figure.text(0.99, 0.5, "a long line that runs off the right edge of the frame", fontsize=20)
    with pytest.raises(AssertionError, match="runs off"):
        check_text(slide_figure, 1920, 1080)
    extra.set_x(0.3)
    extra.set_y(slide_figure.ax_neurons.get_position().y1 + 0.005)
    extra.set_transform(figure.transFigure)
    extra.set_text(title)
    extra.set_x(slide_figure.ax_neurons.get_position().x0)
    with pytest.raises(AssertionError, match="overlaps"):
        check_text(slide_figure, 1920, 1080)
    extra.remove()


def test_a_grid_of_6_at_1920x1080_fills_the_width_with_large_text_never_over_other_text():
    figure = drawn_figure(GRID)
    assert figure.figure.canvas.get_width_height() == (1920, 1080)
    check_text(figure, 1920, 1080)
    columns = np.flatnonzero((figure.draw(figure_frames(GRID)[-1]) < 245).any(axis=2).any(axis=0))
    assert (columns[-1] - columns[0]) / 1920 >= 0.9


def test_a_wide_frame_puts_the_fit_beside_the_neurons_and_the_error(slide_figure):
    fit, neurons, loss = (ax.get_position() for ax in (slide_figure.ax, slide_figure.ax_neurons, slide_figure.ax_loss))
    assert fit.x1 < neurons.x0 and fit.x1 < loss.x0  # side by side
    assert neurons.y0 > loss.y1  # the neurons over the error
    assert fit.height > 0.6 and fit.width > neurons.width  # the fit large on the left
