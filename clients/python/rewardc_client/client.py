"""`RewardClient`: one reward spec served by `rewardc serve`, scored batch by batch from Python."""

from __future__ import annotations

import os
import socket as socket_module
import threading
import weakref
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from .errors import RewardcConnectionError, RewardcError, RewardcStateNotSavedError
from .server import ServerProcess, stop_process
from .transport import Endpoint, Transport, raise_for_status
from .wire import decode_json, decode_numbers, decode_score_reply, encode_json, encode_score_request, outputs_to_numpy

_JSON = {"Content-Type": "application/json"}


class ScoreResult:
    """The reply to one scored batch, in request row order.

    `outputs`: output name -> values (reward, advantage, keep, weight as the spec defines them). Without numpy mode:
    lists of floats (bools for `keep`; a list of lists of floats for per-token advantages). In numpy mode: float32
    arrays (bool for `keep`; a list of float32 arrays for per-token advantages).
    `metrics`: metric name -> float. `step`: batches scored so far, this one included. `state`: state after the
    update. NaN and infinities arrive as floats.
    """

    __slots__ = ("outputs", "metrics", "step", "state")

    def __init__(self, outputs: Dict[str, Any], metrics: Dict[str, float], step: int, state: Dict[str, Any]) -> None:
        self.outputs = outputs
        self.metrics = metrics
        self.step = step
        self.state = state

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}[{len(values)}]" for name, values in self.outputs.items())
        return f"ScoreResult(step={self.step}, outputs={{{sizes}}}, metrics={self.metrics}, state={self.state})"


