"""Bytes → text blocks; one module per format, chosen by name, media type or sniffing.

Every extractor is registered in :data:`EXTRACTORS` under its format name, and
takes a :class:`~docwitness.model.Capture` (plus the witness's ``select``
selector, used by HTML) to an :class:`~docwitness.model.Extraction`.
"""

from __future__ import annotations

from typing import Protocol

from docwitness.errors import ExtractionError
from docwitness.model import Capture, Extraction
from docwitness.registry import Registry


class Extractor(Protocol):
    media_types: tuple[str, ...]

    def extract(self, capture: Capture, select: str | None = None) -> Extraction: ...


EXTRACTORS: Registry[Extractor] = Registry("format")

_SUFFIXES = {
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
}


def sniff_format(capture: Capture) -> str:
    """The format of a capture: by its bytes first, then its media type, then its name."""
    head = capture.body[:2048].lstrip().lower()
    if capture.body.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    media = (capture.media_type or "").split(";")[0].strip().lower()
    for name, cls in EXTRACTORS.items():
        if media and media in cls.media_types:
            return name
    source = capture.source.lower().split("?")[0]
    for suffix, name in _SUFFIXES.items():
        if source.endswith(suffix):
            return name
    return "text"


def extract(capture: Capture, format: str | None = None, select: str | None = None) -> Extraction:
    """Extract ``capture`` as ``format`` (sniffed when None)."""
    # Import the format modules so they register; each imports its heavy library lazily.
    from docwitness.extract import html, markdown, pdf, text  # noqa: F401

    if not capture.body:
        raise ExtractionError(capture.source, "the copy is empty (0 bytes)")
    name = format or sniff_format(capture)
    extractor = EXTRACTORS.get(name)()
    extraction = extractor.extract(capture, select)
    if not any(b.text.strip() for b in extraction.blocks):
        raise ExtractionError(capture.source, f"no text found ({name})")
    return extraction
