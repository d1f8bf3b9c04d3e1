"""What ``framing discover`` clusters, checked before anything is embedded:

- the ``predictions.csv`` (or ``.parquet``) of ``framing predict``: by default only the
  sentences no frame was predicted for (every ``pred:FRAME`` of the study's frames is 0);
  ``every_sentence`` takes them all. Its ``pred:`` / ``proba:`` columns are kept for the
  overlap with the frames;
- a sentence file: the JSONL of ``framing corpus --out`` or a CSV with the same columns
  (sentence_id, article_id, text; outlet, language optional): every sentence.

Then the language: a corpus mostly in another language than the study's is refused (the
encoder and the terms would describe it badly), a small share of it is a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from framing.corpus.language import UNDETERMINED, detect_language
from framing.data.tables import read_table_chunks
from framing.errors import FramingInputError
from framing.io import read_jsonl

NEEDED = ("sentence_id", "article_id", "text")
TEXT_COLUMNS = (*NEEDED, "outlet", "language", "kind", "dup_group")
#: above this share of sentences in another language the corpus is refused, above the note
#: share it is said in the report
LANGUAGE_REFUSE_SHARE = 0.5
LANGUAGE_NOTE_SHARE = 0.05


@dataclass
class DiscoveryInput:
    path: Path
    kind: str  # "predictions" | "sentences"
    table: pd.DataFrame  # the sentences to cluster: keys, outlet, text (+ pred:/proba:)
    n_read: int  # sentences in the file
    selection: str  # what was kept, in words
    frames_predicted: list[str] = field(default_factory=list)  # frames with pred: columns
    notes: list[str] = field(default_factory=list)
    language: dict = field(default_factory=dict)


def line_of(path: Path, row: int) -> int:
    """The file line of table row ``row``: JSONL lines and CSV data rows are both 1-based, and
    a CSV's header is line 1."""
    return row + (2 if path.suffix.lower() == ".csv" else 1)


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise FramingInputError("no such file", file=path)
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        rows = [record for _, record in read_jsonl(path)]
        table = pd.DataFrame(rows)
    elif suffix == ".parquet":  # framing predict format=parquet: numbers as numbers
        chunks = list(read_table_chunks(path, None, TEXT_COLUMNS))
        table = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    elif suffix == ".csv":
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        except UnicodeDecodeError:
            raise FramingInputError("is not valid UTF-8", file=path) from None
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            raise FramingInputError(f"is not a readable CSV ({err})", file=path) from None
    else:
        raise FramingInputError(
            f"unsupported file type '{path.suffix}'",
            file=path,
            fix="give the predictions.csv / .parquet of framing predict or the .jsonl of "
            "framing corpus --out",
        )
    if table.empty:
        raise FramingInputError("holds no sentences", file=path)
    missing = [k for k in NEEDED if k not in table.columns]
    if missing:
        raise FramingInputError(f"has no '{missing[0]}' column", file=path, field=missing[0])
    for key in NEEDED:
        values = table[key].astype(str).str.strip()
        empty = values.eq("") | table[key].isna()
        if empty.any():
            row = int(empty.to_numpy().argmax())
            raise FramingInputError(
                "missing or empty", file=path, line=line_of(path, row), field=key
            )
    # a number where the text belongs (a JSONL file) would be embedded as its digits
    not_text = ~table["text"].map(lambda v: isinstance(v, str))
    if not_text.any():
        row = int(not_text.to_numpy().argmax())
        raise FramingInputError(
            f"must be text, got {table['text'].iloc[row]!r}",
            file=path,
            line=line_of(path, row),
            field="text",
        )
    # ids are compared as stripped text from here on (--like, --judged, sentences.csv), so
    # 0 and "0", or "s1" and " s1", are the same id
    table["sentence_id"] = table["sentence_id"].map(id_text).str.strip()
    repeated = table["sentence_id"].duplicated()
    if repeated.any():
        row = int(repeated.to_numpy().argmax())
        raise FramingInputError(
            f"duplicate sentence_id '{table['sentence_id'].iloc[row]}'",
            file=path,
            line=line_of(path, row),
            field="sentence_id",
        )
    if "outlet" not in table.columns:
        table["outlet"] = "unknown"
    table["outlet"] = table["outlet"].fillna("unknown").astype(str).replace("", "unknown")
    return table.reset_index(drop=True)


