"""Extracted text → canonical paragraphs, through a named, versioned profile.

The canonical form (profile ``canonical/1``) is chosen so that copies which
differ only in how they were typed or rendered compare equal:

* Unicode NFC; BOM, zero-width characters and soft hyphens removed;
* Traditional script converted to Simplified with OpenCC (``t2s``);
* full-width ASCII forms (U+FF01–U+FF5E: ，：；（）！？ …) folded to ASCII, the
  ideographic space to a space; 。、《》 and other CJK punctuation kept;
* every double quote (“ ” „ « » 「 」 " ＂) written ``"``, every single quote
  (‘ ’ 『 』 ') written ``'``;
* runs of white space collapsed to one space, leading and trailing space
  (U+3000 indentation included) dropped, and no space kept next to a CJK
  character (PDF extraction and re-typing insert them between Han characters).

Each paragraph keeps its raw (extracted) text beside the canonical text, and
gets its own digest. A document gets three digests: raw bytes, extracted text,
canonical text.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from docwitness.lazy_re import lazy
from docwitness.model import (
    Block,
    Capture,
    Digests,
    Document,
    Extraction,
    Paragraph,
    from_columns,
    sha256_lines,
    sha256_text,
)
from docwitness.outline import assign_points

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad\u180e"), None)
_WIDTH: dict[int, int | str] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20
_QUOTES: dict[int, int | str] = {ord(c): '"' for c in "“”„‟«»「」〝〞\u301f＂"}
_QUOTES.update({ord(c): "'" for c in "‘’‚‛『』＇"})
_FOLD: dict[int, int | str] = {**_WIDTH, **_QUOTES}  # quotes win over the width map for ＂ and ＇

# Folding by a regex touches only the few characters that fold; str.translate with a
# dict looks up every character of a Chinese text, two to three times slower.
_FOLD_RE = re.compile("[" + re.escape("".join(map(chr, _FOLD))) + "]")
_FOLD_STR = {chr(k): v if isinstance(v, str) else chr(v) for k, v in _FOLD.items()}


def _fold(m: re.Match[str]) -> str:
    return _FOLD_STR[m.group()]


# The marks a Chinese text is full of are replaced by str.replace, each in one C-speed
# pass (a paragraph holds a few of them a dozen times: calling back into Python for
# each was a third of normalisation); the rarer folds go through the class.
_COMMON_FOLDS = tuple((c, _FOLD_STR[c]) for c in "，：；（）！？“”‘’「」『』")


def _fold_text(text: str) -> str:
    for c, to in _COMMON_FOLDS:
        if c in text:
            text = text.replace(c, to)
    return _FOLD_RE.sub(_fold, text) if _FOLD_RE.search(text) else text


_CJK = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff"
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    r"\U00020000-\U0003134f"
)
_ASCII_PUNCT = r"!-/:-@\[-`{-~"


# A space next to a CJK character, or between a CJK character and ASCII
# punctuation that stands in for a full-width mark ("认为, 1970" as typed). The class
# of CJK ranges takes milliseconds to compile, so it is compiled for the text with
# many spaces (Latin or Cyrillic script) only; a few spaces are looked at one by one.
_SPACE_NEXT_TO_CJK = lazy(
    rf"(?<=[{_CJK}]) | (?=[{_CJK}])|(?<=[{_CJK}][{_ASCII_PUNCT}]) | (?=[{_ASCII_PUNCT}][{_CJK}])"
)


_CJK_RANGES = tuple(
    (chr(int(lo, 16)), chr(int(hi or lo, 16)))
    for lo, hi in re.findall(r"\\[uU]([0-9a-f]+)(?:-\\[uU]([0-9a-f]+))?", _CJK)
)
_FEW_SPACES = 24


def _is_cjk(c: str) -> bool:
    return any(lo <= c <= hi for lo, hi in _CJK_RANGES)


def _is_ascii_punct(c: str) -> bool:
    return "!" <= c <= "/" or ":" <= c <= "@" or "[" <= c <= "`" or "{" <= c <= "~"


def _drop_spaces_next_to_cjk(text: str) -> str:
    """``text`` (single spaces, stripped) without the spaces next to CJK characters."""
    if text.count(" ") > _FEW_SPACES:
        return _SPACE_NEXT_TO_CJK.sub("", text)
    pieces: list[str] = []
    start, n = 0, len(text)
    i = text.find(" ")
    while i >= 0:
        before, after = text[i - 1] if i else "", text[i + 1] if i + 1 < n else ""
        if (
            (before and _is_cjk(before))
            or (after and _is_cjk(after))
            or (i >= 2 and _is_ascii_punct(before) and _is_cjk(text[i - 2]))
            or (i + 2 < n and after and _is_ascii_punct(after) and _is_cjk(text[i + 2]))
        ):
            pieces.append(text[start:i])
            start = i + 1
        i = text.find(" ", i + 1)
    pieces.append(text[start:])
    return "".join(pieces)


_WHITESPACE = re.compile(r"\s+")


def to_simplified(text: str) -> str:
    """Traditional → Simplified, phrase by phrase (OpenCC ``t2s``).

    A text holding nothing that ``t2s`` could change is returned as it is, without
    OpenCC (most Simplified paragraphs: it is then not even imported).
    """
    if not text or text.isascii():
        return text
    triggers = _t2s_triggers()
    if triggers is not None and not triggers.may_change(text):
        return text
    return str(_converter("t2s").convert(text))


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _T2sTriggers:
    """What can make ``t2s`` change a text (:mod:`docwitness._t2s_starts`): a character
    that changes alone, or one of a few phrases whose characters do not.

    Looking a text's characters up in a set costs nothing to set up; a class of Basic
    Multilingual Plane characters is a bitmap, searched ten times faster, but takes
    milliseconds to compile. So the set serves until some 100,000 characters have
    been read (a statement), and the class after that (a long copy)."""

    _SWITCH = 100_000

    def __init__(self, alone: str, phrases: dict[str, tuple[str, ...]]) -> None:
        self.alone = frozenset(alone)
        self.phrases = phrases  # a character → the changing phrases it stands in
        self.starts = self.alone | self.phrases.keys()
        self._read = 0
        self._bmp: re.Pattern[str] | None = None
        self._astral = frozenset(c for c in self.starts if ord(c) >= 0x10000)

    def may_change(self, text: str) -> bool:
        if self._bmp is None:
            self._read += len(text)
            if self._read > self._SWITCH:
                bmp = "".join(sorted(c for c in self.starts if ord(c) < 0x10000))
                self._bmp = re.compile("[" + re.escape(bmp) + "]")
        if (
            self._bmp is not None
            and self._bmp.search(text) is None
            and (_ASTRAL.search(text) is None or self._astral.isdisjoint(text))
        ):
            return False
        hits = self.starts.intersection(text)
        if not hits:
            return False
        if not self.alone.isdisjoint(hits):
            return True
        return any(p in text for c in hits for p in self.phrases[c])


@functools.cache
def _t2s_triggers() -> _T2sTriggers | None:
    """What can make ``t2s`` change a text; None when the installed OpenCC's
    dictionaries are not those the table was made from (then every text is
    converted)."""
    import hashlib
    import importlib.util
    from pathlib import Path

    from docwitness import _t2s_starts as table

    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        return None
    share = Path(next(iter(spec.submodule_search_locations))) / "clib" / "share" / "opencc"
    h = hashlib.sha256()
    try:
        for name in table.FILES:
            h.update(name.encode() + b"\0" + (share / name).read_bytes())
    except OSError:
        return None
    if h.hexdigest() != table.DICTIONARIES:
        return None
    return _T2sTriggers(table.ALONE, table.PHRASES)


# Conversions between the scripts, with the Taiwan and Hong Kong tables: plain t2s
# leaves 著 alone (it is also a Simplified character), tw2s writes 本著 as 本着; the
# Taiwan phrase tables (s2twp, tw2sp) carry the words a Taiwan copy writes otherwise.
SCRIPT_CONVERSIONS = ("t2s", "tw2s", "hk2s", "tw2sp", "s2t", "s2tw", "s2hk", "s2twp")


@functools.cache
def _converter(config: str) -> Any:
    import opencc  # imported here: a second of start-up that most commands need once

    return opencc.OpenCC(config)


def script_forms(text: str) -> frozenset[str]:
    """``text`` and what it becomes in each script conversion."""
    if text.isascii():
        return frozenset((text,))
    return frozenset((text, *(str(_converter(c).convert(text)) for c in SCRIPT_CONVERSIONS)))


def same_in_script(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one reading written in two scripts: converting either
    into the other's script (Simplified, Traditional, Taiwan or Hong Kong) makes them equal."""
    return a == b or bool(script_forms(a) & script_forms(b))


