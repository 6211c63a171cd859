"""The results of the store's commands, rendered: fetch results, a witness's history,
the store's verification (with ``--rederive``, the re-extractions).

Each result type has a text and a JSON rendering, chosen by name (an unknown
name is a UsageError listing the known ones); each returns the whole output as
a string for the command line to print. Text tables are plain rows of columns
two spaces apart, or, with ``color``, a rich table for the terminal (rich is
imported only then). These are not report formats: a report is a collation's,
rendered by the classes in :data:`docwitness.report.REPORTERS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docwitness.errors import UsageError

if TYPE_CHECKING:
    from docwitness.errors import StoreProblem
    from docwitness.store.leftovers import Leftover
    from docwitness.store.records import HistoryEntry
    from docwitness.store.snapshot import FetchResult, Rederived

History = Sequence["HistoryEntry"]


def short(digest: str | None) -> str:
    """A digest shortened for a table column (``sha256:`` and 12 hex digits), or "-"."""
    return digest[:19] if digest else "-"


def table(rows: list[list[str]], headers: list[str], *, color: bool = False) -> str:
    """Rows as plain lines, columns two spaces apart; with ``color``, a rich table."""
    if not color:
        return "".join("  ".join(row) + "\n" for row in rows)
    import io

    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    grid = Table(*headers)
    for row in rows:
        grid.add_row(*row)
    Console(file=buffer, force_terminal=True).print(grid)
    return buffer.getvalue()


def _choose(
    renderers: Mapping[str, Callable[..., str]], format: str, what: str
) -> Callable[..., str]:
    try:
        return renderers[format]
    except KeyError:
        known = ", ".join(sorted(renderers))
        raise UsageError(f"unknown format {format!r} for {what} (known: {known})") from None


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- fetch


def render_progress(witness: str, status: str, *, color: bool = False) -> str:
    """The line shown on the terminal as each witness is done (dim, with ``color``)."""
    line = f"{witness}: {status}"
    if not color:
        return line + "\n"
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True).print(Text(line, style="dim"))
    return buffer.getvalue()


def fetch_result_dict(r: FetchResult) -> dict[str, Any]:
    """One witness's fetch result as plain data (``fetch --json``)."""
    return {
        "document": r.document,
        "witness": r.witness,
        "role": r.role,
        "source": r.source,
        "status": r.status,
        "reason": r.reason,
        "size": r.size,
        "sha256": r.digests.to_dict() if r.digests else None,
        "changed": list(r.changed),
        "checks": r.checks,
    }


def _fetch_json(results: Sequence[FetchResult], color: bool) -> str:
    return _json([fetch_result_dict(r) for r in results])


def _fetch_text(results: Sequence[FetchResult], color: bool) -> str:
    rows = []
    for r in results:
        status = r.status if r.ok else f"{r.status}: {r.reason}"
        if r.changed:
            status += f" (changed: {', '.join(r.changed)})"
        rows.append(
            [
                r.witness,
                status,
                str(r.size) if r.size is not None else "-",
                short(r.digests.canonical if r.digests else None),
                r.checks or "-",
            ]
        )
    return table(rows, ["witness", "status", "bytes", "canonical sha256", "checks"], color=color)


_FETCH = {"text": _fetch_text, "json": _fetch_json}


def render_fetch(
    results: Sequence[FetchResult], format: str = "text", *, color: bool = False
) -> str:
    """What ``fetch`` did, one witness a row (text) or one object each in a JSON array."""
    return _choose(_FETCH, format, "fetch results")(results, color)


# --------------------------------------------------------------------------- log


def _history_json(document: str, witness: str, entries: History, color: bool) -> str:
    # JSON lines: one history entry a line, as stored.
    return "".join(
        json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) + "\n" for e in entries
    )


def _history_text(document: str, witness: str, entries: History, color: bool) -> str:
    head = f"{document}/{witness}: {len(entries)} capture{'s' if len(entries) != 1 else ''}\n"
    rows = []
    for n, e in enumerate(entries):
        changed = e.changed
        what = (
            "first capture"
            if n == 0
            else "changed: " + ", ".join(changed)
            if changed
            else "no change"
        )
        rows.append(
            [
                e.time,
                e.status,
                short(e.raw),
                short(e.canonical),
                str(e.paragraphs),
                what,
            ]
        )
    headers = ["time", "status", "raw sha256", "canonical sha256", "paragraphs", "what changed"]
    return head + table(rows, headers, color=color)


