"""The gallery's tools to find and compare runs: the search field, the filters and the sorting above
the cards, and the compare view of two ticked runs (the HTML; the page's script does the rest)."""

from __future__ import annotations

from ..film.texts import Texts
from .cards import MAX_OPTIONS, Run, _setting_values, _settings_of, _text, said_status


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


def _number_first(text: str) -> tuple:
    """Numbers in their order (1, 3, 10), then texts in theirs."""
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)


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
