#!/usr/bin/env python3
"""Benchmarks: regress-demo against the textbook path (scripts/textbook_baseline.py).

Each line runs its two sides alternately (A B A B ...) after one warm-up of each, and prints the
median time of each side and the ratio ours / baseline; lower is better. The end-to-end lines run
whole processes, as a user starts them from the shell (start-up and imports included). The machine
may be shared and noisy: the medians and the interleaving are what make two numbers from one run
comparable.

    python scripts/bench.py              # the full table (a few minutes)
    python scripts/bench.py --quick      # tiny sizes, seconds: checks that every line runs
    python scripts/bench.py --markdown   # the table as Markdown, for BENCHMARKS.md

PyTorch and scikit-learn are measured too when they are installed (they are no dependency), except
with --quick.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # textbook_baseline
sys.path.insert(0, str(HERE.parent))  # the package, when run from a checkout

import numpy as np  # noqa: E402
import textbook_baseline as textbook  # noqa: E402

from regress_demo.app.run import make_gif  # noqa: E402
from regress_demo.files.gif import GifWriter  # noqa: E402
from regress_demo.film.frames import INKS, SimpleFigure  # noqa: E402
from regress_demo.inputs.settings import Settings  # noqa: E402
from regress_demo.network import gradcheck  # noqa: E402
from regress_demo.network import samples as data  # noqa: E402
from regress_demo.network.train import TrainingGroup  # noqa: E402
from regress_demo.speed.engines import disagreement  # noqa: E402
from regress_demo.speed.lockstep import Lockstep  # noqa: E402


def interleaved(a, b, repeat: int, warm_up: bool = True):
    """Median seconds of a() and of b(), run alternately after one warm-up each."""
    if warm_up:
        a(), b()
    times_a, times_b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        a()
        times_a.append(time.perf_counter() - start)
        start = time.perf_counter()
        b()
        times_b.append(time.perf_counter() - start)
    return statistics.median(times_a), statistics.median(times_b)


def sgd_step(size, engine):
    """Seconds per SGD step (one sample), n_mid=3, training only: the layer classes (what a single
    run trains with) or the plain-float loop of --engine fast."""
    epochs = size["epochs"]
    steps = epochs * 63

    def ours():
        settings = Settings(epoch=epochs, interval=epochs)
        for _ in (Lockstep(settings) if engine == "fast" else TrainingGroup(settings)).snapshots():
            pass

    def baseline():
        textbook.train(epochs, record_every=10**9)

    return ours, baseline, steps


def render_encode(size, folder):
    """Seconds per frame to draw and encode the same frames at 640 x 480 (the --simple frame)."""
    frames = size["frames"]
    settings = Settings(epoch=frames, interval=1, simple=True)
    training = Lockstep(settings)
    snapshots = list(training.snapshots())
    x, t = data.sine_data()
    plot_data = [(x, s[0].outputs) for s in snapshots]

    def ours():
        figure = SimpleFigure(settings, settings.dataset())
        with GifWriter(folder / "ours.gif", 100, 2000) as writer:
            images = [figure.draw(s) for s in (snapshots[0], snapshots[-1])]
            writer.set_palette(images, INKS)
            for s in snapshots:
                writer.grab_frame(figure.draw(s))
            writer.finish()

    def baseline():
        images = [textbook.frame_png(x, t, px, py) for px, py in plot_data]
        textbook.imageio.mimsave(folder / "textbook.gif", images, duration=100, loop=0)

    return ours, baseline, frames


def video_encode(size, folder):
    """Seconds per frame to encode the same 840 x 800 frames (the default frame) as H.264 (--video
    mp4) against our GIF encoder; the frames are drawn once, before."""
    from regress_demo.files.video import VideoWriter
    from regress_demo.film.frames import make_figure

    frames = size["frames"]
    settings = Settings(epoch=frames, interval=1)
    training = Lockstep(settings)
    snapshots = list(training.snapshots())
    figure = make_figure(
        settings, training.dataset, training.errors, snapshots, training.heldout_errors
    )
    images = [figure.draw(s).copy() for s in snapshots]

    def mp4():
        with VideoWriter(folder / "ours.mp4", "mp4", 10, 2) as video:
            for image in images:
                video.grab_frame(image)
            video.close()
            video.commit()

    def gif():
        with GifWriter(folder / "ours.gif", 100, 2000) as writer:
            writer.set_palette([images[0], images[-1]], INKS)
            for image in images:
                writer.grab_frame(image)
            writer.finish()

    return mp4, gif, frames


def process(args, folder):
    """A function that runs this command as a whole process, as a user waits for it."""
    env = dict(os.environ, PYTHONPATH=str(HERE.parent), MPLBACKEND="Agg")

    def run():
        subprocess.run(
            [sys.executable, *args], cwd=folder, env=env, check=True, stdout=subprocess.DEVNULL
        )

    return run


def ours_command(size, folder, name, *options):
    epochs, interval = size["run_epochs"], size["run_interval"]
    return process(
        [
            "-m",
            "regress_demo",
            "-q",
            "--epoch",
            str(epochs),
            "--interval",
            str(interval),
            "--out",
            str(folder / f"{name}.gif"),
            *options,
        ],
        folder,
    )


def textbook_command(size, folder):
    epochs, interval = size["run_epochs"], size["run_interval"]
    return process(
        [
            str(HERE / "textbook_baseline.py"),
            "--out",
            str(folder / "textbook_run.gif"),
            "--epoch",
            str(epochs),
            "--interval",
            str(interval),
        ],
        folder,
    )


def end_to_end(size, folder, *options):
    """Seconds for a whole single run, started from the shell (start-up and imports included):
    training, frames (ours: the richer frame) and the GIF, against the textbook's."""
    return ours_command(size, folder, "run", *options), textbook_command(size, folder), 1


