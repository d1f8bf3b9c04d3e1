"""Per-fit cost of the slow families (SetFit, fine-tune), and whether a change of the code
changed their predictions.

    python -m benchmarks.fit_cost                                  # this checkout
    python -m benchmarks.fit_cost --code /path/to/other/checkout   # side by side with it
    python -m benchmarks.fit_cost --families setfit --repeats 3 --profile

One fit is what cross-validation does 21 times in a frames run (5 outer folds x (1 + 3 inner
threshold folds) + the final model): ``clone(estimator).fit`` on the first 134 sentences of
the frames task (the size of a training fold), then ``predict_proba`` on the other 33. Each
checkout runs in a child process of its own (``PYTHONPATH`` = that checkout), with one torch
thread, as in the two-job comparison sweep; the first fit of a process also pays imports and
warm-up, so each fit is timed separately. When two checkouts are given they alternate
(A, B, A, B, ...) so the machine's load falls on both alike, and the predictions of the two
are compared (max absolute difference of the probabilities).

``--profile`` fits once more first (a run fits 21 times in one process, so the imports and
warm-up of a first fit are paid once per run) and profiles the second fit: the time inside
the training steps (forward, backward and optimiser step: the model's own compute), its share
of the fit, and the functions with the most time of their own.

Results go to stdout and ``--out`` (default ``results/benchmarks/fit_cost.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from benchmarks._machine import REPO_ROOT, checkout_commit, machine_info

DEFAULT_OUT = "results/benchmarks/fit_cost.json"

#: runs inside the child, against whichever framing its PYTHONPATH holds
_CHILD = r"""
import cProfile, json, os, pstats, sys, time
import numpy as np
from sklearn.base import clone
from framing.study.config import compose
family, out, profile = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
cfg = compose("train", [f"model={family}"])
try:  # the typed options (issue 19)
    from framing.cli.options import train_options
    from framing.runs.job import load_task
    options = train_options(cfg)
    data = load_task(options.study, options.task).data
    estimator = options.model.estimator.set_params(labels=data.labels)
except ImportError:  # the code before them
    from framing.runs.job import build_estimator, load_task
    study, schema, dataset, data, data_file = load_task(cfg)
    estimator = build_estimator(cfg.model, data.labels)
texts, y = list(data.texts), data.targets()
train, test = texts[:134], texts[134:]
record = {}
if profile:  # a run fits 21 times in one process: profile a fit after the first one
    start = time.perf_counter()
    clone(estimator).fit(train, y[:134])
    record["first_fit_in_process_s"] = round(time.perf_counter() - start, 2)
profiler = cProfile.Profile() if profile else None
if profiler:
    profiler.enable()
start = time.perf_counter()
model = clone(estimator).fit(train, y[:134])
fit_s = time.perf_counter() - start
proba = model.predict_proba(test)
if profiler:
    profiler.disable()
np.save(out + ".npy", np.asarray(proba, dtype=np.float64))
record |= {"fit_s": round(fit_s, 2), "predict_s": round(time.perf_counter() - start - fit_s, 2)}
if profiler:
    stats = pstats.Stats(profiler).stats
    steps = sum(v[3] for k, v in stats.items() if k[2] == "training_step")
    top = sorted(((v[2], f"{os.path.basename(k[0])}:{k[2]}") for k, v in stats.items()))
    record["profile"] = {
        # forward + backward + optimiser step of every training step: the model's own compute
        "training_steps_s": round(steps, 2),
        "share_of_fit": round(steps / fit_s, 3),
        "top_own_time_s": [[round(t, 2), name] for t, name in top[::-1][:12]],
    }
with open(out + ".json", "w") as fh:
    json.dump(record, fh)
"""


def run_fit(code: Path, family: str, workdir: Path, tag: str, profile: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code), FRAMING_TORCH_THREADS="1")
    env["TOKENIZERS_PARALLELISM"] = "false"
    out = workdir / tag
    load_before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, family, str(out), "1" if profile else "0"],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{family} on {code} failed:\n{done.stderr[-3000:]}")
    record = json.loads(Path(f"{out}.json").read_text())
    record["load_average_1min"] = {
        "before": round(load_before, 2),
        "after": round(os.getloadavg()[0], 2),
    }
    return record


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.fit_cost", description=__doc__)
    p.add_argument("--code", type=Path, default=None, help="another checkout to compare with")
    p.add_argument("--families", nargs="+", default=["setfit", "finetune"])
    p.add_argument("--repeats", type=int, default=2, help="fits per checkout and family")
    p.add_argument("--profile", action="store_true")
    p.add_argument("--out", default=DEFAULT_OUT)
    args = p.parse_args(argv)
    checkouts = {"this": REPO_ROOT}
    if args.code is not None:
        checkouts = {"other": args.code.resolve(), "this": REPO_ROOT}
    result = {
        "command": shlex.join(
            ["python", "-m", "benchmarks.fit_cost", *(sys.argv[1:] if argv is None else argv)]
        ),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "checkouts": {k: str(v) for k, v in checkouts.items()},
        "commits": {k: checkout_commit(v) for k, v in checkouts.items()},
        "fits": [],
        "prediction_difference": {},
    }
    with tempfile.TemporaryDirectory(prefix="framing-fit-cost-") as tmp:
        workdir = Path(tmp)
        for family in args.families:
            for repeat in range(args.repeats):
                for name, code in checkouts.items():  # alternate: load falls on both alike
                    tag = f"{family}_{name}_{repeat}"
                    profile = args.profile and repeat == args.repeats - 1
                    print(f"{tag} ...", file=sys.stderr)
                    record = run_fit(code, family, workdir, tag, profile)
                    result["fits"].append({"family": family, "checkout": name, **record})
                    print(f"  fit {record['fit_s']} s", file=sys.stderr)
            if len(checkouts) == 2:
                a = np.load(workdir / f"{family}_other_0.npy")
                b = np.load(workdir / f"{family}_this_0.npy")
                result["prediction_difference"][family] = float(np.abs(a - b).max())
    for family in args.families:
        for name in checkouts:
            fits = [f["fit_s"] for f in result["fits"] if f["family"] == family]
            fits = [
                f["fit_s"]
                for f in result["fits"]
                if f["family"] == family and f["checkout"] == name
            ]
            print(f"{family} {name}: fits {fits} s")
        if family in result["prediction_difference"]:
            print(f"{family}: max |proba difference| {result['prediction_difference'][family]:.2e}")
    out = Path(args.out)
    if args.out == DEFAULT_OUT:
        out = REPO_ROOT / DEFAULT_OUT
    from framing.outputs import Kind, write_text

    write_text(out, json.dumps(result, indent=2) + "\n", Kind.BENCHMARK)
    print(f"written: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
