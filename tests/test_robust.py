"""Divergence, interruption and disk trouble end cleanly: whole files or none, never half a file."""

import errno
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import decode_gif, run_main
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from regress_demo.app.run import make_gif
from regress_demo.files.gif import GifWriter
from regress_demo.film.frames import make_figure
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import Training


def test_a_large_eta_diverges_and_stops_with_exit_3(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--eta", "1.9", "-q", "--out", "big.gif"])
    assert code == 3
    record = json.loads((tmp_path / "big.json").read_text())
    (run,) = record["runs"]
    epoch = run["diverged_at"]
    assert err == (
        f"regress-demo: diverged at epoch {epoch} (the error blew up) — "
        "try a smaller eta than 1.9\n"
    )
    assert record["status"] == run["status"] == "diverged" and run["epochs_trained"] == epoch + 1
    assert 0 < epoch and run["errors"][-1] > 100 * 0.1  # it exploded after some epochs
    gif = decode_gif(tmp_path / "big.gif")
    recorded = list(range(epoch + 1))  # it diverged early: a frame for every epoch up to it
    assert out.startswith(f"Saved big.gif ({len(recorded)} frames")
    assert len(gif.frames) == len(recorded) == record["frames"]
    assert record["frame_epochs"] == recorded
    assert gif.durations[-1] == 2000  # the last frame is held


@pytest.mark.parametrize(
    "options",
    [
        dict(eta=1.9),
        dict(eta=1.9, engine="fast"),
        dict(eta=[1.9, 3.0]),  # a grid in which every network diverges: up to the last of them
        dict(eta=1.9, schedule="log", frames=30),
    ],
)
def test_a_run_that_diverges_early_has_a_frame_for_every_epoch_the_same_as_with_interval_1(
    tmp_path, options
):
    result = make_gif(Settings(**options), tmp_path / "early.gif")
    every = make_gif(
        Settings(**options).replace(
            interval=1, epoch=result.epochs_trained, frames=None, schedule="linear"
        ),
        tmp_path / "every.gif",
    )
    assert result.status == "diverged" and 1 < result.epochs_trained < 100
    gif = decode_gif(tmp_path / "early.gif")
    assert len(gif.frames) == result.frames == result.epochs_trained
    for mine, theirs in zip(result.last_frame, every.last_frame):
        assert mine.epoch == theirs.epoch and mine.diverged == theirs.diverged
        for (w, b), (w_every, b_every) in zip(mine.layers, theirs.layers):
            np.testing.assert_array_equal(w, w_every)
            np.testing.assert_array_equal(b, b_every)
    # the frames differ only in the "epoch N / total" of their titles


def test_a_run_that_does_not_diverge_or_diverges_late_keeps_its_frames(tmp_path):
    from regress_demo.speed.engines import EARLY_DIVERGENCE, every_epoch_if_diverged_early

    settings = Settings(epoch=30, interval=10)
    result = make_gif(settings, tmp_path / "calm.gif")
    assert result.frames == 4 and len(decode_gif(tmp_path / "calm.gif").frames) == 4

    class Late:
        diverged_at = [EARLY_DIVERGENCE]

    frames = [["a"], ["b"]]
    assert every_epoch_if_diverged_early(settings, Late(), frames) is frames
    Late.diverged_at = [None]
    assert every_epoch_if_diverged_early(settings, Late(), frames) is frames


def test_overflow_to_nan_is_caught_and_recorded_as_null(tmp_path):
    result = make_gif(Settings(eta=50, epoch=100), tmp_path / "nan.gif")
    assert result.status == "diverged" and result.diverged_at[0] <= 1
    record = json.loads((tmp_path / "nan.json").read_text())  # strict JSON: no NaN or Infinity
    assert record["status"] == "diverged"
    assert None in record["runs"][0]["errors"] or record["runs"][0]["errors"][-1] > 1e12
    assert len(decode_gif(tmp_path / "nan.gif").frames) == result.frames


@pytest.mark.parametrize("simple", [False, True])
def test_the_diverged_frame_says_so(simple):
    settings = Settings(eta=1.9, epoch=300, interval=1, simple=simple)
    training = Training(settings)
    snapshots = [[snapshot] for snapshot in training.snapshots()]
    figure = make_figure(settings, training.dataset, [training.errors], snapshots)
    figure.draw(snapshots[-2])
    assert not figure.warning.get_visible()
    figure.draw(snapshots[-1])
    assert snapshots[-1][0].diverged and not snapshots[-2][0].diverged
    assert figure.warning.get_visible()
    assert (
        figure.warning.get_text() == f"diverged at epoch {training.diverged_at} — try a smaller eta"
    )


def test_reasonable_settings_do_not_count_as_divergence():
    for settings in (Settings(eta=1.0, epoch=300), Settings(wb_width=100.0, epoch=300)):
        training = Training(settings)
        list(training.snapshots())
        assert training.diverged_at is None, settings


def start_run(tmp_path, *args):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "regress_demo",
            "--epoch",
            "20001",
            "--interval",
            "25",
            "--out",
            "run.gif",
            *args,
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize(
    "signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_mid_run_keeps_a_valid_gif_of_the_frames_so_far(tmp_path, signum, code):
    process = start_run(tmp_path)
    frames_seen = 0
    for line in process.stdout:  # wait until some frames are made
        frames_seen += line.startswith("Epoch: ")
        if frames_seen == 5:
            break
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    assert len(err.splitlines()) == 1
    record = json.loads((tmp_path / "run.json").read_text())
    trained, last = record["runs"][0]["epochs_trained"], record["frame_epochs"][-1]
    frames = record["frames"]
    error = record["runs"][0]["errors"][last]
    assert err == (
        f"regress-demo: interrupted after {trained} of 20001 epochs; saved run.gif "
        f"({frames} frames, up to epoch {last}, error {error:.3e})\n"
    )
    assert record["status"] == record["runs"][0]["status"] == "interrupted"
    assert 100 <= record["runs"][0]["epochs_trained"] < 20001
    gif = decode_gif(tmp_path / "run.gif")
    assert len(gif.frames) == record["frames"] >= 5
    # no temporary file left
    assert sorted(os.listdir(tmp_path)) == [
        "index.html",
        "run.gif",
        "run.json",
        "run.npz",
        "run.png",
    ]


def test_a_signal_while_the_gif_is_written_leaves_the_earlier_gif(tmp_path, monkeypatch):
    path = tmp_path / "run.gif"
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "2", "-q", "--out", "run.gif"])[0] == 0  # an earlier run
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}

    def interrupted_close(self):
        self._stream.write(b"GIF89a half")
        raise KeyboardInterrupt

    monkeypatch.setattr(
        GifWriter, "close", interrupted_close
    )  # (where the GIF is finished on disk)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 130
    assert err == "regress-demo: interrupted while writing; run.gif was not written\n"
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before
    assert path.read_bytes()[:6] == b"GIF89a"


