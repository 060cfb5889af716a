"""Drawing on two cores is a speed-up only: the same GIF and contact sheet, byte for byte."""

import pytest
from helpers import decode_gif

from regress_demo.app.run import make_gif
from regress_demo.files import parallel
from regress_demo.files.gif import GifWriter
from regress_demo.inputs.settings import Settings

pytestmark = pytest.mark.skipif(parallel.split_at(100) == 100, reason="needs fork and two cores")


def made_alone_and_split(settings, tmp_path, monkeypatch):
    """The run's GIF and sheet bytes drawn by one process, then by two."""
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "MIN_FRAMES", 10**9)
        alone = make_gif(settings, tmp_path / "alone.gif")
    split = make_gif(settings, tmp_path / "split.gif")
    assert parallel.split_at(alone.frames) < alone.frames  # the second run did use a second process
    return [(result.path.read_bytes(), result.sheet_path.read_bytes()) for result in (alone, split)]


@pytest.mark.parametrize(
    "settings",
    [
        Settings(epoch=40, interval=2),  # trails and a growing loss curve
        Settings(
            epoch=40, interval=2, holdout=(0.2, 0.5), n_mid=12
        ),  # a held-out curve, neurons summed
        Settings(epoch=34, interval=2, simple=True),
        Settings(
            n_mid=(1, 3), eta=(0.1, 4.0), epoch=40, interval=2
        ),  # a grid; one configuration diverges
    ],
    ids=["rich", "heldout", "simple", "grid"],
)
def test_two_processes_draw_the_same_gif_and_sheet_as_one(settings, tmp_path, monkeypatch):
    alone, split = made_alone_and_split(settings, tmp_path, monkeypatch)
    assert split[0] == alone[0]
    assert split[1] == alone[1]


def test_if_the_second_process_fails_the_first_draws_the_rest(tmp_path, monkeypatch):
    settings = Settings(epoch=40, interval=2)
    with monkeypatch.context() as patch:
        patch.setattr(parallel, "MIN_FRAMES", 10**9)
        alone = make_gif(settings, tmp_path / "alone.gif")

    def broken(self, frame):
        raise MemoryError("no room")

    monkeypatch.setattr(GifWriter, "following", broken)  # (only the second process calls it)
    done = []
    result = make_gif(
        settings, tmp_path / "split.gif", on_frame=lambda count, total: done.append((count, total))
    )
    assert result.path.read_bytes() == alone.path.read_bytes()
    assert done[-1] == (21, 21) and [count for count, _ in done] == sorted(
        count for count, _ in done
    )
    assert len(decode_gif(result.path).frames) == 21
