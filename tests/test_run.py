"""A whole run's files: the run record, the final weights, the contact sheet, replay, gallery."""

import json
import os
import platform
import subprocess
import threading
import traceback
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from helpers import decode_gif, run_main

from regress_demo.app import cli
from regress_demo.app.run import make_gif
from regress_demo.files.records import replay_settings
from regress_demo.inputs.settings import SettingError, Settings

SMALL = Settings(n_mid=4, eta=0.3, epoch=30, interval=7, seed=9)


def test_the_run_record_holds_settings_versions_history_and_status(tmp_path):
    result = make_gif(SMALL, tmp_path / "run.gif")
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["kind"] == "regress-demo run" and record["version"] == 1
    assert (record["gif"], record["sheet"], record["weights"]) == ("run.gif", "run.png", "run.npz")
    assert record["status"] == "finished"
    assert record["settings"] == {
        "n_mid": [4],
        "eta": [0.3],
        "epoch": 30,
        "interval": 7,
        "wb_width": 0.01,
        "seed": 9,
        "fps": 10.0,
        "hold": 2.0,
        "schedule": "linear",
        "frames": None,
        "simple": False,
        "show_outputs": True,
        "engine": "auto",
        "target": "sin",
        "n_points": 63,
        "noise": 0.0,
        "holdout": None,
        "activation": ["sigmoid"],
        "depth": [1],
        "l2": [0.0],
        "batch_size": [1],
        "momentum": [0.0],
        "video": [],
        "lang": "en",
        "size": None,
        "style": "screen",
    }
    assert record["frames"] == 6 and record["frame_epochs"] == [0, 7, 14, 21, 28, 29]
    (run,) = record["runs"]
    assert run == {
        "n_mid": 4,
        "eta": 0.3,
        "activation": "sigmoid",
        "depth": 1,
        "l2": 0.0,
        "batch_size": 1,
        "momentum": 0.0,
        "status": "finished",
        "diverged_at": None,
        "epochs_trained": 30,
        "last_frame_epoch": 29,
        "final_error": result.errors[-1],
        "errors": result.errors,
    }
    assert record["versions"]["python"] == platform.python_version()
    assert record["versions"]["numpy"] == np.__version__
    assert record["versions"]["matplotlib"] == matplotlib.__version__
    assert set(record["versions"]) == {"python", "numpy", "matplotlib", "pillow"}


def test_the_weights_file_holds_the_final_weights_in_the_layers_shapes(tmp_path):
    result = make_gif(SMALL.replace(engine="layers"), tmp_path / "run.gif")
    with np.load(tmp_path / "run.npz") as weights:
        assert sorted(weights.files) == ["b1", "b2", "w1", "w2"]
    (training,) = result.training.trainings
    with np.load(tmp_path / "run.npz") as weights:
        assert sorted(weights.files) == ["b1", "b2", "w1", "w2"]
        np.testing.assert_array_equal(weights["w1"], training.middle_layer.w)
        np.testing.assert_array_equal(weights["b1"], training.middle_layer.b)
        np.testing.assert_array_equal(weights["w2"], training.output_layer.w)
        np.testing.assert_array_equal(weights["b2"], training.output_layer.b)
    make_gif(
        SMALL, tmp_path / "fast.gif"
    )  # the fast engine ends with the same weights, to rounding
    with np.load(tmp_path / "fast.npz") as weights:
        np.testing.assert_allclose(weights["w1"], training.middle_layer.w, atol=1e-12)
        np.testing.assert_allclose(weights["w2"], training.output_layer.w, atol=1e-12)


def test_a_grid_records_every_configuration(tmp_path):
    settings = Settings(n_mid=[1, 3], eta=[0.2, 3.0], epoch=10, interval=3)
    result = make_gif(settings, tmp_path / "grid.gif")
    assert result.status == "diverged"
    record = json.loads((tmp_path / "grid.json").read_text())
    assert record["settings"]["n_mid"] == [1, 3] and record["settings"]["eta"] == [0.2, 3.0]
    assert [(r["n_mid"], r["eta"], r["status"]) for r in record["runs"]] == [
        (1, 0.2, "finished"),
        (3, 0.2, "finished"),
        (1, 3.0, "diverged"),
        (3, 3.0, "diverged"),
    ]
    assert [r["epochs_trained"] for r in record["runs"]] == [10, 10, 1, 1]
    with np.load(tmp_path / "grid.npz") as weights:
        assert list(weights["n_mid"]) == [1, 3, 1, 3] and list(weights["eta"]) == [
            0.2,
            0.2,
            3.0,
            3.0,
        ]
        np.testing.assert_array_equal(weights["w2_1"], result.training.w2[1, :3].reshape(3, 1))
        assert weights["w1_0"].shape == (1, 1)


