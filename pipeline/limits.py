"""Size limits on what bitext reads, so a hostile or mistaken input is refused, not swallowed.

Each limit has a default, an environment variable and a command-line flag (the flag wins). The
defaults are chosen so that the largest input they admit still runs in about 2 GB of memory
(`bench/bench_hostile_scale.py` prints the figures); raise them on a bigger machine.
"""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from .errors import BitextError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """One limit: its flag, its environment variable and its default."""

    flag: str
    env: str
    default: int
    unit: str
    help: str

    def from_env(self) -> int:
        raw = os.environ.get(self.env, "").strip()
        if not raw:
            return self.default
        return _positive(raw, f"environment variable {self.env}")


# bench_hostile_scale: a TM-only run peaks at about 60 MB + 42 MB per input MB (Markdown), or
# about 6 KB per segment: 32 MB → ≈ 1.4 GB, 300k segments → ≈ 1.8 GB.
MAX_INPUT_MB = Limit("--max-input-mb", "BITEXT_MAX_INPUT_MB", 32, "MB",
                     "largest input file read, in MB")
MAX_SEGMENTS = Limit("--max-segments", "BITEXT_MAX_SEGMENTS", 300_000, "segments",
                     "most segments (sentences, titles, notes) in one document")
LIMITS = (MAX_INPUT_MB, MAX_SEGMENTS)

_overrides: dict[str, int] = {}


def _positive(raw: str, where: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BitextError(f"{where} must be a whole number ≥ 1, got {raw!r}")
    return value


def value(limit: Limit) -> int:
    """The limit in force: the flag if given, else the environment, else the default."""
    return _overrides.get(limit.env) or limit.from_env()


def max_input_bytes() -> int:
    return value(MAX_INPUT_MB) * MB


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The limit flags, for every command that reads user files."""
    for limit in LIMITS:
        parser.add_argument(limit.flag, metavar="N", dest=_dest(limit),
                            help=f"{limit.help} (default {limit.default}, or ${limit.env})")


def apply(args: argparse.Namespace) -> None:
    """Take the limit flags of a parsed command line into force for this process."""
    for limit in LIMITS:
        raw = getattr(args, _dest(limit), None)
        if raw is not None:
            _overrides[limit.env] = _positive(str(raw), limit.flag)


def reset() -> None:
    """Back to environment/defaults (tests call this between runs in one process)."""
    _overrides.clear()


def _dest(limit: Limit) -> str:
    return "limit_" + limit.flag.lstrip("-").replace("-", "_")


def too_big(limit: Limit, what: str, amount: int, *, path: str | None = None) -> BitextError:
    """The usage error for an exceeded limit, naming both ways to raise it."""
    return BitextError(f"{what} ({amount} {limit.unit}) is over the limit of {value(limit)} "
                       f"{limit.unit}", path=path,
                       hint=f"raise it with {limit.flag} N or {limit.env}=N, or split the input")
