"""A whole run: train, draw a frame at each recorded epoch, write the GIF and what goes beside it.

First the network is trained and a snapshot kept at each recorded epoch (small: the weights and
the in-epoch outputs); then the frames are drawn, with axes fixed for the whole animation because
the whole error history is known by then. Beside the GIF go a contact sheet (PNG), the final weights
(NPZ) and the run record (JSON: records.py), and, when asked, the files for print (--still, --sheet
print: stills.py, sheet.py); then the folder's gallery, index.html, is regenerated.

A run that diverges or is interrupted (Ctrl-C) still ends with a valid GIF of the frames so far,
and its record says how it ended; an interrupted one writes no files for print, and none at all if
an earlier run of its name ran to its end (its files are kept).
"""

from __future__ import annotations

import math
import time
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import numpy as np

from ..files import gallery
from ..files.paths import (
    earlier_files,
    file_entry,
    finished_earlier,
    output_path,
    primary_video,
    read_record,
    refuse_foreign,
)
from ..files.records import final_weights, run_record
from ..files.staged import commit_all, naming, signals_held
from ..files.stills import (
    FilmSheet,
    draw_prints,
    fit_path,
    frame_epoch,
    sheet_picks,
    still_only,
)
from ..files.writers import WRITERS, Writer, remove_stale
from ..film import stopping
from ..inputs.settings import Settings
from ..network import edits
from ..network.gradcheck import Untrainable, check_settings
from ..network.train import Snapshot
from ..speed.engines import every_epoch_if_diverged_early, trainer
from .result import RunResult


def _snapshots_in_units(settings: Settings, snapshots):
    """One recorded epoch's snapshots in the data's units (film/units.py)."""
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
    on_warning: Optional[Callable[[str], None]] = None,
    trained_by: Optional[str] = None,
) -> RunResult:
    """Train with these settings, write the animation to `path`, and the files that go beside it.

    `path` is a .gif file, or a folder for a file named after the settings (as --out on the command
    line; default outputs/); anything else raises SettingError, a ValueError.
    If training diverges, the GIF ends at that epoch with a frame that says so (status "diverged";
    in a grid, a configuration that diverges stops and its panel says so).
    If Ctrl-C interrupts training or drawing, the GIF holds the frames so far (status "interrupted";
    no files for print), unless an earlier run of this name ran to its end: then nothing is written,
    its files are kept (`result.kept`, its GIF; `result.path` None). A Ctrl-C while the files are
    being written stops that too, and the GIF is not written. If only the gallery (index.html)
    cannot be written, GalleryWriteError (an OSError) holds the result. Progress callbacks, if
    given: `on_epoch(epoch, error)` after every epoch (the best error, for a grid),
    `on_snapshot(snapshots)` at each recorded epoch (one snapshot per configuration),
    `on_frame(done, total)` after each frame drawn, and `on_start(engine, note)` before training:
    what trains the run (see trainer) and the note that says why, if it is not the one asked for.
    Before training, the layer classes' gradients are checked against finite differences
    (network/gradcheck.py): if they are wrong, `on_warning(line)` says where (a warning if not
    given), and the run goes on; its header, record and gallery card say the check failed. If they
    cannot train at all (a forward that returns None), gradcheck.Untrainable (a ValueError) says
    so in one line, before anything is written. `trained_by` ("auto", "fast", "layers"), if given,
    chooses what trains the run in place of the settings' engine, which stays as it was: the file
    name and what the run says of its settings are those of the settings given (the explorer
    trains with "fast" this way).
    """
    asked = path
    path, settings = primary_video(path, settings)  # NAME.mp4 asks for that video, beside NAME.gif
    path = output_path(path, settings, asked)
    training, engine, failure = _start(settings, trained_by, on_start, on_warning)
    report_epoch = None if on_epoch is None else _best_error_reporter(settings, on_epoch)
    writers = {writer.kind: writer.for_run(path, settings) for writer in WRITERS.for_run(settings)}
    with ExitStack() as stack:  # (leaving it removes whatever was not moved into place)
        for writer in writers.values():  # (a GIF, a video: opened now, so a bad place fails now)
            stack.enter_context(writer)
        work = _Work(settings, path, training, engine)
        work.result.gradient_failure = None if failure is None else failure.line()
        work.result.layers_edited = edits.edited()
        result = _train_and_draw(work, writers, report_epoch, on_snapshot, on_frame)
        result.record_path = None if result.path is None else path.with_suffix(".json")
    if result.path is not None:
        _write_gallery(result)
    return result


