"""Several configurations trained at once: the same SGD as train.py, vectorised over configurations.

It trains networks of one hidden layer with batch size 1, of any activation, L2 and momentum (the
textbook's sigmoid with neither has a loop of its own, tuned hardest); train.TrainingGroup trains
deeper networks and mini-batches with the layer classes.

Every array has a leading "configuration" axis of length K. Networks with fewer hidden neurons than
the largest are padded with neurons whose output weight is 0 and stays 0 (masked), so they add
nothing to the output and receive no gradient. All configurations see the same samples in the same
order, and start from the same nested initial weights as train.Training, so each one follows the
path it would follow alone, to rounding (the tests check this against the layer classes). A single
small network is trained in plain Python floats instead, which is several times faster.
"""

from __future__ import annotations

import math

import numpy as np

from . import data
from .layers import MIDDLE_LAYERS
from .settings import Settings
from .train import Snapshot, half_mean_square, has_diverged, initial_weights, sample_order_rng

#: A single network with at most this many hidden neurons is trained with plain Python floats.
SCALAR_MAX_NEURONS = 16


def _sigmoid(u: float) -> float:
    """1 / (1 + e^-u) for a Python float, without overflow for very negative u."""
    if u < -700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-u))


def _relu(u: float) -> float:
    return u if u > 0.0 else 0.0


#: The derivative f'(u) of each activation, from u and y = f(u), for NumPy arrays.
SLOPES = {
    "sigmoid": lambda u, y: y * (1 - y),
    "tanh": lambda u, y: 1 - y * y,
    "relu": lambda u, y: (u > 0).astype(float),
}
#: Each activation for one Python float, and its derivative from (u, y = f(u)).
SCALAR_ACTIVATIONS = {
    "sigmoid": (_sigmoid, lambda u, y: y * (1.0 - y)),
    "tanh": (math.tanh, lambda u, y: 1.0 - y * y),
    "relu": (_relu, lambda u, y: 1.0 if u > 0.0 else 0.0),
}


