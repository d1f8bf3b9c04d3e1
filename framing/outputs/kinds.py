"""What an output is: its kind, the command that usually makes it, and who may replace it.

The rule: a command replaces only an output of its own kind (and only one that is not among
its inputs). A study folder is never replaced; samples, coding sheets and adjudication files
hold (or are about to hold) a person's work, so they are never replaced at all, not even by
the command that made them. Coder files are only appended to by ``framing coding import``,
gold sets only rebuilt by ``framing coding assemble``.

Markers written before kinds were recorded are read too: their entries get a kind guessed
from their content (``framing.outputs.markers``); what cannot be told apart from a person's
coding work is never replaced, the rest (tables, figures, reports of an earlier framing) is
``LEGACY``, replaceable by any command that does not write coding files.
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    """Each output kind: (name recorded in markers, the command that makes it, whether a later
    run of that command may replace it, whether it holds a person's coding work)."""

    STUDY = ("study", "framing study init", False, True)
    RUN = ("training run", "framing train", True, False)
    SWEEP = ("sweep", "framing train -m", True, False)
    CHECKPOINT = ("checkpoint", "framing train", True, False)
    PREDICTIONS = ("predictions", "framing predict", True, False)
    PREDICTION_SHARDS = ("prediction shards", "framing predict shards=N", True, False)
    ESTIMATES = ("estimates", "framing estimate", True, False)
    VALIDATION = ("validation", "framing validate", True, False)
    LEARNING_CURVE = ("learning curve", "framing learning-curve", True, False)
    CODER_FILE = ("coder file", "framing coding import", True, True)
    SAMPLE = ("sample", "framing coding sample", False, True)
    SHEET = ("coding sheet", "framing coding export", False, True)
    GOLD = ("gold set", "framing coding assemble", True, True)
    ADJUDICATION = ("adjudication", "framing coding assemble", False, True)
    AGREEMENT = ("agreement report", "framing coding agreement", True, False)
    AUDIT = ("label audit", "framing coding audit", True, False)
    CLEANING_REPORT = ("cleaning report", "framing corpus --report", True, False)
    SENTENCES = ("corpus sentences", "framing corpus --out", True, False)
    FIGURE = ("figure", "framing plot", True, False)
    COMPARISON = ("comparison", "framing compare", True, False)
    PLAN = ("sample-size plan", "framing sample-size", True, False)
    DISCOVERY = ("discovered clusters", "framing discover", True, False)
    CUES = ("cue suggestions", "framing coding cues", True, False)
    STUDY_REPORT = ("study report", "framing report", True, False)
    HUB_UPLOAD = ("checkpoint staged for the Hub", "framing push", True, False)
    BENCHMARK = ("benchmark result", "python -m benchmarks", True, False)
    EXPERIMENT = ("experiment result", "experiments/", True, False)
    #: a caller that names no kind (prefer a kind of its own)
    OUTPUT = ("output", "framing", True, False)
    #: an entry of a marker written before kinds were recorded (not a coding file)
    LEGACY = ("output of an earlier framing version", "framing", True, False)
    #: an entry of an old marker whose content could not be read: never replaced
    UNKNOWN = ("file of unknown kind", "framing", False, True)

    def __init__(self, label: str, command: str, replaceable: bool, coding: bool) -> None:
        self.label = label
        self.command = command
        self.replaceable = replaceable
        self.coding = coding

    @property
    def a(self) -> str:
        """The kind as a message names it, with its article: "a sample", "an estimates folder"
        (the plural names recorded in markers read as a noun with "folder", "file" or "table")."""
        noun = self.label + PLURAL_NOUNS.get(self.label, "")
        return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"

    @classmethod
    def from_label(cls, label: object) -> Kind:
        """The kind a marker names; a name this version does not know is never replaced."""
        for kind in cls:
            if kind.label == label:
                return kind
        return cls.UNKNOWN


#: what a plural kind name is, for messages ("is a predictions folder")
PLURAL_NOUNS = {
    "predictions": " folder",
    "prediction shards": " folder",
    "estimates": " folder",
    "corpus sentences": " file",
    "discovered clusters": " folder",
    "cue suggestions": " table",
}


def may_replace(existing: Kind, writer: Kind) -> bool:
    """Whether a command writing ``writer`` outputs may replace an ``existing`` one."""
    if existing is Kind.LEGACY:
        return not writer.coding
    return existing is writer and existing.replaceable
