"""The gradient check: what backward and update compute, against central finite differences.

For a small network of the layer classes of layers.py (an activation, a depth, a batch size, L2),
every weight and bias of every layer is nudged by +-EPS, and the error's change gives its gradient:

    dE/dw ~ (E(w + EPS) - E(w - EPS)) / (2 EPS)     for E = 1/(2B) sum (y - t)^2

backward's grad_w and grad_b must agree with it, and so must the step update takes, which with L2 is
the gradient of J = E + lambda/2 |W|^2; with momentum mu, two steps of update from a known step v
must be the steps written out, v <- mu v - eta dJ/dw, w <- w + v. Layers are checked as backprop
runs, from the output: the first layer whose gradients are wrong is named (a layer's wrong grad_x
makes every layer before it wrong too), its worst entry, with the method to look at. NumPy only.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from .layers import MIDDLE_LAYERS, Layer, OutputLayer

#: The nudge of a weight for the central finite differences.
EPS = 1e-6
#: A gradient agrees with finite differences if its relative difference is at most this: rounding
#: gives about 1e-8, a wrong derivative tens of percent.
TOLERANCE = 1e-4
#: Gradients smaller than this are compared by their absolute difference (relative to FLOOR).
FLOOR = 1e-3
#: The network checked: this many neurons in each hidden layer, weights of this spread (so that
#: every neuron is in its curved range, and ReLU's kink is out of reach of EPS), a few batches.
N_MID, WB_WIDTH, BATCHES, SEED = 3, 1.0, 3, 12345
#: The test that shows a wrong gradient, entry by entry.
TEST = "pytest tests/test_layers.py -k gradient"


class Untrainable(ValueError):
    """The layer classes cannot train at all (a forward that returns None): the check's line."""


@dataclass
class Outcome:
    """The worst entry of a gradient check: where a class and finite differences differ most."""

    error: float  # relative difference, |analytic - numeric| / max(|numeric|, FLOOR)
    where: str = ""  # the class and method, e.g. "MiddleLayer.backward"
    gradient: str = ""  # e.g. "dE/dw1"
    entry: str = ""  # e.g. "w1[0, 2]"
    analytic: float = 0.0  # what the class computed
    numeric: float = 0.0  # what finite differences give
    hint: str = ""  # the method to look at, e.g. "derivative()"
    raised: str = ""  # the exception a method raised, if one did, e.g. "ValueError: ..."
    said: str = ""  # a fault said in its own words: forward returned None, a gradient's shape
    trainable: bool = True  # False if training cannot run at all (forward returned None)

    @property
    def passed(self) -> bool:
        return self.error <= TOLERANCE

    @property
    def percent(self) -> str:
        """The relative difference in percent, as the line says it: ``465``, ``0.012``."""
        return _percent(self.error)

    def line(self) -> str:
        """One line for a failed check, e.g. ``MiddleLayer.backward: dE/dw1 differs from finite
        differences by 100 % (w1[0, 2]: 0.0246 vs 0.0123): check derivative(); pytest ...``."""
        if self.raised:  # (training will raise it too, with its traceback)
            return f"{self.where} raised {self.raised}; {TEST} shows it"
        if not self.trainable:
            return f"{self.where} {self.said}"
        if self.said:
            return f"{self.where}: {self.said}; {TEST} shows it"
        return (
            f"{self.where}: {self.gradient} differs from finite differences by "
            f"{self.percent} % ({self.entry}: {self.analytic:.3g} vs {self.numeric:.3g}): "
            f"check {self.hint}; {TEST} shows it"
        )


def _percent(error: float) -> str:
    """A relative error in percent, e.g. 465 or 0.012."""
    percent = 100 * error
    return f"{percent:.0f}" if percent >= 10 else f"{percent:.2g}"


