"""The one place the store talks to object storage: a small interface over fsspec.

:class:`Bucket` is everything :class:`~docwitness.store.remote.ObjectStore` needs
of a place that holds named objects: read one, say whether one is there, list
the names under a prefix, write one only if it is absent, and replace one.
:class:`FsspecBucket` does it with fsspec for any URL fsspec reads
(``s3://bucket/prefix`` through s3fs, ``memory://``, ``gs://`` …); nothing
else in docwitness imports fsspec.

**Write-once.** :meth:`Bucket.create` writes an object only if no object of that
name exists. On S3 (and servers that speak its API) this is a conditional put,
``If-None-Match: *``: the server refuses the second writer, atomically. Where
the server does not support it (older S3-compatible servers answer ``501`` or
ignore the header), or the filesystem has no such mode, it is a *checked write*:
the name is looked up, the object written, and read back; what a racing writer
may still overwrite between the look-up and the write is caught afterwards by
``verify``, which re-hashes every object against its name and follows every
history's chain. :attr:`Bucket.conditional` says which of the two is in use.

Credentials and endpoint come from where the filesystem's own library looks:
for s3fs, botocore's usual environment (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_DEFAULT_REGION``,
``AWS_ENDPOINT_URL`` or ``AWS_ENDPOINT_URL_S3``, ``AWS_PROFILE``).
"""

from __future__ import annotations

import errno
from typing import Any, Protocol

from docwitness.errors import StoreError


class Bucket(Protocol):
    """Named objects under one prefix. Keys are ``/``-separated and relative."""

    url: str
    conditional: bool

    def read(self, key: str) -> bytes:
        """The object's bytes; :class:`FileNotFoundError` if there is none."""
        ...

    def exists(self, key: str) -> bool: ...

    def list(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (a folder-like prefix, ``a/b/``), at any depth, sorted."""
        ...

    def create(self, key: str, data: bytes) -> bool:
        """Write ``data`` under ``key`` only if absent; False when an object was there."""
        ...

    def replace(self, key: str, data: bytes) -> None:
        """Write ``data`` under ``key``, replacing what was there (whole or not at all)."""
        ...

    def reachable(self) -> bool:
        """Whether the bucket (or folder) the prefix lives in is there."""
        ...


def _needs_extra(exc: ImportError) -> StoreError:
    return StoreError(
        f"a store on object storage needs docwitness's 'scale' extra "
        f"(pip install 'docwitness[scale]'): {exc}"
    )


class FsspecBucket:
    """A :class:`Bucket` on any fsspec filesystem."""

    def __init__(self, url: str, **storage_options: Any) -> None:
        try:
            import fsspec
        except ImportError as exc:
            raise _needs_extra(exc) from None
        self.url = url.rstrip("/")
        options = dict(storage_options)
        protocol = url.split("://", 1)[0]
        if protocol in ("s3", "s3a"):
            # Listings are read fresh: another worker may have written since.
            options.setdefault("use_listings_cache", False)
        try:
            fs, root = fsspec.core.url_to_fs(self.url, **options)
        except ImportError as exc:
            raise _needs_extra(exc) from None
        except (ValueError, OSError) as exc:
            raise StoreError(f"cannot open the store {url}: {exc}") from None
        self.fs = fs
        self.root = root.rstrip("/")
        protocols = fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,)
        # s3fs sends If-None-Match: * for mode="create"; other filesystems get a checked write.
        self.conditional = any(p in ("s3", "s3a") for p in protocols)

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}" if self.root else key

    def read(self, key: str) -> bytes:
        data = self.fs.cat_file(self._path(key))
        return bytes(data)

    def exists(self, key: str) -> bool:
        return bool(self.fs.exists(self._path(key)))

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix).rstrip("/").lstrip("/")
        try:
            found = self.fs.find(base, withdirs=False)
        except FileNotFoundError:
            return []
        root = self.root.lstrip("/")
        cut = len(root) + 1 if root else 0
        keys = []
        for path in found:
            path = str(path).lstrip("/")
            if path.startswith(base + "/"):
                keys.append(path[cut:])
        return sorted(keys)

    def create(self, key: str, data: bytes) -> bool:
        path = self._path(key)
        if self.conditional:
            try:
                self.fs.pipe_file(path, data, mode="create")
                return True
            except FileExistsError:
                return False
            except OSError as exc:
                # A server that does not know the condition answers 501 (or 400):
                # from then on, checked writes.
                if exc.errno not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EIO):
                    raise
                if self.exists(key):
                    return False
                self.conditional = False
        if self.exists(key):
            return False
        self.fs.pipe_file(path, data)
        return self.read(key) == data  # else another writer's object won the race

    def replace(self, key: str, data: bytes) -> None:
        self.fs.pipe_file(self._path(key), data)

    def reachable(self) -> bool:
        bucket = self.root.split("/", 1)[0] if self.root else ""
        try:
            return bool(self.fs.exists(bucket)) if bucket else True
        except OSError:
            return False
