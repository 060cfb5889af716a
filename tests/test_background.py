"""Training in a second process is a speed-up only: the same run, the same files, the same errors."""

import warnings

import numpy as np
import pytest

from regress_demo.app import background
from regress_demo.app.background import RemoteTraceback
from regress_demo.app.run import make_gif
from regress_demo.inputs.settings import Settings
from regress_demo.network.layers import MiddleLayer
from regress_demo.network.train import TrainingGroup

pytestmark = pytest.mark.skipif(not background.available(), reason="needs fork")


@pytest.mark.parametrize(
    "settings",
    [
        Settings(
            epoch=30, interval=3, holdout=(0.2, 0.5)
        ),  # the layer classes, with held-out errors
        Settings(
            n_mid=(2, 3), eta=(0.1, 30.0), epoch=30, interval=3
        ),  # the vectorised loop; one diverges
        Settings(
            epoch=30, interval=3, target="sin(3*x) + 0.3*x", engine="fast"
        ),  # a formula travels too
    ],
    ids=["classes", "grid", "formula"],
)
def test_a_run_trained_in_another_process_is_the_same_run(settings, tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(background, "available", lambda: False)
        here = make_gif(settings, tmp_path / "here.gif")
    there = make_gif(settings, tmp_path / "there.gif")
    assert type(there.training) is type(here.training)  # the trainer itself came back
    assert there.histories == here.histories
    assert there.heldout_histories == here.heldout_histories
    assert there.diverged_at == here.diverged_at
    assert there.path.read_bytes() == here.path.read_bytes()
    for name in ("weights_path", "sheet_path"):
        assert getattr(there, name).read_bytes() == getattr(here, name).read_bytes()


def test_the_result_holds_the_trained_network(tmp_path):
    result = make_gif(Settings(epoch=12, interval=11), tmp_path / "run.gif")
    assert isinstance(result.training, TrainingGroup)
    (w1, b1), (w2, b2) = result.last_frame[0].layers
    trained = result.training.trainings[0]
    np.testing.assert_array_equal(trained.middle_layer.w, w1)
    np.testing.assert_array_equal(trained.output_layer.b, b2)
    assert len(trained.errors) == 12


def test_an_error_in_the_training_process_is_raised_here_with_its_traceback(tmp_path, monkeypatch):
    def broken_backward(self, grad_y):  # (backward runs in training only: in the other process)
        raise ValueError("a typo in backward")

    monkeypatch.setattr(MiddleLayer, "backward", broken_backward)
    # The gradient check names it before training (here), then training raises it (there).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="a typo in backward") as raised:
            make_gif(Settings(epoch=3, engine="layers"), tmp_path / "run.gif")
    assert [str(warning.message) for warning in caught] == [
        "MiddleLayer.broken_backward raised ValueError: a typo in backward; "
        "pytest tests/test_layers.py -k gradient shows it"
    ]
    assert isinstance(raised.value.__cause__, RemoteTraceback)
    assert "broken_backward" in str(raised.value.__cause__)
    assert not (tmp_path / "run.gif").exists()


def test_a_training_process_killed_by_a_signal_ends_the_run_as_interrupted(tmp_path):
    import multiprocessing
    import os
    import signal

    def kill_at_epoch_20(epoch, error):
        if epoch == 20:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)

    result = make_gif(
        Settings(epoch=2000, interval=5), tmp_path / "run.gif", on_epoch=kill_at_epoch_20
    )
    assert result.status == "interrupted" and result.interrupted_while == "training"
    assert 15 <= result.last_frame[0].epoch < 2000  # (the frame of epoch 20 may not have come yet)
    assert result.path.exists()
    assert not multiprocessing.active_children()


def children_of(pid: int) -> list:
    import os

    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


@pytest.mark.skipif(not __import__("os").path.isdir("/proc"), reason="needs /proc")
def test_a_killed_run_leaves_no_process_training_on(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "regress_demo", "--epoch", "200000", "-q", "--out", "run.gif"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    (trainer,) = children_of(process.pid)
    time.sleep(0.5)  # well into training
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{trainer}") and time.monotonic() < deadline:
        try:
            os.waitpid(
                trainer, os.WNOHANG
            )  # (not ours to reap: init's; this only helps if it were)
        except ChildProcessError:
            pass
        time.sleep(0.05)
    alive = (
        os.path.exists(f"/proc/{trainer}")
        and open(f"/proc/{trainer}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    )
    if alive:
        os.kill(trainer, signal.SIGKILL)
    assert not alive
