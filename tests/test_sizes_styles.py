"""Frames of any size (--size) and for print (--style print): the frame's pixels, its text's size,
no text over another or off the frame, lines told apart in black and white, no colour named."""

import json
import re

import numpy as np
import pytest
from helpers import decode_gif, run_main
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from regress_demo.app.run import make_gif
from regress_demo.files.paths import output_path
from regress_demo.files.records import replay_settings
from regress_demo.film.frames import PRINT_INKS, make_figure
from regress_demo.film.layouts import MAX_SIDE, MIN_SIDE, Layout, is_sized, natural_size
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import Training
from regress_demo.speed.lockstep import Lockstep

SLIDE = Settings(epoch=31, frames=3, size=(1920, 1080))
GRID = SLIDE.replace(n_mid=(1, 3, 10), eta=(0.05, 0.5))
COLOUR_WORDS = [
    "red",
    "blue",
    "green",
    "orange",
    "purple",
    "brown",
    "pink",
    "olive",
    "cyan",
    "grey",
    "gray",
    "yellow",
    "black",
    "violet",
    "magenta",
]


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
                    texts += [
                        (label, "tick")
                        for label in (tick.label1, tick.label2)
                        if label.get_visible()
                    ]
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


def check_text(figure_object, width, height, title_px=36, other_px=28):
    """Every text the frame shows at least title_px (titles, axis labels) or other_px pixels high,
    inside the frame, and over no other text."""
    figure = figure_object.figure
    renderer = figure.canvas.get_renderer()
    texts = visible_texts(figure)
    assert len(texts) > 15
    boxes = []
    for text, role in texts:
        pixels = text.get_fontsize() * figure.dpi / 72
        # a formula longer than its panel is kept whole (never broken inside its brackets): its
        # font may shrink to fit, down to the size of the other texts
        role = "other" if role == "title" and "σ(w1_j" in text.get_text() else role
        assert pixels >= (title_px if role == "title" else other_px) - 1e-9, (
            text.get_text(),
            role,
            pixels,
        )
        box = text.get_window_extent(renderer)
        assert (
            box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5 and box.y1 <= height + 0.5
        ), text.get_text()
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
    extra = figure.text(
        0.99, 0.5, "a long line that runs off the right edge of the frame", fontsize=20
    )
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


@pytest.mark.parametrize(
    "settings, title_px, other_px",
    [
        (SLIDE.replace(simple=True, target="gauss", noise=0.1), 36, 28),
        (SLIDE.replace(eta=1.9), 36, 28),  # diverged at epoch 9: the note in the fit panel
        (GRID.replace(simple=True, size=(1280, 720)), 24, 18.6),
        (SLIDE.replace(size=(1080, 1080), n_mid=10, holdout=(0.6, 1)), 27, 21),
        (SLIDE.replace(size=(1080, 1920), simple=True), 27, 21),
        # 24 panels cannot have 18 pt titles on one slide: the grid is laid out on a larger one
        # (27.4 in wide)
        (
            Settings(
                epoch=11, frames=2, n_mid=tuple(range(1, 9)), eta=(0.1, 0.2, 0.3), size=(1920, 1080)
            ),
            17,
            13,
        ),
        (
            Settings(
                epoch=11,
                frames=2,
                n_mid=(1, 2, 3),
                eta=(0.1, 0.2, 0.3),
                holdout=(0.6, 1),
                size=(1080, 1920),
            ),
            24,
            19,
        ),
    ],
    ids=[
        "simple-1920x1080",
        "diverged-1920x1080",
        "simple-grid-1280x720",
        "rich-1080x1080",
        "simple-1080x1920",
        "grid-8x3",
        "grid-portrait",
    ],
)
def test_every_layout_at_a_size_has_large_text_inside_the_frame_never_over_other_text(
    settings, title_px, other_px
):
    """A 16:9 frame is laid out on a 13.33 x 7.5 in slide (18 pt at 1080 pixels high: 36 pixels); a
    stacked one (square, portrait) on a 10 in short side (18 pt at 1080 pixels wide: 27 pixels)."""
    figure = drawn_figure(settings)
    width, height = settings.size
    assert figure.figure.canvas.get_width_height() == (width, height)
    assert figure.draw(figure_frames(settings)[-1]).shape == (height, width, 3)
    check_text(figure, width, height, title_px, other_px)


