"""The snapshot store: content-addressed, write-once, plain files that diff well in git.

Layout under the store folder (``snapshots/`` by default)::

    objects/<aa>/<sha256 hex>            raw captured bytes, verbatim (the evidence),
                                         the WARC of each capture's HTTP exchanges,
                                         extracted text, canonical text (one paragraph
                                         a line) and derived records (compact JSON)
    witnesses/<document>/<witness>.jsonl one line per capture, append-only history,
                                         each line chained to the one before
    index.json                           every witness's entry count and latest entry

Every object is named by the SHA-256 of its bytes, so recording the same bytes
twice adds a history entry and no new object. Every write goes to a temporary
file in the same folder, is fsynced, then renamed into place; history updates
hold an exclusive lock on ``.lock`` so two processes at once cannot lose or
interleave entries, and the index is rewritten (the same way, under the same
lock) with each entry, after the history. How the chain and the index make a
lost, moved or duplicated line show is said in :mod:`docwitness.store.chain`.
:meth:`Store.verify` re-hashes every object against its
name and every record against the objects it names, and lists every problem.

A writer killed between writing a temporary file and renaming it leaves the file
behind: a leftover, which the next writer removes and :meth:`Store.verification`
lists apart from the problems (and removes, with ``repair``). How a writer
proves it is alive, so that its files are never taken for leftovers, is said in
:mod:`docwitness.store.leftovers`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from docwitness.errors import StoreCorrupt, StoreError, StoreProblem
from docwitness.model import Document, canonical_json, sha256_bytes
from docwitness.store import leftovers as _leftovers
from docwitness.store.chain import INDEX, Line, chain_problems, index_problems, missing_problem
from docwitness.store.leftovers import TMP_PREFIX, WRITERS, Leftover
from docwitness.store.records import (
    COLUMN_SCHEMAS,
    RECORD_SCHEMA,
    RECORD_SCHEMA_1,
    DerivedRecord,
    HistoryEntry,
    HistoryIndex,
    IndexEntry,
    SharedTexts,
    entry_digest,
    json_bytes,
)

__all__ = [
    "RECORD_SCHEMA",
    "TMP_PREFIX",
    "DerivedRecord",
    "HistoryEntry",
    "Leftover",
    "Store",
    "Verification",
    "document_from_record",
    "record_of",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Verification:
    """What :meth:`Store.verification` found: the problems (corruption), the leftovers
    of writers that are gone, those it removed (with ``repair``), and the temporary
    files of writes still in progress (never touched)."""

    problems: tuple[StoreProblem, ...]
    leftovers: tuple[Leftover, ...]
    removed: tuple[Leftover, ...] = ()
    writing: tuple[str, ...] = ()


def _hex(digest: str) -> str:
    algo, _, hexpart = digest.partition(":")
    if algo != "sha256" or len(hexpart) != 64 or not all(c in "0123456789abcdef" for c in hexpart):
        raise StoreError(f"not a sha256 digest: {digest!r}")
    return hexpart


def record_of(
    document: Document, pages: list[str], format: str | None, select: str | None
) -> DerivedRecord:
    """The derived record of a document: everything but the capture time and transport."""
    return DerivedRecord.of(document, pages, format, select)


def document_from_record(
    record: DerivedRecord, witness: str, source: str, extracted_text: str
) -> Document:
    """Rebuild a :class:`Document` from a stored record (and its extracted text object)."""
    return record.document(witness, source, extracted_text)


def _resolved(record: DerivedRecord, where: str, extracted: str, canonical: str) -> DerivedRecord:
    """A schema 2 or 3 record with its paragraphs filled in from its text objects; one
    whose paragraphs those texts do not bear out is a store problem."""
    try:
        return record.resolved(extracted, canonical)
    except ValueError as exc:
        raise _not_borne_out(where, exc) from None


def _same_text(entry: HistoryEntry, record: DerivedRecord) -> None:
    """A history entry and the record it names must name the same extracted text."""
    if record.sha256.text != entry.text:
        raise StoreCorrupt(
            [StoreProblem(entry.record, "mismatch", f"text {entry.text}", record.sha256.text)]
        )


def _not_borne_out(where: str, exc: ValueError) -> StoreCorrupt:
    problem = StoreProblem(where, "mismatch", "paragraphs in its text objects", str(exc))
    return StoreCorrupt([problem])


def _write_temporary(folder: Path, data: bytes, *, sync: bool = True) -> str:
    """``data`` in a new temporary file of ``folder``, named as this writer's (so that
    it is never taken for a leftover while this writer lives), fsynced unless
    ``sync`` is False (the caller fsyncs it then); its path. Gone again if the write
    fails."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_leftovers.own_prefix(), dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Store:
    """A snapshot store rooted at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._writers: int | None = None  # the fd holding the writers' lock, shared
        self._depth = 0

    # ------------------------------------------------------------------ paths
    @property
    def location(self) -> str:
        """Where the store is, as a user would name it (a folder, or a URL)."""
        return str(self.root)

    def exists(self) -> bool:
        """Whether there is a store here at all (a folder, or objects under a prefix)."""
        return self.root.is_dir()

    def where(self, digest: str) -> str:
        """Where an object is, for a problem to name."""
        return str(self.object_path(digest))

    def has_object(self, digest: str) -> bool:
        """Whether an object of that name is there (not whether it is sound); False for
        a name that is not a digest."""
        try:
            return self.object_path(digest).exists()
        except StoreError:
            return False

    @property
    def objects(self) -> Path:
        return self.root / "objects"

    def object_path(self, digest: str) -> Path:
        h = _hex(digest)
        return self.objects / h[:2] / h

    def history_path(self, document: str, witness: str) -> Path:
        return self.root / "witnesses" / document / f"{witness}.jsonl"

    @property
    def index_path(self) -> Path:
        return self.root / INDEX

    # ------------------------------------------------------------------ writing
    def ensure_writable(self) -> None:
        """Create the store if needed and prove it can be written, before any work is done."""
        try:
            self.objects.mkdir(parents=True, exist_ok=True)
            (self.root / "witnesses").mkdir(exist_ok=True)
            with self.writing():
                fd, probe = tempfile.mkstemp(prefix=_leftovers.own_prefix(), dir=self.root)
                os.close(fd)
                os.unlink(probe)
        except OSError as exc:
            raise StoreError(f"store {self.root} is not writable: {exc.strerror or exc}") from None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writers' lock (shared with other writers) while writing; on taking
        it, remove the leftovers of writers that are gone. Re-entrant."""
        if self._depth == 0:
            try:
                self.root.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.root / WRITERS, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise StoreError(
                    f"store {self.root} is not writable: {exc.strerror or exc}"
                ) from None
            try:
                alone = _leftovers.try_exclusive(fd)
                found, _ = _leftovers.classify(_leftovers.temporary_files(self.root), alone)
                for gone in _leftovers.remove(found):
                    log.info("removed a leftover: %s", gone)
                # From exclusive (or nothing) to shared: other writers may now join.
                fcntl.flock(fd, fcntl.LOCK_SH)
            except BaseException:
                os.close(fd)
                raise
            self._writers = fd
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._writers is not None:
                fd, self._writers = self._writers, None
                os.close(fd)  # closing the last descriptor drops the lock

    def _atomic_write(self, path: Path, data: bytes) -> None:
        with self.writing():
            self._atomic_write_locked(path, data)

    def _atomic_write_locked(self, path: Path, data: bytes) -> None:
        tmp = _write_temporary(path.parent, data)
        try:
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_dir(path.parent)

    def put(self, data: bytes) -> str:
        """Store ``data`` under its digest (write-once) and return the digest."""
        digest = sha256_bytes(data)
        path = self.object_path(digest)
        if path.exists():
            # Write-once: the object is there already. It is re-hashed, not trusted, so a
            # tampered store is reported where it is touched rather than built upon.
            self.get(digest)
        else:
            try:
                self._atomic_write(path, data)
            except OSError as exc:
                raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
        return digest

    def put_many(self, items: list[bytes]) -> list[str]:
        """Store several objects (write-once) and return their digests, in order.

        Durability is kept as with :meth:`put` (every object's bytes and its name in
        its folder are on disk before this returns, so a history entry written
        after never names an object a crash could lose), but the waits overlap:
        each object is written to its temporary file, the files are fsynced by a
        small pool of threads (fsync releases the interpreter), renamed into place,
        and their folders fsynced by the pool, once each.
        """
        digests = [sha256_bytes(data) for data in items]
        new: dict[str, bytes] = {}
        for digest, data in zip(digests, items, strict=True):
            path = self.object_path(digest)
            if path.exists():
                self.get(digest)  # re-hashed, not trusted, as in put()
            else:
                new.setdefault(digest, data)
        if not new:
            return digests
        with self.writing():
            try:
                self._write_all({self.object_path(d): data for d, data in new.items()})
            except OSError as exc:
                raise StoreError(f"cannot write objects: {exc.strerror or exc}") from None
        return digests

    def _write_all(self, files: dict[Path, bytes]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        temporaries: list[tuple[str, Path]] = []
        try:
            for path, data in files.items():
                temporaries.append((_write_temporary(path.parent, data, sync=False), path))

            def sync_file(tmp: str) -> None:
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)

            with ThreadPoolExecutor(max_workers=min(8, len(temporaries))) as pool:
                list(pool.map(sync_file, [tmp for tmp, _ in temporaries]))
                for tmp, path in temporaries:
                    os.replace(tmp, path)
                temporaries = []
                list(pool.map(_fsync_dir, sorted({path.parent for path in files})))
        finally:
            for tmp, _ in temporaries:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def put_json(self, obj: Any) -> str:
        return self.put(json_bytes(obj))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive lock on the store's history, held across processes."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def put_record(self, record: DerivedRecord) -> str:
        """Store a derived record (write-once) and return its digest."""
        return self.put_json(record.to_json())

    def append_history(self, document: str, witness: str, entry: HistoryEntry) -> HistoryEntry:
        """Append one entry to a witness's history, chained to the one before, and
        update the index; atomically and under the lock. A history that does not
        bear out its chain or the index is not built upon (:class:`StoreCorrupt`).
        Returns the entry as written."""
        path = self.history_path(document, witness)
        with self.lock():
            index = self._index_or_raise()
            lines = self._checked_history(document, witness, index)
            entry = replace(entry, previous=lines[-1].digest if lines else None, chained=True)
            obj = entry.to_json()
            line = (canonical_json(obj) + "\n").encode("utf-8")
            old = path.read_bytes() if path.exists() else b""
            if old and not old.endswith(b"\n"):
                old += b"\n"
            witnesses = dict(index.witnesses)
            witnesses[(document, witness)] = IndexEntry(len(lines) + 1, entry_digest(obj))
            index_text = json.dumps(
                HistoryIndex(witnesses).to_json(), sort_keys=True, indent=1, ensure_ascii=False
            )
            # The history first, then the index: a writer killed between the two leaves
            # a history one entry longer than the index, which reads (see store.chain).
            writes = ((path, old + line), (self.index_path, (index_text + "\n").encode("utf-8")))
            for target, data in writes:
                try:
                    self._atomic_write(target, data)
                except OSError as exc:
                    raise StoreError(f"cannot write {target}: {exc.strerror or exc}") from None
        return entry

    # ------------------------------------------------------------------ named files
    # What a run over many documents keeps (``runs/<run>/…``, see docwitness.scale):
    # written once under a name, not content-addressed, outside objects/ and witnesses/,
    # so that verify, export and the history never see them.
    def _named_path(self, name: str) -> Path:
        parts = name.split("/")
        if parts[0] != "runs" or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            raise StoreError(f"not a name under runs/: {name!r}")
        return self.root.joinpath(*parts)

    def put_named(self, name: str, data: bytes) -> bool:
        """Write ``data`` under ``runs/…`` only if nothing is there (whole, fsynced, and
        never over another writer's); False when something was."""
        path = self._named_path(name)
        with self.writing():
            try:
                tmp = _write_temporary(path.parent, data)
                try:
                    try:
                        os.link(tmp, path)  # fails if the name is taken: write-once
                    except FileExistsError:
                        return False
                finally:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                _fsync_dir(path.parent)
            except OSError as exc:
                raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
        return True

    def get_named(self, name: str) -> bytes | None:
        """What is written under ``runs/…``; None when nothing is."""
        path = self._named_path(name)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None

    def names(self, prefix: str) -> list[str]:
        """The names written under a folder of ``runs/`` (one level), sorted."""
        folder = self._named_path(prefix.rstrip("/"))
        if not folder.is_dir():
            return []
        return sorted(
            f"{prefix.rstrip('/')}/{p.name}" for p in folder.iterdir()
            if not p.name.startswith(TMP_PREFIX)
        )

    # ------------------------------------------------------------------ reading
    def get(self, digest: str) -> bytes:
        data = self._read(digest)
        found = sha256_bytes(data)
        if found != digest:
            raise StoreCorrupt([StoreProblem(self.where(digest), "mismatch", digest, found)])
        return data

    def _read(self, digest: str) -> bytes:
        """An object's bytes, not yet checked against its name (:meth:`get` checks)."""
        path = self.object_path(digest)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise StoreCorrupt([StoreProblem(str(path), "missing", digest, "no file")]) from None

    def get_json(self, digest: str) -> Any:
        """An object read back as JSON; one that is not JSON is a store problem."""
        data = self.get(digest)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            path = self.where(digest)
            raise StoreCorrupt(
                [StoreProblem(path, "invalid", "a JSON record", f"{len(data)} bytes that are not")]
            ) from None

    def get_record(self, digest: str, extracted_text: str | None = None) -> DerivedRecord:
        """The derived record named ``digest``, checked against its name and read strictly,
        with its paragraphs' texts filled in from the text objects it points at (the
        extracted text may be handed in, read already)."""
        where = self.where(digest)
        record = DerivedRecord.from_json(self.get_json(digest), where)
        if record.schema == RECORD_SCHEMA_1:
            return record
        if extracted_text is None:
            extracted_text = self._extracted(record, where).decode("utf-8")
        canonical = self.get(record.sha256.canonical).decode("utf-8")
        return _resolved(record, where, extracted_text, canonical)

    def extracted_bytes(self, entry: HistoryEntry) -> bytes:
        """The extracted text a history entry names, read back and checked (UTF-8)."""
        where = self.where(entry.record)
        record = DerivedRecord.from_json(self.get_json(entry.record), where)
        _same_text(entry, record)
        return self._extracted(record, where)

    def _extracted(self, record: DerivedRecord, where: str) -> bytes:
        """The extracted text a record names: its object, or the runs of the pages it
        is cut from, re-hashed (a text cut that is not the one named is a store
        problem, as an object that is not is). The pages are not hashed here: every
        byte of them that the text holds is checked in the text's own digest, and
        :meth:`verify` checks the rest."""
        digest = record.sha256.text
        cut = record.text_from
        if cut is None:
            return self.get(digest)
        last = max(page for _, page in cut.pages)
        bodies = [self._read(page) for page in record.pages[: last + 1]]
        try:
            data = cut.cut(bodies)
        except ValueError as exc:
            raise StoreCorrupt(
                [StoreProblem(where, "mismatch", "a text cut from its pages", str(exc))]
            ) from None
        found = sha256_bytes(data)
        if found != digest:
            raise StoreCorrupt(
                [StoreProblem(where, "mismatch", f"text {digest}", f"{found} cut from its pages")]
            )
        return data

    def _read_index(self) -> tuple[HistoryIndex, list[StoreProblem]]:
        """The index (empty where there is none yet), and why it cannot be read."""
        path = self.index_path
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return HistoryIndex({}), []
        except OSError as exc:
            return HistoryIndex({}), [StoreProblem(str(path), "unreadable", "readable", str(exc))]
        try:
            obj = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return HistoryIndex({}), [StoreProblem(str(path), "invalid", "a JSON index", "not")]
        try:
            return HistoryIndex.from_json(obj, str(path)), []
        except StoreCorrupt as exc:
            return HistoryIndex({}), exc.problems

    def _index_or_raise(self) -> HistoryIndex:
        index, problems = self._read_index()
        if problems:
            raise StoreCorrupt(problems)
        return index

    def _history_problems(
        self, document: str, witness: str, index: HistoryIndex
    ) -> tuple[list[Line], list[StoreProblem]]:
        """A history's lines, and every problem of its lines, its chain and its index
        entry. The chain and the index are judged only when every line reads."""
        path = self.history_path(document, witness)
        indexed = index.witnesses.get((document, witness))
        if not path.exists():
            return [], [missing_problem(str(path), indexed)] if indexed is not None else []
        lines, problems = self._read_history(path)
        if problems:
            return lines, problems
        return lines, chain_problems(str(path), lines) + index_problems(str(path), lines, indexed)

    def _checked_history(self, document: str, witness: str, index: HistoryIndex) -> list[Line]:
        lines, problems = self._history_problems(document, witness, index)
        if problems:
            raise StoreCorrupt(problems)
        return lines

    def _read_history(self, path: Path) -> tuple[list[Line], list[StoreProblem]]:
        """Every entry of a history file with its line number, and every line that is not one."""
        entries: list[Line] = []
        problems: list[StoreProblem] = []
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return [], [StoreProblem(str(path), "unreadable", "UTF-8 JSON lines", str(exc)[:80])]
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                problems.append(StoreProblem(f"{path}:{n}", "invalid", "a JSON line", line[:40]))
                continue
            try:
                entry = HistoryEntry.from_json(obj, f"{path}:{n}")
                entries.append(Line(n, entry, entry_digest(obj)))
            except StoreCorrupt as exc:
                problems.extend(exc.problems)
        return entries, problems

    def history(self, document: str, witness: str) -> list[HistoryEntry]:
        """A witness's history, oldest first; a line that is not an entry, a broken
        chain or a history that does not bear out the index is a store problem."""
        # The index is read before the history: a writer renames the history into
        # place before the index, so a history read after its index is never shorter.
        lines = self._checked_history(document, witness, self._index_or_raise())
        return [line.entry for line in lines]

    def latest(self, document: str, witness: str) -> HistoryEntry | None:
        entries = self.history(document, witness)
        return entries[-1] if entries else None

    def load_document(
        self, entry: HistoryEntry, witness: str, shared: SharedTexts | None = None
    ) -> Document:
        """The document a history entry recorded, read back and checked from its objects
        (each read and re-hashed once; a schema 3 record's paragraphs built straight
        from its columns and the two texts). ``shared`` holds the texts and paragraph
        digests of the copies of the same document read already
        (:class:`~docwitness.store.records.SharedTexts`)."""
        where = self.where(entry.record)
        record = DerivedRecord.from_json(self.get_json(entry.record), where)
        _same_text(entry, record)
        text = self._extracted(record, where).decode("utf-8")
        if record.schema == RECORD_SCHEMA_1:
            return record.document(witness, entry.source, text)
        # A text that normalisation left as it was is one object, read once.
        same = record.sha256.canonical == entry.text
        canonical = text if same else self.get(record.sha256.canonical).decode("utf-8")
        try:
            return record.document_of(witness, entry.source, text, canonical, shared)
        except ValueError as exc:
            raise _not_borne_out(where, exc) from None

    def histories(self) -> Iterator[tuple[str, str, Path]]:
        base = self.root / "witnesses"
        if not base.is_dir():
            return
        for doc_dir in sorted(p for p in base.iterdir() if p.is_dir()):
            for file in sorted(doc_dir.glob("*.jsonl")):
                yield doc_dir.name, file.stem, file

    def indexed(self) -> list[tuple[str, str]]:
        """Every witness the index lists (none where the index cannot be read)."""
        return sorted(self._read_index()[0].witnesses)

    # ------------------------------------------------------------------ verification
    def leftovers(
        self, *, repair: bool = False
    ) -> tuple[list[Leftover], list[str], list[Leftover]]:
        """The temporary files of writers that are gone, those of writes in progress,
        and (with ``repair``) the leftovers removed. Nothing but temporary files
        proved left over is ever removed."""
        if not self.root.is_dir():
            raise StoreError(f"no store at {self.root}")
        try:
            fd: int | None = os.open(self.root / WRITERS, os.O_RDONLY)
        except FileNotFoundError:
            fd = None  # no writer of this version has ever run here
        except OSError:
            fd = -1  # cannot tell: judge by the names alone
        try:
            alone = fd is None or (fd >= 0 and _leftovers.try_exclusive(fd))
            found, writing = _leftovers.classify(_leftovers.temporary_files(self.root), alone)
            removed = _leftovers.remove(found) if repair else []
        finally:
            if fd is not None and fd >= 0:
                os.close(fd)
        return found, writing, removed

    def verification(self, *, repair: bool = False) -> Verification:
        """The problems of :meth:`verify`, with the leftovers listed apart (and, with
        ``repair``, removed)."""
        found, writing, removed = self.leftovers(repair=repair)
        return Verification(tuple(self.verify()), tuple(found), tuple(removed), tuple(writing))

    def verify(self) -> list[StoreProblem]:
        """Every problem in the store: objects that do not match their names, history
        entries naming missing objects, records whose paragraphs or texts do not
        match their digests. Temporary files are not problems: see :meth:`leftovers`."""
        problems: list[StoreProblem] = []
        if not self.root.is_dir():
            raise StoreError(f"no store at {self.root}")
        if self.objects.is_dir():
            for path in sorted(self.objects.glob("*/*")):
                if path.name.startswith(TMP_PREFIX):
                    continue
                try:
                    found = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as exc:
                    problems.append(StoreProblem(str(path), "unreadable", "readable", str(exc)))
                    continue
                if found != "sha256:" + path.name or path.parent.name != path.name[:2]:
                    problems.append(
                        StoreProblem(str(path), "mismatch", "sha256:" + path.name, found)
                    )
        index, bad_index = self._read_index()  # before the histories: see history()
        problems.extend(bad_index)
        seen: set[tuple[str, str]] = set()
        for document, witness, file in self.histories():
            seen.add((document, witness))
            lines, bad = self._history_problems(document, witness, index)
            problems.extend(bad)
            for line in lines:
                problems.extend(self._verify_entry(f"{file}:{line.number}", line.entry))
        for document, witness in sorted(set(index.witnesses) - seen):
            problems.extend(self._history_problems(document, witness, index)[1])
        return problems

    def _verify_entry(self, where: str, entry: HistoryEntry) -> list[StoreProblem]:
        problems: list[StoreProblem] = []
        try:
            # Read as stored; its paragraphs are filled in below from the text objects,
            # each read (and re-hashed) once.
            record = DerivedRecord.from_json(
                self.get_json(entry.record), self.where(entry.record)
            )
        except StoreCorrupt as exc:
            return [
                StoreProblem(where, p.kind, p.expected, f"{p.found} ({p.path})")
                for p in exc.problems
            ]
        except StoreError:
            return [StoreProblem(where, "invalid", "a record digest", entry.record)]
        digests = record.sha256
        for page in record.pages:
            if not self.has_object(page):
                problems.append(
                    StoreProblem(where, "missing", page, "raw capture not in the store")
                )
        if entry.warc is not None and not self.has_object(entry.warc):
            problems.append(StoreProblem(where, "missing", entry.warc, "WARC not in the store"))
        for key, recorded, held in (
            ("raw", digests.raw, entry.raw),
            ("text", digests.text, entry.text),
            ("canonical", digests.canonical, entry.canonical),
        ):
            if held != recorded:
                problems.append(
                    StoreProblem(where, "mismatch", f"{key} {recorded}", f"history says {held}")
                )
        texts: dict[str, str] = {}
        where_record = self.where(entry.record)
        for key, digest in (("text", digests.text), ("canonical", digests.canonical)):
            try:
                data = self._extracted(record, where_record) if key == "text" else self.get(digest)
                texts[key] = data.decode("utf-8")
            except StoreCorrupt as exc:
                problems.extend(
                    StoreProblem(where, p.kind, p.expected, f"{p.found} ({p.path})")
                    for p in exc.problems
                )
            except StoreError:
                problems.append(StoreProblem(where, "invalid", f"a {key} digest", digest))
        if record.schema != RECORD_SCHEMA_1:
            if len(texts) < 2:
                return problems  # the paragraphs cannot be read without both texts
            try:
                record = _resolved(
                    record, self.where(entry.record), texts["text"], texts["canonical"]
                )
            except StoreCorrupt as exc:
                return problems + [
                    StoreProblem(where, p.kind, p.expected, f"{p.found} ({p.path})")
                    for p in exc.problems
                ]
        if record.schema in COLUMN_SCHEMAS:
            # Its paragraphs' texts and digests are read off the canonical text object,
            # re-hashed above: there is nothing stored to disagree with it.
            return problems
        paragraphs = record.paragraphs
        for i, p in enumerate(paragraphs):
            found = sha256_bytes(p.text.encode("utf-8"))
            if found != p.sha256:
                problems.append(StoreProblem(f"{where} paragraph {i}", "mismatch", p.sha256, found))
        if "canonical" in texts and texts["canonical"] != "\n".join(p.text for p in paragraphs):
            problems.append(
                StoreProblem(
                    where, "mismatch", "canonical text = the record's paragraphs", "they differ"
                )
            )
        return problems

    def verify_or_raise(self) -> None:
        problems = self.verify()
        if problems:
            raise StoreCorrupt(problems)
