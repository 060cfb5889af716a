"""What a run's result says of itself: its repr in a notebook or a terminal, its caption, and the
HTML a notebook shows (the film embedded, so that a saved notebook still shows it elsewhere)."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Optional

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
