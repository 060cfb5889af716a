"""The gallery's player for a run that has a video: pause, step and present a film in the browser.

Plain HTML, CSS and a little inline JavaScript: no server, nothing fetched, and it works from
file:// (a <video> element plays a local file; fetch() of one would not). The epoch and the error of
the frame on screen come from the run record, written into the card. Keys, when the card has the
focus: space plays or pauses, the arrows step one frame, Home and End go to the first and last,
F fills the screen (the Fullscreen API: a film on a slide) or leaves it.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from urllib.parse import quote

from ..film.texts import Texts

#: The playback speeds offered, as the <select> shows them.
SPEEDS = ("0.25", "0.5", "1", "1.5", "2")
#: The video types, in the order a browser is offered them (the smaller WebM first).
TYPES = {"webm": "video/webm", "mp4": "video/mp4"}


def frame_errors(record: dict) -> list:
    """For each frame of the film: (epoch, error), the error being the best of a grid's networks
    at that epoch, or None where none is finite; [] if the record's epochs are not numbers."""
    epochs = record.get("frame_epochs") if isinstance(record.get("frame_epochs"), list) else []
    runs = (
        [run for run in record.get("runs", []) if isinstance(run, dict)]
        if isinstance(record.get("runs"), list)
        else []
    )
    frames = []
    for epoch in epochs:
        if not isinstance(epoch, int) or isinstance(epoch, bool):
            return []
        errors = []
        for run in runs:
            history = run.get("errors")
            if isinstance(history, list) and 0 <= epoch < len(history):
                value = history[epoch]
                if (
                    isinstance(value, (int, float))
                    and not isinstance(value, bool)
                    and math.isfinite(value)
                ):
                    errors.append(value)
        frames.append((epoch, min(errors) if errors else None))
    return frames


#: The English texts, the default of what the player says.
ENGLISH = Texts("en")


def frame_labels(record: dict, say: Texts = ENGLISH) -> list:
    """For each frame of the film: "epoch E · error X" (the best error, for a grid), from the
    record, in the page's language."""
    rows = record.get("runs") if isinstance(record.get("runs"), list) else []
    several = sum(isinstance(row, dict) for row in rows) > 1
    return [
        say("page_frame_best" if several else "page_frame", epoch=epoch, error=error)
        if error is not None
        else say("page_frame_epoch", epoch=epoch)
        for epoch, error in frame_errors(record)
    ]


def render_player(
    videos: list, record: dict, fps: float, alt: str, say: Texts = ENGLISH, first: bool = True
) -> str:
    """The card's player: its <video> (one <source> per file, WebM first) and its controls; "" if
    the record does not say what each frame is. A player below the first screen (`first` false)
    loads nothing until it comes into view, and then plays."""
    labels = frame_labels(record, say)
    if not labels or not videos:
        return ""
    sources = "".join(
        f'<source src="{quote(name)}" type="{TYPES[name.rsplit(".", 1)[-1]]}">'
        for name in sorted(videos, key=lambda name: list(TYPES).index(name.rsplit(".", 1)[-1]))
    )
    speeds = "".join(
        f'<option value="{s}"{" selected" if s == "1" else ""}>{s}×</option>' for s in SPEEDS
    )
    data = html.escape(json.dumps(labels, ensure_ascii=False), quote=True)
    away, load = ("", 'autoplay preload="auto"') if first else (' data-away="1"', 'preload="none"')
    return (
        f'<figure class="player" tabindex="0" data-fps="{fps:g}" data-labels="{data}"'
        ' data-frame="0"'
        f'{away} aria-label="{html.escape(alt + say("player_keys"), quote=True)}">\n'
        f"<video muted {load} loop playsinline>{sources}</video>\n"
        f'<div class="controls">'
        f'<button type="button" class="play" aria-label="{say("player_play_or_pause")}" '
        f'data-play="{say("player_play")}" '
        f'data-pause="{say("player_pause")}">{say("player_pause")}</button>'
        f'<button type="button" class="back" aria-label="{say("player_back")}">◀</button>'
        f'<button type="button" class="forward" aria-label="{say("player_forward")}">▶</button>'
        f'<input class="seek" type="range" min="0" max="{len(labels) - 1}" step="1" value="0" '
        f'aria-label="{say("player_frame")}">'
        f'<select class="speed" aria-label="{say("player_speed")}">{speeds}</select>'
        f'<button type="button" class="full">{say("player_full_screen")}</button>'
        f'</div>\n<output class="where">{html.escape(labels[0])}</output>\n</figure>\n'
    )


def asset(name: str) -> str:
    """A style sheet or script of the page (files/page/), as it goes into index.html."""
    text = (Path(__file__).parent / "page" / name).read_text(encoding="utf-8")
    return f"<script>\n{text}</script>\n" if name.endswith(".js") else text
