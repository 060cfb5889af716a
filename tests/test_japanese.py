"""--lang ja: the frames' texts in Japanese, every character in the Japanese font (IPAexGothic, from
matplotlib-fontja), nothing cut off, the changing titles placed as matplotlib lays them out; English
unchanged, even after a Japanese figure in the same process; the language in the record, the file
name and a replay; the gallery page in Japanese; README.ja.md."""

import importlib.util
import json
import os
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from helpers import CHROMIUM_ARGS, decode_gif, hide_packages, registered, run_main
from matplotlib import font_manager
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.text import Text

from regress_demo.film import texts
from regress_demo.film.blit import _text_style
from regress_demo.film.frames import make_figure
from regress_demo.film.texts import Texts
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import TrainingGroup
from regress_demo.speed import engines

ROOT = Path(__file__).resolve().parent.parent
JA = texts.Texts("ja")
FONT_PACKAGE = Path(
    importlib.util.find_spec("matplotlib_fontja").submodule_search_locations[0]
).resolve()
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji

LAYOUTS = {
    "rich": dict(epoch=30, frames=2),
    "rich, everything on": dict(
        epoch=30, frames=2, n_mid=10, target="gauss", noise=0.1, holdout=(0.6, 1.0), momentum=0.5
    ),
    "rich, diverged": dict(epoch=30, frames=2, eta=20.0),
    "simple": dict(epoch=30, frames=2, simple=True),
    "grid": dict(epoch=30, frames=2, n_mid=(1, 3, 10), eta=(0.05, 0.5), holdout=(0.6, 1.0)),
}
EVERY_SETTING = dict(
    epoch=30,
    frames=2,
    activation="tanh",
    depth=2,
    l2=0.001,
    batch_size=4,
    momentum=0.5,
    target="sin(3*x) + 0.3*x",
    noise=0.1,
    holdout=(0.2, 0.6),
    n_points=50,
)
LAYOUTS["simple, every setting"] = dict(EVERY_SETTING, simple=True)
LAYOUTS["grid, one column, every setting"] = dict(EVERY_SETTING, eta=(0.05, 0.1))


def drawn(settings):
    """(figure, the last frame's pixels) for these settings, drawn with every warning an error (a
    character missing from the font warns)."""
    group = TrainingGroup(settings)
    frames = list(group.snapshots())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = make_figure(settings, group.dataset, group.errors, frames, group.heldout_errors)
        pixels = figure.draw(frames[-1])
    return figure, pixels


def layout(figure):
    """A renderer of its own for the figure (matplotlib caches text sizes per renderer, whatever the
    hinting), to measure texts with the hinting the frames are drawn with (blit.TEXT_STYLE)."""
    width, height = figure.figure.canvas.get_width_height()
    return RendererAgg(width, height, figure.figure.dpi)


def shown_texts(figure):
    """Every text artist the figure draws: visible, not empty, and of the tick labels those of the
    ticks in view."""
    axes = [axis for ax in figure.figure.axes for axis in (ax.xaxis, ax.yaxis)]
    ticks = {
        id(tick.label1) for axis in axes for tick in axis.get_major_ticks() + axis.get_minor_ticks()
    }
    drawn_ticks = {
        id(tick.label1) for axis in axes for tick in axis._update_ticks()
    }  # (those matplotlib draws)
    return [
        t
        for t in figure.figure.findobj(Text)
        if t.get_visible() and t.get_text() and (id(t) not in ticks or id(t) in drawn_ticks)
    ]


@pytest.fixture(scope="module")
def japanese():
    return {name: drawn(Settings(lang="ja", **options)) for name, options in LAYOUTS.items()}


def test_the_rich_frame_says_everything_in_japanese(japanese):
    figure, _ = japanese["rich"]
    fit, neurons, loss = figure.ax, figure.ax_neurons, figure.ax_loss
    assert [t.get_text() for t in fit.get_legend().get_texts()] == [
        "正解: sin",
        "訓練データ",
        "少し前の出力",
        "ネットワークの出力",
        "エポック中の出力\n(訓練データごと)",
    ]
    assert [t.get_text() for t in neurons.get_legend().get_texts()] == [
        "ニューロン 1",
        "ニューロン 2",
        "ニューロン 3",
        "出力層のバイアス b2",
    ]
    assert fit.get_title(loc="left") == "エポック 29 / 30     誤差 " + f"{figure.history[29]:.2e}"
    assert fit.get_ylabel() == "出力 y"
    assert neurons.get_xlabel() == "入力 x (角度 0 … 2π を -1 … 1 に変換)"
    assert (
        neurons.get_title(loc="left") == "中間層の各ニューロンの寄与 (バイアスと合わせた和が赤い線)"
    )
    assert (loss.get_xlabel(), loss.get_ylabel()) == ("エポック", "誤差")
    assert loss.get_title(loc="left") == "エポックごとの誤差: ½(y − t)² の平均"
    header = [t.get_text() for t in figure.figure.texts]
    assert header == [
        "n_mid=3   eta=0.1   30 エポック   wb_width=0.01   seed=1   SGD、バッチサイズ 1"
    ]


