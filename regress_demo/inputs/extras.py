"""The optional packages a setting may need (the extras of pyproject.toml), found without importing
them: importing matplotlib-fontja would change matplotlib's settings for every later figure."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Optional

from .errors import MissingPackage

#: The package that bundles the Japanese font (the `ja` extra), and the font in it.
FONT_PACKAGE = "matplotlib_fontja"
FONT_FILE = Path("fonts") / "ipaexg.ttf"
#: How to install it, as the one-line message says.
FONT_INSTALL = "pip install -e '.[ja]' (or pip install matplotlib-fontja)"
#: The languages whose frames need a font of their own.
NEEDS_FONT = ("ja",)
#: PyAV (the `video` extra), which writes MP4 and WebM through imageio, and how to install it.
VIDEO_PACKAGE = "av"
VIDEO_INSTALL = "pip install -e '.[video]' (or pip install av)"


def japanese_font_file() -> Optional[Path]:
    """The path of IPAexGothic in the installed matplotlib-fontja, or None if it is not installed."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / FONT_FILE
    return path if path.is_file() else None


def check_font(language: str) -> None:
    """Raise MissingPackage (a one-line message that says how to install it) if this language needs
    a font that is not installed."""
    if language in NEEDS_FONT and japanese_font_file() is None:
        raise MissingPackage("lang", FONT_INSTALL, "matplotlib-fontja (the Japanese font)")


def check_video() -> None:
    """Raise MissingPackage if PyAV, which writes the videos, is not installed."""
    if importlib.util.find_spec(VIDEO_PACKAGE) is None:
        raise MissingPackage("video", VIDEO_INSTALL, "PyAV")
