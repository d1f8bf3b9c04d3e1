"""What a reader needs to judge a cluster: its size and outlets, the terms that set it apart
(keyness against the other clusters, ``framing.coding.cues``), its most central sentences,
and how it sits against the codebook's frames (cosine similarity of its centroid to each
frame definition's embedding; the share of its sentences a checkpoint gave each frame)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from framing.coding.cues import keyness_table, term_counts
from framing.discover.clustering import centroids, unit_rows

NO_FRAME_COLUMN = "sim:(no frame)"


def cluster_terms(texts: list[str], labels: np.ndarray, top: int) -> dict[int, list[str]]:
    """The ``top`` terms of each cluster by log-odds z against every other sentence."""
    counts, terms = term_counts(texts, ngram_max=2, min_count=2)
    groups = {int(c): labels == c for c in np.unique(labels)}
    table = keyness_table(counts, terms, groups, top=top)
    found = {c: [] for c in groups}
    for row in table.itertuples():
        if row.z > 0:
            found[int(row.group)].append(row.term)
    return found


def describe_clusters(
    table: pd.DataFrame,
    embeddings: np.ndarray,
    labels: np.ndarray,
    definitions: dict[str, np.ndarray],
    frames_predicted: list[str],
    top_terms: int = 10,
    central: int = 3,
    space: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(clusters table, outlet shares table, each sentence's cosine to its centroid).

    ``definitions``: frame name (and "(no frame)" for the schema's no-frame text) -> unit
    embedding of its definition. ``space``: the rows the clusters were formed in, when not
    the unit embeddings (``clustering_space``); centrality and cohesion are measured there,
    the cosines to the definitions in the embeddings' own space."""
    x = unit_rows(embeddings)
    k = int(labels.max()) + 1
    centres = centroids(x, labels, k)
    formed = x if space is None else space
    formed_centres = centres if space is None else centroids(space, labels, k)
    to_centroid = np.einsum("ij,ij->i", formed, formed_centres[labels])
    # "||" separates the central sentences in clusters.csv: a text's own is shortened to "|"
    texts = [t.replace("||", "|") for t in table["text"].astype(str)]
    ids = table["sentence_id"].astype(str).tolist()
    terms = cluster_terms(texts, labels, top_terms)
    sims = {name: centres @ vector for name, vector in definitions.items()}
    outlet_totals = table["outlet"].value_counts()
    rows, outlet_rows = [], []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        part = table.iloc[members]
        shown = most_central_texts(members, to_centroid, texts, central)
        outlets = part["outlet"].value_counts()
        row = {
            "cluster": c,
            "size": len(members),
            "share": len(members) / len(table),
            "top_terms": "; ".join(terms.get(c, [])),
            "outlets": "; ".join(f"{o} {n / len(members):.0%}" for o, n in outlets.items()),
            "central_sentences": " || ".join(texts[i] for i in shown),
            # the ids to give `--like` when a cluster looks like a frame worth coding; a JSON
            # list, as an id may hold any character
            "central_sentence_ids": json.dumps([ids[i] for i in shown], ensure_ascii=False),
            "cohesion": float(to_centroid[members].mean()),
        }
        row |= against_frames({name: float(sim[c]) for name, sim in sims.items()})
        row |= predicted_shares(part, frames_predicted)
        rows.append(row)
        for outlet, n in outlets.items():
            outlet_rows.append(
                {
                    "cluster": c,
                    "outlet": outlet,
                    "sentences": int(n),
                    "share_of_cluster": n / len(members),
                    "share_of_outlet": n / int(outlet_totals[outlet]),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(outlet_rows), to_centroid


def most_central_texts(members, to_centroid, texts: list[str], central: int) -> list[int]:
    """Row numbers of the ``central`` most central distinct texts among ``members`` (a copy
    printed by three outlets is shown once)."""
    order = members[np.argsort(-to_centroid[members], kind="stable")]
    shown, seen = [], set()
    for i in order:
        if texts[i] not in seen:
            seen.add(texts[i])
            shown.append(i)
        if len(shown) == central:
            break
    return shown


def against_frames(similarity: dict[str, float]) -> dict:
    """A cluster against the codebook: its nearest frame definition (never the no-frame text)
    and its cosine to every definition, by ``similarity`` (name -> cosine of the centroid)."""
    row = {}
    frame_names = [name for name in similarity if name != "(no frame)"]
    if frame_names:
        best = max(frame_names, key=lambda name: similarity[name])
        row["nearest_frame"] = best
        row["nearest_frame_similarity"] = similarity[best]
    for name, value in similarity.items():
        row[NO_FRAME_COLUMN if name == "(no frame)" else f"sim:{name}"] = value
    return row


def predicted_shares(part: pd.DataFrame, frames_predicted: list[str]) -> dict:
    """The share of a cluster's sentences the checkpoints gave each frame, and their mean
    probability where the predictions have it."""
    row = {}
    for frame in frames_predicted:
        row[f"predicted:{frame}"] = float(part[f"pred:{frame}"].fillna(0).mean())
        if f"proba:{frame}" in part.columns:
            row[f"mean_proba:{frame}"] = float(part[f"proba:{frame}"].mean())
    return row


def clusters_markdown(clusters: pd.DataFrame, report: dict) -> str:
    lines = [
        "# Clusters of sentences (candidate frames to read, not frames)",
        "",
        f"Input: `{report['input']['file']}`, {report['input']['selection']}. Encoder "
        f"`{report['encoder']['name']}`; Ward clustering into {report['n_clusters']} clusters "
        f"(seed {report['settings']['seed']}). Terms: log-odds with an informative Dirichlet "
        "prior, each cluster against the other sentences. Nearest frame: the frame definition "
        "closest to the cluster's centroid (cosine); a low similarity means no frame of the "
        "codebook is near.",
    ]
    for note in report.get("notes", []):
        lines.append(f"\n- note: {note}")
    for r in clusters.to_dict("records"):
        lines += [
            "",
            f"## Cluster {r['cluster']}: {r['size']} sentences ({r['share']:.0%})",
            "",
            f"- **terms:** {r['top_terms'] or '(none stands out)'}",
            f"- **outlets (share of this cluster):** {r['outlets']}",
        ]
        if "nearest_frame" in r:
            line = (
                f"- **nearest frame:** {r['nearest_frame']} (cosine "
                f"{r['nearest_frame_similarity']:.2f})"
            )
            if NO_FRAME_COLUMN in r:
                line += f"; the study's no-frame text: {r[NO_FRAME_COLUMN]:.2f}"
                if r[NO_FRAME_COLUMN] > r["nearest_frame_similarity"]:
                    line += " (closer to the no-frame text than to any frame)"
            lines.append(line)
        predicted = {k[10:]: v for k, v in r.items() if k.startswith("predicted:")}
        if predicted and not any(predicted.values()):
            # the default input: sentences chosen for having no predicted frame
            lines.append("- **predicted frames:** none")
        elif predicted:
            lines.append(
                "- **predicted frames:** "
                + ", ".join(f"{name} {share:.0%}" for name, share in predicted.items())
            )
        lines.append("- **most central sentences** (id: text; ids for `--like`):")
        central = zip(
            json.loads(r["central_sentence_ids"]), r["central_sentences"].split(" || "), strict=True
        )
        lines += [f"  - `{i}`: {s}" for i, s in central]
    return "\n".join(lines) + "\n"
