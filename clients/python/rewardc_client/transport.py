"""HTTP/1.1 to `rewardc serve` over a unix socket or 127.0.0.1 TCP, with one keep-alive connection per thread.

One connection per thread makes the client thread-safe without serialising requests: the server parses requests
concurrently and scores them one at a time in arrival order.

A kept-alive connection the server has since closed (`rewardc serve` closes idle ones after 30 s, and training steps
are often longer) is detected before reuse and replaced, so a score request is never sent on a dead connection. A
connection idle for REUSE_IDLE_SECONDS or more is replaced without asking: the server might close it just as the
request goes out, and a score request lost that way cannot be safely repeated.
Requests that are safe to repeat (GET, PUT of the state) are retried once on a fresh connection if a reused one
fails before any reply; a score request is not, because the server may already have applied its state update.
"""

from __future__ import annotations

import http.client
import select
import socket
import threading
import time
from typing import Dict, List, Optional, Tuple

from .errors import RewardcConnectionError, RewardcError

_RETRYABLE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)

# A third of the server's keep-alive timeout (KEEP_ALIVE_MS in src/server/options.ts): a wide margin before its close.
REUSE_IDLE_SECONDS = 10.0


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over a unix socket; the Host header says "localhost"."""

    def __init__(self, path: str, timeout: Optional[float] = None) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if self.timeout is not None:
                sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class Endpoint:
    """Where a server listens: a unix socket path, or a host (127.0.0.1) and port."""

    def __init__(self, socket_path: Optional[str] = None, host: str = "127.0.0.1", port: Optional[int] = None) -> None:
        if (socket_path is None) == (port is None):
            raise ValueError("an endpoint is a unix socket path or a TCP port (exactly one of them)")
        self.socket_path = socket_path
        self.host = host
        self.port = port

    def connection(self, timeout: Optional[float]) -> http.client.HTTPConnection:
        if self.socket_path is not None:
            return UnixHTTPConnection(self.socket_path, timeout=timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def __str__(self) -> str:
        if self.socket_path is not None:
            return f"unix socket {self.socket_path}"
        return f"http://{self.host}:{self.port}"


class Transport:
    """Sends requests on the calling thread's own connection and returns (status, content type, body)."""

    def __init__(self, endpoint: Endpoint, timeout: Optional[float]) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: List[http.client.HTTPConnection] = []
        self._closed = False

    def request(
        self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, str, bytes]:
        idempotent = method in ("GET", "PUT", "HEAD")
        all_headers = {"Accept": "application/json"}
        if headers:
            all_headers.update(headers)
        for attempt in (0, 1):
            conn, reused = self._connection()
            try:
                try:
                    conn.request(method, path, body=body, headers=all_headers)
                except (BrokenPipeError, ConnectionResetError):
                    # The server may have replied and stopped reading (413 for a body past its limit): that reply,
                    # if it can still be read, says what happened; else the send's error stands.
                    early = _early_reply(conn)
                    if early is None:
                        raise
                    self._discard(conn)
                    return early
                response = conn.getresponse()
                data = response.read()
                if response.will_close:
                    self._discard(conn)
                else:
                    self._local.idle_since = time.monotonic()
                return response.status, response.getheader("Content-Type", ""), data
            except _RETRYABLE as exc:
                self._discard(conn)
                if reused and idempotent and attempt == 0:
                    continue
                raise RewardcConnectionError(
                    f"rewardc serve at {self.endpoint} closed the connection during {method} {path}: {exc}"
                    + ("" if idempotent else " (the batch may or may not have been scored)")
                ) from exc
            except socket.timeout as exc:
                self._discard(conn)
                raise RewardcConnectionError(
                    f"no reply from rewardc serve at {self.endpoint} to {method} {path} within {self.timeout} s"
                    + ("" if idempotent else " (the server may still score the batch)")
                ) from exc
            except OSError as exc:
                self._discard(conn)
                raise RewardcConnectionError(f"cannot reach rewardc serve at {self.endpoint}: {exc}") from exc
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._all = self._all, []
        for conn in connections:
            conn.close()

    def _connection(self) -> Tuple[http.client.HTTPConnection, bool]:
        conn = getattr(self._local, "conn", None)
        idle = time.monotonic() - getattr(self._local, "idle_since", 0.0)
        if conn is not None and conn.sock is not None and idle < REUSE_IDLE_SECONDS and not _dropped(conn.sock):
            return conn, True
        if conn is not None:
            self._discard(conn)
        with self._lock:
            if self._closed:
                raise RewardcConnectionError("this RewardClient is closed")
            conn = self.endpoint.connection(self.timeout)
            self._all.append(conn)
        self._local.conn = conn
        return conn, False

    def _discard(self, conn: http.client.HTTPConnection) -> None:
        conn.close()
        with self._lock:
            if conn in self._all:
                self._all.remove(conn)
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None


def _early_reply(conn: http.client.HTTPConnection) -> Optional[Tuple[int, str, bytes]]:
    """The reply a server sent before the request was fully written, or None if there is none to read."""
    try:
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    except (http.client.HTTPException, OSError):
        return None


def _dropped(sock: socket.socket) -> bool:
    """True if the peer closed an idle connection: between requests a live one has nothing to read."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def raise_for_status(status: int, body: bytes) -> None:
    if not 200 <= status < 300:
        raise RewardcError.from_reply(status, body)
