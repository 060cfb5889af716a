"""SGD with the layer classes, as in the textbook, with a snapshot at each recorded epoch.

The textbook trains one hidden layer of sigmoid neurons with batch size 1. The settings may change
that: other activations, several hidden layers (depth), mini-batches, L2 regularisation and
momentum; the loop stays the textbook's: forward, backward, update, layer by layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from ..film.stopping import limit, reached
from ..inputs.settings import Settings
from . import samples as data
from .layers import MIDDLE_LAYERS, OutputLayer

#: The weights of a network in the layers' shapes: [(w, b) of each hidden layer ..., (w, b) of the output].
Weights = List[Tuple[np.ndarray, np.ndarray]]


@dataclass
class Snapshot:
    """What a frame shows of one recorded epoch: its error, the in-epoch outputs, the weights at its end."""

    epoch: int  # counted from 0, as in the textbook
    error: float  # the epoch's mean of 1/2 (y - t)^2 over the training samples
    outputs: np.ndarray  # (n_train,) the output y for each training sample while it was trained on
    layers: (
        Weights  # the weights at the end of the epoch, hidden layers first, the output layer last
    )
    activation: str = "sigmoid"  # of the hidden layers
    diverged: bool = False  # training stopped here: the error or a weight blew up
    heldout_error: Optional[float] = None  # mean of 1/2 (y - t)^2 over the held-out samples, if any
    reached: bool = False  # training stopped here: the error reached --stop-at
    _network: Optional[list] = field(default=None, repr=False, compare=False)  # see network()

    @property
    def w1(self) -> np.ndarray:
        """(n_mid,) the input -> first hidden layer weights."""
        return self.layers[0][0][0]

    @property
    def b1(self) -> np.ndarray:
        """(n_mid,) the first hidden layer's biases."""
        return self.layers[0][1]

    @property
    def w2(self) -> np.ndarray:
        """(n_mid,) the last hidden layer -> output weights."""
        return self.layers[-1][0][:, 0]

    @property
    def b2(self) -> float:
        """The output bias."""
        return float(self.layers[-1][1][0])

    def network(self) -> list:
        """The layer objects of layers.py holding this snapshot's weights: every curve a frame draws
        goes through their forward."""
        if self._network is None:
            self._network = network(self.layers, self.activation)
        return self._network

    def hidden(self, x) -> np.ndarray:
        """The last hidden layer's outputs for inputs x of shape (n,): (n, n_mid)."""
        h = np.reshape(x, (-1, 1))
        with np.errstate(over="ignore", invalid="ignore"):  # weights may have blown up
            for layer in self.network()[:-1]:
                h = layer.forward(h)  # h = f(h W + b), layer by layer
        return h

    def contributions(self, x) -> np.ndarray:
        """Each neuron of the last hidden layer's share of the output, w2_j * h_j(x): (n_mid, len(x)).
        The output layer's forward is their sum plus b2."""
        with np.errstate(over="ignore", invalid="ignore"):
            return (self.hidden(x) * self.w2).T

    def fit(self, x) -> np.ndarray:
        """The network's output for inputs x of shape (n,): the output layer's forward of the hidden outputs."""
        with np.errstate(over="ignore", invalid="ignore"):
            return self.network()[-1].forward(self.hidden(x))[:, 0]


#: Passed to the layers' constructor where the weights are set right after: its draws are not used.
_UNUSED_DRAWS = np.random.default_rng(0)


def network(weights: Weights, activation: str = "sigmoid") -> list:
    """Layer objects of layers.py holding these weights (the arrays themselves, not copies): the
    hidden layers of this activation, then the output layer."""
    Middle = MIDDLE_LAYERS[activation]  # noqa: N806 - a class
    layers = [Middle(*w.shape, rng=_UNUSED_DRAWS) for w, _ in weights[:-1]]
    layers.append(OutputLayer(*weights[-1][0].shape, rng=_UNUSED_DRAWS))
    for layer, (w, b) in zip(layers, weights):
        layer.w, layer.b = w, b
    return layers


def forward(layers, x) -> np.ndarray:
    """The output of these layers for inputs x of shape (n,), as shape (n,): forward, layer by layer."""
    y = np.reshape(x, (-1, 1))
    with np.errstate(over="ignore", invalid="ignore"):  # weights may have blown up
        for layer in layers:
            y = layer.forward(y)
    return y.reshape(-1)


#: Seeds of the random streams, combined with the run's seed: the sample order, each hidden
#: neuron's initial weights (one stream per neuron), the output bias. (data.py's noise uses 3.)
ORDER_STREAM, NEURON_STREAM, OUTPUT_STREAM = 0, 1, 2
#: An epoch error this many times the untrained network's counts as divergence.
DIVERGENCE_FACTOR = 100.0


