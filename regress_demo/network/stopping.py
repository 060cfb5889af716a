"""When training stops, written once for every trainer: a network stops when it diverges or when
its error reaches the error to stop at (--stop-at), and its last snapshot stays in the film.

Every trainer (train.Training and train.TrainingGroup here; the loops of speed/ that are checked
against them) offers the same few methods, declared by :class:`Trainer`, and gets its snapshots from
:func:`frozen_snapshots`.
"""

from __future__ import annotations

from typing import Dict, Iterator, List, Optional, Protocol

import numpy as np

#: An epoch error this many times the untrained network's counts as divergence.
DIVERGENCE_FACTOR = 100.0


def reached(error: float, stop_at: Optional[float]) -> bool:
    """True if this epoch's error is at or below the error to stop at (never for nan, or without
    one)."""
    return stop_at is not None and error <= stop_at


def has_diverged(error, weights, initial_error):
    """True when the error or any weight is not finite, or the error exploded: grew to
    DIVERGENCE_FACTOR times the untrained network's error (at least 0.1, the sine's own scale).

    For one network: its last error, its weight arrays, its untrained error. For K networks at once:
    errors of shape (K,), weight arrays of shape (K, ...) and initial errors (K,); a (K,) array of
    bools.
    """
    limit = DIVERGENCE_FACTOR * np.maximum(initial_error, 0.1)
    healthy = np.less_equal(error, limit)  # False for nan, and for inf
    healthy = healthy & np.isfinite(error)  # ... even when the untrained error was inf too
    for w in weights:
        healthy = healthy & np.isfinite(w).reshape(np.shape(error) + (-1,)).all(axis=-1)
    return ~healthy


class Trainer(Protocol):
    """What the shared loop needs of a trainer of K networks (K = 1 for a single run)."""

    errors: List[List[float]]  # per network, the error of every epoch it trained

    def running(self) -> np.ndarray:
        """(K,) True for each network still training."""

    def train_active(self) -> Dict[int, np.ndarray]:
        """One epoch for every active network: {network: its outputs during the epoch}."""

    def diverged(self) -> np.ndarray:
        """(K,) has_diverged for each network after the epoch just trained."""

    def stop(self, c: int, epoch: int, diverged: bool) -> None:
        """Network c stops at this epoch: it diverged, or (diverged False) it reached stop_at."""

    def snapshot(self, c: int, epoch: int, outputs, diverged=False, reached=False):
        """Network c's Snapshot after this epoch."""


def frozen_snapshots(
    trainer: Trainer, epochs: int, recorded, stop_at: Optional[float], on_epoch=None, start=0
) -> Iterator[list]:
    """Train epochs start..epochs-1; yield a list of K snapshots at each recorded epoch.

    A network that diverges, or reaches stop_at, stops: its snapshot of that epoch is yielded then
    (a frame is added at that epoch) and stays in every list that follows, the frozen last frame.
    Training ends when every network has stopped. `on_epoch(epoch, errors)`, if given, is called
    after every epoch with each network's latest error."""
    recorded = set(recorded)
    latest: list = [None] * len(trainer.errors)
    for epoch in range(start, epochs):
        outputs = trainer.train_active()
        diverged = trainer.diverged()
        stopped = False
        for c in list(outputs):
            if diverged[c] or reached(trainer.errors[c][-1], stop_at):
                trainer.stop(c, epoch, diverged=bool(diverged[c]))
                latest[c] = trainer.snapshot(
                    c, epoch, outputs.pop(c), diverged=bool(diverged[c]), reached=not diverged[c]
                )
                stopped = True
        if on_epoch is not None:
            on_epoch(epoch, [errors[-1] for errors in trainer.errors])
        if epoch in recorded or stopped:
            for c, network_outputs in outputs.items():
                latest[c] = trainer.snapshot(c, epoch, network_outputs)
            yield list(latest)
        if not trainer.running().any():
            return
