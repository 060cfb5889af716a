"""A run's record: the JSON beside its GIF that holds everything needed to understand and repeat the
run (every setting, what trained it, every file, each network's errors and ending), the final
weights for the NPZ, and what a replay reads back.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import List, Optional

from ..film import stopping
from ..inputs.settings import GRID_AXES, Settings
from ..network.train import Snapshot
from .paths import RECORD_KIND, json_loads, settings_from_record
from .staged import read_text, staged_json, staged_npz, versions
from .writers import WRITERS, WholeFiles


def final_weights(snapshots: List[Snapshot], settings: Settings) -> dict:
    """The weights of the last frame, in the layers' shapes, numbered from the input: w1 (1, n_mid),
    b1 (n_mid,), ..., and the output layer's (n_mid, 1), (1,) last (w2, b2 with one hidden layer);
    for a grid, one set per configuration with the suffix _0, _1, ... and the grid's settings of
    each; for your own data, its numbers too: data_x, data_y."""
    arrays = {}
    for c, snapshot in enumerate(snapshots):
        suffix = f"_{c}" if settings.is_grid else ""
        for number, (w, b) in enumerate(snapshot.layers, start=1):
            arrays[f"w{number}{suffix}"], arrays[f"b{number}{suffix}"] = w, b
    # your own data's numbers (a long series is kept only here: see owndata.JSON_POINTS)
    if settings.data is not None:
        arrays["data_x"], arrays["data_y"] = settings.data.x, settings.data.y
        # and their scaling and transforms: what predict needs to work in the data's units
        from ..inputs.owndata import scale_of  # (loaded for a run on its own data only)
        from .model import scaling_arrays

        arrays.update(scaling_arrays(scale_of(settings), settings.data.x_dates))
    if settings.is_grid:
        configurations = settings.configurations()
        for name in GRID_AXES:
            if name in ("n_mid", "eta") or len(settings.values(name)) > 1:
                arrays[name] = [getattr(config, name) for config in configurations]
    return arrays


def best_network(final_errors, heldout_errors=()) -> Optional[int]:
    """Which network of a grid is best: with a held-out range, the least held-out error (the one
    that guesses best what it never trained on; the least training error is the most overfitted),
    else the least final error. None if no such error is a finite number."""
    by = heldout_errors if any(e is not None for e in heldout_errors) else final_errors
    finite = [(e, c) for c, e in enumerate(by) if _finite(e)]
    return min(finite)[1] if finite else None


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _network_record(settings: Settings, result, last: Snapshot, c: int) -> dict:
    """Network c of the run, as the record keeps it: its settings of the grid, how it ended and
    its errors up to its last frame's epoch `last`."""
    config = settings.configurations()[c]
    history, diverged_at = result.histories[c], result.diverged_at[c]
    heldout = result.heldout_histories[c]
    shown = min(len(history), last.epoch + 1)
    if (diverged_at is not None and diverged_at <= last.epoch) or not math.isfinite(last.error):
        status = "diverged"
        if diverged_at is None or diverged_at > last.epoch:
            diverged_at = last.epoch
    else:
        status = "interrupted" if result.status == "interrupted" else "finished"
        diverged_at = None
    run = {name: getattr(config, name) for name in GRID_AXES}
    run.update(
        {
            "status": status,
            "diverged_at": diverged_at,
            "epochs_trained": len(history),
            "last_frame_epoch": last.epoch,
            "final_error": history[shown - 1] if shown else None,
            "errors": list(history[:shown]),
        }
    )
    if settings.data is not None and run["final_error"] is not None:  # RMSE in y's units
        from ..film.units import final_in_units

        run.update(final_in_units(settings, run["final_error"]))
    if settings.stop_at is not None:  # --stop-at: "reached" and the epoch, if the film ends there
        run.update(stopping.record_fields(status, result.reached_at[c], last.epoch))
    if settings.holdout is not None:
        run["final_heldout_error"] = (
            heldout[shown - 1] if heldout and len(heldout) >= shown else None
        )
        run["heldout_errors"] = list(heldout[:shown])
    return run


