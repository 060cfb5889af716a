"""The film as a video: decoded, timed, compared with the GIF; bad input; the browser's player."""

import importlib.util
import json
import math
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from helpers import CHROMIUM_ARGS, decode_gif, hide_packages, run_main

from regress_demo.app.run import make_gif
from regress_demo.files.video import VideoWriter
from regress_demo.inputs.settings import Settings

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("av") is None, reason="needs PyAV (the video extra)"
)
iio = pytest.importorskip("imageio.v3")

RUN = Settings(
    epoch=40, interval=3, fps=10, hold=0.5, video=("mp4", "webm")
)  # 15 frames, the last held 5


def decoded(path):
    return list(iio.imiter(path, plugin="pyav"))


def psnr(a, b) -> float:
    mse = np.mean((a.astype(float) - b.astype(float)) ** 2)
    return math.inf if mse == 0 else 10 * math.log10(255**2 / mse)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("video")
    return make_gif(RUN, folder / "run.gif")


@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_the_video_has_the_gif_s_frames_rate_and_hold(run, kind):
    path = run.path.with_suffix(f".{kind}")
    assert path in run.video_paths
    gif = decode_gif(run.path).frames
    frames = decoded(path)
    assert len(frames) == len(gif) - 1 + round(RUN.hold * RUN.fps)  # the last frame held for --hold
    assert frames[0].shape == gif[0].shape
    meta = iio.immeta(path, plugin="pyav")
    assert meta["fps"] == pytest.approx(RUN.fps)
    assert len(frames) / meta["fps"] == pytest.approx(
        (len(gif) - 1) / RUN.fps + RUN.hold, abs=1 / RUN.fps
    )
    assert psnr(frames[0], gif[0]) >= 30 and psnr(frames[-1], gif[-1]) >= 30
    assert psnr(frames[len(gif) // 2], gif[len(gif) // 2]) >= 30


def top_level_boxes(path) -> list:
    """An MP4 file's top-level boxes by name, in file order (each: 4-byte size, 4-byte name)."""
    data, names, at = path.read_bytes(), [], 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        names.append(data[at + 4 : at + 8].decode("latin-1"))
        if size == 1:  # a 64-bit size follows the name
            size = int.from_bytes(data[at + 8 : at + 16], "big")
        if size < 8:
            break
        at += size
    return names


def test_the_mp4_s_index_comes_before_its_frames(run):
    boxes = top_level_boxes(run.path.with_suffix(".mp4"))
    assert "moov" in boxes and "mdat" in boxes, boxes
    assert boxes.index("moov") < boxes.index("mdat"), boxes


def test_the_record_lists_every_file_with_its_size(run):
    record = json.loads(run.record_path.read_text())
    assert record["videos"] == ["run.mp4", "run.webm"]
    files = {entry["name"]: entry["bytes"] for entry in record["files"]}
    assert set(files) == {"run.gif", "run.mp4", "run.webm", "run.png", "run.npz"}
    for name, size in files.items():
        assert (run.path.parent / name).stat().st_size == size
    assert not list(run.path.parent.glob("*.tmp"))


def test_frames_of_odd_size_are_padded_to_even(tmp_path):
    frame = np.full((623, 831, 3), 40, np.uint8)
    with VideoWriter(tmp_path / "odd.mp4", "mp4", 5, 0) as video:
        video.grab_frame(frame)
        video.grab_frame(frame)
        video.close()
        video.commit()
    frames = decoded(tmp_path / "odd.mp4")
    assert len(frames) == 2 and frames[0].shape == (624, 832, 3)
    assert psnr(frames[0][:623, :831], frame) >= 30


def test_out_name_mp4_makes_the_video_the_main_output_and_replay_makes_it_again(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "5", "-q", "--out", "film.mp4"])
    assert code == 0, err
    assert out == f"Saved film.gif, film.mp4 (5 frames, {out.split('(5 frames, ')[1]}"
    first = (tmp_path / "film.mp4").read_bytes()
    code, out, err = run_main(["--replay", "film.json", "-q", "--out", "again.gif"])
    assert code == 0, err
    assert len(decoded(tmp_path / "again.mp4")) == len(decoded(tmp_path / "film.mp4"))
    assert len(first) > 1000


@pytest.mark.parametrize(
    "args, message",
    [
        (["--video", "avi"], "regress-demo: error: --video must be one of mp4, webm, got 'avi'\n"),
        (
            ["--video", "mp4", "mp4"],
            "regress-demo: error: --video must be a list without repeats, got ['mp4', 'mp4']\n",
        ),
        (
            ["--out", "x.avi"],
            "regress-demo: error: --out must be a folder or a file name ending in .gif, .mp4 or "
            ".webm, got 'x.avi'\n",
        ),
    ],
)
def test_bad_video_options_give_one_line_and_exit_2(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_main(["--epoch", "3", *args]) == (2, "", message)
    assert not os.listdir(tmp_path)


def test_without_pyav_video_says_how_to_install_it(tmp_path, monkeypatch):
    hide_packages(monkeypatch, "av")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "--video", "mp4"])
    assert code == 2
    assert err == (
        "regress-demo: error: --video needs PyAV: pip install -e '.[video]' (or pip install av)\n"
    )
    assert not os.listdir(tmp_path)


