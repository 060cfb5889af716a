"""The command line: help, a real run, and one clear line for every bad value."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import command, decode_gif, registered, run_main

from regress_demo.app import cli

ROOT = Path(__file__).resolve().parent.parent


def main_exit_code(args):
    """cli.main's exit code, whether it returns it or argparse exits with it."""
    try:
        return cli.main(args)
    except SystemExit as exit_info:
        return exit_info.code


def run_cli(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "regress_demo", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_help_explains_every_option_with_its_default(capsys):
    assert main_exit_code(["--help"]) == 0
    text = capsys.readouterr().out
    for expected in [
        "--n-mid N [N ...], --n_mid N [N ...]",
        "hidden (middle) layer",
        "comparison grid",
        "(default: 3)",
        "--eta ETA",
        "learning rate",
        "(default: 0.1)",
        "--epoch N",
        "(default: 2001)",
        "--interval K",
        "every 20 epochs for 2001 epochs",
        "--wb-width W",
        "(default: 0.01)",
        "--seed S",
        "(default: 1)",
        "--fps F",
        "(default: 10)",
        "--hold SECONDS",
        "(default: 2)",
        "--out PATH",
        "outputs/sin_nmid3_eta0.1_epoch2001_seed1.gif",
        "--quiet",
        "--frames N",
        "--schedule linear|log",
        "--simple",
        "--no-outputs",
        "--replay RUN.json",
    ]:
        assert expected in " ".join(text.split()), expected


def test_default_run_writes_the_gif_it_prints_into_outputs(tmp_path):
    done = run_cli(["--epoch", "21"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    epoch_lines = [line for line in lines if line.startswith("Epoch: ")]
    assert epoch_lines[0].startswith("Epoch: 0/21 Error: ")
    assert epoch_lines[-1].startswith("Epoch: 20/21 Error: ")
    assert len(epoch_lines) == 21
    final_error = float(epoch_lines[-1].split("Error: ")[1])
    expected = Path("outputs") / "sin_nmid3_eta0.1_epoch21_seed1.gif"
    assert lines[-1].startswith(f"Saved {expected} (21 frames, final error ")
    assert float(lines[-1].rsplit(" ", 1)[1].rstrip(")")) == pytest.approx(final_error, rel=1e-3)
    assert len(decode_gif(tmp_path / expected).frames) == 21
    assert done.stderr == ""  # not a terminal: no progress line


def test_options_change_the_run_and_the_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # in this process: the real process is tested above and below
    code, out, err = run_main(
        [
            "--n_mid",
            "2",
            "--eta",
            "0.3",
            "--epoch",
            "12",
            "--interval",
            "5",
            "--seed",
            "4",
            "--wb-width",
            "0.1",
            "--fps",
            "20",
            "--hold",
            "1",
            "--quiet",
            "--out",
            "gifs/",
        ]
    )
    assert code == 0, err
    path = tmp_path / "gifs" / "sin_nmid2_eta0.3_epoch12_seed4_interval5_wbwidth0.1_fps20_hold1.gif"
    assert re.fullmatch(
        rf"Saved {re.escape(str(path.relative_to(tmp_path)))} \(4 frames, final error \S+\)\n", out
    )
    gif = decode_gif(path)
    assert len(gif.frames) == 4  # epochs 0, 5, 10, 11
    assert gif.durations == [50, 50, 50, 1000]


def test_quiet_prints_what_its_help_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "50", "--stop-at", "0.5", "-q"])
    assert (code, err) == (0, "")
    saved, reached = out.splitlines()
    assert re.fullmatch(r"Saved outputs/\S+\.gif \(1 frame, final error \S+\)", saved)
    assert reached == "reached 0.5 at epoch 0" and out.count("\n") == 2
    code, help_text, _ = run_main(["--help"])
    assert "print only the line 'Saved PATH (N frames, final error E)' and, with --stop-at, " in (
        " ".join(help_text.split())
    )


def test_out_names_a_gif_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main(["--epoch", "3", "-q", "--out", "my.gif"])
    assert code == 0, err
    assert len(decode_gif(tmp_path / "my.gif").frames) == 3


def test_a_bad_value_in_a_real_process_gives_no_traceback(tmp_path):
    done = run_cli(["--epoch", "abc"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "regress-demo: error: --epoch must be an integer, got 'abc'\n"
    assert done.stdout == ""


def test_an_output_inside_a_file_gives_one_line_and_exit_2(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    done = run_cli(["--epoch", "2", "-q", "--out", "a_file/run.gif"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        "regress-demo: error: --out must be in a folder, but 'a_file' is a file, "
        "got 'a_file/run.gif'\n"
    )
    assert (tmp_path / "a_file").read_text() == "not a folder"


def test_console_script_and_script_run_the_same_command(tmp_path):
    script = Path(sys.executable).parent / "regress-demo"
    for program in ([str(script)], [sys.executable, str(ROOT / "scripts" / "run_demo.py")]):
        done = subprocess.run(
            [*program, "--n-mid", "0"], cwd=tmp_path, capture_output=True, text=True
        )
        assert (done.returncode, done.stderr) == (
            2,
            "regress-demo: error: --n-mid must be >= 1, got 0\n",
        )
        done = subprocess.run([*program, "--version"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.startswith("regress-demo 0.")


def test_profile_says_where_the_time_went(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--epoch", "4", "-q", "--profile"]) == 0
    err = capsys.readouterr().err.strip()
    match = re.fullmatch(
        r"time: train (\S+) s \(\d+%\), draw (\S+) s \(\d+%\), encode (\S+) s \(\d+%\), write "
        r"(\S+) s \(\d+%\); total (\S+) s",
        err,
    )
    assert match, err
    parts = [float(value) for value in match.groups()]
    assert (
        parts[1] > 0 and abs(sum(parts[:4]) - parts[4]) < 0.021
    )  # drawing takes time on any machine


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_on_a_terminal_progress_is_one_updating_line():
    from regress_demo.inputs.settings import Settings

    out, err = io.StringIO(), FakeTerminal()
    progress = cli.Progress(Settings(epoch=50), quiet=False, out=out, err=err)
    progress.epoch(0, 0.25)
    assert err.getvalue() == "\r\033[K  training: epoch 1/50 (2%)  error 2.500e-01"
    progress.epoch(49, 0.125)  # the last epoch is always shown
    assert err.getvalue().endswith("\r\033[K  training: epoch 50/50 (100%)  error 1.250e-01")
    assert "\n" not in err.getvalue()

    class Snap:
        epoch, error = 40, 0.0123456789

    progress.snapshot([Snap()])
    assert err.getvalue().endswith(
        "\r\033[K"
    )  # the progress line is cleared before the textbook's line
    assert out.getvalue() == "Epoch: 40/50 Error: 0.0123457\n"
    quiet = cli.Progress(Settings(epoch=50), quiet=True, out=out, err=FakeTerminal())
    quiet.epoch(0, 0.25)
    quiet.snapshot([Snap()])
    assert quiet.err.getvalue() == "" and out.getvalue() == "Epoch: 40/50 Error: 0.0123457\n"


def test_the_command_line_starts_without_loading_matplotlib():
    # so --help answers at once, and a Ctrl-C while matplotlib loads is caught by main()
    code = "import sys, regress_demo.app.cli; print('matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def interrupt_the_import_of(module: str, monkeypatch):
    """Make importing regress_demo.<module> raise KeyboardInterrupt, as a Ctrl-C while it loads."""
    import builtins

    real_import = builtins.__import__

    def interrupted_import(name, *args, **kwargs):
        if name == module or name.endswith("." + module):
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    monkeypatch.delitem(sys.modules, f"regress_demo.{module}", raising=False)


def test_a_ctrl_c_while_starting_ends_cleanly(monkeypatch, capsys):
    interrupt_the_import_of("run", monkeypatch)  # matplotlib and the rest
    assert cli.main(["--epoch", "2"]) == 130
    assert (
        capsys.readouterr().err == "regress-demo: interrupted while starting; nothing was written\n"
    )


def test_a_ctrl_c_while_numpy_loads_ends_cleanly_too(monkeypatch, capsys):
    # The command's entry point imports the command line (and with it NumPy) inside its own guard.
    import regress_demo

    interrupt_the_import_of("cli", monkeypatch)
    assert regress_demo.main(["--epoch", "2"]) == 130
    assert (
        capsys.readouterr().err == "regress-demo: interrupted while starting; nothing was written\n"
    )


def test_the_command_python_m_and_the_script_share_one_entry_point():
    import tomllib

    root = Path(__file__).resolve().parent.parent
    scripts = tomllib.loads((root / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"regress-demo": "regress_demo:main"}
    assert "from . import main" in (root / "regress_demo" / "__main__.py").read_text()
    assert "from regress_demo import main" in (root / "scripts" / "run_demo.py").read_text()


def test_an_activation_added_to_layers_py_is_chosen_by_name_alone_and_in_a_grid(tmp_path):
    """A class and its entry in the registry are the whole change: --help lists it, a single run and
    a grid (which the fast loops would train) train with it."""
    short = ["--epoch", "3", "--interval", "2", "--out", str(tmp_path)]
    with registered():
        help_code, help_text, _ = run_main(["--help"])
        single = run_main(["--activation", "softplus", *short])
        grid = run_main(["--activation", "sigmoid", "softplus", "--n-mid", "2", *short])
    unknown = run_main(["--activation", "softplus", *short])  # removed again
    assert help_code == 0 and "--activation sigmoid|tanh|relu|softplus" in help_text
    code, out, err = single
    assert (code, err) == (0, "")
    assert out.startswith("Training with the layer classes of layers.py\n")
    stem = "sin_nmid3_eta0.1_epoch3_seed1_interval2_activationsoftplus"
    record = json.loads((tmp_path / f"{stem}.json").read_text())
    assert record["settings"]["activation"] == ["softplus"] and record["status"] == "finished"
    code, out, err = grid
    assert code == 0
    assert err == (
        "regress-demo: the fast loops do not know the activation softplus; "
        "training with the layer classes of layers.py\n"
    )
    stem = "sin_nmid2_eta0.1_epoch3_seed1_interval2_activationsigmoid-softplus"
    assert len(decode_gif(tmp_path / f"{stem}.gif").frames) == 2
    assert unknown[0] == 2
    assert unknown[2] == (
        "regress-demo: error: --activation must be one of sigmoid, tanh, relu, got 'softplus'\n"
    )


def test_check_prints_a_table_of_every_activation_and_depth():
    code, out, err = run_main(["--check"])
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Gradient check of layers.py: backward and update against central")
    assert re.split(r"\s{2,}", lines[1]) == [
        "activation",
        "depth",
        "SGD, batch 1",
        "SGD, batch 4, L2 0.01",
        "momentum 0.9, batch 1",
    ]
    rows = [line.split() for line in lines[2:]]
    assert [row[:2] for row in rows] == [
        [name, depth] for name in ("sigmoid", "tanh", "relu") for depth in ("1", "2")
    ]
    assert all(row[2] == "ok" and row[4] == "ok" and row[6] == "ok" for row in rows)


def test_check_names_a_wrong_derivative_and_fails(monkeypatch):
    from regress_demo.network.layers import TanhLayer

    monkeypatch.setattr(TanhLayer, "derivative", lambda self: 1 - self.y)  # not 1 - y^2
    code, out, _ = run_main(["--check"])
    assert code == 1
    rows = {tuple(line.split()[:2]): line.split()[2] for line in out.splitlines()[2:8]}
    assert rows[("tanh", "1")] == rows[("tanh", "2")] == "FAILED"
    assert rows[("sigmoid", "1")] == rows[("relu", "2")] == "ok"
    (failure,) = out.splitlines()[8:]  # one line for the method that failed
    assert failure.startswith("regress-demo: TanhLayer.backward: dE/d")
    assert "check derivative()" in failure


def test_ctrl_c_after_every_file_is_written_does_not_cut_the_report_short(tmp_path, monkeypatch):
    import signal

    from regress_demo.app import cli

    real_report = cli.report

    def pressed_twice(*args):  # Ctrl-C as the run's report is printed: the files are complete
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
        return real_report(*args)

    monkeypatch.setattr(cli, "report", pressed_twice)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "--simple", "--out", "run.gif", "--profile"])
    assert code == 0 and "\nSaved run.gif (3 frames" in out and err.startswith("time: train ")
    assert (tmp_path / "run.json").exists()


def test_running_out_of_memory_gives_one_line_and_no_traceback(tmp_path):
    import os
    import resource

    def limited():  # as `ulimit -v 700000`: less than the budget, which is a laptop's
        resource.setrlimit(resource.RLIMIT_AS, (700 * 2**20, 700 * 2**20))

    done = subprocess.run(
        [sys.executable, "-m", "regress_demo", "--size", "3600x3600", "--epoch", "3", "-q"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)},
        preexec_fn=limited,
        timeout=300,
    )
    assert (done.returncode, done.stderr) == (
        1,
        "regress-demo: error: out of memory: lower --size, --frames, --dpi or the number of "
        "videos\n",
    )


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
        "regress-demo: error: --replay must be used without other settings (only --out, --quiet, "
        f"--profile and --open), got '{named}'\n"
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


FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


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
