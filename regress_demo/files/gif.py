"""Writing the GIF: a small palette of the figure's own colours, and a writer that streams frames.

GifWriter streams the frames into the GIF with Pillow, in a temporary file beside the target that
replaces the target only when the GIF is complete (setup -> set_palette -> grab_frame ... -> finish,
like matplotlib's animation writers; the Writer of writers.py). imageio's GIF writer would keep
every frame in memory until the end; this one keeps two.
"""

from __future__ import annotations

import itertools
import struct
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
from PIL import Image

from .staged import AtomicFile, signals_held
from .writers import WRITERS, Writer

#: An ink counts as shown if the samples have it, or a blend of it with at most this share of white
#: (a thin line in a legend may have no pixel of the pure ink).
GIF_INK_REACH = 0.3
#: A colour that fills at least this share of the sample frames joins the palette exactly too (the
#: grid, the legend's frame, any other area).
GIF_AREA_SHARE = 0.001
#: Blends toward white added for each colour of the palette, at 1/4, 2/4 and 3/4 of the way: the
#: antialiased edges of a line on white paper.
GIF_BLENDS = 3
#: At most this many colours, plus one index for the pixels that did not change. Few colours
#: compress well: the edges of a moving line, which are most of what changes from frame to frame,
#: take only a few values, and the compressed codes start one bit wider than an index (7 bits for a
#: table of 64 entries, 9 for 256).
GIF_COLOURS = 63
#: Each colour channel is looked up in 2**5 = 32 steps of 8: the lookup table has 32**3 cells.
#: Colours that differ by less than one step in every channel count as one.
GIF_TABLE_BITS = 5
GIF_STEP = 256 >> GIF_TABLE_BITS
WHITE = (255, 255, 255)


def _pack(r, g, b):
    """A colour as one number, 0xRRGGBB (NumPy arrays of uint32 too)."""
    return (r << 16) | (g << 8) | b


def _unpack(number) -> tuple:
    """0xRRGGBB back to (r, g, b)."""
    number = int(number)
    return number >> 16, (number >> 8) & 255, number & 255


def _shows_ink(colours: np.ndarray, ink) -> bool:
    """True if any of these (n, 3) colours is the ink, or the ink blended with a little white:
    ink + s (255 - ink) with the same s (up to GIF_INK_REACH) in every channel, give or take 3
    levels."""
    ink = np.array(ink, dtype=float)
    room = 255 - ink  # how far each channel can go toward white
    s = ((colours - ink) * room).sum(axis=1) / max((room**2).sum(), 1.0)  # the best share of white
    s = np.clip(s, 0, GIF_INK_REACH)
    return bool((np.abs(colours - (ink + s[:, None] * room)).max(axis=1) <= 3).any())


def gif_palette(
    sample_frames: Sequence[np.ndarray], inks: Sequence[tuple] = ((0, 0, 0),)
) -> np.ndarray:
    """The palette for frames like these, as (n, 3) uint8 with n <= GIF_COLOURS, white first.

    A plot is a few colours (the inks) on white paper, and antialiasing blends each ink with the
    paper along its edges. So the palette holds, in this order while there is room:
    white; each of the inks (the colours the figure draws with, as 8-bit RGB) that the samples show
    (see _shows_ink); each colour that fills at least GIF_AREA_SHARE of the samples; GIF_BLENDS
    blends toward white of each of those; and, for where one ink crosses another (a blue marker over
    the red line), the halfway blend of each two inks. A colour that is less than GIF_STEP away from
    one already in the palette, in every channel, is left out: near-whites become white, so the
    paper stays exactly white. Any other colour is shown as the nearest one of the palette.
    """
    pixels = np.concatenate([np.asarray(frame).reshape(-1, 3) for frame in sample_frames]).astype(
        np.uint32
    )
    packed, counts = np.unique(_pack(pixels[:, 0], pixels[:, 1], pixels[:, 2]), return_counts=True)
    # (n, 3)
    colours = np.stack([packed >> 16, (packed >> 8) & 255, packed & 255], axis=1).astype(int)
    inks = [rgb for rgb in dict.fromkeys(map(tuple, inks)) if _shows_ink(colours, rgb)]
    by_area = np.argsort(-counts, kind="stable")  # the colours that fill the most pixels first
    by_area = by_area[counts[by_area] >= GIF_AREA_SHARE * len(pixels)]
    areas = [_unpack(packed[k]) for k in by_area]

    palette = [WHITE]

    def add(rgb):
        if (
            len(palette) < GIF_COLOURS
            and np.abs(np.array(palette) - rgb).max(axis=1).min() >= GIF_STEP
        ):
            palette.append(rgb)

    for rgb in inks + areas:
        add(rgb)
    for rgb in palette[1:]:  # edges on the paper
        for k in range(1, GIF_BLENDS + 1):
            share = k / (GIF_BLENDS + 1)  # how far toward white
            add(tuple(round(c + (255 - c) * share) for c in rgb))
    for ink, other in itertools.combinations(inks, 2):  # edges where one ink crosses another
        add(tuple(round((c + d) / 2) for c, d in zip(ink, other)))
    return np.array(palette, dtype=np.uint8)


