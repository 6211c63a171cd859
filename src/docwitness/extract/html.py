"""HTML copies (placeholder until the HTML extractor lands: reports that it is not available)."""

from __future__ import annotations

from docwitness.errors import ExtractionError
from docwitness.extract import EXTRACTORS
from docwitness.model import Capture, Extraction


@EXTRACTORS.register("html")
class HtmlExtractor:
    """HTML: not yet supported by this version of docwitness."""

    media_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        raise ExtractionError(capture.source, "HTML extraction is not available in this version")
