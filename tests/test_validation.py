"""Every bad value gets one line naming the setting, the rule and the value: exit 2 on the command
line, ValueError from the Python API, and nothing is written."""

import os
import re
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import hide_packages, one_error_line, run_main

from regress_demo.app import cli
from regress_demo.inputs.settings import SettingError, Settings

CLI_CASES = [
    (["--n-mid", "0"], "--n-mid must be >= 1, got 0"),
    (["--n_mid", "-3"], "--n-mid must be >= 1, got -3"),
    (["--n-mid", "2.5"], "--n-mid must be an integer, got '2.5'"),
    (["--n-mid", "three"], "--n-mid must be an integer, got 'three'"),
    (["--n-mid", ""], "--n-mid must be an integer, got ''"),
    (
        ["--n-mid", "5000"],
        "--n-mid must be <= 1000 (more neurons are slow and show nothing new), got 5000",
    ),
    (
        ["--n-mid", "10000000"],
        "--n-mid must be <= 1000 (more neurons are slow and show nothing new), got 10000000",
    ),
    (["--eta", "-1"], "--eta must be > 0, got -1"),
    (["--eta", "0"], "--eta must be > 0, got 0"),
    (["--eta", "-0.0"], "--eta must be > 0, got -0"),
    (["--eta", "1e-13"], "--eta must be at least 1e-12, got 1e-13"),
    (["--eta", "nan"], "--eta must be a finite number, got nan"),
    (["--eta", "inf"], "--eta must be a finite number, got inf"),
    (["--eta", "fast"], "--eta must be a number, got 'fast'"),
    (["--eta", "0,1"], "--eta must be a number, got '0,1'"),
    (["--epoch", "abc"], "--epoch must be an integer, got 'abc'"),
    (["--epoch", "0"], "--epoch must be >= 1, got 0"),
    (["--epoch", "-5"], "--epoch must be >= 1, got -5"),
    (["--epochs", "1e3"], "--epoch must be an integer, got '1e3'"),
    (["--epoch", "2000000"], "--epoch must be <= 1000000 (longer runs take hours), got 2000000"),
    (["--interval", "0"], "--interval must be >= 1, got 0"),
    (["--interval", "1.5"], "--interval must be an integer, got '1.5'"),
    (
        ["--epoch", "100000", "--interval", "1"],
        "--interval must be >= 41 for 100000 epochs (at most 2500 frames), got 1",
    ),
    (["--wb-width", "0"], "--wb-width must be > 0, got 0"),
    (["--wb_width", "-0.01"], "--wb-width must be > 0, got -0.01"),
    (
        ["--wb-width", "-inf"],
        "argument --wb-width/--wb_width: expected one argument (see regress-demo --help)",
    ),
    (["--seed", "-1"], "--seed must be >= 0, got -1"),
    (["--seed", "x"], "--seed must be an integer, got 'x'"),
    (["--seed", "4294967296"], "--seed must be <= 4294967295, got 4294967296"),
    (["--fps", "0"], "--fps must be >= 0.1, got 0"),
    (["--fps", "0.0015"], "--fps must be >= 0.1, got 0.0015"),
    (
        ["--wb-width", "1e200"],
        "--wb-width must be <= 100 (larger initial weights leave every neuron saturated), got "
        "1e+200",
    ),
    (
        ["--epoch", "1", "--frames", "2"],
        "--frames must be left out when --epoch is 1 (one epoch, one frame), got 2",
    ),
    (
        ["--fps", "100"],
        "--fps must be <= 50 (GIF viewers cannot show frames shorter than 20 ms), got 100",
    ),
    (["--fps", "ten"], "--fps must be a number, got 'ten'"),
    (["--hold", "-1"], "--hold must be >= 0, got -1"),
    (["--hold", "61"], "--hold must be <= 60, got 61"),
    (
        ["--out", "picture.png"],
        "--out must be a folder or a file name ending in .gif, .mp4 or .webm, got 'picture.png'",
    ),
    (["--out", ""], "--out must be a folder or a file name, not an empty text, got ''"),
    (["--colour", "red"], "unrecognized arguments: --colour red (see regress-demo --help)"),
    (["--eta"], "argument --eta: expected at least one argument (see regress-demo --help)"),
    (["--n-mid", "3", "3"], "--n-mid must be a list without repeats, got [3, 3]"),
    (
        ["--n-mid", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        "--n-mid must be at most 8 values, got [1, 2, 3, 4, 5, 6, 7, 8, 9]",
    ),
    (
        ["--n-mid", "1", "2", "3", "4", "5", "--eta", "0.1", "0.2", "0.3", "0.4", "0.5"],
        "--n-mid must be few enough for at most 24 panels (eta values x n_mid values), got '5 x 5'",
    ),
    (["--n-mid", "1", "x"], "--n-mid must be an integer, got 'x'"),
    (["--eta", "0.1", "-2"], "--eta must be > 0, got -2"),
    (["--schedule", "cubic"], "--schedule must be one of linear, log, got 'cubic'"),
    (["--engine", "turbo"], "--engine must be one of auto, fast, layers, got 'turbo'"),
    (["--frames", "1"], "--frames must be >= 2, got 1"),
    (["--frames", "3000"], "--frames must be <= 2001 (no more frames than epochs), got 3000"),
    (
        ["--epoch", "10", "--frames", "11"],
        "--frames must be <= 10 (no more frames than epochs), got 11",
    ),
    (
        ["--frames", "50", "--interval", "3"],
        "--interval must be left out when --frames is given, got 3",
    ),
    (
        ["--schedule", "log", "--interval", "3"],
        "--interval must be left out with --schedule log (use --frames), got 3",
    ),
    (
        ["--replay", "missing.json"],
        "--replay must be an existing run record (.json), got 'missing.json'",
    ),
    (
        ["--replay", "run.json", "--eta", "0.2"],
        "--replay must be used without other settings (only --out, --quiet, --profile and --open), "
        "got '--eta'",
    ),
    (["extra"], "unrecognized arguments: extra (see regress-demo --help)"),
    (
        ["--target", "y+1"],
        "--target must be a curve name (sin, cos, abs, step, square, gauss, sinc, xsin, sawtooth) "
        "or a formula in x; name 'y' is not allowed (use x, pi or e), got 'y+1'",
    ),
    (
        ["--target", "__import__('os').system('ls')"],
        "--target must be a curve name (sin, cos, abs, step, square, "
        "gauss, sinc, xsin, sawtooth) or a formula in x; attributes (a.b) are not allowed: call a "
        "function by its bare name, e.g. sin(x), got \"__import__('os').system('ls')\"",
    ),
    (
        ["--target", "x^2"],
        "--target must be a curve name (sin, cos, abs, step, square, gauss, sinc, xsin, sawtooth) "
        "or a formula in x; '^' is not a power in Python: use **, got 'x^2'",
    ),
    (
        ["--target", "x" * 300],
        "--target must be a curve name (sin, cos, abs, step, square, gauss, sinc, xsin, "
        "sawtooth) or a formula in x; it is longer than 200 characters, got '" + "x" * 57 + "...'",
    ),
    (
        ["--target", "log(x)"],
        "--target must be finite for every x in [-1, 1] (not at x=-1), got 'log(x)'",
    ),
    (
        ["--target", "1/x", "--n-points", "64"],
        "--target must be finite for every x in [-1, 1] (not at x=0), got '1/x'",
    ),
    (["--n-points", "1"], "--n-points must be >= 2, got 1"),
    (
        ["--n-points", "5000"],
        "--n-points must be <= 2000 (more samples make every epoch slow), got 5000",
    ),
    (["--noise", "-0.1"], "--noise must be >= 0, got -0.1"),
    (["--noise", "nan"], "--noise must be a finite number, got nan"),
    (
        ["--holdout", "0.5"],
        "--holdout must be two numbers a,b, or two dates a:b when x are dates, got '0.5'",
    ),
    (
        ["--holdout", "a,b"],
        "--holdout must be two numbers a,b, or two dates a:b when x are dates, got 'a,b'",
    ),
    (
        ["--holdout", "0.5,0.2"],
        "--holdout must be a range a,b with -1 <= a < b <= 1, got '0.5,0.2'",
    ),
    (["--holdout", "-2,0"], "--holdout must be a range a,b with -1 <= a < b <= 1, got '-2,0'"),
    (
        ["--holdout", "0.1,0.11"],
        "--holdout must be wide enough to hold a sample (they are 0.0317 apart), got '0.1,0.11'",
    ),
    (
        ["--holdout", "-1,1"],
        "--holdout must be narrow enough to leave 2 samples for training, got '-1,1'",
    ),
    (["--activation", "softmax"], "--activation must be one of sigmoid, tanh, relu, got 'softmax'"),
    (
        ["--activation", "tanh", "tanh"],
        "--activation must be a list without repeats, got ['tanh', 'tanh']",
    ),
    (["--depth", "0"], "--depth must be >= 1, got 0"),
    (
        ["--depth", "9"],
        "--depth must be <= 8 (deeper networks of this size only train slower here), got 9",
    ),
    (["--l2", "-1"], "--l2 must be >= 0, got -1"),
    (["--l2", "2"], "--l2 must be <= 1 (a larger penalty pulls every weight to 0), got 2"),
    (["--batch-size", "0"], "--batch-size must be >= 1, got 0"),
    (["--batch-size", "64"], "--batch-size must be <= 63 (the number of training samples), got 64"),
    (
        ["--batch-size", "40", "--holdout", "0,1"],
        "--batch-size must be <= 32 (the number of training samples), got 40",
    ),
    (["--momentum", "1"], "--momentum must be < 1 (at 1 and above the steps never fade), got 1"),
    (["--momentum", "-0.1"], "--momentum must be >= 0, got -0.1"),
    (["--momentum", "x"], "--momentum must be a number, got 'x'"),
    (
        ["--n-mid", "1", "2", "--eta", "0.1", "0.2", "--activation", "sigmoid", "tanh"],
        "--eta must be a single value: a grid varies at most two settings (here n_mid and "
        "activation), got [0.1, 0.2]",
    ),
    (
        ["--depth", "1", "2", "3", "4", "5", "--momentum", "0", "0.1", "0.2", "0.3", "0.4"],
        "--depth must be few enough for at most 24 panels (momentum values x depth values), "
        "got '5 x 5'",
    ),
]

API_CASES = [
    ({"n_mid": 0}, "n_mid must be >= 1, got 0"),
    ({"n_mid": 2.5}, "n_mid must be an integer, got 2.5"),
    ({"n_mid": "3"}, "n_mid must be an integer, got '3'"),
    ({"n_mid": True}, "n_mid must be an integer, got True"),
    ({"n_mid": None}, "n_mid must be an integer, got None"),
    ({"eta": -1}, "eta must be > 0, got -1"),
    ({"eta": float("nan")}, "eta must be a finite number, got nan"),
    ({"eta": "0.1"}, "eta must be a number, got '0.1'"),
    ({"eta": []}, "eta must be at least one value, got []"),
    ({"eta": {"a": 1}}, "eta must be a number, got {'a': 1}"),
    ({"n_mid": [2, 0]}, "n_mid must be >= 1, got 0"),
    ({"n_mid": (1, 1)}, "n_mid must be a list without repeats, got [1, 1]"),
    ({"schedule": "Log"}, "schedule must be one of linear, log, got 'Log'"),
    ({"frames": 2.0}, "frames must be an integer, got 2.0"),
    ({"simple": 1}, "simple must be True or False, got 1"),
    ({"show_outputs": "no"}, "show_outputs must be True or False, got 'no'"),
    ({"epoch": 0}, "epoch must be >= 1, got 0"),
    ({"epoch": 100.0}, "epoch must be an integer, got 100.0"),
    ({"interval": 0}, "interval must be >= 1, got 0"),
    ({"wb_width": 0}, "wb_width must be > 0, got 0"),
    ({"seed": -1}, "seed must be >= 0, got -1"),
    ({"fps": 0}, "fps must be >= 0.1, got 0"),
    ({"hold": -0.5}, "hold must be >= 0, got -0.5"),
    ({"target": 3}, "target must be a curve name or a formula in x, got 3"),
    (
        {"target": "lambda: 1"},
        "target must be a curve name (sin, cos, abs, step, square, gauss, sinc, xsin, sawtooth) "
        "or a formula in x; lambda is not allowed, got 'lambda: 1'",
    ),
    (
        {"holdout": 0.5},
        "holdout must be two numbers a,b: the range of x to keep out of training, got 0.5",
    ),
    ({"holdout": (0.1, "x")}, "holdout must be a number, got 'x'"),
    ({"holdout": [0.1, float("inf")]}, "holdout must be a finite number, got inf"),
    ({"activation": ["relu", "Tanh"]}, "activation must be one of sigmoid, tanh, relu, got 'Tanh'"),
    ({"depth": 1.5}, "depth must be an integer, got 1.5"),
    (
        {"seed": 7.0},
        "seed must be an integer, got 7.0",
    ),  # (a whole float is no integer: not "got 7")
    ({"batch_size": True}, "batch_size must be an integer, got True"),
    ({"l2": "0.1"}, "l2 must be a number, got '0.1'"),
    ({"noise": 11}, "noise must be <= 10, got 11"),
]


@pytest.mark.parametrize("args, message", CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_command_line_exits_2_with_one_line(args, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        code = cli.main(args)
    except SystemExit as exit_info:  # argparse's own errors
        code = exit_info.code
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"regress-demo: error: {message}\n"
    assert captured.out == ""
    assert os.listdir(tmp_path) == []  # nothing written


@pytest.mark.parametrize("kwargs, message", API_CASES, ids=[str(k) for k, _ in API_CASES])
def test_python_api_raises_value_error_with_the_same_message(kwargs, message):
    with pytest.raises(ValueError) as error_info:
        Settings(**kwargs)
    assert str(error_info.value) == message
    assert isinstance(error_info.value, SettingError)


def test_an_output_name_taken_by_a_folder_is_refused_before_training(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outputs" / "sin_nmid3_eta0.1_epoch5_seed1.gif").mkdir(parents=True)
    assert cli.main(["--epoch", "5"]) == 2
    assert capsys.readouterr().err == (
        "regress-demo: error: --out must be a file, not an existing folder, "
        "got 'outputs/sin_nmid3_eta0.1_epoch5_seed1.gif'\n"
    )


def test_good_values_at_the_limits_are_accepted():
    settings = Settings(
        n_mid=1000, eta=1e-12, epoch=1, interval=1, wb_width=1e-9, seed=2**32 - 1, fps=50, hold=0
    )
    assert settings.frame_epochs() == [0]
    assert Settings(epoch=2500, interval=1).frame_epochs()[-1] == 2499


def test_make_gif_checks_its_path_like_the_command_line(tmp_path):
    from regress_demo import make_gif

    with pytest.raises(
        ValueError,
        match=r"^out must be a folder or a file name ending in \.gif, \.mp4 or \.webm, "
        r"got '.*x\.png'$",
    ):
        make_gif(Settings(epoch=2), tmp_path / "x.png")
    assert os.listdir(tmp_path) == []
    result = make_gif(Settings(epoch=2), tmp_path)  # a folder: the file is named after the settings
    assert result.path == tmp_path / "sin_nmid3_eta0.1_epoch2_seed1.gif"


def test_close_values_keep_distinct_names():
    settings = Settings(eta=(0.1, 0.10000001), wb_width=0.0123456789)
    assert settings.file_stem() == "sin_nmid3_eta0.1-0.10000001_epoch2001_seed1_wbwidth0.0123456789"
    assert Settings(eta=0.1).file_stem() != Settings(eta=0.1000001).file_stem()
    assert (
        Settings(simple=True, show_outputs=False).file_stem()
        == "sin_nmid3_eta0.1_epoch2001_seed1_simple_nooutputs"
    )


def test_a_rule_naming_another_setting_names_it_as_each_side_spells_it():
    with pytest.raises(SettingError) as raised:
        Settings(interval=5, frames=10)
    assert str(raised.value) == "interval must be left out when frames is given, got 5"
    assert raised.value.for_option() == "--interval must be left out when --frames is given, got 5"


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
            "would train for about 4.6 hours (at most about 1 hour): lower --epoch, --n-points, "
            "--n-mid or --depth",
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


ROOT = Path(__file__).resolve().parent.parent


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


def test_from_python_size_and_still_take_the_command_line_s_text_too():
    # (they were refused with a message asking for what they were:
    # "must be WxH ..., got '1280x720'")
    settings = Settings(size="1280x720", still="3,last", epoch=5)
    assert settings.size == (1280, 720) and settings.still == (3, "last")
    assert (
        settings.file_stem() == Settings(size=(1280, 720), still=(3, "last"), epoch=5).file_stem()
    )
    with pytest.raises(
        SettingError, match=r"still must be epochs from 0 to 4 or last, separated by commas, got 9"
    ):
        Settings(still="1,9", epoch=5)
    with pytest.raises(
        SettingError,
        match=r"size must be WxH, two whole numbers of pixels, e.g. 1920x1080, got '16:9'",
    ):
        Settings(size="16:9")


def test_a_run_missing_several_extras_names_them_all_in_one_line(tmp_path, monkeypatch):

    monkeypatch.chdir(tmp_path)
    hide_packages(monkeypatch, "av", "matplotlib_fontja")
    code, out, err = run_main(["--lang", "ja", "--video", "mp4", "webm", "--epoch", "5"])
    assert (code, out) == (2, "")
    assert err == (
        "regress-demo: error: --video needs PyAV and --lang needs matplotlib-fontja "
        "(the Japanese font): pip install -e '.[lecture]' installs them all "
        "(or pip install av matplotlib-fontja)\n"
    )
    assert os.listdir(tmp_path) == []
    with pytest.raises(SettingError) as raised:  # the Python API says the same, naming settings
        Settings(lang="ja", video="mp4")
    assert str(raised.value).startswith("video needs PyAV and lang needs matplotlib-fontja ")
    # one missing: the one line of its own extra, as before
    assert run_main(["--video", "mp4", "--epoch", "5"])[2] == (
        "regress-demo: error: --video needs PyAV: pip install -e '.[video]' (or pip install av)\n"
    )
