"""The store on object storage: the same store, held in a :class:`~docwitness.store.bucket.Bucket`.

``--store s3://bucket/prefix`` (any fsspec URL that is not a local path) opens an
:class:`ObjectStore`. It keeps :class:`~docwitness.store.Store`'s interface and
its promises, in the terms object storage allows::

    objects/<aa>/<sha256 hex>                     as in a local store: the evidence,
                                                  texts and records, named by digest
    witnesses/<document>/<witness>/<n>.json       one object per capture: history
                                                  entry n (8 digits, from 00000001),
                                                  canonical JSON, chained by digest
    witnesses/<document>/<witness>/head.json      the witness's index entry: how many
                                                  entries, and the latest one's digest

**Write-once.** Every object and every history entry is written with
:meth:`~docwitness.store.bucket.Bucket.create`: only if absent (a conditional
put, ``If-None-Match: *``, where the server has it; else a checked write). An
object already there is re-hashed, not trusted, as locally.

**History.** Object stores cannot append, so a capture is one object, and the
history of a witness is its entries in order of their numbers: entry n+1 is
written only after entry n, so the names sort in the order of capture. Each
entry carries ``previous``, the digest of the entry before (null for the first),
as every line of a local history does; :mod:`docwitness.store.chain` judges the
chain and the head with the same rules as a local history and its
``index.json``. Two writers appending to one witness at once both ask for the
same number; the conditional put lets one win, and the other reads the history
again and takes the next number. A writer killed between the entry and the head
leaves a history one entry longer than its head: that reads, and the next
writer brings the head up to date.

**What a check reads.** :meth:`ObjectStore.latest` (what ``check`` reads for
each witness) reads the head and the entries from the one it names onwards,
one listing and one or two reads however long the history is; the whole chain
is followed by :meth:`ObjectStore.history` and by :meth:`ObjectStore.verify`,
which checks what a local ``verify`` checks.

There is no writers' lock and there are no leftovers: an object is written
whole or not at all by the server.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from docwitness.errors import StoreCorrupt, StoreError, StoreProblem
from docwitness.lazy_re import lazy
from docwitness.model import canonical_json, sha256_bytes
from docwitness.store import Store, Verification, _hex
from docwitness.store.bucket import Bucket, FsspecBucket
from docwitness.store.chain import Line, chain_problems, index_problems, missing_problem
from docwitness.store.records import HistoryEntry, IndexEntry, entry_digest

log = logging.getLogger(__name__)

HEAD = "head.json"
_ENTRY = lazy(r"^(\d{8})\.json$")
_CREATE_TRIES = 5


def is_remote(location: str | Path) -> bool:
    """Whether a ``--store`` names object storage (a URL) rather than a local folder."""
    text = str(location)
    return "://" in text and not text.startswith("file://")


def local_path(location: str | Path) -> Path:
    """A local store's folder (``file://`` URLs included)."""
    text = str(location)
    return Path(text[len("file://") :]) if text.startswith("file://") else Path(location)


