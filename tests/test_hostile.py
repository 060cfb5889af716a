"""Hostile use: every misuse ends with one line and the right exit code, nothing is lost or clobbered,
and the files of a run always describe the same last frame."""

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import decode_gif, run_main

from regress_demo.app import cli
from regress_demo.inputs.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


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


# ---- bad targets and resource bombs: refused up front, saying why ----


@pytest.mark.parametrize(
    "target, n_points, reason",
    [
        ("1e308*x", 63, "between -1e6 and 1e6"),
        ("2**1023*x", 63, "between -1e6 and 1e6"),
        ("sign(x)*1e154*x", 63, "between -1e6 and 1e6"),
        ("tan(pi*x/2)", 63, "between -1e6 and 1e6"),
        ("1e7", 63, "between -1e6 and 1e6"),
        (
            "1/x",
            63,
            "finite for every x in [-1, 1] (not at x=0)",
        ),  # no sample lands on 0: the grid does
        ("1/x", 64, "finite for every x in [-1, 1] (not at x=0)"),
        ("log(abs(x))", 63, "finite for every x in [-1, 1] (not at x=0)"),
        (
            "1/(x-1)",
            63,
            "finite for every x in [-1, 1] (not at x=1)",
        ),  # the right end, never a sample
    ],
)
def test_targets_too_large_or_not_finite_are_refused(
    tmp_path, monkeypatch, target, n_points, reason
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(
        ["--target", target, "--n-points", str(n_points), "--epoch", "3", "-q"]
    )
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(f"regress-demo: error: --target must be {reason}")
    assert os.listdir(tmp_path) == []


def test_the_largest_target_accepted_trains():
    assert Settings(target="1e6*x").target == "1e6*x"


@pytest.mark.parametrize(
    "args, lower",
    [
        (
            [
                "--depth",
                "8",
                "--n-mid",
                "1000",
                "--n-points",
                "2",
                "--epoch",
                "2500",
                "--frames",
                "2500",
            ],
            "would keep about 131 GB in memory (at most 2 GB): lower --frames, --n-mid or --depth",
        ),
        (
            ["--depth", "8", "--n-mid", "1000", "--n-points", "2000", "--epoch", "1000000"],
            "lower --frames",
        ),
        (
            ["--depth", "2", "--n-mid", "100", "--n-points", "2000", "--epoch", "100000"],
            "would train for about 4.6 hours (at most about 1 hour): lower --epoch, --n-points, --n-mid or --depth",
        ),
        (["--epoch", "1000000", "--n-points", "2000"], "would train for about"),
        (
            ["--n-mid", "1000", "500", "--eta", "0.1", "0.2", "0.3", "--epoch", "1000000"],
            "the number of grid values",
        ),
    ],
)
def test_resource_bombs_are_refused_before_starting(tmp_path, monkeypatch, args, lower):
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    code, out, err = run_main(args + ["-q"])
    assert code == 2 and out == ""
    assert one_error_line(err).startswith("regress-demo: error: this run ") and lower in err
    assert time.monotonic() - started < 5 and os.listdir(tmp_path) == []


def readme_commands():
    text = (ROOT / "README.md").read_text()
    commands = re.findall(r"`(regress-demo[^`]*)`", text) + re.findall(r"vs `(--[^`]*)`", text)
    return sorted(
        {c for c in commands if "RUN.json" not in c and "NAME" not in c and "--replay" not in c}
    )


def test_the_defaults_and_every_readme_example_stay_accepted():
    commands = readme_commands()
    assert len(commands) > 20
    parser = cli.build_parser()
    for line in commands:
        words = line.replace('"', "").split()
        args = [word for word in words if word != "regress-demo"]
        formula = [i for i, word in enumerate(args) if word == "--target"]
        for i in formula:  # a formula with spaces: one argument
            end = next((j for j in range(i + 1, len(args)) if args[j].startswith("--")), len(args))
            args[i + 1 : end] = [" ".join(args[i + 1 : end])]
        if args and not args[0].startswith("-"):
            continue
        settings = cli.parse_settings(parser.parse_args(cli.negative_ranges_attached(args)))
        assert settings is not None, line


# ---- the Python API: NumPy values welcome, wrong types refused before anything is written ----


def test_numpy_scalars_are_plain_values_in_every_file(tmp_path):
    from regress_demo import make_gif

    settings = Settings(
        n_mid=np.int64(3),
        eta=np.float32(0.5),
        seed=np.uint32(2),
        epoch=np.int64(3),
        wb_width=np.float64(0.1),
        simple=np.bool_(False),
        holdout=np.array([0.2, 0.5]),
    )
    assert (
        type(settings.n_mid) is int and type(settings.eta) is float and type(settings.seed) is int
    )
    assert type(settings.simple) is bool and settings.holdout == (0.2, 0.5)
    result = make_gif(settings, tmp_path / "run.gif")
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["settings"]["n_mid"] == [3] and record["settings"]["seed"] == 2
    assert sorted(os.listdir(tmp_path)) == FILES and result.status == "finished"
    grid = Settings(n_mid=np.array([1, 3]), eta=[np.float32(0.1), np.float64(0.5)], epoch=3)
    assert grid.n_mid == (1, 3) and all(type(eta) is float for eta in grid.eta)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"n_mid": [[1, 2]]}, "n_mid must be a value or a flat list of values, got [[1, 2]]"),
        (
            {"eta": [[0.1], [0.2]]},
            "eta must be a value or a flat list of values, got [[0.1], [0.2]]",
        ),
        (
            {"n_mid": np.array([[1, 2]])},
            "n_mid must be a value or a flat list of values, got [[1, 2]]",
        ),
        ({"frames": [3, 4]}, "frames must be an integer, got [3, 4]"),
        ({"target": ["sin"]}, "target must be a curve name or a formula in x, got ['sin']"),
        ({"seed": 10**5000}, "seed must be <= 4294967295, got (about 2**16610)"),
    ],
)
def test_wrong_types_raise_value_error_before_anything_is_written(tmp_path, changes, message):
    from regress_demo import make_gif

    with pytest.raises(ValueError) as error_info:
        make_gif(Settings(epoch=3, **changes), tmp_path / "run.gif")
    assert str(error_info.value) == message
    assert os.listdir(tmp_path) == []


