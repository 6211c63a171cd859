"""The command line run as a user runs it: ``python -m docwitness`` in a process of its own.

For the tests whose point is the whole process (exit code, stderr, nothing left
behind, a hang that only a timeout would end); the rest call ``docwitness.cli.main``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def docwitness(
    *args: str,
    cwd: Path | None = None,
    timeout: float = 60,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``docwitness ARGS`` as a process; ``timeout`` is a hang guard, not a measurement."""
    return subprocess.run(
        [sys.executable, "-m", "docwitness", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=preexec_fn,
    )
