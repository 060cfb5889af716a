"""A gallery of the runs in an output folder: one static page, index.html, with a card for each run.

The page is plain HTML and CSS with relative links only, so it opens from the folder itself with no
server and no network. The same folder (the same files and modification times) gives the same bytes.
The page speaks the language of the newest run in the folder (its --lang; texts.py holds the texts).
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from ..film import stopping
from ..film.texts import LANGUAGES, Texts
from ..inputs.checks import MAX_FRAMES, MAX_PANELS, MAX_STILLS
from ..inputs.settings import Settings, show
from . import player
from .paths import GENERATOR, INDEX_NAME, RECORD_KIND, json_loads
from .staged import read_text, staged_with
from .writers import WRITERS, WholeFiles

ENGLISH = Texts("en")

#: Longer texts in a record (a crafted one) are cut on the page.
MAX_TEXT = 500
#: Statuses that get their own colour; anything else is shown as it is, in neutral grey.
STATUSES = ("finished", "diverged", "interrupted", "reached")
#: Cards whose films are fetched at once: about a first screen; the rest as they come near it.
FIRST_SCREEN = 6
#: The textbook's settings, as a record keeps them: a card names those that differ.
DEFAULTS = Settings().as_dict()
#: Settings that change how a run is shown or where, not what it learns: not named as differing.
SHOWN_ONLY = ("lang", "video", "size", "style", "fps", "hold", "still", "sheet", "dpi", "data")
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
    prints: list = field(
        default_factory=list
    )  # (file name, epoch or None, kind) of the files for print there
    gif_path: Optional[Path] = None  # where the GIF is (its header gives its size)


def write_index(folder) -> Optional[Path]:
    """Regenerate `folder`/index.html, a gallery of every run in `folder`, and return its path.

    An index.html that this gallery did not write is left as it is (and None is returned).
    """
    with GalleryPage(Path(folder) / INDEX_NAME) as page:
        page.add(folder)
        return page.commit()[0] if page.staged() else None


@WRITERS.register
class GalleryPage(WholeFiles):
    """The folder's gallery, index.html, regenerated after each run (not one of the run's files)."""

    kind, suffixes, in_run = "gallery", (".html",), False

    @classmethod
    def targets(cls, gif_path: Path, settings) -> list:
        return [gif_path.parent / INDEX_NAME]

    def __init__(self, path: Path):
        super().__init__()
        self.path = path

    def add(self, folder):
        """The page of every run in `folder`; nothing if its index.html is not the gallery's."""
        folder = Path(folder)
        if os.path.lexists(self.path):
            try:  # only the head of a regular file is read: a FIFO or /dev/zero is not ours
                ours = GENERATOR in read_text(self.path, limit=64 * 1024, head=True)
            except OSError:
                ours = False
            if not ours:
                return
        # (a file name that is not UTF-8 shows with a replacement character; its links keep its bytes)
        page = render_page(find_runs(folder)).encode("utf-8", errors="replace").decode("utf-8")
        self.files.append(
            staged_with(self.path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        )


def find_runs(folder: Path) -> list[Run]:
    """The runs recorded in `folder`, newest record first (ties by name); anything else is skipped."""
    runs = [run for path in folder.glob("*.json") if (run := read_run(path)) is not None]
    return sorted(runs, key=lambda run: (-run.mtime_ns, run.record_name))


def read_run(path: Path) -> Optional[Run]:
    """The run recorded in `path`; None if it is no run record or its GIF is gone."""
    try:  # a regular file of a sane size only: not a FIFO, /dev/zero or a huge file
        mtime_ns = path.stat().st_mtime_ns
        record = json_loads(read_text(path))
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON, or nested too deeply
        return None
    if not isinstance(record, dict) or record.get("kind") != RECORD_KIND or not shown(record):
        return None
    gif = _file_beside(path, record.get("gif"))
    if gif is None:
        return None
    names = record.get("videos") if isinstance(record.get("videos"), list) else []
    videos = [
        name
        for name in names
        if isinstance(name, str)
        and name.rsplit(".", 1)[-1] in player.TYPES
        and _file_beside(path, name) is not None
    ]
    return Run(
        path.name,
        mtime_ns,
        record,
        gif,
        _file_beside(path, record.get("sheet")),
        videos,
        _prints(path, record),
        path.parent / gif,
    )


def shown(record: dict) -> bool:
    """True if a card can show the record: each field the card reads of the type and at most the
    length that regress-demo writes. A record is a stranger's input (shared, edited, crafted): one
    that is not is skipped, and the other cards are as they were."""
    settings = record.get("settings", {})
    if not isinstance(settings, dict):
        return False
    data = settings.get("data")
    if data is not None:
        from ..inputs.owndata import JSON_POINTS  # (loaded for a run on its own data only)
    if data is not None and not (
        isinstance(data, dict)
        and isinstance(data.get("x", []), list)
        and len(data.get("x", [])) <= JSON_POINTS
        and _is_count(data.get("points", 0))
    ):
        return False
    most = {
        "frame_epochs": MAX_FRAMES,
        "runs": MAX_PANELS,
        "videos": 2,
        "stills": 2 * MAX_STILLS,
    }
    if not all(
        isinstance(record.get(key, []), list) and len(record.get(key, [])) <= count
        for key, count in most.items()
    ):
        return False
    rows = [row for row in record.get("runs", []) if isinstance(row, dict)]
    texts = [record.get("status", ""), record.get("engine", "")]
    if not all(text is None or isinstance(text, str) and len(text) <= MAX_TEXT for text in texts):
        return False
    statuses = [row.get("status") for row in rows]  # (others are shown as text, cut short)
    return all(len(status) <= MAX_TEXT for status in statuses if isinstance(status, str))


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _prints(record_path: Path, record: dict) -> list:
    """(file name, epoch or None, PNG or PDF) of the files for print the record names and that are
    there: the contact sheet's PDF (--sheet print), then each still (--still) as PNG and PDF."""
    names = [record.get("sheet_pdf")] + (
        record.get("stills") if isinstance(record.get("stills"), list) else []
    )
    links = []
    for name in names:
        if _file_beside(record_path, name) is None:
            continue
        epoch = re.search(r"-epoch(\d+)\.(png|pdf)$", name)
        kind = name.rsplit(".", 1)[-1].upper()
        links.append((name, epoch.group(1) if epoch else None, kind))
    return links


def _file_beside(record_path: Path, name) -> Optional[str]:
    """`name` if it is a plain file name of an existing file beside the record, else None."""
    if not isinstance(name, str) or not name or Path(name).name != name:
        return None
    return name if (record_path.parent / name).is_file() else None


def page_language(runs: list[Run]) -> str:
    """The language of the page: that of the newest run (its --lang), English if it names none."""
    settings = runs[0].record.get("settings") if runs else None
    language = settings.get("lang") if isinstance(settings, dict) else None
    return language if isinstance(language, str) and language in LANGUAGES else "en"


def render_page(runs: list[Run]) -> str:
    """The whole gallery page, in the language of the newest run: the tools to find and compare
    runs, then a card for each run."""
    language = page_language(runs)
    say = Texts(language)
    count = say("page_one_run" if len(runs) == 1 else "page_runs", count=len(runs))
    if runs:
        options = setting_options(runs)
        cards = "".join(render_card(run, say, order, options) for order, run in enumerate(runs))
        body = render_tools(runs, options, say) + f'<main class="cards">\n{cards}</main>\n'
        body += render_compare(say)  # (over the cards, when open)
    else:
        body = (
            '<main class="empty">\n<p>No runs here yet. Make one with <code>regress-demo</code>:'
            " each run writes an animated GIF and a run record, and this page shows them.</p>\n</main>\n"
        )
    script = player.SCRIPT if any(run.videos for run in runs) else ""
    script += FIND_SCRIPT + COMPARE_SCRIPT if runs else ""
    style = STYLE + player.STYLE + (JAPANESE_STYLE if language == "ja" else "")
    if any(
        run.record.get("status") == "reached" for run in runs
    ):  # --stop-at (only then: the page is as before)
        style += REACHED_STYLE
    return PAGE.format(
        generator=GENERATOR,
        style=style,
        count=_text(count),
        body=body,
        script=script,
        lang=language,
        intro=_text(say("page_intro")),
        help=f'<p class="compare-help">{_text(say("page_compare_help"))}</p>\n' if runs else "",
    )


def setting_options(runs: list[Run]) -> dict:
    """The choices of the setting filter: each value of a setting that varies between the runs
    (each value of a grid's axis on its own), e.g. ("n_mid", "10"), numbered in order."""
    values: dict = {}
    for run in runs:
        for name, value in _setting_values(_settings_of(run)):
            values.setdefault(name, set()).add(value)
    choices = []
    for name, found in values.items():
        if 1 < len(found) <= MAX_OPTIONS:
            choices += [(name, value) for value in sorted(found, key=_number_first)]
    return {choice: number for number, choice in enumerate(choices)}


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


def _number_first(text: str) -> tuple:
    """Numbers in their order (1, 3, 10), then texts in theirs."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


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


def render_tools(runs: list[Run], options: dict, say: Texts) -> str:
    """The search field, the filters and the sorting."""
    statuses = sorted({str(run.record.get("status", "unknown")) for run in runs})
    status_options = "".join(
        f'<option value="{_text(status)}">{_text(said_status(status, say))}</option>'
        for status in statuses
    )
    setting_choices = "".join(
        f'<option value="{number}">{_text(name)} {_text(value)}</option>'
        for (name, value), number in options.items()
    )
    any_option = f'<option value="">{_text(say("page_any"))}</option>'
    sources = (
        f'{any_option}<option value="curve">{_text(say("page_curves"))}</option>'
        f'<option value="data">{_text(say("page_own_data"))}</option>'
    )
    sorts = (
        f'<option value="newest">{_text(say("page_newest"))}</option>'
        f'<option value="error">{_text(say("page_by_error"))}</option>'
    )
    shown = say("page_shown", shown=len(runs), count=len(runs))
    template = say("page_shown", shown="{shown}", count="{count}")  # (the script fills it in)
    fields = [
        ("find-text", "page_search", '<input type="search" id="find-text">'),
        ("find-status", "page_status", _select("find-status", any_option + status_options)),
        ("find-setting", "page_setting", _select("find-setting", any_option + setting_choices)),
        ("find-source", "page_source", _select("find-source", sources)),
        ("find-sort", "page_sort", _select("find-sort", sorts)),
    ]
    labels = "".join(
        f'<label for="{name}">{_text(say(key))}</label>{field}' for name, key, field in fields
    )
    return (
        f'<form class="find" role="search" data-shown="{_text(template)}">\n{labels}\n'
        f'<output id="find-count" aria-live="polite">{_text(shown)}</output>\n</form>\n'
    )


def _select(name: str, options: str) -> str:
    return f'<select id="{name}">{options}</select>'


def render_compare(say: Texts) -> str:
    """The compare view, filled by the page's script when two cards are ticked: both films, one
    slider of epochs, each film's epoch and error, and the settings in which the two differ."""
    texts = {
        "frame": say("page_compare_frame", epoch="{epoch}", error="{error}"),
        "epoch": say("page_compare_epoch", epoch="{epoch}"),
        "differ": say("page_differ", changes="{changes}"),
        "same": say("page_same"),
        "book": say("page_layers_book"),
        "choose": say("page_choose_gif", name="{name}"),
        "no-decoder": say("page_no_decoder"),
    }
    data = "".join(f' data-{key}="{_text(text)}"' for key, text in texts.items())
    button = '<button type="button" class="{0}" aria-label="{1}">{2}</button>'
    return (
        f'<section id="compare" class="compare" aria-labelledby="compare-title" tabindex="-1"'
        f"{data} hidden>\n"
        f'<h2 id="compare-title">{_text(say("page_compare"))}</h2>\n'
        f'<p class="differ"></p>\n<div class="sides"></div>\n<div class="controls">'
        + button.format("back", _text(say("page_previous")), "◀")
        + button.format("forward", _text(say("page_next")), "▶")
        + f'<input class="seek" type="range" min="0" max="0" step="1" value="0" '
        f'aria-label="{_text(say("page_epoch"))}">'
        + f'<button type="button" class="full">{_text(say("player_full_screen"))}</button>'
        + button.format("close", _text(say("page_close")), "✕")
        + "</div>\n</section>\n"
    )


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
        f"{_layers_note(record, say)}"
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
        say("page_frames", count=frames)
        if isinstance(frames, int) and not isinstance(frames, bool)
        else ""
    )
    best = best_error(record)
    if best is not None:
        line += say("page_best" if grid else "page_final", error=error(best))
    badge = f'<span class="badge">{_text(said_status(status, say))}</span>'
    return f'<p class="status">{badge}{_text(line)}</p>\n'


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
    links += [
        _link(
            name,
            say("page_still", epoch=epoch, kind=kind) if epoch else say("page_sheet_of", kind=kind),
        )
        for name, epoch, kind in run.prints
    ]
    return links


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
    """E.g. "n_mid 3 · eta 0.1 · 2001 epochs · seed 0", or "n_mid 1, 3 × eta 0.05, 0.5 · …" for a grid;
    a target other than the sine comes first, e.g. "gauss · n_mid 3 · …"."""
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
    if isinstance(
        settings.get("data"), dict
    ):  # your own data: the file's name, or the number of points
        own = settings["data"]
        count = len(own["x"]) if "x" in own else own.get("points", 0)  # (a long series: in the NPZ)
        parts.insert(0, as_text(own.get("name")) or say("data_points", count=count))
    if "epoch" in settings:
        parts.append(say("epochs", count=as_text(settings["epoch"])))
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
        ending = (
            stopping.card_ending(row, stop_at, say) or ending
        )  # --stop-at: reached 1e-3 at epoch 666, or not
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
    settings = {
        key: _data_summary(value, say) if key == "data" else value
        for key, value in settings.items()
    }
    items = "".join(
        f"<dt>{_text(str(key))}</dt><dd>{_text(as_text(value))}</dd>"
        for key, value in settings.items()
    )
    return f'<dl class="settings">{items}</dl>\n'