def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace()).translate(_INVISIBLE)


def _width(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_WIDTH)


def _quotes(text: str) -> str:
    return text.translate(_QUOTES)


@dataclass(frozen=True, slots=True)
class Profile:
    """A normalisation profile: its name and version are recorded with every document.

    ``folds`` names each step the profile takes, with a function doing that step
    alone: :meth:`reasons` uses them to say why two readings with one canonical
    form differ, from the same tables :func:`normalise_text` applies.
    """

    name: str
    version: int
    folds: tuple[tuple[str, Callable[[str], str]], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.name}/{self.version}"

    def reasons(self, a: str, b: str) -> str:
        """Why two readings differ once folded: the folds needed, "+"-joined.

        A fold is needed when applying all the others still leaves the readings
        apart; none singled out is "other".
        """
        needed = []
        for name, _ in self.folds:
            x, y = a, b
            for other, fold in self.folds:
                if other != name:
                    x, y = fold(x), fold(y)
            if x != y:
                needed.append(name)
        return "+".join(needed) if needed else "other"


PROFILE = Profile(
    "canonical",
    1,
    folds=(
        ("whitespace", _no_space),
        ("width", _width),
        ("quotes", _quotes),
        ("script", to_simplified),
    ),
)


def normalise_text(raw: str) -> str:
    """The canonical form of one paragraph's text (profile ``canonical/1``)."""
    text = unicodedata.normalize("NFC", raw)
    # Invisible characters and every space but " " are "not printable": one C-speed
    # test spares most paragraphs the slower steps.
    if not text.isprintable():
        text = text.translate(_INVISIBLE)
    text = _spaces(to_simplified(text))
    # Spaces go before the width fold, while "，" still reads as CJK; the fold can
    # make new ones (U+3000), so spaces are settled again after it.
    return _spaces(_fold_text(text))


