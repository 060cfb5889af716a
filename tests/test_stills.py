"""Stills for print: --still (PNG at --dpi, PDF with selectable text), the contact sheet's tiles
(along the fit's path; --sheet print, readable at A4 width), bad values, the record, replay and
the gallery."""

import io
import json
import os
import re
import zlib

import numpy as np
import pytest
from helpers import daylight, decode_gif
from PIL import Image

from regress_demo.app import cli
from regress_demo.app.run import make_gif
from regress_demo.inputs.settings import Settings
from regress_demo.network import samples as data
from regress_demo.network.train import TrainingGroup

#: 13 frames (every 5 epochs, and 59), of the textbook's plain figure (6.4 x 4.8 in: a quick still).
PRINTED = Settings(epoch=60, interval=5, seed=2, simple=True, still=(0, "last"), sheet="print")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("printed")
    result = make_gif(PRINTED, folder / "run.gif")
    return folder, result, json.loads((folder / "run.json").read_text())


# ---- reading a PDF's text without a PDF library: its content streams, decompressed ----


def _strings(block: bytes) -> list:
    """The literal strings (...) of a PDF text block, unescaped."""
    strings, k = [], 0
    while (k := block.find(b"(", k)) >= 0:
        depth, k, out = 1, k + 1, bytearray()
        while depth:
            c = block[k : k + 1]
            if c == b"\\":
                nxt = block[k + 1 : k + 2]
                octal = re.match(rb"[0-7]{1,3}", block[k + 1 : k + 4])
                if octal:
                    out.append(int(octal.group(), 8))
                    k += 1 + len(octal.group())
                    continue
                out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(
                    nxt, nxt
                )
                k += 2
                continue
            depth += {b"(": 1, b")": -1}.get(c, 0)
            if depth:
                out += c
            k += 1
        strings.append(bytes(out))
    return strings


def pdf_texts(path) -> list:
    """The text of each BT ... ET block of the PDF's content streams, read as matplotlib writes
    TrueType (Type 42) text: two bytes per character, its Unicode code point (ligatures such as "fi"
    and characters beyond the first font have codes of their own, which this does not map)."""
    raw = path.read_bytes()
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            stream = zlib.decompress(stream)
        except zlib.error:
            continue
        for block in re.findall(rb"\bBT\b(.*?)\bET\b", stream, re.S):
            texts.append(b"".join(_strings(block)).decode("utf-16-be", errors="replace"))
    return texts


def pdf_font_sizes(path) -> list:
    """The size in points of each text of the PDF's first page as printed at 100 %: its font size
    (Tf) scaled by its text and page matrices (read with pypdf)."""
    pypdf = pytest.importorskip("pypdf")
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (abs(tm[0] * tm[3] - tm[1] * tm[2]) * abs(cm[0] * cm[3] - cm[1] * cm[2])) ** 0.5
            sizes.append(size * scale)

    pypdf.PdfReader(path).pages[0].extract_text(visitor_text=visit)
    return sizes


# ---- --still ----


def test_a_still_is_a_png_at_300_dpi_an_a4_column_wide(printed):
    folder, result, _ = printed
    gif = decode_gif(folder / "run.gif")
    assert gif.frames[0].shape[:2] == (480, 640)  # the film: 6.4 x 4.8 in at 100 dpi
    for epoch in (0, 59):  # 0 and last
        with Image.open(folder / f"run-epoch{epoch}.png") as still:
            assert still.size == (1890, 1440)  # 6.3 x 4.8 in at 300 dpi: an A4 column
            assert still.info["dpi"] == pytest.approx((300, 300), abs=0.01)
            pixels = np.asarray(still.convert("RGB"))
        red = (
            (pixels[..., 0] > 180) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
        )  # the fit, tab:red
        assert red.sum() > 3000


def test_a_still_is_a_pdf_whose_text_is_text(printed):
    folder, _, _ = printed
    for epoch in (0, 59):
        pdf = folder / f"run-epoch{epoch}.pdf"
        raw = pdf.read_bytes()
        assert (
            raw.startswith(b"%PDF-") and b"/FontFile2" in raw and b"/Type3" not in raw
        )  # TrueType, embedded
        texts = pdf_texts(pdf)
        assert f"epoch {epoch} / 60   error " in "\n".join(texts)
        assert (
            "n_mid=3   eta=0.1" in texts and "training samples" in texts
        )  # (not "fit": a ligature, another code)