class RewardClient:
    """A client of `rewardc serve`, which it starts (`spec`) or connects to (`socket` or `port`).

    Starting: `RewardClient("my.reward", params={...}, backend="auto", state="state.json")` runs
    `rewardc serve my.reward --socket <tmpdir>/rewardc.sock ...` and waits for its ready line (`start_timeout`
    seconds). `socket=` or `port=` with `spec` choose where it listens instead (port=0: any free port).
    The command is `command`, else $REWARDC, else `rewardc` on PATH, else `npx --no-install rewardc`.
    Connecting: `RewardClient(socket="/run/rewardc.sock")` or `RewardClient(port=40123)` (host 127.0.0.1).

    `numpy=True` returns outputs as numpy arrays (numpy must be importable); the default returns plain lists, so
    results are the same with or without numpy installed. `timeout` bounds each request, in seconds (None: wait).
    `stop_timeout`: seconds a started server gets to shut down after SIGTERM before it is killed.
    Thread-safe: each thread talks on its own connection. `close()` (or leaving a `with` block) stops a server this
    client started; so do garbage collection and interpreter exit.
    """

    def __init__(
        self,
        spec: Union[str, "os.PathLike[str]", None] = None,
        *,
        socket: Optional[str] = None,
        port: Optional[int] = None,
        host: str = "127.0.0.1",
        params: Optional[Mapping[str, Any]] = None,
        backend: str = "auto",
        command: Union[str, Sequence[str], None] = None,
        state: Union[str, "os.PathLike[str]", None] = None,
        timeout: Optional[float] = 600.0,
        start_timeout: float = 120.0,
        stop_timeout: float = 30.0,
        numpy: bool = False,
        server_args: Sequence[str] = (),
    ) -> None:
        if socket is not None and port is not None:
            raise ValueError("give socket= or port=, not both")
        self._np = _import_numpy() if numpy else None
        self._spec_lock = threading.Lock()
        self._spec: Optional[Dict[str, Any]] = None
        self._server: Optional[ServerProcess] = None
        if spec is None:
            if socket is None and port is None:
                raise ValueError("RewardClient needs a spec to start a server, or socket= / port= of a running one")
            starting_only = {"params": params, "command": command, "state": state, "server_args": server_args or None}
            misplaced = [name for name, value in starting_only.items() if value is not None]
            if backend != "auto":
                misplaced.append("backend")
            if misplaced:
                raise ValueError(
                    f"{', '.join(misplaced)} only apply when the client starts the server (pass spec=); "
                    "a running server keeps the options it was started with"
                )
            endpoint = Endpoint(socket_path=os.fspath(socket), port=None) if socket is not None else Endpoint(
                host=host, port=port
            )
        else:
            if socket is None and port is None and not hasattr(socket_module, "AF_UNIX"):
                port = 0  # no unix sockets on this platform: any free local port
            self._server = ServerProcess(
                os.fspath(spec),
                command=command,
                socket_path=os.fspath(socket) if socket is not None else None,
                port=port,
                params=params,
                backend=backend,
                state=os.fspath(state) if state is not None else None,
                extra_args=server_args,
                start_timeout=start_timeout,
            )
            ready = self._server.address
            if isinstance(ready.get("socket"), str):
                endpoint = Endpoint(socket_path=ready["socket"])
            else:
                endpoint = Endpoint(host=str(ready.get("host", "127.0.0.1")), port=int(ready["port"]))
        self._transport = Transport(endpoint, timeout)
        self._finalizer = weakref.finalize(
            self,
            _release,
            self._transport,
            self._server.process if self._server else None,
            self._server.tempdir if self._server else None,
            stop_timeout,
        )
        if self._server is None:
            self.health()  # fail now, not at the first batch, if nothing answers there

    # -- lifecycle ---------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Closes the connections and stops the server if this client started it (it saves state on the way out).

        Raises RewardcStateNotSavedError when that server could not save its state at shutdown (exit code 3).
        """
        returncode = self._finalizer()
        if self._server is not None and returncode == STATE_NOT_SAVED_EXIT:
            stderr = self._server.stderr_text()
            raise RewardcStateNotSavedError(
                f"rewardc serve could not save its state at shutdown; the state is in the error's `state`:\n{stderr.strip()}",
                stderr=stderr,
                state=_saved_state_in(stderr),
            )

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def __enter__(self) -> "RewardClient":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def endpoint(self) -> str:
        """Where the server listens, e.g. "unix socket /tmp/rewardc-x/rewardc.sock" or "http://127.0.0.1:40123"."""
        return str(self._transport.endpoint)

    @property
    def process(self) -> Optional[Any]:
        """The `subprocess.Popen` of a server this client started, else None."""
        return self._server.process if self._server else None

    def server_stderr(self) -> str:
        """What a server this client started wrote to stderr (the last 256 KiB); "" for a server it connected to."""
        return self._server.stderr_text() if self._server else ""

    # -- endpoints ---------------------------------------------------------------------------------------------

    def health(self) -> bool:
        reply = self._get_json("/v1/health")
        return isinstance(reply, dict) and reply.get("ok") is True

    def spec(self) -> Dict[str, Any]:
        """The served spec: name, groupKey, inputs, texts (string inputs), params in effect, states, outputs, metrics,
        backend and protocol version. Read once and cached (a server's spec never changes)."""
        with self._spec_lock:
            if self._spec is None:
                spec = self._get_json("/v1/spec")
                if isinstance(spec, dict) and isinstance(spec.get("params"), dict):
                    spec["params"] = decode_numbers(spec["params"])  # a param may be inf
                self._spec = spec
            return self._spec

    def score(
        self,
        rows: Optional[Iterable[Mapping[str, Any]]] = None,
        *,
        columns: Optional[Mapping[str, Any]] = None,
        numpy: Optional[bool] = None,
    ) -> ScoreResult:
        """Scores one batch and applies its state updates.

        `rows`: one dict per rollout, fields named after the spec's inputs (the JSONL row format of `rewardc run`).
        `columns`: field name -> one value per rollout (lists or numpy arrays; an array input takes a list of lists
        or a 2-D array). `numpy` overrides the client's numpy mode for this call. Raises `RewardcError` (code
        "bad_rows" with `.rows` naming row and field) when the batch is rejected; nothing is scored then. A body
        larger than the server's `maxRequestBytes` is refused before it is sent (code "too_large", status None).
        """
        body = encode_score_request(rows, columns)
        # Refused here rather than by the server: a body it stops reading can end as a broken connection, which
        # would leave the caller unsure whether the batch was scored.
        limit = self.spec().get("maxRequestBytes")
        if isinstance(limit, int) and len(body) > limit:
            raise RewardcError(
                "too_large",
                f"the request body is {len(body)} bytes, larger than the server's limit of {limit} bytes "
                "(rewardc serve --max-request-bytes); nothing was sent: score the rows in smaller batches",
            )
        status, _, reply = self._request("POST", "/v1/score", body, _JSON)
        raise_for_status(status, reply)
        outputs, metrics, step, state = decode_score_reply(_decode(reply))
        np = self._np if numpy is None else (_import_numpy() if numpy else None)
        if np is not None:
            outputs = outputs_to_numpy(outputs, np)
        return ScoreResult(outputs, metrics, step, state)

    def state(self) -> str:
        """The saved-state JSON text (as `rewardc run --state` writes it), for `restore_state` later."""
        status, _, reply = self._request("GET", "/v1/state")
        raise_for_status(status, reply)
        return reply.decode("utf-8")

    def restore_state(self, saved: Union[str, bytes, Mapping[str, Any]]) -> int:
        """Restores a state from `state()` (text, bytes, or its parsed dict); returns the restored step."""
        if isinstance(saved, Mapping):
            body = encode_json(dict(saved))
        elif isinstance(saved, str):
            body = saved.encode("utf-8")
        else:
            body = bytes(saved)
        status, _, reply = self._request("PUT", "/v1/state", body, _JSON)
        raise_for_status(status, reply)
        parsed = _decode(reply)
        step = parsed.get("step") if isinstance(parsed, dict) else None
        return step if isinstance(step, int) else -1

    # -- adapters --------------------------------------------------------------------------------------------

    def trl_reward_func(self, output: str = "reward", **options: Any) -> Any:
        """A TRL `reward_funcs` entry scoring with this client: see `make_trl_reward_func`."""
        from .adapters import make_trl_reward_func

        return make_trl_reward_func(self, output, **options)

    def verl_compute_score(self, output: str = "reward", **options: Any) -> Any:
        """A batched verl `compute_score` scoring with this client: see `make_verl_compute_score`."""
        from .adapters import make_verl_compute_score

        return make_verl_compute_score(self, output, **options)

    def _request(
        self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None
    ) -> Tuple[int, str, bytes]:
        try:
            return self._transport.request(method, path, body, headers)
        except RewardcConnectionError as exc:
            # A started server that died says why on its stderr; a bare "connection refused" would not.
            if self._server is not None and self._server.process.poll() is not None:
                raise RewardcConnectionError(
                    f"{exc}\nrewardc serve has exited with code {self._server.process.returncode}"
                    + (f":\n{self._server.stderr_text().rstrip()[-4000:]}" if self._server.stderr_text().strip() else "")
                ) from exc
            raise

    def _get_json(self, path: str) -> Any:
        status, _, reply = self._request("GET", path)
        raise_for_status(status, reply)
        return _decode(reply)

    def __repr__(self) -> str:
        how = "started" if self._server else "connected"
        return f"<RewardClient {how} {self.endpoint}{' closed' if self.closed else ''}>"


def _decode(reply: bytes) -> Any:
    try:
        return decode_json(reply)
    except ValueError as exc:
        raise RewardcError("bad_reply", f"the server's reply is not JSON: {reply[:500]!r}") from exc


def _import_numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:
        raise ImportError("numpy=True needs numpy; without it, leave numpy=False to get plain lists") from exc
    return numpy


# `rewardc serve` exits with this code when the state save at shutdown failed (docs/serve.md).
STATE_NOT_SAVED_EXIT = 3


def _release(transport: Transport, process: Optional[Any], tempdir: Optional[str], stop_timeout: float) -> Optional[int]:
    transport.close()
    if process is None:
        return None
    return stop_process(process, tempdir, stop_timeout)


def _saved_state_in(stderr: str) -> Optional[str]:
    """The state JSON the server printed on stderr before exiting with code 3 (a line of a rewardc-state object)."""
    for line in reversed(stderr.splitlines()):
        if '"rewardc-state"' in line:
            start = line.find("{")
            if start >= 0:
                return line[start:]
    return None


__all__: List[str] = ["RewardClient", "ScoreResult"]
