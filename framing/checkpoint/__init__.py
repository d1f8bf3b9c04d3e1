"""Classifier checkpoints: the store (save, load, verify) and the model card.

store.py        save_checkpoint, load_checkpoint, hashes checked before weights are read
params.py       constructor parameters and records as plain JSON
provenance.py   library versions, the training-data summary, the headline metric
card.py         the model card (README.md) from model_card.md, with Hugging Face metadata
"""

from framing.checkpoint.card import model_card
from framing.checkpoint.params import decode_params, encode_params
from framing.checkpoint.provenance import headline_metric, library_versions, training_data_summary
from framing.checkpoint.store import (
    CARD_FILE,
    FORMAT_VERSION,
    INFO_FILE,
    WEIGHTS_DIR,
    LoadedCheckpoint,
    check_labels,
    load_checkpoint,
    read_checkpoint_info,
    save_checkpoint,
    schema_sha256,
    verify_files,
)

__all__ = [
    "CARD_FILE",
    "FORMAT_VERSION",
    "INFO_FILE",
    "LoadedCheckpoint",
    "WEIGHTS_DIR",
    "check_labels",
    "decode_params",
    "encode_params",
    "headline_metric",
    "library_versions",
    "load_checkpoint",
    "model_card",
    "read_checkpoint_info",
    "save_checkpoint",
    "schema_sha256",
    "training_data_summary",
    "verify_files",
]
