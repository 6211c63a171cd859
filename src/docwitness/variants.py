"""All witnesses at once: the variant table, the lineage and the text to cite.

Kept apart from :mod:`docwitness.model` so that a command comparing two copies never
builds these classes; :class:`~docwitness.model.Report` names them for ``table``,
``lineage`` and ``citation``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class VariantReading:
    """One reading at a variant place, and the witnesses that have it.

    ``tokens`` is the reading as the apparatus holds it: text, and the marks of a
    paragraph break and of where a witness's lacuna starts or ends
    (:data:`docwitness.multi.table.MARKS`); ``text`` is the same with a paragraph
    break as a newline and the lacuna marks left out. ``marks`` names what makes a
    reading unlikely to arise twice by chance: ``site-text`` (a line of a site's
    chrome), ``page-break`` (a paragraph broken mid-sentence), ``encoding`` (a
    replacement character), ``lacuna`` (the witness's text stops or resumes here).
    """

    tokens: tuple[str, ...]
    witnesses: tuple[str, ...]
    substantive: bool
    marks: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(
            "\n" if t == "\x00para" else t for t in self.tokens if not t.startswith("\x00lacuna")
        )


@dataclass(frozen=True, slots=True)
class VariantPlace:
    """A place where the witnesses disagree: ``base`` is ``reference[paragraph][start:end]``.

    The first reading is the reference's (with every witness that agrees with it).
    ``absent`` witnesses have no text here (a lacuna: cut, or a run they lack);
    ``echo`` ones read here what they already read at the place before (the second
    half of two paragraphs merged), so it is not a second difference.
    """

    number: int
    paragraph: int
    start: int
    end: int
    point: str | None
    base: str
    readings: tuple[VariantReading, ...]
    absent: tuple[str, ...] = ()
    echo: tuple[str, ...] = ()

    @property
    def substantive(self) -> bool:
        return any(r.substantive for r in self.readings[1:])

    def reading_of(self, witness: str) -> VariantReading | None:
        return next((r for r in self.readings if witness in r.witnesses), None)


@dataclass(frozen=True, slots=True)
class Stretch:
    """Text of the reference outside every variant place, and who reads it (every
    witness not in a lacuna there)."""

    paragraph: int
    start: int
    end: int
    text: str
    witnesses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VariantTable:
    """Every available witness aligned into one table on the reference's paragraphs.

    ``witnesses`` are the compared ones, the reference first; ``excluded`` maps a
    witness left out of the table to why. ``segments`` runs through the reference
    in order: each a :class:`Stretch` (shared text) or a :class:`VariantPlace`.
    """

    reference: str
    witnesses: tuple[str, ...]
    excluded: dict[str, str]
    places: tuple[VariantPlace, ...]
    segments: tuple[Stretch | VariantPlace, ...] = field(default=(), compare=False)
    official: bool = False


@dataclass(frozen=True, slots=True)
class LineageEdge:
    """One claimed relation between two copies, with the readings it rests on.

    ``relation`` is ``derives`` (``target`` has every unlikely reading of ``source``
    and more of its own: copied from it, or from a copy of it), ``common-source``
    (they share unlikely readings and each has its own) or ``same-text`` (they
    agree at every place, unlikely readings included; ``source`` is the earlier by
    their dates when dates say). ``places`` are the variant places' numbers.
    """

    source: str
    target: str
    relation: str
    shared: int
    places: tuple[int, ...]
    evidence: tuple[str, ...]
    dated: str | None = None


@dataclass(frozen=True, slots=True)
class Lineage:
    """Which copy derives from which: the edges, and what could not be decided.

    ``decided`` is False when the evidence is too thin to draw any edge.
    ``families`` groups the witnesses that derive from one another (copies of one
    source count once); ``dates`` are the dated claims used to order them.
    """

    witnesses: tuple[str, ...]
    edges: tuple[LineageEdge, ...]
    notes: tuple[str, ...]
    families: tuple[tuple[str, ...], ...]
    dates: dict[str, str] = field(default_factory=dict, compare=False)
    decided: bool = False


@dataclass(frozen=True, slots=True)
class CitedPlace:
    """The reading the best-attested text takes at one place, and why: the witnesses
    that read it, how many independent sources they are (``families``: copies of one
    source count once), the other readings and who has them, and ``flags``: ``tie``,
    ``single-witness`` (one copy reads here), ``one-source`` (only copies of one
    source read here), ``no-vote`` (every reading here is site text, damage or a cut).
    A stretch outside the places is listed when it is flagged."""

    place: int | None  # None: a stretch of the reference's text outside every place
    paragraph: int
    start: int
    end: int
    point: str | None
    text: str
    support: tuple[str, ...]
    families: float
    flags: tuple[str, ...]
    others: tuple[tuple[str, tuple[str, ...]], ...]
    last_paragraph: int | None = None  # a run of flagged stretches: where it ends


@dataclass(frozen=True, slots=True)
class Citation:
    """The text to cite: the official copy's, or the best attested by all the copies.

    ``paragraphs`` is the text; ``places`` the reading chosen at each variant place
    (for an official text: the others' divergences); ``closest`` the held copy
    nearest to the text, with ``differences`` places where it reads otherwise.
    """

    official: bool
    paragraphs: tuple[str, ...]
    places: tuple[CitedPlace, ...]
    closest: str | None
    differences: int
    basis: str
    left_out: tuple[int, ...] = ()  # the reference's paragraphs of site text, not in the text
    # Runs of the reference's paragraphs read as one: a paragraph its own checks found
    # broken at a page end (a split), mended in the text.
    mended: tuple[tuple[int, ...], ...] = ()