def _start(settings: Settings, trained_by, on_start, on_warning):
    """Before a run: its gradient check and what trains it, said by on_start and on_warning (as
    warnings at make_gif's caller if not given). Returns (training, engine, the check's failure or
    None); gradcheck.Untrainable if the layer classes cannot train at all."""
    failure = check_settings(settings)  # backward and update against finite differences
    if failure is not None and not failure.trainable:  # nothing to train: no run
        raise Untrainable(failure.line())
    chooser = settings if trained_by is None else settings.replace(engine=trained_by)
    training, engine, note = trainer(chooser)
    changed = edits.changed_since_import()  # an edit since the import: not the code that runs
    note = "\n".join(line for line in (note, changed) if line) or None
    if on_start is not None:
        on_start(engine, note)
    elif note:
        # (from Python: the record and the result name the engine too)
        warnings.warn(note, stacklevel=3)
    if failure is not None:  # a wrong gradient is a lesson too: the run goes on
        (on_warning or (lambda line: warnings.warn(line, stacklevel=4)))(failure.line())
    return training, engine, failure


def _best_error_reporter(settings: Settings, on_epoch):
    """on_epoch(epoch, the best error of the epoch), for a trainer's on_epoch(epoch, errors); for
    your own data, the error in their units."""
    if settings.data is None:
        return lambda epoch, errors: on_epoch(epoch, min(errors))
    from ..film.units import errors_in_units

    return lambda epoch, errors: on_epoch(epoch, min(errors_in_units(settings, errors)))


@dataclass
class Film:
    """What the frames drawn so far leave for the files beside the GIF (kept after a Ctrl-C)."""

    sheet: List[np.ndarray] = field(default_factory=list)  # the contact sheet's frames, in order
    last: Optional[np.ndarray] = None  # the last frame in the GIF
    last_picked: bool = False  # whether that frame is on the sheet already

    def sheet_frames(self) -> List[np.ndarray]:
        """The contact sheet: its picks, closed by the last frame in the GIF (after a Ctrl-C)."""
        if self.last is not None and not self.last_picked:
            return [*self.sheet, self.last]
        return self.sheet


class _Work:
    """A run under way: what each phase (train, draw, write) leaves for the next."""

    def __init__(self, settings: Settings, path: Path, training, engine: str):
        self.settings, self.path = settings, path
        self.clock = Stopwatch()
        self.result = RunResult("finished", None, None, 0, training, engine, settings=settings)
        self.result.seconds = self.clock.seconds
        self.frames: List[List[Snapshot]] = []  # the film's, one per frame
        self.extra: Dict[int, List[Snapshot]] = {}  # the snapshots of --still epochs off the film
        self.film = Film()
        self.drawn: List[List[Snapshot]] = []  # the frames in the GIF

    @property
    def training(self):
        return self.result.training


def _train_and_draw(work: _Work, writers, report_epoch, on_snapshot, on_frame) -> RunResult:
    """make_gif's work once it knows what trains the run and has its writers (by kind, begun):
    train, draw, write.

    Ctrl-C (or SIGTERM) is handled here, in one place: a phase it stops keeps what it has done, and
    the run goes on to the next with that (the frames so far; the GIF without the files for print).
    While the files are written it is held (WritingInterrupted if it stops them all the same)."""
    settings, result = work.settings, work.result
    films = [writers["gif"], *(writers[kind] for kind in settings.video)]
    phases = (
        ("training", lambda: _train(work, report_epoch, on_snapshot)),
        ("drawing", lambda: _draw(work, films, on_frame)),
        ("drawing", lambda: _draw_one_if_none(work, films)),
        ("drawing", lambda: _draw_prints(work, writers)),
    )
    for moment, phase in phases:
        try:
            phase()
        except KeyboardInterrupt:
            result.interrupted_while = result.interrupted_while or moment
    result.status = _status(result)
    count = writers["gif"].count
    if not count:  # (Ctrl-C before the first frame, or while the drawing code loaded)
        return result
    work.drawn = work.drawn or work.frames[:count]
    if result.status == "interrupted" and finished_earlier(work.path):
        # an unfinished film never replaces a finished one: its files stay, nothing is written
        result.kept, result.frames, result.last_frame = work.path, count, work.drawn[-1]
        return result
    # The last fraction of a second: finish every file even if Ctrl-C comes now.
    with signals_held(deliver=False):
        try:
            write_files(work, writers)
        except KeyboardInterrupt:
            raise WritingInterrupted from None
    return result