def id_text(value) -> str:
    """An id as text; a whole number that pandas read as a float (a JSONL column mixing 1
    and 1.5) keeps its integer form, so ``--like 1`` still finds it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_discovery_input(
    path: str | Path, schema, every_sentence: bool = False, languages: list[str] | None = None
) -> DiscoveryInput:
    path = Path(path)
    table = _read_table(path)
    n_read = len(table)
    frames = [f for f in schema.frame_names if f"pred:{f}" in table.columns]
    foreign = [
        c.removeprefix("pred:")
        for c in table.columns
        if c.startswith("pred:")
        and c.removeprefix("pred:") not in set(schema.frame_names) | set(schema.stance_names)
    ]
    if foreign:
        raise FramingInputError(
            f"predicts labels {foreign} that the study's schema '{schema.name}' does not have",
            file=path,
            field=f"pred:{foreign[0]}",
            fix="run framing discover inside the study whose checkpoints made these predictions",
        )
    kind = "predictions" if any(c.startswith("pred:") for c in table.columns) else "sentences"
    for column in [c for c in table.columns if c.startswith(("pred:", "proba:"))]:
        table[column] = numeric_column(table[column], path, column)
    if kind == "predictions" and not every_sentence:
        if not frames:
            raise FramingInputError(
                "has no pred:FRAME column, so no sentence can be told to lack a frame",
                file=path,
                fix="predict with a frames checkpoint, or add --all to cluster every sentence",
            )
        framed = table[[f"pred:{f}" for f in frames]].fillna(0).sum(axis=1) > 0
        table = table[~framed].reset_index(drop=True)
        selection = f"sentences without a predicted frame ({len(table)} of {n_read})"
    else:
        selection = f"every sentence ({n_read})"
    found = DiscoveryInput(path, kind, table, n_read, selection, frames)
    if languages:
        check_language(found, languages)
    return found


def numeric_column(values: pd.Series, path: Path, column: str) -> pd.Series:
    """``values`` as numbers; empty cells are missing, any other text (a "yes" where 1
    belongs) is one error naming the line, not a silent 0."""
    numbers = pd.to_numeric(values, errors="coerce")
    blank = values.isna() | values.astype(str).str.strip().str.lower().isin(["", "nan"])
    wrong = numbers.isna() & ~blank
    if wrong.any():
        row = int(wrong.to_numpy().argmax())
        raise FramingInputError(
            f"must be a number, got {values.iloc[row]!r}",
            file=path,
            line=line_of(path, row),
            field=column,
        )
    return numbers


def check_language(found: DiscoveryInput, languages: list[str]) -> None:
    """Refuse a corpus mostly in another language than the study's; note a small share. The
    language is the file's ``language`` field (framing corpus writes it per article) or, when
    absent, py3langid on each article's sentences joined."""
    table = found.table
    if "language" in table.columns and table["language"].astype(str).str.len().gt(0).all():
        per_sentence = table["language"].astype(str)
        how = "the file's language field"
    else:
        joined = table.groupby("article_id", sort=False)["text"].agg(lambda t: " ".join(t)[:1000])
        detected = {aid: detect_language(text)[0] for aid, text in joined.items()}
        per_sentence = table["article_id"].map(detected)
        how = "py3langid on each article's sentences"
    other = ~per_sentence.isin([*languages, UNDETERMINED])
    share = float(other.mean()) if len(table) else 0.0
    counts = per_sentence.value_counts().to_dict()
    found.language = {
        "study_languages": list(languages),
        "sentences_by_language": {str(k): int(v) for k, v in counts.items()},
        "other_language_share": round(share, 4),
        "detected_by": how,
    }
    if share > LANGUAGE_REFUSE_SHARE:
        top = per_sentence[other].value_counts().index[0]
        raise FramingInputError(
            f"{share:.0%} of the sentences are in another language than the study's "
            f"({', '.join(languages)}), mostly '{top}' ({how})",
            file=found.path,
            fix="discover within a corpus in the study's language, or set language: in "
            "conf/study.yaml and an encoder for that language",
        )
    if share > LANGUAGE_NOTE_SHARE:
        found.notes.append(
            f"{share:.1%} of the sentences are in another language than the study's; they may "
            "form clusters of their own"
        )