def normalise_texts(raws: list[str]) -> list[str]:
    """:func:`normalise_text` of each of ``raws``, in order: the same texts, made in
    a few passes over all of them where that is the same as one by one.

    The paragraphs are joined by newlines (when none holds one). NFC and the folds are
    the same over the joined text as over each paragraph: a newline is never composed
    with its neighbours nor folded. Where a paragraph holds no whitespace, nothing
    unprintable and nothing ``t2s`` changes, the other steps leave it alone; so those
    paragraphs are NFC-normalised and folded together, the others one by one. Most
    paragraphs of a Chinese copy are of the first kind, and it was per-paragraph
    calls, not the steps, that took the time."""
    if len(raws) < 2:
        return [normalise_text(r) for r in raws]
    joined = "\n".join(raws)
    if joined.count("\n") != len(raws) - 1:  # a paragraph holding a newline
        return [normalise_text(r) for r in raws]
    nfc = unicodedata.normalize("NFC", joined)
    # The test that picks the paragraphs for one-by-one: any space, anything
    # unprintable (every other whitespace and the invisible characters are), or a
    # character or phrase t2s changes.
    triggers = _t2s_triggers()
    plain = " " not in nfc and nfc.replace("\n", "").isprintable()
    if plain and ((triggers is not None and not triggers.may_change(nfc)) or nfc.isascii()):
        return _fold_text(nfc).split("\n")
    pieces = nfc.split("\n")
    if len(pieces) != len(raws):  # (a guard: a newline composes with nothing)
        return [normalise_text(r) for r in raws]
    easy: list[int] = []
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if (
            " " in piece
            or not piece.isprintable()
            or (triggers is None and not piece.isascii())
            or (triggers is not None and triggers.may_change(piece))
        ):
            out.append(normalise_text(piece))
        else:
            easy.append(i)
            out.append(piece)
    if easy:
        folded = _fold_text("\n".join(out[i] for i in easy)).split("\n")
        for i, text in zip(easy, folded, strict=True):
            out[i] = text
    return out


