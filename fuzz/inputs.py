"""What the fuzzer feeds docwitness: plans drawn by hypothesis, built into files.

A *plan* is a small tree of parameters (a kind of document, a seed, a list of
mutations with their positions and sizes); :func:`build` turns it into the
bytes of made files, deterministically. Hypothesis draws and shrinks plans,
never megabytes of data, so a huge input costs nothing to draw and shrinks to
a smaller size or depth.

Every document is made from the seed copy (the made statement of
``tests/made.py``); every file written is named ``made-…``.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import made  # noqa: E402  (tests/made.py: the made statement, from the seed)

PARAS = made.made_statement()
MAX_SIZE = 8 * 1024 * 1024  # no input grows past this, whatever the mutations ask

# --------------------------------------------------------------------------- plans

KINDS = ("text", "markdown", "html", "pdf", "noise")
SUFFIXES = {
    "text": ".txt",
    "markdown": ".md",
    "html": ".html",
    "pdf": ".pdf",
    "noise": ".bin",
}
OTHER_SUFFIXES = ("", ".txt", ".md", ".html", ".htm", ".xhtml", ".pdf", ".bin", ".TXT")
ENCODINGS = (
    "utf-8",
    "gb18030",
    "big5",
    "utf-16-le",
    "utf-16-be",
    "utf-16",
    "utf-8-sig",
    "koi8-r",
    "latin-1",
    "shift_jis",
)
BAD_UTF8 = (
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe4\xb8",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\x80",
    b"\xef\xbb\xbf",
    b"\xf8\x88\x80\x80\x80",
)
CONTROLS = (
    "\x00",
    "\x1b[31m",
    "\x07",
    "\x08",
    "\u202e",
    "\u2066",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0c",
    "\x0b",
    "\ufeff",
    "\u200b",
    "\ufffd",
    "\r",
)
NEST_TAGS = (
    "div",
    "table",
    "span",
    "p",
    "ul",
    "blockquote",
    "font",
    "td",
    "tr",
    "b",
    "a",
    "section",
    "article",
    "li",
)
HUGE_CHARS = ("双", "a", " ", "。", "<", "&amp;", "\t", "x" * 7 + " ", "&#x0;")

_pos = st.integers(0, 2**31 - 1)

mutation = st.one_of(
    st.tuples(
        st.just("flip"), st.lists(st.tuples(_pos, st.integers(0, 7)), min_size=1, max_size=40)
    ),
    st.tuples(st.just("truncate"), st.integers(0, 1000)),
    st.tuples(st.just("nuls"), _pos, st.integers(1, 4096)),
    st.tuples(
        st.just("bad-utf8"),
        st.lists(st.tuples(_pos, st.sampled_from(BAD_UTF8)), min_size=1, max_size=20),
    ),
    st.tuples(st.just("huge-line"), _pos, st.integers(1, 4_000_000), st.sampled_from(HUGE_CHARS)),
    st.tuples(st.just("repeat"), _pos, st.integers(1, 4000), st.integers(2, 5000)),
    st.tuples(
        st.just("nest"), _pos, st.sampled_from(NEST_TAGS), st.integers(1, 60_000), st.booleans()
    ),
    st.tuples(st.just("reencode"), st.sampled_from(ENCODINGS)),
    st.tuples(
        st.just("controls"),
        st.lists(st.tuples(_pos, st.sampled_from(CONTROLS)), min_size=1, max_size=30),
    ),
    st.tuples(st.just("line-endings"), st.sampled_from(("\r\n", "\r", "\u2028", "\x85", "", " "))),
    st.tuples(st.just("delete"), _pos, st.integers(1, 100_000)),
    st.tuples(st.just("splice"), _pos, _pos, st.integers(1, 20_000)),
)

document = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(KINDS),
        "seed": st.integers(0, 2**32 - 1),
        "mutations": st.lists(mutation, max_size=4),
        "suffix": st.one_of(st.none(), st.sampled_from(OTHER_SUFFIXES)),
    }
)

FORMATS = ("text", "json", "markdown", "html", "github")
LANGUAGES = (None, "zh", "ru", "en")

inspect_plan = st.fixed_dictionaries(
    {
        "target": st.just("inspect"),
        "copy": document,
        "language": st.sampled_from(LANGUAGES),
        "format": st.sampled_from(FORMATS),
    }
)

diff_plan = st.fixed_dictionaries(
    {
        "target": st.just("diff"),
        # The reference is most often the clean statement, the witness the hostile one.
        "a": st.one_of(st.none(), document),
        "b": document,
        "format": st.sampled_from(FORMATS),
    }
)

HOSTILE_VALUES = (
    '"made-\\u0000copy"',
    '"../../etc/passwd"',
    '"/etc/passwd"',
    '"."',
    '""',
    '"~"',
    '"made-w0"',
    '"made-w0.txt/"',
    '"http://127.0.0.1:1/made"',
    '"https://[::1"',
    '"http://exa mple.org/"',
    '"file:///etc/passwd"',
    "'''made\nmulti\nline'''",
    "2017-07-05T00:00:00Z",
    "1e999",
    "nan",
    "-0",
    "0x7fffffffffffffffffff",
    "true",
    "[]",
    "{}",
    '["made"]',
    '"\\u202emade"',
    '"\\u001b[31mmade"',
    '"made\\nline"',
    '"made\\r"',
    '"div["',
    '":has("',
    '"p::before"',
    '"*"',
    '"html > > p"',
    '"\\ud800"',
    "0",
    "-1",
    '"official"',
    '"traditional"',
    '"pdf"',
    '"html"',
    '"made\\tid"',
)
KEYS = (
    "id",
    "role",
    "path",
    "url",
    "urls",
    "format",
    "select",
    "script",
    "published",
    "note",
    "wayback",
    "next",
    "max_pages",
    "reference",
    "language",
    "title",
    "made-extra",
    "witness",
    "document",
)

catalogue_edit = st.one_of(
    st.tuples(st.just("drop-line"), _pos),
    st.tuples(st.just("dup-line"), _pos),
    st.tuples(st.just("swap-lines"), _pos, _pos),
    st.tuples(st.just("set-value"), _pos, st.sampled_from(HOSTILE_VALUES)),
    st.tuples(st.just("insert-key"), _pos, st.sampled_from(KEYS), st.sampled_from(HOSTILE_VALUES)),
    st.tuples(st.just("long-value"), _pos, st.integers(1, 2_000_000)),
    st.tuples(
        st.just("deep"), _pos, st.sampled_from(("[", "{a = ", "[[")), st.integers(1, 100_000)
    ),
    st.tuples(st.just("dup-table"), st.sampled_from(("[document]", "[[witness]]"))),
    st.tuples(st.just("bytes"), mutation),
)

catalogue_plan = st.fixed_dictionaries(
    {
        "target": st.just("catalogue"),
        "witnesses": st.lists(
            st.fixed_dictionaries(
                {
                    "copy": document,
                    "role": st.sampled_from(
                        ("official", "mirror", "aggregator", "archive", "community")
                    ),
                    "format": st.sampled_from((None, "text", "markdown", "html", "pdf")),
                    "select": st.sampled_from((None, "p", "div", "article", "div[", "body > p")),
                    "script": st.sampled_from((None, "simplified", "traditional")),
                    "url": st.booleans(),
                }
            ),
            min_size=1,
            max_size=3,
        ),
        "reference": st.booleans(),
        "edits": st.lists(catalogue_edit, max_size=4),
        "format": st.sampled_from(FORMATS),
    }
)

plans = st.one_of(inspect_plan, diff_plan, catalogue_plan)


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    """Made files to write in an empty folder, and the commands to run there in order.

    ``steps`` are argument lists for ``docwitness``; ``target`` says what the case
    exercises (inspect, diff or catalogue: fetch, verify, collate).
    """

    target: str
    files: dict[str, bytes]
    steps: list[list[str]]
    notes: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(len(b) for b in self.files.values())


def build(plan: dict[str, Any]) -> Case:
    """The case a plan stands for; the same plan always builds the same bytes."""
    target = plan["target"]
    if target == "inspect":
        name, data, notes = build_document(plan["copy"], "made-input")
        argv = ["inspect", name, "--format", plan["format"]]
        if plan["language"]:
            argv += ["--language", plan["language"]]
        return Case("inspect", {name: data}, [argv], notes)
    if target == "diff":
        if plan["a"] is None:
            a, adata, anotes = "made-reference.txt", _text(PARAS, random.Random(0)), ["clean"]
        else:
            a, adata, anotes = build_document(plan["a"], "made-reference")
        b, bdata, bnotes = build_document(plan["b"], "made-witness")
        if a == b:
            b = "made-witness-b" + Path(b).suffix
        argv = ["diff", a, b, "--format", plan["format"]]
        return Case("diff", {a: adata, b: bdata}, [argv], [f"A: {anotes}", f"B: {bnotes}"])
    return build_catalogue(plan)


def build_catalogue(plan: dict[str, Any]) -> Case:
    files: dict[str, bytes] = {}
    notes: list[str] = []
    lines = ["[document]", 'id = "made-doc"', 'title = "made"', 'language = "zh"']
    if plan["reference"]:
        lines.append('reference = "made-w0"')
    for i, w in enumerate(plan["witnesses"]):
        name, data, wnotes = build_document(w["copy"], f"made-w{i}")
        files[name] = data
        notes.append(f"made-w{i}: {wnotes}")
        lines += [
            "",
            "[[witness]]",
            f'id = "made-w{i}"',
            f'role = "{w["role"]}"',
            f'path = "{name}"',
        ]
        for key in ("format", "select", "script"):
            if w[key] is not None:
                lines.append(f'{key} = "{w[key]}"')
        if w["url"]:
            lines.append(f'url = "https://made.example/made-w{i}.html"')
    text = "\n".join(lines) + "\n"
    data = text.encode("utf-8")
    for edit in plan["edits"]:
        data, note = edit_catalogue(data, edit)
        notes.append(f"catalogue: {note}")
    files["made-catalogue.toml"] = data
    store = ["--store", "made-store"]
    steps = [
        ["fetch", "made-catalogue.toml", *store, "--offline"],
        ["verify", *store],
        ["fetch", "made-catalogue.toml", *store, "--offline"],
        ["verify", *store],
        ["collate", "made-catalogue.toml", *store, "--format", plan["format"]],
    ]
    return Case("catalogue", files, steps, notes)


def build_document(plan: dict[str, Any], stem: str) -> tuple[str, bytes, list[str]]:
    """(file name, bytes, what was done) for one document plan."""
    kind = plan["kind"]
    rng = random.Random(plan["seed"])
    paras = _paragraphs(rng)
    data = {
        "text": lambda: _text(paras, rng),
        "markdown": lambda: _markdown(paras, rng),
        "html": lambda: _html(paras, rng),
        "pdf": lambda: _pdf(paras, rng),
        "noise": lambda: rng.randbytes(rng.randint(0, 20_000)),
    }[kind]()
    notes = [f"{kind} (seed {plan['seed']}, {len(data)} bytes)"]
    for m in plan["mutations"]:
        data = mutate(data, m)[:MAX_SIZE]
        notes.append(f"{m[0]} → {len(data)} bytes")
    suffix = plan["suffix"] if plan["suffix"] is not None else SUFFIXES[kind]
    return stem + suffix, data, notes


# --------------------------------------------------------------------------- documents


def _paragraphs(rng: random.Random) -> list[str]:
    """Paragraphs of the made statement: all, a run of them, or shuffled."""
    paras = list(PARAS)
    choice = rng.randrange(4)
    if choice == 1:
        start = rng.randrange(len(paras))
        paras = paras[start : start + rng.randint(1, len(paras))]
    elif choice == 2:
        rng.shuffle(paras)
    elif choice == 3:
        i = rng.randrange(len(paras))
        cut = rng.randrange(len(paras[i]) + 1)
        paras = [*paras[:i], paras[i][:cut]]
    return paras


def _text(paras: list[str], rng: random.Random) -> bytes:
    sep = rng.choice(("\n\n", "\n", "\r\n\r\n", "\n\n\n", "\u3000\n"))
    return sep.join(paras).encode(rng.choice(("utf-8", "utf-8", "gb18030", "utf-8-sig")))


def _markdown(paras: list[str], rng: random.Random) -> bytes:
    out = [f"# {paras[0]}" if paras else "#"]
    for p in paras[1:]:
        form = rng.randrange(8)
        if form == 0:
            out.append(f"- {p}")
        elif form == 1:
            out.append(f"> {p}")
        elif form == 2:
            out.append(f"**{p[:10]}**{p[10:]}")
        elif form == 3:
            out.append(f"```\n{p}")  # a fence that may never close
        elif form == 4:
            out.append(f"<div>{p}</div>")
        elif form == 5:
            out.append(f"[{p[:8]}](http://made.example/{rng.randrange(99)}) {p[8:]}")
        else:
            out.append(p)
    return "\n\n".join(out).encode("utf-8")


def _html(paras: list[str], rng: random.Random) -> bytes:
    charset = rng.choice(("utf-8", "gb2312", "gbk", "big5", "iso-8859-1", None))
    encoding = rng.choice(("utf-8", "gb18030", "utf-8", "big5")) if charset else "utf-8"
    head = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    style = rng.randrange(5)
    if style == 0:
        body = "".join(f"<p>{p}</p>\n" for p in paras)
    elif style == 1:
        body = "<br>".join(paras)
    elif style == 2:
        body = "<table><tr><td>" + "</td></tr><tr><td>".join(paras) + "</td></tr></table>"
    elif style == 3:
        nav = "<nav><a href='/'>首页</a> &gt; <a href='/news'>新闻</a></nav>"
        body = nav + "<article>" + "".join(f"<p>{p}</p>" for p in paras) + "</article>"
        body += "<div style='display:none'>made hidden</div><script>var made=1;</script>"
    else:
        body = "".join(f"<div><span>{p}</span></div><!-- made -->" for p in paras)
    page = f"<html><head>{head}<title>made</title></head><body>{body}</body></html>"
    return page.encode(encoding, errors="replace")


_PDF_CACHE: dict[tuple[int, int, bool], bytes] = {}


def _pdf(paras: list[str], rng: random.Random) -> bytes:
    """The made paragraphs typeset with reportlab (a CJK font reportlab carries itself)."""
    pages = rng.choice((1, 1, 2, 3))
    compress = rng.random() < 0.5
    key = (hash(tuple(paras)), pages, compress)
    if key not in _PDF_CACHE:
        _PDF_CACHE[key] = _typeset(paras, pages, compress)
        if len(_PDF_CACHE) > 64:
            _PDF_CACHE.pop(next(iter(_PDF_CACHE)))
    return _PDF_CACHE[key]


def _typeset(paras: list[str], pages: int, compress: bool) -> bytes:
    """The paragraphs set 22 characters a line, at least ``pages`` pages (more when
    they do not fit), with a page number at the foot of each page."""
    import io

    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A5, pageCompression=int(compress), invariant=1)
    width, height = A5
    page = 1
    y = height - 40

    def new_page() -> float:
        nonlocal page
        c.setFont(font, 7)
        c.drawString(width / 2, 20, str(page))
        c.showPage()
        page += 1
        return height - 40

    per_page = max(1, -(-len(paras) // pages))
    for n, p in enumerate(paras):
        if n and n % per_page == 0:
            y = new_page()
        for i in range(0, max(1, len(p)), 22):
            if y < 40:
                y = new_page()
            c.setFont(font, 9)
            c.drawString(30, y, p[i : i + 22])
            y -= 13
        y -= 6
    new_page()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- mutations


def mutate(data: bytes, m: tuple[Any, ...]) -> bytes:
    """``data`` with one mutation applied; positions are taken modulo the length."""
    op = m[0]
    n = len(data)

    def at(p: int) -> int:
        return p % (n + 1)

    if op == "flip":
        b = bytearray(data)
        for pos, bit in m[1]:
            if b:
                b[pos % len(b)] ^= 1 << bit
        return bytes(b)
    if op == "truncate":
        return data[: n * m[1] // 1000]
    if op == "nuls":
        p = at(m[1])
        return data[:p] + b"\x00" * m[2] + data[p:]
    if op == "bad-utf8":
        out = data
        for pos, seq in m[1]:
            p = pos % (len(out) + 1)
            out = out[:p] + seq + out[p:]
        return out
    if op == "huge-line":
        p = at(m[1])
        unit = m[3].encode("utf-8")
        return data[:p] + unit * (m[2] // len(unit) + 1) + data[p:]
    if op == "repeat":
        p = at(m[1])
        chunk = data[p : p + m[2]]
        times = min(m[3], MAX_SIZE // max(1, len(chunk)))
        return data[:p] + chunk * times + data[p:]
    if op == "nest":
        p = at(m[1])
        tag, depth, closed = m[2], m[3], m[4]
        opening = f"<{tag}>".encode() * depth
        closing = f"</{tag}>".encode() * depth if closed else b""
        return data[:p] + opening + "双方认为。".encode() + closing + data[p:]
    if op == "reencode":
        text = data.decode("utf-8", errors="replace")
        return text.encode(m[1], errors="replace")
    if op == "controls":
        out = data
        for pos, ch in m[1]:
            p = pos % (len(out) + 1)
            out = out[:p] + ch.encode("utf-8") + out[p:]
        return out
    if op == "line-endings":
        return data.replace(b"\n", m[1].encode("utf-8"))
    if op == "delete":
        p = at(m[1])
        return data[:p] + data[p + m[2] :]
    if op == "splice":
        src, dst = at(m[1]), at(m[2])
        return data[:dst] + data[src : src + m[3]] + data[dst:]
    raise ValueError(f"unknown mutation {op!r}")


def edit_catalogue(data: bytes, edit: tuple[Any, ...]) -> tuple[bytes, str]:
    """The catalogue's bytes with one edit made, and a note of it."""
    op = edit[0]
    if op == "bytes":
        return mutate(data, edit[1]), f"bytes {edit[1][0]}"
    if op == "dup-table":
        return data + b"\n" + edit[1].encode() + b'\nid = "made-dup"\n', op
    lines = data.split(b"\n")
    i = edit[1] % len(lines)
    if op == "drop-line":
        del lines[i]
    elif op == "dup-line":
        lines.insert(i, lines[i])
    elif op == "swap-lines":
        j = edit[2] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif op in ("set-value", "long-value", "deep"):
        key = lines[i].split(b"=", 1)[0].strip() or b"made-key"
        if op == "set-value":
            value = edit[2].encode()
        elif op == "long-value":
            value = b'"' + "双".encode() * edit[2] + b'"'
        else:
            opener = edit[2]
            closer = {"[": "]", "{a = ": "}", "[[": "]]"}[opener]
            value = (opener * edit[3] + "1" + closer * edit[3]).encode()
        lines[i] = key + b" = " + value
    elif op == "insert-key":
        lines.insert(i, edit[2].encode() + b" = " + edit[3].encode())
    else:
        raise ValueError(f"unknown catalogue edit {op!r}")
    return b"\n".join(lines), op