def test_a_wide_frame_puts_the_fit_beside_the_neurons_and_the_error(slide_figure):
    fit, neurons, loss = (
        ax.get_position() for ax in (slide_figure.ax, slide_figure.ax_neurons, slide_figure.ax_loss)
    )
    assert fit.x1 < neurons.x0 and fit.x1 < loss.x0  # side by side
    assert neurons.y0 > loss.y1  # the neurons over the error
    assert fit.height > 0.6 and fit.width > neurons.width  # the fit large on the left


@pytest.mark.parametrize(
    "size, options",
    [
        ((1920, 1080), {}),
        ((1000, 1000), {}),
        ((800, 800), {"lang": "ja"}),
        ((1280, 720), {"depth": 2}),
    ],
)
def test_a_slide_s_neuron_label_breaks_only_between_terms(size, options):
    """Each line of the label holds whole brackets, and none ends or starts inside an equation or a
    sum: `w2_j ·` / `σ(w1_j x + b1_j)`, never `σ(w1_j x +` / `b1_j)`."""
    figure = make_figure(
        Settings(epoch=5, frames=2, size=size, **options), *_training_parts(size, options)
    )
    label = figure.ax_neurons.yaxis.label
    lines = label.get_text().split("\n")
    for line in lines:
        assert line.count("(") == line.count(")"), lines
        assert not re.search(r"(^[+=])|([+=]$)", line.strip()), lines
    assert label.get_fontsize() >= 14, label.get_fontsize()  # broken, not shrunk to fit


def _training_parts(size, options):
    """The dataset, histories, frames and held-out histories of a short run, for make_figure."""
    training = Training(Settings(epoch=5, frames=2, size=size, **options))
    frames = [[snapshot] for snapshot in training.snapshots()]
    return training.dataset, [training.errors], frames, [training.heldout_errors]


BOUNDS = f"from {MIN_SIDE} to {MAX_SIDE}"


