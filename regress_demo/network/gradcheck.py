"""The gradient check: what backward and update compute, against central finite differences.

For a small network of the layer classes of layers.py (an activation, a depth, a batch size, L2),
every weight and bias of every layer is nudged by +-EPS, and the error's change gives its gradient:

    dE/dw ~ (E(w + EPS) - E(w - EPS)) / (2 EPS)     for E = 1/(2B) sum (y - t)^2

backward's grad_w and grad_b must agree with it, and so must the step update takes, which with L2 is
the gradient of J = E + lambda/2 |W|^2. Where they disagree by far more than rounding, the class's
arithmetic is wrong: the worst entry is named, with the method to look at. NumPy only.
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
        return (
            f"{self.where}: {self.gradient} differs from finite differences by "
            f"{self.percent} % ({self.entry}: {self.analytic:.3g} vs {self.numeric:.3g}): "
            f"check {self.hint}; {TEST} shows it"
        )


def _percent(error: float) -> str:
    """A relative error in percent, e.g. 465 or 0.012."""
    percent = 100 * error
    return f"{percent:.0f}" if percent >= 10 else f"{percent:.2g}"


def check(activation: str, depth: int = 1, batch_size: int = 1, l2: float = 0.0) -> Outcome:
    """The gradient check of the classes registered for `activation`, at this depth, batch size and
    L2: the worst entry over every weight and bias of every layer, over BATCHES batches."""
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
                backward += _backward(layers, x, t)
                update += _update(layers, x, t, l2)  # (its step is from backward's gradients)
            except Exception as error:  # a method that raises: named, as a gradient that is wrong
                return Outcome(np.inf, _raiser(error), raised=f"{type(error).__name__}: {error}")
    worst_backward = max(backward, key=lambda outcome: outcome.error)
    if not worst_backward.passed:  # a wrong backward makes the update's step wrong too
        return worst_backward
    return max([worst_backward, *update], key=lambda outcome: outcome.error)


def check_settings(settings) -> Optional[Outcome]:
    """The gradient check of every network of a run's settings (a grid: each different activation,
    depth, batch size and L2 once): the first that failed, or None if all passed."""
    for config in settings.configurations():
        key = (config.activation, config.depth, config.batch_size, config.l2)
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
    """backward's grad_w and grad_b of each layer against finite differences of E."""
    y = x
    for layer in layers:
        y = layer.forward(y)
    layers[-1].backward(t)  # the output layer starts from the targets
    for upper, layer in zip(reversed(layers[1:]), reversed(layers[:-1])):
        layer.backward(upper.grad_x)  # each hidden layer from the grad_x of the layer after it
    outcomes = []
    for number, layer in enumerate(layers, start=1):
        hint = "backward()" if isinstance(layer, OutputLayer) else "derivative()"
        where = f"{type(layer).__name__}.backward"
        for name, array in (("w", layer.w), ("b", layer.b)):
            analytic = getattr(layer, f"grad_{name}")
            numeric = _numeric(layers, x, t, array)
            outcomes.append(_compare(analytic, numeric, where, f"dE/d{name}{number}", hint))
    return outcomes


def _update(layers, x, t, l2) -> List[Outcome]:
    """The step of update (from backward's gradients, as training takes it) against finite
    differences of J: -(w_after - w_before) / eta = dJ/dw. The weights are restored after."""
    eta = 1e-3
    outcomes = []
    for number, layer in enumerate(layers, start=1):
        numeric = [_numeric(layers, x, t, array, l2) for array in (layer.w, layer.b)]
        saved = [np.copy(a) for a in (layer.w, layer.b, layer.step_w, layer.step_b)]
        layer.update(eta, l2)
        steps = [(before - after) / eta for before, after in zip(saved, (layer.w, layer.b))]
        layer.w, layer.b, layer.step_w, layer.step_b = saved
        where = f"{type(layer).__name__}.update"
        for name, step, grad in zip(("w", "b"), steps, numeric):
            gradient = f"dJ/d{name}{number}" if l2 else f"dE/d{name}{number}"
            outcomes.append(_compare(step, grad, where, gradient, "update()"))
    return outcomes


def _compare(analytic, numeric, where, gradient, hint) -> Outcome:
    """The worst entry of analytic against numeric (a wrong shape or a nan is the worst of all)."""
    entry = gradient.split("/d")[1]
    if np.shape(analytic) != np.shape(numeric):
        shape = f"shape {np.shape(analytic)}, not {np.shape(numeric)}"
        return Outcome(np.inf, where, gradient, shape, np.nan, np.nan, hint)
    relative = np.abs(analytic - numeric) / np.maximum(np.abs(numeric), FLOOR)
    relative = np.where(np.isnan(relative), np.inf, relative)  # a nan gradient is wrong too
    index = np.unravel_index(np.argmax(relative), relative.shape)
    label = f"{entry}[{', '.join(str(i) for i in index)}]"
    return Outcome(
        float(relative[index]), where, gradient, label, analytic[index], numeric[index], hint
    )
