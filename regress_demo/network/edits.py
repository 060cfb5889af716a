"""Whether layers.py is the file the package shipped with: an edited one is named by its digest.

The textbook's run and a run of an edited layers.py then stand side by side: the edited run's files
carry the digest in their names (``..._layers3f2a9c.gif``), and its record, frames and gallery card
say "layers.py edited (3f2a9c)".

The digest is that of the source the layer classes were loaded from, read once when they were
imported: a run names the code that runs. An edit made since (in a notebook's kernel, which keeps
the classes it imported) does not take effect: the run says so, and that the kernel must restart
(train.py and the rest hold the classes they imported, so reloading one module is not enough).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from . import layers

#: The SHA-256 of layers.py as shipped, its line ends as "\n" (a test keeps it true).
SHIPPED_SHA256 = "5f1a934cdd3565ecdab1cdfa524694acb246084551fdb9e963df94f8c2dc4e51"


#: What a run says when layers.py on disk is not the file its classes were imported from.
CHANGED_SINCE_IMPORT = (
    "layers.py has changed since it was imported: this run uses the code as it was imported; "
    "restart the kernel (or Python) to use the edit"
)


def layers_sha256() -> str:
    """The SHA-256 of layers.py as it is now, line ends as "\n" (a Windows checkout is no edit)."""
    text = Path(layers.__file__).read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(text).hexdigest()


def _read_sha256() -> Optional[str]:
    """layers_sha256(), or None where the file cannot be read."""
    try:
        return layers_sha256()
    except OSError:
        return None


#: The digest of layers.py as its classes were loaded, by their base class (a reload of layers.py
#: makes new classes: it is read again then). Read now, as the package imports its classes.
_LOADED = {layers.Layer: _read_sha256()}


def loaded_sha256() -> Optional[str]:
    """The SHA-256 of layers.py as it was when its classes were imported (None if unreadable)."""
    if layers.Layer not in _LOADED:
        _LOADED[layers.Layer] = _read_sha256()
    return _LOADED[layers.Layer]


def edited() -> Optional[str]:
    """The first 6 hex digits of the SHA-256 of the layers.py that was imported if it is not the
    shipped file, else None (also where the file could not be read: nothing to name)."""
    digest = loaded_sha256()
    return None if digest is None or digest == SHIPPED_SHA256 else digest[:6]


def changed_since_import() -> Optional[str]:
    """CHANGED_SINCE_IMPORT if layers.py on disk is not the file its classes were imported from,
    else None."""
    now = _read_sha256()
    return CHANGED_SINCE_IMPORT if now is not None and now != loaded_sha256() else None
