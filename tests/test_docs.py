"""The documentation: README.md, README.ja.md and docs/*.md. Every link leads to a file and a
heading that exist, every command the pages show is one the command line takes, the two set-up
commands are the same in both READMEs, the options page lists exactly the parser's options, and
each reference page says what it is for."""

import os
import re
import shlex
from pathlib import Path

import pytest

from regress_demo.app import cli

ROOT = Path(__file__).resolve().parent.parent
README, README_JA = ROOT / "README.md", ROOT / "README.ja.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, README_JA] + DOCS
#: The set-up commands of the README: CI runs the second one.
SET_UP = [
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/regress-demo",
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest",
]


def read(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def prose(text: str) -> str:
    """The text without its fenced code blocks (a `#` comment there is no heading)."""
    return re.sub(r"```.*?```", "", text, flags=re.S)


def bash_blocks(text: str) -> list:
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set:
    return {slug(h) for h in re.findall(r"^#{1,6} (.+)$", prose(read(page)), flags=re.M)}


def links(text: str) -> list:
    """The relative links (and pictures) of a page: (path, anchor)."""
    found = re.findall(r"\]\(([^)\s]+)\)", prose(text))
    return [tuple((link + "#").split("#")[:2]) for link in found if ":" not in link]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_leads_to_a_file_and_a_heading(page):
    found = links(read(page))
    for path, anchor in found:
        target = (page.parent / path).resolve() if path else page
        assert target.is_file(), f"{page.name}: {path} does not exist"
        if anchor:
            assert anchor in anchors(target), f"{page.name}: {path}#{anchor} has no such heading"


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](page.md#title) [b](page.md#nothing) [c](gone.md)\n")
    assert links(read(page)) == [("page.md", "title"), ("page.md", "nothing"), ("gone.md", "")]
    assert anchors(page) == {"title"}
    assert slug("How the fast loops are checked against layers.py") == (
        "how-the-fast-loops-are-checked-against-layerspy"
    )
    assert slug("Video, and the gallery's player") == "video-and-the-gallerys-player"


def test_every_page_that_is_linked_to_is_reached_from_the_readme():
    reached = {(README.parent / path).resolve() for path, _ in links(read(README))}
    for page in DOCS + [README_JA]:
        assert page.resolve() in reached, f"the README does not link to {page.name}"


# ---- commands ----


def accepted(words: list) -> None:
    """Parse a regress-demo command line as the command does, without running it (from the
    checkout, where examples/daylight.csv is)."""
    if words in (["--help"], ["--version"]):
        return  # (they print and stop)
    args = cli.build_parser().parse_args(cli.negative_ranges_attached(words))
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        cli.parse_settings(args)
    finally:
        os.chdir(before)


def check_command(part: str) -> None:
    """One command of a code block: regress-demo with its options, or a set-up or test command
    whose files exist."""
    words = shlex.split(part, comments=True)
    program, rest = words[0], words[1:]
    if program in ("regress-demo", ".venv/bin/regress-demo"):
        accepted(rest)
    elif program == "python3":
        assert rest == ["-m", "venv", ".venv"], part
    elif program == ".venv/bin/pip":
        extras = re.findall(r"^(\w+) = \[", read(ROOT / "pyproject.toml"), flags=re.M)
        assert rest[:2] == ["install", "-e"] and rest[2] in ["."] + [f".[{e}]" for e in extras]
    elif program == ".venv/bin/python":
        paths = rest[2:] if rest[:2] == ["-m", "pytest"] else rest
        assert paths == [] or all((ROOT / path).is_file() for path in paths), part
    else:
        raise AssertionError(f"not a command the pages should show: {part}")


@pytest.mark.parametrize("page", [README, README_JA], ids=lambda page: page.name)
def test_every_command_in_a_readme_s_code_blocks_is_a_valid_command_line(page):
    parts = [
        part.strip()
        for block in bash_blocks(read(page))
        for line in block.splitlines()
        for part in line.split("&&")
        if part.strip()
    ]
    assert len(parts) >= 6
    for part in parts:
        check_command(part)


def test_a_command_the_parser_refuses_is_found():
    with pytest.raises(SystemExit):
        check_command("regress-demo --n-mids 3")
    with pytest.raises(ValueError):
        check_command("regress-demo --eta -1")
    with pytest.raises(AssertionError):
        check_command(".venv/bin/python -m pytest tests/test_nothing.py")


def test_every_regress_demo_command_the_pages_name_is_accepted():
    commands = [
        command
        for page in PAGES
        for command in re.findall(r"`(regress-demo(?: [^`]*)?)`", read(page))
        + re.findall(r"vs `(--[^`]*)`", read(page))
        + [line for block in bash_blocks(read(page)) for line in block.splitlines()]
        if "regress-demo" in command or command.startswith("--")
    ]
    assert len(commands) >= 30
    for command in commands:
        part = command.split("&&")[-1]
        words = shlex.split(part, comments=True)
        accepted(words[1:] if "regress-demo" in words[0] else words)


def test_the_two_set_up_commands_are_the_same_in_both_readmes():
    assert bash_blocks(read(README))[:2] == SET_UP
    assert bash_blocks(read(README_JA))[:2] == SET_UP


# ---- the options page ----


def option_rows() -> dict:
    """The options page's table: {first cell: default cell}."""
    table = read(ROOT / "docs" / "options.md").split("## The options", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split(" | ") for line in table.splitlines() if line.startswith("| `-")]
    return {cells[0].strip(): cells[1].strip() for cells in rows}


def test_the_options_page_lists_exactly_the_parser_s_options():
    on_page = {
        option for cell in option_rows() for option in re.findall(r"`(-{1,2}[a-z][\w-]*)", cell)
    }
    in_parser = {name for action in cli.build_parser()._actions for name in action.option_strings}
    assert on_page == in_parser


def test_each_default_on_the_options_page_is_the_parser_s():
    defaults = {}
    for action in cli.build_parser()._actions:
        said = re.search(r"\(default: ([^,()\s]+)\)$", " ".join((action.help or "").split()))
        if said:
            defaults[action.option_strings[0]] = said.group(1)
    assert len(defaults) >= 15
    rows = {
        re.match(r"`(--[\w-]+)", cell).group(1): default
        for cell, default in option_rows().items()
        if cell.startswith("`--")
    }
    for option, default in defaults.items():
        assert rows[option].strip("`") == default, option


# ---- what each page is for ----


@pytest.mark.parametrize("page", DOCS, ids=lambda page: page.name)
def test_each_reference_page_says_what_it_is_for_and_links_back(page):
    first = prose(read(page)).split("\n\n")[1]
    assert first.startswith("This page is for") and "](../README.md)" in first


def test_every_file_a_page_names_exists():
    for page in PAGES:
        text = read(page)
        named = re.findall(r"`((?:regress_demo|scripts|tests|examples)/[\w./-]+\.\w+)`", text)
        parts = re.findall(r"`((?:network|inputs|speed|film|files|app)/\w+\.py)`", text)
        named += [f"regress_demo/{part}" for part in parts]
        for path in named:
            assert (ROOT / path).is_file(), f"{page.name} names {path}"


def test_the_code_map_names_every_part_of_the_package():
    text = read(ROOT / "docs" / "code-map.md")
    parts = [p.name for p in (ROOT / "regress_demo").iterdir() if (p / "__init__.py").is_file()]
    assert sorted(parts) == ["app", "files", "film", "inputs", "network", "speed"]
    for part in parts:
        assert f"\n  {part}/ " in text


def test_the_readme_is_a_front_door():
    text = read(README)
    assert 150 <= len(text.splitlines()) <= 200
    assert max(len(line) for line in text.splitlines() if not line.startswith("!")) <= 300
    headings = re.findall(r"^## (.+)$", prose(text), flags=re.M)
    assert headings[:8] == [
        "Quick start",
        "What a frame shows",
        "Try next",
        "Read it beside the book",
        "For teaching",
        "Your own data",
        "From Python and in a notebook",
        "Tests",
    ]
    pitch = text.split("\n## ", 1)[0]
    assert "『はじめてのディープラーニング』" in pitch and "chapter 5" in pitch


def test_the_japanese_readme_names_the_book_and_says_how_to_save_a_csv():
    text = read(README_JA)
    assert "『はじめてのディープラーニング』第 5 章の回帰" in text.split("\n## ", 1)[0]
    assert "UTF-8" in text and "CSV UTF-8 (コンマ区切り)" in text and "Shift_JIS" in text
    assert 'lang="ja")' in text
    assert "説明 は" not in text


def test_the_file_name_the_options_page_gives_is_the_settings_own():
    from regress_demo.inputs.settings import Settings

    text = read(ROOT / "docs" / "options.md")
    assert "`sin_nmid3_eta0.1_epoch2001_seed1_fps5_size1920x1080`" in text
    named = Settings(fps=5, size=(1920, 1080), sheet="print", still=(5,), video=())
    assert named.file_stem() == "sin_nmid3_eta0.1_epoch2001_seed1_fps5_size1920x1080"


def test_every_link_in_the_walkthrough_notebook_leads_to_a_file_and_a_heading():
    import json

    notebook = ROOT / "docs" / "walkthrough.ipynb"
    cells = json.loads(read(notebook))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    found = links(text)
    assert found
    for path, anchor in found:
        target = (notebook.parent / path).resolve()
        assert target.is_file() and (not anchor or anchor in anchors(target)), (path, anchor)


def code_blocks(page: Path, language: str):
    """The fenced code blocks of a page in this language (``python``)."""
    return re.findall(rf"^```{language}\n(.*?)^```", read(page), flags=re.M | re.S)


def test_the_loop_the_textbook_page_quotes_is_train_epoch_s_own():
    import inspect

    from regress_demo.network.train import Training

    source = [
        line.split("#")[0].strip() for line in inspect.getsource(Training.train_epoch).split("\n")
    ]
    quoted = code_blocks(ROOT / "docs" / "textbook.md", "python")[1]  # the book's, then ours
    at = 0
    for line in quoted.strip().split("\n"):  # each line in the source, in the same order
        code = line.split("#")[0].strip()
        assert code in source[at:], f"not in train_epoch (in this order): {code}"
        at = source.index(code, at) + 1


def test_the_note_the_textbook_page_quotes_is_the_engine_s_note():
    from regress_demo.film import japanese

    page = read(ROOT / "docs" / "textbook.md").split("\n")
    (quoted,) = [line for line in page if line.startswith("regress-demo: ")]
    note = quoted.removeprefix("regress-demo: ")
    assert japanese.note(note) != note  # (the engines' notes are the ones it translates)
    assert note.endswith(", whose gradients pass the gradient check")
