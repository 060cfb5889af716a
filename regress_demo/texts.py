"""Every text the frames draw, by language: the one place to read or translate them.

A figure asks for its texts by key, with the values they name: ``say("neuron", number=2)`` gives
"neuron 2". The settings' own names (n_mid, eta, wb_width, ...) and the math (w2_j · σ(w1_j x + b1_j))
stay as they are in every language; they are not here.
"""

from __future__ import annotations

#: The texts of the English frames, by key. Values in braces are filled in by Texts.__call__.
ENGLISH = {
    # The fit panel.
    "fit": "network's fit",
    "earlier_fits": "earlier fits",
    "outputs": "outputs during the epoch",
    "outputs_wrapped": "outputs during\nthe epoch",
    "output_y": "output y",
    "input_x": "input x",
    "input_x_sine": "input x (the angle 0 … 2π rescaled to -1 … 1)",
    "target": "target: {curve}",
    "samples": "training samples",
    "samples_noise": "training samples\n(noise σ={noise})",
    "heldout_range": "held out: never trained on",
    "heldout_samples": "held-out samples",
    # The titles that change with every frame.
    "simple_title": "n_mid={n_mid}   eta={eta}",
    "simple_epoch": "epoch {epoch} / {epochs}   error {error:.2e}",
    "rich_epoch": "epoch {epoch} / {epochs}     error {error:.2e}",
    "rich_epoch_blank": "epoch  error",
    "grid_epoch": "epoch {epoch} / {epochs}",
    "grid_error": "error {error:.1e}",
    "grid_diverged": "diverged",
    "diverged_at": "diverged at epoch {epoch}",
    # --stop-at: the last frame of a network that reached the error.
    "simple_reached": "reached {limit} at epoch {epoch}   error {error:.2e}",
    "rich_reached": "reached {limit} at epoch {epoch}     error {error:.2e}",
    "grid_reached": "reached at epoch {epoch}",
    "grid_some_reached": "epoch {epoch} / {epochs}   {count} of {total} reached {limit}",
    "grid_all_reached": "all {count} reached {limit}, the last at epoch {epoch}",
    "diverged_hint": " — try a smaller eta",
    # The neuron panel.
    "neuron": "neuron {number}",
    "more_neurons": "{count} more neurons\n(their sum)",
    "output_bias_b2": "output bias b2",
    "output_bias": "output bias",
    "neurons_share": "each hidden neuron's share of the fit",
    "neurons_share_deep": "each neuron of the last hidden layer ({depth} of {depth}): its share",
    "neurons_title": "{which} (with the bias, they sum to the red line)",
    # The loss panel.
    "epoch": "epoch",
    "error": "error",
    "loss_title": "error per epoch: mean of ½(y − t)²",
    "training": "training",
    "heldout_error": "held out (with the\nweights at the\nepoch's end)",
    "grid_heldout_note": "thin lines: held-out error, with the weights at the epoch's end",
    # The header: the settings beyond the textbook's.
    "epochs": "{count} epochs",
    "sgd": "SGD, batch size 1",
    "minibatch_sgd": "mini-batch SGD, batch size {batch}",
    "header_target": "target {curve}",
    "header_samples": "{count} samples",
    "header_noise": "noise σ={noise}",
    "header_heldout": "held out: x in [{low}, {high}]",
    "header_stop_at": "stop at error ≤ {limit}",
}

#: Every language the frames can speak, by its code.
LANGUAGES = {"en": ENGLISH}


class Texts:
    """The frames' texts in one language: ``say = Texts("en"); say("neuron", number=2)``."""

    def __init__(self, language: str = "en"):
        self.language = language
        self.table = LANGUAGES[language]

    def __call__(self, key: str, **values) -> str:
        return self.table[key].format(**values)

    def __repr__(self) -> str:
        return f"Texts({self.language!r})"


def texts_of(settings) -> Texts:
    """The texts of a run, in its language (English when the settings name none)."""
    return Texts(getattr(settings, "lang", "en"))
