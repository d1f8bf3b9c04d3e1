"""What kind of unit a split piece of text is: headline, heading, sentence or truncated.

A line without final punctuation is a heading only when it does not read as a sentence; a
piece cut off at the end of its paragraph (an excerpt ending in an ellipsis, or in a word cut
in half or a dangling function word) is "truncated" and is left out of coding and prediction
by default (``units.keep_truncated``).
"""

from __future__ import annotations

import re

from framing.corpus.debris import FUNCTION_WORDS
from framing.corpus.rules import CorpusRules
from framing.corpus.words import word_ranks

HEADLINE_MAX_WORDS = 20
ELLIPSIS_END = re.compile(r"(?:…|\.{3,}|\[(?:…|\.{3})\])$")
STOP_END = re.compile(r"[.!?:;…][\"”’')\]]*$")
_LAST_WORD = re.compile(r"([A-Za-z]+)$")
#: words a complete sentence does not end with
DANGLING = frozenset("a an the of to in on at for with by from and or but as than that".split())  # noqa: SIM905


def looks_cut(text: str, english: bool) -> bool:
    """An excerpt cut off: an ellipsis at the end, or (English) a last word that is half a word
    or a word a sentence cannot end with."""
    if ELLIPSIS_END.search(text):
        return True
    if STOP_END.search(text) or not english:
        return False
    m = _LAST_WORD.search(text)
    if not m or len(text.split()) < 4:
        return False
    last = m.group(1)
    if last.lower() in DANGLING:
        return True
    return last.islower() and last not in word_ranks()


def reads_as_sentence(text: str, rules: CorpusRules) -> bool:
    """An unpunctuated line long enough, starting like a sentence, with function words."""
    words = text.split()
    minimum = rules.sentence_without_stop_min_words
    if not minimum or len(words) < minimum:
        return False
    if not (text[:1].isupper() or text[:1].isdigit() or text[:1] in "“\"‘'"):
        return False
    return sum(w.lower().strip(",;") in FUNCTION_WORDS for w in words) >= 2


def unit_kind(
    text: str,
    rules: CorpusRules,
    *,
    first_paragraph: bool,
    only_unit: bool,
    last_in_paragraph: bool,
    english: bool = True,
) -> str:
    punctuated = text.rstrip("”’\"')").endswith((".", "!", "?", ":", "…"))
    if first_paragraph and only_unit and len(text.split()) <= HEADLINE_MAX_WORDS:
        return "headline"
    if last_in_paragraph and looks_cut(text, english):
        return "truncated"
    if only_unit and not punctuated and not reads_as_sentence(text, rules):
        return "heading"
    return "sentence"