def _data_summary(data, say: Texts = ENGLISH) -> object:
    """Your own data in a card: the file's name, the number of points and the digest, not the numbers."""
    if not isinstance(data, dict) or not isinstance(data.get("x"), list):
        return data
    name = as_text(data.get("name")) if data.get("name") else "(x, y)"
    return f"{name}: {say('data_points', count=len(data['x']))}, sha256 {as_text(data.get('sha256'))[:12]}…"


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
    return html.escape(text, quote=True)


def _url(name: str) -> str:
    """A relative link to a file beside the page: its name's bytes, percent-encoded (also a name that
    is not UTF-8)."""
    return _text(quote(os.fsencode(name)))


def _link(name: str, label: str) -> str:
    return f'<a href="{_url(name)}">{_text(label)}</a>'


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{generator}
<title>regress-demo · {count}</title>
<style>
{style}</style>
</head>
<body>
<header>
<h1>regress-demo <span class="count">{count}</span></h1>
<p>{intro}</p>
{help}</header>
{body}{script}</body>
</html>
"""

#: The badge of a run that stopped at --stop-at's error: as a finished one's.
REACHED_STYLE = ".status-reached .badge { background: var(--ok); }\n"

STYLE = """\
:root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --paper: #f6f8fa; --card: #ffffff;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem clamp(1rem, 3vw, 2.5rem) 3rem; background: var(--paper); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { max-width: 80rem; margin: 0 auto 1.5rem; }
h1 { margin: 0 0 0.25rem; font-size: 1.6rem; }
h1 .count { font-size: 1rem; font-weight: normal; color: var(--muted); margin-left: 0.5rem; }
header p { margin: 0; color: var(--muted); }
.cards { max-width: 80rem; margin: 0 auto; display: grid; gap: 1.25rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr)); }
.card { display: flex; flex-direction: column; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; box-shadow: 0 1px 3px rgba(31, 35, 40, 0.08); }
.card.status-diverged { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad); }
.card.status-interrupted { border-color: var(--warn); box-shadow: 0 0 0 1px var(--warn); }
.shot { display: block; background: #fff; border-bottom: 1px solid var(--line); }
.shot img { display: block; width: 100%; height: auto; }
.body { padding: 0.9rem 1rem 1rem; }
h2 { margin: 0 0 0.4rem; font-size: 1.05rem; line-height: 1.3; }
.status { margin: 0 0 0.7rem; color: var(--muted); font-size: 0.9rem; }
.engine { margin: -0.4rem 0 0.7rem; color: var(--muted); font-size: 0.85rem; }
.badge { display: inline-block; padding: 0.05rem 0.55rem; border-radius: 999px; font-weight: 600;
  font-size: 0.8rem; color: #fff; background: var(--muted); }
.status-finished .badge { background: var(--ok); }
.status-diverged .badge { background: var(--bad); }
.status-interrupted .badge { background: var(--warn); }
.results { width: 100%; border-collapse: collapse; font-size: 0.85rem; margin-bottom: 0.7rem; }
.results th, .results td { text-align: left; padding: 0.2rem 0.4rem; border-bottom: 1px solid var(--line); }
.results th { color: var(--muted); font-weight: 600; }
.results td.error { font-variant-numeric: tabular-nums; }
.results tr.status-diverged td { color: var(--bad); }
.results tr.status-interrupted td { color: var(--warn); }
.settings { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0 0 0.7rem;
  font-size: 0.8rem; color: var(--muted); }
.settings dt { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.settings dd { margin: 0; color: var(--ink); overflow-wrap: anywhere; }
.links { margin: 0; font-size: 0.9rem; }
a { color: #0969da; }
.empty { max-width: 80rem; margin: 0 auto; padding: 2rem; background: var(--card); border: 1px dashed var(--line);
  border-radius: 10px; text-align: center; color: var(--muted); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #eff2f5;
  padding: 0.1rem 0.35rem; border-radius: 4px; color: var(--ink); }
[hidden] { display: none !important; }
.card { content-visibility: auto; contain-intrinsic-size: auto 22rem auto 44rem; }
button, input, select { font: inherit; }
.changed { margin: -0.2rem 0 0.5rem; font-size: 0.9rem; }
.pick { margin: 0 0 0.6rem; font-size: 0.9rem; }
details { margin: 0 0 0.7rem; font-size: 0.9rem; }
summary { cursor: pointer; color: var(--muted); margin-bottom: 0.4rem; }
.find { max-width: 80rem; margin: 0 auto 1rem; display: flex; flex-wrap: wrap; gap: 0.4rem 0.6rem;
  align-items: center; }
.find label { color: var(--muted); font-size: 0.9rem; }
.find input[type=search] { min-width: 14rem; }
.find output { color: var(--muted); font-size: 0.9rem; }
header .compare-help { margin-top: 0.3rem; font-size: 0.9rem; }
.compare { position: fixed; inset: 1rem; z-index: 10; max-width: 80rem; margin: 0 auto;
  padding: 1rem; overflow: auto; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; box-shadow: 0 8px 30px rgba(31, 35, 40, 0.35); }
.compare h2 { margin-bottom: 0.2rem; }
.compare .differ { margin: 0 0 0.6rem; }
.compare:fullscreen { overflow: auto; }
.compare .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.compare figure { margin: 0; }
.compare figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.compare video, .compare img, .compare canvas { display: block; width: 100%; height: auto;
  max-height: 72vh; object-fit: contain; }
.compare output { display: block; color: var(--muted); font-variant-numeric: tabular-nums; }
.compare .controls { display: flex; gap: 0.4rem; align-items: center; margin-top: 0.6rem; }
.compare .seek { flex: 1; }
"""

#: A Japanese page asks for the Japanese font the frames are drawn in, then those of the common
#: systems, before the generic one.
JAPANESE_STYLE = """\
body { font-family: IPAexGothic, "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo,
  sans-serif; }
"""

#: Finding a run: the search field, the filters, the sorting.
FIND_SCRIPT = """\
<script>
(function () {
  var main = document.querySelector("main.cards"), form = document.querySelector(".find");
  var cards = Array.prototype.slice.call(main.querySelectorAll("article.card"));
  var words = null;  // each card's text, read at the first search
  function value(id) { return document.getElementById(id).value; }
  function fill(text, values) {  // "epoch {epoch}" with the values put in
    return text.replace(/\\{(\\w+)\\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  function find() {  // show the cards that match every field
    var asked = value("find-text").toLowerCase().split(/\\s+/).filter(Boolean);
    var status = value("find-status"), setting = value("find-setting");
    var source = value("find-source");
    var shown = 0;
    words = words || cards.map(function (card) { return card.textContent.toLowerCase(); });
    cards.forEach(function (card, i) {
      var match = asked.every(function (word) { return words[i].indexOf(word) >= 0; })
        && (!status || card.dataset.status === status)
        && (!setting || card.dataset.tags.split(" ").indexOf(setting) >= 0)
        && (!source || card.dataset.source === source);
      card.hidden = !match;
      shown += match ? 1 : 0;
    });
    var count = {shown: shown, count: cards.length};
    document.getElementById("find-count").textContent = fill(form.dataset.shown, count);
  }
  function error(card) { return card.dataset.error === "" ? Infinity : Number(card.dataset.error); }
  function sort() {  // newest first, or the least final error first (runs without one last)
    var order = cards.slice();
    if (value("find-sort") === "error") {
      order.sort(function (a, b) {
        return error(a) - error(b) || a.dataset.order - b.dataset.order;
      });
    }
    order.forEach(function (card) { main.appendChild(card); });
  }
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("input", function (event) {
    if (event.target.id === "find-sort") { sort(); } else { find(); }
  });
})();
</script>
"""

#: Comparing two runs: their films side by side, stepped together by epoch, from file://.
COMPARE_SCRIPT = """\
<script>
(function () {
  var cards = Array.prototype.slice.call(document.querySelectorAll("main.cards article.card"));
  function fill(text, values) {  // "epoch {epoch}" with the values put in
    return text.replace(/\\{(\\w+)\\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }
  var view = document.getElementById("compare"), sides = view.querySelector(".sides");
  var seek = view.querySelector(".seek"), picked = [], films = [], epochs = [];
  function settingsOf(card) {  // the card's settings (its folded list), and which layers.py
    var found = {"layers.py": card.dataset.layers || view.dataset.book};
    card.querySelectorAll(".settings dt").forEach(function (name) {
      found[name.textContent] = name.nextElementSibling.textContent;
    });
    return found;
  }
  function differ(a, b) {  // "eta 0.1 / 0.5, seed 0 / 1"
    var one = settingsOf(a), two = settingsOf(b), parts = [];
    Object.keys(one).concat(Object.keys(two)).forEach(function (name) {
      var text = name === "layers.py" ? "" : name + " ";
      text += (one[name] || "—") + " / " + (two[name] || "—");
      if (one[name] !== two[name] && parts.indexOf(text) < 0) { parts.push(text); }
    });
    if (!parts.length) { return view.dataset.same; }
    return fill(view.dataset.differ, {changes: parts.join(", ")});
  }
  function side(card) {  // one of the two films, with its epoch and error under it
    var film = {card: card, epochs: JSON.parse(card.dataset.epochs),
      errors: JSON.parse(card.dataset.errors), fps: Number(card.dataset.fps), frame: 0,
      figure: document.createElement("figure"), readout: document.createElement("output"),
      note: null};
    var caption = document.createElement("figcaption"), video = card.querySelector(".player video");
    caption.textContent = card.querySelector("h2").textContent;
    if (video) {  // a video: to the middle of frame k
      film.media = document.createElement("video");
      film.media.muted = true; film.media.playsInline = true; film.media.preload = "auto";
      film.media.innerHTML = video.innerHTML;
      film.draw = function (k) { film.media.currentTime = (k + 0.5) / film.fps; };
      film.steps = true;
    } else { gif(film); }
    [caption, film.media, film.readout, film.note].forEach(function (part) {
      if (part) { film.figure.appendChild(part); }
    });
    return film;
  }
  // a GIF: its frames drawn to a canvas, once its file is chosen (a page may not read it itself)
  function gif(film) {
    var image = document.createElement("img"), canvas = document.createElement("canvas");
    image.src = film.card.dataset.gif; image.alt = film.card.querySelector(".shot img").alt;
    film.media = image; film.draw = function () {};
    film.note = document.createElement("p"); film.note.className = "note";
    if (!("ImageDecoder" in window)) { film.note.textContent = view.dataset.noDecoder; return; }
    var label = document.createElement("label"), input = document.createElement("input");
    input.type = "file"; input.accept = ".gif,image/gif";
    var name = decodeURIComponent(film.card.dataset.gif);
    label.textContent = fill(view.dataset.choose, {name: name}) + " ";
    label.appendChild(input); film.note.appendChild(label);
    input.addEventListener("change", function () {
      input.files[0].arrayBuffer().then(function (bytes) {
        var decoder = new ImageDecoder({data: bytes, type: "image/gif"});
        decoder.tracks.ready.then(function () {
          canvas.setAttribute("role", "img"); canvas.setAttribute("aria-label", image.alt);
          film.figure.replaceChild(canvas, image); film.media = canvas; film.note.hidden = true;
          film.steps = true;
          film.draw = function (k) {
            decoder.decode({frameIndex: k}).then(function (result) {
              if (k === film.frame) {  // (the latest one asked for)
                canvas.width = result.image.displayWidth;
                canvas.height = result.image.displayHeight;
                canvas.getContext("2d").drawImage(result.image, 0, 0);
                canvas.dataset.frame = k;
              }
              result.image.close();
            });
          };
          go(Number(seek.value));
        });
      });
    });
  }
  function exponent(x) {  // 8.42e-06, as Python writes it
    return x.toExponential(2).replace(/e([+-])(\\d)$/, function (all, sign, digit) {
      return "e" + sign + "0" + digit;
    });
  }
  // both films to the i-th of their epochs taken together: each to its last frame at or before it
  function go(i) {
    i = Math.max(0, Math.min(epochs.length - 1, i));
    seek.value = i;
    seek.setAttribute("aria-valuetext", fill(view.dataset.epoch, {epoch: epochs[i]}));
    films.forEach(function (film) {
      var k = 0;
      while (k + 1 < film.epochs.length && film.epochs[k + 1] <= epochs[i]) { k += 1; }
      film.frame = k; film.draw(k);
      var error = film.errors[k], text = error === null ? view.dataset.epoch : view.dataset.frame;
      var values = {epoch: film.epochs[k], error: error === null ? "" : exponent(error)};
      film.readout.textContent = film.steps ? fill(text, values) : "";  // (a GIF on its own: none)
    });
  }
  function open() {
    sides.textContent = ""; films = picked.map(side);
    films.forEach(function (film) { sides.appendChild(film.figure); });
    epochs = films[0].epochs.concat(films[1].epochs).sort(function (a, b) { return a - b; })
      .filter(function (epoch, i, all) { return i === 0 || epoch !== all[i - 1]; });
    seek.max = Math.max(0, epochs.length - 1);
    view.querySelector(".differ").textContent = differ(picked[0], picked[1]);
    view.hidden = false; go(0); view.focus();
  }
  function close() { view.hidden = true; sides.textContent = ""; films = []; }
  cards.forEach(function (card) {
    var box = card.querySelector(".pick-box");
    box.addEventListener("change", function () {  // two ticked: compared; a third replaces one
      picked = picked.filter(function (other) { return other !== card; });
      if (box.checked) { picked.push(card); }
      while (picked.length > 2) { picked.shift().querySelector(".pick-box").checked = false; }
      if (picked.length === 2) { open(); } else { close(); }
    });
  });
  function done() {  // the view closed, nothing ticked, the keyboard back on the last card ticked
    if (picked.length) { picked[picked.length - 1].querySelector(".pick-box").focus(); }
    close();
    picked.forEach(function (card) { card.querySelector(".pick-box").checked = false; });
    picked = [];
  }
  view.querySelector(".close").addEventListener("click", done);
  function step(by) { return function () { go(Number(seek.value) + by); }; }
  view.querySelector(".back").addEventListener("click", step(-1));
  view.querySelector(".forward").addEventListener("click", step(1));
  view.querySelector(".full").addEventListener("click", function () {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else { view.requestFullscreen(); }
  });
  seek.addEventListener("input", function () { go(Number(seek.value)); });
  view.addEventListener("keydown", function (event) {  // the arrows, Home and End step both films
    if (event.key === "Escape" && !document.fullscreenElement) { done(); return; }
    if (event.target.tagName === "INPUT") { return; }
    var at = Number(seek.value);
    var keys = {ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: epochs.length - 1};
    if (!(event.key in keys)) { return; }
    go(keys[event.key]); event.preventDefault();
  });
})();
</script>
"""
