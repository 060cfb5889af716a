"""Writing a run's files safely: each goes to a temporary file that replaces the target only when
complete.

So an earlier file of the same name is never left truncated, and a failure (a full disk, Ctrl-C)
leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import json
import math
import os
import platform
import re
import signal
import stat
import tempfile
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, List, Optional, Protocol, Sequence

import numpy as np

from ..inputs.reading import MAX_READ_BYTES, FileTooLarge, read_text  # noqa: F401

#: What marks a temporary file as the tool's own: ``.NAME.regress-demo-PID-RANDOM.tmp``.
TEMPORARY_MARK = "regress-demo"


def temporary_pattern(suffixes: Iterable[str]) -> "re.Pattern":
    """The names of the tool's temporary files beside its outputs ending in these suffixes (".gif",
    ...; writers.WRITERS knows every one): ``.NAME.EXT.regress-demo-PID-RANDOM.tmp``. A name
    without the mark and the process id is not the tool's, whatever else it looks like."""
    ends = "|".join(sorted(re.escape(suffix.lstrip(".")) for suffix in set(suffixes)))
    return re.compile(
        rf"^\.(?P<target>.+\.(?:{ends}))\.{TEMPORARY_MARK}-(?P<pid>\d+)-[A-Za-z0-9_]{{8}}\.tmp$"
    )


def is_read_only(path) -> bool:
    """True if `path` is an existing file whose permissions allow nobody to write it (also for root,
    who could write it anyway: the mode says the owner wants it kept)."""
    try:
        info = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and not info.st_mode & 0o222


def stale_temporaries(folder, pattern: "re.Pattern") -> List[Path]:
    """The temporary files of this tool in `folder` left by a writer that is gone: one killed
    (SIGKILL, a power cut) before it could remove its file. A file names its writer's process id; it
    is stale when that process no longer exists on this machine. Only regular files whose names
    match `pattern` (temporary_pattern: the tool's mark, then the process id) count."""
    stale = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return stale
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
        except OSError:
            continue
        pid = int(match.group("pid"))
        if pid != os.getpid() and not _process_exists(pid):
            stale.append(Path(entry.path))
    return sorted(stale)


def remove_stale_temporaries(folder, pattern: "re.Pattern") -> List[Path]:
    """Remove stale_temporaries(folder, pattern); returns what was removed."""
    removed = []
    for path in stale_temporaries(folder, pattern):
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or no such number: leave the file alone
    return True


class StagedFile(Protocol):
    """A complete file in its temporary place beside `path` (`tmp_path`), not yet in place."""

    path: Path
    tmp_path: Optional[Path]  # None once committed or discarded

    def commit(self) -> Path:
        """Move it into place."""

    def discard(self) -> None:
        """Remove the temporary file, if it is still there."""


class AtomicFile:
    """A temporary file beside `path`; `commit()` moves it onto `path`, anything else removes it.

    Creating it also creates missing folders, so an unwritable place fails before any work is done.
    """

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp_path: Optional[Path] = _temporary_beside(self.path)
        os.chmod(self.tmp_path, 0o666 & ~_umask())  # mkstemp makes it private; outputs are shared

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


def _temporary_beside(path: Path) -> Path:
    """A new empty file ``.NAME.regress-demo-PID-RANDOM.tmp`` beside `path`."""
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.{TEMPORARY_MARK}-{os.getpid()}-", suffix=".tmp", dir=path.parent
    )
    os.close(fd)
    return Path(name)


class ForeignFileError(OSError):
    """A file in a run's way that regress-demo did not write: it is never replaced."""

    def __init__(self, path):
        super().__init__(
            errno.EEXIST,
            "it was not written by regress-demo (move it, or choose another --out)",
            str(path),
        )


def commit_all(files: Sequence[StagedFile]) -> List[Path]:
    """Move every staged file into place, all or none.

    Each earlier file in the way is first set aside (kept under a temporary name beside it), then
    the new one moved in; once all are in place the earlier ones are removed. If a step fails (a
    folder in the way, a file that may not be renamed), every file moved so far goes back to how it
    was, the staged files are removed, and the OSError names the file that failed."""
    moved = []  # (staged file, the earlier file set aside or None), in order
    try:
        for file in files:
            with naming(file.path):
                moved.append((file, _set_aside(file.path)))
                file.commit()
    except BaseException:
        for file, aside in reversed(moved):
            _put_back(file, aside)
        for file in files:
            file.discard()
        raise
    for _, aside in moved:
        if aside is not None:
            aside.unlink(missing_ok=True)
    return [file.path for file in files]


