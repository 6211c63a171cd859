"""``check`` over many documents: in parallel on Dask, resumable, summarised.

``docwitness check CATALOGUES… --workers N`` (a :class:`distributed.LocalCluster`
of N worker processes) or ``--scheduler tcp://HOST:PORT`` (a cluster already
running) checks each document as one Dask task: the task fetches the
document's witnesses, records them in the store, collates them
(:func:`docwitness.pipeline.check_document`, exactly what ``check`` does in
one process) and renders the document's report. ``--resume`` without either
runs the same tasks one after another in this process.

**What a run keeps.** A run has an id (``20260101T120000Z-1a2b3c``) and a folder
in the store, ``runs/<id>/``: ``run.json`` (what was asked), then, as each
document completes, ``done/<document>.json`` (its summary and its rendered
report), written once, and ``finished.json`` at the end. A run that is killed and
started again with ``--resume`` finds the latest unfinished run of the same
catalogues and options and checks only the documents it has not done. The
reports are read back from the store in catalogue order when the output is
written, one at a time: neither the workers nor this process gather them,
so memory does not grow with the number of documents. A worker returns only
the document's small summary, and this process releases each result as it
reads it, with a bounded number of tasks submitted at a time.

**The same output.** The report of each document is rendered by the worker
with the options of the command line and joined as ``render_all`` joins
reports, so ``--format json`` is the same, byte for byte apart from the times
of capture, whether the run was in one process or on a cluster.

**Politeness across the cluster.** Each worker fetches through a
:class:`ClusterLimiter`: for every host, a :class:`distributed.Semaphore` named
after it with ``--per-host`` leases, held by the scheduler, taken for each
request (and each retry) and given back when it ends. A semaphore rather than
routing each host to one worker: a document's witnesses are usually on
different hosts, and a task that must fetch all of them cannot be sent to the
one worker of each. A retry's wait (backoff, or the server's ``Retry-After``)
is spent outside the lease, as in one process.

**A worker that dies.** Dask runs its task again elsewhere (``retries``); a
document done already is not done twice (its ``done`` record is there), and one
half done was writing only write-once objects and whole history entries.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from docwitness.capture import HostLimiter, utc_now
from docwitness.compare.verdict import SEVERITY_ORDER, exceeds
from docwitness.errors import ExitCode, StoreError, UsageError
from docwitness.model import Report, Verdict, canonical_json, sha256_bytes
from docwitness.pipeline import StoreLocation, check_document, open_store
from docwitness.specs import DocumentSpec
from docwitness.store import Store
from docwitness.store.remote import is_remote

log = logging.getLogger(__name__)

RUN_SCHEMA = "docwitness.run/1"
SUMMARY_SCHEMA = "docwitness.summary/1"
# Tasks submitted at a time, per worker thread: enough to keep every worker busy,
# few enough that neither the scheduler nor the workers hold many results.
WINDOW_PER_THREAD = 2


@dataclass(frozen=True, slots=True)
class Settings:
    """What a run's tasks need besides the document: how to fetch and how to render."""

    options: Any  # FetchOptions
    offline: bool = False
    format: str = "text"
    show_formal: bool = False
    max_findings: int = 50
    indent: int | None = 2
    fail_on: str = "substantive"
    fail_on_change: bool = True
    per_host: int = 2

    def key(self) -> dict[str, Any]:
        """What must match for a run to be resumed: the rendering and the verdict policy."""
        return {
            "format": self.format,
            "show_formal": self.show_formal,
            "max_findings": self.max_findings,
            "indent": self.indent,
            "fail_on": self.fail_on,
            "fail_on_change": self.fail_on_change,
            "offline": self.offline,
        }


# --------------------------------------------------------------------------- summaries


def _rank(verdict: str) -> int:
    order = [v.value for v in SEVERITY_ORDER]
    return order.index(verdict) if verdict in order else len(order)


