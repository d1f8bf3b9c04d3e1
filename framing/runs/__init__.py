"""Training runs and what is made of their folders.

job.py             one training run (``framing train``): cross-validation, final model,
                   the run folder
discover.py        finding and reading finished run folders
comparison.py      pooling runs by family across seeds: the comparison table, paired
                   differences, the transfer table
tables.py          the comparison as Markdown and LaTeX
"""
