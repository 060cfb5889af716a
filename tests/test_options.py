"""The options beyond the textbook: target curves, sample count, noise, a held-out range,
activations, depth, L2, mini-batches and momentum; the default run stays the textbook's."""

import json

import numpy as np
import pytest
from helpers import decode_gif
from matplotlib.colors import to_rgb

from regress_demo import make_gif
from regress_demo.app import cli
from regress_demo.files.records import replay_settings
from regress_demo.film.captions import settings_lines
from regress_demo.film.frames import make_figure
from regress_demo.film.panels import HELDOUT_SHADE, y_limits
from regress_demo.inputs.settings import Settings
from regress_demo.network import samples as data
from regress_demo.network.layers import MIDDLE_LAYERS, OutputLayer
from regress_demo.network.train import Training, TrainingGroup, initial_layers, initial_weights
from regress_demo.speed.engines import OneByOne, trainer
from regress_demo.speed.lockstep import Lockstep

# The data -----------------------------------------------------------------------------------------


def test_the_default_data_is_exactly_the_textbook_s():
    dataset = Settings().dataset()
    angle = np.arange(0, 2 * np.pi, 0.1)
    np.testing.assert_array_equal(dataset.x, (angle - np.pi) / np.pi)
    np.testing.assert_array_equal(dataset.t, np.sin(angle))
    assert dataset.train.all() and dataset.holdout is None


def test_another_sample_count_spreads_the_samples_evenly_over_minus_1_to_1():
    x = Settings(n_points=20).dataset().x
    np.testing.assert_allclose(x, -1 + 0.1 * np.arange(20), atol=1e-15)


def test_a_named_target_and_a_formula_give_their_curve():
    x = Settings(target="square").dataset()
    np.testing.assert_array_equal(x.t, x.x**2)
    formula = Settings(target=" sin(3*x) + 0.3*x ").dataset()
    np.testing.assert_allclose(formula.t, np.sin(3 * formula.x) + 0.3 * formula.x, rtol=1e-15)
    assert Settings(target=" sin(3*x) + 0.3*x ").target == "sin(3*x) + 0.3*x"


def test_noise_is_gaussian_seeded_and_only_on_the_targets():
    clean = Settings(n_points=2000).dataset()
    noisy = Settings(n_points=2000, noise=0.2).dataset()
    np.testing.assert_array_equal(noisy.x, clean.x)
    residual = noisy.t - clean.t
    assert abs(residual.mean()) < 0.02 and abs(residual.std() - 0.2) < 0.01
    np.testing.assert_array_equal(
        Settings(n_points=2000, noise=0.2).dataset().t, noisy.t
    )  # the same seed
    assert not np.array_equal(Settings(n_points=2000, noise=0.2, seed=2).dataset().t, noisy.t)
    np.testing.assert_array_equal(
        noisy.target(noisy.x), clean.t
    )  # the curve drawn is the clean one


def test_the_held_out_range_is_kept_out_of_training():
    dataset = Settings(holdout=(0.2, 0.5)).dataset()
    inside = (dataset.x >= 0.2) & (dataset.x <= 0.5)
    np.testing.assert_array_equal(dataset.train, ~inside)
    assert len(dataset.x_heldout) == inside.sum() == 10
    training = Training(Settings(holdout=(0.2, 0.5), epoch=3))
    seen = []
    original = training.output_layer.backward
    training.output_layer.backward = lambda t: (seen.extend(t[:, 0].tolist()), original(t))
    for _ in range(3):
        training.train_epoch()
    assert len(seen) == 3 * 53 and not set(seen) & set(dataset.t_heldout.tolist())


# Training -----------------------------------------------------------------------------------------


def test_deeper_layers_draw_nested_initial_weights_and_depth_1_is_unchanged():
    (w1, b1), (w2, b2) = initial_layers(3, 0.01, seed=7)
    np.testing.assert_array_equal(
        np.concatenate([w1[0], b1, w2[:, 0], b2]),
        np.concatenate([*initial_weights(3, 0.01, 7)[:3], [initial_weights(3, 0.01, 7)[3]]]),
    )
    small, large = initial_layers(3, 1.0, seed=4, depth=3), initial_layers(5, 1.0, seed=4, depth=3)
    assert [w.shape for w, _ in small] == [(1, 3), (3, 3), (3, 3), (3, 1)]
    for (w_small, b_small), (w_large, b_large) in zip(small[:-1], large[:-1]):
        np.testing.assert_array_equal(
            w_small, w_large[: len(w_small), :3]
        )  # neuron j, input i: the same
        np.testing.assert_array_equal(b_small, b_large[:3])
    np.testing.assert_array_equal(small[-1][0], large[-1][0][:3])


