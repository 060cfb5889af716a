"""What a gallery card says of a run: the HTML of each card of index.html (gallery.py reads the
records and writes the page; finding.py makes its tools to find and compare runs)."""

from __future__ import annotations

import html
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from ..film import stopping
from ..film.texts import Texts
from ..inputs.errors import printable
from ..inputs.settings import Settings, show
from ..network.samples import TEXTBOOK_POINTS
from . import player
from .records import best_network

ENGLISH = Texts("en")

#: Longer texts in a record (a crafted one) are cut on the page.
MAX_TEXT = 500

#: Statuses that get their own colour; anything else is shown as it is, in neutral grey.
STATUSES = ("finished", "diverged", "interrupted", "reached")

#: Cards whose films are fetched at once: about a first screen; the rest as they come near it.
FIRST_SCREEN = 6

#: The textbook's settings, as a record keeps them: a card names those that differ.
DEFAULTS = Settings().as_dict()

#: Settings that change how a run is shown, printed or where, not what it learns: not named as
#: differing, nor offered by the setting filter.
SHOWN_ONLY = (
    "lang",
    "video",
    "size",
    "style",
    "fps",
    "hold",
    "simple",
    "show_outputs",
    "still",
    "sheet",
    "sheet_epochs",
    "handout",
    "dpi",
    "data",
)

#: At most this many values of one setting are offered by the setting filter.
MAX_OPTIONS = 40


@dataclass
class Run:
    """One run record found in the folder, with the GIF it describes."""

    record_name: str
    mtime_ns: int
    record: dict
    gif: str
    sheet: Optional[str]
    videos: list  # the videos beside the GIF that the record names and that are there
    # (file name, what: a still's epoch, "sheet" or "handout", kind: PNG or PDF) of the files for
    # print there
    prints: list = field(default_factory=list)
    gif_path: Optional[Path] = None  # where the GIF is (its header gives its size)


def _setting_values(settings: dict) -> list:
    """(name, value as text) of each setting a run may be found by: a grid's axis value by value."""
    pairs = []
    for name, value in settings.items():
        if name in SHOWN_ONLY or isinstance(value, dict) or not isinstance(name, str):
            continue
        for item in value[:MAX_OPTIONS] if isinstance(value, list) else [value]:
            if not isinstance(item, (list, dict)):
                pairs.append((name, as_text(item)))
    return pairs


def _settings_of(run: Run) -> dict:
    settings = run.record.get("settings")
    return settings if isinstance(settings, dict) else {}


def changed(settings: dict) -> str:
    """The settings that differ from the textbook's, as the notebook's caption names them:
    "n_mid=10, eta=0.5"; "" for none. (How the film is shown, and the data, are not named.)"""
    parts = [
        f"{name}={as_text(value)}"
        for name, value in settings.items()
        if name not in SHOWN_ONLY and value != DEFAULTS.get(name)
    ]
    return ", ".join(parts)


def best_error(record: dict) -> Optional[float]:
    """The least final error of a run's networks (the one network's, for a single run); None if none
    is a finite number."""
    rows = record.get("runs") if isinstance(record.get("runs"), list) else []
    errors = [row.get("final_error") for row in rows if isinstance(row, dict)]
    finite = [
        value
        for value in errors
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    ]
    return min(finite) if finite else None


def render_card(run: Run, say: Texts = ENGLISH, order: int = 0, options=None) -> str:
    """One run's card: the film, a heading, what differs from the textbook, the status and the final
    error, a box to compare it; the results and every setting folded away, then the links."""
    record = run.record
    settings = _settings_of(run)
    title = heading(settings, say) or run.gif
    status = str(record.get("status", "unknown"))
    engine = record.get("engine")
    engine_note = (
        f'<p class="engine">{_text(say("page_engine", engine=say.engine(engine)))}</p>\n'
        if isinstance(engine, str)
        else ""
    )
    rows = record.get("runs") if isinstance(record.get("runs"), list) else []
    results = render_results(rows, say, settings.get("stop_at"))
    grid = sum(isinstance(row, dict) for row in rows) > 1  # (its table stays in sight)
    changes = changed(settings)
    differs = say("page_changed", changes=changes) if changes else say("page_textbook")
    data, pick = _card_data(run, order, options or {}, say), _text(say("page_pick"))
    return (
        f'<article class="card {_status_class(status)}"{data}>\n'
        f"{_film(run, title, say, order < FIRST_SCREEN)}"
        f'<div class="body">\n'
        f"<h2>{_text(title)}</h2>\n"
        f'<p class="changed">{_text(differs)}</p>\n'
        f"{_status_line(record, status, grid, say)}"
        f"{engine_note}"
        f"{_layers_note(record, say) + _hint_note(record)}"
        f'<p class="pick"><label><input type="checkbox" class="pick-box"> {pick}</label></p>\n'
        f"{results if grid else ''}"
        f"<details><summary>{_text(say('page_all_settings'))}</summary>\n"
        f"{'' if grid else results}{render_settings(settings, say)}</details>\n"
        f'<p class="links">{" · ".join(_links(run, say))}</p>\n'
        f"</div>\n</article>\n"
    )


