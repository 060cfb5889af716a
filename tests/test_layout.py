"""The package's layout: imports flow one way, and the textbook's network stands on its own."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from regress_demo.inputs.settings import Settings
from regress_demo.network import samples
from regress_demo.network.config import Config
from regress_demo.network.train import Training, TrainingGroup

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "regress_demo"
BIN = Path(sys.executable).parent


def test_imports_keep_the_contracts_in_pyproject():
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_network_loads_nothing_else_of_the_package_nor_matplotlib():
    code = (
        "import sys; import regress_demo.network.train, regress_demo.network.layers; "
        "import regress_demo.network.samples, regress_demo.network.stopping; "
        "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'PIL', 'imageio')) "
        "or m.startswith('regress_demo.') and not m.startswith('regress_demo.network')))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_the_network_trains_on_its_own_as_the_package_trains_it():
    alone = Training(Config(epoch=5))  # the textbook's samples, a config of its own
    package = Training(Settings(epoch=5))
    assert [s.epoch for s in alone.snapshots()] == [0, 4]
    list(package.snapshots())
    assert alone.errors == package.errors and len(alone.errors) == 5
    for mine, theirs in zip(alone.layers, package.layers):
        assert np.array_equal(mine.w, theirs.w) and np.array_equal(mine.b, theirs.b)
    np.testing.assert_array_equal(alone.dataset.x, samples.sine_data()[0])


def test_a_group_stops_each_network_on_its_own_and_freezes_its_last_snapshot():
    diverging, calm = Config(eta=80.0, epoch=30, record=(0, 29)), Config(epoch=30, record=(0, 29))
    group = TrainingGroup([diverging, calm])
    lists = list(group.snapshots())
    stopped = group.diverged_at[0]
    assert stopped is not None and group.diverged_at[1] is None
    assert lists[-1][0].epoch == stopped and lists[-1][0].diverged  # frozen: its last snapshot
    assert lists[-1][1].epoch == 29
    assert [snaps[1].epoch for snaps in lists] == sorted({0, stopped, 29})


def test_a_network_stops_at_the_first_epoch_at_or_below_stop_at():
    full = Training(Config(epoch=300, eta=0.5))
    list(full.snapshots())
    limit = full.errors[120]
    first = next(i for i, e in enumerate(full.errors) if e <= limit)
    stopped = Training(Config(epoch=300, eta=0.5, stop_at=limit))
    last = list(stopped.snapshots())[-1]
    assert stopped.reached_at == first == last.epoch and last.reached
    assert repr(stopped).startswith("Training of [")


def test_the_code_keeps_ruff_s_rules_and_format():
    """Lines of at most 100 characters, the checks and the format configured in pyproject.toml."""
    for args in (
        ["check", "regress_demo", "tests", "scripts"],
        ["format", "--check", "regress_demo", "tests", "scripts"],
    ):
        done = subprocess.run([str(BIN / "ruff"), *args], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]


def test_every_function_is_one_a_reader_can_hold():
    """No function or method of the package is longer than 60 lines, its docstring included."""
    import ast

    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > 60:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}")
    assert not long, long