def test_a_deep_snapshot_s_contributions_sum_to_the_network_s_output():
    training = Training(Settings(depth=3, activation="tanh", n_mid=4, epoch=5, wb_width=0.5))
    snapshots = list(training.snapshots())
    last = snapshots[-1]
    grid = training.grid
    assert last.contributions(grid).shape == (4, len(grid))
    np.testing.assert_allclose(last.fit(grid), training.predict(grid), rtol=0, atol=1e-13)


def test_full_batch_gradient_descent_takes_one_mean_gradient_step_per_epoch():
    settings = Settings(batch_size=63, eta=0.5, wb_width=0.5, epoch=1)
    training = Training(settings)
    middle, output = MIDDLE_LAYERS["sigmoid"](1, 3), OutputLayer(3, 1)
    for layer, (w, b) in zip((middle, output), initial_layers(3, 0.5, settings.seed)):
        layer.w[:], layer.b[:] = w, b
    x, t = training.x.reshape(-1, 1), training.t.reshape(-1, 1)
    output.forward(middle.forward(x))
    output.backward(t)
    middle.backward(output.grad_x)
    for layer in (middle, output):
        layer.w -= 0.5 * layer.grad_w  # the gradient of the mean error over all 63 samples
        layer.b -= 0.5 * layer.grad_b
    training.train_epoch()
    np.testing.assert_allclose(training.middle_layer.w, middle.w, rtol=1e-12)
    np.testing.assert_allclose(training.output_layer.w, output.w, rtol=1e-12)
    np.testing.assert_allclose(training.output_layer.b, output.b, rtol=1e-12)


def test_a_batch_that_does_not_divide_the_samples_leaves_a_smaller_last_one():
    training = Training(Settings(batch_size=10, epoch=1))
    sizes = []
    original = training.output_layer.backward
    training.output_layer.backward = lambda t: (sizes.append(len(t)), original(t))
    training.train_epoch()
    assert sizes == [10] * 6 + [3]


def final_error(**settings):
    lockstep = trainer(Settings(**settings, engine="fast")).training
    list(lockstep.snapshots())
    return lockstep.errors[0][-1], lockstep


@pytest.mark.parametrize(
    "activation, n_mid, wb_width, eta, threshold",
    [
        ("sigmoid", 10, 0.5, 0.1, 1e-3),
        ("tanh", 5, 0.5, 0.1, 1e-4),
        ("relu", 10, 1.0, 0.05, 0.02),
    ],
)
def test_every_activation_learns_the_sine(activation, n_mid, wb_width, eta, threshold):
    error, training = final_error(
        activation=activation, n_mid=n_mid, wb_width=wb_width, eta=eta, epoch=1000
    )
    assert error < threshold < training.initial_errors[0] / 10


def test_momentum_gets_further_in_the_same_epochs():
    plain, _ = final_error(eta=0.01, epoch=300)
    momentum, _ = final_error(eta=0.01, momentum=0.9, epoch=300)
    assert momentum < plain / 5


def test_l2_keeps_the_weights_small():
    _, plain = final_error(n_mid=10, eta=0.3, epoch=500, wb_width=1.0)
    _, l2 = final_error(n_mid=10, eta=0.3, epoch=500, wb_width=1.0, l2=0.01)
    norm = lambda t: np.sqrt((t.w1**2).sum() + (t.w2**2).sum())  # noqa: E731
    assert norm(l2) < 0.7 * norm(plain)


def test_a_two_layer_network_learns_the_sine():
    error, training = final_error(depth=2, activation="tanh", n_mid=5, wb_width=0.5, epoch=200)
    assert isinstance(training, TrainingGroup)
    assert error < 1e-3


