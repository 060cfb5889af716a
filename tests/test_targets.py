"""The named curves, and formulas typed by the user: computed like NumPy, refused when unsafe."""

from __future__ import annotations

import ast
import builtins
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import one_error_line, run_main

from regress_demo.inputs import targets
from regress_demo.inputs.settings import Settings
from regress_demo.inputs.targets import (
    CURVES,
    FUNCTIONS,
    MAX_FORMULA_LENGTH,
    FormulaError,
    describe,
    is_named,
    parse_formula,
    target_function,
)

#: The textbook's 63 inputs, rescaled to [-1, 1).
X = (np.arange(0, 2 * np.pi, 0.1) - np.pi) / np.pi


def test_sin_is_the_textbook_sine_bit_for_bit():
    """The default run depends on this exact expression."""
    np.testing.assert_array_equal(CURVES["sin"][0](X), np.sin(np.pi * X + np.pi))


def test_curve_names():
    """Exactly the documented curves, each with a one-line description."""
    assert list(CURVES) == [
        "sin",
        "cos",
        "abs",
        "step",
        "square",
        "gauss",
        "sinc",
        "xsin",
        "sawtooth",
    ]
    for _function, description in CURVES.values():
        assert description and "\n" not in description
    assert CURVES["sin"][1] == "the textbook's sine: one period, sin of the angle"


@pytest.mark.parametrize(
    "name, points",
    [
        ("sin", {-1.0: 0.0, -0.5: 1.0, 0.0: 0.0, 0.5: -1.0}),
        ("cos", {-1.0: 1.0, -0.5: 0.0, 0.0: -1.0, 0.5: 0.0}),
        ("abs", {-0.5: 0.5, 0.0: 0.0, 0.25: 0.25}),
        ("step", {-1.0: -1.0, -0.5: -1.0, 0.0: 1.0, 0.5: 1.0}),
        ("square", {-0.5: 0.25, 0.0: 0.0, 0.5: 0.25}),
        ("gauss", {0.0: 1.0, 0.5: np.exp(-2.0), -0.5: np.exp(-2.0)}),
        ("sinc", {0.0: 1.0, 1 / 3: 0.0, 1 / 6: 2 / np.pi}),
        ("xsin", {0.0: 0.0, 0.25: 0.25, -0.25: 0.25, 0.5: 0.0}),
        ("sawtooth", {-1.0: -1.0, -0.5: 0.0, 0.0: -1.0, 0.5: 0.0, 0.75: 0.5}),
    ],
)
def test_curve_values_at_hand_worked_points(name, points):
    """Each curve's value at a few points worked out by hand."""
    function = CURVES[name][0]
    x = np.array(list(points))
    expected = np.array(list(points.values()))
    np.testing.assert_allclose(function(x), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", list(CURVES))
def test_curves_keep_the_shape(name):
    """A curve returns one float per input, in the input's shape."""
    x = X[:60].reshape(3, 20)
    y = CURVES[name][0](x)
    assert y.shape == (3, 20) and y.dtype == np.float64


def test_function_whitelist():
    """Exactly the documented functions, with their numbers of arguments."""
    one = (
        "sin cos tan arcsin arccos arctan sinh cosh tanh exp log log10 "
        "sqrt abs sign floor ceil sinc"
    )
    assert {name: arguments for name, (_f, arguments) in FUNCTIONS.items()} == {
        **{name: 1 for name in one.split()},
        "minimum": 2,
        "maximum": 2,
        "arctan2": 2,
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sin(3*x) + 0.3*x", np.sin(3 * X) + 0.3 * X),
        ("-x**2", -(X**2)),
        ("2**-1", np.full_like(X, 0.5)),
        ("x % 0.5", X % 0.5),
        ("maximum(x, 0)", np.maximum(X, 0)),
        ("pi*e", np.full_like(X, np.pi * np.e)),
        ("arctan2(x, 1) + minimum(x, 0.5)", np.arctan2(X, 1) + np.minimum(X, 0.5)),
        ("exp(-8*x**2)", np.exp(-8 * X**2)),
        ("abs(x)/2 - +x", np.abs(X) / 2 - X),
        ("  floor(3*x) * sign(x)  ", np.floor(3 * X) * np.sign(X)),
    ],
)
def test_formula_matches_numpy(text, expected):
    """A formula gives exactly what the same NumPy expression gives."""
    y = parse_formula(text)(X)
    assert y.dtype == np.float64 and y.shape == X.shape
    np.testing.assert_array_equal(y, expected)


