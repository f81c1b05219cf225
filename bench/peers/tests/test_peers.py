"""The two Python peers agree with each other and with values worked out by hand.

  python3 -m unittest discover -s bench/peers/tests -t bench/peers/tests

Needs numpy (for the numpy peer and the batch generator); the loop peer itself does not.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.dirname(HERE)
sys.path.insert(0, PEERS)
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import workloads_loop  # noqa: E402
import workloads_numpy  # noqa: E402
from data import load_arrays, load_lists  # noqa: E402
from make_batch import WORKLOADS, write_batch, write_directory  # noqa: E402


def _flat(values) -> np.ndarray:
    if hasattr(values, "astype"):
        return values.astype(np.float64)
    if values and isinstance(values[0], list):
        return np.array([v for row in values for v in row], dtype=np.float64)
    return np.array([float(v) for v in values], dtype=np.float64)


def run_both(directory: str):
    loop = workloads_loop.WORKLOADS
    vec = workloads_numpy.WORKLOADS
    lists = load_lists(directory)
    arrays = load_arrays(directory)
    return loop[lists.workload](lists), vec[arrays.workload](arrays)


class PeersAgree(unittest.TestCase):
    def assert_agree(self, directory: str) -> None:
        (loop_out, loop_metrics), (np_out, np_metrics) = run_both(directory)
        self.assertEqual(sorted(loop_out), sorted(np_out))
        for name in loop_out:
            a, b = _flat(loop_out[name][1]), _flat(np_out[name][1])
            self.assertEqual(loop_out[name][0], np_out[name][0], name)
            self.assertEqual(loop_out[name][2], np_out[name][2], name)
            self.assertEqual(a.shape, b.shape, name)
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, err_msg=f"{directory}: {name}")
        self.assertEqual(sorted(loop_metrics), sorted(np_metrics))
        for name in loop_metrics:
            self.assertTrue(math.isclose(loop_metrics[name], np_metrics[name], rel_tol=1e-9, abs_tol=1e-12), name)

    def test_random_batches_every_workload(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for workload in WORKLOADS:
                for seed, group_size in ((1, 16), (2, 4), (3, 2)):
                    with self.subTest(workload=workload, seed=seed, group_size=group_size):
                        directory = os.path.join(tmp, f"{workload}-{seed}")
                        write_batch(directory, workload, 16 * 12, group_size, seed, mean_length=40)
                        self.assert_agree(directory)

    def test_singleton_groups(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            for workload in WORKLOADS:
                with self.subTest(workload=workload):
                    directory = os.path.join(tmp, workload)
                    write_batch(directory, workload, 24, 1, 7, mean_length=10)
                    self.assert_agree(directory)

    def test_long_ngram_rollouts(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_batch(tmp, "ngram_repetition", 32, 16, 5, mean_length=1000)
            self.assert_agree(tmp)


def _write(tmp: str, workload: str, group_size: int, columns, offsets=None, params=None) -> str:
    size = next(len(v) for _, v, axis in columns.values() if axis is None) if any(
        axis is None for _, _, axis in columns.values()) else len(next(iter(offsets.values()))) - 1
    directory = os.path.join(tmp, workload)
    write_directory(directory, workload, size, group_size,
                    {k: (d, np.asarray(v, dtype={"f32": np.float32, "i32": np.int32, "u8": np.uint8}[d]), a)
                     for k, (d, v, a) in columns.items()},
                    {k: np.asarray(v, dtype=np.int32) for k, v in (offsets or {}).items()}, params or {})
    return directory


class HandValues(unittest.TestCase):
    """Values worked out by hand from the formulas, checked on both peers."""

    def check(self, directory: str, expected: dict[str, list[float]], metrics: dict[str, float] | None = None):
        for (outputs, got_metrics), impl in zip(run_both(directory), ("loop", "numpy")):
            for name, values in expected.items():
                np.testing.assert_allclose(_flat(outputs[name][1]), values, rtol=1e-6, atol=1e-6,
                                           err_msg=f"{impl} {name}")
            for name, value in (metrics or {}).items():
                self.assertAlmostEqual(got_metrics[name], value, places=9, msg=f"{impl} {name}")

    def test_grpo_equal_rewards_and_singletons(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # equal scores: std 0, advantage 0; unbiased std of (1, 3) is sqrt(2)
            d = _write(tmp, "verl_grpo", 2, {"score": ("f32", [0.5, 0.5, 1.0, 3.0], None)})
            s = math.sqrt(2) + 1e-6
            self.check(d, {"advantage": [0.0, 0.0, -1.0 / s, 1.0 / s]})
        with tempfile.TemporaryDirectory() as tmp:
            d = _write(tmp, "verl_grpo", 1, {"score": ("f32", [2.0, -1.0], None)})
            self.check(d, {"advantage": [2.0 / (1 + 1e-6), -1.0 / (1 + 1e-6)]})  # verl: mean 0, std 1

    def test_dapo_overlong_vector(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # catalog vector: L {16000, 18432, 20480} -> overlong {0, -0.5, -1}; one group of equal rewards
            d = _write(tmp, "dapo", 3, {"correct": ("u8", [1, 1, 1, 0, 0, 0], None),
                                        "length": ("i32", [16000, 18432, 20480, 100, 100, 100], None)})
            self.check(d, {"reward": [1.0, 0.5, 0.0, -1.0, -1.0, -1.0], "keep": [1, 1, 1, 0, 0, 0],
                           "advantage": [1.0 / (1 + 1e-6), 0.0, -1.0 / (1 + 1e-6), 0.0, 0.0, 0.0]})

    def test_grpo_lambda_gate_and_equal_lengths(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # group 0: p = 0.5 >= 0.5, lengths 100..300: kimi 0.5, -0.5, 0, 0 -> 1.5, 0.5 (correct), 0, 0 (wrong: min(0, kimi))
            # group 1: p = 0.25 < 0.5 -> float(correct); group 2: equal lengths, p = 1 -> kimi 0 -> 1
            d = _write(tmp, "grpo_lambda", 4, {
                "correct": ("u8", [1, 1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1], None),
                "length": ("i32", [100, 300, 200, 200, 5, 6, 7, 8, 9, 9, 9, 9], None)})
            self.check(d, {"reward": [1.5, 0.5, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]})

    def test_pure_minform_empty_and_single_step(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            w = [math.exp(-0.5 / 0.1), math.exp(0.5 / 0.1)]
            soft = (w[0] * 0.5 + w[1] * -0.5) / sum(w)
            d = _write(tmp, "pure_minform", 1, {"pr": ("f32", [0.25, 0.5, -0.5], "steps")},
                       {"steps": [0, 0, 1, 3]}, {"T": 0.1})
            self.check(d, {"reward": [0.0, 0.25, soft]},
                       {"hard_min": (0.25 - 0.5) / 2})

    def test_ngram_short_and_repeated(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # [], [1], [1, 2]: no window; [1,2,3]: 1 of 1; [1,2,3,1,2,3]: 3 distinct of 4 -> -0.25;
            # [7,7,7,7,7]: 1 of 3 -> -2/3
            toks = [1, 1, 2, 1, 2, 3, 1, 2, 3, 1, 2, 3, 7, 7, 7, 7, 7]
            d = _write(tmp, "ngram_repetition", 1, {"tokens": ("i32", toks, "tokens")},
                       {"tokens": [0, 0, 1, 3, 6, 12, 17]}, {"max_penalty": -1.0})
            self.check(d, {"reward": [0.0, 0.0, 0.0, 0.0, -0.25, -2 / 3]})

    def test_ngram_wide_keys_take_the_lexsort_path(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # token ids spanning 2^31: 3 * 32 bits do not fit one int64 key
            big = 2**31 - 1
            toks = [-big, 0, big, -big, 0, big, -big, 0]
            d = _write(tmp, "ngram_repetition", 1, {"tokens": ("i32", toks, "tokens")},
                       {"tokens": [0, 8]}, {"max_penalty": -0.5})
            self.check(d, {"reward": [-0.5 * (1 - 3 / 6)]})

    def test_igpo_by_hand(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # A: gains 0.2 (non-final), final outcome 1; B: one turn, outcome 0; C: no turns.
            # gains: one element -> mean 0.2, std 1 -> r_hat 0. outcomes {1, 0}: mean 0.5, population std 0.5.
            # A turn_a = [1, 1] (gamma 1), B [-1]; C's tokens all 0.
            e = 0.5 / (0.5 + 1e-8)
            d = _write(tmp, "igpo", 3, {
                "prob0": ("f32", [0.125, 0.25, 0.5], None),
                "prob": ("f32", [0.375, 0.75, 0.5], "turns"),
                "outcome": ("f32", [1.0, 0.0, 1.0], None),
                "token_turn": ("i32", [0, -1, 1, 2, 0, 0, 0, -1], "tokens"),
            }, {"turns": [0, 2, 3, 3], "tokens": [0, 4, 6, 8]}, {"gamma": 1.0})
            self.check(d, {"advantage": [e, 0.0, e, 0.0, -e, -e, 0.0, 0.0], "reward": [1.0, 0.0, 1.0]},
                       {"mean_gain": 0.25, "mean_turns": 1.0})

    def test_igpo_discount(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # one rollout, groups of 1: gains 0.25, 0.25 (equal: std 0 -> r_hat 0) then outcome (single: 0)
            d = _write(tmp, "igpo", 1, {
                "prob0": ("f32", [0.0], None), "prob": ("f32", [0.25, 0.5, 0.75], "turns"),
                "outcome": ("f32", [1.0], None), "token_turn": ("i32", [2, 1, 0], "tokens"),
            }, {"turns": [0, 3], "tokens": [0, 3]}, {"gamma": 0.5})
            self.check(d, {"advantage": [0.0, 0.0, 0.0]})

    def test_columns_without_axis_keys_take_the_specs_axes(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            # turns and tokens have the same total (3): only the spec's declarations tell them apart
            d = _write(tmp, "igpo", 1, {
                "prob0": ("f32", [0.0], None), "prob": ("f32", [0.25, 0.5, 0.625], "turns"),
                "outcome": ("f32", [1.0], None), "token_turn": ("i32", [2, 1, 0], "tokens"),
            }, {"turns": [0, 3], "tokens": [0, 3]}, {"gamma": 0.5})
            path = os.path.join(d, "manifest.json")
            with open(path) as f:
                manifest = json.load(f)
            for entry in manifest["columns"].values():
                entry.pop("axis", None)
            with open(path, "w") as f:
                json.dump(manifest, f)
            done = subprocess.run([sys.executable, os.path.join(PEERS, "peer.py"), "--impl", "loop", "--data", d],
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(d, "out.loop", "manifest.json")) as f:
                self.assertEqual(json.load(f)["outputs"]["advantage"]["axis"], "tokens")


class Cli(unittest.TestCase):
    def test_cli_writes_outputs_and_one_json_line(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_batch(tmp, "dapo", 64, 16, 3)
            for impl in ("loop", "numpy"):
                done = subprocess.run([sys.executable, os.path.join(PEERS, "peer.py"), "--impl", impl, "--data", tmp,
                                       "--repeats", "3"], capture_output=True, text=True, check=True)
                line = json.loads(done.stdout)
                self.assertEqual((line["impl"], line["workload"], line["size"], len(line["times_ms"])),
                                 (impl, "dapo", 64, 3))
                with open(os.path.join(tmp, f"out.{impl}", "manifest.json")) as f:
                    manifest = json.load(f)
                self.assertEqual(manifest["outputs"]["keep"]["dtype"], "u8")
                self.assertEqual(os.path.getsize(os.path.join(tmp, f"out.{impl}", "advantage.bin")), 64 * 4)

    def test_cli_rejects_a_batch_without_the_columns(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_batch(tmp, "dapo", 16, 16, 3)
            with open(os.path.join(tmp, "manifest.json")) as f:
                manifest = json.load(f)
            manifest["workload"] = "verl_grpo"
            with open(os.path.join(tmp, "manifest.json"), "w") as f:
                json.dump(manifest, f)
            done = subprocess.run([sys.executable, os.path.join(PEERS, "peer.py"), "--impl", "loop", "--data", tmp],
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 2)
            self.assertIn("needs column 'score'", done.stderr)

    def test_loop_peer_runs_without_numpy(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            write_batch(tmp, "igpo", 32, 4, 3)
            # a directory shadowing numpy with a module that fails to import
            fake = os.path.join(tmp, "fake")
            os.makedirs(os.path.join(fake, "numpy"))
            with open(os.path.join(fake, "numpy", "__init__.py"), "w") as f:
                f.write("raise ImportError('numpy hidden by the test')\n")
            env = dict(os.environ, PYTHONPATH=fake)
            peer = os.path.join(PEERS, "peer.py")
            done = subprocess.run([sys.executable, peer, "--impl", "loop", "--data", tmp], env=env,
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            done = subprocess.run([sys.executable, peer, "--impl", "numpy", "--data", tmp], env=env,
                                  capture_output=True, text=True)
            self.assertEqual(done.returncode, 3)
            self.assertIn("numpy is not installed", done.stderr)


if __name__ == "__main__":
    unittest.main()
