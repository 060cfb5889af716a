"""Where a run's files go: names too long or broken, files that are not regress-demo's or are
read-only left alone, the files of an earlier run replaced."""

import json
import os
from pathlib import Path

import pytest
from helpers import one_error_line, run_main

from regress_demo.inputs.settings import Settings

FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


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


def test_a_long_name_in_japanese_is_shortened_by_its_bytes(tmp_path):
    from regress_demo.files.paths import output_path

    data = tmp_path / ("気温" * 20 + ".csv")
    data.write_text("".join(f"{x},{x * x}\n" for x in range(10)), encoding="utf-8")
    settings = Settings(data=str(data), eta=[0.1 + k * 1e-16 * 2**40 for k in range(4)], epoch=3)
    assert len(settings.file_stem().encode()) > 150
    path = output_path(tmp_path, settings)
    assert path.name.startswith("data-" + "気温" * 13) and path.suffix == ".gif"
    assert len(path.name.encode()) <= 154  # 150 bytes of a name, whole characters only


def test_two_long_names_shortened_alike_keep_apart_by_their_data(tmp_path):
    from regress_demo.files.paths import output_path

    paths = []
    for folder, shift in (("d1", 0), ("d2", 1)):
        (tmp_path / folder).mkdir()
        data = tmp_path / folder / ("気温" * 20 + ".csv")
        data.write_text("".join(f"{x},{x * x + shift}\n" for x in range(10)), encoding="utf-8")
        settings = Settings(data=str(data), eta=[0.1 + k * 1e-16 * 2**40 for k in range(4)])
        paths.append(output_path(tmp_path / "out", settings))
    assert paths[0] != paths[1] and all(len(path.name.encode()) <= 154 for path in paths)


@pytest.mark.parametrize("out", ["gone", "gone/run.gif", "gone.gif"])
def test_a_broken_symbolic_link_as_out_gets_one_line(tmp_path, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    os.symlink("nowhere", "gone" if "/" in out or out == "gone" else "gone.gif")
    code, _, err = run_main(["--out", out, "--epoch", "3", "-q"])
    assert code == 2
    assert "is a broken symbolic link" in one_error_line(err) and "File exists" not in err
    assert sorted(os.listdir(tmp_path)) == [out.split("/")[0]]


@pytest.mark.parametrize("name", ["report.json", "report.png", "report.npz", "report.gif"])
def test_a_file_regress_demo_did_not_write_is_not_replaced(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    Path(name).write_bytes(b"my own work")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "report.gif"])
    assert code == 2
    assert one_error_line(err) == (
        f"regress-demo: error: --out must be a name whose files are free or regress-demo's own "
        f"('{name}' was not written by regress-demo: move it, or choose another --out), "
        "got 'report.gif'\n"
    )
    assert Path(name).read_bytes() == b"my own work" and os.listdir(tmp_path) == [name]


def test_a_foreign_gif_under_the_name_the_settings_give_is_not_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.mkdir("f3")
    gif = Path("f3/sin_nmid3_eta0.1_epoch2_seed1.gif")
    gif.write_bytes(b"GIF89a someone else's film")
    code, out, err = run_main(["--epoch", "2", "--out", "f3"])
    assert code == 2 and out == ""
    assert one_error_line(err) == (
        "regress-demo: error: --out must be a name whose files are free or regress-demo's own "
        f"('{gif}' was not written by regress-demo: move it, or choose another --out), got 'f3'\n"
    )
    assert os.listdir("f3") == [gif.name] and gif.read_bytes() == b"GIF89a someone else's film"


def test_a_gif_changed_since_its_run_is_not_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    Path("run.gif").write_bytes(b"GIF89a edited by hand")  # the record lists other bytes
    before = {file: Path(file).read_bytes() for file in FILES}
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 2
    assert "('run.gif' was not written by regress-demo: move it" in one_error_line(err)
    assert {file: Path(file).read_bytes() for file in FILES} == before


def test_the_files_of_an_earlier_run_are_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert json.loads(Path("run.json").read_text())["settings"]["epoch"] == 4


def test_the_stills_of_earlier_runs_of_a_name_stay_listed_run_after_run(tmp_path, monkeypatch):
    from regress_demo.files.paths import digest

    monkeypatch.chdir(tmp_path)
    for extra in (["--still", "2"], ["--still", "4"], [], ["--still", "4"]):
        assert run_main(["--epoch", "6", "-q", "--out", "run.gif", *extra])[0] == 0
        record = json.loads(Path("run.json").read_text())
        listed = {entry["name"]: entry for entry in record["files"]}
        for name in ("run-epoch2.png", "run-epoch2.pdf", "run-epoch4.png", "run-epoch4.pdf"):
            if Path(name).exists():  # every still there, listed with its very bytes
                assert listed[name]["sha256"] == digest(name), (extra, name)
    assert listed["run-epoch2.png"]["earlier"] and "earlier" not in listed["run-epoch4.png"]
    page = Path("index.html").read_text()
    assert ">still at epoch 2 (PNG)<" in page and ">still at epoch 4 (PDF)<" in page


def test_an_earlier_run_counts_as_finished_while_its_record_and_gif_are_there(tmp_path):
    from regress_demo.files.paths import finished_earlier

    gif = tmp_path / "run.gif"
    assert not finished_earlier(gif)  # no run yet
    assert run_main(["--epoch", "3", "-q", "--out", str(gif)])[0] == 0
    assert finished_earlier(gif)
    record = json.loads(gif.with_suffix(".json").read_text())
    gif.with_suffix(".json").write_text(json.dumps({**record, "status": "interrupted"}))
    assert not finished_earlier(gif)  # an interrupted one: the next run may replace it
    gif.with_suffix(".json").write_text(json.dumps(record))
    gif.unlink()
    assert not finished_earlier(gif)  # its film is gone


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


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_something_else_where_a_file_goes_is_refused_before_starting(tmp_path, monkeypatch, kind):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run.json") if kind == "folder" else os.mkfifo("run.json")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 2
    assert "run.json" in one_error_line(err)
    assert os.listdir(tmp_path) == ["run.json"]
