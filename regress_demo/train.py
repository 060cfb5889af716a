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
    """What a frame shows of one recorded epoch: its error, the in-epoch outputs, the weights at its end."""

    epoch: int  # counted from 0, as in the textbook
    error: float  # the epoch's mean of 1/2 (y - t)^2 over the samples
    outputs: np.ndarray  # (63,) the output y for each sample (in sample order) while it was trained on
    w1: np.ndarray  # (n_mid,) input -> hidden weights at the end of the epoch
    b1: np.ndarray  # (n_mid,) hidden biases
    w2: np.ndarray  # (n_mid,) hidden -> output weights
    b2: float  # the output bias
    diverged: bool = False  # training stopped here: the error or a weight blew up

    def contributions(self, x):
        """Each hidden neuron's share of the output, w2_j * sigmoid(w1_j x + b1_j): (n_mid, len(x))."""
        with np.errstate(over="ignore", invalid="ignore"):  # weights may have blown up
            u = np.outer(self.w1, x) + self.b1[:, None]  # u_j = w1_j x + b1_j
            return self.w2[:, None] / (1 + np.exp(-u))  # w2_j * sigmoid(u_j)

    def fit(self, x):
        """The network's output for inputs x: the sum of the contributions plus the output bias."""
        return self.contributions(x).sum(axis=0) + self.b2


#: Seeds of the random streams, combined with the run's seed: the sample order, each hidden
#: neuron's initial weights (one stream per neuron), the output bias.
ORDER_STREAM, NEURON_STREAM, OUTPUT_STREAM = 0, 1, 2
#: An epoch error this many times the untrained network's (or any error above EXPLODED) counts as divergence.
DIVERGENCE_FACTOR = 100.0
EXPLODED = 1e12


def initial_weights(n_mid: int, wb_width: float, seed: int):
    """Nested initial weights (w1, b1, w2 of shape (n_mid,), and b2): wb_width * N(0, 1) draws, where
    hidden neuron j's three come from a stream seeded by (seed, j). So neuron j starts the same
    whatever n_mid is, and runs that differ in n_mid are a fair comparison."""
    neurons = np.array(
        [np.random.default_rng([seed, NEURON_STREAM, j]).standard_normal(3) for j in range(n_mid)]
    ).reshape(n_mid, 3)
    b2 = np.random.default_rng([seed, OUTPUT_STREAM]).standard_normal()
    return wb_width * neurons[:, 0], wb_width * neurons[:, 1], wb_width * neurons[:, 2], wb_width * b2


def sample_order_rng(seed: int):
    """The generator of each epoch's sample order: the same for every configuration with this seed."""
    return np.random.default_rng([seed, ORDER_STREAM])


def has_diverged(errors, weights, initial_error: float) -> bool:
    """True when the last error or any weight is not finite, or the error exploded: grew to
    DIVERGENCE_FACTOR times the untrained network's error (at least 0.1, the sine's own scale)."""
    limit = min(EXPLODED, DIVERGENCE_FACTOR * max(initial_error, 0.1))
    finite = math.isfinite(errors[-1]) and all(np.isfinite(w).all() for w in weights)
    return not (finite and errors[-1] <= limit)


class Training:
    """A network of one sigmoid hidden layer and one identity output, trained on the sine data."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings = Settings() if settings is None else settings
        if settings.is_grid:
            raise ValueError("Training takes one configuration; train a grid with lockstep.Lockstep")
        self.rng = sample_order_rng(settings.seed)
        self.x, self.t = data.sine_data()
        self.grid = data.grid()
        self.middle_layer = MiddleLayer(1, settings.n_mid)
        self.output_layer = OutputLayer(settings.n_mid, 1)
        # Start from the nested initial weights, the same as in a comparison grid (see initial_weights).
        w1, b1, w2, b2 = initial_weights(settings.n_mid, settings.wb_width, settings.seed)
        self.middle_layer.w[0], self.middle_layer.b[:] = w1, b1
        self.output_layer.w[:, 0], self.output_layer.b[:] = w2, b2
        self.errors: list[float] = []  # the error of every epoch trained so far
        self.diverged_at: int | None = None  # the epoch at which training blew up, if it did
        with np.errstate(over="ignore", invalid="ignore"):
            self.initial_error = float(np.mean(0.5 * (self.predict(self.x) - self.t) ** 2))  # before training

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

    def snapshot(self, epoch, outputs, diverged=False) -> Snapshot:
        """The state after `epoch`, with the outputs produced during it."""
        return Snapshot(
            epoch, self.errors[-1], outputs,
            self.middle_layer.w[0].copy(), self.middle_layer.b.copy(),
            self.output_layer.w[:, 0].copy(), float(self.output_layer.b[0]), diverged,
        )

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a Snapshot at each epoch that becomes a frame.

        If training diverges, the epoch where it did is the last snapshot (with ``diverged=True``)
        and ``diverged_at`` is set. `on_epoch(epoch, error)`, if given, is called after every epoch.
        """
        recorded = set(self.settings.frame_epochs())
        layers = (self.middle_layer, self.output_layer)
        for epoch in range(len(self.errors), self.settings.epoch):
            outputs = self.train_epoch()
            if on_epoch is not None:
                on_epoch(epoch, self.errors[-1])
            if has_diverged(self.errors, [p for layer in layers for p in (layer.w, layer.b)], self.initial_error):
                self.diverged_at = epoch
                yield self.snapshot(epoch, outputs, diverged=True)
                return
            if epoch in recorded:
                yield self.snapshot(epoch, outputs)
