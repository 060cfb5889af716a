"""Where a label may break into lines: between words or terms, never inside a formula
(``w2_j · σ(w1_j x + b1_j)`` only after its dot); a line of Japanese, which has no spaces, where
its script changes (データ|ごと), never before a small kana or a closing bracket."""

from __future__ import annotations

import textwrap
import unicodedata

#: A space that textwrap does not break at: the spaces inside a formula, while a label is wrapped.
KEEP_TOGETHER = "\u00a0"
#: The signs of a formula: a space beside one of them is inside the formula ...
OPERATORS = set("·+-−=×*/<>≤≥")
#: ... but for one after a product's dot or a comma outside brackets: there a product's factors or
#: two formulas meet, and a line may end (as TeX ends a line after a binary operator).
BETWEEN_TERMS = set("·,")


def break_between_terms(text: str, chars: int) -> str:
    """The text in lines of about `chars` characters, broken only between words or terms: never at
    a space inside a function's brackets or beside an operator other than a product's dot, so
    `w2_j · σ(w1_j x + b1_j)` breaks only after its dot and `w_j · h_j(x), h = σ(…)` never inside
    `h = σ(…)`; a term longer than a line stays whole."""
    brackets, kept = [], []  # for each open bracket: whether it is a function's, as in σ(
    for k, char in enumerate(text):
        before, after = text[k - 1 : k], text[k + 1 : k + 2]
        if char in "([":
            brackets.append(before.strip() != "")  # (a bracket after a space: words, as here)
        elif char in ")]" and brackets:
            brackets.pop()
        inside = any(brackets) or (
            before not in BETWEEN_TERMS and bool({before, after} & OPERATORS)
        )
        kept.append(KEEP_TOGETHER if char == " " and inside else char)
    wrapped = textwrap.fill("".join(kept), chars, break_long_words=False, break_on_hyphens=False)
    return wrapped.replace(KEEP_TOGETHER, " ")


#: What a line of Japanese may not begin with (kinsoku): small kana, the long vowel mark, closing
#: brackets and punctuation.
NOT_FIRST = "ぁぃぅぇぉっゃゅょァィゥェォッャュョー）)]」』、。・:："


def shorter_lines(text: str, chars: int) -> str:
    """A label's lines broken again into lines of at most about `chars` characters: between words
    (break_between_terms), or, in a line of Japanese without spaces, into lines of about equal
    length, where the script changes (データ|ごと, ネットワーク|の) if it can, never before a
    character of NOT_FIRST."""
    lines = []
    for line in text.split("\n"):
        if " " in line or len(line) <= chars or line.isascii():
            lines += break_between_terms(line, chars).split("\n")
            continue
        while len(line) > chars:
            even = len(line) / -(-len(line) // chars)  # the length of equal lines
            cuts = [k for k in range(1, chars + 1) if line[k] not in NOT_FIRST] or [chars]
            changes = [k for k in cuts if _script(line[k - 1]) != _script(line[k])]
            cut = min(changes or cuts, key=lambda k: (abs(k - even), -k))
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return "\n".join(lines)


def _script(char: str) -> str:
    """Katakana, hiragana, kanji or other: where a line of Japanese reads well broken."""
    name = unicodedata.name(char, "")
    return next((kind for kind in ("KATAKANA", "HIRAGANA", "CJK") if name.startswith(kind)), "")
