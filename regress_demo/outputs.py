"""Writing a run's files safely: each goes to a temporary file that replaces the target only when complete.

So an earlier file of the same name is never left truncated, and a failure (a full disk, Ctrl-C)
leaves no temporary file behind.
"""

from __future__ import annotations

import json
import math
import os
import platform
import signal
import tempfile
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np


class AtomicFile:
    """A temporary file beside `path`; `commit()` moves it onto `path`, anything else removes it.

    Creating it also creates missing folders, so an unwritable place fails before any work is done.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self.tmp_path = Path(name)
        os.chmod(name, 0o666 & ~_umask())  # mkstemp makes it private; outputs are for sharing

    def commit(self) -> Path:
        """Move the complete temporary file into place."""
        os.replace(self.tmp_path, self.path)
        self.tmp_path = None
        return self.path

    def discard(self):
        """Remove the temporary file, if it is still there."""
        if self.tmp_path is not None:
            self.tmp_path.unlink(missing_ok=True)
            self.tmp_path = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.discard()  # after commit() there is nothing left to remove
        return False


@contextmanager
def signals_held(deliver: bool = True):
    """Hold Ctrl-C (SIGINT) and SIGTERM while a file is being written, so that it is never cut in the
    middle; a signal that came meanwhile is delivered on leaving (or dropped, if `deliver` is False:
    for the last moments of a run, when finishing its files is what stopping would leave undone)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can handle signals
        return
    received = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, frame: received.append(signum)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if deliver:
            for signum in received:
                signal.raise_signal(signum)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path, document) -> Path:
    """Write `document` as indented JSON; non-finite numbers (a diverged run) become null."""
    text = json.dumps(_finite_or_none(document), indent=2, allow_nan=False) + "\n"
    with AtomicFile(path) as file:
        file.tmp_path.write_text(text, encoding="utf-8")
        return file.commit()


def write_npz(path, arrays: dict) -> Path:
    """Write arrays as a .npz file that np.load reads; byte-identical for identical arrays
    (np.savez stamps each member with the current time)."""
    with AtomicFile(path) as file:
        with zipfile.ZipFile(file.tmp_path, "w", zipfile.ZIP_STORED) as archive:
            for name, array in arrays.items():
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                with archive.open(member, "w") as stream:
                    np.lib.format.write_array(stream, np.asarray(array), allow_pickle=False)
        return file.commit()


def write_png(path, image) -> Path:
    """Write a Pillow image as PNG."""
    with AtomicFile(path) as file:
        image.save(file.tmp_path, format="PNG")
        return file.commit()


def _finite_or_none(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(item) for item in value]
    return value


def versions() -> dict:
    """The versions of Python and the libraries that shaped the numbers and the pixels."""
    import matplotlib
    import numpy
    import PIL

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "matplotlib": matplotlib.__version__,
        "pillow": PIL.__version__,
    }
