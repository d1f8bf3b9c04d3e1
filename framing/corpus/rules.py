"""Cleaning and splitting rules, read from ``conf/corpus/*.yaml`` so they can be changed
without touching code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from framing.errors import FramingInputError
from framing.paths import resolve_path

DEFAULT_RULES_FILE = "conf/corpus/default.yaml"


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
        )

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULES_FILE) -> CorpusRules:
        from omegaconf import OmegaConf

        p = resolve_path(path)
        if not p.exists():
            raise FramingInputError("no such corpus rules file", file=p)
        return cls.from_dict(OmegaConf.to_container(OmegaConf.load(p), resolve=True), str(p))