def run_record(settings: Settings, result, frames: List[List[Snapshot]], files=()) -> dict:
    """Everything needed to understand and repeat a run, for the JSON beside its GIF. `files`: an
    entry (name, bytes, sha256: paths.file_entry) for each file beside it that regress-demo wrote.

    Like the GIF, the weights and the printed line, it describes the last frame: each network's
    final error is the one of its last frame's epoch, and its errors run up to that epoch;
    epochs_trained says how far training got (further, if Ctrl-C came while drawing)."""
    configurations = settings.configurations()
    runs = [_network_record(settings, result, frames[-1][c], c) for c in range(len(configurations))]
    record = {
        "kind": RECORD_KIND,
        "version": 1,
        "gif": result.path.name,
        "sheet": result.sheet_path.name,
        "weights": result.weights_path.name,
        "videos": [video.name for video in result.video_paths],
        "files": list(files),
        "status": result.status,
        "engine": result.engine,
        "settings": settings.as_dict(),
        "frames": result.frames,
        "frame_epochs": [max(s.epoch for s in snapshots) for snapshots in frames],
        "runs": runs,
        "versions": versions(),
        "layers_sha256": layers_digest(),  # layers.py as it was: a replay with another one says so
        "layers_edited": result.layers_edited,  # its short digest if it is not the shipped file
        "gradient_check": "passed" if result.gradient_failure is None else "failed",
    }
    if settings.is_grid:  # which network is best, and by which error (as the line and card say)
        heldout = [run.get("final_heldout_error") for run in runs]
        record["best"] = {
            "by": "final_heldout_error" if settings.holdout is not None else "final_error",
            "run": best_network([run["final_error"] for run in runs], heldout),
        }
    if result.gradient_failure is not None:  # where backward or update is wrong (gradcheck.py)
        record["gradient_check_failure"] = result.gradient_failure
    # (--still, --sheet print: only then, so that other records stay as they were)
    if result.print_paths:
        pdf = result.sheet_path.with_suffix(".pdf")
        record["stills"] = [p.name for p in result.print_paths if p != pdf]
        if pdf in result.print_paths:
            record["sheet_pdf"] = pdf.name
    return record


class _OneFile(WholeFiles):
    """A file written whole from its content: NAME plus the kind's suffix."""

    @classmethod
    def for_run(cls, gif_path: Path, settings):
        return cls(gif_path.with_suffix(cls.suffixes[0]))

    def __init__(self, path: Path):
        super().__init__()
        self.path = path


@WRITERS.register
class Weights(_OneFile):
    """The final weights, NAME.npz (final_weights)."""

    kind, suffixes = "weights", (".npz",)

    def add(self, arrays):
        self.files.append(staged_npz(self.path, arrays))


@WRITERS.register
class Record(_OneFile):
    """The run record, NAME.json (run_record): written last, it lists the others."""

    kind, suffixes = "record", (".json",)

    def add(self, document):
        self.files.append(staged_json(self.path, document))


def layers_digest() -> Optional[str]:
    """The SHA-256 of layers.py as its classes were imported: the code that trained (or was
    checked against) the run, even if the file has changed since (network/edits.py)."""
    from ..network import edits

    return edits.loaded_sha256()


def layers_changed_since(record_path) -> bool:
    """True if layers.py is not the one that the run of this record was trained with (records from
    before the digest was kept say nothing)."""
    try:
        recorded = json_loads(read_text(record_path)).get("layers_sha256")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(recorded, str) and recorded != layers_digest()


def replay_settings(record_path) -> Settings:
    """The settings of an earlier run, from its record (the JSON beside its GIF); SettingError if it
    is none (see places.settings_from_record)."""
    return settings_from_record(record_path)
