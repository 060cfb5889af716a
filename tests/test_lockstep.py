"""The lockstep training of a grid follows each configuration's path alone with the layers."""

import numpy as np
import pytest

from regress_demo.inputs.settings import Settings
from regress_demo.network.train import Training
from regress_demo.speed.engines import AGREEMENT, OneByOne, disagreement, faster_one_by_one
from regress_demo.speed.lockstep import Lockstep


def test_lockstep_gives_the_same_weights_as_separate_runs_with_the_layer_classes():
    settings = Settings(n_mid=[1, 3, 8], eta=[0.05, 0.7], epoch=100, seed=3, wb_width=0.3)
    lockstep = Lockstep(settings)
    frames = list(lockstep.snapshots())
    assert len(frames) == len(settings.frame_epochs())
    for c, config in enumerate(settings.configurations()):
        alone = Training(config)
        list(alone.snapshots())
        n = config.n_mid
        np.testing.assert_allclose(lockstep.w1[c, :n], alone.middle_layer.w[0], rtol=0, atol=1e-9)
        np.testing.assert_allclose(lockstep.b1[c, :n], alone.middle_layer.b, rtol=0, atol=1e-9)
        np.testing.assert_allclose(
            lockstep.w2[c, :n], alone.output_layer.w[:, 0], rtol=0, atol=1e-9
        )
        np.testing.assert_allclose(lockstep.b2[c], alone.output_layer.b[0], rtol=0, atol=1e-9)
        np.testing.assert_allclose(lockstep.errors[c], alone.errors, rtol=1e-9)
        # the padding never moved: no weight beyond the configuration's own neurons
        assert not lockstep.w2[c, n:].any() and not lockstep.w1[c, n:].any()
        last = frames[-1][c]
        np.testing.assert_allclose(last.fit(alone.grid), alone.predict(alone.grid), atol=1e-9)


