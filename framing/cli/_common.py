"""What every command shares: one error exit, signal handling, and running a Hydra app.

Every command's ``main(argv) -> int`` runs its body through ``run_command``:

- bad input (``FramingInputError``) prints one ``error: ...`` line and returns 2;
- the library's warnings (``FramingWarning``) print as ``warning: ...`` lines, every one
  (a ``FramingNote`` as ``note: ...``);
- Ctrl-C (SIGINT) and SIGTERM (``timeout``, a SLURM pre-emption) unwind the body like an
  exception, so its clean-up (temporary folders, partial outputs) runs, then print one line
  and return 130 / 143.

Commands configured by ``key=value`` options are Hydra apps (``hydra_app``) over the
package's configs with the study's ``conf/`` first on the search path.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from framing.cli._hydra import check_override_keys, is_hydra_flag
from framing.errors import FramingInputError, FramingNote, FramingWarning


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so ``finally`` blocks and context managers run."""


def _raise_terminated(signum, frame):
    raise Terminated(signum)


@contextmanager
def warning_lines() -> Iterator[None]:
    """While a command runs, each ``FramingWarning`` of the library is one ``warning: ...``
    line on stderr (every time, not once per place); other warnings print as Python's."""
    with warnings.catch_warnings():
        warnings.simplefilter("always", FramingWarning)
        python_style = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, FramingWarning):
                kind = "note" if issubclass(category, FramingNote) else "warning"
                print(f"{kind}: {message}", file=sys.stderr)
            else:
                python_style(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


#: a file or folder that cannot be made or opened where it was asked for (no permission, a
#: file in the way), named by the error: the user's to fix, so one line, not a traceback
PLACE_ERRNOS = {errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST}


def run_command(body: Callable[[], int | None]) -> int:
    """Run a command body with the shared error exit, warning lines and signal handling."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (e.g. called from a worker): leave signals alone
        previous = None
    try:
        with warning_lines():
            return int(body() or 0)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        from framing.outputs.writers import DISK_ERRNOS

        placed = err.errno in PLACE_ERRNOS and err.filename is not None
        if err.errno not in DISK_ERRNOS and not placed:
            raise
        # a write outside the outputs layer (a log, a cache): still one line, no traceback
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{os.strerror(err.errno).lower()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted (SIGINT); partial outputs were removed", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated (SIGTERM); partial outputs were removed", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


MULTIRUN_FLAGS = frozenset({"-m", "--multirun"})


def hydra_output_dir(config_name: str, argv: Sequence[str], multirun: bool) -> str:
    """The folder Hydra would write into (``hydra.run.dir``, or ``hydra.sweep.dir`` with -m),
    resolved now, so the command can stage it; sweep values (``model=a,b``) are left out."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from omegaconf import OmegaConf

    from framing.study.config import compose

    values = [a for a in argv if not is_hydra_flag(a)]
    parsed = OverridesParser.create().parse_overrides(values)
    fixed = [o.input_line for o in parsed if not o.is_sweep_override()]
    cfg = compose(config_name, fixed, return_hydra_config=True)
    return str(OmegaConf.select(cfg, "hydra.sweep.dir" if multirun else "hydra.run.dir"))


def quoted_override(key: str, value: str) -> str:
    """``key='value'`` in Hydra's override grammar (a path may hold spaces or commas)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"{key}='{escaped}'"


def hydra_app(
    task: Callable,
    config_name: str,
    argv: Sequence[str],
    prog: str,
    check: Callable | None = None,
    staged: Callable[[Path, bool], AbstractContextManager[Path]] | None = None,
) -> int:
    """Run ``task(cfg)`` as a Hydra app on ``framing/conf/<config_name>.yaml``.

    A single run's config is composed and checked (``check(cfg)``) first, so a bad override or
    a missing value is one ``error:`` line and exit code 2 rather than Hydra's report; with
    Hydra's own flags (``-m``, ``--cfg``, ``--help``) Hydra takes over from the start.

    ``staged(target, multirun)``, if given, is entered around the run (single or -m) with the
    folder Hydra would write into, and yields the folder Hydra writes into instead (see
    ``framing.runs.job.staged_runs``).
    """
    from framing.study.config import compose

    argv = list(argv)
    flags = {a for a in argv if is_hydra_flag(a)}
    writes_runs = not flags or flags <= MULTIRUN_FLAGS  # not --cfg, --help, --info ...
    multirun = bool(flags & MULTIRUN_FLAGS)

    def body() -> int:
        if not flags:
            try:
                cfg = compose(config_name, argv)
            except FramingInputError:
                check_override_keys(config_name, argv)  # an unknown key: say which one
                raise
            if check is not None:
                check(cfg)
        elif multirun:  # every job would fail the same way: say so once, before the sweep
            check_override_keys(config_name, argv)

        stage = nullcontext(None)
        if staged is not None and writes_runs:
            stage = staged(Path(hydra_output_dir(config_name, argv, multirun)), multirun)
        with stage as folder:
            key = "hydra.sweep.dir" if multirun else "hydra.run.dir"
            redirect = [quoted_override(key, str(folder))] if folder is not None else []
            run_hydra(task, config_name, [*argv, *redirect], prog)
        return 0

    return run_command(body)


def run_hydra(task: Callable, config_name: str, argv: Sequence[str], prog: str) -> None:
    """``task(cfg)`` through Hydra's own entry point, as if called as ``prog ARGV``."""
    import hydra

    @hydra.main(config_path="pkg://framing.conf", config_name=config_name, version_base="1.3")
    def _app(cfg):
        return task(cfg)

    saved = sys.argv
    sys.argv = [prog, *argv]
    try:
        _app()
    finally:
        sys.argv = saved


#: --bootstrap of the commands that pool runs (compare, plot, learning-curve): at least one
#: replicate, and at most what fits in memory on a laptop for a study of thousands of
#: sentences (an array of replicates x sentences is built)
MAX_BOOTSTRAP = 100_000


def bootstrap_option_type():
    import click

    return click.IntRange(1, MAX_BOOTSTRAP)


def check_level(ctx, param, value: float | None) -> float | None:
    """A confidence level strictly between 0 and 1 (click's FloatRange lets nan through)."""
    import click

    if value is not None and not 0 < value < 1:
        raise click.BadParameter(f"must be above 0 and below 1, got {value}")
    return value
