"""Writing the film as a video too: MP4 (H.264) or WebM (VP9), through imageio and PyAV.

A video can be paused, stepped and put on a slide, in full colour. The frames are the GIF's, written
one by one as they are drawn (imageio's v3 API with its PyAV plugin): memory does not grow with the
frame count. Like the GIF, a video goes to a temporary file beside its place and is moved there
only when complete (see staged.AtomicFile). The muxer writes no random identifiers and no version
strings (FFmpeg's "bitexact"): the same run gives the same bytes.

PyAV (the `video` extra: ``pip install -e '.[video]'``) brings its own FFmpeg; Settings refuses a
video with one line saying how to install it when it is not there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np

from .staged import AtomicFile, naming
from .writers import WRITERS, Writer

#: The formats --video takes: (container, codec, options). yuv420p plays in browsers, PowerPoint,
#: Keynote and QuickTime; a plot's flat colours need little bitrate at a constant quality. One
#: thread and no real-time deadline, so that the same run gives the same frames however busy the
#: machine (the moov box first, for seeking: CONTAINER_OPTIONS).
FORMATS = {
    "mp4": ("mp4", "libx264", {"crf": "20", "preset": "veryfast", "threads": "1"}),
    "webm": (
        "webm",
        "libvpx-vp9",
        {"crf": "32", "b": "0", "deadline": "good", "cpu-used": "5", "threads": "1"},
    ),
}


#: FFmpeg's options for the container: no random track identifiers, no version strings; an MP4's
#: index (its moov box) before its frames (faststart), so a browser can seek before it has it all.
CONTAINER_OPTIONS = {"fflags": "+bitexact"}
MUXER_OPTIONS = {"mp4": {"movflags": "+faststart"}}


def container_options(kind: str) -> dict:
    """The muxer's options for a video of this kind (FFmpeg's, by name)."""
    return {**CONTAINER_OPTIONS, **MUXER_OPTIONS.get(kind, {})}


def frame_count(hold_seconds: float, fps: float) -> int:
    """How many times the last frame is written, so that it stays `hold_seconds` (at least once)."""
    return max(1, round(hold_seconds * fps))


class VideoWriter(Writer):
    """Streams frames into a video that replaces `path` only when complete.

    setup -> grab_frame for each frame -> close (the last frame held for `hold` seconds) -> commit,
    or discard; like matplotlib's animation writers and GifWriter. Frames of odd width or height are
    padded with white to even ones (yuv420p halves the colour resolution)."""

    @classmethod
    def wanted(cls, settings) -> bool:
        return cls.kind in settings.video

    @classmethod
    def for_run(cls, gif_path: Path, settings) -> "VideoWriter":
        return cls(gif_path.with_suffix(cls.suffixes[0]), cls.kind, settings.fps, settings.hold)

    def __init__(self, path, kind: str, fps: float, hold: float):
        self.path, self.kind, self.fps, self.hold = Path(path), kind, float(fps), hold
        self.file: Optional[AtomicFile] = None
        self.count = 0  # frames grabbed
        self._stream = None
        self._last: Optional[np.ndarray] = None

    def setup(self):
        """Create the temporary file and open the encoder, so that an unwritable place fails now."""
        import imageio.v3 as iio  # (PyAV and its FFmpeg load only when a video is asked for)

        container, codec, options = FORMATS[self.kind]
        with naming(self.path):
            self.file = AtomicFile(self.path)
            self._stream = iio.imopen(
                self.file.tmp_path,
                "w",
                plugin="pyav",
                container=container,
                container_options=container_options(self.kind),
            )
            self._stream.init_video_stream(codec, fps=self.fps)
            self._options = options

    def begin(self):  # (the Writer's names for matplotlib's)
        self.setup()

    def add(self, frame: np.ndarray):
        self.grab_frame(frame)

    def grab_frame(self, frame: np.ndarray):
        """Add one (H, W, 3) uint8 frame."""
        height, width = frame.shape[:2]
        if height % 2 or width % 2:
            frame = np.pad(frame, ((0, height % 2), (0, width % 2), (0, 0)), constant_values=255)
        if self.count == 0:
            # (imageio takes no codec options)
            self._stream._video_stream.options = dict(self._options)
        with naming(self.path):
            self._stream.write_frame(frame)
        self._last = frame
        self.count += 1

    def close(self):
        """Hold the last frame for `hold` seconds and finish the file (not yet in place: commit)."""
        with naming(self.path):
            for _ in range(frame_count(self.hold, self.fps) - 1):
                self._stream.write_frame(self._last)
            stream, self._stream = self._stream, None
            try:
                stream.close()
            except BaseException:
                _close_quietly(stream)
                raise

    def staged(self) -> list:
        return [self.file] if self.file is not None else []

    def commit(self) -> Path:
        return self.file.commit()

    def discard(self):
        """Close the encoder if it is open and remove the temporary file."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            _close_quietly(stream)
        super().discard()  # (after commit(): nothing)


def _close_quietly(stream):
    """Let go of an imageio video that failed (a full disk) or is not wanted: its encoder is not
    flushed, its file is closed, and imageio is left nothing to try again (and fail at, aloud, with
    a traceback) when the object is collected. What is left of the file is removed anyway."""
    stream._video_stream = stream._video_filter = None  # (imageio's: nothing more to encode)
    container, stream._container = stream._container, None
    for close in (getattr(container, "close", None), stream.request.finish):
        try:
            if close is not None:
                close()
        except Exception:  # noqa: BLE001 - the failure that matters was raised already
            pass


@WRITERS.register
class Mp4Video(VideoWriter):
    """The film as MP4 (H.264): --video mp4."""

    kind, suffixes = "mp4", (".mp4",)


@WRITERS.register
class WebmVideo(VideoWriter):
    """The film as WebM (VP9): --video webm."""

    kind, suffixes = "webm", (".webm",)
