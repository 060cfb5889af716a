"""Several configurations trained at once: the same SGD as train.py, vectorised over configurations.

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
from .settings import Settings
from .train import Snapshot, has_diverged, initial_weights, sample_order_rng

#: A single network with at most this many hidden neurons is trained with plain Python floats.
SCALAR_MAX_NEURONS = 16


def _sigmoid(u: float) -> float:
    """1 / (1 + e^-u) for a Python float, without overflow for very negative u."""
    if u < -700.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-u))


class Lockstep:
    """The configurations of a Settings (one, or a grid) trained in one loop."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.configurations = settings.configurations()
        k, width = len(self.configurations), max(settings.n_mids)
        self.rng = sample_order_rng(settings.seed)
        self.x, self.t = data.sine_data()
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
        self.active = np.ones(k, bool)  # False once a configuration has diverged: it is frozen
        self.errors: list[list[float]] = [[] for _ in range(k)]  # per configuration, every epoch
        with np.errstate(over="ignore", invalid="ignore"):
            h = 1 / (1 + np.exp(-(self.w1[:, :, None] * self.x + self.b1[:, :, None])))  # (K, width, n_samples)
            untrained = np.einsum("kjn,kj->kn", h, self.w2) + self.b2[:, None]
            self.initial_errors = 0.5 * np.mean((untrained - self.t) ** 2, axis=1)  # before training
        self.diverged_at: list[int | None] = [None] * k

    def train_epoch(self):
        """One epoch of SGD for every active configuration; returns the outputs, (K, n_samples)."""
        if len(self.configurations) == 1 and self.w1.shape[1] <= SCALAR_MAX_NEURONS:
            outputs = self._train_epoch_scalar()
        else:
            outputs = self._train_epoch_vectorised()
        errors = 0.5 * np.mean((outputs - self.t) ** 2, axis=1)
        for c in np.flatnonzero(self.active):
            self.errors[c].append(float(errors[c]))
        return outputs

    def _train_epoch_vectorised(self):
        """The epoch for all configurations at once. Every operation writes into a buffer allocated
        once (out=, in place): at this size a NumPy call costs more than its arithmetic."""
        k, width = self.w1.shape
        eta = np.where(self.active, self.eta, 0.0)  # a diverged configuration no longer moves
        eta_col = eta[:, None]
        mask_eta = self.mask * eta_col  # padding neurons: no update of w2
        w1, b1, w2, b2 = self.w1, self.b1, self.w2, self.b2
        h, g, grad_w2 = np.empty((k, width)), np.empty((k, width)), np.empty((k, width))
        y, delta = np.empty(k), np.empty(k)
        delta_col = delta[:, None]
        outputs = np.empty((len(self.x), k))
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow
            for i in self.rng.permutation(len(self.x)):
                x, t = self.x[i], self.t[i]
                np.multiply(w1, -x, out=h)  # -u = -(w1 x + b1) ...
                h -= b1
                np.exp(h, out=h)
                h += 1.0
                np.divide(1.0, h, out=h)  # ... h = sigmoid(u) = 1 / (1 + e^-u), (K, width)
                np.multiply(h, w2, out=grad_w2)
                grad_w2.sum(axis=1, out=y)
                y += b2  # y = sum_j h_j w2_j + b2, (K,)
                np.subtract(y, t, out=delta)  # dE/dy of the output, (K,)
                outputs[i] = y
                np.subtract(1.0, h, out=g)  # g = eta * dE/du of the hidden layer
                g *= h  #     = eta * delta * w2 * h (1 - h)   (w2 before its update)
                g *= w2
                g *= delta_col
                g *= eta_col
                np.multiply(h, delta_col, out=grad_w2)  # dE/dw2 = h delta
                grad_w2 *= mask_eta
                w2 -= grad_w2
                delta *= eta
                b2 -= delta
                b1 -= g  # dE/db1 = delta_h
                g *= x
                w1 -= g  # dE/dw1 = x delta_h
        return outputs.T

    def _train_epoch_scalar(self):
        """The same epoch for one small network in plain Python floats: for a few neurons, a NumPy
        call costs more than the arithmetic it does, so this is several times faster."""
        eta = float(self.eta[0]) if self.active[0] else 0.0
        w1, b1, w2 = self.w1[0].tolist(), self.b1[0].tolist(), self.w2[0].tolist()
        b2 = float(self.b2[0])
        neurons = range(len(w1))
        xs, ts = self.x.tolist(), self.t.tolist()
        outputs = [0.0] * len(xs)
        for i in self.rng.permutation(len(xs)).tolist():
            x, t = xs[i], ts[i]
            h = [_sigmoid(w1[j] * x + b1[j]) for j in neurons]  # hidden outputs
            y = b2
            for j in neurons:
                y += h[j] * w2[j]  # output
            delta = y - t  # dE/dy of the output
            for j in neurons:
                delta_h = delta * w2[j] * h[j] * (1 - h[j])  # dE/du of hidden neuron j
                w2[j] -= eta * h[j] * delta
                w1[j] -= eta * delta_h * x
                b1[j] -= eta * delta_h
            b2 -= eta * delta
            outputs[i] = y
        self.w1[0], self.b1[0], self.w2[0], self.b2[0] = w1, b1, w2, b2
        return np.array([outputs])

    def snapshot(self, c: int, epoch: int, outputs, diverged=False) -> Snapshot:
        """Configuration c after `epoch`, with its real neurons only."""
        n = self.configurations[c].n_mid
        return Snapshot(
            epoch, self.errors[c][-1], outputs[c].copy(), self.w1[c, :n].copy(), self.b1[c, :n].copy(),
            self.w2[c, :n].copy(), float(self.b2[c]), diverged,
        )

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
