"""Reports: one module per output format, all rendered from one :class:`~docwitness.model.Report`.

Each format registers a class in :data:`REPORTERS` whose ``render`` returns the
whole output as a string. The JSON form (``docwitness.report/1``) is the
contract; the others are views of it.
"""

from __future__ import annotations

from typing import Protocol

from docwitness.model import Report
from docwitness.registry import Registry


class Reporter(Protocol):
    def render(self, report: Report, *, show_formal: bool = False, color: bool = False) -> str: ...


REPORTERS: Registry[Reporter] = Registry("report format")


def _load_formats() -> None:
    # Imported for their registration; each module is small and imports nothing heavy.
    import importlib

    for name in ("json", "text", "markdown", "html", "github"):
        try:
            importlib.import_module(f"docwitness.report.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"docwitness.report.{name}":
                raise


def render(report: Report, format: str, *, show_formal: bool = False, color: bool = False) -> str:
    """Render ``report`` in ``format`` (text, json, markdown, html, github)."""
    _load_formats()
    reporter = REPORTERS.get(format)()
    return reporter.render(report, show_formal=show_formal, color=color)


def formats() -> list[str]:
    _load_formats()
    return REPORTERS.names()
