"""One exception type for bad input, so every entry point can report it the same way."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class FramingWarning(UserWarning):
    """Something the user should know about their input or results that does not stop the
    work (a skipped file, a renamed article id, duplicate groups not given). The library
    warns with ``warnings.warn(message, FramingWarning)``; the commands print each one as a
    ``warning: ...`` line."""


class FramingNote(FramingWarning):
    """A fact about how the work was done that is not a problem but changes the result (the
    package's cleaning rules used outside a study folder); printed as a ``note: ...`` line."""


class FramingInputError(ValueError):
    """Bad input: names the file, the line and/or field, and what to do about it.

    Entry points catch this, print ``str(error)`` once and exit non-zero.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.message = message
        self.fix = fix
        where = []
        if self.file:
            where.append(self.file)
        if line is not None:
            where.append(f"line {line}")
        if field:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        text = f"{prefix}: {message}" if prefix else message
        if fix:
            text += f" ({fix})"
        super().__init__(text)


def require_columns(
    path: str | Path, header: Sequence[str], needed: Sequence[str], fix: str | None = None
) -> None:
    """One error naming the first of ``needed`` that a CSV file's ``header`` lacks (line 1)."""
    for name in needed:
        if name not in header:
            raise FramingInputError(
                f"has no '{name}' column (columns: {', '.join(header) or 'none'})",
                file=path,
                line=1,
                field=name,
                fix=fix,
            )
