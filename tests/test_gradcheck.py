"""The gradient check (network/gradcheck.py) and the digest of the shipped layers.py (edits.py)."""

import hashlib
import re
import time

import numpy as np
import pytest
from helpers import registered

from regress_demo.inputs.settings import Settings
from regress_demo.network import edits, gradcheck, layers
from regress_demo.network.layers import MIDDLE_LAYERS, MiddleLayer, OutputLayer, TanhLayer

#: Every class registered in layers.py, and one a learner adds (helpers.SoftplusLayer).
EVERY_ACTIVATION = [*MIDDLE_LAYERS, "softplus"]
LINE = (
    r"(\w+)\.(backward|update): (d[EJ]/d[wb]\d) differs from finite differences by [\d.]+ % "
    r"\(([wb]\d\[[\d, ]+\]): (-?[\d.e+-]+) vs (-?[\d.e+-]+)\): check (\w+\(\)); "
    r"pytest tests/test_layers.py -k gradient shows it"
)


@pytest.mark.parametrize("activation", EVERY_ACTIVATION)
@pytest.mark.parametrize("depth", [1, 2])
@pytest.mark.parametrize("batch_size, l2", [(1, 0.0), (4, 0.01)])
def test_the_check_passes_for_every_registered_activation(activation, depth, batch_size, l2):
    with registered():
        outcome = gradcheck.check(activation, depth, batch_size, l2)
    assert outcome.passed, outcome.line()
    assert 0 < outcome.error < 1e-6  # rounding: far below TOLERANCE


def without_the_factor_y(self):
    """The sigmoid's derivative with a factor left out: (1 - y) instead of y (1 - y)."""
    return 1 - self.y


def test_a_derivative_without_its_factor_is_named_with_its_worst_entry(monkeypatch):
    monkeypatch.setattr(MiddleLayer, "derivative", without_the_factor_y)
    outcome = gradcheck.check("sigmoid", depth=1)
    assert not outcome.passed and outcome.error > 0.5
    match = re.fullmatch(LINE, outcome.line())
    assert match, outcome.line()
    assert match.group(1, 2, 7) == ("MiddleLayer", "backward", "derivative()")
    assert match.group(3) in ("dE/dw1", "dE/db1")  # the hidden layer's, not the output's
    analytic, numeric = float(match.group(5)), float(match.group(6))
    assert abs(analytic - numeric) > 0.5 * abs(numeric)
    # Its own tanh is right: a run of tanh passes
    assert gradcheck.check("tanh").passed


def test_an_update_that_climbs_the_error_is_named(monkeypatch):
    def climbing(self, eta, l2=0.0, momentum=0.0):
        self.w += eta * self.grad_w  # the sign turned round
        self.b -= eta * self.grad_b

    monkeypatch.setattr(layers.Layer, "update", climbing)
    outcome = gradcheck.check("tanh")
    match = re.fullmatch(LINE, outcome.line())
    assert match, outcome.line()
    assert match.group(2, 7) == ("update", "update()")
    assert match.group(4).startswith("w")
    assert outcome.analytic == pytest.approx(-outcome.numeric)


def test_l2_left_out_of_the_update_fails_only_with_l2(monkeypatch):
    def without_l2(self, eta, l2=0.0, momentum=0.0):
        self.w -= eta * self.grad_w
        self.b -= eta * self.grad_b

    monkeypatch.setattr(layers.Layer, "update", without_l2)
    assert gradcheck.check("sigmoid", batch_size=4, l2=0.0).passed
    outcome = gradcheck.check("sigmoid", batch_size=4, l2=0.1)
    assert not outcome.passed and outcome.gradient.startswith("dJ/dw")


def test_a_gradient_of_the_wrong_shape_fails_and_says_so(monkeypatch):
    monkeypatch.setattr(TanhLayer, "derivative", lambda self: (1 - self.y**2).sum(axis=0))
    outcome = gradcheck.check("tanh", batch_size=4)
    assert not outcome.passed
    assert outcome.where == "TanhLayer.backward"


def test_a_grid_is_checked_for_each_of_its_networks(monkeypatch):
    grid = Settings(activation=("tanh", "sigmoid"), n_mid=(2, 3))
    assert gradcheck.check_settings(grid) is None
    monkeypatch.setattr(MiddleLayer, "derivative", without_the_factor_y)
    failed = gradcheck.check_settings(grid)  # (a changed method is checked anew)
    assert failed is not None and failed.where == "MiddleLayer.backward"
    assert gradcheck.check_settings(grid.replace(activation="tanh")) is None


def test_the_check_costs_at_most_one_percent_of_a_default_run():
    """A default run takes about 9 s (BENCHMARKS.md); its check, a few milliseconds."""
    gradcheck.check("sigmoid")  # (imports, caches)
    start = time.perf_counter()
    for _ in range(5):
        gradcheck.check("sigmoid")
    assert (time.perf_counter() - start) / 5 < 0.01 * 9.0


def test_the_shipped_digest_is_the_digest_of_layers_py():
    """Kept true by hand: after a change to layers.py in the package, SHIPPED_SHA256 is its new
    digest (a run of the package's own file is no edit)."""
    text = open(layers.__file__, "rb").read().replace(b"\r\n", b"\n")
    assert edits.SHIPPED_SHA256 == hashlib.sha256(text).hexdigest()
    assert edits.edited() is None


