"""Where a run's files go, what may be replaced there, and reading a run record back.

A run writes NAME.gif and, beside it, NAME.png, NAME.npz and NAME.json (and the videos, the files
for print: NAME-epochN.png and .pdf, NAME.pdf), and the folder's gallery (index.html): each kind a
Writer of writers.WRITERS, which knows their names. NAME holds every setting that changes what a
file holds. A file there is replaced only if it is the tool's own (the run record beside it lists
it, with these very bytes; the gallery page carries the tool's mark); a read-only file never is.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from pathlib import Path

from ..film.layouts import is_sized
from ..inputs.errors import SettingError
from ..inputs.settings import Settings
from .staged import TEMPORARY_MARK, FileTooLarge, ForeignFileError, is_read_only, read_text
from .writers import WRITERS

#: The gallery page written into the output folder.
INDEX_NAME = "index.html"
#: The kind of a run record, the JSON that the tool writes beside each GIF.
RECORD_KIND = "regress-demo run"
#: What a temporary file's name adds to its target's: "." before it, ".regress-demo-PID-RANDOM.tmp"
#: after (a process id of up to 7 digits).
TEMPORARY_EXTRA = 1 + 1 + len(TEMPORARY_MARK) + 1 + 7 + 1 + 8 + 4
#: A name made from the settings longer than this (in bytes, UTF-8) is shortened, with a digest of
#: the whole.
MAX_STEM = 150


#: The suffixes of --out that make a video the primary output (the GIF goes beside it).
VIDEO_SUFFIXES = (".mp4", ".webm")


def primary_video(out, settings: Settings):
    """`--out NAME.mp4` (or .webm): the video is what the user asked for, so the settings gain it,
    and the GIF, which every run writes, goes beside it as NAME.gif. Returns (out, settings)."""
    suffix = Path(str(out)).suffix.lower() if out is not None else ""
    if suffix not in VIDEO_SUFFIXES:
        return out, settings
    kind = suffix[1:]
    video = settings.video if kind in settings.video else (kind, *settings.video)
    return str(Path(str(out)).with_suffix(".gif")), settings.replace(video=video)


def run_stem(settings: Settings) -> str:
    """The name of a run's files, NAME: the settings' file_stem, and the settings for print that
    change what a file holds (--sheet print: NAME.png; --dpi: the stills, the printed sheet)."""
    unsized = settings.size is not None and not is_sized(settings)  # its own size: not in the name
    stem = (settings.replace(size=None) if unsized else settings).file_stem()
    if settings.sheet == "print":
        stem += "_sheetprint"
    if settings.dpi != Settings.dpi and (settings.still or settings.sheet == "print"):
        stem += f"_dpi{settings.dpi}"
    return stem


def output_path(out, settings: Settings, shown=None) -> Path:
    """Where the GIF goes: `out` if it names a .gif file, else a file named after the settings
    inside the folder `out` (default ``outputs/``). `shown`: --out as the user gave it, for the
    messages (NAME.mp4, which primary_video made NAME.gif).

    Raises SettingError for a place that cannot hold the run's files (a name too long for the file
    system, a broken symbolic link, a folder in the way, a file there that regress-demo did not
    write, the GIF too), and PermissionError (an OSError) for a read-only file that the run would
    replace."""
    stem = run_stem(settings)
    if len(stem.encode("utf-8")) > MAX_STEM:  # (bytes: a name in Japanese takes 3 a character)
        kept = stem.encode("utf-8")[: MAX_STEM - 9].decode("utf-8", errors="ignore")
        stem = kept + "_" + hashlib.sha1(stem.encode()).hexdigest()[:8]
    name = stem + ".gif"
    text = "outputs/" if out is None else str(out)
    if not text:
        raise SettingError("out", "a folder or a file name, not an empty text", text)
    if "\0" in text:
        raise SettingError("out", "a path without NUL characters", text)
    path = Path(text)
    # before anything looks at the path: the OS would refuse it
    _check_path_length(path, whole=False)
    if text.endswith(("/", os.sep)) or path.is_dir() or path.suffix == "":
        path = path / name
    elif path.suffix.lower() != ".gif":
        raise SettingError("out", "a folder or a file name ending in .gif, .mp4 or .webm", text)
    _check_path_length(path)
    for place in [path, *path.parents]:
        if os.path.islink(place) and not os.path.exists(place):
            raise SettingError(
                "out",
                f"in a folder that exists or can be made "
                f"({str(place)!r} is a broken symbolic link)",
                str(path),
            )
    if path.is_dir():
        raise SettingError("out", "a file, not an existing folder", str(path))
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise SettingError("out", f"in a folder, but {str(folder)!r} is a file", str(path))
    check_outputs(path, settings, shown)
    return path


def still_name(gif_path: Path, epoch: int, suffix: str) -> str:
    """The file name of a still (--still): NAME-epoch1000.png (and .pdf) beside NAME.gif."""
    return f"{gif_path.stem}-epoch{epoch}{suffix}"


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


def read_record(json_path: Path):
    """The run record at `json_path` if it is one that regress-demo wrote (a dict), else None."""
    if not os.path.lexists(json_path):
        return None
    try:
        record = json_loads(read_text(json_path))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("kind") == RECORD_KIND else None


#: The keys of a record that name files (records from before "files" held each file's digest).
NAMING_KEYS = ("gif", "sheet", "weights", "videos", "stills", "sheet_pdf")


def digest(path) -> str:
    """The SHA-256 of a file's bytes."""
    sha = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def file_entry(name: str, path) -> dict:
    """A record's entry for a file named `name`, whose bytes are at `path` (its temporary file)."""
    return {"name": name, "bytes": os.stat(path).st_size, "sha256": digest(path)}


