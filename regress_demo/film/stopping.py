"""What the frames, the record, the printed line, the notebook and the gallery say of --stop-at.

The rule itself (training stops at the first epoch whose error is at or below the given one, as it
stops a network that diverges) is network/stopping.py's; the frames' words are in texts.py.
"""

from __future__ import annotations

import math
from typing import List, Optional

from .texts import Texts

#: The printed line's texts: English whatever the run's language.
ENGLISH = Texts("en")


def threshold(value: float) -> str:
    """The error to stop at as a person writes it: ``1e-3``, ``2.5e-4``, ``0.05``."""
    text = f"{value:g}"
    if value < 0.01 or "e" in text:
        mantissa, exponent = f"{value:e}".split("e")
        text = f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return text


def reached_text(stop_at: float, epoch: int) -> str:
    """``reached 1e-3 at epoch 666``."""
    return f"reached {threshold(stop_at)} at epoch {epoch}"


def grid_header(snapshots, stop_at: float, epoch: int, epochs: int, say) -> Optional[str]:
    """A grid frame's header once a network has reached the error: ``epoch 700 / 2001   2 of 3
    reached 1e-3``, or ``all 3 reached 1e-3, the last at epoch 666``; None before any has."""
    count = sum(snapshot.reached for snapshot in snapshots)
    if not count:
        return None
    if count == len(snapshots):
        return say("grid_all_reached", count=count, limit=threshold(stop_at), epoch=epoch)
    return say(
        "grid_some_reached",
        epoch=epoch,
        epochs=epochs,
        count=count,
        total=len(snapshots),
        limit=threshold(stop_at),
    )


def record_fields(status: str, reached_at: Optional[int], last_epoch: int) -> dict:
    """A network's status and reached_at for the run record: "reached" if the film shows it
    reaching the error (its last frame is that epoch), else the status it would have had."""
    shown = reached_at is not None and reached_at <= last_epoch and status != "diverged"
    return {"status": "reached" if shown else status, "reached_at": reached_at if shown else None}


def run_status(status: str, reached_at: List[Optional[int]]) -> str:
    """The run's status: "reached" if it finished and every network reached the error."""
    if status == "finished" and reached_at and all(epoch is not None for epoch in reached_at):
        return "reached"
    return status


def summary(settings, reached_at: List[Optional[int]], say: Texts = ENGLISH) -> str:
    """What the printed line and the notebook say: ``reached 1e-3 at epoch 666``, ``did not reach
    1e-3 in 2001 epochs``, or for a grid ``2 of 3 reached 1e-3 (n_mid=3 at epoch 500, ...)``; in the
    language of `say` (the printed line: English)."""
    limit = threshold(settings.stop_at)
    if not settings.is_grid:
        epoch = reached_at[0] if reached_at else None
        if epoch is None:
            return say("summary_not_reached", limit=limit, epochs=settings.epoch)
        return say("page_reached_at", limit=limit, epoch=epoch)
    which = [
        say("summary_grid_one", label=settings.label(config, " "), epoch=epoch)
        for config, epoch in zip(settings.configurations(), reached_at)
        if epoch is not None
    ]
    if not which:
        return say("summary_grid_none", total=len(reached_at), limit=limit, epochs=settings.epoch)
    listed = say("summary_separator").join(which)
    return say("summary_grid", count=len(which), total=len(reached_at), limit=limit, which=listed)


def card_ending(row: dict, stop_at, say) -> Optional[str]:
    """The gallery's "ending" of a network of a record, in the page's language: ``reached 1e-3 at
    epoch 666``, or ``finished, did not reach 1e-3``; None for a run without --stop-at (or a record
    that lacks it)."""
    if (
        not isinstance(stop_at, (int, float))
        or isinstance(stop_at, bool)
        or not math.isfinite(stop_at)
    ):
        return None
    if stop_at <= 0:
        return None
    epoch = row.get("reached_at")
    if row.get("status") == "reached" and isinstance(epoch, int) and not isinstance(epoch, bool):
        return say("page_reached_at", limit=threshold(stop_at), epoch=epoch)
    if row.get("status") == "finished":
        return say("page_not_reached", limit=threshold(stop_at))
    return None


def missing_stills(settings, result) -> str:
    """One line naming the --still epochs the run never reached (it stopped, or diverged, before),
    or ""."""
    last = (
        max(snapshot.epoch for snapshot in result.last_frame)
        if result.last_frame
        else settings.epoch - 1
    )
    beyond = [str(epoch) for epoch in settings.still or () if epoch != "last" and epoch > last]
    return f"no still of epoch {', '.join(beyond)}: the film ends at epoch {last}" if beyond else ""
