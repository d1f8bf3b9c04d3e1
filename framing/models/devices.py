"""Where the torch families run: ``device=auto|cpu|cuda|mps``, batch size per device, and
mixed precision on a GPU.

``auto`` (the default) takes a CUDA GPU if torch sees one, else Apple's MPS, else the CPU, so
nothing changes for a user without a GPU. Asking for a device torch does not have is one
error naming the ``device`` field, not a silent fall-back to the CPU.

Batch sizes that only set how many sentences go through the encoder at once (embedding,
prediction) may be given per device, ``{cpu: 32, cuda: 256, mps: 64}``: a GPU wants large
batches, a CPU small ones, and the numbers do not change any result. Training batch sizes
are part of a model's recipe and stay one number.

Mixed precision: training on CUDA uses bf16 where the GPU supports it, else fp16 (the
``Trainer`` flags of transformers and SetFit's ``use_amp``); on the CPU and on MPS training
stays fp32. Embeddings are always computed in fp32, so the embedding cache holds the same
numbers whichever device filled it.
"""

from __future__ import annotations

from collections.abc import Mapping

from framing.errors import FramingInputError

DEVICES = ("auto", "cpu", "cuda", "mps")


def choose_device(requested: str, cuda: bool, mps: bool) -> str:
    """The device to use given what torch offers (``cuda`` / ``mps``: available or not).

    ``cuda:1`` picks a GPU by number. Pure logic, so it is tested on a machine without GPU."""
    requested = str(requested or "auto").strip().lower()
    kind, _, index = requested.partition(":")
    if kind not in DEVICES or (index and (kind != "cuda" or not index.isdigit())):
        raise FramingInputError(
            f"unknown device '{requested}'", field="device", fix="auto, cpu, cuda, cuda:N or mps"
        )
    if kind == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if (kind == "cuda" and not cuda) or (kind == "mps" and not mps):
        raise FramingInputError(
            f"device '{requested}' was asked for but torch sees no {kind.upper()} device here",
            field="device",
            fix="use device=auto (a GPU when there is one, else the CPU) or device=cpu",
        )
    return requested


def resolve_device(requested: str = "auto") -> str:
    """``choose_device`` with what this machine's torch offers."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    return choose_device(
        requested, torch.cuda.is_available(), bool(mps is not None and mps.is_available())
    )


def device_kind(device: str) -> str:
    return str(device).partition(":")[0]


def batch_size_for(setting: int | Mapping[str, int], device: str) -> int:
    """A batch size given as one number, or per device kind (``{cpu: 32, cuda: 256}``)."""
    if isinstance(setting, Mapping):
        kind = device_kind(device)
        if kind not in setting:
            raise FramingInputError(
                f"no batch size for device '{kind}' in {dict(setting)}",
                field="batch_size",
                fix=f"add {kind}: N, or give one number",
            )
        setting = setting[kind]
    size = int(setting)
    if size < 1:
        raise FramingInputError(f"must be at least 1, got {size}", field="batch_size")
    return size


def training_precision(device: str) -> dict[str, bool]:
    """transformers ``TrainingArguments`` flags: bf16 / fp16 on CUDA, nothing elsewhere."""
    if device_kind(device) != "cuda":
        return {}
    import torch

    return {"bf16": True} if torch.cuda.is_bf16_supported() else {"fp16": True}