def _status(result: RunResult) -> str:
    """How the run ended: "interrupted", "diverged" (any configuration), "reached" (every one:
    --stop-at) or "finished"."""
    if result.interrupted_while is not None:
        return "interrupted"
    status = "diverged" if any(epoch is not None for epoch in result.diverged_at) else "finished"
    return stopping.run_status(status, result.reached_at)


def _train(work: _Work, report_epoch, on_snapshot):
    """Train, keeping the snapshots of each recorded epoch: the film's frames, and apart from them
    those of epochs for print (--still, --handout, --sheet-epochs) that are not frames. A run that
    diverged early gets every epoch."""
    settings = work.settings
    extra_epochs = set(settings.recorded_epochs()) - set(settings.frame_epochs())
    with work.clock.phase("train"):
        for snapshots in work.training.snapshots(report_epoch):
            if settings.data is not None:  # your own data: shown in their units
                snapshots = _snapshots_in_units(settings, snapshots)
            if extra_epochs and still_only(extra_epochs, snapshots):
                work.extra[frame_epoch(snapshots)] = snapshots
                continue
            work.frames.append(snapshots)
            if on_snapshot is not None:
                on_snapshot(snapshots)
    frames = every_epoch_if_diverged_early(settings, work.training, work.frames)
    if settings.data is not None:
        frames = [_snapshots_in_units(settings, snapshots) for snapshots in frames]
    work.frames[:] = frames


def _figure(work: _Work):
    """The film's figure (matplotlib), made for all its frames: axes fixed for the whole film."""
    with signals_held():  # (matplotlib loads here, after training: Ctrl-C waits till it has)
        from ..film.frames import make_figure

    result = work.result
    return make_figure(
        work.settings,
        work.training.dataset,
        result.histories,
        work.frames,
        result.heldout_histories,
    )


def _draw(work: _Work, films: List[Writer], on_frame):
    """Draw every frame and add it to the films (the GIF, the videos); keep the contact sheet's."""
    with signals_held():  # (matplotlib loads here, after training: Ctrl-C waits till it has)
        from ..film.frames import inks

    frames, film, clock, gif = work.frames, work.film, work.clock, films[0]
    if not frames:
        return
    picks = set(sheet_picks(fit_path(frames)))
    with clock.phase("draw"):
        figure = _figure(work)
        samples = [figure.draw(frames[0]), figure.draw(frames[-1])]
        figure.reset()
    with clock.phase("encode"):  # one palette for the whole GIF, from the first and the last frame
        gif.set_palette(samples, inks(work.settings))
    for k, snapshots in enumerate(frames):
        with clock.phase("draw"):
            image = figure.draw(snapshots)
        with clock.phase("encode"), signals_held():  # in every file, or in none
            for writer in films:
                writer.add(image)
        film.last, film.last_picked = image, k in picks
        if film.last_picked:
            film.sheet.append(image)
        if on_frame is not None:
            on_frame(gif.count, len(frames))


def _draw_one_if_none(work: _Work, films: List[Writer]):
    """After a Ctrl-C before the first frame was in the GIF: keep the training, in a GIF of one
    frame, its last recorded epoch (a fraction of a second, finished even if Ctrl-C comes again)."""
    from ..film.frames import inks

    if films[0].count or not work.frames:
        return
    with signals_held(deliver=False), work.clock.phase("draw"):
        image = _figure(work).draw(work.frames[-1])
        films[0].set_palette([image], inks(work.settings))
        for writer in films:
            writer.add(image)
    work.drawn = [work.frames[-1]]
    work.film = Film(sheet=[image], last=image, last_picked=True)


def _draw_prints(work: _Work, writers: Dict[str, Writer]):
    """The files for print (--still, --sheet print, --handout), drawn into their writers; after a
    Ctrl-C there are none (and a contact sheet of the film's frames stands in for the printed one):
    a still, a sheet or a handout of a run cut short would show epochs it never reached, under a
    heading of all of them, and a still of --still last one named by where it stopped."""
    prints = [writers[kind] for kind in ("stills", "print-sheet", "handout") if kind in writers]
    if not writers["gif"].count or not prints:
        return
    result = work.result
    if result.interrupted_while is not None:  # (stopped before: a film cut short)
        _no_prints(work, writers, prints)
        return
    try:
        with work.clock.phase("draw"):
            draw_prints(
                work.settings,
                work.training.dataset,
                result.histories,
                result.heldout_histories,
                work.frames,
                work.drawn or work.frames[: writers["gif"].count],
                work.extra,
                writers,
            )
    except BaseException:
        _no_prints(work, writers, prints)
        raise