def test_a_still_shows_the_whole_error_curve_and_the_trails_of_the_film(printed):
    from regress_demo.files.stills import show_frame
    from regress_demo.film.frames import make_figure

    _, result, _ = printed
    settings = PRINTED.replace(still=(), sheet="film", simple=False)
    training = TrainingGroup(settings)
    frames = list(training.snapshots())
    figure = make_figure(
        settings, training.dataset, training.errors, frames, training.heldout_errors
    )
    show_frame(figure, frames, frames[6])  # epoch 30
    x, y = figure.loss_line.get_data()
    np.testing.assert_array_equal(x, np.arange(31))
    np.testing.assert_array_equal(y, training.errors[0][:31])
    trail = figure.trail_lines[-1].get_ydata()
    np.testing.assert_allclose(
        trail, frames[5][0].fit(data.grid())
    )  # the frame before, as in the film


def test_the_record_lists_the_files_for_print_with_their_sizes(printed):
    folder, result, record = printed
    stills = [f"run-epoch{epoch}.{kind}" for epoch in (0, 59) for kind in ("png", "pdf")]
    assert record["stills"] == stills and record["sheet_pdf"] == "run.pdf"
    sizes = {entry["name"]: entry["bytes"] for entry in record["files"]}
    for name in stills + ["run.pdf", "run.png", "run.gif"]:
        assert sizes[name] == (folder / name).stat().st_size > 0
    assert record["settings"]["still"] == [0, "last"] and record["settings"]["sheet"] == "print"
    assert "dpi" not in record["settings"]  # (at its default)
    assert not [name for name in (p.name for p in folder.iterdir()) if name.endswith(".tmp")]
    page = (folder / "index.html").read_text()
    for name in stills + ["run.pdf"]:
        assert f'href="{name}"' in page
    assert ">still at epoch 59 (PDF)<" in page and ">contact sheet (PDF)<" in page


def test_a_still_between_frames_leaves_the_film_as_it_was_and_replay_makes_it_again(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    film = ["--epoch", "12", "--interval", "4", "--simple", "-q"]  # frames 0, 4, 8, 11
    assert (
        cli.main(film + ["--still", "2", "--dpi", "50", "--out", "a.gif"]) == 0
    )  # 2: no frame of the film
    assert cli.main(film + ["--out", "plain.gif"]) == 0
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "plain.gif").read_bytes()
    assert "epoch 2 / 12   error " in "\n".join(pdf_texts(tmp_path / "a-epoch2.pdf"))
    with Image.open(tmp_path / "a-epoch2.png") as still:
        assert still.size == (315, 240)  # 6.3 x 4.8 in at 50 dpi
    assert cli.main(["--replay", "a.json", "--out", "b.gif", "-q"]) == 0
    record = json.loads((tmp_path / "b.json").read_text())
    assert record["frame_epochs"] == [0, 4, 8, 11]
    assert record["settings"]["still"] == [2] and record["settings"]["dpi"] == 50
    assert record["stills"] == ["b-epoch2.png", "b-epoch2.pdf"]
    for kind in ("png", "pdf"):
        assert (tmp_path / f"b-epoch2.{kind}").read_bytes() == (
            tmp_path / f"a-epoch2.{kind}"
        ).read_bytes()


# ---- stills in an A4 column ----

#: A still of each kind of frame, from a quick run of each: the plain frame, the default one, a
#: grid, in print, in Japanese, of your own data, of a run laid out for a slide (--size), and a
#: grid so wide that its panels' status takes two lines.
STILL_KINDS = {
    "simple": dict(simple=True),
    "rich": {},
    "grid": dict(n_mid=(2, 3, 5), eta=(0.1, 0.3)),
    "print": dict(style="print", noise=0.1, holdout=(0.2, 0.6)),
    "ja": dict(lang="ja"),
    "data": dict(data=daylight()),
    "size": dict(size=(1280, 720)),
    "wide-grid": dict(n_mid=(1, 2, 3, 4, 5, 6), eta=(0.1, 0.3), stop_at=0.05, simple=True),
}


