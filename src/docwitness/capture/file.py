"""Local copies: a regular file read in one go, its bytes kept verbatim.

Only a regular file is read, and never more than the byte limit that bounds an
HTTP body (:attr:`FetchOptions.max_bytes <docwitness.capture.FetchOptions>`):
a named pipe would wait for a writer for ever and a device such as
``/dev/zero`` never ends, so either, or a directory or a socket, is a
:class:`~docwitness.errors.CaptureError` naming what the path is.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from docwitness.capture import FetchOptions, guess_media_type, tool_id, utc_now
from docwitness.errors import CaptureError
from docwitness.model import Capture, sha256_bytes

MAX_BYTES = FetchOptions().max_bytes
_CHUNK = 1024 * 1024
# Opening a named pipe for reading waits for a writer unless told not to; the
# path may be swapped for one between the check and the open.
_NO_WAIT = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, as a reader would name it."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode):
        return "is a character device, not a regular file"
    if stat.S_ISBLK(mode):
        return "is a block device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a regular file"
    return "is not a regular file"


def _too_big(size: int, max_bytes: int) -> str:
    return f"file is {size} bytes, over the limit of {max_bytes}"


def _read(path: Path, max_bytes: int) -> bytes:
    kind = _kind(path.stat().st_mode)
    if kind is not None:
        raise CaptureError(str(path), kind)
    fd = os.open(path, os.O_RDONLY | _NO_WAIT | _BINARY)
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise CaptureError(str(path), kind)
        if info.st_size > max_bytes:
            raise CaptureError(str(path), _too_big(info.st_size, max_bytes))
        chunks: list[bytes] = []
        got = 0
        # The file may grow while it is read: never take more than the limit. The first
        # read asks for the whole file, so a file read at once is not copied to be joined.
        want = max(_CHUNK, info.st_size + 1)
        while chunk := os.read(fd, min(want, max_bytes + 1 - got)):
            want = _CHUNK
            chunks.append(chunk)
            got += len(chunk)
            if got > max_bytes:
                raise CaptureError(str(path), f"file is over the limit of {max_bytes} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def capture_file(path: Path, max_bytes: int = MAX_BYTES) -> Capture:
    """Capture the regular file at ``path``; a missing, unreadable or oversized file,
    or one that is not a regular file, is a CaptureError."""
    source = str(path)
    try:
        body = _read(path, max_bytes)
    except FileNotFoundError:
        raise CaptureError(source, "no such file") from None
    except PermissionError:
        raise CaptureError(source, "permission denied") from None
    except OSError as exc:
        raise CaptureError(source, exc.strerror or str(exc)) from None
    except ValueError as exc:  # a path holding a NUL byte
        raise CaptureError(source, f"not a usable path: {exc}") from None
    return Capture(
        source=source,
        retrieved=utc_now(),
        body=body,
        sha256=sha256_bytes(body),
        size=len(body),
        media_type=guess_media_type(path.name),
        tool=tool_id(),
        transport="file",
    )
