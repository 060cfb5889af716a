"""The gallery page: which runs it shows and in what order, escaping, links, atomic and repeatable
writes, and that a real browser (headless Chromium) shows every GIF from file:// with no server."""

import io
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from helpers import CHROMIUM_ARGS, command, deep, run_main
from PIL import Image

from regress_demo.files.gallery import DEFAULTS, write_index

T0 = 1_700_000_000  # a fixed modification time, so that the order is under the test's control
RED, GREEN, BLUE = (220, 30, 30), (30, 170, 60), (40, 70, 220)
SCRIPT = "<script>alert('x')</script>"
#: The line of a run whose folder holds an index.html that is not regress-demo's.
FOREIGN_INDEX = (
    "regress-demo: the gallery was not written: {index} is not regress-demo's (it is left as it "
    "is; move it for a gallery of the runs)\n"
)


def make_gif(path: Path, colour):
    """A 2-frame 120x80 GIF of one colour, with a white bar that moves."""
    frames = []
    for x in (10, 70):
        frame = Image.new("RGB", (120, 80), colour)
        frame.paste((255, 255, 255), (x, 30, x + 40, 50))
        frames.append(frame)
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)


def record(gif, settings, runs, status="finished", sheet=None):
    return {
        "kind": "regress-demo run",
        "version": 1,
        "gif": gif,
        "sheet": sheet,
        "status": status,
        "settings": settings,
        "runs": runs,
        "frames": 2,
    }


def settings(n_mid, eta, **more):
    base = {
        "n_mid": n_mid,
        "eta": eta,
        "epoch": 2001,
        "interval": None,
        "wb_width": 0.01,
        "seed": 0,
        "fps": 10.0,
        "hold": 2.0,
    }
    return {**base, **more}


def write(folder: Path, name: str, content, mtime: int):
    path = folder / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    os.utime(path, (mtime, mtime))


@pytest.fixture
def runs(tmp_path) -> Path:
    """A folder with three runs (newest: single, then grid, then diverged) and files to skip."""
    make_gif(tmp_path / "single.gif", RED)
    Image.new("RGB", (60, 40), RED).save(tmp_path / "single.png")
    write(
        tmp_path,
        "single.json",
        record(
            "single.gif",
            settings([3], [0.1]),
            [
                {
                    "n_mid": 3,
                    "eta": 0.1,
                    "status": "finished",
                    "diverged_at": None,
                    "epochs_trained": 2001,
                    "final_error": 6.29e-05,
                }
            ],
            sheet="single.png",
        ),
        T0 + 30,
    )

    make_gif(tmp_path / "grid.gif", GREEN)
    grid = [
        {
            "n_mid": n,
            "eta": eta,
            "status": "finished",
            "diverged_at": None,
            "epochs_trained": 2001,
            "final_error": 0.001 * n + eta,
        }
        for n in (1, 3)
        for eta in (0.05, 0.5)
    ]
    write(
        tmp_path,
        "grid.json",
        record("grid.gif", settings([1, 3], [0.05, 0.5], label=SCRIPT), grid),
        T0 + 20,
    )

    make_gif(tmp_path / "diverged run #1.gif", BLUE)
    write(
        tmp_path,
        "diverged run #1.json",
        record(
            "diverged run #1.gif",
            settings([3], [5.0]),
            [
                {
                    "n_mid": 3,
                    "eta": 5.0,
                    "status": "diverged",
                    "diverged_at": 57,
                    "epochs_trained": 58,
                    "final_error": None,
                }
            ],
            status="diverged",
        ),
        T0 + 10,
    )

    make_gif(tmp_path / "stranger.gif", RED)
    write(tmp_path, "stranger.json", {"kind": "something else", "gif": "stranger.gif"}, T0 + 40)
    write(tmp_path, "list.json", [1, 2, 3], T0 + 40)
    write(tmp_path, "broken.json", '{"kind": "regress-demo run", "gif": ', T0 + 40)
    # GIF deleted
    write(tmp_path, "orphan.json", record("orphan.gif", settings([3], [0.1]), []), T0 + 40)
    return tmp_path


