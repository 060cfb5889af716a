"""A whole run: train, draw a frame at each recorded epoch, write the GIF and what goes beside it.

First the network is trained and a snapshot kept at each recorded epoch (small: the weights and
the in-epoch outputs); then the frames are drawn, with axes fixed for the whole animation because the
whole error history is known by then. Beside the GIF go a contact sheet (PNG), the final weights
(NPZ) and the run record (JSON: records.py), and, when asked, the files for print (--still, --sheet print:
stills.py, sheet.py); then the folder's gallery, index.html, is regenerated.

A run that diverges or is interrupted (Ctrl-C) still ends with a valid GIF of the frames so far,
and its record says how it ended.
"""

from __future__ import annotations

import math
import time
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Union

from ..files import gallery
from ..files.gif import GifWriter
from ..files.parallel import Film, draw_frames
from ..files.paths import output_path, primary_video
from ..files.records import final_weights, run_record
from ..files.staged import (
    naming,
    remove_stale_temporaries,
    signals_held,
    staged_json,
    staged_npz,
    staged_png,
)
from ..files.stills import (
    contact_sheet,
    fit_path,
    frame_epoch,
    sheet_picks,
    staged_prints,
    still_only,
)
from ..files.video import VideoWriter
from ..film import stopping
from ..inputs.settings import Settings
from ..network.train import Snapshot, TrainingGroup
from ..speed.engines import LAYER_CLASSES, OneByOne, trainer
from ..speed.lockstep import Lockstep
from . import background
from .background import BackgroundTraining


@dataclass
class RunResult:
    """What a run produced, and how it ended."""

    status: str  # "finished", "diverged" (any configuration), "interrupted" or "reached" (every one: --stop-at)
    path: Optional[Path]  # the GIF; None if the run was interrupted before its first frame
    record_path: Optional[Path]  # the run record (JSON) beside the GIF
    frames: int
    training: Union[
        Lockstep, OneByOne, TrainingGroup
    ]  # the layer classes, or a checked loop (see trainer)
    engine: str = (
        LAYER_CLASSES  # what trained it, as the progress output, the record and the gallery say
    )
    last_frame: Optional[List[Snapshot]] = (
        None  # what the GIF's last frame shows, one per configuration
    )
    interrupted_while: Optional[str] = None  # "training" or "drawing", if the run was interrupted
    seconds: Dict[str, float] = field(
        default_factory=dict
    )  # time per phase: train, draw, encode, write
    video_paths: List[Path] = field(
        default_factory=list
    )  # the videos beside the GIF, if any were asked for
    settings: Optional[Settings] = None  # the settings of the run
    print_paths: List[Path] = field(
        default_factory=list
    )  # the stills (--still) and the sheet's PDF (--sheet print)

    def __repr__(self) -> str:
        """Short, for a terminal: ``RunResult(finished, outputs/x.gif, 101 frames, final error 8.42e-06,
        layer classes of layers.py)``."""
        from .notebook import short_repr

        return short_repr(self)

    def _repr_html_(self) -> str:
        """In Jupyter (or anything that honours IPython's display protocol): the film itself, embedded,
        with a caption (see notebook.result_html)."""
        from .notebook import result_html

        return result_html(self)

    @property
    def histories(self) -> List[List[float]]:
        """The error of every epoch trained, one list per configuration (in the data's units for your own data)."""
        if self.settings is not None and self.settings.data is not None:
            return _in_data_units(self.settings, self.training.errors)
        return self.training.errors

    @property
    def heldout_histories(self) -> List[List[float]]:
        """The held-out error at the end of every epoch trained, one list per configuration (empty
        lists when nothing is held out)."""
        if self.settings is not None and self.settings.data is not None:
            return _in_data_units(self.settings, self.training.heldout_errors)
        return self.training.heldout_errors

    @property
    def errors(self) -> List[float]:
        """The error of every epoch trained (of the first configuration, for a grid)."""
        return self.histories[0]

    @property
    def final_errors(self) -> List[float]:
        return [history[-1] if history else float("nan") for history in self.histories]

    @property
    def final_error(self) -> float:
        return self.final_errors[0]

    @property
    def diverged_at(self) -> List[Optional[int]]:
        """Per configuration, the epoch at which it diverged, or None."""
        return list(self.training.diverged_at)

    @property
    def reached_at(self) -> List[Optional[int]]:
        """Per configuration, the epoch whose error reached --stop-at, or None."""
        return list(getattr(self.training, "reached_at", [None] * len(self.histories)))

    @property
    def epochs_trained(self) -> int:
        return max(len(history) for history in self.histories)

    @property
    def sheet_path(self) -> Optional[Path]:
        return None if self.path is None else self.path.with_suffix(".png")

    @property
    def weights_path(self) -> Optional[Path]:
        return None if self.path is None else self.path.with_suffix(".npz")


