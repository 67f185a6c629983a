"""An engine that could not be set up, standing in until the run actually needs it.

Looking for an installed model touches HOME and ARGOS_PACKAGES_DIR (argostranslate creates its
folders on import). When those are broken (a file, /dev/null, read-only), a run whose every
segment comes from the translation memory should still work; one that needs the model should
stop with one line saying what to fix, before any output is written (translation comes before
writing). So the problem is carried here and raised on first use.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import BitextError


@dataclass
class UnavailableEngine:
    problem: BitextError

    @classmethod
    def from_os_error(cls, exc: OSError) -> "UnavailableEngine":
        where = exc.filename if exc.filename is not None else None
        return cls(BitextError(
            f"cannot look for an installed translation model ({exc.strerror or exc})",
            path=str(where) if where else None,
            hint="point HOME, XDG_DATA_HOME or ARGOS_PACKAGES_DIR at a writable folder, pass "
                 "--model PATH, or use --model none for a TM-only run"))

    @property
    def identity(self) -> str:
        raise self.problem

    @property
    def batch_size(self) -> int:
        raise self.problem

    def translate(self, texts: list[str]) -> list:
        raise self.problem
