"""What a catalogue says of a document and its copies: :class:`DocumentSpec` and
:class:`WitnessSpec`, read by :mod:`docwitness.catalogue`.

Kept apart from :mod:`docwitness.model` so that a command comparing files named on
its command line (``diff``, ``inspect``) never builds these classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WitnessSpec:
    """One copy of a document, as the catalogue describes it."""

    id: str
    role: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: Path | None = None
    format: str | None = None
    select: str | None = None
    script: str | None = None
    published: str | None = None
    wayback: str | None = None
    next: str | None = None
    max_pages: int | None = None
    # A record of a WARC or WACZ file (``warc``) taken by its URL (``url``/``urls``),
    # the one nearest ``captured`` when the file holds several.
    warc: Path | None = None
    captured: str | None = None

    @property
    def location(self) -> str:
        """Where the copy is read from: the local path (a file, or the WARC or WACZ
        holding it) if there is one, else the URL."""
        if self.path is not None:
            return str(self.path)
        if self.warc is not None:
            return str(self.warc)
        if self.urls:
            return self.urls[0]
        return self.url or ""

    @property
    def origin(self) -> str | None:
        """The URL the copy came from, if known (for a local copy, its ``url`` key)."""
        if self.urls:
            return self.urls[0]
        return self.url

    @property
    def local(self) -> bool:
        """Whether the copy is read from this machine (a file, or a WARC or WACZ file),
        so ``--offline`` still captures it."""
        return self.path is not None or self.warc is not None


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A document and its witnesses, from one catalogue file."""

    id: str
    title: str
    language: str
    witnesses: tuple[WitnessSpec, ...]
    catalogue: Path
    reference: str | None = None

    def witness(self, witness_id: str) -> WitnessSpec:
        for w in self.witnesses:
            if w.id == witness_id:
                return w
        raise KeyError(witness_id)
