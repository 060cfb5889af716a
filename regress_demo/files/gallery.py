"""A gallery of the runs in an output folder: one static page, index.html, with a card for each run.

The page is plain HTML and CSS with relative links only, so it opens from the folder itself with no
server and no network. The same folder (the same files and modification times) gives the same bytes.
The page speaks the language of the newest run in the folder (its --lang; texts.py holds the texts).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Optional

from ..film.texts import LANGUAGES, Texts
from ..inputs.checks import MAX_FRAMES, MAX_PANELS, MAX_STILLS
from . import player
from .cards import (  # noqa: F401 - also what the tests read of a card
    DEFAULTS,
    ENGLISH,
    MAX_TEXT,
    Run,
    _text,
    heading,
    render_card,
    render_results,
)
from .finding import render_compare, render_tools, setting_options
from .paths import GENERATOR, INDEX_NAME, RECORD_KIND, json_loads
from .staged import read_text, staged_with
from .writers import WRITERS, WholeFiles


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
        # (a file name that is not UTF-8 shows with a replacement character; its links keep its
        # bytes)
        page = render_page(find_runs(folder)).encode("utf-8", errors="replace").decode("utf-8")
        self.files.append(
            staged_with(self.path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
        )


def find_runs(folder: Path) -> list[Run]:
    """The runs recorded in `folder`, newest record first (ties by name); anything else is
    skipped."""
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
    """(file name, what: a still's epoch, "sheet" or "handout", PNG or PDF) of the files for print
    the record names and that are there: the contact sheet's PDF (--sheet print), each still
    (--still) as PNG and PDF, the handout (--handout); then those of earlier runs of its name that
    it lists as still there (a still of another --still)."""
    names = [record.get("sheet_pdf")] + (
        record.get("stills") if isinstance(record.get("stills"), list) else []
    )
    entries = record.get("files") if isinstance(record.get("files"), list) else []
    names += [
        entry.get("name") for entry in entries if isinstance(entry, dict) and entry.get("earlier")
    ]
    links = []
    for name in dict.fromkeys(name for name in names if isinstance(name, str)):
        if _file_beside(record_path, name) is None:
            continue
        still = re.search(r"-epoch(\d+)\.(png|pdf)$", name)
        if still:
            what = still.group(1)
        elif name.endswith("-handout.pdf"):
            what = "handout"
        elif name == record.get("sheet_pdf"):
            what = "sheet"
        else:
            continue  # (an earlier video, sheet or weights: not a file for print)
        links.append((name, what, name.rsplit(".", 1)[-1].upper()))
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
            " each run writes an animated GIF and a run record, and this page shows them."
            "</p>\n</main>\n"
        )
    script = player.asset("player.js") if any(run.videos for run in runs) else ""
    script += player.asset("find.js") + player.asset("compare.js") if runs else ""
    style = player.asset("gallery.css") + player.asset("player.css")
    style += player.asset("gallery-ja.css") if language == "ja" else ""
    # --stop-at (only then: the page is as before)
    if any(run.record.get("status") == "reached" for run in runs):
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


#: A Japanese page asks for the Japanese font the frames are drawn in, then those of the common
#: systems, before the generic one.

#: Finding a run: the search field, the filters, the sorting.

#: Comparing two runs: their films side by side, stepped together by epoch, from file://.