def test_an_edited_file_is_named_by_six_digits_of_its_digest(tmp_path, monkeypatch):
    copy = tmp_path / "layers.py"
    shipped = open(layers.__file__, "rb").read().replace(b"\r\n", b"\n")
    monkeypatch.setattr(layers, "__file__", str(copy))
    copy.write_bytes(shipped.replace(b"\n", b"\r\n"))  # a Windows checkout: the same file
    monkeypatch.setattr(edits, "_LOADED", {})  # as if its classes were imported from it now
    assert edits.edited() is None
    copy.write_bytes(shipped.replace(b"(1 - self.y) * self.y", b"(1 - self.y)"))
    assert edits.edited() is None  # the classes that run are still those imported
    assert edits.changed_since_import() == edits.CHANGED_SINCE_IMPORT
    monkeypatch.setattr(edits, "_LOADED", {})  # imported anew
    assert edits.changed_since_import() is None
    digest = edits.edited()
    assert digest == hashlib.sha256(copy.read_bytes()).hexdigest()[:6]
    assert Settings().file_stem() == f"sin_nmid3_eta0.1_epoch2001_seed1_layers{digest}"


def test_numbers_of_the_line_are_the_entries_compared(monkeypatch):
    monkeypatch.setattr(MiddleLayer, "derivative", without_the_factor_y)
    outcome = gradcheck.check("sigmoid")
    assert np.isclose(
        outcome.error, abs(outcome.analytic - outcome.numeric) / max(abs(outcome.numeric), 1e-3)
    )


def test_a_method_that_raises_is_named_with_its_exception(monkeypatch):
    def backward(self, grad_y):
        raise ValueError("a typo in backward")

    monkeypatch.setattr(TanhLayer, "backward", backward)
    outcome = gradcheck.check("tanh")
    assert not outcome.passed
    assert outcome.line() == (
        "TanhLayer.backward raised ValueError: a typo in backward; "
        "pytest tests/test_layers.py -k gradient shows it"
    )


def output_backward(sign=1.0, grad_x_factor=1.0):
    """OutputLayer.backward with delta's sign or grad_x's size changed, as a learner might."""

    def backward(self, t):
        delta = sign * (self.y - t) / len(t)
        self.grad_w = self.x.T @ delta
        self.grad_b = delta.sum(axis=0)
        self.grad_x = grad_x_factor * delta @ self.w.T

    return backward


@pytest.mark.parametrize("sign, factor, gradient", [(-1.0, 1.0, "dE/dw2"), (1.0, 2.0, "dE/dx2")])
def test_a_wrong_output_layer_is_named_not_the_hidden_layer_it_misleads(
    monkeypatch, sign, factor, gradient
):
    monkeypatch.setattr(OutputLayer, "backward", output_backward(sign, factor))
    for depth in (1, 2):
        outcome = gradcheck.check("sigmoid", depth=depth, batch_size=4)
        assert (outcome.where, outcome.hint) == ("OutputLayer.backward", "backward()")
        assert outcome.gradient == gradient.replace("2", str(depth + 1))


def momentum_update(flip_w=False, mu_dropped=False):
    """Layer.update with the momentum branch broken: w -= v, or the old step's mu left out."""

    def update(self, eta, l2=0.0, momentum=0.0):
        if l2 == 0 and momentum == 0:
            self.w -= eta * self.grad_w
            self.b -= eta * self.grad_b
            return
        kept = 0.0 if mu_dropped else momentum
        self.step_w = kept * self.step_w - eta * (self.grad_w + l2 * self.w)
        self.step_b = kept * self.step_b - eta * self.grad_b
        self.w += -self.step_w if flip_w else self.step_w
        self.b += self.step_b

    return update


@pytest.mark.parametrize("flip_w, mu_dropped", [(True, False), (False, True)])
def test_the_momentum_branch_of_update_is_checked_with_the_runs_momentum(
    monkeypatch, flip_w, mu_dropped
):
    monkeypatch.setattr(layers.Layer, "update", momentum_update(flip_w, mu_dropped))
    assert gradcheck.check("sigmoid").passed  # plain SGD does not take that branch
    outcome = gradcheck.check("sigmoid", momentum=0.9)
    assert not outcome.passed and outcome.where.endswith(".update")
    assert outcome.hint == "update()"
    failed = gradcheck.check_settings(Settings(momentum=0.9, epoch=10))
    assert failed is not None and failed.where.endswith(".update")


def test_a_forward_without_return_names_the_hidden_layer(monkeypatch):
    def forward(self, x):  # the book's style: self.y set, nothing returned
        self.x, self.u = x, x @ self.w + self.b
        self.y = self.activate(self.u)

    monkeypatch.setattr(MiddleLayer, "forward", forward)
    outcome = gradcheck.check("sigmoid", depth=2)
    assert not outcome.passed and not outcome.trainable
    assert outcome.line() == (
        "MiddleLayer.forward returned None: forward must return y (see docs/textbook.md)"
    )


def test_a_gradient_of_the_wrong_shape_names_both_shapes(monkeypatch):
    def backward(self, grad_y):
        delta = grad_y * self.derivative()
        self.grad_w = self.x.T @ delta
        self.grad_b = delta.sum()  # a scalar, not one per neuron
        self.grad_x = delta @ self.w.T

    monkeypatch.setattr(MiddleLayer, "backward", backward)
    assert gradcheck.check("sigmoid").line() == (
        "MiddleLayer.backward: grad_b has shape (), b has shape (3,): check grad_b in backward(); "
        "pytest tests/test_layers.py -k gradient shows it"
    )
