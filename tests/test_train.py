"""Training: the data, the frame schedule, the error, convergence and determinism."""

import numpy as np
import pytest

from regress_demo.inputs import targets
from regress_demo.inputs.settings import Settings
from regress_demo.network import samples as data
from regress_demo.network.train import Training, initial_weights
from regress_demo.speed.lockstep import Lockstep


def run(**settings):
    training = Training(Settings(**settings))
    snapshots = list(training.snapshots())
    return training, snapshots


@pytest.fixture(scope="module")
def default_run():
    return run()


def test_data_is_the_textbook_sine():
    x, t = data.sine_data()
    assert len(x) == len(t) == 63
    assert x.min() == -1.0 and x.max() < 1.0
    np.testing.assert_allclose(x[1] - x[0], 0.1 / np.pi)
    np.testing.assert_allclose(t, np.sin(np.arange(0, 2 * np.pi, 0.1)))
    np.testing.assert_allclose(targets.CURVES["sin"][0](x), t, atol=1e-12)


@pytest.mark.parametrize(
    "epoch, interval, expected",
    [
        (10, 3, [0, 3, 6, 9]),
        (11, 3, [0, 3, 6, 9, 10]),  # the last epoch is always a frame
        (5, 1, [0, 1, 2, 3, 4]),
        (5, 100, [0, 4]),
        (1, 1, [0]),
    ],
)
def test_frame_epochs_every_interval_with_the_first_and_the_last(epoch, interval, expected):
    assert Settings(epoch=epoch, interval=interval).frame_epochs() == expected


@pytest.mark.parametrize("epoch, frames", [(2001, 50), (2001, 2), (10, 10), (5000, 101), (30, 29)])
@pytest.mark.parametrize("schedule", ["linear", "log"])
def test_a_frame_count_gives_exactly_that_many_frames_first_and_last_included(
    schedule, epoch, frames
):
    epochs = Settings(epoch=epoch, schedule=schedule, frames=frames).frame_epochs()
    assert len(epochs) == frames
    assert epochs[0] == 0 and epochs[-1] == epoch - 1
    assert all(a < b for a, b in zip(epochs, epochs[1:]))


def test_the_log_schedule_gives_the_early_epochs_more_frames():
    linear = Settings(schedule="linear", frames=50).frame_epochs()
    log = Settings(schedule="log", frames=50).frame_epochs()
    assert sum(e < 200 for e in log) > 3 * sum(e < 200 for e in linear)
    # frames are evenly spaced in log(epoch + 1) where rounding to whole epochs allows
    steps = np.diff(np.log(np.array(log[20:]) + 1))
    assert steps.max() < 1.3 * steps.min()
    gaps = np.diff(linear)
    assert gaps.max() - gaps.min() <= 1


def test_the_default_log_schedule_has_about_100_frames():
    assert len(Settings(schedule="log").frame_epochs()) == 101


def test_default_interval_gives_about_100_frames():
    assert Settings().frame_interval == 20
    assert len(Settings().frame_epochs()) == 101
    for epoch in (2, 50, 101, 999, 2001, 10_000, 123_457):
        frames = len(Settings(epoch=epoch).frame_epochs())
        assert 2 <= frames <= 102, (epoch, frames)


def test_snapshots_come_at_the_frame_epochs_with_the_epoch_error():
    training, snapshots = run(epoch=25, interval=10)
    assert [s.epoch for s in snapshots] == [0, 10, 20, 24]
    assert len(training.errors) == 25
    for s in snapshots:
        # the textbook's error: mean over the epoch's samples of 1/2 (y - t)^2,
        # y as produced in the epoch
        assert s.error == pytest.approx(np.mean(0.5 * (s.outputs - training.t) ** 2), rel=1e-12)
        assert s.error == training.errors[s.epoch]
        assert s.fit(training.grid).shape == training.grid.shape


def test_snapshot_fit_uses_the_weights_at_the_end_of_the_epoch():
    training, snapshots = run(epoch=5, interval=1)
    last = snapshots[-1]
    np.testing.assert_allclose(
        last.fit(training.grid), training.predict(training.grid), rtol=0, atol=1e-14
    )
    np.testing.assert_array_equal(last.w1, training.middle_layer.w[0])
    np.testing.assert_array_equal(last.w2, training.output_layer.w[:, 0])
    assert last.b2 == training.output_layer.b[0]
    assert not np.allclose(snapshots[-2].fit(training.grid), last.fit(training.grid))


