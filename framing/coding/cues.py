"""Words and phrases that distinguish a group of sentences: keyness by the log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", section 3.5.3).

For a group A (the sentences of one frame, one stance class, one discovered cluster) against
the rest B, with y the term counts, n the token totals and alpha the prior:

    delta_w = log((y_Aw + a_w) / (n_A + a_0 - y_Aw - a_w))
              - log((y_Bw + a_w) / (n_B + a_0 - y_Bw - a_w))
    var(delta_w) ~= 1 / (y_Aw + a_w) + 1 / (y_Bw + a_w),    z_w = delta_w / sqrt(var)

The prior is informative: a_w = prior_strength * a_0 share of term w in the whole corpus (A
and B together), with a_0 = the corpus's token total (prior_strength = 1 weighs the prior like
the data). It shrinks the log-odds of rare terms toward zero, so a word seen twice in a group
does not top the list, and frequent function words get small z-scores without a stop list.

``codebook_cues`` marks each term as a cue of its label already, a cue of another label, or
new. The table is for reading against the codebook; nothing here changes a cue list.

(The PyPI packages ``fightin-words`` (2019, unmaintained) and ``logodds`` (plain dicts) were
looked at; the formula is a few lines of NumPy over scikit-learn's CountVectorizer, which also
gives the n-grams.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from framing.data.labelled import read_labelled_records
from framing.errors import FramingInputError
from framing.io import shareable_path
from framing.models.lexicon import cue_pattern
from framing.outputs import Kind, output_folder

#: words: letters first, then letters, digits, apostrophes or hyphens ("long-standing")
TOKEN_PATTERN = r"(?u)\b[^\W\d_][\w'’-]*\b"
#: |z| above this is marked significant (two-sided 95%); the tables list the top terms anyway
Z_SIGNIFICANT = 1.96


def term_counts(texts: Sequence[str], ngram_max: int = 2, min_count: int = 2):
    """(sparse sentence x term counts, terms): lower-cased words and phrases of up to
    ``ngram_max`` words seen at least ``min_count`` times in the corpus."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(
        lowercase=True, token_pattern=TOKEN_PATTERN, ngram_range=(1, ngram_max)
    )
    try:
        counts = vectorizer.fit_transform(list(texts)).tocsc()
    except ValueError:  # no word at all in the texts
        return None, np.array([], dtype=object)
    totals = np.asarray(counts.sum(axis=0)).ravel()
    keep = np.flatnonzero(totals >= min_count)
    return counts[:, keep].tocsr(), vectorizer.get_feature_names_out()[keep]


