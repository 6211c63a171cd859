"""Reports: one module per output format, all rendered from one :class:`~docwitness.model.Report`.

Each format registers a class in :data:`REPORTERS` whose ``render`` returns the
whole output as a string (and which may have a ``join`` for several reports in
one output). The JSON form (``docwitness.report/1``) is the contract; the
others are views of it. The results of the store's commands (fetch, log,
verify) are rendered by :mod:`docwitness.report.results`.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from typing import Protocol

from docwitness.model import Report
from docwitness.registry import Registry


class Reporter(Protocol):
    def render(self, report: Report, *, show_formal: bool = False, color: bool = False) -> str: ...


REPORTERS: Registry[Reporter] = Registry("report format")


@functools.cache
def _load_formats() -> None:
    # Every module here is imported for its registration, so that the registry is
    # the one list of formats; each is small and imports nothing heavy.
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def render(report: Report, format: str, *, show_formal: bool = False, color: bool = False) -> str:
    """Render ``report`` in ``format``, one of :func:`formats`."""
    _load_formats()
    reporter = REPORTERS.get(format)()
    return reporter.render(report, show_formal=show_formal, color=color)


def render_all(
    reports: Sequence[Report], format: str, *, show_formal: bool = False, color: bool = False
) -> str:
    """Several reports as one output: each in turn, one after another, or joined as the
    format joins them (JSON: one array, still one JSON value)."""
    _load_formats()
    reporter = REPORTERS.get(format)()
    parts = [reporter.render(r, show_formal=show_formal, color=color) for r in reports]
    join: Callable[[list[str]], str] | None = getattr(reporter, "join", None)
    if join is not None and len(parts) > 1:
        return join(parts)
    return "\n".join(parts)


def formats() -> list[str]:
    """The names of the report formats, sorted."""
    _load_formats()
    return REPORTERS.names()
