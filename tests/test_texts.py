"""The frames' texts: every key the code asks for exists in every language, with the same values."""

import re
import string
from pathlib import Path

import pytest

from regress_demo.film import texts

PACKAGE = Path(texts.__file__).parent


def _keys_used():
    """Every key asked for as say("key" ...) or say("a" if ... else "b") in the package (a string
    compared with == in the condition is no key)."""
    used = set()
    for path in PACKAGE.glob("*.py"):
        for call in re.findall(
            r'say\(((?:"[a-z_0-9]+"|[^()"])*)', path.read_text(encoding="utf-8")
        ):
            used.update(re.findall(r'(?<!== )"([a-z_0-9]+)"', call))
    return used


def _fields(text):
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_key_the_frames_ask_for_is_in_the_catalogue():
    used = _keys_used()
    assert {"fit", "neurons_title", "diverged_at", "sgd"} <= used  # the scan finds the calls
    assert used <= set(texts.ENGLISH), sorted(used - set(texts.ENGLISH))


@pytest.mark.parametrize("language", sorted(texts.LANGUAGES))
def test_each_language_has_every_text_with_the_same_values_to_fill(language):
    table = texts.LANGUAGES[language]
    assert set(table) == set(texts.ENGLISH)
    for key, text in table.items():
        assert _fields(text) == _fields(texts.ENGLISH[key]), key


def test_a_text_is_filled_in_with_its_values():
    say = texts.Texts("en")
    assert say("neuron", number=2) == "neuron 2"
    assert (
        say("rich_epoch", epoch=7, epochs=2001, error=1.5e-3) == "epoch 7 / 2001     error 1.50e-03"
    )
    assert repr(say) == "Texts('en')"
    with pytest.raises(KeyError):
        texts.Texts("xx")
