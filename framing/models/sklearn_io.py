"""Saving and loading fitted scikit-learn objects with skops, never pickle.

``dump_sklearn`` writes a ``.skops`` file. ``load_sklearn`` lists the types in the file that
skops does not trust by default, refuses the file (``FramingInputError`` naming it) if any of
them is outside ``ALLOWED_TYPES`` (a short list of scikit-learn / NumPy / SciPy internals), and
only then loads it trusting exactly that list. A file carrying e.g. ``posix.system`` or a class
from some other package is therefore never constructed.

skops is imported through ``skops_io()``, which keeps torch out of the process (see there).
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from framing.errors import FramingInputError

#: Types outside skops' default trust that our sklearn families legitimately contain
#: (skops already trusts public scikit-learn estimators, builtins and plain arrays).
ALLOWED_TYPES: frozenset[str] = frozenset(
    {
        # CalibratedClassifierCV(LinearSVC) keeps one of these per calibration fold
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        # numeric types that can appear as dtype parameters or scalar attributes
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int32",
        "numpy.int64",
        "numpy.bool_",
        # sparse matrices (e.g. a vectorizer fitted with a sparse idf diagonal)
        "scipy.sparse._csr.csr_matrix",
        "scipy.sparse._csr.csr_array",
        "scipy.sparse._csc.csc_matrix",
        "scipy.sparse._csc.csc_array",
    }
)


class _BlockTorch:
    """A meta-path finder that makes ``import torch`` fail while it is installed."""

    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(
                f"torch is not imported by sklearn-only code ({name})", name=name
            )
        return None


def skops_io():
    """Return ``skops.io``, importing it without importing torch.

    Importing skops.io builds its trusted-type list with ``sklearn.utils.all_estimators()``,
    which walks every scikit-learn subpackage with ``pkgutil.walk_packages`` -- including
    ``sklearn.externals.array_api_compat.torch``, whose import pulls in torch (seconds of start-up,
    and a TF-IDF run must not import torch). While skops is first imported, torch is made
    unimportable: pkgutil skips a package whose import raises ImportError, and no estimator lives
    there, so skops' trusted list is unchanged. Later ``import torch`` works as usual.
    """
    if "skops.io" in sys.modules or "torch" in sys.modules:
        import skops.io

        return skops.io
    blocker = _BlockTorch()
    sys.meta_path.insert(0, blocker)
    try:
        import skops.io
    finally:
        sys.meta_path.remove(blocker)
    return skops.io


def dump_sklearn(obj: Any, path: str | Path) -> None:
    """Write ``obj`` (estimators, lists/dicts of them, arrays) to a ``.skops`` file."""
    skops_io().dump(obj, Path(path))


def load_sklearn(path: str | Path, extra_allowed: Iterable[str] = ()) -> Any:
    """Load a ``.skops`` file after checking every untrusted type against the allow-list."""
    path = Path(path)
    if not path.exists():
        raise FramingInputError(
            "model weights file is missing", file=path, fix="re-train or re-copy the checkpoint"
        )
    sio = skops_io()
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise FramingInputError(f"is not a readable skops file ({err})", file=path) from None
    allowed = ALLOWED_TYPES | set(extra_allowed)
    unexpected = sorted(t for t in untrusted if t not in allowed)
    if unexpected:
        raise FramingInputError(
            f"refusing to load: it contains types outside the allow-list: {', '.join(unexpected)}",
            file=path,
            fix="only load model files written by framing; never trust files from unknown sources",
        )
    return sio.load(path, trusted=untrusted)
