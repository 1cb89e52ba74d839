"""A local stand-in for a webhook: an HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {"raw": body.decode("utf-8", "replace")}
        self.server.received.append({"path": self.path, **payload})  # type: ignore[attr-defined]
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the test asserts on what arrived, not on the access log."""


class Webhook(ThreadingHTTPServer):
    received: list[dict]

    @property
    def url(self) -> str:
        """The Apprise URL that posts JSON here (Apprise's json:// is plain HTTP)."""
        return f"json://127.0.0.1:{self.server_address[1]}/hook"


@contextmanager
def webhook_server() -> Iterator[Webhook]:
    """A server on a free port of 127.0.0.1 in a thread, shut down on exit."""
    server = Webhook(("127.0.0.1", 0), _Hook)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
