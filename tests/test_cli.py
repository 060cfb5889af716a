"""The command line: help, a real run, and one clear line for every bad value."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from regress_demo import cli
from regress_demo.settings import Settings, SettingError

ROOT = Path(__file__).resolve().parent.parent


def main_exit_code(args):
    """cli.main's exit code, whether it returns it or argparse exits with it."""
    try:
        return cli.main(args)
    except SystemExit as exit_info:
        return exit_info.code


def run_cli(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "regress_demo", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_help_explains_every_option_with_its_default(capsys):
    assert main_exit_code(["--help"]) == 0
    text = capsys.readouterr().out
    for expected in [
        "--n-mid N, --n_mid N", "hidden (middle) layer", "(default: 3)",
        "--eta ETA", "learning rate", "(default: 0.1)",
        "--epoch N", "(default: 2001)",
        "--interval K", "every 20 epochs for 2001 epochs",
        "--wb-width W", "(default: 0.01)",
        "--seed S", "(default: 0)",
        "--fps F", "(default: 10)",
        "--hold SECONDS", "(default: 2)",
        "--out PATH", "outputs/sin_nmid3_eta0.1_epoch2001_seed0.gif",
        "--quiet",
    ]:
        assert expected in " ".join(text.split()), expected


def test_default_run_writes_the_gif_it_prints_into_outputs(tmp_path, decode):
    done = run_cli(["--epoch", "21"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    epoch_lines = [line for line in lines if line.startswith("Epoch: ")]
    assert epoch_lines[0].startswith("Epoch: 0/21 Error: ")
    assert epoch_lines[-1].startswith("Epoch: 20/21 Error: ")
    assert len(epoch_lines) == 21
    final_error = float(epoch_lines[-1].split("Error: ")[1])
    expected = Path("outputs") / "sin_nmid3_eta0.1_epoch21_seed0.gif"
    assert lines[-1].startswith(f"Saved {expected} (21 frames, final error ")
    assert float(lines[-1].rsplit(" ", 1)[1].rstrip(")")) == pytest.approx(final_error, rel=1e-3)
    assert len(decode(tmp_path / expected).frames) == 21
    assert done.stderr == ""  # not a terminal: no progress line


def test_options_change_the_run_and_the_file_name(tmp_path, decode):
    done = run_cli(
        ["--n_mid", "2", "--eta", "0.3", "--epoch", "12", "--interval", "5", "--seed", "4",
         "--wb-width", "0.1", "--fps", "20", "--hold", "1", "--quiet", "--out", "gifs/"],
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    path = tmp_path / "gifs" / "sin_nmid2_eta0.3_epoch12_seed4_interval5_wb0.1.gif"
    assert re.fullmatch(
        rf"Saved {re.escape(str(path.relative_to(tmp_path)))} \(4 frames, final error \S+\)\n", done.stdout
    )
    gif = decode(path)
    assert len(gif.frames) == 4  # epochs 0, 5, 10, 11
    assert gif.durations == [50, 50, 50, 1000]


def test_out_names_a_gif_file(tmp_path, decode):
    done = run_cli(["--epoch", "3", "-q", "--out", "my.gif"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(decode(tmp_path / "my.gif").frames) == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (["--n-mid", "0"], "--n-mid must be >= 1, got 0"),
        (["--n_mid", "-3"], "--n-mid must be >= 1, got -3"),
        (["--n-mid", "2.5"], "--n-mid must be an integer, got '2.5'"),
        (["--n-mid", "5000"], "--n-mid must be <= 1000 (more neurons are slow and show nothing new), got 5000"),
        (["--eta", "-1"], "--eta must be > 0, got -1"),
        (["--eta", "0"], "--eta must be > 0, got 0"),
        (["--eta", "nan"], "--eta must be a finite number, got nan"),
        (["--eta", "inf"], "--eta must be a finite number, got inf"),
        (["--eta", "fast"], "--eta must be a number, got 'fast'"),
        (["--epoch", "abc"], "--epoch must be an integer, got 'abc'"),
        (["--epoch", "0"], "--epoch must be >= 1, got 0"),
        (["--epochs", "1e3"], "--epoch must be an integer, got '1e3'"),
        (["--interval", "0"], "--interval must be >= 1, got 0"),
        (["--epoch", "100000", "--interval", "1"],
         "--interval must be >= 41 for 100000 epochs (at most 2500 frames), got 1"),
        (["--wb-width", "0"], "--wb-width must be > 0, got 0"),
        (["--seed", "-1"], "--seed must be >= 0, got -1"),
        (["--seed", "x"], "--seed must be an integer, got 'x'"),
        (["--fps", "0"], "--fps must be > 0, got 0"),
        (["--fps", "100"], "--fps must be <= 50 (GIF viewers cannot show frames shorter than 20 ms), got 100"),
        (["--hold", "-1"], "--hold must be >= 0, got -1"),
        (["--out", "picture.png"], "--out must be a folder or a file name ending in .gif, got 'picture.png'"),
        (["--colour", "red"], "unrecognized arguments: --colour red (see regress-demo --help)"),
        (["--eta"], "argument --eta: expected one argument (see regress-demo --help)"),
    ],
)
def test_bad_values_exit_2_with_one_line_naming_option_rule_and_value(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main_exit_code(args) == 2
    captured = capsys.readouterr()
    assert captured.err == f"regress-demo: error: {message}\n"
    assert captured.out == ""
    assert os.listdir(tmp_path) == []  # nothing written


def test_a_bad_value_in_a_real_process_gives_no_traceback(tmp_path):
    done = run_cli(["--epoch", "abc"], cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "regress-demo: error: --epoch must be an integer, got 'abc'\n"
    assert done.stdout == ""


def test_an_unwritable_output_gives_one_line_and_exit_1(tmp_path):
    (tmp_path / "a_file").write_text("not a folder")
    done = run_cli(["--epoch", "2", "-q", "--out", "a_file/run.gif"], cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("regress-demo: error: cannot write a_file/run.gif: ")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_api_raises_value_error_with_the_same_message():
    with pytest.raises(ValueError, match=r"^eta must be > 0, got -1$"):
        Settings(eta=-1)
    with pytest.raises(SettingError, match=r"^n_mid must be an integer, got 2.5$"):
        Settings(n_mid=2.5)
    with pytest.raises(SettingError, match=r"^n_mid must be an integer, got True$"):
        Settings(n_mid=True)


def test_console_script_and_script_run_the_same_command(tmp_path):
    script = Path(sys.executable).parent / "regress-demo"
    for command in ([str(script)], [sys.executable, str(ROOT / "scripts" / "run_demo.py")]):
        done = subprocess.run([*command, "--n-mid", "0"], cwd=tmp_path, capture_output=True, text=True)
        assert (done.returncode, done.stderr) == (2, "regress-demo: error: --n-mid must be >= 1, got 0\n")
        done = subprocess.run([*command, "--version"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0 and done.stdout.startswith("regress-demo 0.")
