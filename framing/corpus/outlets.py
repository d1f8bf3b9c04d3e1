"""The outlet of each article: the outlet table, the article's own outlet, and what does not
add up between them.

**Precedence** (one rule for every command that reads articles): the outlet table
(``outlets.csv``, keyed by ``article_id``) wins; an article the table does not list keeps its
own outlet (a JSONL or CSV ``outlet`` field, a table column, an HTML page's web domain); an
article with neither is ``"unknown"``. The table also gives ``headline`` (the title) and
``date`` when it has them. The table wins because it is the list a researcher curates for the
study, while an article's own field is whatever the scraper or the page said.

Every outlet name is normalised (``articles.normalise_outlet``: Unicode NFKC, white space), so
" Reuters" and "Reuters " are one outlet. What cannot be decided silently is reported
(``OutletReport``): an article whose own outlet differs from the table's, table rows that name
no article read, and names that differ only in case ("Reuters", "REUTERS"), which stay separate
outlets until the table spells them one way. A table listing one article twice with different
values is refused (which row is right?); the same row twice is reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from framing.corpus.articles import UNKNOWN_OUTLET, Article, csv_rows, decode, normalise_outlet
from framing.errors import FramingInputError

#: examples kept per kind of notice: the report must not grow with the corpus
MAX_EXAMPLES = 20


@dataclass
class OutletTable:
    """``outlets.csv``: one row per article_id, outlet names normalised."""

    path: Path
    rows: dict[str, dict[str, str]]
    #: article ids listed twice with the same values: (id, first line, repeated line)
    repeated: list[tuple[str, int, int]] = field(default_factory=list)

    @classmethod
    def read(cls, path: str | Path) -> OutletTable:
        path = Path(path)
        if not path.is_file():
            raise FramingInputError("the outlet table does not exist", file=path)
        decode(path.read_bytes(), path)  # names the line of a byte that is not UTF-8
        rows: dict[str, dict[str, str]] = {}
        lines: dict[str, int] = {}
        repeated = []
        for line, row in csv_rows(path, ("article_id", "outlet")):
            article_id = row["article_id"]
            if not article_id:
                raise FramingInputError(
                    "empty article_id", file=path, line=line, field="article_id"
                )
            record = {k: (v or "") for k, v in row.items()}
            record["outlet"] = normalise_outlet(record["outlet"])
            if article_id in rows:
                if rows[article_id] != record:
                    raise FramingInputError(
                        f"article '{article_id}' is listed twice with different values (line "
                        f"{lines[article_id]}: outlet '{rows[article_id]['outlet']}'; this "
                        f"line: outlet '{record['outlet']}')",
                        file=path,
                        line=line,
                        field="article_id",
                        fix="keep one row per article",
                    )
                repeated.append((article_id, lines[article_id], line))
                continue
            rows[article_id], lines[article_id] = record, line
        return cls(path, rows, repeated)

    def get(self, article_id: str) -> dict[str, str] | None:
        return self.rows.get(article_id)


@dataclass
class OutletReport:
    """What the outlet precedence decided that a reader should know (filled while reading)."""

    #: articles whose own outlet differs from the table's (the table's was used)
    n_conflicts: int = 0
    conflicts: list[dict] = field(default_factory=list)
    #: table ids matched by an article read
    matched_ids: set[str] = field(default_factory=set)
    n_unmatched_ids: int = 0
    unmatched_ids: list[str] = field(default_factory=list)
    #: the table's repeated rows (same values)
    repeated_rows: list[dict] = field(default_factory=list)
    #: lowercase name -> {spelling: articles}, for names spelled in more than one case
    case_variants: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "precedence": "outlet table, else the article's own outlet, else unknown",
            "n_conflicts": self.n_conflicts,
            "conflicts": self.conflicts,
            "n_table_ids_without_article": self.n_unmatched_ids,
            "table_ids_without_article": self.unmatched_ids,
            "repeated_table_rows": self.repeated_rows,
            "case_variants": [dict(v) for v in self.case_variants.values()],
        }

    def notices(self) -> list[str]:
        """One line per kind of problem, for the command to print as a warning."""
        out = []
        if self.n_conflicts:
            first = self.conflicts[0]
            out.append(
                f"{self.n_conflicts} article(s) name another outlet than the outlet table; the "
                f"table's is used (first: {first['article_id']}: own '{first['own']}', table "
                f"'{first['table']}')"
            )
        if self.n_unmatched_ids:
            shown = ", ".join(self.unmatched_ids[:5])
            out.append(
                f"{self.n_unmatched_ids} article id(s) of the outlet table match no article "
                f"read (first: {shown}): check the ids in the table"
            )
        if self.repeated_rows:
            first = self.repeated_rows[0]
            out.append(
                f"{len(self.repeated_rows)} row(s) of the outlet table repeat an article "
                f"(first: {first['article_id']}, lines {first['lines'][0]} and "
                f"{first['lines'][1]}, same values)"
            )
        for spellings in self.case_variants.values():
            listed = ", ".join(f"'{k}' ({n})" for k, n in spellings.items())
            out.append(
                f"outlet names that differ only in case are counted as separate outlets: "
                f"{listed} articles; spell them one way (in the outlet table) to merge them"
            )
        return out


def attach_outlet(
    article: Article, table: OutletTable | None, report: OutletReport | None
) -> Article:
    """Apply the precedence (module docstring) to one article; conflicts go to ``report``."""
    own = normalise_outlet(article.outlet)
    row = table.get(article.article_id) if table is not None else None
    listed = row.get("outlet", "") if row else ""
    listed = listed if listed != UNKNOWN_OUTLET else ""
    if row is not None and report is not None:
        report.matched_ids.add(article.article_id)
    if listed and own != UNKNOWN_OUTLET and own != listed and report is not None:
        report.n_conflicts += 1
        if len(report.conflicts) < MAX_EXAMPLES:
            report.conflicts.append(
                {
                    "article_id": article.article_id,
                    "own": own,
                    "table": listed,
                    "source": article.source,
                }
            )
    article.outlet = listed or own
    if row:
        article.title = row.get("headline") or article.title
        article.date = row.get("date") or article.date
        article.meta.update(row)
    return article


def finish_report(
    report: OutletReport, table: OutletTable | None, articles_per_outlet: dict[str, int]
) -> None:
    """After the first pass: unmatched table ids, repeated rows, case variants."""
    if table is not None:
        unmatched = [k for k in table.rows if k not in report.matched_ids]
        report.n_unmatched_ids = len(unmatched)
        report.unmatched_ids = unmatched[:MAX_EXAMPLES]
        report.repeated_rows = [
            {"article_id": k, "lines": [a, b]} for k, a, b in table.repeated[:MAX_EXAMPLES]
        ]
    report.case_variants = case_variants(articles_per_outlet)


def case_variants(articles_per_outlet: dict[str, int]) -> dict[str, dict[str, int]]:
    """Outlet names spelled in more than one case, with their articles (most first)."""
    by_folded: dict[str, dict[str, int]] = defaultdict(dict)
    for name, n in articles_per_outlet.items():
        by_folded[name.casefold()][name] = n
    return {
        folded: dict(sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0])))
        for folded, spellings in sorted(by_folded.items())
        if len(spellings) > 1
    }
