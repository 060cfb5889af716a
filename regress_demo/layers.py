"""The two layers of the textbook network, each with forward, backward and update.

A layer receives a batch of inputs ``x`` of shape ``(batch, n_upper)``: one row per sample,
one column per neuron of the layer before it (the textbook's "upper" layer, nearer the input).
It has ``n`` neurons, a weight matrix ``w`` of shape ``(n_upper, n)`` and a bias ``b`` of shape ``(n,)``.

Backpropagation, for the squared error ``E = 1/2 * sum((y - t)**2)``:

    forward:   u = x @ w + b        y = f(u)
    backward:  delta = dE/du = grad_y * f'(u)
               grad_w = dE/dw = x.T @ delta
               grad_b = dE/db = sum of delta over the batch
               grad_x = dE/dx = delta @ w.T      (the grad_y of the layer before)
    update:    w -= eta * grad_w     b -= eta * grad_b

Both layers keep their input ``x`` and output ``y`` from ``forward``, because ``backward`` needs them.
"""

import numpy as np


class Layer:
    """What both layers share: weights, biases, and the gradient-descent update."""

    def __init__(self, n_upper, n, wb_width=0.01, rng=None):
        """n_upper inputs, n neurons; w and b start as wb_width * N(0, 1) draws from rng (a NumPy Generator)."""
        rng = np.random.default_rng() if rng is None else rng
        self.w = wb_width * rng.standard_normal((n_upper, n))  # weights, (n_upper, n)
        self.b = wb_width * rng.standard_normal(n)  # biases, (n,)

    def update(self, eta):
        """One gradient-descent step with learning rate eta; w: (n_upper, n), b: (n,)."""
        self.w -= eta * self.grad_w  # W <- W - eta dE/dW
        self.b -= eta * self.grad_b  # b <- b - eta dE/db


class MiddleLayer(Layer):
    """A hidden layer of sigmoid neurons: y = sigmoid(x @ w + b)."""

    def forward(self, x):
        """x: (batch, n_upper) -> y: (batch, n)."""
        self.x = x
        u = x @ self.w + self.b  # u = xW + b
        self.y = 1 / (1 + np.exp(-u))  # y = sigmoid(u)
        return self.y

    def backward(self, grad_y):
        """grad_y = dE/dy: (batch, n) -> grad_w (n_upper, n), grad_b (n,), grad_x (batch, n_upper)."""
        delta = grad_y * (1 - self.y) * self.y  # delta = dE/du = grad_y * y(1-y)
        self.grad_w = self.x.T @ delta  # dE/dW = x^T delta
        self.grad_b = delta.sum(axis=0)  # dE/db = sum of delta over the batch
        self.grad_x = delta @ self.w.T  # dE/dx = delta W^T, passed back to the layer before


class OutputLayer(Layer):
    """The output layer, identity activation: y = x @ w + b."""

    def forward(self, x):
        """x: (batch, n_upper) -> y: (batch, n)."""
        self.x = x
        self.y = x @ self.w + self.b  # y = u = xW + b (identity)
        return self.y

    def backward(self, t):
        """t: targets (batch, n) -> grad_w (n_upper, n), grad_b (n,), grad_x (batch, n_upper)."""
        delta = self.y - t  # delta = dE/du = y - t, for E = 1/2 (y - t)^2
        self.grad_w = self.x.T @ delta  # dE/dW = x^T delta
        self.grad_b = delta.sum(axis=0)  # dE/db = sum of delta over the batch
        self.grad_x = delta @ self.w.T  # dE/dx = delta W^T, passed back to the layer before