@pytest.mark.parametrize(
    "n_mid, eta, wb_width",
    [(3, 0.1, 0.3), (16, 0.7, 0.3), (17, 0.4, 0.3), (1, 1.9, 0.3), (3, 2.0, 1.0), (17, 3.0, 1.0)],
)
def test_a_single_network_follows_the_layer_classes_too(n_mid, eta, wb_width):
    # up to 16 neurons in plain Python floats, more with the vectorised loop; the last two diverge
    settings = Settings(n_mid=n_mid, eta=eta, epoch=100, seed=5, wb_width=wb_width)
    fast, alone = Lockstep(settings), Training(settings)
    fast_frames, alone_frames = list(fast.snapshots()), list(alone.snapshots())
    assert len(fast_frames) == len(alone_frames)
    with np.errstate(invalid="ignore"):  # a diverged network may hold inf and nan, in both
        np.testing.assert_allclose(fast.w1[0], alone.middle_layer.w[0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(fast.w2[0], alone.output_layer.w[:, 0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(fast.b2[0], alone.output_layer.b[0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(fast.errors[0], alone.errors, rtol=1e-9)
    assert fast.diverged_at[0] == alone.diverged_at
    if alone.diverged_at is None:
        np.testing.assert_allclose(
            fast_frames[-1][0].outputs, alone_frames[-1].outputs, rtol=0, atol=1e-9
        )
    if eta >= 2.0:
        assert alone.diverged_at is not None  # the case it is there for


def test_snapshots_come_per_configuration_in_grid_order():
    settings = Settings(n_mid=[2, 4], eta=[0.1, 0.3, 0.5], epoch=12, interval=5)
    frames = list(Lockstep(settings).snapshots())
    assert [frame[0].epoch for frame in frames] == [0, 5, 10, 11]
    assert [len(s.w1) for s in frames[-1]] == [2, 4, 2, 4, 2, 4]  # rows = eta, columns = n_mid


def test_a_diverging_configuration_is_frozen_and_the_others_go_on():
    settings = Settings(n_mid=[3], eta=[0.1, 1.9, 3.0], epoch=40, interval=10)
    lockstep = Lockstep(settings)
    frames = list(lockstep.snapshots())
    assert lockstep.diverged_at[0] is None
    diverged = {c: epoch for c, epoch in enumerate(lockstep.diverged_at) if epoch is not None}
    assert set(diverged) == {1, 2} and diverged[2] == 0
    alone = Training(settings.configurations()[1])
    list(alone.snapshots())
    assert diverged[1] == alone.diverged_at
    assert len(lockstep.errors[0]) == 40  # the healthy one trained every epoch
    assert len(lockstep.errors[1]) == diverged[1] + 1 and len(lockstep.errors[2]) == 1
    # a frame is added at the epoch a configuration diverged,
    # and its panel keeps the diverged snapshot
    epochs = [max(s.epoch for s in frame) for frame in frames]
    assert diverged[1] in epochs and epochs[-1] == 39
    assert frames[-1][1].diverged and frames[-1][1].epoch == diverged[1]
    assert not frames[-1][0].diverged and frames[-1][0].epoch == 39


@pytest.mark.parametrize("etas, retrained", [([0.3, 50.0], 0), ([0.3, 1e6], 1)])
def test_a_configuration_that_overflows_leaves_the_others_as_they_would_be_alone(
    etas, retrained, monkeypatch
):
    # The side-by-side loop mixes configurations where a value is inf or nan: an epoch in which
    # anything overflowed is trained again with each configuration apart (only that epoch: the
    # overflowing configuration is frozen after it).
    settings = Settings(n_mid=[2, 3], eta=etas, epoch=30, interval=10, wb_width=0.3)
    lockstep = Lockstep(settings)
    general = lockstep._train_epoch_general
    calls = []
    monkeypatch.setattr(
        lockstep, "_train_epoch_general", lambda order: calls.append(1) or general(order)
    )
    list(lockstep.snapshots())
    assert len(calls) == retrained
    with np.errstate(over="ignore", invalid="ignore"):
        lockstep_predictions = lockstep.predict(lockstep.x)
    for c, config in enumerate(settings.configurations()):
        alone = Training(config)
        list(alone.snapshots())
        assert lockstep.diverged_at[c] == alone.diverged_at
        np.testing.assert_allclose(lockstep.errors[c], alone.errors, rtol=1e-9, equal_nan=True)
        if alone.diverged_at is None:
            np.testing.assert_allclose(lockstep_predictions[c], alone.predict(alone.x), atol=1e-9)
    assert lockstep.diverged_at[:2] == [None, None] and None not in lockstep.diverged_at[2:]


def test_training_stops_when_every_configuration_has_diverged():
    lockstep = Lockstep(Settings(n_mid=[2, 5], eta=[3.0], epoch=500))
    frames = list(lockstep.snapshots())
    assert lockstep.diverged_at == [0, 0]
    assert len(frames) == 1 and all(s.diverged for s in frames[0])


def test_a_grid_needs_the_lockstep_training():
    with pytest.raises(ValueError, match="one configuration"):
        Training(Settings(n_mid=[1, 2]))


@pytest.mark.parametrize(
    "options",
    [
        dict(l2=[0.0, 1e-3, 1e-2], n_mid=3, wb_width=0.3),  # the general loop's kind of grid
        dict(activation=["sigmoid", "tanh", "relu"], n_mid=[2, 5], wb_width=0.3),
        dict(momentum=[0.0, 0.9], eta=[0.05, 1.9], wb_width=0.3),  # with a network that diverges
    ],
)
def test_a_grid_trained_one_by_one_gives_the_weights_of_the_layer_classes(options):
    settings = Settings(epoch=100, interval=25, seed=3, **options)
    one_by_one = OneByOne(settings)
    frames = list(one_by_one.snapshots())
    for c, config in enumerate(settings.configurations()):
        alone = Training(config)
        alone_frames = list(alone.snapshots())
        assert one_by_one.diverged_at[c] == alone.diverged_at
        with np.errstate(invalid="ignore"):
            for (w, b), layer in zip(frames[-1][c].layers, alone.layers):
                np.testing.assert_allclose(w, layer.w, rtol=0, atol=1e-9)
                np.testing.assert_allclose(b, layer.b, rtol=0, atol=1e-9)
            np.testing.assert_allclose(one_by_one.errors[c], alone.errors, rtol=1e-9)
        assert (
            frames[-1][c].epoch == alone_frames[-1].epoch
            and frames[-1][c].diverged == alone_frames[-1].diverged
        )
    # the same frames as the grid's one loop: at the recorded epochs and where a network diverged
    lockstep_frames = list(Lockstep(settings).snapshots())
    assert [[s.epoch for s in f] for f in frames] == [[s.epoch for s in f] for f in lockstep_frames]


def test_a_grid_trains_one_by_one_only_where_that_is_faster():
    # the general loop's grids of a few small networks: one by one (measured 3 to 5 times faster)
    assert faster_one_by_one(Settings(l2=[0.0, 1e-4, 1e-3, 1e-2]))
    assert faster_one_by_one(Settings(activation=["sigmoid", "tanh", "relu"], n_mid=[3, 10]))
    assert faster_one_by_one(Settings(activation="tanh", n_mid=[1, 3, 10]))
    # many or larger networks, and the textbook's sweep: in one loop
    assert not faster_one_by_one(Settings(l2=[0.0, 1e-4, 1e-3, 1e-2], n_mid=16))
    assert not faster_one_by_one(Settings(n_mid=[1, 2, 3, 5], eta=[0.05, 0.5]))
    assert not faster_one_by_one(
        Settings(n_mid=[2, 20], l2=[0.0, 0.01])
    )  # 20 neurons: no plain-float loop
    assert not faster_one_by_one(Settings())  # a single run is no grid


def test_the_check_of_a_grid_trained_one_by_one_checks_each_network():
    settings = Settings(l2=[0.0, 1e-3], n_mid=[3, 5])
    largest, relative = disagreement(settings, one_by_one=True)
    assert relative <= AGREEMENT and largest < 1e-12