class Page(HTMLParser):
    """The parts of a page the tests look at: images, links, headings and visible text."""

    def __init__(self, text: str):
        super().__init__()
        self.images, self.links, self.headings, self.cards, self.text = [], [], [], [], []
        self.settings = []  # one {name: value} per card
        self._tag, self._name = None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        elif tag == "a":
            self.links.append(attrs["href"])
        elif tag == "article":
            self.cards.append(attrs["class"])
        elif tag == "dl":
            self.settings.append({})
        self._tag = tag if not (tag == "h2" and "id" in attrs) else None

    def handle_endtag(self, tag):
        self._tag = None

    def handle_data(self, data):
        self.text.append(data)
        if self._tag == "h2":
            self.headings.append(data)
        elif self._tag == "dt":
            self._name = data
        elif self._tag == "dd":
            self.settings[-1][self._name] = data


def page_of(folder) -> Page:
    return Page(write_index(folder).read_text(encoding="utf-8"))


def test_one_card_per_run_newest_first_and_other_files_skipped(runs):
    page = page_of(runs)
    assert [image["src"] for image in page.images] == [
        "single.gif",
        "grid.gif",
        "diverged%20run%20%231.gif",
    ]
    assert page.cards == ["card status-finished", "card status-finished", "card status-diverged"]
    assert "3 runs" in "".join(page.text)
    for skipped in ("stranger", "list", "broken", "orphan"):
        assert not any(skipped in link for link in page.links)

    os.utime(runs / "grid.json", (T0 + 50, T0 + 50))  # now the newest
    # the same time as "diverged run #1.json": by name
    os.utime(runs / "single.json", (T0 + 10, T0 + 10))
    assert [image["src"] for image in page_of(runs).images] == [
        "grid.gif",
        "diverged%20run%20%231.gif",
        "single.gif",
    ]


def test_headings_statuses_and_final_errors(runs):
    page = page_of(runs)
    assert page.headings == [
        "n_mid 3 · eta 0.1 · 2001 epochs · seed 0",
        "n_mid 1, 3 × eta 0.05, 0.5 · 2001 epochs · seed 0",
        "n_mid 3 · eta 5 · 2001 epochs · seed 0",
    ]
    text = "".join(page.text)
    assert "6.29e-05" in text
    assert [f"{0.001 * n + eta:.2e}" in text for n in (1, 3) for eta in (0.05, 0.5)] == [True] * 4
    assert "diverged at epoch 57" in text
    diverged_card = text[text.index("n_mid 3 · eta 5") :]
    assert "—" in diverged_card and "nan" not in diverged_card.lower()
    for image, heading in zip(page.images, page.headings):
        assert image["loading"] != "lazy" and heading in image["alt"]


def test_every_setting_is_shown_and_text_is_escaped(runs):
    html = write_index(runs).read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    single, grid, diverged = Page(html).settings
    assert single == {
        "n_mid": "3",
        "eta": "0.1",
        "epoch": "2001",
        "interval": "—",
        "wb_width": "0.01",
        "seed": "0",
        "fps": "10",
        "hold": "2",
    }
    assert grid["n_mid"] == "1, 3" and grid["eta"] == "0.05, 0.5"
    # a new setting is shown too, to the reader exactly as it was written
    assert grid["label"] == SCRIPT
    assert diverged["eta"] == "5"


def test_links_are_relative_and_lead_to_the_files(runs):
    page = page_of(runs)
    targets = page.links + [image["src"] for image in page.images]
    for target in targets:
        parts = urlsplit(target)
        assert not parts.scheme and not parts.netloc and not target.startswith("/")
        assert (runs / unquote(target)).is_file(), target
    assert {"single.json", "grid.json", "diverged%20run%20%231.json", "single.png"} <= set(
        page.links
    )
    # only the run with a contact sheet
    assert sum(link.endswith(".png") for link in page.links) == 1


def test_an_empty_folder_says_how_to_make_a_run(tmp_path):
    page = page_of(tmp_path)
    text = " ".join("".join(page.text).split())
    assert page.cards == [] and page.images == []
    assert "0 runs" in text and "No runs here yet" in text and "regress-demo" in text