def column_still(settings: Settings, folder, monkeypatch):
    """A run's last still at 60 dpi, checked: the PDF's page 6.3 in wide (an A4 column) and at
    most 9 in high, the PNG that size at its dpi, every text at least 8 pt in the PDF, and in the
    figure inside it and over no other; returns the figure."""
    from test_sizes_styles import check_text

    from regress_demo.files.stills import Stills

    pypdf = pytest.importorskip("pypdf")
    figures, add = [], Stills.add
    monkeypatch.setattr(
        Stills, "add", lambda self, item: (figures.append(item[1]), add(self, item))
    )
    make_gif(settings.replace(epoch=30, frames=3, still=("last",), dpi=60), folder / "run.gif")
    (png,), (pdf,), (figure,) = folder.glob("*-epoch*.png"), folder.glob("*-epoch*.pdf"), figures
    box = pypdf.PdfReader(pdf).pages[0].mediabox
    page = (float(box.width) / 72, float(box.height) / 72)  # inches at 100 %
    assert page[0] == pytest.approx(6.3) and 4 <= page[1] <= 9.0
    with Image.open(png) as still:
        assert still.info["dpi"] == pytest.approx((60, 60), abs=0.02)  # (2362 dots a metre)
        assert still.size == (378, round(page[1] * 60))  # printed at its dpi: the PDF's size
    sizes = pdf_font_sizes(pdf)
    assert len(sizes) > 20 and min(sizes) >= 8 - 1e-6, sorted(sizes)[:5]
    figure.canvas.draw()  # (the axis labels placed at the figure's dpi, after the PDF's 72)
    least = 8 * figure.dpi / 72 - 1e-6  # 8 pt in pixels: the figure is laid out at its inches
    check_text(figure, figure.bbox.width, figure.bbox.height, least, least)
    return figure


@pytest.mark.parametrize("kind", list(STILL_KINDS))
def test_a_still_of_every_kind_fits_an_a4_column_its_text_8_pt_or_more_all_in_sight(
    kind, tmp_path, monkeypatch
):
    figure = column_still(Settings(**STILL_KINDS[kind]), tmp_path, monkeypatch)
    if kind == "wide-grid":  # `reached at epoch 23` is wider than a panel: two lines
        statuses = [ax.get_title(loc="right") for ax in figure.axes]
        assert "reached at\nepoch " in "".join(statuses)


def test_a_still_of_data_in_the_millions_has_room_for_its_ticks_in_its_units(tmp_path, monkeypatch):
    """Your own data's ticks say their whole value (2e6, where matplotlib's own say 2 under a
    common 1e6) once the figure is built: the still is laid out again around them, its y label
    in sight."""
    x = np.arange(1990, 2021, 0.5)
    y = 2e5 + 3e6 * (x - 1990) ** 2 / 900 + 1e5 * np.sin(x)
    rows = "".join(f"{year},{count:.0f}\n" for year, count in zip(x, y))
    (tmp_path / "city.csv").write_text("year,population of the very long named city\n" + rows)
    figure = column_still(
        Settings(data=str(tmp_path / "city.csv"), simple=True), tmp_path, monkeypatch
    )
    assert "2e6" in [label.get_text() for label in figure.axes[0].get_yticklabels()]


def test_a_still_leaves_the_default_film_as_it_was(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    film = ["--epoch", "31", "--frames", "4", "-q"]
    assert cli.main(film + ["--still", "last", "--dpi", "50", "--out", "a.gif"]) == 0
    assert cli.main(film + ["--out", "plain.gif"]) == 0
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "plain.gif").read_bytes()
    assert decode_gif(tmp_path / "a.gif").sizes == {(840, 800)}  # 8.4 x 8 in at 100 dpi
    with Image.open(tmp_path / "a-epoch30.png") as still:
        assert still.size == (315, 390)  # 6.3 x 7.8 in at 50 dpi


# ---- the contact sheet ----


