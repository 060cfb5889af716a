"""The explorer: sliders and menus for a run's main settings in a notebook; each change trains and
draws the film again, and shows it beside the one before.

    import regress_demo
    regress_demo.explore(n_mid=3, eta=0.1)

`explore` takes the same arguments as `animate` (every setting by name, and `out`). It shows a
control for each of n_mid, eta, epoch, activation, target and seed, the newest film below them and
the one before beside it, for comparison. As ipywidgets' ``interactive_output`` does, it keeps the
controls in a dict by setting name and calls one function with their values after every change (on
release of a slider, not while it moves); the films are HTML widgets, so that the newest one is
there to read in ``.result`` and in the page.

A run trains with the engine "fast" unless the settings name one: the plain-float loop of
speed/lockstep.py, checked against the layer classes before it trains, is about twice as fast as the
classes for one small network (a default run answers in about 2 s; scripts/bench.py measures it).
That choice is the explorer's, not a setting: the film's name and caption are those `animate` gives
for the same settings, and the status line says what trained it and why. A run that raises (an
edited layers.py with a mistake) says so in the status line and keeps the film before. Outside
Jupyter, `explore` warns that its controls show only there. ipywidgets (the `notebook` extra) draws
the controls.
"""

from __future__ import annotations

import html
import time
import warnings

from ..film.texts import Texts
from ..inputs import checks, targets
from ..inputs.extras import check_widgets
from ..inputs.settings import Settings
from ..speed.engines import LAYER_CLASSES
from .notebook import in_notebook, run_in_cell
from .shown import changed_settings, final_errors, how_it_ended, result_html

#: The settings the explorer has a control for, in the order they are shown.
CONTROLLED = ("n_mid", "eta", "epoch", "activation", "target", "seed")
#: The choices of the sliders of eta and epoch (a value given that is not among them is added):
#: round numbers, and epochs of the textbook's kind (2001: epochs 0 to 2000).
ETAS = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 1.5)
EPOCHS = (11, 51, 101, 201, 301, 501, 1001, 2001, 3001, 5001)
#: The slider of n_mid and of seed goes up to this (or to the value given, if larger).
MOST_NEURONS, MOST_SEED = 20, 20
#: What trains a run unless the settings say: the checked plain-float loop (faster for one network).
ENGINE = "fast"
#: Said when explore() is called where no notebook shows its controls.
OUTSIDE_JUPYTER = "explore() shows its controls in Jupyter; here, use animate() or the command line"


def explore(out=None, **settings):
    """Show the explorer for these settings (as animate's: ``explore(n_mid=10, eta=0.5)``) and train
    its first film; returns the Explorer (``.controls``, ``.result``), which a notebook shows."""
    check_widgets()
    import ipywidgets

    if not in_notebook():
        warnings.warn(OUTSIDE_JUPYTER, stacklevel=2)

    return Explorer(ipywidgets, out, settings)


