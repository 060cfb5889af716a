"""Watch a tiny NumPy neural network learn the sine curve, rendered as an animated GIF.

    from regress_demo import Settings, make_gif
    result = make_gif(Settings(n_mid=3, eta=0.1, epoch=2001), "outputs/sin.gif")
    print(result.final_error)

In a Jupyter notebook, one call shows the film under the cell:

    import regress_demo
    regress_demo.animate(n_mid=10, eta=0.5, epoch=500)

and sliders for n_mid, eta, epoch, activation, target and seed, each change a new film:

    regress_demo.explore(n_mid=3, eta=0.1)
"""

import importlib
import logging
import os
import sys
import warnings
from contextlib import contextmanager

__version__ = "0.1.0"

#: What the command line says when Ctrl-C stops it before training starts.
INTERRUPTED_WHILE_STARTING = "regress-demo: interrupted while starting; nothing was written"

# What `from regress_demo import X` gives, and the module it comes from. The modules are imported on
# first use, so the command line starts (and answers --help or Ctrl-C) before matplotlib is loaded.
# Every middle layer class of layers.py (MIDDLE_LAYERS: MiddleLayer, TanhLayer, ReluLayer and any
# class added there) is exported too, by its class name.
_EXPORTS = {
    "OutputLayer": "network.layers",
    "Settings": "inputs.settings",
    "SettingError": "inputs.settings",
    "Snapshot": "network.train",
    "Training": "network.train",
    "TrainingGroup": "network.train",
    "make_gif": "app.run",
    "RunResult": "app.result",
    "animate": "app.notebook",
    "explore": "app.explore",
    "load": "files.model",
    "Model": "files.model",
}
__all__ = ["MiddleLayer", "TanhLayer", "ReluLayer", *_EXPORTS]


def __getattr__(name):
    if name in _EXPORTS:
        with drawing_imports():
            return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if not name.startswith("_"):  # a middle layer class of layers.py, by its name
        from .network.layers import MIDDLE_LAYERS

        for layer in MIDDLE_LAYERS.values():
            if layer.__name__ == name:
                return layer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def drawing_imports():
    """While inside, a first import of matplotlib ignores MPLBACKEND (the frames are drawn with Agg
    whatever it says, and an unknown name would stop the import; in a notebook's kernel it is kept,
    so that the notebook's own plots still show inline) and keeps matplotlib's warnings about
    its configuration (an unwritable home folder, a font cache being built) off the screen: they are
    not the user's business, and would break the one-line messages."""
    from .files.staged import signals_held  # (Ctrl-C waits for the imports: never half of one)

    if "matplotlib" in sys.modules:
        with signals_held():
            yield
        return
    # In a notebook's kernel, MPLBACKEND is the kernel's own (inline plots): it stays.
    backend = None if _in_kernel() else os.environ.pop("MPLBACKEND", None)
    logger = logging.getLogger("matplotlib")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with signals_held():
                import matplotlib  # noqa: F401  (the import that reads MPLBACKEND and the configuration)

                yield
    finally:
        logger.setLevel(level)
        if backend is not None:
            os.environ["MPLBACKEND"] = backend


def _in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (an IPython shell with a kernel), without importing
    IPython."""
    get_ipython = getattr(sys.modules.get("IPython"), "get_ipython", None)
    try:
        return get_ipython is not None and getattr(get_ipython(), "kernel", None) is not None
    except Exception:
        return False


def main(argv=None) -> int:
    """The command line (`regress-demo`, `python -m regress_demo`; see cli.main). It loads NumPy and
    the rest only here, so that a Ctrl-C while they load ends with one line, as it does later."""
    try:
        from .app.cli import main as command_line
    except KeyboardInterrupt:
        print(INTERRUPTED_WHILE_STARTING, file=sys.stderr)
        return 130  # 128 + SIGINT, as for any other Ctrl-C
    return command_line(argv)
