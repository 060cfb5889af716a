"""Turn the snapshots of a training run into the frames of an animated GIF.

One matplotlib figure (Agg, no screen needed) is built once; each frame only updates its artists
(the fit line, the in-epoch markers, the title), draws the canvas and copies its pixel buffer.
The frames are written with imageio, which uses Pillow, to a temporary file beside the target that
replaces the target only when the GIF is complete: an earlier GIF is never left half-written.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import imageio.v3 as iio
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import data
from .settings import Settings
from .train import Snapshot, Training

#: Frame size in pixels is FIGSIZE * DPI.
FIGSIZE = (6.4, 4.8)
DPI = 100
#: The y range shown; fixed for the whole animation so that nothing jumps.
Y_LIMITS = (-1.6, 1.6)


class FitFigure:
    """The figure of one frame: target, samples, the current fit and the in-epoch outputs."""

    def __init__(self, settings: Settings, x, t):
        self.settings = settings
        self.grid = data.grid()
        self.figure = Figure(figsize=FIGSIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        ax = self.ax = self.figure.add_subplot()
        ax.plot(self.grid, data.sine_target(self.grid), "--", color="0.45", lw=1.5, label="target: sin")
        ax.plot(x, t, "o", color="0.3", ms=3, label="training samples")
        (self.fit_line,) = ax.plot([], [], "-", color="tab:red", lw=2.5, label="network's fit")
        (self.output_marks,) = ax.plot(
            [], [], "+", color="tab:blue", ms=7, mew=1.2, label="outputs during the epoch"
        )
        self.x = x
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(*Y_LIMITS)
        ax.set_xlabel("input x (the angle 0 … 2π rescaled to -1 … 1)")
        ax.set_ylabel("output y")
        ax.grid(True, color="0.9")
        ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
        self.title = ax.set_title("n_mid  eta  epoch  error", fontsize=11)
        self.figure.tight_layout()  # with a title in place, so that it gets room

    def draw(self, snapshot: Snapshot) -> np.ndarray:
        """Update the artists for this snapshot and return the frame as an (H, W, 3) uint8 array."""
        s = self.settings
        self.fit_line.set_data(self.grid, snapshot.fit)
        self.output_marks.set_data(self.x, snapshot.outputs)
        self.title.set_text(
            f"n_mid={s.n_mid}   eta={s.eta:g}   epoch {snapshot.epoch} / {s.epoch}"
            f"   error {snapshot.error:.2e}"
        )
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()


class GifWriter:
    """Collects frames and writes them as a looping GIF that replaces `path` only when complete.

    Use as setup -> grab_frame for each frame -> finish; `abort` (or leaving the `with` block
    by an exception) removes the temporary file and leaves any earlier file at `path` untouched.
    """

    def __init__(self, path, frame_ms: int, last_frame_ms: int):
        self.path = Path(path)
        self.frame_ms, self.last_frame_ms = frame_ms, last_frame_ms
        self.frames: list[np.ndarray] = []
        self.tmp_path: Optional[Path] = None

    def setup(self):
        """Create the output folder and reserve a temporary file beside the target."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".gif.tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp_path = Path(name)
        os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; a GIF is for sharing

    def grab_frame(self, frame: np.ndarray):
        """Add one (H, W, 3) uint8 frame."""
        self.frames.append(frame)

    def finish(self) -> Path:
        """Encode the frames, then move the complete GIF into place."""
        durations = [self.frame_ms] * len(self.frames)
        durations[-1] = max(self.frame_ms, self.last_frame_ms)
        iio.imwrite(self.tmp_path, self.frames, extension=".gif", duration=durations, loop=0)
        os.replace(self.tmp_path, self.path)
        self.tmp_path = None
        return self.path

    def abort(self):
        """Remove the temporary file, if any."""
        if self.tmp_path is not None:
            self.tmp_path.unlink(missing_ok=True)
            self.tmp_path = None

    def __enter__(self):
        self.setup()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.abort()  # after finish() there is nothing left to remove
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@dataclass
class RunResult:
    """What a finished run produced."""

    path: Path
    frames: int
    errors: list  # the error of every epoch
    training: Training

    @property
    def final_error(self) -> float:
        return self.errors[-1]


def make_gif(
    settings: Settings,
    path,
    on_epoch: Optional[Callable[[int, float], None]] = None,
    on_snapshot: Optional[Callable[[Snapshot], None]] = None,
) -> RunResult:
    """Train with these settings and write the animation of the fit to `path`.

    `on_epoch(epoch, error)` is called after every epoch and `on_snapshot(snapshot)` after every
    frame, if given (for progress reports).
    """
    training = Training(settings)
    figure = FitFigure(settings, training.x, training.t)
    last_ms = round(1000 * settings.hold)
    with GifWriter(path, settings.frame_duration_ms(), last_ms) as writer:
        for snapshot in training.snapshots(on_epoch):
            writer.grab_frame(figure.draw(snapshot))
            if on_snapshot is not None:
                on_snapshot(snapshot)
        written = writer.finish()
    return RunResult(written, len(writer.frames), training.errors, training)
