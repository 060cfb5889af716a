"""What a run's result says of itself: its repr in a notebook or a terminal, its caption, and the
HTML a notebook shows (the film embedded, so that a saved notebook still shows it elsewhere)."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path
from typing import Optional

from ..film import stopping
from ..film.texts import Texts
from ..inputs.settings import Settings, show
from ..network.gradcheck import TEST, check_settings

#: A film larger than this is linked to, not embedded (a notebook carrying it would be unwieldy).
MAX_EMBED_BYTES = 40 * 1024**2
#: How each kind of film is embedded: an image, or (for a video, should one be written) a <video>.
MEDIA_TYPES = {".gif": "image/gif", ".mp4": "video/mp4", ".webm": "video/webm"}
#: The terminal's texts: a repr stays in English whatever the run's language (a notebook's caption
#: and progress line speak the run's language).
ENGLISH = Texts("en")
#: The colour of each status in the caption (readable on a light and a dark background).
STATUS_COLOURS = {
    "finished": "#2e8b57",
    "diverged": "#d0312d",
    "interrupted": "#d2691e",
    "reached": "#2e8b57",
}


def format_error(error: float, say: Texts = ENGLISH) -> str:
    """An error as the captions and the short repr show it: ``8.42e-06``, ``0.0361``, ``inf`` (with
    your own data, its share of var(y), in the language of `say`)."""
    if hasattr(error, "in_english") and say.language == "en":
        error = error.in_english()
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
    """Per configuration, (error, held-out error or None) of the film's last frame: what the film
    and the run record show (training in the other process may have gone further before a Ctrl-C
    reached it); the last epoch trained when there is no film."""
    if result.last_frame:
        return [(snapshot.error, snapshot.heldout_error) for snapshot in result.last_frame]
    heldout = [history[-1] if history else None for history in result.heldout_histories]
    return list(
        zip(result.final_errors, heldout + [None] * (len(result.final_errors) - len(heldout)))
    )


def how_it_ended(result, say: Texts = ENGLISH) -> str:
    """``finished``, ``diverged at epoch 9``, ``interrupted while training, at epoch 120 of 500``
    or, with --stop-at, ``reached 1e-3 at epoch 666`` (in the language of `say`)."""
    settings = _settings(result)
    if result.status == "diverged":
        epochs = [epoch for epoch in result.diverged_at if epoch is not None]
        if settings is not None and settings.is_grid:
            return say("caption_diverged_some", count=len(epochs), total=len(result.diverged_at))
        return say("diverged_at", epoch=epochs[0]) if epochs else say("page_diverged")
    if result.status == "interrupted":
        return _how_it_was_interrupted(result, settings, say)
    if settings is not None and settings.stop_at is not None:  # ``reached 1e-3 at epoch 666``
        return _how_it_stopped(result, settings, say)
    return say(f"page_{result.status}") if f"page_{result.status}" in say.table else result.status


def _how_it_was_interrupted(result, settings, say: Texts) -> str:
    """``interrupted while training, at epoch 120 of 500`` (or before the first epoch)."""
    text = say("page_interrupted")
    if result.interrupted_while in ("training", "drawing"):
        text += say(f"caption_while_{result.interrupted_while}")
    if settings is not None and (result.last_frame or result.epochs_trained):
        last = (
            max(s.epoch for s in result.last_frame)
            if result.last_frame
            else result.epochs_trained - 1
        )
        text += say("caption_at_epoch_of", epoch=last, epochs=settings.epoch)
    elif settings is not None:  # (before the first epoch was trained)
        text += say("caption_before_first", epochs=settings.epoch)
    return text


def _how_it_stopped(result, settings, say: Texts) -> str:
    """With --stop-at: ``reached 1e-3 at epoch 666``, ``finished, did not reach 1e-3 in 2001
    epochs``, or a grid's ``finished, 2 of 3 reached 1e-3 (n_mid=3 at epoch 500, ...)``."""
    if say.language != "en" and not settings.is_grid:
        limit = stopping.threshold(settings.stop_at)
        epoch = result.reached_at[0] if result.reached_at else None
        if epoch is not None:
            return say("page_reached_at", limit=limit, epoch=epoch)
        if result.status == "finished":
            return say("page_not_reached", limit=limit)
    text = stopping.summary(settings, result.reached_at, say)
    if result.status == "reached":
        return text
    return say("caption_then", status=say(f"page_{result.status}"), summary=text)


