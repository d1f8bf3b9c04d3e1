"""Corrected shares of a new corpus: what a classifier's predictions plus a coded random sample
say about each outlet, with intervals that hold when the classifier errs.

run.py                ``framing estimate``: read, estimate, write the output folder
inputs.py             the predictions and the coded sample, checked before anything is computed
ppi.py                the prediction-powered estimate of a mean (PPI++), with article clusters
outlets.py            shares per outlet and overall, and differences between outlets
pooled.py, pooling.py per-outlet shares pooled across outlets (Fay-Herriot)
crossfit.py           cross-prediction: the classifier refitted on folds of the coded sample
planning.py           how many sentences to code (``framing sample-size``)
validate.py           ``framing validate``: checkpoints scored on a coded sample
simulation.py,        coverage of the intervals by simulation, overall and per outlet
outlet_simulation.py
"""