def test_a_signal_while_drawing_keeps_the_frames_drawn_so_far(tmp_path, monkeypatch):
    from regress_demo.film.frames import RichFigure

    original, calls = RichFigure.draw, []

    def draw_then_interrupt(self, snapshots):
        calls.append(snapshots)
        if len(calls) == 2 + 4:  # the first and the last frame for the palette, then three frames
            raise KeyboardInterrupt
        return original(self, snapshots)

    monkeypatch.setattr(RichFigure, "draw", draw_then_interrupt)
    result = make_gif(Settings(epoch=40, interval=5), tmp_path / "run.gif")
    assert (
        result.status == "interrupted"
        and result.frames == 3
        and result.interrupted_while == "drawing"
    )
    assert len(decode_gif(tmp_path / "run.gif").frames) == 3
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["frame_epochs"] == [0, 5, 10] and record["runs"][0]["epochs_trained"] == 40


def test_a_signal_while_the_files_are_written_lets_them_finish(tmp_path, monkeypatch):
    from regress_demo.files.stills import FilmSheet

    original = FilmSheet.add

    def write_png_then_signal(*args):
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, in the middle of the last step
        return original(*args)

    monkeypatch.setattr(FilmSheet, "add", write_png_then_signal)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert sorted(os.listdir(tmp_path)) == [
        "index.html",
        "run.gif",
        "run.json",
        "run.npz",
        "run.png",
    ]
    assert json.loads((tmp_path / "run.json").read_text())["status"] == "finished"
    assert len(decode_gif(tmp_path / "run.gif").frames) == 3


