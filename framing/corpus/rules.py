"""Cleaning and splitting rules: the package's ``framing/conf/corpus/default.yaml`` with a
study's ``corpus:`` overrides merged in, so they change without touching code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from framing.errors import FramingInputError

DEFAULT_RULES = "corpus/default.yaml"  # inside the package's configs (framing/conf)


@dataclass
class CorpusRules:
    chrome_lines: dict[str, re.Pattern] = field(default_factory=dict)
    caption_lines_before_credit: int = 2
    repeated_headline_max_words: int = 25
    drop_repeated_sentences: bool = True
    abbreviations: frozenset[str] = frozenset()
    min_glued_length: int = 7
    extra_words: frozenset[str] = frozenset()
    shingle_words: int = 3
    min_overlap: float = 0.45
    min_shingles: int = 3
    #: phrases that mean the same for duplicate matching, e.g. {"viet nam": "vietnam"}
    equivalent_phrases: tuple[tuple[re.Pattern, str], ...] = ()
    #: where the rules came from (the package default, and the study config overriding it)
    source: str = "<config>"

    @classmethod
    def from_dict(cls, raw: dict, source: str = "<config>") -> CorpusRules:
        chrome = {}
        for name, pattern in (raw.get("chrome_lines") or {}).items():
            try:
                chrome[name] = re.compile(pattern, re.IGNORECASE)
            except re.error as err:
                raise FramingInputError(
                    f"is not a valid regular expression ({err})",
                    file=source,
                    field=f"chrome_lines.{name}",
                ) from None
        split = raw.get("splitting") or {}
        near = raw.get("near_duplicates") or {}
        return cls(
            chrome_lines=chrome,
            caption_lines_before_credit=int(raw.get("caption_lines_before_credit", 2)),
            repeated_headline_max_words=int(raw.get("repeated_headline_max_words", 25)),
            drop_repeated_sentences=bool(raw.get("drop_repeated_sentences", True)),
            abbreviations=frozenset(
                str(a).lower().rstrip(".") for a in split.get("abbreviations", [])
            ),
            min_glued_length=int(split.get("min_glued_length", 7)),
            extra_words=frozenset(w.lower() for w in split.get("extra_words", [])),
            shingle_words=int(near.get("shingle_words", 3)),
            min_overlap=float(near.get("min_overlap", 0.45)),
            min_shingles=int(near.get("min_shingles", 3)),
            equivalent_phrases=tuple(
                (re.compile(rf"\b{re.escape(str(a).lower())}\b"), str(b).lower())
                for a, b in (near.get("equivalent_phrases") or {}).items()
            ),
            source=source,
        )

    @classmethod
    def with_overrides(cls, overrides: dict, source: str = "") -> CorpusRules:
        """The package's default rules with ``overrides`` (a study's ``corpus:``) merged in."""
        from importlib import resources

        from omegaconf import OmegaConf

        text = resources.files("framing.conf").joinpath(DEFAULT_RULES).read_text("utf-8")
        merged = OmegaConf.merge(OmegaConf.create(text), OmegaConf.create(dict(overrides)))
        where = f"framing/conf/{DEFAULT_RULES}" + (f" + {source} (corpus)" if overrides else "")
        return cls.from_dict(OmegaConf.to_container(merged, resolve=True), where)

    def normalise(self, text: str) -> str:
        """Lowercase words for matching duplicates (see ``duplicates.normalise_for_matching``)."""
        from framing.corpus.duplicates import normalise_for_matching

        return normalise_for_matching(text, self.equivalent_phrases)
