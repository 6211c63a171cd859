"""The command line: argument parsing and output only.

``main(argv) -> int`` is the one place that maps outcomes to exit codes
(:class:`~docwitness.errors.ExitCode`). Every command is a call into
:mod:`docwitness.pipeline`. A user sees one line on stderr for an error, never
a traceback unless ``--debug`` was given.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from docwitness import __version__
from docwitness.errors import (
    DocwitnessError,
    ExitCode,
    StoreCorrupt,
    UsageError,
    escape_controls,
    shorten,
)
from docwitness.model import FAIL_ON, Report

EPILOG = """exit codes: 0 ok, 1 findings, 2 usage or catalogue error, 3 incomplete (a witness
could not be fetched or extracted, or the store could not be written), 4 store corrupt,
70 internal error, 130 interrupted"""


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks and debug logging",
    )
    return p


def _network_args(p: argparse.ArgumentParser, offline: bool = True) -> None:
    """The limits and manners of fetching; ``offline`` adds --offline (fetch, check)."""
    g = p.add_argument_group("network")
    if offline:
        g.add_argument(
            "--offline",
            action="store_true",
            help="send no network request (local copies and stored snapshots only)",
        )
    g.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="connect and read timeout per request (connect at most 10; default: 30)",
    )
    g.add_argument(
        "--deadline",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="the most one response may take, headers to last byte over every "
        "redirect hop; not retried (default: 300)",
    )
    g.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="retries on connection errors, 429 and 5xx (default: 3)",
    )
    g.add_argument(
        "--max-bytes",
        type=int,
        default=50 * 1024 * 1024,
        metavar="N",
        help="largest body accepted, compressed or not (default: 50 MB)",
    )
    g.add_argument(
        "--max-pdf-chars",
        type=int,
        default=None,
        metavar="N",
        help="most characters a PDF may draw, all pages together, before it is refused "
        "(default: 5,000,000, about 1,700 dense pages)",
    )
    if offline:
        g.add_argument(
            "--per-host",
            type=int,
            default=2,
            metavar="K",
            help="requests in flight to one host at most (across every worker of a "
            "cluster; default: 2)",
        )
    g.add_argument(
        "--allow-private",
        action="store_true",
        help="follow redirects from a public address to loopback, private or link-local ones",
    )
    g.add_argument(
        "--wayback-base",
        default="https://web.archive.org/web/",
        metavar="URL",
        help="the web archive that wayback witnesses are fetched from",
    )


def _fetch_options(args: argparse.Namespace) -> Any:
    from docwitness.capture import FetchOptions

    per_host = getattr(args, "per_host", 2)
    if args.timeout <= 0 or args.deadline <= 0 or args.retries < 0 or args.max_bytes <= 0:
        raise UsageError(
            "--timeout, --deadline and --max-bytes must be positive, --retries at least 0"
        )
    if per_host < 1:
        raise UsageError("--per-host must be 1 or more")
    max_pdf_chars = getattr(args, "max_pdf_chars", None)
    if max_pdf_chars is not None and max_pdf_chars < 1:
        raise UsageError("--max-pdf-chars must be 1 or more")
    return FetchOptions(
        read_timeout=args.timeout,
        connect_timeout=min(10.0, args.timeout, args.deadline),
        total_timeout=args.deadline,
        retries=args.retries,
        max_bytes=args.max_bytes,
        wayback_base=args.wayback_base,
        allow_private=args.allow_private,
        per_host=per_host,
        max_pdf_chars=max_pdf_chars,
    )


def _store_location(text: str) -> Path | str:
    """A local folder as a Path; a URL (``s3://bucket/prefix``) kept as written."""
    return text if "://" in text else Path(text)


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        type=_store_location,
        default=Path("snapshots"),
        metavar="DIR_OR_URL",
        help="the snapshot store: a folder, or an fsspec URL such as s3://bucket/prefix "
        "(endpoint and credentials from the AWS environment variables; default: snapshots/)",
    )