# ---- names the file system cannot hold, broken links, misleading messages ----


@pytest.mark.parametrize(
    "out", ["d/" + "a" * 300 + ".gif", "d/" + "a" * 240 + ".gif", "b" * 300 + "/run.gif"]
)
def test_names_too_long_for_the_file_system_get_one_line(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    code, out_text, err = run_main(["--out", out, "--epoch", "3", "-q"])
    assert code == 2
    assert one_error_line(err).startswith("regress-demo: error: --out must be a ")
    assert os.listdir(tmp_path) == []


def test_a_long_name_made_from_the_settings_is_shortened(tmp_path):
    from regress_demo.files.paths import output_path

    settings = Settings(
        eta=[0.1 + k * 1e-16 * 2**40 for k in range(8)],
        n_mid=[1, 2, 3, 4, 5, 6, 7, 8][:3],
        epoch=3,
        target="sin(x)",
    )
    assert len(settings.file_stem()) > 150
    path = output_path(tmp_path, settings)
    assert len(path.name) <= 160 and path.suffix == ".gif"


@pytest.mark.parametrize("out", ["gone", "gone/run.gif", "gone.gif"])
def test_a_broken_symbolic_link_as_out_gets_one_line(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    os.symlink("nowhere", "gone" if "/" in out or out == "gone" else "gone.gif")
    code, _, err = run_main(["--out", out, "--epoch", "3", "-q"])
    assert code == 2
    assert "is a broken symbolic link" in one_error_line(err) and "File exists" not in err
    assert sorted(os.listdir(tmp_path)) == [out.split("/")[0]]


@pytest.mark.parametrize(
    "option, named",
    [(["--no-outputs"], "--no-outputs"), (["--simple"], "--simple"), (["--eta", "0.2"], "--eta")],
)
def test_replay_with_other_options_names_them_as_typed(tmp_path, monkeypatch, option, named):
    monkeypatch.chdir(tmp_path)
    Path("run.json").write_text("{}")
    code, _, err = run_main(["--replay", "run.json", *option])
    assert code == 2
    assert err == (
        "regress-demo: error: --replay must be used without other settings (only --out, --quiet, --profile and --open), "
        f"got '{named}'\n"
    )


def test_a_ctrl_c_while_the_network_is_built_says_so(tmp_path, monkeypatch):
    import regress_demo.app.run as run_module

    def interrupted(settings):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "trainer", interrupted)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 130
    assert err == "regress-demo: interrupted while starting; nothing was written\n"
    assert os.listdir(tmp_path) == []


# ---- reading: only regular files, of a bounded size, nested any depth ----


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "content, reason",
    [
        (deep(100_000), "a readable JSON run record"),
        (
            json.dumps({"kind": "regress-demo run", "settings": {"target": "TARGET"}}).replace(
                '"TARGET"', deep(5000)
            ),
            "a readable JSON run record",
        ),
        (
            json.dumps({"kind": "regress-demo run", "settings": {"target": "TARGET"}}).replace(
                '"TARGET"', deep(500)
            ),
            "a record with valid settings (target must be a curve name or a formula in x, got [[[[...]]]])",
        ),
        (
            json.dumps({"kind": "regress-demo run", "settings": {"n_mid": "N"}}).replace(
                '"N"', deep(500)
            ),
            "a record with valid settings (n_mid must be a value or a flat list of values, got [[[[...]]]])",
        ),
    ],
)
def test_a_deeply_nested_record_is_refused_with_one_line(tmp_path, monkeypatch, content, reason):
    monkeypatch.chdir(tmp_path)
    Path("deep.json").write_text(content)
    code, _, err = run_main(["--replay", "deep.json"])
    assert code == 2
    assert err == f"regress-demo: error: --replay must be {reason}, got 'deep.json'\n"