def _table_cells(rgb: np.ndarray) -> np.ndarray:
    """The lookup-table cell of each colour in (..., 3) uint8: r // 8 * 32**2 + g // 8 * 32 + b //
    8."""
    steps = rgb >> (8 - GIF_TABLE_BITS)  # (one pass over all three channels is faster than three)
    cells = steps[..., 0].astype(np.uint16) << (2 * GIF_TABLE_BITS)
    cells |= steps[..., 1].astype(np.uint16) << GIF_TABLE_BITS
    cells |= steps[..., 2]
    return cells


def nearest_table(palette: np.ndarray) -> np.ndarray:
    """For each cell of the RGB cube, the index of the palette colour nearest to the cell's centre
    (in plain RGB distance), except that a cell holding a palette colour gives that colour, so that
    each colour of the palette maps to itself. Built once per GIF: 32**3 cells x 63 colours."""
    centres = np.arange(GIF_STEP / 2 - 0.5, 256, GIF_STEP, dtype=np.float32)
    cube = np.stack(np.meshgrid(centres, centres, centres, indexing="ij"), axis=-1).reshape(-1, 3)
    colours = palette.astype(np.float32)
    # |cube - colour|² = |cube|² - 2 cube·colour + |colour|², and |cube|² is the same for every
    # colour
    distances = (colours**2).sum(axis=1) - 2 * cube @ colours.T
    table = distances.argmin(axis=1).astype(np.uint8)
    # Palette colours are at least GIF_STEP apart in some channel, so no two of them share a cell.
    table[_table_cells(palette)] = np.arange(len(palette))
    return table