def _spaces(text: str) -> str:
    # Guarded: most Chinese paragraphs hold no space at all, and these regexes are slow.
    if "  " in text or not text.isprintable():
        text = _WHITESPACE.sub(" ", text)
    text = text.strip()
    return _drop_spaces_next_to_cjk(text) if " " in text else text


class _Shared:
    """Paragraph texts already normalised: raw text → (canonical text, its digest, the
    raw text first met: the copies' paragraphs hold one string for each)."""

    __slots__ = ("chars", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, tuple[str, str, str]] = {}
        self.chars = 0


_SHARED: ContextVar[_Shared | None] = ContextVar("docwitness_shared_paragraphs", default=None)
_SHARED_CHARS = 8_000_000  # at most this much raw text is kept


@contextlib.contextmanager
def shared_paragraphs() -> Iterator[None]:
    """Within the block, a paragraph text met again (in this thread) is normalised once.

    The copies of one document share most of their paragraphs, and a paragraph's
    canonical form is a function of its text alone: ``fetch`` reads a document's
    copies inside one such block. At most 8 million characters are kept."""
    token = _SHARED.set(_Shared())
    try:
        yield
    finally:
        _SHARED.reset(token)


def canonical_paragraphs(blocks: Sequence[Block]) -> tuple[Paragraph, ...]:
    """Blocks → canonical paragraphs; blocks that normalise to nothing are dropped."""
    shared = _SHARED.get()
    seen = shared.texts if shared is not None else {}
    raws = [b.text for b in blocks]
    todo = [raw for raw in raws if raw not in seen] if seen else raws
    made = dict(zip(todo, normalise_texts(todo), strict=True))
    kept: list[tuple[Block, str, str, str]] = []
    for block, raw in zip(blocks, raws, strict=True):
        known = seen.get(raw)
        if known is None:
            text = made[raw]
            known = (text, sha256_text(text) if text else "", raw)
            if shared is not None and shared.chars < _SHARED_CHARS:
                seen[raw] = known
                shared.chars += len(raw)
        if known[0]:
            kept.append((block, *known))
    texts = [k[1] for k in kept]
    kinds = [k[0].kind for k in kept]
    markers, points = zip(*assign_points(texts, kinds), strict=True) if kept else ((), ())
    return from_columns(
        Paragraph, range(len(kept)), [k[3] for k in kept], texts, [k[2] for k in kept],
        kinds, markers, points, [k[0].page for k in kept],
    )


def build_document(
    witness_id: str, source: str, raw_sha256: str, extraction: Extraction
) -> Document:
    """Assemble a :class:`Document` from an extraction of the capture ``raw_sha256``."""
    paragraphs = canonical_paragraphs(extraction.blocks)
    return Document(
        witness_id=witness_id,
        source=source,
        paragraphs=paragraphs,
        digests=Digests(
            raw=raw_sha256,
            text=sha256_lines([b.text for b in extraction.blocks]),
            canonical=sha256_lines([p.text for p in paragraphs]),
        ),
        profile=PROFILE.id,
        extraction=extraction,
    )


def document_from_captures(
    captures: list[Capture], witness_id: str, format: str | None = None, select: str | None = None
) -> Document:
    """Extract and normalise the pages of one copy into a :class:`Document`."""
    from docwitness.extract import extract
    from docwitness.extract.pages import combine_pages

    if len(captures) == 1:
        capture = captures[0]
        extraction = extract(capture, format=format, select=select)
        return build_document(witness_id, capture.source, capture.sha256, extraction)
    parts = [extract(c, format=format, select=select) for c in captures]
    # Repeated titles dropped, a paragraph cut by the site's page break joined.
    combined = combine_pages(parts, captures[0].source)
    # Several pages: the raw digest is that of the list of the pages' digests, in order.
    raw = sha256_text("\n".join(c.sha256 for c in captures))
    return build_document(witness_id, captures[0].source, raw, combined)
