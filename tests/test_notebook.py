"""In a notebook: the walkthrough run in a Jupyter kernel, a RunResult that shows its film,
animate(), and the progress line that updates in place."""

import ast
import base64
import importlib.util
import io
import json
import math
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from helpers import decode_gif, edited_checkout, run_checkout
from test_engine import FACTOR_REMOVED, digest_of

import regress_demo
from regress_demo.app import notebook, shown
from regress_demo.app.notebook import NotebookProgress
from regress_demo.app.run import make_gif
from regress_demo.film import stopping
from regress_demo.film.texts import Texts
from regress_demo.inputs.settings import Settings
from regress_demo.network.layers import MiddleLayer, OutputLayer
from regress_demo.network.samples import sine_data

DOCS = Path(__file__).resolve().parent.parent / "docs"
#: The walkthrough in English and in Japanese (the textbook's terms), and the words each shows.
WALKTHROUGHS = {
    "walkthrough.ipynb": {
        "finished": ">finished</span>: final error",
        "held_out": ", held out ",
        "errors": r"^training error (\S+), held-out error (\S+) \((\d+) times larger\)$",
        "progress": "finished: 300/300 epochs",
    },
    "walkthrough.ja.ipynb": {
        "finished": ">完了</span>: 最終の誤差 ",
        "held_out": "、学習に使わないデータの誤差 ",
        "errors": r"^訓練データの誤差 (\S+)、学習に使わないデータの誤差 (\S+) \((\d+) 倍\)$",
        "progress": "完了: 300/300 エポック",
    },
}
#: The films each walkthrough makes: three, of 16 frames each (frames=16 in each animate call);
#: the explorer writes one more.
WALKTHROUGH_FILMS = 3
WALKTHROUGH_FRAMES = 16


def embedded_films(html: str):
    """The films embedded in a page as data: URLs: (media type, bytes) for each."""
    found = re.findall(r'src="data:(image/gif|video/[a-z0-9]+);base64,([A-Za-z0-9+/=]+)"', html)
    return [(kind, base64.b64decode(data, validate=True)) for kind, data in found]


def film_frames(html: str) -> int:
    """The frame count of the one film embedded in the page, decoded as a viewer would."""
    ((kind, data),) = embedded_films(html)
    assert kind == "image/gif"
    return len(decode_gif(io.BytesIO(data)).frames)


