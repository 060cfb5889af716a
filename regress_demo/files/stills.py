"""The stills of a run: which frames the contact sheet shows, the sheet of the film's frames, and
single frames at print resolution (--still: PNG and PDF, drawn by the film's own figure).

The sheet's tiles are spread along the path the fit travels, not over the epochs: in the default
run the fit hardly moves after epoch 700, and tiles evenly spaced in epochs (0, 280, ..., 2000)
showed four look-alikes (see sheet_picks). A printable sheet, re-drawn tile by tile, is sheet.py.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Dict, List, Sequence

import numpy as np
from PIL import Image

from ..network import samples as data
from .paths import still_name
from .staged import naming, staged_png, staged_with
from .writers import WRITERS, WholeFiles

#: The tiles of a contact sheet.
SHEET_TILES = 8


def fit_path(frames: Sequence[list], grid=None) -> np.ndarray:
    """How far the fit has travelled at each frame: the root-mean-square change of the fit over the
    drawing grid from each frame to the next, summed from the first frame (0) on; for a grid of
    networks, the mean of their changes. Values a diverged network produced count as no change."""
    from ..film.panels import finite_or_nan  # (matplotlib: loaded by then; not before training)

    grid = data.grid() if grid is None else grid
    fits = np.array(
        [
            [finite_or_nan(snapshot.fit(grid), snapshot) for snapshot in snapshots]
            for snapshots in frames
        ]
    )
    squares = np.diff(fits, axis=0) ** 2  # (frames - 1, configurations, grid points)
    seen = np.isfinite(squares)
    steps = np.sqrt(np.where(seen, squares, 0).sum(axis=2) / np.maximum(seen.sum(axis=2), 1)).mean(
        axis=1
    )
    return np.concatenate([[0.0], np.cumsum(steps)])


def sheet_picks(path, count: int = SHEET_TILES) -> List[int]:
    """The indices of the contact sheet's frames (`path`: fit_path of the frames; or just their
    number, for frames evenly spread over the film): every frame if there are at most `count`; else
    `count` frames evenly spaced along the fit's path (fit_path): the first frame whose travelled
    distance reaches k/(count-1) of the whole, for k = 0 ... count-1, the last frame last; where two
    would be the same frame, the later one moves on to the next frame.

    Why along the fit's path: the sheet is for seeing the fit change, and each tile then shows as
    much change as the next. In the default run (101 frames) the tiles are epochs 0, 20, 80, 120,
    200, 400, 660 and 2000: between neighbouring tiles the fit moves by 0.04 to 0.57 (RMS); tiles
    evenly spaced in epochs (0, 280, 580, 860, 1140, 1420, 1720, 2000) moved by 0.007, 0.003 and
    0.001 in the last three steps, too little to see, and tiles evenly spaced in log(error) still
    by 0.010 and 0.006 (epochs 980, 1260, 2000).
    """
    if isinstance(path, int):  # a frame count alone: the frames evenly spread over the film
        return sorted({int(i) for i in np.rint(np.linspace(0, path - 1, min(count, path)))})
    path = np.asarray(path, dtype=float)
    n = len(path)
    if n <= count:
        return list(range(n))
    levels = np.linspace(0.0, path[-1], count)
    picks = [int(np.argmax(path >= level * (1 - 1e-12))) for level in levels[:-1]] + [n - 1]
    picks[0] = 0
    for k in range(1, count):  # distinct: a pick taken already moves on to the next frame ...
        picks[k] = max(picks[k], picks[k - 1] + 1)
    picks[-1] = n - 1
    for k in range(count - 2, -1, -1):  # ... and leaves room for the picks after it
        picks[k] = min(picks[k], picks[k + 1] - 1)
    return picks


#: A single network's frames laid out on a slide (--size) at least this many pixels on their short
#: side have text 28 pixels high or more: the sheet halves them, to about 14. Other frames' text is
#: about 10 pixels (a grid's can be less): their tiles stay at the frame's size.
HALVED_FROM = 1080


def sheet_shrink(settings) -> int:
    """How many times smaller the sheet's tiles are than the film's frames: 2 for a slide's frames,
    else 1, so that no text on the sheet is under about 10 pixels high."""
    slide = settings.size is not None and min(settings.size) >= HALVED_FROM
    return 2 if slide and not settings.is_grid else 1


def contact_sheet(frames: Sequence[np.ndarray], columns: int = 4, shrink: int = 1) -> Image.Image:
    """A still grid of these frames, each `shrink` times smaller (each pixel the mean of a
    shrink x shrink square; sheet_shrink chooses), `columns` to a row: the film's own frames, for
    a slide (for print, sheet.py draws each tile anew)."""
    tiles = [Image.fromarray(frame).reduce(shrink) for frame in frames]
    width, height = tiles[0].size
    rows = -(-len(tiles) // columns)
    sheet = Image.new("RGB", (width * min(columns, len(tiles)), height * rows), "white")
    for k, tile in enumerate(tiles):
        sheet.paste(tile, ((k % columns) * width, (k // columns) * height))
    return sheet


# ---- --still: single frames for print ----


def frame_epoch(snapshots) -> int:
    """The epoch a frame shows (the latest of its configurations')."""
    return max(snapshot.epoch for snapshot in snapshots)


def still_only(extra_epochs, snapshots) -> bool:
    """True for the snapshots of an epoch recorded for --still only (`extra_epochs`: those not in
    the film), not a frame of the film; a frame where a network diverged is always one."""
    epoch = frame_epoch(snapshots)
    return epoch in extra_epochs and not any(s.diverged and s.epoch == epoch for s in snapshots)


def still_frames(settings, drawn: Sequence[list], extra: Dict[int, list]) -> Dict[int, list]:
    """The snapshots of each --still epoch, by epoch, up to the film's last frame (`drawn`: the
    frames in the GIF): last is that frame; an epoch after it (where training stopped early:
    diverged, interrupted) is left out."""
    return chosen_frames(settings.still, drawn, extra)


def chosen_frames(epochs, drawn: Sequence[list], extra: Dict[int, list]) -> Dict[int, list]:
    """The snapshots of each of these epochs (or last: the film's last frame), by epoch, in order,
    from the frames in the GIF and the snapshots recorded for print only (`extra`); an epoch after
    the last frame (training stopped early) is left out."""
    last = frame_epoch(drawn[-1])
    by_epoch = {epoch: snapshots for epoch, snapshots in extra.items() if epoch <= last}
    by_epoch.update((frame_epoch(snapshots), snapshots) for snapshots in drawn)
    wanted = {last if epoch == "last" else epoch for epoch in epochs}
    return {epoch: by_epoch[epoch] for epoch in sorted(wanted) if epoch in by_epoch}


def whole_curves(figure, epoch: int):
    """Give the error panel's curves their whole history up to `epoch` (the film draws them piece by
    piece into its background, so after `draw` they hold only the last piece)."""
    from ..film.panels import set_piece

    pairs = []
    if getattr(figure, "loss_line", None) is not None:  # RichFigure
        pairs.append((figure.loss_line, figure.history))
        if figure.heldout_line is not None:
            pairs.append((figure.heldout_line, figure.heldout_history))
    # GridFigure
    pairs += list(zip(getattr(figure, "loss_lines", []), getattr(figure, "histories", [])))
    pairs += list(zip(getattr(figure, "heldout_lines", []), getattr(figure, "heldout", [])))
    for line, history in pairs:
        set_piece(line, history, slice(0, epoch + 1))


@contextmanager
def every_artist_drawn(figure):
    """matplotlib draws every artist of the figure while inside, the animated ones too (the film
    draws those itself, over its background)."""
    blitter = figure.blitter
    animated = blitter.artists + blitter.growing + [label.text for label in blitter.labels]
    for artist in animated:
        artist.set_animated(False)
    try:
        yield
    finally:
        for artist in animated:
            artist.set_animated(True)


def show_frame(figure, film: Sequence[list], snapshots):
    """Bring the figure to the state of the frame for these snapshots, as the film shows it: the
    frames before it drawn (skipped: their trails, the error so far), then it; the error curves
    whole."""
    epoch = frame_epoch(snapshots)
    figure.reset()
    for earlier in film:
        if frame_epoch(earlier) >= epoch:
            break
        figure.skip(earlier)
    figure.draw(snapshots)
    whole_curves(figure, epoch)


#: PDFs with TrueType (Type 42) fonts: the text stays text, selectable and searchable; no date in
#: them, so that the same run gives the same bytes.
PDF_STYLE = {"pdf.fonttype": 42}
PDF_METADATA = {"CreationDate": None, "ModDate": None}


def save_figure(figure, path, dpi: int) -> list:
    """The figure (matplotlib) as PNG at `dpi` and as vector PDF beside it (the same name, .pdf),
    staged: two AtomicFiles, ready to commit() or discard(). The figure's size in inches stays."""
    import matplotlib

    files = []
    try:
        with naming(path):
            files.append(staged_with(path, lambda tmp: figure.savefig(tmp, format="png", dpi=dpi)))
        pdf = path.with_suffix(".pdf")
        with matplotlib.rc_context(PDF_STYLE), naming(pdf):
            files.append(
                staged_with(
                    pdf, lambda tmp: figure.savefig(tmp, format="pdf", metadata=PDF_METADATA)
                )
            )
    except BaseException:
        for file in files:
            file.discard()
        raise
    return files


def draw_prints(settings, dataset, histories, heldout_histories, frames, drawn, extra, writers):
    """Draw the files for print into their writers (`writers`: by kind): the stills (--still), the
    printable contact sheet (--sheet print: NAME.png and NAME.pdf) and the handout (--handout).
    `frames` are the film's frames (its figure is made for them), `drawn` those in the GIF, `extra`
    the snapshots of epochs for print that are not frames."""
    from ..film.frames import make_figure

    stills = still_frames(settings, drawn, extra) if "stills" in writers else {}
    if stills:
        figure = make_figure(settings, dataset, histories, frames, heldout_histories, still=True)
        for epoch, snapshots in stills.items():
            show_frame(figure, frames, snapshots)
            with every_artist_drawn(figure):
                writers["stills"].add((epoch, figure.figure))
    if "print-sheet" in writers:
        from ..film.sheet import print_sheet

        if settings.sheet_epochs:  # the tiles asked for, else spread along the fit's path
            tiles = list(chosen_frames(settings.sheet_epochs, drawn, extra).values())
        else:
            tiles = [drawn[k] for k in sheet_picks(fit_path(drawn))]
        writers["print-sheet"].add(print_sheet(settings, dataset, tiles))
    if "handout" in writers:
        from ..film.handout import handout_page

        chosen = chosen_frames(settings.handout, drawn, extra)
        heldout = heldout_histories[0] if heldout_histories else None
        writers["handout"].add(handout_page(settings, dataset, histories[0], chosen, heldout))


class _Prints(WholeFiles):
    """Figures saved as PNG at --dpi and as PDF beside it, staged (see save_figure)."""

    suffixes = (".png", ".pdf")

    @classmethod
    def for_run(cls, gif_path, settings):
        return cls(gif_path, settings.dpi)

    def __init__(self, gif_path, dpi: int):
        super().__init__()
        self.gif_path, self.dpi = gif_path, dpi


@WRITERS.register
class Stills(_Prints):
    """The stills (--still): NAME-epochN.png and NAME-epochN.pdf, each a frame drawn for print."""

    kind = "stills"

    @classmethod
    def wanted(cls, settings) -> bool:
        return bool(settings.still)

    @classmethod
    def targets(cls, gif_path, settings) -> list:
        """The stills' files as known before the run (--still last: the last epoch)."""
        epochs = sorted(
            {settings.epoch - 1 if epoch == "last" else epoch for epoch in settings.still}
        )
        return [
            gif_path.with_name(still_name(gif_path, epoch, suffix))
            for epoch in epochs
            for suffix in cls.suffixes
        ]

    def add(self, item):
        """One still: (its epoch, the matplotlib figure that shows it)."""
        epoch, figure = item
        png = self.gif_path.with_name(still_name(self.gif_path, epoch, ".png"))
        self.files += save_figure(figure, png, self.dpi)


@WRITERS.register
class FilmSheet(WholeFiles):
    """The contact sheet of the film's frames (NAME.png), for a slide."""

    kind, suffixes = "sheet", (".png",)

    @classmethod
    def wanted(cls, settings) -> bool:
        return settings.sheet != "print"

    @classmethod
    def for_run(cls, gif_path, settings):
        return cls(gif_path.with_suffix(".png"), sheet_shrink(settings))

    def __init__(self, path, shrink: int = 1):
        super().__init__()
        self.path, self.shrink = path, shrink

    def add(self, frames):
        """The sheet's frames, (H, W, 3) arrays (see contact_sheet)."""
        self.files.append(staged_png(self.path, contact_sheet(frames, shrink=self.shrink)))


@WRITERS.register
class PrintSheet(_Prints):
    """The contact sheet for print (--sheet print): NAME.png at --dpi and NAME.pdf (sheet.py)."""

    kind = "print-sheet"

    @classmethod
    def wanted(cls, settings) -> bool:
        return settings.sheet == "print"

    def add(self, figure):
        """The sheet, a matplotlib figure (sheet.print_sheet)."""
        self.files += save_figure(figure, self.gif_path.with_suffix(".png"), self.dpi)


def handout_name(gif_path) -> str:
    """The handout's file name beside the GIF: NAME-handout.pdf."""
    return f"{gif_path.stem}-handout.pdf"


@WRITERS.register
class Handout(WholeFiles):
    """The handout (--handout): NAME-handout.pdf, one A4 page (film/handout.py)."""

    kind, suffixes = "handout", (".pdf",)

    @classmethod
    def wanted(cls, settings) -> bool:
        return bool(settings.handout)

    @classmethod
    def targets(cls, gif_path, settings) -> list:
        return [gif_path.with_name(handout_name(gif_path))]

    @classmethod
    def for_run(cls, gif_path, settings):
        return cls(gif_path.with_name(handout_name(gif_path)))

    def __init__(self, path):
        super().__init__()
        self.path = path

    def add(self, figure):
        """The page, a matplotlib figure (handout.handout_page), saved as vector PDF."""
        import matplotlib

        def save(tmp):
            figure.savefig(tmp, format="pdf", metadata=PDF_METADATA)

        with matplotlib.rc_context(PDF_STYLE), naming(self.path):
            self.files.append(staged_with(self.path, save))
