"""The explorer: its controls, driven in a Jupyter kernel as a slider would drive them; the new film
shown with the one before beside it; the one-line hint without ipywidgets."""

import json

import pytest
from helpers import hide_packages
from test_notebook import embedded_films, film_frames, kernel_name  # noqa: F401 (a fixture)

import regress_demo
from regress_demo.app import explore, shown
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import Training

pytest.importorskip("ipywidgets")
#: Outside a kernel (these tests) explore() warns that its controls show in Jupyter: tested once.
pytestmark = pytest.mark.filterwarnings("ignore:explore\\(\\) shows its controls")

#: How long a change of a default-sized run may take in the tests' kernel (about 2 s alone on two
#: cores: scripts/bench.py; here other tests share the cores).
CHANGE_SECONDS = 30

DRIVE = """\
import json, time, regress_demo
explorer = regress_demo.explore(out="films")
started = time.monotonic()
explorer.controls["n_mid"].value = 5  # as the slider, released at 5
seconds = time.monotonic() - started
print(json.dumps({"n_mid": explorer.result.settings.n_mid, "seconds": seconds,
                  "status": explorer.status.value, "newest": explorer.newest.value,
                  "before": explorer.before.value}))
"""


def test_a_slider_moved_in_a_kernel_trains_and_shows_the_new_film_beside_the_old(
    tmp_path,
    kernel_name,  # noqa: F811
):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(DRIVE), nbformat.v4.new_code_cell("explorer")]
    client = nbclient.NotebookClient(
        book, kernel_name=kernel_name, timeout=300, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    (printed,) = [out for out in book.cells[0].outputs if out.output_type == "stream"]
    shown = json.loads(printed.text)
    assert shown["n_mid"] == 5 and shown["seconds"] < CHANGE_SECONDS
    assert shown["status"].startswith("finished: final error ")
    assert shown["status"].endswith(
        "; trained with the plain-float loop, checked against layers.py, "
        "which is faster than the layer classes for one network"
    )
    assert film_frames(shown["newest"].split("</h4>", 1)[1]) == 101
    # the engine the explorer chose is not a setting the learner changed: animate's caption
    assert "<br>n_mid=5<br>" in shown["newest"] and "engine=" not in shown["newest"]
    assert shown["before"].startswith('<h4 style="margin:0.3em 0">before</h4>')
    assert "n_mid=" not in shown["before"] and film_frames(shown["before"]) == 101
    names = sorted(path.name for path in (tmp_path / "films").glob("*.gif"))
    assert names == [
        "sin_nmid3_eta0.1_epoch2001_seed1.gif",
        "sin_nmid5_eta0.1_epoch2001_seed1.gif",
    ]
    (view,) = book.cells[1].outputs  # the explorer shows itself as the widgets
    assert "application/vnd.jupyter.widget-view+json" in view.data


def test_each_control_starts_at_the_value_given_and_a_change_retrains(tmp_path):
    explorer = regress_demo.explore(
        out=tmp_path, n_mid=4, eta=0.25, epoch=30, activation="tanh", target="cos", seed=7
    )
    assert list(explorer.controls) == ["n_mid", "eta", "epoch", "activation", "target", "seed"]
    values = {name: control.value for name, control in explorer.controls.items()}
    assert values == dict(n_mid=4, eta=0.25, epoch=30, activation="tanh", target="cos", seed=7)
    first = explorer.result
    assert first.settings == Settings(
        n_mid=4, eta=0.25, epoch=30, activation="tanh", target="cos", seed=7
    )
    assert first.engine == "plain-float loop, checked against layers.py"  # (the explorer's choice)
    explorer.controls["target"].value = "step"
    assert explorer.result is not first and explorer.result.settings.target == "step"
    ((_, gif),) = embedded_films(explorer.before.value)
    assert gif == first.path.read_bytes()  # the film before, kept beside the new one


def test_the_explorer_in_japanese_and_with_the_layer_classes_says_what_trained_it(tmp_path):
    explorer = regress_demo.explore(out=tmp_path, epoch=12, lang="ja", engine="layers")
    assert explorer.status.value.startswith("完了: 最終の誤差 ")
    assert "(学習に使ったもの: layers.py の層のクラス)" in explorer.status.value
    assert "速い" not in explorer.status.value  # (said only of the faster loop it chose)
    assert ">今回</h4>" in explorer.newest.value and "最終の誤差" in explorer.newest.value


def test_a_grid_or_an_unknown_setting_is_refused_before_any_widget(tmp_path):
    with pytest.raises(ValueError, match="^explore\\(\\) shows one network at a time"):
        regress_demo.explore(out=tmp_path, n_mid=[1, 3])
    with pytest.raises(ValueError, match="eta must be > 0"):
        regress_demo.explore(out=tmp_path, eta=-1)
    assert list(tmp_path.iterdir()) == []


def test_without_ipywidgets_a_one_line_hint_says_how_to_install_it(tmp_path, monkeypatch):
    hide_packages(monkeypatch, "ipywidgets")
    with pytest.raises(ModuleNotFoundError) as raised:
        explore.explore(out=tmp_path)
    assert str(raised.value) == (
        "explore() needs ipywidgets: pip install -e '.[notebook]' (or pip install ipywidgets)"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_value_the_rules_refuse_is_said_in_the_status_line_and_the_film_stays(tmp_path):
    explorer = regress_demo.explore(out=tmp_path, epoch=51, frames=16)
    first, film = explorer.result, explorer.newest.value
    explorer.controls["epoch"].value = 11  # fewer epochs than the 16 frames asked for
    assert explorer.status.value == "frames must be &lt;= 11 (no more frames than epochs), got 16"
    assert explorer.result is first and explorer.newest.value == film


def test_in_japanese_the_controls_are_labelled_in_the_textbook_s_terms_and_a_refusal_said(tmp_path):
    explorer = regress_demo.explore(out=tmp_path, epoch=51, frames=16, lang="ja")
    labels = {name: control.description for name, control in explorer.controls.items()}
    assert labels == {
        "n_mid": "中間層のニューロン数 n_mid",
        "eta": "学習係数 eta",
        "epoch": "エポック数 epoch",
        "activation": "活性化関数 activation",
        "target": "正解の曲線 target",
        "seed": "乱数のシード seed",
    }
    assert explorer.status.value.startswith("完了: 最終の誤差 ")
    assert explorer.status.value.endswith(
        "(学習に使ったもの: float のループ (layers.py と照合済み)。"
        "ネットワーク 1 つなら層のクラスより速い)"
    )
    explorer.controls["epoch"].value = 11  # fewer epochs than the 16 frames asked for
    assert explorer.status.value == (
        "この値では学習できません: frames must be &lt;= 11 (no more frames than epochs), got 16"
    )
    english = regress_demo.explore(out=tmp_path, epoch=11, frames=2)
    assert [control.description for control in english.controls.values()] == list(
        explore.CONTROLLED
    )


def test_outside_jupyter_explore_warns_once_at_the_caller_and_says_what_it_is(tmp_path):
    with pytest.warns(UserWarning) as caught:
        explorer = regress_demo.explore(out=tmp_path, epoch=11, frames=2)
    (warning,) = caught
    assert str(warning.message) == (
        "explore() shows its controls in Jupyter; here, use animate() or the command line"
    )
    assert warning.filename == __file__
    said = repr(explorer)
    assert said.startswith(
        "Explorer(n_mid=3, eta=0.1, epoch=11, activation='sigmoid', target='sin', seed=1: "
        "finished, final error "
    )
    assert said.endswith(f"{shown.format_error(explorer.result.final_error)})")


def test_a_run_that_raises_is_said_in_one_line_the_film_kept_and_the_next_change_trains(
    tmp_path, monkeypatch
):
    explorer = regress_demo.explore(out=tmp_path, epoch=11, frames=2)
    first, film = explorer.result, explorer.newest.value
    train_epoch = Training.train_epoch

    def broken(self):  # as a typo in an edited layers.py would, inside the training
        raise AttributeError("'MiddleLayer' object has no attribute 'grad_ww'\nmore")

    monkeypatch.setattr(Training, "train_epoch", broken)
    explorer.controls["seed"].value = 2
    assert explorer.status.value == (
        "the run stopped with AttributeError: &#x27;MiddleLayer&#x27; object has no attribute "
        "&#x27;grad_ww&#x27;; the film before is kept"
    )
    assert explorer.result is first and explorer.newest.value == film
    monkeypatch.setattr(Training, "train_epoch", train_epoch)
    explorer.controls["seed"].value = 3  # the learner fixed it: the next change trains
    assert explorer.result is not first and explorer.result.settings.seed == 3
    assert explorer.status.value.startswith("finished: final error ")


def test_the_status_says_why_the_layer_classes_trained_what_the_fast_loop_would_have(tmp_path):
    from regress_demo.app.result import RunResult
    from regress_demo.film.texts import Texts

    result = RunResult("finished", None, None, 0, None)
    result.engine = "layer classes of layers.py (they differ from the plain-float loop)"
    result.layers_edited = "705fc8"
    assert explore.trained_with(result, True, Texts("en")) == (
        "trained with the layer classes of layers.py (edited: 705fc8), "
        "because they differ from the fast loop"
    )
    result.engine, result.layers_edited = "layer classes of layers.py", None
    assert explore.trained_with(result, True, Texts("en")) == (
        "trained with the layer classes of layers.py, because the fast loop cannot train "
        "these settings"
    )
    assert explore.trained_with(result, False, Texts("en")) == (
        "trained with the layer classes of layers.py"
    )
