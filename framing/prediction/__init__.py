"""Applying checkpoints to a new corpus: streamed, with running tallies per article and outlet.

options.py       PredictOptions: the settings of a prediction, checked
checkpoints.py   the checkpoints a prediction applies (one per task)
tally.py         running counts per article and outlet
chunks.py        classifying chunks of articles, in this process or in worker processes
stream.py        read → clean → split → classify → write, batch by batch
sharding.py      one corpus as shards run by a Hydra launcher, merged exactly
"""

from framing.prediction.options import PredictOptions
from framing.prediction.stream import predict_corpus

__all__ = ["PredictOptions", "predict_corpus"]
