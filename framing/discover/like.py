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
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from framing.discover.clustering import unit_rows
from framing.errors import FramingInputError

#: fewer examples than this are refused: one sentence does not show a framing
MIN_EXAMPLES = 2


def rank_like(
    embeddings: np.ndarray, examples: np.ndarray, folds: int = 5, seed: int = 0
) -> np.ndarray:
    """A score in [0, 1] per row (higher: more like the rows where ``examples`` is True);
    NaN for the examples themselves."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    x = unit_rows(embeddings)
    examples = np.asarray(examples, dtype=bool)
    rest = np.flatnonzero(~examples)
    if len(rest) < 2 or not examples.any():
        raise ValueError("need at least one example and two other sentences to rank")
    scores = np.full(len(x), np.nan)
    splits = KFold(n_splits=min(folds, len(rest)), shuffle=True, random_state=seed)
    for train, held_out in splits.split(rest):
        negatives = rest[train]
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


def example_rows(sentence_ids: pd.Series, like: Sequence[str], file: str | Path) -> np.ndarray:
    """A mask of the example sentences; every id must be among the sentences clustered, and at
    least two others must be left to rank."""
    ids = sentence_ids.astype(str).str.strip()
    known = set(ids)
    wanted = list(dict.fromkeys(str(i).strip() for i in like))
    missing = [i for i in wanted if i not in known]
    if missing:
        raise FramingInputError(
            f"sentence id '{missing[0]}' given to --like is not among the {len(ids)} sentences "
            "to cluster" + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            file=file,
            field="--like",
            fix="give ids from the sentence_id column of the input, once per --like (from "
            "predictions, only sentences without a predicted frame are clustered unless --all)",
        )
    if len(wanted) < MIN_EXAMPLES:
        raise FramingInputError(
            f"{len(wanted)} distinct example given; at least {MIN_EXAMPLES} are needed",
            field="--like",
            fix="give --like once per example sentence id",
        )
    mask = ids.isin(wanted).to_numpy()
    if (~mask).sum() < 2:
        raise FramingInputError(
            f"{int(mask.sum())} of the {len(ids)} sentences are examples; at least two others "
            "are needed to rank",
            field="--like",
            fix="give fewer examples, or a larger corpus",
        )
    return mask


def copies_of_examples(table: pd.DataFrame, examples: np.ndarray) -> np.ndarray:
    """Rows that repeat an example: the same ``dup_group`` (when the input has one) or the same
    text up to case and spacing. Finding them is no discovery, so they go to the end."""
    text = table["text"].astype(str).str.casefold().str.split().str.join(" ")
    copies = text.isin(set(text[examples])).to_numpy()
    if "dup_group" in table.columns:
        groups = table["dup_group"]
        known = groups.notna().to_numpy()
        copies = copies | (known & groups.isin(set(groups[examples & known])).to_numpy())
    return copies & ~examples


def like_table(
    table: pd.DataFrame, embeddings: np.ndarray, labels: np.ndarray, examples: np.ndarray, seed: int
) -> pd.DataFrame:
    """The non-example sentences ranked by ``rank_like`` (rank 1 = most like the examples);
    copies of an example are flagged and ranked after every other sentence."""
    scores = rank_like(embeddings, examples, seed=seed)
    ranked = pd.DataFrame(
        {
            "sentence_id": table["sentence_id"].astype(str),
            "article_id": table["article_id"],
            "outlet": table["outlet"],
            "score": scores,
            "copy_of_example": copies_of_examples(table, examples),
            "cluster": labels,
            "text": table["text"],
        }
    )[~examples]
    ranked = ranked.sort_values(
        ["copy_of_example", "score"], ascending=[True, False], kind="stable"
    )
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1))
    return ranked.reset_index(drop=True)


def markdown_cell(value) -> str:
    """A value safe inside a markdown table cell or list item: one line, no column break, no
    code-span break."""
    return " ".join(str(value).split()).replace("|", "\\|").replace("`", "'")


def like_markdown(ranked: pd.DataFrame, examples: pd.DataFrame, top: int = 30) -> str:
    shown = ranked[~ranked.copy_of_example].head(top)
    copies = int(ranked.copy_of_example.sum())
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
        f"The {len(shown)} most alike of {len(ranked) - copies} (score: cross-fitted logistic "
        "regression, examples against every other sentence; like.csv has all"
        + (f", and the {copies} copies of an example, ranked last" if copies else "")
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
