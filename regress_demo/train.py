"""Plain SGD with batch size 1, as in the textbook, with a snapshot at each recorded epoch."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import data
from .layers import MiddleLayer, OutputLayer
from .settings import Settings


@dataclass
class Snapshot:
    """What a frame shows of one recorded epoch."""

    epoch: int  # counted from 0, as in the textbook
    error: float  # the epoch's mean of 1/2 (y - t)^2 over the samples
    fit: np.ndarray  # the prediction on data.grid(), with the weights at the end of the epoch
    outputs: np.ndarray  # the output y for each sample (in sample order) while it was trained on
    diverged: bool = False  # training stopped here: the error or a weight blew up


#: An epoch error this many times the first epoch's (or any error above EXPLODED) counts as divergence.
DIVERGENCE_FACTOR = 100.0
EXPLODED = 1e12


class Training:
    """A network of one sigmoid hidden layer and one identity output, trained on the sine data."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings = Settings() if settings is None else settings
        self.rng = np.random.default_rng(settings.seed)
        self.x, self.t = data.sine_data()
        self.grid = data.grid()
        self.middle_layer = MiddleLayer(1, settings.n_mid, settings.wb_width, self.rng)
        self.output_layer = OutputLayer(settings.n_mid, 1, settings.wb_width, self.rng)
        self.errors: list[float] = []  # the error of every epoch trained so far
        self.diverged_at: int | None = None  # the epoch at which training blew up, if it did

    def predict(self, x):
        """The network's output for inputs x of shape (n,), as shape (n,)."""
        with np.errstate(over="ignore", invalid="ignore"):  # weights may have blown up
            hidden = self.middle_layer.forward(np.reshape(x, (-1, 1)))
            return self.output_layer.forward(hidden).reshape(-1)

    def train_epoch(self):
        """One epoch of SGD: every sample once, in a fresh random order. Returns each sample's output."""
        eta = self.settings.eta
        outputs = np.empty_like(self.t)
        total_error = 0.0
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow: see has_diverged
            for i in self.rng.permutation(len(self.x)):
                x = self.x[i : i + 1].reshape(1, 1)  # one sample: batch of 1, one input
                t = self.t[i : i + 1].reshape(1, 1)
                # forward propagation
                self.middle_layer.forward(x)
                y = self.output_layer.forward(self.middle_layer.y)
                # backpropagation
                self.output_layer.backward(t)
                self.middle_layer.backward(self.output_layer.grad_x)
                # update of weights and biases
                self.middle_layer.update(eta)
                self.output_layer.update(eta)
                outputs[i] = y[0, 0]
                total_error += 0.5 * (y[0, 0] - t[0, 0]) ** 2
        self.errors.append(total_error / len(self.x))
        return outputs

    def has_diverged(self) -> bool:
        """True when the last epoch's error or any weight is not finite, or the error exploded."""
        error = self.errors[-1]
        limit = min(EXPLODED, DIVERGENCE_FACTOR * max(self.errors[0], 0.1))
        weights = (self.middle_layer.w, self.middle_layer.b, self.output_layer.w, self.output_layer.b)
        return not (math.isfinite(error) and error <= limit and all(np.isfinite(w).all() for w in weights))

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a Snapshot at each epoch that becomes a frame.

        If training diverges, the epoch where it did is the last snapshot (with ``diverged=True``)
        and ``diverged_at`` is set. `on_epoch(epoch, error)`, if given, is called after every epoch.
        """
        recorded = set(self.settings.frame_epochs())
        for epoch in range(len(self.errors), self.settings.epoch):
            outputs = self.train_epoch()
            if on_epoch is not None:
                on_epoch(epoch, self.errors[-1])
            if self.has_diverged():
                self.diverged_at = epoch
                yield Snapshot(epoch, self.errors[-1], self.predict(self.grid), outputs, diverged=True)
                return
            if epoch in recorded:
                yield Snapshot(epoch, self.errors[-1], self.predict(self.grid), outputs)
