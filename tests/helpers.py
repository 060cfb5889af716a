"""Test helpers: decoding a GIF the way a viewer would; the command line run in this process."""

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence


@dataclass
class DecodedGif:
    frames: list  # (H, W, 3) uint8 arrays
    durations: list  # milliseconds
    loop: object  # 0 means forever; None if the GIF does not loop
    sizes: set


def decode_gif(path) -> DecodedGif:
    with Image.open(path) as image:
        assert image.format == "GIF"
        loop = image.info.get("loop")
        frames, durations, sizes = [], [], set()
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info["duration"])
            sizes.add(frame.size)
            frames.append(np.asarray(frame.convert("RGB")))
    return DecodedGif(frames, durations, loop, sizes)


def run_main(args):
    """cli.main in this process: (exit code, stdout, stderr)."""
    from regress_demo.app import cli

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = cli.main(args)
        except SystemExit as exit_info:
            code = exit_info.code
    return code, out.getvalue(), err.getvalue()
