"""What the frames say about a run's settings: the header lines above the plots.

The header carries the network and its training on one line, and the data on a second when they
are not the textbook's; the textbook's own frame (n_mid and eta in its title) needs no header.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, List

from ..inputs import targets
from ..inputs.settings import Settings, show
from ..network import edits, gradcheck
from ..network import samples as data
from .stopping import threshold
from .texts import texts_of


def _listed(settings: Settings, name: str) -> str:
    return ", ".join(
        show(value) if isinstance(value, float) else str(value) for value in settings.values(name)
    )


def settings_lines(
    settings: Settings, max_chars: int = 200, width: Callable[[str], int] = len
) -> List[str]:
    """All settings of a run for the header of a frame: the network and its training on one line,
    and a second line for the data when it is not the textbook's; lines longer than max_chars are
    broken between settings (their length measured by `width`: characters, or columns)."""
    say = texts_of(settings)
    network = [f"n_mid={_listed(settings, 'n_mid')}"]
    if settings.activation != "sigmoid":
        network.append(f"activation={_listed(settings, 'activation')}")
    if settings.depth != 1:
        network.append(f"depth={_listed(settings, 'depth')}")
    network.append(f"eta={_listed(settings, 'eta')}")
    if settings.momentum != 0:
        network.append(f"momentum={_listed(settings, 'momentum')}")
    if settings.l2 != 0:
        network.append(f"L2={_listed(settings, 'l2')}")
    network += [
        say.counted("epochs", settings.epoch, count=settings.epoch),
        f"wb_width={show(settings.wb_width)}",
        f"seed={settings.seed}",
    ]
    batch = _listed(settings, "batch_size")
    network.append(say("sgd") if batch == "1" else say("minibatch_sgd", batch=batch))
    if settings.stop_at is not None:  # --stop-at
        network.append(say("header_stop_at", limit=threshold(settings.stop_at)))
    samples = []
    if settings.data is not None:  # your own data: the file, its points and their scaling
        from .units import header

        samples += header(settings)
    if settings.target != "sin":
        samples.append(say("header_target", curve=targets.describe(settings.target)))
    if settings.n_points != data.TEXTBOOK_POINTS and settings.data is None:
        samples.append(say("header_samples", count=settings.n_points))
    if settings.noise:
        samples.append(say("header_noise", noise=show(settings.noise)))
    if settings.holdout is not None:  # (numbers, or for dates the dates as typed)
        low, high = (end if isinstance(end, str) else show(end) for end in settings.holdout)
        samples.append(say("header_heldout", low=low, high=high))
    lines = []
    for parts in (network, samples, layers_notes(settings)):
        for i, part in enumerate(parts):
            if i and width(lines[-1]) + 3 + width(part) <= max_chars:
                lines[-1] += "   " + part
            else:
                lines.append(part)
    return lines


def columns(text: str) -> int:
    """How wide a text is in columns: a Japanese character (East Asian wide or full width, about
    an em) takes two, a Latin letter or digit (about half an em) one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def layers_notes(settings: Settings) -> List[str]:
    """What the header says of layers.py, if it is not the shipped file or its gradients are wrong:
    "layers.py edited (3f2a9c)", "gradient check failed"."""
    say, notes = texts_of(settings), []
    digest = edits.edited()
    if digest is not None:
        notes.append(say("layers_edited", digest=digest))
    if gradcheck.check_settings(settings) is not None:
        notes.append(say("gradient_check_failed"))
    return notes


def beyond_textbook(settings: Settings) -> bool:
    """True if the network, its training or its data differ from the textbook's in more than n_mid
    and eta (the settings the textbook's frame names), or layers.py does (layers_notes)."""
    if layers_notes(settings):
        return True
    textbook = Settings(
        n_mid=settings.n_mid,
        eta=settings.eta,
        epoch=settings.epoch,
        wb_width=settings.wb_width,
        seed=settings.seed,
        lang=settings.lang,
    )
    return settings_lines(settings) != settings_lines(textbook)
