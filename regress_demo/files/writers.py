"""One interface for every file a run writes, and the registry of them by kind.

Each kind of output (the GIF, a video, the stills, a contact sheet, the weights, the record, the
gallery) is a Writer, shaped like matplotlib.animation's writers (setup -> grab_frame -> finish):
begin() reserves its temporary files beside their places, add() gives it a frame or its content,
close() completes them, and then commit() moves them into place or discard() removes them.

The registry, WRITERS, knows every kind by name; the rules that hold for all of them come from it,
so that a new kind cannot miss one: which kinds a run writes and their file names (targets), the
names of their temporary files (and so the clean-up of those a killed run left), the check that a
file regress-demo did not write is never replaced (paths.check_outputs), and the run record's list
of files. Each module that holds a kind registers it; files/__init__.py imports them all.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar, Dict, List, Tuple, Type

from .staged import StagedFile, commit_all, remove_stale_temporaries, temporary_pattern


class Writer(ABC):
    """One kind of output: begin -> add (a frame, or the content) -> close -> commit, or discard."""

    #: Its name in the registry (and, for a video, the value of --video that asks for it).
    kind: ClassVar[str] = ""
    #: The suffixes of its files (their temporary files end so too, before
    #: ".regress-demo-PID-RANDOM.tmp").
    suffixes: ClassVar[Tuple[str, ...]] = ()
    #: Part of a run's files, committed all or none (the gallery, regenerated after, is not).
    in_run: ClassVar[bool] = True

    @classmethod
    def wanted(cls, settings) -> bool:
        """Whether a run with these settings writes this kind."""
        return True

    @classmethod
    def targets(cls, gif_path: Path, settings) -> List[Path]:
        """The files of this kind for a run whose GIF is `gif_path`, as known before it starts."""
        return [gif_path.with_suffix(suffix) for suffix in cls.suffixes]

    def begin(self):  # noqa: B027 - optional: only the films have something to open
        """Reserve the temporary files (an unwritable place fails now, before any work)."""

    @abstractmethod
    def add(self, item):
        """A frame (the films) or the content (everything else)."""

    def close(self):  # noqa: B027 - optional: only the films have something to finish
        """Complete the files, still in their temporary places."""

    @abstractmethod
    def staged(self) -> List[StagedFile]:
        """Its files so far, each in its temporary place."""

    def commit(self) -> List[Path]:
        """Move its finished files into place, all or none (a run commits every kind together)."""
        return commit_all(self.staged())

    def discard(self):
        """Remove its temporary files (after commit: nothing)."""
        for file in self.staged():
            file.discard()

    def __enter__(self):
        self.begin()
        return self

    def __exit__(self, exc_type, exc, tb):
        self.discard()
        return False


class WholeFiles(Writer):
    """A writer whose files are each staged whole when their content comes (all kinds but films)."""

    def __init__(self):
        self.files: List[StagedFile] = []

    def staged(self) -> List[StagedFile]:
        return list(self.files)

    def discard(self):
        super().discard()
        self.files = []


class WriterRegistry:
    """Every kind of Writer, by name (the idea of matplotlib.animation's MovieWriterRegistry)."""

    def __init__(self):
        self._kinds: Dict[str, Type[Writer]] = {}

    def register(self, writer: Type[Writer]) -> Type[Writer]:
        """Add a kind (used as a class decorator); its name and suffixes must be given."""
        if not writer.kind or not writer.suffixes:
            raise ValueError(f"{writer.__name__} needs a kind and its suffixes")
        self._kinds[writer.kind] = writer
        return writer

    def __getitem__(self, kind: str) -> Type[Writer]:
        return self._kinds[kind]

    def __iter__(self):
        return iter(self._kinds.values())

    def names(self) -> List[str]:
        return list(self._kinds)

    def for_run(self, settings) -> List[Type[Writer]]:
        """The kinds a run with these settings writes, all or none, in the order of registration."""
        return [writer for writer in self if writer.in_run and writer.wanted(settings)]

    def targets(self, gif_path: Path, settings) -> List[Tuple[Path, Type[Writer]]]:
        """Each file such a run writes, as known before it starts, with its kind."""
        return [
            (target, writer)
            for writer in self.for_run(settings)
            for target in writer.targets(gif_path, settings)
        ]

    def temporary_pattern(self) -> "re.Pattern":
        """The names of the temporary files of every kind (staged.temporary_pattern)."""
        return temporary_pattern(suffix for writer in self for suffix in writer.suffixes)


WRITERS = WriterRegistry()


def remove_stale(folder) -> List[Path]:
    """Remove the temporary files of any kind that a killed run left in `folder`."""
    return remove_stale_temporaries(folder, WRITERS.temporary_pattern())
