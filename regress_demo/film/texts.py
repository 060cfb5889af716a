"""Every text the frames, the gallery page and a notebook show, by language: the English table
here, the Japanese one in japanese.py (a new language: a table with the same keys, named in
LANGUAGES). The one place to read or translate them.

A figure asks for its texts by key, with the values they name: ``say("neuron", number=2)`` gives
"neuron 2". The settings' own names (n_mid, eta, wb_width, ...) and the math (w2_j · σ(w1_j x +
b1_j)) stay as they are in every language; they are not here.
"""

from __future__ import annotations

from typing import Optional

from ..inputs import checks
from . import japanese

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
    "grid_heldout_error": "held-out error {error:.1e}",
    "tile_title": "epoch {epoch} · error {error:.1e}",
    "handout_title": "How the network learns the curve, epoch by epoch",
    "handout_error": "The error of each epoch; the epochs above marked",
    "grid_diverged": "diverged",
    "diverged_at": "diverged at epoch {epoch}",
    # --stop-at: the last frame of a network that reached the error.
    "simple_reached": "reached {limit} at epoch {epoch}   error {error:.2e}",
    "rich_reached": "reached {limit} at epoch {epoch}     error {error:.2e}",
    "grid_reached": "reached at epoch {epoch}",
    "grid_some_reached": "epoch {epoch} / {epochs}   {count} of {total} reached {limit}",
    "grid_all_reached": "all {count} reached {limit}, the last at epoch {epoch}",
    "diverged_hint": " — try a smaller eta",
    # ... or, when the gradient check of layers.py failed, the method it named.
    "diverged_gradcheck": "\nthe gradient check failed: {where}\nfix layers.py",
    # The neuron panel.
    "neuron": "neuron {number}",
    "more_neurons": "{count} more neurons\n(their sum)",
    "output_bias_b2": "output bias b2",
    "output_bias": "output bias",
    "neurons_share": "each hidden neuron's share of the fit",
    "neurons_share_deep": "each neuron of the last hidden layer ({depth} of {depth}): its share",
    "neurons_title": "{which} (with the bias, they sum to the red line)",
    "neurons_title_print": "{which} (with the bias, they sum to the fit)",
    # --log-y: the network learns log10 y, so its neurons' lines sum to log10 of the fit.
    "neurons_share_log_y": "each hidden neuron's share",
    "neurons_title_log_y": "{which} (with the bias, they sum to log10 of the red line)",
    "neurons_title_print_log_y": "{which} (with the bias, they sum to log10 of the fit)",
    # The loss panel.
    "epoch": "epoch",
    "error": "error",
    "loss_title": "error per epoch: mean of ½(y − t)²",
    "training": "training",
    "heldout_error": "held out (with the\nweights at the\nepoch's end)",
    "grid_heldout_note": "thin lines: held-out error, with the weights at the epoch's end",
    # The header: the settings beyond the textbook's.
    "epochs": "{count} epochs",
    "epochs_one": "{count} epoch",
    "sgd": "SGD, batch size 1",
    "minibatch_sgd": "mini-batch SGD, batch size {batch}",
    "header_target": "target {curve}",
    "header_samples": "{count} samples",
    "header_noise": "noise σ={noise}",
    "header_heldout": "held out: x in [{low}, {high}]",
    "header_stop_at": "stop at error ≤ {limit}",
    # The header and the gallery card of a run of an edited layers.py (edits.py, gradcheck.py).
    "layers_edited": "layers.py edited ({digest})",
    "gradient_check_failed": "gradient check failed",
    # Your own data (--data): the header, the neuron panel's bias, the error's share of var(y).
    "header_data": "data: {name}, {points}",
    "data_points": "{count} points",
    "data_drawn": "{count} of {total} points, drawn at random",
    "data_marks": "+ for 1 point in {step}",
    "data_scaling": "trained on u = {x} rescaled to [−1, 1], v = {y} standardised (mean {mean}, "
    "sd {sd})",
    "data_bias_b2": "mean + sd · b2",
    "data_bias": "mean + sd · output bias",
    "share_of_variance": "({share} of var(y))",
    "rmse": ", RMSE {rmse}",
    "error_unit": "error ({unit}²)",
    # --log-y: the error is a mean of ½(v − t)² in log10 y
    "error_log_y": "error ((log10 y)²)",
    "poor_fit": "the fit leaves {share} of var(y): try more neurons and wider initial weights, "
    "e.g. {options}",
    "poor_fit_sample": "the fit leaves {share} of var(y): try more neurons and wider initial "
    "weights, on a sample of the points to keep the run short, e.g. {options}",
    "poor_fit_plain": "the fit leaves {share} of var(y): try more neurons, wider initial weights "
    "and more epochs",
    # The gallery page (gallery.py, player.py), in the language of the newest run in the folder.
    "page_runs": "{count} runs",
    "page_one_run": "{count} run",
    "page_intro": "Every run in this folder, newest first: a tiny neural network learning "
    "a curve (the\nsine, unless its heading names another), with its settings and how it ended.",
    "page_alt": "A network learning its curve: {title}",
    "page_frames": " · {count} frames",
    "page_frames_one": " · {count} frame",
    "page_engine": "trained with the {engine}",
    "page_finished": "finished",
    "page_diverged": "diverged",
    "page_interrupted": "interrupted",
    "page_reached": "reached",
    "page_reached_at": "reached {limit} at epoch {epoch}",
    "page_not_reached": "finished, did not reach {limit}",
    "page_final_error": "final error",
    "page_heldout_error": "held-out error",
    "page_ending": "ending",
    "page_record": "run record (JSON)",
    "page_video": "video ({kind})",
    "page_sheet": "contact sheet (PNG)",
    "page_sheet_of": "contact sheet ({kind})",
    "page_still": "still at epoch {epoch} ({kind})",
    "page_handout": "handout (PDF)",
    "page_frame": "epoch {epoch} · error {error:.2e}",
    "page_frame_best": "epoch {epoch} · best error {error:.2e}",
    "page_frame_epoch": "epoch {epoch}",
    "player_keys": "; space plays or pauses, the arrows step one frame",
    "player_play_or_pause": "play or pause",
    "player_play": "Play",
    "player_pause": "Pause",
    "player_back": "one frame back",
    "player_forward": "one frame forward",
    "player_frame": "frame",
    "player_speed": "speed",
    "player_full_screen": "full screen",
    # Finding and comparing runs in the gallery.
    "page_changed": "differs from the textbook: {changes}",
    "page_textbook": "the textbook's settings",
    "page_final": " · final error {error}",
    "page_best": " · best final error {error}",
    "page_best_heldout": " · best held-out error {heldout} (training error {error})",
    "page_all_settings": "all settings",
    "page_search": "search",
    "page_status": "status",
    "page_setting": "setting",
    "page_source": "curve or data",
    "page_sort": "sort by",
    "page_any": "any",
    "page_curves": "a curve",
    "page_own_data": "own data",
    "page_newest": "newest",
    "page_by_error": "final error",
    "page_shown": "{shown} of {count} shown",
    "page_pick": "compare",
    "page_compare": "two runs side by side",
    "page_compare_help": "Tick two cards' compare boxes to see their films side by side.",
    "page_close": "close",
    "page_epoch": "epoch",
    "page_previous": "previous epoch",
    "page_next": "next epoch",
    "page_differ": "differ: {changes}",
    "page_same": "the same settings",
    "page_layers_book": "layers.py as in the book",
    "page_compare_frame": "epoch {epoch} · error {error}",
    "page_compare_epoch": "epoch {epoch}",
    "page_choose_gif": "To step this GIF by epoch, choose its file ({name}):",
    "page_no_decoder": "This browser cannot step a GIF: a run with --video webm can be stepped.",
    # The caption under a film in a notebook (app/shown.py), and the explorer (app/explore.py).
    "caption_diverged_some": "diverged ({count} of {total} networks)",
    "caption_while_training": " while training",
    "caption_while_drawing": " while drawing",
    "caption_at_epoch_of": ", at epoch {epoch} of {epochs}",
    "caption_before_first": ", before the first of {epochs} epochs",
    "caption_no_epoch": "no epoch trained",
    "caption_final_error": "final error {error}",
    "caption_held_out": ", held out {error}",
    "caption_held_out_one": " (held out {error})",
    "caption_final_errors": "final errors {errors}",
    "caption_hint": "Hint: {hint}",
    "caption_textbook": "the textbook's settings",
    "caption_trained": "trained with the {engine}; {frames} frames",
    "caption_trained_one": "trained with the {engine}; {frames} frame",
    "caption_file": ", {path}",
    "caption_alt": "The film of a regress-demo run: {settings}; {ending}",
    "caption_its_settings": "its settings",
    "caption_no_film": "No film was written: the run stopped before its first frame.",
    "explore_busy": "training and drawing: {settings} …",
    "explore_done": "{ending}: {errors}, in {seconds:.1f} s; {trained}",
    "explore_trained": "trained with the {engine}",
    "explore_trained_fast": "trained with the {engine}, "
    "which is faster than the layer classes for one network",
    "explore_trained_differ": "trained with the {engine}, because they differ from the fast loop",
    "explore_trained_other": "trained with the {engine}, because the fast loop cannot train "
    "these settings",
    "explore_failed": "the run stopped with {error}; the film before is kept",
    "explore_newest": "now",
    "explore_before": "before",
    "explore_refused": "{error}",
    "explore_n_mid": "n_mid",
    "explore_eta": "eta",
    "explore_epoch": "epoch",
    "explore_activation": "activation",
    "explore_target": "target",
    "explore_seed": "seed",
    "caption_too_large": "The film is too large to embed: {link} ({size:.1f} MB).",
    "caption_not_a_film": "The film is not a film this page can show: {link} ({size:.1f} MB).",
    "caption_gone": "The film {name} is no longer there.",
    "caption_then": "{status}, {summary}",
    # A notebook's progress line (app/notebook.py); the terminal's own lines are app/console.py's.
    "progress_starting": "starting",
    "progress_training": "training",
    "progress_drawing": "drawing",
    "progress_stopped": "stopped",
    "progress_epochs": "{done}/{epochs} epochs",
    "progress_error": ", error {error}",
    "progress_best_error": ", best error {error}",
    "progress_frames": " | frames drawn {done}/{total}",
    "progress_seconds": " | {seconds:.1f} s",
    # What trained a run, of an edited layers.py, as the command's first line names it.
    "engine_edited": "layers.py (edited: {digest})",
    # --stop-at: whether, and when, each network reached the error (the printed line too).
    "summary_not_reached": "did not reach {limit} in {epochs} epochs",
    "summary_grid": "{count} of {total} reached {limit} ({which})",
    "summary_grid_none": "0 of {total} reached {limit} in {epochs} epochs",
    "summary_grid_one": "{label} at epoch {epoch}",
    "summary_separator": ", ",
    # The gradient check's line (network/gradcheck.py) and the notes of engines.py, said in a
    # notebook's progress line.
    "gradcheck_differs": "{where}: {gradient} differs from finite differences by {percent} % "
    "({entry}: {analytic} vs {numeric}): check {hint}; {test} shows it",
    "gradcheck_raised": "{where} raised {raised}; {test} shows it",
}

