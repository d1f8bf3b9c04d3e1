"""Sentence splitting for scraped news text.

Handles what a generic splitter gets wrong on this kind of page: "U. S." and "3. 6 billion"
split by a space, words glued without a space ("decadedemonstrates"), quotes that close after
the full stop (or after a stray space), stray full stops, and headings without punctuation
(each line is a paragraph, so a heading never merges with the next sentence).
"""

from __future__ import annotations

import re
from functools import lru_cache

from framing.corpus.rules import CorpusRules
from framing.corpus.words import word_ranks

# Short words allowed as one half of a glued pair ("bodyso" -> "body so"); longer halves must
# be in the word list. Keeps "impartial" from becoming "im partial".
SHORT_WORDS = frozenset(
    "a an as at be by do he if in is it me my no of on or so to up us we".split()  # noqa: SIM905
)
OPEN_QUOTES = "“‘\"'(["
CLOSE_QUOTES = "”’\"')]"


# Both halves of a glued pair must be common words: rank in the frequency list below this.
COMMON_WORD_RANK = 40_000
_STOP_BEFORE_CAPITAL = re.compile(r"(?<=[a-z]{2})([.!?])(?=[A-Z][a-z])")


@lru_cache(maxsize=1)
def longest_common_word() -> int:
    """Characters in the longest word common enough to be half of a glued pair."""
    return max(
        (len(w) for w, rank in word_ranks().items() if rank < COMMON_WORD_RANK),
        default=0,
    )


def unglue_word(word: str, rules: CorpusRules) -> str:
    """Split a lowercase token glued from two words ("greatdespite"), or return it unchanged.

    Only a token that is not itself a word is split, and only into two common words; among
    several such splits the most balanced wins (long halves are stronger evidence). A token
    longer than two of the longest common words cannot be such a pair and is returned at once:
    trying every cut of a long run (a PDF's text without spaces) took time quadratic in it.
    """
    ranks = word_ranks()
    if len(word) < rules.min_glued_length or word in ranks or word in rules.extra_words:
        return word
    longest = longest_common_word()
    if len(word) > 2 * longest:
        return word

    def common(part: str) -> bool:
        return part in SHORT_WORDS or (
            len(part) >= 3 and ranks.get(part, 1 << 30) < COMMON_WORD_RANK
        )

    best = None
    # a cut leaving a half longer than the longest common word cannot give two common words
    for cut in range(max(2, len(word) - longest), min(len(word) - 1, longest + 1)):
        left, right = word[:cut], word[cut:]
        if common(left) and common(right):
            score = min(len(left), len(right))
            if best is None or score > best[0]:
                best = (score, left, right)
    return f"{best[1]} {best[2]}" if best else word


def repair_text(text: str, rules: CorpusRules) -> str:
    """Undo the typographic damage of scraping and machine translation, before splitting."""
    t = text.replace("\u00a0", " ")
    # "U. S." / "U. N." / "U. S. A." -> "U.S." ; a run of single capitals each with a stop.
    t = re.sub(r"\b(?:[A-Z]\. ){1,3}[A-Z]\.", lambda m: m.group(0).replace(" ", ""), t)
    # "3. 6 billion" -> "3.6 billion"
    t = re.sub(r"(\d)\. (\d)", r"\1.\2", t)
    # Stray stops: "he said. ." / "programs. . ." -> one stop. An ellipsis ("..." or "…")
    # is left alone: it says the text was cut.
    t = re.sub(r"([.!?])(?:\s+\.)+", r"\1", t)
    # Space before a closing quote: "blocs. ” Lam" -> "blocs.” Lam"
    t = re.sub(r"([.!?,])\s+([”’])", r"\1\2", t)
    # An opening quote mark left dangling at the end of a paragraph closes the quote.
    t = re.sub(r"([.!?,])\s+[“\"]\s*$", r"\1”", t)
    # Space before a comma: "principled , history" -> "principled, history"
    t = re.sub(r"\s+([,;])", r"\1", t)
    # A full stop with no space after it before a capitalised word: "Ukraine.The" -> "Ukraine. The"
    # (the two letters before the stop are looked behind: matching a run of letters forward
    # from every start took time quadratic in a long run without spaces)
    t = _STOP_BEFORE_CAPITAL.sub(r"\1 ", t)
    # Words glued without a space.
    t = re.sub(
        rf"\b[a-z]{{{rules.min_glued_length},}}\b", lambda m: unglue_word(m.group(0), rules), t
    )
    return re.sub(r"\s+", " ", t).strip()


