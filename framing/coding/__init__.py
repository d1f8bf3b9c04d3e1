"""The coding loop: what to code, moving it to and from a coding tool, agreement between
coders, the gold set and an audit of it.

population.py    the sentences a sample is drawn from (the study's corpus, or a sentence file)
sampling.py      simple, stratified, overlap and census draws with inclusion probabilities
active.py        uncertainty from a checkpoint's probabilities, with a diversity guard
samples.py       writing a sample and its record (records.py) together
labelstudio.py   the labelling config from the schema, tasks, reading a Label Studio export
spreadsheet.py   a coding CSV and reading it back
exchange.py      export (with pre-annotations only for non-random samples) and import
files.py         a coder's file, checked against the schema
agreement.py     Krippendorff's alpha per label with a bootstrap interval, the disagreements
gold.py          the study's sentences, gold assembly, counts
audit.py         likely label errors from out-of-fold probabilities (cleanlab)
"""
