"""What runs is what layers.py says: an edit of the layer classes shows in the default run, in what
its frames draw, and sends a grid (or --engine fast) back to the classes with a line saying why."""

import hashlib
import json
import re

import numpy as np
import pytest
from helpers import decode_gif, edited_checkout, registered, run_checkout, run_main

from regress_demo.app import cli
from regress_demo.app.run import make_gif
from regress_demo.film.frames import make_figure
from regress_demo.inputs.settings import Settings
from regress_demo.network import samples as data
from regress_demo.network.layers import MiddleLayer
from regress_demo.network.train import TrainingGroup, half_mean_square
from regress_demo.speed.engines import AGREEMENT, LAYER_CLASSES, OneByOne, disagreement
from regress_demo.speed.lockstep import Lockstep


def steeper(u):
    return 1 / (1 + np.exp(-2 * u))


@pytest.fixture
def steeper_sigmoid(monkeypatch):
    """The edit a learner might make in layers.py: a sigmoid twice as steep, and its derivative."""
    monkeypatch.setattr(MiddleLayer, "activate", staticmethod(steeper))
    monkeypatch.setattr(MiddleLayer, "derivative", lambda self: 2 * (1 - self.y) * self.y)


SINGLE = Settings(epoch=150, interval=149)  # frames at epochs 0 and 149


def weights_of(result):
    return [array for w, b in result.last_frame[0].layers for array in (w, b)]


def test_the_default_run_trains_with_the_edited_layer_classes(tmp_path, monkeypatch):
    plain = make_gif(SINGLE, tmp_path / "plain.gif")
    with monkeypatch.context() as patch:
        patch.setattr(MiddleLayer, "activate", staticmethod(steeper))
        patch.setattr(MiddleLayer, "derivative", lambda self: 2 * (1 - self.y) * self.y)
        edited = make_gif(SINGLE, tmp_path / "edited.gif")
        forced = make_gif(SINGLE.replace(engine="layers"), tmp_path / "forced.gif")
        # what the last frame draws: the classes' forward of the snapshot's weights, by hand here
        last = edited.last_frame[0]
        figure = make_figure(SINGLE, edited.training.dataset, edited.histories, [edited.last_frame])
        figure.draw(edited.last_frame)
        # and the fit drawn is as good as the error says: on the samples, near the epoch's error
        dataset = edited.training.dataset
        on_samples = half_mean_square(last.fit(dataset.x_train), dataset.t_train)
    assert on_samples < 3 * edited.final_error + 1e-4
    assert edited.engine == LAYER_CLASSES
    assert edited.final_error == forced.final_error
    for a, b in zip(weights_of(edited), weights_of(forced)):
        np.testing.assert_array_equal(a, b)
    assert edited.final_error != plain.final_error
    assert not np.allclose(weights_of(edited)[0], weights_of(plain)[0])
    grid = data.grid()
    (w1, b1), (w2, b2) = last.layers
    by_hand = steeper(grid[:, None] @ w1 + b1) @ w2 + b2
    np.testing.assert_allclose(figure.fit_line.get_ydata(), by_hand[:, 0], rtol=0, atol=1e-12)


GRID = Settings(n_mid=(2, 3), eta=(0.1, 0.3), epoch=20, interval=19)