def test_same_folder_gives_the_same_bytes_and_no_temporary_file(runs):
    path = write_index(runs)
    first = path.read_bytes()
    assert path == runs / "index.html"
    assert write_index(runs).read_bytes() == first
    assert not [name for name in os.listdir(runs) if name.endswith(".tmp")]
    (runs / "index.html").unlink()
    assert write_index(runs).read_bytes() == first  # nothing of the old page went into the new one


def test_a_failed_write_keeps_the_previous_page(runs, monkeypatch):
    good = write_index(runs).read_bytes()
    make_gif(runs / "late.gif", GREEN)
    write(runs, "late.json", record("late.gif", settings([2], [0.2]), []), T0 + 60)

    def half_then_fail(self, text, encoding=None):
        with open(self, "w", encoding=encoding) as file:
            file.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_then_fail)
    with pytest.raises(OSError):
        write_index(runs)
    monkeypatch.undo()
    assert (runs / "index.html").read_bytes() == good
    assert not [name for name in os.listdir(runs) if name.endswith(".tmp")]
    assert "late.gif" in write_index(runs).read_text(encoding="utf-8")


# --- in a real browser ---------------------------------------------------------------------------

CHECK = """() => {
  var images = Array.prototype.slice.call(document.images);
  var shown = images.filter(function (image) { return image.complete && image.naturalWidth > 0; });
  var cards = document.querySelectorAll("article");
  var top = function (card) { return card.getBoundingClientRect().top; };
  var sideBySide = cards.length > 1 && top(cards[0]) === top(cards[1]);
  var fits = images.every(function (image) {
    var card = image.closest("article").getBoundingClientRect();
    return image.getBoundingClientRect().width <= card.width;
  });
  var outside = performance.getEntriesByType("resource").filter(function (entry) {
    return entry.name.indexOf("file:") !== 0;
  });
  return "images " + shown.length + "/" + images.length
    + " columns " + (sideBySide ? "many" : "one") + " fit " + fits + " outside " + outside.length;
}"""

