"""Writing a run's files all or none: a file that cannot be written, a file size limit, temporary
files of killed runs removed (and only those)."""

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import run_main

FILES = ["index.html", "run.gif", "run.json", "run.npz", "run.png"]


@pytest.mark.parametrize("failing", ["run.png", "run.npz", "run.json", "run.gif"])
def test_a_file_that_cannot_be_written_is_named_and_no_file_of_the_run_is_replaced(
    tmp_path, monkeypatch, failing
):
    import regress_demo.files.staged as outputs
    from regress_demo.files.gif import GifWriter

    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", "-q", "--out", "run.gif"])[0] == 0
    before = {file: Path(file).read_bytes() for file in FILES}
    if failing == "run.gif":

        def full(self):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(
            GifWriter, "close", full
        )  # (where the last bytes of the GIF go to disk)
    else:
        original = outputs.AtomicFile.__init__

        def full(self, path):
            original(self, path)
            if Path(path).name == failing:
                name = str(self.tmp_path)
                self.discard()
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), name)

        monkeypatch.setattr(outputs.AtomicFile, "__init__", full)
    code, out, err = run_main(["--epoch", "4", "-q", "--out", "run.gif"])
    assert code == 1
    assert err == f"regress-demo: error: cannot write {failing}: No space left on device\n"
    after = {file: Path(file).read_bytes() for file in FILES}
    assert after == before
    assert not [
        name for name in os.listdir(tmp_path) if name.endswith(".tmp") and "run.gif" not in name
    ]


def test_a_file_size_limit_after_the_gif_writes_none_of_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "2", "-q", "--out", "run.gif"])[0] == 0  # an earlier run
    before = {file: Path(file).read_bytes() for file in FILES}
    limit = (
        "import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (42000, 42000)); "
    )
    code = (
        limit + "sys.argv = ['regress-demo', '--epoch', '3', '-q', '--out', 'run.gif']; "
        "runpy.run_module('regress_demo', run_name='__main__')"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 1
    # the GIF (about 39 kB) fits, the contact sheet (about 46 kB) does not
    assert process.stderr == "regress-demo: error: cannot write run.png: File too large\n"
    assert sorted(os.listdir(tmp_path)) == FILES
    assert {file: Path(file).read_bytes() for file in FILES} == before


def test_stale_temporary_files_are_removed_and_only_those(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    stale = [
        f".run.gif.regress-demo-{dead_pid}-abcd1234.tmp",
        f".old.json.regress-demo-{dead_pid}-x_y_z_12.tmp",
    ]
    kept = [
        ".run.npz.regress-demo-1-abcdefgh.tmp",  # its writer (pid 1) is alive
        f".thesis.pdf.{dead_pid}-abcd1234.tmp",  # another program's: no mark
        f".run.gif.{dead_pid}-abcd1234.tmp",
        ".run.png.abcdefgh.tmp",
        ".run.png.regress-demo-abcdefgh.tmp",  # no process id
        f".notes.txt.regress-demo-{dead_pid}-12345678.tmp",  # not a kind the tool writes
        "my.gif.tmp",
        ".run.gif.tmp",
    ]  # not the tool's pattern
    for name in stale + kept:
        Path(name).write_bytes(b"x")
    old = time.time() - 2 * 24 * 3600
    for name in kept:
        os.utime(name, (old, old))  # however old: not the tool's to remove
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0
    assert sorted(os.listdir(tmp_path)) == sorted(FILES + kept)


def test_a_run_after_a_killed_one_leaves_no_temporary_file(tmp_path, monkeypatch):
    process = subprocess.Popen(
        [sys.executable, "-m", "regress_demo", "--epoch", "200000", "-q", "--out", "run.gif"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".run.gif.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert len(list(tmp_path.glob(".run.gif.*.tmp"))) == 1  # SIGKILL: nothing could remove it
    monkeypatch.chdir(tmp_path)  # the next run, in this process
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert sorted(os.listdir(tmp_path)) == FILES
