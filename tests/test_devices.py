"""device=auto|cpu|cuda|mps: the selection logic (pure, tested for every case on a CPU-only
machine), batch sizes per device, and the error for a device this machine does not have."""

from __future__ import annotations

import subprocess
import sys

import pytest

from framing.errors import FramingInputError
from framing.models import EXTRAS
from framing.models.devices import batch_size_for, choose_device, training_precision

from conftest import PROJECT_ROOT


@pytest.mark.parametrize(
    ("requested", "cuda", "mps", "chosen"),
    [
        ("auto", False, False, "cpu"),
        ("auto", True, False, "cuda"),
        ("auto", False, True, "mps"),
        ("auto", True, True, "cuda"),  # a CUDA GPU beats Apple's MPS
        ("cpu", True, True, "cpu"),  # asked for: the CPU even with a GPU present
        ("cuda", True, False, "cuda"),
        ("cuda:1", True, False, "cuda:1"),
        ("mps", False, True, "mps"),
        ("AUTO", False, False, "cpu"),
        (None, False, False, "cpu"),
    ],
)
def test_device_choice(requested, cuda, mps, chosen):
    assert choose_device(requested, cuda=cuda, mps=mps) == chosen


@pytest.mark.parametrize(
    ("requested", "cuda", "mps", "message"),
    [
        ("cuda", False, True, "no CUDA device"),
        ("mps", True, False, "no MPS device"),
        ("tpu", True, True, "unknown device"),
        ("mps:1", False, True, "unknown device"),
        ("cuda:x", True, False, "unknown device"),
    ],
)
def test_a_device_that_is_not_there_is_an_error_not_a_fallback(requested, cuda, mps, message):
    with pytest.raises(FramingInputError, match=message) as err:
        choose_device(requested, cuda=cuda, mps=mps)
    assert err.value.field == "device"


def test_batch_size_per_device():
    sizes = {"cpu": 32, "cuda": 256}
    assert batch_size_for(sizes, "cpu") == 32
    assert batch_size_for(sizes, "cuda:1") == 256
    assert batch_size_for(16, "cuda") == 16
    with pytest.raises(FramingInputError, match="no batch size for device 'mps'"):
        batch_size_for(sizes, "mps")
    with pytest.raises(FramingInputError, match="at least 1"):
        batch_size_for(0, "cpu")


def test_training_stays_fp32_off_cuda():
    assert training_precision("cpu") == {} and training_precision("mps") == {}


@pytest.mark.extra("transformers")
def test_auto_is_the_cpu_here_and_cuda_is_refused_in_one_line(tmp_path):
    import torch

    from framing.models.devices import resolve_device

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    assert resolve_device("auto") == "cpu"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "framing.cli.main",
            "train",
            "model=embedding_lr",
            "device=cuda",
            "eval.n_folds=3",
            "eval.inner_folds=2",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "field 'device'" in errors[0] and "no CUDA device" in errors[0]
    assert not (tmp_path / "run").exists()


@pytest.mark.extra("transformers")
@pytest.mark.parametrize("family", sorted(EXTRAS))
def test_every_torch_family_takes_the_device_of_the_command(family):
    # a family whose config forgets `device: ${device}` would run on the CPU whatever the
    # user asked for, silently
    from framing.cli.options import build_estimator
    from framing.study.config import compose

    cfg = compose("train", [f"model={family}", "device=cuda:1"])
    estimator = build_estimator(cfg.model, ["a", "b"])
    assert estimator.get_params()["device"] == "cuda:1"
