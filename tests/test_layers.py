"""The layers' gradients against central finite differences, and one SGD step worked by hand."""

import numpy as np
import pytest
from helpers import SoftplusLayer, registered

from regress_demo.network import layers as layers_py
from regress_demo.network.layers import MIDDLE_LAYERS, MiddleLayer, OutputLayer

EPS = 1e-6
#: Every class registered in layers.py, and one a learner adds (helpers.SoftplusLayer, registered
#: only while a test runs).
EVERY_ACTIVATION = [*MIDDLE_LAYERS, "softplus"]


def numerical_gradient(loss, array):
    """Central finite differences of loss() in each entry of `array` (changed in place)."""
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


@pytest.mark.parametrize("activation", EVERY_ACTIVATION)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_middle_layer_gradients_match_finite_differences(activation, seed):
    rng = np.random.default_rng(seed)
    with registered():
        layer = MIDDLE_LAYERS[activation](3, 5, wb_width=1.0, rng=rng)
    x = rng.standard_normal((4, 3))
    grad_y = rng.standard_normal((4, 5))  # dE/dy for the loss E = sum(grad_y * y)

    def loss():
        return np.sum(grad_y * layer.forward(x))

    layer.forward(x)
    assert np.abs(layer.u).min() > 1e-4  # no ReLU kink within reach of the finite differences
    layer.backward(grad_y)
    assert (
        layer.grad_w.shape == (3, 5) and layer.grad_b.shape == (5,) and layer.grad_x.shape == (4, 3)
    )
    assert_close(layer.grad_w, numerical_gradient(loss, layer.w))
    assert_close(layer.grad_b, numerical_gradient(loss, layer.b))
    assert_close(layer.grad_x, numerical_gradient(loss, x))


