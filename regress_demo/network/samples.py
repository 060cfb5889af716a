"""The samples a network learns from: inputs x in [-1, 1), targets from a curve, optional noise,
and an optional held-out range of x that training never sees.

The default is the textbook's data: the sine sampled every 0.1 on [0, 2*pi), the input rescaled to
[-1, 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Tuple

import numpy as np

#: The textbook's number of samples: the angle every 0.1 on [0, 2*pi).
TEXTBOOK_POINTS = 63
#: Points on the smooth curves drawn in each frame (the fit and the target).
GRID_POINTS = 200
#: The seed of the noise's random stream, combined with the run's seed (train.py uses 0, 1 and 2).
NOISE_STREAM = 3


def sample_inputs(n_points: int = TEXTBOOK_POINTS):
    """The inputs x, shape (n_points,): the textbook's 63 (the angle 0, 0.1, ..., 6.2 rescaled to
    [-1, 1)), or n_points evenly spaced over [-1, 1)."""
    if n_points == TEXTBOOK_POINTS:
        angle = np.arange(0, 2 * np.pi, 0.1)  # the textbook's input_data
        return (angle - np.pi) / np.pi  # rescaled so the input lies in [-1, 1)
    return np.linspace(-1.0, 1.0, n_points, endpoint=False)


def textbook_sine(x):
    """The textbook's target: sin of the angle pi*x + pi that the input x in [-1, 1) stands for."""
    return np.sin(np.pi * x + np.pi)


def sine_data():
    """The textbook's 63 samples: inputs x in [-1, 1) and targets t = sin of the original angle."""
    angle = np.arange(0, 2 * np.pi, 0.1)  # the textbook's input_data
    # its correct_data: exactly, not to rounding, sin(pi x + pi)
    return sample_inputs(), np.sin(angle)


def grid(n=GRID_POINTS):
    """Evenly spaced inputs covering the data, for drawing smooth curves."""
    return np.linspace(-1.0, 1.0, n)


@dataclass(frozen=True)
class Dataset:
    """All samples of a run: the training ones and the held-out ones."""

    x: np.ndarray  # (n_points,) every input, in increasing order
    t: np.ndarray  # (n_points,) every target, noise included
    train: np.ndarray  # (n_points,) True for a training sample, False for a held-out one
    target: Callable[[np.ndarray], np.ndarray]  # the curve without noise, for drawing
    holdout: Optional[Tuple[float, float]] = None  # the held-out range of x, if any

    @property
    def x_train(self):
        return self.x[self.train]

    @property
    def t_train(self):
        return self.t[self.train]

    @property
    def x_heldout(self):
        return self.x[~self.train]

    @property
    def t_heldout(self):
        return self.t[~self.train]


def held_out(x, holdout: Optional[Tuple[float, float]]):
    """True for each input inside the held-out range [a, b]."""
    if holdout is None:
        return np.zeros(len(x), bool)
    low, high = holdout
    return (x >= low) & (x <= high)


def make_dataset(
    target: Callable,
    n_points: int = TEXTBOOK_POINTS,
    noise: float = 0.0,
    holdout: Optional[Tuple[float, float]] = None,
    seed: int = 1,
) -> Dataset:
    """The samples of `target` (a function of x) at sample_inputs(n_points), with Gaussian noise of
    standard deviation `noise` (seeded by `seed`) on the targets and the range `holdout` kept
    out."""
    if target is textbook_sine and n_points == TEXTBOOK_POINTS:
        x, t = sine_data()  # the textbook's numbers to the last bit
    else:
        x = sample_inputs(n_points)
        t = target(x)
    if noise > 0:
        t = t + noise * np.random.default_rng([seed, NOISE_STREAM]).standard_normal(n_points)
    return Dataset(x, t, ~held_out(x, holdout), target, holdout)


def textbook_dataset() -> Dataset:
    """The textbook's 63 samples of the sine, all of them for training."""
    return make_dataset(textbook_sine)