# --- the walkthrough, run in a kernel of this environment --------------------------------------


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernel that runs this Python (sys.executable, with this environment's packages), declared
    in a kernelspec of a temporary Jupyter path; Jupyter's and IPython's own folders are temporary
    too."""
    name = "regress-demo-tests"
    spec = tmp_path / "jupyter" / "kernels" / name
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "regress-demo tests",
                "language": "python",
            }
        )
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    # (as Jupyter starts a kernel: it chooses inline plots)
    monkeypatch.delenv("MPLBACKEND", raising=False)
    for variable, folder in (
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    return name


def hand_worked_gradients(text: str) -> dict:
    """The gradients the walkthrough worked out by hand, from its printed lines
    ``grad_w1 (1, 3)  by hand: 0.0012 -0.003 0.0004`` (in Japanese ``手計算:``)."""
    found = re.findall(r"^(grad_\w+) .*?(?:by hand|手計算): +(.*)$", text, flags=re.M)
    return {name: np.array([float(v) for v in values.split()]) for name, values in found}


def the_layer_classes_gradients() -> dict:
    """The same step with the layer classes, here: the walkthrough's layers (seed 1, wb_width 0.5)
    and sample 10."""
    rng = np.random.default_rng(1)
    middle_layer, output_layer = (
        MiddleLayer(1, 3, wb_width=0.5, rng=rng),
        OutputLayer(3, 1, wb_width=0.5, rng=rng),
    )
    x, t = sine_data()
    output_layer.forward(middle_layer.forward(x[[10]].reshape(1, 1)))
    output_layer.backward(t[[10]].reshape(1, 1))
    middle_layer.backward(output_layer.grad_x)
    return {
        "grad_w2": output_layer.grad_w,
        "grad_b2": output_layer.grad_b,
        "grad_w1": middle_layer.grad_w,
        "grad_b1": middle_layer.grad_b,
    }


@pytest.mark.parametrize("name", sorted(WALKTHROUGHS))
def test_the_walkthrough_runs_top_to_bottom_in_a_kernel(tmp_path, kernel_name, name):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipywidgets")
    words = WALKTHROUGHS[name]
    book = nbformat.read(DOCS / name, as_version=4)
    code_cells = [cell for cell in book.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code_cells), (
        "stored with outputs"
    )
    work = tmp_path / "work"
    work.mkdir()
    client = nbclient.NotebookClient(
        book, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises CellExecutionError if a cell raises

    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    printed = "".join(output.text for output in outputs if output.output_type == "stream")
    assert "Traceback" not in printed

    # the hand-worked step: printed, and equal to what the layer classes compute
    by_hand, expected = hand_worked_gradients(printed), the_layer_classes_gradients()
    assert sorted(by_hand) == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(
            by_hand[name], value.ravel(), rtol=1e-7, atol=1e-12, err_msg=name
        )

    # the plots (the data, the fit and the error curve), inline, though regress_demo loaded
    # matplotlib first
    assert sum("image/png" in output.get("data", {}) for output in outputs) >= 2

    # the films, embedded, each decoding to its frames; each with its caption
    pages = [
        output.data["text/html"] for output in outputs if "text/html" in output.get("data", {})
    ]
    films = [page for page in pages if embedded_films(page)]
    assert len(films) == WALKTHROUGH_FILMS
    for page in films:
        assert film_frames(page) == WALKTHROUGH_FRAMES
        assert words["finished"] in page
    assert "holdout=[0.6, 1]" in films[-1] and words["held_out"] in films[-1]
    assert len(list((work / "outputs").glob("*.gif"))) == WALKTHROUGH_FILMS + 1  # (the explorer's)

    # the held-out numbers printed agree with the text: the held-out error is many times larger
    ((training, held_out, times),) = re.findall(words["errors"], printed, flags=re.M)
    assert float(held_out) > 5 * float(training) and int(times) > 5

    # the explorer shows its sliders (a widget), after its first film
    (explorer,) = [cell for cell in code_cells if "explore(" in cell.source]
    assert any("application/vnd.jupyter.widget-view+json" in out.data for out in explorer.outputs)

    # one progress line per film, updated in place (not a line per epoch), in the run's language
    for cell in code_cells:
        if "animate(" in cell.source:
            lines = [output for output in cell.outputs if output.output_type == "display_data"]
            assert len(lines) == 1 and lines[0].data["text/plain"].startswith(words["progress"])


# --- a RunResult shows itself ------------------------------------------------------------------


def test_a_finished_run_shows_its_film_and_a_caption(tmp_path):
    settings = Settings(n_mid=5, eta=0.3, epoch=30, interval=7)
    result = make_gif(settings, tmp_path / "run.gif")
    page = result._repr_html_()
    assert film_frames(page) == result.frames == 6
    assert ">finished</span>: final error " + shown.format_error(result.final_error) in page
    assert "n_mid=5, eta=0.3, epoch=30, interval=7" in page  # what differs from the textbook's
    assert "layer classes of layers.py" in page
    assert repr(result) == (
        f"RunResult(finished, {tmp_path / 'run.gif'}, 6 frames, final error "
        f"{result.final_error:.3g}, layer classes of layers.py)"
    )


def test_a_run_of_one_frame_says_so_in_the_singular_and_a_size_as_typed(tmp_path):
    result = make_gif(Settings(epoch=1), tmp_path / "run.gif")
    assert result.frames == 1
    assert "; 1 frame, " in shown.caption(result) and ", 1 frame, " in repr(result)
    assert shown.changed_settings(Settings(size=(1920, 1080))) == "size=1920x1080"


def test_a_diverged_run_says_so_under_its_film(tmp_path):
    result = make_gif(Settings(eta=1.9, epoch=30, interval=5), tmp_path / "run.gif")
    assert result.status == "diverged"
    page = result._repr_html_()
    assert film_frames(page) == result.frames
    assert (
        ">diverged at epoch 9</span>: final error " + shown.format_error(result.final_error) in page
    )
    assert "eta=1.9" in page
    assert repr(result).startswith("RunResult(diverged at epoch 9, ")


def test_an_interrupted_run_says_so_under_its_film(tmp_path):
    def interrupt(epoch, error):
        if epoch == 12:
            raise KeyboardInterrupt

    result = make_gif(Settings(epoch=40, interval=5), tmp_path / "run.gif", on_epoch=interrupt)
    assert result.status == "interrupted"
    page = result._repr_html_()
    assert film_frames(page) == result.frames == 3  # epochs 0, 5 and 10
    # the error of the last frame
    record = json.loads((tmp_path / "run.json").read_text())["runs"][0]
    assert record["last_frame_epoch"] == 10
    final = shown.format_error(record["final_error"])
    assert f">interrupted while training, at epoch 10 of 40</span>: final error {final}<" in page
    assert "epoch=40, interval=5" in page


def test_a_grid_shows_each_networks_error_and_a_short_repr(tmp_path):
    result = make_gif(Settings(n_mid=[1, 3], epoch=20, interval=10), tmp_path / "grid.gif")
    page = result._repr_html_()
    assert film_frames(page) == 3
    assert "n_mid=1: " in page and "n_mid=3: " in page and "n_mid=[1, 3]" in page
    one, three = (shown.format_error(e) for e in result.final_errors)
    assert f", final errors n_mid=1: {one}; n_mid=3: {three}, " in repr(result)


def test_a_larger_grid_s_repr_names_its_best_network():
    from regress_demo.app.result import RunResult

    settings = Settings(n_mid=[1, 3, 5], eta=[0.1, 0.5], epoch=3)
    result = RunResult("finished", None, None, 0, None, settings=settings)
    errors = [[0.5], [0.4], [0.3], [0.2], [0.1], [0.6]]
    result.training = type("Errors", (), {"errors": errors, "heldout_errors": [[]] * 6})()
    assert ", best final error 0.1 (n_mid=3, eta=0.5) of 6, " in repr(result)


def test_a_result_without_a_film_or_with_a_missing_one_still_shows(tmp_path):
    result = make_gif(Settings(epoch=10, interval=5), tmp_path / "run.gif")
    (tmp_path / "run.gif").unlink()
    assert "no longer there" in result._repr_html_() and not embedded_films(result._repr_html_())
    result.path = None
    assert "No film was written" in result._repr_html_()
    assert "no GIF" in repr(result)


@pytest.mark.skipif(importlib.util.find_spec("av") is None, reason="needs PyAV (the video extra)")
def test_a_run_with_a_video_shows_the_video(tmp_path):
    result = regress_demo.animate(epoch=6, video="mp4", out=tmp_path, quiet=True)
    assert result.video_paths == [tmp_path / result.path.with_suffix(".mp4").name]
    page = result._repr_html_()
    (source,) = re.findall(r'<video src="data:video/mp4;base64,([^"]+)"', page)
    assert base64.b64decode(source) == result.video_paths[0].read_bytes()


def test_a_video_would_be_embedded_as_a_video(tmp_path):
    path = tmp_path / "run.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    page = shown.media_html(path, "a film")
    assert page.startswith("<video ") and 'src="data:video/mp4;base64,' in page
    assert embedded_films(page) == [("video/mp4", path.read_bytes())]


def test_settings_repr_names_the_textbook_s_key_values_and_what_differs():
    textbook = "n_mid=3, eta=0.1, epoch=2001, wb_width=0.01, seed=1"
    assert repr(Settings()) == f"Settings({textbook})"
    assert (
        repr(Settings(n_mid=[1, 3], eta=0.5, holdout=(0.6, 1)))
        == "Settings(n_mid=(1, 3), eta=0.5, epoch=2001, wb_width=0.01, seed=1, holdout=(0.6, 1.0))"
    )
    for settings in (Settings(), Settings(n_mid=[1, 3], target="cos", lang="ja")):
        assert eval(repr(settings)) == settings  # (a learner can paste it back)
    assert Settings(eta=0.5) == Settings(eta=0.5) != Settings()
    assert hash(Settings(eta=0.5)) == hash(Settings(eta=0.5))


# --- animate() and its progress -----------------------------------------------------------------


class StandInHandle:
    """What IPython.display.display(..., display_id=True) returns: a handle to update in place."""

    def __init__(self, shown):
        self.shown = [shown]

    def update(self, obj, raw=False):
        assert raw
        self.shown.append(obj)


class StandInDisplay:
    def __init__(self):
        self.handles = []

    def __call__(self, obj, raw=False, display_id=None):
        assert raw and display_id is True
        self.handles.append(StandInHandle(obj))
        return self.handles[-1]


def test_in_a_notebook_one_display_is_updated_not_a_line_per_epoch(tmp_path, monkeypatch, capsys):
    display = StandInDisplay()
    monkeypatch.setattr(notebook, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", display)
    result = regress_demo.animate(n_mid=4, epoch=200, interval=20, out=tmp_path / "run.gif")
    assert result.status == "finished" and result.frames == 11
    (handle,) = display.handles  # one display for the whole run
    texts = [shown["text/plain"] for shown in handle.shown]
    assert 3 <= len(texts) < 200  # updated as it went, throttled
    assert any(re.match(r"training: \d+/200 epochs", text) for text in texts)
    assert any(text.startswith("drawing: ") for text in texts)
    assert texts[-1].startswith(
        f"finished: 200/200 epochs, error {shown.format_error(result.final_error)} "
        "| frames drawn 11/11"
    )
    assert capsys.readouterr() == ("", "")  # nothing else printed


def test_progress_updates_at_most_ten_times_a_second_and_shows_the_end():
    display, now = StandInDisplay(), [0.0]

    def clock():
        now[0] += 0.001  # a millisecond per epoch
        return now[0]

    settings = Settings(epoch=2001)
    progress = NotebookProgress(settings, display=display, clock=clock)
    progress.start("layer classes of layers.py", None)
    for epoch in range(settings.epoch):
        progress.epoch(epoch, 1.0 / (epoch + 1))
    (handle,) = display.handles
    assert len(handle.shown) <= 1 + 2001 * 0.001 * 10 + 2
    assert handle.shown[-1]["text/plain"].startswith("training: 2001/2001 epochs, error 0.0005")


def test_in_a_terminal_or_quiet_nothing_extra(tmp_path, monkeypatch, capsys):
    display = StandInDisplay()
    monkeypatch.setattr("IPython.display.display", display)
    assert not notebook.in_notebook()  # (pytest is no notebook)
    regress_demo.animate(epoch=20, interval=10, out=tmp_path / "a.gif")
    monkeypatch.setattr(notebook, "in_notebook", lambda: True)
    regress_demo.animate(epoch=20, interval=10, out=tmp_path / "b.gif", quiet=True)
    assert display.handles == []
    assert capsys.readouterr() == ("", "")


def test_a_run_refused_before_it_starts_shows_no_progress_line(tmp_path, monkeypatch):
    display = StandInDisplay()
    monkeypatch.setattr(notebook, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", display)
    with pytest.raises(ValueError, match="out must be a folder or a file name ending in .gif"):
        regress_demo.animate(epoch=5, out=tmp_path / "run.png")
    assert display.handles == []


def test_a_notebook_is_recognised_by_its_kernel_without_importing_ipython(monkeypatch):
    fake = types.ModuleType("IPython")
    monkeypatch.setitem(sys.modules, "IPython", fake)
    fake.get_ipython = lambda: types.SimpleNamespace(kernel=object())  # Jupyter, VS Code, Colab
    assert notebook.in_notebook()
    fake.get_ipython = lambda: types.SimpleNamespace()  # IPython's terminal shell
    assert not notebook.in_notebook()
    fake.get_ipython = lambda: None  # plain Python that imported IPython
    assert not notebook.in_notebook()
    monkeypatch.delitem(sys.modules, "IPython")
    assert not notebook.in_notebook()


def test_animate_takes_every_setting_by_name_and_refuses_bad_video_and_unknown_ones(tmp_path):
    result = regress_demo.animate(
        n_mid=2, eta=0.2, epoch=12, interval=4, seed=3, simple=True, out=tmp_path
    )
    assert result.settings == Settings(n_mid=2, eta=0.2, epoch=12, interval=4, seed=3, simple=True)
    assert result.path.parent == tmp_path and result.frames == 4
    with pytest.raises(ValueError, match="video must be one of mp4, webm, got True"):
        regress_demo.animate(epoch=5, video=True, out=tmp_path)
    with pytest.raises(TypeError, match="animate\\(\\) has no setting 'nmid'"):
        regress_demo.animate(nmid=5, out=tmp_path)
    with pytest.raises(ValueError, match="eta must be > 0"):
        regress_demo.animate(eta=-1, out=tmp_path)


INTERRUPTED_IMPORT = """
import importlib.abc, signal, sys

class Interrupter(importlib.abc.MetaPathFinder):
    armed = True

    def find_spec(self, name, path, target=None):  # Ctrl-C as this module of matplotlib loads
        if Interrupter.armed and name == sys.argv[1]:
            Interrupter.armed = False
            signal.raise_signal(signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupter())
import regress_demo
from regress_demo.app.shown import how_it_ended
try:
    print("first:", how_it_ended(regress_demo.animate(epoch=3, simple=True, quiet=True)))
except KeyboardInterrupt:
    print("first: KeyboardInterrupt")
print("second:", how_it_ended(regress_demo.animate(epoch=3, simple=True, quiet=True)))
"""


@pytest.mark.parametrize("module", ["matplotlib.colors", "matplotlib.figure"])
def test_an_interrupt_while_matplotlib_loads_leaves_the_next_animate_working(tmp_path, module):
    import os
    import subprocess

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_IMPORT, module],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(root), "MPLBACKEND": "Agg"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = done.stdout.splitlines()
    assert first in (
        "first: KeyboardInterrupt",
        "first: interrupted while training, before the first of 3 epochs",
        "first: interrupted while drawing, at epoch 2 of 3",  # (matplotlib loads after training)
    )  # (not "at epoch -1")
    assert second == "second: finished"


def test_a_still_the_run_never_reached_is_named_in_a_notebook_too(tmp_path):
    """animate(still="8,11") of a run of 12 epochs that diverged at epoch 9: epoch 11 is left out,
    and said."""
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


def test_a_japanese_run_s_caption_is_japanese_and_its_repr_english(tmp_path):
    from regress_demo import animate

    result = animate(
        data=(np.arange(12.0), np.sin(np.arange(12.0))),
        lang="ja",
        epoch=2,
        frames=2,
        out=str(tmp_path),
        quiet=True,
    )
    assert repr(result).isascii() and "% of var(y)), RMSE 0.7" in repr(result)
    assert repr(result).endswith(", layer classes of layers.py)")
    page = result._repr_html_()
    caption = page.split('<div style="font-family')[1]
    error = f"{result.last_frame[0].error:.3g}"  # in the data's units, with its share of var(y)
    assert f">完了</span>: 最終の誤差 {error}" in caption and "(var(y) の " in caption
    assert "学習に使ったもの: layers.py の層のクラス、2 フレーム" in caption
    assert "final error" not in page and 'alt="regress-demo の実行の動画: ' in page
    assert "lang=&#x27;ja&#x27;, data=&lt;12 点&gt;<br>" in caption  # (in English: <12 points>)


def test_animate_in_japanese_captions_in_japanese(tmp_path):
    result = regress_demo.animate(lang="ja", eta=1.9, epoch=12, frames=2, out=tmp_path, quiet=True)
    page = result._repr_html_()
    assert film_frames(page) == result.frames
    error = shown.format_error(result.final_error)
    assert f">エポック 9 で発散</span>: 最終の誤差 {error}<br>eta=1.9, epoch=12, frames=2" in page
    assert repr(result).startswith("RunResult(diverged at epoch 9, ")
    lines = shown.caption(regress_demo.animate(lang="ja", epoch=3, out=tmp_path, quiet=True))
    assert lines.split("\n")[:2] == [
        "完了: 最終の誤差 " + lines.split("最終の誤差 ")[1].split("\n")[0],
        "epoch=3, lang='ja'",
    ]
    assert lines.split("\n")[2].startswith("学習に使ったもの: layers.py の層のクラス、3 フレーム、")


# --- a Japanese notebook speaks Japanese --------------------------------------------------------

JA = Texts("ja")


def latin_words(caption: str) -> list:
    """The words in Latin letters a Japanese caption shows, beyond what stays as it is in every
    language: the settings as typed (`name=value`), the file, layers.py, the math and what is no
    word (float, RMSE, var(y), inf)."""
    text = caption
    for kept in (r"[\w.]+=\S+", r"\S+\.gif", r"layers\.py", r"var\(y\)", "RMSE", "float", "inf"):
        text = re.sub(kept, "", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def progress_texts(monkeypatch, **settings):
    """animate(**settings) as a notebook's cell runs it: (the result, every text its one progress
    line showed)."""
    display = StandInDisplay()
    monkeypatch.setattr(notebook, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", display)
    result = regress_demo.animate(**settings)
    (handle,) = display.handles
    return result, [shown["text/plain"] for shown in handle.shown]


def test_in_japanese_the_progress_line_is_japanese(tmp_path, monkeypatch, capsys):
    result, texts = progress_texts(monkeypatch, lang="ja", epoch=200, interval=20, out=tmp_path)
    engine = r" \| layers\.py の層のクラス"
    assert re.fullmatch(r"学習中: 0/200 エポック \| 描画したフレーム 0/11" + engine, texts[0])
    assert any(
        re.fullmatch(r"学習中: \d+/200 エポック、誤差 \S+ \| 描画したフレーム 0/11" + engine, text)
        for text in texts
    )
    assert any(
        re.fullmatch(r"描画中: 200/200 .* 描画したフレーム \d+/11" + engine, t) for t in texts
    )
    error = re.escape(shown.format_error(result.final_error, JA))
    assert re.fullmatch(
        rf"完了: 200/200 エポック、誤差 {error} \| 描画したフレーム 11/11 \| \d+\.\d 秒" + engine,
        texts[-1],
    )
    assert capsys.readouterr() == ("", "")  # (nothing in English beside it)


def test_a_japanese_grid_with_stop_at_is_summed_up_in_japanese(tmp_path, monkeypatch):
    result, texts = progress_texts(
        monkeypatch, lang="ja", n_mid=[1, 3, 10], epoch=200, frames=10, stop_at=1e-2, out=tmp_path
    )
    none, three, ten = result.reached_at  # (n_mid=1 never gets there in 200 epochs)
    assert none is None and 0 < three < 200 and 0 < ten < 200
    assert texts[-1].startswith("完了: 200/200 エポック、最小の誤差 ")
    page = result._repr_html_()
    assert (
        f">完了、3 個中 2 個が 0.01 に到達 (n_mid=3 はエポック {three}、n_mid=10 はエポック {ten})"
        "</span>: 最終の誤差 n_mid=1: " in page
    )
    assert latin_words(shown.caption(result)) == []
    # in English, as the command prints it
    summary = stopping.summary(result.settings, result.reached_at)
    assert summary == f"2 of 3 reached 0.01 (n_mid=3 at epoch {three}, n_mid=10 at epoch {ten})"
    assert shown.how_it_ended(result, Texts("en")) == f"finished, {summary}"
    unreached = regress_demo.animate(
        lang="ja", n_mid=[1, 3], epoch=20, frames=2, stop_at=1e-9, out=tmp_path, quiet=True
    )
    assert shown.how_it_ended(unreached) == "finished, 0 of 2 reached 1e-9 in 20 epochs"
    assert shown.caption(unreached).startswith("完了、2 個とも 20 エポックで 1e-9 に届かず: ")


JAPANESE_RUNS = {
    "diverged grid": dict(n_mid=[1, 3], eta=[0.1, 1.9], epoch=30, frames=3),
    "held out": dict(holdout=(0.6, 1), epoch=20, frames=2),
    "own data": dict(data=(np.arange(12.0), np.arange(12.0) ** 2), epoch=3, frames=2),
    "own data, grid": dict(data=(np.arange(12.0), np.sin(np.arange(12.0))), n_mid=[2, 4], epoch=3),
    "stopped": dict(epoch=60, frames=3, stop_at=0.2),
}


@pytest.mark.parametrize("name", sorted(JAPANESE_RUNS))
def test_a_japanese_run_s_caption_has_no_english_word(tmp_path, name):
    result = regress_demo.animate(tmp_path, lang="ja", quiet=True, **JAPANESE_RUNS[name])
    caption = shown.caption(result)
    assert latin_words(caption) == [], caption
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", caption.split("\n")[0])  # (kana, kanji)


def test_a_japanese_caption_without_its_film_is_japanese(tmp_path, monkeypatch):
    result = regress_demo.animate(tmp_path, lang="ja", epoch=4, frames=2, quiet=True)
    monkeypatch.setattr(shown, "MAX_EMBED_BYTES", 10)
    assert "<p>動画が大きすぎてページに埋め込めません: <a href=" in result._repr_html_()
    result.path.unlink()
    assert f"<p>動画 {shown._path(result.path)} はもうありません。</p>" in result._repr_html_()
    result.path = None
    assert "<p>動画はありません: 最初のフレームの前に止まりました。</p>" in result._repr_html_()


FAILING_LAYERS_IN_A_NOTEBOOK = """
import IPython.display, regress_demo
from regress_demo.app import notebook, shown