def check(
    activation: str, depth: int = 1, batch_size: int = 1, l2: float = 0.0, momentum: float = 0.0
) -> Outcome:
    """The gradient check of the classes registered for `activation`, at this depth, batch size,
    L2 and momentum, over BATCHES batches: the first layer from the output whose backward is wrong
    (its worst entry), else the worst entry of every layer's update."""
    rng = np.random.default_rng(SEED)
    Middle = MIDDLE_LAYERS[activation]  # noqa: N806 - a class
    layers = [Middle(1 if d == 0 else N_MID, N_MID, WB_WIDTH, rng) for d in range(depth)]
    layers.append(OutputLayer(N_MID, 1, WB_WIDTH, rng))
    backward, update = [], []
    with np.errstate(all="ignore"):  # a broken class may overflow: its gradient is then wrong
        for _ in range(BATCHES):
            x = rng.uniform(-1, 1, (batch_size, 1))  # (batch, 1), in the samples' range
            t = np.sin(np.pi * x)  # the textbook's curve
            try:
                returned_none = _forward_returned_none(layers, x)
                if returned_none is not None:
                    return returned_none
                backward.append(_backward(layers, x, t))
                update += _update(layers, x, t, l2, momentum)  # (its step is backward's)
            except Exception as error:  # a method that raises: named, as a gradient that is wrong
                return Outcome(np.inf, _raiser(error), raised=f"{type(error).__name__}: {error}")
    for entries in zip(*backward):  # each gradient over the batches, from the output backwards
        worst = max(entries, key=lambda outcome: outcome.error)
        if not worst.passed:  # a wrong backward makes the update's step wrong too
            return worst
    return max(update, key=lambda outcome: outcome.error)


def _forward_returned_none(layers, x) -> Optional[Outcome]:
    """The outcome for the first layer whose forward returns None (the book's style sets self.y
    only), or None if every forward returns its y."""
    y = x
    for layer in layers:
        y = layer.forward(y)
        if y is None:
            said = "returned None: forward must return y (see docs/textbook.md)"
            return Outcome(np.inf, f"{type(layer).__name__}.forward", said=said, trainable=False)
    return None


def check_settings(settings) -> Optional[Outcome]:
    """The gradient check of every network of a run's settings (a grid: each different activation,
    depth, batch size, L2 and momentum once): the first that failed, or None if all passed."""
    for config in settings.configurations():
        key = (config.activation, config.depth, config.batch_size, config.l2, config.momentum)
        code = _methods(MIDDLE_LAYERS[config.activation]) + _methods(OutputLayer)
        if (key, code) not in _CHECKED:  # each once, while the classes stay as they are
            _CHECKED[key, code] = check(*key)
        if not _CHECKED[key, code].passed:
            return _CHECKED[key, code]
    return None


#: The outcomes of check_settings so far, by the settings checked and the methods that computed them
#: (the run checks its settings, then its frames' header says the outcome).
_CHECKED = {}


def _methods(kind) -> tuple:
    """The functions a class computes with: a changed (or reloaded) one is a new check."""
    names = ("forward", "backward", "activate", "derivative", "update")
    return tuple(getattr(kind, name, None) for name in names)


def _raiser(error) -> str:
    """The innermost method of a layer in the traceback of `error`, e.g. "MiddleLayer.backward"."""
    methods = [
        f"{type(frame.f_locals['self']).__name__}.{frame.f_code.co_name}"
        for frame, _ in traceback.walk_tb(error.__traceback__)
        if isinstance(frame.f_locals.get("self"), Layer)
    ]
    return methods[-1] if methods else "a layer class"


def _error(layers, x, t, l2=0.0) -> float:
    """J = 1/(2B) sum (y - t)^2 + lambda/2 * sum of every squared weight, by the layers' forward."""
    y = x
    for layer in layers:
        y = layer.forward(y)
    penalty = sum(np.sum(layer.w**2) for layer in layers)  # |W|^2 (not the biases)
    return 0.5 * np.mean((y - t) ** 2) + 0.5 * l2 * penalty


