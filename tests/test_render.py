"""The frames and the GIF: what each layout draws, frame counts, sizes, timing, looping,
determinism, the contact sheet, and never a half-written file."""

import os
import stat

import imageio.v3 as iio
import numpy as np
import pytest
from helpers import decode_gif
from matplotlib.colors import to_rgb
from PIL import Image

from regress_demo.app.run import make_gif
from regress_demo.files.gif import GifWriter
from regress_demo.files.stills import contact_sheet, sheet_picks
from regress_demo.film.frames import INKS, GridFigure, RichFigure, SimpleFigure, make_figure
from regress_demo.film.texts import Texts
from regress_demo.inputs.settings import Settings
from regress_demo.network import samples as data
from regress_demo.network.train import Training, TrainingGroup
from regress_demo.speed.lockstep import Lockstep

SMALL = Settings(epoch=25, interval=4)  # frames at epochs 0, 4, ..., 24: 7 frames
RICH_SIZE, SIMPLE_SIZE = (840, 800), (640, 480)


def trained(settings):
    """(training, frames): frames as the renderer takes them, a list of snapshots per frame."""
    if settings.is_grid:
        training = Lockstep(settings)
        return training, list(training.snapshots())
    training = Training(settings)
    return training, [[snapshot] for snapshot in training.snapshots()]


def figure_for(settings):
    training, frames = trained(settings)
    histories = training.errors if settings.is_grid else [training.errors]
    heldout = training.heldout_errors if settings.is_grid else [training.heldout_errors]
    return make_figure(settings, training.dataset, histories, frames, heldout), frames, training


def test_gif_has_the_planned_frames_one_size_and_loops(tmp_path):
    result = make_gif(SMALL, tmp_path / "run.gif")
    gif = decode_gif(result.path)
    assert result.frames == len(SMALL.frame_epochs()) == 7
    assert len(gif.frames) == 7
    assert gif.sizes == {RICH_SIZE}
    assert gif.loop == 0  # loop forever
    for before, after in zip(gif.frames, gif.frames[1:]):
        assert np.any(before != after)
    # imageio, the other decoder a user might pick, agrees on the frame count and size
    assert iio.imread(result.path, index=None).shape == (7, RICH_SIZE[1], RICH_SIZE[0], 3)


def test_the_simple_frame_is_the_textbook_size(tmp_path):
    gif = decode_gif(make_gif(SMALL.replace(simple=True), tmp_path / "run.gif").path)
    assert len(gif.frames) == 7 and gif.sizes == {SIMPLE_SIZE}


def test_frame_times_in_milliseconds_and_the_last_frame_is_held(tmp_path):
    gif = decode_gif(
        make_gif(SMALL.replace(fps=5, hold=2.5, simple=True), tmp_path / "run.gif").path
    )
    assert gif.durations[:-1] == [200] * 6
    assert gif.durations[-1] == 2500
    gif = decode_gif(make_gif(SMALL.replace(simple=True), tmp_path / "default.gif").path)
    assert gif.durations[:-1] == [100] * 6 and gif.durations[-1] == 2000


def test_same_settings_give_a_byte_identical_gif_another_seed_a_different_one(tmp_path):
    a = make_gif(SMALL, tmp_path / "a.gif").path.read_bytes()
    b = make_gif(SMALL, tmp_path / "b.gif").path.read_bytes()
    c = make_gif(SMALL.replace(seed=2), tmp_path / "c.gif").path.read_bytes()
    assert a == b
    assert a != c


def test_the_simple_frame_shows_settings_epoch_error_and_outputs_with_fixed_axes():
    settings = Settings(n_mid=4, eta=0.25, epoch=12, interval=11, simple=True)
    figure, frames, _ = figure_for(settings)
    assert isinstance(figure, SimpleFigure)
    frame = figure.draw(frames[0])
    limits = (figure.ax.get_xlim(), figure.ax.get_ylim())
    assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
    last = frames[-1][0]
    figure.draw(frames[-1])
    assert figure.ax.get_title(loc="left") == "n_mid=4   eta=0.25"
    assert figure.title.get_text() == f"epoch 11 / 12   error {last.error:.2e}"
    assert (figure.ax.get_xlim(), figure.ax.get_ylim()) == limits
    np.testing.assert_array_equal(figure.fit_line.get_ydata(), last.fit(data.grid()))
    np.testing.assert_array_equal(figure.output_marks.get_ydata(), last.outputs)
    assert figure.output_marks.get_visible()