_BOUNDARY = re.compile(r"(?:[.!?]+|…)[" + re.escape(CLOSE_QUOTES) + r"]*(?=\s)")
#: the first two characters after a boundary (past the spaces), read in place
_NEXT = re.compile(r"\s*(\S)(\S?)")


def _ends_in_abbreviation(before: str, rules: CorpusRules) -> bool:
    token = before.split()[-1] if before.split() else ""
    token = token.lstrip(OPEN_QUOTES).rstrip(".")
    if not token:
        return False
    if re.fullmatch(r"[A-Z]", token):  # an initial: "Vladimir V. Putin"
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token):  # "U.S", "U.N"
        return True
    return token.lower() in rules.abbreviations


def split_paragraph(paragraph: str, rules: CorpusRules) -> list[str]:
    """Split one repaired paragraph into sentences, in time linear in its length: the text
    after a boundary is looked at in place, never copied."""
    sentences, start = [], 0
    for m in _BOUNDARY.finditer(paragraph):
        end = m.end()
        nxt = _NEXT.match(paragraph, end)
        if nxt is None:  # only spaces follow
            break
        first, second = nxt.group(1), nxt.group(2)
        following = second if first in OPEN_QUOTES else first
        # A new sentence starts with a capital, a digit or an opening quote before one.
        if not (following.isupper() or following.isdigit()):
            continue
        if m.group(0).startswith(".") and _ends_in_abbreviation(
            _last_token(paragraph, start, m.start()), rules
        ):
            continue
        sentences.append(paragraph[start:end].strip())
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if re.search(r"\w", s)]


def _last_token(text: str, start: int, end: int) -> str:
    """The token ending at ``end`` (not before ``start``), found without copying the text."""
    space = text.rfind(" ", start, end)
    return text[(space + 1 if space >= 0 else start) : end]


def bounded_chunks(paragraph: str, limit: int) -> list[str]:
    """``paragraph`` cut into pieces of at most ``limit`` characters, each cut after a sentence
    end when the last fifth of the window has one, else at a space, else hard."""
    if limit <= 0 or len(paragraph) <= limit:
        return [paragraph]
    chunks, start, n = [], 0, len(paragraph)
    while n - start > limit:
        window_end = start + limit
        floor = start + limit * 4 // 5
        cut = max(
            paragraph.rfind(". ", floor, window_end), paragraph.rfind("? ", floor, window_end)
        )
        cut = cut + 1 if cut >= 0 else paragraph.rfind(" ", start + 1, window_end)
        if cut <= start:
            cut = window_end
        chunks.append(paragraph[start:cut])
        start = cut
    chunks.append(paragraph[start:])
    return chunks


def split_sentences(paragraph: str, rules: CorpusRules, language: str | None = None) -> list[str]:
    """Sentences of one paragraph. ``language``: an article not in the study's language is
    split by sentencex's rules for that language, without the English repairs."""
    parts: list[str] = []
    for chunk in bounded_chunks(paragraph, rules.max_paragraph_chars):
        if language:
            parts += _split_other_language(chunk, language)
        else:
            parts += split_paragraph(repair_text(chunk, rules), rules)
    return parts


def _split_other_language(text: str, language: str) -> list[str]:
    from sentencex import segment

    text = re.sub(r"\s+", " ", text).strip()
    return [s.strip() for s in segment(language, text) if re.search(r"\w", s)]