@pytest.mark.parametrize(
    "options",
    [
        dict(n_mid=3, activation="tanh", momentum=0.5, l2=0.01),
        dict(n_mid=20, activation="relu", momentum=0.9, wb_width=1.0),
        dict(n_mid=[1, 3, 8], activation=["sigmoid", "tanh", "relu"], l2=0.001),
        dict(n_mid=3, eta=[0.1, 0.5], momentum=[0, 0.8]),
        dict(n_mid=[2, 5], eta=[0.05, 3.0], activation="tanh"),
        dict(n_mid=4, target="xsin", noise=0.1, holdout=(-0.3, 0.1)),
    ],
    ids=str,
)
def test_the_fast_engine_follows_the_layer_classes(options):
    settings = Settings(epoch=60, seed=3, **{"wb_width": 0.3, **options})
    fast, layers = Lockstep(settings), TrainingGroup(settings)
    fast_frames, layer_frames = list(fast.snapshots()), list(layers.snapshots())
    assert len(fast_frames) == len(layer_frames)
    assert fast.diverged_at == layers.diverged_at
    for c in range(len(settings.configurations())):
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(fast.errors[c], layers.errors[c], rtol=1e-9)
            np.testing.assert_allclose(fast.heldout_errors[c], layers.heldout_errors[c], rtol=1e-9)
        if fast.diverged_at[c] is None:
            a, b = fast_frames[-1][c], layer_frames[-1][c]
            np.testing.assert_allclose(a.fit(fast.grid), b.fit(fast.grid), rtol=0, atol=1e-9)
            np.testing.assert_allclose(a.outputs, b.outputs, rtol=0, atol=1e-9)


def test_the_layer_classes_train_a_single_run_and_a_checked_loop_a_grid():
    assert isinstance(
        trainer(Settings(activation="relu", momentum=0.5, l2=0.1)).training, TrainingGroup
    )
    assert isinstance(
        trainer(Settings(activation="relu", momentum=0.5, l2=0.1, engine="fast")).training, Lockstep
    )
    assert isinstance(
        trainer(Settings(n_mid=[2, 3], momentum=0.5)).training, OneByOne
    )  # two small networks
    assert isinstance(
        trainer(Settings(n_mid=[2, 3], eta=[0.1, 0.5])).training, Lockstep
    )  # side by side
    assert isinstance(trainer(Settings(n_mid=[2, 16], momentum=[0.0, 0.5, 0.9])).training, Lockstep)
    assert isinstance(trainer(Settings(batch_size=2, engine="fast")).training, TrainingGroup)
    assert isinstance(trainer(Settings(depth=[1, 2])).training, TrainingGroup)
    assert isinstance(trainer(Settings(n_mid=[2, 3], engine="layers")).training, TrainingGroup)


def test_held_out_error_is_the_error_of_the_epoch_s_final_weights_on_the_held_out_samples():
    settings = Settings(holdout=(-0.4, 0.0), epoch=20, interval=5)
    lockstep = Lockstep(settings)
    frames = list(lockstep.snapshots())
    dataset = settings.dataset()
    for (snapshot,) in frames:
        expected = np.mean(0.5 * (snapshot.fit(dataset.x_heldout) - dataset.t_heldout) ** 2)
        assert snapshot.heldout_error == pytest.approx(expected, rel=1e-12)
        assert snapshot.heldout_error == lockstep.heldout_errors[0][snapshot.epoch]
    assert len(frames[-1][0].outputs) == len(dataset.x_train)


# Grids --------------------------------------------------------------------------------------------


def test_an_activation_grid_has_a_row_per_activation_and_a_column_per_n_mid():
    settings = Settings(activation=["sigmoid", "tanh", "relu"], n_mid=[2, 6])
    assert settings.grid_axes() == ("n_mid", "activation") and settings.grid_shape() == (3, 2)
    assert [(c.activation, c.n_mid) for c in settings.configurations()] == [
        ("sigmoid", 2),
        ("sigmoid", 6),
        ("tanh", 2),
        ("tanh", 6),
        ("relu", 2),
        ("relu", 6),
    ]
    assert Settings(activation=["tanh", "relu"]).grid_shape() == (
        1,
        2,
    )  # the network's shape goes across
    assert Settings(momentum=[0, 0.9]).grid_shape() == (2, 1)  # its training goes down
    assert Settings(eta=[0.1, 0.2], momentum=[0, 0.9]).grid_axes() == ("eta", "momentum")


