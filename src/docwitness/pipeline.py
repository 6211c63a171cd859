"""The library's front door: load, fetch, collate, inspect, verify.

Every command of the CLI is a call here, so each is usable and testable from
Python. Nothing here prints or exits.
"""

from __future__ import annotations

from pathlib import Path

from docwitness.errors import CaptureError, UsageError
from docwitness.extract import extract
from docwitness.fetch.file import capture_file
from docwitness.model import Capture, Document
from docwitness.normalise import build_document


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def document_from_capture(
    capture: Capture, witness: str, format: str | None = None, select: str | None = None
) -> Document:
    """Extract and normalise one capture into a :class:`Document`."""
    extraction = extract(capture, format=format, select=select)
    return build_document(witness, capture.source, capture.sha256, extraction)


def load_copy(
    location: str, format: str | None = None, select: str | None = None, witness: str | None = None
) -> Document:
    """A copy named on the command line (a path, or a URL) as a :class:`Document`."""
    if is_url(location):
        from docwitness.fetch import capture_url

        captures = capture_url(location)
        if len(captures) != 1:
            raise UsageError(f"{location}: a copy of several pages needs a catalogue entry")
        capture = captures[0]
    else:
        if not location:
            raise CaptureError(location, "empty path")
        capture = capture_file(Path(location))
    return document_from_capture(capture, witness or Path(location).name, format, select)
