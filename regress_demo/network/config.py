"""What one network and its training are: the textbook's names and values, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class Config:
    """One network and how it is trained; the defaults are the textbook's regression example."""

    n_mid: int = 3  # neurons in each hidden layer
    activation: str = "sigmoid"  # of the hidden layers: a name in layers.MIDDLE_LAYERS
    depth: int = 1  # hidden layers
    eta: float = 0.1  # learning rate
    l2: float = 0.0  # L2 regularisation of the weights (lambda)
    momentum: float = 0.0  # classical momentum (mu)
    batch_size: int = 1  # samples per update: the textbook's SGD takes one at a time
    wb_width: float = 0.01  # the initial weights are wb_width * N(0, 1)
    seed: int = 1  # of the initial weights and the sample order
    epoch: int = 2001  # epochs to train
    record: Optional[Tuple[int, ...]] = None  # epochs to keep a snapshot of (None: every 200th)
    stop_at: Optional[float] = None  # stop at the first epoch whose error is at or below this

    def recorded_epochs(self) -> Tuple[int, ...]:
        """The epochs that get a snapshot: those given, or every 200th and the last (the
        textbook)."""
        if self.record is not None:
            return self.record
        return tuple(sorted(set(range(0, self.epoch, 200)) | {self.epoch - 1}))
