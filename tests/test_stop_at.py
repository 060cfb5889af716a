"""--stop-at ERROR: training stops at the first epoch whose error is at or below ERROR, with every
engine; the film, the record and the weights end there; in a grid each network stops on its own."""

import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import daylight, decode_gif, run_main

from regress_demo.app import cli
from regress_demo.film import stopping
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import TrainingGroup
from regress_demo.speed import engines
from regress_demo.speed.engines import OneByOne
from regress_demo.speed.lockstep import Lockstep

ROOT = Path(__file__).resolve().parent.parent
STOP = 1e-3


def cut(settings: Settings, reached: int):
    """The run's schedule of frame epochs cut at the epoch reached, that epoch last."""
    return [epoch for epoch in settings.frame_epochs() if epoch < reached] + [reached]


@pytest.fixture(scope="module")
def reference():
    """The default run without --stop-at, by the plain-float loop (it follows the layer classes to
    rounding): its error history, the first epoch at or below the error, the weights after it."""
    training, kept = Lockstep(Settings(epoch=700)), []

    def keep(epoch, errors):
        if errors[0] <= STOP and not kept:
            kept.extend(np.array(array) for pair in training._weights(0) for array in pair)

    list(training.snapshots(keep))
    errors = np.array(training.errors[0])
    first = int(np.flatnonzero(errors <= STOP)[0])
    return errors, first, kept


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`regress-demo --stop-at 1e-3`: the default settings and engine (the layer classes)."""
    folder = tmp_path_factory.mktemp("stop")
    code, out, err = run_main(["--stop-at", "1e-3", "--out", str(folder), "-q"])
    assert code == 0, err
    (record_path,) = folder.glob("*.json")
    record = json.loads(record_path.read_text())
    return folder, record_path, record, out


def test_the_default_run_stops_at_the_first_epoch_at_or_below_the_error(default_run, reference):
    folder, record_path, record, out = default_run
    errors, first, _ = reference
    assert (
        600 < first < 700 and errors[first] <= STOP < errors[:first].min()
    )  # (not a borderline case)
    (run,) = record["runs"]
    assert record["status"] == "reached" and run["status"] == "reached"
    assert (
        run["reached_at"] == run["last_frame_epoch"] == first and run["epochs_trained"] == first + 1
    )
    np.testing.assert_allclose(
        run["errors"], errors[: first + 1], rtol=1e-9
    )  # the full run's history, cut
    assert run["final_error"] == run["errors"][-1] <= STOP
    assert record["settings"]["stop_at"] == STOP and record_path.name.endswith("_stopat0.001.json")
    assert out.splitlines()[-1] == f"reached 1e-3 at epoch {first}"


def test_the_film_is_the_schedule_cut_at_the_epoch_reached(default_run, reference):
    folder, record_path, record, _ = default_run
    _, first, _ = reference
    epochs = cut(Settings(), first)
    assert epochs[-2:] == [660, first] and len(epochs) == 35
    assert record["frame_epochs"] == epochs and record["frames"] == len(epochs)
    assert len(decode_gif(record_path.with_suffix(".gif")).frames) == len(epochs)


def test_the_weights_are_those_of_the_epoch_reached(default_run, reference):
    folder, record_path, _, _ = default_run
    _, _, kept = reference  # the weights of the full run after the epoch reached
    weights = np.load(record_path.with_suffix(".npz"))
    for name, expected in zip(("w1", "b1", "w2", "b2"), kept):
        np.testing.assert_allclose(weights[name], expected, rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def layers_engine():
    """--engine layers, through the trainer the run would use: the layer classes of layers.py."""
    training, engine, _ = engines.trainer(Settings(stop_at=STOP, engine="layers"))
    assert isinstance(training, TrainingGroup) and engine == engines.LAYER_CLASSES
    return training, list(training.snapshots())


def test_engine_layers_stops_at_the_same_epoch(layers_engine, reference):
    training, frames = layers_engine
    _, first, _ = reference
    assert training.reached_at == [first] and len(training.errors[0]) == first + 1
    assert [frame[0].epoch for frame in frames] == cut(Settings(), first)
    assert frames[-1][0].reached and not any(frame[0].reached for frame in frames[:-1])


def test_the_last_frame_says_reached_in_its_title(layers_engine, default_run, reference):
    from regress_demo.film.frames import make_figure

    training, frames = layers_engine
    _, first, _ = reference
    figure = make_figure(Settings(stop_at=STOP), training.dataset, training.errors, frames)
    last = figure.draw(frames[-1])
    assert (
        figure.title.get_text()
        == f"reached 1e-3 at epoch {first}     error {frames[-1][0].error:.2e}"
    )
    assert figure.ax_loss.get_xlim() == (0, first)  # the error axis ends at the epoch reached
    before = figure.draw(frames[-2])
    assert figure.title.get_text().startswith("epoch 660 / 2001")
    # the GIF's last frame shows that title: its title row matches the freshly drawn last frame's
    folder, record_path, _, _ = default_run
    gif = decode_gif(record_path.with_suffix(".gif")).frames[-1].astype(int)
    box = figure.title.get_window_extent()
    height = last.shape[0]
    rows = slice(int(height - box.y1) - 2, int(height - box.y0) + 2)
    columns = slice(int(box.x0) - 2, int(box.x1) + 2)
    assert np.abs(gif[rows, columns] - last[rows, columns]).mean() < 2
    assert np.abs(gif[rows, columns] - before[rows, columns]).mean() > 10


def test_engine_fast_stops_at_the_same_epoch(tmp_path, reference):
    _, first, _ = reference
    code, out, err = run_main(
        [
            "--stop-at",
            "0.001",
            "--engine",
            "fast",
            "--simple",
            "--out",
            str(tmp_path / "fast.gif"),
            "-q",
        ]
    )
    assert code == 0, err
    record = json.loads((tmp_path / "fast.json").read_text())
    assert record["engine"].startswith("plain-float loop")
    assert record["runs"][0]["reached_at"] == first and record["status"] == "reached"
    assert (
        len(decode_gif(tmp_path / "fast.gif").frames)
        == len(cut(Settings(), first))
        == record["frames"]
    )


def test_a_run_that_never_reaches_the_error_runs_every_epoch_and_says_so(tmp_path):
    code, out, err = run_main(
        [
            "--stop-at",
            "1e-3",
            "--epoch",
            "40",
            "--frames",
            "5",
            "--simple",
            "--out",
            str(tmp_path / "short.gif"),
            "-q",
        ]
    )
    assert code == 0, err
    record = json.loads((tmp_path / "short.json").read_text())
    assert record["status"] == "finished" and record["runs"][0]["status"] == "finished"
    assert record["runs"][0]["reached_at"] is None and record["runs"][0]["epochs_trained"] == 40
    assert len(decode_gif(tmp_path / "short.gif").frames) == 5
    assert out.splitlines()[-1] == "did not reach 1e-3 in 40 epochs"
    card = (tmp_path / "index.html").read_text()
    assert "finished, did not reach 1e-3" in card


# ---- a grid: each network stops on its own ----

GRID = Settings(n_mid=(1, 3, 10), epoch=200, frames=10, stop_at=1e-2)


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("grid")
    code, out, err = run_main(
        [
            "--n-mid",
            "1",
            "3",
            "10",
            "--epoch",
            "200",
            "--frames",
            "10",
            "--stop-at",
            "1e-2",
            "--out",
            str(folder / "grid.gif"),
            "-q",
        ]
    )
    assert code == 0, err
    return folder, json.loads((folder / "grid.json").read_text()), out


def test_a_grid_stops_each_network_on_its_own(grid_run):
    folder, record, out = grid_run
    full = Lockstep(GRID.replace(stop_at=None))  # the same grid trained to the end
    list(full.snapshots())
    firsts = [
        int(np.flatnonzero(np.array(errors) <= 1e-2)[0]) if min(errors) <= 1e-2 else None
        for errors in full.errors
    ]
    assert (
        firsts[0] is None and firsts[1] is not None and firsts[2] is not None
    )  # two reach it, one does not
    runs = record["runs"]
    assert [run.get("reached_at") for run in runs] == firsts
    assert [run["status"] for run in runs] == ["finished", "reached", "reached"]
    assert [run["epochs_trained"] for run in runs] == [200, firsts[1] + 1, firsts[2] + 1]
    for run, errors in zip(runs, full.errors):
        np.testing.assert_allclose(run["errors"], errors[: run["epochs_trained"]], rtol=1e-9)
    assert record["status"] == "finished"  # not every network reached it
    # a frame at each scheduled epoch, and one at each epoch reached
    expected = sorted(set(GRID.frame_epochs()) | {firsts[1], firsts[2]})
    assert record["frame_epochs"] == expected
    assert len(decode_gif(folder / "grid.gif").frames) == len(expected)
    assert out.splitlines()[-1] == (
        f"2 of 3 reached 0.01 (n_mid=3 at epoch {firsts[1]}, n_mid=10 at epoch {firsts[2]})"
    )
    card = (folder / "index.html").read_text()
    assert (
        f"reached 0.01 at epoch {firsts[1]}" in card
        and f"reached 0.01 at epoch {firsts[2]}" in card
    )


def test_a_grid_whose_networks_all_reach_the_error_ends_with_the_last(grid_run):
    settings = GRID.replace(n_mid=(3, 10), epoch=400)
    _, record, _ = grid_run
    firsts = [run["reached_at"] for run in record["runs"][1:]]
    for kind in (Lockstep, OneByOne):  # the vectorised loop, and network by network
        training = kind(settings)
        frames = list(training.snapshots())
        assert training.reached_at == firsts
        assert frames[-1][0].epoch == firsts[0] and frames[-1][1].epoch == firsts[1]
        assert (
            max(len(errors) for errors in training.errors) == max(firsts) + 1
        )  # no epoch after the last
        assert [max(s.epoch for s in frame) for frame in frames] == sorted(
            {e for e in settings.frame_epochs() if e < max(firsts)} | set(firsts)
        )
        assert all(frames[-1][c].reached for c in range(2))


def test_the_grid_s_panels_and_header_say_which_reached(grid_run):
    from regress_demo.film.frames import make_figure

    settings = GRID.replace(n_mid=(1, 3))
    training = Lockstep(settings)
    frames = list(training.snapshots())
    figure = make_figure(settings, training.dataset, training.errors, frames)
    figure.draw(frames[-1])
    reached = training.reached_at[1]
    titles = [title.get_text() for _, title, _ in figure.panels]
    assert titles[0].startswith("error ") and titles[1] == f"reached at epoch {reached}"
    assert figure.header.get_text() == "epoch 199 / 200   1 of 2 reached 0.01"


# ---- the schedules, the held-out error, the video, replay ----

SMALL = [
    "--holdout",
    "0.6,1",
    "--schedule",
    "log",
    "--frames",
    "12",
    "--stop-at",
    "0.02",
    "--epoch",
    "400",
    "--engine",
    "fast",
    "--simple",
    "--hold",
    "0.5",
]


@pytest.mark.skipif(importlib.util.find_spec("av") is None, reason="needs PyAV (the video extra)")
def test_log_schedule_frames_holdout_video_and_replay(tmp_path):
    import imageio.v3 as iio

    code, _, err = run_main(SMALL + ["--video", "mp4", "--out", str(tmp_path / "small.gif"), "-q"])
    assert code == 0, err
    record = json.loads((tmp_path / "small.json").read_text())
    (run,) = record["runs"]
    reached = run["reached_at"]
    settings = Settings(holdout=(0.6, 1), schedule="log", frames=12, epoch=400)
    full = Lockstep(settings)  # without --stop-at
    list(full.snapshots())
    assert reached == int(np.flatnonzero(np.array(full.errors[0]) <= 0.02)[0])
    assert record["frame_epochs"] == cut(settings, reached)
    gif = decode_gif(tmp_path / "small.gif").frames
    assert len(gif) == len(cut(settings, reached))
    # the held-out error runs to the epoch reached, and the weights give it
    assert len(run["heldout_errors"]) == reached + 1
    np.testing.assert_allclose(
        run["heldout_errors"], full.heldout_errors[0][: reached + 1], rtol=1e-9
    )
    weights = np.load(tmp_path / "small.npz")
    dataset = settings.dataset()
    hidden = 1 / (1 + np.exp(-(dataset.x_heldout[:, None] * weights["w1"] + weights["b1"])))
    y = (hidden @ weights["w2"])[:, 0] + weights["b2"]
    assert np.mean(0.5 * (y - dataset.t_heldout) ** 2) == pytest.approx(
        run["final_heldout_error"], rel=1e-9
    )
    # the video: the same frames, the last one held
    video = list(iio.imiter(tmp_path / "small.mp4", plugin="pyav"))
    assert len(video) == len(gif) - 1 + round(0.5 * 10)
    # --replay makes the same film again
    code, _, err = run_main(
        ["--replay", str(tmp_path / "small.json"), "--out", str(tmp_path / "again.gif"), "-q"]
    )
    assert code == 0, err
    assert (tmp_path / "again.gif").read_bytes() == (tmp_path / "small.gif").read_bytes()
    assert json.loads((tmp_path / "again.json").read_text())["settings"]["stop_at"] == 0.02


# ---- bad values, the texts, the docs ----


@pytest.mark.parametrize(
    "value, message",
    [
        ("-1", "--stop-at must be > 0, got -1"),
        ("0", "--stop-at must be > 0, got 0"),
        ("abc", "--stop-at must be a number, got 'abc'"),
        ("nan", "--stop-at must be a finite number, got nan"),
    ],
)
def test_bad_values_get_one_line_and_exit_2(tmp_path, monkeypatch, value, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--stop-at", value])
    assert code == 2 and out == ""
    assert err == f"regress-demo: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_from_python_the_same_rule_and_a_record_without_it_stays_as_it_was():
    with pytest.raises(ValueError, match=r"^stop_at must be > 0, got -0.5$"):
        Settings(stop_at=-0.5)
    assert Settings(stop_at=1).stop_at == 1.0 and type(Settings(stop_at=1).stop_at) is float
    assert (
        "stop_at" not in Settings().as_dict() and Settings(stop_at=0.5).as_dict()["stop_at"] == 0.5
    )
    assert Settings().file_stem() == "sin_nmid3_eta0.1_epoch2001_seed1"


def test_the_texts():
    assert [stopping.threshold(v) for v in (1e-3, 2.5e-4, 0.05, 0.5, 1e-5)] == [
        "1e-3",
        "2.5e-4",
        "0.05",
        "0.5",
        "1e-5",
    ]
    assert stopping.reached_text(1e-3, 666) == "reached 1e-3 at epoch 666"


def test_help_and_the_readme_agree_on_stop_at(capsys):
    assert run_main(["--help"])[0] == 0
    parser = cli.build_parser()
    (action,) = [a for a in parser._actions if a.dest == "stop_at"]
    assert action.option_strings == ["--stop-at", "--stop_at"] and action.metavar == "ERROR"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = (ROOT / "docs" / "options.md").read_text(encoding="utf-8")
    (row,) = [line for line in options.splitlines() if line.startswith("| `--stop-at")]
    assert row.startswith("| `--stop-at ERROR` (or `--stop_at`) | none |")
    assert "regress-demo --n-mid 2 3 10 --stop-at 1e-3" in readme
    assert re.search(r"at or below ERROR", action.help) and "at or below" in row


def test_the_notebook_s_repr_and_caption_and_the_gallery_say_reached(tmp_path):
    from regress_demo import make_gif

    result = make_gif(Settings(epoch=60, frames=6, simple=True, stop_at=0.2), tmp_path / "nb.gif")
    errors = result.errors
    reached = len(errors) - 1
    assert errors[-1] <= 0.2 < min(errors[:-1]) and result.reached_at == [reached] and reached < 59
    assert result.status == "reached" and result.frames == len(cut(result.settings, reached))
    assert repr(result) == (
        f"RunResult(reached 0.2 at epoch {reached}, {tmp_path / 'nb.gif'}, {result.frames} frames, "
        f"final error {errors[-1]:.3g}, layer classes of layers.py)"
    )
    html = result._repr_html_()
    assert 'data-status="reached"' in html and f">reached 0.2 at epoch {reached}</span>" in html
    page = (tmp_path / "index.html").read_text()
    assert f"<td>reached 0.2 at epoch {reached}</td>" in page and ".status-reached .badge" in page


@pytest.mark.parametrize("options", [[], ["--engine", "fast"], ["--n-mid", "3", "4"]])
def test_stop_at_on_own_data_is_an_error_in_the_data_s_units(tmp_path, options):
    # the errors of a run on its own data are shown in y's units squared (hours² here),
    # and so is --stop-at
    code, out, err = run_main(
        [
            "--data",
            daylight(),
            "--stop-at",
            "0.5",
            "--epoch",
            "150",
            "--frames",
            "2",
            "-q",
            "--out",
            str(tmp_path),
            *options,
        ]
    )
    assert code == 0, err
    record = json.loads(next(tmp_path.glob("*.json")).read_text())
    for run in record["runs"]:
        errors = run["errors"]
        assert run["status"] == "reached" and errors[-1] == run["final_error"] <= 0.5 < min(
            errors[:-1]
        )
        assert run["reached_at"] == len(errors) - 1
    assert (
        f"reached 0.5 at epoch {record['runs'][0]['reached_at']}" in out or "reached 0.5 (" in out
    )


def test_a_still_beyond_the_epoch_a_run_stopped_at_is_named_not_silently_missing(tmp_path):
    code, out, err = run_main(
        [
            "--stop-at",
            "0.09",
            "--still",
            "5,150,last,200",
            "--dpi",
            "50",
            "--simple",
            "--epoch",
            "300",
            "--frames",
            "2",
            "-q",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0 and "reached 0.09 at epoch 20" in out
    assert err == "regress-demo: no still of epoch 150, 200: the film ends at epoch 20\n"
    stills = sorted(path.name.rsplit("-", 1)[1] for path in tmp_path.glob("*-epoch*"))
    assert stills == ["epoch20.pdf", "epoch20.png", "epoch5.pdf", "epoch5.png"]
    record = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert sorted(record["stills"]) == sorted(path.name for path in tmp_path.glob("*-epoch*"))