def test_a_grid_of_activations_runs_end_to_end(tmp_path):
    settings = Settings(activation=["sigmoid", "tanh", "relu"], epoch=12, interval=4, wb_width=0.5)
    result = make_gif(settings, tmp_path)
    assert (
        result.path.name
        == "sin_nmid3_eta0.1_epoch12_seed1_interval4_wbwidth0.5_activationsigmoid-tanh-relu.gif"
    )
    gif = decode_gif(result.path)
    assert len(gif.frames) == 4
    record = json.loads(result.record_path.read_text())
    assert [run["activation"] for run in record["runs"]] == ["sigmoid", "tanh", "relu"]
    assert [s.activation for s in result.last_frame] == ["sigmoid", "tanh", "relu"]
    with np.load(result.weights_path) as weights:
        assert list(weights["activation"]) == ["sigmoid", "tanh", "relu"]


# Files, frames and the command line ---------------------------------------------------------------


def test_a_deep_network_s_weights_file_numbers_its_layers(tmp_path):
    result = make_gif(Settings(depth=2, n_mid=4, epoch=3, simple=True), tmp_path / "deep.gif")
    (training,) = result.training.trainings
    with np.load(tmp_path / "deep.npz") as weights:
        assert sorted(weights.files) == ["b1", "b2", "b3", "w1", "w2", "w3"]
        assert [weights[f"w{k}"].shape for k in (1, 2, 3)] == [(1, 4), (4, 4), (4, 1)]
        for k, layer in enumerate(training.layers, start=1):
            np.testing.assert_array_equal(weights[f"w{k}"], layer.w)


def test_the_record_holds_the_held_out_errors_and_replays_every_new_setting(tmp_path):
    settings = Settings(
        target="sin(3*x)",
        n_points=40,
        noise=0.05,
        holdout=(0.2, 0.5),
        activation="tanh",
        l2=0.001,
        momentum=0.5,
        batch_size=1,
        epoch=10,
        interval=3,
    )
    result = make_gif(settings, tmp_path)
    assert result.path.name.startswith("formula") and "_holdout0.2to0.5" in result.path.name
    record = json.loads(result.record_path.read_text())
    (run,) = record["runs"]
    assert run["heldout_errors"] == result.heldout_histories[0] and len(run["heldout_errors"]) == 10
    assert run["final_heldout_error"] == run["heldout_errors"][-1]
    assert (
        record["settings"]["holdout"] == [0.2, 0.5] and record["settings"]["target"] == "sin(3*x)"
    )
    assert replay_settings(result.record_path) == settings


def test_the_header_names_every_setting_that_is_not_the_textbook_s():
    assert settings_lines(Settings()) == [
        "n_mid=3   eta=0.1   2001 epochs   wb_width=0.01   seed=1   SGD, batch size 1"
    ]
    lines = settings_lines(
        Settings(
            target="gauss",
            n_points=50,
            noise=0.1,
            holdout=(-0.2, 0.2),
            activation="relu",
            depth=2,
            l2=0.01,
            batch_size=5,
            momentum=0.9,
        )
    )
    assert lines == [
        "n_mid=3   activation=relu   depth=2   eta=0.1   momentum=0.9   L2=0.01   2001 epochs   "
        "wb_width=0.01   seed=1   mini-batch SGD, batch size 5",
        "target gauss   50 samples   noise σ=0.1   held out: x in [-0.2, 0.2]",
    ]
    assert "target y = x**3" in settings_lines(Settings(target="x**3"))[1]


def test_the_fit_panel_scales_to_the_target_and_the_sine_keeps_its_limits():
    grid = data.grid()
    assert y_limits(Settings().dataset(), grid) == pytest.approx((-1.6, 1.6))
    low, high = y_limits(Settings(target="3*x + 1").dataset(), grid)
    assert low < -2 and high > 4


