"""The client against a live `rewardc serve` started from the repo's CLI; scores checked against `rewardc run`."""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import threading
import unittest
from typing import Any, Dict, List

import support
from support import example, example_rows, numpy_hidden, run_cli

from rewardc_client import RewardClient, RewardcConnectionError, RewardcError, RewardcStartError, RewardcStateNotSavedError
from rewardc_client.server import group_has_live_members

try:
    import numpy
except ImportError:
    numpy = None


def setUpModule() -> None:
    support.require_built_cli()


def reference_outputs(scored_rows: List[Dict[str, Any]], names: List[str]) -> Dict[str, List[Any]]:
    return {name: [row[name] for row in scored_rows] for name in names}


class StartAndCompareTest(unittest.TestCase):
    """One server for the stateless GRPO-λ example, shared by the tests of this class."""

    client: RewardClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = RewardClient(example("grpo_lambda"), backend="cpu")

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()

    def setUp(self) -> None:
        self.rows = example_rows("grpo_lambda")
        scored, self.metrics = run_cli(example("grpo_lambda"), self.rows)
        self.expected = reference_outputs(scored, ["reward", "advantage"])

    def test_spec(self) -> None:
        spec = self.client.spec()
        self.assertEqual(spec["name"], "grpo_lambda")
        self.assertEqual(spec["groupKey"], "prompt")
        self.assertEqual([i["name"] for i in spec["inputs"]], ["correct", "length"])
        self.assertEqual(spec["outputs"], ["reward", "advantage"])
        self.assertEqual(spec["backend"], "cpu")
        self.assertTrue(self.client.health())

    def test_rows_score_as_rewardc_run_does(self) -> None:
        result = self.client.score(self.rows)
        self.assertEqual(result.outputs, self.expected)
        self.assertEqual(result.metrics, self.metrics)
        self.assertEqual(result.state, {})

    def test_columns_score_as_rows_do(self) -> None:
        columns = {name: [row[name] for row in self.rows] for name in ("prompt", "correct", "length")}
        self.assertEqual(self.client.score(columns=columns).outputs, self.expected)

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_numpy_columns_and_numpy_outputs(self) -> None:
        columns = {
            "prompt": numpy.array([row["prompt"] for row in self.rows]),
            "correct": numpy.array([row["correct"] for row in self.rows]),
            "length": numpy.array([row["length"] for row in self.rows], dtype=numpy.int32),
        }
        result = self.client.score(columns=columns, numpy=True)
        self.assertEqual(result.outputs["reward"].dtype, numpy.float32)
        self.assertEqual(result.outputs["reward"].tolist(), numpy.float32(self.expected["reward"]).tolist())
        self.assertEqual(result.outputs["advantage"].tolist(), numpy.float32(self.expected["advantage"]).tolist())

    def test_bad_rows_name_row_and_field_and_the_server_keeps_serving(self) -> None:
        rows = [dict(row) for row in self.rows]
        rows[2]["length"] = 1.5
        del rows[4]["correct"]
        with self.assertRaises(RewardcError) as caught:
            self.client.score(rows)
        error = caught.exception
        self.assertEqual((error.code, error.status), ("bad_rows", 400))
        self.assertEqual([(p.row, p.field) for p in error.rows], [(2, "length"), (4, "correct")])
        self.assertIn("row 2: field `length`: expected int, found 1.5", str(error))
        self.assertIn("row 4: missing field `correct`", str(error))
        self.assertEqual(self.client.score(self.rows).outputs, self.expected)

    def test_a_bad_columns_request_is_an_error(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            self.client.score(columns={"prompt": ["a", "b"], "correct": [True], "length": [1, 2]})
        self.assertEqual(caught.exception.status, 400)

    def test_threads_each_get_their_own_batch_back(self) -> None:
        batches = []
        for k in range(6):
            rows = [dict(row, length=row["length"] + 37 * k * (i % 3)) for i, row in enumerate(self.rows)]
            batches.append((rows, self.client.score(rows).outputs))
        failures: List[str] = []

        def work(k: int) -> None:
            rows, expected = batches[k]
            for _ in range(5):
                got = self.client.score(rows).outputs
                if got != expected:
                    failures.append(f"thread {k}: {got} != {expected}")

        threads = [threading.Thread(target=work, args=(k,)) for k in range(len(batches))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])

    def test_connecting_to_the_running_server(self) -> None:
        socket_path = self.client.endpoint.split(" ", 2)[2]
        with RewardClient(socket=socket_path) as other:
            self.assertEqual(other.score(self.rows).outputs, self.expected)
            self.assertEqual(other.server_stderr(), "")
            self.assertIsNone(other.process)
        self.assertTrue(self.client.health())  # closing a connected client leaves the server running


class WithoutNumpyTest(unittest.TestCase):
    def test_a_client_imported_without_numpy_scores_as_rewardc_run_does(self) -> None:
        rows = example_rows("grpo_lambda")
        scored, metrics = run_cli(example("grpo_lambda"), rows)
        with numpy_hidden() as fresh, fresh.RewardClient(example("grpo_lambda"), backend="cpu") as client:
            result = client.score(rows)
            self.assertEqual(result.outputs, reference_outputs(scored, ["reward", "advantage"]))
            self.assertEqual(result.metrics, metrics)
            with self.assertRaises(ImportError):
                client.score(rows, numpy=True)