@pytest.mark.parametrize(
    "activation, f",
    [
        ("sigmoid", lambda u: 1 / (1 + np.exp(-u))),
        ("tanh", np.tanh),
        ("relu", lambda u: np.where(u > 0, u, 0.0)),
    ],
)
def test_each_activation_computes_its_function(activation, f):
    layer = MIDDLE_LAYERS[activation](1, 3, wb_width=1.0, rng=np.random.default_rng(0))
    x = np.linspace(-3, 3, 7).reshape(-1, 1)
    np.testing.assert_allclose(layer.forward(x), f(x @ layer.w + layer.b), rtol=1e-15, atol=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_output_layer_gradients_match_finite_differences(seed):
    rng = np.random.default_rng(seed)
    layer = OutputLayer(5, 2, wb_width=1.0, rng=rng)
    x = rng.standard_normal((4, 5))
    t = rng.standard_normal((4, 2))

    def loss():
        return (
            0.5 * np.sum((layer.forward(x) - t) ** 2) / len(x)
        )  # E = 1/(2B) sum (y - t)^2, the batch mean

    layer.forward(x)
    layer.backward(t)
    assert (
        layer.grad_w.shape == (5, 2) and layer.grad_b.shape == (2,) and layer.grad_x.shape == (4, 5)
    )
    assert_close(layer.grad_w, numerical_gradient(loss, layer.w))
    assert_close(layer.grad_b, numerical_gradient(loss, layer.b))
    assert_close(layer.grad_x, numerical_gradient(loss, x))


def network(activation, depth, n_mid=4, seed=7):
    rng = np.random.default_rng(seed)
    middles = [
        MIDDLE_LAYERS[activation](1 if d == 0 else n_mid, n_mid, 1.0, rng) for d in range(depth)
    ]
    return middles, OutputLayer(n_mid, 1, 1.0, rng)


def forward_backward(middles, output, x, t):
    y = x
    for layer in middles:
        y = layer.forward(y)
    output.forward(y)
    output.backward(t)
    grad = output.grad_x
    for layer in reversed(middles):
        layer.backward(grad)
        grad = layer.grad_x


@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("activation", EVERY_ACTIVATION)
@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("batch", [1, 4])
def test_the_update_follows_the_gradient_of_the_whole_network_with_l2(activation, depth, l2, batch):
    """The step each layer takes, -(w_after - w_before) / eta, is the gradient of
    J = 1/(2B) sum (y - t)^2 + l2/2 * sum of every squared weight (not the biases)."""
    with registered():
        middles, output = network(activation, depth)
    layers = middles + [output]
    rng = np.random.default_rng(1)
    x, t = rng.standard_normal((batch, 1)), rng.standard_normal((batch, 1))

    def loss():
        y = x
        for layer in layers:
            y = layer.forward(y)
        penalty = sum(np.sum(layer.w**2) for layer in layers)
        return 0.5 * np.mean((y - t) ** 2) + 0.5 * l2 * penalty

    expected = [
        (numerical_gradient(loss, layer.w), numerical_gradient(loss, layer.b)) for layer in layers
    ]
    forward_backward(middles, output, x, t)
    eta = 0.01
    for layer, (grad_w, grad_b) in zip(layers, expected):
        w, b = layer.w.copy(), layer.b.copy()
        layer.update(eta, l2=l2)
        assert_close((w - layer.w) / eta, grad_w)
        assert_close((b - layer.b) / eta, grad_b)


def test_a_batch_gradient_is_the_mean_of_the_samples_gradients():
    middles, output = network("tanh", 2)
    rng = np.random.default_rng(3)
    x, t = rng.standard_normal((5, 1)), rng.standard_normal((5, 1))
    forward_backward(middles, output, x, t)
    batch = [layer.grad_w.copy() for layer in middles + [output]]
    singles = []
    for i in range(5):
        forward_backward(middles, output, x[i : i + 1], t[i : i + 1])
        singles.append([layer.grad_w.copy() for layer in middles + [output]])
    for k, grad in enumerate(batch):
        np.testing.assert_allclose(
            grad, np.mean([single[k] for single in singles], axis=0), rtol=1e-12, atol=1e-15
        )


def test_momentum_keeps_mu_times_the_last_step():
    layer = OutputLayer(2, 1)
    layer.w[:], layer.b[:] = [[1.0], [2.0]], [0.5]
    eta, mu = 0.1, 0.9
    layer.grad_w, layer.grad_b = np.array([[1.0], [-2.0]]), np.array([4.0])
    layer.update(eta, momentum=mu)  # v = -eta g = (-0.1, 0.2), -0.4
    np.testing.assert_allclose(layer.w, [[0.9], [2.2]], rtol=1e-15)
    np.testing.assert_allclose(layer.b, [0.1], rtol=1e-15)
    layer.grad_w, layer.grad_b = np.array([[0.5], [0.0]]), np.array([-1.0])
    layer.update(eta, momentum=mu)  # v = mu v - eta g = (-0.09 - 0.05, 0.18), -0.36 + 0.1
    np.testing.assert_allclose(layer.w, [[0.76], [2.38]], rtol=1e-14)
    np.testing.assert_allclose(layer.b, [-0.16], rtol=1e-13)


def test_no_l2_and_no_momentum_is_exactly_the_textbook_update():
    rng = np.random.default_rng(5)
    a, b = (
        OutputLayer(3, 2, 1.0, np.random.default_rng(9)),
        OutputLayer(3, 2, 1.0, np.random.default_rng(9)),
    )
    for _ in range(3):
        a.grad_w = b.grad_w = rng.standard_normal((3, 2))
        a.grad_b = b.grad_b = rng.standard_normal(2)
        a.update(0.1)
        b.w -= 0.1 * b.grad_w  # the textbook: w -= eta * grad_w
        b.b -= 0.1 * b.grad_b
        np.testing.assert_array_equal(a.w, b.w)
        np.testing.assert_array_equal(a.b, b.b)


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
    # delta_mid = delta_out * w2 * h (1 - h) = (-0.0345902931, -0.0623668510),
    # with w2 before the update
    # w1 -= eta * x * delta_mid; b1 -= eta * delta_mid
    np.testing.assert_allclose(middle.w, [[0.5017295146568873, -0.2968816574498383]], rtol=1e-12)
    np.testing.assert_allclose(middle.b, [0.10345902931377471, 0.20623668510032336], rtol=1e-12)


def test_a_layer_prints_short_with_its_shape_and_activation():
    assert repr(MiddleLayer(1, 3)) == "MiddleLayer(1 -> 3, sigmoid)"
    assert repr(MIDDLE_LAYERS["tanh"](3, 3)) == "TanhLayer(3 -> 3, tanh)"
    assert repr(OutputLayer(3, 1)) == "OutputLayer(3 -> 1, identity)"
    with registered():
        assert repr(SoftplusLayer(1, 10)) == "SoftplusLayer(1 -> 10, softplus)"
    assert repr(SoftplusLayer(1, 10)) == "SoftplusLayer(1 -> 10, SoftplusLayer)"  # not registered


def test_the_frames_name_f_by_the_class_own_label_not_its_parents():
    assert [layers_py.label(name) for name in ("sigmoid", "tanh", "relu")] == ["σ", "tanh", "relu"]
    with registered():  # a subclass of MiddleLayer, which is labelled σ: its name, not σ
        assert layers_py.label("softplus") == "softplus"
    with registered("steep", type("SteepLayer", (MiddleLayer,), {"label": "σ₂"})):
        assert layers_py.label("steep") == "σ₂"


def test_every_registered_middle_layer_is_exported_by_its_class_name():
    import regress_demo

    assert regress_demo.TanhLayer is MIDDLE_LAYERS["tanh"]
    with pytest.raises(ImportError):
        from regress_demo import SoftplusLayer as Missing  # noqa: F401  (not in layers.py yet)
    with registered():  # a class added to layers.py, as docs/editing.md shows
        from regress_demo import SoftplusLayer as Exported

        assert Exported is SoftplusLayer
    assert not hasattr(regress_demo, "NoSuchLayer")
