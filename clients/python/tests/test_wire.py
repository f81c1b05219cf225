"""Unit tests of the client's protocol pieces, with a small fake server where a socket is needed."""

from __future__ import annotations

import http.server
import json
import math
import os
import socketserver
import tempfile
import threading
import time
import unittest
from typing import Any, Callable, Dict, List, Optional, Tuple

import support
from support import numpy_hidden

from rewardc_client import RewardClient, RewardcConnectionError, RewardcError, RowProblem, completion_text, prompt_key
from rewardc_client.server import format_param, resolve_command
from rewardc_client import transport
from rewardc_client.transport import Endpoint
from rewardc_client.wire import decode_numbers, decode_score_reply, encode_score_request

try:
    import numpy
except ImportError:  # the no-numpy path is tested on every machine; the numpy path where numpy exists
    numpy = None


Handler = Callable[[str, str, bytes], Tuple[int, Any]]


class FakeServer:
    """HTTP/1.1 on a unix socket answering with `handler(method, path, body) -> (status, json)`.

    `close_after_reply` makes it hang up after each reply without saying so (as Node does with idle keep-alive
    connections), to test that the client notices before reusing the connection.
    """

    def __init__(self, handler: Handler, close_after_reply: bool = False) -> None:
        self.tmp = tempfile.mkdtemp(prefix="rewardc-fake-")
        self.path = os.path.join(self.tmp, "fake.sock")
        self.requests: List[Tuple[str, str, bytes]] = []
        self.connections = 0
        fake = self

        class RequestHandler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                fake.connections += 1

            def address_string(self) -> str:
                return "unix"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fake.requests.append((self.command, self.path, body))
                status, reply = handler(self.command, self.path, body)
                data = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                if close_after_reply:
                    self.close_connection = True

            do_GET = do_POST = do_PUT = _answer

        self.hangups = threading.Semaphore(0)

        class Server(socketserver.ThreadingUnixStreamServer):
            def shutdown_request(self, request: Any) -> None:
                super().shutdown_request(request)
                fake.hangups.release()

        self.server = Server(self.path, RequestHandler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        os.unlink(self.path)
        os.rmdir(self.tmp)

    def __enter__(self) -> "FakeServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


SCORE_REPLY = {
    "outputs": {
        "reward": ["NaN", 1, "Infinity", -0.5],
        "advantage": [[1, "-Infinity"], [], [0.5], [0]],
        "keep": [True, False, True, True],
    },
    "metrics": {"accuracy": 0.75, "spread": "NaN", "count": 4},
    "step": 3,
    "state": {"mu": "Infinity", "step": 3},
}


def protocol_handler(method: str, path: str, body: bytes) -> Tuple[int, Any]:
    if path == "/v1/health":
        return 200, {"ok": True}
    if path == "/v1/spec" and method == "GET":
        return 200, {"name": "fake", "maxRequestBytes": 1 << 20, "protocol": 1}
    if path == "/v1/score" and method == "POST":
        return 200, SCORE_REPLY
    if path == "/v1/state" and method == "PUT":
        return 200, {"ok": True, "step": 7}
    return 404, {"error": {"code": "not_found", "message": f"no endpoint {method} {path}"}}


class DecodingTest(unittest.TestCase):
    def test_non_finite_strings_become_floats_everywhere(self) -> None:
        outputs, metrics, step, state = decode_score_reply(SCORE_REPLY)
        self.assertTrue(math.isnan(outputs["reward"][0]))
        self.assertEqual(outputs["reward"][1:], [1.0, math.inf, -0.5])
        self.assertEqual(outputs["advantage"], [[1.0, -math.inf], [], [0.5], [0.0]])
        self.assertEqual(outputs["keep"], [True, False, True, True])
        self.assertTrue(math.isnan(metrics["spread"]))
        self.assertEqual((metrics["accuracy"], metrics["count"]), (0.75, 4.0))
        self.assertEqual(step, 3)
        self.assertEqual(state, {"mu": math.inf, "step": 3})

    def test_integral_outputs_and_metrics_are_floats(self) -> None:
        outputs, metrics, _, _ = decode_score_reply(SCORE_REPLY)
        self.assertIs(type(outputs["reward"][1]), float)
        self.assertIs(type(outputs["advantage"][3][0]), float)
        self.assertIs(type(metrics["count"]), float)
        self.assertIs(type(outputs["keep"][0]), bool)

    def test_other_strings_are_left_alone(self) -> None:
        self.assertEqual(decode_numbers({"a": ["nan", "NaN", "x"]})["a"][0], "nan")
        self.assertEqual(decode_numbers("Infinity"), math.inf)

    def test_a_reply_without_outputs_is_an_error(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            decode_score_reply({"error": "?"})
        self.assertEqual(caught.exception.code, "bad_reply")


class EncodingTest(unittest.TestCase):
    def test_rows_and_columns(self) -> None:
        self.assertEqual(json.loads(encode_score_request([{"x": 1}], None)), {"rows": [{"x": 1}]})
        self.assertEqual(json.loads(encode_score_request(None, {"x": (1, 2)})), {"columns": {"x": [1, 2]}})

    def test_exactly_one_of_rows_and_columns(self) -> None:
        with self.assertRaises(ValueError):
            encode_score_request(None, None)
        with self.assertRaises(ValueError):
            encode_score_request([], {})
        with self.assertRaises(TypeError):
            encode_score_request({"x": [1]}, None)  # columns passed as rows

    def test_a_nan_input_is_refused_naming_row_and_field(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            encode_score_request([{"x": 1.0}, {"x": 2.0, "steps": [0.5, math.nan]}], None)
        error = caught.exception
        self.assertEqual(error.code, "bad_rows")
        self.assertIsNone(error.status)
        self.assertEqual([(p.row, p.field) for p in error.rows], [(1, "steps")])
        self.assertIn("row 1: field `steps`[1]: expected a finite number, found nan", str(error))

    def test_an_infinite_column_value_is_refused_naming_index_and_field(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            encode_score_request(None, {"x": [1.0, 2.0], "y": [0.0, -math.inf]})
        self.assertEqual([(p.row, p.field) for p in caught.exception.rows], [(1, "y")])

    def test_an_unserialisable_value_names_its_place(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            encode_score_request([{"x": object()}], None)
        self.assertIn("row 0: field `x`: a object cannot be sent as JSON", str(caught.exception))

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_numpy_arrays_and_scalars_are_sent_as_lists_and_numbers(self) -> None:
        body = encode_score_request(
            None, {"x": numpy.array([1.5, 2.5], dtype=numpy.float32), "n": numpy.arange(2), "m": numpy.eye(2)}
        )
        self.assertEqual(json.loads(body), {"columns": {"x": [1.5, 2.5], "n": [0, 1], "m": [[1, 0], [0, 1]]}})
        body = encode_score_request([{"x": numpy.float32(0.25), "b": numpy.bool_(True)}], None)
        self.assertEqual(json.loads(body), {"rows": [{"x": 0.25, "b": True}]})

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_a_numpy_nan_is_refused_like_a_python_nan(self) -> None:
        with self.assertRaises(RewardcError) as caught:
            encode_score_request(None, {"x": numpy.array([0.0, numpy.nan])})
        self.assertEqual([(p.row, p.field) for p in caught.exception.rows], [(1, "x")])


class ErrorTest(unittest.TestCase):
    def test_structured_error_body(self) -> None:
        body = json.dumps(
            {
                "error": {
                    "code": "bad_rows",
                    "message": "2 rows are invalid",
                    "rows": [
                        {"row": 0, "field": "x", "message": "field `x`: expected float, found \"a\""},
                        {"row": 3, "field": "", "message": "expected a JSON object, found an array"},
                    ],
                }
            }
        ).encode()
        error = RewardcError.from_reply(400, body)
        self.assertEqual((error.code, error.status), ("bad_rows", 400))
        self.assertEqual(error.rows[1], RowProblem(3, "", "expected a JSON object, found an array"))
        self.assertEqual(
            str(error),
            "bad_rows: 2 rows are invalid\n"
            "  row 0: field `x`: expected float, found \"a\"\n"
            "  row 3: expected a JSON object, found an array",
        )

    def test_rows_already_in_the_message_are_not_repeated(self) -> None:
        body = {"error": {"code": "bad_rows", "message": "invalid rows:\n  row 0: field `x`: bad", "rows": [
            {"row": 0, "field": "x", "message": "field `x`: bad"}]}}
        self.assertEqual(str(RewardcError.from_reply(400, json.dumps(body).encode())), "bad_rows: invalid rows:\n  row 0: field `x`: bad")

    def test_a_body_that_is_not_an_error_object_is_kept_as_text(self) -> None:
        error = RewardcError.from_reply(502, b"<html>Bad Gateway</html>")
        self.assertEqual(error.code, "http_502")
        self.assertIn("Bad Gateway", str(error))
        self.assertEqual(error.rows, [])


class CommandTest(unittest.TestCase):
    def test_command_argument_then_environment(self) -> None:
        saved = os.environ.get("REWARDC")
        try:
            os.environ["REWARDC"] = "node '/opt/my rewardc/bin/rewardc.js'"
            self.assertEqual(resolve_command(["x", "y"]), ["x", "y"])
            self.assertEqual(resolve_command("a 'b c'"), ["a", "b c"])
            self.assertEqual(resolve_command(None), ["node", "/opt/my rewardc/bin/rewardc.js"])
        finally:
            if saved is None:
                del os.environ["REWARDC"]
            else:
                os.environ["REWARDC"] = saved

    def test_params_print_exactly(self) -> None:
        self.assertEqual(format_param("t", 0.1), "t=0.1")
        self.assertEqual(format_param("on", True), "on=true")
        self.assertEqual(format_param("n", 3), "n=3")
        self.assertEqual(format_param("cap", -math.inf), "cap=-inf")
        with self.assertRaises(ValueError):
            format_param("t", math.nan)


class TextMappingTest(unittest.TestCase):
    def test_prompt_key(self) -> None:
        self.assertEqual(prompt_key("What is 2+2?"), "What is 2+2?")
        conversation = [{"role": "user", "content": "Hi"}]
        self.assertEqual(prompt_key(conversation), '[{"content":"Hi","role":"user"}]')
        reordered = [{"content": "Hi", "role": "user"}]
        self.assertEqual(prompt_key(reordered), prompt_key(conversation))

    def test_completion_text(self) -> None:
        self.assertEqual(completion_text("<think>x</think>"), "<think>x</think>")
        self.assertEqual(completion_text([{"role": "assistant", "content": "only"}]), "only")
        self.assertEqual(
            completion_text([{"role": "assistant", "content": "a"}, {"role": "tool", "content": "b"}]), "a\nb"
        )
        parts = [{"role": "assistant", "content": [{"type": "text", "text": "x"}, {"type": "image"}]}]
        self.assertEqual(completion_text(parts), "x")
        with self.assertRaises(TypeError):
            completion_text(3)


class FakeServerTest(unittest.TestCase):
    def test_score_through_a_unix_socket(self) -> None:
        with FakeServer(protocol_handler) as fake, RewardClient(socket=fake.path) as client:
            result = client.score([{"x": 1}])
            self.assertEqual(result.step, 3)
            self.assertEqual(result.outputs["reward"][1:], [1.0, math.inf, -0.5])
            self.assertEqual(result.state["mu"], math.inf)
            self.assertEqual(fake.requests[-1], ("POST", "/v1/score", b'{"rows":[{"x":1}]}'))
            self.assertEqual(client.restore_state('{"x": 1}'), 7)

    def test_structured_errors_are_raised(self) -> None:
        with FakeServer(protocol_handler) as fake, RewardClient(socket=fake.path) as client:
            with self.assertRaises(RewardcError) as caught:
                client.state()
            self.assertEqual((caught.exception.code, caught.exception.status), ("not_found", 404))

    def test_a_connection_the_server_closed_is_replaced_before_reuse(self) -> None:
        with FakeServer(protocol_handler, close_after_reply=True) as fake, RewardClient(socket=fake.path) as client:
            # The spec is read before the batches: score() reads it first, and the POST right after its reply
            # would race the server's hang-up, which no client can see coming.
            self.assertTrue(fake.hangups.acquire(timeout=30))  # the health check's connection is closed
            client.spec()
            for _ in range(3):
                self.assertTrue(fake.hangups.acquire(timeout=30))  # the previous connection is closed
                client.score([{"x": 1}])
            self.assertEqual(fake.connections, 5)  # the health check, the spec (read once, for its size limit) and three batches

    def test_a_connection_idle_past_the_reuse_limit_is_replaced(self) -> None:
        # The server may close an idle connection just as a request goes out; past the limit the client does not risk it.
        limit = transport.REUSE_IDLE_SECONDS
        transport.REUSE_IDLE_SECONDS = 0.2
        try:
            with FakeServer(protocol_handler) as fake, RewardClient(socket=fake.path) as client:
                client.score([{"x": 1}])
                client.score([{"x": 1}])
                self.assertEqual(fake.connections, 1)  # back to back: kept alive
                time.sleep(0.3)
                client.score([{"x": 1}])
                self.assertEqual(fake.connections, 2)
        finally:
            transport.REUSE_IDLE_SECONDS = limit

    def test_keep_alive_reuses_one_connection_per_thread(self) -> None:
        with FakeServer(protocol_handler) as fake, RewardClient(socket=fake.path) as client:
            for _ in range(3):
                client.score([{"x": 1}])
            self.assertEqual(fake.connections, 1)

    def test_nothing_listening_is_a_connection_error(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            with self.assertRaises(RewardcConnectionError) as caught:
                RewardClient(socket=os.path.join(tmp, "none.sock"))
            self.assertIn("none.sock", str(caught.exception))

    def test_a_closed_client_refuses_requests(self) -> None:
        with FakeServer(protocol_handler) as fake:
            client = RewardClient(socket=fake.path)
            client.close()
            self.assertTrue(client.closed)
            with self.assertRaises(RewardcConnectionError):
                client.health()

    def test_options_of_a_started_server_are_refused_when_connecting(self) -> None:
        with self.assertRaises(ValueError) as caught:
            RewardClient(socket="/x.sock", params={"t": 1}, backend="cpu")
        self.assertIn("params, backend only apply when the client starts the server", str(caught.exception))
        with self.assertRaises(ValueError):
            RewardClient()
        with self.assertRaises(ValueError):
            Endpoint(socket_path="/x", port=1)

    @unittest.skipIf(numpy is None, "numpy is not installed")
    def test_numpy_mode(self) -> None:
        with FakeServer(protocol_handler) as fake, RewardClient(socket=fake.path, numpy=True) as client:
            result = client.score([{"x": 1}])
            self.assertEqual(result.outputs["reward"].dtype, numpy.float32)
            self.assertEqual(result.outputs["keep"].dtype, numpy.bool_)
            self.assertEqual([a.dtype for a in result.outputs["advantage"]], [numpy.float32] * 4)
            self.assertEqual(result.outputs["advantage"][0].tolist(), [1.0, -math.inf])
            self.assertIsInstance(client.score([{"x": 1}], numpy=False).outputs["reward"], list)

    def test_without_numpy_the_client_imports_and_works(self) -> None:
        with numpy_hidden() as fresh, FakeServer(protocol_handler) as fake:
            with self.assertRaises(ImportError):
                import numpy as _  # noqa: F401
            with fresh.RewardClient(socket=fake.path) as client:
                result = client.score(None, columns={"x": [1, 2, 3, 4]})
                self.assertEqual(result.outputs["reward"][1], 1.0)
                self.assertEqual(result.outputs["advantage"][0], [1.0, -math.inf])
                with self.assertRaises(ImportError) as caught:
                    client.score([{"x": 1}], numpy=True)
                self.assertIn("numpy=True needs numpy", str(caught.exception))
            with self.assertRaises(ImportError):
                fresh.RewardClient(socket=fake.path, numpy=True)


if __name__ == "__main__":
    unittest.main()
