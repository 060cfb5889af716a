"""Reading a file from a stranger (your own data, a run record, the head of a page): regular files
only, and no more than the tool reads, checked before anything is loaded."""

from __future__ import annotations

import errno
import os
import stat

#: The largest file the tool reads (a run record, the head of an index.html): a run record of a
#: million epochs of a 24-panel grid stays well under it, and a huge or endless file is refused.
MAX_READ_BYTES = 256 * 1024 * 1024


class FileTooLarge(OSError):
    """A file that is not a regular file, or is larger than the tool reads."""


def read_text(path, limit: int = MAX_READ_BYTES, head: bool = False) -> str:
    """The text of a regular file of at most `limit` bytes (UTF-8).

    A FIFO, a device (/dev/zero), a folder or anything else that is not a regular file raises
    FileTooLarge at once, without blocking; so does a larger file, unless `head` is True: then only
    its first `limit` bytes are read. Other failures raise OSError, bad UTF-8 UnicodeDecodeError.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileTooLarge(errno.EINVAL, "it is not a regular file", str(path))
        if info.st_size > limit and not head:
            raise FileTooLarge(errno.EFBIG, f"it is larger than {limit // 2**20} MB", str(path))
        chunks, left = [], limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0 and not head and os.read(fd, 1):  # it grew while being read
            raise FileTooLarge(errno.EFBIG, f"it is larger than {limit // 2**20} MB", str(path))
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return data.decode("utf-8", errors="replace") if head else data.decode("utf-8")