def test_a_signal_while_a_frame_is_written_comes_after_it(tmp_path):
    frames = [np.full((6, 8, 3), value, np.uint8) for value in (0, 100, 200)]
    writer = GifWriter(tmp_path / "run.gif", 100, 100)
    original = writer._write

    def write_then_signal(indices, duration_ms):
        os.kill(os.getpid(), signal.SIGINT)
        original(indices, duration_ms)

    with writer:
        writer.set_palette(frames)
        writer.grab_frame(frames[0])
        writer._write = write_then_signal
        with pytest.raises(KeyboardInterrupt):
            writer.grab_frame(frames[1])  # the first frame is written whole, then the signal counts
        assert writer.count == 2
        writer._write = original
        writer.finish()
    assert [int(frame[0, 0, 0]) for frame in decode_gif(tmp_path / "run.gif").frames] == [0, 100]


def test_interrupted_while_drawing_says_so(tmp_path, monkeypatch):
    from regress_demo.film.frames import RichFigure

    def interrupted_draw(self, snapshots):
        raise KeyboardInterrupt

    monkeypatch.setattr(RichFigure, "draw", interrupted_draw)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q"])
    assert code == 130
    assert err == "regress-demo: interrupted while drawing the first frame; nothing was written\n"


def test_interrupted_before_the_first_frame_writes_nothing(tmp_path, monkeypatch):
    def interrupted_epoch(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Training, "train_epoch", interrupted_epoch)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q"])
    assert code == 130
    assert err == "regress-demo: interrupted before the first frame; nothing was written\n"
    assert os.listdir(tmp_path / "outputs") == []


def test_a_full_disk_gives_one_line_and_leaves_nothing_partial(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "2", "-q", "--out", "run.gif"])[0] == 0  # an earlier run
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}

    written = []

    def full_disk(self, indices, duration_ms):
        if written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._stream.write(b"GIF89a and the first frame")
        written.append(duration_ms)

    monkeypatch.setattr(GifWriter, "_write", full_disk)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 1
    assert err == "regress-demo: error: cannot write run.gif: No space left on device\n"
    assert {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)} == before


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder this process cannot create files in (root ignores file modes: then a read-only
    system folder is used)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys/kernel"), Path("/proc/self")):
        try:
            (candidate / ".probe").touch()
        except OSError:
            yield candidate
            break
        (candidate / ".probe").unlink()
    else:
        pytest.skip("no read-only folder on this machine")
    folder.chmod(0o755)