def final_errors(result, labelled: bool = True, say: Texts = ENGLISH) -> str:
    """``final error 8.42e-06`` (and the held-out one), or one per network of a grid: the errors of
    the film's last frame (see shown_errors)."""
    settings = _settings(result)
    if not any(result.histories):
        return say("caption_no_epoch")
    errors = shown_errors(result)
    if settings is None or not settings.is_grid:
        error, heldout = errors[0]
        text = say("caption_final_error", error=format_error(error, say))
        if heldout is not None:
            text += say("caption_held_out", error=format_error(heldout, say))
        return text
    if not labelled:
        listed = " ".join(format_error(error, say) for error, _ in errors)
        return say("caption_final_errors", errors=listed)
    parts = []
    for config, (error, heldout) in zip(settings.configurations(), errors):
        held = ""
        if heldout is not None:
            held = say("caption_held_out_one", error=format_error(heldout, say))
        parts.append(f"{settings.label(config)}: {format_error(error, say)}{held}")
    return say("caption_final_errors", errors="; ".join(parts))


def failure_text(outcome, say: Texts = ENGLISH) -> str:
    """The line of a failed gradient check (network/gradcheck.py's Outcome.line), in the language
    of `say`: ``MiddleLayer.backward: dE/dw1 differs from finite differences by 100 % ...``."""
    if outcome.raised:
        return say("gradcheck_raised", where=outcome.where, raised=outcome.raised, test=TEST)
    return say(
        "gradcheck_differs",
        where=outcome.where,
        gradient=outcome.gradient,
        percent=outcome.percent,
        entry=outcome.entry,
        analytic=f"{outcome.analytic:.3g}",
        numeric=f"{outcome.numeric:.3g}",
        hint=outcome.hint,
        test=TEST,
    )


def gradient_failure(result, say: Texts = ENGLISH) -> str:
    """Where the run's gradient check failed, in the language of `say` (its check's outcome is kept
    while layers.py stays as it was; else the run's own line, in English)."""
    settings = _settings(result)
    outcome = None if settings is None else check_settings(settings)
    return result.gradient_failure if outcome is None else failure_text(outcome, say)


def changed_settings(settings: Optional[Settings], say: Texts = ENGLISH) -> str:
    """The settings that differ from the textbook's (the defaults): ``n_mid=10, eta=0.5,
    epoch=500``."""
    if settings is None:
        return ""
    changed = settings.changed()
    if not changed:
        return say("caption_textbook")
    parts = []
    for name, value in changed.items():
        if name == "size":  # as --size is typed: 1920x1080
            text = f"{value[0]}x{value[1]}"
        elif isinstance(value, tuple):
            text = "[" + ", ".join(show(item).replace("'", "") for item in value) + "]"
        elif name == "data":  # your own data: its file's name and its number of points
            points = say("data_points", count=len(value))
            text = f"<{value.name}: {points}>" if value.name else f"<{points}>"
        else:
            text = show(value)
        parts.append(f"{name}={text}")
    return ", ".join(parts)


def short_repr(result) -> str:
    """``RunResult(finished, outputs/x.gif, 101 frames, final error 8.42e-06, layer classes of
    layers.py)``; a grid's errors labelled by configuration (its best one, of more than
    REPR_LABELLED); ``gradient check failed`` if it did."""
    where = _path(result.path) if result.path is not None else "no GIF"
    errors, ended = repr_errors(result), how_it_ended(result)
    frames = f"{result.frames} frame{'' if result.frames == 1 else 's'}"
    failed = ", gradient check failed" if result.gradient_failure is not None else ""
    return f"RunResult({ended}, {where}, {frames}, {errors}, {result.engine}{failed})"


#: A grid's repr labels each final error up to this many configurations, else names the best.
REPR_LABELLED = 4


