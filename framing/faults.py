"""Named fault points: a signal or a disk error at a chosen place, for the fault-injection tests.

``fault_point(name)`` does nothing unless the environment variable ``FRAMING_FAULT`` names
it, as ``NAME:ACTION`` or ``NAME@N:ACTION`` (the N-th time the point is reached), e.g.
``FRAMING_FAULT=predict.batch@3:SIGTERM``. ACTION is a signal name — the process sends
itself that signal there, exactly as ``timeout`` or a SLURM pre-emption would — or an errno
name (``ENOSPC``, ``EDQUOT``, ``EROFS``): the point raises that ``OSError``, as a write on a
full disk would — or ``PAUSE``: the command waits there until a signal's handler raises (as
the commands' SIGTERM and SIGINT handlers do; a handler that returns leaves it waiting) or five
minutes pass, so it cannot finish before a test's signal from outside reaches it. So a test can
stop a command at a precise place instead of racing a timer or filling a disk.

Points: ``predict.start`` (checkpoints loaded, nothing written yet), ``predict.batch`` (after
each batch of predictions is written), ``train.start`` (before the first write of a run),
``train.outputs`` (out-of-fold predictions and checkpoint written, metrics.json not yet),
``write`` (an output's content written in its staging folder, before the final rename:
``framing.outputs``; for ``framing coding import``, the coder file read under its lock,
nothing appended yet), ``swap`` (inside the final rename of an output folder, between moving
the old one aside and moving the new one in; a training run renames its checkpoint folder
first, then the run folder).
"""

from __future__ import annotations

import errno
import os
import signal
import time

_reached: dict[str, int] = {}

#: how long ``PAUSE`` waits for a signal before it gives up with an error
PAUSE_LIMIT_S = 300.0


def hold_until_a_signal(limit_s: float = PAUSE_LIMIT_S) -> None:
    """Wait in short sleeps until a signal's handler raises (it runs in any of them), never
    longer than ``limit_s``: a bare ``signal.pause()`` would wait forever if the signal came
    just before the pause began. A handler that returns does not end the wait."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        time.sleep(0.05)
    raise RuntimeError(f"fault point held at PAUSE for {limit_s:.0f} s and no signal came")


def fault_point(name: str) -> None:
    spec = os.environ.get("FRAMING_FAULT")
    if not spec:
        return
    where, _, action = spec.rpartition(":")
    point, _, nth = where.partition("@")
    if point != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] != int(nth or 1):
        return
    if action == "PAUSE":
        hold_until_a_signal()
        return
    if action.startswith("E") and hasattr(errno, action):
        code = getattr(errno, action)
        raise OSError(code, os.strerror(code))
    os.kill(os.getpid(), getattr(signal, action))