class _CommandParser(argparse.ArgumentParser):
    """A command's parser, whose arguments are added when it is first used: a run
    parses one command, and building the others' arguments (and importing what
    their help names) would cost every start some milliseconds."""

    def __init__(
        self,
        *args: Any,
        fill: Callable[[argparse.ArgumentParser], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._fill = fill

    def filled(self) -> _CommandParser:
        fill, self._fill = self._fill, None
        if fill is not None:
            fill(self)
        return self

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return argparse.ArgumentParser.parse_known_args(self.filled(), args, namespace)

    def format_help(self) -> str:
        return argparse.ArgumentParser.format_help(self.filled())

    def format_usage(self) -> str:
        return argparse.ArgumentParser.format_usage(self.filled())


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The command line's parser; ``lazy``: each command's arguments are added when
    that command is parsed (the command line's own use), not all at once."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="docwitness",
        parents=[common],
        epilog=EPILOG,
        description="Collect copies of a document, keep the evidence, and compare them "
        "paragraph by paragraph.",
    )
    parser.add_argument("--version", action="version", version=f"docwitness {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_CommandParser
    )

    for name, helptext, fill in _COMMAND_ARGS:
        p = sub.add_parser(
            name, parents=[cast(_CommandParser, common)], epilog=EPILOG, help=helptext, fill=fill
        )
        if not lazy:
            p.filled()
    return parser


def _args_check(p: argparse.ArgumentParser) -> None:
    _catalogue_args(p)
    _network_args(p)
    _report_args(p, default_format="text")
    _fail_on_arg(p)
    p.add_argument(
        "--fail-on-change",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="exit 1 when the text of a source changed since its last snapshot (default: on)",
    )
    p.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="where to write the HTML report (default: STORE/report.html)",
    )
    p.add_argument("--no-html", action="store_true", help="write no HTML report")
    g = p.add_argument_group("many documents")
    g.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="check documents in parallel on a local Dask cluster of N worker processes",
    )
    g.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="check documents in parallel on the Dask cluster of this scheduler",
    )
    g.add_argument(
        "--resume",
        action="store_true",
        help="go on with the latest unfinished run of these catalogues, skipping the "
        "documents it has done",
    )
    g.add_argument(
        "--summary",
        choices=("text", "markdown", "json"),
        metavar="FORMAT",
        help="print a summary across documents (text, markdown, json) instead of the reports",
    )


def _args_fetch(p: argparse.ArgumentParser) -> None:
    _catalogue_args(p)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    _network_args(p)


def _args_collate(p: argparse.ArgumentParser) -> None:
    _catalogue_args(p)
    _report_args(p, default_format="text")
    _fail_on_arg(p)
    p.add_argument(
        "--all",
        action="store_true",
        dest="all_witnesses",
        help="also align every witness into one variant table and say which copy "
        "derives from which",
    )