def test_nested_records_in_the_folder_leave_the_gallery_working(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("deep.json").write_text(deep(100_000))
    record = {
        "kind": "regress-demo run",
        "gif": "run.gif",
        "status": deep(3),
        "settings": {"target": "T", "n_mid": "T"},
        "runs": [{"n_mid": "T", "status": "T"}],
    }
    Path("nested.json").write_text(json.dumps(record).replace('"T"', deep(500)))
    Path("deeper.json").write_text(json.dumps(record).replace('"T"', deep(5000)))
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    page = Path("index.html").read_text()
    assert (
        page.count('<article class="card') == 2
    )  # this run, and the nested record that names its GIF


def test_replay_of_a_device_or_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    for source in ("/dev/zero", "fifo.json"):  # (in a process of its own: a regression would hang)
        code, _, err = command(["--replay", source], cwd=tmp_path, timeout_s=30)
        assert code == 2
        assert err == (
            f"regress-demo: error: --replay must be a run record: a regular file of a sane size "
            f"(it is not a regular file), got '{source}'\n"
        )


def test_a_fifo_or_dev_zero_in_the_output_folder_neither_hangs_nor_eats_memory(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    os.symlink("/dev/zero", tmp_path / "index.html")
    code, out, err = command(["--epoch", "3", "-q", "--out", "run.gif"], cwd=tmp_path, timeout_s=60)
    assert code == 0 and err == ""
    assert sorted(os.listdir(tmp_path)) == [
        "fifo.json",
        "index.html",
        "run.gif",
        "run.json",
        "run.npz",
        "run.png",
        "zero.json",
    ]
    assert os.readlink(tmp_path / "index.html") == "/dev/zero"  # someone else's: left alone


# ---- files: others' files and read-only files are left alone; a run is written all or none ----


@pytest.mark.parametrize("name", ["report.json", "report.png", "report.npz"])
def test_a_file_regress_demo_did_not_write_is_not_replaced(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(b"my own work")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "report.gif"])
    assert code == 2
    assert one_error_line(err) == (
        f"regress-demo: error: --out must be a name whose files are free or regress-demo's own ('{name}' was not "
        "written by regress-demo: move it, or choose another --out), got 'report.gif'\n"
    )
    assert Path(name).read_bytes() == b"my own work" and os.listdir(tmp_path) == [name]


def test_the_files_of_an_earlier_run_are_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert json.loads(Path("run.json").read_text())["settings"]["epoch"] == 4


@pytest.mark.parametrize("name", ["index.html", "run.json", "run.gif"])
def test_a_read_only_file_is_respected_with_one_line(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    before = {file: Path(file).read_bytes() for file in FILES}
    os.chmod(name, 0o444)
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 1
    assert err == f"regress-demo: error: cannot write {name}: the file is read-only\n"
    assert {file: Path(file).read_bytes() for file in FILES} == before
    assert os.stat(name).st_mode & 0o777 == 0o444


@pytest.mark.parametrize("failing", ["run.png", "run.npz", "run.json", "run.gif"])
def test_a_file_that_cannot_be_written_is_named_and_no_file_of_the_run_is_replaced(
    tmp_path, monkeypatch, failing
):
    import regress_demo.files.staged as outputs
    from regress_demo.files.gif import GifWriter

    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    before = {file: Path(file).read_bytes() for file in FILES}
    if failing == "run.gif":

        def full(self):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(
            GifWriter, "close", full
        )  # (where the last bytes of the GIF go to disk)
    else:
        original = outputs.AtomicFile.__init__

        def full(self, path):
            original(self, path)
            if Path(path).name == failing:
                name = str(self.tmp_path)
                self.discard()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)

        monkeypatch.setattr(outputs.AtomicFile, "__init__", full)
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 1
    assert err == f"regress-demo: error: cannot write {failing}: No space left on device\n"
    after = {file: Path(file).read_bytes() for file in FILES}
    assert after == before
    assert not [
        name for name in os.listdir(tmp_path) if name.endswith(".tmp") and "run.gif" not in name
    ]


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_something_else_where_a_file_goes_is_refused_before_starting(tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run.json") if kind == "folder" else os.mkfifo("run.json")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 2
    assert "run.json" in one_error_line(err)
    assert os.listdir(tmp_path) == ["run.json"]


def test_a_file_size_limit_after_the_gif_writes_none_of_the_run(tmp_path):
    (tmp_path / "run.gif").write_bytes(b"an earlier GIF")
    limit = (
        "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (42000, 42000)); "
    )
    code = (
        limit + "sys.argv = ['regress-demo', '--epoch', '3', '-q', '--out', 'run.gif']; "
        "runpy.run_module('regress_demo', run_name='__main__')"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 1
    # the GIF (about 39 kB) fits, the contact sheet (about 46 kB) does not
    assert process.stderr == "regress-demo: error: cannot write run.png: File too large\n"
    assert (
        os.listdir(tmp_path) == ["run.gif"]
        and (tmp_path / "run.gif").read_bytes() == b"an earlier GIF"
    )


# ---- temporary files of killed runs ----


def test_stale_temporary_files_are_removed_and_only_those(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    stale = [
        f".run.gif.{dead_pid}-abcd1234.tmp",
        f".old.json.{dead_pid}-x_y_z_12.tmp",
        ".run.png.abcdefgh.tmp",
    ]
    kept = [
        ".run.npz.1-abcdefgh.tmp",  # its writer (pid 1) is alive
        ".fresh.gif.abcdefgh.tmp",  # no pid, and new
        ".notes.txt.12345678.tmp",
        "my.gif.tmp",
        ".run.gif.tmp",
    ]  # not the tool's pattern
    for name in stale + kept:
        Path(name).write_bytes(b"x")
    old = time.time() - 2 * 24 * 3600
    os.utime(".run.png.abcdefgh.tmp", (old, old))
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0
    assert sorted(os.listdir(tmp_path)) == sorted(FILES + kept)


def test_a_run_after_a_killed_one_leaves_no_temporary_file(tmp_path, monkeypatch):
    process = subprocess.Popen(
        [sys.executable, "-m", "regress_demo", "--epoch", "200000", "-q", "--out", "run.gif"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".run.gif.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert len(list(tmp_path.glob(".run.gif.*.tmp"))) == 1  # SIGKILL: nothing could remove it
    monkeypatch.chdir(tmp_path)  # the next run, in this process
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert sorted(os.listdir(tmp_path)) == FILES


# ---- the same last frame everywhere ----


def interrupt_drawing(monkeypatch, after: int):
    """Make the frame drawing raise KeyboardInterrupt at the given call (0: the first)."""
    from regress_demo.film.frames import RichFigure

    original, calls = RichFigure.draw, []

    def draw(self, snapshots):
        calls.append(snapshots)
        if len(calls) == after + 1:
            raise KeyboardInterrupt
        return original(self, snapshots)

    monkeypatch.setattr(RichFigure, "draw", draw)


def test_interrupted_while_drawing_every_file_describes_the_last_frame(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    interrupt_drawing(monkeypatch, after=2 + 3)  # the palette's two frames, then three frames
    code, out, err = run_main(["--epoch", "40", "--interval", "5", "-q", "--out", "run.gif"])
    assert code == 130
    record = json.loads(Path("run.json").read_text())
    (run,) = record["runs"]
    assert (
        record["frame_epochs"] == [0, 5, 10]
        and run["last_frame_epoch"] == 10
        and run["epochs_trained"] == 40
    )
    assert len(run["errors"]) == 11 and run["final_error"] == run["errors"][-1]
    assert err == (
        "regress-demo: interrupted while drawing (40 epochs trained); saved run.gif "
        f"(3 frames, up to epoch 10, error {run['final_error']:.3e})\n"
    )
    assert len(decode_gif("run.gif").frames) == 3
    # the weights are those at the end of epoch 10, as a run of 11 epochs leaves them
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "11", "-q", "--out", "short/run.gif"])[0] == 0
    with np.load("run.npz") as weights, np.load("short/run.npz") as expected:
        for name in expected.files:
            np.testing.assert_array_equal(weights[name], expected[name])
    short = json.loads(Path("short/run.json").read_text())["runs"][0]
    assert short["final_error"] == run["final_error"]
    page = Path("index.html").read_text()
    assert f"{run['final_error']:.2e}" in page


def test_a_ctrl_c_while_the_first_frame_is_drawn_keeps_the_trained_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    interrupt_drawing(monkeypatch, after=0)
    code, out, err = run_main(["--epoch", "30", "-q", "--out", "run.gif"])
    assert code == 130
    record = json.loads(Path("run.json").read_text())
    (run,) = record["runs"]
    assert (
        record["status"] == "interrupted"
        and record["frame_epochs"] == [29]
        and record["frames"] == 1
    )
    assert run["epochs_trained"] == 30 and run["last_frame_epoch"] == 29
    assert err == (
        "regress-demo: interrupted while drawing (30 epochs trained); saved run.gif "
        f"(1 frame, up to epoch 29, error {run['final_error']:.3e})\n"
    )
    assert len(decode_gif("run.gif").frames) == 1 and sorted(os.listdir(tmp_path)) == FILES


def test_an_error_that_is_not_finite_is_divergence(tmp_path, monkeypatch):
    import regress_demo.speed.lockstep as lockstep

    monkeypatch.setattr(
        lockstep, "has_diverged", lambda error, weights, initial: np.zeros(np.shape(error), bool)
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--eta", "50", "--epoch", "30", "-q", "--out", "run.gif"])
    assert code == 3
    record = json.loads(Path("run.json").read_text())
    assert record["status"] == record["runs"][0]["status"] == "diverged"
    assert err.startswith("regress-demo: diverged at epoch ") and "None" not in err


# ---- the environment: backend, standard output, locale, home folder ----


def test_an_unknown_mplbackend_is_ignored(tmp_path):
    code, out, err = command(
        ["--epoch", "3", "-q", "--out", "run.gif"],
        cwd=tmp_path,
        env={"MPLBACKEND": "NoSuchBackend"},
    )
    assert code == 0 and err == "" and sorted(os.listdir(tmp_path)) == FILES


def test_standard_output_on_a_full_device_keeps_the_run_and_says_so(tmp_path):
    with open("/dev/full", "w") as full:
        process = subprocess.run(
            [sys.executable, "-m", "regress_demo", "--epoch", "3", "--out", "run.gif"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert process.returncode == 1
    assert (
        process.stderr
        == "regress-demo: error: cannot write to standard output: No space left on device\n"
    )
    assert sorted(os.listdir(tmp_path)) == FILES


def test_a_closed_pipe_on_standard_output_keeps_the_run(tmp_path):
    read, write = os.pipe()
    os.close(read)  # like `| head -1` once it has its line: nobody reads
    try:
        process = subprocess.run(
            [sys.executable, "-m", "regress_demo", "--epoch", "3", "--out", "run.gif"],
            cwd=tmp_path,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert process.returncode == 0 and process.stderr == ""
    assert sorted(os.listdir(tmp_path)) == FILES


def test_paths_the_locale_cannot_encode_are_shown_escaped(tmp_path):
    code, out, err = command(
        ["--epoch", "3", "-q", "--out", "ñandú/"], cwd=tmp_path, env={"PYTHONIOENCODING": "ascii"}
    )
    assert code == 0 and err == ""
    assert out.decode("ascii").startswith(
        "Saved \\xf1and\\xfa/sin_nmid3_eta0.1_epoch3_seed1.gif (3 frames"
    )
    assert len(os.listdir(tmp_path / "ñandú")) == 5


@pytest.mark.parametrize(
    "args, code, err",
    [
        (["--eta", "-1"], 2, "regress-demo: error: --eta must be > 0, got -1\n"),
        (["--epoch", "3", "-q", "--out", "run.gif"], 0, ""),
    ],
)
def test_an_unwritable_home_adds_no_lines(tmp_path, args, code, err):
    env = {"HOME": "/dev/null", "MPLCONFIGDIR": "", "XDG_CONFIG_HOME": "", "XDG_CACHE_HOME": ""}
    result = command(args, cwd=tmp_path, env=env)
    assert (result[0], result[2]) == (code, err)