def test_a_video_that_cannot_be_written_is_named_and_nothing_is_left(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "run.webm").mkdir()  # a folder where the video goes
    code, out, err = run_main(["--epoch", "3", "-q", "--video", "webm", "--out", "run.gif"])
    assert code in (1, 2)
    assert err.startswith("regress-demo: error: ") and "run.webm" in err and err.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["run.webm"]


def test_an_interrupted_run_leaves_a_playable_video_of_the_frames_so_far(tmp_path, monkeypatch):
    from regress_demo.film.frames import RichFigure

    draw, calls = RichFigure.draw, []

    def draw_then_stop(self, snapshots):
        calls.append(1)
        if (
            len(calls) == 2 + 4 + 1
        ):  # after the palette's two sample frames and four frames of the film
            raise KeyboardInterrupt
        return draw(self, snapshots)

    monkeypatch.setattr(RichFigure, "draw", draw_then_stop)
    result = make_gif(RUN.replace(video=("mp4",)), tmp_path / "run.gif")
    assert result.status == "interrupted" and result.frames == 4
    assert len(decoded(tmp_path / "run.mp4")) == 3 + round(RUN.hold * RUN.fps)


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        )
    return path


CHECK = """<script>
(function () {
  var player = document.querySelector(".player"), video = player.querySelector("video"), out = [];
  function when(test, then, tries) {
    tries = tries || 0;
    if (test()) { then(); } else if (tries > 6000) { document.title = "timeout " + out.join(" "); }
    else { setTimeout(function () { when(test, then, tries + 1); }, 20); }
  }
  function where() { return player.querySelector(".where").textContent; }
  when(function () { return video.readyState === 4; }, function () {
    out.push("ready");
    player.focus();
    player.dispatchEvent(new KeyboardEvent("keydown", {key: " ", bubbles: true}));
    out.push("paused=" + video.paused);
    player.dispatchEvent(new KeyboardEvent("keydown", {key: "Home", bubbles: true}));
    player.dispatchEvent(new KeyboardEvent("keydown", {key: "ArrowRight", bubbles: true}));
    when(function () { return !video.seeking; }, function () {
      out.push("right=" + where() + "@" + video.currentTime.toFixed(2));
      var seek = player.querySelector(".seek");
      seek.value = 5; seek.dispatchEvent(new Event("input"));
      out.push("slider=" + where());
      player.dispatchEvent(new KeyboardEvent("keydown", {key: "End", bubbles: true}));
      out.push("end=" + where());
      var resources = performance.getEntriesByType("resource").map(function (e) { return e.name; });
      var remote = resources.filter(function (name) { return !name.startsWith("file:"); });
      out.push("network=" + remote.length);
      document.title = out.join("|");
    });
  });
})();
</script>"""