class Explorer:
    """Sliders and menus for a run's main settings, the newest film and the one before."""

    def __init__(self, widgets, out, settings: dict):
        chosen = Settings(**settings)  # (a bad setting is refused here, before any widget is made)
        if chosen.is_grid:
            raise ValueError(
                "explore() shows one network at a time: give one value of each setting"
            )
        self.out, self.settings = out, settings
        self.controls = make_controls(widgets, chosen, Texts(chosen.lang))
        self.result, self.film = None, ""  # the newest RunResult, and its film and caption (HTML)
        self.status = widgets.HTML()
        self.newest, self.before = widgets.HTML(), widgets.HTML()
        half = {"layout": widgets.Layout(width="50%")}
        films = widgets.HBox(
            [widgets.Box([self.newest], **half), widgets.Box([self.before], **half)]
        )
        rows = [widgets.HBox(list(self.controls.values())[:3])]
        rows.append(widgets.HBox(list(self.controls.values())[3:]))
        self.widget = widgets.VBox([*rows, self.status, films])
        for control in self.controls.values():
            control.observe(self.changed, names="value")
        self.run()

    def __repr__(self) -> str:
        """``Explorer(n_mid=3, eta=0.1, ...: finished, final error 3.2e-03)``: its settings, and
        how its newest run ended."""
        values = ", ".join(f"{name}={control.value!r}" for name, control in self.controls.items())
        if self.result is None:
            return f"Explorer({values}: no film yet)"
        ended = how_it_ended(self.result)
        return f"Explorer({values}: {ended}, {final_errors(self.result)})"

    def _repr_mimebundle_(self, **kwargs):
        """In a notebook: the controls and the films (the widgets' own display)."""
        return self.widget._repr_mimebundle_(**kwargs)

    def changed(self, change=None):
        """A control was changed: train and draw again."""
        self.run()

    def run(self):
        """Train and draw with the controls' values; the film before moves beside the new one."""
        chosen = {**self.settings, **{name: c.value for name, c in self.controls.items()}}
        say = Texts(chosen.get("lang", "en"))
        try:
            changed = changed_settings(Settings(**chosen), say)
        except ValueError as error:  # (a value the controls allow that the rules refuse here)
            self.status.value = html.escape(say("explore_refused", error=error))
            return
        self.status.value = html.escape(say("explore_busy", settings=changed))
        started = time.monotonic()
        trained_by = (
            None if "engine" in self.settings else ENGINE
        )  # (the explorer's, not a setting)
        try:
            result = run_in_cell(Settings(**chosen), self.out, quiet=True, trained_by=trained_by)
        except Exception as error:  # e.g. a mistake in an edited layers.py: said, the film kept
            said = f"{type(error).__name__}: {error}".splitlines()[0]
            self.status.value = html.escape(say("explore_failed", error=said))
            return
        seconds = time.monotonic() - started
        if self.result is not None:
            self.before.value = heading(say("explore_before")) + self.film
        self.result, self.film = result, result_html(result)
        self.newest.value = heading(say("explore_newest")) + self.film
        done = say(
            "explore_done",
            ending=how_it_ended(result, say),
            errors=final_errors(result, say=say),
            seconds=seconds,
            trained=trained_with(result, trained_by is not None, say),
        )
        self.status.value = html.escape(done)


def trained_with(result, chosen_here: bool, say: Texts) -> str:
    """What trained a run and, if the explorer chose the fast loop, why that or the layer classes:
    ``trained with the plain-float loop, checked against layers.py, which is faster than the layer
    classes for one network``."""
    engine = say.engine(result.engine, edited=result.layers_edited)
    if not chosen_here:
        return say("explore_trained", engine=engine)
    if not result.engine.startswith(LAYER_CLASSES):
        return say("explore_trained_fast", engine=engine)
    classes = say.engine(LAYER_CLASSES, edited=result.layers_edited)
    why = "differ" if result.engine != LAYER_CLASSES else "other"  # (its check, or its activation)
    return say(f"explore_trained_{why}", engine=classes)


def heading(text: str) -> str:
    """The line above a film: which one it is."""
    return f'<h4 style="margin:0.3em 0">{html.escape(text)}</h4>'


def make_controls(widgets, settings: Settings, say: Texts) -> dict:
    """A slider or menu for each setting of CONTROLLED, at its value in `settings`, each labelled
    with the setting's name (in Japanese, after the textbook's term for it)."""
    slider = {"continuous_update": False, "style": {"description_width": "initial"}}
    menu = {"style": {"description_width": "initial"}}
    target = settings.target
    return {
        "n_mid": widgets.IntSlider(
            value=settings.n_mid,
            min=1,
            max=max(MOST_NEURONS, settings.n_mid),
            description=say("explore_n_mid"),
            **slider,
        ),
        "eta": widgets.SelectionSlider(
            options=sorted({*ETAS, settings.eta}),
            value=settings.eta,
            description=say("explore_eta"),
            **slider,
        ),
        "epoch": widgets.SelectionSlider(
            options=sorted({*EPOCHS, settings.epoch}),
            value=settings.epoch,
            description=say("explore_epoch"),
            **slider,
        ),
        "activation": widgets.Dropdown(
            options=list(checks.ACTIVATIONS),
            value=settings.activation,
            description=say("explore_activation"),
            **menu,
        ),
        "target": widgets.Dropdown(
            options=list(targets.CURVES) + ([] if target in targets.CURVES else [target]),
            value=target,
            description=say("explore_target"),
            **menu,
        ),
        "seed": widgets.IntSlider(
            value=settings.seed,
            min=0,
            max=max(MOST_SEED, settings.seed),
            description=say("explore_seed"),
            **slider,
        ),
    }
