"""The layers' gradients against central finite differences, and one SGD step worked by hand."""

import numpy as np
import pytest

from regress_demo.layers import MiddleLayer, OutputLayer

EPS = 1e-6


def numerical_gradient(loss, array):
    """Central finite differences of loss() with respect to every entry of `array` (changed in place)."""
    grad = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        saved = array[index]
        array[index] = saved + EPS
        plus = loss()
        array[index] = saved - EPS
        minus = loss()
        array[index] = saved
        grad[index] = (plus - minus) / (2 * EPS)
    return grad


def assert_close(analytic, numeric):
    relative = np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    assert relative.max() < 1e-6, f"largest relative error {relative.max():.2e}"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_middle_layer_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    layer = MiddleLayer(3, 5, wb_width=1.0, rng=rng)
    x = rng.standard_normal((4, 3))
    grad_y = rng.standard_normal((4, 5))  # dE/dy for the loss E = sum(grad_y * y)

    def loss():
        return np.sum(grad_y * layer.forward(x))

    layer.forward(x)
    layer.backward(grad_y)
    assert layer.grad_w.shape == (3, 5) and layer.grad_b.shape == (5,) and layer.grad_x.shape == (4, 3)
    assert_close(layer.grad_w, numerical_gradient(loss, layer.w))
    assert_close(layer.grad_b, numerical_gradient(loss, layer.b))
    assert_close(layer.grad_x, numerical_gradient(loss, x))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_output_layer_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    layer = OutputLayer(5, 2, wb_width=1.0, rng=rng)
    x = rng.standard_normal((4, 5))
    t = rng.standard_normal((4, 2))

    def loss():
        return 0.5 * np.sum((layer.forward(x) - t) ** 2)  # E = 1/2 sum (y - t)^2

    layer.forward(x)
    layer.backward(t)
    assert layer.grad_w.shape == (5, 2) and layer.grad_b.shape == (2,) and layer.grad_x.shape == (4, 5)
    assert_close(layer.grad_w, numerical_gradient(loss, layer.w))
    assert_close(layer.grad_b, numerical_gradient(loss, layer.b))
    assert_close(layer.grad_x, numerical_gradient(loss, x))


def test_two_layers_chain_to_the_gradient_of_the_whole_network():
    rng = np.random.default_rng(7)
    middle, output = MiddleLayer(1, 4, 1.0, rng), OutputLayer(4, 1, 1.0, rng)
    x, t = rng.standard_normal((6, 1)), rng.standard_normal((6, 1))

    def loss():
        return 0.5 * np.sum((output.forward(middle.forward(x)) - t) ** 2)

    loss()
    output.backward(t)
    middle.backward(output.grad_x)
    assert_close(middle.grad_w, numerical_gradient(loss, middle.w))
    assert_close(middle.grad_b, numerical_gradient(loss, middle.b))
    assert_close(output.grad_w, numerical_gradient(loss, output.w))


def test_initial_weights_are_wb_width_times_standard_normal_draws():
    layer = MiddleLayer(2, 3, wb_width=0.5, rng=np.random.default_rng(42))
    draws = np.random.default_rng(42).standard_normal(2 * 3 + 3)
    np.testing.assert_array_equal(layer.w, 0.5 * draws[:6].reshape(2, 3))
    np.testing.assert_array_equal(layer.b, 0.5 * draws[6:])


def test_one_sgd_step_on_a_1_2_1_network_worked_by_hand():
    middle, output = MiddleLayer(1, 2), OutputLayer(2, 1)
    middle.w[:] = [[0.5, -0.3]]
    middle.b[:] = [0.1, 0.2]
    output.w[:] = [[0.4], [0.7]]
    output.b[:] = [0.05]
    x, t, eta = np.array([[0.5]]), np.array([[1.0]]), 0.1

    middle.forward(x)
    y = output.forward(middle.y)
    output.backward(t)
    middle.backward(output.grad_x)
    middle.update(eta)
    output.update(eta)

    # u = x w1 + b1 = (0.35, 0.05); h = sigmoid(u) = (0.5866175789, 0.5124973965)
    np.testing.assert_allclose(middle.y, [[0.5866175789173301, 0.5124973964842103]], rtol=1e-12)
    # y = 0.4 h1 + 0.7 h2 + 0.05 = 0.6433952091; delta_out = y - t = -0.3566047909
    np.testing.assert_allclose(y, [[0.6433952091058793]], rtol=1e-12)
    # w2 -= eta * h * delta_out; b2 -= eta * delta_out
    np.testing.assert_allclose(output.w, [[0.420919063906463], [0.7182759026907033]], rtol=1e-12)
    np.testing.assert_allclose(output.b, [0.08566047908941207], rtol=1e-12)
    # delta_mid = delta_out * w2 * h (1 - h) = (-0.0345902931, -0.0623668510), with w2 before the update
    # w1 -= eta * x * delta_mid; b1 -= eta * delta_mid
    np.testing.assert_allclose(middle.w, [[0.5017295146568873, -0.2968816574498383]], rtol=1e-12)
    np.testing.assert_allclose(middle.b, [0.10345902931377471, 0.20623668510032336], rtol=1e-12)