class LifecycleTest(unittest.TestCase):
    def test_close_stops_the_server_and_removes_its_socket(self) -> None:
        with RewardClient(example("grpo_lambda"), backend="cpu") as client:
            process = client.process
            socket_path = client.endpoint.split(" ", 2)[2]
            self.assertTrue(os.path.exists(socket_path))
        self.assertEqual(process.returncode, 0)  # SIGTERM is a clean shutdown
        self.assertFalse(os.path.exists(os.path.dirname(socket_path)))
        self.assertTrue(client.closed)
        client.close()  # closing twice is harmless

    def test_backend_auto_runs_behind_rewardcs_stderr_filter_and_stops_with_it(self) -> None:
        with RewardClient(example("grpo_lambda")) as client:  # may open WebGPU: a parent filtering a child
            self.assertIn(client.spec()["backend"], ("cpu", "webgpu"))
            process = client.process
        self.assertEqual(process.returncode, 0)
        self.assertFalse(group_has_live_members(process.pid))

    def test_a_forgotten_client_does_not_leak_its_server(self) -> None:
        client = RewardClient(example("grpo_lambda"), backend="cpu")
        process = client.process
        del client
        gc.collect()
        self.assertIsNotNone(process.poll())

    def test_a_server_that_died_is_reported_with_its_exit(self) -> None:
        with RewardClient(example("grpo_lambda"), backend="cpu") as client:
            client.process.kill()
            client.process.wait()
            with self.assertRaises(RewardcConnectionError) as caught:
                client.score(example_rows("grpo_lambda"))
            self.assertIn("rewardc serve has exited with code -9", str(caught.exception))

    def test_tcp_port(self) -> None:
        with RewardClient(example("grpo_lambda"), backend="cpu", port=0) as client:
            self.assertTrue(client.endpoint.startswith("http://127.0.0.1:"))
            port = int(client.endpoint.rsplit(":", 1)[1])
            with RewardClient(port=port) as other:
                self.assertEqual(other.spec()["name"], "grpo_lambda")

    def test_params(self) -> None:
        rows = example_rows("grpo_lambda")
        scored, metrics = run_cli(example("grpo_lambda"), rows, params={"threshold": "0.7"})
        with RewardClient(example("grpo_lambda"), backend="cpu", params={"threshold": 0.7}) as client:
            self.assertEqual(client.spec()["params"], {"threshold": 0.7})
            result = client.score(rows)
        self.assertEqual(result.outputs, reference_outputs(scored, ["reward", "advantage"]))
        self.assertEqual(result.metrics, metrics)

    def test_a_bad_spec_raises_with_its_diagnostics(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            spec = os.path.join(tmp, "bad.reward")
            with open(example("grpo_lambda"), encoding="utf-8") as handle:
                text = handle.read()
            with open(spec, "w", encoding="utf-8") as handle:
                handle.write(text.replace("advantage = std.grpo(reward)", "advantage = std.grpo(rewrad)"))
            with self.assertRaises(RewardcStartError) as caught:
                RewardClient(spec, backend="cpu")
        error = caught.exception
        self.assertEqual(error.returncode, 1)
        self.assertIn("rewrad", error.stderr)
        self.assertIn("error", str(error))
        self.assertIn("rewrad", str(error))

    def test_a_bad_param_raises_with_the_servers_message(self) -> None:
        with self.assertRaises(RewardcStartError) as caught:
            RewardClient(example("grpo_lambda"), backend="cpu", params={"nope": 1})
        self.assertEqual(caught.exception.returncode, 2)
        self.assertIn("nope", str(caught.exception))

    def test_a_missing_command_is_reported(self) -> None:
        with self.assertRaises(RewardcStartError) as caught:
            RewardClient(example("grpo_lambda"), command=["/nonexistent/rewardc"])
        self.assertIn("/nonexistent/rewardc", str(caught.exception))


class PerTokenTest(unittest.TestCase):
    def test_per_token_advantages(self) -> None:
        rows = example_rows("step_to_token")
        scored, _ = run_cli(example("step_to_token"), rows)
        with RewardClient(example("step_to_token"), backend="cpu") as client:
            result = client.score(rows)
            self.assertEqual(result.outputs["advantage"], [row["advantage"] for row in scored])
            self.assertEqual([len(a) for a in result.outputs["advantage"]], [len(r["token_step"]) for r in rows])
            if numpy is not None:
                arrays = client.score(rows, numpy=True).outputs["advantage"]
                self.assertEqual([a.dtype for a in arrays], [numpy.float32] * len(rows))
                as_float32 = [numpy.asarray(a, dtype=numpy.float32).tolist() for a in result.outputs["advantage"]]
                self.assertEqual([a.tolist() for a in arrays], as_float32)


class StateTest(unittest.TestCase):
    spec = example("lagrange_state")

    def setUp(self) -> None:
        self.rows = example_rows("lagrange_state")
        self.tmp = tempfile.mkdtemp(prefix="rewardc-state-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def test_state_carries_over_batches_as_in_rewardc_run(self) -> None:
        state_file = os.path.join(self.tmp, "run-state.json")
        first, _ = run_cli(self.spec, self.rows, state=state_file)
        second, second_metrics = run_cli(self.spec, self.rows, state=state_file)
        with RewardClient(self.spec, backend="cpu") as client:
            one = client.score(self.rows)
            two = client.score(self.rows)
        self.assertEqual(one.outputs["reward"], [row["reward"] for row in first])
        self.assertEqual(two.outputs["reward"], [row["reward"] for row in second])
        self.assertEqual(two.metrics, second_metrics)
        self.assertEqual((one.step, two.step), (1, 2))
        self.assertGreater(two.state["mu"], 0.0)
        with open(state_file, encoding="utf-8") as handle:
            saved_by_run = json.load(handle)
        self.assertEqual(saved_by_run["step"], 2)

    def test_save_and_restore(self) -> None:
        with RewardClient(self.spec, backend="cpu") as client:
            client.score(self.rows)
            saved = client.state()
            self.assertEqual(json.loads(saved)["step"], 1)
            two = client.score(self.rows)
            client.score(self.rows)
            self.assertEqual(client.restore_state(saved), 1)
            again = client.score(self.rows)
            self.assertEqual((again.outputs, again.state, again.step), (two.outputs, two.state, two.step))
            self.assertEqual(client.restore_state(json.loads(saved)), 1)  # the parsed dict works too

    def test_a_bad_state_is_refused_and_the_state_kept(self) -> None:
        with RewardClient(self.spec, backend="cpu") as client:
            client.score(self.rows)
            before = client.state()
            with self.assertRaises(RewardcError) as caught:
                client.restore_state('{"format": "something else"}')
            self.assertEqual(caught.exception.code, "bad_state")
            self.assertEqual(client.state(), before)

    def test_a_state_the_server_cannot_save_at_shutdown_is_raised_with_the_state(self) -> None:
        state_file = os.path.join(self.tmp, "missing-directory", "state.json")
        client = RewardClient(self.spec, backend="cpu", state=state_file)
        scored = client.score(self.rows)
        with self.assertRaises(RewardcStateNotSavedError) as caught:
            client.close()
        self.assertTrue(client.closed)
        self.assertIsNotNone(caught.exception.state)
        saved = json.loads(caught.exception.state)
        self.assertEqual(saved["step"], scored.step)
        with RewardClient(self.spec, backend="cpu") as resumed:
            self.assertEqual(resumed.restore_state(caught.exception.state), scored.step)

    def test_state_file_survives_a_restart(self) -> None:
        state_file = os.path.join(self.tmp, "serve-state.json")
        with RewardClient(self.spec, backend="cpu", state=state_file) as client:
            client.score(self.rows)
            expected = client.score(self.rows)
        with open(state_file, encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["step"], 2)
        with RewardClient(self.spec, backend="cpu") as fresh:
            fresh.score(self.rows)
            fresh.score(self.rows)
            third_expected = fresh.score(self.rows)
        with RewardClient(self.spec, backend="cpu", state=state_file) as resumed:
            third = resumed.score(self.rows)
        self.assertEqual(third.step, 3)
        self.assertEqual(third.outputs, third_expected.outputs)
        self.assertNotEqual(third.outputs, expected.outputs)


class RequestLimitTest(unittest.TestCase):
    """A server with a small --max-request-bytes: a body over it is `too_large`, never a connection error."""

    client: RewardClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = RewardClient(example("lagrange_state"), backend="cpu", server_args=["--max-request-bytes", "4096"])

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()

    def big_rows(self, n: int) -> List[Dict[str, Any]]:
        return [{"prompt": i % 4, "objective": 1.0, "cost": 0.5, "thinking": 0.1} for i in range(n)]

    def test_the_spec_gives_the_limit(self) -> None:
        self.assertEqual(self.client.spec()["maxRequestBytes"], 4096)

    def test_an_oversized_batch_is_refused_before_it_is_sent(self) -> None:
        before = self.client.state()
        with self.assertRaises(RewardcError) as caught:
            self.client.score(self.big_rows(20000))
        self.assertEqual(caught.exception.code, "too_large")
        self.assertIsNone(caught.exception.status)
        self.assertIn("limit of 4096 bytes", caught.exception.message)
        self.assertEqual(self.client.state(), before)
        self.assertEqual(self.client.score(self.big_rows(8)).step, json.loads(before)["step"] + 1)

    def test_the_servers_413_is_read_even_when_it_stopped_reading_the_body(self) -> None:
        # Past the client's own check: the server refuses on Content-Length and closes while the body is being sent.
        transport = self.client._transport
        body = json.dumps({"rows": self.big_rows(200000)}).encode()
        status, _, reply = transport.request("POST", "/v1/score", body, {"Content-Type": "application/json"})
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(reply)["error"]["code"], "too_large")
        self.assertTrue(self.client.health())


if __name__ == "__main__":
    unittest.main()
