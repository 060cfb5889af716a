"""Test helpers: decoding a GIF the way a viewer would; the command line run in this process or in a
process of its own; one error line checked; nested JSON and the example data."""

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

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


def one_error_line(err: str, start: str = "regress-demo: error: ") -> str:
    assert err.startswith(start) and err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    return err


def command(args, cwd, env=None, timeout_s=120):
    """The command in a process of its own: (exit code, stdout, stderr)."""
    environment = dict(os.environ, **(env or {}))
    process = subprocess.run(
        [sys.executable, "-m", "regress_demo", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=timeout_s,
    )
    return process.returncode, process.stdout, process.stderr.decode(errors="replace")


ROOT = Path(__file__).resolve().parent.parent


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def daylight():
    return str(ROOT / "examples" / "daylight.csv")