def _status_line(record: dict, status: str, grid: bool, say: Texts) -> str:
    """The badge, the number of frames and the final error (the best one, for a grid)."""
    frames = record.get("frames")
    line = (
        say.counted("page_frames", frames, count=frames)
        if isinstance(frames, int) and not isinstance(frames, bool)
        else ""
    )
    line += _best(record, grid, say)
    badge = f'<span class="badge">{_text(said_status(status, say))}</span>'
    return f'<p class="status">{badge}{_text(line)}</p>\n'


def _best(record: dict, grid: bool, say: Texts) -> str:
    """The final error, or a grid's best: with a held-out range, the network of the least held-out
    error (as the printed line and the record's "best" say), with its training error."""
    rows = [row for row in record.get("runs") or [] if isinstance(row, dict)]
    heldout = [row.get("final_heldout_error") for row in rows]
    if grid and any(value is not None for value in heldout):
        best = best_network([row.get("final_error") for row in rows], heldout)
        if best is not None:
            training = rows[best].get("final_error")
            return say("page_best_heldout", heldout=error(heldout[best]), error=error(training))
    best = best_error(record)
    return "" if best is None else say("page_best" if grid else "page_final", error=error(best))


def _card_data(run: Run, order: int, options: dict, say: Texts) -> str:
    """What the page's script finds, sorts and compares a card by, as data- attributes: its
    status, order, best final error, curve or own data, setting choices, each frame's epoch and
    error."""
    settings = _settings_of(run)
    best = best_error(run.record)
    tags = sorted({options[pair] for pair in _setting_values(settings) if pair in options})
    frames = player.frame_errors(run.record)
    fps = settings.get("fps")
    edited = run.record.get("layers_edited")
    values = {
        "status": str(run.record.get("status", "unknown")),
        "order": str(order),
        "error": repr(best) if best is not None else "",
        "source": "data" if isinstance(settings.get("data"), dict) else "curve",
        "tags": " ".join(map(str, tags)),
        "gif": quote(os.fsencode(run.gif)),
        "fps": f"{fps:g}" if isinstance(fps, (int, float)) and not isinstance(fps, bool) else "",
        "layers": say("layers_edited", digest=edited) if isinstance(edited, str) else "",
        "epochs": json.dumps([epoch for epoch, _ in frames]),
        "errors": json.dumps(
            [float(f"{value:.2e}") if value is not None else None for _, value in frames]
        ),
    }
    return "".join(f' data-{key}="{_text(value)}"' for key, value in values.items())


def _film(run: Run, title: str, say: Texts, first: bool) -> str:
    """The player if the run has a video, else the GIF; fetched at once only on the first screen."""
    alt = say("page_alt", title=title)
    fps = _settings_of(run).get("fps")
    if (
        isinstance(fps, (int, float))
        and not isinstance(fps, bool)
        and math.isfinite(fps)
        and fps > 0
    ):
        film = player.render_player(run.videos, run.record, fps, alt, say, first)
        if film:
            return film
    size = _gif_size(run.gif_path) if run.gif_path else None
    box = f' width="{size[0]}" height="{size[1]}"' if size else ""
    return (
        f'<a class="shot" href="{_url(run.gif)}"><img src="{_url(run.gif)}" alt="{_text(alt)}"'
        f'{box} loading="{"eager" if first else "lazy"}"></a>\n'
    )


def _gif_size(path: Path) -> Optional[tuple]:
    """A GIF's width and height from its header (so that a lazy image keeps its place); None if the
    file does not start as a GIF."""
    try:
        with open(path, "rb") as file:
            head = file.read(10)
    except OSError:
        return None
    if len(head) < 10 or head[:4] != b"GIF8":
        return None
    return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")


