"""regress-demo in a Jupyter notebook (JupyterLab, VS Code, Colab): one call, the film under the
cell.

    import regress_demo
    regress_demo.animate(n_mid=10, eta=0.5, epoch=500)

`animate` takes every setting of :class:`~regress_demo.Settings` by name and returns the
:class:`~regress_demo.RunResult`. A RunResult shows itself in a notebook (``_repr_html_``): the
film, embedded in the page so that a saved notebook still shows it elsewhere, and a caption with the
settings that differ from the textbook's, the final error, how the run ended and what trained it.
While it trains and draws, a notebook shows one line that updates in place; a terminal gets nothing
extra. The caption and that line speak the run's language (``lang="ja"``: Japanese); warnings and
errors, as the command line's messages, stay in English.

IPython is not a dependency: it is looked for among the modules already imported (a notebook's
kernel has imported it), never imported here.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time
import warnings
from typing import Callable, Optional

from .. import _in_kernel
from ..film import stopping
from ..film.texts import texts_of
from ..inputs.settings import Settings
from ..network import edits, gradcheck
from .shown import failure_text, format_error, shown_errors

#: The progress line is redrawn at most this often (seconds).
PROGRESS_INTERVAL = 0.1


def in_notebook() -> bool:
    """Whether output goes to a notebook's cell (Jupyter, VS Code, Colab: an IPython shell with a
    kernel), which can show HTML and update a line in place; not in a terminal, in IPython's
    terminal shell, or where IPython was never imported."""
    return _in_kernel()


def animate(out=None, *, quiet: bool = False, video=None, **settings):
    """Train, draw and write the film in one call, e.g. ``animate(n_mid=10, eta=0.5, epoch=500)``.

    Every setting of Settings is a keyword argument (``n_mid=[1, 3, 10]`` makes a grid); `out` is a
    .gif file or a folder (default outputs/), as make_gif's `path`. Returns the RunResult, which a
    notebook shows as the film. In a notebook, one line updates as it trains and draws, unless
    `quiet`. `video` ("mp4", "webm" or both) writes the film as a video too (PyAV: the `video`
    extra), and the notebook then shows the video, which can be paused and stepped.
    """
    if video is not None and video is not False:
        settings["video"] = video
    names = [item.name for item in dataclasses.fields(Settings)]
    for name in settings:
        if name not in names:
            raise TypeError(
                f"animate() has no setting {name!r}; the settings are: {', '.join(names)}"
            )
    chosen = Settings(**settings)
    result = run_in_cell(chosen, out, quiet=quiet, stacklevel=3)
    missing = stopping.missing_stills(chosen, result) if result.status != "interrupted" else ""
    if missing:  # still=80 of a run that diverged or stopped before: said, as on the command line
        warnings.warn(missing, stacklevel=2)
    return result


def run_in_cell(chosen: Settings, out=None, quiet=False, trained_by=None, stacklevel=2):
    """make_gif for a cell: the progress line in a notebook (unless `quiet`), else the gradient
    check's failure and the engine's note as warnings at the line `stacklevel` frames up from here
    (2: the caller's), so that each call in a cell or script shows its own. `trained_by` chooses
    the engine without making it a setting (see make_gif)."""
    from .. import drawing_imports

    with drawing_imports():
        from .run import make_gif
    if quiet or not in_notebook():
        caller = sys._getframe(stacklevel - 1)  # (0: here; 1: who called here)

        def warn(line: str):  # at the caller's line, however deep in make_gif this is called
            warnings.warn_explicit(
                line,
                UserWarning,
                caller.f_code.co_filename,
                caller.f_lineno,
                module=caller.f_globals.get("__name__"),
                registry=caller.f_globals.setdefault("__warningregistry__", {}),
            )

        def start(engine: str, note: Optional[str]):
            if note:
                warn(note)

        return make_gif(chosen, out, on_start=start, on_warning=warn, trained_by=trained_by)
    progress = NotebookProgress(chosen)
    try:
        result = make_gif(
            chosen,
            out,
            on_epoch=progress.epoch,
            on_frame=progress.frame,
            on_start=progress.start,
            on_warning=progress.warn,
            trained_by=trained_by,
        )
    except BaseException:
        progress.finish(None)
        raise
    progress.finish(result)
    return result


class NotebookProgress:
    """One line in a notebook cell's output, updated in place while a run trains and draws:
    ``training: 120/500 epochs, error 1.23e-03 | frames drawn 0/26 | layer classes of layers.py``
    (a count of the epochs trained; the frames number them from 0, as the textbook does: the last
    of 500 is epoch 499), in the run's language, an edited layers.py named by its digest as the
    command's first line names it; under it, why the layer classes train a run that asked for a
    loop, and where the gradient check failed, if it did. It is one display (a display handle,
    updated at most every PROGRESS_INTERVAL seconds and at the end), not a line per epoch.

    `display` is IPython.display.display (the default) or a stand-in with its signature: called once
    with ``display_id=True``, it returns a handle whose ``update`` replaces what it shows."""

    def __init__(
        self,
        settings: Settings,
        display: Optional[Callable] = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = PROGRESS_INTERVAL,
    ):
        self.settings, self.clock, self.interval = settings, clock, interval
        self.say = texts_of(settings)
        self._display = display
        self.handle = None
        self.last_shown = -math.inf
        self.phase = "starting"
        self.engine: Optional[str] = None
        self.note: Optional[str] = None
        self.edited: Optional[str] = None  # the digest of an edited layers.py (network/edits.py)
        self.warning: Optional[str] = None  # where the gradient check failed
        self.epochs_done = 0
        self.error: Optional[float] = None
        self.frames_done, self.frames_total = 0, len(settings.frame_epochs())
        self.started = clock()

    # make_gif's callbacks
    def start(self, engine: str, note: Optional[str]):
        self.engine, self.note, self.phase = engine, note, "training"
        self.edited = edits.edited()
        self.show(force=True)

    def warn(self, line: str):
        """The gradient check failed (make_gif's on_warning): where, under the line."""
        outcome = gradcheck.check_settings(self.settings)  # (the run's own check, kept: not redone)
        self.warning = line if outcome is None else failure_text(outcome, self.say)
        self.show(force=True)

    def epoch(self, epoch: int, error: float):
        self.epochs_done, self.error, self.phase = epoch + 1, error, "training"
        self.show(force=self.epochs_done == self.settings.epoch)

    def frame(self, done: int, total: int):
        self.frames_done, self.frames_total, self.phase = done, total, "drawing"
        self.show(force=done == total)

    def finish(self, result):
        """The final state: how the run ended (`result` None: it stopped with an exception, which
        says the rest; nothing is shown if it came before the line was)."""
        if result is None and self.handle is None:
            return
        self.phase = "stopped" if result is None else result.status
        if result is not None and any(result.histories):
            errors = [error for error, _ in shown_errors(result)]  # the film's last frame's
            self.error = min(errors) if self.settings.is_grid else errors[0]
            self.frames_done = result.frames
        self.show(force=True)

    def text(self) -> str:
        say = self.say
        phase = f"progress_{self.phase}"  # (once the run has ended: its status, as the caption's)
        line = say(phase if phase in say.table else f"page_{self.phase}") + ": "
        line += say("progress_epochs", done=self.epochs_done, epochs=self.settings.epoch)
        if self.error is not None:
            error = "progress_best_error" if self.settings.is_grid else "progress_error"
            line += say(error, error=format_error(self.error, say))
        line += say("progress_frames", done=self.frames_done, total=self.frames_total)
        if self.phase not in ("starting", "training", "drawing"):
            line += say("progress_seconds", seconds=self.clock() - self.started)
        if self.engine:
            line += " | " + say.engine(self.engine, edited=self.edited)
        notes = [say.note(self.note)] if self.note else []
        return "\n".join([line, *notes, *([self.warning] if self.warning else [])])

    def show(self, force: bool = False):
        now = self.clock()
        if not force and now - self.last_shown < self.interval:
            return
        self.last_shown = now
        bundle = {"text/plain": self.text()}
        if self.handle is None:
            display = self._display
            if display is None:
                from IPython.display import (
                    display,
                )  # (only ever made in a notebook, where IPython is)
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)
