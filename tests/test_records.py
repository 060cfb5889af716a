"""A run's record and weights file read back: a replay treats them as input from a stranger
(they get shared and edited), with the limits of a CSV file, and refuses a bad one with one line."""

import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import command, deep, run_main

from regress_demo.inputs.settings import Settings

QUICK = ["--epoch", "2", "--simple", "-q"]


def write_series(path, points):
    x = np.arange(points) * 0.5
    lines = (f"{float(a)!r},{float(np.sin(a / 50))!r}\n" for a in x)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_record_whose_numbers_were_edited_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_series(tmp_path / "short.csv", 30)
    assert run_main(["--data", "short.csv", *QUICK, "--out", "run.gif"])[0] == 0
    record = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    record["settings"]["data"]["x"][3] += 0.25  # the file's digest stays: it would be a lie
    (tmp_path / "edited.json").write_text(json.dumps(record), encoding="utf-8")
    assert run_main(["--replay", "edited.json", "--out", "again.gif"]) == (
        2,
        "",
        "regress-demo: error: --replay must be a record with valid settings (data must be a "
        "record's data: the numbers it was recorded with, got 'an edited record'), got "
        "'edited.json'\n",
    )
    assert not (tmp_path / "again.gif").exists()


def test_a_record_whose_data_path_is_no_text_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_series(tmp_path / "short.csv", 30)
    assert run_main(["--data", "short.csv", *QUICK, "--out", "run.gif"])[0] == 0
    record = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    record["settings"]["data"]["path"] = 0  # (os.open(0) would be standard input)
    (tmp_path / "path.json").write_text(json.dumps(record), encoding="utf-8")
    assert run_main(["--replay", "path.json", "--out", "again.gif"]) == (
        2,
        "",
        "regress-demo: error: --replay must be a record with valid settings (data must be a "
        "record's data: names as short texts, got 'a damaged record'), got 'path.json'\n",
    )


def write_inflating_npz(path, values):
    """An NPZ whose data_x declares `values` zeros: a few hundred kB on disk, unpacked far more."""
    header = {"descr": "<f8", "fortran_order": False, "shape": (values,)}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data_x.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array_header_1_0(member, header)
            zeros = bytes(8 << 20)
            for _ in range(values // (1 << 20)):
                member.write(zeros)
        with archive.open("data_y.npy", "w") as member:
            np.lib.format.write_array(member, np.zeros(3))


def test_an_npz_larger_than_the_record_says_is_refused_before_it_is_unpacked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_series(tmp_path / "long.csv", 2500)
    assert run_main(["--data", "long.csv", *QUICK, "--out", "run.gif"])[0] == 0
    write_inflating_npz(tmp_path / "run.npz", 40 << 20)  # 40 million numbers, 320 MB unpacked
    assert (tmp_path / "run.npz").stat().st_size < 2 << 20
    assert run_main(["--replay", "run.json", "--out", "again.gif"]) == (
        2,
        "",
        "regress-demo: error: --replay must be a record with valid settings (data must be numbers "
        "kept in run.npz beside the record (they are not 2500 numbers each, as recorded), got "
        "'long.csv'), got 'run.json'\n",
    )
    assert not (tmp_path / "again.gif").exists()


def test_a_record_that_claims_more_points_than_a_run_may_have_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_series(tmp_path / "long.csv", 2500)
    assert run_main(["--data", "long.csv", *QUICK, "--out", "run.gif"])[0] == 0
    record = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    record["settings"]["data"]["points"] = 10**9
    (tmp_path / "run.json").write_text(json.dumps(record), encoding="utf-8")
    code, out, err = run_main(["--replay", "run.json", "--out", "again.gif"])
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "the record says 1000000000 points: from 4 to 100000" in err


FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


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
            "a record with valid settings (target must be a curve name or a formula in x, got "
            "[[[[...]]]])",
        ),
        (
            json.dumps({"kind": "regress-demo run", "settings": {"n_mid": "N"}}).replace(
                '"N"', deep(500)
            ),
            "a record with valid settings (n_mid must be a value or a flat list of values, got "
            "[[[[...]]]])",
        ),
    ],
)
def test_a_deeply_nested_record_is_refused_with_one_line(tmp_path, monkeypatch, content, reason):
    monkeypatch.chdir(tmp_path)
    Path("deep.json").write_text(content)
    code, _, err = run_main(["--replay", "deep.json"])
    assert code == 2
    assert err == f"regress-demo: error: --replay must be {reason}, got 'deep.json'\n"


def test_replay_of_a_device_or_a_fifo_is_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    for source in ("/dev/zero", "fifo.json"):  # (in a process of its own: a regression would hang)
        code, _, err = command(["--replay", source], cwd=tmp_path, timeout_s=30)
        assert code == 2
        assert err == (
            f"regress-demo: error: --replay must be a run record: a regular file of a sane size "
            f"(it is not a regular file), got '{source}'\n"
        )


def test_a_weights_file_that_is_a_fifo_is_refused_without_waiting(tmp_path, monkeypatch):
    import os

    monkeypatch.chdir(tmp_path)
    write_series(tmp_path / "long.csv", 2500)
    assert run_main(["--data", "long.csv", *QUICK, "--out", "run.gif"])[0] == 0
    os.remove(tmp_path / "run.npz")
    os.mkfifo(tmp_path / "run.npz")  # (a plain open would wait for a writer for ever)
    assert run_main(["--replay", "run.json", "--out", "again.gif"]) == (
        2,
        "",
        "regress-demo: error: --replay must be a record with valid settings (data must be numbers "
        "kept in run.npz beside the record (not a regular file of at most 256 MB), got "
        "'long.csv'), got 'run.json'\n",
    )
