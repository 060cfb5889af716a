"""The GIF: frames, sizes, timing, looping, determinism, and never a half-written file."""

import os
import stat

import imageio.v3 as iio
import numpy as np
import pytest

from regress_demo.render import FitFigure, GifWriter
from regress_demo.run import make_gif
from regress_demo.settings import Settings
from regress_demo.train import Training

from helpers import decode_gif

SMALL = Settings(epoch=25, interval=4)  # frames at epochs 0, 4, ..., 24: 7 frames


def test_gif_has_the_planned_frames_one_size_and_loops(tmp_path):
    result = make_gif(SMALL, tmp_path / "run.gif")
    gif = decode_gif(result.path)
    assert result.frames == len(SMALL.frame_epochs()) == 7
    assert len(gif.frames) == 7
    assert gif.sizes == {(640, 480)}
    assert gif.loop == 0  # loop forever
    for before, after in zip(gif.frames, gif.frames[1:]):
        assert np.any(before != after)
    # imageio, the other decoder a user might pick, agrees on the frame count and size
    assert iio.imread(result.path, index=None).shape == (7, 480, 640, 3)


def test_frame_times_in_milliseconds_and_the_last_frame_is_held(tmp_path):
    gif = decode_gif(make_gif(SMALL.replace(fps=5, hold=2.5), tmp_path / "run.gif").path)
    assert gif.durations[:-1] == [200] * 6
    assert gif.durations[-1] == 2500
    gif = decode_gif(make_gif(SMALL, tmp_path / "default.gif").path)
    assert gif.durations[:-1] == [100] * 6 and gif.durations[-1] == 2000


def test_same_settings_give_a_byte_identical_gif_another_seed_a_different_one(tmp_path):
    a = make_gif(SMALL, tmp_path / "a.gif").path.read_bytes()
    b = make_gif(SMALL, tmp_path / "b.gif").path.read_bytes()
    c = make_gif(SMALL.replace(seed=1), tmp_path / "c.gif").path.read_bytes()
    assert a == b
    assert a != c


def test_the_frame_shows_settings_epoch_and_error_with_fixed_axes():
    settings = Settings(n_mid=4, eta=0.25, epoch=12, interval=11)
    training = Training(settings)
    figure = FitFigure(settings, training.x, training.t)
    first, last = list(training.snapshots())
    frame = figure.draw(first)
    limits = (figure.ax.get_xlim(), figure.ax.get_ylim())
    assert frame.shape == (480, 640, 3) and frame.dtype == np.uint8
    figure.draw(last)
    assert figure.title.get_text() == f"n_mid=4   eta=0.25   epoch 11 / 12   error {last.error:.2e}"
    assert (figure.ax.get_xlim(), figure.ax.get_ylim()) == limits
    np.testing.assert_array_equal(figure.fit_line.get_ydata(), last.fit)
    np.testing.assert_array_equal(figure.output_marks.get_ydata(), last.outputs)


def test_a_failed_run_leaves_the_earlier_gif_untouched_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "run.gif"
    path.write_bytes(b"an earlier, good GIF")
    calls = []

    def failing_draw(self, snapshot):
        calls.append(snapshot.epoch)
        if len(calls) == 3:
            raise RuntimeError("drawing failed")
        return np.zeros((480, 640, 3), np.uint8)

    monkeypatch.setattr(FitFigure, "draw", failing_draw)
    with pytest.raises(RuntimeError, match="drawing failed"):
        make_gif(SMALL, path)
    assert path.read_bytes() == b"an earlier, good GIF"
    assert os.listdir(tmp_path) == ["run.gif"]


def test_a_finished_gif_replaces_the_earlier_one_and_is_readable_by_others(tmp_path):
    path = tmp_path / "run.gif"
    path.write_bytes(b"old")
    old_umask = os.umask(0o022)
    try:
        make_gif(SMALL, path)
    finally:
        os.umask(old_umask)
    assert len(decode_gif(path).frames) == 7
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "run.json").stat().st_mode) == 0o644
    assert sorted(os.listdir(tmp_path)) == ["run.gif", "run.json"]


def test_the_writer_creates_missing_folders(tmp_path):
    path = tmp_path / "new" / "deeper" / "run.gif"
    with GifWriter(path, frame_ms=50, last_frame_ms=50) as writer:
        for value in (0, 128, 255):
            writer.grab_frame(np.full((8, 10, 3), value, np.uint8))
        writer.finish()
    gif = decode_gif(path)
    assert gif.sizes == {(10, 8)} and gif.durations == [50, 50, 50]


def test_make_gif_reports_every_epoch_and_every_frame(tmp_path):
    epochs, frames = [], []
    make_gif(SMALL, tmp_path / "run.gif", on_epoch=lambda e, err: epochs.append(e), on_snapshot=frames.append)
    assert epochs == list(range(25))
    assert [s.epoch for s in frames] == SMALL.frame_epochs()

