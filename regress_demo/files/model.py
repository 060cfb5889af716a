"""The model afterwards: a run's final network as a function of x in the data's own units.

A run on your own data trains on u = (x - a) / b and v = (y - mean) / sd (owndata.Scale); its
weights file (NPZ) keeps that scaling and the transforms before it (dates as days since 1970,
log10 of x or y with --log-x, --log-y), so
that `predict` turns x into u, runs the layer classes' forward, and turns v back into y:

    import regress_demo
    model = regress_demo.load("outputs/data-gas-3f2a9c_nmid3_eta0.1_epoch2001_seed1.json")
    model.predict([0.0, 10.0, 20.0])   # y in the data's units, kWh say
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..inputs.dates import day_number, days_since_1970
from ..inputs.owndata import Scale
from ..inputs.settings import SettingError
from ..network.train import forward, network
from .paths import read_record

#: The NPZ's arrays that hold the scaling of own data: [a, b, mean, sd]; whether x are dates, and
#: whether x and y were trained on as log10.
SCALE, X_DATES, LOGS = "scale", "x_dates", ("log_x", "log_y")


def scaling_arrays(scale: Scale, x_dates: bool) -> dict:
    """The scaling and the transforms, as the weights file keeps them."""
    arrays = {SCALE: np.array([scale.a, scale.b, scale.mean, scale.sd]), X_DATES: np.array(x_dates)}
    return {**arrays, **{name: np.array(getattr(scale, name)) for name in LOGS}}


def x_as_numbers(x, x_dates: bool) -> np.ndarray:
    """x as the network's x: numbers as they are; dates (datetime64, or ISO 8601 texts) as days
    since 1970-01-01 UTC."""
    values = np.asarray(x)
    if np.issubdtype(values.dtype, np.datetime64):
        return days_since_1970(values)
    if x_dates and values.dtype.kind in "US":
        return np.array([day_number(str(cell)) for cell in values.ravel()]).reshape(values.shape)
    return np.asarray(values, dtype=float)


class Model:
    """A trained network and the scaling of its data: predict(x) in the data's units."""

    def __init__(self, layers, activation: str, scale: Scale = None, x_dates: bool = False):
        scale = Scale() if scale is None else scale
        self.layers = [(np.asarray(w, dtype=float), np.asarray(b, dtype=float)) for w, b in layers]
        self.activation, self.scale, self.x_dates = activation, scale, x_dates

    def predict(self, x) -> np.ndarray:
        """y for each x, through the layer classes of layers.py: mean + sd · net((x - a) / b)."""
        numbers = x_as_numbers(x, self.x_dates)
        v = forward(network(self.layers, self.activation), self.scale.u(numbers.ravel()))
        return self.scale.y(v).reshape(numbers.shape)

    def __repr__(self) -> str:
        sizes = [w.shape[1] for w, _ in self.layers[:-1]]
        return f"<Model {self.activation} {sizes}, {'dates' if self.x_dates else 'numbers'} as x>"


def load(record_path, configuration: int = 0) -> Model:
    """The final network of a recorded run (its JSON; the NPZ beside it holds the weights), of
    configuration `configuration` for a grid; SettingError for what is not such a record."""
    record_path = Path(record_path)
    record = read_record(record_path)
    runs = record.get("runs") if isinstance(record, dict) else None
    if not isinstance(runs, list) or not 0 <= configuration < len(runs):
        raise SettingError("load", "a run record written by regress-demo", str(record_path))
    # (the NPZ beside the record, by its name only: a record may name any path)
    weights = record_path.with_name(Path(str(record.get("weights") or "")).name or "-")
    suffix = f"_{configuration}" if len(runs) > 1 else ""
    try:
        with np.load(weights, allow_pickle=False) as arrays:
            count = sum(
                1 for name in arrays.files if name.startswith("w") and name.endswith(suffix)
            )
            layers = [
                (arrays[f"w{k}{suffix}"], arrays[f"b{k}{suffix}"]) for k in range(1, count + 1)
            ]
            logs = [bool(arrays[name]) if name in arrays.files else False for name in LOGS]
            scale = Scale(*arrays[SCALE].tolist(), *logs) if SCALE in arrays.files else Scale()
            x_dates = bool(arrays[X_DATES]) if X_DATES in arrays.files else False
    except (OSError, ValueError, KeyError) as error:
        raise SettingError("load", "a record with its weights beside it", str(error)) from None
    activation = runs[configuration].get("activation", "sigmoid")
    return Model(layers, str(activation), scale, x_dates)