def test_initial_weights_are_nested_and_wb_width_times_standard_normal():
    small, large = initial_weights(3, 0.01, seed=7), initial_weights(10, 0.01, seed=7)
    for few, many in zip(small[:3], large[:3]):
        np.testing.assert_array_equal(few, many[:3])  # neuron j starts the same whatever n_mid is
    assert small[3] == large[3]
    draws = np.concatenate(initial_weights(1000, 1.0, seed=3)[:3])
    assert abs(draws.mean()) < 0.06 and abs(draws.std() - 1) < 0.05
    assert not np.array_equal(initial_weights(3, 0.01, seed=8)[0], small[0])
    training = Training(Settings(n_mid=3, wb_width=0.01, seed=7))
    np.testing.assert_array_equal(training.middle_layer.w, small[0].reshape(1, 3))
    np.testing.assert_array_equal(training.output_layer.w, small[2].reshape(3, 1))


def sample_orders(training, epochs):
    seen = []
    original = training.output_layer.backward

    def spy(t):
        seen.append(float(t[0, 0]))
        original(t)

    training.output_layer.backward = spy
    for _ in range(epochs):
        training.train_epoch()
    return seen


def test_every_configuration_sees_the_same_samples_in_the_same_order():
    orders = [
        sample_orders(Training(Settings(n_mid=n, eta=eta, seed=4)), 2)
        for n, eta in [(1, 0.1), (7, 0.5)]
    ]
    assert orders[0] == orders[1]
    assert orders[0] != sample_orders(Training(Settings(seed=5)), 2)


def test_each_epoch_visits_every_sample_once_in_a_new_order():
    training = Training(Settings(epoch=3))
    seen = sample_orders(training, 2)
    first, second = seen[:63], seen[63:]
    assert sorted(first) == sorted(training.t.tolist()) == sorted(second)
    assert first != second


def test_default_settings_converge_below_1e_3(default_run):
    training, snapshots = default_run
    assert len(training.errors) == 2001
    assert training.errors[-1] < 1e-3
    assert training.errors[0] > 0.1  # it really learned: the first epoch is far off
    fit_error = np.max(np.abs(training.predict(training.x) - training.t))
    assert fit_error < 0.1


def test_one_hidden_neuron_cannot_fit_the_sine(default_run):
    training_3, _ = default_run
    training_1 = Lockstep(
        Settings(n_mid=1)
    )  # the fast engine: it follows the layers (test_lockstep.py)
    list(training_1.snapshots())
    assert training_1.errors[0][-1] > 0.01
    assert training_1.errors[0][-1] > 20 * training_3.errors[-1]


def test_same_seed_gives_identical_weights_another_seed_different():
    a, _ = run(epoch=30, seed=5)
    b, _ = run(epoch=30, seed=5)
    c, _ = run(epoch=30, seed=6)
    np.testing.assert_array_equal(a.middle_layer.w, b.middle_layer.w)
    np.testing.assert_array_equal(a.output_layer.b, b.output_layer.b)
    assert a.errors == b.errors
    assert not np.array_equal(a.middle_layer.w, c.middle_layer.w)
    assert a.errors != c.errors


def test_training_does_not_touch_the_global_random_state():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    run(epoch=3)
    assert np.random.random() == expected


def test_an_infinite_error_is_divergence_even_from_an_infinite_start():
    from regress_demo.network.train import has_diverged

    weights = [np.zeros((1, 3))]
    assert has_diverged(float("inf"), weights, float("inf"))
    assert has_diverged(
        np.array([0.1, np.inf]), [np.zeros((2, 3))], np.array([np.inf, np.inf])
    ).tolist() == [False, True]
    assert not has_diverged(0.5, weights, 0.3)


def test_a_snapshot_and_the_trainers_print_in_one_short_line():
    from regress_demo.network.train import TrainingGroup
    from regress_demo.speed.engines import OneByOne

    training = Training()
    snapshot = training.snapshot(0, training.train_epoch())
    assert repr(snapshot) == f"Snapshot(epoch=0, error={snapshot.error:.1e}, n_mid=3)"
    group = TrainingGroup(Settings(n_mid=[1, 3], epoch=3))
    assert repr(group) == "TrainingGroup(2 networks, layer classes of layers.py, epochs trained: 0)"
    grid = Settings(n_mid=[1, 3, 5], eta=[0.1, 0.5], epoch=3)
    assert repr(Lockstep(grid)) == "Lockstep(6 networks, vectorised loop, epochs trained: 0)"
    one_by_one = OneByOne(Settings(n_mid=[1, 3], epoch=3))
    one_by_one.train_active()
    said = "OneByOne(2 networks, plain-float loop per network, epochs trained: 1)"
    assert repr(one_by_one) == said
