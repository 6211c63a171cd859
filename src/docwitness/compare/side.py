"""One copy as the comparison reads it: its paragraphs and the framing of each.

:func:`side` reads every paragraph's framing once (:func:`docwitness.rules.frames`);
the alignment takes the paragraphs that are the document's text (:meth:`Side.aligned`)
on their cores, with glued datelines and labels taken off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from docwitness.model import Document, Paragraph
from docwitness.rules import Frame, frame, frames


@dataclass(frozen=True, slots=True)
class Side:
    """One copy as the comparison reads it: its paragraphs and their framing."""

    doc: Document
    frames: tuple[Frame, ...]

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return self.doc.paragraphs

    def boilerplate(self, i: int) -> bool:
        return self.frames[i].rule not in (None, "heading-echo")

    def core(self, i: int) -> str:
        return self.frames[i].core

    def raw_core(self, i: int) -> str:
        """The paragraph as extracted, with the same glued framing taken off."""
        p, f = self.paragraphs[i], self.frames[i]
        if not f.pieces:
            return p.raw
        return frame(p.raw.strip(), opening=True).core

    def aligned(self) -> list[int]:
        """The paragraphs that take part in the alignment: all but site text and framing,
        and but a labelled heading echo when the copy has the title itself too. The
        rest are placed among the links afterwards, so a page number or a running
        header between the pieces of a split paragraph does not hide the split."""
        plain = {f.core for f in self.frames if f.rule is None}
        return [
            i
            for i, f in enumerate(self.frames)
            if f.rule is None or (f.rule == "heading-echo" and f.core not in plain)
        ]


def side(doc: Document, framed: Sequence[Frame] | None = None) -> Side:
    """``doc`` read for comparison (``framed`` when its frames are already known)."""
    return Side(doc, tuple(framed) if framed is not None else tuple(frames(_texts(doc))))


def _texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]
