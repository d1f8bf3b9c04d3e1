"""Cleaning and splitting rules: the package's ``framing/conf/corpus/default.yaml`` with a
study's ``corpus:`` overrides merged in, so they change without touching code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from framing.errors import FramingInputError

DEFAULT_RULES = "corpus/default.yaml"  # inside the package's configs (framing/conf)


def _compile(patterns: dict | list | None, source: str, key: str, flags=re.IGNORECASE):
    """Named (dict) or anonymous (list) regexes; a null entry switches a named rule off."""
    items = patterns.items() if isinstance(patterns, dict) else enumerate(patterns or [])
    compiled = {}
    for name, pattern in items:
        if pattern is None:
            continue
        try:
            compiled[str(name)] = re.compile(str(pattern), flags)
        except re.error as err:
            raise FramingInputError(
                f"is not a valid regular expression ({err})", file=source, field=f"{key}.{name}"
            ) from None
    return compiled


@dataclass(frozen=True)
class DebrisRules:
    """Weights of the debris score's features (framing/corpus/debris.py)."""

    threshold: float = 2.0
    max_words: int = 45
    max_sentence_words: int = 25
    weights: dict[str, float] = field(default_factory=dict)
    section_names: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, raw: dict) -> DebrisRules:
        return cls(
            threshold=float(raw.get("threshold", 2.0)),
            max_words=int(raw.get("max_words", 45)),
            max_sentence_words=int(raw.get("max_sentence_words", 25)),
            weights={str(k): float(v) for k, v in (raw.get("weights") or {}).items()},
            section_names=frozenset(str(s).lower() for s in raw.get("section_names") or []),
        )


@dataclass
class CorpusRules:
    chrome_lines: dict[str, re.Pattern] = field(default_factory=dict)
    keep_lines: tuple[re.Pattern, ...] = ()
    caption_lines_before_credit: int = 2
    repeated_headline_max_words: int = 25
    drop_repeated_sentences: bool = True
    chrome_min_articles: int = 3
    chrome_max_words: int = 40
    debris: DebrisRules = field(default_factory=DebrisRules)
    teaser_block_max_words: int = 20
    line_prefixes: dict[str, re.Pattern] = field(default_factory=dict)
    abbreviations: frozenset[str] = frozenset()
    min_glued_length: int = 7
    extra_words: frozenset[str] = frozenset()
    max_paragraph_chars: int = 20000
    sentence_without_stop_min_words: int = 8
    keep_truncated: bool = False
    detect_chars: int = 1000
    #: the study's languages (ISO 639-1); an article in another one is split by sentencex
    languages: tuple[str, ...] = ("en",)
    shingle_words: int = 3
    min_overlap: float = 0.45
    min_shingles: int = 3
    similar_length: float = 0.5
    contained_overlap: float = 0.8
    contained_min_shared: int = 5
    #: phrases that mean the same for duplicate matching, e.g. {"viet nam": "vietnam"}
    equivalent_phrases: tuple[tuple[re.Pattern, str], ...] = ()
    #: where the rules came from (the package default, and the study config overriding it)
    source: str = "<config>"

    @classmethod
    def from_dict(
        cls, raw: dict, source: str = "<config>", languages: tuple[str, ...] = ("en",)
    ) -> CorpusRules:
        split = raw.get("splitting") or {}
        near = raw.get("near_duplicates") or {}
        chrome = raw.get("repeated_chrome") or {}
        units = raw.get("units") or {}
        return cls(
            chrome_lines=_compile(raw.get("chrome_lines"), source, "chrome_lines"),
            keep_lines=tuple(_compile(raw.get("keep_lines"), source, "keep_lines").values()),
            caption_lines_before_credit=int(raw.get("caption_lines_before_credit", 2)),
            repeated_headline_max_words=int(raw.get("repeated_headline_max_words", 25)),
            drop_repeated_sentences=bool(raw.get("drop_repeated_sentences", True)),
            chrome_min_articles=int(chrome.get("min_articles", 3)),
            chrome_max_words=int(chrome.get("max_words", 40)),
            debris=DebrisRules.from_dict(raw.get("debris") or {}),
            teaser_block_max_words=int(raw.get("teaser_block_max_words", 20)),
            line_prefixes=_compile(raw.get("line_prefixes"), source, "line_prefixes"),
            abbreviations=frozenset(
                str(a).lower().rstrip(".") for a in split.get("abbreviations", [])
            ),
            min_glued_length=int(split.get("min_glued_length", 7)),
            extra_words=frozenset(w.lower() for w in split.get("extra_words", [])),
            max_paragraph_chars=int(split.get("max_paragraph_chars", 20000)),
            sentence_without_stop_min_words=int(units.get("sentence_without_stop_min_words", 8)),
            keep_truncated=bool(units.get("keep_truncated", False)),
            detect_chars=int((raw.get("language") or {}).get("detect_chars", 1000)),
            languages=tuple(languages),
            shingle_words=int(near.get("shingle_words", 3)),
            min_overlap=float(near.get("min_overlap", 0.45)),
            min_shingles=int(near.get("min_shingles", 3)),
            similar_length=float(near.get("similar_length", 0.5)),
            contained_overlap=float(near.get("contained_overlap", 0.8)),
            contained_min_shared=int(near.get("contained_min_shared", 5)),
            equivalent_phrases=tuple(
                (re.compile(rf"\b{re.escape(str(a).lower())}\b"), str(b).lower())
                for a, b in (near.get("equivalent_phrases") or {}).items()
            ),
            source=source,
        )

    @classmethod
    def with_overrides(
        cls, overrides: dict, source: str = "", languages: list[str] | tuple[str, ...] = ("en",)
    ) -> CorpusRules:
        """The package's default rules with ``overrides`` (a study's ``corpus:``) merged in;
        ``languages`` are the study's (its ``language:``)."""
        from importlib import resources

        from omegaconf import OmegaConf

        text = resources.files("framing.conf").joinpath(DEFAULT_RULES).read_text("utf-8")
        merged = OmegaConf.merge(OmegaConf.create(text), OmegaConf.create(dict(overrides)))
        where = f"framing/conf/{DEFAULT_RULES}" + (f" + {source} (corpus)" if overrides else "")
        raw = OmegaConf.to_container(merged, resolve=True)
        return cls.from_dict(raw, where, tuple(str(x).lower() for x in languages or ["en"]))

    def normalise(self, text: str) -> str:
        """Lowercase words for matching duplicates (``normalise_for_matching``)."""
        return normalise_for_matching(text, self.equivalent_phrases)

    def protected(self, line: str) -> bool:
        """A line the study's ``keep_lines`` protects from every removal rule."""
        return any(rx.search(line) for rx in self.keep_lines)


def normalise_for_matching(text: str, equivalents=()) -> str:
    """Lowercase words without punctuation; ``equivalents`` ((pattern, replacement) pairs from
    the rules' ``equivalent_phrases``) make spellings of one name match."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    for pattern, replacement in equivalents:
        t = pattern.sub(replacement, t)
    t = re.sub(r"[^\w\s]", " ", t)
    return re.sub(r"\s+", " ", t).strip()