#: The own-data line: a measurement of this many points over six decades of x.
DATA_POINTS = 3000


def thousands_of_points(size, folder):
    """A 3000-point file (x over six decades, --log-x --log-y) end to end with --engine auto, which
    trains it with the checked plain-float loop, against the same run with --engine layers."""
    f = np.geomspace(1e-3, 1e3, DATA_POINTS)
    gain = (
        100
        / np.sqrt(1 + (f / 10) ** 2)
        * np.exp(0.03 * np.random.default_rng(0).normal(size=f.size))
    )
    rows = "".join(f"{a:.6g},{b:.6g}\n" for a, b in zip(f, gain))
    (folder / "bode.csv").write_text("frequency (Hz),gain (mV)\n" + rows, encoding="utf-8")
    data = ["--data", str(folder / "bode.csv"), "--log-x", "--log-y"]
    return (
        ours_command(size, folder, "data_auto", *data),
        ours_command(size, folder, "data_layers", *data, "--engine", "layers"),
        1,
    )


def sweep(size, folder):
    """A sweep of 8 configurations against one configuration, both ours with their default engines,
    each a whole process."""
    grid = ours_command(size, folder, "grid", "--n-mid", "1", "2", "3", "5", "--eta", "0.05", "0.5")
    return grid, ours_command(size, folder, "one"), 1


def guard_share(size, grid_seconds: float):
    """The check of the vectorised loop against the layer classes (each network's first epoch
    trained both ways), in seconds, as a share of the whole sweep of 8."""
    settings = Settings(n_mid=[1, 2, 3, 5], eta=[0.05, 0.5], epoch=size["run_epochs"])
    times = []
    for _ in range(size["repeat"] + 1):
        start = time.perf_counter()
        disagreement(settings)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:] if len(times) > 1 else times), grid_seconds


def gradient_check_share(size, run_seconds: float):
    """The gradient check every run makes before it trains (backward and update of the textbook's
    network against finite differences: gradcheck.py), in seconds, as a share of the default run."""
    times = []
    for _ in range(size["repeat"] + 1):
        start = time.perf_counter()
        gradcheck.check("sigmoid", depth=1, batch_size=1, l2=0.0)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:] if len(times) > 1 else times), run_seconds


def sweep_training(size):
    """Training only: a sweep of 8 configurations in lockstep against the same 8 one by one."""
    epochs = size["epochs"]
    settings = Settings(n_mid=[1, 2, 3, 5], eta=[0.05, 0.5], epoch=epochs, interval=epochs)

    def lockstep():
        for _ in Lockstep(settings).snapshots():
            pass

    def one_by_one():
        for config in settings.configurations():
            for _ in Lockstep(config).snapshots():
                pass

    return lockstep, one_by_one, 1


def explorer_change(size, folder):
    """Seconds from a change of the explorer's n_mid slider (3 to 5, a default-sized run) to its new
    film: what the change runs in the notebook's process (training with --engine fast, the
    explorer's choice, the frames and the files), against the same change with the layer classes."""
    from regress_demo.app.notebook import animate

    def change(engine):
        return lambda: animate(
            folder / "explore", quiet=True, engine=engine, n_mid=5, epoch=size["run_epochs"]
        )

    return change("fast"), change("layers"), 1


def gif_bytes(size, folder):
    """GIF size in bytes, --simple frame against the textbook's, the same frames and frame size."""
    epochs, interval = size["run_epochs"], size["run_interval"]
    ours = make_gif(Settings(epoch=epochs, interval=interval, simple=True), folder / "simple.gif")
    textbook.make_gif(folder / "textbook_bytes.gif", epochs, interval)
    return ours.path.stat().st_size, (folder / "textbook_bytes.gif").stat().st_size, ours.frames