def test_the_contact_sheet_is_written_beside_the_gif(tmp_path):
    from PIL import Image

    make_gif(SMALL, tmp_path / "run.gif")
    gif = decode_gif(tmp_path / "run.gif")
    with Image.open(tmp_path / "run.png") as sheet:
        height, width = gif.frames[0].shape[:2]
        assert sheet.size == (4 * width, 2 * height)  # 6 frames: 4 + 2 tiles, at the film's size


def test_replay_gives_a_byte_identical_gif(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = [
        "--n-mid",
        "2",
        "5",
        "--eta",
        "0.4",
        "--epoch",
        "16",
        "--schedule",
        "log",
        "--frames",
        "6",
        "--seed",
        "3",
        "--no-outputs",
        "-q",
        "--out",
        "first.gif",
    ]
    assert cli.main(args) == 0
    assert cli.main(["--replay", "first.json", "--out", "again.gif", "-q"]) == 0
    assert (tmp_path / "again.gif").read_bytes() == (tmp_path / "first.gif").read_bytes()
    first = json.loads((tmp_path / "first.json").read_text())
    again = json.loads((tmp_path / "again.json").read_text())
    sizes = lambda record: [entry["bytes"] for entry in record["files"]]  # noqa: E731 - the names differ
    assert sizes(first) == sizes(again)
    assert {**first, "gif": "", "sheet": "", "weights": "", "files": ""} == {
        **again,
        "gif": "",
        "sheet": "",
        "weights": "",
        "files": "",
    }
    assert replay_settings(tmp_path / "first.json") == Settings(
        n_mid=(2, 5), eta=0.4, epoch=16, schedule="log", frames=6, seed=3, show_outputs=False
    )


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "replay must be a readable JSON run record, got '{path}'"),
        (
            '{"kind": "something else"}',
            "replay must be a run record written by regress-demo, got '{path}'",
        ),
        (
            '{"kind": "regress-demo run", "settings": {"n_mid": [3], "colour": "red"}}',
            "replay must be a record with known settings only (not colour), got '{path}'",
        ),
        (
            '{"kind": "regress-demo run", "settings": {"n_mid": [0]}}',
            "replay must be a record with valid settings (n_mid must be >= 1, got 0), got '{path}'",
        ),
        (
            '{"kind": "regress-demo run", "settings": {"n_mid": [[1], [2]]}}',
            "replay must be a record with valid settings (n_mid must be a value or a flat list of "
            "values, got [[1], [2]]), got '{path}'",
        ),
    ],
)
def test_replay_refuses_what_is_not_a_good_record(tmp_path, content, message):
    path = tmp_path / "record.json"
    path.write_text(content)
    with pytest.raises(SettingError) as error_info:
        replay_settings(path)
    assert str(error_info.value) == message.format(path=path)


def test_every_run_regenerates_the_gallery(tmp_path):
    make_gif(SMALL, tmp_path / "one.gif")
    make_gif(SMALL.replace(seed=10), tmp_path / "two.gif")
    page = (tmp_path / "index.html").read_text()
    assert page.index('src="two.gif"') < page.index('src="one.gif"')  # newest first
    assert 'href="one.json"' in page and 'href="two.png"' in page


def test_the_result_holds_the_trained_network(tmp_path):
    from regress_demo.network.train import TrainingGroup

    result = make_gif(Settings(epoch=12, interval=11), tmp_path / "run.gif")
    assert isinstance(result.training, TrainingGroup)
    (w1, b1), (w2, b2) = result.last_frame[0].layers
    trained = result.training.trainings[0]
    np.testing.assert_array_equal(trained.middle_layer.w, w1)
    np.testing.assert_array_equal(trained.output_layer.b, b2)
    assert len(trained.errors) == 12


