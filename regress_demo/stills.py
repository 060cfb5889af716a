"""The stills of a run: a contact sheet of a few frames spread over the film, for slides and print."""

from __future__ import annotations

from typing import List, Sequence

import numpy as np
from PIL import Image


def sheet_picks(frame_count: int, count: int = 8) -> List[int]:
    """The indices of `count` frames spread evenly over the animation, first and last included."""
    return sorted({int(i) for i in np.rint(np.linspace(0, frame_count - 1, min(count, frame_count)))})


def contact_sheet(frames: Sequence[np.ndarray], columns: int = 4, shrink: int = 2) -> Image.Image:
    """A still grid of these frames, each `shrink` times smaller (each pixel the mean of a
    shrink x shrink square), `columns` to a row, for slides and print."""
    tiles = [Image.fromarray(frame).reduce(shrink) for frame in frames]
    width, height = tiles[0].size
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (width * min(columns, len(tiles)), height * rows), "white")
    for k, tile in enumerate(tiles):
        sheet.paste(tile, ((k % columns) * width, (k // columns) * height))
    return sheet
