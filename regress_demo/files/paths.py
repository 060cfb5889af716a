"""Where a run's files go, what may be replaced there, and reading a run record back.

A run writes NAME.gif and, beside it, NAME.png, NAME.npz and NAME.json (and the files for print:
NAME-epochN.png and .pdf, NAME.pdf), and the folder's gallery (index.html). A file there is replaced only if it is the tool's own (a run record beside it names
it; the gallery page carries the tool's mark); a read-only file is never replaced.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

from ..inputs.errors import SettingError
from ..inputs.settings import Settings
from .staged import FileTooLarge, is_read_only, read_text

#: The files a run writes beside its GIF: the GIF's name with these suffixes, and the record's key
#: that names each (a file there is replaced only if the run record beside it names it).
SIDE_FILES = ((".png", "sheet"), (".npz", "weights"), (".json", None))
#: The gallery page written into the output folder.
INDEX_NAME = "index.html"
#: The kind of a run record, the JSON that the tool writes beside each GIF.
RECORD_KIND = "regress-demo run"
#: What a temporary file's name adds to its target's: "." before it, ".PID-RANDOM.tmp" after.
TEMPORARY_EXTRA = 1 + 1 + 7 + 1 + 8 + 4
#: A name made from the settings longer than this is shortened, with a digest of the whole.
MAX_STEM = 150


#: The suffixes of --out that make a video the primary output (the GIF goes beside it).
VIDEO_SUFFIXES = (".mp4", ".webm")


def primary_video(out, settings: Settings):
    """`--out NAME.mp4` (or .webm): the video is what the user asked for, so the settings gain it, and
    the GIF, which every run writes, goes beside it as NAME.gif. Returns (out, settings)."""
    suffix = Path(str(out)).suffix.lower() if out is not None else ""
    if suffix not in VIDEO_SUFFIXES:
        return out, settings
    kind = suffix[1:]
    video = settings.video if kind in settings.video else (kind, *settings.video)
    return str(Path(str(out)).with_suffix(".gif")), settings.replace(video=video)


def output_path(out, settings: Settings) -> Path:
    """Where the GIF goes: `out` if it names a .gif file, else a file named after the settings
    inside the folder `out` (default ``outputs/``).

    Raises SettingError for a place that cannot hold the run's files (a name too long for the file
    system, a broken symbolic link, a folder in the way, a file there that regress-demo did not
    write), and PermissionError (an OSError) for a read-only file that the run would replace."""
    stem = settings.file_stem()
    if len(stem) > MAX_STEM:
        stem = stem[: MAX_STEM - 9] + "_" + hashlib.sha1(stem.encode()).hexdigest()[:8]
    name = stem + ".gif"
    text = "outputs/" if out is None else str(out)
    if "\0" in text:
        raise SettingError("out", "a path without NUL characters", text)
    path = Path(text)
    _check_path_length(
        path, whole=False
    )  # before anything looks at the path: the OS would refuse it
    if text.endswith(("/", os.sep)) or path.is_dir() or path.suffix == "":
        path = path / name
    elif path.suffix.lower() != ".gif":
        raise SettingError("out", "a folder or a file name ending in .gif, .mp4 or .webm", text)
    _check_path_length(path)
    for place in [path, *path.parents]:
        if os.path.islink(place) and not os.path.exists(place):
            raise SettingError(
                "out",
                f"in a folder that exists or can be made ({str(place)!r} is a broken symbolic link)",
                str(path),
            )
    if path.is_dir():
        raise SettingError("out", "a file, not an existing folder", str(path))
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise SettingError("out", f"in a folder, but {str(folder)!r} is a file", str(path))
    check_outputs(path, settings.video, print_files(path, settings))
    return path


def still_name(gif_path: Path, epoch: int, suffix: str) -> str:
    """The file name of a still (--still): NAME-epoch1000.png (and .pdf) beside NAME.gif."""
    return f"{gif_path.stem}-epoch{epoch}{suffix}"


def print_files(path: Path, settings: Settings) -> list:
    """The files for print a run will write beside the GIF at `path`, as far as they are known before
    it starts (--still last: the last epoch), each with the record's key that names it."""
    epochs = sorted({settings.epoch - 1 if epoch == "last" else epoch for epoch in settings.still})
    files = [
        (path.with_name(still_name(path, epoch, suffix)), "stills")
        for epoch in epochs
        for suffix in (".png", ".pdf")
    ]
    return files + ([(path.with_suffix(".pdf"), "sheet_pdf")] if settings.sheet == "print" else [])