def test_precedence():
    """* before +, ** before unary minus, ** grouping from the right."""
    x = np.array([-0.5, 0.0, 2.0])
    np.testing.assert_array_equal(parse_formula("2+3*x")(x), [0.5, 2.0, 8.0])
    np.testing.assert_array_equal(parse_formula("-x**2")(x), [-0.25, -0.0, -4.0])
    np.testing.assert_array_equal(parse_formula("(2+3)*x")(x), [-2.5, 0.0, 10.0])
    np.testing.assert_array_equal(parse_formula("2**3**2")(x), [512.0, 512.0, 512.0])
    np.testing.assert_array_equal(parse_formula("8/2/2")(x), [2.0, 2.0, 2.0])


def test_constant_formula_has_the_shape_of_x():
    """A formula without x is repeated for every input, as a writable float64 array."""
    x = np.zeros((2, 3))
    y = parse_formula("pi/4")(x)
    assert y.shape == (2, 3) and y.dtype == np.float64
    assert np.all(y == np.pi / 4)
    y[0, 0] = 1.0  # not a read-only broadcast view
    assert parse_formula("1")(X).shape == X.shape


def test_integer_input_is_computed_in_float():
    """Integer inputs are computed as float64: no integer division or integer powers."""
    y = parse_formula("x/2 + x**-1")(np.array([1, 2]))
    np.testing.assert_array_equal(y, [1.5, 1.5])


def test_huge_power_is_inf_quickly():
    """9**9**9 overflows to inf in float64 at once, instead of building a huge integer."""
    start = time.perf_counter()
    y = parse_formula("9**9**9")(X)
    assert time.perf_counter() - start < 1.0
    assert np.all(np.isposinf(y))