_HISTORY = {"text": _history_text, "json": _history_json}


def render_history(
    document: str, witness: str, entries: History, format: str = "text", *, color: bool = False
) -> str:
    """A witness's capture history (``log``): a line per capture saying what changed,
    or the stored entries as JSON lines."""
    return _choose(_HISTORY, format, "a history")(document, witness, entries, color)


# --------------------------------------------------------------------------- verify


def rederived_dict(r: Rederived) -> dict[str, Any]:
    """One re-extraction as plain data (``verify --rederive --json``)."""
    return {
        "document": r.document,
        "witness": r.witness,
        "record": r.record,
        "same": r.same,
        "changed": list(r.changed),
        "reason": r.reason,
        "stored_tools": r.stored_tools,
        "current_tools": r.current_tools,
    }


LEFTOVER_WHY = "an unfinished write from a process that is gone"


@dataclass(frozen=True, slots=True)
class _Temporary:
    """The temporary files a verification found: leftovers, those removed, writes in progress."""

    leftovers: Sequence[Leftover]
    removed: Sequence[Leftover]
    writing: Sequence[str]


def _leftover_dict(x: Leftover) -> dict[str, Any]:
    return {"path": x.path, "size": x.size, "owner": x.owner}


def _verify_json(
    store: Path,
    problems: Sequence[StoreProblem],
    rederived: Sequence[Rederived],
    rederive: bool,
    temporary: _Temporary,
) -> str:
    removed = {x.path for x in temporary.removed}
    return _json(
        {
            "store": str(store),
            "problems": [
                {"path": p.path, "kind": p.kind, "expected": p.expected, "found": p.found}
                for p in problems
            ],
            "leftovers": [
                _leftover_dict(x) for x in temporary.leftovers if x.path not in removed
            ],
            "removed": [_leftover_dict(x) for x in temporary.removed],
            "writing": list(temporary.writing),
            "rederived": [rederived_dict(r) for r in rederived],
        }
    )


def _verify_text(
    store: Path,
    problems: Sequence[StoreProblem],
    rederived: Sequence[Rederived],
    rederive: bool,
    temporary: _Temporary,
) -> str:
    lines = [f"CORRUPT  {p}" for p in problems]
    removed = {x.path for x in temporary.removed}
    lines += [f"REMOVED  {x}: {LEFTOVER_WHY}" for x in temporary.removed]
    lines += [
        f"LEFTOVER {x}: {LEFTOVER_WHY}; docwitness verify --repair removes it"
        for x in temporary.leftovers
        if x.path not in removed
    ]
    lines += [f"WRITING  {path}: a write in progress, left alone" for path in temporary.writing]
    for r in rederived:
        if r.same and "record" in r.changed:
            lines.append(
                f"RECORD   {r.document}/{r.witness} {short(r.record)}: the text is the "
                f"same; the derived record would differ (now {r.current_tools})"
            )
    for r in rederived:
        if not r.same:
            why = r.reason or f"{', '.join(r.changed)} would differ"
            lines.append(
                f"TOOLING  {r.document}/{r.witness} {short(r.record)}: {why} "
                f"(stored with {r.stored_tools}; now {r.current_tools})"
            )
    if not problems:
        extra = f", {len(rederived)} re-extracted" if rederive else ""
        left = len(temporary.leftovers) - len(removed)
        if temporary.removed:
            n = len(temporary.removed)
            extra += f"; {n} leftover{'s' if n != 1 else ''} removed"
        if left:
            extra += f"; {left} leftover{'s' if left != 1 else ''} to remove (--repair)"
        lines.append(f"store {store}: all objects and records verified{extra}")
    return "".join(line + "\n" for line in lines)


_VERIFY = {"text": _verify_text, "json": _verify_json}


def render_verify(
    store: Path,
    problems: Sequence[StoreProblem],
    rederived: Sequence[Rederived] = (),
    format: str = "text",
    *,
    rederive: bool = False,
    leftovers: Sequence[Leftover] = (),
    removed: Sequence[Leftover] = (),
    writing: Sequence[str] = (),
) -> str:
    """The store's verification (``verify``): every problem; every leftover of a writer
    that is gone, each on its own line (``REMOVED`` when ``--repair`` removed it), and
    every write in progress; with ``rederive`` every document whose text or derived
    record the installed tools would make differently."""
    temporary = _Temporary(leftovers, removed, writing)
    return _choose(_VERIFY, format, "a verification")(
        store, problems, rederived, rederive, temporary
    )