def test_an_edited_layer_class_sends_a_grid_back_to_the_classes(tmp_path, steeper_sigmoid, capsys):
    code = cli.main(
        [
            "--n-mid",
            "2",
            "3",
            "--eta",
            "0.1",
            "0.3",
            "--epoch",
            "20",
            "--interval",
            "19",
            "--out",
            str(tmp_path / "grid.gif"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert re.fullmatch(
        r"regress-demo: layers.py differs from the vectorised loop \(max \|dw\| \d\.\de[-+]\d\d "
        r"after one epoch\); "
        r"training with the layer classes of layers.py, whose gradients pass the gradient check\n",
        err,
    )
    assert out.startswith(
        "Training with the layer classes of layers.py (they differ from the vectorised loop)\n"
    )
    record = json.loads((tmp_path / "grid.json").read_text())
    assert record["engine"] == "layer classes of layers.py (they differ from the vectorised loop)"
    weights = np.load(tmp_path / "grid.npz")
    for c, config in enumerate(GRID.configurations()):
        alone = make_gif(config.replace(engine="layers"), tmp_path / f"alone{c}.gif")
        for number, (w, b) in enumerate(alone.last_frame[0].layers, start=1):
            np.testing.assert_array_equal(weights[f"w{number}_{c}"], w)
            np.testing.assert_array_equal(weights[f"b{number}_{c}"], b)


def test_an_edited_layer_class_sends_the_fast_engine_back_too(tmp_path, steeper_sigmoid):
    notes = []
    result = make_gif(
        SINGLE.replace(engine="fast", epoch=5, interval=4),
        tmp_path / "fast.gif",
        on_start=lambda engine, note: notes.append(note),
    )
    assert isinstance(result.training, TrainingGroup)
    assert result.engine == "layer classes of layers.py (they differ from the plain-float loop)"
    assert notes[0].startswith("layers.py differs from the plain-float loop (max |dw| ")


def test_unedited_a_grid_keeps_its_vectorised_loop_and_says_so(tmp_path):
    result = make_gif(GRID, tmp_path / "grid.gif")
    assert isinstance(result.training, Lockstep)
    record = json.loads((tmp_path / "grid.json").read_text())
    assert record["engine"] == result.engine == "vectorised loop, checked against layers.py"
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert (
        '<p class="engine">trained with the vectorised loop, checked against layers.py</p>' in page
    )


@pytest.mark.parametrize(
    "options",
    [
        dict(n_mid=(1, 3, 8), eta=(0.05, 0.5)),  # the side-by-side loop
        dict(n_mid=(2, 20), activation="tanh", momentum=0.9, l2=0.01),  # the general loop
        dict(n_mid=(3, 5), activation="relu", wb_width=1.0),
        dict(n_mid=3, eta=(0.1, 1e6)),  # one configuration overflows at once: not compared
        dict(n_mid=3, engine="fast"),  # the plain-float loop
        dict(n_mid=3, engine="fast", target="gauss", noise=0.1, holdout=(0.2, 0.5)),
    ],
)
def test_unedited_the_loops_agree_with_the_classes_after_one_epoch(options):
    largest, relative = disagreement(Settings(**options))
    assert relative <= AGREEMENT
    assert largest < 1e-12


def test_the_check_measures_a_real_difference(steeper_sigmoid):
    largest, relative = disagreement(GRID)
    assert relative > 1e3 * AGREEMENT
    assert 1e-4 < largest < 1


def test_the_progress_output_names_the_engine_unless_quiet(tmp_path, capsys):
    assert cli.main(["--epoch", "3", "--out", str(tmp_path / "a.gif")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Training with the layer classes of layers.py"
    assert cli.main(["--epoch", "3", "--engine", "fast", "--out", str(tmp_path / "b.gif")]) == 0
    assert (
        capsys.readouterr().out.splitlines()[0]
        == "Training with the plain-float loop, checked against layers.py"
    )
    assert cli.main(["--epoch", "3", "-q", "--out", str(tmp_path / "c.gif")]) == 0
    assert "Training" not in capsys.readouterr().out


def test_from_python_the_fallback_is_a_warning(tmp_path, steeper_sigmoid):
    with pytest.warns(
        UserWarning, match=r"layers.py differs from the vectorised loop \(max \|dw\| "
    ):
        result = make_gif(GRID.replace(epoch=3, interval=2), tmp_path / "grid.gif")
    assert isinstance(result.training, TrainingGroup)


L2_GRID = Settings(
    l2=(0.0, 1e-3), eta=(0.1, 0.3), epoch=20, interval=19
)  # trained network by network


def test_a_grid_trained_network_by_network_is_checked_and_says_so(tmp_path):
    result = make_gif(L2_GRID, tmp_path / "grid.gif")
    assert isinstance(result.training, OneByOne)
    record = json.loads((tmp_path / "grid.json").read_text())
    assert (
        record["engine"]
        == result.engine
        == "plain-float loop per network, checked against layers.py"
    )


def test_an_edited_layer_class_sends_a_grid_trained_network_by_network_back(
    tmp_path, steeper_sigmoid
):
    notes = []
    result = make_gif(
        L2_GRID, tmp_path / "grid.gif", on_start=lambda engine, note: notes.append(note)
    )
    assert isinstance(result.training, TrainingGroup)
    assert (
        result.engine
        == "layer classes of layers.py (they differ from the plain-float loop per network)"
    )
    assert notes[0].startswith("layers.py differs from the plain-float loop per network (max |dw| ")


def test_the_record_keeps_layers_py_and_a_replay_with_another_one_says_so(tmp_path, capsys):
    import hashlib

    from regress_demo.network import layers

    assert cli.main(["--epoch", "3", "-q", "--out", str(tmp_path / "run.gif")]) == 0
    record_path = tmp_path / "run.json"
    record = json.loads(record_path.read_text())
    assert record["layers_sha256"] == hashlib.sha256(open(layers.__file__, "rb").read()).hexdigest()
    capsys.readouterr()
    assert cli.main(["--replay", str(record_path), "-q", "--out", str(tmp_path / "same.gif")]) == 0
    assert capsys.readouterr().err == ""
    record["layers_sha256"] = "0" * 64  # as if layers.py had been edited since
    record_path.write_text(json.dumps(record))
    assert cli.main(["--replay", str(record_path), "-q", "--out", str(tmp_path / "again.gif")]) == 0
    assert capsys.readouterr().err == (
        "regress-demo: layers.py has changed since this run was recorded: the replay trains with "
        "layers.py as it is now, so its numbers may differ\n"
    )


def test_an_activation_the_fast_loops_do_not_know_trains_with_the_classes(tmp_path):
    """--engine fast with a class added to layers.py: the classes train it, with one line that says
    why, and the frame's formula names its f."""
    with registered():
        code, out, err = run_main(
            ["--activation", "softplus", "--engine", "fast", "--epoch", "3", "--out", str(tmp_path)]
        )
        result = make_gif(Settings(activation="softplus", epoch=3), tmp_path / "alone.gif")
        figure = make_figure(
            result.settings, result.training.dataset, result.histories, [result.last_frame]
        )
    assert code == 0
    assert err == (
        "regress-demo: the fast loops do not know the activation softplus; "
        "training with the layer classes of layers.py\n"
    )
    assert out.startswith("Training with the layer classes of layers.py\n")
    assert figure.ax_neurons.get_ylabel() == "w2_j · softplus(w1_j x + b1_j)"


# Edits of layers.py as a learner makes them, in a copy of the package (helpers.edited_checkout).
SIGMOID = "return 1 / (1 + np.exp(-u))  # sigmoid(u) = 1 / (1 + e^-u)"
DERIVATIVE = "return (1 - self.y) * self.y  # sigmoid'(u) = y(1-y)"
FACTOR_REMOVED = [(DERIVATIVE, "return 1 - self.y  # sigmoid'(u) = y(1-y), its factor y left out")]
STEEPER = [
    (SIGMOID, "return 1 / (1 + np.exp(-2 * u))  # a steeper sigmoid: 1 / (1 + e^-2u)"),
    (DERIVATIVE, "return 2 * (1 - self.y) * self.y  # its derivative: 2 y (1 - y)"),
]
SHORT = ["--epoch", "41", "--interval", "20", "--out", "out"]
TEXTBOOK_STEM = "sin_nmid3_eta0.1_epoch41_seed1_interval20"


def digest_of(checkout):
    layers_py = checkout / "regress_demo" / "network" / "layers.py"
    return hashlib.sha256(layers_py.read_bytes()).hexdigest()[:6]


def cards(index):
    """Each card of a gallery page, as its HTML."""
    return index.read_text(encoding="utf-8").split('<article class="card')[1:]


def test_a_derivative_without_its_factor_is_named_and_the_run_goes_on(tmp_path):
    checkout = edited_checkout(tmp_path / "checkout", *FACTOR_REMOVED)
    digest = digest_of(checkout)
    done = run_checkout(checkout, SHORT, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    warning = re.fullmatch(
        r"regress-demo: (MiddleLayer\.backward: dE/d[wb]1 differs from finite differences by "
        r"\d+ % \([wb]1\[[\d, ]+\]: \S+ vs \S+\): check derivative\(\); "
        r"pytest tests/test_layers.py -k gradient shows it)\n",
        done.stderr,
    )
    assert warning, done.stderr
    assert (
        done.stdout.splitlines()[0]
        == f"Training with the layer classes of layers.py (edited: {digest})"
    )
    stem = f"{TEXTBOOK_STEM}_layers{digest}"
    assert len(decode_gif(tmp_path / "out" / f"{stem}.gif").frames) == 3
    record = json.loads((tmp_path / "out" / f"{stem}.json").read_text())
    assert record["gradient_check"] == "failed" and record["status"] == "finished"
    assert record["gradient_check_failure"] == warning.group(1)
    assert record["layers_edited"] == digest
    (card,) = cards(tmp_path / "out" / "index.html")
    assert f"layers.py edited ({digest}) · gradient check failed" in card


def test_a_right_edit_passes_and_stands_beside_the_textbook_run(tmp_path):
    assert cli.main([*SHORT[:-1], str(tmp_path / "out"), "-q"]) == 0  # the textbook's layers.py
    checkout = edited_checkout(tmp_path / "checkout", *STEEPER)
    digest = digest_of(checkout)
    done = run_checkout(checkout, SHORT, cwd=tmp_path)
    assert done.returncode == 0 and done.stderr == ""  # no gradient warning
    assert (
        done.stdout.splitlines()[0]
        == f"Training with the layer classes of layers.py (edited: {digest})"
    )
    textbook = json.loads((tmp_path / "out" / f"{TEXTBOOK_STEM}.json").read_text())
    edited = json.loads((tmp_path / "out" / f"{TEXTBOOK_STEM}_layers{digest}.json").read_text())
    assert (textbook["layers_edited"], textbook["gradient_check"]) == (None, "passed")
    assert (edited["layers_edited"], edited["gradient_check"]) == (digest, "passed")
    assert edited["runs"][0]["final_error"] != textbook["runs"][0]["final_error"]
    first, second = (
        decode_gif(tmp_path / "out" / f"{stem}.gif").frames[-1]
        for stem in (TEXTBOOK_STEM, f"{TEXTBOOK_STEM}_layers{digest}")
    )
    assert not np.array_equal(first, second)
    newest, older = cards(tmp_path / "out" / "index.html")
    assert f"layers.py edited ({digest})" in newest and "gradient check" not in newest
    assert "layers.py edited" not in older


SOFTPLUS_CLASS = '''class SoftplusLayer(MiddleLayer):
    """A hidden layer of softplus neurons: y = log(1 + e^u)."""

    @staticmethod
    def activate(u):
        """log(1 + e^u), elementwise."""
        return np.logaddexp(0.0, u)

    def derivative(self):
        """f'(u) for the last forward pass, (batch, n)."""
        return 1 / (1 + np.exp(-self.u))  # softplus'(u) = sigmoid(u)


#: The hidden layer for each activation name'''
ADD_SOFTPLUS = [
    ("#: The hidden layer for each activation name", SOFTPLUS_CLASS),
    ('"relu": ReluLayer}', '"relu": ReluLayer, "softplus": SoftplusLayer}'),
]


def test_an_activation_added_to_the_file_is_chosen_on_the_command_line_and_in_animate(tmp_path):
    checkout = edited_checkout(tmp_path / "checkout", *ADD_SOFTPLUS)
    digest = digest_of(checkout)
    help_text = run_checkout(checkout, ["--help"], cwd=tmp_path).stdout
    assert "--activation sigmoid|tanh|relu|softplus" in help_text
    fast = run_checkout(
        checkout, ["--activation", "softplus", "--engine", "fast", *SHORT], cwd=tmp_path
    )
    assert fast.returncode == 0
    assert fast.stderr == (
        "regress-demo: the fast loops do not know the activation softplus; "
        "training with the layer classes of layers.py\n"
    )
    code = (
        "from regress_demo import animate\n"
        "result = animate('out/animated.gif', activation='softplus', epoch=5, quiet=True)\n"
        "print(result.status, result.layers_edited, result.gradient_failure)\n"
    )
    animated = run_checkout(checkout, [], cwd=tmp_path, code=code)
    assert animated.stdout == f"finished {digest} None\n", animated.stderr
    check = run_checkout(checkout, ["--check"], cwd=tmp_path)
    assert check.returncode == 0
    rows = [line.split()[:3] for line in check.stdout.splitlines()[2:]]
    assert ["softplus", "1", "ok"] in rows and ["softplus", "2", "ok"] in rows


EDITED_AFTER_IMPORT = f"""
import pathlib, warnings
import regress_demo
from regress_demo import Settings, make_gif  # the layer classes are imported here
layers_py = pathlib.Path(regress_demo.__file__).parent / "network" / "layers.py"
layers_py.write_text(layers_py.read_text().replace({DERIVATIVE!r}, "return 1 - self.y"))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    result = make_gif(Settings(epoch=41, interval=20), "out")
import json
from regress_demo.network.edits import SHIPPED_SHA256
record = json.loads(result.record_path.read_text())
print(result.path.name, result.layers_edited, result.gradient_failure)
print(*(str(warning.message) for warning in caught), sep="\\n")
print(record["layers_sha256"] == SHIPPED_SHA256)
"""


def test_an_edit_after_the_import_is_not_named_as_the_code_that_ran(tmp_path):
    """A notebook's kernel keeps the classes it imported: its run is the shipped code, and says
    that the file on disk has changed since."""
    checkout = edited_checkout(tmp_path / "checkout")
    done = run_checkout(checkout, [], cwd=tmp_path, code=EDITED_AFTER_IMPORT)
    assert done.returncode == 0, done.stderr
    name, warning, recorded_shipped = done.stdout.splitlines()
    assert name == f"{TEXTBOOK_STEM}.gif None None"  # no digest in the name, no failed check
    assert recorded_shipped == "True"  # the record keeps the digest of the code that ran
    assert warning == (
        "layers.py has changed since it was imported: this run uses the code as it was imported; "
        "restart the kernel (or Python) to use the edit"
    )


SIGN_OF_DELTA = [("delta = (self.y - t) / len(t)", "delta = (t - self.y) / len(t)")]
WITHOUT_RETURN = [
    (
        "        self.y = self.activate(self.u)  # y = f(u)\n        return self.y\n",
        "        self.y = self.activate(self.u)  # y = f(u)\n",
    )
]


def test_a_run_that_diverges_after_a_failed_check_says_to_fix_layers_py(tmp_path):
    checkout = edited_checkout(tmp_path / "checkout", *SIGN_OF_DELTA)
    done = run_checkout(checkout, [*SHORT, "--simple"], cwd=tmp_path)
    assert done.returncode == 3, done.stderr  # (climbing the error, it blows up)
    lines = done.stderr.splitlines()
    assert lines[0].startswith("regress-demo: OutputLayer.backward: dE/dw2 differs"), lines
    assert re.search(
        r"diverged at epoch \d+ \(the error blew up\) — the gradient check failed "
        r"\(OutputLayer\.backward\): fix layers\.py",
        done.stdout + done.stderr,
    )
    assert "smaller eta" not in done.stdout + done.stderr


def test_a_forward_without_return_stops_the_run_with_one_line(tmp_path):
    checkout = edited_checkout(tmp_path / "checkout", *WITHOUT_RETURN)
    done = run_checkout(checkout, SHORT, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "regress-demo: MiddleLayer.forward returned None: forward must return y "
        "(see docs/textbook.md)\n"
    )
    assert not (tmp_path / "out").exists()
    checked = run_checkout(checkout, ["--check"], cwd=tmp_path)
    assert checked.returncode == 2
    assert checked.stdout.splitlines()[-3] == (
        "regress-demo: MiddleLayer.forward returned None: forward must return y "
        "(see docs/textbook.md)"
    )
