"""The layers of the textbook network, each with forward, backward and update.

A layer receives a batch of inputs ``x`` of shape ``(batch, n_upper)``: one row per sample,
one column per neuron of the layer before it (the textbook's "upper" layer, nearer the input).
It has ``n`` neurons, a weight matrix ``w`` of shape ``(n_upper, n)`` and a bias ``b`` of shape
``(n,)``.

Backpropagation, for the squared error averaged over the batch, ``E = 1/(2B) * sum((y - t)**2)``:

    forward:   u = x @ w + b        y = f(u)
    backward:  delta = dE/du = grad_y * f'(u)
               grad_w = dE/dw = x.T @ delta
               grad_b = dE/db = sum of delta over the batch
               grad_x = dE/dx = delta @ w.T      (the grad_y of the layer before)
    update:    w -= eta * grad_w     b -= eta * grad_b

With batch size 1 (the textbook's SGD) the mean is the single sample's ``1/2 (y - t)**2``.
The update may also add L2 regularisation (``lambda * w`` joins the weights' gradient, not the
biases') and classical momentum (each step keeps ``mu`` times the step before).

Each layer keeps its input ``x`` and output ``y`` from ``forward`` (a hidden layer also its ``u``):
``backward`` needs them.

A new activation is a subclass of MiddleLayer (its ``activate`` and ``derivative``) and its entry in
MIDDLE_LAYERS: ``--activation NAME``, the frames, the fast loops and the gradient check take it
from there.
"""

import numpy as np


class Layer:
    """What all layers share: weights, biases, and the gradient-descent update."""

    def __init__(self, n_upper, n, wb_width=0.01, rng=None):
        """n_upper inputs, n neurons; w and b start as wb_width * N(0, 1) draws from rng (a NumPy
        Generator)."""
        rng = np.random.default_rng() if rng is None else rng
        self.w = wb_width * rng.standard_normal((n_upper, n))  # weights, (n_upper, n)
        self.b = wb_width * rng.standard_normal(n)  # biases, (n,)
        self.step_w = np.zeros_like(self.w)  # the last step of w and b, for momentum
        self.step_b = np.zeros_like(self.b)

    def __repr__(self):
        """Short, for a notebook: ``MiddleLayer(1 -> 3, sigmoid)``."""
        n_upper, n = self.w.shape
        return f"{type(self).__name__}({n_upper} -> {n}, {activation_name(self)})"

    def update(self, eta, l2=0.0, momentum=0.0):
        """One gradient-descent step with learning rate eta; w: (n_upper, n), b: (n,).
        l2 > 0 also pulls the weights (not the biases) towards 0; momentum mu > 0 keeps mu times the
        last step."""
        if l2 == 0 and momentum == 0:  # the textbook's SGD
            self.w -= eta * self.grad_w  # W <- W - eta dE/dW
            self.b -= eta * self.grad_b  # b <- b - eta dE/db
            return
        grad_w = self.grad_w + l2 * self.w  # dJ/dW = dE/dW + lambda W, for J = E + lambda/2 |W|^2
        self.step_w = momentum * self.step_w - eta * grad_w  # v <- mu v - eta dJ/dW
        self.step_b = momentum * self.step_b - eta * self.grad_b  # v_b <- mu v_b - eta dE/db
        self.w += self.step_w  # W <- W + v
        self.b += self.step_b  # b <- b + v_b


class MiddleLayer(Layer):
    """A hidden layer of sigmoid neurons: y = sigmoid(x @ w + b); the layers below change only f."""

    label = "σ"  # f in the frames' formulas, e.g. w2_j · σ(w1_j x + b1_j)

    def forward(self, x):
        """x: (batch, n_upper) -> y: (batch, n)."""
        self.x = x
        self.u = x @ self.w + self.b  # u = xW + b (kept: ReLU's derivative needs it)
        self.y = self.activate(self.u)  # y = f(u)
        return self.y

    def backward(self, grad_y):
        """grad_y: dE/dy (batch, n) -> grad_w (n_upper, n), grad_b (n,), grad_x (batch, n_upper)."""
        delta = grad_y * self.derivative()  # delta = dE/du = grad_y * f'(u)
        self.grad_w = self.x.T @ delta  # dE/dW = x^T delta
        self.grad_b = delta.sum(axis=0)  # dE/db = sum of delta over the batch
        self.grad_x = delta @ self.w.T  # dE/dx = delta W^T, passed back to the layer before

    @staticmethod
    def activate(u):
        """The activation f(u), elementwise: here the sigmoid."""
        return 1 / (1 + np.exp(-u))  # sigmoid(u) = 1 / (1 + e^-u)

    def derivative(self):
        """f'(u) for the last forward pass, (batch, n)."""
        return (1 - self.y) * self.y  # sigmoid'(u) = y(1-y)


class TanhLayer(MiddleLayer):
    """A hidden layer of tanh neurons: y = tanh(x @ w + b)."""

    @staticmethod
    def activate(u):
        """tanh(u), elementwise."""
        return np.tanh(u)

    def derivative(self):
        """f'(u) for the last forward pass, (batch, n)."""
        return 1 - self.y**2  # tanh'(u) = 1 - tanh(u)^2 = 1 - y^2


class ReluLayer(MiddleLayer):
    """A hidden layer of ReLU neurons: y = max(0, x @ w + b)."""

    @staticmethod
    def activate(u):
        """max(0, u), elementwise."""
        return np.maximum(u, 0.0)

    def derivative(self):
        """f'(u) for the last forward pass, (batch, n)."""
        return (self.u > 0).astype(float)  # relu'(u) = 1 where u > 0, else 0


#: The hidden layer for each activation name: a class added here can be chosen by its name.
MIDDLE_LAYERS = {"sigmoid": MiddleLayer, "tanh": TanhLayer, "relu": ReluLayer}


def label(name):
    """f of the activation `name` in the frames' formulas: its class's own `label`, else `name`."""
    return vars(MIDDLE_LAYERS[name]).get("label", name)  # (not inherited: a subclass has another f)


def activation_name(layer):
    """The name a layer's class is registered under in MIDDLE_LAYERS ("identity" for the output)."""
    if isinstance(layer, OutputLayer):
        return "identity"
    names = [name for name, kind in MIDDLE_LAYERS.items() if kind is type(layer)]
    return names[0] if names else type(layer).__name__


class OutputLayer(Layer):
    """The output layer, identity activation: y = x @ w + b."""

    def forward(self, x):
        """x: (batch, n_upper) -> y: (batch, n)."""
        self.x = x
        self.y = x @ self.w + self.b  # y = u = xW + b (identity)
        return self.y

    def backward(self, t):
        """t: targets (batch, n) -> grad_w (n_upper, n), grad_b (n,), grad_x (batch, n_upper)."""
        delta = (self.y - t) / len(t)  # delta = dE/du = (y - t) / B, for E = 1/(2B) sum (y - t)^2
        self.grad_w = self.x.T @ delta  # dE/dW = x^T delta
        self.grad_b = delta.sum(axis=0)  # dE/db = sum of delta over the batch
        self.grad_x = delta @ self.w.T  # dE/dx = delta W^T, passed back to the layer before
