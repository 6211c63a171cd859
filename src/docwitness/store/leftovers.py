"""Temporary files in the store: whose they are, and which are left over by a dead writer.

Every write goes to a temporary file that is renamed into place; a writer killed
between the two (``kill -9``, a power cut) leaves that file behind. Such a file
is a *leftover*, not corruption: no object or history line refers to it, and
removing it loses nothing. A writer proves it is alive in two ways:

1. **The writers' lock.** While a process writes to the store it holds a shared
   ``flock`` on ``<store>/.writers``; the kernel drops it when the process dies,
   however it dies. When an exclusive lock on that file can be taken, no writer
   is running, and every temporary file is a leftover.
2. **The name.** A temporary file is named ``.tmp-<pid>.<start>.<host>.<random>``:
   the writer's process id, its start time (clock ticks since boot, from
   ``/proc``; ``x`` where that cannot be read) and host name. While other
   writers run, a file from this host is a leftover when no process has that
   id, or the process that has it is a zombie or started at another time (the
   id was reused). A file from another host, or of a name that says nothing
   (an older docwitness's), is judged by the lock alone.

A file that is not proved a leftover is treated as a write in progress and is
never removed.
"""

from __future__ import annotations

import fcntl
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path

from docwitness.lazy_re import lazy

TMP_PREFIX = ".tmp-"
WRITERS = ".writers"

_NAME = lazy(r"^\.tmp-(\d+)\.(\d+|x)\.([A-Za-z0-9-]*)\.")


@dataclass(frozen=True, slots=True)
class Leftover:
    """A temporary file left by a writer that is gone."""

    path: str
    size: int
    owner: str  # "pid 1234" when the name says, else "unknown"

    def __str__(self) -> str:
        return f"{self.path} ({self.size} bytes, written by {self.owner})"


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:40]


def _stat(pid: int) -> tuple[str, str] | None:
    """A process's state letter and start time, from ``/proc``; None where unreadable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return fields[0], fields[19]


def own_prefix() -> str:
    """The prefix of this process's temporary files."""
    pid = os.getpid()
    stat = _stat(pid)
    return f"{TMP_PREFIX}{pid}.{stat[1] if stat else 'x'}.{_host()}."


def owner_of(name: str) -> str:
    m = _NAME.match(name)
    return f"pid {m.group(1)}" if m else "unknown"


def owner_is_gone(name: str) -> bool:
    """True when the name proves its writer is dead (rule 2); False when it is alive
    or the name cannot tell."""
    m = _NAME.match(name)
    if m is None or m.group(3) != _host():
        return False
    pid, start = int(m.group(1)), m.group(2)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # a process of another user has this id
    except OSError:
        return False
    stat = _stat(pid)
    if stat is None:
        return False
    state, started = stat
    return state == "Z" or (start != "x" and started != start)


def temporary_files(root: Path) -> list[Path]:
    """Every temporary file under the store, in order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob(TMP_PREFIX + "*") if p.is_file())


def try_exclusive(fd: int) -> bool:
    """Take the writers' lock exclusively if no writer holds it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def classify(paths: list[Path], alone: bool) -> tuple[list[Leftover], list[str]]:
    """Split temporary files into leftovers and writes in progress. ``alone``: no
    writer holds the writers' lock (rule 1)."""
    leftovers: list[Leftover] = []
    writing: list[str] = []
    for path in paths:
        if alone or owner_is_gone(path.name):
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                continue  # renamed into place or removed meanwhile
            leftovers.append(Leftover(str(path), size, owner_of(path.name)))
        else:
            writing.append(str(path))
    return leftovers, writing


def remove(leftovers: list[Leftover]) -> list[Leftover]:
    """Remove leftovers (temporary files only); those actually removed."""
    removed: list[Leftover] = []
    for leftover in leftovers:
        path = Path(leftover.path)
        if not path.name.startswith(TMP_PREFIX):  # never anything but a temporary file
            continue
        try:
            path.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove: it stays listed
        removed.append(leftover)
    return removed