def test_every_layout_draws_only_japanese_texts_and_numbers(japanese):
    english = {text for text in texts.ENGLISH.values() if "{" not in text}
    for name, (figure, _) in japanese.items():
        shown = [t.get_text() for t in shown_texts(figure)]
        assert not english & set(shown), name
        words = {word for text in shown for word in re.findall(r"[A-Za-z]{3,}", text)}
        # what stays in Latin letters: the settings' own names and values,
        # curve names, the math, the method
        names = {
            part for field in Settings.__dataclass_fields__ for part in [field, *field.split("_")]
        }
        assert words <= names | {"SGD", "gauss", "sin", "tanh"}, (name, words)
        assert sum(bool(CJK.search(text)) for text in shown) >= 5, name


def test_the_diverged_note_and_the_held_out_texts_are_japanese(japanese):
    figure, _ = japanese["rich, diverged"]
    assert figure.warning.get_visible() and figure.warning.get_text().startswith("エポック ")
    assert figure.warning.get_text().endswith(" で発散: eta を小さくしてみましょう")
    figure, _ = japanese["rich, everything on"]
    assert [t.get_text() for t in figure.ax.get_legend().get_texts()][:4] == [
        "正解: gauss",
        "訓練データ\n(ノイズ σ=0.1)",
        "学習に使わない範囲",
        "学習に使わないデータ",
    ]
    assert [t.get_text() for t in figure.ax_loss.get_legend().get_texts()] == [
        "訓練データ",
        "学習に使わないデータ\n(エポック終了時の\n重みで)",
    ]
    assert "残り 2 個の\nニューロンの和" in [
        t.get_text() for t in figure.ax_neurons.get_legend().get_texts()
    ]
    assert [t.get_text() for t in figure.figure.texts][0].splitlines()[1] == (
        "正解 gauss   ノイズ σ=0.1   学習に使わない範囲: x が [0.6, 1]"
    )
    grid, _ = japanese["grid"]
    assert grid.header.get_text() == "エポック 29 / 30"
    assert (
        grid.ax_loss.get_title(loc="right")
        == "細い線: 学習に使わないデータの誤差 (エポック終了時の重みで)"
    )
    assert [title.get_text() for _, title, _ in grid.panels][0].startswith("誤差 ")


def test_every_text_is_drawn_in_the_japanese_font(japanese):
    for name, (figure, _) in japanese.items():
        for text in shown_texts(figure):
            path = Path(font_manager.findfont(text.get_fontproperties())).resolve()
            assert path == FONT_PACKAGE / "fonts" / "ipaexg.ttf", (name, text.get_text())
            assert text.get_fontfamily() == [
                "IPAexGothic",
                "DejaVu Sans",
            ]  # (10⁻⁵'s superscripts: DejaVu)


def test_japanese_frames_are_the_english_size_and_nothing_is_cut_off(japanese):
    for name, (figure, pixels) in japanese.items():
        english = Settings(
            **LAYOUTS[name]
        )  # the same figure in English, made (not trained, not drawn)
        configurations = len(english.configurations())
        english = make_figure(
            english,
            english.dataset(),
            [[0.1, 0.05]] * configurations,
            [],
            [[0.2, 0.1]] * configurations,
        )
        assert pixels.shape[:2] == english.figure.canvas.get_width_height()[::-1], name
        height, width = pixels.shape[:2]
        renderer = layout(figure)
        with _text_style():  # as the frames are drawn
            boxes = [text.get_window_extent(renderer) for text in shown_texts(figure)]
            boxes += [
                legend.get_window_extent(renderer)
                for legend in figure.figure.legends
                + [ax.get_legend() for ax in figure.figure.axes if ax.get_legend() is not None]
            ]
            if figure.__class__.__name__ == "RichFigure" and figure.warning.get_visible():
                boxes.append(figure.warning.get_bbox_patch().get_window_extent(renderer))
        assert len(boxes) > 20
        for box in boxes:
            assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, (name, box)


