"""The curves a network can learn: one of the named curves, or a formula in x typed by the user.

The network's input x lies in [-1, 1) (the textbook's angle 0..2*pi, rescaled). A target is a
function of that x. A formula such as ``sin(3*x) + 0.3*x`` is parsed into a syntax tree, every node
of the tree is checked against a short list of what is allowed, and the checked tree is then
computed with NumPy node by node: the text itself is never run as Python code.
"""

from __future__ import annotations

import ast
import math
from typing import Callable

import numpy as np

from ..network.samples import textbook_sine

Curve = Callable[[np.ndarray], np.ndarray]


_sin = textbook_sine  # the textbook's sine: sin of the angle pi*x + pi


def _cos(x):
    """The cosine of the same angle."""
    return np.cos(np.pi * x + np.pi)


def _abs(x):
    """|x|: a V with its corner at 0."""
    return np.abs(x)


def _step(x):
    """-1 left of 0, 1 from 0 on."""
    return np.where(x < 0, -1.0, 1.0)


def _square(x):
    """x squared: a parabola."""
    return x**2


def _gauss(x):
    """A bell: exp(-8 x^2)."""
    return np.exp(-8 * x**2)


def _sinc(x):
    """sin(pi u) / (pi u) with u = 3x."""
    return np.sinc(3 * x)


def _xsin(x):
    """x sin(2 pi x): a wave whose height grows with |x|."""
    return x * np.sin(2 * np.pi * x)


def _sawtooth(x):
    """Two teeth, each rising from -1 up to 1."""
    return 2 * ((x + 1) % 1) - 1


#: The named curves: name -> (function of x, one-line description).
CURVES: dict[str, tuple[Curve, str]] = {
    "sin": (_sin, "the textbook's sine: one period, sin of the angle"),
    "cos": (_cos, "one period of the cosine of the angle"),
    "abs": (_abs, "|x|: a V with its corner at 0"),
    "step": (_step, "a step: -1 left of 0, 1 from 0 on"),
    "square": (_square, "x**2: a parabola"),
    "gauss": (_gauss, "a bell: exp(-8*x**2)"),
    "sinc": (_sinc, "sinc(3*x) = sin(3*pi*x) / (3*pi*x): a peak with ripples"),
    "xsin": (_xsin, "x*sin(2*pi*x): a wave that grows with |x|"),
    "sawtooth": (_sawtooth, "a sawtooth: two teeth, each from -1 up to 1"),
}

#: The functions a formula may call: name -> (NumPy function, number of arguments).
FUNCTIONS: dict[str, tuple[Callable, int]] = {
    "sin": (np.sin, 1),
    "cos": (np.cos, 1),
    "tan": (np.tan, 1),
    "arcsin": (np.arcsin, 1),
    "arccos": (np.arccos, 1),
    "arctan": (np.arctan, 1),
    "sinh": (np.sinh, 1),
    "cosh": (np.cosh, 1),
    "tanh": (np.tanh, 1),
    "exp": (np.exp, 1),
    "log": (np.log, 1),
    "log10": (np.log10, 1),
    "sqrt": (np.sqrt, 1),
    "abs": (np.abs, 1),
    "sign": (np.sign, 1),
    "floor": (np.floor, 1),
    "ceil": (np.ceil, 1),
    "sinc": (np.sinc, 1),
    "minimum": (np.minimum, 2),
    "maximum": (np.maximum, 2),
    "arctan2": (np.arctan2, 2),
}

#: The names a formula may use: x (the input) and two constants.
CONSTANTS = {"pi": math.pi, "e": math.e}

#: The longest formula accepted, in characters.
MAX_FORMULA_LENGTH = 200
#: The deepest nesting of operations and calls accepted in a formula: enough for a flat sum
#: x+x+...+x as long as MAX_FORMULA_LENGTH (each + is one level), while "-"*199 + "x" is refused.
MAX_DEPTH = 100

#: The arithmetic operators a formula may use, and the NumPy function computing each.
BINARY_OPERATORS = {
    ast.Add: np.add,  # a + b
    ast.Sub: np.subtract,  # a - b
    ast.Mult: np.multiply,  # a * b
    ast.Div: np.true_divide,  # a / b
    ast.Pow: np.power,  # a ** b
    ast.Mod: np.mod,  # a % b, with the sign of b, as in Python
}
UNARY_OPERATORS = {
    ast.UAdd: np.positive,  # +a
    ast.USub: np.negative,  # -a
}

#: Plain-word names of the kinds of expression that are refused.
REFUSED = {
    ast.Attribute: "attributes (a.b) are not allowed",
    ast.Subscript: "subscripts (a[i]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.Compare: "comparisons (<, ==, ...) are not allowed",
    ast.BoolOp: "'and' and 'or' are not allowed",
    ast.IfExp: "'if' expressions are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.Starred: "starred arguments (*a) are not allowed",
    ast.Await: "'await' is not allowed",
}


class FormulaError(ValueError):
    """A formula that cannot be used: the message is a short reason, without the formula itself."""


def _allowed_functions() -> str:
    """The names of the allowed functions, as a comma-separated list."""
    return ", ".join(FUNCTIONS)


