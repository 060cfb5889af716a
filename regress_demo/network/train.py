"""SGD with the layer classes, as in the textbook, with a snapshot at each recorded epoch.

The textbook trains one hidden layer of sigmoid neurons with batch size 1. The settings may change
that: other activations, several hidden layers (depth), mini-batches, L2 regularisation and
momentum; the loop stays the textbook's: forward, backward, update, layer by layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from . import samples
from .config import Config
from .layers import MIDDLE_LAYERS, OutputLayer
from .stopping import frozen_snapshots, has_diverged

#: The weights of a network in the layers' shapes: [(w, b) of each hidden layer ..., (w, b) of the
#: output].
Weights = List[Tuple[np.ndarray, np.ndarray]]


@dataclass
class Snapshot:
    """What a frame shows of one recorded epoch: its error, the in-epoch outputs, the weights at its
    end."""

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

    def __repr__(self) -> str:
        """Short: ``Snapshot(epoch=120, error=3.2e-03, n_mid=3)`` (the arrays are its fields)."""
        extra = "" if self.activation == "sigmoid" else f", activation={self.activation!r}"
        extra += ", diverged" if self.diverged else ", reached" if self.reached else ""
        n_mid = len(self.layers[0][1])
        return f"Snapshot(epoch={self.epoch}, error={self.error:.1e}, n_mid={n_mid}{extra})"

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
        """Each neuron of the last hidden layer's share of the output, w2_j * h_j(x): (n_mid,
        len(x)). The output layer's forward is their sum plus b2."""
        with np.errstate(over="ignore", invalid="ignore"):
            return (self.hidden(x) * self.w2).T

    def fit(self, x) -> np.ndarray:
        """The network's output for inputs x of shape (n,): the output layer's forward of the hidden
        outputs."""
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
    """The output of these layers for inputs x of shape (n,), as shape (n,): forward, layer by
    layer."""
    y = np.reshape(x, (-1, 1))
    with np.errstate(over="ignore", invalid="ignore"):  # weights may have blown up
        for layer in layers:
            y = layer.forward(y)
    return y.reshape(-1)


#: Seeds of the random streams, combined with the run's seed: the sample order, each hidden
#: neuron's initial weights (one stream per neuron), the output bias. (samples.py's noise uses 3.)
ORDER_STREAM, NEURON_STREAM, OUTPUT_STREAM = 0, 1, 2


