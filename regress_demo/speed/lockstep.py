"""An optimisation of train.py, checked against it: the same SGD written out for speed, vectorised
over the configurations of a grid.

The layer classes of layers.py are the one source of truth for the network's arithmetic; this loop
is trusted only where it agrees with them: engines.disagreement trains each configuration's first
epoch both ways before a run, and engines.trainer sends the run to the classes if they differ (an
edit of layers.py). It trains networks of one hidden layer with batch size 1, of any activation, L2
and momentum; train.TrainingGroup trains deeper networks and mini-batches with the layer classes.
All configurations see the same samples in the same order, and start from the same nested initial
weights as train.Training, so each one follows the path it would follow alone, to rounding (the
tests check this after 100 epochs too). What the frames draw and the held-out errors go through the
classes' forward (train.network).

Three loops, the fastest that fits: a single small network in plain Python floats; the textbook's
sigmoid without L2 or momentum with every configuration's neurons side by side in one vector
(_SideBySide); and the general loop, whose arrays have a leading "configuration" axis of length K,
where networks with fewer hidden neurons than the largest are padded with neurons whose output
weight is 0 and stays 0 (masked), so they add nothing to the output and receive no gradient.
A grid of a few small networks that the general loop would train is faster trained network by
network in the plain-float loop (engines.OneByOne; the rule, measured: engines.faster_one_by_one).
"""

from __future__ import annotations

import math

import numpy as np

from ..inputs.settings import Settings
from ..network import samples as data
from ..network.layers import MIDDLE_LAYERS
from ..network.stopping import frozen_snapshots, has_diverged
from ..network.train import (
    Snapshot,
    forward,
    half_mean_square,
    initial_weights,
    network,
    sample_order_rng,
)

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


def unknown_activations(settings: Settings) -> list:
    """The activations of these settings that the loops here do not know (a class added to
    layers.py): only the layer classes train those."""
    return [name for name in settings.values("activation") if name not in SCALAR_ACTIVATIONS]


