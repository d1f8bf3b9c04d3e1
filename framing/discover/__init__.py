"""Frames the codebook does not have yet: cluster the sentences the checkpoints leave without a
frame (or any corpus), name each cluster by its distinctive terms and set it against the
existing frames (``framing discover``). See ``framing.discover.run``."""

#: numpy's seeds (and so scikit-learn's) stop here; here, not in run.py, so that the command
#: line can check --seed without importing numpy at start-up
MAX_SEED = 2**32 - 1
