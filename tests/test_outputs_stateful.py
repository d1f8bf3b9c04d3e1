"""Before release: random sequences of writes into overlapping folders never delete or change
a file the writer did not make (Hypothesis stateful testing).

The machine plays a person and several commands in a handful of nested folders: the person
puts files anywhere; commands write single files (``write_text``, as ``framing compare`` or
``coding import`` do) and whole folders (``output_folder``, as ``framing predict`` or
``framing train`` do), each of some kind, some with an input inside the target. After every
step:

- every file the person made is there, byte for byte;
- a command that was refused changed nothing on disk;
- a command that succeeded replaced only files that framing made as outputs of its own kind;
- no staging folder is left behind.

On CI it runs a few examples (``FRAMING_STATEFUL_EXAMPLES``, default 20); before a release run
it with more: ``FRAMING_STATEFUL_EXAMPLES=2000 python -m pytest tests/test_outputs_stateful.py``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from framing.errors import FramingInputError
from framing.outputs import Kind, output_folder, safe_file_stem, write_text
from framing.outputs.cells import read_cell, spreadsheet_cell
from framing.outputs.markers import BOOKKEEPING

EXAMPLES = int(os.environ.get("FRAMING_STATEFUL_EXAMPLES", "20"))
FOLDERS = ["", "a", "a/b", "c", "c/a"]
NAMES = ["x.csv", "y.jsonl", "z", "b"]
KINDS = [Kind.PREDICTIONS, Kind.RUN, Kind.CODER_FILE, Kind.SAMPLE, Kind.FIGURE, Kind.GOLD]


def files_on_disk(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` except framing's markers and locks."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name not in BOOKKEEPING
    }


class OverlappingWriters(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="framing-stateful-"))
        self.cwd = os.getcwd()
        os.chdir(self.root)  # relative targets, as a user types them
        self.user: dict[str, bytes] = {}  # files the person made
        self.made: dict[str, Kind] = {}  # files framing wrote, by the kind of their output
        self.steps = 0

    def teardown(self) -> None:
        os.chdir(self.cwd)
        shutil.rmtree(self.root, ignore_errors=True)

    def _free(self, path: str) -> bool:
        """Nothing on disk at ``path`` or above it is a file (so a file can be made there)."""
        target = self.root / path
        return not target.exists() and not any(p.is_file() for p in target.parents)

    @rule(folder=st.sampled_from(FOLDERS), name=st.sampled_from(NAMES), data=st.binary(max_size=8))
    def person_writes_a_file(self, folder, name, data):
        path = str(Path(folder) / name)
        if not self._free(path):
            return
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        (self.root / path).write_bytes(data)
        self.user[path] = data

    @rule(
        folder=st.sampled_from(FOLDERS),
        name=st.sampled_from(NAMES),
        kind=st.sampled_from(KINDS),
        text=st.text(max_size=8),
    )
    def command_writes_a_file(self, folder, name, kind, text):
        path = str(Path(folder) / name)
        before = files_on_disk(self.root)
        previous = self.made.get(path)
        try:
            write_text(path, text, kind)
        except (FramingInputError, FileExistsError, NotADirectoryError):
            assert files_on_disk(self.root) == before  # refused: nothing changed
            return
        assert path not in self.user, f"{kind.label} replaced the person's {path}"
        if previous is not None:
            assert previous is kind and kind.replaceable, f"{kind.label} replaced {previous}"
        self.made[path] = kind

    @rule(
        folder=st.sampled_from([f for f in FOLDERS if f]),
        kind=st.sampled_from(KINDS),
        names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
        with_input=st.booleans(),
    )
    def command_writes_a_folder(self, folder, kind, names, with_input):
        before = files_on_disk(self.root)
        inside = [p for p in before if Path(p).is_relative_to(folder)]
        inputs = [self.root / inside[0]] if with_input and inside else []
        try:
            with output_folder(folder, kind, inputs=inputs) as tmp:
                for name in names:
                    (tmp / name).write_text(name)
        except (FramingInputError, FileExistsError, NotADirectoryError):
            assert files_on_disk(self.root) == before
            return
        assert not inputs, "a folder holding the command's input was replaced"
        assert not inside or kind.replaceable, f"a {kind.label} output was replaced"
        for path in inside:
            assert path not in self.user, f"{kind.label} output replaced the person's {path}"
            assert self.made.get(path) in (kind, None), f"{kind.label} replaced {path}"
        for path in inside:
            self.made.pop(path, None)
        self.made |= {str(Path(folder) / name): kind for name in names}

    @invariant()
    def the_persons_files_are_all_there(self):
        on_disk = files_on_disk(self.root)
        for path, data in self.user.items():
            assert on_disk.get(path) == data, f"the person's {path} was changed or deleted"

    @invariant()
    def no_staging_folder_is_left(self):
        assert not [p for p in self.root.rglob(".*") if p.name.endswith((".tmp", ".old"))]


OverlappingWriters.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_overlapping_writers_never_lose_a_file = OverlappingWriters.TestCase


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=6, unique=True))
def test_file_stems_stay_in_their_folder_and_never_share_a_file(names):
    stems = [safe_file_stem(n) for n in names]
    for stem in stems:
        assert stem and "/" not in stem and "\\" not in stem and not stem.startswith(".")
        assert Path(stem).name == stem and len(stem) <= 64
    assert len({s.lower() for s in stems}) == len(names)  # distinct even case-insensitively


@settings(max_examples=EXAMPLES * 10, deadline=None)
@given(st.text(alphabet=st.sampled_from("'=+-@\t\r0.5eaZ "), max_size=8))
def test_spreadsheet_marks_are_undone_exactly(text):
    written = spreadsheet_cell(text)
    assert not written.startswith(("=", "@", "\t", "\r"))
    if written.startswith(("-", "+")):  # only a number may begin with a sign
        float(written)
    assert read_cell(written) == text
