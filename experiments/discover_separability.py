"""Issue 20, a diagnostic beside the three protocols: is a removed frame separable at all?

    python -m experiments.discover_separability          # the seed study
    python -m experiments.discover_separability --dev    # the invented development set
    python -m experiments.discover_separability --seeded # framing discover --like, measured
    python -m experiments.discover_separability --feedback  # --like in rounds (--judged)

For each frame F, on F's ablation pool (the gold no-frame sentences plus those coded F, as the
protocols build it), a logistic regression on the packaged MiniLM's unit embeddings is told
which sentences are F and scored out of fold (grouped 5-fold by ``dup_group``, so no copy of a
sentence is on both sides; balanced class weights, C = 1). Its ROC AUC and the best precision
it reaches at a recall of at least 0.5 (the issue's recall threshold) say how far apart F and
the plain sentences lie in that space *when the labels are known*. It is a yardstick, not a bound (a
cluster is judged on the sentences it was built from and picked with the labels): high values
with failed recoveries mean the frame is in the embeddings but not along the directions that
clusters follow.

This uses F's gold labels, so it chooses nothing: it only explains the protocols' results.
Writes results/discover_nested/separability_{seed,dev}.csv.

``--seeded`` measures what ``framing discover --like`` gives a researcher who has read a few
sentences of a frame the codebook lacks: for each frame F and k = 3, 5, 10, twenty times
(seeded draws), k sentences coded F are the examples and ``framing.discover.like.rank_like``
ranks the rest of F's ablation pool; scored by the precision when half of the other F
sentences have been read (``precision_at_half_recall``: the issue's recall threshold), over
the sentences that are neither examples nor copies of one (``copies_of_examples``: the same
``dup_group`` or text; finding a copy of an example is no discovery). Written to
results/discover_nested/seeded_seed.csv
(median, 10th and 90th percentile over the draws, the share of draws at precision >= 0.6, and
the base rate: the share of F among the sentences counted, what reading in random order finds).
A draw whose examples leave none of F to find is not counted (``draws_counted``).

``--feedback`` measures rounds of reading with ``--judged`` against one ranking read straight
down (fixed before it ran on the seed study: the same draws, k and counted sentences as
``--seeded``, rounds of ``FEEDBACK_BATCH`` = 10 sentences). Straight: the reading list of
``like_table`` for the k examples, read from the top. Rounds: the top 10 of the list are read and
judged by their gold label (coded F: yes, else no), ``like_table`` ranks the rest again with
those judgements, and so on. Both stop when half of F's counted sentences have been read;
the score is again that half over the number of sentences read. Copies count once here
(``copy_groups``; unlike ``--seeded``, which scores sentences): a copy of a sentence already
read is passed over unread in both readings, since the reader knows the text and in rounds
like.csv flags copies of an example. (A first version counted copies as sentences to find
while rounds ranked them last, which understated rounds; a reviewer caught it.) The base
rate is then the share of F among the counted copy groups. Written to
results/discover_nested/feedback_seed.csv.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from framing.discover.ablation import MIN_RECALL, ablation_pool
from framing.discover.clustering import unit_rows
from framing.discover.run import DEFAULT_ENCODER as ENCODER

OUT = Path("results/discover_nested")
FOLDS = 5


def separability(x: np.ndarray, truth: np.ndarray, groups: list[str]) -> dict:
    """Out-of-fold ROC AUC and best precision at recall >= MIN_RECALL of a logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import precision_recall_curve, roc_auc_score
    from sklearn.model_selection import GroupKFold, cross_val_predict

    model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    scores = cross_val_predict(
        model, x, truth, groups=groups, cv=GroupKFold(FOLDS), method="predict_proba"
    )[:, 1]
    precision, recall, _ = precision_recall_curve(truth, scores)
    return {
        "roc_auc": round(float(roc_auc_score(truth, scores)), 4),
        "precision_at_recall_0_5": round(float(precision[recall >= MIN_RECALL].max()), 4),
    }


def copy_group(record: dict) -> str:
    """The sentence's copy group (``dup_group``), else the sentence itself."""
    return str(record.get("dup_group") or record["sentence_id"])


