"""Errors and exit codes.

One base exception, :class:`DocwitnessError`, with structured subclasses. An
exception means "could not verify"; differences found between copies are data
(findings), never exceptions. Exit codes live in :class:`ExitCode`, and only
``cli.main`` turns an exception into one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from docwitness.lazy_re import lazy

# Characters that must not reach a terminal as they are: C0 and C1 controls, DEL,
# the line and paragraph separators, and the bidirectional overrides and isolates
# (which make text read in another order than it is stored).
_CONTROL = lazy(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\n``, ``\\x1b``,
    ``\\u202e``), as Python's repr writes them: shown in a message or a report, a
    name stays on one line and cannot drive the terminal."""

    def escape(m: re.Match[str]) -> str:
        c = m.group()
        if c in _NAMED:
            return _NAMED[c]
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"

    return _CONTROL.sub(escape, text)


_LONG_RUN = lazy(r"\S{201,}")
MAX_LINE = 800


def shorten(text: str, limit: int = MAX_LINE) -> str:
    """``text`` short enough to read on one line: every run of more than 200 characters
    without a space keeps its first 150 and last 40 with the count left out between
    them, and what is still longer than ``limit`` keeps its start and end the same
    way. A message quoting a megabyte-long value stays a message."""

    def cut(s: str, head: int, tail: int) -> str:
        return f"{s[:head]}…[{len(s) - head - tail} characters]…{s[len(s) - tail:]}"

    text = _LONG_RUN.sub(lambda m: cut(m.group(), 150, 40), text)
    if len(text) > limit:
        text = cut(text, limit * 3 // 4, limit // 5)
    return text


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3
    STORE_CORRUPT = 4
    INTERNAL = 70
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class DocwitnessError(Exception):
    """Base of every error docwitness raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(DocwitnessError):
    """The command line asked for something that cannot be done."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True, slots=True)
class CatalogueProblem:
    """One problem in a catalogue file: where, which key, what is wrong."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return escape_controls(f"{where}: {self.message}")


class CatalogueError(DocwitnessError):
    """A catalogue is malformed; carries every problem found, not only the first."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[CatalogueProblem]) -> None:
        self.problems = list(problems)
        first = str(self.problems[0]) if self.problems else "invalid catalogue"
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(f"catalogue error: {first}{suffix}")


class CaptureError(DocwitnessError):
    """A copy could not be captured (missing file, HTTP failure, limit exceeded)."""

    exit_code = ExitCode.INCOMPLETE

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"cannot capture {source}: {reason}")


class ExtractionError(DocwitnessError):
    """Captured bytes could not be turned into text (binary, empty, damaged)."""

    exit_code = ExitCode.INCOMPLETE

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"cannot extract text from {source}: {reason}")


class StoreError(DocwitnessError):
    """The snapshot store cannot be read or written (missing, not writable, locked)."""

    exit_code = ExitCode.INCOMPLETE


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """One integrity problem in the store: which object, what was expected, what was found."""

    path: str
    kind: str  # "mismatch" | "missing" | "unreadable" | "invalid" | "chain" | "truncated"
    expected: str
    found: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.path} (expected {self.expected}, found {self.found})"


class StoreCorrupt(DocwitnessError):
    """The store's contents do not match their names or records."""

    exit_code = ExitCode.STORE_CORRUPT

    def __init__(self, problems: list[StoreProblem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        first = str(self.problems[0]) if self.problems else "store corrupt"
        super().__init__(f"store corrupt: {n} problem{'s' if n != 1 else ''}; first: {first}")