def initial_layers(n_mid: int, wb_width: float, seed: int, depth: int = 1) -> Weights:
    """Nested initial weights, wb_width * N(0, 1) draws, in the layers' shapes.

    Hidden neuron j of layer l has a stream of its own, seeded by (seed, j) for the first layer and
    (seed, j, l) for the others. It draws its weight from the first input of its layer, its bias, its
    weight to the output (used if its layer is the last hidden one), then its weights from the
    other inputs. So neuron j starts the same whatever n_mid is, and runs that differ in n_mid are a
    fair comparison."""
    layers, n_upper = [], 1
    for layer in range(depth):
        w, b, w_out = np.empty((n_upper, n_mid)), np.empty(n_mid), np.empty((n_mid, 1))
        for j in range(n_mid):
            key = [seed, NEURON_STREAM, j] + ([layer] if layer else [])
            draws = np.random.default_rng(key).standard_normal(n_upper + 2)
            w[0, j], b[j], w_out[j, 0] = draws[:3]
            w[1:, j] = draws[3:]
        layers.append((wb_width * w, wb_width * b))
        n_upper = n_mid
    b_out = np.random.default_rng([seed, OUTPUT_STREAM]).standard_normal(1)
    layers.append((wb_width * w_out, wb_width * b_out))
    return layers


def initial_weights(n_mid: int, wb_width: float, seed: int):
    """The initial weights of a one-hidden-layer network as vectors: w1, b1, w2 of shape (n_mid,), and b2."""
    (w1, b1), (w2, b2) = initial_layers(n_mid, wb_width, seed)
    return w1[0], b1, w2[:, 0], float(b2[0])


def sample_order_rng(seed: int):
    """The generator of each epoch's sample order: the same for every configuration with this seed."""
    return np.random.default_rng([seed, ORDER_STREAM])


def has_diverged(error, weights, initial_error):
    """True when the error or any weight is not finite, or the error exploded: grew to
    DIVERGENCE_FACTOR times the untrained network's error (at least 0.1, the sine's own scale).

    For one network: its last error, its weight arrays, its untrained error. For K networks at once:
    errors of shape (K,), weight arrays of shape (K, ...) and initial errors (K,); a (K,) array of bools.
    """
    healthy = np.less_equal(
        error, DIVERGENCE_FACTOR * np.maximum(initial_error, 0.1)
    )  # False for nan, and for inf
    healthy = healthy & np.isfinite(error)  # ... even when the untrained error was inf too
    for w in weights:
        healthy = healthy & np.isfinite(w).reshape(np.shape(error) + (-1,)).all(axis=-1)
    return ~healthy


