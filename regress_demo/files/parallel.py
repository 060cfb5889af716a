"""Drawing a film on two cores: the second half of the frames drawn and encoded by a forked process.

A speed-up only: the GIF is the same, byte for byte, as when one process draws every frame. The
forked process starts with a copy of the figure and the GIF writer; it brings the figure to the state
that drawing the first half would leave (the trails and the loss curves so far: each figure's
`skip`), encodes its frames as changes from the frame before them (GifWriter.following), and sends
back the GIF's blocks, which the first process adds after its own (GifWriter.add_blocks). If the
second process fails, the first draws the rest itself; on Ctrl-C it is stopped, and the GIF keeps
the first process's frames. Where fork is missing (Windows), one process draws everything.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import numpy as np

from .staged import signals_held

#: Fewer frames than this are drawn by one process: a second one would not pay for its start.
MIN_FRAMES = 16


@dataclass
class Film:
    """What the frames drawn so far leave for the files beside the GIF (kept when Ctrl-C stops the drawing)."""

    sheet: List[np.ndarray] = field(
        default_factory=list
    )  # the frames picked for the contact sheet, in order
    last: Optional[np.ndarray] = None  # the last frame in the GIF


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def split_at(frame_count: int) -> int:
    """The first frame the second process draws; frame_count if one process draws them all."""
    if (
        frame_count < MIN_FRAMES
        or _cores() < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return frame_count
    return frame_count // 2


def draw_frames(
    figure, writer, frames, picks, film: Film, clock, on_frame: Optional[Callable] = None, videos=()
):
    """Draw every frame and grab it into the writer, the second half on a second core where it can be.

    `figure` has drawn the palette's sample frames and been reset; `picks` are the indices of the
    frames for the contact sheet; `clock` times the phases "draw" and "encode". With `videos`
    (video.VideoWriter), each frame goes to them too, and one process draws them all (a video's
    halves would not join as a GIF's do)."""
    total = len(frames)

    def report(done):
        if on_frame is not None:
            on_frame(done, total)

    def draw_one(k):
        with clock.phase("draw"):
            image = figure.draw(frames[k])
        with clock.phase("encode"), signals_held():  # in every file, or in none
            writer.grab_frame(image)
            for video in videos:
                video.grab_frame(image)
        film.last = image
        if k in picks:
            film.sheet.append(image)

    start = split_at(total) if not videos else total
    helper = _SecondProcess(figure, writer, frames, start, picks) if start < total else None
    try:
        for k in range(start):
            draw_one(k)
            report(writer.count + (helper.poll() if helper else 0))
        if helper is not None:
            with clock.phase("draw"):  # (waiting for the second process to finish its drawing)
                rest = helper.wait(lambda done: report(writer.count + done))
            if rest is not None:
                blocks, count, sheet, last = rest
                with clock.phase("encode"):
                    writer.add_blocks(blocks, count)
                film.sheet.extend(sheet)
                film.last = last
                return
        for k in range(start, total):  # one process, or the second one failed
            draw_one(k)
            report(writer.count)
    finally:
        if helper is not None:
            helper.stop()


class _SecondProcess:
    """The forked process that draws frames[start:], and the pipe that brings its work back."""

    def __init__(self, figure, writer, frames, start: int, picks):
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_draw_rest,
            args=(figure, writer, frames, start, picks, sender, self.receiver),
            daemon=True,
        )
        self.process.start()
        sender.close()
        self.done = 0  # frames it has drawn so far

    def _next(self):
        message = self.receiver.recv()
        if message[0] == "frame":
            self.done += 1
        return message

    def poll(self) -> int:
        """How many frames it has drawn, without waiting."""
        try:
            while self.receiver.poll():
                self._next()
        except (EOFError, OSError):
            pass
        return self.done

    def wait(self, progress) -> Optional[tuple]:
        """Its (GIF blocks, frame count, sheet frames, last frame) once it is done; None if it failed."""
        try:
            while True:
                message = self._next()
                if message[0] == "frame":
                    progress(self.done)
                elif message[0] == "done":
                    return message[1:]
                else:
                    return None
        except (EOFError, OSError):  # it died
            return None

    def stop(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.receiver.close()


def _draw_rest(figure, writer, frames, start: int, picks, sender, theirs):
    """In the second process: draw and encode frames[start:], send back the result. `theirs`: the
    first process's end of the pipe, closed here, so that a send fails once that process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the first process stops this one
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    theirs.close()
    try:
        for snapshots in frames[: start - 1]:
            figure.skip(snapshots)
        part = writer.following(figure.draw(frames[start - 1]))
        sheet, last, parent = [], None, os.getppid()
        for k in range(start, len(frames)):
            if os.getppid() != parent:  # the first process is gone (killed)
                os._exit(1)
            last = figure.draw(frames[k])
            part.grab_frame(last)
            if k in picks:
                sheet.append(last)
            sender.send(("frame",))
        sender.send(("done", part.blocks(), part.count, sheet, last))
    except (BrokenPipeError, EOFError):  # the first process is gone
        os._exit(1)
    except BaseException as error:  # noqa: BLE001 - reported (KeyboardInterrupt too), and the first process draws the rest
        try:
            sender.send(("failed", f"{type(error).__name__}: {error}"))
        except OSError:
            os._exit(1)
