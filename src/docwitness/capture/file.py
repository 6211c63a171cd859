"""Local copies: a file read in one go, its bytes kept verbatim."""

from __future__ import annotations

from pathlib import Path

from docwitness.capture import guess_media_type, tool_id, utc_now
from docwitness.errors import CaptureError
from docwitness.model import Capture, sha256_bytes

MAX_BYTES = 50 * 1024 * 1024


def capture_file(path: Path, max_bytes: int = MAX_BYTES) -> Capture:
    """Capture the file at ``path``; a missing, unreadable or oversized file is a CaptureError."""
    source = str(path)
    try:
        if path.is_dir():
            raise CaptureError(source, "is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise CaptureError(source, f"file is {size} bytes, over the limit of {max_bytes}")
        body = path.read_bytes()
    except FileNotFoundError:
        raise CaptureError(source, "no such file") from None
    except PermissionError:
        raise CaptureError(source, "permission denied") from None
    except OSError as exc:
        raise CaptureError(source, exc.strerror or str(exc)) from None
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