class ObjectStore(Store):
    """A snapshot store under a prefix of object storage (see the module's docstring).

    It is a :class:`~docwitness.store.Store` to every caller: the paths of a local
    store (``root``, ``object_path``, ``history_path``) are what it does not have,
    and asking for them is a :class:`~docwitness.errors.StoreError`."""

    def __init__(self, url: str, bucket: Bucket | None = None) -> None:
        # Store.__init__ is not called: there is no local folder behind this store.
        self.url = url.rstrip("/")
        self.bucket: Bucket = bucket if bucket is not None else FsspecBucket(self.url)
        self._depth = 0
        self._writers = None

    # ------------------------------------------------------------------ where
    @property
    def location(self) -> str:
        return self.url

    def exists(self) -> bool:
        try:
            return bool(self.bucket.list("witnesses/")) or bool(self.bucket.list("objects/"))
        except OSError as exc:
            raise self._unreachable(exc) from None

    def _unreachable(self, exc: OSError) -> StoreError:
        return StoreError(f"store {self.url} cannot be reached: {exc.strerror or exc}")

    def _key(self, digest: str) -> str:
        h = _hex(digest)
        return f"objects/{h[:2]}/{h}"

    def where(self, digest: str) -> str:
        try:
            return f"{self.url}/{self._key(digest)}"
        except StoreError:
            return f"{self.url}/objects/{digest}"

    def has_object(self, digest: str) -> bool:
        try:
            key = self._key(digest)
        except StoreError:
            return False
        try:
            return self.bucket.exists(key)
        except OSError as exc:
            raise self._unreachable(exc) from None

    def _local_only(self, what: str) -> NoReturn:
        raise StoreError(f"{what} needs a local store; {self.url} is on object storage")

    @property
    def root(self) -> Path:  # type: ignore[override]
        self._local_only("this command")

    def object_path(self, digest: str) -> Path:
        self._local_only("a file path of an object")

    def history_path(self, document: str, witness: str) -> Path:
        self._local_only("a history file")

    def _prefix(self, document: str, witness: str) -> str:
        return f"witnesses/{document}/{witness}/"

    def _history_where(self, document: str, witness: str) -> str:
        """A history as a problem names it; ``:N`` after it is entry N."""
        return f"{self.url}/witnesses/{document}/{witness}"

    # ------------------------------------------------------------------ writing
    def ensure_writable(self) -> None:
        try:
            if not self.bucket.reachable():
                raise StoreError(f"store {self.url}: no such bucket")
            probe = "runs/.probe-" + sha256_bytes(self.url.encode())[7:19]
            self.bucket.replace(probe, b"")
        except OSError as exc:
            raise StoreError(f"store {self.url} is not writable: {exc.strerror or exc}") from None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        yield  # no writers' lock: the server writes an object whole or not at all

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        yield  # appending is made safe by conditional puts, not by a lock

    def _create(self, key: str, data: bytes) -> bool:
        try:
            return self.bucket.create(key, data)
        except OSError as exc:
            raise StoreError(f"cannot write {self.url}/{key}: {exc.strerror or exc}") from None

    def put(self, data: bytes) -> str:
        digest = sha256_bytes(data)
        if not self._create(self._key(digest), data):
            self.get(digest)  # there already: re-hashed, not trusted
        return digest

    def put_many(self, items: list[bytes]) -> list[str]:
        digests: list[str] = []
        done: set[str] = set()
        for data in items:
            digest = sha256_bytes(data)
            if digest not in done:
                self.put(data)
                done.add(digest)
            digests.append(digest)
        return digests

    def append_history(self, document: str, witness: str, entry: HistoryEntry) -> HistoryEntry:
        """Write the next entry of a witness's history (one object, only if absent) and
        then its head. A history whose tail does not bear out its chain or its head is
        not built upon (:class:`StoreCorrupt`)."""
        prefix = self._prefix(document, witness)
        for _ in range(_CREATE_TRIES):
            tail = self._checked_tail(document, witness)
            count = tail[-1].number if tail else 0
            written = replace(entry, previous=tail[-1].digest if tail else None, chained=True)
            obj = written.to_json()
            data = (canonical_json(obj) + "\n").encode("utf-8")
            if self._create(f"{prefix}{count + 1:08d}.json", data):
                head = IndexEntry(count + 1, entry_digest(obj)).to_json()
                try:
                    self.bucket.replace(prefix + HEAD, (canonical_json(head) + "\n").encode())
                except OSError as exc:
                    raise StoreError(
                        f"cannot write {self.url}/{prefix}{HEAD}: {exc.strerror or exc}"
                    ) from None
                return written
            log.info("entry %d of %s/%s: another writer's", count + 1, document, witness)
        raise StoreError(
            f"cannot append to the history of {document}/{witness}: other writers keep "
            "appending to it at the same time"
        )

    # ------------------------------------------------------------------ named files
    def put_named(self, name: str, data: bytes) -> bool:
        self._named_path(name)  # the same names as locally
        return self._create(name, data)

    def get_named(self, name: str) -> bytes | None:
        self._named_path(name)
        try:
            return self.bucket.read(name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._unreachable(exc) from None

    def names(self, prefix: str) -> list[str]:
        folder = prefix.rstrip("/")
        self._named_path(folder)
        try:
            keys = self.bucket.list(folder + "/")
        except OSError as exc:
            raise self._unreachable(exc) from None
        depth = folder.count("/") + 1
        found = {"/".join(k.split("/")[: depth + 1]) for k in keys}
        return sorted(n for n in found if not n.rsplit("/", 1)[-1].startswith("."))

    def _named_path(self, name: str) -> Path:
        parts = name.split("/")
        if parts[0] != "runs" or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            raise StoreError(f"not a name under runs/: {name!r}")
        return Path(name)

    # ------------------------------------------------------------------ reading
    def _read(self, digest: str) -> bytes:
        key = self._key(digest)
        try:
            return self.bucket.read(key)
        except FileNotFoundError:
            where = f"{self.url}/{key}"
            raise StoreCorrupt([StoreProblem(where, "missing", digest, "no object")]) from None
        except OSError as exc:
            raise self._unreachable(exc) from None

    def _head(self, document: str, witness: str) -> tuple[IndexEntry | None, list[StoreProblem]]:
        where = f"{self._history_where(document, witness)}/{HEAD}"
        try:
            data = self.bucket.read(self._prefix(document, witness) + HEAD)
        except FileNotFoundError:
            return None, []
        except OSError as exc:
            raise self._unreachable(exc) from None
        try:
            return IndexEntry.from_json(json.loads(data.decode("utf-8")), where), []
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None, [StoreProblem(where, "invalid", "a JSON head", "not")]
        except StoreCorrupt as exc:
            return None, exc.problems

    def _numbers(self, document: str, witness: str) -> tuple[list[int], list[StoreProblem]]:
        """The entry numbers there are, and every object under the history that is not one."""
        prefix = self._prefix(document, witness)
        try:
            keys = self.bucket.list(prefix)
        except OSError as exc:
            raise self._unreachable(exc) from None
        numbers: list[int] = []
        problems: list[StoreProblem] = []
        for key in keys:
            name = key[len(prefix) :]
            m = _ENTRY.match(name)
            if m:
                numbers.append(int(m.group(1)))
            elif name != HEAD:
                problems.append(
                    StoreProblem(f"{self.url}/{key}", "invalid", "a history entry", "another name")
                )
        return sorted(numbers), problems

    def _read_entries(
        self, document: str, witness: str, numbers: list[int]
    ) -> tuple[list[Line], list[StoreProblem]]:
        prefix = self._prefix(document, witness)
        lines: list[Line] = []
        problems: list[StoreProblem] = []
        for n in numbers:
            key = f"{prefix}{n:08d}.json"
            where = f"{self.url}/{key}"
            try:
                data = self.bucket.read(key)
            except FileNotFoundError:
                problems.append(StoreProblem(where, "missing", f"entry {n}", "no object"))
                continue
            except OSError as exc:
                raise self._unreachable(exc) from None
            try:
                obj = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                problems.append(StoreProblem(where, "invalid", "a JSON entry", "not"))
                continue
            try:
                lines.append(Line(n, HistoryEntry.from_json(obj, where), entry_digest(obj)))
            except StoreCorrupt as exc:
                problems.extend(exc.problems)
        return lines, problems

    def _gaps(self, where: str, numbers: list[int], first: int) -> list[StoreProblem]:
        expected = list(range(first, first + len(numbers)))
        if numbers == expected:
            return []
        missing = sorted(set(range(first, (numbers[-1] if numbers else first) + 1)) - set(numbers))
        return [
            StoreProblem(
                where, "missing", f"entries {first} to {numbers[-1]}", f"no entry {n}: removed"
            )
            for n in missing
        ]

    def _problems_of(self, document: str, witness: str) -> tuple[list[Line], list[StoreProblem]]:
        """A history's entries, and every problem of its entries, its chain and its head.
        The chain and the head are judged only when every entry reads."""
        where = self._history_where(document, witness)
        head, problems = self._head(document, witness)
        numbers, odd = self._numbers(document, witness)
        problems += odd
        if not numbers:
            if head is not None:
                problems.append(missing_problem(where, head))
            return [], problems
        lines, bad = self._read_entries(document, witness, numbers)
        problems += bad
        if problems:
            return lines, problems
        # A hole in the numbers is a problem of its own, and breaks the chain after it.
        problems += self._gaps(where, numbers, 1)
        return lines, problems + chain_problems(where, lines) + index_problems(where, lines, head)

    def _checked_tail(self, document: str, witness: str) -> list[Line]:
        """The entries from the one the head names onwards (all of them when there is no
        head), checked: none of those the head counts is gone, the head's entry is the
        one it names, and each entry after it is chained to the one before. The links
        before the head's entry are :meth:`verify`'s to follow."""
        where = self._history_where(document, witness)
        head, problems = self._head(document, witness)
        numbers, _ = self._numbers(document, witness)
        wanted = numbers if head is None else [n for n in numbers if n >= head.entries]
        if head is not None and head.entries > 0 and (not numbers or numbers[-1] < head.entries):
            problems.append(
                missing_problem(where, head)
                if not numbers
                else StoreProblem(
                    where,
                    "truncated",
                    f"{head.entries} entries ({HEAD})",
                    f"{numbers[-1]}: entries were removed",
                )
            )
        if problems:
            raise StoreCorrupt(problems)
        lines, problems = self._read_entries(document, witness, wanted)
        if wanted:
            problems += self._gaps(where, wanted, wanted[0])
        if not problems and lines:
            if head is not None and lines[0].digest != head.latest:
                problems.append(
                    StoreProblem(
                        where,
                        "mismatch",
                        f"latest entry {head.latest} ({HEAD})",
                        f"{lines[0].digest} (entry {lines[0].number})",
                    )
                )
            problems += _tail_chain(where, lines)
        if problems:
            raise StoreCorrupt(problems)
        return lines

    def _checked(self, document: str, witness: str) -> list[Line]:
        lines, problems = self._problems_of(document, witness)
        if problems:
            raise StoreCorrupt(problems)
        return lines

    def history(self, document: str, witness: str) -> list[HistoryEntry]:
        """A witness's whole history, oldest first, its chain and head checked."""
        return [line.entry for line in self._checked(document, witness)]

    def latest(self, document: str, witness: str) -> HistoryEntry | None:
        """The latest entry, read from the head on (see the module's docstring)."""
        tail = self._checked_tail(document, witness)
        return tail[-1].entry if tail else None

    def _witnesses(self) -> list[tuple[str, str]]:
        try:
            keys = self.bucket.list("witnesses/")
        except OSError as exc:
            raise self._unreachable(exc) from None
        found: set[tuple[str, str]] = set()
        for key in keys:
            parts = key.split("/")
            if len(parts) == 4:
                found.add((parts[1], parts[2]))
        return sorted(found)

    def histories(self) -> Iterator[tuple[str, str, Path]]:
        for document, witness in self._witnesses():
            yield document, witness, Path(self._history_where(document, witness))

    def indexed(self) -> list[tuple[str, str]]:
        return [
            (d, w) for d, w in self._witnesses() if self.bucket.exists(self._prefix(d, w) + HEAD)
        ]

    # ------------------------------------------------------------------ verification
    def leftovers(self, *, repair: bool = False) -> tuple[list, list[str], list]:  # type: ignore[type-arg]
        if not self.exists():
            raise StoreError(f"no store at {self.url}")
        return [], [], []  # an object is written whole or not at all: nothing is left over

    def verification(self, *, repair: bool = False) -> Verification:
        self.leftovers(repair=repair)
        return Verification(tuple(self.verify()), ())

    def verify(self) -> list[StoreProblem]:
        """Every problem in the store, as a local ``verify`` finds them: objects that do
        not match their names, broken chains, heads the histories do not bear out,
        entries naming missing objects, records that do not match their texts."""
        if not self.exists():
            raise StoreError(f"no store at {self.url}")
        problems: list[StoreProblem] = []
        try:
            keys = self.bucket.list("objects/")
        except OSError as exc:
            raise self._unreachable(exc) from None
        for key in keys:
            where = f"{self.url}/{key}"
            parts = key.split("/")
            name = parts[-1]
            try:
                data = self.bucket.read(key)
            except OSError as exc:
                problems.append(StoreProblem(where, "unreadable", "readable", str(exc)))
                continue
            found = sha256_bytes(data)
            if len(parts) != 3 or found != "sha256:" + name or parts[1] != name[:2]:
                problems.append(StoreProblem(where, "mismatch", "sha256:" + name, found))
        for document, witness in self._witnesses():
            lines, bad = self._problems_of(document, witness)
            problems.extend(bad)
            where = self._history_where(document, witness)
            for line in lines:
                problems.extend(self._verify_entry(f"{where}:{line.number}", line.entry))
        return problems


def _tail_chain(where: str, lines: list[Line]) -> list[StoreProblem]:
    """Where consecutive entries are not chained: each names the digest of the one before
    (and entry 1 names none)."""
    problems: list[StoreProblem] = []
    first = lines[0]
    if first.number == 1 and (first.entry.previous is not None or not first.entry.chained):
        problems.append(
            StoreProblem(f"{where}:1", "chain", "previous null (the first entry)", "another")
        )
    for before, line in itertools.pairwise(lines):
        if not line.entry.chained or line.entry.previous != before.digest:
            problems.append(
                StoreProblem(
                    f"{where}:{line.number}",
                    "chain",
                    f"previous {before.digest} (entry {before.number})",
                    f"{line.entry.previous}: an entry was removed, duplicated or moved",
                )
            )
    return problems
