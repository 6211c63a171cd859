"""A real HTTP server on 127.0.0.1 (port 0) in a thread, with scripted handlers.

Tests register a handler per path (or path prefix ending in ``*``); a handler
gets the live :class:`http.server.BaseHTTPRequestHandler`, so it can misbehave
the way hostile servers do: drip bytes, reset the connection, lie about
lengths. Every request is recorded (path, headers, time) for assertions, and
the number of requests in flight at once is tracked. No mocks of requests.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


def respond(
    h: BaseHTTPRequestHandler,
    status: int = 200,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    length: bool = True,
) -> None:
    """Send a whole response; ``length=False`` omits Content-Length and closes after the body."""
    h.send_response(status)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    if length:
        h.send_header("Content-Length", str(len(body)))
    else:
        h.send_header("Connection", "close")
        h.close_connection = True
    h.end_headers()
    if h.command != "HEAD":
        h.wfile.write(body)


def static(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Handler:
    """A handler that always sends the same response."""
    return lambda h: respond(h, status, body, headers)


def reset(h: BaseHTTPRequestHandler) -> None:
    """Abort the connection with a TCP reset (SO_LINGER 0), not a clean close."""
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


class Server:
    """Routes, the request log and the live server; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer._dispatch(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        class _Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # hostile handlers break connections on purpose

        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Serve ``path`` (a prefix if it ends in ``*``) with ``handler``; returns its URL."""
        self.routes[path] = handler
        return self.url(path.rstrip("*"))

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def _dispatch(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.seen.append(Seen(h.path, dict(h.headers.items())))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            handler = self.routes.get(h.path.split("?", 1)[0]) or self.routes.get(h.path)
            if handler is None:
                prefixes = [p for p in self.routes if p.endswith("*") and h.path.startswith(p[:-1])]
                handler = self.routes[max(prefixes, key=len)] if prefixes else None
            if handler is None:
                respond(h, 404, b"not found", {"Content-Type": "text/plain"})
            else:
                handler(h)
        except OSError:
            h.close_connection = True  # the client went away (timeouts, limits)
        finally:
            with self._lock:
                self.in_flight -= 1

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serving() -> Iterator[Server]:
    with Server() as server:
        yield server
