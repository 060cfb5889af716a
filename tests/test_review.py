"""A Japanese lecture's runs: the gallery, sizes, print style and stills in Japanese, checked as a teacher sees them."""

import re

import pytest
from helpers import run_main

from regress_demo.film.texts import Texts

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji


@pytest.fixture(scope="module")
def japanese_folder(tmp_path_factory):
    """One folder: an English single run, then a Japanese grid (the gallery speaks Japanese)."""
    folder = tmp_path_factory.mktemp("lecture")
    for args in (
        ["--epoch", "3", "--frames", "2"],
        ["--lang", "ja", "--n-mid", "1", "3", "--epoch", "3", "--frames", "2"],
    ):
        code, _, err = run_main([*args, "--out", str(folder), "--quiet"])
        assert code == 0, err
    return folder


def test_the_japanese_gallery_names_what_trained_each_run_in_japanese(japanese_folder):
    page = (japanese_folder / "index.html").read_text(encoding="utf-8")
    notes = re.findall(r'<p class="engine">(.*?)</p>', page)
    assert len(notes) == 2
    for note in notes:
        assert "layer classes" not in note and "loop" not in note and "checked" not in note, note
    assert notes[0].startswith("学習に使ったもの: ") and notes[0].endswith(
        "のループ (layers.py と照合済み)"
    )
    assert (
        notes[1] == "学習に使ったもの: layers.py の層のクラス"
    )  # the English run's, on the Japanese page


def test_every_name_of_what_trains_a_run_has_its_japanese():
    say = Texts("ja")
    for name in [
        "layer classes of layers.py",
        "vectorised loop, checked against layers.py",
        "plain-float loop, checked against layers.py",
        "plain-float loop per network, checked against layers.py",
        "layer classes of layers.py (they differ from the vectorised loop)",
    ]:
        said = say.engine(name)
        assert CJK.search(said) and not re.search(r"classes|loop|checked|differ", said), said
    assert say.engine("a crafted name") == "a crafted name"
    assert (
        Texts("en").engine("vectorised loop, checked against layers.py")
        == "vectorised loop, checked against layers.py"
    )


def test_a_japanese_run_on_arrays_is_headed_in_japanese_in_the_gallery(tmp_path):
    import numpy as np

    import regress_demo

    x = np.linspace(0.0, 10.0, 20)
    regress_demo.animate(tmp_path, data=(x, np.sin(x)), lang="ja", epoch=2, frames=2, quiet=True)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<h2>(.*?)</h2>", page) == [
        "20 点 · n_mid 3 · eta 0.1 · 2 エポック · seed 1"
    ]
    assert "<dt>data</dt><dd>(x, y): 20 点, sha256 " in page and " points" not in page


@pytest.mark.parametrize("epochs", [1, 3, 2001])
def test_the_error_axis_ticks_whole_epochs_only(epochs):
    """A run that diverged at epoch 0 (--eta 1.9 --n-mid 10) draws one epoch: no tick at epoch 0.2."""
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


def test_a_still_the_run_never_reached_is_named_in_a_notebook_too(tmp_path):
    """animate(still="8,11") of a run of 12 epochs that diverged at epoch 9: epoch 11 is left out, and said."""
    import regress_demo

    with pytest.warns(UserWarning) as caught:
        result = regress_demo.animate(
            tmp_path, lang="ja", eta=1.9, epoch=12, frames=2, still="8,11", dpi=50, quiet=True
        )
    assert result.status == "diverged"
    assert [str(warning.message) for warning in caught] == [
        "no still of epoch 11: the film ends at epoch 9"
    ]
    assert sorted(path.name.rsplit("-", 1)[1] for path in tmp_path.glob("*-epoch*.png")) == [
        "epoch8.png"
    ]


@pytest.mark.parametrize("layout", [dict(simple=True), dict(size=(1280, 720))])
def test_a_legend_placed_best_stays_in_the_background(layout):
    """A legend placed "best" (a target other than the sine) is placed once, with the first frame: drawn
    each frame, it would move from frame to frame with the fit."""
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
