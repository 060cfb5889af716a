"""The writers of a run's files: one registry, and the rules that come from it for every kind."""

import errno
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_main

from regress_demo.files.staged import AtomicFile
from regress_demo.files.writers import WRITERS

ROOT = Path(__file__).resolve().parent.parent
SHORT = ["--epoch", "20", "-q"]


def listing(folder) -> dict:
    """Every file in `folder` with its bytes."""
    return {
        path.name: path.read_bytes() for path in sorted(Path(folder).iterdir()) if path.is_file()
    }


def temporaries(folder) -> list:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def test_every_kind_of_writer_has_its_temporary_files_recognised(tmp_path):
    pattern = WRITERS.temporary_pattern()
    suffixes = {suffix for writer in WRITERS for suffix in writer.suffixes}
    assert {".gif", ".mp4", ".webm", ".png", ".pdf", ".npz", ".json", ".html"} <= suffixes
    for suffix in suffixes:
        file = AtomicFile(tmp_path / f"run{suffix}")
        name = file.tmp_path.name
        assert pattern.match(name) and name.startswith(f".run{suffix}.regress-demo-{os.getpid()}-")
        file.discard()
    assert not pattern.match(".notes.txt.regress-demo-123-abcdefgh.tmp")
    assert not pattern.match(".thesis.pdf.4100000-abcd1234.tmp")  # another program's