def test_a_read_only_folder_fails_at_once_with_one_line(read_only_folder, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code, out, err = run_main(["--out", str(read_only_folder / "run.gif"), "-q"])  # 2001 epochs
    assert code == 1
    assert err.startswith(f"regress-demo: error: cannot write {read_only_folder / 'run.gif'}: ")
    assert len(err.splitlines()) == 1 and out == ""
    assert (
        time.monotonic() - started < 30
    )  # it failed before training, not after (the run takes longer)


def test_the_writer_leaves_no_temporary_file_when_it_is_never_finished(tmp_path):
    with GifWriter(tmp_path / "run.gif", 100, 100) as writer:
        writer.grab_frame(np.zeros((4, 4, 3), np.uint8))
        assert len(os.listdir(tmp_path)) == 1  # the temporary file, reserved at setup
    assert os.listdir(tmp_path) == []


def test_same_settings_give_byte_identical_gif_and_record(tmp_path):
    first = make_gif(Settings(epoch=8, interval=3), tmp_path / "a" / "run.gif")
    second = make_gif(Settings(epoch=8, interval=3), tmp_path / "b" / "run.gif")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.record_path.read_bytes() == second.record_path.read_bytes()


VALID = {
    "--n-mid": st.integers(1, 12).map(str),
    "--eta": st.sampled_from(["0.01", "0.1", "0.5", "2", "5", "50"]),
    "--epoch": st.integers(1, 12).map(str),
    "--interval": st.integers(1, 6).map(str),
    "--wb-width": st.sampled_from(["0.01", "1", "100"]),
    "--seed": st.integers(0, 2**32 - 1).map(str),
    "--fps": st.floats(0.1, 50).map(repr),
    "--hold": st.floats(0, 5).map(repr),
    "--target": st.sampled_from(
        [
            "sin",
            "gauss",
            "step",
            "sin(3*x) + 0.3*x",
            "-x**2",
            "1",
            "x**9",
            "tan(pi*x/2)",
            "1e308*x",
            "2**1023*x",
            "1/x",
            "log(abs(x))",
            "1e6*x",
        ]
    ),
    "--frames": st.integers(2, 12).map(str),
    "--schedule": st.sampled_from(["linear", "log"]),
    "--engine": st.sampled_from(["fast", "layers"]),
    "--n-points": st.integers(2, 80).map(str),
    "--noise": st.sampled_from(["0", "0.1", "3"]),
    "--holdout": st.sampled_from(["0.2,0.5", "-1,0", "-0.5,-0.45", "0,1", "0.9,1"]),
    "--activation": st.sampled_from(["sigmoid", "tanh", "relu"]),
    "--depth": st.integers(1, 3).map(str),
    "--l2": st.sampled_from(["0", "0.01", "1"]),
    "--batch-size": st.integers(1, 70).map(str),
    "--momentum": st.sampled_from(["0", "0.5", "0.99"]),
}
ANY_TEXT = st.one_of(
    st.integers(-5, 12).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(repr),
    st.sampled_from(["", "abc", "1e3", "0.0", "-0", "2.5", "nan", "+3", " 4 ", "1_000"]),
    st.text(max_size=5),
)


#: Combinations that would need far too much memory or time: refused before starting.
BOMBS = [
    {"--depth": "8", "--n-mid": "1000", "--n-points": "2", "--epoch": "2500", "--frames": "2500"},
    {"--depth": "8", "--n-mid": "1000", "--n-points": "2000", "--epoch": "1000000"},
    {"--epoch": "1000000", "--n-points": "2000"},
]


@st.composite
def arguments(draw):
    """Mostly valid options, often one given any text at all, now and then a resource bomb."""
    if draw(st.integers(0, 9)) == 0:
        return [f"{name}={value}" for name, value in draw(st.sampled_from(BOMBS)).items()] + ["-q"]
    options = draw(st.fixed_dictionaries({}, optional=VALID))
    if draw(st.booleans()):
        options[draw(st.sampled_from(sorted(VALID)))] = draw(ANY_TEXT)
    options.setdefault("--epoch", "5")
    return [f"{name}={value}" for name, value in options.items()] + ["-q"]


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI stays repeatable
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(args=arguments())
def test_any_arguments_end_cleanly(args, tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("run")
    monkeypatch.chdir(folder)
    code, out, err = run_main(args)  # an unexpected exception would fail the test here
    event(f"exit {code}")
    assert code in (0, 2, 3), (args, err)
    assert "Traceback" not in err
    if code == 2:
        assert len(err.splitlines()) == 1 and err.startswith("regress-demo: error: ")
    gifs = list(Path(folder).rglob("*.gif"))
    assert len(gifs) == (0 if code == 2 else 1)
    for gif in gifs:
        assert len(decode_gif(gif).frames) >= 1
    assert not list(Path(folder).rglob("*.tmp"))
    if code != 2:  # the record describes the GIF's last frame
        (record,) = [json.loads(path.read_text()) for path in Path(folder).rglob("*.json")]
        assert record["frames"] == len(decode_gif(gifs[0]).frames) == len(record["frame_epochs"])
        for run in record["runs"]:
            assert (
                run["last_frame_epoch"] <= record["frame_epochs"][-1]
                and len(run["errors"]) == run["last_frame_epoch"] + 1
            )


def test_a_disk_that_fills_while_the_gif_is_closed_leaves_no_temporary_file(tmp_path, monkeypatch):
    """As on a really full disk: the last buffered bytes fail again when the file is closed."""

    class FullDisk(io.BufferedWriter):
        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self):
            super().close()
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    setup = GifWriter.setup

    def setup_on_a_full_disk(self):
        setup(self)
        self._stream.close()
        self._stream = FullDisk(io.FileIO(self.file.tmp_path, "wb"))

    monkeypatch.setattr(GifWriter, "setup", setup_on_a_full_disk)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 1
    assert err == "regress-demo: error: cannot write run.gif: No space left on device\n"
    assert os.listdir(tmp_path) == []
