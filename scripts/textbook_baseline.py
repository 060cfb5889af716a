#!/usr/bin/env python3
"""The baseline the benchmarks compare against: the textbook's regression example as published,
with the GIF code a learner would typically add to it.

The network is the textbook's: two layer classes with np.dot, reshapes and the global random state.
The GIF is made the usual way: at each recorded epoch a new pyplot figure, plot and scatter,
savefig to PNG, read the PNG back; all frames are kept and written with imageio.mimsave at the end.
This file is a yardstick for scripts/bench.py, not part of the package.

    python scripts/textbook_baseline.py --out outputs/textbook.gif
"""

import argparse
import io

import imageio.v2 as imageio
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# The textbook's settings.
n_in, n_mid, n_out = 1, 3, 1
wb_width = 0.01
eta = 0.1
epoch = 2001
interval = 200


class MiddleLayer:
    def __init__(self, n_upper, n):
        self.w = wb_width * np.random.randn(n_upper, n)
        self.b = wb_width * np.random.randn(n)

    def forward(self, x):
        self.x = x
        u = np.dot(x, self.w) + self.b
        self.y = 1 / (1 + np.exp(-u))

    def backward(self, grad_y):
        delta = grad_y * (1 - self.y) * self.y
        self.grad_w = np.dot(self.x.T, delta)
        self.grad_b = np.sum(delta, axis=0)
        self.grad_x = np.dot(delta, self.w.T)

    def update(self, eta):
        self.w -= eta * self.grad_w
        self.b -= eta * self.grad_b


class OutputLayer:
    def __init__(self, n_upper, n):
        self.w = wb_width * np.random.randn(n_upper, n)
        self.b = wb_width * np.random.randn(n)

    def forward(self, x):
        self.x = x
        u = np.dot(x, self.w) + self.b
        self.y = u

    def backward(self, t):
        delta = self.y - t
        self.grad_w = np.dot(self.x.T, delta)
        self.grad_b = np.sum(delta, axis=0)
        self.grad_x = np.dot(delta, self.w.T)

    def update(self, eta):
        self.w -= eta * self.grad_w
        self.b -= eta * self.grad_b


def make_data():
    input_data = np.arange(0, np.pi * 2, 0.1)
    correct_data = np.sin(input_data)
    input_data = (input_data - np.pi) / np.pi
    return input_data, correct_data


def train(epochs=epoch, record_every=interval, seed=0, on_record=None):
    """The textbook's training loop; each recorded epoch calls on_record(i, px, py, error)."""
    np.random.seed(seed)
    input_data, correct_data = make_data()
    n_data = len(correct_data)
    middle_layer = MiddleLayer(n_in, n_mid)
    output_layer = OutputLayer(n_mid, n_out)
    errors = []
    for i in range(epochs):
        index_random = np.arange(n_data)
        np.random.shuffle(index_random)
        total_error = 0
        plot_x = []
        plot_y = []
        for idx in index_random:
            x = input_data[idx : idx + 1]
            t = correct_data[idx : idx + 1]
            middle_layer.forward(x.reshape(1, 1))
            output_layer.forward(middle_layer.y)
            output_layer.backward(t.reshape(1, 1))
            middle_layer.backward(output_layer.grad_x)
            middle_layer.update(eta)
            output_layer.update(eta)
            if i % record_every == 0:
                y = output_layer.y.reshape(-1)
                total_error += 1.0 / 2.0 * np.sum(np.square(y - t))
                plot_x.append(x)
                plot_y.append(y)
        if i % record_every == 0:
            errors.append(total_error / n_data)
            if on_record is not None:
                on_record(i, plot_x, plot_y, total_error / n_data)
    return errors


def frame_png(input_data, correct_data, plot_x, plot_y):
    """One frame the usual way: a new figure, plot, scatter, savefig to PNG, read back."""
    fig = plt.figure()
    plt.plot(input_data, correct_data, linestyle="dashed")
    plt.scatter(plot_x, plot_y, marker="+")
    buffer = io.BytesIO()
    plt.savefig(buffer, format="png")
    plt.close(fig)
    buffer.seek(0)
    return imageio.imread(buffer)


def make_gif(path, epochs=epoch, record_every=20, seed=0, frame_ms=100):
    """Train, render a frame at each recorded epoch, and write all frames with imageio.mimsave."""
    input_data, correct_data = make_data()
    frames = []

    def record(i, plot_x, plot_y, error):
        frames.append(frame_png(input_data, correct_data, plot_x, plot_y))

    train(epochs, record_every, seed, record)
    imageio.mimsave(path, frames, duration=frame_ms, loop=0)
    return len(frames)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="outputs/textbook.gif")
    parser.add_argument("--epoch", type=int, default=epoch)
    parser.add_argument("--interval", type=int, default=20)
    args = parser.parse_args()
    frames = make_gif(args.out, args.epoch, args.interval)
    print(f"wrote {args.out} ({frames} frames)")


if __name__ == "__main__":
    main()
