"""The comparison as Markdown (README, comparison.md) and LaTeX (comparison.tex) tables."""

from __future__ import annotations

import pandas as pd


def _ci(row, name: str) -> str:
    return f"{row[name]:.3f} [{row[name + '_low']:.3f}, {row[name + '_high']:.3f}]"


def _markdown_name(row) -> str:
    return row.model_label + (" *(baseline)*" if row.is_baseline else "")


def _task_labels(table: pd.DataFrame, task: str) -> list[str]:
    part = table[table.task == task]
    return [c for c in table.columns if c.startswith("f1:") and part[c].notna().all()]


def to_markdown(table: pd.DataFrame, note: str) -> str:
    out = []
    for task in table.task.unique():
        labels = _task_labels(table, task)
        head = ["Model", "Macro-F1 [95% CI]", "Micro-F1 [95% CI]", *(c[3:] for c in labels)]
        out += [f"### {task}", "", "| " + " | ".join(head + ["seeds", "train s"]) + " |"]
        out.append("|" + "---|" * (len(head) + 2))
        for _, row in table[table.task == task].iterrows():
            name = _markdown_name(row)
            cells = [name, _ci(row, "macro_f1"), _ci(row, "micro_f1")]
            cells += [f"{row[c]:.3f}" for c in labels] + [str(row.n_seeds), f"{row.train_s:.1f}"]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out + [note, ""])


def _tex(text: str) -> str:
    for char in "\\&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text


def to_latex(table: pd.DataFrame, note: str) -> str:
    out = []
    for task in table.task.unique():
        labels = _task_labels(table, task)
        out += [
            r"\begin{table}[t]",
            r"\centering",
            r"\small",
            r"\begin{tabular}{l" + "c" * (2 + len(labels)) + "}",
            r"\toprule",
            " & ".join(["Model", "Macro-F1", "Micro-F1", *(_tex(c[3:]) for c in labels)]) + r" \\",
            r"\midrule",
        ]
        for _, row in table[table.task == task].iterrows():
            name = _tex(row.model_label) + (r"$^{\dagger}$" if row.is_baseline else "")
            cells = [name, _tex(_ci(row, "macro_f1")), _tex(_ci(row, "micro_f1"))]
            out.append(" & ".join(cells + [f"{row[c]:.3f}" for c in labels]) + r" \\")
        out += [
            r"\bottomrule",
            r"\end{tabular}",
            rf"\caption{{{_tex(task.capitalize())}: {_tex(note)} $^{{\dagger}}$baseline.}}",
            rf"\label{{tab:comparison-{_tex(task)}}}",
            r"\end{table}",
            "",
        ]
    return "\n".join(out)


def differences_markdown(diffs: pd.DataFrame, level: float) -> str:
    out = []
    for task in diffs.task.unique():
        part = diffs[diffs.task == task]
        ref = part.reference_label.iloc[0]
        out += [
            f"### {task}: macro-F1 difference to {ref} (paired)",
            "",
            f"| Model | Δ macro-F1 [{round(level * 100)}% CI] | share of replicates ahead |",
            "|---|---|---|",
        ]
        for _, row in part.iterrows():
            name = _markdown_name(row)
            if row.model == row.reference:
                out.append(f"| {name} | reference | — |")
                continue
            diff = f"{row.macro_f1_diff:+.3f} [{row.diff_low:+.3f}, {row.diff_high:+.3f}]"
            out.append(f"| {name} | {diff} | {row.share_ahead:.2f} |")
        out.append("")
    return "\n".join(out)


TRANSFER_NOTE = (
    "Both columns score every sentence once, out of fold; the difference is paired (one draw "
    "of duplicate groups for both, seeds resampled per column). The seed outlets are copies of "
    "two stories, so leave-one-outlet-out understates the drop to genuinely new outlets."
)


def transfer_markdown(transfer: pd.DataFrame, level: float) -> str:
    """Grouped CV and leave-one-outlet-out side by side, per task."""
    pct = round(level * 100)
    out = []
    for task in transfer.task.unique():
        out += [
            f"### {task}: grouped CV and leave-one-outlet-out",
            "",
            f"| Model | grouped CV macro-F1 [{pct}% CI] | leave-one-outlet-out [{pct}% CI] "
            f"| Δ (LOO − CV) [{pct}% CI] | seeds (CV / LOO) |",
            "|---|---|---|---|---|",
        ]
        for _, row in transfer[transfer.task == task].iterrows():
            other = {k.removeprefix("other_"): row[k] for k in row.index if k.startswith("other_")}
            diff = f"{row.difference:+.3f} [{row.difference_low:+.3f}, {row.difference_high:+.3f}]"
            out.append(
                f"| {_markdown_name(row)} | {_ci(row, 'macro_f1')} | {_ci(other, 'macro_f1')} "
                f"| {diff} | {row.n_seeds} / {row.other_n_seeds} |"
            )
        out.append("")
    return "\n".join(out + [TRANSFER_NOTE, ""])