def _args_cite(p: argparse.ArgumentParser) -> None:
    p.add_argument("document", metavar="DOCUMENT", help="a document id of the catalogues")
    p.add_argument(
        "--catalogue",
        action="append",
        type=Path,
        metavar="FILE",
        help="a catalogue file, repeatable (default: sources/*.toml)",
    )
    _store_arg(p)
    p.add_argument(
        "--format",
        default="text",
        choices=["text", "json"],
        help="text, or the JSON report (docwitness.report/1) with its citation",
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write it to FILE instead")
    p.add_argument(
        "--max-findings",
        type=int,
        default=0,
        metavar="N",
        help="places of evidence listed in the text (0: all; default: %(default)s)",
    )
    p.add_argument(
        "--indent",
        type=int,
        default=None,
        metavar="N",
        help="indent JSON by N spaces (default: 2 on standard output, compact in a file)",
    )


def _args_report(p: argparse.ArgumentParser) -> None:
    _catalogue_args(p)
    _report_args(p, default_format="html")


def _args_diff(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", metavar="A", help="the reference copy: a path or a URL")
    p.add_argument("b", metavar="B", help="the copy to compare: a path or a URL")
    _report_args(p, default_format="text")
    _fail_on_arg(p)
    _network_args(p, offline=False)


def _args_inspect(p: argparse.ArgumentParser) -> None:
    p.add_argument("copy", metavar="COPY", help="a path or a URL")
    p.add_argument("--language", help="the copy's language (zh, ru, en); guessed if absent")
    _report_args(p, default_format="text")
    _network_args(p, offline=False)


def _args_log(p: argparse.ArgumentParser) -> None:
    p.add_argument("witness", metavar="WITNESS", help="a witness id, or DOCUMENT/WITNESS")
    _store_arg(p)
    p.add_argument("--json", action="store_true", help="print the history as JSON lines")


def _args_verify(p: argparse.ArgumentParser) -> None:
    _store_arg(p)
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument(
        "--repair",
        action="store_true",
        help="remove the leftovers of writes killed half-way (and nothing else)",
    )
    p.add_argument(
        "--rederive",
        action="store_true",
        help="also re-extract every capture with the installed tools and report "
        "documents whose text would now differ",
    )
    p.add_argument(
        "--bag",
        type=Path,
        metavar="DIR",
        help="validate the BagIt bag DIR (as docwitness export bag writes) instead of the "
        "store; exit 4 when it is invalid",
    )


def _args_export(p: argparse.ArgumentParser) -> None:
    from docwitness.export import EXPORTS

    p.add_argument(
        "kind",
        metavar="FORMAT",
        choices=list(EXPORTS),
        help="; ".join(f"{k}: {v}" for k, v in EXPORTS.items()),
    )
    p.add_argument(
        "document", nargs="?", metavar="DOCUMENT", help="a document id (default: every one)"
    )
    p.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="where to write it"
    )
    p.add_argument(
        "--catalogue",
        action="append",
        type=Path,
        metavar="FILE",
        help="a catalogue file, repeatable (default: sources/*.toml)",
    )
    _store_arg(p)
    p.add_argument(
        "--organization",
        metavar="NAME",
        help="the Source-Organization a bag names (bag only)",
    )


_COMMAND_ARGS: tuple[tuple[str, str, Callable[[argparse.ArgumentParser], None]], ...] = (
    ("check", "the main job: fetch, report changes, collate, inspect, write HTML", _args_check),
    ("fetch", "capture every witness of the catalogues into the store", _args_fetch),
    ("collate", "compare every witness's latest snapshot with the reference", _args_collate),
    ("cite", "the text to cite: the official copy's, or the best attested by all", _args_cite),
    ("report", "write the collation of the stored snapshots, without fetching", _args_report),
    ("diff", "compare two copies directly (A is the reference)", _args_diff),
    ("inspect", "what one copy reveals about itself: is it complete?", _args_inspect),
    ("log", "a witness's capture history", _args_log),
    ("verify", "re-hash every stored object and record; exit 4 on any mismatch", _args_verify),
    ("export", "write the stored captures as WARC, WACZ, a BagIt bag or TEI", _args_export),
)


def _catalogue_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "catalogues",
        nargs="*",
        type=Path,
        metavar="CATALOGUE",
        help="catalogue files, or folders of them (default: sources/*.toml)",
    )
    _store_arg(p)


class _Registered:
    """Choices read from a registry only when argparse needs them (a value to check,
    or help to show), so that start-up imports none of the registered modules; a
    value is checked by ``known``, which may import just the module that serves it."""

    def __init__(self, names: Callable[[], list[str]], known: Callable[[object], bool]) -> None:
        self._names = names
        self._known = known

    def __contains__(self, item: object) -> bool:
        return self._known(item)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())


def _report_formats() -> list[str]:
    from docwitness.report import formats

    return formats()


def _is_report_format(item: object) -> bool:
    from docwitness.report import is_format

    return is_format(item)


def _report_args(p: argparse.ArgumentParser, default_format: str) -> None:
    p.add_argument(
        "--format",
        default=default_format,
        choices=_Registered(_report_formats, _is_report_format),
        metavar="FORMAT",  # not the choices, which argparse would read at once
        help="report format: %(choices)s (default: %(default)s)",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )
    p.add_argument(
        "--show-formal",
        action="store_true",
        help="list the differences the normalisation removes, with both readings",
    )
    p.add_argument(
        "--max-findings",
        type=int,
        default=50,
        metavar="N",
        help="findings listed per witness in the text, markdown and github formats, "
        "then how many more (0: all; json and html list all; default: %(default)s)",
    )
    p.add_argument(
        "--indent",
        type=int,
        default=None,
        metavar="N",
        help="indent JSON by N spaces (default: 2 on standard output, compact in a file "
        "given with -o)",
    )