def _check_path_length(path: Path, whole: bool = True):
    """Refuse a path the file system cannot hold, with the temporary files beside it (only its
    folders' names, if not `whole`)."""
    try:
        encoded = os.fsencode(str(path))
        parts = [os.fsencode(part) for part in path.parts]
    except UnicodeError:
        raise SettingError("out", "a path this system can encode", str(path)) from None
    existing = next(
        (folder for folder in [path.parent, *path.parent.parents] if os.path.isdir(folder)),
        Path("."),
    )
    try:
        name_max = os.pathconf(existing, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    try:
        path_max = os.pathconf(existing, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):
        path_max = 4096
    longest = len(parts[-1]) - len(".gif") + len(".json") + TEMPORARY_EXTRA
    if whole and longest > name_max:
        room = name_max - TEMPORARY_EXTRA - len(".json") + len(".gif")
        raise SettingError(
            "out",
            f"a file name of at most {room} bytes (the files beside it need the room)",
            str(path),
        )
    for part in parts[:-1] if whole else parts:
        if len(part) > name_max:
            raise SettingError(
                "out", f"a path whose names have at most {name_max} bytes each", str(path)
            )
    try:
        absolute = len(os.fsencode(os.path.abspath(path)))
    except OSError:  # the working folder is gone
        absolute = len(encoded)
    if absolute + TEMPORARY_EXTRA + 1 > path_max:
        raise SettingError(
            "out", f"a path of at most {path_max - TEMPORARY_EXTRA - 1} bytes", str(path)
        )


def replaceable(path: Path, side: Path, key: str) -> bool:
    """True if the file `side` beside the GIF at `path` is missing, or named under `key` by the run
    record beside that GIF (regress-demo's own, to replace); for a file known only once the run is
    done (--still last, where the run stopped early), which check_outputs could not see."""
    if not os.path.lexists(side):
        return True
    try:
        record = json_loads(read_text(path.with_suffix(".json")))
    except (OSError, ValueError):
        return False
    named = (
        record.get(key) if isinstance(record, dict) and record.get("kind") == RECORD_KIND else None
    )
    return isinstance(named, list) and side.name in named and not is_read_only(side)


def check_outputs(path: Path, videos=(), prints=()):
    """Refuse to start a run whose files would replace what is not the tool's to replace: a folder
    where a file goes; a NAME.png, NAME.npz, NAME.json or a video (NAME.mp4, NAME.webm, of `videos`)
    that no run record of regress-demo beside it names (someone else's files), and so for the files
    for print (`prints`: (path, the record's key) pairs, see print_files); or a read-only file
    (PermissionError). The GIF itself is the one
    named by --out (or by the settings): an earlier one is replaced. A foreign index.html is left
    alone by the gallery, not refused."""
    record = None
    json_path = path.with_suffix(".json")
    if os.path.lexists(json_path):
        try:
            record = json_loads(read_text(json_path))
        except (OSError, ValueError):
            record = None
        if not isinstance(record, dict) or record.get("kind") != RECORD_KIND:
            record = None
    index = path.parent / INDEX_NAME
    sides = [
        (path.with_suffix(suffix), key)
        for suffix, key in (*SIDE_FILES, *((f".{kind}", "videos") for kind in videos))
    ]
    sides += list(prints)
    for target in (path, *(side for side, _ in sides), index):
        if os.path.isdir(target):
            raise SettingError(
                "out", f"a name whose files are free ({str(target)!r} is a folder)", str(path)
            )
    for side, key in sides:
        if not os.path.lexists(side):
            continue
        named = record.get(key) if record is not None else None
        ours = record is not None and (
            key is None or named == side.name or (isinstance(named, list) and side.name in named)
        )
        if not ours:
            raise SettingError(
                "out",
                f"a name whose files are free or regress-demo's own ({str(side)!r} was not written "
                "by regress-demo: move it, or choose another --out)",
                str(path),
            )
    for target in (path, *(side for side, _ in sides), index):
        if is_read_only(target):
            if target == index and not _our_index(index):
                continue  # the gallery leaves a foreign index.html alone anyway
            raise PermissionError(errno.EACCES, "the file is read-only", str(target))


def _our_index(index: Path) -> bool:
    try:
        return GENERATOR in read_text(index, limit=64 * 1024, head=True)
    except (OSError, ValueError):
        return False


#: Marks an index.html as the tool's gallery, so that one written by someone else is never replaced.
GENERATOR = '<meta name="generator" content="regress-demo">'


def json_loads(text: str):
    """json.loads that raises ValueError, not RecursionError, for JSON nested too deep."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def settings_from_record(record_path) -> Settings:
    """The settings of an earlier run, from its record (the JSON beside its GIF); SettingError if the
    file is no readable run record with valid settings. Only a regular file is read, of at most
    outputs.MAX_READ_BYTES."""
    shown = str(record_path)
    try:
        text = read_text(record_path)
    except FileNotFoundError:
        raise SettingError("replay", "an existing run record (.json)", shown) from None
    except FileTooLarge as error:
        raise SettingError(
            "replay", f"a run record: a regular file of a sane size ({error.strerror})", shown
        ) from None
    except (OSError, UnicodeDecodeError):
        raise SettingError("replay", "a readable JSON run record", shown) from None
    try:
        record = json_loads(text)
    except ValueError:
        raise SettingError("replay", "a readable JSON run record", shown) from None
    if (
        not isinstance(record, dict)
        or record.get("kind") != RECORD_KIND
        or not isinstance(record.get("settings"), dict)
    ):
        raise SettingError("replay", "a run record written by regress-demo", shown)
    known = Settings.__dataclass_fields__
    unknown = ", ".join(sorted(str(name) for name in set(record["settings"]) - set(known)))
    if unknown:
        unknown = unknown if len(unknown) <= 200 else unknown[:197] + "..."
        raise SettingError("replay", f"a record with known settings only (not {unknown})", shown)
    try:
        data = record["settings"].get("data")
        if (
            isinstance(data, dict) and "x" not in data
        ):  # a long series: its numbers are in the NPZ beside the record
            from ..inputs.owndata import numbers_from_npz

            record["settings"]["data"] = numbers_from_npz(
                data, Path(record_path).with_suffix(".npz")
            )
        return Settings(**record["settings"])
    except (ValueError, TypeError, OverflowError) as error:  # (SettingError is a ValueError)
        reason = str(error) if len(str(error)) <= 300 else str(error)[:297] + "..."
        raise SettingError("replay", f"a record with valid settings ({reason})", shown) from None
    except RecursionError:
        raise SettingError(
            "replay", "a record with valid settings (nested too deeply)", shown
        ) from None
