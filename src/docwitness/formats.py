"""The formats a copy can be read as: the one list of them, with their media types and suffixes.

:data:`EXTRACTORS` is the registry of formats. Each registered class names its
format's media types and file suffixes, says in its docstring what it extracts,
and takes a :class:`~docwitness.model.Capture` (plus the witness's ``select``
selector, used by HTML) to an :class:`~docwitness.model.Extraction`. The
classes are light: each imports the module of :mod:`docwitness.extract` that
does the work (and that module its parser) on first use. The list lives apart
from the extract stage so that the stages before it (the catalogue's checks,
capture's media-type guess) read it without depending on extraction.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import ClassVar, Protocol, TypeVar

from docwitness.model import Capture, Extraction
from docwitness.registry import Registry


class Extractor(Protocol):
    media_types: tuple[str, ...]
    suffixes: tuple[str, ...]

    def extract(self, capture: Capture, select: str | None = None) -> Extraction: ...


class _Work(Protocol):
    def extract(self, capture: Capture, select: str | None = None) -> Extraction: ...


EXTRACTORS: Registry[Extractor] = Registry("format")


class _Deferred:
    """A format whose extraction lives in another module, imported on first use."""

    media_types: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    work = ""  # "module:Class" of the class that does the extraction

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        module, _, name = self.work.partition(":")
        cls: type[_Work] = getattr(importlib.import_module(module), name)
        return cls().extract(capture, select)


@EXTRACTORS.register("html")
class HtmlFormat(_Deferred):
    """HTML: the article's paragraphs, site chrome and editorial framing set aside and listed."""

    media_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    suffixes: tuple[str, ...] = (".html", ".htm", ".shtml", ".xhtml")
    suffix_media_types: ClassVar[dict[str, str]] = {".xhtml": "application/xhtml+xml"}
    work = "docwitness.extract.html:HtmlExtractor"


@EXTRACTORS.register("pdf")
class PdfFormat(_Deferred):
    """PDF: paragraphs rebuilt from lines, running headers, footers and page numbers removed."""

    media_types: tuple[str, ...] = ("application/pdf",)
    suffixes: tuple[str, ...] = (".pdf",)
    work = "docwitness.extract.pdf:PdfExtractor"


@EXTRACTORS.register("markdown")
class MarkdownFormat(_Deferred):
    """Markdown: headings and paragraphs, markup and link syntax removed, list numbers kept."""

    media_types: tuple[str, ...] = ("text/markdown", "text/x-markdown")
    suffixes: tuple[str, ...] = (".md", ".markdown")
    work = "docwitness.extract.markdown:MarkdownExtractor"


@EXTRACTORS.register("text")
class TextFormat(_Deferred):
    """Plain text: paragraphs split at blank lines, or one per line when there are none."""

    media_types: tuple[str, ...] = ("text/plain",)
    suffixes: tuple[str, ...] = (".txt", ".text")
    work = "docwitness.extract.text:TextExtractor"


K = TypeVar("K")
V = TypeVar("V")


class _View(Mapping[K, V]):
    """A mapping read afresh from the registry each time, so it never disagrees with it."""

    def __init__(self, build: Callable[[], dict[K, V]]) -> None:
        self._build = build

    def __getitem__(self, key: K) -> V:
        return self._build()[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._build())

    def __len__(self) -> int:
        return len(self._build())


# The registry seen as sniffing reads it: media types by format, format by suffix.
MEDIA_TYPES: Mapping[str, tuple[str, ...]] = _View(
    lambda: {name: cls.media_types for name, cls in EXTRACTORS.items()}
)
_SUFFIXES: Mapping[str, str] = _View(
    lambda: {suffix: name for name, cls in EXTRACTORS.items() for suffix in cls.suffixes}
)


def format_of_name(name: str) -> str | None:
    """The format whose file suffix ``name`` (a file name or URL path) ends with, or None."""
    lowered = name.lower()
    return next((fmt for suffix, fmt in _SUFFIXES.items() if lowered.endswith(suffix)), None)
