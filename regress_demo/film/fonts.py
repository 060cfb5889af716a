"""The fonts of the frames: matplotlib's own (DejaVu Sans) for English, IPAexGothic for Japanese.

matplotlib's default font has no Japanese characters: they would be drawn as empty boxes. The
Japanese frames take IPAexGothic from the package matplotlib-fontja (the `ja` extra), which bundles
it. The package is never imported (importing it changes matplotlib's settings for every later
figure); its font file is found where the package is installed, added to matplotlib's list of
fonts, and given to the texts of a Japanese figure only, while the figure is built (fonts_for).
English figures are built exactly as before: nothing here runs for them (unless your own data's file
or columns have Japanese names: matplotlib's own font then draws the rest, IPAexGothic those names).
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from pathlib import Path

from ..inputs.extras import NEEDS_FONT, check_font, japanese_font_file  # noqa: F401

FAMILY = "IPAexGothic"
#: Characters the Japanese font lacks (the superscript digits of 10⁻⁵) come from matplotlib's own.
FALLBACK = "DejaVu Sans"


def _register(path: Path) -> None:
    """Add the font file to matplotlib's list of fonts, once (fonts are looked up by family
    name)."""
    from matplotlib import font_manager

    if not any(entry.fname == str(path) for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))


@contextmanager
def fonts_for(language: str):
    """While inside, new texts take the font of this language: for Japanese, IPAexGothic (and
    DejaVu Sans for the few characters it lacks); for English, nothing changes at all."""
    if language not in NEEDS_FONT:
        yield
        return
    import matplotlib

    check_font(language)
    _register(japanese_font_file())
    with matplotlib.rc_context({"font.family": [FAMILY, FALLBACK]}):
        yield


@contextmanager
def japanese_fallback():
    """While inside, new texts take matplotlib's own font, and IPAexGothic (if installed) for the
    characters it lacks."""
    import matplotlib

    path = japanese_font_file()
    if path is None:  # (boxes, as any matplotlib figure draws them)
        yield
        return
    _register(path)
    with matplotlib.rc_context({"font.family": [FALLBACK, FAMILY]}):
        yield


def _names_need_font(settings) -> bool:
    """True if your own data's file or column names hold Chinese or Japanese characters (an English
    figure shows them: matplotlib's own font has none)."""
    own = getattr(settings, "data", None)
    names = (own.name, own.x_label, own.y_label) if hasattr(own, "x_label") else ()
    return any(ord(char) >= 0x2E80 for name in names for char in name)


def in_its_font(make):
    """A function that makes a figure from settings (its first argument), made inside
    fonts_for(settings.lang) (an English one with Japanese names in its data: japanese_fallback)."""

    @functools.wraps(make)
    def made(settings, *args, **kwargs):
        fonts = (
            japanese_fallback()
            if settings.lang not in NEEDS_FONT and _names_need_font(settings)
            else None
        )
        with fonts or fonts_for(settings.lang):
            return make(settings, *args, **kwargs)

    return made