def _numeric(layers, x, t, array, l2=0.0) -> np.ndarray:
    """Central finite differences of J with respect to every entry of `array` (restored after)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + EPS
        plus = _error(layers, x, t, l2)
        array[index] = saved - EPS
        minus = _error(layers, x, t, l2)
        array[index] = saved
        grad[index] = (plus - minus) / (2 * EPS)  # dJ/dw ~ (J(w + EPS) - J(w - EPS)) / (2 EPS)
    return grad


def _backward(layers, x, t) -> List[Outcome]:
    """backward's grad_w, grad_b and grad_x of each layer against finite differences of E, from
    the output layer backwards (as backprop computes them)."""
    y = x
    for layer in layers:
        y = layer.forward(y)
    layers[-1].backward(t)  # the output layer starts from the targets
    for upper, layer in zip(reversed(layers[1:]), reversed(layers[:-1])):
        layer.backward(upper.grad_x)  # each hidden layer from the grad_x of the layer after it
    inputs = [np.copy(layer.x) for layer in layers]  # each layer's input, before any nudge
    outcomes = []
    for number in reversed(range(len(layers))):
        layer = layers[number]
        hint = "backward()" if isinstance(layer, OutputLayer) else "derivative()"
        where = f"{type(layer).__name__}.backward"
        for name, array in (("w", layer.w), ("b", layer.b)):
            analytic = getattr(layer, f"grad_{name}")
            numeric = _numeric(layers, x, t, array)
            gradient = f"dE/d{name}{number + 1}"
            outcomes.append(_compare(analytic, numeric, where, gradient, hint, name))
        numeric = _numeric_input(layers[number:], inputs[number], t)
        gradient = f"dE/dx{number + 1}"  # the grad_y this layer passes to the layer before
        outcomes.append(_compare(layer.grad_x, numeric, where, gradient, "backward()", "x"))
    return outcomes


def _numeric_input(layers, x, t) -> np.ndarray:
    """Central finite differences of E with respect to every entry of the input x of layers[0]."""
    x = np.copy(x)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + EPS
        plus = _error(layers, x, t)
        x[index] = saved - EPS
        minus = _error(layers, x, t)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * EPS)  # dE/dx ~ (E(x + EPS) - E(x - EPS)) / (2 EPS)
    return grad


def _update(layers, x, t, l2, momentum=0.0) -> List[Outcome]:
    """What update moves each weight by (from backward's gradients, as training takes it), over
    eta, against the same written out from finite differences: one step dJ/dw of SGD; with
    momentum, two steps from a known step v. The weights and steps are restored after."""
    eta = 1e-3
    outcomes = []
    for number, layer in reversed(list(enumerate(layers, start=1))):
        grads = [_numeric(layers, x, t, array) for array in (layer.w, layer.b)]  # dE/dw, dE/db
        saved = [np.copy(a) for a in (layer.w, layer.b, layer.step_w, layer.step_b)]
        written = _written_steps(layer, grads, eta, l2, momentum)
        taken = [(before - after) / eta for before, after in zip(saved, (layer.w, layer.b))]
        layer.w, layer.b, layer.step_w, layer.step_b = saved
        where = f"{type(layer).__name__}.update"
        for name, step, expected in zip(("w", "b"), taken, written):
            gradient = f"dJ/d{name}{number}" if l2 and name == "w" else f"dE/d{name}{number}"
            outcomes.append(_compare(step, expected, where, gradient, "update()", name))
    return outcomes


def _written_steps(layer, grads, eta, l2, momentum) -> list:
    """Calls layer.update as training does (once; with momentum twice, from a known last step v)
    and returns what w and b should have moved by, over eta, written out:
    SGD: dJ/dw = dE/dw + lambda w; momentum: v <- mu v - eta dJ/dw, w <- w + v (b without lambda).
    """
    w, b = np.copy(layer.w), np.copy(layer.b)
    if not momentum:
        layer.update(eta, l2)
        return [grads[0] + l2 * w, grads[1]]
    v_w, v_b = np.full_like(w, 0.5 * eta), np.full_like(b, -0.5 * eta)  # a known last step
    layer.step_w, layer.step_b = np.copy(v_w), np.copy(v_b)
    start = (np.copy(w), np.copy(b))
    for _ in range(2):  # (the gradients stay backward's: update takes them as they are)
        layer.update(eta, l2, momentum)
        v_w = momentum * v_w - eta * (grads[0] + l2 * w)  # v <- mu v - eta dJ/dw
        v_b = momentum * v_b - eta * grads[1]  # v_b <- mu v_b - eta dE/db
        w, b = w + v_w, b + v_b  # w <- w + v
    return [(start[0] - w) / eta, (start[1] - b) / eta]


def _compare(analytic, numeric, where, gradient, hint, name) -> Outcome:
    """The worst entry of analytic against numeric (a wrong shape or a nan is the worst of all)."""
    entry = gradient.split("/d")[1]
    if np.shape(analytic) != np.shape(numeric):
        said = (
            f"grad_{name} has shape {np.shape(analytic)}, {name} has shape {np.shape(numeric)}: "
            f"check grad_{name} in backward()"
        )
        if where.endswith(".update"):
            said = f"the step of {name} has shape {np.shape(analytic)}, {name} has shape " + (
                f"{np.shape(numeric)}: check update()"
            )
        return Outcome(np.inf, where, gradient, entry, np.nan, np.nan, hint, said=said)
    relative = np.abs(analytic - numeric) / np.maximum(np.abs(numeric), FLOOR)
    relative = np.where(np.isnan(relative), np.inf, relative)  # a nan gradient is wrong too
    index = np.unravel_index(np.argmax(relative), relative.shape)
    label = f"{entry}[{', '.join(str(i) for i in index)}]"
    return Outcome(
        float(relative[index]), where, gradient, label, analytic[index], numeric[index], hint
    )