def test_an_error_in_training_is_raised_and_nothing_is_written(tmp_path, monkeypatch):
    from regress_demo.network.layers import MiddleLayer

    def broken_backward(self, grad_y):
        raise ValueError("a typo in backward")

    monkeypatch.setattr(MiddleLayer, "backward", broken_backward)
    # The gradient check names it before training, then training raises it.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="a typo in backward") as raised:
            make_gif(Settings(epoch=3, engine="layers"), tmp_path / "run.gif")
    assert [str(warning.message) for warning in caught] == [
        "MiddleLayer.broken_backward raised ValueError: a typo in backward; "
        "pytest tests/test_layers.py -k gradient shows it"
    ]
    assert any(entry.name == "broken_backward" for entry in traceback.extract_tb(raised.tb))
    assert list(tmp_path.iterdir()) == []  # no GIF, no temporary file


def test_a_run_starts_no_other_process(tmp_path, monkeypatch):
    def no_fork():
        raise AssertionError("a run forked a process")

    monkeypatch.setattr(os, "fork", no_fork)
    monkeypatch.setattr(subprocess.Popen, "__init__", lambda *args, **kwargs: no_fork())
    result = make_gif(Settings(epoch=40, interval=2, video=("mp4",)), tmp_path / "run.gif")
    assert result.status == "finished" and result.frames == 21
    assert len(decode_gif(result.path).frames) == 21


def test_three_threads_animate_at_once_each_its_own_run(tmp_path):
    import regress_demo

    settings = [dict(epoch=30, seed=seed) for seed in (1, 2, 3)]
    alone = [
        regress_demo.animate(out=tmp_path / f"alone{k}.gif", **kw) for k, kw in enumerate(settings)
    ]
    results, hinting = [None] * 3, matplotlib.rcParams["text.hinting"]

    def run(k):
        results[k] = regress_demo.animate(out=tmp_path / f"thread{k}.gif", **settings[k])

    threads = [threading.Thread(target=run, args=(k,), daemon=True) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a run is stuck"
    assert matplotlib.rcParams["text.hinting"] == hinting  # as the runs found it
    for k, (one, result) in enumerate(zip(alone, results)):
        assert result.status == "finished" and result.path == tmp_path / f"thread{k}.gif"
        assert result.errors == one.errors
        assert result.path.read_bytes() == one.path.read_bytes()


def interrupt_drawing(monkeypatch, after: int):
    """Make the frame drawing raise KeyboardInterrupt at the given call (0: the first)."""
    from regress_demo.film.frames import RichFigure

    original, calls = RichFigure.draw, []

    def draw(self, snapshots):
        calls.append(snapshots)
        if len(calls) == after + 1:
            raise KeyboardInterrupt
        return original(self, snapshots)

    monkeypatch.setattr(RichFigure, "draw", draw)


def test_interrupted_while_drawing_every_file_describes_the_last_frame(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    interrupt_drawing(monkeypatch, after=2 + 3)  # the palette's two frames, then three frames
    code, out, err = run_main(["--epoch", "40", "--interval", "5", "-q", "--out", "run.gif"])
    assert code == 130
    record = json.loads(Path("run.json").read_text())
    (run,) = record["runs"]
    assert (
        record["frame_epochs"] == [0, 5, 10]
        and run["last_frame_epoch"] == 10
        and run["epochs_trained"] == 40
    )
    assert len(run["errors"]) == 11 and run["final_error"] == run["errors"][-1]
    assert err == (
        "regress-demo: interrupted while drawing (40 epochs trained); saved run.gif "
        f"(3 frames, up to epoch 10, error {run['final_error']:.3e})\n"
    )
    assert len(decode_gif("run.gif").frames) == 3
    # the weights are those at the end of epoch 10, as a run of 11 epochs leaves them
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "11", "-q", "--out", "short/run.gif"])[0] == 0
    with np.load("run.npz") as weights, np.load("short/run.npz") as expected:
        for name in expected.files:
            np.testing.assert_array_equal(weights[name], expected[name])
    short = json.loads(Path("short/run.json").read_text())["runs"][0]
    assert short["final_error"] == run["final_error"]
    page = Path("index.html").read_text()
    assert f"{run['final_error']:.2e}" in page


FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


def test_a_ctrl_c_while_the_first_frame_is_drawn_keeps_the_trained_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    interrupt_drawing(monkeypatch, after=0)
    code, out, err = run_main(["--epoch", "30", "-q", "--out", "run.gif"])
    assert code == 130
    record = json.loads(Path("run.json").read_text())
    (run,) = record["runs"]
    assert (
        record["status"] == "interrupted"
        and record["frame_epochs"] == [29]
        and record["frames"] == 1
    )
    assert run["epochs_trained"] == 30 and run["last_frame_epoch"] == 29
    assert err == (
        "regress-demo: interrupted while drawing (30 epochs trained); saved run.gif "
        f"(1 frame, up to epoch 29, error {run['final_error']:.3e})\n"
    )
    assert len(decode_gif("run.gif").frames) == 1 and sorted(os.listdir(tmp_path)) == FILES