def test_no_outputs_hides_the_marks_and_changes_the_pixels():
    with_marks, frames, _ = figure_for(Settings(epoch=3, simple=True))
    without_marks, _, _ = figure_for(Settings(epoch=3, simple=True, show_outputs=False))
    assert not without_marks.output_marks.get_visible()
    assert np.any(with_marks.draw(frames[-1]) != without_marks.draw(frames[-1]))


def legend_texts(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


@pytest.mark.parametrize("simple", [True, False])
def test_no_outputs_leaves_them_out_of_the_legend_too(simple):
    with_marks, _, _ = figure_for(Settings(epoch=3, simple=simple))
    without_marks, _, _ = figure_for(Settings(epoch=3, simple=simple, show_outputs=False))
    assert any(text.startswith("outputs during") for text in legend_texts(with_marks.ax))
    assert not any("outputs" in text for text in legend_texts(without_marks.ax))
    assert "network's fit" in legend_texts(without_marks.ax)


@pytest.mark.parametrize(
    "activation, depth, label",
    [
        ("sigmoid", 1, "w2_j · σ(w1_j x + b1_j)"),
        ("tanh", 1, "w2_j · tanh(w1_j x + b1_j)"),
        ("relu", 1, "w2_j · relu(w1_j x + b1_j)"),
        ("tanh", 2, "w_j · h_j(x), h = tanh(…)"),
    ],
)
def test_the_neuron_panel_names_the_activation_that_trained(activation, depth, label):
    figure, _, _ = figure_for(Settings(epoch=3, activation=activation, depth=depth))
    assert figure.ax_neurons.get_ylabel() == label


@pytest.mark.parametrize(
    "options, label",
    [
        (dict(), "input x (the angle 0 … 2π rescaled to -1 … 1)"),
        (dict(simple=True), "input x (the angle 0 … 2π rescaled to -1 … 1)"),
        (dict(target="gauss"), "input x"),
        (dict(target="gauss", simple=True), "input x"),
    ],
)
def test_the_x_axis_says_what_x_is(options, label):
    figure, _, _ = figure_for(Settings(epoch=3, **options))
    bottom = figure.ax_neurons if isinstance(figure, RichFigure) else figure.ax
    assert bottom.get_xlabel() == label


def drawn_neuron_lines(figure):
    lines = figure.neuron_lines + ([figure.other_line] if figure.other_line is not None else [])
    return np.array([line.get_ydata() for line in lines + [figure.bias_line]])


@pytest.mark.parametrize("n_mid", [3, 12])
def test_the_neuron_lines_and_the_bias_sum_to_the_drawn_fit(n_mid):
    figure, frames, training = figure_for(
        Settings(n_mid=n_mid, epoch=40, interval=13, wb_width=0.5)
    )
    assert isinstance(figure, RichFigure)
    for frame in frames:
        figure.draw(frame)
        np.testing.assert_allclose(
            drawn_neuron_lines(figure).sum(axis=0), figure.fit_line.get_ydata(), atol=1e-12
        )
    # and the drawn fit is the network's own prediction with the final weights
    np.testing.assert_allclose(
        figure.fit_line.get_ydata(), training.predict(data.grid()), atol=1e-12
    )


def test_with_many_neurons_the_eight_largest_are_drawn_and_the_rest_summed():
    figure, frames, training = figure_for(Settings(n_mid=12, epoch=20, wb_width=0.5))
    figure.draw(frames[-1])
    w2 = np.abs(training.output_layer.w[:, 0])
    assert len(figure.neuron_lines) == 8
    assert set(figure.shown) == set(np.argsort(-w2)[:8])
    assert figure.other_line.get_label() == "4 more neurons\n(their sum)"
    expected = frames[-1][0].contributions(data.grid())[figure.hidden].sum(axis=0)
    np.testing.assert_allclose(figure.other_line.get_ydata(), expected)


def test_the_loss_panel_grows_to_the_current_epoch_with_fixed_limits():
    figure, frames, training = figure_for(Settings(epoch=30, interval=10))
    errors = training.errors
    limits, previous = [], 0
    for frame in frames:
        image = figure.draw(frame)
        epoch = frame[0].epoch
        # each frame draws the new piece of the curve, from the epoch of the frame before
        assert list(figure.loss_line.get_xdata()) == list(range(previous, epoch + 1))
        np.testing.assert_array_equal(figure.loss_line.get_ydata(), errors[previous : epoch + 1])
        assert list(figure.loss_now.get_ydata()) == [frame[0].error]
        limits.append((figure.ax_loss.get_ylim(), figure.ax_neurons.get_ylim()))
        previous = epoch
    assert len(set(limits)) == 1
    low, high = limits[0][0]
    assert low <= min(errors) and max(errors) <= high
    # the pieces add up to the whole curve: a fresh figure drawing only the last frame
    # shows the same
    fresh, _, _ = figure_for(Settings(epoch=30, interval=10))
    box = figure.ax_loss.get_window_extent()
    rows = slice(image.shape[0] - int(box.y1), image.shape[0] - int(box.y0))
    columns = slice(int(box.x0), int(box.x1))
    loss_now, loss_fresh = image[rows, columns], fresh.draw(frames[-1])[rows, columns]
    assert np.mean(np.any(loss_now != loss_fresh, axis=2)) < 0.01
    # and going back to an earlier frame starts the curve again
    figure.draw(frames[1])
    assert list(figure.loss_line.get_xdata()) == list(range(0, frames[1][0].epoch + 1))


def test_trails_show_the_previous_fits():
    figure, frames, _ = figure_for(Settings(epoch=50, interval=10))
    for frame in frames[:4]:
        figure.draw(frame)
    grid = data.grid()
    earlier = [frame[0].fit(grid) for frame in frames[:3]]
    for line, fit in zip(figure.trail_lines, earlier):
        np.testing.assert_allclose(line.get_ydata(), fit)
    assert [line.get_alpha() for line in figure.trail_lines] == sorted(
        line.get_alpha() for line in figure.trail_lines
    )


def test_the_grid_has_a_panel_per_configuration_with_shared_axes_and_a_loss_curve_each():
    settings = Settings(n_mid=[1, 3], eta=[0.05, 0.5, 5], epoch=20, interval=19)
    figure, frames, training = figure_for(settings)
    assert isinstance(figure, GridFigure)
    image = figure.draw(frames[-1])
    assert len(figure.panels) == 6 and len(figure.loss_lines) == 6
    axes = [fit.axes for fit, _, _ in figure.panels]
    assert len({(ax.get_xlim(), ax.get_ylim()) for ax in axes}) == 1
    titles = [(title.axes.get_title(loc="left"), title.get_text()) for _, title, _ in figure.panels]
    assert titles[:2] == [
        ("n_mid=1  eta=0.05", f"error {training.errors[0][-1]:.1e}"),
        ("n_mid=3  eta=0.05", f"error {training.errors[1][-1]:.1e}"),
    ]
    assert titles[4:] == [("n_mid=1  eta=5", "diverged"), ("n_mid=3  eta=5", "diverged")]
    assert [warning.get_visible() for _, _, warning in figure.panels] == [False] * 4 + [True] * 2
    assert figure.header.get_text() == "epoch 19 / 20"
    assert image.shape[1] > image.shape[0] / 2 and image.shape[2] == 3


def test_with_holdout_each_grid_panel_shows_its_held_out_error_under_its_error():
    settings = Settings(n_mid=[2, 5], eta=[0.1, 0.3], epoch=20, interval=19, holdout=(0.5, 1))
    figure, frames, training = figure_for(settings)
    figure.draw(frames[-1])
    titles = [title.get_text() for _, title, _ in figure.panels]
    assert titles == [f"error {errors[-1]:.1e}" for errors in training.errors]
    shown = [text.get_text() for text in figure.heldout_texts]
    assert shown == [f"held-out error {errors[-1]:.1e}" for errors in training.heldout_errors]
    assert [text.axes for text in figure.heldout_texts] == [fit.axes for fit, _, _ in figure.panels]
    assert figure_for(settings.replace(holdout=None))[0].heldout_texts == []


def test_the_contact_sheet_tiles_eight_frames_from_first_to_last():
    assert sheet_picks(20) == [0, 3, 5, 8, 11, 14, 16, 19]
    assert sheet_picks(3) == [0, 1, 2] and sheet_picks(1) == [0]
    frames = [np.full((40, 60, 3), 10 * k, np.uint8) for k in sheet_picks(20)]
    sheet = np.asarray(contact_sheet(frames, shrink=2))
    assert sheet.shape == (2 * 20, 4 * 30, 3)
    tiles = [sheet[r * 20 + 10, c * 30 + 15, 0] for r in range(2) for c in range(4)]
    assert tiles == [10 * k for k in sheet_picks(20)]  # in order, row by row
    assert np.asarray(contact_sheet(frames[:3], shrink=2)).shape == (20, 3 * 30, 3)  # 3 tiles


def test_the_contact_sheet_keeps_the_film_s_text_size_and_halves_only_a_slide_s(tmp_path):
    """The default frame's smallest text is about 10 pixels high: its tiles stay at full size; a
    1920x1080 frame's text is 28 pixels or more: halved, 14."""
    for settings, tile in [
        (Settings(epoch=3, frames=2), (840, 800)),
        (Settings(epoch=3, frames=2, size=(1920, 1080)), (960, 540)),
    ]:
        make_gif(settings, tmp_path / "run.gif")
        with Image.open(tmp_path / "run.png") as sheet:
            assert sheet.size == (2 * tile[0], tile[1])  # 2 frames, side by side


def streamed_gif(path, images):
    """Write these frames as make_gif does (the palette from the first and last) and decode them."""
    with GifWriter(path, 100, 500) as writer:
        writer.set_palette([images[0], images[-1]], INKS)
        for image in images:
            writer.grab_frame(image)
        writer.finish()
    return decode_gif(path), writer.palette


def test_the_streamed_gif_shows_each_frame_within_the_palette_s_precision(tmp_path):
    figure, frames, _ = figure_for(Settings(epoch=30, interval=6))
    images = [figure.draw(frame) for frame in frames]
    gif, _ = streamed_gif(tmp_path / "run.gif", images)
    assert len(gif.frames) == len(images) == 6
    for decoded, image in zip(gif.frames, images):
        difference = np.abs(decoded.astype(int) - image.astype(int))
        assert difference.mean() < 1.0 and np.mean(difference.max(axis=2) > 40) < 0.002


def drawn_as(colour):
    """A matplotlib colour as the RGB bytes Agg draws it with."""
    return tuple(int(channel * 255 + 0.5) for channel in to_rgb(colour))


FIGURE_COLOURS = {
    "paper": "white",
    "grid": "0.92",
    "text and axes": "black",
    "fit": "tab:red",
    "outputs": "tab:blue",
    "target": "0.45",
    "samples": "0.3",
}


@pytest.mark.parametrize("simple", [True, False])
def test_the_figure_s_own_colours_come_through_exactly(tmp_path, simple):
    figure, frames, _ = figure_for(Settings(epoch=30, interval=6, simple=simple))
    images = [figure.draw(frame) for frame in frames]
    gif, _ = streamed_gif(tmp_path / "run.gif", images)
    for name, colour in FIGURE_COLOURS.items():
        rgb = drawn_as(colour)
        drawn = [np.all(image == rgb, axis=2) for image in images]
        assert sum(mask.sum() for mask in drawn) > 0, f"the figure draws no {name} pixel"
        for decoded, mask in zip(gif.frames, drawn):
            assert np.all(decoded[mask] == rgb), f"the {name} colour changed"


def test_the_palette_is_small_and_unchanged_pixels_have_an_index_inside_it(tmp_path):
    figure, frames, _ = figure_for(Settings(epoch=30, interval=6, simple=True))
    _, palette = streamed_gif(tmp_path / "run.gif", [figure.draw(frame) for frame in frames])
    data = (tmp_path / "run.gif").read_bytes()
    flags = data[10]  # the screen descriptor: bit 7 a global colour table, bits 0-2 its size
    table_size = 2 ** ((flags & 7) + 1)
    assert flags & 0x80 and table_size <= 64
    with Image.open(tmp_path / "run.gif") as gif:
        # the transparent index (a pixel that did not change) is the first
        # after the palette's colours
        assert gif.info["transparency"] == len(palette) < table_size


def test_a_colour_outside_the_palette_shows_as_the_nearest_palette_colour(tmp_path):
    paper = np.full((16, 16, 3), 255, np.uint8)
    paper[4:12, 4:12] = drawn_as("tab:red")
    colours = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    with GifWriter(tmp_path / "run.gif", 100, 100) as writer:
        writer.set_palette([paper], INKS)  # white, the red, and blends of the red toward white
        writer.grab_frame(paper)
        writer.grab_frame(colours)
        writer.finish()
    assert len(writer.palette) == 5
    shown = decode_gif(tmp_path / "run.gif").frames[1].reshape(-1, 1, 3).astype(float)
    wanted = colours.reshape(-1, 1, 3).astype(float)
    palette = writer.palette.reshape(1, -1, 3).astype(float)
    assert np.all(
        np.any(np.all(shown == palette, axis=2), axis=1)
    )  # every pixel shows a palette colour
    error = np.linalg.norm(shown[:, 0] - wanted[:, 0], axis=1)
    nearest = np.linalg.norm(palette - wanted, axis=2).min(axis=1)
    # the nearest one, up to the lookup table's resolution: cells of 8 x 8 x 8 RGB values
    assert np.all(error <= nearest + 8 * np.sqrt(3))
    assert np.mean(error <= nearest + 1e-9) > 0.9


def test_identical_frames_stay_separate_frames(tmp_path):
    frames = [np.full((6, 8, 3), value, np.uint8) for value in (0, 0, 200, 200)]
    with GifWriter(tmp_path / "run.gif", 100, 300) as writer:
        writer.set_palette([frames[0], frames[-1]], INKS)
        for frame in frames:
            writer.grab_frame(frame)
        writer.finish()
    gif = decode_gif(tmp_path / "run.gif")
    assert gif.durations == [100, 100, 100, 300]
    assert [int(frame[0, 0, 0]) for frame in gif.frames] == [0, 0, 200, 200]


def test_a_failed_run_leaves_the_earlier_gif_untouched_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "run.gif"
    make_gif(SMALL.replace(epoch=3), path)  # an earlier, good run
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    calls = []

    def failing_draw(self, snapshots):
        calls.append(snapshots)
        if len(calls) == 3:
            raise RuntimeError("drawing failed")
        return np.zeros((480, 640, 3), np.uint8)

    monkeypatch.setattr(RichFigure, "draw", failing_draw)
    with pytest.raises(RuntimeError, match="drawing failed"):
        make_gif(SMALL, path)
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before


def test_a_finished_run_replaces_the_earlier_gif_and_is_readable_by_others(tmp_path):
    path = tmp_path / "run.gif"
    make_gif(SMALL.replace(epoch=3), path)  # an earlier run of the name
    old = path.read_bytes()
    old_umask = os.umask(0o022)
    try:
        make_gif(SMALL, path)
    finally:
        os.umask(old_umask)
    assert len(decode_gif(path).frames) == 7 and path.read_bytes() != old
    names = sorted(os.listdir(tmp_path))
    assert names == ["index.html", "run.gif", "run.json", "run.npz", "run.png"]
    for name in names:
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_the_writer_creates_missing_folders(tmp_path):
    path = tmp_path / "new" / "deeper" / "run.gif"
    with GifWriter(path, frame_ms=50, last_frame_ms=50) as writer:
        for value in (0, 128, 255):
            writer.grab_frame(np.full((8, 10, 3), value, np.uint8))
        writer.finish()
    gif = decode_gif(path)
    assert gif.sizes == {(10, 8)} and gif.durations == [50, 50, 50]


def test_make_gif_reports_every_epoch_snapshot_and_frame(tmp_path):
    epochs, snapshots, frames = [], [], []
    make_gif(
        SMALL,
        tmp_path / "run.gif",
        on_epoch=lambda e, err: epochs.append(e),
        on_snapshot=snapshots.append,
        on_frame=lambda done, total: frames.append((done, total)),
    )
    assert epochs == list(range(25))
    assert [s[0].epoch for s in snapshots] == SMALL.frame_epochs()
    assert frames == [(k, 7) for k in range(1, 8)]


def test_a_simple_grid_leaves_out_the_loss_panel():
    settings = Settings(n_mid=[1, 2], eta=[0.1, 0.3], epoch=6, simple=True)
    figure, frames, _ = figure_for(settings)
    image = figure.draw(frames[-1])
    full, _, _ = figure_for(settings.replace(simple=False))
    assert len(figure.figure.axes) == 4 and len(full.figure.axes) == 5
    assert image.shape[0] < full.draw(frames[-1]).shape[0]


@pytest.mark.parametrize(
    "settings",
    [
        Settings(epoch=40, frames=4, simple=True),
        Settings(epoch=40, frames=4),
        Settings(n_mid=[1, 3], epoch=40, frames=4),
    ],
)
def test_the_background_stays_exactly_white(tmp_path, settings):
    result = make_gif(settings, tmp_path / "run.gif")
    frames = decode_gif(result.path).frames
    assert len(frames) == 4  # epochs 0, 13, 26 and 39: the first, the last and two between
    for frame in frames:
        assert tuple(frame[2, 2]) == (255, 255, 255) and tuple(frame[-3, -3]) == (255, 255, 255)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(epoch=25, interval=4, simple=True),
        Settings(epoch=25, interval=4),
        Settings(n_mid=[1, 3], eta=[0.05, 0.5], epoch=25, interval=4),
    ],
    ids=["simple", "rich", "grid"],
)
def test_the_changing_labels_look_like_matplotlib_s_own_text(settings):
    """The epoch and error labels are drawn from cached character images (blit.Label): they must
    land where matplotlib would draw the same text, and look like it."""
    figure, frames, _ = figure_for(settings)
    fast = figure.draw(frames[-1]).astype(int)
    blitter = figure.blitter
    labels = [label.text for label in blitter.labels]
    assert labels and all(text.get_text() for text in labels)
    blitter.labels, blitter.artists = (
        [],
        blitter.artists + labels,
    )  # now matplotlib draws them itself
    figure.reset()
    slow = figure.draw(frames[-1]).astype(int)
    renderer = figure.figure.canvas.get_renderer()
    height = fast.shape[0]
    for text in labels:
        box = text.get_window_extent(renderer).expanded(1.0, 1.3)
        rows = slice(max(int(height - box.y1), 0), int(height - box.y0) + 1)
        columns = slice(max(int(box.x0) - 3, 0), int(box.x1) + 4)
        ink_fast, ink_slow = (
            fast[rows, columns].min(axis=2) < 128,
            slow[rows, columns].min(axis=2) < 128,
        )
        assert ink_slow.sum() > 20, text.get_text()
        # the same ink, within a pixel of where matplotlib puts it
        assert abs(int(ink_fast.sum()) - int(ink_slow.sum())) <= 0.15 * ink_slow.sum(), (
            text.get_text()
        )
        for axis in (0, 1):
            span_fast = np.flatnonzero(ink_fast.any(axis=axis))
            span_slow = np.flatnonzero(ink_slow.any(axis=axis))
            assert (
                abs(span_fast[0] - span_slow[0]) <= 2 and abs(span_fast[-1] - span_slow[-1]) <= 2
            ), text.get_text()
    outside = np.ones(fast.shape[:2], bool)
    for text in labels:
        box = text.get_window_extent(renderer).expanded(1.0, 1.3)
        outside[
            max(int(height - box.y1), 0) : int(height - box.y0) + 1,
            max(int(box.x0) - 3, 0) : int(box.x1) + 4,
        ] = False
    np.testing.assert_array_equal(fast[outside], slow[outside])  # and nothing else changed


