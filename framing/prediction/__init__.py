"""Applying checkpoints to a new corpus: streamed, with running tallies per article and outlet.

checkpoints.py   the checkpoints a prediction applies (one per task)
tally.py         running counts per article and outlet
stream.py        read → clean → split → classify → write, batch by batch
"""

from framing.prediction.stream import predict_corpus

__all__ = ["predict_corpus"]
