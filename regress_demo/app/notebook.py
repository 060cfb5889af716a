"""regress-demo in a Jupyter notebook (JupyterLab, VS Code, Colab): one call, the film under the cell.

    import regress_demo
    regress_demo.animate(n_mid=10, eta=0.5, epoch=500)

`animate` takes every setting of :class:`~regress_demo.settings.Settings` by name and returns the
:class:`~regress_demo.run.RunResult`. A RunResult shows itself in a notebook (``_repr_html_``): the
film, embedded in the page so that a saved notebook still shows it elsewhere, and a caption with the
settings that differ from the textbook's, the final error, how the run ended and what trained it.
While it trains and draws, a notebook shows one line that updates in place; a terminal gets nothing extra.

IPython is not a dependency: it is looked for among the modules already imported (a notebook's
kernel has imported it), never imported here.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import math
import time
import warnings
from pathlib import Path
from typing import Callable, Optional

from .. import _in_kernel
from ..film import stopping
from ..inputs.settings import Settings, show

#: A film larger than this is linked to, not embedded (a notebook carrying it would be unwieldy).
MAX_EMBED_BYTES = 40 * 1024**2
#: How each kind of film is embedded: an image, or (for a video, should one be written) a <video>.
MEDIA_TYPES = {".gif": "image/gif", ".mp4": "video/mp4", ".webm": "video/webm"}
#: The colour of each status in the caption (readable on a light and a dark background).
STATUS_COLOURS = {
    "finished": "#2e8b57",
    "diverged": "#d0312d",
    "interrupted": "#d2691e",
    "reached": "#2e8b57",
}
#: The progress line is redrawn at most this often (seconds).
PROGRESS_INTERVAL = 0.1


def in_notebook() -> bool:
    """Whether output goes to a notebook's cell (Jupyter, VS Code, Colab: an IPython shell with a
    kernel), which can show HTML and update a line in place; not in a terminal, in IPython's terminal
    shell, or where IPython was never imported."""
    return _in_kernel()


def animate(out=None, *, quiet: bool = False, video=None, **settings):
    """Train, draw and write the film in one call, e.g. ``animate(n_mid=10, eta=0.5, epoch=500)``.

    Every setting of Settings is a keyword argument (``n_mid=[1, 3, 10]`` makes a grid); `out` is a
    .gif file or a folder (default outputs/), as make_gif's `path`. Returns the RunResult, which a
    notebook shows as the film. In a notebook, one line updates as it trains and draws, unless `quiet`.
    `video` ("mp4", "webm" or both) writes the film as a video too (PyAV: the `video` extra), and the
    notebook then shows the video, which can be paused and stepped.
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
    from .. import drawing_imports

    with drawing_imports():
        from .run import make_gif
    if quiet or not in_notebook():
        result = make_gif(chosen, out)
    else:
        progress = NotebookProgress(chosen)
        try:
            result = make_gif(
                chosen,
                out,
                on_epoch=progress.epoch,
                on_frame=progress.frame,
                on_start=progress.start,
            )
        except BaseException:
            progress.finish(None)
            raise
        progress.finish(result)
    missing = stopping.missing_stills(chosen, result) if result.status != "interrupted" else ""
    if missing:  # still=80 of a run that diverged or stopped before: said, as on the command line
        warnings.warn(missing, stacklevel=2)
    return result


class NotebookProgress:
    """One line in a notebook cell's output, updated in place while a run trains and draws:
    ``training: epoch 120/500, error 1.23e-03 | frames drawn 0/26``. It is one display (a display
    handle, updated at most every PROGRESS_INTERVAL seconds and at the end), not a line per epoch.

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
        self._display = display
        self.handle = None
        self.last_shown = -math.inf
        self.phase = "starting"
        self.engine: Optional[str] = None
        self.note: Optional[str] = None
        self.epochs_done = 0
        self.error: Optional[float] = None
        self.frames_done, self.frames_total = 0, len(settings.frame_epochs())
        self.started = clock()

    # make_gif's callbacks
    def start(self, engine: str, note: Optional[str]):
        self.engine, self.note, self.phase = engine, note, "training"
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
        best = "best " if self.settings.is_grid else ""
        error = "" if self.error is None else f", {best}error {format_error(self.error)}"
        line = (
            f"{self.phase}: epoch {self.epochs_done}/{self.settings.epoch}{error}"
            f" | frames drawn {self.frames_done}/{self.frames_total}"
        )
        if self.phase not in ("starting", "training", "drawing"):
            line += f" | {self.clock() - self.started:.1f} s"
        if self.engine:
            line += f" | {self.engine}"
        return line + (f"\n{self.note}" if self.note else "")

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


def format_error(error: float) -> str:
    """An error as the captions and the short repr show it: ``8.42e-06``, ``0.0361``, ``inf`` (with
    your own data, its share of var(y) in English, as the rest of the caption, whatever --lang is)."""
    error = error.in_english() if hasattr(error, "in_english") else error
    return f"{error:.3g}" if math.isfinite(error) else str(error)


def _settings(result) -> Optional[Settings]:
    return (
        result.settings
        if result.settings is not None
        else getattr(result.training, "settings", None)
    )


def _path(path: Path) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def shown_errors(result):
    """Per configuration, (error, held-out error or None) of the film's last frame: what the film and
    the run record show (training in the other process may have gone further before a Ctrl-C reached
    it); the last epoch trained when there is no film."""
    if result.last_frame:
        return [(snapshot.error, snapshot.heldout_error) for snapshot in result.last_frame]
    heldout = [history[-1] if history else None for history in result.heldout_histories]
    return list(
        zip(result.final_errors, heldout + [None] * (len(result.final_errors) - len(heldout)))
    )


def how_it_ended(result) -> str:
    """``finished``, ``diverged at epoch 9``, ``interrupted while training, at epoch 120 of 500`` or,
    with --stop-at, ``reached 1e-3 at epoch 666``."""
    settings = _settings(result)
    if result.status == "diverged":
        epochs = [epoch for epoch in result.diverged_at if epoch is not None]
        if settings is not None and settings.is_grid:
            return f"diverged ({len(epochs)} of {len(result.diverged_at)} networks)"
        return f"diverged at epoch {epochs[0]}" if epochs else "diverged"
    if result.status == "interrupted":
        text = "interrupted" + (
            f" while {result.interrupted_while}" if result.interrupted_while else ""
        )
        if settings is not None and (result.last_frame or result.epochs_trained):
            last = (
                max(s.epoch for s in result.last_frame)
                if result.last_frame
                else result.epochs_trained - 1
            )
            text += f", at epoch {last} of {settings.epoch}"
        elif settings is not None:  # (before the first epoch was trained)
            text += f", before the first of {settings.epoch} epochs"
        return text
    if settings is not None and settings.stop_at is not None:  # ``reached 1e-3 at epoch 666``
        text = stopping.summary(settings, result.reached_at)
        return text if result.status == "reached" else f"{result.status}, {text}"
    return result.status


def _final_errors(result, labelled: bool = True) -> str:
    """``final error 8.42e-06`` (and the held-out one), or one per network of a grid: the errors of
    the film's last frame (see shown_errors)."""
    settings = _settings(result)
    if not any(result.histories):
        return "no epoch trained"
    errors = shown_errors(result)
    if settings is None or not settings.is_grid:
        error, heldout = errors[0]
        text = f"final error {format_error(error)}"
        return text + (f", held out {format_error(heldout)}" if heldout is not None else "")
    if not labelled:
        return "final errors " + " ".join(format_error(error) for error, _ in errors)
    parts = []
    for config, (error, heldout) in zip(settings.configurations(), errors):
        held = f" (held out {format_error(heldout)})" if heldout is not None else ""
        parts.append(f"{settings.label(config)}: {format_error(error)}{held}")
    return "final errors " + "; ".join(parts)