class Lockstep:
    """The configurations of a Settings (one, or a grid) trained in one loop."""

    @staticmethod
    def supports(settings: Settings) -> bool:
        """True for networks of one hidden layer trained with batch size 1, whatever the data,
        activation, L2 or momentum. train.TrainingGroup trains the others."""
        return all(
            config.depth == 1 and config.batch_size == 1 for config in settings.configurations()
        )

    def __init__(self, settings: Settings):
        if not self.supports(settings):
            raise ValueError("Lockstep trains networks of one hidden layer with batch size 1")
        self.settings = settings
        self.configurations = settings.configurations()
        k, width = len(self.configurations), max(settings.n_mids)
        self.rng = sample_order_rng(settings.seed)
        self.dataset = settings.dataset()
        self.x, self.t = self.dataset.x_train, self.dataset.t_train  # the training samples
        self.has_heldout = len(self.dataset.x_heldout) > 0
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
        self.textbook = (
            set(self.activations) == {"sigmoid"} and not self.l2.any() and not self.momentum.any()
        )
        # the last step of each weight, for momentum
        self.step_w1, self.step_b1, self.step_w2 = (
            np.zeros((k, width)),
            np.zeros((k, width)),
            np.zeros((k, width)),
        )
        self.step_b2 = np.zeros(k)
        self.active = np.ones(k, bool)  # False once a configuration has diverged: it is frozen
        self.errors: list[list[float]] = [[] for _ in range(k)]  # per configuration, every epoch
        # at each epoch's end, if any held out
        self.heldout_errors: list[list[float]] = [[] for _ in range(k)]
        # the layer classes, holding views of each configuration's weights
        self.networks = self._networks()
        self.initial_errors = np.array(self._errors_on(self.x, self.t))  # before training
        self.diverged_at: list[int | None] = [None] * k
        self.reached_at: list[int | None] = [
            None
        ] * k  # the epoch whose error reached --stop-at, if one did
        self.last_errors = np.full(k, np.nan)  # of the latest epoch
        self._side_by_side: _SideBySide | None = (
            None  # the buffers of the vectorised loop, made once
        )

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

    def __repr__(self) -> str:
        """``Lockstep(6 networks, vectorised loop, epochs trained: 120)``."""
        count = len(self.configurations)
        networks = f"{count} network{'' if count == 1 else 's'}"
        return f"Lockstep({networks}, {self.loop}, epochs trained: {len(self.errors[0])})"

    @property
    def loop(self) -> str:
        """Which of the loops trains these configurations, as the progress output and the record
        name it."""
        if len(self.configurations) == 1 and self.w1.shape[1] <= SCALAR_MAX_NEURONS:
            return "plain-float loop"
        return "vectorised loop"

    def _networks(self):
        return [
            network(self._weights(c), config.activation)
            for c, config in enumerate(self.configurations)
        ]

    def __getstate__(self):
        """For pickling: the networks are views of the weights, made again when loaded."""
        return {name: value for name, value in self.__dict__.items() if name != "networks"}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.networks = self._networks()

    def _weights(self, c: int):
        """Configuration c's weights in the layers' shapes: views of its real neurons, not
        copies."""
        n = self.configurations[c].n_mid
        return [
            (self.w1[c, :n].reshape(1, n), self.b1[c, :n]),
            (self.w2[c, :n].reshape(n, 1), self.b2[c : c + 1]),
        ]

    def predict(self, x):
        """Every configuration's output for inputs x of shape (n,), by the layer classes' forward:
        (K, n)."""
        return np.array([forward(layers, x) for layers in self.networks])

    def _errors_on(self, x, t):
        """Each configuration's error on these samples, with its weights as they are now."""
        return [half_mean_square(forward(layers, x), t) for layers in self.networks]

    def train_epoch(self):
        """One epoch of SGD for every active configuration; returns the outputs, (K, n_samples)."""
        order = self.rng.permutation(len(self.x)).tolist()  # the samples' order, the same for all
        outputs = None
        if len(self.configurations) == 1 and self.w1.shape[1] <= SCALAR_MAX_NEURONS:
            outputs = self._train_epoch_scalar(order)
        elif self.textbook:
            outputs = self._train_epoch_side_by_side(order)  # None if a value overflowed: then ...
        if outputs is None:
            # ... this loop, which keeps each network apart
            outputs = self._train_epoch_general(order)
        with np.errstate(over="ignore", invalid="ignore"):
            errors = 0.5 * np.mean((outputs - self.t) ** 2, axis=1)
        self.last_errors = (
            errors  # (K,): those of configurations that were frozen already mean nothing
        )
        heldout = self._heldout_errors() if self.has_heldout else None
        errors = errors.tolist()
        for c in np.flatnonzero(self.active).tolist():
            self.errors[c].append(errors[c])
            if heldout is not None:
                self.heldout_errors[c].append(heldout[c])
        return outputs

    def _heldout_errors(self):
        """Each configuration's error on the held-out samples, with the weights at the epoch's
        end."""
        return self._errors_on(self.dataset.x_heldout, self.dataset.t_heldout)

    def _train_epoch_side_by_side(self, order):
        """The epoch for all configurations at once (see _SideBySide); None, with the weights as
        they were, if any value overflowed."""
        if self._side_by_side is None:
            self._side_by_side = _SideBySide(
                [config.n_mid for config in self.configurations], self.x, self.t
            )
        return self._side_by_side.epoch(
            order, self.eta, self.active, self.w1, self.b1, self.w2, self.b2
        )

    def _train_epoch_general(self, order):
        """The epoch for all configurations at once, with any activation, L2 and momentum: plain
        NumPy expressions, one row per configuration, (K, width) each."""
        active = self.active[:, None]
        eta = np.where(active, self.eta[:, None], 0.0)  # a diverged configuration no longer moves
        l2, mu = self.l2[:, None], np.where(active, self.momentum[:, None], 0.0)
        rows = {
            kind: [c for c, a in enumerate(self.activations) if a == kind]
            for kind in set(self.activations)
        }
        outputs = np.empty((len(self.x), len(self.activations)))
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow
            for i in order:
                x, t = self.x[i], self.t[i]
                u = self.w1 * x + self.b1  # u = w1 x + b1
                h = self._activate(u)  # h = f(u)
                y = (h * self.w2).sum(axis=1) + self.b2  # y = sum_j h_j w2_j + b2, (K,)
                delta = (y - t)[:, None]  # dE/dy of the output, (K, 1)
                slope = np.empty_like(h)  # f'(u), each configuration's own
                for kind, where in rows.items():
                    slope[where] = SLOPES[kind](u[where], h[where])
                # dE/du of the hidden layer (w2 before its update)
                delta_h = delta * self.w2 * slope
                grad_w2 = (
                    h * delta + l2 * self.w2
                ) * self.mask  # dJ/dw2 = h delta + lambda w2 (none for padding)
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

    def _train_epoch_scalar(self, order):
        """The same epoch for one small network in plain Python floats: for a few neurons, a NumPy
        call costs more than the arithmetic it does, so this is several times faster."""
        eta = float(self.eta[0]) if self.active[0] else 0.0
        l2, mu = float(self.l2[0]), float(self.momentum[0]) if self.active[0] else 0.0
        f, slope = SCALAR_ACTIVATIONS[self.activations[0]]
        w1, b1, w2 = self.w1[0].tolist(), self.b1[0].tolist(), self.w2[0].tolist()
        b2 = float(self.b2[0])
        v_w1, v_b1, v_w2 = (
            self.step_w1[0].tolist(),
            self.step_b1[0].tolist(),
            self.step_w2[0].tolist(),
        )
        v_b2 = float(self.step_b2[0])
        neurons = range(len(w1))
        xs, ts = self.x.tolist(), self.t.tolist()
        outputs = [0.0] * len(xs)
        for i in order:
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

    def running(self) -> np.ndarray:
        """(K,) True for each network still training."""
        return self.active.copy()

    def train_active(self):
        """One epoch of every network still training: {network: its outputs during the epoch}."""
        was_active = np.flatnonzero(self.active).tolist()
        outputs = self.train_epoch()
        return {c: outputs[c] for c in was_active}

    def diverged(self) -> np.ndarray:
        """(K,) whether each network's last epoch blew up (only the active ones' mean anything)."""
        weights = np.hstack((self.w1, self.b1, self.w2, self.b2[:, None]))  # (K, 3 width + 1)
        return has_diverged(self.last_errors, [weights], self.initial_errors)

    def stop(self, c: int, epoch: int, diverged: bool) -> None:
        """Network c stops at this epoch (frozen: the loops leave its weights as they are)."""
        self.active[c] = False
        (self.diverged_at if diverged else self.reached_at)[c] = epoch

    def snapshot(self, c: int, epoch: int, outputs, diverged=False, reached=False) -> Snapshot:
        """Configuration c after `epoch`, with its real neurons only; outputs: its own, (n,)."""
        n = self.configurations[c].n_mid
        layers = [
            (self.w1[c, :n].reshape(1, n).copy(), self.b1[c, :n].copy()),
            (self.w2[c, :n].reshape(n, 1).copy(), self.b2[c : c + 1].copy()),
        ]
        heldout = self.heldout_errors[c][-1] if self.heldout_errors[c] else None
        error, activation = self.errors[c][-1], self.activations[c]
        return Snapshot(
            epoch, error, outputs.copy(), layers, activation, diverged, heldout, reached
        )

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a list of Snapshots (one per configuration) at each recorded
        epoch (network/stopping.frozen_snapshots: a network that stops is frozen)."""
        s = self.settings
        return frozen_snapshots(self, s.epoch, s.recorded_epochs(), s.stop_limit(), on_epoch)


class _SideBySide:
    """Lockstep's loop for the textbook's network and SGD in several configurations at once: the
    hidden neurons of every configuration side by side in one vector, without padding.

    At this size a NumPy call costs more than its arithmetic, so a step makes as few calls as it
    can (thirteen), each writing into a buffer made before the loop. Two small matrices sum each
    configuration's entries into its output and hand each output's error back to its entries. They
    also mix configurations where a value is not finite (0 * inf is nan): so an epoch in which any
    value overflowed is given back undone, for Lockstep to train it with a loop that keeps each
    configuration apart. A configuration that has diverged takes part with zero weights and eta 0.
    """

    def __init__(self, n_mids, x, t):
        k = len(n_mids)
        owner = np.repeat(np.arange(k), n_mids)  # the configuration of each neuron in the vector
        self.owner, self.columns = (
            owner,
            np.concatenate([np.arange(n) for n in n_mids]),
        )  # its place in (K, width)
        self.n = n = len(owner)
        # Every parameter in one vector, so that one subtraction updates them all, and a last entry
        # that is no parameter (its step is always 0) but brings the target into the output's sum:
        # [w1, b1 of neuron 0, w1, b1 of neuron 1, ..., w2 of each neuron, b2 of each configuration,
        # -1].
        self.params = np.empty(3 * n + k + 1)
        self.w1b1 = self.params[: 2 * n].reshape(n, 2)  # a row (w1_j, b1_j) per neuron
        self.w2b2 = self.params[2 * n :]  # (w2_j of each neuron, b2 of each configuration, -1)
        self.steps = np.empty_like(self.params)  # eta dE/d(params), laid out as params
        # (h_j of each neuron, 1 for each b2, the sample's target t)
        self.h1t = np.ones(len(self.w2b2))
        # sums: row c adds up configuration c's (w2_j h_j, b2, -t) into y_c - t
        self.sums = np.zeros((k, len(self.w2b2)))
        self.sums[owner, np.arange(n)] = 1.0
        self.sums[np.arange(k), n + np.arange(k)] = 1.0
        self.sums[:, -1] = 1.0
        self.t = t
        # (x, 1): the gradient of (w1, b1) is delta_h (x, 1)
        inputs = np.stack([x, np.ones_like(x)], axis=1)
        self.inputs, self.negated, self.targets = list(inputs), list(-inputs), t.tolist()
        self.errors = np.empty((len(t), k))  # y - t of each sample, as it was trained
        self.active_key = self.mine = self.eta_back = None  # see _frozen

    def _frozen(self, eta, active):
        """For this set of active configurations: which neurons are active, and eta_back, the
        matrix that hands eta_c dE/dy_c to each of configuration c's entries (none to the -1)."""
        key = active.tobytes()
        if key != self.active_key:
            eta_back = self.sums.T * np.where(active, eta, 0.0)
            eta_back[-1] = 0.0
            self.active_key, self.mine, self.eta_back = key, active[self.owner], eta_back
        return self.mine, self.eta_back

    def epoch(self, order, eta, active, w1, b1, w2, b2):
        """One epoch in this sample order for the active configurations, with Lockstep's (K, width)
        weights, which it updates; returns the outputs (K, n_samples), or None (and the weights as
        they were) if any value overflowed."""
        n, places = self.n, self.owner * w1.shape[1] + self.columns  # each neuron's in w1.flat
        params, w1b1, w2b2, steps, h1t = self.params, self.w1b1, self.w2b2, self.steps, self.h1t
        mine, eta_back = self._frozen(eta, active)
        w1b1[:, 0], w1b1[:, 1] = w1.take(places), b1.take(places)
        w2b2[:n], w2b2[n:-1] = w2.take(places), b2
        w2b2[-1] = -1.0  # (an epoch that overflowed may have left nan here)
        if not active.all():  # the frozen take part with zero weights
            w1b1[~mine], w2b2[:n][~mine], w2b2[n:-1][~active] = 0.0, 0.0, 0.0
        sums, inputs, negated = self.sums, self.inputs, self.negated
        targets, errors = self.targets, self.errors
        step_w1b1, step_w2b2 = steps[: 2 * n].reshape(n, 2), steps[2 * n :]
        h, wh, eta_delta = h1t[:n], np.empty(len(w2b2)), np.empty(len(w2b2))
        wh_n, eta_delta_n = wh[:n], eta_delta[:n]
        ones, e, one_minus_h, delta_h = np.ones(n), np.empty(n), np.empty(n), np.empty(n)
        delta_col = delta_h[:, None]
        with np.errstate(over="ignore", invalid="ignore"):  # a too-large eta may overflow
            for i in order:
                delta = errors[i]
                h1t[-1] = targets[i]
                w1b1.dot(negated[i], out=e)  # -u = -(w1 x + b1) ...
                np.exp(e, out=e)
                np.add(e, ones, out=e)
                np.reciprocal(e, out=h)  # ... h = sigmoid(u) = 1 / (1 + e^-u)
                np.multiply(w2b2, h1t, out=wh)  # (w2_j h_j, b2, -t)
                sums.dot(wh, out=delta)  # dE/dy = y - t, with y = sum_j w2_j h_j + b2, (K,)
                eta_back.dot(delta, out=eta_delta)  # eta dE/dy, for each neuron and each b2
                np.subtract(ones, h, out=one_minus_h)
                # eta delta_h = eta dE/dy w2 h (1 - h) ...
                np.multiply(eta_delta_n, wh_n, out=delta_h)
                delta_h *= one_minus_h  # ... = eta dE/du of the hidden layer (w2 before its update)
                # eta dE/d(w1, b1) = eta delta_h (x, 1); eta dE/d(w2, b2) = eta dE/dy (h, 1), 0 for
                # -1
                np.multiply(delta_col, inputs[i], out=step_w1b1)
                np.multiply(eta_delta, h1t, out=step_w2b2)
                params -= steps
        if not np.isfinite(params).all():  # inf and nan stay in the parameters once there
            return None
        places = places[mine]
        w1.put(places, w1b1[mine, 0])
        b1.put(places, w1b1[mine, 1])
        w2.put(places, w2b2[:n][mine])
        b2[active] = w2b2[n:-1][active]
        return (errors + self.t[:, None]).T  # y = (y - t) + t, to the last bit or so