def _fail_on_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--fail-on",
        default=FAIL_ON[0],
        choices=FAIL_ON,
        help=f"exit 1 when anything at or above this level is found (default: {FAIL_ON[0]})",
    )


@contextlib.contextmanager
def _atomic_output(path: Path) -> Iterator[TextIO]:
    """A text file that becomes ``path`` whole when the block ends, or is removed if it
    raises; failing to write is a UsageError.

    The temporary file is made as ``tempfile.mkstemp`` makes one (a random name in
    the same folder, created exclusively, mode 0600), without importing tempfile
    and the random module it loads for one name (argparse loads the shutil it
    needs anyway)."""
    import os

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            tmp = path.parent / f".tmp-{os.urandom(6).hex()}"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                break
            except FileExistsError:
                continue
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all; failing to is a UsageError."""
    with _atomic_output(path) as fh:
        fh.write(text)


def _emit(reports: list[Report], args: argparse.Namespace) -> None:
    from docwitness.report import render_all

    color = args.output is None and sys.stdout.isatty() and args.format == "text"
    indent = _json_indent(args)
    text = render_all(
        reports,
        args.format,
        show_formal=args.show_formal,
        color=color,
        max_findings=args.max_findings,
        indent=indent,
    )
    if args.output is not None:
        _write_atomic(args.output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _verdict_code(reports: list[Report], fail_on: str, changed: bool = False) -> int:
    from docwitness.compare.verdict import exit_code

    return exit_code(reports, fail_on, changed=changed)


def _rows(args: argparse.Namespace) -> contextlib.AbstractContextManager[None]:
    """Compare without side-by-side rows unless the report shows them (HTML) or the
    variant table is built from them (``--all``)."""
    if args.format == "html" or getattr(args, "all_witnesses", False):
        return contextlib.nullcontext()
    from docwitness.compare.engine import without_rows

    return without_rows()


def cmd_diff(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    with _rows(args):
        reports = [pipeline.diff(args.a, args.b, options=_fetch_options(args))]
    _emit(reports, args)
    return _verdict_code(reports, args.fail_on)


def cmd_collate(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    with _rows(args):
        reports = pipeline.collate(
            args.catalogues or None, args.store, all_witnesses=args.all_witnesses
        )
    _emit(reports, args)
    return _verdict_code(reports, args.fail_on)


def cmd_cite(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    report = pipeline.cite(args.document, args.catalogue, args.store)
    args.show_formal = False
    _emit([report], args)
    return ExitCode.OK


def cmd_inspect(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    report = pipeline.inspect_copy(args.copy, language=args.language, options=_fetch_options(args))
    _emit([report], args)
    return _verdict_code([report], "substantive")


def _progress_printer(enabled: bool) -> Callable[[str, str], None] | None:
    """A line on the terminal as each witness is done, or None when not on one."""
    if not enabled:
        return None
    from docwitness.report.results import render_progress

    def progress(witness: str, status: str) -> None:
        sys.stderr.write(render_progress(witness, status, color=True))
        sys.stderr.flush()

    return progress


def _json_indent(args: argparse.Namespace) -> int | None:
    """The JSON indent of a report (with ``--max-findings`` and ``--indent`` checked).

    JSON for a person on the terminal is indented; JSON written to a file for a
    program is compact (a third of the bytes and of the time to write them)."""
    if args.max_findings < 0:
        raise UsageError("--max-findings must be 0 (all) or more")
    requested: int | None = getattr(args, "indent", None)
    if requested is not None and requested < 0:
        raise UsageError("--indent must be 0 or more")
    return requested if requested is not None else (None if args.output else 2)


def _check_settings(args: argparse.Namespace) -> Any:
    from docwitness.scale import Settings

    indent = _json_indent(args)
    options = _fetch_options(args)
    return Settings(
        options=options,
        offline=args.offline,
        format=args.format,
        show_formal=args.show_formal,
        max_findings=args.max_findings,
        indent=indent,
        fail_on=args.fail_on,
        fail_on_change=args.fail_on_change,
        per_host=options.per_host,
    )


def _write_summary_step(markdown: str) -> None:
    import os

    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(markdown + "\n")
        except OSError as exc:
            raise UsageError(f"cannot write {summary}: {exc.strerror or exc}") from None


def _print_or_write(text: str, output: Path | None) -> None:
    if output is not None:
        _write_atomic(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def cmd_check(args: argparse.Namespace) -> int:
    from docwitness import pipeline
    from docwitness.report import render_all
    from docwitness.store.remote import is_remote

    if args.workers is not None or args.scheduler is not None or args.resume:
        return _check_run(args)
    settings = _check_settings(args) if args.summary else None
    progress = _progress_printer(sys.stderr.isatty())
    result = pipeline.check(
        args.catalogues or None,
        args.store,
        offline=args.offline,
        progress=progress,
        options=_fetch_options(args),
    )
    changed = args.fail_on_change and bool(result.changed())
    if settings is not None:
        from docwitness.scale import Summary, document_summary, render_summary

        summary = Summary()
        for report in result.reports:
            summary.add(document_summary(report, settings, _changed(report)))
        _print_or_write(render_summary(summary, args.summary), args.output)
    else:
        _emit(result.reports, args)
    html_path = args.html or (None if is_remote(args.store) else Path(args.store) / "report.html")
    if not args.no_html and html_path is not None:
        _write_atomic(html_path, render_all(result.reports, "html"))
        print(f"docwitness: HTML report written to {html_path}", file=sys.stderr)
    if os_environ_has_summary():
        _write_summary_step(render_all(result.reports, "markdown"))
    return _verdict_code(result.reports, args.fail_on, changed=changed)


def os_environ_has_summary() -> bool:
    import os

    return bool(os.environ.get("GITHUB_STEP_SUMMARY"))


def _changed(report: Report) -> bool:
    return any(
        f.kind == "changed" and f.severity == "substantive"
        for w in report.witnesses
        for f in w.findings
    )


def _run_progress(total_hint: int) -> tuple[Callable[[int, int, dict[str, Any]], None], Any]:
    """Progress over documents: a bar on a terminal, else a plain line per document."""
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bar.add_task("documents", total=total_hint)

        def show(done: int, total: int, doc: dict[str, Any]) -> None:
            bar.update(task, completed=done, total=total, description=doc["document"][:30])

        return show, bar

    def line(done: int, total: int, doc: dict[str, Any]) -> None:
        sys.stderr.write(f"docwitness: [{done}/{total}] {doc['document']}: {doc['verdict']}\n")
        sys.stderr.flush()

    return line, contextlib.nullcontext()


def _check_run(args: argparse.Namespace) -> int:
    """check over many documents: on a Dask cluster, or resumable in this process."""
    from docwitness import pipeline, scale

    if args.workers is not None and args.scheduler is not None:
        raise UsageError("give --workers or --scheduler, not both")
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be 1 or more")
    if args.html is not None:
        raise UsageError(
            "--html is not written by a run over many documents (--workers, --scheduler, "
            "--resume); docwitness report --format html writes one from the store"
        )
    settings = _check_settings(args)
    documents = pipeline.resolve_catalogues(args.catalogues or None)
    show, display = _run_progress(len(documents))

    def notice(text: str) -> None:
        print(f"docwitness: {text}", file=sys.stderr)

    with display:
        result = scale.run_check(
            documents,
            args.store,
            settings,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=show,
            notice=notice,
        )
    if args.summary:
        _print_or_write(scale.render_summary(result.summary, args.summary), args.output)
    else:
        _stream_reports(result, documents, settings, args.output)
    if os_environ_has_summary():
        _write_summary_step(scale.render_summary(result.summary, "markdown"))
    print(
        f"docwitness: run {result.run}: {result.summary.documents} document(s) "
        f"({result.summary.resumed} done before)",
        file=sys.stderr,
    )
    return int(result.summary.exit)


def _stream_reports(result: Any, documents: list[Any], settings: Any, output: Path | None) -> None:
    """The reports of a run, read back from the store one at a time: to standard output,
    or to a file written whole or not at all."""
    from docwitness.scale import write_output

    if output is None:
        last = write_output(result, documents, settings, sys.stdout)
        if last != "\n":
            sys.stdout.write("\n")
        return
    with _atomic_output(output) as fh:
        write_output(result, documents, settings, fh)


def cmd_report(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    reports = pipeline.collate(args.catalogues or None, args.store)
    _emit(reports, args)
    if args.output is not None:
        print(f"docwitness: report written to {args.output}", file=sys.stderr)
    return ExitCode.OK


def cmd_fetch(args: argparse.Namespace) -> int:
    from docwitness import pipeline
    from docwitness.report.results import render_fetch

    progress = _progress_printer(sys.stderr.isatty() and not args.json)
    results = pipeline.fetch(
        args.catalogues or None,
        args.store,
        progress=progress,
        offline=args.offline,
        options=_fetch_options(args),
    )
    fmt = "json" if args.json else "text"
    sys.stdout.write(render_fetch(results, fmt, color=sys.stdout.isatty()))
    return ExitCode.OK if all(r.ok for r in results) else ExitCode.INCOMPLETE


def cmd_log(args: argparse.Namespace) -> int:
    from docwitness import pipeline
    from docwitness.report.results import render_history

    document, witness, entries = pipeline.find_history(args.store, args.witness)
    fmt = "json" if args.json else "text"
    sys.stdout.write(render_history(document, witness, entries, fmt, color=sys.stdout.isatty()))
    return ExitCode.OK


def cmd_verify(args: argparse.Namespace) -> int:
    from docwitness import pipeline
    from docwitness.report.results import render_verify

    if args.bag is not None:
        return _verify_bag(args)

    found = pipeline.verify_store(args.store, repair=args.repair)
    problems = list(found.problems)
    rederived = pipeline.rederive(args.store) if args.rederive else []
    fmt = "json" if args.json else "text"
    sys.stdout.write(
        render_verify(
            args.store,
            problems,
            rederived,
            fmt,
            rederive=args.rederive,
            leftovers=found.leftovers,
            removed=found.removed,
            writing=found.writing,
        )
    )
    # Leftovers alone are not corruption: they are listed, and the exit code is 0.
    if problems:
        raise StoreCorrupt(problems)
    return ExitCode.FINDINGS if any(not r.same for r in rederived) else ExitCode.OK


def _verify_bag(args: argparse.Namespace) -> int:
    import json

    from docwitness import pipeline

    problems = pipeline.verify_bag(args.bag)
    if args.json:
        print(json.dumps({"bag": str(args.bag), "valid": not problems, "problems": problems}))
    elif problems:
        print(f"{args.bag}: invalid bag, {len(problems)} problem(s)")
        for problem in problems:
            print(f"  {escape_controls(problem)}")
    else:
        print(f"{args.bag}: valid bag (BagIt, every checksum matches)")
    if problems:
        print(f"docwitness: error: the bag {args.bag} is invalid", file=sys.stderr)
        return int(ExitCode.STORE_CORRUPT)
    return int(ExitCode.OK)


def cmd_export(args: argparse.Namespace) -> int:
    from docwitness import pipeline

    done = pipeline.export(
        args.kind,
        args.output,
        args.document,
        args.catalogue,
        args.store,
        organization=args.organization,
    )
    print(f"docwitness: {args.kind} written to {done.path}: {done.summary}")
    return int(ExitCode.OK)


COMMANDS = {
    "fetch": cmd_fetch,
    "log": cmd_log,
    "verify": cmd_verify,
    "diff": cmd_diff,
    "collate": cmd_collate,
    "cite": cmd_cite,
    "inspect": cmd_inspect,
    "check": cmd_check,
    "report": cmd_report,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser(lazy=True)
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
        print(f"docwitness: error: {shorten(escape_controls(str(exc)))}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("docwitness: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(
            f"docwitness: internal error: {type(exc).__name__}: "
            f"{shorten(escape_controls(str(exc)))} "
            "(run with --debug for the traceback)",
            file=sys.stderr,
        )
        return int(ExitCode.INTERNAL)


def _tune_collector() -> None:
    """A command builds a few large, long-lived structures (the documents, their
    paragraphs, the alignment) and little cyclic garbage. The cyclic collector's
    default of a pass every 700 allocations walks those structures again and again
    (16 % of a 1 MB comparison, 30 % of a 4 MB one); a pass every 100,000 keeps it
    for the garbage, and what start-up made (modules, compiled patterns) is frozen
    out of its walks. Only the command line does this: the library leaves the
    host process's collector alone."""
    import gc

    gc.set_threshold(100_000, 50, 100)
    gc.freeze()


def entry_point() -> None:
    _tune_collector()
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