def folder_bytes(folder) -> dict:
    """Every entry of `folder` (temporary files too) with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())}


@pytest.mark.parametrize("eta, code", [("0.1", 0), ("1.9", 3)])  # finished, or diverged at 9
def test_a_ctrl_c_never_replaces_the_files_of_an_earlier_finished_run(
    tmp_path, monkeypatch, eta, code
):
    monkeypatch.chdir(tmp_path)
    args = ["--epoch", "40", "--interval", "5", "--still", "5", "--eta", eta]
    args += ["-q", "--out", "run.gif"]
    assert run_main(args)[0] == code  # a run that ran to its end
    before = folder_bytes(tmp_path)
    assert sorted(before) == sorted([*FILES, "run-epoch5.pdf", "run-epoch5.png"])
    interrupt_drawing(monkeypatch, after=2 + 3)
    code, out, err = run_main(args)
    assert code == 130 and out == ""
    assert err == (
        "regress-demo: interrupted while drawing; the earlier finished run's files are kept: "
        "run.gif\n"
    )
    assert folder_bytes(tmp_path) == before  # every file as it was, no temporary file


def test_a_ctrl_c_while_training_keeps_the_earlier_finished_run_too(tmp_path, monkeypatch):
    from regress_demo.app.console import Progress

    monkeypatch.chdir(tmp_path)
    args = ["--epoch", "40", "--interval", "5", "--out", "run.gif"]
    assert run_main(args)[0] == 0
    before = folder_bytes(tmp_path)

    def stop_at_epoch_12(self, epoch, error):
        if epoch == 12:
            raise KeyboardInterrupt

    monkeypatch.setattr(Progress, "epoch", stop_at_epoch_12)
    code, out, err = run_main(args)
    assert code == 130
    assert err == (
        "regress-demo: interrupted after 13 of 40 epochs; the earlier finished run's files are "
        "kept: run.gif\n"
    )
    assert folder_bytes(tmp_path) == before


def test_a_ctrl_c_after_an_interrupted_run_saves_its_own_frames(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["--epoch", "40", "--interval", "5", "-q", "--out", "run.gif"]
    interrupt_drawing(monkeypatch, after=2 + 2)
    assert run_main(args)[0] == 130
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    interrupt_drawing(monkeypatch, after=2 + 4)
    code, out, err = run_main(args)
    assert code == 130 and "; saved run.gif (4 frames, up to epoch 15, " in err
    assert len(decode_gif("run.gif").frames) == 4 and sorted(os.listdir(tmp_path)) == FILES


def test_an_interrupted_run_writes_no_files_for_print(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["--epoch", "40", "--interval", "5", "--still", "5,last", "--handout", "0,30"]
    args += ["--sheet", "print", "-q", "--out", "run.gif"]
    for frames in (3, 5):  # again and again: no still named by the epoch where it stopped
        monkeypatch.undo()
        monkeypatch.chdir(tmp_path)
        interrupt_drawing(monkeypatch, after=2 + frames)
        code, out, err = run_main(args)
        assert code == 130
        assert f"saved run.gif ({frames} frames, up to epoch {5 * (frames - 1)}, " in err
        assert sorted(os.listdir(tmp_path)) == FILES  # the film's own contact sheet as run.png
        record = json.loads(Path("run.json").read_text())
        names = [entry["name"] for entry in record["files"]]
        assert sorted(names) == ["run.gif", "run.npz", "run.png"]
        assert "stills" not in record and "sheet_pdf" not in record


def test_an_error_that_is_not_finite_is_divergence(tmp_path, monkeypatch):
    import regress_demo.speed.lockstep as lockstep

    monkeypatch.setattr(
        lockstep, "has_diverged", lambda error, weights, initial: np.zeros(np.shape(error), bool)
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--eta", "50", "--epoch", "30", "-q", "--out", "run.gif"])
    assert code == 3
    record = json.loads(Path("run.json").read_text())
    assert record["status"] == record["runs"][0]["status"] == "diverged"
    assert err.startswith("regress-demo: diverged at epoch ") and "None" not in err