def _links(run: Run, say: Texts) -> list:
    """The card's links: the record, the GIF, the videos, the contact sheet and the prints."""
    links = [_link(run.record_name, say("page_record")), _link(run.gif, "GIF")]
    links += [
        _link(name, say("page_video", kind=name.rsplit(".", 1)[-1].upper())) for name in run.videos
    ]
    if run.sheet is not None:
        links.append(_link(run.sheet, say("page_sheet")))
    links += [_link(name, _print_label(what, kind, say)) for name, what, kind in run.prints]
    return links


def _print_label(what: str, kind: str, say: Texts) -> str:
    """A file for print's link: a still's epoch, the printed contact sheet, or the handout."""
    if what == "handout":
        return say("page_handout")
    if what == "sheet":
        return say("page_sheet_of", kind=kind)
    return say("page_still", epoch=what, kind=kind)


def _hint_note(record: dict) -> str:
    """A card's line of what to try, for a run on its own data that fitted poorly (else "")."""
    runs = record.get("runs")
    first = runs[0] if isinstance(runs, list) and runs and isinstance(runs[0], dict) else {}
    hint = first.get("hint")
    return f'<p class="hint">{_text(hint)}</p>\n' if isinstance(hint, str) else ""


def _layers_note(record: dict, say: Texts = ENGLISH) -> str:
    """A card's line for a run of an edited layers.py, or whose gradient check failed (else "")."""
    notes = []
    if isinstance(record.get("layers_edited"), str):
        notes.append(say("layers_edited", digest=record["layers_edited"]))
    if record.get("gradient_check") == "failed":
        notes.append(say("gradient_check_failed"))
    return f'<p class="engine">{_text(" · ".join(notes))}</p>\n' if notes else ""


#: Settings besides n_mid and eta that may vary in a grid, and become columns of its results.
OTHER_AXES = ("activation", "depth", "l2", "batch_size", "momentum")


def said_status(status: str, say: Texts = ENGLISH) -> str:
    """A run's status in the page's language (a status of a crafted record as it is)."""
    return say(f"page_{status}") if status in STATUSES else status


def heading(settings: dict, say: Texts = ENGLISH) -> str:
    """E.g. "n_mid 3 · eta 0.1 · 2001 epochs · seed 0", or "n_mid 1, 3 × eta 0.05, 0.5 · …" for a
    grid; a target other than the sine comes first, e.g. "gauss · n_mid 3 · …"."""
    axes = [("n_mid", _as_list(settings.get("n_mid"))), ("eta", _as_list(settings.get("eta")))]
    axes += [
        (name, _as_list(settings[name]))
        for name in OTHER_AXES
        if len(_as_list(settings.get(name))) > 1
    ]
    shape = " × " if any(len(values) > 1 for _, values in axes) else " · "
    parts = [shape.join(f"{name} {_values(values)}" for name, values in axes if values)]
    if settings.get("target") not in (None, "sin"):
        parts.insert(0, as_text(settings["target"]))
    # your own data: the file's name, or the number of points
    if isinstance(settings.get("data"), dict):
        own = settings["data"]
        count = len(own["x"]) if "x" in own else own.get("points", 0)  # (a long series: in the NPZ)
        parts.insert(0, as_text(own.get("name")) or say("data_points", count=count))
    if "epoch" in settings:
        epochs = settings["epoch"]
        parts.append(say.counted("epochs", epochs, count=as_text(epochs)))
    if "seed" in settings:
        parts.append(f"seed {as_text(settings['seed'])}")
    return " · ".join(part for part in parts if part)


