"""The codebook a family reads: each label's description and cue words.

Families that read the codebook (lexicon, zero-shot) take it as a constructor parameter in
either form, so a Hydra config can hand them the study's schema directly
(``codebook: ${study.schema}``):

- a label schema mapping (``name``, ``frames``, ``stance``, optional ``no_frame``), as in a
  study config; or
- a mapping label -> {"description": ..., "cues": [...]} (a bare list of cues is accepted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from framing.data.schema import LabelSchema
from framing.errors import FramingInputError


def is_schema(codebook: Any) -> bool:
    return isinstance(codebook, Mapping) and "frames" in codebook and "stance" in codebook


def entry_cues(entry: Any) -> list[str]:
    """Cues of one codebook entry: {"cues": [...]} or a bare list, lowercased and spaced."""
    raw = entry.get("cues") if isinstance(entry, Mapping) else entry
    return [" ".join(str(c).lower().split()) for c in (raw or []) if str(c).strip()]


def codebook_entries(codebook: Any) -> dict[str, dict[str, Any]] | None:
    """{label: {"description", "cues"}} from either form (None stays None)."""
    if codebook is None:
        return None
    if is_schema(codebook):
        codebook = LabelSchema.from_dict(codebook, source="codebook").codebook()
    if not isinstance(codebook, Mapping):
        return codebook
    return {
        str(name): {
            "description": str(entry.get("description") or "")
            if isinstance(entry, Mapping)
            else "",
            "cues": entry_cues(entry),
        }
        for name, entry in codebook.items()
    }


def required_entries(codebook: Any, needs: str, entry: str) -> dict[str, dict[str, Any]]:
    """``codebook_entries`` for a family that cannot work without a codebook: one error naming
    ``model.codebook`` when there is none. ``needs``: the error, e.g. "the lexicon model needs
    a codebook of cue words"; ``entry``: what an entry must hold for it (the fix shows it)."""
    entries = codebook_entries(codebook)
    if not entries or not isinstance(entries, Mapping):
        raise FramingInputError(
            needs,
            field="codebook",
            fix="pass the study's label schema (the model configs do: codebook: "
            f"${{study.schema}}) or a mapping label -> {entry}",
        )
    return entries


def no_frame_description(codebook: Any) -> str:
    """The schema's description of a sentence with no frame ('' when it has none)."""
    return str(codebook.get("no_frame") or "") if is_schema(codebook) else ""
