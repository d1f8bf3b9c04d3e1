"""Sentences like a handful of examples: a ranked reading list for a suspected frame.

Why: clusters follow what sentences are about, and on the seed study no clustering recovered
the frames a codebook lacked (README, "Frames the codebook lacks"), although a classifier told
the labels separates them well in the same embeddings (results/discover_nested/
separability_seed.csv). So once a researcher has read a few sentences of a framing the
codebook misses, the useful next step is a ranking of the other sentences by how much they
resemble those, to read and code from the top.

How: the examples are positives and every other sentence a negative — most are not of the
frame, and those that are only weaken the fit (positive-unlabelled learning) — for a logistic
regression on the unit embeddings (balanced class weights). Each non-example sentence is
scored by a model fitted without it among the negatives (``folds``-fold cross-fitting), so its
own label never pulls its score down. The result orders sentences for reading; it labels none.

Rounds: like.csv has a ``like`` column. Writing yes or no in it for the sentences read and
giving the sheet back (``--judged FILE``) makes the yeses examples and the noes negatives in
every fit (they are known, so not cross-fitted) and ranks the rest again; the new like.csv
carries every judgement so far. Measured on the seed study by
``python -m experiments.discover_separability --feedback`` (README, "Frames the codebook
lacks").
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from framing.coding.spreadsheet import read_csv_rows
from framing.discover.clustering import unit_rows
from framing.errors import FramingInputError, require_columns
from framing.io import sha256_file

#: fewer examples than this are refused: one sentence does not show a framing
MIN_EXAMPLES = 2


def rank_like(
    embeddings: np.ndarray,
    examples: np.ndarray,
    folds: int = 5,
    seed: int = 0,
    unlike: np.ndarray | None = None,
) -> np.ndarray:
    """A score in [0, 1] per row (higher: more like the rows where ``examples`` is True);
    NaN for the examples themselves and for the rows ``unlike`` marks (read and judged not of
    the frame: a negative in every fit, not ranked)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    x = unit_rows(embeddings)
    examples = np.asarray(examples, dtype=bool)
    unlike = np.zeros(len(x), dtype=bool) if unlike is None else np.asarray(unlike, dtype=bool)
    rest = np.flatnonzero(~examples & ~unlike)
    if len(rest) < 2 or not examples.any():
        raise ValueError("need at least one example and two other sentences to rank")
    known_negatives = np.flatnonzero(unlike)
    scores = np.full(len(x), np.nan)
    splits = KFold(n_splits=min(folds, len(rest)), shuffle=True, random_state=seed)
    for train, held_out in splits.split(rest):
        negatives = np.r_[known_negatives, rest[train]]
        model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
        model.fit(
            np.vstack([x[examples], x[negatives]]),
            np.r_[np.ones(int(examples.sum())), np.zeros(len(negatives))],
        )
        scores[rest[held_out]] = model.predict_proba(x[rest[held_out]])[:, 1]
    return scores


def precision_at_half_recall(scores: np.ndarray, truth: np.ndarray) -> float:
    """Reading the ranking from the top until half of the ``truth`` sentences are found: the
    share of what was read that is ``truth`` (the reading effort a ranking saves). NaN when
    there is nothing to find."""
    needed = int(np.ceil(0.5 * truth.sum()))
    if needed == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(truth[order])
    read = int(np.argmax(hits >= needed)) + 1
    return float(needed / read)


#: what the ``like`` column of a judged file may say (case and spacing ignored); blank: not read
JUDGED_LIKE = ("yes", "y", "true", "1")
JUDGED_UNLIKE = ("no", "n", "false", "0")


@dataclass(frozen=True)
class Judgement:
    like: bool
    line: int


def read_judgements(path: str | Path) -> dict[str, Judgement]:
    """Sentence id -> judged like or not, from a CSV with ``sentence_id`` and ``like`` columns
    (a like.csv of an earlier run with its ``like`` column filled in, or any such sheet).
    A blank ``like`` is a sentence not read yet and is skipped."""
    if not str(path).strip():
        raise FramingInputError("is an empty file name", field="--judged")
    path = Path(path)
    if not path.is_file():
        raise FramingInputError("no such file", file=path, field="--judged")
    # the sheet a person saved from a spreadsheet, where "Like" or "LIKE" may be retyped
    header, rows = read_csv_rows(path, fold=("like",))
    require_columns(
        path,
        header,
        ("sentence_id", "like"),
        fix="give a like.csv of framing discover --like with its like column filled in (yes or "
        "no for each sentence read)",
    )
    found: dict[str, Judgement] = {}
    for line, row in rows:
        value = (row.get("like") or "").strip().casefold()
        if not value:
            continue
        if value not in JUDGED_LIKE + JUDGED_UNLIKE:
            raise FramingInputError(
                f"'{shown_id(row['like'])}' is neither yes nor no",
                file=path,
                line=line,
                field="like",
                fix="write yes (of the suspected frame), no (read, not of it) or leave it blank "
                "(not read)",
            )
        sentence = (row.get("sentence_id") or "").strip()
        if not sentence:
            raise FramingInputError(
                "a judged sentence has no id", file=path, line=line, field="sentence_id"
            )
        judged = Judgement(value in JUDGED_LIKE, line)
        earlier = found.setdefault(sentence, judged)
        if earlier.like != judged.like:
            raise FramingInputError(
                f"sentence '{shown_id(sentence)}' is judged both yes and no (line {earlier.line} "
                "and here)",
                file=path,
                line=line,
                field="like",
                fix="keep one judgement per sentence",
            )
    return found


