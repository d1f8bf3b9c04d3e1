"""Checkpoint records as plain JSON: configs, metrics and constructor parameters.

Constructor parameters must come back exactly as they were given: tuples are tagged so they
return as tuples (scikit-learn validates e.g. ``ngram_range`` as a tuple, and a list would fail).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def jsonable(value: Any, where: str) -> Any:
    """Plain JSON types from configs, metrics and numpy values; anything else is an error."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if type(value).__module__.startswith("omegaconf"):
        from omegaconf import OmegaConf

        return jsonable(OmegaConf.to_container(value, resolve=True), where)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return jsonable(value.tolist(), where)
    raise TypeError(f"{where} = {value!r} cannot be stored in a checkpoint (not JSON)")


def encode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Constructor parameters as JSON. Tuples are tagged so they come back as tuples
    (scikit-learn validates e.g. ``ngram_range`` as a tuple, and a list would fail)."""

    def enc(v: Any, where: str) -> Any:
        if isinstance(v, tuple):
            return {"__tuple__": [enc(x, f"{where}[{i}]") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [enc(x, f"{where}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, Mapping):
            return {str(k): enc(x, f"{where}.{k}") for k, x in v.items()}
        return jsonable(v, where)

    return {name: enc(value, f"params.{name}") for name, value in params.items()}


def decode_params(params: Mapping[str, Any]) -> dict[str, Any]:
    def dec(v: Any) -> Any:
        if isinstance(v, Mapping):
            if set(v) == {"__tuple__"}:
                return tuple(dec(x) for x in v["__tuple__"])
            return {k: dec(x) for k, x in v.items()}
        if isinstance(v, list):
            return [dec(x) for x in v]
        return v

    return {name: dec(value) for name, value in params.items()}