STALL = """
import sys, time
import regress_demo.app.run as run
def stall(files):
    print("staged", flush=True)
    time.sleep(600)
run.commit_all = stall
from regress_demo.app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_run_killed_while_writing_leaves_no_temporary_file_after_the_next_run(tmp_path):
    args = [
        "--video",
        "mp4",
        "webm",
        "--sheet",
        "print",
        "--still",
        "0",
        *SHORT,
        "--out",
        "run.gif",
    ]
    process = subprocess.Popen(
        [sys.executable, "-c", STALL, *args],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT)),
    )
    try:
        assert process.stdout.readline() == "staged\n"  # every file complete, none in place
        left = temporaries(tmp_path)
        kinds = {name.split(".tmp")[0].split(".")[2] for name in left}
        assert kinds == {"gif", "mp4", "webm", "png", "pdf", "npz", "json"}, left
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert not [name for name in os.listdir(tmp_path) if not name.startswith(".")]
    code, out, err = run_main(["--epoch", "5", "-q", "--out", str(tmp_path / "other.gif")])
    assert code == 0, err
    assert temporaries(tmp_path) == []


def test_sheet_print_and_its_plain_run_keep_separate_files(tmp_path):
    assert run_main([*SHORT, "--out", str(tmp_path)])[0] == 0
    first = listing(tmp_path)
    assert run_main([*SHORT, "--sheet", "print", "--out", str(tmp_path)])[0] == 0
    after = listing(tmp_path)
    for name, data in first.items():
        if name != "index.html":
            assert after[name] == data, f"{name} was replaced"
    printed = [name for name in after if "_sheetprint" in name]
    assert sorted(Path(name).suffix for name in printed) == [
        ".gif",
        ".json",
        ".npz",
        ".pdf",
        ".png",
    ]


def test_out_video_beside_a_foreign_gif_is_refused_naming_the_gif(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.gif").write_bytes(b"someone's GIF")
    code, out, err = run_main([*SHORT, "--out", "x.mp4"])
    assert code == 2 and out == ""
    assert err == (
        "regress-demo: error: --out must be a name whose files are free or regress-demo's own "
        "('x.gif' was not written by regress-demo: move it, or choose another --out), got 'x.mp4'\n"
    )
    assert listing(tmp_path) == {"x.gif": b"someone's GIF"}


def test_out_video_on_a_foreign_video_is_refused_naming_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("x.mp4").write_bytes(b"someone's video")
    code, out, err = run_main([*SHORT, "--out", "x.mp4"])
    assert code == 2
    assert "('x.mp4' was not written by regress-demo" in err and err.endswith("got 'x.mp4'\n")
    assert err.count("\n") == 1 and listing(tmp_path) == {"x.mp4": b"someone's video"}


@pytest.mark.parametrize(
    "runs",
    [
        (["--still", "0"], ["--still", "3"], ["--still", "0"]),
        (["--sheet", "print"], ["--sheet", "film"], ["--sheet", "print"]),
        (["--video", "mp4"], [], ["--video", "mp4"]),
    ],
    ids=["still", "sheet", "video"],
)
def test_the_same_settings_three_times_every_run_succeeds(tmp_path, runs):
    for extra in runs:
        code, out, err = run_main([*SHORT, *extra, "--out", str(tmp_path)])
        assert (code, err) == (0, "")
    names = set(os.listdir(tmp_path))
    for extra in runs:  # the files of every run are there, each listed by a record
        if extra[:1] == ["--still"]:
            assert any(name.endswith(f"-epoch{extra[1]}.png") for name in names)
    records = [
        json.loads((tmp_path / name).read_text()) for name in names if name.endswith(".json")
    ]
    listed = {entry["name"] for record in records for entry in record["files"]}
    assert listed | {name for name in names if name.endswith(".json")} == names - {"index.html"}


def test_a_file_of_the_run_changed_by_hand_is_not_replaced(tmp_path):
    assert run_main([*SHORT, "--out", str(tmp_path / "run.gif")])[0] == 0
    (tmp_path / "run.png").write_bytes(b"my own drawing")
    code, out, err = run_main([*SHORT, "--out", str(tmp_path / "run.gif")])
    assert code == 2 and "run.png' was not written by regress-demo" in err
    assert (tmp_path / "run.png").read_bytes() == b"my own drawing"


def test_a_file_that_cannot_be_moved_into_place_leaves_every_earlier_file_as_it_was(
    tmp_path, monkeypatch
):
    from regress_demo.app.console import Progress

    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "20", "-q", "--video", "mp4", "--out", "run.gif"])[0] == 0
    before = listing(tmp_path)
    original = Progress.frame

    def frame_then_block(self, done, total):  # a folder named run.webm appears while it draws
        os.makedirs("run.webm", exist_ok=True)
        return original(self, done, total)

    monkeypatch.setattr(Progress, "frame", frame_then_block)
    args = ["--epoch", "30", "-q", "--video", "mp4", "webm", "--out", "run.gif"]
    code, out, err = run_main(args)  # (the WebM goes into place after the GIF, the MP4, ...)
    assert code == 1 and out == ""
    assert err == "regress-demo: error: cannot write run.webm: Is a directory\n"
    assert listing(tmp_path) == before
    assert temporaries(tmp_path) == [] and os.listdir("run.webm") == []


def test_stop_at_with_still_last_on_a_foreign_still_is_refused_in_one_line(tmp_path):
    args = ["--epoch", "400", "--stop-at", "5e-2", "--still", "last", "--frames", "5", "-q"]
    assert run_main([*args, "--out", str(tmp_path / "probe" / "run.gif")])[0] == 0
    record = json.loads((tmp_path / "probe" / "run.json").read_text())
    epoch = record["runs"][0]["last_frame_epoch"]
    assert epoch < 399  # it stopped early: the name was not known before the run
    foreign = tmp_path / "out" / f"run-epoch{epoch}.png"
    foreign.parent.mkdir()
    foreign.write_bytes(b"a slide of mine")
    code, out, err = run_main([*args, "--out", str(tmp_path / "out" / "run.gif")])
    assert code == 1 and out == ""
    assert err == (
        f"regress-demo: error: cannot write {foreign}: it was not written by regress-demo "
        "(move it, or choose another --out)\n"
    )
    assert listing(tmp_path / "out") == {foreign.name: b"a slide of mine"}


def test_when_only_the_gallery_cannot_be_written_the_saved_line_is_printed_too(
    tmp_path, monkeypatch
):
    from regress_demo.files.gallery import GalleryPage

    def full(self, folder):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(GalleryPage, "add", full)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 1
    assert out.startswith("Saved run.gif (3 frames, final error ") and out.count("\n") == 1
    assert err == "regress-demo: error: cannot write index.html: No space left on device\n"
    assert sorted(os.listdir(tmp_path)) == ["run.gif", "run.json", "run.npz", "run.png"]


def test_a_run_record_lists_each_file_with_its_size_and_digest(tmp_path):
    import hashlib

    assert run_main([*SHORT, "--still", "0", "--out", str(tmp_path / "run.gif")])[0] == 0
    record = json.loads((tmp_path / "run.json").read_text())
    names = [entry["name"] for entry in record["files"]]
    assert sorted(names) == sorted(set(os.listdir(tmp_path)) - {"run.json", "index.html"})
    for entry in record["files"]:
        data = (tmp_path / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_file_that_may_not_be_replaced_leaves_every_earlier_file_as_it_was(tmp_path, monkeypatch):
    """As for a user in a sticky folder whose run.png belongs to someone else: it may be neither
    linked nor renamed (EPERM), found after the GIF and the weights went into place."""
    from regress_demo.files import staged

    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "20", "-q", "--out", "run.gif"])[0] == 0
    before = listing(tmp_path)
    link, replace = os.link, os.replace

    def not_permitted(call):
        def refuse(source, target, *args, **kwargs):
            if Path(source).name == "run.png" or Path(target).name == "run.png":
                raise PermissionError(errno.EPERM, os.strerror(errno.EPERM), str(source))
            return call(source, target, *args, **kwargs)

        return refuse

    monkeypatch.setattr(staged.os, "link", not_permitted(link))
    monkeypatch.setattr(staged.os, "replace", not_permitted(replace))
    code, out, err = run_main(["--epoch", "30", "-q", "--out", "run.gif"])
    assert code == 1 and out == ""
    assert err == "regress-demo: error: cannot write run.png: Operation not permitted\n"
    assert listing(tmp_path) == before
    assert temporaries(tmp_path) == []


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not os.path.exists("/usr/bin/setpriv"),
    reason="needs root, to run as another user",
)
def test_in_a_sticky_folder_a_file_of_another_user_leaves_every_earlier_file_as_it_was():
    import shutil
    import tempfile

    shared = Path(tempfile.mkdtemp(prefix="shared-", dir="/tmp"))
    cache = Path(tempfile.mkdtemp(prefix="mpl-", dir="/tmp"))
    try:
        os.chmod(shared, 0o1777)  # sticky, as /tmp: only a file's owner may rename or replace it
        os.chmod(cache, 0o777)

        def as_nobody(*args):
            return subprocess.run(
                ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                + [sys.executable, "-m", "regress_demo", *args, "-q", "--out", "run.gif"],
                cwd=shared,
                capture_output=True,
                text=True,
                timeout=300,
                env=dict(os.environ, MPLBACKEND="Agg", MPLCONFIGDIR=str(cache), HOME=str(cache)),
            )

        assert as_nobody("--epoch", "20").returncode == 0
        os.chown(shared / "run.png", 0, 0)  # the sheet now belongs to someone else
        before = listing(shared)
        done = as_nobody("--epoch", "30")  # (the GIF and the weights go into place before it)
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr == "regress-demo: error: cannot write run.png: Operation not permitted\n"
        assert listing(shared) == before
        assert temporaries(shared) == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