#: Every language the frames can speak, by its code.
LANGUAGES = dict(zip(checks.LANGUAGES, (ENGLISH, japanese.TEXTS)))  # the names: inputs/checks.py


class Texts:
    """The frames' texts in one language: ``say = Texts("en"); say("neuron", number=2)``."""

    def __init__(self, language: str = "en"):
        self.language = language
        self.table = LANGUAGES[language]

    def __call__(self, key: str, **values) -> str:
        return self.table[key].format(**values)

    def counted(self, key: str, number, **values) -> str:
        """A text with a count in it, in the singular for one (its key ``KEY_one``): ``1 epoch``,
        ``2 epochs``. `number` chooses; `values` fill it in, the count among them."""
        return self(f"{key}_one" if number == 1 else key, **values)

    def engine(self, name: str, edited: Optional[str] = None) -> str:
        """What trained a run, as engines.py names it, in this language (a name it does not know as
        it is); of an edited layers.py (`edited`: its digest, network/edits.py), the file named as
        the command's first line names it: ``layer classes of layers.py (edited: 3f2a9c)``."""
        said = name if self.language != "ja" else japanese.engine(name)
        if edited is not None:
            said = said.replace("layers.py", self("engine_edited", digest=edited), 1)
        return said

    def note(self, note: str) -> str:
        """Why the layer classes train a run that asked for a loop (engines.py's note), in this
        language (a note it does not know as it is)."""
        return note if self.language != "ja" else japanese.note(note)

    def __repr__(self) -> str:
        return f"Texts({self.language!r})"


def texts_of(settings) -> Texts:
    """The texts of a run, in its language (English when the settings name none)."""
    return Texts(getattr(settings, "lang", "en"))
