"""What trains a run, and the check that keeps the fast loops true to layers.py.

The layer classes of layers.py (trained by train.py) are the one source of truth for the network's
arithmetic. A single run trains with them. A grid trains with lockstep.py's loop vectorised over its
networks, or, where that is faster, network by network in its plain-float loop (OneByOne); either
only after each network's first epoch, trained both ways from the same weights and sample order,
agreed with the classes to AGREEMENT (`disagreement`). If it did not, layers.py has been changed:
the run trains with the classes, and a note says why. `--engine fast` does the same for a single
run; `--engine layers` trains everything with the classes. A run whose every network diverged
early is trained again with a snapshot at every epoch (every_epoch_if_diverged_early).
"""

from __future__ import annotations

import math
from typing import List, NamedTuple, Optional, Union

import numpy as np

from ..inputs.budget import duration, estimated_seconds
from ..inputs.settings import Settings
from ..network.gradcheck import check_settings
from ..network.stopping import frozen_snapshots
from ..network.train import Snapshot, TrainingGroup
from .lockstep import SCALAR_MAX_NEURONS, Lockstep, unknown_activations

#: The name of the engine that trains with the classes of layers.py.
LAYER_CLASSES = "layer classes of layers.py"


class Trainer(NamedTuple):
    """What trains a run, its name, and a one-line note if it is not the one the settings asked
    for."""

    training: Union[Lockstep, OneByOne, TrainingGroup]
    engine: str
    note: Optional[str] = None


def trainer(settings: Settings) -> Trainer:
    """What trains these settings. The layer classes (train.py) train a single run, and every run
    with engine "layers" or of a shape the loops of lockstep.py do not train (deeper networks,
    mini-batches). A grid, and a single run with engine "fast", train with lockstep.py, but only
    once its first epoch agreed with the layer classes' (disagreement): if it did not, layers.py
    has been changed, and the layer classes train the run, with a note that says why. A grid trains
    in Lockstep's one loop, or network by network in the plain-float loop (OneByOne) where that is
    faster (faster_one_by_one); each network is then checked on its own."""
    if settings.engine == "layers" or not Lockstep.supports(settings):
        return Trainer(TrainingGroup(settings), LAYER_CLASSES)
    slow = layer_seconds(settings) if settings.engine == "auto" and not settings.is_grid else 0
    if settings.engine == "auto" and not settings.is_grid and slow <= AUTO_FAST_SECONDS:
        return Trainer(TrainingGroup(settings), LAYER_CLASSES)
    unknown = unknown_activations(settings)
    if unknown:  # a class added to layers.py: the loops here do not know its f and f'
        note = (
            f"the fast loops do not know the activation {unknown[0]}; "
            f"training with the {LAYER_CLASSES}"
        )
        return Trainer(TrainingGroup(settings), LAYER_CLASSES, note)
    one_by_one = faster_one_by_one(settings)
    fast = OneByOne(settings) if one_by_one else Lockstep(settings)
    largest, relative = disagreement(settings, one_by_one)
    if relative > AGREEMENT:
        failed = check_settings(settings) is not None  # a broken edit, or a right one
        verdict = "fail" if failed else "pass"
        note = (
            f"layers.py differs from the {fast.loop} (max |dw| {largest:.1e} after one epoch); "
            f"training with the {LAYER_CLASSES}, whose gradients {verdict} the gradient check"
        )
        return Trainer(
            TrainingGroup(settings), f"{LAYER_CLASSES} (they differ from the {fast.loop})", note
        )
    would = f" (the {LAYER_CLASSES} would take about {duration(slow)})" if slow else ""
    return Trainer(fast, f"{fast.loop}, checked against layers.py{would}")


#: --engine auto trains a single run with the plain-float loop (after its check) when the layer
#: classes would take longer than this, in seconds (estimated: budget.estimated_seconds).
AUTO_FAST_SECONDS = 10.0


def training_points(settings: Settings) -> int:
    """How many samples an epoch trains on."""
    return int(np.count_nonzero(settings.dataset().train))


def layer_seconds(settings: Settings) -> float:
    """About how long the layer classes would train this run."""
    return estimated_seconds(settings, training_points(settings), loop=False)


def expected_seconds(settings: Settings, engine: str) -> float:
    """About how long training takes with the engine chosen (trainer's name for it)."""
    loop = not engine.startswith(LAYER_CLASSES)
    return estimated_seconds(settings, training_points(settings), loop=loop)