def _set_aside(path: Path) -> Optional[Path]:
    """Keep the file at `path`, if any, under a temporary name beside it, and return that name: a
    second (hard) link, so that `path` is never missing, or where links fail, the file renamed."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    aside = _temporary_beside(path)
    try:
        aside.unlink()
        try:
            os.link(path, aside, follow_symlinks=False)
        except OSError:  # (a file system without hard links)
            os.replace(path, aside)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return aside


def _put_back(file: StagedFile, aside: Optional[Path]):
    """Undo a step of commit_all: the earlier file back in its place (or none if there was none)."""
    committed = file.tmp_path is None
    if aside is not None:
        os.replace(aside, file.path)
    elif committed:
        file.path.unlink(missing_ok=True)


#: The signals that stop a run: Ctrl-C (SIGINT), SIGTERM, and SIGHUP (the terminal closed, an SSH
#: connection dropped) where the system has it.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextmanager
def signals_held(deliver: bool = True):
    """Hold the signals that stop a run (STOP_SIGNALS) while a file is being written, so that it is
    never cut in the middle; a signal that came meanwhile is delivered on leaving (or dropped, if
    `deliver` is False: for the last moments of a run, when finishing its files is what stopping
    would leave undone)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can handle signals
        return
    received = []
    previous = {
        signum: signal.signal(signum, lambda signum, frame: received.append(signum))
        for signum in STOP_SIGNALS
    }
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
    return _committed(staged_json(path, document))


def write_npz(path, arrays: dict) -> Path:
    """Write arrays as a .npz file that np.load reads; byte-identical for identical arrays
    (np.savez stamps each member with the current time)."""
    return _committed(staged_npz(path, arrays))


def write_png(path, image) -> Path:
    """Write a Pillow image as PNG."""
    return _committed(staged_png(path, image))


def _committed(file: "AtomicFile") -> Path:
    with file:
        return file.commit()


@contextmanager
def naming(path):
    """An OSError raised inside names `path` (the file being written), not a temporary file."""
    try:
        yield
    except OSError as error:
        if error.filename is not None and not str(error.filename).endswith(".tmp"):
            raise
        raise OSError(error.errno, error.strerror or str(error), str(path)) from None


@contextmanager
def _staging(path):
    """A complete temporary file for `path`, not yet moved into place (see staged_json); an OSError
    names `path`, not the temporary file, and leaves nothing behind."""
    with naming(path):
        file = AtomicFile(path)
    try:
        yield file
    except OSError as error:
        file.discard()
        raise OSError(error.errno, error.strerror or str(error), str(path)) from None
    except BaseException:
        file.discard()
        raise


def staged_json(path, document) -> "AtomicFile":
    """An AtomicFile holding `document` as indented JSON, ready to commit() (or discard())."""
    text = json.dumps(_finite_or_none(document), indent=2, allow_nan=False) + "\n"
    with _staging(path) as file:
        file.tmp_path.write_text(text, encoding="utf-8")
    return file


def staged_npz(path, arrays: dict) -> "AtomicFile":
    """An AtomicFile holding the arrays as .npz, ready to commit() (or discard())."""
    with _staging(path) as file:
        with zipfile.ZipFile(file.tmp_path, "w", zipfile.ZIP_STORED) as archive:
            for name, array in arrays.items():
                member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                with archive.open(member, "w") as stream:
                    np.lib.format.write_array(stream, np.asarray(array), allow_pickle=False)
    return file


def staged_png(path, image) -> "AtomicFile":
    """An AtomicFile holding a Pillow image as PNG, ready to commit() (or discard())."""
    with _staging(path) as file:
        image.save(file.tmp_path, format="PNG")
    return file


def staged_with(path, write) -> "AtomicFile":
    """An AtomicFile for `path` that `write(temporary_path)` fills, ready to commit() (or
    discard())."""
    with _staging(path) as file:
        write(file.tmp_path)
    return file


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
