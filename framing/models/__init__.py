"""Classifier families. Each is a ``model=`` choice with a config in ``conf/model/``.

``FAMILIES`` maps the family name to "module:Class" so that importing this package never
imports torch; ``family_class`` imports only the family asked for.
"""

from __future__ import annotations

import importlib

from framing.errors import FramingInputError
from framing.models.base import FramingClassifier, decide

FAMILIES: dict[str, str] = {
    "majority": "framing.models.majority:MajorityClassifier",
    "lexicon": "framing.models.lexicon:LexiconClassifier",
    "tfidf_lr": "framing.models.tfidf:TfidfLogisticClassifier",
    "tfidf_svm": "framing.models.tfidf:TfidfSVMClassifier",
    "embedding_lr": "framing.models.embedding:EmbeddingLogisticClassifier",
    "setfit": "framing.models.setfit_model:SetFitClassifier",
    "finetune": "framing.models.finetune:FineTunedTransformerClassifier",
    "zeroshot": "framing.models.zeroshot:ZeroShotClassifier",
}


def family_class(family: str) -> type[FramingClassifier]:
    if family not in FAMILIES:
        raise FramingInputError(
            f"unknown model family '{family}'",
            field="model",
            fix=f"valid choices: {', '.join(FAMILIES)}",
        )
    module, cls = FAMILIES[family].split(":")
    return getattr(importlib.import_module(module), cls)


__all__ = ["FAMILIES", "FramingClassifier", "decide", "family_class"]
