"""Classifier families: the registry. Each is a ``model=`` choice with a config in
``framing/conf/model/``; the estimator base every family shares is ``framing.models.base``.

``FAMILIES`` maps the family name to "module:Class" so that importing this package never
imports scikit-learn or torch (the figures and the run tables need only the names and their
order); ``family_class`` imports only the family asked for.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable
from typing import TYPE_CHECKING

from framing.distribution import install_command
from framing.errors import FramingInputError

if TYPE_CHECKING:
    from framing.models.base import FramingClassifier

FAMILIES: dict[str, str] = {
    "majority": "framing.models.majority:MajorityClassifier",
    "lexicon": "framing.models.lexicon:LexiconClassifier",
    "tfidf_lr": "framing.models.tfidf:TfidfLogisticClassifier",
    "tfidf_svm": "framing.models.tfidf:TfidfSVMClassifier",
    "embedding_lr": "framing.models.embedding:EmbeddingLogisticClassifier",
    "setfit": "framing.models.setfit_model:SetFitClassifier",
    "finetune": "framing.models.finetune:FineTunedTransformerClassifier",
    "zeroshot": "framing.models.zeroshot:ZeroShotClassifier",
    "cues_embedding_lr": "framing.models.cue_embedding:CueEmbeddingLogisticClassifier",
    "definition_pairs": "framing.models.definition_pairs:DefinitionPairClassifier",
}


def family_order(names: Iterable[str]) -> list[str]:
    """Family names in the one order every table and figure uses: the registry's (baselines,
    then the scikit-learn families, then the encoder families), names it does not know last,
    alphabetically."""
    position = {name: i for i, name in enumerate(FAMILIES)}
    return sorted(dict.fromkeys(names), key=lambda m: (position.get(m, len(position)), m))


#: families that need an optional extra of the install (pip install "framing-toolkit[EXTRA]")
EXTRAS: dict[str, str] = {
    "embedding_lr": "transformers",
    "setfit": "transformers",
    "finetune": "transformers",
    "zeroshot": "transformers",
    "cues_embedding_lr": "transformers",
    "definition_pairs": "transformers",
}
#: the import that tells whether an extra is installed
EXTRA_PROBES: dict[str, str] = {
    "transformers": "sentence_transformers",
    "slurm": "hydra_plugins.hydra_submitit_launcher",
    # the dev tools: tests checking our code against a reference implementation (ppi-python)
    "dev": "ppi_py",
    "html": "trafilatura",
    "labelstudio": "label_studio_sdk",
}


def extra_installed(extra: str) -> bool:
    """Whether an optional extra's packages can be imported (checked without importing)."""
    try:
        return importlib.util.find_spec(EXTRA_PROBES[extra]) is not None
    except ModuleNotFoundError:
        return False


def require_extra(family: str) -> None:
    """A clear error when a family's optional dependencies are not installed."""
    extra = EXTRAS.get(family)
    if extra and not extra_installed(extra):
        raise FramingInputError(
            f"model family '{family}' needs the optional [{extra}] dependencies",
            field="model",
            fix=install_command(extra),
        )


def family_class(family: str) -> type[FramingClassifier]:
    if family not in FAMILIES:
        raise FramingInputError(
            f"unknown model family '{family}'",
            field="model",
            fix=f"valid choices: {', '.join(FAMILIES)}",
        )
    require_extra(family)
    module, cls = FAMILIES[family].split(":")
    return getattr(importlib.import_module(module), cls)


__all__ = [
    "EXTRAS",
    "FAMILIES",
    "extra_installed",
    "family_class",
    "family_order",
    "require_extra",
]
