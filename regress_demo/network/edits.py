"""Whether layers.py is the file the package shipped with: an edited one is named by its digest.

The textbook's run and a run of an edited layers.py then stand side by side: the edited run's files
carry the digest in their names (``..._layers3f2a9c.gif``), and its record, frames and gallery card
say "layers.py edited (3f2a9c)".
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Optional

from . import layers

#: The SHA-256 of layers.py as shipped, its line ends as "\n" (a test keeps it true).
SHIPPED_SHA256 = "5f1a934cdd3565ecdab1cdfa524694acb246084551fdb9e963df94f8c2dc4e51"


def layers_sha256() -> str:
    """The SHA-256 of layers.py as it is now, line ends as "\n" (a Windows checkout is no edit)."""
    text = Path(layers.__file__).read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(text).hexdigest()


def edited() -> Optional[str]:
    """The first 6 hex digits of layers.py's SHA-256 if it is not the shipped file, else None (also
    where the file cannot be read: nothing to name)."""
    try:
        digest = layers_sha256()
    except OSError:
        return None
    return None if digest == SHIPPED_SHA256 else digest[:6]
