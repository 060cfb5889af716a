"""The new options together, used as a hostile user would: your own data with odd files and arrays,
--stop-at, --size, --lang ja, --still and --sheet print in combination. Each misuse ends with one line
and exit code 2, nothing written; each run that is accepted writes files that agree."""

import io
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from helpers import decode_gif, run_main
from matplotlib.backends.backend_agg import FigureCanvasAgg

from regress_demo.film.frames import make_figure
from regress_demo.film.units import ErrorValue
from regress_demo.inputs.errors import SettingError
from regress_demo.inputs.settings import Settings
from regress_demo.network.train import Training

ROOT = Path(__file__).resolve().parent.parent


def one_error_line(err: str) -> str:
    assert err.startswith("regress-demo: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.rstrip("\n")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "rows, options, message",
    [
        (
            "1,1e308\n2,-1e308\n3,0\n4,1\n",
            [],
            "y is 1e+308 at point 1: every value must be between -1e+100 and 1e+100",
        ),
        (
            "1e200,1\n2,2\n3,0\n4,1\n",
            [],
            "x is 1e+200 at point 1: every value must be between -1e+100 and 1e+100",
        ),
        (
            "1,1e-310\n2,2e-310\n3,0\n4,1e-310\n",
            [],
            "y varies too little to scale (standard deviation 0; at least 1e-100)",
        ),
        (
            "".join(f"{i},{int(i == 50)}\n" for i in range(100)),
            ["--n-points", "4"],
            "sampled by --n-points 4: every y is 0: nothing to fit (a flat line)",
        ),
    ],
)
def test_data_that_cannot_be_scaled_is_refused_in_one_line(
    tmp_path, monkeypatch, rows, options, message
):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "odd.csv", "x,y\n" + rows)
    name = "odd.csv"
    code, out, err = run_main(
        ["--data", name, "--epoch", "3", "--frames", "2", "-q", "--out", "out/", *options]
    )
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(
        "regress-demo: error: --data odd.csv"
    ) and err.rstrip().endswith(message)
    assert os.listdir(tmp_path) == ["odd.csv"]


def daylight():
    return str(ROOT / "examples" / "daylight.csv")


@pytest.mark.parametrize("options", [[], ["--engine", "fast"], ["--n-mid", "3", "4"]])
def test_stop_at_on_own_data_is_an_error_in_the_data_s_units(tmp_path, options):
    # the errors of a run on its own data are shown in y's units squared (hours² here), and so is --stop-at
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


# ---- your own data at a size: its labels, laid out with the rest ----

LONG_X = "the day of the year counted from the first of january at the old weather station"


def series_csv(path, header, points=30):
    rows = "".join(f"{9 * i},{10 + 3 * math.sin(i / 5):.3f}\n" for i in range(points))
    return write(path, header + "\n" + rows)


def texts_over_texts_or_off(figure, width, height, smallest_px):
    """What a frame's headers, titles and axis labels show wrongly: a text smaller than smallest_px,
    off the frame, or over another (tick labels and legends: the suite's layout tests measure them)."""
    renderer = figure.canvas.get_renderer()
    texts = list(figure.texts)
    for ax in figure.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
    boxes, wrong = [], []
    for text in texts:
        if not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if text.get_fontsize() * figure.dpi / 72 < smallest_px:
            wrong.append(f"{text.get_text()!r} small")
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            wrong.append(f"{text.get_text()!r} off the frame")
        boxes.append((text.get_text(), box))
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            if min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)) > 0.5:
                wrong.append(f"{first!r} over {second!r}")
    return wrong


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_own_data_at_a_size_names_its_columns_and_keeps_titles_apart(tmp_path, lang):
    name = series_csv(tmp_path / "cost.csv", f"{LONG_X}_and_more_words,cost $x_2$ in $")
    settings = Settings(data=name, epoch=6, frames=2, size=(1280, 720), lang=lang, stop_at=1e-9)
    training = Training(settings)
    frames = [[snapshot] for snapshot in training.snapshots()]
    figure = make_figure(
        settings, training.dataset, [training.errors], frames, [training.heldout_errors]
    )
    for frame in frames:
        figure.draw(frame)
    # the fit's own x axis and the neurons' say the x column, cut short; y is the y column, drawn as it is
    label = LONG_X[:59] + "…"
    assert (
        figure.ax.get_xlabel().replace("\n", " ")
        == label
        == figure.ax_neurons.get_xlabel().replace("\n", " ")
    )
    assert figure.ax.get_ylabel() == r"cost \$x_2\$ in \$"
    assert (
        figure.ax_neurons.yaxis.label.get_fontsize() == 18
        and figure.ax_neurons.get_ylabel().startswith("sd · ")
    )
    title = figure.ax._left_title  # (drawn by the blitter from cached characters, at its place)
    title.set_visible(
        True
    )  # with the longest text of a run of 2001 epochs: the error and its share of var(y)
    title.set_text(
        figure.say(
            "rich_epoch", epoch=1999, epochs=2001, error=ErrorValue(1.234e-4, 1.0, figure.say)
        )
    )
    assert "(0.012 % " in title.get_text() or "(var(y) の 0.012 %)" in title.get_text()
    assert texts_over_texts_or_off(figure.figure, 1280, 720, 18.6) == []