@pytest.mark.parametrize(
    "value, message",
    [
        (
            "10x10",
            f"--size must be WxH, two whole numbers of pixels {BOUNDS}, e.g. 1920x1080, got "
            f"'10x10'",
        ),
        (
            "99999x2",
            "--size must be WxH, two whole numbers of pixels from 320 to 3840, e.g. 1920x1080, got "
            "'99999x2'",
        ),
        ("abc", "--size must be WxH, two whole numbers of pixels, e.g. 1920x1080, got 'abc'"),
        ("1920x", "--size must be WxH, two whole numbers of pixels, e.g. 1920x1080, got '1920x'"),
        (
            "１９２０x１０８０",
            "--size must be WxH, two whole numbers of pixels, e.g. 1920x1080, "
            "got '１９２０x１０８０'",
        ),
    ],
)
def test_a_bad_size_is_one_line_and_exit_2_with_nothing_written(
    tmp_path, monkeypatch, value, message
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--size", value, "-q"])
    assert (code, out, err) == (2, "", f"regress-demo: error: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_a_bad_style_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = "regress-demo: error: --style must be one of screen, print, got 'bw'\n"
    assert run_main(["--style", "bw"]) == (2, "", message)


def test_a_size_that_would_exhaust_memory_is_refused_naming_size():
    big = dict(n_mid=250, depth=2, epoch=2500, frames=2500)
    Settings(**big)  # without --size: within the budget
    lower = r"would keep about 2.\d+ GB in memory.*: lower frames, n_mid, depth or size"
    with pytest.raises(ValueError, match=lower) as error:
        Settings(**big, size=(3840, 3840))
    assert error.value.for_option().endswith("lower --frames, --n-mid, --depth or --size")


def test_the_default_size_given_is_no_size_at_all():
    assert natural_size(Settings()) == (840, 800) and natural_size(Settings(simple=True)) == (
        640,
        480,
    )
    assert natural_size(Settings(n_mid=(1, 3, 10), epoch=3)) == (830, 623)
    # the same frames, the same file name
    for given, plain in [
        (Settings(size=(840, 800)), Settings()),
        (Settings(size=[640, 480], simple=True), Settings(simple=True)),
        (Settings(n_mid=(1, 3, 10), epoch=3, size=(830, 623)), Settings(n_mid=(1, 3, 10), epoch=3)),
    ]:
        assert not is_sized(given) and not Layout(given, (8.4, 8.0)).sized
        assert output_path(None, given) == output_path(None, plain)
    assert is_sized(Settings(size=(800, 840))) and Settings(size=(800, 840)).size == (800, 840)


def test_size_and_style_are_in_the_file_name_the_record_the_replay_and_the_gallery(tmp_path):
    settings = Settings(epoch=3, size=(640, 360), style="print")
    assert settings.file_stem() == "sin_nmid3_eta0.1_epoch3_seed1_size640x360_styleprint"
    result = make_gif(settings, tmp_path)
    record = json.loads(result.record_path.read_text())
    assert record["settings"]["size"] == [640, 360] and record["settings"]["style"] == "print"
    assert replay_settings(result.record_path) == settings
    assert decode_gif(result.path).sizes == {(640, 360)}
    page = (tmp_path / "index.html").read_text()
    assert "<dt>size</dt><dd>640x360</dd>" in page and "<dt>style</dt><dd>print</dd>" in page


PRINT = Settings(epoch=31, frames=3, n_mid=10, style="print", holdout=(0.6, 1))
PRINT_GRID = Settings(epoch=31, frames=3, n_mid=(1, 3, 10), eta=(0.05, 0.5), style="print")


def grey(colour) -> float:
    """A colour in greyscale, as a printer without colour makes it (ITU-R 601 luma)."""
    r, g, b = to_rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def look(line):
    """What tells a line apart without colour: its dash pattern and its marker."""
    return (str(line.get_linestyle()), str(line._unscaled_dash_pattern), line.get_marker())


def assert_told_apart(lines):
    assert len(lines) >= 6
    looks = [look(line) for line in lines]
    assert len(set(looks)) == len(looks), looks  # pairwise: dashes or marker differ
    markers = [
        line.get_marker() for line in lines if line.get_marker() not in (None, "None", "", " ")
    ]
    assert len(set(markers)) == len(markers)
    colours = [to_rgb(line.get_color()) for line in lines]
    assert len(set(colours)) == len(colours)  # and each its own colour


def test_in_print_every_neuron_line_has_its_own_dashes_marker_and_colour():
    figure = drawn_figure(PRINT)
    lines = figure.neuron_lines + [figure.other_line, figure.bias_line]
    assert_told_apart(lines)
    # the legend shows the same looks (a reader matches them in black and white)
    legend = [line for line in figure.ax_neurons.get_legend().get_lines()]
    assert [look(line)[:2] for line in legend] == [look(line)[:2] for line in lines]
    assert figure.heldout_line.get_linestyle() != figure.loss_line.get_linestyle()


def test_in_print_every_grid_curve_has_its_own_dashes_marker_and_colour():
    figure = drawn_figure(PRINT_GRID)
    assert_told_apart(figure.loss_lines)
    # without the markers and dashes, the colours alone would not do in greyscale:
    # two are within 5 %
    greys = sorted(grey(line.get_color()) for line in figure.loss_lines)
    assert min(b - a for a, b in zip(greys, greys[1:])) < 0.05


def test_the_screen_grid_tells_curves_of_a_row_apart_by_colour_only():
    figure = drawn_figure(PRINT_GRID.replace(style="screen"))
    assert (
        len({look(line) for line in figure.loss_lines}) == 2
    )  # the two rows' styles: why print exists


@pytest.mark.parametrize(
    "settings",
    [PRINT, PRINT_GRID, PRINT.replace(simple=True, holdout=None), PRINT.replace(size=(1920, 1080))],
    ids=["rich", "grid", "simple", "rich-1920x1080"],
)
def test_in_print_no_text_names_a_colour(settings):
    figure = drawn_figure(settings)
    words = re.compile(r"\b(" + "|".join(COLOUR_WORDS) + r")\b", re.I)
    texts = [text.get_text() for text in figure.figure.findobj(Text)]
    assert len(texts) > 20
    assert [text for text in texts if words.search(text)] == []
    if (
        not settings.is_grid and not settings.simple
    ):  # the neuron panel says what the neurons sum to
        assert "they sum to the fit" in " ".join(figure.ax_neurons.get_title(loc="left").split())


def test_on_screen_the_neuron_panel_still_names_the_red_line():
    figure = drawn_figure(PRINT.replace(style="screen"))
    assert "(with the bias, they sum to the red line)" in figure.ax_neurons.get_title(loc="left")


def test_the_palette_of_a_print_film_holds_its_inks(tmp_path):
    result = make_gif(PRINT.replace(n_mid=8, holdout=None, size=(640, 480)), tmp_path / "print.gif")
    with __import__("PIL.Image").Image.open(result.path) as image:
        palette = np.array(image.getpalette()[: 3 * 64]).reshape(-1, 3)
    inks = {tuple(row) for row in palette}
    assert sum(ink in inks for ink in PRINT_INKS[:6]) >= 5  # the neurons' colours, exactly


@pytest.mark.parametrize(
    "within, beyond, named",
    [
        (dict(size=(3840, 2400)), dict(video=("mp4", "webm")), "or the number of videos"),
        # a still is an A4 column (6.3 x 7.8 in): at 600 dpi about 0.2 GB
        (dict(size=(3840, 3000), video=("mp4",)), dict(still=(0,), dpi=600), "size or dpi"),
    ],
    ids=["two-video-encoders", "a-600-dpi-still"],
)
def test_the_memory_budget_counts_the_video_encoders_and_the_stills(within, beyond, named):
    Settings(**within)  # the frames alone: within the budget
    with pytest.raises(ValueError, match=r"would keep about 2\.\d+ GB in memory") as error:
        Settings(**within, **beyond)
    assert str(error.value).endswith(named)


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(simple=True),
        Settings(size=(1920, 1080)),
        Settings(size=(800, 1200), style="print"),
        Settings(n_mid=(1, 3, 10), eta=(0.05, 0.5)),
        Settings(n_mid=(1, 2, 3, 4, 5, 6), eta=(0.1, 0.2, 0.3, 0.4), size=(3840, 2160)),
        Settings(n_mid=(1, 3), target="x**2", noise=0.1, holdout=(0.2, 0.6), epoch=300),
    ],
)
def test_the_budget_counts_the_frame_the_layout_lays_out(settings):
    """The memory budget takes a grid's header as two lines; the frames lay out its real lines."""
    from regress_demo.film.layouts import frame_inches
    from regress_demo.inputs.geometry import estimated_inches

    laid_out, estimated = frame_inches(settings), estimated_inches(settings)
    for real, guess in zip(laid_out, estimated):
        assert abs(guess - real) <= 0.1 * real


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720), (1080, 1080)])
def test_a_slide_s_legend_keeps_off_the_sine_s_samples_its_text_as_large(size, lang):
    """The fit's legend on a slide stays off the target and the samples, in text as large as the
    other legends': in a wide frame inside the corner the sine leaves free (right of x = 0, above
    y = 0), its labels in shorter lines if need be (long Japanese ones); with the panels one above
    the other, beside its panel."""
    figure = drawn_figure(Settings(epoch=3, frames=2, size=size, lang=lang))
    ax = figure.ax
    legend = ax.get_legend()
    renderer = figure.figure.canvas.get_renderer()
    box = legend.get_window_extent(renderer)
    zero_x, zero_y = ax.transData.transform((0, 0))
    if figure.layout.wide:
        assert box.x0 >= zero_x and box.y0 >= zero_y, (box, zero_x, zero_y)
    else:
        assert box.x0 >= ax.bbox.x1, (box, ax.bbox)
    assert {text.get_fontsize() for text in legend.get_texts()} == {figure.layout.fonts["legend"]}
