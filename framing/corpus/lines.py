"""What "the same line" and "the same sentence" mean: the normal forms every corpus module
compares by. They live here, below the rules, the cleaning and the corpus facts, so that none
of those has to import another to agree on them."""

from __future__ import annotations

import hashlib
import re

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w]+")
_PUNCTUATION = re.compile(r"[^\w\s]")


def normalise_line(text: str) -> str:
    """A line with its runs of white space (no-break spaces included) made one space."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def line_key(text: str) -> str:
    """A line's words in lowercase: what "the same line" means for repeats."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def line_hash(key: str) -> int:
    """A stable 64-bit hash of a line key (Python's own hash() changes between processes)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


def normalise_for_matching(text: str, equivalents=()) -> str:
    """Lowercase words without punctuation; ``equivalents`` ((pattern, replacement) pairs from
    the rules' ``equivalent_phrases``) make spellings of one name match."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, replacement in equivalents:
        t = pattern.sub(replacement, t)
    t = _PUNCTUATION.sub(" ", t)
    return _SPACES.sub(" ", t).strip()