def example_rows(
    sentence_ids: pd.Series,
    like: Sequence[str],
    file: str | Path,
    judged: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the example sentences (``like`` ids and those the ``judged`` file says yes
    to) and of the sentences judged not of the frame; every id must be among the sentences
    clustered, at least two examples given and at least two other sentences left to rank."""
    ids = sentence_ids.astype(str).str.strip()
    known = set(ids)
    wanted = list(dict.fromkeys(str(i).strip() for i in like))
    given = len(wanted)
    missing = [i for i in wanted if i not in known]
    if missing:
        raise FramingInputError(
            f"sentence id '{shown_id(missing[0])}' given to --like"
            + (f" (and {len(missing) - 1} more of its ids)" if len(missing) > 1 else "")
            + f" is not among the {len(ids)} sentences to cluster",
            file=file,
            field="--like",
            fix=UNKNOWN_ID_FIX,
        )
    unlike: list[str] = []
    if judged is not None:
        for sentence, judgement in read_judgements(judged).items():
            if sentence not in known:
                raise FramingInputError(
                    f"sentence id '{shown_id(sentence)}' is not among the {len(ids)} sentences "
                    "to cluster",
                    file=judged,
                    line=judgement.line,
                    field="sentence_id",
                    fix=UNKNOWN_ID_FIX,
                )
            if not judgement.like and sentence in wanted:
                raise FramingInputError(
                    f"sentence '{shown_id(sentence)}' is given to --like and judged no here",
                    file=judged,
                    line=judgement.line,
                    field="like",
                    fix="drop it from --like or judge it yes",
                )
            (wanted if judgement.like else unlike).append(sentence)
        wanted = list(dict.fromkeys(wanted))
    # where the examples came from, for the errors about how many there are
    source = (
        f"--like gives {given} and {Path(judged).name} says yes to {len(wanted) - given} more"
        if judged is not None
        else f"--like gives {len(wanted)}"
    )
    if len(wanted) < MIN_EXAMPLES:
        raise FramingInputError(
            f"{len(wanted)} distinct example sentence{'s' if len(wanted) != 1 else ''} "
            f"({source}); at least {MIN_EXAMPLES} are needed",
            file=judged,
            field="like" if judged is not None else "--like",
            fix="give --like once per example sentence id, or judge more sentences yes",
        )
    examples = ids.isin(wanted).to_numpy()
    judged_unlike = ids.isin(unlike).to_numpy()
    if (~examples & ~judged_unlike).sum() < 2:
        raise FramingInputError(
            f"{int(examples.sum())} of the {len(ids)} sentences are examples ({source}) and "
            f"{int(judged_unlike.sum())} judged not of the frame; at least two others are "
            "needed to rank",
            file=judged,
            field="like" if judged is not None else "--like",
            fix="give fewer examples or judge fewer sentences, or a larger corpus",
        )
    return examples, judged_unlike


def check_sheet_unchanged(out: Path) -> None:
    """Refuse to replace OUT when its like.csv is not the one framing wrote there (by the
    sha256 report.json records): judgements written into it in place would be lost."""
    sheet, report = out / "like.csv", out / "report.json"
    if not (sheet.is_file() and report.is_file()):
        return
    try:
        recorded = (json.loads(report.read_text(encoding="utf-8")).get("like") or {}).get(
            "csv_sha256"
        )
    except (ValueError, AttributeError, UnicodeDecodeError):
        recorded = None
    if recorded and sha256_file(sheet) != recorded:
        raise FramingInputError(
            "has changed since framing discover wrote it (judgements written in it?); a new "
            "run would replace it",
            file=sheet,
            fix=f"copy it out of {out} and give the copy with --judged, or choose another --out",
        )


def shown_id(text: str, limit: int = 60) -> str:
    """An id or cell as an error line shows it: at most ``limit`` characters."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


UNKNOWN_ID_FIX = (
    "give ids from the sentence_id column of the input (from predictions, only sentences "
    "without a predicted frame are clustered unless --all)"
)


def copy_text(table: pd.DataFrame) -> pd.Series:
    """Each sentence's text up to case and spacing: two sentences with the same are copies."""
    return table["text"].astype(str).str.casefold().str.split().str.join(" ")


def copies_of(table: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The other rows that repeat one of ``rows``: the same ``dup_group`` (when the input has
    one) or the same ``copy_text``."""
    text = copy_text(table)
    copies = text.isin(set(text[rows])).to_numpy()
    if "dup_group" in table.columns:
        groups = table["dup_group"]
        known = groups.notna().to_numpy()
        copies = copies | (known & groups.isin(set(groups[rows & known])).to_numpy())
    return copies & ~rows


def copies_of_examples(table: pd.DataFrame, examples: np.ndarray) -> np.ndarray:
    """Rows that repeat an example. Finding them is no discovery, so they go to the end."""
    return copies_of(table, examples)


def like_table(
    table: pd.DataFrame,
    embeddings: np.ndarray,
    labels: np.ndarray,
    examples: np.ndarray,
    seed: int,
    unlike: np.ndarray | None = None,
) -> pd.DataFrame:
    """Every sentence, the ones to read first: those neither examples nor judged not of the
    frame, ranked by ``rank_like`` (rank 1 = most like the examples), copies of an example and
    copies of a sentence judged not of the frame (already answered by reading it once)
    flagged and ranked after every other; then the examples (``like`` yes) and the sentences
    judged not of the frame (``like`` no), unranked. Filling in the ``like`` column of the
    rows read and giving the file back (``--judged``) carries every judgement into the next
    ranking."""
    unlike = np.zeros(len(table), dtype=bool) if unlike is None else unlike
    scores = rank_like(embeddings, examples, seed=seed, unlike=unlike)
    rows = pd.DataFrame(
        {
            "sentence_id": table["sentence_id"].astype(str),
            "article_id": table["article_id"],
            "outlet": table["outlet"],
            "score": scores,
            "copy_of_example": copies_of_examples(table, examples) & ~unlike,
            "copy_of_judged_no": copies_of(table, unlike) & ~examples,
            "cluster": labels,
            "like": np.where(examples, "yes", np.where(unlike, "no", "")),
            "text": table["text"],
        }
    )
    rows["copy_of_judged_no"] &= ~rows["copy_of_example"]  # a copy of both counts once
    already_read = rows["copy_of_example"] | rows["copy_of_judged_no"]
    to_read = (
        rows.assign(already_read=already_read)[~examples & ~unlike]
        .sort_values(["already_read", "score"], ascending=[True, False], kind="stable")
        .drop(columns="already_read")
    )
    to_read.insert(0, "rank", pd.array(np.arange(1, len(to_read) + 1), dtype="Int64"))
    judged = rows[examples | unlike].sort_values("like", ascending=False, kind="stable")
    judged.insert(0, "rank", pd.array([None] * len(judged), dtype="Int64"))
    return pd.concat([to_read, judged]).reset_index(drop=True)


def like_report(ranked: pd.DataFrame, judged: str | Path | None) -> dict:
    """The ``like`` section of report.json, read off ``like_table``'s result."""
    return {
        "examples": ranked.sentence_id[ranked.like == "yes"].tolist(),
        "judged_not_of_the_frame": ranked.sentence_id[ranked.like == "no"].tolist(),
        "judged_file": None if judged is None else str(judged),
        "ranked": int(ranked["rank"].notna().sum()),
        "copies_of_examples": int(ranked["copy_of_example"].sum()),
        "copies_of_judged_no": int(ranked["copy_of_judged_no"].sum()),
        "method": "logistic regression, examples against every other sentence, 5-fold "
        "cross-fitted; sentences judged not of the frame are negatives in every fit "
        "(framing.discover.like)",
    }


def markdown_cell(value) -> str:
    """A value safe inside a markdown table cell or list item: one line, no column break, no
    code-span break."""
    return " ".join(str(value).split()).replace("|", "\\|").replace("`", "'")


def like_markdown(ranked: pd.DataFrame, examples: pd.DataFrame, top: int = 30) -> str:
    judged_no = int((ranked.like == "no").sum())
    ranked = ranked[ranked["rank"].notna()]
    copy = ranked.copy_of_example | ranked.copy_of_judged_no
    shown = ranked[~copy].head(top)
    copies = int(ranked.copy_of_example.sum())
    copies_no = int(ranked.copy_of_judged_no.sum())
    lines = [
        "# Sentences like the examples (a reading list, not labels)",
        "",
        "Examples:",
        "",
        *[
            f"- `{markdown_cell(r.sentence_id)}` ({markdown_cell(r.outlet)}): "
            f"{markdown_cell(r.text)}"
            for r in examples.itertuples()
        ],
        "",
        *(
            [
                f"Judged not of the frame and left out of the list: {judged_no} (like.csv, "
                "`like` = no).",
                "",
            ]
            if judged_no
            else []
        ),
        f"The {len(shown)} most alike of {len(ranked) - copies - copies_no} (score: "
        "cross-fitted logistic regression, examples against every other sentence"
        + (", those judged not of the frame among the negatives of every fit" if judged_no else "")
        + "; like.csv has all"
        + (f", and the {copies} copies of an example, ranked last" if copies else "")
        + (
            f", and the {copies_no} copies of a sentence judged not of the frame, ranked last"
            if copies_no
            else ""
        )
        + "):",
        "",
        "| rank | score | sentence | outlet | cluster | text |",
        "|---:|---:|---|---|---:|---|",
    ]
    for r in shown.itertuples():
        lines.append(
            f"| {r.rank} | {r.score:.2f} | `{markdown_cell(r.sentence_id)}` | "
            f"{markdown_cell(r.outlet)} | {r.cluster} | {markdown_cell(r.text)} |"
        )
    return "\n".join(lines) + "\n"