class OneByOne:
    """A grid whose networks are each trained alone with Lockstep's plain-float loop, epoch by epoch
    side by side; the same interface as Lockstep and train.TrainingGroup.

    Every network gets a Lockstep of its own configuration: its own sample order (the same for all,
    from the seed), its own nested initial weights, so each follows exactly the path it follows in a
    single run with --engine fast. For a grid of a few small networks that the general loop would
    train (several activations, L2 or momentum values), this is faster: see faster_one_by_one."""

    loop = "plain-float loop per network"

    def __init__(self, settings: Settings):
        if not one_by_one_fits(settings):
            raise ValueError(
                f"OneByOne trains networks of at most {SCALAR_MAX_NEURONS} neurons in one hidden "
                "layer with batch size 1"
            )
        self.settings = settings
        self.configurations = settings.configurations()
        self.networks = [Lockstep(config) for config in self.configurations]
        first = self.networks[0]
        self.dataset, self.x, self.t, self.grid = first.dataset, first.x, first.t, first.grid

    def __repr__(self) -> str:
        """``OneByOne(4 networks, plain-float loop per network, epochs trained: 120)``."""
        epochs = len(self.networks[0].errors[0])
        count = len(self.networks)
        networks = f"{count} network{'' if count == 1 else 's'}"
        return f"OneByOne({networks}, {self.loop}, epochs trained: {epochs})"

    @property
    def errors(self) -> list:
        return [alone.errors[0] for alone in self.networks]

    @property
    def heldout_errors(self) -> list:
        return [alone.heldout_errors[0] for alone in self.networks]

    @property
    def diverged_at(self) -> list:
        return [alone.diverged_at[0] for alone in self.networks]

    @property
    def reached_at(self) -> list:
        return [alone.reached_at[0] for alone in self.networks]

    def predict(self, x):
        """Every configuration's output for inputs x of shape (n,), by the layer classes' forward:
        (K, n)."""
        return np.concatenate([alone.predict(x) for alone in self.networks])

    def running(self) -> np.ndarray:
        """(K,) True for each network still training."""
        return np.array([alone.active[0] for alone in self.networks])

    def train_active(self):
        """One epoch of every network still training: {network: its outputs during the epoch}."""
        return {
            c: alone.train_epoch()[0] for c, alone in enumerate(self.networks) if alone.active[0]
        }

    def diverged(self) -> np.ndarray:
        """(K,) whether each network's last epoch blew up (only the active ones' mean anything)."""
        return np.array([alone.diverged()[0] for alone in self.networks])

    def stop(self, c: int, epoch: int, diverged: bool) -> None:
        self.networks[c].stop(0, epoch, diverged)

    def snapshot(self, c: int, epoch: int, outputs, diverged=False, reached=False) -> Snapshot:
        return self.networks[c].snapshot(0, epoch, outputs, diverged, reached)

    def snapshots(self, on_epoch=None):
        """Train every epoch; yield a list of Snapshots (one per configuration) at each recorded
        epoch, as Lockstep.snapshots does (network/stopping.frozen_snapshots)."""
        s = self.settings
        return frozen_snapshots(self, s.epoch, s.recorded_epochs(), s.stop_limit(), on_epoch)


def one_by_one_fits(settings: Settings) -> bool:
    """True if every network of these settings can be trained alone by the plain-float loop."""
    return Lockstep.supports(settings) and max(settings.n_mids) <= SCALAR_MAX_NEURONS


#: What an epoch of the 63 textbook samples costs each loop, in milliseconds, as measured on the
#: benchmark machine on 2026-11-29 (training only, the fastest of several runs of 100 to 2001
#: epochs): only their ratios matter, to choose between a grid's one loop and network by network.
#: The plain-float loop, one network of n neurons: PLAIN_NETWORK + PLAIN_NEURON * n.
PLAIN_NETWORK, PLAIN_NEURON = 0.17, 0.055
#: The side-by-side loop (sigmoid, no L2, no momentum), K networks of N neurons in all:
#: SIDE_BY_SIDE + SIDE_BY_SIDE_NETWORK * K + SIDE_BY_SIDE_NEURON * N.
SIDE_BY_SIDE, SIDE_BY_SIDE_NETWORK, SIDE_BY_SIDE_NEURON = 0.65, 0.03, 0.003
#: The general loop, K networks padded to `width` neurons, with `kinds` different activations:
#: GENERAL + GENERAL_KIND * (kinds - 1) + GENERAL_ENTRY * K * width.
GENERAL, GENERAL_KIND, GENERAL_ENTRY = 2.7, 1.6, 0.006