class Handle:
    def __init__(self, shown):
        self.shown = [shown]

    def update(self, shown, raw=False):
        self.shown.append(shown)

handles = []
IPython.display.display = lambda shown, raw, display_id: handles.append(Handle(shown)) or (
    handles[-1]
)
notebook.in_notebook = lambda: True
for lang, engine in (("en", "auto"), ("ja", "auto"), ("ja", "fast")):
    result = regress_demo.animate("out", lang=lang, engine=engine, epoch=12, frames=3)
    print(repr([handles[-1].shown[0]["text/plain"], handles[-1].shown[-1]["text/plain"]]))
    print(repr(shown.caption(result)))
"""


def test_an_edited_layers_py_is_named_in_the_progress_line_and_the_caption(tmp_path):
    """A learner's edit that leaves out a factor of the derivative: the progress line names the file
    by its digest as the command's first line does (test_engine.py), in either language; under it,
    the gradient check's line, and for engine="fast" why the layer classes trained the run."""
    checkout = edited_checkout(tmp_path / "checkout", *FACTOR_REMOVED)
    digest = digest_of(checkout)
    done = run_checkout(checkout, [], cwd=tmp_path, code=FAILING_LAYERS_IN_A_NOTEBOOK)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # (no English warning beside)
    printed = [ast.literal_eval(line) for line in done.stdout.splitlines()]
    (english, english_caption), (japanese, japanese_caption), (fast, _) = zip(
        printed[::2], printed[1::2]
    )
    stem = f"sin_nmid3_eta0.1_epoch12_seed1_frames3_layers{digest}"  # the English run's
    failure = json.loads((tmp_path / "out" / f"{stem}.json").read_text())["gradient_check_failure"]
    classes = f"layer classes of layers.py (edited: {digest})"  # as the command's first line
    assert english[0] == f"training: 0/12 epochs | frames drawn 0/3 | {classes}"
    assert english[1].split("\n")[1:] == [failure]
    assert english_caption.split("\n")[2:] == [
        f"gradient check failed: {failure}",
        f"trained with the {classes}; 3 frames, out/{stem}.gif",
    ]
    classes = f"layers.py (編集済み: {digest}) の層のクラス"
    assert japanese[0] == f"学習中: 0/12 エポック | 描画したフレーム 0/3 | {classes}"
    assert re.fullmatch(
        r"MiddleLayer\.backward: dE/d[wb]1 が有限差分と \d+ % 違います "
        r"\([wb]1\[[\d, ]+\]: \S+ と \S+\)。derivative\(\) を確かめてください "
        r"\(pytest tests/test_layers\.py -k gradient で詳しく見られます\)",
        japanese[1].split("\n")[1],
    )
    assert japanese_caption.split("\n")[2] == f"勾配チェック不合格: {japanese[1].split(chr(10))[1]}"
    assert japanese_caption.split("\n")[3].startswith(f"学習に使ったもの: {classes}、3 フレーム、")
    note = fast[1].split("\n")[1]
    assert re.fullmatch(
        r"layers\.py が float のループ と異なるため \(1 エポック後の \|dw\| の最大 \S+\)、"
        r"layers\.py の層のクラスで学習します \(その勾配は勾配チェックに不合格\)",
        note,
    )