class Lockstep:
    """The configurations of a Settings (one, or a grid) trained in one loop."""

    @staticmethod
    def supports(settings: Settings) -> bool:
        """True for networks of one hidden layer trained with batch size 1, whatever the data,
        activation, L2 or momentum. train.TrainingGroup trains the others."""
        return all(config.depth == 1 and config.batch_size == 1 for config in settings.configurations())

    def __init__(self, settings: Settings):
        if not self.supports(settings):
            raise ValueError("Lockstep trains networks of one hidden layer with batch size 1")
        self.settings = settings
        self.configurations = settings.configurations()
        k, width = len(self.configurations), max(settings.n_mids)
        self.rng = sample_order_rng(settings.seed)
        self.dataset = settings.dataset()
        self.x, self.t = self.dataset.x_train, self.dataset.t_train  # the training samples
        self.grid = data.grid()
        self.w1, self.b1, self.w2 = np.zeros((k, width)), np.zeros((k, width)), np.zeros((k, width))
        self.b2 = np.zeros(k)
        self.mask = np.zeros((k, width))  # 1 for a real neuron, 0 for padding
        for c, config in enumerate(self.configurations):
            n = config.n_mid
            self.w1[c, :n], self.b1[c, :n], self.w2[c, :n], self.b2[c] = initial_weights(
                n, settings.wb_width, settings.seed
            )
            self.mask[c, :n] = 1.0
        self.eta = np.array([config.eta for config in self.configurations])
        self.l2 = np.array([config.l2 for config in self.configurations])
        self.momentum = np.array([config.momentum for config in self.configurations])
        self.activations = [config.activation for config in self.configurations]
        self.textbook = set(self.activations) == {"sigmoid"} and not self.l2.any() and not self.momentum.any()
        # the last step of each weight, for momentum
        self.step_w1, self.step_b1, self.step_w2 = np.zeros((k, width)), np.zeros((k, width)), np.zeros((k, width))
        self.step_b2 = np.zeros(k)
        self.active = np.ones(k, bool)  # False once a configuration has diverged: it is frozen
        self.errors: list[list[float]] = [[] for _ in range(k)]  # per configuration, every epoch
        self.heldout_errors: list[list[float]] = [[] for _ in range(k)]  # at each epoch's end, if any held out
        with np.errstate(over="ignore", invalid="ignore"):
            untrained = self.predict(self.x)
            self.initial_errors = 0.5 * np.mean((untrained - self.t) ** 2, axis=1)  # before training
        self.diverged_at: list[int | None] = [None] * k

    def _activate(self, u):
        """Each configuration's activation of u, (K, ...) with one row per configuration."""
        kinds = set(self.activations)
        if len(kinds) == 1:
            return MIDDLE_LAYERS[self.activations[0]].activate(u)
        h = np.empty_like(u)
        for kind in kinds:
            rows = [c for c, activation in enumerate(self.activations) if activation == kind]
            h[rows] = MIDDLE_LAYERS[kind].activate(u[rows])
        return h

    def predict(self, x):
        """Every configuration's output for inputs x of shape (n,): (K, n)."""
        with np.errstate(over="ignore", invalid="ignore"):
            h = self._activate(self.w1[:, :, None] * x + self.b1[:, :, None])  # (K, width, n)
            return np.einsum("kjn,kj->kn", h, self.w2) + self.b2[:, None]

    def train_epoch(self):
        """One epoch of SGD for every active configuration; returns the outputs, (K, n_samples)."""
        if len(self.configurations) == 1 and self.w1.shape[1] <= SCALAR_MAX_NEURONS:
            outputs = self._train_epoch_scalar()
        elif self.textbook:
            outputs = self._train_epoch_vectorised()
        else:
            outputs = self._train_epoch_general()
        with np.errstate(over="ignore", invalid="ignore"):
            errors = 0.5 * np.mean((outputs - self.t) ** 2, axis=1)
        heldout = self._heldout_errors() if len(self.dataset.x_heldout) else None
        for c in np.flatnonzero(self.active):
            self.errors[c].append(float(errors[c]))
            if heldout is not None:
                self.heldout_errors[c].append(heldout[c])
        return outputs

    def _heldout_errors(self):
        """Each configuration's error on the held-out samples, with the weights at the epoch's end."""
        x, t = self.dataset.x_heldout, self.dataset.t_heldout
        y = self.predict(x)
        return [half_mean_square(y[c], t) for c in range(len(y))]

    def _train_epoch_vectorised(self):
        """The epoch for all configurations at once. Every operation writes into a buffer allocated
        once (out=, in place): at this size a NumPy call costs more than its arithmetic, so the loop
        makes as few as it can."""
        k, width = self.w1.shape
        eta = np.where(self.active, self.eta, 0.0)  # a diverged configuration no longer moves
        mask = self.mask  # 1 for a real neuron, 0 for padding
        w1, b1, w2, b2 = self.w1, self.b1, self.w2, self.b2
        h, g, hw = np.empty((k, width)), np.empty((k, width)), np.empty((k, width))
        y, delta = np.empty(k), np.empty(k)
        delta_col = delta[:, None]
        outputs = np.empty((len(self.x), k))
        xs, ts = self.x.tolist(), self.t.tolist()
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow
            for i in self.rng.permutation(len(xs)).tolist():
                x = xs[i]
                np.multiply(w1, -x, out=h)  # -u = -(w1 x + b1) ...
                h -= b1
                np.exp(h, out=h)
                h += 1.0
                np.divide(mask, h, out=h)  # ... h = sigmoid(u) = 1 / (1 + e^-u), and 0 for padding
                np.multiply(h, w2, out=hw)
                hw.sum(axis=1, out=y)
                y += b2  # y = sum_j h_j w2_j + b2, (K,)
                outputs[i] = y
                np.subtract(y, ts[i], out=delta)  # dE/dy of the output, (K,) ...
                delta *= eta  # ... times eta: the step of b2
                np.subtract(1.0, h, out=g)  # g = eta * dE/du of the hidden layer
                g *= h  #     = eta * delta * w2 * h (1 - h)   (w2 before its update)
                g *= w2
                g *= delta_col
                np.multiply(h, delta_col, out=hw)  # eta * dE/dw2 = eta * h delta (0 for padding: h = 0)
                w2 -= hw
                b2 -= delta
                b1 -= g  # dE/db1 = delta_h
                g *= x
                w1 -= g  # dE/dw1 = x delta_h
        return outputs.T

    def _train_epoch_general(self):
        """The epoch for all configurations at once, with any activation, L2 and momentum: plain
        NumPy expressions, one row per configuration, (K, width) each."""
        active = self.active[:, None]
        eta = np.where(active, self.eta[:, None], 0.0)  # a diverged configuration no longer moves
        l2, mu = self.l2[:, None], np.where(active, self.momentum[:, None], 0.0)
        rows = {kind: [c for c, a in enumerate(self.activations) if a == kind] for kind in set(self.activations)}
        outputs = np.empty((len(self.x), len(self.activations)))
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow
            for i in self.rng.permutation(len(self.x)):
                x, t = self.x[i], self.t[i]
                u = self.w1 * x + self.b1  # u = w1 x + b1
                h = self._activate(u)  # h = f(u)
                y = (h * self.w2).sum(axis=1) + self.b2  # y = sum_j h_j w2_j + b2, (K,)
                delta = (y - t)[:, None]  # dE/dy of the output, (K, 1)
                slope = np.empty_like(h)  # f'(u), each configuration's own
                for kind, where in rows.items():
                    slope[where] = SLOPES[kind](u[where], h[where])
                delta_h = delta * self.w2 * slope  # dE/du of the hidden layer (w2 before its update)
                grad_w2 = (h * delta + l2 * self.w2) * self.mask  # dJ/dw2 = h delta + lambda w2 (none for padding)
                grad_w1 = delta_h * x + l2 * self.w1  # dJ/dw1 = x delta_h + lambda w1
                self.step_w2 = mu * self.step_w2 - eta * grad_w2  # v <- mu v - eta dJ/dw
                self.step_w1 = mu * self.step_w1 - eta * grad_w1
                self.step_b1 = mu * self.step_b1 - eta * delta_h
                self.step_b2 = mu[:, 0] * self.step_b2 - eta[:, 0] * delta[:, 0]
                self.w2 += self.step_w2
                self.w1 += self.step_w1
                self.b1 += self.step_b1
                self.b2 += self.step_b2
                outputs[i] = y
        return outputs.T

    def _train_epoch_scalar(self):
        """The same epoch for one small network in plain Python floats: for a few neurons, a NumPy
        call costs more than the arithmetic it does, so this is several times faster."""
        eta = float(self.eta[0]) if self.active[0] else 0.0
        l2, mu = float(self.l2[0]), float(self.momentum[0]) if self.active[0] else 0.0
        f, slope = SCALAR_ACTIVATIONS[self.activations[0]]
        w1, b1, w2 = self.w1[0].tolist(), self.b1[0].tolist(), self.w2[0].tolist()
        b2 = float(self.b2[0])
        v_w1, v_b1, v_w2 = self.step_w1[0].tolist(), self.step_b1[0].tolist(), self.step_w2[0].tolist()
        v_b2 = float(self.step_b2[0])
        neurons = range(len(w1))
        xs, ts = self.x.tolist(), self.t.tolist()
        outputs = [0.0] * len(xs)
        for i in self.rng.permutation(len(xs)).tolist():
            x, t = xs[i], ts[i]
            u = [w1[j] * x + b1[j] for j in neurons]
            h = [f(u_j) for u_j in u]  # hidden outputs
            y = b2
            for j in neurons:
                y += h[j] * w2[j]  # output
            delta = y - t  # dE/dy of the output
            for j in neurons:
                delta_h = delta * w2[j] * slope(u[j], h[j])  # dE/du of hidden neuron j
                v_w2[j] = mu * v_w2[j] - eta * (h[j] * delta + l2 * w2[j])  # v <- mu v - eta dJ/dw
                v_w1[j] = mu * v_w1[j] - eta * (delta_h * x + l2 * w1[j])
                v_b1[j] = mu * v_b1[j] - eta * delta_h
                w2[j] += v_w2[j]
                w1[j] += v_w1[j]
                b1[j] += v_b1[j]
            v_b2 = mu * v_b2 - eta * delta
            b2 += v_b2
            outputs[i] = y
        self.w1[0], self.b1[0], self.w2[0], self.b2[0] = w1, b1, w2, b2
        self.step_w1[0], self.step_b1[0], self.step_w2[0], self.step_b2[0] = v_w1, v_b1, v_w2, v_b2
        return np.array([outputs])

    def snapshot(self, c: int, epoch: int, outputs, diverged=False) -> Snapshot:
        """Configuration c after `epoch`, with its real neurons only."""
        n = self.configurations[c].n_mid
        layers = [
            (self.w1[c, :n].reshape(1, n).copy(), self.b1[c, :n].copy()),
            (self.w2[c, :n].reshape(n, 1).copy(), self.b2[c : c + 1].copy()),
        ]
        heldout = self.heldout_errors[c][-1] if self.heldout_errors[c] else None
        return Snapshot(epoch, self.errors[c][-1], outputs[c].copy(), layers, self.activations[c], diverged, heldout)

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a list of Snapshots (one per configuration) at each recorded epoch.

        A configuration that diverges is frozen: its snapshot from the epoch it diverged stays in the
        lists that follow. Training stops when every configuration has diverged.
        `on_epoch(epoch, errors)`, if given, is called after every epoch with the latest errors.
        """
        recorded = set(self.settings.frame_epochs())
        latest: list[Snapshot | None] = [None] * len(self.configurations)
        for epoch in range(self.settings.epoch):
            was_active = self.active.copy()
            outputs = self.train_epoch()
            for c in np.flatnonzero(was_active):
                weights = (self.w1[c], self.b1[c], self.w2[c], self.b2[c : c + 1])
                if has_diverged(self.errors[c], weights, self.initial_errors[c]):
                    self.active[c] = False
                    self.diverged_at[c] = epoch
                    latest[c] = self.snapshot(c, epoch, outputs, diverged=True)
            if on_epoch is not None:
                on_epoch(epoch, [errors[-1] for errors in self.errors])
            if epoch in recorded or (was_active != self.active).any():
                for c in np.flatnonzero(self.active):
                    latest[c] = self.snapshot(c, epoch, outputs)
                yield list(latest)
            if not self.active.any():
                return