def changed_settings(settings: Optional[Settings]) -> str:
    """The settings that differ from the textbook's (the defaults): ``n_mid=10, eta=0.5, epoch=500``."""
    if settings is None:
        return ""
    changed = settings.changed()
    if not changed:
        return "the textbook's settings"
    parts = []
    for name, value in changed.items():
        if isinstance(value, tuple):
            text = "[" + ", ".join(show(item).replace("'", "") for item in value) + "]"
        else:
            text = show(value)
        parts.append(f"{name}={text}")
    return ", ".join(parts)


def short_repr(result) -> str:
    """``RunResult(finished, outputs/x.gif, 101 frames, final error 8.42e-06, layer classes of layers.py)``."""
    where = _path(result.path) if result.path is not None else "no GIF"
    return f"RunResult({how_it_ended(result)}, {where}, {result.frames} frames, {_final_errors(result, labelled=False)}, {result.engine})"


def caption(result) -> str:
    """The caption under the film, as plain text, one item a line."""
    lines = [f"{how_it_ended(result)}: {_final_errors(result)}"]
    changed = changed_settings(_settings(result))
    if changed:
        lines.append(changed)
    lines.append(f"trained with the {result.engine}; {result.frames} frames")
    if result.path is not None:
        lines[-1] += f", {_path(result.path)}"
    return "\n".join(lines)


def media_html(path: Path, alt: str) -> str:
    """The film embedded in the page as a data: URL: an <img> for a GIF, a <video> for a video.
    A missing or very large file is named instead."""
    path = Path(path)
    kind = MEDIA_TYPES.get(path.suffix.lower())
    name = html.escape(_path(path))
    try:
        size = path.stat().st_size
        if kind is None or size > MAX_EMBED_BYTES:
            why = "too large to embed" if kind is not None else "not a film this page can show"
            return (
                f'<p>The film is {why}: <a href="{name}">{name}</a> ({size / 1024**2:.1f} MB).</p>'
            )
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return f"<p>The film {name} is no longer there.</p>"
    source = f"data:{kind};base64,{data}"
    style = "display:block; max-width:100%; height:auto"
    if kind.startswith("video/"):
        return (
            f'<video src="{source}" controls autoplay loop muted playsinline style="{style}" '
            f'aria-label="{html.escape(alt)}"></video>'
        )
    return f'<img src="{source}" alt="{html.escape(alt)}" style="{style}">'


def result_html(result) -> str:
    """A RunResult as a notebook shows it: the film, embedded, and its caption."""
    settings = _settings(result)
    alt = f"The film of a regress-demo run: {changed_settings(settings) or 'its settings'}; {how_it_ended(result)}"
    if (
        result.path is not None
    ):  # a video if one was written (it can be paused and stepped), else the GIF
        film = media_html(
            result.video_paths[0] if getattr(result, "video_paths", None) else result.path, alt
        )
    else:
        film = "<p>No film was written: the run stopped before its first frame.</p>"
    colour = STATUS_COLOURS.get(result.status, "inherit")
    first, *rest = caption(result).split("\n")
    status, _, errors = first.partition(": ")
    lines = [
        f'<span style="color:{colour}; font-weight:bold">{html.escape(status)}</span>: {html.escape(errors)}'
    ]
    lines += [html.escape(line) for line in rest]
    return (
        f'<div class="regress-demo-result" data-status="{html.escape(result.status)}" style="margin-bottom:1em">'
        f"{film}"
        f'<div style="font-family:sans-serif; font-size:0.9em; line-height:1.5; margin-top:0.3em">'
        + "<br>".join(lines)
        + "</div></div>"
    )