def peak_rss_mb(args, folder) -> float:
    """Peak resident memory (MB) of a `regress-demo` run in a fresh process."""
    script = (  # (a run is one process: it starts no other)
        "import resource, sys; from regress_demo.app.cli import main; code = main(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args, "-q", "--out", str(folder / "rss.gif")],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
        env=dict(os.environ, PYTHONPATH=str(HERE.parent)),
    )
    return int(done.stdout.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


def rss(size, folder):
    many, few = size["rss_frames"]
    big = peak_rss_mb(["--epoch", str(many), "--interval", "1"], folder)
    small = peak_rss_mb(["--epoch", str(many), "--frames", str(few)], folder)
    return big, small


def peers(size):
    """Per-step cost of PyTorch and scikit-learn on the same task, if they are installed."""
    rows = []
    x, t = data.sine_data()
    try:
        import torch
    except ImportError:
        rows.append(("PyTorch SGD step (not installed)", None))
    else:
        torch.set_num_threads(1)
        model = torch.nn.Sequential(
            torch.nn.Linear(1, 3), torch.nn.Sigmoid(), torch.nn.Linear(3, 1)
        ).double()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        xs, ts = torch.tensor(x).reshape(-1, 1, 1), torch.tensor(t).reshape(-1, 1, 1)

        def step_torch():
            for i in np.random.default_rng(0).permutation(len(x)):
                optimizer.zero_grad()
                loss = 0.5 * ((model(xs[i]) - ts[i]) ** 2).sum()
                loss.backward()
                optimizer.step()

        rows.append(("PyTorch SGD step", (step_torch, 63)))
    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError:
        rows.append(("scikit-learn SGD step (not installed)", None))
    else:
        import warnings

        def step_sklearn():
            model = MLPRegressor(
                hidden_layer_sizes=(3,),
                solver="sgd",
                batch_size=1,
                momentum=0,
                alpha=0,
                activation="logistic",
                learning_rate_init=0.1,
                max_iter=size["epochs"],
                tol=0,
                n_iter_no_change=size["epochs"] + 1,
                shuffle=True,
                random_state=0,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model.fit(x.reshape(-1, 1), t)

        rows.append(("scikit-learn SGD step", (step_sklearn, 63 * size["epochs"])))
    return rows


SIZES = {
    "full": {
        "epochs": 200,
        "frames": 30,
        "run_epochs": 2001,
        "run_interval": 20,
        "rss_frames": (1000, 100),
        "repeat": 5,
    },
    "quick": {
        "epochs": 3,
        "frames": 3,
        "run_epochs": 5,
        "run_interval": 2,
        "rss_frames": (20, 5),
        "repeat": 1,
    },
}

DATA_LINE = f"{DATA_POINTS}-point file, --engine auto vs --engine layers (ours, whole processes)"
TARGETS = {
    "SGD step, --engine fast (plain floats), n_mid=3": 0.6,
    "render + encode per frame, 640 x 480": 0.1,
    "default run end to end (layer classes), whole process": 0.45,
    "--engine fast run end to end, whole process": 0.22,
    "sweep of 8 configurations vs one default run (both ours, whole processes)": 1.2,
    "check of the vectorised loop against the layer classes, share of the sweep of 8": 0.03,
    "gradient check of the layer classes, share of the default run": 0.01,
    "--video mp4 run vs the default run (both ours, whole processes)": 1.5,
    "GIF bytes, --simple frame": 0.6,
    "explorer: a slider's change of a default run, --engine fast vs the layer classes": 0.6,
    DATA_LINE: 0.2,
}


def run(quick: bool, markdown: bool, out=sys.stdout, only=None):
    size = SIZES["quick" if quick else "full"]
    repeat = size["repeat"]
    rows = []  # (measure, ours, baseline, unit, ratio, target)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if only == "data":  # the own-data line alone: one run each (the layer classes take minutes)
            a, b = interleaved(*thousands_of_points(size, folder)[:2], 1, warm_up=False)
            rows.append((DATA_LINE, a, b, "s", a / b, TARGETS[DATA_LINE]))
            report(rows, markdown, out)
            return rows
        sweep_name = "sweep of 8 configurations vs one default run (both ours, whole processes)"
        for name, (ours, baseline, per) in [
            ("SGD step, --engine fast (plain floats), n_mid=3", sgd_step(size, "fast")),
            (
                "SGD step, the layer classes (a single run's default), n_mid=3",
                sgd_step(size, "layers"),
            ),
            ("render + encode per frame, 640 x 480", render_encode(size, folder)),
            ("default run end to end (layer classes), whole process", end_to_end(size, folder)),
            (
                "--engine fast run end to end, whole process",
                end_to_end(size, folder, "--engine", "fast"),
            ),
            (sweep_name, sweep(size, folder)),
            (
                "--video mp4 run vs the default run (both ours, whole processes)",
                (
                    ours_command(size, folder, "video", "--video", "mp4"),
                    ours_command(size, folder, "plain"),
                    1,
                ),
            ),
            (
                "video encode per frame, 840 x 800, H.264, vs our GIF encode",
                video_encode(size, folder),
            ),
            ("training a sweep of 8: lockstep vs one by one (ours)", sweep_training(size)),
            (
                "explorer: a slider's change of a default run, --engine fast vs the layer classes",
                explorer_change(size, folder),
            ),
        ]:
            a, b = interleaved(ours, baseline, repeat, warm_up=not quick)
            rows.append((name, a / per, b / per, "s", a / b, TARGETS.get(name)))
        # one run each: the layer classes take minutes on 3000 points
        a, b = interleaved(*thousands_of_points(size, folder)[:2], 1, warm_up=False)
        rows.append((DATA_LINE, a, b, "s", a / b, TARGETS[DATA_LINE]))
        name = "check of the vectorised loop against the layer classes, share of the sweep of 8"
        check, grid = guard_share(size, next(row[1] for row in rows if row[0] == sweep_name))
        rows.append((name, check, grid, "s", check / grid, TARGETS[name]))
        name = "gradient check of the layer classes, share of the default run"
        default_run = "default run end to end (layer classes), whole process"
        gradients, run = gradient_check_share(size, next(r[1] for r in rows if r[0] == default_run))
        rows.append((name, gradients, run, "s", gradients / run, TARGETS[name]))
        ours_bytes, textbook_bytes, frames = gif_bytes(size, folder)
        rows.append(
            (
                "GIF bytes, --simple frame",
                ours_bytes / 1e3,
                textbook_bytes / 1e3,
                "kB",
                ours_bytes / textbook_bytes,
                TARGETS["GIF bytes, --simple frame"],
            )
        )
        big, small = rss(size, folder)
        many, few = size["rss_frames"]
        rows.append(
            (
                f"peak RSS, {many}-frame run minus {few}-frame run",
                big - small,
                None,
                "MB",
                None,
                "≤ 100 MB",
            )
        )
        for name, measured in [] if quick else peers(size):
            if measured is None:
                rows.append((name, None, None, "", None, None))
                continue
            step, per = measured
            a, b = interleaved(
                step, lambda: textbook.train(1, record_every=10**9), repeat
            )  # b: one epoch
            rows.append((name, a / per, b / 63, "s", (a / per) / (b / 63), None))
    report(rows, markdown, out)
    return rows


def amount(value, unit: str) -> str:
    """3 significant digits; seconds in s, ms or µs, whichever reads best."""
    if value is None:
        return "—"
    if unit == "s":
        for scale, name in ((1, "s"), (1e3, "ms"), (1e6, "µs")):
            if value * scale >= 1:
                return f"{value * scale:.3g} {name}"
        return f"{value * 1e9:.3g} ns"
    return f"{value:.1f} {unit}" if unit == "MB" else f"{value:.3g} {unit}"


def ratio_text(ratio) -> str:
    """A ratio to 3 decimals; one below 0.01 (a share) to 2 significant digits, not as 0.000."""
    if ratio is None:
        return "—"
    return f"{ratio:.3f}" if ratio >= 0.01 else f"{ratio:.2g}"


def report(rows, markdown: bool, out):
    header = ("measure", "ours", "baseline", "ratio", "target")
    lines = []
    for name, ours, baseline, unit, ratio, target in rows:
        lines.append(
            (
                name,
                amount(ours, unit),
                amount(baseline, unit),
                ratio_text(ratio),
                "" if target is None else (f"≤ {target}" if isinstance(target, float) else target),
            )
        )
    if markdown:
        print("| " + " | ".join(header) + " |", file=out)
        print("|" + "---|" * len(header), file=out)
        for line in lines:
            print("| " + " | ".join(line) + " |", file=out)
    else:
        widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
        for row in [header, *lines]:
            print(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip(), file=out
            )
    print(
        f"\nmachine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, "
        f"NumPy {np.__version__}",
        file=out,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes: checks that every line runs"
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--only", choices=["data"], help="measure one line only: data, the 3000-point file's"
    )
    args = parser.parse_args()
    run(args.quick, args.markdown, only=args.only)


if __name__ == "__main__":
    main()
