"""Starting and stopping the server process, with stand-in server commands that misbehave on purpose."""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import unittest

import support  # noqa: F401  (puts the client package on sys.path)

from rewardc_client import RewardClient, RewardcStartError
from rewardc_client.server import group_has_live_members

# argv: MODE PIDFILE, then what the client adds (serve SPEC --socket PATH --backend auto).
STAND_IN = textwrap.dedent(
    """
    import json, os, signal, subprocess, sys, time
    mode, pidfile = sys.argv[1], sys.argv[2]
    socket_path = sys.argv[sys.argv.index("--socket") + 1]
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    if mode == "silent":
        time.sleep(600)
    if mode == "garbage":
        print("listening, probably", flush=True)
        time.sleep(600)
    if mode == "stubborn":  # ignores SIGTERM, and so does a child it leaves behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        child = subprocess.Popen([sys.executable, "-c",
                                  "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)"])
        with open(pidfile + ".child", "w") as f:
            f.write(str(child.pid))
        print(json.dumps({"ready": True, "socket": socket_path}), flush=True)
        time.sleep(600)
    if mode == "crash":
        print("error[R0001]: something is wrong with the spec", file=sys.stderr, flush=True)
        sys.exit(1)
    """
)


def pid_alive(pid: int) -> bool:
    """Running (a zombie is not: where no init reaps orphans, a killed child stays one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return True
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


@unittest.skipUnless(hasattr(os, "killpg"), "process groups are POSIX")
class StandInServerTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory(prefix="rewardc-standin-")
        self.addCleanup(tmp.cleanup)
        self.script = os.path.join(tmp.name, "stand_in.py")
        self.pidfile = os.path.join(tmp.name, "pid")
        with open(self.script, "w", encoding="utf-8") as handle:
            handle.write(STAND_IN)

    def command(self, mode: str) -> list:
        return [sys.executable, self.script, mode, self.pidfile]

    def started_pid(self) -> int:
        with open(self.pidfile, encoding="utf-8") as handle:
            return int(handle.read())

    def test_no_ready_line_in_time_stops_the_process(self) -> None:
        with self.assertRaises(RewardcStartError) as caught:
            RewardClient("x.reward", command=self.command("silent"), start_timeout=1.0)
        self.assertIn("no ready line within 1.0 s", str(caught.exception))
        self.assertIsNone(caught.exception.returncode)
        self.assertFalse(pid_alive(self.started_pid()))

    def test_something_else_than_the_ready_line_stops_the_process(self) -> None:
        with self.assertRaises(RewardcStartError) as caught:
            RewardClient("x.reward", command=self.command("garbage"))
        self.assertIn("listening, probably", str(caught.exception))
        self.assertFalse(pid_alive(self.started_pid()))

    def test_an_exit_before_ready_carries_stderr(self) -> None:
        with self.assertRaises(RewardcStartError) as caught:
            RewardClient("x.reward", command=self.command("crash"))
        self.assertEqual(caught.exception.returncode, 1)
        self.assertIn("error[R0001]: something is wrong with the spec", caught.exception.stderr)
        self.assertIn("exited with code 1 before it was ready", str(caught.exception))

    def test_a_server_ignoring_sigterm_is_killed_with_its_children(self) -> None:
        client = RewardClient("x.reward", command=self.command("stubborn"), stop_timeout=0.5)
        pgid = client.process.pid
        self.assertTrue(group_has_live_members(pgid))
        client.close()
        self.assertFalse(group_has_live_members(pgid))
        self.assertEqual(client.process.returncode, -9)
        with open(self.pidfile + ".child", encoding="utf-8") as handle:
            self.assertFalse(pid_alive(int(handle.read())))


if __name__ == "__main__":
    unittest.main()
