"""What a checkpoint records about where it came from: library versions, training data,
and the one-line cross-validated score reports quote."""

from __future__ import annotations

import contextlib
import platform
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from framing.distribution import DISTRIBUTION
from framing.io import shareable_path
from framing.version import package_version

# Libraries recorded only when the run already imported them: asking torch its version
# would import it, and a TF-IDF checkpoint must not need torch.
OPTIONAL_LIBRARIES = ("torch", "transformers", "sentence_transformers", "setfit")


def library_versions() -> dict[str, str]:
    """Versions of what produced the checkpoint; optional libraries only if already loaded."""
    from importlib.metadata import PackageNotFoundError, version

    import numpy

    # under the distribution's name: what a reader of the card would pip install
    versions = {
        DISTRIBUTION: package_version(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
    }
    if "sklearn" in sys.modules:
        versions["sklearn"] = sys.modules["sklearn"].__version__
    else:
        with contextlib.suppress(PackageNotFoundError):
            versions["sklearn"] = version("scikit-learn")
    for name in OPTIONAL_LIBRARIES:
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "__version__"):
            versions[name] = str(module.__version__)
    return versions


def training_data_summary(
    dataset, file: str | Path | None = None, root: str | Path | None = None
) -> dict[str, Any]:
    """What the model card says about the training data, from a labelled ``Dataset`` (or any
    mapping with ``outlet`` and ``article_id`` columns). ``file`` is recorded relative to
    ``root`` (the study folder), or by its name alone (``shareable_path``)."""
    outlets = Counter(str(o) for o in dataset["outlet"])
    articles = {str(a) for a in dataset["article_id"]}
    return {
        "file": shareable_path(file, root) if file is not None else None,
        "n_sentences": sum(outlets.values()),
        "n_articles": len(articles),
        "outlets": dict(sorted(outlets.items())),
    }


def headline_metric(info: Mapping[str, Any]) -> str | None:
    """One line for reports: the cross-validated macro-F1 with its interval and protocol."""
    metrics = info.get("metrics") or {}
    macro = metrics.get("macro_f1")
    if not isinstance(macro, Mapping) or macro.get("mean") is None:
        return None
    text = f"macro-F1 {macro['mean']:.3f}"
    if macro.get("ci_low") is not None and macro.get("ci_high") is not None:
        text += f" [{macro['ci_low']:.3f}, {macro['ci_high']:.3f}]"
    protocol = metrics.get("protocol")
    if protocol:
        folds = metrics.get("n_folds")
        text += f" ({protocol}" + (f", {folds} folds)" if folds else ")")
    return text