def ours(target: Path, record) -> bool:
    """True if the file at `target` is one regress-demo wrote: the record beside it (read_record)
    lists it in "files" with these very bytes (size and SHA-256), or, for a record from before the
    digests, names it; the record itself is its own. Only a regular file can be."""
    if record is None or os.path.islink(target) or not os.path.isfile(target):
        return False
    if target.suffix == ".json":
        return True  # (read_record found it a record of regress-demo)
    entries = record.get("files") if isinstance(record.get("files"), list) else []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == target.name and "sha256" in entry:
            size = os.stat(target).st_size
            return entry.get("bytes") == size and entry["sha256"] == digest(target)
    named = [record.get(key) for key in NAMING_KEYS]
    return any(
        value == target.name or (isinstance(value, list) and target.name in value)
        for value in named
    )


def earlier_files(gif_path: Path, record, now) -> list:
    """The entries of the files of earlier runs of this name that this run does not write (`now`:
    the names it writes) and that are still there as regress-demo wrote them (a still of another
    --still, a video of another --video): listed again, so that they stay regress-demo's own."""
    if record is None:
        return []
    entries = record.get("files") if isinstance(record.get("files"), list) else []
    names = [entry.get("name") for entry in entries if isinstance(entry, dict)]
    for value in (record.get(key) for key in NAMING_KEYS):
        names += value if isinstance(value, list) else [value]
    kept = []
    for name in dict.fromkeys(names):
        if not isinstance(name, str) or Path(name).name != name or name in now:
            continue
        target = gif_path.with_name(name)
        if target.suffix != ".json" and ours(target, record):
            kept.append({**file_entry(name, target), "earlier": True})
    return kept


def finished_earlier(gif_path: Path) -> bool:
    """True if an earlier run of this name ran to its end (finished, diverged, or reached
    --stop-at: any status but "interrupted") and its record and its GIF are still there as it wrote
    them: an interrupted run then keeps that run's files and writes none of its own."""
    record = read_record(gif_path.with_suffix(".json"))
    return record is not None and record.get("status") != "interrupted" and ours(gif_path, record)


def check_outputs(gif_path: Path, settings: Settings, shown=None):
    """Refuse to start a run whose files would replace what is not the tool's to replace: a folder
    where a file goes; a file of the run (of each kind of WRITERS that the settings ask for: the GIF
    too, whether --out or the settings named it) that regress-demo did not write (ours); or a
    read-only file (PermissionError). A foreign index.html is left alone by the gallery, not
    refused. `shown`: --out as the user gave it."""
    shown = str(gif_path) if shown is None else str(shown)
    record = read_record(gif_path.with_suffix(".json"))
    index = gif_path.parent / INDEX_NAME
    targets = [target for target, _ in WRITERS.targets(gif_path, settings)]
    for target in (*targets, index):
        if os.path.isdir(target):
            raise SettingError(
                "out", f"a name whose files are free ({str(target)!r} is a folder)", shown
            )
    for target in foreign(targets, record):
        raise SettingError(
            "out",
            f"a name whose files are free or regress-demo's own ({str(target)!r} was not written "
            "by regress-demo: move it, or choose another --out)",
            shown,
        )
    for target in (*targets, index):
        if is_read_only(target):
            if target == index and not _our_index(index):
                continue  # the gallery leaves a foreign index.html alone anyway
            raise PermissionError(errno.EACCES, "the file is read-only", str(target))


def gif_named(shown) -> bool:
    """True if --out (as the user gave it, or None) named the GIF or a folder, not a video."""
    return shown is None or Path(str(shown)).suffix.lower() not in VIDEO_SUFFIXES


def foreign(targets, record) -> list:
    """Those of `targets` that are there and that regress-demo did not write (ours: by `record`,
    the record beside the GIF), the GIF as any other: a picture of the user's own under the name of
    --out is never replaced. (A folder in the way is not one: no file can go there, and writing
    says so.)"""
    return [
        target
        for target in targets
        if os.path.lexists(target) and not os.path.isdir(target) and not ours(target, record)
    ]


def refuse_foreign(gif_path: Path, targets):
    """Before a run's files are moved into place: ForeignFileError (an OSError) for the first of
    `targets` that is there and not regress-demo's own. Catches what check_outputs could not see
    before the run (the still of --still last where the run stopped early), and files put there
    while it ran."""
    for target in foreign(targets, read_record(gif_path.with_suffix(".json"))):
        raise ForeignFileError(target)


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
    """The settings of an earlier run, from its record (the JSON beside its GIF); SettingError if
    the file is no readable run record with valid settings. Only a regular file is read, of at most
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
        # a long series: its numbers are in the NPZ beside the record
        if isinstance(data, dict) and "x" not in data:
            from ..inputs.replayed import numbers_from_npz

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