#: Chromium as the tests run it (helpers.CHROMIUM_ARGS), films playing without a click.
ARGS = [*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser():
    """The system's Chromium, driven by playwright (which downloads no browser of its own here)."""
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if chromium is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[test]'")
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A function that opens a file in a new tab of 1280x900 and returns the tab."""
    contexts = []

    def opened(path: Path, width=1280, height=900):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        tab = context.new_page()
        tab.goto(path.as_uri(), wait_until="load")
        return tab

    yield opened
    for context in contexts:
        context.close()


def axe_violations(tab) -> list:
    """What axe-core finds wrong on the page (skipped where npm has not installed it)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run npm ci (.ci/run does)")
    tab.add_script_tag(path=str(AXE))
    found = tab.evaluate("() => axe.run(document).then(function (r) { return r.violations; })")
    return [(item["id"], [node["target"] for node in item["nodes"]]) for item in found]


def test_a_browser_shows_every_gif_in_a_grid_from_file_urls(runs, open_page):
    tab = open_page(write_index(runs))
    assert tab.evaluate(CHECK) == "images 3/3 columns many fit true outside 0"


def test_a_screenshot_of_the_page_shows_the_gifs(runs, open_page):
    tab = open_page(write_index(runs))
    with Image.open(io.BytesIO(tab.screenshot())) as image:
        assert image.size == (1280, 900)
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # text, borders and pictures, not a blank page
    counts = {colour: count for count, colour in colours}
    for gif_colour in (RED, GREEN, BLUE):  # each GIF is drawn, and large (more than 100x60 pixels)
        assert (
            sum(n for c, n in counts.items() if max(abs(a - b) for a, b in zip(c, gif_colour)) <= 6)
            > 6000
        )


def test_an_index_html_written_by_someone_else_is_left_alone(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<html><body>my own page</body></html>")
    assert write_index(tmp_path) is None
    assert page.read_text() == "<html><body>my own page</body></html>"
    page.unlink()
    assert write_index(tmp_path) == page  # ours from now on, and regenerated each time
    assert write_index(tmp_path) == page


def test_a_run_beside_someone_else_s_index_html_says_the_gallery_was_not_written(tmp_path):
    (tmp_path / "runs").mkdir()
    page = tmp_path / "runs" / "index.html"
    page.write_text("<html><body>my own page</body></html>")
    code, out, err = run_main(["--epoch", "3", "-q", "--out", str(tmp_path / "runs")])
    assert code == 0 and out.startswith("Saved ")
    assert err == FOREIGN_INDEX.format(index=page)
    assert page.read_text() == "<html><body>my own page</body></html>"
    assert len(list((tmp_path / "runs").glob("*.gif"))) == 1  # the run's files are written


def test_a_card_labels_the_handout_and_names_only_what_changes_the_learning(tmp_path):
    make_gif(tmp_path / "run.gif", RED)
    for name in ("run-epoch0.png", "run-epoch0.pdf", "run-handout.pdf", "run-epoch7.png"):
        (tmp_path / name).write_bytes(b"a file for print")
    shown = dict(handout=list(range(0, 2001, 200)), sheet_epochs=[0, 1000], still=[0])
    shown.update(simple=True, show_outputs=False, size=[1920, 1080], style="print", lang="en")
    run = record("run.gif", settings([3], [0.5], **shown), [])
    run["stills"] = ["run-epoch0.png", "run-epoch0.pdf", "run-handout.pdf"]
    # a still of an earlier run of the name, still there as it wrote it
    run["files"] = [{"name": "run-epoch7.png", "bytes": 16, "sha256": "0" * 64, "earlier": True}]
    write(tmp_path, "run.json", run, T0)
    html = write_index(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    assert [link for link in links if "epoch" in link[0] or "handout" in link[0]] == [
        ("run-epoch0.png", "still at epoch 0 (PNG)"),
        ("run-epoch0.pdf", "still at epoch 0 (PDF)"),
        ("run-handout.pdf", "handout (PDF)"),
        ("run-epoch7.png", "still at epoch 7 (PNG)"),
    ]
    assert re.findall(r'<p class="changed">(.*?)</p>', html) == [
        "differs from the textbook: eta=0.5, seed=0"
    ]
    choices = re.findall(r'<select id="find-setting">(.*?)</select>', html)[0]
    assert "handout" not in choices and "sheet_epochs" not in choices and "simple" not in choices
    assert Page(html).settings[0]["size"] == "1920x1080"
    write(tmp_path, "run.json", {**run, "settings": {**run["settings"], "lang": "ja"}}, T0)
    assert ">配布資料 (PDF)</a>" in write_index(tmp_path).read_text(encoding="utf-8")


def test_one_epoch_and_one_frame_are_said_in_the_singular(tmp_path):
    make_gif(tmp_path / "run.gif", RED)
    run = record("run.gif", settings([3], [0.1], epoch=1), [{"final_error": 0.25}])
    write(tmp_path, "run.json", {**run, "frames": 1}, T0)
    page = page_of(tmp_path)
    assert page.headings == ["n_mid 3 · eta 0.1 · 1 epoch · seed 0"]
    assert " · 1 frame · final error 2.50e-01" in "".join(page.text)


def test_a_grid_beyond_n_mid_and_eta_lists_its_axes_and_held_out_errors():
    from regress_demo.files.gallery import heading, render_results

    settings = {
        "target": "gauss",
        "n_mid": [3],
        "eta": [0.1],
        "activation": ["sigmoid", "tanh"],
        "epoch": 10,
        "seed": 1,
    }
    assert (
        heading(settings)
        == "gauss · n_mid 3 × eta 0.1 × activation sigmoid, tanh · 10 epochs · seed 1"
    )
    runs = [
        {
            "n_mid": 3,
            "eta": 0.1,
            "activation": "sigmoid",
            "depth": 1,
            "status": "finished",
            "final_error": 0.01,
            "final_heldout_error": 0.2,
        },
        {
            "n_mid": 3,
            "eta": 0.1,
            "activation": "tanh",
            "depth": 1,
            "status": "finished",
            "final_error": 0.001,
            "final_heldout_error": 0.02,
        },
    ]
    table = render_results(runs)
    assert "<th>activation</th>" in table and "<th>depth</th>" not in table
    assert "<th>held-out error</th>" in table
    assert "<td>tanh</td>" in table and '<td class="error">2.00e-02</td>' in table


@pytest.mark.parametrize(
    "field, value",
    [
        ("data", {"name": "", "x": 2.5}),  # numbers where a list of them goes
        ("frame_epochs", list(range(100_000))),  # far more frames than a run may have
        ("status", "x" * 100_000),
        ("runs", [{"n_mid": 3, "eta": 0.1}] * 1000),
        ("runs", [{"n_mid": 3, "eta": 0.1, "status": "y" * 100_000}]),
    ],
    ids=["data-x-a-number", "frame-epochs-100000", "status-100k", "runs-1000", "a-run-s-status"],
)
def test_a_crafted_record_is_skipped_and_the_other_cards_stay(runs, field, value):
    before = page_of(runs)
    make_gif(runs / "crafted.gif", BLUE)
    crafted = record("crafted.gif", settings([3], [0.1]), [], status="finished")
    crafted["videos"] = ["crafted.mp4"]
    (runs / "crafted.mp4").write_bytes(b"\0" * 64)
    if field == "data":
        crafted["settings"]["data"] = value
    else:
        crafted[field] = value
    write(runs, "crafted.json", crafted, T0 + 99)
    after = page_of(runs)
    assert after.images == before.images and after.headings == before.headings
    assert (runs / "index.html").stat().st_size < 100_000


def test_nested_records_in_the_folder_leave_the_gallery_working(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("deep.json").write_text(deep(100_000))
    record = {
        "kind": "regress-demo run",
        "gif": "run.gif",
        "status": deep(3),
        "settings": {"target": "T", "n_mid": "T"},
        "runs": [{"n_mid": "T", "status": "T"}],
    }
    Path("nested.json").write_text(json.dumps(record).replace('"T"', deep(500)))
    Path("deeper.json").write_text(json.dumps(record).replace('"T"', deep(5000)))
    code, out, err = run_main(["--epoch", "3", "-q", "--out", "run.gif"])
    assert code == 0 and err == ""
    page = Path("index.html").read_text()
    # this run, and the nested record that names its GIF
    assert page.count('<article class="card') == 2


def test_a_fifo_or_dev_zero_in_the_output_folder_neither_hangs_nor_eats_memory(tmp_path):
    os.mkfifo(tmp_path / "fifo.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    os.symlink("/dev/zero", tmp_path / "index.html")
    code, out, err = command(["--epoch", "3", "-q", "--out", "run.gif"], cwd=tmp_path, timeout_s=60)
    assert code == 0 and err == FOREIGN_INDEX.format(index="index.html")
    assert sorted(os.listdir(tmp_path)) == [
        "fifo.json",
        "index.html",
        "run.gif",
        "run.json",
        "run.npz",
        "run.png",
        "zero.json",
    ]
    assert os.readlink(tmp_path / "index.html") == "/dev/zero"  # someone else's: left alone


# --- 500 runs: finding and comparing them --------------------------------------------------------

MANY = 500


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory) -> dict:
    """Two small runs with a WebM video each: 5 frames at epochs 0, 10, 20, 29, 39, and 3 at 0, 20,
    39 with eta 0.5. (name: its folder)"""
    from regress_demo import Settings
    from regress_demo import make_gif as run

    folders = {}
    for name, more in [("a", {"frames": 5}), ("b", {"frames": 3, "eta": 0.5})]:
        folders[name] = tmp_path_factory.mktemp(name)
        run(Settings(epoch=40, video=("webm",), **more), folders[name] / f"{name}.gif")
    return folders


def copy_run(source: Path, folder: Path, name: str, mtime: int, video=False, **changes):
    """The run in `source` copied into `folder` as `name` (its files hard-linked, its record renamed
    and changed: settings, status, final error); `video` False drops the video (a GIF-only run)."""
    record = json.loads(next(source.glob("*.json")).read_text())
    os.link(source / record["gif"], folder / f"{name}.gif")
    record.update(gif=f"{name}.gif", sheet=None, videos=[])
    if video:
        os.link(source / next(source.glob("*.webm")).name, folder / f"{name}.webm")
        record["videos"] = [f"{name}.webm"]
    for key, value in changes.items():
        if key in record["settings"]:
            record["settings"][key] = value
        elif key in ("final_error", "status"):
            record["runs"][0][key] = value
        if key in ("status", "layers_edited"):
            record[key] = value
    write(folder, f"{name}.json", record, mtime)


@pytest.fixture(scope="module")
def many(small_runs, tmp_path_factory) -> Path:
    """A folder of 500 runs, newest first: run-000 and run-001 with videos (a, b), the rest GIF-only
    copies of a; every 10th with n_mid 10, every 25th diverged, and final errors that vary; run-003
    of an edited layers.py."""
    folder = tmp_path_factory.mktemp("many")
    for i in range(MANY):
        changes = {"final_error": (i % 97 + 1) * 1e-4}
        if i % 10 == 5:
            changes["n_mid"] = [10]
        if i % 25 == 7:
            changes.update(status="diverged", final_error=None)
        if i == 3:
            changes["layers_edited"] = "3f2a9c"  # a run of an edited layers.py
        source = small_runs["b" if i == 1 else "a"]
        copy_run(source, folder, f"run-{i:03}", T0 + MANY - i, video=i < 2, **changes)
    write_index(folder)
    return folder


def visible(tab) -> int:
    return tab.evaluate(
        "() => Array.prototype.filter.call(document.querySelectorAll('article'),"
        " function (card) { return !card.hidden; }).length"
    )


LOADED = """() => {
  var images = Array.prototype.slice.call(document.images);
  function inView(image) {
    var box = image.getBoundingClientRect();
    return box.top < window.innerHeight && box.bottom > 0;
  }
  function loaded(image) { return image.complete && image.naturalWidth > 0; }
  return [images.filter(loaded).length, images.filter(inView).length,
          images.filter(function (image) { return inView(image) && loaded(image); }).length];
}"""


def test_500_runs_open_at_once_and_fetch_only_the_first_screen(many, open_page):
    assert (many / "index.html").stat().st_size < 2_000_000
    tab = open_page(many / "index.html")
    loaded = tab.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
    assert loaded < 2000  # milliseconds from the start to the load event (all 500 GIFs: 5 s)
    fetched, in_view, shown = tab.evaluate(LOADED)
    assert in_view >= 1 and shown == in_view  # the first screen's films are there
    assert fetched <= 30, fetched  # and not the other 470
    assert tab.evaluate("() => document.querySelectorAll('article').length") == MANY
    tab.wait_for_function("() => !document.querySelector('.player video').paused")  # it plays
    tab.evaluate("() => window.scrollTo(0, document.body.scrollHeight / 2)")
    # further down, the films are fetched as they come into view
    tab.wait_for_function(f"() => ({LOADED})()[1] > 0 && ({LOADED})()[2] === ({LOADED})()[1]")
    assert tab.evaluate(LOADED)[0] > fetched
    # a film plays only while its card is on screen: the first card's video paused down here...
    playing = "() => !document.querySelector('.player video').paused"
    tab.wait_for_function(f"() => !({playing})()")
    assert tab.evaluate("() => document.querySelector('.player').dataset.away") == "1"
    tab.evaluate("() => window.scrollTo(0, 0)")
    tab.wait_for_function(playing)  # ...and playing again back up


def test_the_search_field_filters_and_sorting_narrow_and_order_the_cards(many, open_page):
    tab = open_page(many / "index.html")
    tab.fill("#find-text", "n_mid=10")
    assert visible(tab) == MANY // 10
    assert tab.text_content("#find-count") == f"{MANY // 10} of {MANY} shown"
    tab.fill("#find-text", "")
    tab.select_option("#find-status", "diverged")
    assert visible(tab) == MANY // 25
    tab.select_option("#find-status", "")
    tab.select_option("#find-setting", label="n_mid 10")
    assert visible(tab) == MANY // 10
    tab.select_option("#find-setting", "")
    tab.select_option("#find-source", "data")
    assert visible(tab) == 0
    tab.select_option("#find-source", "")
    tab.select_option("#find-sort", "error")
    errors = tab.eval_on_selector_all("article", "cards => cards.map(c => c.dataset.error)")
    finite = [float(value) for value in errors if value]
    assert finite == sorted(finite) and errors[-(MANY // 25) :] == [""] * (MANY // 25)
    tab.select_option("#find-sort", "newest")
    orders = tab.eval_on_selector_all("article", "cards => cards.map(c => c.dataset.order)")
    assert orders == [str(i) for i in range(MANY)]


def errors_of(source: Path) -> list:
    return json.loads(next(source.glob("*.json")).read_text())["runs"][0]["errors"]


def tick(tab, *cards: int):
    for card in cards:
        tab.locator("article .pick-box").nth(card).check()


def readouts(tab) -> list:
    return tab.locator("#compare output").all_text_contents()


def test_two_videos_compared_step_together_by_epoch(many, small_runs, open_page):
    tab = open_page(many / "index.html")
    assert not tab.locator("#compare").is_visible()
    tick(tab, 0, 1)
    assert tab.locator("#compare").is_visible() and tab.locator("#compare video").count() == 2
    assert tab.text_content("#compare .differ") == "differ: eta 0.1 / 0.5, frames 5 / 3"
    a, b = errors_of(small_runs["a"]), errors_of(small_runs["b"])
    assert readouts(tab) == [f"epoch 0 · error {a[0]:.2e}", f"epoch 0 · error {b[0]:.2e}"]
    # the slider runs over both films' epochs (0, 10, 20, 29, 39): the third is epoch 20 in both
    tab.eval_on_selector(
        "#compare .seek", "s => { s.value = 2; s.dispatchEvent(new Event('input')); }"
    )
    assert readouts(tab) == [f"epoch 20 · error {a[20]:.2e}", f"epoch 20 · error {b[20]:.2e}"]
    times = "() => Array.prototype.map.call(document.querySelectorAll('#compare video'),"
    times += " function (video) { return video.currentTime; })"
    assert tab.evaluate(times) == pytest.approx([2.5 / 10, 1.5 / 10])  # frame 2 of a, 1 of b
    tab.focus("#compare .forward")
    tab.keyboard.press("ArrowRight")  # epoch 29: b has no frame there and shows its epoch 20
    assert readouts(tab) == [f"epoch 29 · error {a[29]:.2e}", f"epoch 20 · error {b[20]:.2e}"]
    tab.keyboard.press("End")
    assert readouts(tab) == [f"epoch 39 · error {a[39]:.2e}", f"epoch 39 · error {b[39]:.2e}"]
    tab.keyboard.press("Escape")  # closed, and the keyboard is back on the card
    assert not tab.locator("#compare").is_visible()
    assert tab.locator(".pick-box:checked").count() == 0
    assert tab.evaluate("() => document.activeElement.className") == "pick-box"
    tick(tab, 0, 1)
    tab.click("#compare .close")
    assert not tab.locator("#compare").is_visible()
    assert tab.locator(".pick-box:checked").count() == 0


def canvas_pixels(tab, index: int):
    import base64

    import numpy as np

    url = tab.locator("#compare canvas").nth(index).evaluate("c => c.toDataURL('image/png')")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def test_gifs_compared_are_drawn_frame_by_frame_and_an_edited_layers_py_is_named(
    many, small_runs, open_page
):
    from helpers import decode_gif

    frames = decode_gif(small_runs["a"] / "a.gif").frames
    tab = open_page(many / "index.html")
    tick(tab, 2, 3)
    assert tab.text_content("#compare .differ") == (
        "differ: layers.py as in the book / layers.py edited (3f2a9c)"
    )
    chooser = tab.locator("#compare input[type=file]")
    assert chooser.count() == 2  # a page may not read a file by itself: it asks for the GIF
    for side, name in enumerate(("run-002.gif", "run-003.gif")):
        chooser.nth(side).set_input_files(str(many / name))
        tab.wait_for_function(
            f"() => document.querySelectorAll('#compare canvas').length === {side + 1}"
        )
    tab.focus("#compare .forward")
    for key, frame in [("End", 4), ("ArrowLeft", 3), ("Home", 0)]:
        tab.keyboard.press(key)
        epoch = [0, 10, 20, 29, 39][frame]
        a = errors_of(small_runs["a"])
        assert readouts(tab) == [f"epoch {epoch} · error {a[epoch]:.2e}"] * 2
        for side in (0, 1):  # (each frame is decoded, then drawn)
            tab.wait_for_function(
                f"() => document.querySelectorAll('#compare canvas')[{side}].dataset.frame"
                f" === '{frame}'"
            )
            pixels = canvas_pixels(tab, side)
            assert pixels.shape == frames[frame].shape
            assert abs(pixels - frames[frame]).mean() < 1, (key, side)


@pytest.fixture(scope="module")
def few(small_runs, tmp_path_factory) -> Path:
    """Four runs: two with videos (a, b), two GIF-only, one of them of an edited layers.py."""
    folder = tmp_path_factory.mktemp("few")
    for i in range(4):
        more = {"layers_edited": "3f2a9c"} if i == 3 else {}
        copy_run(small_runs["b" if i == 1 else "a"], folder, f"run-{i}", T0 - i, i < 2, **more)
    write_index(folder)
    return folder


def test_axe_finds_nothing_wrong_with_and_without_the_compare_view(few, open_page):
    tab = open_page(few / "index.html")
    assert axe_violations(tab) == []
    tick(tab, 0, 2)  # a video and a GIF, side by side
    assert tab.locator("#compare video").count() == 1 and tab.locator("#compare img").count() == 1
    assert axe_violations(tab) == []


def test_the_player_and_the_compare_view_fill_the_screen_from_the_keyboard(few, open_page):
    tab = open_page(few / "index.html")
    full = tab.get_by_role("button", name="full screen")
    assert full.count() == 2  # each player's (the compare view's is closed)
    full.first.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.fullscreenElement !== null")
    assert tab.evaluate("() => document.fullscreenElement.className") == "player"
    assert tab.evaluate("() => document.querySelector('.player video').offsetWidth") > 1000
    tab.keyboard.press("Enter")  # the button, still focused, leaves it
    tab.wait_for_function("() => document.fullscreenElement === null")
    tick(tab, 0, 1)
    assert full.count() == 3
    tab.focus("#compare .full")
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.fullscreenElement !== null")
    assert tab.evaluate("() => document.fullscreenElement.id") == "compare"


def test_a_card_names_what_differs_from_the_textbook_and_folds_the_rest(runs):
    html = write_index(runs).read_text(encoding="utf-8")
    changed = re.findall(r'<p class="changed">(.*?)</p>', html)
    assert changed == [
        "differs from the textbook: seed=0",
        "differs from the textbook: n_mid=1, 3, eta=0.05, 0.5, seed=0, label="
        + "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;",
        "differs from the textbook: eta=5, seed=0",
    ]
    statuses = re.findall(r'<p class="status">(.*?)</p>', html)
    assert statuses == [
        '<span class="badge">finished</span> · 2 frames · final error 6.29e-05',
        f'<span class="badge">finished</span> · 2 frames · best final error {0.051:.2e}',
        '<span class="badge">diverged</span> · 2 frames',
    ]
    assert html.count("<details><summary>all settings</summary>") == 3
    assert html.count('<dl class="settings">') == 3 and html.count("</dl>\n</details>") == 3


def test_the_textbook_s_run_says_so_and_a_japanese_page_asks_for_japanese_fonts(tmp_path):
    make_gif(tmp_path / "run.gif", RED)
    settings = {**DEFAULTS, "lang": "ja"}
    write(tmp_path, "run.json", record("run.gif", settings, []), T0)
    html = write_index(tmp_path).read_text(encoding="utf-8")
    assert '<p class="changed">教科書どおりの設定</p>' in html
    fonts = 'IPAexGothic, "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, sans-serif'
    assert f"body {{ font-family: {fonts}; }}" in " ".join(html.split())
    write(tmp_path, "run.json", record("run.gif", {**DEFAULTS, "lang": "en"}, []), T0)
    assert "IPAexGothic" not in write_index(tmp_path).read_text(encoding="utf-8")