def test_the_changing_titles_are_drawn_where_matplotlib_lays_them_out(japanese):
    """The epoch and error titles are put together from cached images of their characters
    (blit.Label): in the Japanese font, each one's ink lies inside the box matplotlib lays the text
    out in, and fills it."""
    checked = 0
    for name, (figure, pixels) in japanese.items():
        height = pixels.shape[0]
        renderer = layout(figure)
        for label in figure.blitter.labels:
            with _text_style():
                box = label.text.get_window_extent(renderer)
            top, bottom, left, right = (
                int(height - box.y1),
                int(height - box.y0),
                int(box.x0),
                int(box.x1),
            )
            region = pixels[top - 6 : bottom - 2, left - 10 : right + 10].min(axis=2) < 220  # ink
            rows, columns = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
            ink = (
                rows[0] + top - 6,
                rows[-1] + top - 6,
                columns[0] + left - 10,
                columns[-1] + left - 10,
            )
            assert (
                top - 1 <= ink[0]
                and ink[1] <= bottom
                and left - 1 <= ink[2]
                and ink[3] <= right + 1
            ), (name, box, ink)
            assert ink[3] - ink[2] >= box.width - 10 and ink[1] - ink[0] >= 0.5 * box.height, (
                name,
                box,
                ink,
            )
            checked += 1
    assert checked >= 10


def test_an_english_figure_after_a_japanese_one_is_the_same_to_the_pixel():
    english = Settings(epoch=20, frames=2)
    _, before = drawn(english)
    saved = dict(matplotlib.rcParams)
    drawn(Settings(epoch=20, frames=2, lang="ja", simple=True))
    assert dict(matplotlib.rcParams) == saved  # the Japanese font stayed within its figure
    figure, after = drawn(english)
    assert np.array_equal(before, after)
    assert {
        Path(font_manager.findfont(t.get_fontproperties())).name for t in shown_texts(figure)
    } == {"DejaVuSans.ttf"}
    assert (
        "matplotlib_fontja" not in __import__("sys").modules
    )  # never imported: it would change rcParams


# ---- the command line: the option, its record, its file name, its replay ----


@pytest.fixture(scope="module")
def japanese_run(tmp_path_factory):
    """One cheap --lang ja run from the command line: (folder, its GIF)."""
    folder = tmp_path_factory.mktemp("ja")
    code, out, err = run_main(
        ["--lang", "ja", "--epoch", "20", "--frames", "3", "-q", "--out", f"{folder}/"]
    )
    assert code == 0, err
    gifs = list(folder.glob("*.gif"))
    assert len(gifs) == 1
    return folder, gifs[0]