def test_a_dollar_in_a_file_or_column_name_is_drawn_as_it_is_not_parsed_as_a_formula(tmp_path):
    # matplotlib reads $...$ as mathtext: '$\bad{$' would end the run with its parser's traceback
    name = series_csv(tmp_path / "a$\\bad{$.csv", "x $\\notacommand{$,y_1 in $x_2$", points=12)
    code, out, err = run_main(
        [
            "--data",
            name,
            "--epoch",
            "4",
            "--frames",
            "2",
            "--sheet",
            "print",
            "--dpi",
            "50",
            "-q",
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0 and err == "", err
    written = sorted(path.suffix for path in (tmp_path / "out").iterdir())
    assert written == [".gif", ".html", ".json", ".npz", ".pdf", ".png"]
    assert len(decode_gif(next((tmp_path / "out").glob("*.gif"))).frames) == 2


@pytest.mark.parametrize(
    "value",
    [
        (np.arange(4) + 0j, np.array([1, 3, 2, 5]) + 1j),  # float() would keep the real part only
        ([10**400, 1, 2, 3], [1, 2, 3, 4]),  # too large for a float: OverflowError
        (
            np.ma.array([1, 2, 3, 4, 5], mask=[0, 1, 0, 0, 0]),
            [1, 3, 2, 5, 4],
        ),  # the masked value would be fitted
    ],
)
def test_arrays_of_complex_or_too_large_numbers_are_refused_in_one_message(value):
    with pytest.raises(SettingError) as caught:
        Settings(data=value)
    assert str(caught.value).startswith(
        "data must be a CSV file's name or two array-likes (x, y) of numbers, got "
    )


def test_with_lang_ja_the_terminal_still_speaks_english_about_own_data(tmp_path):
    code, out, err = run_main(
        [
            "--data",
            daylight(),
            "--lang",
            "ja",
            "--epoch",
            "2",
            "--frames",
            "2",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0, err
    epoch_lines = [line for line in out.splitlines() if line.startswith("Epoch: ")]
    assert epoch_lines == [
        "Epoch: 0/2 Error: 5.70502 (57 % of var(y))",
        "Epoch: 1/2 Error: 5.35624 (54 % of var(y))",
    ]
    assert out.isascii()


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


def test_an_interrupted_run_on_own_data_in_japanese_says_so_in_english(tmp_path, capsys):
    from types import SimpleNamespace

    from regress_demo.app.console import report
    from regress_demo.film.texts import texts_of
    from regress_demo.film.units import ErrorValue

    settings = Settings(data=daylight(), lang="ja", epoch=3000)
    shown = [SimpleNamespace(epoch=303, error=ErrorValue(4.87e-3, 10.0, texts_of(settings)))]
    result = SimpleNamespace(
        status="interrupted",
        interrupted_while="training",
        path=tmp_path / "run.gif",
        frames=2,
        last_frame=shown,
        epochs_trained=558,
    )
    out, err = io.StringIO(), io.StringIO()
    assert report(settings, result, 130, out, err) == 130
    saved = tmp_path / "run.gif"
    assert out.getvalue() == ""
    assert err.getvalue() == (
        f"regress-demo: interrupted after 558 of 3000 epochs; saved {saved} "
        "(2 frames, up to epoch 303, error 4.870e-03 (0.049 % of var(y)))\n"
    )


def test_noise_on_own_data_is_bounded_by_the_data_s_spread_as_a_curve_s_is(tmp_path, monkeypatch):
    # (1e300 made a film of one frame and the advice "try a smaller eta")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--data", daylight(), "--noise", "1e300", "--epoch", "3", "-q"])
    assert code == 2 and os.listdir(tmp_path) == []
    assert one_error_line(err) == (
        "regress-demo: error: --noise must be <= 31.5743 (10 times the standard deviation "
        "of y), got 1e+300"
    )
    assert Settings(data=daylight(), noise=31.5).noise == 31.5


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_printed_sheet_of_own_data_has_tile_titles_apart_and_on_the_page(lang):
    from regress_demo.film.sheet import print_sheet
    from regress_demo.film.units import in_data_units

    settings = Settings(data=daylight(), epoch=8, frames=8, lang=lang, sheet="print")
    training = Training(settings)
    tiles = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    figure = print_sheet(settings, training.dataset, tiles)
    renderer = FigureCanvasAgg(figure).get_renderer()
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles[-1].startswith("epoch 7 · error " if lang == "en" else "エポック 7 · 誤差 ")
    boxes = [ax._left_title.get_window_extent(renderer) for ax in figure.axes]
    assert all(0 <= box.x0 and box.x1 <= figure.bbox.width for box in boxes), titles
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)) <= 0, (
                titles
            )


def test_a_long_y_column_name_stays_beside_its_panel_in_the_film_and_on_the_printed_sheet(tmp_path):
    from regress_demo.film.sheet import print_sheet
    from regress_demo.film.units import in_data_units

    long_y = "the daily maximum temperature measured at the old weather station near the river"
    settings = Settings(
        data=series_csv(tmp_path / "t.csv", "day," + long_y), epoch=4, frames=2, sheet="print"
    )
    training = Training(settings)
    frames = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    film = make_figure(
        settings, training.dataset, [training.errors], frames, [training.heldout_errors]
    )
    film.draw(frames[-1])
    renderer = film.figure.canvas.get_renderer()
    label, panel = (
        film.ax.yaxis.label.get_window_extent(renderer),
        film.ax.get_window_extent(renderer),
    )
    assert film.ax.get_ylabel() == long_y[:29] + "…" and label.height <= panel.height
    sheet = print_sheet(settings, training.dataset, frames)
    renderer = FigureCanvasAgg(sheet).get_renderer()
    for ax in sheet.axes[:1]:
        assert ax.get_ylabel() == "the daily maximum\ntemperature…"
        assert (
            ax.yaxis.label.get_window_extent(renderer).height
            <= ax.get_window_extent(renderer).height
        )


def test_the_notebook_s_repr_and_caption_of_a_japanese_run_on_own_data_speak_english(tmp_path):
    from regress_demo import animate

    result = animate(
        data=(np.arange(12.0), np.sin(np.arange(12.0))),
        lang="ja",
        epoch=2,
        frames=2,
        out=str(tmp_path),
        quiet=True,
    )
    assert repr(result).isascii() and "% of var(y)), layer classes" in repr(result)
    caption = result._repr_html_().split('<div style="font-family')[1]
    assert "% of var(y))" in caption and "var(y) の" not in caption


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "sjis.csv",
            "日付,気温\n1,2\n2,3\n3,1\n4,5\n".encode("cp932"),
            '--data sjis.csv: is not UTF-8 text: save it as UTF-8 (a spreadsheet\'s "CSV UTF-8")',
        ),
        (
            "utf16.csv",
            "x,y\n1,2\n2,3\n3,1\n4,5\n".encode("utf-16"),
            '--data utf16.csv: is not UTF-8 text: save it as UTF-8 (a spreadsheet\'s "CSV UTF-8")',
        ),
    ],
)
def test_a_spreadsheet_s_file_in_another_encoding_is_named_as_such_not_binary(
    tmp_path, monkeypatch, name, content, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_bytes(content)
    code, out, err = run_main(["--data", name, "--epoch", "3", "-q"])
    assert code == 2 and one_error_line(err) == "regress-demo: error: " + message
    assert os.listdir(tmp_path) == [name]


def test_a_separator_at_the_end_of_every_line_adds_no_column(tmp_path):
    plain = Settings(data=write(tmp_path / "plain.tsv", "x\ty\n1\t2\n2\t3\n3\t1\n4\t5\n"))
    trailing = Settings(
        data=write(tmp_path / "trailing.tsv", "x\ty\t\n1\t2\t\n2\t3\t\n3\t1\t\n4\t5\t\n")
    )
    assert trailing.data.digest == plain.data.digest and (
        trailing.data.x_label,
        trailing.data.y_label,
    ) == ("x", "y")


def test_the_neuron_panel_of_a_deep_network_on_own_data_names_its_input_u():
    settings = Settings(data=daylight(), depth=2, epoch=2, frames=2)
    training = Training(settings)
    frames = [[snapshot] for snapshot in training.snapshots()]
    figure = make_figure(
        settings, training.dataset, [training.errors], frames, [training.heldout_errors]
    )
    assert (
        figure.ax_neurons.get_ylabel() == "sd · w_j · h_j(u), h = σ(…)"
    )  # (u: x rescaled to [-1, 1])


def test_japanese_column_names_in_an_english_frame_are_drawn_in_the_japanese_font_not_as_boxes(
    tmp_path,
):
    import warnings

    settings = Settings(data=series_csv(tmp_path / "気温.csv", "日付,気温 (°C)"), epoch=2, frames=2)
    training = Training(settings)
    frames = [[snapshot] for snapshot in training.snapshots()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = make_figure(
            settings, training.dataset, [training.errors], frames, [training.heldout_errors]
        )
        figure.draw(frames[-1])
    assert [
        str(warning.message) for warning in caught if "missing from font" in str(warning.message)
    ] == []
    assert figure.ax.get_ylabel() == "気温 (°C)"
    assert figure.ax.yaxis.label.get_fontfamily() == [
        "DejaVu Sans",
        "IPAexGothic",
    ]  # English first, as ever


def test_from_python_size_and_still_take_the_command_line_s_text_too():
    # (they were refused with a message asking for what they were: "must be WxH ..., got '1280x720'")
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


def test_from_python_holdout_takes_the_command_line_s_text_too_with_own_data():
    assert Settings(holdout="0.6,1").holdout == (0.6, 1.0)
    assert Settings(data=daylight(), holdout="200,365").holdout == (200.0, 365.0)
    with pytest.raises(SettingError, match=r"holdout must be two numbers a,b, got 'a,b'"):
        Settings(data=daylight(), holdout="a,b")
