"""What a run produced and how it ended (RunResult): its files, its frames, its errors, what
trained it; how it shows itself in a terminal (repr) and in a notebook (its film: shown.py), and the
final network's predictions (files/model.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Union

from ..inputs.settings import Settings
from ..network.train import Snapshot, TrainingGroup
from ..speed.engines import LAYER_CLASSES, OneByOne
from ..speed.lockstep import Lockstep


@dataclass
class RunResult:
    """What a run produced, and how it ended."""

    # "finished", "diverged" (any configuration), "interrupted" or "reached" (every one: --stop-at)
    status: str
    path: Optional[Path]  # the GIF; None if the run was interrupted before its first frame
    record_path: Optional[Path]  # the run record (JSON) beside the GIF
    frames: int
    # the layer classes, or a checked loop (see trainer)
    training: Union[Lockstep, OneByOne, TrainingGroup]
    engine: str = (
        LAYER_CLASSES  # what trained it, as the progress output, the record and the gallery say
    )
    last_frame: Optional[List[Snapshot]] = (
        None  # what the GIF's last frame shows, one per configuration
    )
    interrupted_while: Optional[str] = None  # "training" or "drawing", if the run was interrupted
    # time per phase: train, draw, encode, write
    seconds: Dict[str, float] = field(default_factory=dict)
    # the videos beside the GIF, if any were asked for
    video_paths: List[Path] = field(default_factory=list)
    settings: Optional[Settings] = None  # the settings of the run
    # the stills (--still) and the sheet's PDF (--sheet print)
    print_paths: List[Path] = field(default_factory=list)
    gradient_failure: Optional[str] = None  # the gradient check's line, if it failed
    layers_edited: Optional[str] = None  # the digest of an edited layers.py (network/edits.py)
    # an interrupted run that wrote nothing: the GIF of the earlier finished run it kept
    kept: Optional[Path] = None
    # the folder's index.html, if it is not regress-demo's: left as it was, the gallery not written
    foreign_index: Optional[Path] = None

    def __repr__(self) -> str:
        """Short, for a terminal: ``RunResult(finished, outputs/x.gif, 101 frames, final error
        8.42e-06, layer classes of layers.py)``."""
        from .shown import short_repr

        return short_repr(self)

    def _repr_html_(self) -> str:
        """In Jupyter (or anything that honours IPython's display protocol): the film itself,
        embedded, with a caption (see shown.result_html)."""
        from .shown import result_html

        return result_html(self)

    def predict(self, x, configuration: int = 0):
        """The final network's y for each x, in the data's units for your own data (dates too):
        what the last frame draws (files/model.py)."""
        from ..files.model import Model
        from ..inputs.owndata import scale_of

        last = self.last_frame[configuration]
        x_dates = self.settings.data is not None and self.settings.data.x_dates
        return Model(last.layers, last.activation, scale_of(self.settings), x_dates).predict(x)

    @property
    def histories(self) -> List[List[float]]:
        """The error of every epoch trained, one list per configuration (in the data's units for
        your own data)."""
        if self.settings is not None and self.settings.data is not None:
            return _in_data_units(self.settings, self.training.errors)
        return self.training.errors

    @property
    def heldout_histories(self) -> List[List[float]]:
        """The held-out error at the end of every epoch trained, one list per configuration (empty
        lists when nothing is held out)."""
        if self.settings is not None and self.settings.data is not None:
            return _in_data_units(self.settings, self.training.heldout_errors)
        return self.training.heldout_errors

    @property
    def errors(self) -> List[float]:
        """The error of every epoch trained (of the first configuration, for a grid)."""
        return self.histories[0]

    @property
    def final_errors(self) -> List[float]:
        return [history[-1] if history else float("nan") for history in self.histories]

    @property
    def final_error(self) -> float:
        return self.final_errors[0]

    @property
    def diverged_at(self) -> List[Optional[int]]:
        """Per configuration, the epoch at which it diverged, or None."""
        return list(self.training.diverged_at)

    @property
    def reached_at(self) -> List[Optional[int]]:
        """Per configuration, the epoch whose error reached --stop-at, or None."""
        return list(getattr(self.training, "reached_at", [None] * len(self.histories)))

    @property
    def epochs_trained(self) -> int:
        return max(len(history) for history in self.histories)

    @property
    def sheet_path(self) -> Optional[Path]:
        return None if self.path is None else self.path.with_suffix(".png")

    @property
    def weights_path(self) -> Optional[Path]:
        return None if self.path is None else self.path.with_suffix(".npz")


def _in_data_units(settings: Settings, histories):
    """Error histories in the data's units (film/units.py)."""
    from ..film.units import errors_in_units

    return [errors_in_units(settings, history) for history in histories]
