"""The catalogue: ``sources/*.toml`` → :class:`DocumentSpec` with its witnesses.

One TOML file per document: a ``[document]`` table (``id``, ``title``,
``language``, optional ``reference``) and one ``[[witness]]`` table per copy.
Validation is strict and collects every problem in every file before failing
once, with the file and the key of each (bagit's habit): unknown keys,
duplicate ids, a missing or doubled location, a ``path`` or ``warc`` that
escapes the catalogue's folder or holds a NUL byte, a URL with a control
character or a space, a bad role, format or script, a ``warc`` with ``path`` or
``wayback`` or without ``url``, a ``captured`` that is no time or has no
``warc``. A file nesting arrays or inline tables more than :data:`MAX_NESTING`
deep is refused before it is parsed, with the key and line where it does: no
catalogue needs it, and Python's TOML reader would exhaust its stack. Names in
messages are shown with control characters escaped.
"""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docwitness.errors import CatalogueError, CatalogueProblem, UsageError, escape_controls
from docwitness.formats import EXTRACTORS
from docwitness.lazy_re import lazy
from docwitness.model import ROLES, SCRIPTS
from docwitness.specs import DocumentSpec, WitnessSpec

DOCUMENT_KEYS = {"id", "title", "language", "reference"}
WITNESS_KEYS = {
    "id",
    "role",
    "url",
    "urls",
    "path",
    "format",
    "select",
    "script",
    "published",
    "wayback",
    "next",
    "max_pages",
    "warc",
    "captured",
    "note",
}
_ID = lazy(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_NOT_IN_URL = lazy(r"[\x00-\x20\x7f-\x9f]")
MAX_NESTING = 32  # arrays and inline tables; a catalogue's values nest two deep at most
_STAMP = lazy(r"^\d{4}(?:\d\d){0,5}$")
TIME_FORMS = "2017-07-05, 2017-07-05T05:42:41Z or 20170705054241"


def parse_instant(text: str) -> datetime | None:
    """A time as a catalogue's ``captured`` or a WARC-Date writes it, in UTC, or None.

    ISO 8601 (a month, a date, or a date and time; with no zone, UTC), or a web archive's
    timestamp of 4 to 14 digits (``2017``, ``201707`` … ``20170705054241``), its
    missing parts the start of the period."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d\d", value):  # a month
        value += "-01"
    if _STAMP.match(value):
        value = value + "0101000000"[len(value) - 4 :]
        try:
            return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        except ValueError:
            return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def default_catalogues(root: Path | None = None) -> list[Path]:
    """``sources/*.toml`` under ``root`` (the working directory by default), sorted."""
    folder = (root or Path.cwd()) / "sources"
    found = sorted(folder.glob("*.toml"))
    if not found:
        raise UsageError(f"no catalogue given and none found in {folder}/*.toml")
    return found


class _Checker:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.problems: list[CatalogueProblem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(CatalogueProblem(str(self.file), key, message))

    def string(
        self, table: dict[str, Any], key: str, where: str, required: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{where}.{key}", "must be a non-empty string")
            return None
        return value

    def unknown(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(f"{where}.{key}", f"unknown key (allowed: {', '.join(sorted(allowed))})")

    def url(self, value: str, key: str) -> None:
        if not value.startswith(("http://", "https://")):
            self.problem(key, f"must be an http:// or https:// URL, not {value!r}")
        elif bad := _NOT_IN_URL.search(value):
            self.problem(
                key, f"{value!r} holds {bad.group()!r}: a URL has no spaces or control characters"
            )


def _witness(check: _Checker, raw: Any, n: int, folder: Path) -> WitnessSpec | None:
    where = f"witness[{n}]"
    if not isinstance(raw, dict):
        check.problem(where, "must be a table ([[witness]])")
        return None
    wid = check.string(raw, "id", where, required=True)
    if wid is not None:
        where = f"witness[{n}] ({escape_controls(wid)})"
        if not _ID.match(wid):
            check.problem(f"{where}.id", "use lower-case letters, digits, '.', '_' and '-'")
    check.unknown(raw, WITNESS_KEYS, where)
    role = check.string(raw, "role", where, required=True)
    if role is not None and role not in ROLES:
        check.problem(f"{where}.role", f"{role!r} is not a role (one of: {', '.join(ROLES)})")
    fmt = check.string(raw, "format", where)
    if fmt is not None and fmt not in EXTRACTORS:
        known = ", ".join(EXTRACTORS.names())
        check.problem(f"{where}.format", f"{fmt!r} is not a format (one of: {known})")
    script = check.string(raw, "script", where)
    if script is not None and script not in SCRIPTS:
        check.problem(
            f"{where}.script", f"{script!r} is not a script (one of: {', '.join(SCRIPTS)})"
        )

    url = check.string(raw, "url", where)
    if url is not None:
        check.url(url, f"{where}.url")
    urls: tuple[str, ...] = ()
    if "urls" in raw:
        value = raw["urls"]
        if not isinstance(value, list) or not value or not all(isinstance(u, str) for u in value):
            check.problem(f"{where}.urls", "must be a non-empty list of URLs (pages in order)")
        else:
            urls = tuple(value)
            for i, u in enumerate(urls):
                check.url(u, f"{where}.urls[{i}]")
    rel = check.string(raw, "path", where)
    path = _inside(check, rel, f"{where}.path", folder)
    rel_warc = check.string(raw, "warc", where)
    warc = _inside(check, rel_warc, f"{where}.warc", folder)
    wayback = check.string(raw, "wayback", where)
    captured = check.string(raw, "captured", where)
    if captured is not None and parse_instant(captured) is None:
        check.problem(f"{where}.captured", f"{captured!r} is not a time (give {TIME_FORMS})")
    if captured is not None and rel_warc is None:
        check.problem(
            f"{where}.captured", "picks a record of a WARC or WACZ file: give warc with it"
        )
    if rel_warc is not None:
        for other in ("path", "wayback"):
            if raw.get(other) is not None:
                check.problem(
                    f"{where}.warc", f"give warc or {other}, not both: a witness has one location"
                )
        if url is None and not urls:
            check.problem(
                f"{where}.warc", "needs url: the WARC-Target-URI of the record to take"
            )

    if rel is None and rel_warc is None and not urls and url is None:
        check.problem(where, "has no location: give one of url, urls, path or warc")
    if url is not None and urls:
        check.problem(where, "give url or urls, not both")
    if rel is not None and urls:
        check.problem(where, "a local copy (path) takes url for its origin, not urls")
    if wayback is not None and url is None and not wayback.startswith(("http://", "https://")):
        check.problem(
            f"{where}.wayback", "a timestamp needs the witness's url (or give a full archive URL)"
        )
    max_pages = raw.get("max_pages")
    if max_pages is not None and (
        not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1
    ):
        check.problem(f"{where}.max_pages", "must be a whole number of at least 1")
        max_pages = None
    if wid is None or role is None:
        return None
    return WitnessSpec(
        id=wid,
        role=role,
        url=url,
        urls=urls,
        path=path,
        format=fmt,
        select=check.string(raw, "select", where),
        script=script,
        published=check.string(raw, "published", where),
        wayback=wayback,
        next=check.string(raw, "next", where),
        max_pages=max_pages,
        warc=warc,
        captured=captured,
    )


def _inside(check: _Checker, rel: str | None, key: str, folder: Path) -> Path | None:
    """A local file named relative to the catalogue (``path``, ``warc``), resolved; a
    name that escapes the catalogue's folder or holds a NUL byte is a problem."""
    if rel is None:
        return None
    if "\x00" in rel:
        check.problem(key, f"{rel!r} holds a NUL byte, which no file name can")
        return None
    try:
        candidate = (folder / rel).resolve()
    except (OSError, ValueError) as exc:
        check.problem(key, f"{rel!r} is not a usable path: {exc}")
        return None
    if Path(rel).is_absolute() or not candidate.is_relative_to(folder.resolve()):
        check.problem(key, f"{rel!r} escapes the catalogue's folder {folder}")
        return None
    return candidate


def _nesting(text: str) -> tuple[str, int] | None:
    """The key and line where arrays or inline tables first nest more than
    :data:`MAX_NESTING` deep, or None. One pass over the text, skipping strings
    and comments; the TOML reader says what else is wrong."""
    depth = line = 0
    table = key = ""
    arrays: dict[str, int] = {}  # [[name]] headers seen, for witness[n]
    line_start = i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            line_start = i + 1
        elif c == "#":
            i = text.find("\n", i) % (n + 1)  # to the end of the line (or the text)
            continue
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if len(quote) == 1 and text[j] == "\n":
                    break  # an unclosed string
                j += 2 if c == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + len(quote) if text.startswith(quote, j) else j
            continue
        elif c == "[" and depth == 0 and not text[line_start:i].strip():
            # A table header, [name] or [[name]]: read to the end of its line.
            eol = text.find("\n", i) % (n + 1)
            header = text[i:eol].split("#")[0].strip()
            name = header.strip("[] \t")
            if header.startswith("[["):
                arrays[name] = arrays.get(name, -1) + 1
                name = f"{name}[{arrays[name]}]"
            table, key = name, ""
            i = eol
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return (f"{table}.{key}" if table else key, line + 1)
        elif c in "]}":
            depth = max(0, depth - 1)
        elif c == "=" and depth == 0:
            key = text[line_start:i].strip()
        i += 1
    return None


def _parse(file: Path, check: _Checker) -> DocumentSpec | None:
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        check.problem("", "no such file")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        check.problem("", f"cannot read: {exc}")
        return None
    deep = _nesting(text)
    if deep is not None:
        key, line = deep
        check.problem(
            key,
            f"arrays or inline tables nest more than {MAX_NESTING} deep (line {line}); "
            "the file is not read",
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        check.problem("", f"not valid TOML: {exc}")
        return None
    except RecursionError:  # nesting the scan above did not see
        check.problem("", "not valid TOML: nested too deeply to read")
        return None
    check.unknown(data, {"document", "witness"}, "(top level)")
    doc = data.get("document")
    if not isinstance(doc, dict):
        check.problem("document", "a [document] table is required")
        doc = {}
    check.unknown(doc, DOCUMENT_KEYS, "document")
    did = check.string(doc, "id", "document", required=True)
    if did is not None and not _ID.match(did):
        check.problem("document.id", "use lower-case letters, digits, '.', '_' and '-'")
    title = check.string(doc, "title", "document", required=True)
    language = check.string(doc, "language", "document", required=True)
    reference = check.string(doc, "reference", "document")

    raw_witnesses = data.get("witness", [])
    if not isinstance(raw_witnesses, list) or not raw_witnesses:
        check.problem("witness", "at least one [[witness]] table is required")
        raw_witnesses = []
    witnesses: list[WitnessSpec] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_witnesses):
        w = _witness(check, raw, n, file.parent)
        if w is None:
            continue
        if w.id in seen:
            check.problem(f"witness[{n}].id", f"duplicate witness id {w.id!r}")
        seen.add(w.id)
        witnesses.append(w)
    if reference is not None and reference not in seen:
        check.problem("document.reference", f"{reference!r} is not the id of a witness here")
    if did is None or title is None or language is None:
        return None
    return DocumentSpec(
        id=did,
        title=title,
        language=language,
        witnesses=tuple(witnesses),
        catalogue=file,
        reference=reference,
    )


def load_catalogues(files: list[Path]) -> list[DocumentSpec]:
    """Load and validate every file; raise one CatalogueError listing every problem."""
    problems: list[CatalogueProblem] = []
    documents: list[DocumentSpec] = []
    for file in files:
        check = _Checker(file)
        doc = _parse(file, check)
        problems.extend(check.problems)
        if doc is not None and not check.problems:
            documents.append(doc)
    ids = [d.id for d in documents]
    for d in documents:
        if ids.count(d.id) > 1:
            problems.append(
                CatalogueProblem(
                    str(d.catalogue),
                    "document.id",
                    f"document id {d.id!r} is used by another catalogue",
                )
            )
    if problems:
        raise CatalogueError(problems)
    return documents


def display_location(spec: WitnessSpec) -> str:
    """Where a witness is read from, as recorded: a local path relative to the working
    folder when it lies inside it (so a committed store names no machine's paths)."""
    local = spec.path if spec.path is not None else spec.warc
    if local is not None:
        return display_path(local)
    return spec.location


def display_path(path: Path) -> str:
    """A local file's name as recorded: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
