"""Training runs and what is made of their folders.

job.py             one training run (``framing train``): cross-validation, final model,
                   the run folder
discover.py        finding and reading finished run folders
pooling.py         pooling runs by family and seed (and training fraction): the one rule
learning_curve.py  the learning curve from a training-fraction sweep
comparison.py      the comparison table (runs pooled across seeds), paired
                   differences, the transfer table
tables.py          the comparison as Markdown and LaTeX
"""
