"""Frames the codebook does not have yet: cluster the sentences the checkpoints leave without a
frame (or any corpus), name each cluster by its distinctive terms and set it against the
existing frames (``framing discover``). See ``framing.discover.run``."""