def _check(node: ast.AST, depth: int = 0) -> None:
    """Raise FormulaError unless the node and everything below it is allowed in a formula."""
    if depth > MAX_DEPTH:
        raise FormulaError(f"it is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, ast.Constant):
        _check_number(node.value)
    elif isinstance(node, ast.Name):
        _check_name(node.id)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in UNARY_OPERATORS:
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            raise FormulaError(f"'{symbol}' is not allowed (use + - * / ** %)")
        _check(node.operand, depth + 1)
    elif isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.BitXor):
            raise FormulaError("'^' is not a power in Python: use **")
        if type(node.op) not in BINARY_OPERATORS:
            raise FormulaError(f"operator '{_symbol(node.op)}' is not allowed (use + - * / ** %)")
        _check(node.left, depth + 1)
        _check(node.right, depth + 1)
    elif isinstance(node, ast.Call):
        _check_call(node)
        for argument in node.args:
            _check(argument, depth + 1)
    else:
        reason = REFUSED.get(type(node), f"'{type(node).__name__}' expressions are not allowed")
        raise FormulaError(reason)


def _check_number(value) -> None:
    """Raise FormulaError unless a constant is a plain int or float."""
    if isinstance(value, bool) or value is None:
        raise FormulaError(f"'{value}' is not allowed (use x, pi or e)")
    if value is Ellipsis:
        raise FormulaError("'...' is not allowed")
    if isinstance(value, (str, bytes)):
        raise FormulaError("strings are not allowed")
    if isinstance(value, complex):
        raise FormulaError("complex numbers are not allowed")
    if not isinstance(value, (int, float)):
        raise FormulaError("only plain numbers are allowed")


def _check_name(name: str) -> None:
    """Raise FormulaError unless a name is x, pi or e."""
    if name == "x" or name in CONSTANTS:
        return
    if name in FUNCTIONS:
        raise FormulaError(f"{name} is a function: call it, e.g. {name}(x)")
    raise FormulaError(f"name '{name}' is not allowed (use x, pi or e)")


def _check_call(node: ast.Call) -> None:
    """Raise FormulaError unless a call is f(a) or f(a, b) of a listed function, by its bare
    name."""
    if isinstance(node.func, ast.Attribute):
        raise FormulaError(
            "attributes (a.b) are not allowed: call a function by its bare name, e.g. sin(x)"
        )
    if not isinstance(node.func, ast.Name):
        raise FormulaError(
            f"only the listed functions can be called (allowed: {_allowed_functions()})"
        )
    name = node.func.id
    if name not in FUNCTIONS:
        raise FormulaError(f"function '{name}' is not allowed (allowed: {_allowed_functions()})")
    if node.keywords:
        raise FormulaError("keyword arguments are not allowed")
    if any(isinstance(argument, ast.Starred) for argument in node.args):
        raise FormulaError("starred arguments (*a) are not allowed")
    wanted = FUNCTIONS[name][1]
    if len(node.args) != wanted:
        plural = "argument" if wanted == 1 else "arguments"
        raise FormulaError(f"{name} takes {wanted} {plural}, got {len(node.args)}")


def _symbol(operator: ast.operator) -> str:
    """The symbol of a refused binary operator, e.g. '//' for FloorDiv."""
    symbols = {
        ast.FloorDiv: "//",
        ast.MatMult: "@",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.LShift: "<<",
        ast.RShift: ">>",
    }
    return symbols.get(type(operator), type(operator).__name__)


def _evaluate(node: ast.AST, x: np.ndarray):
    """The value of a checked formula node at the inputs x, computed with NumPy in float64."""
    if isinstance(node, ast.Constant):
        return np.float64(node.value)  # a number, as float64: 9**9**9 overflows to inf, fast
    if isinstance(node, ast.Name):
        return x if node.id == "x" else np.float64(CONSTANTS[node.id])
    if isinstance(node, ast.UnaryOp):
        return UNARY_OPERATORS[type(node.op)](_evaluate(node.operand, x))
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, x), _evaluate(node.right, x)
        return BINARY_OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id][0]
        return function(*[_evaluate(argument, x) for argument in node.args])
    raise FormulaError("it contains an expression that was not checked")


def parse_formula(text: str) -> Curve:
    """The function of x that a formula such as ``sin(3*x) + 0.3*x`` describes; FormulaError if
    refused."""
    text = text.strip()
    if not text:
        raise FormulaError("it is empty")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"it is longer than {MAX_FORMULA_LENGTH} characters")
    if "#" in text:  # (a comment is no part of the curve, and would reach the header as it is)
        raise FormulaError("it contains a comment (#): write the formula alone")
    if not text.isprintable():  # a line break, a tab or a control character
        raise FormulaError("it is not one line of printable characters")
    try:
        tree = ast.parse(text, mode="eval")  # only builds the syntax tree; nothing is run
    except (SyntaxError, ValueError):
        raise FormulaError("it is not a valid expression") from None
    _check(tree.body)
    return Formula(text, tree.body)


class Formula:
    """A checked formula as a function of x. It pickles as its text (checked again when loaded), so
    that a run can be trained in another process."""

    def __init__(self, text: str, body: ast.AST):
        self.text, self.body = text, body

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The formula's value at each x: float64, the shape of x; inf or nan where it overflows."""
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            y = _evaluate(self.body, x)
        # A formula without x (e.g. "pi/4") gives one number: repeat it for every x.
        return np.broadcast_to(np.asarray(y, dtype=np.float64), x.shape).copy()

    def __reduce__(self):
        return parse_formula, (self.text,)


def is_named(text: str) -> bool:
    """True if the text is the name of a curve in CURVES."""
    return text.strip() in CURVES


def target_function(text: str) -> Curve:
    """The function of x for a curve name, or else for a formula; FormulaError if refused."""
    text = text.strip()
    if text in CURVES:
        return CURVES[text][0]
    return parse_formula(text)


def describe(text: str) -> str:
    """The target as shown in a frame's header: ``sin`` for a named curve, ``y = x**2`` for a
    formula."""
    text = text.strip()
    if text in CURVES:
        return text
    return f"y = {text}"
