"""A whole run: train, draw a frame at each recorded epoch, write the GIF and the run record.

A run that diverges or is interrupted (Ctrl-C) still ends with a valid GIF of the frames so far,
and its record says how it ended.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from .outputs import versions, write_json
from .render import FitFigure, GifWriter
from .settings import Settings, output_path
from .train import Snapshot, Training


@dataclass
class RunResult:
    """What a run produced, and how it ended."""

    status: str  # "finished", "diverged" or "interrupted"
    path: Optional[Path]  # the GIF; None if the run was interrupted before its first frame
    record_path: Optional[Path]  # the run record (JSON) beside the GIF
    frames: int
    training: Training

    @property
    def errors(self) -> list:
        """The error of every epoch trained."""
        return self.training.errors

    @property
    def final_error(self) -> float:
        return self.training.errors[-1] if self.training.errors else float("nan")

    @property
    def epochs_trained(self) -> int:
        return len(self.training.errors)


def make_gif(
    settings: Settings,
    path,
    on_epoch: Optional[Callable[[int, float], None]] = None,
    on_snapshot: Optional[Callable[[Snapshot], None]] = None,
) -> RunResult:
    """Train with these settings, write the animation of the fit to `path` and the run record beside it.

    `path` is a .gif file, or a folder for a file named after the settings (as --out on the command line);
    anything else raises SettingError, a ValueError.

    If training diverges, the GIF ends at that epoch with a frame that says so (status "diverged").
    If Ctrl-C interrupts training or drawing, the GIF holds the frames so far (status "interrupted");
    a Ctrl-C while the GIF is being written stops that too, and nothing is written.
    `on_epoch(epoch, error)` is called after every epoch and `on_snapshot(snapshot)` after every
    frame, if given (for progress reports).
    """
    path = output_path(path, settings)
    training = Training(settings)
    figure = FitFigure(settings, training.x, training.t)
    status = "finished"
    with GifWriter(path, settings.frame_duration_ms(), round(1000 * settings.hold)) as writer:
        try:
            for snapshot in training.snapshots(on_epoch):
                writer.grab_frame(figure.draw(snapshot))
                if on_snapshot is not None:
                    on_snapshot(snapshot)
        except KeyboardInterrupt:
            status = "interrupted"
        if training.diverged_at is not None:
            status = "diverged"
        if not writer.frames:
            return RunResult(status, None, None, 0, training)
        written = writer.finish()
    record_path = write_json(path.with_suffix(".json"), run_record(settings, training, status, len(writer.frames), path))
    return RunResult(status, written, record_path, len(writer.frames), training)


def run_record(settings: Settings, training: Training, status: str, frames: int, path: Path) -> dict:
    """Everything needed to understand and repeat a run, for the JSON beside its GIF."""
    errors = training.errors
    return {
        "gif": path.name,
        "status": status,
        "settings": dataclasses.asdict(settings),
        "frame_interval": settings.frame_interval,
        "epochs_trained": len(errors),
        "diverged_at": training.diverged_at,
        "frames": frames,
        "final_error": errors[-1] if errors else None,
        "errors": errors,
        "versions": versions(),
    }
