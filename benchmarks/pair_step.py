"""What a cross-encoder over sentence–definition pairs would cost, against the fine-tuned family.

    FRAMING_TORCH_THREADS=1 python -m benchmarks.pair_step [--steps 6] [--batch 8]

Run from the root of the repository (the seed study is the data). Times one training step
(forward, backward, AdamW update) of the packaged MiniLM with a one-output classification layer
on a batch of seed sentences, and on a batch of (seed sentence, frame definition) pairs, the
input a BERT-NLI-style cross-encoder trains on; prints the median seconds per step (the first
step, warm-up, left out), the mean token lengths and the load average. This is the measurement
behind the design note in ``framing/models/definition_pairs.py``. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.pair_step", description=__doc__)
    p.add_argument("--steps", type=int, default=6)
    p.add_argument("--batch", type=int, default=8)
    args = p.parse_args(argv)

    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from framing.data import load_labelled_set
    from framing.models.codebook import codebook_entries
    from framing.models.encoders import configure_torch_threads, quiet_transformers, resolve_encoder
    from framing.models.zeroshot import definition_text
    from framing.study import load_study

    threads = configure_torch_threads()
    quiet_transformers()
    study = load_study()
    sentences = list(load_labelled_set(study=study)["text"])
    entries = codebook_entries(study.schema.to_dict())
    definitions = [definition_text(label, entries[label]) for label in study.schema.frame_names]
    source = resolve_encoder("all-MiniLM-L6-v2")
    tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        source, local_files_only=True, num_labels=1
    )
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-5)
    rng = np.random.default_rng(0)
    load = os.getloadavg()[0]

    def batch(pairs: bool):
        rows = rng.choice(len(sentences), args.batch, replace=False)
        texts = [sentences[i] for i in rows]
        second = [definitions[i % len(definitions)] for i in rows] if pairs else None
        return tokenizer(texts, second, padding=True, truncation=True, return_tensors="pt")

    def seconds_per_step(pairs: bool) -> float:
        times = []
        for _ in range(args.steps):
            inputs = batch(pairs)
            start = time.perf_counter()
            model(**inputs).logits.sum().backward()
            optimiser.step()
            optimiser.zero_grad()
            times.append(time.perf_counter() - start)
        return float(np.median(times[1:]))

    single = seconds_per_step(pairs=False)
    paired = seconds_per_step(pairs=True)
    tokens = np.mean([len(tokenizer(s)["input_ids"]) for s in sentences])
    pair_tokens = np.mean(
        [len(tokenizer(s, d)["input_ids"]) for s in sentences for d in definitions]
    )
    print(f"| input | tokens (mean) | s per step of {args.batch} |\n|---|---|---|")
    print(f"| sentences | {tokens:.0f} | {single:.2f} |")
    print(f"| sentence-definition pairs | {pair_tokens:.0f} | {paired:.2f} |")
    print(
        f"\n{len(definitions)} pairs per sentence: an epoch over pairs costs "
        f"{len(definitions) * paired / single:.1f}x one over sentences. "
        f"torch threads {threads}, load {load:.2f} at the start."
    )


if __name__ == "__main__":
    main()
