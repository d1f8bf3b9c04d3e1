"""Which language an article is in: py3langid, whose model ships inside the package (nothing
is downloaded at run time)."""

from __future__ import annotations

import re
from functools import lru_cache

#: the code for "could not tell" (too little text, or no language scored high enough)
UNDETERMINED = "und"
#: fewer letters than this and the identifier is not asked
MIN_LETTERS = 20
#: a language scored below this probability is not trusted
MIN_PROBABILITY = 0.5
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, sample_chars: int = 1000) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of ``text``'s first ``sample_chars`` characters, or
    ("und", 0.0) when there is too little text to tell."""
    sample = text[:sample_chars]
    if len(_LETTER.findall(sample)) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    code, probability = _identifier().classify(sample)
    if probability < MIN_PROBABILITY:
        return UNDETERMINED, float(probability)
    return str(code), float(probability)
