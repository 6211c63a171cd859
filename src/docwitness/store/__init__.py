"""The snapshot store: content-addressed, write-once, plain files that diff well in git.

Layout under the store folder (``snapshots/`` by default)::

    objects/<aa>/<sha256 hex>            raw captured bytes, verbatim (the evidence),
                                         extracted text, canonical text (one paragraph
                                         a line) and derived records (indented JSON)
    witnesses/<document>/<witness>.jsonl one line per capture, append-only history

Every object is named by the SHA-256 of its bytes, so recording the same bytes
twice adds a history entry and no new object. Every write goes to a temporary
file in the same folder, is fsynced, then renamed into place; history updates
hold an exclusive lock on ``.lock`` so two processes at once cannot lose or
interleave entries. :meth:`Store.verify` re-hashes every object against its
name and every record against the objects it names, and lists every problem.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docwitness.errors import StoreCorrupt, StoreError, StoreProblem
from docwitness.model import (
    Block,
    Digests,
    Document,
    Extraction,
    Paragraph,
    canonical_json,
    sha256_bytes,
)

RECORD_SCHEMA = "docwitness.record/1"
TMP_PREFIX = ".tmp-"


def _hex(digest: str) -> str:
    algo, _, hexpart = digest.partition(":")
    if algo != "sha256" or len(hexpart) != 64 or not all(c in "0123456789abcdef" for c in hexpart):
        raise StoreError(f"not a sha256 digest: {digest!r}")
    return hexpart


def record_of(
    document: Document, pages: list[str], format: str | None, select: str | None
) -> dict[str, Any]:
    """The derived record of a document: everything but the capture time and transport."""
    ex = document.extraction
    return {
        "schema": RECORD_SCHEMA,
        "sha256": document.digests.to_dict(),
        "pages": pages,
        "profile": document.profile,
        "format": format,
        "select": select,
        "extraction": {
            "extractor": ex.extractor,
            "extractor_version": ex.extractor_version,
            "libraries": ex.libraries,
            "encoding": ex.encoding,
            "encoding_evidence": ex.encoding_evidence,
            "replacement_chars": ex.replacement_chars,
            "removed": list(ex.removed),
            "metadata": ex.metadata,
            "warnings": list(ex.warnings),
        },
        "paragraphs": [
            {
                "raw": p.raw,
                "text": p.text,
                "sha256": p.sha256,
                "kind": p.kind,
                "marker": p.marker,
                "point": p.point,
                "page": p.page,
            }
            for p in document.paragraphs
        ],
    }


def document_from_record(
    record: dict[str, Any], witness: str, source: str, extracted_text: str
) -> Document:
    """Rebuild a :class:`Document` from a stored record (and its extracted text object)."""
    ex = record["extraction"]
    paragraphs = tuple(
        Paragraph(
            index=i,
            raw=p["raw"],
            text=p["text"],
            sha256=p["sha256"],
            kind=p["kind"],
            marker=p["marker"],
            point=p["point"],
            page=p.get("page"),
        )
        for i, p in enumerate(record["paragraphs"])
    )
    extraction = Extraction(
        blocks=tuple(Block(line) for line in extracted_text.split("\n")),
        extractor=ex["extractor"],
        extractor_version=ex["extractor_version"],
        libraries=ex["libraries"],
        encoding=ex["encoding"],
        encoding_evidence=ex["encoding_evidence"],
        replacement_chars=ex["replacement_chars"],
        removed=tuple(ex["removed"]),
        metadata=ex["metadata"],
        warnings=tuple(ex["warnings"]),
    )
    d = record["sha256"]
    return Document(
        witness=witness,
        source=source,
        paragraphs=paragraphs,
        digests=Digests(raw=d["raw"], text=d["text"], canonical=d["canonical"]),
        profile=record["profile"],
        extraction=extraction,
    )


class Store:
    """A snapshot store rooted at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ------------------------------------------------------------------ paths
    @property
    def objects(self) -> Path:
        return self.root / "objects"

    def object_path(self, digest: str) -> Path:
        h = _hex(digest)
        return self.objects / h[:2] / h

    def history_path(self, document: str, witness: str) -> Path:
        return self.root / "witnesses" / document / f"{witness}.jsonl"

    # ------------------------------------------------------------------ writing
    def ensure_writable(self) -> None:
        """Create the store if needed and prove it can be written, before any work is done."""
        try:
            self.objects.mkdir(parents=True, exist_ok=True)
            (self.root / "witnesses").mkdir(exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=TMP_PREFIX, dir=self.root)
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise StoreError(f"store {self.root} is not writable: {exc.strerror or exc}") from None

    def _atomic_write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

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

    def put_json(self, obj: Any) -> str:
        # Indented, sorted and newline-terminated: deterministic bytes that diff well.
        text = json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
        return self.put(text.encode("utf-8"))

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

    def append_history(self, document: str, witness: str, entry: dict[str, Any]) -> None:
        """Append one entry to a witness's history, atomically and under the lock."""
        path = self.history_path(document, witness)
        line = (canonical_json(entry) + "\n").encode("utf-8")
        with self.lock():
            old = path.read_bytes() if path.exists() else b""
            if old and not old.endswith(b"\n"):
                old += b"\n"
            try:
                self._atomic_write(path, old + line)
            except OSError as exc:
                raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None

    # ------------------------------------------------------------------ reading
    def get(self, digest: str) -> bytes:
        path = self.object_path(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoreCorrupt([StoreProblem(str(path), "missing", digest, "no file")]) from None
        found = sha256_bytes(data)
        if found != digest:
            raise StoreCorrupt([StoreProblem(str(path), "mismatch", digest, found)])
        return data

    def get_json(self, digest: str) -> Any:
        return json.loads(self.get(digest).decode("utf-8"))

    def history(self, document: str, witness: str) -> list[dict[str, Any]]:
        path = self.history_path(document, witness)
        if not path.exists():
            return []
        out = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                raise StoreCorrupt(
                    [StoreProblem(f"{path}:{n}", "invalid", "a JSON line", line[:40])]
                ) from None
        return out

    def latest(self, document: str, witness: str) -> dict[str, Any] | None:
        entries = self.history(document, witness)
        return entries[-1] if entries else None

    def load_document(self, entry: dict[str, Any], witness: str) -> Document:
        """The document a history entry recorded, read back and checked from its objects."""
        record = self.get_json(entry["record"])
        text = self.get(record["sha256"]["text"]).decode("utf-8")
        return document_from_record(record, witness, entry.get("source", ""), text)

    def histories(self) -> Iterator[tuple[str, str, Path]]:
        base = self.root / "witnesses"
        if not base.is_dir():
            return
        for doc_dir in sorted(p for p in base.iterdir() if p.is_dir()):
            for file in sorted(doc_dir.glob("*.jsonl")):
                yield doc_dir.name, file.stem, file

    # ------------------------------------------------------------------ verification
    def verify(self) -> list[StoreProblem]:
        """Every problem in the store: objects that do not match their names, stray
        temporary files, history entries naming missing objects, records whose
        paragraphs or texts do not match their digests."""
        problems: list[StoreProblem] = []
        if not self.root.is_dir():
            raise StoreError(f"no store at {self.root}")
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and path.name.startswith(TMP_PREFIX):
                problems.append(
                    StoreProblem(
                        str(path), "incomplete", "no temporary files", "an unfinished write"
                    )
                )
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
        for document, witness, file in self.histories():
            try:
                entries = self.history(document, witness)
            except StoreCorrupt as exc:
                problems.extend(exc.problems)
                continue
            for n, entry in enumerate(entries, 1):
                problems.extend(self._verify_entry(f"{file}:{n}", entry))
        return problems

    def _verify_entry(self, where: str, entry: dict[str, Any]) -> list[StoreProblem]:
        problems: list[StoreProblem] = []
        record_digest = entry.get("record")
        if not isinstance(record_digest, str):
            return [StoreProblem(where, "invalid", "a record digest", repr(record_digest))]
        try:
            record = self.get_json(record_digest)
        except StoreCorrupt as exc:
            return [
                StoreProblem(where, p.kind, p.expected, f"{p.found} ({p.path})")
                for p in exc.problems
            ]
        except (json.JSONDecodeError, UnicodeDecodeError, StoreError):
            return [StoreProblem(where, "invalid", "a JSON record", record_digest)]
        digests = record.get("sha256", {})
        for page in record.get("pages", []):
            if not self.object_path(page).exists():
                problems.append(
                    StoreProblem(where, "missing", page, "raw capture not in the store")
                )
        for key in ("raw", "text", "canonical"):
            if entry.get(key) != digests.get(key):
                problems.append(
                    StoreProblem(
                        where,
                        "mismatch",
                        f"{key} {digests.get(key)}",
                        f"history says {entry.get(key)}",
                    )
                )
        texts: dict[str, str] = {}
        for key in ("text", "canonical"):
            try:
                texts[key] = self.get(digests[key]).decode("utf-8")
            except StoreCorrupt as exc:
                problems.extend(
                    StoreProblem(where, p.kind, p.expected, f"{p.found} ({p.path})")
                    for p in exc.problems
                )
        paragraphs = record.get("paragraphs", [])
        for i, p in enumerate(paragraphs):
            found = sha256_bytes(p["text"].encode("utf-8"))
            if found != p["sha256"]:
                problems.append(
                    StoreProblem(f"{where} paragraph {i}", "mismatch", p["sha256"], found)
                )
        if "canonical" in texts and texts["canonical"] != "\n".join(p["text"] for p in paragraphs):
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