@WRITERS.register
class GifWriter(Writer):
    """Streams frames into a looping GIF that replaces `path` only when complete.

    setup (reserve a temporary file beside `path`) -> set_palette -> grab_frame for each frame ->
    finish, like matplotlib's animation writers. A plot has few colours, so every frame is drawn
    with one small palette made from sample frames (gif_palette): each pixel becomes the index of
    the nearest palette colour, found in a lookup table (nearest_table). Only the rectangle that
    changed since the frame before is written, with the pixels that did not change transparent. The
    file is written block by block as the GIF format lays it out; Pillow compresses the pixels
    (LZW). The frames are not kept: memory stays at two frames, however many there are. Leaving the
    `with` block without finish() removes the temporary file, and any earlier file at `path` stays
    as it was.
    """

    kind, suffixes = "gif", (".gif",)

    @classmethod
    def for_run(cls, gif_path: Path, settings) -> "GifWriter":
        return cls(gif_path, settings.frame_duration_ms(), round(1000 * settings.hold))

    def __init__(self, path, frame_ms: int, last_frame_ms: int):
        self.path = Path(path)
        self.frame_ms, self.last_frame_ms = frame_ms, last_frame_ms
        self.count = 0  # frames grabbed so far
        self.file: Optional[AtomicFile] = None
        self.palette: Optional[np.ndarray] = None  # (n, 3) uint8
        self.transparent = 0  # the index of "unchanged": the first one after the palette's colours
        self._table: Optional[np.ndarray] = None  # cell of the RGB cube -> palette index
        self._stream = None
        self._pending: Optional[np.ndarray] = (
            None  # the newest frame: its duration is known at the next
        )
        self._previous: Optional[np.ndarray] = None  # the palette indices of the last frame written

    def setup(self):
        """Create missing folders and the temporary file, so that an unwritable place fails now."""
        self.file = AtomicFile(self.path)
        self._stream = open(self.file.tmp_path, "wb")

    def begin(self):  # (the Writer's names for matplotlib's)
        self.setup()

    def add(self, frame: np.ndarray):
        self.grab_frame(frame)

    def set_palette(
        self, sample_frames: Sequence[np.ndarray], inks: Sequence[tuple] = ((0, 0, 0),)
    ):
        """Make the palette of every frame from these (H, W, 3) frames, e.g. the first and the last,
        keeping exactly those of the inks (8-bit RGB) that they show."""
        self.palette = gif_palette(sample_frames, inks)
        self.transparent = len(self.palette)
        self._table = nearest_table(self.palette)

    def grab_frame(self, frame: np.ndarray):
        """Add one (H, W, 3) uint8 frame."""
        if self.palette is None:
            self.set_palette([frame])
        indices = self._indices(frame)
        with signals_held():  # a frame is written whole, and counted, or not at all
            if self._pending is not None:
                self._write(self._pending, self.frame_ms)
            self._pending = indices
            self.count += 1

    def _indices(self, frame: np.ndarray) -> np.ndarray:
        """Each pixel's palette index, (H, W) uint8."""
        # (np.take: faster than self._table[...] here)
        return np.take(self._table, _table_cells(frame))

    def _write(self, indices: np.ndarray, duration_ms: int):
        """Write one frame: the first whole, after the file's header; later ones as the rectangle
        that changed, in which the pixels that did not change are transparent (they compress to
        almost nothing)."""
        header = b""
        if self._previous is None:
            header = self._header(width=indices.shape[1], height=indices.shape[0])
            part, offset = indices, (0, 0)
        else:
            changed = indices != self._previous
            rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            # the same picture: one unchanged pixel keeps the frame (and its duration)
            if rows.size == 0:
                rows, columns = np.array([0]), np.array([0])
            window = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
            part = np.where(changed[window], indices[window], self.transparent).astype(np.uint8)
            offset = (int(columns[0]), int(rows[0]))
        # One write: a Ctrl-C comes before or after it.
        self._stream.write(header + self._image(part, offset, duration_ms))
        self._previous = indices

    def _bits(self) -> int:
        """Bits per index: the colour table has 2**bits entries, enough for the palette and
        "unchanged"."""
        return max(2, self.transparent.bit_length())  # (the GIF format wants at least 2)

    def _header(self, width: int, height: int) -> bytes:
        """The start of the file: signature, screen size, the colour table, and "loop forever"."""
        bits = self._bits()
        # the entries after the palette's colours are never shown
        table = np.zeros((2**bits, 3), np.uint8)
        table[: len(self.palette)] = self.palette
        # Screen descriptor flags: a global colour table (0x80), 8 bits per primary (0x70), its
        # size.
        # background: 0, white
        screen = struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (bits - 1), 0, 0)
        loop = b"!\xff\x0bNETSCAPE2.0" + struct.pack("<BBHB", 3, 1, 0, 0)  # repeat count 0: forever
        return b"GIF89a" + screen + table.tobytes() + loop

    def _image(self, part: np.ndarray, offset, duration_ms: int) -> bytes:
        """One frame: how long it shows and which index is transparent, where it goes, its
        pixels."""
        bits = self._bits()
        # Graphic control: disposal 1 (keep this frame under the next one) and the transparent index
        # (the first frame, written whole, has no pixel with it).
        control = b"!\xf9" + struct.pack(
            "<BBHBB", 4, (1 << 2) | 1, duration_ms // 10, self.transparent, 0
        )
        height, width = part.shape
        # no own table
        descriptor = b"," + struct.pack("<HHHHB", offset[0], offset[1], width, height, 0)
        # Pillow's GIF encoder compresses the indices (LZW, codes starting at bits + 1 bits; 0: not
        # interlaced) and cuts the result into the format's sub-blocks of at most 255 bytes; a 0
        # byte ends them.
        pixels = Image.fromarray(np.ascontiguousarray(part)).tobytes("gif", "L", bits, 0)
        return control + descriptor + bytes([bits]) + pixels + b"\0"

    def finish(self) -> Path:
        """Write the last frame, held for last_frame_ms, close the GIF and move it into place."""
        self.close()
        return self.commit()

    def close(self):
        """Write the last frame, held for last_frame_ms, and close the GIF (not yet in place:
        commit)."""
        if self._pending is not None:
            self._write(self._pending, max(self.frame_ms, self.last_frame_ms))
            self._pending = None
        self._stream.write(b";")  # the GIF trailer
        stream, self._stream = self._stream, None
        stream.close()

    def staged(self) -> list:
        return [self.file] if self.file is not None else []

    def commit(self) -> Path:
        """Move the closed GIF into place."""
        return self.file.commit()

    def discard(self):
        """Close the file if it is open and remove it (after commit: nothing)."""
        try:
            if self._stream is not None:
                stream, self._stream = self._stream, None
                stream.close()  # (on a full disk this flush fails again: the file goes anyway)
        finally:
            super().discard()