@pytest.mark.parametrize("kind", ["webm", "mp4"])
def test_the_gallery_player_steps_frames_from_file_urls(kind, chromium, tmp_path):
    result = make_gif(RUN.replace(video=(kind,)), tmp_path / "run.gif")
    record = json.loads(result.record_path.read_text())
    page = (tmp_path / "index.html").read_text()
    assert "http" not in page.replace('content="width=device-width', "")
    check = tmp_path / "check.html"
    check.write_text(page.replace("</body>", CHECK + "</body>"))
    done = subprocess.run(
        [
            chromium,
            *CHROMIUM_ARGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--autoplay-policy=no-user-gesture-required",
            "--virtual-time-budget=120000",
            "--dump-dom",
            check.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    title = re.search(r"<title>(.*?)</title>", done.stdout).group(1).replace("&amp;", "&")
    epochs, errors = record["frame_epochs"], record["runs"][0]["errors"]
    label = lambda k: f"epoch {epochs[k]} · error {errors[epochs[k]]:.2e}"  # noqa: E731
    assert title == "|".join(
        [
            "ready",
            "paused=true",
            f"right={label(1)}@{1.5 / RUN.fps:.2f}",
            f"slider={label(5)}",
            f"end={label(len(epochs) - 1)}",
            "network=0",
        ]
    )


def test_open_shows_the_gallery_in_the_browser_or_says_it_cannot(tmp_path, monkeypatch):
    import webbrowser

    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["--epoch", "3", "-q", "--open", "--out", "run.gif"])
    assert code == 0 and err == ""
    assert opened == [(tmp_path / "index.html").resolve().as_uri()]
    monkeypatch.setattr(webbrowser, "open", lambda url: False)
    code, out, err = run_main(["--epoch", "3", "-q", "--open", "--out", "run.gif"])
    assert code == 0
    assert (
        err
        == (
            f"regress-demo: no web browser to open {tmp_path.resolve() / 'index.html'}; "
            "open it by hand\n"
        )
        or err == "regress-demo: no web browser to open index.html; open it by hand\n"
    )


def test_a_video_someone_else_wrote_is_not_replaced(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "talk.mp4").write_bytes(b"a lecture recording")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "talk.mp4"])
    assert code == 2 and "talk.mp4" in err and "was not written by regress-demo" in err
    assert (tmp_path / "talk.mp4").read_bytes() == b"a lecture recording"
    assert sorted(os.listdir(tmp_path)) == ["talk.mp4"]


MEMORY = """
import resource, sys
import numpy as np
from regress_demo.files.video import VideoWriter
count, rng = int(sys.argv[1]), np.random.default_rng(0)
with VideoWriter(sys.argv[2], "mp4", 25, 0) as video:
    for k in range(count):
        frame = np.full((240, 320, 3), 255, np.uint8)
        frame[:, (k * 3) % 320] = rng.integers(0, 255, (240, 3))  # a moving line, as a film has
        video.grab_frame(frame)
    video.close()
    video.commit()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def test_memory_does_not_grow_with_the_frame_count(tmp_path):
    """Frames encoded as they come: 1000 frames (75 MB of pixels) need no more memory than 100."""
    import sys

    peaks = []
    for count in (100, 1000):
        done = subprocess.run(
            [sys.executable, "-c", MEMORY, str(count), str(tmp_path / f"{count}.mp4")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        peaks.append(int(done.stdout.split()[-1]) / 1024)  # MB
    assert len(decoded(tmp_path / "1000.mp4")) == 1000
    assert peaks[1] - peaks[0] < 40, peaks


def test_the_same_run_gives_the_same_video_bytes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["--epoch", "12", "--video", "mp4", "webm", "-q"]
    assert run_main([*args, "--out", "one.gif"])[0] == 0
    assert run_main([*args, "--out", "two.gif"])[0] == 0
    assert run_main(["--replay", "one.json", "-q", "--out", "again.gif"])[0] == 0
    first = (tmp_path / "one.webm").read_bytes()
    assert first == (tmp_path / "two.webm").read_bytes()
    assert first == (tmp_path / "again.webm").read_bytes()
    # H.264's stream may differ by a byte on a busy machine; what it shows may not
    frames = decoded(tmp_path / "one.mp4")
    assert len(frames) == 31  # 12 frames, the last held 2 s at 10 fps
    for other in ("two.mp4", "again.mp4"):
        assert all(np.array_equal(a, b) for a, b in zip(frames, decoded(tmp_path / other)))
        assert len(decoded(tmp_path / other)) == len(frames)


FILE_SIZE_LIMIT = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # (a write past the limit then fails with EFBIG)
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from regress_demo.app.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("limit", [30_000, 150_000])
def test_a_video_on_a_full_disk_fails_in_one_line(tmp_path, limit):
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FILE_SIZE_LIMIT, str(limit), "--epoch", "100", "--video", "mp4"]
        + ["-q", "--out", "run.gif"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, MPLBACKEND="Agg"),
    )
    assert done.returncode == 1 and done.stdout == ""
    assert re.fullmatch(
        r"regress-demo: error: cannot write run\.(gif|mp4): File too large\n", done.stderr
    )
    assert os.listdir(tmp_path) == []
