"""Test helpers: decoding a GIF the way a viewer would; the command line run in this process; an
activation a learner adds to layers.py."""

import io
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageSequence

from regress_demo.network.layers import MIDDLE_LAYERS, MiddleLayer


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


class SoftplusLayer(MiddleLayer):
    """A hidden layer of softplus neurons, as a learner adds one: y = log(1 + e^u)."""

    @staticmethod
    def activate(u):
        """log(1 + e^u), elementwise."""
        return np.logaddexp(0.0, u)

    def derivative(self):
        """f'(u) for the last forward pass, (batch, n)."""
        return 1 / (1 + np.exp(-self.u))  # softplus'(u) = sigmoid(u)


@contextmanager
def registered(name="softplus", kind=SoftplusLayer):
    """While inside, `kind` is in layers.py's registry under `name`, as a line there puts it."""
    MIDDLE_LAYERS[name] = kind
    try:
        yield kind
    finally:
        del MIDDLE_LAYERS[name]
