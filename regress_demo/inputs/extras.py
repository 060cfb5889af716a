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
#: ipywidgets (the `notebook` extra), the sliders and menus of explore(), and how to install it.
WIDGETS_PACKAGE = "ipywidgets"
WIDGETS_INSTALL = "pip install -e '.[notebook]' (or pip install ipywidgets)"
#: The one install of everything a lecture uses (video, Japanese, Jupyter with its widgets).
LECTURE_INSTALL = "pip install -e '.[lecture]'"


class MissingPackages(MissingPackage):
    """Several settings that need packages that are not installed: all named in one line, with the
    one install command that brings them all."""

    def __init__(self, needs):
        # needs: one (setting, package as messages name it, name for pip) per missing package
        self.needs = needs
        pips = " ".join(pip for _, _, pip in needs)
        install = f"{LECTURE_INSTALL} installs them all (or pip install {pips})"
        super().__init__(needs[0][0], install, " and ".join(package for _, package, _ in needs))
        self.args = (self._line(lambda name: name),)

    def for_option(self) -> str:
        return self._line(lambda name: f"--{name.replace('_', '-')}")

    def _line(self, spell) -> str:
        """``--video needs PyAV and --lang needs matplotlib-fontja (...): pip install ...``."""
        parts = " and ".join(f"{spell(name)} needs {package}" for name, package, _ in self.needs)
        return f"{parts}: {self.install}"


def japanese_font_file() -> Optional[Path]:
    """The path of IPAexGothic in the installed matplotlib-fontja, or None if it is not
    installed."""
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


def check_extras(video: bool, language: str) -> None:
    """Raise MissingPackage if a package these settings need is not installed; if several are
    missing, MissingPackages names them all in one line (not one at a time)."""
    needs = []
    if video and importlib.util.find_spec(VIDEO_PACKAGE) is None:
        needs.append(("video", "PyAV", "av"))
    if language in NEEDS_FONT and japanese_font_file() is None:
        needs.append(("lang", "matplotlib-fontja (the Japanese font)", "matplotlib-fontja"))
    if len(needs) > 1:
        raise MissingPackages(needs)
    if video:
        check_video()
    check_font(language)


def check_widgets() -> None:
    """Raise ModuleNotFoundError, one line that says how to install it, if ipywidgets (which draws
    explore()'s sliders) is not installed."""
    if importlib.util.find_spec(WIDGETS_PACKAGE) is None:
        message = f"explore() needs ipywidgets: {WIDGETS_INSTALL}"
        raise ModuleNotFoundError(message, name=WIDGETS_PACKAGE)