def separability_table(records: list[dict], frames: list[str], embed) -> pd.DataFrame:
    rows = []
    for frame in frames:
        pool = ablation_pool(records, frame)
        truth = np.array([frame in r["frames"] for r in pool], dtype=bool)
        x = unit_rows(embed([r["text"] for r in pool]))
        found = separability(x, truth, [copy_group(r) for r in pool])
        rows.append({"removed_frame": frame, "pool": len(pool), "coded": int(truth.sum()), **found})
    return pd.DataFrame(rows)


SEEDED_K = (3, 5, 10)
SEEDED_DRAWS = 20


def seeded_table(records: list[dict], frames: list[str], embed) -> pd.DataFrame:
    from framing.discover.like import copies_of_examples, precision_at_half_recall, rank_like

    rows = []
    for frame in frames:
        pool = ablation_pool(records, frame)
        truth = np.array([frame in r["frames"] for r in pool], dtype=bool)
        table = pd.DataFrame(pool)
        x = unit_rows(embed([r["text"] for r in pool]))
        for k in SEEDED_K:
            rng = np.random.default_rng(0)
            found, base_rates = [], []
            for draw in range(SEEDED_DRAWS):
                examples = np.zeros(len(pool), dtype=bool)
                examples[rng.choice(np.flatnonzero(truth), size=k, replace=False)] = True
                scores = rank_like(x, examples, seed=draw)
                # what framing discover --like ranks last (copies) or not at all (examples)
                counted = ~(examples | copies_of_examples(table, examples))
                found.append(precision_at_half_recall(scores[counted], truth[counted]))
                base_rates.append(truth[counted].mean())
            kept = ~np.isnan(found)  # a draw whose examples leave nothing to find
            found = np.array(found)[kept]
            rows.append(
                {
                    "removed_frame": frame,
                    "pool": len(pool),
                    "coded": int(truth.sum()),
                    "examples": k,
                    "draws": SEEDED_DRAWS,
                    "draws_counted": int(kept.sum()),
                    "base_rate": round(float(np.mean(np.array(base_rates)[kept])), 4),
                    "median_precision": round(float(np.median(found)), 4),
                    "p10": round(float(np.quantile(found, 0.1)), 4),
                    "p90": round(float(np.quantile(found, 0.9)), 4),
                    "share_at_0_6": round(float(np.mean(found >= 0.6)), 4),
                }
            )
    return pd.DataFrame(rows)


FEEDBACK_BATCH = 10


def reading_order(table: pd.DataFrame, x: np.ndarray, examples, unlike, seed: int) -> np.ndarray:
    """Row numbers of the sentences still to read, in the order like.csv lists them."""
    from framing.discover.like import like_table

    listed = like_table(table, x, np.zeros(len(table), dtype=int), examples, seed, unlike)
    to_read = listed[listed["rank"].notna()]
    return table.index.get_indexer(to_read.sentence_id)


