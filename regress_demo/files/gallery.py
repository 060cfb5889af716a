"""A gallery of the runs in an output folder: one static page, index.html, with a card for each run.

The page is plain HTML and CSS with relative links only, so it opens from the folder itself with no
server and no network. The same folder (the same files and modification times) gives the same bytes.
The page speaks the language of the newest run in the folder (its --lang; texts.py holds the texts).
"""

from __future__ import annotations

import html
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
from ..inputs.settings import show
from ..network.samples import TEXTBOOK_POINTS
from . import player
from .paths import GENERATOR, INDEX_NAME, RECORD_KIND, json_loads
from .staged import read_text, staged_with
from .writers import WRITERS, WholeFiles

ENGLISH = Texts("en")

#: Longer texts in a record (a crafted one) are cut on the page.
MAX_TEXT = 500
#: Statuses that get their own colour; anything else is shown as it is, in neutral grey.
STATUSES = ("finished", "diverged", "interrupted", "reached")


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
    """The whole gallery page, in the language of the newest run."""
    language = page_language(runs)
    say = Texts(language)
    count = say("page_one_run" if len(runs) == 1 else "page_runs", count=len(runs))
    if runs:
        body = (
            '<main class="cards">\n' + "".join(render_card(run, say) for run in runs) + "</main>\n"
        )
    else:
        body = (
            '<main class="empty">\n<p>No runs here yet. Make one with <code>regress-demo</code>:'
            " each run writes an animated GIF and a run record, and this page shows them.</p>\n</main>\n"
        )
    script = player.SCRIPT if any(run.videos for run in runs) else ""
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
    )


def render_card(run: Run, say: Texts = ENGLISH) -> str:
    """One run's card: the GIF, a heading, the status, the final errors, the settings and links."""
    record = run.record
    settings = record.get("settings") if isinstance(record.get("settings"), dict) else {}
    title = heading(settings, say) or run.gif
    status = str(record.get("status", "unknown"))
    frames = record.get("frames")
    frames_note = (
        say("page_frames", count=frames)
        if isinstance(frames, int) and not isinstance(frames, bool)
        else ""
    )
    engine = record.get("engine")
    engine_note = (
        f'<p class="engine">{_text(say("page_engine", engine=say.engine(engine)))}</p>\n'
        if isinstance(engine, str)
        else ""
    )
    layers_note = _layers_note(record, say) + _hint_note(record)
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
    alt = say("page_alt", title=title)
    fps = settings.get("fps") if isinstance(settings.get("fps"), (int, float)) else None
    film = (
        player.render_player(run.videos, record, fps, alt, say)
        if fps and math.isfinite(fps) and fps > 0
        else ""
    )
    if not film:
        film = f'<a class="shot" href="{_url(run.gif)}"><img src="{_url(run.gif)}" alt="{_text(alt)}" loading="eager"></a>\n'
    return (
        f'<article class="card {_status_class(status)}">\n'
        f"{film}"
        f'<div class="body">\n'
        f"<h2>{_text(title)}</h2>\n"
        f'<p class="status"><span class="badge">{_text(said_status(status, say))}</span>{_text(frames_note)}</p>\n'
        f"{engine_note}"
        f"{layers_note}"
        f"{render_results(record.get('runs'), say, settings.get('stop_at'))}"
        f"{render_settings(settings, say)}"
        f'<p class="links">{" · ".join(links)}</p>\n'
        f"</div>\n</article>\n"
    )


def _hint_note(record: dict) -> str:
    """A card's line of what to try, for a run on its own data that fitted poorly (else "")."""
    runs = record.get("runs")
    hint = (
        runs[0].get("hint")
        if isinstance(runs, list) and runs and isinstance(runs[0], dict)
        else None
    )
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
    if isinstance(settings.get("data"), dict):  # your own data: not the curve it did not use
        unused = ("target", "noise") if settings.get("noise") == 0 else ("target",)
        settings = {key: value for key, value in settings.items() if key not in unused}
        if settings.get("n_points") == TEXTBOOK_POINTS:  # (all the points: the data say how many)
            del settings["n_points"]
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
    count = len(data["x"]) if isinstance(data, dict) and isinstance(data.get("x"), list) else None
    if isinstance(data, dict) and _is_count(data.get("points")):  # (a long series: in the NPZ)
        count = data["points"]
    if count is None:
        return data
    name = as_text(data.get("name")) if data.get("name") else "(x, y)"
    return f"{name}: {say('data_points', count=count)}, sha256 {as_text(data.get('sha256'))[:12]}…"


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
</header>
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
"""

#: A Japanese page asks for the Japanese fonts of the common systems before the generic one.
JAPANESE_STYLE = """\
body { font-family: system-ui, "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic UI", "Yu Gothic", Meiryo,
  "Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", sans-serif; }
"""
