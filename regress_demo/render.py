"""Turn the snapshots of a training run into the frames of an animated GIF.

One matplotlib figure (Agg, no screen needed) is built once; each frame only updates its artists
(the fit line, the in-epoch markers, the title), draws the canvas and copies its pixel buffer.
The frames are written with imageio, which uses Pillow, to a temporary file beside the target that
replaces the target only when the GIF is complete: an earlier GIF is never left half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import imageio.v3 as iio
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import data
from .outputs import AtomicFile
from .settings import Settings
from .train import Snapshot

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
        self.warning = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize=14,
            color="darkred", bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred"),
        )
        self.figure.tight_layout()  # with a title in place, so that it gets room

    def draw(self, snapshot: Snapshot) -> np.ndarray:
        """Update the artists for this snapshot and return the frame as an (H, W, 3) uint8 array."""
        s = self.settings
        self.fit_line.set_data(self.grid, _finite_or_nan(snapshot.fit))
        self.output_marks.set_data(self.x, _finite_or_nan(snapshot.outputs))
        self.warning.set_text(f"diverged at epoch {snapshot.epoch} — try a smaller eta" if snapshot.diverged else "")
        self.warning.set_visible(snapshot.diverged)
        self.title.set_text(
            f"n_mid={s.n_mid}   eta={s.eta:g}   epoch {snapshot.epoch} / {s.epoch}"
            f"   error {snapshot.error:.2e}"
        )
        self.canvas.draw()
        return np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()


def _finite_or_nan(values):
    """Values a diverged network produced, with inf and overflow as gaps (NaN) instead of lines."""
    return np.where(np.isfinite(values) & (np.abs(values) < 1e6), values, np.nan)


class GifWriter:
    """Collects frames and writes them as a looping GIF that replaces `path` only when complete.

    setup (reserve a temporary file beside `path`) -> grab_frame for each frame -> finish.
    Leaving the `with` block without finish() removes the temporary file: any earlier file at `path`
    stays as it was.
    """

    def __init__(self, path, frame_ms: int, last_frame_ms: int):
        self.path = Path(path)
        self.frame_ms, self.last_frame_ms = frame_ms, last_frame_ms
        self.frames: list[np.ndarray] = []
        self.file: Optional[AtomicFile] = None

    def setup(self):
        """Create missing folders and the temporary file, so that an unwritable place fails now."""
        self.file = AtomicFile(self.path)

    def grab_frame(self, frame: np.ndarray):
        """Add one (H, W, 3) uint8 frame."""
        self.frames.append(frame)

    def finish(self) -> Path:
        """Encode the frames into the temporary file, then move the complete GIF into place."""
        durations = [self.frame_ms] * len(self.frames)
        durations[-1] = max(self.frame_ms, self.last_frame_ms)
        if len(durations) == 1:
            durations = durations[0]  # Pillow takes a list only for several frames
        iio.imwrite(self.file.tmp_path, self.frames, extension=".gif", duration=durations, loop=0)
        return self.file.commit()

    def __enter__(self):
        self.setup()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.file.discard()  # after finish() there is nothing left to remove
        return False