def test_overflow_and_invalid_values_give_inf_and_nan_quietly():
    """Dividing by 0 or taking sqrt(-1) gives inf or nan, with no warning."""
    x = np.array([-1.0, 0.0, 4.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(parse_formula("1/x")(x), [-1.0, np.inf, 0.25])
        np.testing.assert_array_equal(parse_formula("sqrt(x)")(x), [np.nan, 0.0, 2.0])
        np.testing.assert_array_equal(parse_formula("x % 0")(x), [np.nan, np.nan, np.nan])


def test_longest_formula_is_accepted():
    """A formula of exactly MAX_FORMULA_LENGTH characters, a flat sum of 100 terms, is fine."""
    text = "x" + "+x" * 98 + "+10"
    assert len(text) == MAX_FORMULA_LENGTH
    np.testing.assert_array_equal(parse_formula(text)(np.array([0.0, 1.0])), [10.0, 109.0])


@pytest.mark.parametrize(
    "text, reason",
    [
        ("__import__('os')", "function '__import__' is not allowed"),
        ("os.system('ls')", "attributes (a.b) are not allowed"),
        ("x.real", "attributes (a.b) are not allowed"),
        ("np.sin(x)", "attributes (a.b) are not allowed"),
        ("lambda: 1", "lambda is not allowed"),
        ("[x]", "lists are not allowed"),
        ("(x, 1)", "tuples are not allowed"),
        ("{x: 1}", "dicts are not allowed"),
        ("[x for x in 'ab']", "comprehensions are not allowed"),
        ("x[0]", "subscripts (a[i]) are not allowed"),
        ("x if x else 1", "'if' expressions are not allowed"),
        ("x < 1", "comparisons"),
        ("x and 1", "'and' and 'or' are not allowed"),
        ("not x", "'not' is not allowed"),
        ("(y := 1)", "':=' is not allowed"),
        ("sin(x, x)", "sin takes 1 argument, got 2"),
        ("sin()", "sin takes 1 argument, got 0"),
        ("maximum(x)", "maximum takes 2 arguments, got 1"),
        ("sin(x=1)", "keyword arguments are not allowed"),
        ("sin(*[x])", "starred arguments (*a) are not allowed"),
        ("'a'", "strings are not allowed"),
        ('f"{x}"', "strings are not allowed"),
        ("True", "'True' is not allowed"),
        ("None", "'None' is not allowed"),
        ("1j", "complex numbers are not allowed"),
        ("y", "name 'y' is not allowed (use x, pi or e)"),
        ("sin", "sin is a function"),
        ("eval('1')", "function 'eval' is not allowed (allowed: sin, cos,"),
        ("x ^ 2", "'^' is not a power in Python: use **"),
        ("x // 2", "operator '//' is not allowed"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("1+", "it is not a valid expression"),
        ("x\0", "it is not one line of printable characters"),
        ("sin(x) # $\\alpha_{$", "it contains a comment (#)"),  # (it would reach the header)
        ("(x\n+ 1)", "it is not one line of printable characters"),
        ("+".join(["x"] * 101), "it is longer than 200 characters"),
        ("(" * 100 + "x" + ")" * 100, "it is longer than 200 characters"),
        ("(" * 10000, "it is longer than 200 characters"),
        ("-" * 150 + "x", "nested more than"),
    ],
)
def test_refused(text, reason):
    """Each unsafe or invalid formula raises FormulaError with a short reason, not the formula."""
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    message = str(caught.value)
    assert reason in message
    assert isinstance(caught.value, ValueError)
    if len(text.strip()) >= 5:
        assert text.strip() not in message


def test_no_eval_exec_or_compile(monkeypatch):
    """Parsing and computing a formula never runs the text as code."""
    real_compile = builtins.compile

    def refuse(*args, **kwargs):
        raise AssertionError("code was run")

    def only_syntax_trees(source, filename, mode, flags=0, *args, **kwargs):
        if not flags & ast.PyCF_ONLY_AST:  # ast.parse asks compile for a syntax tree only
            raise AssertionError("code was compiled")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    monkeypatch.setattr(builtins, "compile", only_syntax_trees)
    formula = parse_formula("sin(3*x) + 0.3*x - maximum(x, 0)**2 % 1")
    monkeypatch.setattr(builtins, "compile", refuse)
    np.testing.assert_array_equal(formula(X), np.sin(3 * X) + 0.3 * X - np.maximum(X, 0) ** 2 % 1)


def test_module_calls_no_eval_exec_or_compile():
    """The module's source calls none of eval, exec, compile or __import__."""
    tree = ast.parse(Path(targets.__file__).read_text(encoding="utf-8"))
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__"}


def test_target_function():
    """A name gives the named curve; anything else is parsed as a formula."""
    assert target_function(" sin ") is CURVES["sin"][0]
    np.testing.assert_array_equal(target_function(" x**2 ")(X), X**2)
    with pytest.raises(FormulaError):
        target_function("sine")


def test_is_named_and_describe():
    """Names are recognised whatever the surrounding spaces; a formula is shown as y = ..."""
    assert is_named("step") and is_named(" gauss\n")
    assert not is_named("x**2") and not is_named("Sin")
    assert describe(" sawtooth ") == "sawtooth"
    assert describe("  sin(3*x) + 0.3*x ") == "y = sin(3*x) + 0.3*x"


@pytest.mark.parametrize(
    "target, n_points, reason",
    [
        ("1e308*x", 63, "between -1e6 and 1e6"),
        ("2**1023*x", 63, "between -1e6 and 1e6"),
        ("sign(x)*1e154*x", 63, "between -1e6 and 1e6"),
        ("tan(pi*x/2)", 63, "between -1e6 and 1e6"),
        ("1e7", 63, "between -1e6 and 1e6"),
        (
            "1/x",
            63,
            "finite for every x in [-1, 1] (not at x=0)",
        ),  # no sample lands on 0: the grid does
        ("1/x", 64, "finite for every x in [-1, 1] (not at x=0)"),
        ("log(abs(x))", 63, "finite for every x in [-1, 1] (not at x=0)"),
        (
            "1/(x-1)",
            63,
            "finite for every x in [-1, 1] (not at x=1)",
        ),  # the right end, never a sample
    ],
)
def test_targets_too_large_or_not_finite_are_refused(
    tmp_path, monkeypatch, target, n_points, reason
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(
        ["--target", target, "--n-points", str(n_points), "--epoch", "3", "-q"]
    )
    assert code == 2 and out == ""
    assert one_error_line(err).startswith(f"regress-demo: error: --target must be {reason}")
    assert os.listdir(tmp_path) == []


def test_the_largest_target_accepted_trains():
    assert Settings(target="1e6*x").target == "1e6*x"
