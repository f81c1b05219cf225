"""Starting and stopping a `rewardc serve` subprocess.

The command is, in this order: the `command` argument; the REWARDC environment variable (a command line, split
like a shell would, e.g. `node /path/to/rewardc/bin/rewardc.js`); `rewardc` on PATH; `npx --no-install rewardc`
(a project-local install). The server's ready line on stdout says where it listens; if it exits first, its stderr
(rustc-style diagnostics for a bad spec) becomes the message of `RewardcStartError`.

A started server never outlives its client: `stop` (SIGTERM, wait, then SIGKILL) runs from `close()`, from a
weakref finaliser when the client is collected, and at interpreter exit.
"""

from __future__ import annotations

import collections
import json
import math
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from typing import Any, Deque, Dict, List, Mapping, Optional, Sequence, Union

from .errors import RewardcStartError

# Enough of the server's stderr to show a long diagnostic; older lines are dropped.
_STDERR_KEEP_BYTES = 256 * 1024


def resolve_command(command: Union[str, Sequence[str], None]) -> List[str]:
    if command is not None:
        return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    from_env = os.environ.get("REWARDC")
    if from_env:
        return shlex.split(from_env)
    installed = shutil.which("rewardc")
    if installed:
        return [installed]
    npx = shutil.which("npx")
    if npx:
        return [npx, "--no-install", "rewardc"]
    raise RewardcStartError(
        "cannot find rewardc: pass command=, set REWARDC (e.g. REWARDC='node /path/to/rewardc/bin/rewardc.js'), "
        "or install it (npm install rewardc) so that `rewardc` or `npx` is on PATH"
    )


