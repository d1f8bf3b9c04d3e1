"""English word frequencies from the ``wordfreq`` package (its data, CC BY-SA 4.0, installs
with it and works offline).

The glued-word splitter and the truncation check need to know whether a token is a word and
how common it is. Until issue 12 a copy of this list was vendored in the package; the list
built here is the same one (lowercase alphabetic words with a Zipf frequency of at least 1.5,
single letters other than "a" left out, in wordfreq's order), so splitting is unchanged.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

#: words rarer than this (Zipf scale: log10 of frequency per billion words) are not listed
MIN_ZIPF = 1.5
_ALPHA = re.compile(r"[a-z]+")


@lru_cache(maxsize=4)
def word_ranks(language: str = "en") -> dict[str, int]:
    """Rank (0 = most frequent) of every listed lowercase word of ``language``."""
    import wordfreq

    freqs = wordfreq.get_frequency_dict(language)
    ranks: dict[str, int] = {}
    for word in wordfreq.iter_wordlist(language):
        # wordfreq's own Zipf value, rounded as zipf_frequency() rounds it
        if round(math.log10(freqs[word]) + 9, 2) < MIN_ZIPF:
            break  # the list is in descending frequency
        if _ALPHA.fullmatch(word) and (len(word) > 1 or word == "a"):
            ranks[word] = len(ranks)
    return ranks
