"""The command line: argument parsing and output only.

``main(argv) -> int`` is the one place that maps outcomes to exit codes
(:class:`~docwitness.errors.ExitCode`). Every command is a call into
:mod:`docwitness.pipeline`. A user sees one line on stderr for an error, never
a traceback unless ``--debug`` was given.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from docwitness import __version__
from docwitness.errors import DocwitnessError, ExitCode, StoreCorrupt

EPILOG = """exit codes: 0 ok, 1 findings, 2 usage or catalogue error, 3 incomplete (a witness
could not be fetched or extracted, or the store could not be written), 4 store corrupt,
70 internal error"""


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and debug logging",
    )
    return p


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=Path,
        default=Path("snapshots"),
        metavar="DIR",
        help="the snapshot store (default: snapshots/)",
    )


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="docwitness",
        parents=[common],
        epilog=EPILOG,
        description="Collect copies of a document, keep the evidence, and compare them "
        "paragraph by paragraph.",
    )
    parser.add_argument("--version", action="version", version=f"docwitness {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "fetch",
        parents=[common],
        epilog=EPILOG,
        help="capture every witness of the catalogues into the store",
    )
    p.add_argument(
        "catalogues",
        nargs="*",
        type=Path,
        metavar="CATALOGUE",
        help="catalogue files (default: sources/*.toml)",
    )
    _store_arg(p)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--offline", action="store_true", help="capture local copies only; send no network request"
    )

    p = sub.add_parser("log", parents=[common], epilog=EPILOG, help="a witness's capture history")
    p.add_argument("witness", metavar="WITNESS", help="a witness id, or DOCUMENT/WITNESS")
    _store_arg(p)
    p.add_argument("--json", action="store_true", help="print the history as JSON lines")

    p = sub.add_parser(
        "verify",
        parents=[common],
        epilog=EPILOG,
        help="re-hash every stored object and record; exit 4 on any mismatch",
    )
    _store_arg(p)
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument(
        "--rederive",
        action="store_true",
        help="also re-extract every capture with the installed tools and report "
        "documents whose text would now differ",
    )
    return parser


def _plain_or_rich(rows: list[list[str]], headers: list[str]) -> None:
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        Console().print(table)
    else:
        for row in rows:
            print("  ".join(row))


def _short(digest: str | None) -> str:
    return digest[:19] if digest else "-"


def cmd_fetch(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    progress = None
    if sys.stderr.isatty() and not args.json:
        from rich.console import Console

        console = Console(stderr=True)

        def progress(witness: str, status: str) -> None:
            console.print(f"[dim]{witness}: {status}[/dim]")

    results = pipeline.fetch(
        args.catalogues or None, args.store, progress=progress, offline=args.offline
    )
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "document": r.document,
                        "witness": r.witness,
                        "role": r.role,
                        "source": r.source,
                        "status": r.status,
                        "reason": r.reason,
                        "size": r.size,
                        "sha256": r.digests.to_dict() if r.digests else None,
                        "changed": list(r.changed),
                    }
                    for r in results
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
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
                    _short(r.digests.canonical if r.digests else None),
                ]
            )
        _plain_or_rich(rows, ["witness", "status", "bytes", "canonical sha256"])
    return ExitCode.OK if all(r.ok for r in results) else ExitCode.INCOMPLETE


def cmd_log(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    document, witness, entries = pipeline.find_history(args.store, args.witness)
    if args.json:
        for e in entries:
            print(json.dumps(e, ensure_ascii=False, sort_keys=True))
        return ExitCode.OK
    print(f"{document}/{witness}: {len(entries)} capture{'s' if len(entries) != 1 else ''}")
    rows = []
    for e in entries:
        changed = e.get("changed") or []
        what = (
            "first capture"
            if e is entries[0]
            else "changed: " + ", ".join(changed)
            if changed
            else "no change"
        )
        rows.append(
            [
                e.get("time", "?"),
                e.get("status", "?"),
                _short(e.get("raw")),
                _short(e.get("canonical")),
                str(e.get("paragraphs", "?")),
                what,
            ]
        )
    _plain_or_rich(
        rows, ["time", "status", "raw sha256", "canonical sha256", "paragraphs", "what changed"]
    )
    return ExitCode.OK


def cmd_verify(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    problems = pipeline.verify(args.store)
    rederived = pipeline.rederive(args.store) if args.rederive else []
    differing = [r for r in rederived if not r.same]
    if args.json:
        print(
            json.dumps(
                {
                    "store": str(args.store),
                    "problems": [
                        {"path": p.path, "kind": p.kind, "expected": p.expected, "found": p.found}
                        for p in problems
                    ],
                    "rederived": [
                        {
                            "document": r.document,
                            "witness": r.witness,
                            "record": r.record,
                            "same": r.same,
                            "changed": list(r.changed),
                            "reason": r.reason,
                            "stored_tools": r.stored_tools,
                            "current_tools": r.current_tools,
                        }
                        for r in rederived
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for p in problems:
            print(f"CORRUPT  {p}")
        for r in differing:
            why = r.reason or f"{', '.join(r.changed)} would differ"
            print(
                f"TOOLING  {r.document}/{r.witness} {_short(r.record)}: {why} "
                f"(stored with {r.stored_tools}; now {r.current_tools})"
            )
        if not problems:
            extra = f", {len(rederived)} re-extracted" if args.rederive else ""
            print(f"store {args.store}: all objects and records verified{extra}")
    if problems:
        raise StoreCorrupt(problems)
    return ExitCode.FINDINGS if differing else ExitCode.OK


COMMANDS = {"fetch": cmd_fetch, "log": cmd_log, "verify": cmd_verify}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its one line already
        return int(exc.code or 0) and ExitCode.USAGE
    debug = getattr(args, "debug", False)
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="docwitness: %(levelname)s: %(message)s",
    )
    try:
        return int(COMMANDS[args.command](args))
    except DocwitnessError as exc:
        if debug:
            traceback.print_exc()
        print(f"docwitness: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("docwitness: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(
            f"docwitness: internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return int(ExitCode.INTERNAL)


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
