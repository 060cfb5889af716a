"""Plain SGD with batch size 1, as in the textbook, with a snapshot at each recorded epoch."""

from __future__ import annotations

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

    def predict(self, x):
        """The network's output for inputs x of shape (n,), as shape (n,)."""
        hidden = self.middle_layer.forward(np.reshape(x, (-1, 1)))
        return self.output_layer.forward(hidden).reshape(-1)

    def train_epoch(self):
        """One epoch of SGD: every sample once, in a fresh random order. Returns each sample's output."""
        eta = self.settings.eta
        outputs = np.empty_like(self.t)
        total_error = 0.0
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

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a Snapshot at each epoch that becomes a frame.

        `on_epoch(epoch, error)`, if given, is called after every epoch (for a progress line).
        """
        recorded = set(self.settings.frame_epochs())
        for epoch in range(len(self.errors), self.settings.epoch):
            outputs = self.train_epoch()
            if on_epoch is not None:
                on_epoch(epoch, self.errors[-1])
            if epoch in recorded:
                fit = self.predict(self.grid)
                yield Snapshot(epoch, self.errors[-1], fit, outputs)