def test_a_label_at_the_edge_of_the_canvas_keeps_the_part_inside():
    from matplotlib.figure import Figure

    from regress_demo.film.blit import Label

    figure = Figure(figsize=(2, 1), dpi=100)
    text = figure.text(0.1, 0.0, "pq", fontsize=20, va="baseline")  # descenders below the canvas
    pixels = np.full((100, 200, 4), 255, np.uint8)
    Label(text).draw(pixels)
    ink = pixels[:, :, 0] < 128
    assert ink.sum() > 30  # the bowls of p and q, above the baseline
    assert ink[-1].any()  # down to the bottom row, where the stems leave the canvas


@pytest.mark.parametrize("epochs", [1, 3, 2001])
def test_the_error_axis_ticks_whole_epochs_only(epochs):
    """A run diverged at epoch 0 (--eta 1.9 --n-mid 10) draws one epoch: no tick at epoch 0.2."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from regress_demo.film.panels import loss_axis

    ax = Figure().add_subplot()
    loss_axis(ax, [[0.3] * epochs], Texts("ja"))
    ticks = [tick for tick in ax.get_xticks() if 0 <= tick <= max(epochs - 1, 1)]
    assert len(ticks) >= 2 and all(float(tick).is_integer() for tick in ticks), ticks
    if epochs == 2001:  # the textbook's run: the ticks it always had
        assert ticks == [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]


@pytest.mark.parametrize("settings", [Settings(epoch=3), Settings(epoch=3, size=(1920, 1080))])
def test_a_short_run_s_log_error_axis_has_two_tick_labels_or_more(settings):
    """Three epochs' errors span less than a decade: the axis still names two powers of ten."""
    figure, frames, _ = figure_for(settings)
    figure.draw(frames[-1])
    ax = figure.loss_line.axes
    low, high = ax.get_ylim()
    labels = [
        label.get_text()
        for tick, label in zip(ax.get_yticks(), ax.get_yticklabels())
        if low <= tick <= high and label.get_text()
    ]
    assert len(labels) >= 2, labels


