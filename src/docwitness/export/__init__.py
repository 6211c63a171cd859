"""Exports: the evidence and the collation in the formats archives use.

One module per format, each a function of the store and the catalogues'
documents:

- :mod:`~docwitness.export.warc_file`: every capture as one WARC/1.1 file,
- :mod:`~docwitness.export.wacz_file`: the same packaged as WACZ 1.1 (``wacz``),
- :mod:`~docwitness.export.bag`: a BagIt 1.0 bag of the raw captures, their
  WARC, the texts and the reports (``bagit``), and :func:`bag.validate`,
- :mod:`~docwitness.export.tei`: a TEI P5 document with a parallel-segmentation
  apparatus built from the collation.

This stage comes after the report: a bag carries the JSON and HTML reports.
Every export is written to a temporary file or folder beside its destination
and renamed into place, so a failed export leaves nothing half-written.
:data:`EXPORTS` names the formats ``docwitness export`` takes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docwitness.errors import UsageError
from docwitness.specs import DocumentSpec

EXPORTS: dict[str, str] = {
    "warc": "every capture of the document(s) as one WARC/1.1 file (.warc.gz)",
    "wacz": "the WARC packaged as WACZ 1.1, with its index and page list (.wacz)",
    "bag": "a BagIt 1.0 bag: raw captures, WARC, texts and reports (a folder)",
    "tei": "a TEI P5 document: the witnesses and a parallel-segmentation apparatus (.xml)",
}


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: where, and a one-line summary of what it holds."""

    path: Path
    summary: str


def select_documents(documents: list[DocumentSpec], wanted: str | None) -> list[DocumentSpec]:
    """The catalogue documents an export covers: the one named, or all."""
    if wanted is None:
        return documents
    chosen = [d for d in documents if d.id == wanted]
    if not chosen:
        known = ", ".join(d.id for d in documents) or "none"
        raise UsageError(f"no document {wanted!r} in the catalogues (known: {known})")
    return chosen


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to it when the block ends without error
    (and removed when it does not)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def need(module: str) -> None:
    """Say how to install the ``archive`` extra when ``module`` is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise UsageError(
            f"this export needs the {module!r} package: pip install 'docwitness[archive]'"
        )