def initial_layers(n_mid: int, wb_width: float, seed: int, depth: int = 1) -> Weights:
    """Nested initial weights, wb_width * N(0, 1) draws, in the layers' shapes.

    Hidden neuron j of layer l has a stream of its own, seeded by (seed, j) for the first layer and
    (seed, j, l) for the others. It draws its weight from the first input of its layer, its bias,
    its weight to the output (used if its layer is the last hidden one), then its weights from the
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
    """The initial weights of a one-hidden-layer network as vectors: w1, b1, w2 of shape (n_mid,),
    and b2."""
    (w1, b1), (w2, b2) = initial_layers(n_mid, wb_width, seed)
    return w1[0], b1, w2[:, 0], float(b2[0])


def sample_order_rng(seed: int):
    """The generator of each epoch's sample order: the same for every configuration with this
    seed."""
    return np.random.default_rng([seed, ORDER_STREAM])


def half_mean_square(y, t) -> float:
    """The error of the textbook: the mean of 1/2 (y - t)^2."""
    with np.errstate(over="ignore", invalid="ignore"):
        return float(np.mean(0.5 * (np.asarray(y) - t) ** 2))


def _config_and_dataset(config, dataset):
    """A Config and its samples from what Training was given: a Config (the textbook's samples by
    default), or the package's Settings of one run (anything with network_config() and
    dataset())."""
    if config is None:
        config = Config()
    if not isinstance(config, Config):  # the package's Settings of a single run
        dataset = config.dataset() if dataset is None else dataset
        config = config.network_config()
    return config, samples.textbook_dataset() if dataset is None else dataset


class Training:
    """A network of hidden layers (the textbook: one of sigmoid neurons) and an identity output,
    trained by SGD on the training samples of a dataset."""

    def __init__(self, config: Config | None = None, dataset: samples.Dataset | None = None):
        self.config, self.dataset = _config_and_dataset(config, dataset)
        self.rng = sample_order_rng(self.config.seed)
        self.x, self.t = self.dataset.x_train, self.dataset.t_train  # the training samples
        self.grid = samples.grid()
        self._make_layers(self.config)
        self.errors: list[float] = []  # the error of every epoch trained so far
        self.heldout_errors: list[float] = []  # the held-out error at each epoch's end, if any
        self.diverged_at: int | None = None  # the epoch at which training blew up, if it did
        self.reached_at: int | None = None  # the epoch whose error reached stop_at, if one did
        self.initial_error = half_mean_square(self.predict(self.x), self.t)  # before training

    def _make_layers(self, c: Config):
        """The layers of layers.py, from the nested initial weights (see initial_layers)."""
        Middle = MIDDLE_LAYERS[c.activation]  # noqa: N806 - a class
        self.middle_layers = [Middle(1 if d == 0 else c.n_mid, c.n_mid) for d in range(c.depth)]
        self.output_layer = OutputLayer(c.n_mid, 1)
        weights = initial_layers(c.n_mid, c.wb_width, c.seed, c.depth)
        for layer, (w, b) in zip(self.layers, weights):
            layer.w[:], layer.b[:] = w, b

    def __repr__(self):
        return f"Training of {self.layers}, eta={self.config.eta}, epoch {len(self.errors)}"

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
        c = self.config
        outputs = np.empty_like(self.t)
        order = self.rng.permutation(len(self.x))
        # (a 0-d array: NumPy multiplies an array by it faster than a float)
        eta = np.asarray(c.eta)
        with np.errstate(over="ignore", invalid="ignore"):  # a large eta may overflow: has_diverged
            for start in range(0, len(order), c.batch_size):
                batch = order[start : start + c.batch_size]
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
                    layer.update(eta, c.l2, c.momentum)
                outputs[batch] = y[:, 0]
        self.errors.append(half_mean_square(outputs, self.t))
        if len(self.dataset.x_heldout):
            heldout = self.predict(self.dataset.x_heldout)
            self.heldout_errors.append(half_mean_square(heldout, self.dataset.t_heldout))
        return outputs

    def snapshot(self, epoch, outputs, diverged=False, reached=False) -> Snapshot:
        """The state after `epoch`, with the outputs produced during it."""
        weights = [(layer.w.copy(), layer.b.copy()) for layer in self.layers]
        heldout = self.heldout_errors[-1] if self.heldout_errors else None
        activation = self.config.activation
        return Snapshot(
            epoch, self.errors[-1], outputs, weights, activation, diverged, heldout, reached
        )

    def has_diverged(self) -> bool:
        """Whether the last epoch's error or a weight blew up (stopping.has_diverged)."""
        weights = [p for layer in self.layers for p in (layer.w, layer.b)]
        return bool(has_diverged(self.errors[-1], weights, self.initial_error))

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a Snapshot at each recorded epoch.

        If training diverges, the epoch where it did is the last snapshot (with ``diverged=True``)
        and ``diverged_at`` is set; so is the first epoch whose error is at or below stop_at
        (``reached=True``, ``reached_at``). `on_epoch(epoch, error)`, if given, is called after
        every epoch."""
        group = TrainingGroup.of([self])
        each = None if on_epoch is None else (lambda epoch, errors: on_epoch(epoch, errors[0]))
        for snapshots in group.snapshots(each, start=len(self.errors)):
            yield snapshots[0]


class TrainingGroup:
    """Several networks, each trained by its own Training, epoch by epoch side by side (a
    comparison grid); the same interface as speed's loops (stopping.Trainer)."""

    def __init__(self, configs=None, dataset: samples.Dataset | None = None):
        """configs: a list of Config with one dataset; or the package's Settings (of a grid)."""
        if configs is not None and hasattr(configs, "network_configs"):  # the package's Settings
            configs, dataset = configs.network_configs(), configs.dataset()
        configs = [Config()] if configs is None else list(configs)
        self.trainings = [Training(config, dataset) for config in configs]
        self._set_up()

    @classmethod
    def of(cls, trainings):
        """A group of these Training objects, as they are."""
        group = cls.__new__(cls)
        group.trainings = list(trainings)
        group._set_up()
        return group

    def _set_up(self):
        first = self.trainings[0]
        self.config = first.config  # what the networks share: the epochs, what is recorded, stop_at
        self.dataset, self.x, self.t, self.grid = first.dataset, first.x, first.t, first.grid

    def __repr__(self):
        count = len(self.trainings)
        networks = f"{count} network{'' if count == 1 else 's'}"
        epochs = len(self.errors[0])
        return f"TrainingGroup({networks}, layer classes of layers.py, epochs trained: {epochs})"

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

    def running(self) -> np.ndarray:
        """(K,) True for each network still training."""
        return np.array([t.diverged_at is None and t.reached_at is None for t in self.trainings])

    def train_active(self):
        """One epoch of every network still training: {network: its outputs during the epoch}."""
        return {c: self.trainings[c].train_epoch() for c in np.flatnonzero(self.running()).tolist()}

    def diverged(self) -> np.ndarray:
        """(K,) whether each network's last epoch blew up (only the active ones' mean anything)."""
        return np.array([bool(t.errors) and t.has_diverged() for t in self.trainings])

    def stop(self, c: int, epoch: int, diverged: bool) -> None:
        """Network c stops at this epoch: it diverged, or reached stop_at."""
        if diverged:
            self.trainings[c].diverged_at = epoch
        else:
            self.trainings[c].reached_at = epoch

    def snapshot(self, c: int, epoch: int, outputs, diverged=False, reached=False) -> Snapshot:
        return self.trainings[c].snapshot(epoch, outputs, diverged, reached)

    def snapshots(self, on_epoch=None, start=0):
        """Train every epoch; yield a list of Snapshots (one per network) at each recorded epoch
        (stopping.frozen_snapshots: a network that stops is frozen at its last snapshot)."""
        c = self.config
        return frozen_snapshots(self, c.epoch, c.recorded_epochs(), c.stop_at, on_epoch, start)
