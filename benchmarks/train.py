"""Wall time and peak memory of training, end to end, on this machine.

    python -m benchmarks.train train           # the default run: framing train
    python -m benchmarks.train train --full    # also experiments/full_comparison.sh

Run from the root of the repository (the seed study is the data).

Each command runs in a child process, timed from start to exit (imports, data, CV, final
model, checkpoint, writes); its CPU time (user + system) and the machine's load average at the
start are recorded too, since other work on a 2-core machine stretches wall time. Peak memory
is the child's ``ru_maxrss`` from ``os.wait4``: the largest single process of its tree (a
parallel sweep's workers are not summed). The default run writes into a temporary folder that
is then deleted; ``--full`` writes the real results/multirun/full_comparison and
results/comparison. Results are printed as Markdown and merged into results/benchmarks/train.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._machine import REPO_ROOT, machine_info
from framing.outputs import Kind, write_text

OUT = Path("results/benchmarks/train.json")


def timed_run(command: list[str]) -> dict:
    """Run ``command`` from the project root; wall clock and peak RSS of the child tree."""
    load = os.getloadavg()[0]  # other work on the machine slows the run down: record it
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=REPO_ROOT)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"error: {shlex.join(command)} failed with exit code {child.returncode}")
    return {
        "command": shlex.join(command),
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),  # barely moved by other load
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        "load_average_at_start": round(load, 2),
    }


def default_run() -> dict:
    with tempfile.TemporaryDirectory(prefix="framing-bench-") as tmp:
        run_dir = Path(tmp) / "run"
        result = timed_run([sys.executable, "-m", "framing.cli.train", f"hydra.run.dir={run_dir}"])
        metrics = json.loads((run_dir / "metrics.json").read_text())
    result["command"] = "framing train"
    result["run"] = {k: metrics[k] for k in ("task", "model", "protocol", "n_folds", "n_sentences")}
    result["run"]["in_run_wall_time_s"] = metrics["wall_time_s"]
    return result


def full_comparison() -> dict:
    result = timed_run(["bash", "experiments/full_comparison.sh"])
    result["command"] = "experiments/full_comparison.sh"
    return result


def markdown_line(name: str, result: dict, machine: dict) -> str:
    where = (
        f"{machine.get('cpu_count')} CPUs ({machine.get('cpu_model', machine.get('processor'))}),"
        f" {machine.get('memory_gb', '?')} GB RAM, load {result['load_average_at_start']}"
    )
    return (
        f"| {name} | {result['wall_s']:.1f} s | {result['cpu_s']:.1f} s | "
        f"{result['peak_rss_mb']:.0f} MB | {where} |"
        f" `{result['command']}` |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.train",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("what", choices=["train"])
    parser.add_argument("--full", action="store_true", help="also time the full comparison")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    out = REPO_ROOT / args.out if not args.out.is_absolute() else args.out
    record = json.loads(out.read_text()) if out.exists() else {}
    machine = machine_info()
    record |= {"machine": machine, "date": datetime.now(UTC).isoformat(timespec="seconds")}
    record["default_run"] = default_run()
    lines = [markdown_line("default run (tfidf_lr, frames)", record["default_run"], machine)]
    if args.full:
        record["full_comparison"] = full_comparison()
        lines.append(
            markdown_line(
                "full comparison (grouped CV + leave-one-outlet-out)",
                record["full_comparison"],
                machine,
            )
        )
    write_text(out, json.dumps(record, indent=2) + "\n", Kind.BENCHMARK)
    print("| what | wall time | CPU time | peak RSS | machine | command |")
    print("|---|---|---|---|---|---|")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
