"""What every command shares: one error exit, signal handling, and running a Hydra app.

Every command's ``main(argv) -> int`` runs its body through ``run_command``:

- bad input (``FramingInputError``) prints one ``error: ...`` line and returns 2;
- Ctrl-C (SIGINT) and SIGTERM (``timeout``, a SLURM pre-emption) unwind the body like an
  exception, so its clean-up (temporary folders, partial outputs) runs, then print one line
  and return 130 / 143.

Commands configured by ``key=value`` options are Hydra apps (``hydra_app``) over the
package's configs with the study's ``conf/`` first on the search path.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence

from framing.errors import FramingInputError


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so ``finally`` blocks and context managers run."""


def _raise_terminated(signum, frame):
    raise Terminated(signum)


def run_command(body: Callable[[], int | None]) -> int:
    """Run a command body with the shared error exit and signal handling."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread (e.g. called from a worker): leave signals alone
        previous = None
    try:
        return int(body() or 0)
    except FramingInputError as err:
        print(f"error: {err}", file=sys.stderr)
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


def is_hydra_flag(arg: str) -> bool:
    """--multirun, --cfg, --help, ...: Hydra's own command-line flags."""
    return arg.startswith("-")


def hydra_app(
    task: Callable,
    config_name: str,
    argv: Sequence[str],
    prog: str,
    check: Callable | None = None,
) -> int:
    """Run ``task(cfg)`` as a Hydra app on ``framing/conf/<config_name>.yaml``.

    A single run's config is composed and checked (``check(cfg)``) first, so a bad override or
    a missing value is one ``error:`` line and exit code 2 rather than Hydra's report; with
    Hydra's own flags (``-m``, ``--cfg``, ``--help``) Hydra takes over from the start.
    """
    import hydra

    from framing.study.config import compose

    argv = list(argv)

    def body() -> int:
        if not any(is_hydra_flag(a) for a in argv):
            cfg = compose(config_name, argv)
            if check is not None:
                check(cfg)

        @hydra.main(config_path="pkg://framing.conf", config_name=config_name, version_base="1.3")
        def _app(cfg):
            return task(cfg)

        saved = sys.argv
        sys.argv = [prog, *argv]
        try:
            _app()
        finally:
            sys.argv = saved
        return 0

    return run_command(body)