def repr_errors(result) -> str:
    """The final errors as the short repr says them: ``final errors n_mid=1: 0.0605; n_mid=3:
    0.0236``, or for a larger grid ``best final error 0.0236 (n_mid=3, eta=0.5) of 12``."""
    settings = _settings(result)
    if settings is None or not settings.is_grid or not any(result.histories):
        return final_errors(result)
    errors = [error for error, _ in shown_errors(result)]
    if len(errors) <= REPR_LABELLED:
        return final_errors(result)
    # the smallest error (a diverged network's inf or nan never the best)
    best = min(range(len(errors)), key=lambda i: errors[i] if errors[i] < math.inf else math.inf)
    label = settings.label(settings.configurations()[best])
    return f"best final error {format_error(errors[best])} ({label}) of {len(errors)}"


def caption_texts(result) -> Texts:
    """The texts of a result's caption: in the language of its run (``lang="ja"``: Japanese)."""
    return Texts(getattr(_settings(result), "lang", "en"))


def caption(result) -> str:
    """The caption under the film, as plain text, one item a line, in the run's language."""
    say = caption_texts(result)
    lines = [f"{how_it_ended(result, say)}: {final_errors(result, say=say)}"]
    hint = fit_hint(result, say)
    if hint:
        lines.append(hint)
    changed = changed_settings(_settings(result), say)
    if changed:
        lines.append(changed)
    if result.gradient_failure is not None:  # where it failed, as the progress line says it
        lines.append(f"{say('gradient_check_failed')}: {gradient_failure(result, say)}")
    engine = say.engine(result.engine, edited=result.layers_edited)
    lines.append(say.counted("caption_trained", result.frames, engine=engine, frames=result.frames))
    if result.path is not None:
        lines[-1] += say("caption_file", path=_path(result.path))
    return "\n".join(lines)


def fit_hint(result, say: Texts = ENGLISH) -> Optional[str]:
    """A poor fit's hint, as the command line prints it, but with its example as keyword arguments
    (``n_mid=20, wb_width=10, epoch=500``), in the language of `say`; else None."""
    settings = _settings(result)
    if settings is None or settings.data is None or result.status != "finished":
        return None
    from ..film.units import poor_fit_hint

    hint = poor_fit_hint(settings, result.final_error, say, keywords=True)
    return say("caption_hint", hint=hint) if hint else None


def media_html(path: Path, alt: str, say: Texts = ENGLISH) -> str:
    """The film embedded in the page as a data: URL: an <img> for a GIF, a <video> for a video.
    A missing or very large file is named instead (in the language of `say`)."""
    path = Path(path)
    kind = MEDIA_TYPES.get(path.suffix.lower())
    name = html.escape(_path(path))
    try:
        size = path.stat().st_size
        if kind is None or size > MAX_EMBED_BYTES:
            why = "caption_too_large" if kind is not None else "caption_not_a_film"
            link = f'<a href="{name}">{name}</a>'  # (the texts have no character HTML escapes)
            return f"<p>{say(why, link=link, size=size / 1024**2)}</p>"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return f"<p>{say('caption_gone', name=name)}</p>"
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
    settings, say = _settings(result), caption_texts(result)
    alt = say(
        "caption_alt",
        settings=changed_settings(settings, say) or say("caption_its_settings"),
        ending=how_it_ended(result, say),
    )
    # a video if one was written (it can be paused and stepped), else the GIF
    if result.path is not None:
        film = media_html(
            result.video_paths[0] if getattr(result, "video_paths", None) else result.path,
            alt,
            say,
        )
    else:
        film = f"<p>{html.escape(say('caption_no_film'))}</p>"
    colour = STATUS_COLOURS.get(result.status, "inherit")
    first, *rest = caption(result).split("\n")
    status, _, errors = first.partition(": ")  # (the Japanese caption writes ": " too)
    lines = [
        f'<span style="color:{colour}; font-weight:bold">{html.escape(status)}</span>: '
        f"{html.escape(errors)}"
    ]
    lines += [html.escape(line) for line in rest]
    return (
        f'<div class="regress-demo-result" data-status="{html.escape(result.status)}" '
        'style="margin-bottom:1em">'
        f"{film}"
        f'<div style="font-family:sans-serif; font-size:0.9em; line-height:1.5; margin-top:0.3em">'
        + "<br>".join(lines)
        + "</div></div>"
    )