def _in_data_units(settings: Settings, histories):
    """Error histories in the data's units (ownunits.py)."""
    from ..film.units import errors_in_units

    return [errors_in_units(settings, history) for history in histories]


def _snapshots_in_units(settings: Settings, snapshots):
    """One recorded epoch's snapshots in the data's units (ownunits.py)."""
    from ..film.units import in_data_units

    return in_data_units(settings, snapshots)


class Stopwatch:
    """Seconds spent in each phase of a run, added up over its pieces."""

    def __init__(self):
        self.seconds: Dict[str, float] = {"train": 0.0, "draw": 0.0, "encode": 0.0, "write": 0.0}

    @contextmanager
    def phase(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - start


def make_gif(
    settings: Settings,
    path=None,
    on_epoch: Optional[Callable[[int, float], None]] = None,
    on_snapshot: Optional[Callable[[List[Snapshot]], None]] = None,
    on_frame: Optional[Callable[[int, int], None]] = None,
    on_start: Optional[Callable[[str, Optional[str]], None]] = None,
) -> RunResult:
    """Train with these settings, write the animation to `path`, and the files that go beside it.

    `path` is a .gif file, or a folder for a file named after the settings (as --out on the command
    line; default outputs/); anything else raises SettingError, a ValueError.
    If training diverges, the GIF ends at that epoch with a frame that says so (status "diverged";
    in a grid, a configuration that diverges stops and its panel says so).
    If Ctrl-C interrupts training or drawing, the GIF holds the frames so far (status "interrupted");
    a Ctrl-C while the files are being written stops that too, and the GIF is not written.
    Progress callbacks, if given: `on_epoch(epoch, error)` after every epoch (the best error, for a
    grid), `on_snapshot(snapshots)` at each recorded epoch (one snapshot per configuration),
    `on_frame(done, total)` after each frame drawn, and `on_start(engine, note)` before training: what
    trains the run (see trainer) and the note that says why, if it is not the one asked for.
    """
    path, settings = primary_video(
        path, settings
    )  # a path NAME.mp4 asks for that video, beside NAME.gif
    path = output_path(path, settings)
    training, engine, note = trainer(settings)
    if on_start is not None:
        on_start(engine, note)
    elif note:
        warnings.warn(
            note, stacklevel=2
        )  # (from Python: the record and the result name the engine too)
    report_epoch = None
    if on_epoch is not None:
        report_epoch = lambda epoch, errors: on_epoch(epoch, min(errors))  # noqa: E731
        if settings.data is not None:  # your own data: the error in their units
            from ..film.units import errors_in_units

            report_epoch = lambda epoch, errors: on_epoch(
                epoch, min(errors_in_units(settings, errors))
            )  # noqa: E731
    if background.available():
        training = BackgroundTraining(
            training
        )  # it trains from now on, while the drawing code loads
    try:
        return _train_and_draw(
            settings, path, training, engine, report_epoch, on_snapshot, on_frame
        )
    finally:
        if isinstance(training, BackgroundTraining):
            training.close()


def _train_and_draw(
    settings, path, training, engine, report_epoch, on_snapshot, on_frame
) -> RunResult:
    """make_gif's work once it knows what trains the run."""
    status = "finished"
    frames: List[List[Snapshot]] = []
    extra: Dict[
        int, List[Snapshot]
    ] = {}  # the snapshots of --still epochs that are not frames of the film
    extra_epochs = (
        set(settings.recorded_epochs()) - set(settings.frame_epochs()) if settings.still else set()
    )
    clock = Stopwatch()
    with (
        GifWriter(path, settings.frame_duration_ms(), round(1000 * settings.hold)) as writer,
        ExitStack() as stack,
    ):
        videos = [
            stack.enter_context(
                VideoWriter(path.with_suffix(f".{kind}"), kind, settings.fps, settings.hold)
            )
            for kind in settings.video
        ]  # (opened now: an unwritable place fails before training)
        try:
            with clock.phase("train"):
                # matplotlib loads while the other process trains; Ctrl-C waits till it has loaded
                with signals_held():
                    from ..film.frames import inks, make_figure

                for snapshots in training.snapshots(report_epoch):
                    if settings.data is not None:  # your own data: shown in their units
                        snapshots = _snapshots_in_units(settings, snapshots)
                    if extra_epochs and still_only(extra_epochs, snapshots):
                        extra[frame_epoch(snapshots)] = snapshots
                        continue
                    frames.append(snapshots)
                    if on_snapshot is not None:
                        on_snapshot(frames[-1])
        except KeyboardInterrupt:
            status = "interrupted"
        if isinstance(training, BackgroundTraining) and training.trained is not None:
            training = training.trained  # the trainer itself, trained in the other process
        if status == "finished":
            try:
                frames = every_epoch_if_diverged_early(settings, training, frames)
                if settings.data is not None:
                    frames = [_snapshots_in_units(settings, snapshots) for snapshots in frames]
            except KeyboardInterrupt:
                status = "interrupted"
        result = RunResult(
            status, None, None, 0, training, engine, seconds=clock.seconds, settings=settings
        )
        if status == "interrupted":
            result.interrupted_while = "training"
        if status == "finished" and any(epoch is not None for epoch in result.diverged_at):
            result.status = "diverged"
        result.status = stopping.run_status(
            result.status, result.reached_at
        )  # --stop-at: "reached"
        if not frames:  # (also when Ctrl-C came while the drawing code loaded)
            return result
        film = Film()  # the frames of the contact sheet, the last frame in the GIF
        picks = set(sheet_picks(fit_path(frames))) if frames else set()
        try:
            with clock.phase("draw"):
                figure = make_figure(
                    settings, training.dataset, result.histories, frames, result.heldout_histories
                )
                samples = [figure.draw(frames[0]), figure.draw(frames[-1])] if frames else []
                figure.reset()
            with clock.phase("encode"):
                if samples:  # one palette for the whole GIF, from the first and the last frame
                    writer.set_palette(samples, inks(settings))
            draw_frames(figure, writer, frames, picks, film, clock, on_frame, videos)
        except KeyboardInterrupt:
            result.status = "interrupted"
            result.interrupted_while = result.interrupted_while or "drawing"
            if film.last is not None and (writer.count - 1) not in picks:
                film.sheet.append(film.last)  # the last frame in the GIF closes the sheet
        drawn = frames[: writer.count]
        if not writer.count:
            # Ctrl-C before the first frame was in the GIF: keep the training, in a GIF of one
            # frame, its last recorded epoch (a fraction of a second, finished even if Ctrl-C comes again).
            try:
                with signals_held(deliver=False), clock.phase("draw"):
                    figure = make_figure(
                        settings,
                        training.dataset,
                        result.histories,
                        frames,
                        result.heldout_histories,
                    )
                    image = figure.draw(frames[-1])
                    writer.set_palette([image], inks(settings))
                    writer.grab_frame(image)
                    for video in videos:
                        video.grab_frame(image)
                drawn, film.sheet = [frames[-1]], [image]
            except KeyboardInterrupt:  # (only a drawing that stops itself: signals are held)
                pass
        if not writer.count:
            return result
        prints = []
        if settings.still or settings.sheet == "print":
            try:
                with clock.phase("draw"):
                    prints = staged_prints(
                        settings,
                        training.dataset,
                        result.histories,
                        result.heldout_histories,
                        frames,
                        drawn,
                        extra,
                        path,
                    )
            except (
                KeyboardInterrupt
            ):  # the GIF and the rest are written, without the files for print
                result.status = "interrupted"
                result.interrupted_while = result.interrupted_while or "drawing"
        # The last fraction of a second: finish every file even if Ctrl-C comes now.
        with signals_held(deliver=False):
            try:
                write_files(
                    settings, result, path, writer, drawn, film.sheet, clock, videos, prints
                )
            except KeyboardInterrupt:
                raise WritingInterrupted from None
    return result


class WritingInterrupted(KeyboardInterrupt):
    """Ctrl-C while a run's files were being written: none of them was written."""


def write_files(
    settings: Settings,
    result: RunResult,
    path: Path,
    writer: GifWriter,
    drawn,
    sheet,
    clock,
    videos=(),
    prints=(),
):
    """Write the run's files: its GIF, videos, contact sheet, weights and record, all or none, then
    the gallery. `prints`: the files for print, staged already (stills.staged_prints); a NAME.png
    among them is the contact sheet.

    Every file is finished in a temporary file first (the record last: it lists the others with
    their sizes); then they are moved into place, the GIF first. If any of them cannot be written,
    none is moved into place (any earlier files of the same names stay as they were) and the OSError
    names the file that failed. Stale temporary files of killed runs in the folder are removed first.
    """
    remove_stale_temporaries(path.parent)
    result.frames, result.last_frame = writer.count, drawn[-1]
    if result.status == "finished" and not all(math.isfinite(s.error) for s in drawn[-1]):
        result.status = (
            "diverged"  # an error that overflowed is divergence, whatever the threshold said
        )
    result.path = path
    staged = [writer, *prints]
    try:
        with clock.phase("encode"), naming(path):
            writer.close()
        with clock.phase("encode"):
            for video in videos:
                video.close()
                staged.append(video)
        with clock.phase("write"):
            if not any(file.path == result.sheet_path for file in prints):
                staged.append(staged_png(result.sheet_path, contact_sheet(sheet)))
            result.print_paths = [file.path for file in prints if file.path != result.sheet_path]
            staged.append(staged_npz(result.weights_path, final_weights(drawn[-1], settings)))
            result.video_paths = [video.path for video in videos]
            # (the GIF's and the videos' temporary files are their .file's; the others are one)
            sizes = {
                file.path.name: getattr(file, "file", file).tmp_path.stat().st_size
                for file in staged
            }
            staged.append(
                staged_json(path.with_suffix(".json"), run_record(settings, result, drawn, sizes))
            )
            for file in staged:
                with naming(file.path):
                    file.commit()
    except BaseException:
        result.path, result.video_paths, result.print_paths = None, [], []
        for file in staged[1:]:
            file.discard()
        raise
    result.record_path = path.with_suffix(".json")
    with clock.phase("write"), naming(path.parent / gallery.INDEX_NAME):
        gallery.write_index(path.parent)


#: A run that stops (every configuration diverged) within this many epochs gets a frame for every epoch.
EARLY_DIVERGENCE = 100


def every_epoch_if_diverged_early(
    settings: Settings, training, frames: List[List[Snapshot]]
) -> List[List[Snapshot]]:
    """The frames of a run, or, if every configuration diverged within EARLY_DIVERGENCE epochs, one
    frame for every epoch up to the last divergence, so that the film shows how it blew up (a run
    that diverges at epoch 9 would otherwise have two frames, 0 and 9). Those epochs are trained
    again, by the same kind of training from the same seed: the same path, epoch by epoch, with a
    snapshot at each. Runs that do not diverge, or diverge later, keep their frames."""
    stopped = training.diverged_at
    if not frames or any(epoch is None for epoch in stopped):
        return frames
    last = max(stopped)
    if last >= EARLY_DIVERGENCE or len(frames) > last:  # late, or every epoch is a frame already
        return frames
    again = type(training)(
        settings.replace(
            epoch=last + 1, interval=1, frames=None, schedule="linear", still=(), dpi=Settings.dpi
        )
    )  # (every epoch is a frame: no still of its own)
    every_epoch = list(again.snapshots())
    if len(every_epoch) != last + 1 or list(again.diverged_at) != list(stopped):
        return frames  # (never seen: the same seed trains the same path)
    return every_epoch
