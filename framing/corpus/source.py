"""One corpus source: how ``framing corpus``, ``framing predict``, ``framing.sentences`` and the
study's gold set read their articles, so that they agree on every article and its outlet.

A ``CorpusSource`` is the input (a path, a DataFrame or a Dataset), the outlet table and the
cleaning rules. It is read in two passes, never held in memory whole:

1. ``first_pass()``: every article once, for the corpus facts (lines an outlet repeats on its
   stories, article ids used twice: ``framing.corpus.facts``); then the id check (a repeated
   id stops here, naming both sources, unless both are kept and renamed ``id~2``); then what
   the reader should know: the files of a folder that were not read (``skipped``), the
   outlet report (``framing.corpus.outlets``: the one outlet precedence, conflicts, table ids
   matching no article, case variants);
2. ``articles()``: the articles again, in the same order, with the ids made unique.

Nothing here prints: ``notices()`` are the lines a command shows as warnings (a notebook
sees them as Python warnings) and ``report()`` what goes into its report file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from framing.corpus.articles import Article
from framing.corpus.discovery import NOT_AN_ARTICLE
from framing.corpus.facts import (
    CorpusFacts,
    check_article_ids,
    gather_corpus_facts,
    with_unique_ids,
)
from framing.corpus.outlets import OutletReport, OutletTable, attach_outlet, finish_report
from framing.corpus.reading import iter_articles
from framing.corpus.rules import CorpusRules
from framing.corpus.sentences import Sentence, build_sentences
from framing.corpus.tables import table_name
from framing.errors import FramingInputError


class CorpusSource:
    """Articles, their outlets and the cleaning rules, read in two passes (module docstring).

    ``keep_option`` is how the user of a command keeps two articles with one id
    (``--keep-duplicate-ids``, ``keep_duplicate_ids=true``), named in the error. ``strict``: an
    article file of a folder that cannot be read stops the read instead of being skipped (the
    study's own articles, from which its gold set is cut)."""

    def __init__(
        self,
        articles,
        rules: CorpusRules,
        outlets: str | Path | None = None,
        *,
        keep_duplicate_ids: bool = False,
        keep_option: str = "",
        strict: bool = False,
    ) -> None:
        self.input = articles
        self.rules = rules
        self.table = OutletTable.read(outlets) if outlets is not None else None
        self.keep_duplicate_ids = keep_duplicate_ids
        self.keep_option = keep_option
        self.strict = strict
        self.facts: CorpusFacts | None = None
        #: files of a folder not read, with the reason: {"file", "reason", "line"}
        self.skipped: list[dict] = []
        #: ids of a repeated article id made unique, one line each
        self.renamed: list[str] = []
        self.outlets = OutletReport()

    @property
    def name(self) -> str:
        """How messages name the input."""
        return table_name(self.input) or str(self.input)

    def _read(self, first: bool) -> Iterator[Article]:
        if first:

            def on_bad_file(path: Path, err: FramingInputError) -> None:
                self.skipped.append({"file": str(path), "reason": err.message, "line": err.line})

            on_not_read = self.skipped.append
        else:  # the second pass: the first already listed them

            def on_bad_file(path: Path, err: FramingInputError) -> None:
                return None

            on_not_read = None
        report = self.outlets if first else None
        if self.strict:
            on_bad_file = None
        for article in iter_articles(self.input, on_bad_file, on_not_read):
            yield attach_outlet(article, self.table, report)

    def first_pass(
        self, wrap: Callable[[Iterable[Article]], Iterable[Article]] | None = None
    ) -> CorpusFacts:
        """Read every article once (module docstring); ``wrap`` sees each article read (a
        sharded prediction records sizes and a hash of the corpus there). An input in which no
        article could be read stops here, naming the first file skipped and why."""
        self.skipped, self.outlets = [], OutletReport()
        articles = self._read(first=True)
        facts = gather_corpus_facts(wrap(articles) if wrap else articles, self.rules)
        if facts.n_articles == 0:
            bad = [s for s in self.skipped if not s["reason"].startswith(NOT_AN_ARTICLE)]
            first = (bad or self.skipped or [None])[0]
            message = "holds no readable articles"
            if first:
                message = (
                    f"no article could be read: {len(self.skipped)} file(s) skipped, first "
                    f"{first['file']}: {first['reason']}"
                )
            raise FramingInputError(message, file=self.name)
        self.renamed = check_article_ids(facts, self.keep_duplicate_ids, self.keep_option)
        finish_report(self.outlets, self.table, facts.outlet_articles)
        self.facts = facts
        return facts

    def articles(self) -> Iterator[Article]:
        """The second pass: the articles in reading order, ids made unique."""
        if self.facts is None:
            self.first_pass()
        return with_unique_ids(self._read(first=False), self.facts)

    def sentences(self) -> tuple[list[Sentence], dict[str, dict]]:
        """Every sentence with its duplicate group, and the cleaning report per article."""
        if self.facts is None:
            self.first_pass()
        return build_sentences(self.articles(), self.rules, self.facts)

    def notices(self) -> list[str]:
        """Warning lines for what the first pass found (empty before it)."""
        lines = [f"article id used twice, both kept: {line}" for line in self.renamed]
        unreadable = [s for s in self.skipped if not s["reason"].startswith(NOT_AN_ARTICLE)]
        lines += [f"skipped {s['file']}: {s['reason']}" for s in unreadable]
        others = [s for s in self.skipped if s["reason"].startswith(NOT_AN_ARTICLE)]
        if others:
            names = ", ".join(Path(s["file"]).name for s in others[:5])
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            lines.append(
                f"{len(others)} file(s) in the input folder are not articles and were not "
                f"read: {names}{more} (listed in the report's 'skipped')"
            )
        return lines + self.outlets.notices()

    def report(self) -> dict:
        """What a command's report file records of the reading."""
        return {
            "skipped": self.skipped,
            "renamed_article_ids": self.renamed,
            "outlets": self.outlets.to_dict(),
        }


def read_articles(path, outlets: str | Path | None = None) -> list[Article]:
    """Every article of ``path``, outlets attached, in a list; an article id used twice is an
    error (a small corpus in memory: a notebook, the study's gold set)."""
    source = CorpusSource(path, CorpusRules(), outlets, strict=True)
    source.first_pass()
    return list(source.articles())