@pytest.mark.parametrize("layout", [dict(simple=True), dict(size=(1280, 720))])
def test_a_legend_inside_the_fit_panel_is_drawn_over_the_fit(layout):
    """A diverged fit (a flat line at the top of the panel) must not cross the legend's words: the
    legend inside the panel (--simple; --size in a wide frame) is drawn over the animated fit."""
    import numpy as np

    from regress_demo.film.frames import make_figure
    from regress_demo.inputs.settings import Settings
    from regress_demo.network.train import TrainingGroup

    settings = Settings(eta=1.9, epoch=12, frames=2, lang="ja", **layout)
    group = TrainingGroup(settings)
    frames = list(group.snapshots())
    figure = make_figure(settings, group.dataset, group.errors, frames, group.heldout_errors)
    pixels = figure.draw(frames[-1]).astype(int)
    assert frames[-1][0].epoch < 11  # it diverged
    height = pixels.shape[0]
    # the fit's and the outputs' colours (tab:red, tab:blue) at full strength
    inked = [np.abs(pixels - colour).sum(axis=2) < 60 for colour in ([214, 39, 40], [31, 119, 180])]
    legend = figure.ax.get_legend()
    renderer = figure.figure.canvas.get_renderer()
    box = legend.get_window_extent(
        renderer
    )  # the legend's words: right of its handles, inside its frame
    left = min(text.get_window_extent(renderer).x0 for text in legend.get_texts())
    rows, columns = (
        slice(int(height - box.y1) + 3, int(height - box.y0) - 3),
        slice(int(left), int(box.x1) - 3),
    )
    assert not any(ink[rows, columns].any() for ink in inked)


