"""Bytes → text blocks; one module per format, chosen by name, media type or sniffing.

:data:`~docwitness.formats.EXTRACTORS` is the one list of formats (kept in
:mod:`docwitness.formats`, so that the stages before this one read it too).
The registered classes are light: each imports the module here that does the
work (and that module its parser) on first use, so validating a catalogue or
sniffing a format imports no parser.
"""

from __future__ import annotations

import re
from dataclasses import replace

from docwitness.errors import ExtractionError
from docwitness.formats import _SUFFIXES, EXTRACTORS, MEDIA_TYPES, Extractor, format_of_name
from docwitness.lazy_re import lazy
from docwitness.model import Capture, Extraction

__all__ = [
    "EXTRACTORS",
    "MEDIA_TYPES",
    "Extractor",
    "extract",
    "format_of_name",
    "load_format",
    "markdown_signs",
    "sniff_format",
]


def load_format(name: str) -> type[Extractor]:
    """The extractor registered as ``name``; an unknown name is a UsageError listing the known."""
    return EXTRACTORS.get(name)


def sniff_format(capture: Capture) -> str:
    """The format of a capture: by its bytes first, then its media type, then its name."""
    head = capture.body[:2048].lstrip().lower()
    if capture.body.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        return "html"
    media = (capture.media_type or "").split(";")[0].strip().lower()
    for name, types in MEDIA_TYPES.items():
        if media and media in types:
            return name
    source = capture.source.lower().split("?")[0]
    for suffix, name in _SUFFIXES.items():
        if source.endswith(suffix):
            return name
    return "text"


# What Markdown looks like in a file that does not say it is Markdown (a ".txt" whose
# content an aggregator rendered as Markdown): (sign, pattern over the text).
_MARKDOWN_SIGNS = (
    ("ATX headings", lazy(r"^#{1,6} \S", re.M)),
    ("bold", lazy(r"\*\*[^*\n]+\*\*")),
    ("link syntax", lazy(r"\[[^\]\n]+\]\((?:https?://|/|#)[^)\s]*\)")),
    ("backslash escapes", lazy(r"\\[_*#\[\]`]")),
)
_MARKDOWN_SAMPLE = 200_000


def markdown_signs(body: bytes) -> list[str]:
    """The signs of Markdown in ``body``; two different signs make a text Markdown."""
    text = body[:_MARKDOWN_SAMPLE].decode("utf-8", errors="ignore")
    return [name for name, pattern in _MARKDOWN_SIGNS if pattern.search(text)]


def extract(capture: Capture, format: str | None = None, select: str | None = None) -> Extraction:
    """Extract ``capture`` as ``format`` (sniffed when None).

    A copy sniffed as plain text whose content is plainly Markdown (two different
    signs: ATX headings, bold, link syntax, backslash escapes) is read as Markdown,
    and the extraction's warnings say so and why ("format: …").
    """
    if not capture.body:
        raise ExtractionError(capture.source, "the copy is empty (0 bytes)")
    name = format or sniff_format(capture)
    said: tuple[str, ...] = ()
    if format is None and name == "text":
        signs = markdown_signs(capture.body)
        if len(signs) >= 2:
            name = "markdown"
            said = (f"format: read as markdown, sniffed by its content ({', '.join(signs)})",)
    extractor = load_format(name)()
    extraction = extractor.extract(capture, select)
    # No text at all is an error, unless the extractor says why it cannot be read (a
    # scan): that copy is kept and reported unreliable.
    unreadable = any(w.startswith("unreliable-text-layer:") for w in extraction.warnings)
    if not unreadable and not any(b.text.strip() for b in extraction.blocks):
        raise ExtractionError(capture.source, f"no text found ({name})")
    return replace(extraction, warnings=extraction.warnings + said) if said else extraction
