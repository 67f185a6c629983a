"""Errors a user can act on: each carries one line (where, what, what to do) and an exit code."""
from __future__ import annotations

EXIT_ERROR = 2  # bad input or environment: the user must fix something
EXIT_NO_MODEL = 3  # ran, but no machine translation was available
EXIT_REVIEW = 1  # ran, and the review found something to fix


class BitextError(Exception):
    """Raised for any problem the user can fix; the CLI prints `str(err)` and exits `code`."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None, code: int = EXIT_ERROR) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint
        self.code = code
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text
