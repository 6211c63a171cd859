"""Reports: one module per output format, all rendered from one :class:`~docwitness.model.Report`.

Each format registers a class in :data:`REPORTERS` whose ``render`` returns the
whole output as a string (and which may have a ``join`` for several reports in
one output). The JSON form (``docwitness.report/1``) is the contract; the
others are views of it. The results of the store's commands (fetch, log,
verify) are rendered by :mod:`docwitness.report.results`.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from docwitness.errors import UsageError
from docwitness.model import Finding, Report
from docwitness.registry import Registry

# The findings the terminal, Markdown and GitHub views list per witness before they say
# how many more there are (``--max-findings``; 0 lists them all). JSON and HTML list all.
MAX_FINDINGS = 50


class Reporter(Protocol):
    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = MAX_FINDINGS,
    ) -> str: ...


REPORTERS: Registry[Reporter] = Registry("report format")


def reporter_for(format: str) -> type[Reporter]:
    """The reporter registered as ``format``. A format is looked for first in the
    module of its own name (``json`` in ``report/json.py``), so that a command
    imports the one view it writes; any other name loads them all."""
    if format not in REPORTERS and format.isidentifier() and not format.startswith("_"):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"{__name__}.{format}")
    if format not in REPORTERS:
        _load_formats()
    return REPORTERS.get(format)


def is_format(format: object) -> bool:
    """Whether ``format`` names a report format (read as :func:`reporter_for` reads it)."""
    if not isinstance(format, str):
        return False
    try:
        reporter_for(format)
    except UsageError:
        return False
    return True


@functools.cache
def _load_formats() -> None:
    # Every module here is imported for its registration, so that the registry is
    # the one list of formats; each is small and imports nothing heavy.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def render(
    report: Report,
    format: str,
    *,
    show_formal: bool = False,
    color: bool = False,
    max_findings: int = MAX_FINDINGS,
) -> str:
    """Render ``report`` in ``format``, one of :func:`formats`; the views that list
    findings line by line list at most ``max_findings`` per witness (0: all)."""
    reporter = reporter_for(format)()
    return _render(reporter, report, show_formal, color, max_findings)


def _render(
    reporter: Reporter,
    report: Report,
    show_formal: bool,
    color: bool,
    max_findings: int,
    indent: int | None = 2,
) -> str:
    """One report through one reporter. The options only some formats have
    (``max_findings``, ``indent``) are passed to a reporter whose ``render`` takes
    them; one written before they existed is called without them."""
    takes = inspect.signature(reporter.render).parameters
    options: dict[str, Any] = {}
    if "max_findings" in takes:
        options["max_findings"] = max_findings
    if "indent" in takes:
        options["indent"] = indent
    return reporter.render(report, show_formal=show_formal, color=color, **options)


def render_all(
    reports: Sequence[Report],
    format: str,
    *,
    show_formal: bool = False,
    color: bool = False,
    max_findings: int = MAX_FINDINGS,
    indent: int | None = 2,
) -> str:
    """Several reports as one output: each in turn, one after another, or joined as the
    format joins them (JSON: one array, still one JSON value). ``indent`` is the JSON
    view's (None: compact)."""
    reporter = reporter_for(format)()
    parts = [_render(reporter, r, show_formal, color, max_findings, indent) for r in reports]
    join: Callable[[list[str]], str] | None = getattr(reporter, "join", None)
    if join is not None and len(parts) > 1:
        return join(parts)
    return "\n".join(parts)


def first_findings(
    findings: Sequence[Finding], max_findings: int
) -> tuple[Sequence[Finding], int]:
    """The findings a line-by-line view lists, and how many it leaves out."""
    if max_findings <= 0 or len(findings) <= max_findings:
        return findings, 0
    return findings[:max_findings], len(findings) - max_findings


def more_findings(left: int) -> str:
    """What a view says in place of the findings it leaves out."""
    noun = "finding" if left == 1 else "findings"
    return f"… and {left} more {noun} (use --format json or --max-findings 0)"


def formats() -> list[str]:
    """The names of the report formats, sorted."""
    _load_formats()
    return REPORTERS.names()