@pytest.mark.parametrize("layout", [dict(simple=True), dict(size=(1280, 720))])
def test_a_legend_placed_best_stays_in_the_background(layout):
    """A legend placed "best" (a target other than the sine) is placed once, with the first frame:
    drawn each frame, it would move from frame to frame with the fit."""
    from regress_demo.film.frames import make_figure
    from regress_demo.inputs.settings import Settings
    from regress_demo.network.train import TrainingGroup

    for target in ("gauss", "sin"):
        settings = Settings(target=target, epoch=2, frames=2, **layout)
        group = TrainingGroup(settings)
        frames = list(group.snapshots())
        figure = make_figure(settings, group.dataset, group.errors, frames, group.heldout_errors)
        legend = figure.ax.get_legend()
        assert legend.get_animated() == (target == "sin") and (
            legend in figure.blitter.artists
        ) == (target == "sin")


@pytest.mark.parametrize(
    "layout",
    [dict(simple=True), dict(size=(1280, 720))],
)
def test_a_legend_drawn_once_gives_the_pixels_of_one_drawn_every_frame(layout):
    """The legend over the fit is drawn again only in frames where a line comes near it; every frame
    must equal the frame with the legend drawn over the lines each time, in a run whose fit does
    cross the legend (where leaving the legend in the background would be wrong)."""
    settings = Settings(eta=0.9, epoch=30, interval=1, seed=2, **layout)
    group = TrainingGroup(settings)
    frames = list(group.snapshots())
    args = (group.dataset, group.errors, frames, group.heldout_errors)
    [ours, every_frame, never] = [make_figure(settings, *args) for _ in range(3)]
    every_frame.blitter._clear_of_covers = lambda: False  # the legend drawn over the lines always
    never.blitter._clear_of_covers = lambda: True  # the legend left in the background always
    shortcuts = []
    clear_of_covers = ours.blitter._clear_of_covers
    ours.blitter._clear_of_covers = lambda: shortcuts.append(clear_of_covers()) or shortcuts[-1]
    wrong = 0
    for snapshots in frames:
        pixels = ours.draw(snapshots)
        assert np.array_equal(pixels, every_frame.draw(snapshots)), snapshots[0].epoch
        wrong += not np.array_equal(pixels, never.draw(snapshots))
    assert wrong >= 1  # the fit did cross the legend
    if settings.simple:  # the legend in a corner: most frames took the shortcut
        assert sum(shortcuts) >= len(frames) * 0.8