def log_odds_dirichlet(
    y_a: np.ndarray, y_b: np.ndarray, prior_strength: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """(delta, z) per term for counts ``y_a`` (the group) against ``y_b`` (the rest)."""
    y_a = np.asarray(y_a, dtype=float)
    y_b = np.asarray(y_b, dtype=float)
    corpus = y_a + y_b
    a0 = prior_strength * corpus.sum()
    alpha = a0 * corpus / max(corpus.sum(), 1.0)
    n_a, n_b = y_a.sum(), y_b.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a = np.log(y_a + alpha) - np.log(n_a + a0 - y_a - alpha)
        log_b = np.log(y_b + alpha) - np.log(n_b + a0 - y_b - alpha)
        delta = log_a - log_b
        z = delta / np.sqrt(1.0 / (y_a + alpha) + 1.0 / (y_b + alpha))
    return np.nan_to_num(delta), np.nan_to_num(z)


def keyness_table(
    counts,
    terms: np.ndarray,
    groups: dict[str, np.ndarray],
    top: int | None = 20,
    prior_strength: float = 1.0,
) -> pd.DataFrame:
    """For each group (name -> boolean mask over the rows of ``counts``): its terms by z,
    highest first (``top`` per group; None: all). Columns: group, rank, term, n_group, n_rest,
    log_odds, z, significant."""
    rows = []
    if counts is None or not len(terms):
        return pd.DataFrame(
            columns=["group", "rank", "term", "n_group", "n_rest", "log_odds", "z", "significant"]
        )
    per_term = np.asarray(counts.sum(axis=0)).ravel()
    for name, mask in groups.items():
        mask = np.asarray(mask, dtype=bool)
        y_a = np.asarray(counts[mask].sum(axis=0)).ravel()
        y_b = per_term - y_a
        delta, z = log_odds_dirichlet(y_a, y_b, prior_strength)
        order = [i for i in np.argsort(-z, kind="stable") if y_a[i] > 0]
        for rank, i in enumerate(order[:top] if top else order, start=1):
            rows.append(
                {
                    "group": name,
                    "rank": rank,
                    "term": str(terms[i]),
                    "n_group": int(y_a[i]),
                    "n_rest": int(y_b[i]),
                    "log_odds": float(delta[i]),
                    "z": float(z[i]),
                    "significant": bool(z[i] > Z_SIGNIFICANT),
                }
            )
    return pd.DataFrame(rows)


def codebook_status(term: str, label: str, cues: dict[str, Sequence[str]]) -> tuple[str, str]:
    """("cue" | "cue of another label" | "new", the matching cues) for a term, by the lexicon's
    rule (a cue matches at a word start as a prefix: "diversif" matches "diversification")."""
    own = [c for c in cues.get(label, ()) if cue_pattern(c).search(term)]
    if own:
        return "cue", "; ".join(own)
    other = [
        f"{name}:{c}"
        for name, listed in cues.items()
        if name != label
        for c in listed
        if cue_pattern(c).search(term)
    ]
    return ("cue of another label", "; ".join(other)) if other else ("new", "")


# ---------------------------------------------------------------------------- the gold set
def gold_cue_table(
    records: list[dict],
    schema,
    top: int = 20,
    ngram_max: int = 2,
    min_count: int = 2,
    prior_strength: float = 1.0,
) -> pd.DataFrame:
    """Keyness of every frame and stance class of the gold set against the rest of it, each
    term marked against the schema's cue words. Columns: task, label, n_sentences, rank, term,
    n_label, n_rest, log_odds, z, significant, codebook, matching_cues.

    A duplicate group (syndicated or repeated copies of one sentence) counts once: a copy
    printed by three outlets is one piece of evidence, not three."""
    seen: set[str] = set()
    kept = []
    for r in records:
        group = r.get("dup_group") or r["sentence_id"]
        if group not in seen:
            seen.add(group)
            kept.append(r)
    records = kept
    texts = [r["text"] for r in records]
    counts, terms = term_counts(texts, ngram_max, min_count)
    if len(terms) == 0:  # the cause is the threshold or wordless text, not the labels
        if min_count > 1:
            raise FramingInputError(
                f"no word or phrase of up to {ngram_max} words occurs at least {min_count} "
                f"times in the gold set's {len(records)} sentences (copies count once); lower "
                "--min-count"
            )
        raise FramingInputError(f"the gold set's {len(records)} sentences have no words")
    parts = []
    for task in ("frames", "stance"):
        labels = schema.labels(task)
        if schema.is_multi_label(task):
            masks = {lab: np.array([lab in r[task] for r in records]) for lab in labels}
        else:
            masks = {lab: np.array([r[task] == lab for r in records]) for lab in labels}
        masks = {lab: m for lab, m in masks.items() if m.any() and not m.all()}
        table = keyness_table(counts, terms, masks, top, prior_strength)
        if table.empty:
            continue
        cues = {d.name: list(d.cues) for d in schema.definitions(task).values()}
        status = [codebook_status(t, g, cues) for t, g in zip(table.term, table.group, strict=True)]
        table["codebook"] = [s[0] for s in status]
        table["matching_cues"] = [s[1] for s in status]
        table.insert(0, "task", task)
        table.insert(
            2, "n_sentences", table["group"].map({k: int(m.sum()) for k, m in masks.items()})
        )
        parts.append(table)
    if not parts:
        raise FramingInputError("no label of the gold set has sentences to compare")
    out = pd.concat(parts, ignore_index=True).rename(
        columns={"group": "label", "n_group": "n_label"}
    )
    return out


def cue_markdown(table: pd.DataFrame, source: str, settings: dict) -> str:
    lines = [
        "# Words that distinguish each label (suggestions, never applied)",
        "",
        f"Gold set: `{source}`. Log-odds ratio with an informative Dirichlet prior (Monroe, "
        f"Colaresi & Quinn 2008), each label against the other sentences; terms of 1 to "
        f"{settings['ngram_max']} words seen at least {settings['min_count']} times (each "
        f"duplicate group once); prior "
        f"strength {settings['prior_strength']}. z > {Z_SIGNIFICANT} is marked *. "
        "**codebook**: `cue` already among the label's cue words, `other` a cue of another "
        "label, `NEW` not in the codebook. Read the sentences before adding a cue: a word "
        "that separates labels in this gold set may be an accident of its few stories.",
    ]
    mark = {"cue": "cue", "cue of another label": "other", "new": "NEW"}
    for (task, label), part in table.groupby(["task", "label"], sort=False):
        lines += [
            "",
            f"## {task}: {label} ({int(part.n_sentences.iloc[0])} sentences)",
            "",
            "| rank | term | in label | in rest | log-odds | z | codebook |",
            "|---:|---|---:|---:|---:|---:|---|",
        ]
        for r in part.itertuples():
            star = "*" if r.significant else ""
            lines.append(
                f"| {r.rank} | {r.term} | {r.n_label} | {r.n_rest} | {r.log_odds:.2f} | "
                f"{r.z:.2f}{star} | {mark[r.codebook]} |"
            )
    return "\n".join(lines) + "\n"


CUES_FILES = ("cues.csv", "cues.md")


def write_cue_suggestions(
    gold: str | Path,
    schema,
    out: str | Path,
    top: int = 20,
    ngram_max: int = 2,
    min_count: int = 2,
    prior_strength: float = 1.0,
    root: str | Path | None = None,
) -> pd.DataFrame:
    """``framing coding cues``: read the gold set, write OUT/cues.csv and OUT/cues.md.

    ``root`` (the study folder): cues.md names the gold set relative to it, never by one
    machine's absolute path."""
    if top < 1 or ngram_max < 1 or min_count < 1 or not 0 < prior_strength < math.inf:
        raise FramingInputError(
            "--top, --ngrams and --min-count must be at least 1 and --prior above 0 and finite"
        )
    if Path(gold).is_dir():
        raise FramingInputError("is a folder; the gold set is a file", file=gold, field="--gold")
    records = read_labelled_records(gold, schema)
    table = gold_cue_table(records, schema, top, ngram_max, min_count, prior_strength)
    settings = {"ngram_max": ngram_max, "min_count": min_count, "prior_strength": prior_strength}
    with output_folder(out, Kind.CUES, inputs=[gold]) as tmp:
        table.to_csv(tmp / "cues.csv", index=False, float_format="%.4f")
        (tmp / "cues.md").write_text(
            cue_markdown(table, shareable_path(gold, root), settings), encoding="utf-8"
        )
    return table


def read_cue_suggestions(folder: str | Path) -> pd.DataFrame:
    """The table a study report includes (``cues.csv`` of ``framing coding cues``)."""
    return pd.read_csv(Path(folder) / "cues.csv")