def half_mean_square(y, t) -> float:
    """The error of the textbook: the mean of 1/2 (y - t)^2."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(0.5 * (np.asarray(y) - t) ** 2))


class Training:
    """A network of hidden layers (the textbook: one of sigmoid neurons) and an identity output,
    trained by SGD on the samples of the settings."""

    def __init__(self, settings: Settings | None = None):
        self.settings = s = Settings() if settings is None else settings
        if s.is_grid:
            raise ValueError(
                "Training takes one configuration; train a grid with TrainingGroup or lockstep.Lockstep"
            )
        self.rng = sample_order_rng(s.seed)
        self.dataset = s.dataset()
        self.x, self.t = self.dataset.x_train, self.dataset.t_train  # the training samples
        self.grid = data.grid()
        Middle = MIDDLE_LAYERS[s.activation]  # noqa: N806 - a class
        self.middle_layers = [Middle(1 if d == 0 else s.n_mid, s.n_mid) for d in range(s.depth)]
        self.output_layer = OutputLayer(s.n_mid, 1)
        # Start from the nested initial weights, the same as in a comparison grid (see initial_layers).
        for layer, (w, b) in zip(self.layers, initial_layers(s.n_mid, s.wb_width, s.seed, s.depth)):
            layer.w[:], layer.b[:] = w, b
        self.errors: list[float] = []  # the error of every epoch trained so far
        self.heldout_errors: list[
            float
        ] = []  # the held-out error at the end of every epoch, if any
        self.diverged_at: int | None = None  # the epoch at which training blew up, if it did
        self.reached_at: int | None = None  # the epoch whose error reached --stop-at, if one did
        self.initial_error = half_mean_square(self.predict(self.x), self.t)  # before training

    @property
    def layers(self):
        """The hidden layers and the output layer, input side first."""
        return self.middle_layers + [self.output_layer]

    @property
    def middle_layer(self):
        """The first hidden layer (the textbook's middle_layer: its only one)."""
        return self.middle_layers[0]

    def predict(self, x):
        """The network's output for inputs x of shape (n,), as shape (n,)."""
        return forward(self.layers, x)

    def train_epoch(self):
        """One epoch of SGD: every training sample once, in a fresh random order, batch_size at a
        time (the last batch may be smaller). Returns each sample's output during the epoch."""
        s = self.settings
        outputs = np.empty_like(self.t)
        order = self.rng.permutation(len(self.x))
        eta = np.asarray(
            s.eta
        )  # (a 0-d array: NumPy multiplies an array by it faster than by a float)
        with np.errstate(
            over="ignore", invalid="ignore"
        ):  # a too-large eta may overflow: see has_diverged
            for start in range(0, len(order), s.batch_size):
                batch = order[start : start + s.batch_size]
                x = self.x[batch].reshape(-1, 1)  # (batch, 1 input)
                t = self.t[batch].reshape(-1, 1)  # (batch, 1 output)
                # forward propagation
                y = x
                for layer in self.layers:
                    y = layer.forward(y)
                # backpropagation
                self.output_layer.backward(t)
                grad_y = self.output_layer.grad_x
                for layer in reversed(self.middle_layers):
                    layer.backward(grad_y)
                    grad_y = layer.grad_x
                # update of weights and biases
                for layer in self.layers:
                    layer.update(eta, s.l2, s.momentum)
                outputs[batch] = y[:, 0]
        self.errors.append(half_mean_square(outputs, self.t))
        if len(self.dataset.x_heldout):
            self.heldout_errors.append(
                half_mean_square(self.predict(self.dataset.x_heldout), self.dataset.t_heldout)
            )
        return outputs

    def snapshot(self, epoch, outputs, diverged=False, reached=False) -> Snapshot:
        """The state after `epoch`, with the outputs produced during it."""
        return Snapshot(
            epoch,
            self.errors[-1],
            outputs,
            [(layer.w.copy(), layer.b.copy()) for layer in self.layers],
            self.settings.activation,
            diverged,
            self.heldout_errors[-1] if self.heldout_errors else None,
            reached,
        )

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a Snapshot at each epoch that becomes a frame.

        If training diverges, the epoch where it did is the last snapshot (with ``diverged=True``)
        and ``diverged_at`` is set; so is the first epoch whose error is at or below --stop-at
        (``reached=True``, ``reached_at``). `on_epoch(epoch, error)`, if given, is called after every epoch.
        """
        recorded = set(self.settings.recorded_epochs())
        for epoch in range(len(self.errors), self.settings.epoch):
            outputs = self.train_epoch()
            if on_epoch is not None:
                on_epoch(epoch, self.errors[-1])
            if has_diverged(
                self.errors[-1],
                [p for layer in self.layers for p in (layer.w, layer.b)],
                self.initial_error,
            ):
                self.diverged_at = epoch
                yield self.snapshot(epoch, outputs, diverged=True)
                return
            if reached(self.errors[-1], limit(self.settings)):  # --stop-at: the last snapshot
                self.reached_at = epoch
                yield self.snapshot(epoch, outputs, reached=True)
                return
            if epoch in recorded:
                yield self.snapshot(epoch, outputs)


class TrainingGroup:
    """The configurations of a Settings (one, or a grid), each trained by its own Training, epoch by
    epoch side by side; the same interface as lockstep.Lockstep."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.configurations = settings.configurations()
        self.trainings = [Training(config) for config in self.configurations]
        self.dataset = self.trainings[0].dataset
        self.x, self.t, self.grid = self.trainings[0].x, self.trainings[0].t, self.trainings[0].grid

    @property
    def errors(self) -> List[List[float]]:
        return [training.errors for training in self.trainings]

    @property
    def heldout_errors(self) -> List[List[float]]:
        return [training.heldout_errors for training in self.trainings]

    @property
    def diverged_at(self) -> List[Optional[int]]:
        return [training.diverged_at for training in self.trainings]

    @property
    def reached_at(self) -> List[Optional[int]]:
        return [training.reached_at for training in self.trainings]

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a list of Snapshots (one per configuration) at each recorded epoch.

        A configuration that diverges, or reaches --stop-at, is frozen: its snapshot from that epoch
        stays in the lists that follow. Training stops when every configuration has stopped.
        `on_epoch(epoch, errors)`, if given, is called after every epoch with the latest errors.
        """
        recorded = set(self.settings.recorded_epochs())
        latest: List[Optional[Snapshot]] = [None] * len(self.trainings)
        for epoch in range(self.settings.epoch):
            outputs, changed = {}, False
            for c, training in enumerate(self.trainings):
                if training.diverged_at is not None or training.reached_at is not None:
                    continue
                outputs[c] = training.train_epoch()
                weights = [p for layer in training.layers for p in (layer.w, layer.b)]
                if has_diverged(training.errors[-1], weights, training.initial_error):
                    training.diverged_at = epoch
                    latest[c] = training.snapshot(epoch, outputs.pop(c), diverged=True)
                    changed = True
                elif reached(training.errors[-1], limit(self.settings)):
                    training.reached_at = epoch
                    latest[c] = training.snapshot(epoch, outputs.pop(c), reached=True)
                    changed = True
            if on_epoch is not None:
                on_epoch(epoch, [training.errors[-1] for training in self.trainings])
            if epoch in recorded or changed:
                for c, configuration_outputs in outputs.items():
                    latest[c] = self.trainings[c].snapshot(epoch, configuration_outputs)
                yield list(latest)
            if all(t.diverged_at is not None or t.reached_at is not None for t in self.trainings):
                return
