"""The textbook's data: the sine curve sampled every 0.1 on [0, 2*pi), input rescaled to [-1, 1)."""

import numpy as np

#: Points on the smooth curves drawn in each frame (the fit and the target).
GRID_POINTS = 200


def sine_data():
    """The 63 training samples: inputs x in [-1, 1) and targets t = sin of the original angle."""
    angle = np.arange(0, 2 * np.pi, 0.1)  # the textbook's input_data
    t = np.sin(angle)  # the textbook's correct_data
    x = (angle - np.pi) / np.pi  # rescaled so the input lies in [-1, 1)
    return x, t


def sine_target(x):
    """The curve the samples come from, as a function of the rescaled input x."""
    return np.sin(np.pi * x + np.pi)


def grid(n=GRID_POINTS):
    """Evenly spaced inputs covering the data, for drawing smooth curves."""
    return np.linspace(-1.0, 1.0, n)
