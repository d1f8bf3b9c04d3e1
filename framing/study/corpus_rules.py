"""Which cleaning rules a command that reads articles uses: the one place that decides.

In order: a rules file given on the command line (``framing corpus --rules FILE``: the package
rules with its overrides); else the study's rules (the package rules with the study's
``corpus:`` overrides: its labelled set was split with them), the study being the one given
or the one found from the working directory (``FRAMING_STUDY``, or a folder above holding
``conf/study.yaml``); else the package's default rules — and then a note says so, because
sentence ids and units can differ from the study's (``RulesChoice.note``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from framing.corpus.rules import DEFAULT_RULES, CorpusRules
from framing.errors import FramingInputError
from framing.study import Study, find_study_root, load_study, resolve_path

NO_STUDY_NOTE = (
    "no study folder here (no conf/study.yaml at or above the working directory, no "
    f"FRAMING_STUDY): cleaning with the package's default rules (framing/conf/{DEFAULT_RULES}), "
    "not a study's corpus: overrides; run inside the study folder to use its rules"
)


@dataclass(frozen=True)
class RulesChoice:
    rules: CorpusRules
    #: the study folder whose rules apply (None: a rules file, or the package defaults)
    study: Path | None
    #: one line for the user when no study's rules apply ("" otherwise)
    note: str = ""


def choose_corpus_rules(
    study=None, *, rules_file: str | os.PathLike | None = None, search: bool = True
) -> RulesChoice:
    """The cleaning rules (module docstring). ``study``: a ``Study``, or the path of a study
    folder; ``search=False``: do not look for a study from the working directory (a Hydra
    command has already composed its study, or found none)."""
    from omegaconf import OmegaConf

    if rules_file:
        path = resolve_path(rules_file)
        if not path.is_file():
            raise FramingInputError("no such rules file", file=path, field="--rules")
        overrides = OmegaConf.to_container(OmegaConf.load(path))
        return RulesChoice(CorpusRules.with_overrides(overrides or {}, str(path)), None)
    if study is not None and not isinstance(study, Study):
        study = load_study(study)
    if study is None and search:
        root = find_study_root()
        study = load_study(root) if root is not None else None
    if study is None:
        return RulesChoice(CorpusRules.with_overrides({}), None, NO_STUDY_NOTE)
    return RulesChoice(study.corpus_rules(), study.root)