def path_picks(frames, count=8):
    """The sheet's rule, worked out here on its own: the first frame at which the fit has travelled
    k/7 of its whole path (RMS change over the drawing grid, frame to frame); the last one last."""
    fits = np.array([frame[0].fit(data.grid()) for frame in frames])
    travelled = np.concatenate(
        [[0], np.cumsum(np.sqrt(((fits[1:] - fits[:-1]) ** 2).mean(axis=1)))]
    )
    picks = [
        next(i for i, t in enumerate(travelled) if t >= travelled[-1] * k / (count - 1) - 1e-12)
        for k in range(count - 1)
    ]
    for k in range(1, len(picks)):  # a frame picked already: the next one
        picks[k] = max(picks[k], picks[k - 1] + 1)
    assert picks[-1] < len(frames) - 1  # (no room to make: these runs need none)
    return picks + [len(frames) - 1]


def test_the_sheets_tiles_are_spread_along_the_fits_path():
    from regress_demo.files.stills import fit_path, sheet_picks

    frames = list(TrainingGroup(Settings(epoch=150, interval=5)).snapshots())
    picks = sheet_picks(fit_path(frames))
    assert picks == path_picks(frames) == sorted(set(picks)) and len(picks) == 8
    epochs = [frames[k][0].epoch for k in picks]
    assert (
        epochs[0] == 0
        and epochs[-1] == 149
        and epochs != [frames[k][0].epoch for k in sheet_picks(len(frames))]
    )
    fits = [frames[k][0].fit(data.grid()) for k in picks]
    steps = [np.sqrt(np.mean((b - a) ** 2)) for a, b in zip(fits, fits[1:])]
    assert min(steps) > 0.02  # neighbouring tiles look different
    assert sheet_picks([0, 0, 5, 5, 5, 5, 5, 5, 5, 5, 5.1]) == [
        0,
        2,
        3,
        4,
        5,
        6,
        7,
        10,
    ]  # one jump: distinct anyway
    assert sheet_picks([0, 1, 2]) == [0, 1, 2]


def test_the_printed_sheet_is_a4_wide_with_text_of_8_pt_or_more(printed):
    from regress_demo.files.stills import fit_path, sheet_picks
    from regress_demo.film.sheet import A4_WIDTH, font_sizes, print_sheet

    folder, result, _ = printed
    frames = list(TrainingGroup(PRINTED.replace(still=())).snapshots())
    tiles = [frames[k] for k in sheet_picks(fit_path(frames))]
    figure = print_sheet(PRINTED, result.training.dataset, tiles)
    figure.savefig(io.BytesIO(), format="png", dpi=50)  # (lays out the ticks)
    width, height = figure.get_size_inches()
    sizes = font_sizes(figure)
    assert len(sizes) > 40 and min(sizes) * A4_WIDTH / width >= 8  # printed at A4 width
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == [f"epoch {s.epoch} · error {s.error:.1e}" for (s,) in tiles]
    assert [s.epoch for (s,) in tiles] == [frames[k][0].epoch for k in path_picks(frames)]
    with Image.open(folder / "run.png") as sheet:  # the sheet written: the same figure at 300 dpi
        assert sheet.size == (round(width * 300), round(height * 300))
    texts = pdf_texts(folder / "run.pdf")
    assert [text for text in texts if text.startswith("epoch ")] == titles