def copy_groups(table: pd.DataFrame) -> np.ndarray:
    """A number per row, shared by copies: the same ``dup_group`` or the same text up to case
    and spacing (``copies_of_examples``' rule), joined transitively."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from framing.discover.like import copy_text

    keys = [copy_text(table)]
    if "dup_group" in table.columns:
        keys.append(table["dup_group"])
    n = len(table)
    rows, cols = [], []
    for key in keys:
        first: dict[str, int] = {}
        for i, k in enumerate(key):
            if isinstance(k, str) and k:
                rows.append(i)
                cols.append(first.setdefault(k, i))
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def sentences_read(order_of, truth, counted, examples, batch: int | None, groups) -> float:
    """How many sentences are read until half of the counted ``truth`` sentences are found,
    copies counting once (``groups``: a copy group per row): one list read straight down
    (``batch`` None), or rounds of ``batch`` judged sentences with the list ranked again
    after each. A copy of a sentence already read is passed over unread, in both readings
    (the reader knows the text; in rounds the next like.csv flags copies of an example), and
    in rounds takes its own gold judgement. NaN when the list runs out first."""
    to_find = set(groups[truth & counted].tolist())
    needed = int(np.ceil(0.5 * len(to_find)))
    examples, unlike = examples.copy(), np.zeros(len(truth), dtype=bool)
    seen = set(groups[examples].tolist())
    found: set[int] = set()
    read = 0
    while True:
        try:
            order = order_of(examples, unlike)
        except ValueError:  # fewer than two sentences left to rank
            return float("nan")
        taken = 0
        for row in order:
            if batch is not None and taken == batch:
                break
            examples[row], unlike[row] = truth[row], not truth[row]
            if groups[row] in seen:
                continue  # a copy of one read: passed over
            seen.add(groups[row])
            read += 1
            taken += 1
            if groups[row] in to_find and truth[row]:
                found.add(groups[row])
            if len(found) >= needed:
                return float(read)
        if batch is None or taken < batch:
            return float("nan")


def feedback_table(records: list[dict], frames: list[str], embed) -> pd.DataFrame:
    from framing.discover.like import copies_of_examples

    rows = []
    for frame in frames:
        pool = ablation_pool(records, frame)
        truth = np.array([frame in r["frames"] for r in pool], dtype=bool)
        table = pd.DataFrame(pool).assign(sentence_id=lambda t: t.sentence_id.astype(str))
        table = table.set_index(table.sentence_id, drop=False)
        for column in ("article_id", "outlet"):
            if column not in table:
                table[column] = ""
        x = unit_rows(embed([r["text"] for r in pool]))
        groups = copy_groups(table)
        for k in SEEDED_K:
            rng = np.random.default_rng(0)  # the draws of --seeded
            straight, rounds, base_rates = [], [], []
            for draw in range(SEEDED_DRAWS):
                examples = np.zeros(len(pool), dtype=bool)
                examples[rng.choice(np.flatnonzero(truth), size=k, replace=False)] = True
                counted = ~(examples | copies_of_examples(table, examples))
                needed = int(np.ceil(0.5 * len(set(groups[truth & counted].tolist()))))
                if needed == 0:
                    continue
                order_of = partial(reading_order, table, x, seed=draw)
                for reading, batch in ((straight, None), (rounds, FEEDBACK_BATCH)):
                    reading.append(
                        needed / sentences_read(order_of, truth, counted, examples, batch, groups)
                    )
                to_find = set(groups[truth & counted].tolist())
                base_rates.append(len(to_find) / len(set(groups[counted].tolist())))
            straight, rounds = np.array(straight), np.array(rounds)
            rows.append(
                {
                    "removed_frame": frame,
                    "pool": len(pool),
                    "coded": int(truth.sum()),
                    "examples": k,
                    "batch": FEEDBACK_BATCH,
                    "draws": SEEDED_DRAWS,
                    "draws_counted": len(straight),
                    "base_rate": round(float(np.mean(base_rates)), 4),
                    "straight_median": round(float(np.nanmedian(straight)), 4),
                    "rounds_median": round(float(np.nanmedian(rounds)), 4),
                    "rounds_p10": round(float(np.nanquantile(rounds, 0.1)), 4),
                    "rounds_p90": round(float(np.nanquantile(rounds, 0.9)), 4),
                    "rounds_better": int(np.sum(rounds > straight)),
                    "rounds_worse": int(np.sum(rounds < straight)),
                }
            )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from experiments.discover_adapted import ablation_records
    from framing.models.encoders import EmbeddingCache

    parser = argparse.ArgumentParser(prog="python -m experiments.discover_separability")
    parser.add_argument("--dev", action="store_true", help="the invented development set")
    measure = parser.add_mutually_exclusive_group()
    measure.add_argument("--seeded", action="store_true", help="framing discover --like")
    measure.add_argument("--feedback", action="store_true", help="rounds with --judged")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    records, frames = ablation_records(args.dev)
    name = "dev" if args.dev else "seed"
    embed = EmbeddingCache(ENCODER).embed
    OUT.mkdir(parents=True, exist_ok=True)
    if args.seeded:
        table = seeded_table(records, frames, embed)
        table.to_csv(OUT / f"seeded_{name}.csv", index=False)
    elif args.feedback:
        table = feedback_table(records, frames, embed)
        table.to_csv(OUT / f"feedback_{name}.csv", index=False)
    else:
        table = separability_table(records, frames, embed)
        table.to_csv(OUT / f"separability_{name}.csv", index=False)
    print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