def epoch_costs(settings: Settings):
    """The estimated cost of an epoch of these settings' networks (a grid) in Lockstep's one loop,
    and one by one in the plain-float loop (inf where that does not fit), in the units above."""
    n_mids = [config.n_mid for config in settings.configurations()]
    k, neurons = len(n_mids), sum(n_mids)
    activations = set(settings.values("activation"))
    textbook = (
        activations == {"sigmoid"}
        and not any(settings.values("l2"))
        and not any(settings.values("momentum"))
    )
    if textbook:
        together = SIDE_BY_SIDE + SIDE_BY_SIDE_NETWORK * k + SIDE_BY_SIDE_NEURON * neurons
    else:
        together = GENERAL + GENERAL_KIND * (len(activations) - 1) + GENERAL_ENTRY * k * max(n_mids)
    alone = PLAIN_NETWORK * k + PLAIN_NEURON * neurons if one_by_one_fits(settings) else math.inf
    return together, alone


def faster_one_by_one(settings: Settings) -> bool:
    """True for a grid whose networks train faster one by one (OneByOne) than in Lockstep's one
    loop: a grid of a few small networks, above all one of several activations, L2 or momentum
    values (the general loop costs about ten plain-float networks of three neurons)."""
    if not settings.is_grid:
        return False
    together, alone = epoch_costs(settings)
    return alone < together


#: Lockstep trains a run only if, after one epoch, every weight agrees with the layer classes' to
#: this (relative to the weight, or to 1e-3 for smaller weights): the same arithmetic in another
#: order differs by rounding (about 1e-16); an edit of layers.py, by far more.
AGREEMENT = 1e-9


def disagreement(settings: Settings, one_by_one: bool = False):
    """How far Lockstep is from the layer classes on these settings: each configuration's first
    epoch trained both ways, from the same initial weights and in the same sample order. With
    one_by_one, each configuration is trained by a Lockstep of its own (as OneByOne trains it).

    Returns (the largest difference of a weight, the largest relative difference). A configuration
    whose weights overflowed both ways is not compared (it diverges at once either way); one that
    overflowed one way only differs by inf."""
    if one_by_one:
        results = [disagreement(config) for config in settings.configurations()]
        return max(largest for largest, _ in results), max(relative for _, relative in results)
    fast, classes = Lockstep(settings), TrainingGroup(settings)
    fast.train_epoch()
    largest = relative = 0.0
    for c, training in enumerate(classes.trainings):
        training.train_epoch()
        mine = np.concatenate([array.ravel() for pair in fast._weights(c) for array in pair])
        theirs = np.concatenate(
            [array.ravel() for layer in training.layers for array in (layer.w, layer.b)]
        )
        finite = np.isfinite(mine) & np.isfinite(theirs)
        if (np.isfinite(mine) != np.isfinite(theirs)).any():
            return math.inf, math.inf
        difference = np.abs(mine[finite] - theirs[finite])
        if difference.size:
            largest = max(largest, float(difference.max()))
            relative = max(
                relative, float((difference / np.maximum(np.abs(theirs[finite]), 1e-3)).max())
            )
    return largest, relative


#: A run that stops (every configuration diverged) within this many epochs gets a frame for every
#: epoch.
EARLY_DIVERGENCE = 100


def every_epoch_if_diverged_early(
    settings: Settings, training, frames: List[List[Snapshot]]
) -> List[List[Snapshot]]:
    """The frames of a run, or, if every configuration diverged within EARLY_DIVERGENCE epochs, one
    frame for every epoch up to the last divergence, so that the film shows how it blew up (a run
    that diverges at epoch 9 would otherwise have two frames, 0 and 9). Those epochs are trained
    again, by the same kind of training from the same seed: the same path, epoch by epoch, with a
    snapshot at each. Runs that do not diverge, or diverge later, keep their frames."""
    stopped = training.diverged_at
    if not frames or any(epoch is None for epoch in stopped):
        return frames
    last = max(stopped)
    if last >= EARLY_DIVERGENCE or len(frames) > last:  # late, or every epoch is a frame already
        return frames
    again = type(training)(
        settings.replace(
            epoch=last + 1, interval=1, frames=None, schedule="linear", still=(), dpi=Settings.dpi
        )
    )  # (every epoch is a frame: no still of its own)
    every_epoch = list(again.snapshots())
    if len(every_epoch) != last + 1 or list(again.diverged_at) != list(stopped):
        return frames  # (never seen: the same seed trains the same path)
    return every_epoch
