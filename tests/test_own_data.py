"""Your own data: a CSV file or (x, y) arrays, trained on after scaling, shown in the data's units,
recorded and replayed; every bad file refused with one line."""

import io
import json
import math
import os

import numpy as np
import pytest
from helpers import daylight, decode_gif, run_main
from matplotlib.backends.backend_agg import FigureCanvasAgg

from regress_demo import SettingError, Settings
from regress_demo.film.frames import make_figure
from regress_demo.film.units import ErrorValue
from regress_demo.inputs.csvfile import read_file
from regress_demo.inputs.owndata import MAX_POINTS, OwnData
from regress_demo.network.train import Training

YEARS = np.arange(1900, 2001)
VALUES = 300 + 40 * np.sin(YEARS / 30)
#: A short run with the textbook's network, eta and initial weights: enough for the year series.
RUN = ["--epoch", "120", "--frames", "3"]


def write_years(path, separator=",", header="year,value", comment=None):
    lines = ([header] if header else []) + ([comment] if comment else [])
    lines += [f"{year}{separator}{float(value)!r}" for year, value in zip(YEARS, VALUES)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def year_run(tmp_path_factory):
    """One run on the year series, from the command line: its folder, record and printed lines."""
    folder = tmp_path_factory.mktemp("years")
    write_years(folder / "years.csv")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        code, out, err = run_main(["--data", "years.csv", *RUN, "--out", "first.gif"])
    finally:
        os.chdir(cwd)
    assert code == 0, err
    record = json.loads((folder / "first.json").read_text(encoding="utf-8"))
    return folder, record, out


def test_the_year_series_trains_below_one_percent_of_its_variance(year_run):
    _, record, out = year_run
    variance = np.var(VALUES)
    final = record["runs"][0]["final_error"]
    assert final < 0.01 * variance
    assert (
        record["runs"][0]["errors"][0] > 0.3 * variance
    )  # it started far off: the error is in y's units
    # the printed lines say the error in y's units and as a share of var(y)
    assert f"final error {final:.3e} ({100 * final / variance:.2g} % of var(y))" in out
    assert "Epoch: 0/120 Error: " in out and "% of var(y))" in out


def test_the_record_holds_the_file_name_its_digest_and_the_numbers(year_run):
    folder, record, _ = year_run
    data = record["settings"]["data"]
    assert data["name"] == "years.csv" and data["x_label"] == "year" and data["y_label"] == "value"
    assert (
        data["x"] == YEARS.astype(float).tolist() and data["y"] == VALUES.tolist()
    )  # to the last bit
    import hashlib

    assert data["sha256"] == hashlib.sha256((folder / "years.csv").read_bytes()).hexdigest()


def test_replay_gives_the_same_gif_also_after_the_file_changed_or_went(
    year_run, tmp_path, monkeypatch
):
    folder, _, _ = year_run
    first = (folder / "first.gif").read_bytes()
    monkeypatch.chdir(folder)
    code, _, err = run_main(["--replay", "first.json", "--out", str(tmp_path / "same.gif"), "-q"])
    assert code == 0 and err == ""  # the file is as it was: nothing to say
    assert (tmp_path / "same.gif").read_bytes() == first
    write_years(folder / "years.csv", header="year,other")  # changed
    code, _, err = run_main(
        ["--replay", "first.json", "--out", str(tmp_path / "changed.gif"), "-q"]
    )
    assert code == 0
    assert err == (
        "regress-demo: years.csv has changed since this run was recorded: the replay uses the data "
        "kept in its record\n"
    )
    assert (tmp_path / "changed.gif").read_bytes() == first
    (folder / "years.csv").unlink()
    code, _, err = run_main(["--replay", "first.json", "--out", str(tmp_path / "gone.gif"), "-q"])
    assert code == 0
    assert err == (
        "regress-demo: years.csv is gone since this run was recorded: "
        "the replay uses the data kept in its record\n"
    )
    assert (tmp_path / "gone.gif").read_bytes() == first
    write_years(folder / "years.csv")  # (as it was, for the other tests)


def test_a_long_series_is_kept_in_the_weights_file_and_replays_from_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x = np.arange(3000) * 0.5
    with open("long.csv", "w", encoding="utf-8") as file:
        file.writelines(f"{float(a)!r}\t{float(np.sin(a / 100))!r}\n" for a in x)
    options = ["--epoch", "2", "--simple", "--interval", "1", "--out", "long.gif", "-q"]
    assert run_main(["--data", "long.csv", *options])[0] == 0
    record = json.loads((tmp_path / "long.json").read_text(encoding="utf-8"))["settings"]["data"]
    assert "x" not in record and record["points"] == 3000  # the JSON stays small
    with np.load(tmp_path / "long.npz") as arrays:
        np.testing.assert_array_equal(arrays["data_x"], x)
        kept = {name: arrays[name] for name in arrays.files}
    os.remove("long.csv")
    code, _, err = run_main(["--replay", "long.json", "--out", "again.gif", "-q"])
    assert code == 0 and err.endswith(
        "long.csv is gone since this run was recorded: the replay uses the data kept "
        "in its record\n"
    )
    assert (tmp_path / "again.gif").read_bytes() == (tmp_path / "long.gif").read_bytes()
    kept["data_y"] = kept["data_y"] + 1  # another series in the weights file: refused
    np.savez(tmp_path / "long.npz", **kept)
    assert run_main(["--replay", "long.json", "--out", "third.gif"]) == (
        2,
        "",
        "regress-demo: error: --replay must be a record with valid settings (data must be numbers "
        "kept in long.npz beside the record (they are not the ones recorded), got 'long.csv'), "
        "got 'long.json'\n",
    )
    assert not (tmp_path / "third.gif").exists()


def test_the_frame_shows_years_and_values(tmp_path):
    from regress_demo.film.frames import make_figure
    from regress_demo.film.units import in_data_units
    from regress_demo.network.train import Training

    settings = Settings(
        data=read_file(write_years(tmp_path / "years.csv")),
        epoch=30,
        frames=2,
        holdout=(1980, 2000),
    )
    training = Training(settings)
    frames = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    histories = [[error * np.var(VALUES) for error in training.errors]]
    figure = make_figure(settings, training.dataset, histories, frames, [training.heldout_errors])
    figure.draw(frames[-1])
    ax = figure.ax
    x_ticks = [
        float(label.get_text().replace("−", "-"))
        for label in figure.ax_neurons.get_xticklabels()
        if label.get_text()
    ]  # (the fit panel shares them)
    y_ticks = [
        float(label.get_text().replace("−", "-"))
        for label in ax.get_yticklabels()
        if label.get_text()
    ]
    assert 1900 in x_ticks and 2000 in x_ticks and all(1880 <= tick <= 2020 for tick in x_ticks)
    assert min(y_ticks) >= 200 and max(y_ticks) <= 400 and len(y_ticks) >= 3
    assert ax.get_ylabel() == "value" and figure.ax_neurons.get_xlabel() == "year"
    x_low, x_high = ax.get_xlim()
    assert x_low < 1900 < 2000 < x_high < 2010
    # the samples and the fit are drawn in the data's units
    samples = next(line for line in ax.get_lines() if line.get_label() == "training samples")
    np.testing.assert_array_equal(samples.get_xdata(), YEARS[YEARS < 1980])
    np.testing.assert_allclose(samples.get_ydata(), VALUES[YEARS < 1980], rtol=1e-12)
    fit = figure.fit_line.get_ydata()
    assert 250 < np.nanmin(fit) and np.nanmax(fit) < 350
    assert "% of var(y))" in figure.title.get_text()
    header = " ".join(text.get_text() for text in figure.figure.texts)
    assert "data: years.csv, 101 points" in header
    assert (
        "trained on u = x rescaled to [−1, 1], v = y standardised (mean 319.5, sd 19.98)" in header
    )
    assert figure.ax_neurons.get_ylabel() == "sd · w2_j · σ(w1_j u + b1_j)"
    assert "held out: x in [1980, 2000]" in header


def separated(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_file(path)


def test_a_comment_semicolons_tabs_and_spaces_give_the_same_numbers(tmp_path):
    files = [
        write_years(tmp_path / "comma.csv"),
        write_years(tmp_path / "comment.csv", comment="# measured by hand\n\n# (blank line above)"),
        write_years(tmp_path / "semicolon.csv", separator=";", header="year;value"),
        write_years(tmp_path / "tab.tsv", separator="\t", header="year\tvalue"),
        write_years(tmp_path / "spaces.txt", separator="   ", header="year value"),
        write_years(tmp_path / "bare.txt", separator=" ", header=None),
    ]
    read = [read_file(path) for path in files]
    for data in read:
        np.testing.assert_array_equal(data.x, YEARS)
        np.testing.assert_array_equal(data.y, VALUES)
    assert [(data.x_label, data.y_label) for data in read] == [("year", "value")] * 5 + [("x", "y")]
    errors = []
    for data in read[:3]:
        from regress_demo.network.train import Training

        training = Training(Settings(data=data, epoch=5))
        list(training.snapshots())
        errors.append(training.errors)
    assert errors[0] == errors[1] == errors[2]


def test_columns_by_name_or_number(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c\n1,10,5\n2,20,3\n3,30,9\n4,45,1\n", encoding="utf-8")
    by_name = read_file(path, "a,c")
    assert by_name.y.tolist() == [5, 3, 9, 1] and (by_name.x_label, by_name.y_label) == ("a", "c")
    by_number = read_file(path, "3,2")
    assert by_number.x.tolist() == [5, 3, 9, 1] and by_number.y.tolist() == [10, 20, 30, 45]


def test_a_header_shorter_than_the_rows_names_what_it_can(tmp_path):
    path = tmp_path / "short-header.csv"
    path.write_text("day\n1,5\n2,3\n3,9\n4,1\n", encoding="utf-8")
    data = read_file(path)
    assert (data.x_label, data.y_label) == ("day", "y") and data.y.tolist() == [5, 3, 9, 1]


def test_unsorted_uneven_and_repeated_x_train(tmp_path):
    rng = np.random.default_rng(7)
    x = np.concatenate(
        [rng.uniform(0, 5, 50), [2.0, 2.0, 2.0]]
    )  # uneven, unsorted, x = 2 three times
    y = 10 + 3 * np.cos(x) + np.array([0.0] * 50 + [-0.2, 0.0, 0.2])
    settings = Settings(data=(x, y), epoch=100, eta=0.3, activation="tanh")
    dataset = settings.dataset()
    np.testing.assert_allclose(
        dataset.x, 2 * (x - x.min()) / (x.max() - x.min()) - 1
    )  # in the given order
    assert dataset.x.min() == pytest.approx(-1) and dataset.x.max() == pytest.approx(1)
    assert abs(dataset.t.mean()) < 1e-12 and abs(dataset.t.std() - 1) < 1e-12
    from regress_demo.network.train import Training

    training = Training(settings)
    list(training.snapshots())
    assert (
        training.errors[-1] < 0.005 and training.errors[0] > 0.3
    )  # below 0.5 % of var(y), from far above


def test_the_settings_hold_the_data_by_value(tmp_path):
    x, y = np.linspace(0, 1, 101), np.linspace(0, 1, 101) ** 2
    a, b = Settings(data=(x, y)), Settings(data=(list(x), list(y)))
    assert a == b and hash(a) == hash(b) and a != Settings(data=(x, y + 1))
    textbook = "n_mid=3, eta=0.1, epoch=2001, wb_width=0.01, seed=1"
    assert repr(a) == f"Settings({textbook}, data=<101 points>)"
    assert a.file_stem().startswith("data-") and a.file_stem() == b.file_stem()
    assert a.file_stem() != Settings(data=(x, y + 1)).file_stem()
    assert a.replace(eta=0.5) == Settings(data=(x, y), eta=0.5)
    for settings in (a, a.replace(holdout=(0.2, 0.8), n_points=50, noise=0.1)):
        assert (
            Settings(**json.loads(json.dumps(settings.as_dict()))) == settings
        )  # a record gives the same settings
    assert "data" not in Settings().as_dict()  # a run without data records what it always did
    from_file = Settings(data=read_file(write_years(tmp_path / "years.csv")), n_mid=5)
    assert repr(from_file) == (
        "Settings(n_mid=5, eta=0.1, epoch=2001, wb_width=0.01, seed=1, "
        "data=<years.csv: 101 points>)"
    )
    digest = from_file.data.digest[:6]  # the numbers as read: other data, another name
    assert from_file.file_stem() == f"data-years-{digest}_nmid5_eta0.1_epoch2001_seed1"
    assert (
        Settings(data=str(tmp_path / "years.csv"), n_mid=5) == from_file
    )  # a file's name does too


@pytest.mark.parametrize(
    "name, part",
    [
        ("東京の気温2023.csv", "東京の気温2023"),
        ("気温.csv", "気温"),
        ("\u304b\u3099く.csv", "がく"),  # as macOS writes it: か and its mark, composed
        ("café au lait.csv", "café-au-lait"),
        ("a b--c.csv", "a-b--c"),  # (ASCII names as they always were)
        ("..hidden.csv", "hidden"),
        ("a\x1b[31m/b\\c.csv", "a-31m-b-c"),  # control characters and separators: "-"
        ("日" * 50 + ".csv", "日" * 26),  # at most 80 bytes
        ("x" * 50 + ".csv", "x" * 40),  # at most 40 characters
        ("!!!.csv", ""),  # nothing left: the digest of the numbers names it
    ],
)
def test_a_data_files_name_goes_into_the_file_names_in_any_script(name, part):
    from regress_demo.inputs.owndata import file_name_part

    assert file_name_part(name) == part


def test_two_data_files_named_in_japanese_keep_their_own_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_years(tmp_path / "東京の気温2023.csv")
    (tmp_path / "大阪の気温2023.csv").write_text(
        "year,value\n" + "".join(f"{year},{float(v) + 5!r}\n" for year, v in zip(YEARS, VALUES)),
        encoding="utf-8",
    )
    for city in ("東京", "大阪"):
        code, out, err = run_main(
            ["--data", f"{city}の気温2023.csv", "--epoch", "3", "-q", "--out", "runs"]
        )
        assert code == 0, err
    digests = {city: read_file(f"{city}の気温2023.csv").digest[:6] for city in ("東京", "大阪")}
    stem = "_nmid3_eta0.1_epoch3_seed1"
    names = sorted(os.listdir(tmp_path / "runs"))
    assert [name for name in names if name.endswith(".gif")] == [
        f"data-大阪の気温2023-{digests['大阪']}{stem}.gif",
        f"data-東京の気温2023-{digests['東京']}{stem}.gif",
    ]
    for city, shift in (("東京", 0), ("大阪", 5)):
        name = f"data-{city}の気温2023-{digests[city]}{stem}.json"
        record = json.loads((tmp_path / "runs" / name).read_text())
        assert record["settings"]["data"]["name"] == f"{city}の気温2023.csv"
        assert record["settings"]["data"]["y"][0] == VALUES[0] + shift


def test_runs_on_different_data_get_different_names_and_the_same_data_the_same(tmp_path):
    def write(name, shift, header="x,y"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        rows = "".join(f"{k},{k * k + shift}\n" for k in range(8))
        path.write_text(f"{header}\n{rows}", encoding="utf-8")
        return str(path)

    long = "東京都の月別売上高と気温の推移" * 3  # cut to the same 40 characters
    pairs = [
        (write("d1/a.csv", 0), write("d2/a.csv", 1)),
        (write("売上 2023.csv", 0), write("売上.2023.csv", 1)),
        (write("📈sales🚀.csv", 0), write("📉sales🚀.csv", 1)),
        (write(long + "A.csv", 0), write(long + "B.csv", 1)),
    ]
    for first, second in pairs:
        a, b = Settings(data=first).file_stem(), Settings(data=second).file_stem()
        assert a != b and a.startswith("data-") and b.startswith("data-")
    assert Settings(data=pairs[0][0]).file_stem().startswith("data-a-")
    wide = tmp_path / "wide.csv"
    wide.write_text("x,a,b\n" + "".join(f"{k},{k * k},{k + 1}\n" for k in range(8)))
    by_a = Settings(data=read_file(wide, "x,a")).file_stem()
    by_b = Settings(data=read_file(wide, "x,b")).file_stem()
    assert by_a != by_b and by_a.startswith("data-wide-") and by_b.startswith("data-wide-")
    # the same numbers, from another folder or as arrays again: the same name (a rerun replaces)
    again = write("d3/a.csv", 0)
    assert Settings(data=again).file_stem() == Settings(data=pairs[0][0]).file_stem()
    x, y = np.arange(8.0), np.arange(8.0) ** 2
    assert Settings(data=(x, y)).file_stem() == Settings(data=(list(x), list(y))).file_stem()
    assert Settings(data=(x, y)).file_stem() != Settings(data=(x, y + 1)).file_stem()


def test_two_files_of_one_name_in_two_folders_keep_their_own_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for folder, shift in (("d1", 0), ("d2", 3)):
        (tmp_path / folder).mkdir()
        rows = "".join(f"{k},{k * k + shift}\n" for k in range(8))
        (tmp_path / folder / "a.csv").write_text("x,y\n" + rows)
        code, _, err = run_main(["--data", f"{folder}/a.csv", "--epoch", "3", "-q"])
        assert code == 0, err
    gifs = sorted(path.name for path in (tmp_path / "outputs").glob("*.gif"))
    assert len(gifs) == 2 and all(name.startswith("data-a-") for name in gifs)
    code, _, err = run_main(["--data", "d1/a.csv", "--epoch", "3", "-q"])  # a rerun: its own
    assert code == 0, err
    assert sorted(path.name for path in (tmp_path / "outputs").glob("*.gif")) == gifs


def test_a_record_named_without_the_digest_still_replays(tmp_path, monkeypatch):
    """A run recorded when the name held the file's name only (data-a_nmid3_...): its replay
    reads the record as any other and writes the same film under today's name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("x,y\n" + "".join(f"{k},{k * k}\n" for k in range(8)))
    code, _, err = run_main(["--data", "a.csv", "--epoch", "3", "-q", "--out", "new"])
    assert code == 0, err
    (record_path,) = (tmp_path / "new").glob("*.json")
    old = tmp_path / "old"
    old.mkdir()
    stem = "data-a_nmid3_eta0.1_epoch3_seed1"
    for path in (tmp_path / "new").glob(record_path.stem + ".*"):
        path.rename(old / (stem + path.suffix))
    code, _, err = run_main(["--replay", str(old / (stem + ".json")), "-q"])
    assert (code, err) == (0, "")
    replayed = tmp_path / "outputs" / (record_path.stem + ".gif")
    assert replayed.read_bytes() == (old / (stem + ".gif")).read_bytes()


def test_n_points_takes_a_seeded_sample_and_holdout_is_in_x_units():
    x, y = np.arange(200.0), np.sin(np.arange(200.0) / 20)
    sample = Settings(data=(x, y), n_points=50).dataset()
    assert (
        len(sample.x) == 50
        and sample.x.min() == pytest.approx(-1)
        and sample.x.max() == pytest.approx(1)
    )
    assert np.array_equal(Settings(data=(x, y), n_points=50).dataset().x, sample.x)  # seeded
    assert not np.array_equal(Settings(data=(x, y), n_points=50, seed=2).dataset().x, sample.x)
    many = (np.arange(100_000.0), np.sin(np.arange(100_000.0) / 5000))
    assert (
        len(Settings(data=many, n_points=5000, epoch=10).dataset().x) == 5000
    )  # (more than a curve's 2000)
    with pytest.raises(
        SettingError, match=r"would train for about .* hours .*lower epoch, n_points or n_mid"
    ):
        Settings(data=many)  # every point, every epoch: too long
    held = Settings(data=(x, y), holdout=(150, 199)).dataset()
    assert (~held.train).sum() == 50 and held.holdout == pytest.approx((0.5075376884, 1.0))


def test_every_kind_of_network_and_the_gallery_work_with_it(tmp_path):
    from regress_demo import make_gif

    x, y = np.arange(30.0) * 7, 50 + 20 * np.sin(np.arange(30.0) / 5)
    grid = make_gif(
        Settings(
            data=(x, y), activation=["sigmoid", "tanh", "relu"], depth=[1, 2], epoch=20, frames=2
        ),
        tmp_path,
    )
    assert grid.status == "finished" and len(grid.final_errors) == 6
    assert decode_gif(grid.path).sizes == {decode_gif(grid.path).frames[0].shape[1::-1]}
    single = make_gif(
        Settings(
            data=(x, y),
            l2=0.001,
            batch_size=4,
            momentum=0.5,
            noise=2.0,
            epoch=20,
            frames=2,
            simple=True,
        ),
        tmp_path,
    )
    assert single.status == "finished" and len(decode_gif(single.path).frames) == 2
    assert single.final_error == pytest.approx(single.training.errors[0][-1] * np.var(y))
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert (
        index.count("30 points · n_mid") == 4
    )  # two cards, each in its heading and its film's alt text
    assert (
        index.count("<dt>data</dt><dd>(x, y): 30 points, sha256 ") == 2
        and "0, 7, 14, 21" not in index
    )  # (not the numbers)


def test_the_notebook_call_takes_the_data(tmp_path):
    import regress_demo

    x, y = np.arange(12.0), np.arange(12.0) ** 2
    result = regress_demo.animate(out=tmp_path, quiet=True, data=(x, y), epoch=10, frames=2)
    assert result.settings.data == OwnData(x, y)
    assert result.path.name.startswith("data-") and "% of var(y)" in f"{result.final_error:.2e}"
    assert (
        "data=&lt;12 points&gt;" in result._repr_html_()
    )  # the notebook's caption names the data, shortly


BAD_FILES = [
    # (file name, its content (None: none), extra options,
    #  the message after "regress-demo: error: ")
    ("missing.csv", None, [], "--data missing.csv: no such file"),
    ("", None, [], "--data '': no such file"),
    ("empty.csv", "", [], "--data empty.csv: is empty"),
    (
        "comments.csv",
        "# nothing\n\n# here\n",
        [],
        "--data comments.csv: has no data, only comments",
    ),
    ("header.csv", "year,value\n", [], "--data header.csv: has a header but no data"),
    ("one.csv", "1\n2\n3\n4\n5\n", [], "--data one.csv: has one column: two are needed, x and y"),
    (
        "abc.csv",
        "x,y\n1,2\n2,3\n# c\n3,4\n4,5\n5,abc\n",
        [],
        "--data abc.csv, line 7: 'abc' is not a number",
    ),
    (
        "comma.csv",
        'x,y\n1,"1,5"\n2,"2,5"\n3,1\n4,0\n',
        [],
        "--data comma.csv, line 2: '1,5' is not a number (a decimal comma is read with ; or tabs "
        "between the fields; here write 1.5)",
    ),
    (
        "mixed.csv",
        "x;y\n1;1,5\n2;2.5\n3;1\n4;0\n",
        [],
        "--data mixed.csv, line 3: '2.5' has a decimal point, but line 2 has a decimal comma "
        "('1,5'): one mark for the whole column",
    ),
    (
        "grouped.csv",
        "x;y\n1;1.234,5\n2;2,5\n3;1\n4;0\n",
        [],
        "--data grouped.csv, line 2: '1.234,5' is not a number (no thousands separators: 1234,5)",
    ),
    (
        "dates.csv",
        "month,sales\n2019-01,4\n2019-02,5\n2019-13x,6\n2019-04,5\n",
        [],
        "--data dates.csv, line 4: '2019-13x' is not a date like the column's first: dates are "
        "read as ISO 8601 (2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "baddate.csv",
        "day,sales\n2019-01-30,4\n2019-01-31,5\n2019-02-30,6\n2019-03-01,5\n",
        [],
        "--data baddate.csv, line 4: '2019-02-30' is not a date like the column's first: dates "
        "are read as ISO 8601 (2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "badslash.csv",
        "day,sales\n2019/1/30,4\n2019/1/31,5\n2019/2/30,6\n2019/3/1,5\n",
        [],
        "--data badslash.csv, line 4: '2019/2/30' is not a date like the column's first: dates "
        "are read as ISO 8601 (2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "us.csv",  # month/day/year: no header, the first line is refused as data
        "1/31/2023,5\n2/28/2023,6\n3/31/2023,7\n4/30/2023,3\n",
        [],
        "--data us.csv, line 1: '1/31/2023' looks like a date: dates are read as ISO 8601 "
        "(2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "de.csv",
        "Datum;Wert\n31.01.2023;5\n28.02.2023;6\n31.03.2023;7\n30.04.2023;3\n",
        [],
        "--data de.csv, line 2: '31.01.2023' looks like a date: dates are read as ISO 8601 "
        "(2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "ja.csv",
        "月,売上\n2023年1月,5\n2023年2月,6\n2023年3月,7\n2023年4月,3\n",
        [],
        "--data ja.csv, line 2: '2023年1月' looks like a date: dates are read as ISO 8601 "
        "(2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "total.csv",
        "日付,売上\n2023-01-01,5\n2023-01-02,6\n2023-01-03,7\n2023-01-04,3\n合計,21\n",
        [],
        "--data total.csv, line 6: '合計' is not a date like the column's first (a row of totals? "
        "only rows of data are read: delete it)",
    ),
    (
        "total.csv",
        "x,y\n1,5\n2,6\n3,7\n4,3\nTotal,21\n",
        [],
        "--data total.csv, line 6: 'Total' is not a number (a row of totals? only rows of data "
        "are read: delete it)",
    ),
    (
        "empty-total.csv",  # a row of totals whose label is empty, the last row
        "x,y\n1,5\n2,6\n3,7\n4,3\n,21\n",
        [],
        "--data empty-total.csv, line 6: has no value in column 1 (a row of totals? only rows of "
        "data are read: delete it)",
    ),
    (
        "empty-x.csv",  # an empty x before the last row: no totals hint
        "x,y\n1,5\n,6\n3,7\n4,3\n",
        [],
        "--data empty-x.csv, line 3: has no value in column 1",
    ),
    (
        "title.csv",  # a report's title above the header, as a Japanese Excel sheet has
        "売上報告書 2023年,\n日付,売上（円）\n2023-01-01,5\n2023-01-02,6\n2023-01-03,7\n",
        [],
        "--data title.csv, line 2: '日付,売上（円）' looks like a header: delete the title row(s) "
        "above it",
    ),
    (
        "weekday.csv",  # Excel's yyyy/m/d(aaa)
        "日付,売上\n2023/01/01(日),5\n2023/01/02(月),6\n2023/01/03(火),7\n2023/01/04(水),3\n",
        [],
        "--data weekday.csv, line 2: '2023/01/01(日)' looks like a date: dates are read as ISO "
        "8601 (2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "wareki.csv",
        "日付,売上\nR5/1/1,5\nR5/1/2,6\nR5/1/3,7\nR5/1/4,3\n",
        [],
        "--data wareki.csv, line 2: 'R5/1/1' looks like a date: dates are read as ISO 8601 "
        "(2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "reiwa.csv",
        "令和5年1月1日,5\n令和5年1月2日,6\n令和5年1月3日,7\n令和5年1月4日,3\n",
        [],
        "--data reiwa.csv, line 1: '令和5年1月1日' looks like a date: dates are read as ISO 8601 "
        "(2023-01-31, 2023-01, 2023-01-31T12:00) or 2023/01/31",
    ),
    (
        "cells.csv",
        "\ufeff,,\r\n,,\r\n",
        [],
        "--data cells.csv: has no data, only empty cells",
    ),
    (
        "thousands.csv",
        'x,y\n1,"12,345"\n2,3\n3,1\n4,0\n',
        [],
        "--data thousands.csv, line 2: '12,345' is not a number (no thousands separators: 12345; "
        "a decimal comma only with ; or tabs between fields)",
    ),
    (
        "underscore.csv",
        "1,2\n2,3\n3,4_0\n4,5\n",
        [],
        "--data underscore.csv, line 3: '4_0' is not a number",
    ),
    (
        "superscript.csv",
        "a,b\n1,2\n2,3\n3,5\n4,4\n",
        ["--data-columns", "\u00b3,2"],
        "--data superscript.csv: has no column '\u00b3' (the names a, b or numbers 1 to 2)",
    ),
    (
        "control.csv",
        "a,\x1b[2J\x1b[31mOK,c\n1,2,3\n2,3,1\n3,4,5\n4,5,2\n",
        [],
        "--data control.csv: has 3 columns (a, '\\x1b[2J\\x1b[31mOK', c): choose x and y with "
        "--data-columns A,B",
    ),
    (
        "control.csv",
        "\x1b]0;title\x07,b,c\n1,2,3\n2,3,1\n3,4,5\n4,5,2\n",
        ["--data-columns", "b,z"],
        "--data control.csv: has no column 'z' (the names '\\x1b]0;title\\x07', b, c or numbers "
        "1 to 3)",
    ),
    (
        "names.csv",
        ",".join(f"c{k}" for k in range(20000))
        + "\n"
        + "".join(f"{i}," + ",".join(["1"] * 19999) + "\n" for i in range(4)),
        [],
        "--data names.csv: has 20000 columns (c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 19990 "
        "more): choose x and y with --data-columns A,B",
    ),
    (
        "nan.csv",
        "1,2\n2,nan\n3,4\n4,5\n",
        [],
        "--data nan.csv, line 2: 'nan' is not a finite number",
    ),
    (
        "inf.csv",
        "1,2\n2,3\n-inf,4\n4,5\n",
        [],
        "--data inf.csv, line 3: '-inf' is not a finite number",
    ),
    ("short.csv", "1,2\n2,3\n3\n4,5\n", [], "--data short.csv, line 3: has no value in column 2"),
    ("three.csv", "1,2\n2,3\n3,4\n", [], "--data three.csv: has 3 points: at least 4 are needed"),
    (
        "samex.csv",
        "5,1\n5,2\n5,3\n5,4\n",
        [],
        "--data samex.csv: every x is 5: x must vary (nothing to rescale)",
    ),
    (
        "samey.csv",
        "1,7\n2,7\n3,7\n4,7\n",
        [],
        "--data samey.csv: every y is 7: nothing to fit (a flat line)",
    ),
    (
        "huge.csv",
        "".join(f"{i},{i % 7}\n" for i in range(MAX_POINTS + 1)),
        [],
        "--data huge.csv: has 100001 points: at most 100,000 (each epoch trains on every point, "
        "one at a time: take a sample with --n-points)",
    ),
    (
        "binary.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        [],
        "--data binary.csv: is not a text file (binary)",
    ),
    ("nul.csv", "1,2\n2,3\x00\n", [], "--data nul.csv: is not a text file (binary)"),
    ("folder.csv", "folder", [], "--data folder.csv: cannot be read: it is not a regular file"),
    ("fifo.csv", "fifo", [], "--data fifo.csv: cannot be read: it is not a regular file"),
    (
        "wide.csv",
        "a,b,c\n1,2,3\n2,3,1\n3,4,5\n4,5,2\n",
        [],
        "--data wide.csv: has 3 columns (a, b, c): choose x and y with --data-columns A,B",
    ),
    (
        "wide.csv",
        "a,b,c\n1,2,3\n2,3,1\n3,4,5\n4,5,2\n",
        ["--data-columns", "a,d"],
        "--data wide.csv: has no column 'd' (the names a, b, c or numbers 1 to 3)",
    ),
    (
        "ok.csv",
        "1,2\n2,3\n3,5\n4,4\n",
        ["--target", "gauss"],
        "--data must be left out when --target is given: the data are what the network learns, got "
        "'ok.csv'",
    ),
    (
        "ok.csv",
        "1,2\n2,3\n3,5\n4,4\n",
        ["--holdout", "1,3"],
        "--holdout must be narrow enough to leave 2 points for training, got '1,3'",
    ),
    (
        "ok.csv",
        "1,2\n2,3\n3,5\n4,4\n",
        ["--holdout", "5,9"],
        "--holdout must be a range that holds a point (x runs from 1 to 4), got '5,9'",
    ),
    (
        "ok.csv",
        "1,2\n2,3\n3,5\n4,4\n",
        ["--n-points", "10"],
        "--n-points must be <= 4 (the data have 4 points: 63, the default, takes them all), got 10",
    ),
    (
        "ok.csv",
        "1,2\n2,3\n3,5\n4,4\n",
        ["--batch-size", "5"],
        "--batch-size must be <= 4 (the number of training samples), got 5",
    ),
]


def test_an_error_says_its_share_of_the_variance():
    from regress_demo.film.units import ErrorValue

    shares = [f"{ErrorValue(error, 4.0):.2e}" for error in (0.002, 0.1, 3.04, 7.2, 4e6)]
    # with the RMSE, √(2 E), in y's units (its column's name ends with them in brackets)
    assert shares == [
        "2.00e-03 (0.05 % of var(y)), RMSE 0.0632",
        "1.00e-01 (2.5 % of var(y)), RMSE 0.447",
        "3.04e+00 (76 % of var(y)), RMSE 2.47",
        "7.20e+00 (180 % of var(y)), RMSE 3.79",
        "4.00e+06 (1e+08 % of var(y)), RMSE 2.83e+03",
    ]
    assert f"{ErrorValue(364.5, 2.5e4, unit='kWh'):.2e}" == (
        "3.64e+02 (1.5 % of var(y)), RMSE 27 kWh"
    )
    assert (
        f"{ErrorValue(0.1, 4.0):.1e}" == "1.0e-01 (2.5 %)"
        and f"{ErrorValue(float('inf'), 4.0):.2e}" == "inf"
    )
    assert json.dumps(ErrorValue(0.1, 4.0)) == "0.1"  # a plain number in the record


@pytest.mark.parametrize(
    "name, content, options, message",
    BAD_FILES,
    ids=[f"{case[0]}{'-' + case[2][0] if case[2] else ''}" for case in BAD_FILES],
)
def test_a_bad_file_gets_one_line_and_exit_2(
    tmp_path, monkeypatch, name, content, options, message
):
    monkeypatch.chdir(tmp_path)
    if content == "folder":
        os.mkdir(name)
    elif content == "fifo":
        os.mkfifo(name)
    elif isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    elif content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    before = sorted(os.listdir(tmp_path))
    code, out, err = run_main(["--data", name, *options, "--epoch", "5"])
    assert (code, out, err) == (2, "", f"regress-demo: error: {message}\n")
    assert sorted(os.listdir(tmp_path)) == before  # nothing written, not even outputs/


def test_data_columns_alone_and_with_replay_are_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--data-columns", "1,2"]) == (
        2,
        "",
        "regress-demo: error: --data-columns must be given with --data, got '1,2'\n",
    )
    (tmp_path / "ok.csv").write_text("1,2\n2,3\n3,5\n4,4\n", encoding="utf-8")
    code, _, err = run_main(["--replay", "x.json", "--data", "ok.csv"])
    assert code == 2 and err.startswith(
        "regress-demo: error: --replay must be used without other settings"
    )
    assert os.listdir(tmp_path) == ["ok.csv"]


@pytest.mark.parametrize(
    "value, message",
    [
        (
            ([1, 2, 3], [1, 2]),
            "data must be two flat array-likes (x, y) of one length, got 'shapes (3,) and (2,)'",
        ),
        (
            ([1, 2, 3, 4], [1, 2, "a", 4]),
            "data must be a CSV file's name or two array-likes (x, y) of numbers, got "
            "\"([1, 2, 3, 4], [1, 2, 'a', 4])\"",
        ),
        (
            (np.arange(4.0), np.array([1, np.nan, 2, 3])),
            "data (x, y): y is nan at point 2: every value must be finite",
        ),
        ((np.arange(3.0), np.arange(3.0)), "data (x, y): has 3 points: at least 4 are needed"),
        (
            (np.ones(5), np.arange(5.0)),
            "data (x, y): every x is 1: x must vary (nothing to rescale)",
        ),
        (5, "data must be a CSV file's name or two array-likes (x, y) of numbers, got '5'"),
    ],
)
def test_bad_arrays_get_one_message(value, message):
    with pytest.raises(SettingError) as caught:
        Settings(data=value)
    assert str(caught.value) == message


def test_a_run_without_data_does_not_load_its_modules():
    import subprocess
    import sys

    code = (
        "import sys; from regress_demo.app import cli; s = cli.parse_settings(cli.build_parser()"
        ".parse_args([])); s.dataset(); s.as_dict(); s.file_stem(); from regress_demo.film "
        "import captions; captions.settings_lines(s); "
        "print(sorted(m for m in sys.modules if m.endswith(('.owndata', '.units'))))"
    )
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": root},
        check=True,
    )
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    "content, options, labels",
    [
        (
            "city,1990,2000\n1,2,3\n2,3,1\n3,4,5\n4,5,2\n",
            ["--data-columns", "1990,2000"],
            ("1990", "2000"),
        ),
        ("x,inf\n1,2\n2,3\n3,5\n4,4\n", [], ("x", "inf")),
        ("nan,NaN\n1,2\n2,3\n3,5\n4,4\n", [], ("nan", "NaN")),
    ],
    ids=["years-as-names", "a-column-named-inf", "columns-named-nan"],
)
def test_a_first_row_with_any_cell_not_a_finite_number_is_a_header(
    tmp_path, monkeypatch, content, options, labels
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "named.csv").write_text(content, encoding="utf-8")
    code, _, err = run_main(["--data", "named.csv", *options, "--epoch", "3", "--simple", "-q"])
    assert (code, err) == (0, "")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    data = record["settings"]["data"]
    assert (data["x_label"], data["y_label"]) == labels and data["points"] == 4


def test_a_replay_from_another_folder_finds_the_file_the_run_read(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "in.csv").write_text("1,2\n2,3\n3,5\n4,4\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    options = ["--epoch", "3", "--simple", "-q"]
    assert run_main(["--data", "data/in.csv", *options, "--out", "run.gif"])[0] == 0
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    code, _, err = run_main(["--replay", "../run.json", "--out", "again.gif", "-q"])
    assert (code, err) == (0, "")  # the file is there, unchanged: nothing to say
    (tmp_path / "data" / "in.csv").write_text("1,2\n2,3\n3,5\n4,5\n", encoding="utf-8")
    code, _, err = run_main(["--replay", "../run.json", "--out", "third.gif", "-q"])
    assert code == 0 and err == (
        f"regress-demo: {tmp_path / 'data' / 'in.csv'} has changed since this run was recorded: "
        "the replay uses the data kept in its record\n"
    )


def test_a_replay_does_not_read_or_wait_for_a_fifo_the_record_names(tmp_path):
    import threading

    from regress_demo.inputs.replayed import replay_note

    os.mkfifo(tmp_path / "pipe")
    own = OwnData([1, 2, 3, 4], [2, 3, 5, 4], "pipe", str(tmp_path / "pipe"), "0" * 64)
    notes = []
    worker = threading.Thread(target=lambda: notes.append(replay_note(Settings(data=own))))
    worker.start()
    worker.join(5)
    assert not worker.is_alive()  # (a FIFO with no writer would block a plain open for ever)
    assert notes[0].endswith(
        "pipe has changed since this run was recorded: the replay uses the data kept in its record"
    )


@pytest.mark.parametrize("middle, spread", [(0.0, 3e7), (5e95, 1e95)], ids=["3e7", "1e96"])
def test_data_of_any_magnitude_are_drawn_with_whole_tick_labels(tmp_path, middle, spread):
    from regress_demo.film.frames import make_figure
    from regress_demo.film.units import in_data_units
    from regress_demo.network.train import Training

    x = np.arange(30.0)
    y = middle + spread * np.sin(x / 5)
    settings = Settings(data=(x, y), epoch=40, frames=2)
    training = Training(settings)
    frames = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    figure = make_figure(settings, training.dataset, [training.errors], frames, [[]])
    figure.draw(frames[-1])
    fit, marks = figure.fit_line.get_ydata(), figure.output_marks.get_ydata()
    assert np.isfinite(fit).all() and np.isfinite(marks).all()  # nothing cut at 1e6
    assert np.nanmax(fit) > middle + 0.5 * spread  # the fit reaches the data's peak
    for line in figure.neuron_lines:
        assert np.isfinite(line.get_ydata()).all()
    labels = [label.get_text() for label in figure.ax.get_yticklabels() if label.get_text()]
    values = [float(text.replace("−", "-")) for text in labels]
    # each label is a whole value in the data's units (with no multiplier above the axis)
    assert min(values) < middle < max(values) and max(values) - min(values) >= spread
    assert figure.ax.yaxis.get_offset_text().get_text() == ""  # nothing above the axis


def test_names_in_a_script_no_font_has_are_drawn_as_boxes_without_warnings(tmp_path, monkeypatch):
    import warnings

    from regress_demo.film.units import drawn

    monkeypatch.chdir(tmp_path)
    (tmp_path / "hindi.csv").write_text("वर्ष,मूल्य\n1,2\n2,3\n3,5\n4,4\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = run_main(["--data", "hindi.csv", "--epoch", "3", "--still", "last", "-q"])
    assert (code, err) == (0, "")
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    assert drawn("वर्ष $1") == "□□□□ \\$1"  # (as matplotlib would draw them: boxes)


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


LONG_X = "the day of the year counted from the first of january at the old weather station"


def series_csv(path, header, points=30):
    rows = "".join(f"{9 * i},{10 + 3 * math.sin(i / 5):.3f}\n" for i in range(points))
    return write(path, header + "\n" + rows)


def texts_over_texts_or_off(figure, width, height, smallest_px):
    """What a frame's headers, titles and axis labels show wrongly: a text smaller than smallest_px,
    off the frame, or over another (tick labels and legends: the layout tests measure them)."""
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
    # the fit's own x axis and the neurons' say the x column, cut short;
    # y is the y column, drawn as it is
    label = LONG_X[:59] + "…"
    assert (
        figure.ax.get_xlabel().replace("\n", " ")
        == label
        == figure.ax_neurons.get_xlabel().replace("\n", " ")
    )
    assert figure.ax.get_ylabel() == r"cost \$x_2\$ in \$"
    assert (
        # (a formula longer than its panel is kept whole, its font smaller: 14 pt at least)
        figure.ax_neurons.yaxis.label.get_fontsize() >= 14
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
        "Epoch: 0/2 Error: 5.70502 (57 % of var(y)), RMSE 3.38",
        "Epoch: 1/2 Error: 5.35624 (54 % of var(y)), RMSE 3.27",
    ]
    assert out.isascii()


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
        kept=None,
        foreign_index=None,
    )
    out, err = io.StringIO(), io.StringIO()
    assert report(settings, result, 130, out, err) == 130
    saved = tmp_path / "run.gif"
    assert out.getvalue() == ""
    assert err.getvalue() == (
        f"regress-demo: interrupted after 558 of 3000 epochs; saved {saved} "
        "(2 frames, up to epoch 303, error 4.870e-03 (0.049 % of var(y)), RMSE 0.0987)\n"
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


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "sjis.csv",  # Shift_JIS cut in the middle of a character: not cp932 either
            "日付,気温\n1,2\n2,3\n3,1\n4,5\n".encode("cp932")[:-1] + b"\x82",
            "--data sjis.csv: is neither UTF-8 nor Shift_JIS (cp932) text: save it as UTF-8 "
            '(a spreadsheet\'s "CSV UTF-8")',
        ),
        (
            "utf16.csv",
            "x,y\n1,2\n2,3\n3,1\n4,5\n".encode("utf-16"),
            "--data utf16.csv: is neither UTF-8 nor Shift_JIS (cp932) text: save it as UTF-8 "
            '(a spreadsheet\'s "CSV UTF-8")',
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


def test_from_python_holdout_takes_the_command_line_s_text_too_with_own_data():
    assert Settings(holdout="0.6,1").holdout == (0.6, 1.0)
    assert Settings(data=daylight(), holdout="200,365").holdout == (200.0, 365.0)
    with pytest.raises(SettingError, match=r"holdout must be two numbers a,b, or two dates a:b"):
        Settings(data=daylight(), holdout="a,b")


# Files as people have them: dates, a European spreadsheet's export, a Japanese Excel's CSV


def drawn_frame(settings):
    """The last frame of a short run on `settings`, drawn: the figure, and its training."""
    from regress_demo.film.units import errors_in_units, in_data_units

    training = Training(settings)
    frames = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    histories = [errors_in_units(settings, training.errors)]
    figure = make_figure(settings, training.dataset, histories, frames, [training.heldout_errors])
    figure.draw(frames[-1])
    figure.figure.canvas.draw()
    return figure, training


def tick_texts(axis) -> list:
    return [label.get_text() for label in axis.get_ticklabels() if label.get_text()]


def monthly_csv(path, separator=",", day=False):
    months = [f"{2019 + k // 12}-{k % 12 + 1:02d}" + ("-15" if day else "") for k in range(48)]
    values = [4 + math.sin(2 * math.pi * k / 12) + 0.02 * k for k in range(48)]
    lines = ["month" + separator + "sales"] + [
        f"{m}{separator}{v:.3f}" for m, v in zip(months, values)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return months, np.array([float(f"{v:.3f}") for v in values])


@pytest.mark.parametrize("day", [False, True], ids=["monthly", "daily"])
def test_iso_dates_as_x_train_and_are_shown_as_dates(tmp_path, monkeypatch, day):
    monkeypatch.chdir(tmp_path)
    months, values = monthly_csv(tmp_path / "sales.csv", day=day)
    code, out, err = run_main(["--data", "sales.csv", "--epoch", "40", "--frames", "2", "-q"])
    assert (code, err) == (0, "")
    own = read_file(tmp_path / "sales.csv")
    assert own.x_dates and own.x_written == tuple(months)
    first = np.datetime64(months[0] + ("" if day else "-01"), "D")
    assert own.x[0] == (first - np.datetime64("1970-01-01", "D")).astype(int)
    np.testing.assert_array_equal(own.y, values)
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    data = record["settings"]["data"]
    assert data["x_written"] == months and data["x"] == own.x.tolist()
    figure, _ = drawn_frame(Settings(data=own, epoch=20, frames=2))
    ticks = tick_texts(figure.ax_neurons.xaxis)
    assert "2020" in ticks and "2022" in ticks, ticks  # years, not day numbers like 18000
    assert figure.ax_neurons.get_xlabel() == "month"


def test_in_japanese_dates_are_numbers_and_the_bias_is_named_in_japanese(tmp_path):
    slash_csv(tmp_path / "weekly.csv")  # through 2023
    own = read_file(tmp_path / "weekly.csv")
    english, _ = drawn_frame(Settings(data=own, epoch=2, frames=2))
    japanese, _ = drawn_frame(Settings(data=own, epoch=2, frames=2, lang="ja"))
    legends = [
        [text.get_text() for text in figure.ax_neurons.get_legend().get_texts()][-1]
        for figure in (english, japanese)
    ]
    assert legends == ["mean + sd · b2", "平均 + 標準偏差 · b2"]
    # (no tick at the panel's edges, where half its label would stand outside: the year below)
    assert tick_texts(english.ax_neurons.xaxis) == ["Mar", "May", "Jul", "Sep", "Nov"]
    assert english.ax_neurons.xaxis.get_major_formatter().get_offset() == "2023"
    ticks = tick_texts(japanese.ax_neurons.xaxis)
    assert ticks == ["3月", "5月", "7月", "9月", "11月"]
    assert japanese.ax_neurons.xaxis.get_major_formatter().get_offset() == "2023年"
    # a few weeks: days, and the year and month above the axis
    days = Settings(
        data=(np.arange("2023-03-01", "2023-03-25", dtype="datetime64[D]"), np.sin(np.arange(24))),
        lang="ja",
        epoch=2,
        frames=2,
    )
    figure, _ = drawn_frame(days)
    assert "5日" in tick_texts(figure.ax_neurons.xaxis)
    assert figure.ax_neurons.xaxis.get_major_formatter().get_offset() == "2023年3月"


def test_datetime64_arrays_are_dates_too():
    x = np.arange("2020-01-01", "2020-03-01", dtype="datetime64[D]")
    y = np.sin(np.arange(len(x)) / 5)
    settings = Settings(data=(x, y), epoch=10, frames=2)
    assert settings.data.x_dates and settings.data.x_written[0] == "2020-01-01"
    assert settings.data.x[0] == 18262  # days since 1970-01-01
    figure, _ = drawn_frame(settings)
    assert any(text in ("Feb", "2020-Feb", "Jan") for text in tick_texts(figure.ax_neurons.xaxis))


def gas_csv(path):
    """A European spreadsheet's export: a byte-order mark, CRLF, ; between fields, decimal
    commas."""
    temperatures = np.round(np.linspace(-5, 25, 60), 2)
    gas = np.round(600 - 20 * temperatures + 0.3 * temperatures**2, 1)
    lines = ["\ufeffAußentemperatur (°C);Gasverbrauch (kWh)"]
    lines += [f"{t:.2f};{g:.1f}".replace(".", ",") for t, g in zip(temperatures, gas)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return temperatures, gas


def test_a_european_export_with_decimal_commas_is_read_in_its_units(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    temperatures, gas = gas_csv(tmp_path / "gas.csv")
    own = read_file(tmp_path / "gas.csv")
    np.testing.assert_array_equal(own.x, temperatures)
    np.testing.assert_array_equal(own.y, gas)
    assert (own.x_label, own.y_label) == ("Außentemperatur (°C)", "Gasverbrauch (kWh)")
    code, out, err = run_main(["--data", "gas.csv", "--epoch", "30", "--frames", "2", "-q"])
    assert (code, err) == (0, "")
    figure, _ = drawn_frame(Settings(data=own, epoch=20, frames=2))
    x_ticks = [float(t.replace("−", "-")) for t in tick_texts(figure.ax_neurons.xaxis)]
    y_ticks = [float(t.replace("−", "-")) for t in tick_texts(figure.ax.yaxis)]
    assert 0 in x_ticks and 20 in x_ticks and max(y_ticks) >= 600 and min(y_ticks) <= 300
    assert figure.ax.get_ylabel() == "Gasverbrauch (kWh)"


def test_a_tab_separated_file_with_decimal_commas_is_read_too(tmp_path):
    path = tmp_path / "tabs.csv"
    path.write_text("x\ty\n1\t0,5\n2\t-1,25\n3\t2\n4\t,5\n", encoding="utf-8")
    np.testing.assert_array_equal(read_file(path).y, [0.5, -1.25, 2, 0.5])


def test_a_japanese_excel_csv_in_shift_jis_is_read_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = ["日付,気温（℃）"] + [f"{k},{10 + 5 * math.sin(k / 5):.2f}" for k in range(40)]
    (tmp_path / "気温.csv").write_bytes("\r\n".join(rows).encode("cp932"))
    code, out, err = run_main(["--data", "気温.csv", "--epoch", "20", "--frames", "2", "-q"])
    assert code == 0
    assert err == "regress-demo: 気温.csv is not UTF-8: read as Shift_JIS (cp932)\n"
    own = read_file(tmp_path / "気温.csv")
    assert (own.x_label, own.y_label, own.encoding) == ("日付", "気温（℃）", "cp932")
    assert own.y[1] == pytest.approx(10 + 5 * math.sin(1 / 5), abs=0.005)


def test_a_windows_1252_file_is_not_taken_for_shift_jis(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ansi.csv").write_bytes("Maß;Wert\n1;2\n2;3\n3;1\n4;5\n".encode("cp1252"))
    code, out, err = run_main(["--data", "ansi.csv", "--epoch", "3", "-q"])
    assert code == 2 and one_error_line(err) == (
        "regress-demo: error: --data ansi.csv: is neither UTF-8 nor Shift_JIS (cp932) text: "
        'save it as UTF-8 (a spreadsheet\'s "CSV UTF-8")'
    )


def test_a_refused_shift_jis_file_says_it_was_read_as_such_in_its_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = ["日付,売上"] + [f"2023/01/{day:02d},{day % 4}" for day in range(1, 9)] + ["合計,12"]
    (tmp_path / "売上.csv").write_bytes("\r\n".join(rows).encode("cp932"))
    code, out, err = run_main(["--data", "売上.csv", "--epoch", "3", "-q"])
    assert (code, out) == (2, "") and one_error_line(err) == (
        "regress-demo: error: --data 売上.csv (read as Shift_JIS), line 10: '合計' is not a date "
        "like the column's first (a row of totals? only rows of data are read: delete it)"
    )


def slash_csv(path, stamp="{year}/{month}/{day}", header="日付,気温"):
    """A Japanese Excel's dates: 2023/1/5, one a week through a year, written by `stamp`."""
    days = np.arange("2023-01-01", "2024-01-01", 7, dtype="datetime64[D]")
    written = []
    for day in days.tolist():
        written.append(stamp.format(year=day.year, month=day.month, day=day.day))
    values = [10 + 8 * math.sin(2 * math.pi * k / len(days)) for k in range(len(days))]
    lines = [header] + [f"{cell},{value:.2f}" for cell, value in zip(written, values)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return days, written


@pytest.mark.parametrize(
    "stamp",
    ["{year}/{month:02d}/{day:02d}", "{year}/{month}/{day}", "{year}/{month:02d}/{day:02d} 12:00"],
    ids=["padded", "unpadded", "with-time"],
)
def test_slash_dates_are_read_as_the_iso_dates_they_name(tmp_path, monkeypatch, stamp):
    monkeypatch.chdir(tmp_path)
    days, written = slash_csv(tmp_path / "slash.csv", stamp)
    slash_csv(tmp_path / "iso.csv", "{year}-{month:02d}-{day:02d}")
    own, iso = read_file(tmp_path / "slash.csv"), read_file(tmp_path / "iso.csv")
    noon = 0.5 if "12:00" in stamp else 0.0
    expected = (days - np.datetime64("1970-01-01", "D")).astype(float) + noon
    np.testing.assert_array_equal(own.x, expected)
    assert own.x_dates and own.x_written == tuple(written)  # kept as written
    code, out, err = run_main(["--data", "slash.csv", "--epoch", "20", "--frames", "2", "-q"])
    assert (code, err) == (0, "")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    assert record["settings"]["data"]["x_written"] == written
    # the date axis as for ISO dates, and --holdout takes either form as the same range
    ticks = [
        tick_texts(drawn_frame(Settings(data=d, epoch=2, frames=2))[0].ax_neurons.xaxis)
        for d in (own, iso)
    ]
    assert ticks[0] == ticks[1] and "Mar" in ticks[0]
    held = Settings(data=own, holdout="2023/6/1:2023/08/31 12:00").holdout
    assert held == ("2023-06-01", "2023-08-31T12:00")


def test_an_excel_file_s_empty_columns_and_rows_are_left_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rows = ["date,value,,"] + [f"2023-01-{day:02d},{day % 5},," for day in range(1, 11)]
    content = "\ufeff" + "\r\n".join(rows + [",,,", ",,,"]) + "\r\n"
    (tmp_path / "excel.csv").write_bytes(content.encode("utf-8"))
    own = read_file(tmp_path / "excel.csv")
    assert (own.x_label, own.y_label, len(own)) == ("date", "value", 10)
    assert own.x_written[-1] == "2023-01-10"
    np.testing.assert_array_equal(own.y, [day % 5 for day in range(1, 11)])
    assert read_file(tmp_path / "excel.csv", "date,value") == own
    code, out, err = run_main(
        ["--data", "excel.csv", "--data-columns", "date,value", "--epoch", "3", "-q"]
    )
    assert (code, err) == (0, "")
    # an empty column in the middle, an empty row between: left out as blank lines are
    write(tmp_path / "gap.csv", "x,,y\n1,,2\n,,\n2,,3\n3,,1\n4,,5\n")
    gap = read_file(tmp_path / "gap.csv")
    assert (gap.x.tolist(), gap.y.tolist(), gap.y_label) == ([1, 2, 3, 4], [2, 3, 1, 5], "y")
    # an empty cell in a row of data is still refused, naming its line
    write(tmp_path / "hole.csv", "x,y,\n1,2,\n2,,\n3,1,\n4,5,\n")
    code, out, err = run_main(["--data", "hole.csv", "--epoch", "3", "-q"])
    assert (
        one_error_line(err)
        == "regress-demo: error: --data hole.csv, line 3: has no value in column 2"
    )


def test_the_error_is_also_an_rmse_in_y_s_units_in_the_line_the_title_and_the_record(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    gas_csv(tmp_path / "gas.csv")
    code, out, err = run_main(["--data", "gas.csv", "--epoch", "60", "--frames", "2", "-q"])
    assert (code, err) == (0, "")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    run = record["runs"][0]
    assert run["unit"] == "kWh"
    assert run["final_rmse"] == pytest.approx(math.sqrt(2 * run["final_error"]), rel=1e-12)
    printed = float(out.split("RMSE ")[-1].split(" kWh)")[0])
    assert printed == pytest.approx(run["final_rmse"], rel=5e-3)
    figure, _ = drawn_frame(Settings(data=read_file(tmp_path / "gas.csv"), epoch=20, frames=2))
    assert "kWh" in figure.title.get_text() and "RMSE" in figure.title.get_text()
    assert figure.ax_loss.get_ylabel() == "error (kWh²)"


@pytest.mark.parametrize(
    "name, unit",
    [
        ("売上（円）", "円"),
        ("売上［千円］", "千円"),
        ("平均気温(℃)", "℃"),
        ("depth [m]", "m"),
        ("売上", ""),
    ],
)
def test_the_unit_is_read_from_half_and_full_width_brackets(tmp_path, monkeypatch, name, unit):
    monkeypatch.chdir(tmp_path)
    rows = [f"月,{name}"] + [f"{k},{100 + 30 * math.sin(k / 3):.1f}" for k in range(24)]
    write(tmp_path / "sales.csv", "\n".join(rows) + "\n")
    code, out, err = run_main(["--data", "sales.csv", "--epoch", "20", "--frames", "2", "-q"])
    assert (code, err) == (0, "")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    assert record["runs"][0]["unit"] == unit
    rmse = f"{record['runs'][0]['final_rmse']:.3g}"
    assert out.splitlines()[0].endswith(f"RMSE {rmse}{' ' + unit if unit else ''})")


def test_a_poor_fit_prints_what_to_try_and_the_card_shows_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monthly_csv(tmp_path / "sales.csv")
    code, out, err = run_main(["--data", "sales.csv", "--epoch", "30", "--frames", "2"])
    assert (code, err) == (0, "")
    hint = out.splitlines()[-1]
    assert hint.startswith("Hint: the fit leaves ") and hint.endswith(
        "of var(y): try more neurons and wider initial weights, "
        "e.g. --n-mid 20 --wb-width 10 --epoch 5000"
    )
    # quiet, the one line of the files and the final error: the hint is in the record, on the card
    code, quiet, err = run_main(["--data", "sales.csv", "--epoch", "30", "--frames", "2", "-q"])
    assert (code, err) == (0, "") and quiet == out.splitlines()[-2] + "\n"
    assert quiet.startswith("Saved outputs/data-sales-")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    assert record["runs"][0]["final_share_of_variance"] > 0.2
    page = (tmp_path / "outputs" / "index.html").read_text(encoding="utf-8")
    assert f'<p class="hint">{hint.removeprefix("Hint: ")}</p>' in page
    # the card shows the data, not the sine's settings the run did not use
    assert "<dt>target</dt>" not in page and "<dt>n_points</dt>" not in page
    assert "sales.csv: 48 points" in page
    # a good fit prints no hint
    gas_csv(tmp_path / "gas.csv")
    code, out, err = run_main(["--data", "gas.csv", "--epoch", "60", "--frames", "2"])
    assert code == 0 and "Hint" not in out


def test_a_japanese_run_s_card_gives_the_hint_in_japanese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monthly_csv(tmp_path / "sales.csv")
    args = ["--data", "sales.csv", "--epoch", "30", "--frames", "2", "--lang", "ja"]
    code, out, err = run_main(args)
    assert (code, err) == (0, "") and out.splitlines()[-1].startswith("Hint: the fit leaves ")
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    hint = record["runs"][0]["hint"]
    assert hint.startswith("当てはまりが var(y) の ") and hint.endswith(
        "を残しています: ニューロンを増やし、初期の重みを広げてみてください "
        "(例: --n-mid 20 --wb-width 10 --epoch 5000)"
    )
    page = (tmp_path / "outputs" / "index.html").read_text(encoding="utf-8")
    assert f'<p class="hint">{hint}</p>' in page and "try more" not in page


@pytest.mark.parametrize(
    "points, options, suggested",
    [
        (5000, [], "e.g. --n-mid 20 --wb-width 10 --epoch 500"),
        (
            100_000,
            ["--epoch", "300"],
            "on a sample of the points to keep the run short, "
            "e.g. --n-mid 20 --wb-width 10 --n-points 20000 --epoch 100",
        ),
    ],
)
def test_the_hint_suggests_a_run_that_is_accepted_and_short(tmp_path, points, options, suggested):
    from regress_demo.app.cli import build_parser, parse_settings
    from regress_demo.film.units import HINT_SECONDS, poor_fit_hint, training_count
    from regress_demo.inputs.budget import estimated_seconds

    x = np.arange(points)
    rows = "".join(f"{k},{math.sin(k / points * 40):.4f}\n" for k in x)
    path = write(tmp_path / "many.csv", "x,y\n" + rows)
    settings = parse_settings(build_parser().parse_args(["--data", path, *options]))
    hint = poor_fit_hint(settings, 0.5 * settings.data.y.var())
    assert hint.startswith("the fit leaves 50 % of var(y): try more neurons") and hint.endswith(
        suggested
    )
    # the options as typed after the run's own: accepted by every check, short by the estimate
    typed = hint.split("e.g. ")[1].split()
    again = parse_settings(build_parser().parse_args(["--data", path, *options, *typed]))
    seconds = estimated_seconds(again, training_count(again))
    assert 20 <= seconds <= HINT_SECONDS <= 180


def test_predict_of_a_run_and_of_its_loaded_record_is_what_the_last_frame_draws(tmp_path):
    import regress_demo
    from regress_demo import make_gif

    months, _ = monthly_csv(tmp_path / "sales.csv", day=True)
    settings = Settings(data=read_file(tmp_path / "sales.csv"), epoch=40, frames=2)
    result = make_gif(settings, tmp_path / "sales.gif")
    own, last = settings.data, result.last_frame[0]
    drawn = last.fit(own.x)  # the last frame's fit, in the data's units (film/units.py)
    np.testing.assert_allclose(result.predict(own.x), drawn, rtol=1e-12)
    model = regress_demo.load(tmp_path / "sales.json")
    np.testing.assert_allclose(model.predict(own.x), drawn, rtol=1e-12)
    # dates as the file writes them, or as datetime64, give the same
    np.testing.assert_allclose(model.predict(list(months)), drawn, rtol=1e-12)
    as_dates = np.array(months, dtype="datetime64[D]")
    np.testing.assert_allclose(result.predict(as_dates), drawn, rtol=1e-12)
    with np.load(tmp_path / "sales.npz") as arrays:
        scale = arrays["scale"]
        assert bool(arrays["x_dates"]) and scale[2] == pytest.approx(own.y.mean())


def test_load_refuses_what_is_not_a_record(tmp_path):
    import regress_demo

    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SettingError, match="a run record written by regress-demo"):
        regress_demo.load(tmp_path / "x.json")


def bode_csv(path, points=3000):
    """A noisy measurement over six decades of x: a low-pass filter's gain, 1 mHz to 1 kHz."""
    rng = np.random.default_rng(0)
    f = np.geomspace(1e-3, 1e3, points)
    gain = 100 / np.sqrt(1 + (f / 10) ** 2) * np.exp(0.03 * rng.standard_normal(points))
    rows = "".join(f"{a:.6g},{b:.6g}\n" for a, b in zip(f, gain))
    path.write_text("frequency (Hz),gain (mV)\n" + rows, encoding="utf-8")
    return f, gain


def test_log_x_and_log_y_train_on_decades_and_show_log_axes_in_the_data_s_units(
    tmp_path, monkeypatch
):
    import regress_demo

    monkeypatch.chdir(tmp_path)
    bode_csv(tmp_path / "bode.csv", points=400)
    options = ["--data", "bode.csv", "--log-x", "--log-y", "--epoch", "80", "--frames", "2"]
    code, out, err = run_main([*options, "-q"])
    assert (code, err) == (0, "")
    assert "RMSE" in out and "in log10 y)" in out
    record_path = next(tmp_path.glob("outputs/*logx_logy.json"))
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert (
        record["settings"]["log_x"] is True and record["runs"][0]["final_share_of_variance"] < 0.2
    )
    settings = Settings(data=read_file(tmp_path / "bode.csv"), log_x=True, log_y=True, epoch=40)
    figure, training = drawn_frame(settings)
    assert figure.ax.get_xscale() == "log" and figure.ax.get_yscale() == "log"
    ticks = tick_texts(figure.ax_neurons.xaxis)
    assert "$\\mathdefault{10^{-3}}$" in ticks and "$\\mathdefault{10^{3}}$" in ticks, ticks
    header = " ".join(text.get_text() for text in figure.figure.texts)
    assert "trained on u = log10 x rescaled to [−1, 1], v = log10 y standardised" in header
    # predict turns the decades back: what the record's network gives at 1 Hz is a gain in mV
    model = regress_demo.load(record_path)
    assert 50 < float(model.predict([1.0])[0]) < 200


def test_log_x_with_a_zero_or_without_data_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "zero.csv").write_text("x,y\n0,1\n1,2\n2,3\n3,5\n", encoding="utf-8")
    code, out, err = run_main(["--data", "zero.csv", "--log-x", "--epoch", "3"])
    assert (code, out) == (2, "") and one_error_line(err) == (
        "regress-demo: error: --data zero.csv: x is 0 at point 1: --log-x needs every x > 0"
    )
    code, out, err = run_main(["--log-y", "--epoch", "3"])
    assert (code, out) == (2, "") and one_error_line(err) == (
        "regress-demo: error: --log-y must be given with --data (a file's numbers over decades), "
        "got True"
    )
    assert os.listdir(tmp_path) == ["zero.csv"]


def test_thousands_of_points_train_with_the_checked_loop_and_mark_one_point_in_ten(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    f, _ = bode_csv(tmp_path / "bode.csv")
    options = ["--data", "bode.csv", "--log-x", "--log-y", "--frames", "2"]
    # 3000 points, 100 epochs: about 12 s with the layer classes, so auto takes the loop
    code, out, err = run_main([*options, "--epoch", "100"])
    assert (code, err) == (0, "")
    assert (
        "Training with the plain-float loop, checked against layers.py (the layer classes of "
        "layers.py would take about 12 seconds)" in out.splitlines()
    )
    record = json.loads(next(tmp_path.glob("outputs/*.json")).read_text(encoding="utf-8"))
    assert record["engine"].startswith("plain-float loop, checked against layers.py")
    # a short run stays with the layer classes
    code, out, err = run_main([*options, "--epoch", "5"])
    assert code == 0 and "Training with the layer classes of layers.py" in out.splitlines()
    settings = Settings(data=read_file(tmp_path / "bode.csv"), log_x=True, epoch=3, frames=2)
    figure, _ = drawn_frame(settings)
    marks = figure.output_marks.get_xdata()
    assert len(marks) == 300 and marks[1] == pytest.approx(f[10], rel=1e-5)
    artists = figure.blitter.artists
    assert artists.index(figure.fit_line) > artists.index(figure.output_marks)  # the fit on top
    header = " ".join(text.get_text() for text in figure.figure.texts)
    assert "bode.csv, 3000 points" in header and "+ for 1 point in 10" in header


def test_a_long_run_says_its_estimate_first(tmp_path):
    from regress_demo.app.console import Progress

    bode_csv(tmp_path / "bode.csv")
    data = read_file(tmp_path / "bode.csv")
    for epoch, engine, said in [
        (2001, "layers", "Training takes about 4 minutes (estimated)\n"),
        (200, "layers", ""),
    ]:
        settings = Settings(data=data, epoch=epoch, engine=engine)
        out = io.StringIO()
        Progress(settings, False, out, io.StringIO()).start("layer classes of layers.py", None)
        assert out.getvalue() == said + "Training with the layer classes of layers.py\n"


def test_the_neuron_panel_holds_every_line_it_draws_however_far_from_the_data(tmp_path):
    import dataclasses

    from regress_demo.film.units import errors_in_units, in_data_units

    settings = Settings(data=read_file(write_years(tmp_path / "years.csv")), epoch=5, frames=2)
    training = Training(settings)
    snapshots = list(training.snapshots())
    (w1, b1), (w2, b2) = snapshots[-1].layers
    # two neurons of about ±25 sd that nearly cancel, as a long run on noisy data may leave them
    w1 = np.array([[3.0, 3.0, 1.0]])
    far = dataclasses.replace(
        snapshots[-1], layers=[(w1, b1), (np.array([[25.0], [-25.0], [0.5]]), b2)]
    )
    frames = [in_data_units(settings, [s]) for s in [snapshots[0], far]]
    figure = make_figure(
        settings, training.dataset, [errors_in_units(settings, training.errors)], frames, [[]]
    )
    figure.draw(frames[-1])
    low, high = figure.ax_neurons.get_ylim()
    drawn_lines = [line for line in figure.ax_neurons.get_lines() if len(line.get_ydata()) > 2]
    values = np.concatenate([np.asarray(line.get_ydata(), dtype=float) for line in drawn_lines])
    sd = np.std(VALUES)
    assert values.max() > 20 * sd and values.min() < -20 * sd  # far beyond the old ±10 sd
    assert low <= values.min() and values.max() <= high


@pytest.mark.parametrize(
    "lang, style, title",
    [
        (
            "en",
            "screen",
            "each hidden neuron's share (with the bias, they sum to log10 of the red line)",
        ),
        ("en", "print", "each hidden neuron's share (with the bias, they sum to log10 of the fit)"),
        ("ja", "screen", "中間層の各ニューロンの寄与 (バイアスと合わせた和が赤い線の log10)"),
    ],
)
def test_with_log_y_the_neuron_panel_says_its_lines_sum_to_log10_of_the_fit(
    tmp_path, lang, style, title
):
    bode_csv(tmp_path / "bode.csv", points=60)
    own = read_file(tmp_path / "bode.csv")
    settings = Settings(data=own, log_y=True, epoch=20, frames=2, lang=lang, style=style)
    figure, _ = drawn_frame(settings)
    assert figure.neurons_title.get_text() == title
    assert figure.ax_neurons.get_ylabel() == "sd · w2_j · σ(w1_j u + b1_j)"  # sd of log10 y
    # and so they do: the neurons' lines and the bias, summed, are log10 of the fit drawn
    lines = [line for line in figure.ax_neurons.get_lines() if len(line.get_ydata()) > 2]
    summed = np.sum([np.asarray(line.get_ydata(), dtype=float) for line in lines], axis=0)
    np.testing.assert_allclose(summed, np.log10(figure.fit_line.get_ydata()), atol=1e-9)
    plain = Settings(data=own, epoch=20, frames=2, lang=lang, style=style)
    assert "log10" not in drawn_frame(plain)[0].neurons_title.get_text()


# The printed sheet and the handout draw their fit panels with the film's axes


def printed_pages(settings, chosen: int = 3):
    """The printed sheet and the handout (its first `chosen` recorded epochs) of a short run on
    `settings`, drawn: (sheet, handout)."""
    from regress_demo.film.handout import handout_page
    from regress_demo.film.sheet import print_sheet
    from regress_demo.film.units import errors_in_units, in_data_units

    training = Training(settings)
    tiles = [in_data_units(settings, [snapshot]) for snapshot in training.snapshots()]
    sheet = print_sheet(settings, training.dataset, tiles)
    errors = errors_in_units(settings, training.errors)
    epochs = {frame[0].epoch: frame for frame in tiles[:chosen]}
    handout = handout_page(settings, training.dataset, errors, epochs)
    for figure in (sheet, handout):
        FigureCanvasAgg(figure).draw()
    return sheet, handout


def test_the_printed_sheet_and_the_handout_show_dates_as_the_frames_do(tmp_path, monkeypatch):
    pypdf = pytest.importorskip("pypdf")
    monkeypatch.chdir(tmp_path)
    monthly_csv(tmp_path / "sales.csv", day=True)
    options = ["--data", "sales.csv", "--epoch", "21", "--frames", "3", "--sheet", "print"]
    code, out, err = run_main([*options, "--handout", "0,20", "--out", "sales.gif", "-q"])
    assert (code, err) == (0, "")
    for name in ("sales.pdf", "sales-handout.pdf"):
        text = pypdf.PdfReader(tmp_path / name).pages[0].extract_text()
        assert "2020" in text and "2022" in text, name  # years, not day numbers like 18000
        assert "18000" not in text and "19000" not in text, name
    settings = Settings(data=read_file(tmp_path / "sales.csv"), epoch=21, frames=3)
    frame, _ = drawn_frame(settings)
    sheet, handout = printed_pages(settings)
    handout = handout.axes[:-1]  # (its last panel is the error's)
    for ax in sheet.axes + handout:
        assert ax.get_xlim() == frame.ax.get_xlim()  # the film's range, in days since 1970
    assert {"2020", "2022"} <= set(tick_texts(sheet.axes[-1].xaxis))
    assert {"2020", "2022"} <= set(tick_texts(handout[-1].xaxis))


def test_the_printed_sheet_and_the_handout_of_log_x_and_log_y_have_the_frames_log_axes(tmp_path):
    bode_csv(tmp_path / "bode.csv", points=60)
    own = read_file(tmp_path / "bode.csv")
    settings = Settings(data=own, log_x=True, log_y=True, epoch=20, frames=3)
    frame, _ = drawn_frame(settings)
    sheet, handout = printed_pages(settings)
    for ax in sheet.axes + handout.axes[:-1]:  # (the handout's last panel is the error's)
        assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
        assert ax.get_xlim() == frame.ax.get_xlim() and ax.get_ylim() == frame.ax.get_ylim()
    ticks = tick_texts(sheet.axes[-1].xaxis)
    assert "$\\mathdefault{10^{-3}}$" in ticks and "$\\mathdefault{10^{3}}$" in ticks, ticks
    # the fit drawn evenly over the decades, as in the film (not 1 mHz to 17 Hz in one step)
    fit = next(line for line in sheet.axes[-1].get_lines() if line.get_label() == "network's fit")
    np.testing.assert_allclose(fit.get_xdata(), frame.fit_line.get_xdata())
    assert fit.get_xdata()[1] < 1.1e-3


# --holdout in x's own form: dates when x are dates, numbers in x's units otherwise


def test_holdout_on_dates_takes_dates_and_the_record_and_the_frame_show_them(tmp_path, monkeypatch):
    import datetime

    monkeypatch.chdir(tmp_path)
    months, _ = monthly_csv(tmp_path / "sales.csv", day=True)
    options = ["--data", "sales.csv", "--epoch", "21", "--frames", "2", "-q"]
    code, out, err = run_main([*options, "--holdout", "2021-01-01:2021-12-31"])
    assert (code, err) == (0, "")
    (record_path,) = tmp_path.glob("outputs/*.json")
    assert record_path.name.endswith("_holdout2021-01-01to2021-12-31.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert record["settings"]["holdout"] == ["2021-01-01", "2021-12-31"]
    assert record["runs"][0]["final_heldout_error"] > 0
    # the twelve months of 2021 held out, by their dates
    own = read_file(tmp_path / "sales.csv")
    settings = Settings(data=own, epoch=21, frames=2, holdout="2021-01-01:2021-12-31")
    figure, training = drawn_frame(settings)
    held = [month for month, train in zip(months, training.dataset.train) if not train]
    assert held == [f"2021-{m:02d}-15" for m in range(1, 13)]
    header = " ".join(text.get_text() for text in figure.figure.texts)
    assert "held out: x in [2021-01-01, 2021-12-31]" in header
    shade = figure.ax.patches[0].get_x()  # the shaded range on the date axis, from its first day
    assert shade == (np.datetime64("2021-01-01") - np.datetime64("1970-01-01")).astype(int)
    # a comma, and dates from Python, are the same range
    for holdout in ("2021-01-01,2021-12-31", (datetime.date(2021, 1, 1), "2021-12-31")):
        assert Settings(data=own, holdout=holdout).holdout == ("2021-01-01", "2021-12-31")
    gif = record_path.with_suffix(".gif")
    first = gif.read_bytes()
    code, out, err = run_main(["--replay", str(record_path), "-q"])
    assert (code, err) == (0, "") and gif.read_bytes() == first


def test_full_width_digits_and_a_spreadsheet_s_months_are_read(tmp_path):
    path = tmp_path / "売上.csv"
    path.write_text("月,売上\n2023/1,１０００\n2023/02,１２．５\n2023/3,－３\n2023/12,5\n")
    own = read_file(path)
    np.testing.assert_array_equal(own.y, [1000, 12.5, -3, 5])  # full-width: read as typed
    months = ["2023-01-01", "2023-02-01", "2023-03-01", "2023-12-01"]
    iso = [(np.datetime64(day) - np.datetime64("1970-01-01")).astype(float) for day in months]
    np.testing.assert_array_equal(own.x, iso)  # a month as its first day, as 2023-01 is
    assert own.x_written == ("2023/1", "2023/02", "2023/3", "2023/12")
    superscript = tmp_path / "sup.csv"  # (only full-width forms: a superscript is no digit)
    superscript.write_text("x,y\n1,2\n2,\u00b3\n3,5\n4,4\n")
    with pytest.raises(SettingError, match="line 3: '\u00b3' is not a number"):
        read_file(superscript)


@pytest.mark.parametrize("data", [True, False], ids=["own-data", "sine"])
def test_with_holdout_a_grid_s_best_is_the_least_held_out_error(tmp_path, monkeypatch, data):
    """Its line, its record and its card: the best network of a grid is the one that guesses the
    held-out range best, not the one that fits its training points best (the most overfitted)."""
    monkeypatch.chdir(tmp_path)
    options = ["--data", daylight(), "--holdout", "200,365"] if data else ["--holdout", "0.5,1"]
    grid = ["--n-mid", "2", "3", "5", "--eta", "0.1", "0.3", "--epoch", "60", "--frames", "2"]
    code, out, err = run_main([*options, *grid, "-q"])
    assert (code, err) == (0, "")
    (record_path,) = tmp_path.glob("outputs/*.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    runs = record["runs"]
    heldout = [run["final_heldout_error"] for run in runs]
    best = heldout.index(min(heldout))
    assert record["best"] == {"by": "final_heldout_error", "run": best}
    where = f"n_mid={runs[best]['n_mid']}, eta={runs[best]['eta']}"
    line = out.splitlines()[-1]
    assert f" best held-out error {heldout[best]:.3e}" in line
    assert line.endswith(f" at {where}, training error {runs[best]['final_error']:.3e})")
    page = (tmp_path / "outputs" / "index.html").read_text(encoding="utf-8")
    said = (
        f"best held-out error {heldout[best]:.2e} (training error {runs[best]['final_error']:.2e})"
    )
    assert said in page and "best final error" not in page


def test_a_date_as_the_upper_end_of_holdout_covers_its_whole_day_or_month(tmp_path, monkeypatch):
    from regress_demo.inputs.owndata import heldout_range
    from regress_demo.network.samples import held_out

    monkeypatch.chdir(tmp_path)
    days = np.arange("2023-01-01", "2024-01-01", dtype="datetime64[D]")
    rows = "".join(f"{day},{math.sin(k / 30):.4f}\n" for k, day in enumerate(days))
    (tmp_path / "daily.csv").write_text("date,value\n" + rows)
    own = read_file(tmp_path / "daily.csv")

    def held(holdout):
        settings = Settings(data=own, holdout=holdout)
        return days[held_out(own.x, heldout_range(settings))]

    summer = held("2023-06:2023-08")  # June to all of August
    assert (str(summer[0]), str(summer[-1]), len(summer)) == ("2023-06-01", "2023-08-31", 92)
    assert [str(day) for day in held("2023-01-02:2023-01-02")] == ["2023-01-02"]  # one day
    assert len(held("2023/06:2023/08")) == 92  # a spreadsheet's months
    # one form for a date: a midnight written is the date alone, in the name and the record
    typed = Settings(data=own, holdout="2023/06/01 00:00:2023/08/31")
    assert typed.holdout == ("2023-06-01", "2023-08-31")
    assert typed.file_stem() == Settings(data=own, holdout="2023-06-01:2023-08-31").file_stem()
    assert typed.file_stem().endswith("_holdout2023-06-01to2023-08-31")
    noon = Settings(data=own, holdout="2023-01-02:2023-01-03T12:00")  # a time: up to that moment
    assert len(days[held_out(own.x, heldout_range(noon))]) == 2
    code, out, err = run_main(
        ["--data", "daily.csv", "--holdout", "2023-01-02:2023-01-02", "--epoch", "3", "-q"]
    )
    assert (code, err) == (0, "")
    (record_path,) = tmp_path.glob("outputs/*.json")
    record = json.loads(record_path.read_text(encoding="utf-8"))
    assert record["settings"]["holdout"] == ["2023-01-02", "2023-01-02"]


@pytest.mark.parametrize(
    "data, options, message",
    [
        (
            "sales",
            ["--holdout", "18600,18900"],
            "--holdout must be two dates a:b, as x are dates (from 2019-01-15 to 2022-12-15), "
            "got '18600,18900'",
        ),
        (
            "sales",
            ["--holdout", "2021-02-30:2021-12-31"],
            "--holdout must be two dates that exist on the calendar, got '2021-02-30:2021-12-31'",
        ),
        (
            "sales",
            ["--holdout", "2030-01-01:2031-01-01"],
            "--holdout must be a range that holds a point (x runs from 2019-01-15 to 2022-12-15), "
            "got '2030-01-01:2031-01-01'",
        ),
        (
            "years",
            ["--holdout", "1980-01-01:1990-01-01"],
            "--holdout must be two numbers a,b, as x are numbers (from 1900 to 2000), "
            "got '1980-01-01:1990-01-01'",
        ),
        (
            None,
            ["--holdout", "2021-01-01:2021-12-31"],
            "--holdout must be two numbers a,b, as x are numbers (from -1 to 1), "
            "got '2021-01-01:2021-12-31'",
        ),
        (
            "bode",
            ["--log-x", "--holdout", "-5,0.01"],
            "--holdout must be a range of x > 0, as --log-x takes log10 x (x runs from 0.001 to "
            "1000), got '-5,0.01'",
        ),
    ],
    ids=["number-for-dates", "no-such-day", "beyond-the-dates", "date-for-numbers", "curve", "log"],
)
def test_a_holdout_not_in_x_s_own_form_is_one_line_and_exit_2(
    tmp_path, monkeypatch, data, options, message
):
    monkeypatch.chdir(tmp_path)
    if data is not None:
        write = {"sales": monthly_csv, "years": write_years, "bode": bode_csv}[data]
        write(tmp_path / f"{data}.csv", **({"day": True} if data == "sales" else {}))
        options = ["--data", f"{data}.csv", *options]
    before = sorted(os.listdir(tmp_path))
    code, out, err = run_main([*options, "--epoch", "3"])
    assert (code, out) == (2, "") and one_error_line(err) == f"regress-demo: error: {message}"
    assert sorted(os.listdir(tmp_path)) == before


def test_with_log_x_the_held_out_range_is_in_x_s_units_on_the_log_axis(tmp_path):
    f, _ = bode_csv(tmp_path / "bode.csv", points=60)
    own = read_file(tmp_path / "bode.csv")
    settings = Settings(data=own, log_x=True, holdout="1:10", epoch=4, frames=2)
    figure, training = drawn_frame(settings)
    inside = (own.x >= 1) & (own.x <= 10)
    np.testing.assert_array_equal(training.dataset.train, ~inside)  # 1 Hz to 10 Hz held out
    # the network's inputs: the same decade, log10 x rescaled
    low, high = training.dataset.holdout
    u = training.dataset.x
    assert u[inside].min() >= low and u[inside].max() <= high
    assert (u[~inside] < low).any() and (u[~inside] > high).any()
    # the frame shades 1 Hz to 10 Hz on its log axis
    shade = figure.ax.patches[0]
    assert figure.ax.get_xscale() == "log"
    assert (shade.get_x(), shade.get_x() + shade.get_width()) == pytest.approx((1.0, 10.0))


def test_control_characters_in_names_are_shown_as_escapes_everywhere(tmp_path, monkeypatch):
    """A file and a column named with a terminal's escape sequences and a line break: the saved
    line and the gallery show them as escapes (\\x1b), never raw, and the frames draw them without a
    warning of a missing glyph (as escapes too)."""
    import warnings

    monkeypatch.chdir(tmp_path)
    name = "a\x1b[31mb\nc.csv"
    (tmp_path / name).write_text("x,\x1b]0;title\x07y\n1,2\n2,3\n3,5\n4,4\n5,6\n")
    out = "o\x1b]0;pwned\x07ut/t.gif"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code, printed, err = run_main(["--data", name, "--epoch", "3", "-q", "--out", out])
    assert code == 0, err
    assert "\x1b" not in printed + err and "\x07" not in printed + err
    assert printed.startswith("Saved o\\x1b]0;pwned\\x07ut/t.gif (3 frames")
    page = (tmp_path / "o\x1b]0;pwned\x07ut" / "index.html").read_text()
    assert "\x1b" not in page and "a\\x1b[31mb\\nc.csv" in page


# Small panels side by side: date ticks that fit, titles that fit, colours apart


def sales_csv(path):
    """A Japanese Excel's export: 日付,売上（円）, a row every 5 days through 2023 (73 rows)."""
    days = np.arange("2023-01-01", "2024-01-01", 5, dtype="datetime64[D]")
    rows = [f"{str(day).replace('-', '/')},{1000 + 300 * math.sin(5 * k / 58):.0f}" for k, day in
            enumerate(days)]  # fmt: skip
    path.write_text("日付,売上（円）\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def tick_labels_apart_and_inside(figure) -> list:
    """What the tick labels of a drawn figure show wrongly: two over each other (a panel's or its
    neighbour's, or a year below the ticks), or one not wholly on the figure."""
    renderer = figure.canvas.get_renderer()
    labels = []
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                label = tick.label1
                if label.get_visible() and label.get_text() and low <= tick.get_loc() <= high:
                    labels.append(label)
            offset = axis.get_offset_text()
            if offset.get_visible() and offset.get_text():
                labels.append(offset)
    boxes = [(label.get_text(), label.get_window_extent(renderer)) for label in labels]
    wrong = [
        f"{text!r} off the figure"
        for text, box in boxes
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > figure.bbox.width + 0.5
        or box.y1 > figure.bbox.height + 0.5
    ]  # fmt: skip
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            if min(min(a.x1, b.x1) - max(a.x0, b.x0), min(a.y1, b.y1) - max(a.y0, b.y0)) > 0.5:
                wrong.append(f"{first!r} over {second!r}")
    return wrong


SALES_HELD_OUT = "2023-06-01:2023-08-31"


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_date_ticks_of_the_printed_sheet_and_the_handout_fit_their_small_panels(tmp_path, lang):
    own = read_file(sales_csv(tmp_path / "sales.csv"))
    settings = Settings(data=own, epoch=8, frames=8, lang=lang, holdout=SALES_HELD_OUT)
    sheet, handout = printed_pages(settings, chosen=4)
    for figure in (sheet, handout):
        assert tick_labels_apart_and_inside(figure) == []
    # dates still: at least two on each panel of the bottom row, the year below them
    bottom = sheet.axes[-1].xaxis
    assert len(tick_texts(bottom)) >= 2
    assert bottom.get_major_formatter().get_offset() == ("2023" if lang == "en" else "2023年")
    # the header's lines (Japanese: each character about twice a Latin one's width) on the page
    renderer = sheet.canvas.get_renderer()
    header = sheet.texts[0].get_window_extent(renderer)
    assert 0 <= header.x0 and header.x1 <= sheet.bbox.width - 0.1 * sheet.dpi


def drawn_grid(settings, still=False):
    """The last frame of a short grid run on your own data, drawn: (its figure, its training)."""
    from regress_demo.film.units import errors_in_units, in_data_units
    from regress_demo.network.train import TrainingGroup

    training = TrainingGroup(settings)
    frames = [in_data_units(settings, snapshots) for snapshots in training.snapshots()]
    histories = [errors_in_units(settings, errors) for errors in training.errors]
    figure = make_figure(
        settings, training.dataset, histories, frames, training.heldout_errors, still=still
    )
    figure.draw(frames[-1])
    figure.figure.canvas.draw()
    return figure, training


def test_a_grid_still_in_japanese_has_date_ticks_and_titles_that_fit_its_panels(tmp_path):
    own = read_file(sales_csv(tmp_path / "sales.csv"))
    settings = Settings(
        data=own, epoch=2, frames=2, n_mid=(1, 2, 3, 5, 10), eta=(0.05, 0.1, 0.3), lang="ja",
        still=("last",), dpi=150, holdout="2023/06/01:2023/08/31",
    )  # fmt: skip
    figure, _ = drawn_grid(settings, still=True)
    assert tick_labels_apart_and_inside(figure.figure) == []
    assert len(tick_texts(figure.figure.axes[-2].xaxis)) >= 2  # (the bottom row's last panel)
    # each panel's titles (its settings on the left, its error on the right) apart
    renderer = figure.figure.canvas.get_renderer()
    for ax in figure.figure.axes[:-1]:
        left, right = (
            title.get_window_extent(renderer) for title in (ax._left_title, ax._right_title)
        )
        overlap = min(
            min(left.x1, right.x1) - max(left.x0, right.x0),
            min(left.y1, right.y1) - max(left.y0, right.y0),
        )
        assert overlap <= 0.5, (ax._left_title.get_text(), ax._right_title.get_text())


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_sized_grid_on_dates_keeps_its_tick_labels_apart_and_on_the_frame(tmp_path, lang):
    own = read_file(sales_csv(tmp_path / "sales.csv"))
    settings = Settings(
        data=own, epoch=2, frames=2, n_mid=(2, 3, 5), eta=(0.1, 0.3), size=(1920, 1080),
        lang=lang, holdout=SALES_HELD_OUT,
    )  # fmt: skip
    figure, _ = drawn_grid(settings)
    assert tick_labels_apart_and_inside(figure.figure) == []
    assert len(tick_texts(figure.figure.axes[-2].xaxis)) >= 3  # (the bottom row's last panel)


def test_no_curve_of_a_grid_with_held_out_samples_has_their_colour(tmp_path):
    from matplotlib.colors import same_color

    from regress_demo.film.panels import HELDOUT_COLOUR

    own = read_file(sales_csv(tmp_path / "sales.csv"))
    columns = (1, 2, 3, 4, 5, 6, 7, 8)  # (its 4th column: the neurons' 4th colour is purple)
    settings = Settings(data=own, epoch=2, frames=2, n_mid=columns, holdout=SALES_HELD_OUT)
    figure, _ = drawn_grid(settings)
    curves = [fit for fit, _, _ in figure.panels] + figure.loss_lines + figure.heldout_lines
    assert len(curves) == 24
    assert not [curve for curve in curves if same_color(curve.get_color(), HELDOUT_COLOUR)]
    # but the held-out samples have it
    circles = [line for ax in figure.figure.axes[:-1] for line in ax.get_lines()
               if line.get_label() == "held-out samples"]  # fmt: skip
    assert len(circles) == 8 and all(same_color(c.get_color(), HELDOUT_COLOUR) for c in circles)
