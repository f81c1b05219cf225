"""Exceptions of the rewardc client.

Three kinds, so a training loop can tell them apart:
- `RewardcError`: the server (or the client, before sending) rejected a request; it carries the structured error of
  the wire protocol: a code, a message and, for bad rows, which row and field.
- `RewardcConnectionError`: the server could not be reached or hung up mid-request.
- `RewardcStartError`: `rewardc serve` could not be started (a bad spec: its rustc-style diagnostics are in the
  message; no command found; no ready line in time).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

__all__ = ["RewardcError", "RewardcConnectionError", "RewardcStartError", "RowProblem"]


class RowProblem:
    """One problem in one request row: `row` is the 0-based index in the request, `field` "" for the whole row."""

    __slots__ = ("row", "field", "message")

    def __init__(self, row: int, field: str, message: str) -> None:
        self.row = row
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"RowProblem(row={self.row!r}, field={self.field!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, RowProblem)
            and (self.row, self.field, self.message) == (other.row, other.field, other.message)
        )

    def __str__(self) -> str:
        # The server's summary entry for errors past its cap is a sentence of its own, not tied to a row.
        if self.message.startswith("... and "):
            return self.message
        return f"row {self.row}: {self.message}"


class RewardcError(Exception):
    """A request rejected by `rewardc serve` (non-2xx reply), or by the client before it was sent.

    Attributes: `code` (e.g. "bad_rows", "bad_json", "not_found"), `message` (the server's human text), `rows`
    (a list of `RowProblem`; empty unless the rows themselves were bad), `status` (the HTTP status, or None when
    the client refused to send the request).
    """

    def __init__(self, code: str, message: str, rows: Optional[List[RowProblem]] = None, status: Optional[int] = None):
        self.code = code
        self.message = message
        self.rows: List[RowProblem] = list(rows or [])
        self.status = status
        super().__init__(code, message, self.rows)

    def __str__(self) -> str:
        lines = [f"{self.code}: {self.message}"]
        # The server's message usually lists the rows already; list them here only when it does not.
        lines.extend(f"  {problem}" for problem in self.rows if str(problem) not in self.message)
        return "\n".join(lines)

    @classmethod
    def from_reply(cls, status: int, body: bytes) -> "RewardcError":
        """Builds the error from a non-2xx reply; a body that is not the protocol's error object is kept as text."""
        parsed: Any = None
        try:
            parsed = json.loads(body.decode("utf-8"))
        except ValueError:
            pass
        error = parsed.get("error") if isinstance(parsed, dict) else None
        if not isinstance(error, dict):
            text = body.decode("utf-8", errors="replace").strip() or "(empty body)"
            return cls(f"http_{status}", f"HTTP {status} without a rewardc error object: {text[:2000]}", status=status)
        code = error.get("code")
        message = error.get("message")
        rows = [_row_problem(entry) for entry in error.get("rows") or [] if isinstance(entry, dict)]
        return cls(
            code if isinstance(code, str) else f"http_{status}",
            message if isinstance(message, str) else "(no message)",
            rows,
            status,
        )


class RewardcConnectionError(ConnectionError):
    """The server could not be reached, or closed the connection before replying."""


class RewardcStartError(RuntimeError):
    """`rewardc serve` did not start. `returncode` is None if it was still running (no ready line in time)."""

    def __init__(self, message: str, returncode: Optional[int] = None, stderr: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class RewardcStateNotSavedError(RuntimeError):
    """The server this client started could not save its state at shutdown (`rewardc serve` exit code 3).

    No later save will come, so the state would be lost: the server printed its JSON on stderr, and `state`
    holds it (None if it could not be found there); `client.restore_state(error.state)` on a new client resumes.
    """

    def __init__(self, message: str, stderr: str = "", state: Optional[str] = None) -> None:
        super().__init__(message)
        self.stderr = stderr
        self.state = state


def _row_problem(entry: Dict[str, Any]) -> RowProblem:
    row = entry.get("row")
    field = entry.get("field")
    message = entry.get("message")
    return RowProblem(
        row if isinstance(row, int) else -1,
        field if isinstance(field, str) else "",
        message if isinstance(message, str) else "(no message)",
    )