def format_param(name: str, value: Any) -> str:
    """`--param NAME=VALUE` text: true/false, inf/-inf, and numbers as Python prints them (round-trip exact)."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)) or hasattr(value, "item"):
        number = value.item() if hasattr(value, "item") else value
        if isinstance(number, float) and math.isinf(number):
            text = "inf" if number > 0 else "-inf"
        elif isinstance(number, float) and math.isnan(number):
            raise ValueError(f"param {name}: NaN is not a valid value")
        else:
            text = repr(number)
    elif isinstance(value, str):
        text = value
    else:
        raise TypeError(f"param {name}: expected a number or bool, found {type(value).__name__}")
    return f"{name}={text}"


class ServerProcess:
    """A running `rewardc serve`; `address` is the parsed ready line ({"socket": ...} or {"host", "port"})."""

    def __init__(
        self,
        spec: str,
        *,
        command: Union[str, Sequence[str], None],
        socket_path: Optional[str],
        port: Optional[int],
        params: Optional[Mapping[str, Any]],
        backend: str,
        state: Optional[str],
        extra_args: Sequence[str],
        start_timeout: float,
    ) -> None:
        self.tempdir: Optional[str] = None
        if socket_path is None and port is None:
            self.tempdir = tempfile.mkdtemp(prefix="rewardc-")
            socket_path = os.path.join(self.tempdir, "rewardc.sock")
        argv = resolve_command(command) + ["serve", os.fspath(spec)]
        argv += ["--socket", socket_path] if socket_path is not None else ["--port", str(port)]
        for name, value in (params or {}).items():
            argv += ["--param", format_param(name, value)]
        argv += ["--backend", backend]
        if state is not None:
            argv += ["--state", os.fspath(state)]
        argv += list(extra_args)
        self.argv = argv
        self._stderr: Deque[bytes] = collections.deque()
        self._stderr_size = 0
        self._stderr_lock = threading.Lock()
        try:
            # Its own process group: the server may be a wrapper with children (npx; rewardc's stderr filter when
            # it may use WebGPU), which `stop_process` must reach too; and a Ctrl-C in the terminal reaches the
            # client only, which then stops the server in order (requests in flight finished, state saved).
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                close_fds=True,
                start_new_session=_OWN_GROUP,
            )
        except OSError as exc:
            self._remove_tempdir()
            raise RewardcStartError(f"cannot run {shlex.join(argv)}: {exc}") from exc
        self._stderr_thread = threading.Thread(target=self._drain_stderr, name="rewardc-serve-stderr", daemon=True)
        self._stderr_thread.start()
        self.address = self._await_ready(start_timeout)

    def stderr_text(self) -> str:
        with self._stderr_lock:
            return b"".join(self._stderr).decode("utf-8", errors="replace")

    def stop(self, timeout: float = 30.0) -> Optional[int]:
        """SIGTERM (the server finishes requests in flight and saves state), then SIGKILL after `timeout` s."""
        return stop_process(self.process, self.tempdir, timeout)

    def _await_ready(self, timeout: float) -> Dict[str, Any]:
        lines: "collections.deque[Optional[bytes]]" = collections.deque()
        got_line = threading.Event()

        def read_first_line() -> None:
            stdout = self.process.stdout
            assert stdout is not None
            try:
                lines.append(stdout.readline() or None)
                got_line.set()
                # Keep the pipe drained: the server must never block writing to a full stdout.
                while stdout.read1(65536):
                    pass
            except (OSError, ValueError):
                pass
            finally:
                got_line.set()
                stdout.close()

        threading.Thread(target=read_first_line, name="rewardc-serve-stdout", daemon=True).start()
        if not got_line.wait(timeout):
            stop_process(self.process, self.tempdir, 5.0)
            raise RewardcStartError(
                f"rewardc serve printed no ready line within {timeout} s ({shlex.join(self.argv)})"
                + self._stderr_suffix(),
                None,
                self.stderr_text(),
            )
        line = lines[0] if lines else None
        if line is None:
            returncode = stop_process(self.process, None, 10.0)
            self._stderr_thread.join(5.0)
            self._remove_tempdir()
            stderr = self.stderr_text()
            raise RewardcStartError(
                f"rewardc serve exited with code {returncode} before it was ready ({shlex.join(self.argv)})"
                + self._stderr_suffix(),
                returncode,
                stderr,
            )
        try:
            ready = json.loads(line.decode("utf-8"))
        except ValueError:
            ready = None
        if not isinstance(ready, dict) or ready.get("ready") is not True:
            stop_process(self.process, self.tempdir, 5.0)
            raise RewardcStartError(
                f"rewardc serve printed {line[:500]!r} instead of its ready line" + self._stderr_suffix(),
                None,
                self.stderr_text(),
            )
        return ready

    def _stderr_suffix(self) -> str:
        text = self.stderr_text().rstrip()
        return f":\n{text}" if text else " (nothing on stderr)"

    def _drain_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        try:
            while True:
                chunk = stderr.read1(65536)
                if not chunk:
                    break
                with self._stderr_lock:
                    self._stderr.append(chunk)
                    self._stderr_size += len(chunk)
                    while self._stderr_size > _STDERR_KEEP_BYTES and len(self._stderr) > 1:
                        self._stderr_size -= len(self._stderr.popleft())
        except (OSError, ValueError):
            pass
        finally:
            stderr.close()

    def _remove_tempdir(self) -> None:
        if self.tempdir is not None:
            shutil.rmtree(self.tempdir, ignore_errors=True)
            self.tempdir = None


def stop_process(process: "subprocess.Popen[bytes]", tempdir: Optional[str], timeout: float) -> Optional[int]:
    """SIGTERM to the server, SIGKILL to its whole group if it is not gone after `timeout` s; then no process of
    its group is left. Module-level (not a method) so a weakref finaliser can call it without keeping the client
    alive."""
    group = process.pid if _OWN_GROUP else None
    try:
        if process.poll() is None:
            process.terminate()  # the server itself: a wrapper forwards it to the real server
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(group, signal.SIGKILL)
                process.kill()
                process.wait()
        if group is not None:
            _await_group_exit(group, min(timeout, 5.0))
        return process.returncode
    finally:
        # The pipes are closed by their reader threads at end of file, which follows the exit.
        if tempdir is not None:
            shutil.rmtree(tempdir, ignore_errors=True)


_OWN_GROUP = hasattr(os, "killpg") and hasattr(os, "setsid")


def _signal_group(group: Optional[int], sig: int) -> bool:
    """Sends `sig` to the process group; False if no process of it is left."""
    if group is None:
        return False
    try:
        os.killpg(group, sig)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # the id was reused by someone else's group: nothing of ours is left
        return False


def _await_group_exit(group: int, timeout: float) -> None:
    """Children a wrapper left behind get `timeout` seconds to follow it out, then SIGKILL."""
    deadline = time.monotonic() + timeout
    while group_has_live_members(group):
        if time.monotonic() >= deadline:
            _signal_group(group, signal.SIGKILL)
            return
        time.sleep(0.02)


def group_has_live_members(group: int) -> bool:
    """Whether a process of the group is still running. Zombies do not count: where nobody reaps orphans (an init
    that does not, in some containers) they stay in the group forever, dead."""
    if not _signal_group(group, 0):
        return False
    try:
        entries = os.listdir("/proc")
    except OSError:
        return True  # no /proc to tell zombies apart: assume a live one
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ")".
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) >= 3 and int(fields[2]) == group and fields[0] != b"Z":
            return True
    return False