def document_summary(report: Report, settings: Settings, changed: bool) -> dict[str, Any]:
    """One document's line in the summary: its worst verdict, its witnesses' verdicts,
    whether it changed and whether it fails, and its share of the exit code."""
    verdicts = [w.verdict.value for w in report.witnesses]
    worst = min(verdicts, key=_rank) if verdicts else Verdict.UNAVAILABLE.value
    fails = exceeds(report, settings.fail_on)
    unavailable = sum(1 for w in report.witnesses if w.verdict == Verdict.UNAVAILABLE)
    if fails or (changed and settings.fail_on_change):
        code = ExitCode.FINDINGS
    elif unavailable:
        code = ExitCode.INCOMPLETE
    else:
        code = ExitCode.OK
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v] = counts.get(v, 0) + 1
    return {
        "document": report.document_id,
        "title": report.document_title,
        "verdict": worst,
        "witnesses": dict(sorted(counts.items(), key=lambda kv: _rank(kv[0]))),
        "changed": changed,
        "fails": fails,
        "unavailable": unavailable,
        "exit": int(code),
    }


@dataclass
class Summary:
    """The run over all documents: counts by verdict, and the documents that changed or
    fail (only those are kept, so this too stays small however many documents there are)."""

    documents: int = 0
    by_verdict: dict[str, int] = field(default_factory=dict)
    witnesses: dict[str, int] = field(default_factory=dict)
    attention: list[dict[str, Any]] = field(default_factory=list)
    exit: int = int(ExitCode.OK)
    run: str | None = None
    resumed: int = 0
    workers: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, doc: dict[str, Any]) -> None:
        self.documents += 1
        self.by_verdict[doc["verdict"]] = self.by_verdict.get(doc["verdict"], 0) + 1
        for verdict, n in doc["witnesses"].items():
            self.witnesses[verdict] = self.witnesses.get(verdict, 0) + n
        if doc["changed"] or doc["fails"] or doc["unavailable"]:
            self.attention.append(doc)
        if doc["exit"] == ExitCode.FINDINGS or self.exit == ExitCode.FINDINGS:
            self.exit = int(ExitCode.FINDINGS)
        elif doc["exit"] == ExitCode.INCOMPLETE:
            self.exit = int(ExitCode.INCOMPLETE)

    def worst_first(self) -> list[dict[str, Any]]:
        return sorted(
            self.attention,
            key=lambda d: (not d["fails"], _rank(d["verdict"]), not d["changed"], d["document"]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SUMMARY_SCHEMA,
            "run": self.run,
            "documents": self.documents,
            "resumed": self.resumed,
            "by_verdict": dict(sorted(self.by_verdict.items(), key=lambda kv: _rank(kv[0]))),
            "witnesses": dict(sorted(self.witnesses.items(), key=lambda kv: _rank(kv[0]))),
            "attention": self.worst_first(),
            "exit": self.exit,
            **({"workers": self.workers} if self.workers else {}),
        }


def render_summary(summary: Summary, format: str) -> str:
    """The summary as JSON, Markdown or terminal text."""
    data = summary.to_json()
    if format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    counts = ", ".join(f"{n} {v}" for v, n in data["by_verdict"].items()) or "none"
    wcounts = ", ".join(f"{n} {v}" for v, n in data["witnesses"].items()) or "none"
    attention = data["attention"]

    def why(d: dict[str, Any]) -> str:
        parts = []
        if d["fails"]:
            parts.append("fails")
        if d["changed"]:
            parts.append("changed")
        if d["unavailable"]:
            parts.append(f"{d['unavailable']} unavailable")
        return ", ".join(parts)

    if format == "markdown":
        lines = [
            "## docwitness check: summary",
            "",
            f"{data['documents']} document(s): {counts}.  ",
            f"Witnesses: {wcounts}.",
            "",
        ]
        if attention:
            lines += ["| Document | Verdict | Why | Title |", "| --- | --- | --- | --- |"]
            for d in attention:
                title = str(d["title"]).replace("|", "\\|")
                lines.append(f"| `{d['document']}` | {d['verdict']} | {why(d)} | {title} |")
        else:
            lines.append("No document changed or fails.")
        return "\n".join(lines) + "\n"
    if format != "text":
        raise UsageError(f"unknown summary format {format!r} (known: text, markdown, json)")
    lines = [
        f"docwitness check: {data['documents']} document(s): {counts}",
        f"  witnesses: {wcounts}",
    ]
    if attention:
        lines.append(f"  {len(attention)} to look at, worst first:")
        width = max(len(d["document"]) for d in attention)
        for d in attention:
            lines.append(f"    {d['document']:<{width}}  {d['verdict']:<11}  {why(d)}")
    else:
        lines.append("  no document changed or fails")
    lines.append(f"  exit code {data['exit']}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- one document


class ClusterLimiter(HostLimiter):
    """At most ``per_host`` requests in flight to one host across a whole Dask cluster:
    a :class:`distributed.Semaphore` per host, held by the scheduler. Made on a worker;
    its semaphores are bound to that worker's scheduler connection and event loop, so
    that the threads fetching a document's witnesses can take them (and their leases
    are kept alive while a slow response is read)."""

    def __init__(self, per_host: int, worker: Any) -> None:
        super().__init__(per_host)
        self._semaphores: dict[str, Any] = {}
        self._scheduler = worker.scheduler
        self._loop = worker.loop

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        from distributed import Semaphore

        host = urlsplit(url).netloc.lower()
        with self._lock:
            sem = self._semaphores.get(host)
            if sem is None:
                sem = Semaphore(
                    max_leases=self._per_host,
                    name=f"docwitness-host:{host}",
                    scheduler_rpc=self._scheduler,
                    loop=self._loop,
                )
                self._semaphores[host] = sem
        with sem:
            yield


_STATE = threading.local()
_OPEN: dict[str, tuple[Store, ExitStack]] = {}
_OPEN_LOCK = threading.Lock()


def _store_for(location: str) -> Store:
    """This process's store at ``location``, opened once and held for writing for the
    life of the process (leftovers are looked for once, not for every document)."""
    with _OPEN_LOCK:
        held = _OPEN.get(location)
        if held is None:
            store = open_store(location)
            stack = ExitStack()
            stack.enter_context(store.writing())
            store.ensure_writable()
            held = (store, stack)
            _OPEN[location] = held
        return held[0]


def _done_name(run: str, document: str) -> str:
    return f"runs/{run}/done/{document}.json"


def _render_part(report: Report, settings: Settings) -> str:
    from docwitness.report import REPORTERS, _load_formats, _render

    _load_formats()
    reporter = REPORTERS.get(settings.format)()
    return _render(
        reporter, report, settings.show_formal, False, settings.max_findings, settings.indent
    )


def check_one(
    doc: DocumentSpec,
    location: str,
    settings: Settings,
    run: str,
    limiter: HostLimiter | None = None,
) -> dict[str, Any]:
    """Check one document into the store at ``location`` and record it as done in ``run``;
    its summary. A document already done in this run (a task run again) is not checked
    again."""
    store = _store_for(location)
    name = _done_name(run, doc.id)
    before = store.get_named(name)
    if before is not None:
        return dict(json.loads(before)["summary"])
    _, report = check_document(
        store, doc, options=settings.options, offline=settings.offline, limiter=limiter
    )
    changed = any(
        f.kind == "changed" and f.severity == "substantive"
        for w in report.witnesses
        for f in w.findings
    )
    summary = document_summary(report, settings, changed)
    record = {"summary": summary, "output": _render_part(report, settings)}
    if not store.put_named(name, (canonical_json(record) + "\n").encode("utf-8")):
        # Another try of this task got there first: its record stands.
        again = store.get_named(name)
        if again is not None:
            return dict(json.loads(again)["summary"])
    return summary


def cluster_task(doc: DocumentSpec, location: str, settings: Settings, run: str) -> dict[str, Any]:
    """:func:`check_one` on a Dask worker: fetching through the cluster's semaphores.
    Also notes how many results the worker holds, and its peak memory."""
    import resource

    from distributed import get_worker

    worker = get_worker()
    limiter = getattr(_STATE, "limiter", None)
    if limiter is None or limiter._per_host != max(1, settings.per_host):
        limiter = ClusterLimiter(settings.per_host, worker)
        _STATE.limiter = limiter
    held = len(worker.data)
    stats = getattr(worker, "_docwitness", None)
    if stats is None:
        stats = {"documents": 0, "held_max": 0}
        setattr(worker, "_docwitness", stats)  # noqa: B010
    stats["held_max"] = max(stats["held_max"], held)
    summary = check_one(doc, location, settings, run, limiter)
    stats["documents"] += 1
    stats["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return summary


def _worker_stats(dask_worker: Any) -> dict[str, Any]:
    import resource

    stats = dict(getattr(dask_worker, "_docwitness", None) or {"documents": 0, "held_max": 0})
    stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return stats


# --------------------------------------------------------------------------- runs


def catalogue_key(documents: list[DocumentSpec], settings: Settings) -> str:
    """What a run is of: the documents (ids, witnesses, where each is read from) and the
    options its output depends on."""
    docs = [
        [d.id, d.reference, [[w.id, w.role, w.location, w.format, w.select] for w in d.witnesses]]
        for d in documents
    ]
    return sha256_bytes(canonical_json({"documents": docs, "settings": settings.key()}).encode())


def _new_run_id() -> str:
    stamp = utc_now().replace("-", "").replace(":", "")
    stamp = stamp.split(".")[0].rstrip("Z") + "Z"
    return f"{stamp}-{secrets.token_hex(3)}"


def _unfinished(store: Store, key: str) -> str | None:
    """The latest run of these catalogues and options that did not finish."""
    for folder in reversed(store.names("runs")):
        run = folder.split("/")[-1]
        if run.startswith("."):
            continue
        raw = store.get_named(f"runs/{run}/run.json")
        if raw is None or store.get_named(f"runs/{run}/finished.json") is not None:
            continue
        try:
            if json.loads(raw).get("key") == key:
                return run
        except (ValueError, AttributeError):
            continue
    return None


def _done(store: Store, run: str) -> set[str]:
    return {
        name.rsplit("/", 1)[-1].removesuffix(".json")
        for name in store.names(f"runs/{run}/done")
        if name.endswith(".json")
    }


@dataclass
class RunResult:
    summary: Summary
    run: str
    store: Store


Progress = Callable[[int, int, dict[str, Any]], None]  # (done, total, document summary)


def run_check(
    documents: list[DocumentSpec],
    location: StoreLocation,
    settings: Settings,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
) -> RunResult:
    """Check every document, each as one task (on a cluster, or here one after another),
    recording each in the store as it completes; the summary over all of them."""
    where = location if is_remote(location) else str(Path(location).resolve())
    where = str(where)
    store = _store_for(where)
    key = catalogue_key(documents, settings)
    run = _unfinished(store, key) if resume else None
    done: set[str] = set()
    if run is not None:
        done = _done(store, run)
        if notice:
            notice(f"resuming run {run}: {len(done)} of {len(documents)} document(s) done")
    else:
        if resume and notice:
            notice("no unfinished run of these catalogues to resume: starting a new one")
        run = _new_run_id()
        meta = {
            "schema": RUN_SCHEMA,
            "id": run,
            "key": key,
            "started": utc_now(),
            "documents": len(documents),
            "settings": settings.key(),
        }
        store.put_named(f"runs/{run}/run.json", (canonical_json(meta) + "\n").encode())
    summary = Summary(run=run)
    total = len(documents)
    todo = [d for d in documents if d.id not in done]
    for doc in documents:
        if doc.id in done:
            raw = store.get_named(_done_name(run, doc.id))
            if raw is not None:
                summary.add(json.loads(raw)["summary"])
                summary.resumed += 1
    count = summary.documents

    def finished(doc_summary: dict[str, Any]) -> None:
        nonlocal count
        summary.add(doc_summary)
        count += 1
        if progress is not None:
            progress(count, total, doc_summary)

    if workers is None and scheduler is None:
        for doc in todo:
            finished(check_one(doc, where, settings, run, HostLimiter(settings.per_host)))
    else:
        summary.workers = _on_cluster(todo, where, settings, run, workers, scheduler, finished)
    store.put_named(
        f"runs/{run}/finished.json",
        (canonical_json({"finished": utc_now(), "exit": summary.exit}) + "\n").encode(),
    )
    return RunResult(summary, run, store)


def _on_cluster(
    todo: list[DocumentSpec],
    where: str,
    settings: Settings,
    run: str,
    workers: int | None,
    scheduler: str | None,
    finished: Callable[[dict[str, Any]], None],
) -> dict[str, dict[str, Any]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:
        raise UsageError(
            f"--workers and --scheduler need docwitness's 'scale' extra "
            f"(pip install 'docwitness[scale]'): {exc}"
        ) from None
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # Dask's own news (workers starting, closing) is not the user's: errors only.
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.ERROR)
    if not is_remote(where) and scheduler is not None:
        log.info("a local store on a cluster: every worker must see %s", where)
    with ExitStack() as stack:
        if scheduler is not None:
            try:
                client = stack.enter_context(Client(scheduler, timeout="10s"))
            except (OSError, TimeoutError) as exc:
                raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        else:
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=workers or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    host="127.0.0.1",
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster))
        threads = sum(client.nthreads().values()) or 1
        window = max(2, WINDOW_PER_THREAD * threads)
        pending = iter(todo)

        def submit(doc: DocumentSpec) -> Any:
            return client.submit(
                cluster_task,
                doc,
                where,
                settings,
                run,
                key=f"docwitness-check-{run}-{doc.id}",
                retries=2,
                pure=False,
            )

        first = [submit(doc) for _, doc in zip(range(window), pending, strict=False)]
        futures = as_completed(first)
        for future in futures:
            try:
                result = future.result()
            finally:
                future.release()  # the worker forgets the result: nothing is gathered
            finished(result)
            nxt = next(pending, None)
            if nxt is not None:
                futures.add(submit(nxt))
        stats: dict[str, dict[str, Any]] = client.run(_worker_stats)
        return stats


# --------------------------------------------------------------------------- output


def write_output(
    result: RunResult, documents: list[DocumentSpec], settings: Settings, out: Any
) -> str:
    """The reports of the run's documents, in catalogue order, as ``render_all`` joins
    them, read back from the store one at a time and written to ``out`` (a text file).
    Returns the last character written (the caller ends standard output with a newline)."""
    from docwitness.report import REPORTERS, _load_formats

    _load_formats()
    reporter = REPORTERS.get(settings.format)()
    joined = getattr(reporter, "join", None) is not None and len(documents) > 1
    if joined and settings.format != "json":
        # A format that joins its reports in its own way: given them all (none does today).
        parts = [_part(result, d) for d in documents]
        text = str(reporter.join(parts))  # type: ignore[attr-defined]
        out.write(text)
        return text[-1:]
    part = ""
    for i, doc in enumerate(documents):
        part = _part(result, doc)
        if joined:  # the JSON reporter's join, a part at a time: one array
            out.write(("[\n" if i == 0 else ",\n") + part.rstrip("\n"))
        else:
            out.write(("\n" if i else "") + part)
    if joined:
        out.write("\n]\n")
        return "\n"
    return part[-1:]


def _part(result: RunResult, doc: DocumentSpec) -> str:
    raw = result.store.get_named(_done_name(result.run, doc.id))
    if raw is None:
        raise StoreError(f"run {result.run}: no result for document {doc.id} in the store")
    return str(json.loads(raw)["output"])


def environment_workers() -> int:
    """The cores this process may use (for a default and for the benchmark)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