# ---- bad values ----


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--still", "5000"],
            "--still must be epochs from 0 to 2000 or last, separated by commas, got 5000",
        ),
        (
            ["--still", "abc"],
            "--still must be epochs from 0 to 2000 or last, separated by commas, got 'abc'",
        ),
        (
            ["--still", "3,", "--epoch", "10"],
            "--still must be epochs from 0 to 9 or last, separated by commas, got ''",
        ),
        (["--still", "0,last,0"], "--still must be a list without repeats, got '0,last,0'"),
        (
            ["--still", "0", "--dpi", "0"],
            "--dpi must be from 50 to 600 (screen to print; the PDFs are sharp at any size), got 0",
        ),
        (
            ["--sheet", "print", "--dpi", "5000"],
            "--dpi must be from 50 to 600 (screen to print; the PDFs are sharp at any size), got "
            "5000",
        ),
        (
            ["--dpi", "150"],
            "--dpi must be left out without --still or --sheet print (it sets their resolution), "
            "got 150",
        ),
        (["--sheet", "poster"], "--sheet must be one of film, print, got 'poster'"),
        (
            ["--sheet", "print", "--eta", "0.1", "0.5"],
            "--sheet must be film for a comparison grid (a printed sheet shows one network's fit), "
            "got 'print'",
        ),
        (
            ["--handout", "book", "--epoch", "300"],
            "--handout must be epochs from 0 to 299 (book needs --epoch 2001 or more), got 'book'",
        ),
        (
            ["--handout", "0,5000"],
            "--handout must be epochs from 0 to 2000, separated by commas (or book: "
            "0,200,...,2000), got 5000",
        ),
        (["--handout", "0,200,0"], "--handout must be a list without repeats, got '0,200,0'"),
        (
            ["--handout", ",".join(str(k) for k in range(13))],
            "--handout must be at most 12 epochs (one A4 page), got '0,1,2,3,4,5,6,7,8,9,10,11,12'",
        ),
        (
            ["--handout", "0", "--n-mid", "1", "3"],
            "--handout must be left out for a comparison grid (a handout shows one network's fit),"
            " got '0'",
        ),
        (
            ["--sheet-epochs", "0,5"],
            "--sheet-epochs must be left out without --sheet print (it chooses the printed sheet's"
            " tiles), got '0,5'",
        ),
    ],
)
def test_a_bad_value_is_one_line_exit_2_and_nothing_written(
    tmp_path, monkeypatch, capsys, args, message
):
    monkeypatch.chdir(tmp_path)
    assert cli.main(args + ["-q"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"regress-demo: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_still_is_not_written_over_a_file_regress_demo_did_not_write(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run-epoch4.pdf").write_text("someone's handout")
    assert cli.main(["--epoch", "5", "--still", "last", "-q", "--out", "run.gif"]) == 2
    assert "'run-epoch4.pdf' was not written by regress-demo" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["run-epoch4.pdf"]


def test_the_readme_and_help_agree_on_the_options_for_print(capsys):
    from pathlib import Path

    assert cli.main(["--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    readme = (Path(__file__).parent.parent / "docs" / "options.md").read_text()
    for option, default in [
        ("--still EPOCH[,EPOCH...]", None),
        ("--dpi N", "300"),
        ("--sheet film|print", "film"),
    ]:
        assert option in help_text
        row = next(
            line
            for line in readme.splitlines()
            if line.startswith(f"| `{option.replace('|', chr(92) + '|')}`")
        )
        if default is not None:
            assert f"(default: {default})" in help_text and row.split(" | ")[1] == default


def test_a_still_that_cannot_be_written_leaves_no_file_of_the_run(tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    saved = Figure.savefig

    def full_disk(figure, target, **options):
        if options.get("format") == "pdf":
            raise OSError(28, "No space left on device", str(target))
        return saved(figure, target, **options)

    monkeypatch.setattr(Figure, "savefig", full_disk)
    settings = Settings(epoch=6, simple=True, still=(1, 3), dpi=50)
    with pytest.raises(OSError) as error_info:
        make_gif(settings, tmp_path / "run.gif")
    assert error_info.value.filename == str(
        tmp_path / "run-epoch1.pdf"
    )  # the file that failed, not a temporary one
    assert list(tmp_path.iterdir()) == []  # no GIF, no still, no temporary file


def test_the_last_still_of_a_run_that_stopped_early_is_refused_over_a_foreign_file(tmp_path):
    from regress_demo.files.staged import ForeignFileError

    (tmp_path / "run-epoch9.png").write_text("someone's picture")  # eta 1.9 diverges at epoch 9
    with pytest.raises(ForeignFileError) as raised:
        make_gif(
            Settings(eta=1.9, epoch=50, simple=True, still=(2, "last"), dpi=50),
            tmp_path / "run.gif",
        )
    assert raised.value.filename == str(tmp_path / "run-epoch9.png")
    assert (tmp_path / "run-epoch9.png").read_text() == "someone's picture"
    assert os.listdir(tmp_path) == ["run-epoch9.png"]  # nothing of the run, no temporary file


# ---- --handout: one A4 page for a lecture ----

#: Epochs of the handout: two frames of the film and one between frames (7).
HANDOUT = Settings(epoch=60, interval=5, seed=2, handout=(0, 7, 59))


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    folder = tmp_path_factory.mktemp("handout")
    result = make_gif(HANDOUT, folder / "run.gif")
    return folder / "run-handout.pdf", result


def handout_figure(settings=HANDOUT):
    """The handout's page as the run draws it, with the training that made it."""
    from regress_demo.film.handout import handout_page
    from regress_demo.network.train import Training

    training = Training(settings)
    chosen = {s.epoch: [s] for s in training.snapshots() if s.epoch in settings.handout}
    return handout_page(settings, training.dataset, training.errors, chosen), training


def test_the_handout_is_one_a4_page_naming_each_chosen_epoch(handout):
    pypdf = pytest.importorskip("pypdf")
    path, result = handout
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.4, 841.7), abs=1)  # A4
    text = reader.pages[0].extract_text()
    for epoch in HANDOUT.handout:
        assert f"epoch {epoch} · error" in text
    assert "n_mid=3" in text and "eta=0.1" in text  # the run's settings
    assert path in result.print_paths
    record = json.loads(path.with_name("run.json").read_text())
    assert "run-handout.pdf" in {entry["name"] for entry in record["files"]}
    assert record["settings"]["handout"] == [0, 7, 59]


def test_no_text_on_the_handout_is_under_8_pt(handout):
    sizes = pdf_font_sizes(handout[0])
    assert len(sizes) > 30 and min(sizes) >= 8 - 1e-6, sorted(sizes)[:5]


def test_the_fit_and_the_samples_differ_in_grey_on_the_rendered_page():
    """In greyscale the fit is a thick black line, the samples hollow grey rings: at epoch 0 (the
    fit flat, the samples on the sine) the fit's pixels are near black, each ring's lighter, and
    the ring's centre paper white."""
    figure, training = handout_figure()
    figure.set_dpi(150)  # (the pixels' positions below: at the dpi it is saved at)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    grey = np.asarray(Image.open(buffer).convert("L"), dtype=float)
    height = grey.shape[0]
    ax, (fit,) = figure.axes[0], [line for line in figure.axes[0].get_lines() if line.get_lw() > 2]

    def pixels(x, y, half):
        px, py = ax.transData.transform((x, y))
        row, col = int(round(height - py)), int(round(px))
        return grey[row - half : row + half + 1, col - half : col + half + 1]

    fit_x, fit_y = fit.get_data()
    fit_dark = [pixels(x, y, 1).min() for x, y in zip(fit_x[::40], fit_y[::40])]
    far = [
        (x, t)
        for x, t in zip(training.dataset.x_train, training.dataset.t_train)
        if abs(t - np.interp(x, fit_x, fit_y)) > 0.5
    ]
    assert len(far) > 20
    ring_dark = [pixels(x, t, 3).min() for x, t in far]
    centres = [pixels(x, t, 0).min() for x, t in far]
    assert max(fit_dark) <= 40, fit_dark
    assert min(ring_dark) >= max(fit_dark) + 50, (min(ring_dark), max(fit_dark))
    assert np.median(centres) >= 200


def test_the_handout_s_epoch_numbers_never_overlap_however_close_the_epochs():
    """Epochs 0, 10, 20 and 30 of 2000 are 0.03 in apart on the error panel: their numbers, each
    wider, stand side by side along its top, in order, each near its epoch, under the title."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    figure, _ = handout_figure(Settings(epoch=2001, interval=400, handout=(0, 10, 20, 30, 2000)))
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer, ax = canvas.get_renderer(), figure.axes[-1]
    labels = [text for text in ax.texts if text.get_text().isdigit()]
    assert [label.get_text() for label in labels] == ["0", "10", "20", "30", "2000"]
    boxes = [Text.get_window_extent(label, renderer) for label in labels]  # (not their lines)
    title = ax._left_title.get_window_extent(renderer)
    for box, next_box in zip(boxes, boxes[1:]):
        assert box.x1 < next_box.x0  # side by side, in order: none over another
    for box, epoch in zip(boxes, (0, 10, 20, 30, 2000)):
        assert ax.bbox.y1 <= box.y0 and box.y1 < title.y0  # above the panel, under its title
        x = ax.transData.transform((epoch, 1))[0]
        assert abs((box.x0 + box.x1) / 2 - x) < 0.5 * figure.dpi  # within half an inch of it
        assert 0 <= box.x0 and box.x1 <= figure.bbox.width


def test_handout_book_gives_the_textbook_s_epochs_and_the_page_says_them_in_japanese():
    settings = Settings(handout="book", lang="ja", epoch=2001, interval=400)
    assert settings.handout == (0, 200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000)
    figure, _ = handout_figure(settings.replace(epoch=2001))
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles[:2] == ["エポック 0 · 誤差 2.8e-01", "エポック 200 · 誤差 9.1e-03"]
    assert titles[-1] == "各エポックの誤差 (上のエポックに印)"


SALES = "日付,売上（円）\n" + "".join(
    f"2023/{1 + k // 28:02d}/{1 + k % 28:02d},{1000 + 300 * np.sin(k / 20):.0f}\n"
    for k in range(0, 336, 6)
)  # (a Japanese spreadsheet's export: the unit in the column's name)


@pytest.mark.parametrize(
    "lang, log_y, unit, heldout",
    [
        ("en", False, "error (円²)", "held out (with the"),
        ("ja", False, "誤差 (円²)", "学習に使わないデータ"),
        ("en", True, "error ((log10 y)²)", "held out (with the"),
    ],
)
def test_the_handout_of_a_held_out_run_shows_its_held_out_error_and_its_unit(
    tmp_path, lang, log_y, unit, heldout
):
    pypdf = pytest.importorskip("pypdf")
    (tmp_path / "sales.csv").write_text(SALES, encoding="utf-8")
    settings = Settings(
        data=str(tmp_path / "sales.csv"), epoch=12, handout=(0, 11), lang=lang, log_y=log_y,
        holdout="2023-05-01:2023-07-31",
    )  # fmt: skip
    result = make_gif(settings, tmp_path / "run.gif")
    text = pypdf.PdfReader(tmp_path / "run-handout.pdf").pages[0].extract_text()
    assert unit in text and heldout in text
    assert ("training" if lang == "en" else "訓練データ") in text
    assert result.print_paths == [tmp_path / "run-handout.pdf"]
    # the error panel: the training error, solid, and the held-out one, dashed, of every epoch
    from regress_demo.film.handout import handout_page
    from regress_demo.film.units import errors_in_units, in_data_units
    from regress_demo.network.train import Training

    training = Training(settings)
    frames = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    chosen = {frame[0].epoch: frame for frame in frames if frame[0].epoch in settings.handout}
    errors = errors_in_units(settings, training.errors)
    held = errors_in_units(settings, training.heldout_errors)
    figure = handout_page(settings, training.dataset, errors, chosen, held)
    ax = figure.axes[-1]
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == 12]
    assert [line.get_label() for line in curves] == [
        text.get_text() for text in ax.get_legend().get_texts()
    ]
    assert curves[1].get_label().startswith(heldout)
    np.testing.assert_allclose(curves[0].get_ydata(), errors)
    np.testing.assert_allclose(curves[1].get_ydata(), held)
    assert curves[0].get_linestyle() == "-" and curves[1].get_linestyle() != "-"
    assert ax.get_ylabel() == unit


def test_sheet_epochs_choose_the_printed_sheet_s_tiles(tmp_path):
    settings = Settings(epoch=60, interval=5, seed=2, sheet="print", sheet_epochs="0,7,59")
    make_gif(settings, tmp_path / "run.gif")
    titles = [text for text in pdf_texts(tmp_path / "run.pdf") if text.startswith("epoch ")]
    assert [title.split(" ·")[0] for title in titles] == ["epoch 0", "epoch 7", "epoch 59"]