def test_the_language_is_in_the_file_name_and_the_record(japanese_run):
    folder, gif = japanese_run
    assert gif.name == "sin_nmid3_eta0.1_epoch20_seed1_frames3_langja.gif"
    record = json.loads(gif.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["settings"]["lang"] == "ja"
    assert len(decode_gif(gif).frames) == 3
    assert Settings().file_stem() == "sin_nmid3_eta0.1_epoch2001_seed1"  # English: no suffix


def test_a_replay_keeps_the_language_and_gives_the_same_gif(japanese_run, tmp_path):
    folder, gif = japanese_run
    code, out, err = run_main(
        ["--replay", str(gif.with_suffix(".json")), "-q", "--out", f"{tmp_path}/"]
    )
    assert code == 0, err
    again = tmp_path / gif.name
    assert again.read_bytes() == gif.read_bytes()
    assert (
        json.loads(again.with_suffix(".json").read_text(encoding="utf-8"))["settings"]["lang"]
        == "ja"
    )


def test_an_unknown_language_is_refused_with_the_choices(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--lang", "fr"])
    assert (code, out, err) == (
        2,
        "",
        "regress-demo: error: --lang must be one of en, ja, got 'fr'\n",
    )
    assert os.listdir(tmp_path) == []
    with pytest.raises(ValueError, match=r"^lang must be one of en, ja, got 'fr'$"):
        Settings(lang="fr")


def test_japanese_without_its_font_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hide_packages(monkeypatch, "matplotlib_fontja")
    code, out, err = run_main(["--lang", "ja", "--epoch", "5"])
    assert (code, out) == (2, "")
    assert err == (
        "regress-demo: error: --lang needs matplotlib-fontja (the Japanese font): "
        "pip install -e '.[ja]' (or pip install matplotlib-fontja)\n"
    )
    assert os.listdir(tmp_path) == []
    assert run_main(["--epoch", "2", "-q"])[0] == 0  # English needs no more than before


def test_help_and_the_readme_agree_on_lang(capsys):
    code, out, _ = run_main(["--help"])
    help_text = " ".join(out.split())
    assert code == 0 and "--lang en|ja" in help_text and "(default: en)" in help_text
    row = next(
        line
        for line in (ROOT / "docs" / "options.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `--lang")
    )
    option, default, what = [cell.strip() for cell in row.strip("|").split(" | ")]
    assert option == "`--lang en\\|ja`" and default == "en"
    assert "pip install -e '.[ja]'" in what and "pip install -e '.[ja]'" in help_text


# ---- the gallery page ----


def test_the_gallery_of_a_japanese_run_is_japanese(japanese_run):
    folder, gif = japanese_run
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page
    assert "<h2>n_mid 3 · eta 0.1 · 20 エポック · seed 1</h2>" in page
    assert '<span class="badge">完了</span> · 3 フレーム' in page
    assert "<th>最終の誤差</th>" in page and ">実行の記録 (JSON)</a>" in page
    assert "1 件の実行" in page and "Every run in this folder" not in page


def test_the_japanese_gallery_opens_in_chromium_with_its_heading(japanese_run, tmp_path):
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if chromium is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        )
    folder, gif = japanese_run
    check = folder / "check.html"  # beside index.html: the same relative links
    check.write_text(
        (folder / "index.html")
        .read_text(encoding="utf-8")
        .replace(
            "</body>",
            """<script>
window.onload = function () {
  var image = document.images[0];
  document.title = "lang " + document.documentElement.lang
    + " heading " + document.querySelector("h2").textContent
    + " image " + (image.complete && image.naturalWidth)
    + " status " + document.querySelector(".badge").textContent;
};
</script></body>""",
        ),
        encoding="utf-8",
    )
    command = [
        chromium,
        *CHROMIUM_ARGS,
        f"--user-data-dir={tmp_path}",
        "--virtual-time-budget=5000",
        "--dump-dom",
        check.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    title = re.search(r"<title>(.*?)</title>", result.stdout).group(1)
    assert title == "lang ja heading n_mid 3 · eta 0.1 · 20 エポック · seed 1 image 840 status 完了"


# ---- README.ja.md ----


def _bash_blocks(text: str) -> list:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_the_japanese_readme_gives_the_readme_s_two_commands_exactly():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    japanese = (ROOT / "README.ja.md").read_text(encoding="utf-8")
    two = _bash_blocks(readme.split("## Quick start", 1)[1])[:2]
    assert two[0].endswith(".venv/bin/regress-demo") and two[1].endswith(
        ".venv/bin/python -m pytest"
    )
    assert _bash_blocks(japanese)[:2] == two
    assert "(README.ja.md)" in readme.split("\n## ", 1)[0]  # linked from the top of the README


def test_the_japanese_readme_s_commands_and_picture_are_real():
    from regress_demo.app import cli

    japanese = (ROOT / "README.ja.md").read_text(encoding="utf-8")
    lines = [
        line.split("#")[0].split("regress-demo", 1)[1].split()
        for block in _bash_blocks(japanese)[2:]
        for line in block.splitlines()
        if "regress-demo" in line
    ]
    assert len(lines) >= 3 and all("ja" in args for args in lines)
    for args in lines:
        assert cli.parse_settings(cli.build_parser().parse_args(args)).lang == "ja"
    for option in ("--n-mid", "--eta", "--epoch", "--interval", "--lang ja"):
        assert f"| `{option}" in japanese
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", japanese)
    assert pictures == ["docs/sin_nmid3_eta0.1_ja.png"] and (ROOT / pictures[0]).is_file()
    assert "_langja" in japanese and Settings(lang="ja").file_stem().endswith("_langja")


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


def test_what_trains_a_long_run_and_why_the_layer_classes_train_one_are_said_in_japanese():
    say = Texts("ja")
    long_run = engines.trainer(Settings(epoch=20001)).engine  # (the layer classes: 50 s or so)
    assert re.fullmatch(
        r"plain-float loop, checked against layers\.py \(.* would take about .*\)", long_run
    )
    assert re.fullmatch(
        r"float のループ \(layers\.py と照合済み。層のクラスなら約 \d+ 秒\)", say.engine(long_run)
    )
    with registered("softplus"):
        note = engines.trainer(Settings(activation="softplus", engine="fast", epoch=5)).note
    assert note == (
        "the fast loops do not know the activation softplus; "
        "training with the layer classes of layers.py"
    )
    assert say.note(note) == (
        "速いループは活性化関数 softplus を知らないため、layers.py の層のクラスで学習します"
    )
    assert Texts("en").note(note) == note and say.note("a note of its own") == "a note of its own"


def test_an_edited_layers_py_is_named_with_what_trained_the_run_as_the_command_names_it():
    name = "plain-float loop, checked against layers.py"
    assert Texts("en").engine("layer classes of layers.py", "3f2a9c") == (
        "layer classes of layers.py (edited: 3f2a9c)"
    )
    assert (
        Texts("en").engine(name, "3f2a9c")
        == "plain-float loop, checked against layers.py (edited: 3f2a9c)"
    )
    assert (
        JA.engine("layer classes of layers.py", "3f2a9c")
        == "layers.py (編集済み: 3f2a9c) の層のクラス"
    )
    assert JA.engine(name, "3f2a9c") == "float のループ (layers.py (編集済み: 3f2a9c) と照合済み)"
    assert JA.engine(name) == "float のループ (layers.py と照合済み)"


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
