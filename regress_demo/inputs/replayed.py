"""Your own data as a run record keeps it, read back for a replay: the numbers of a long series from
the weights file beside the record (a stranger's input: sizes checked before anything is unpacked),
and the note that the file the run read is gone or has changed since."""

from __future__ import annotations

import hashlib
import os
from typing import Optional

import numpy as np

from .errors import SettingError, show
from .owndata import MAX_POINTS, MIN_POINTS, OwnData
from .reading import MAX_READ_BYTES


def numbers_from_npz(record: dict, npz_path) -> dict:
    """A record's data with the numbers its weights file keeps (a series longer than JSON_POINTS);
    SettingError if that file is missing, not a regular file of a sane size, holds arrays of
    another size than the record's points, or not the numbers recorded. A record is a stranger's
    input: each array's size is checked before it is read."""
    import stat
    import zipfile

    def refused(why):
        return SettingError(
            "data",
            f"numbers kept in {os.path.basename(npz_path)} beside the record ({why})",
            record.get("name") or "(x, y)",
        )

    points = record.get("points")
    if not isinstance(points, int) or isinstance(points, bool):
        raise refused("the record says no number of points")
    if not MIN_POINTS <= points <= MAX_POINTS:
        raise refused(f"the record says {show(points)} points: from {MIN_POINTS} to {MAX_POINTS}")
    try:  # (opened once, without waiting: what is checked is what is read)
        fd = os.open(npz_path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        raise refused("missing or unreadable") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_READ_BYTES:
            raise refused("not a regular file of at most 256 MB")
        try:
            with zipfile.ZipFile(file) as archive:
                x, y = (_npz_array(archive, name, points) for name in ("data_x", "data_y"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            raise refused("missing or unreadable") from None
    if x is None or y is None:
        raise refused(f"they are not {points} numbers each, as recorded")
    if OwnData(x, y).digest != record.get("digest"):
        raise refused("they are not the ones recorded")
    return {**record, "x": x, "y": y}


#: Room for an array's header in a .npy file, beyond its numbers.
NPY_HEADER = 4096


def _npz_array(archive, name: str, points: int):
    """The array `name` of an NPZ archive if it is `points` float64 numbers, else None; its size is
    checked before it is unpacked (a small file may inflate to gigabytes)."""
    member = archive.getinfo(name + ".npy")
    if member.file_size > 8 * points + NPY_HEADER:
        return None
    with archive.open(member) as file:
        array = np.lib.format.read_array(file, allow_pickle=False)
    return array if array.shape == (points,) and array.dtype == np.float64 else None


def replay_note(settings) -> Optional[str]:
    """One line if the file a recorded run read is gone or has changed since (the replay uses the
    data kept in the record); None if it is as it was, or the data came from arrays. Only a regular
    file of at most MAX_READ_BYTES is read (a record may name /dev/zero or a FIFO)."""
    own = settings.data
    if own is None or not own.path:
        return None
    shown = os.path.relpath(own.path) if os.path.isabs(own.path) else own.path
    shown = shown if not shown.startswith("..") else own.path
    shown = shown if shown.isprintable() else repr(shown)
    kept = "since this run was recorded: the replay uses the data kept in its record"
    try:
        now = _file_digest(own.path)
    except OSError:
        return f"{shown} is gone {kept}"
    return f"{shown} has changed {kept}" if now != own.sha256 else None


def _file_digest(path) -> Optional[str]:
    """The SHA-256 of a regular file of at most MAX_READ_BYTES; None for anything else (a device, a
    FIFO, a folder, a larger file), found without reading it or waiting for it."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_READ_BYTES:
            return None
        digest, left = hashlib.sha256(), MAX_READ_BYTES + 1  # (a file that grows: read no more)
        while left > 0 and (chunk := file.read(min(left, 1 << 20))):
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest() if left > 0 else None