def test_the_gradient_check_s_line_in_english_is_the_command_s_and_has_its_japanese():
    from regress_demo.network.gradcheck import Outcome

    differs = Outcome(
        4.65, "MiddleLayer.backward", "dE/dw1", "w1[0, 2]", 1.99, 0.351, "derivative()"
    )
    raised = Outcome(math.inf, "MiddleLayer.backward", raised="ValueError: shapes (1,3) (1,4)")
    for outcome in (differs, raised):
        assert shown.failure_text(outcome) == outcome.line()
    assert shown.failure_text(differs, JA) == (
        "MiddleLayer.backward: dE/dw1 が有限差分と 465 % 違います (w1[0, 2]: 1.99 と 0.351)。"
        "derivative() を確かめてください "
        "(pytest tests/test_layers.py -k gradient で詳しく見られます)"
    )
    assert shown.failure_text(raised, JA) == (
        "MiddleLayer.backward で ValueError: shapes (1,3) (1,4) が起きました "
        "(pytest tests/test_layers.py -k gradient で詳しく見られます)"
    )


@pytest.mark.parametrize(
    "lang, line",
    [
        ("en", "Hint: the fit leaves 57 % of var(y): try more neurons and wider initial weights, "
         "e.g. n_mid=20, wb_width=10, epoch=5000"),
        ("ja", "ヒント: 当てはまりが var(y) の 57 % を残しています: "
         "ニューロンを増やし、初期の重みを広げてみてください "
         "(例: n_mid=20, wb_width=10, epoch=5000)"),
    ],
)  # fmt: skip
def test_a_poor_fit_s_hint_is_in_the_caption_as_keyword_arguments(tmp_path, lang, line):
    data = ([1, 2, 3, 4, 5, 6], [1, 4, 2, 5, 3, 6])
    result = regress_demo.animate(tmp_path, epoch=50, lang=lang, data=data, quiet=True)
    lines = shown.caption(result).split("\n")
    assert lines[1] == line, lines
    assert "--n-mid" not in shown.caption(result)
    assert html_escape(line) in result._repr_html_()
    # the record keeps the command line's hint
    record = json.loads(result.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert "--n-mid 20 --wb-width 10 --epoch 5000" in json.dumps(record, ensure_ascii=False)


def html_escape(text: str) -> str:
    import html

    return html.escape(text)


def test_a_failed_gradient_check_warns_at_each_call_s_own_line_and_the_repr_says_it(
    tmp_path, monkeypatch
):
    import warnings

    from regress_demo.app import run
    from regress_demo.network.gradcheck import Outcome

    failed = Outcome(1.0, "MiddleLayer.backward", "dE/dw1", raised="NameError: name 'y' is not")
    monkeypatch.setattr(run, "check_settings", lambda settings: failed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # (Python's own: once per line that warns)
        first = regress_demo.animate(tmp_path, epoch=3, frames=2)
        second = regress_demo.animate(tmp_path, epoch=4, frames=2)
    lines = [(Path(w.filename).name, str(w.message)) for w in caught]
    assert lines == [("test_notebook.py", failed.line())] * 2  # each call's, in the learner's file
    assert caught[0].lineno != caught[1].lineno
    for result in (first, second):
        assert repr(result).endswith(", layer classes of layers.py, gradient check failed)")
        assert f"gradient check failed: {failed.line()}" in shown.caption(result).split("\n")