def _no_prints(work: _Work, writers: Dict[str, Writer], prints: List[Writer]):
    """No files for print: their writers emptied, and the contact sheet of the film's frames in
    place of the printed one (--sheet print), so that the run still has its NAME.png."""
    for writer in prints:
        writer.discard()
    if "print-sheet" in writers:
        writers["sheet"] = FilmSheet.for_run(work.path, work.settings)


class WritingInterrupted(KeyboardInterrupt):
    """Ctrl-C while a run's files were being written: none of them was written."""


class GalleryWriteError(OSError):
    """The run's files are written, but the folder's gallery (index.html) could not be: `result`
    is the run's, to be reported as any other."""

    def __init__(self, error: OSError, result: RunResult):
        super().__init__(error.errno, error.strerror or str(error), error.filename)
        self.result = result


def _write_gallery(result: RunResult):
    """Regenerate the folder's gallery, index.html (GalleryWriteError if it cannot be); an
    index.html that regress-demo did not write is left as it is (`result.foreign_index`)."""
    index = result.path.parent / gallery.INDEX_NAME
    start = time.perf_counter()
    try:
        with naming(index):
            if gallery.write_index(result.path.parent) is None:  # not the tool's: left alone
                result.foreign_index = index
    except OSError as error:
        raise GalleryWriteError(error, result) from None
    finally:
        result.seconds["write"] += time.perf_counter() - start


def write_files(work: _Work, writers: Dict[str, Writer]):
    """Write the run's files, all or none: the films (the GIF, the videos) are finished, the contact
    sheet and the weights made, the record last (it lists the others with their sizes and digests,
    and the files of earlier runs of this name still there); then all are moved into place together
    (staged.commit_all). A file in the way that regress-demo did not write is not replaced
    (ForeignFileError, an OSError); any failure leaves every earlier file as it was and names the
    file that failed. Stale temporary files of killed runs in the folder are removed first.
    """
    settings, result, path, drawn = work.settings, work.result, work.path, work.drawn
    clock = work.clock
    remove_stale(path.parent)
    result.frames, result.last_frame = writers["gif"].count, drawn[-1]
    if result.status == "finished" and not all(math.isfinite(s.error) for s in drawn[-1]):
        result.status = "diverged"  # an error that overflowed is divergence, whatever the threshold
    result.path = path
    try:
        with clock.phase("encode"):
            for kind in ("gif", *settings.video):
                with naming(writers[kind].path):
                    writers[kind].close()
        with clock.phase("write"):
            if "sheet" in writers:
                writers["sheet"].add(work.film.sheet_frames())
            writers["weights"].add(final_weights(drawn[-1], settings))
            _record(work, writers)
            others = [writer for kind, writer in writers.items() if kind != "record"]
            commit_all(
                [file for writer in [*others, writers["record"]] for file in writer.staged()]
            )
    except BaseException:
        result.path, result.video_paths, result.print_paths = None, [], []
        for writer in writers.values():  # (the sheet that stands in for the printed one too)
            writer.discard()
        raise


def _record(work: _Work, writers: Dict[str, Writer]):
    """Stage the run record, after checking that no file of the run would replace a foreign one."""
    settings, result, path = work.settings, work.result, work.path
    files = [
        file for kind, writer in writers.items() if kind != "record" for file in writer.staged()
    ]
    record_path = path.with_suffix(".json")
    refuse_foreign(path, [file.path for file in files] + [record_path])
    result.video_paths = [writers[kind].path for kind in settings.video]
    result.print_paths = [
        file.path
        for kind in ("stills", "print-sheet", "handout")
        if kind in writers
        for file in writers[kind].staged()
        if file.path != result.sheet_path
    ]
    entries = [file_entry(file.path.name, file.tmp_path) for file in files]
    now = {file.path.name for file in files} | {record_path.name}
    entries += earlier_files(path, read_record(record_path), now)
    writers["record"].add(run_record(settings, result, work.drawn, entries))