@pytest.mark.parametrize("simple", [False, True])
def test_the_held_out_range_is_shaded_and_its_error_drawn(tmp_path, simple):
    settings = Settings(holdout=(0.2, 0.6), epoch=8, interval=4, simple=simple)
    result = make_gif(settings, tmp_path / "held.gif")
    frame = decode_gif(result.path).frames[-1]
    figure = make_figure(
        settings,
        result.training.dataset,
        result.histories,
        [result.last_frame],
        result.heldout_histories,
    )
    ax = figure.ax
    # a pixel inside the shaded range, near the bottom of the fit panel (the curves are higher up)
    x_pixel, y_pixel = ax.transData.transform(
        (0.4, ax.get_ylim()[0] + 0.05 * np.diff(ax.get_ylim())[0])
    )
    row = frame.shape[0] - int(round(y_pixel))
    shade = np.array(to_rgb(HELDOUT_SHADE)) * 255
    assert np.abs(frame[row, int(round(x_pixel))].astype(int) - shade).max() <= 8
    outside_x, _ = ax.transData.transform((-0.4, 0))
    assert frame[row, int(round(outside_x))].tolist() == [255, 255, 255]
    if not simple:
        np.testing.assert_array_equal(figure.heldout_line.get_xdata(), [])  # drawn piece by piece
        figure.draw(result.last_frame)
        np.testing.assert_array_equal(figure.heldout_line.get_ydata(), result.heldout_histories[0])


def test_the_command_line_takes_every_new_option(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = cli.main(
        [
            "--target",
            "abs",
            "--n-points",
            "30",
            "--noise",
            "0.1",
            "--holdout",
            "-0.5,-0.2",
            "--activation",
            "tanh",
            "--depth",
            "2",
            "--l2",
            "0.001",
            "--batch-size",
            "4",
            "--momentum",
            "0.5",
            "--epoch",
            "6",
            "-q",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "held-out error" in out
    (record,) = (tmp_path / "outputs").glob("*.json")
    settings = json.loads(record.read_text())["settings"]
    assert (settings["target"], settings["n_points"], settings["noise"], settings["holdout"]) == (
        "abs",
        30,
        0.1,
        [-0.5, -0.2],
    )
    assert (
        settings["activation"],
        settings["depth"],
        settings["l2"],
        settings["batch_size"],
        settings["momentum"],
    ) == (["tanh"], [2], [0.001], [4], [0.5])


def test_a_formula_may_start_with_a_minus_on_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--target", "-x**2", "--epoch", "2", "-q"]) == 0
    (record,) = (tmp_path / "outputs").glob("*.json")
    assert json.loads(record.read_text())["settings"]["target"] == "-x**2"


def test_a_target_of_a_large_scale_trains_and_keeps_its_error_on_the_chart():
    settings = Settings(
        target="1e6*x", eta=1e-12, epoch=20, interval=5
    )  # the largest scale accepted
    lockstep = Lockstep(settings)
    frames = list(lockstep.snapshots())
    assert (
        lockstep.diverged_at == [None] and len(frames) == 5
    )  # a large error is not divergence by itself
    figure = make_figure(
        settings, lockstep.dataset, lockstep.errors, frames, lockstep.heldout_errors
    )
    low, high = figure.ax_loss.get_ylim()
    assert low <= min(lockstep.errors[0]) and max(lockstep.errors[0]) <= high


def test_long_headers_wrap_to_the_frame_s_width():
    settings = Settings(
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
    for simple, width in ((False, 110), (True, 95)):
        lines = settings_lines(settings, max_chars=width)
        assert len(lines) >= 3 and max(len(line) for line in lines) <= width
        figure = make_figure(
            settings.replace(simple=simple), settings.dataset(), [[0.1, 0.05]], [], [[0.2, 0.1]]
        )
        renderer = figure.figure.canvas.get_renderer()
        for text in figure.figure.texts:
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= figure.figure.bbox.width, text.get_text()


def test_the_header_says_when_the_gradient_check_failed(monkeypatch):
    from regress_demo.film.captions import beyond_textbook
    from regress_demo.network.layers import MiddleLayer

    assert not beyond_textbook(Settings())  # the textbook's frame: no header
    monkeypatch.setattr(MiddleLayer, "derivative", lambda self: 1 - self.y)  # its factor y left out
    assert beyond_textbook(Settings())
    assert settings_lines(Settings())[-1] == "gradient check failed"
    assert settings_lines(Settings(activation="tanh"))[-1] != "gradient check failed"
    assert settings_lines(Settings(lang="ja"))[-1] == "勾配チェック不合格"
