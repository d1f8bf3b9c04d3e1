"""The machine a benchmark ran on, recorded with every result."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
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


def checkout_commit(path: Path) -> str | None:
    """The git commit a checkout is at, "+changes" when its tracked files outside results/
    differ from it (a benchmark's own committed records, rewritten by an earlier run, are not
    a change of the code measured); None outside git. A result names the code it measured by
    this, not by a folder that may be gone."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(path), *args], capture_output=True, text=True, timeout=30
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!results")
    return commit + ("+changes" if changed else "")