def render_results(runs, say: Texts = ENGLISH, stop_at=None) -> str:
    """A table with the final error and the ending of each network in the run."""
    rows = [run for run in runs if isinstance(run, dict)] if isinstance(runs, list) else []
    if not rows:
        return ""
    varied = [name for name in OTHER_AXES if len({as_text(row.get(name)) for row in rows}) > 1]
    heldout = any("final_heldout_error" in row for row in rows)
    header = "".join(f"<th>{name}</th>" for name in ["n_mid", "eta"] + varied)
    header += f"<th>{say('page_final_error')}</th>" + (
        f"<th>{say('page_heldout_error')}</th>" if heldout else ""
    )
    header += f"<th>{say('page_ending')}</th>"
    lines = [f'<table class="results">\n<tr>{header}</tr>\n']
    for row in rows:
        status = as_text(row.get("status", "unknown"))
        ending = said_status(status, say)
        if status == "diverged" and row.get("diverged_at") is not None:
            ending = say("diverged_at", epoch=as_text(row["diverged_at"]))
        # --stop-at: reached 1e-3 at epoch 666, or not
        ending = stopping.card_ending(row, stop_at, say) or ending
        cells = "".join(
            f"<td>{_text(as_text(row.get(name)))}</td>" for name in ["n_mid", "eta"] + varied
        )
        cells += f'<td class="error">{_text(error(row.get("final_error")))}</td>'
        if heldout:
            cells += f'<td class="error">{_text(error(row.get("final_heldout_error")))}</td>'
        lines.append(f'<tr class="{_status_class(status)}">{cells}<td>{_text(ending)}</td></tr>\n')
    return "".join(lines) + "</table>\n"


def render_settings(settings: dict, say: Texts = ENGLISH) -> str:
    """Every setting, whatever its name, as a definition list."""
    if not settings:
        return ""
    if isinstance(settings.get("data"), dict):  # your own data: not the curve it did not use
        unused = ("target", "noise") if settings.get("noise") == 0 else ("target",)
        settings = {key: value for key, value in settings.items() if key not in unused}
        if settings.get("n_points") == TEXTBOOK_POINTS:  # (all the points: the data say how many)
            del settings["n_points"]
    settings = {
        key: _data_summary(value, say)
        if key == "data"
        else _size(value)
        if key == "size"
        else value
        for key, value in settings.items()
    }
    items = "".join(
        f"<dt>{_text(str(key))}</dt><dd>{_text(as_text(value))}</dd>"
        for key, value in settings.items()
    )
    return f'<dl class="settings">{items}</dl>\n'


def _size(value) -> object:
    """A frame's size as --size is typed, 1920x1080 (a crafted record's value as it is)."""
    if isinstance(value, list) and len(value) == 2 and all(type(side) is int for side in value):
        return f"{value[0]}x{value[1]}"
    return value


def _data_summary(data, say: Texts = ENGLISH) -> object:
    """Your own data in a card: the file's name, the number of points and the digest, not the
    numbers."""
    count = len(data["x"]) if isinstance(data, dict) and isinstance(data.get("x"), list) else None
    points = data.get("points") if isinstance(data, dict) else None
    if isinstance(points, int) and not isinstance(points, bool) and points >= 0:
        count = points  # (a long series: its numbers are in the NPZ)
    if count is None:
        return data
    name = as_text(data.get("name")) if data.get("name") else "(x, y)"
    points = say("data_points", count=count)
    return f"{name}: {points}, sha256 {as_text(data.get('sha256'))[:12]}…"


def error(value) -> str:
    """A final error like 6.29e-05; "—" for none (a network that diverged to NaN)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return f"{value:.2e}"
    return "—"


def as_text(value, depth: int = 0) -> str:
    """A setting's value as text: floats short but exact, lists comma-separated, null as "—"; long
    texts and deeply nested lists (of a crafted record) are cut short."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return show(value)
    if depth >= 3 and isinstance(value, (list, dict)):
        return "…"
    if isinstance(value, list):
        return _values(value[:50], depth + 1) + (", …" if len(value) > 50 else "")
    if isinstance(value, dict):
        items = [
            f"{as_text(key, depth + 1)}: {as_text(item, depth + 1)}"
            for key, item in list(value.items())[:20]
        ]
        return "{" + ", ".join(items) + (", …" if len(value) > 20 else "") + "}"
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _values(values: list, depth: int = 0) -> str:
    return ", ".join(as_text(value, depth) for value in values)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _status_class(status: str) -> str:
    return f"status-{status}" if status in STATUSES else "status-other"


def _text(text: str) -> str:
    """A text for the page: HTML's characters escaped, and control characters as escapes."""
    return html.escape(printable(text), quote=True)


def _url(name: str) -> str:
    """A relative link to a file beside the page: its name's bytes, percent-encoded (also a name
    that is not UTF-8)."""
    return _text(quote(os.fsencode(name)))


def _link(name: str, label: str) -> str:
    return f'<a href="{_url(name)}">{_text(label)}</a>'
