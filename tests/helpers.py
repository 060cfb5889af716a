"""Test helpers: decoding a GIF the way a viewer would; the command line run in this process or in a
process of its own; one error line checked; nested JSON and the example data; an activation a
learner adds to layers.py."""

import io
import os
import subprocess
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

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


def edited_checkout(folder, *edits):
    """A copy of the package in `folder` whose network/layers.py has these (old, new) text edits,
    as a learner makes them; run it with run_checkout."""
    import shutil
    from pathlib import Path

    import regress_demo

    package = Path(regress_demo.__file__).parent
    shutil.copytree(
        package, Path(folder) / "regress_demo", ignore=shutil.ignore_patterns("__pycache__")
    )
    layers_py = Path(folder) / "regress_demo" / "network" / "layers.py"
    text = layers_py.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    layers_py.write_text(text, encoding="utf-8")
    return Path(folder)


def run_checkout(checkout, args, cwd, code=None):
    """`python -m regress_demo ARGS` (or `python -c CODE`) with the package of this checkout."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(checkout), "MPLBACKEND": "Agg"}
    command = ["-c", code] if code is not None else ["-m", "regress_demo", *args]
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


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


#: Chromium as the tests run it: no sandbox (in a container), no GPU, nothing fetched of its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def hide_packages(monkeypatch, *names):
    """As if these packages (and their submodules) were not installed: importlib.util.find_spec,
    which the tool asks before it imports an extra, finds none of them."""
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name.split(".")[0] in names else find_spec(name, *args),
    )
