"""The machine a benchmark ran on, recorded with every result."""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path

#: the repository root: benchmarks run against its seed study
REPO_ROOT = Path(__file__).resolve().parents[1]


def machine_info() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    info = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "torch_threads_env": os.environ.get("FRAMING_TORCH_THREADS", "2 (default)"),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024**2, 1)
                break
    except OSError:
        pass
    for dist in ("numpy", "scikit-learn", "torch", "sentence-transformers", "transformers"):
        with contextlib.suppress(PackageNotFoundError):
            info[dist] = version(dist)
    return info
