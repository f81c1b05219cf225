"""A small random batch generator for the peers' own tests and timings, writing the harness's directory format
(manifest.json + raw little-endian binaries). The benchmark itself uses the TypeScript harness's generator;
this one only has to exercise the formulas' edge cases: all-equal groups, empty and short ragged arrays,
tokens outside the turns.

  python3 bench/peers/tests/make_batch.py WORKLOAD SIZE DIR [--group-size G] [--seed S] [--length L]
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

WORKLOADS = ("verl_grpo", "grpo_lambda", "dapo", "pure_minform", "ngram_repetition", "igpo")


def _ragged(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(lengths.size + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _tokens(rng: np.random.Generator, length: int, vocab: int) -> np.ndarray:
    """Token ids with repeated spans (copies of earlier stretches), so the repetition penalty varies."""
    out = rng.integers(0, vocab, size=length, dtype=np.int32)
    repeat_share = rng.random()
    position = 8
    while position < length:
        span = int(rng.integers(3, 40))
        if rng.random() < repeat_share:
            source = int(rng.integers(0, position))
            span = min(span, length - position, position - source)
            out[position : position + span] = out[source : source + span]
        position += max(span, 1)
    return out


def generate(workload: str, size: int, group_size: int, seed: int, mean_length: int | None = None):
    """-> (columns {name: (dtype, array, axis or None)}, offsets {axis: array}, params)."""
    rng = np.random.default_rng(seed)
    groups = size // group_size
    columns: dict[str, tuple[str, np.ndarray, str | None]] = {}
    offsets: dict[str, np.ndarray] = {}
    params: dict[str, object] = {}
    if workload == "verl_grpo":
        score = rng.normal(size=size).astype(np.float32)
        binary = rng.random(groups) < 0.3  # some groups score 0/1 (often all equal)
        flat = np.repeat(binary, group_size)
        score[flat] = (rng.random(int(flat.sum())) < 0.2).astype(np.float32)
        columns["score"] = ("f32", score, None)
    elif workload in ("grpo_lambda", "dapo"):
        p = np.repeat(rng.random(groups), group_size)
        correct = (rng.random(size) < p).astype(np.uint8)
        if workload == "grpo_lambda":
            length = rng.integers(50, 8000, size=size, dtype=np.int32)
            params["threshold"] = 0.5
        else:
            length = rng.integers(10000, 26000, size=size, dtype=np.int32)
            params.update({"max_len": 20480.0, "buffer": 4096.0, "factor": 1.0})
        same = np.repeat(rng.random(groups) < 0.2, group_size)  # groups with one length for everyone
        length[same] = 15000 if workload == "dapo" else 1000
        columns["correct"] = ("u8", correct, None)
        columns["length"] = ("i32", length, None)
    elif workload == "pure_minform":
        mean = mean_length or 20
        lengths = rng.integers(0, 2 * mean + 1, size=size)
        lengths[rng.random(size) < 0.05] = 0
        offsets["steps"] = _ragged(lengths)
        pr = rng.uniform(-1, 1, size=int(lengths.sum())).astype(np.float32)
        columns["pr"] = ("f32", pr, "steps")
        params["T"] = 0.1
    elif workload == "ngram_repetition":
        mean = mean_length or 1000
        lengths = rng.integers(mean // 2, mean * 3 // 2 + 1, size=size)
        lengths[rng.random(size) < 0.05] = rng.integers(0, 4)  # empty and shorter than n
        offsets["tokens"] = _ragged(lengths)
        parts = [_tokens(rng, int(n), 32000) for n in lengths]
        tokens = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        columns["tokens"] = ("i32", tokens, "tokens")
        params["max_penalty"] = -1.0
    elif workload == "igpo":
        turns = rng.integers(0, 9, size=size)
        offsets["turns"] = _ragged(turns)
        prob = rng.random(int(turns.sum())).astype(np.float32)
        token_counts = turns * 8 + rng.integers(0, 3, size=size)  # ~8 tokens a turn, some outside the turns
        offsets["tokens"] = _ragged(token_counts)
        rollout = np.repeat(np.arange(size), token_counts)
        token_turn = (rng.random(rollout.size) * (turns[rollout] + 1)).astype(np.int32) - 1  # -1..turns-1
        token_turn[rng.random(rollout.size) < 0.02] = 99  # past the last turn: 0 as well
        outcome = rng.choice(np.array([0.0, 0.5, 1.0, 0.3], dtype=np.float32), size=size)
        columns["prob0"] = ("f32", rng.random(size).astype(np.float32), None)
        columns["prob"] = ("f32", prob, "turns")
        columns["outcome"] = ("f32", outcome, None)
        columns["token_turn"] = ("i32", token_turn, "tokens")
        params["gamma"] = 1.0 if seed % 2 == 0 else 0.9  # odd seeds exercise the discount
    else:
        raise ValueError(f"unknown workload {workload}")
    return columns, offsets, params


def write_batch(directory: str, workload: str, size: int, group_size: int = 16, seed: int = 0,
                mean_length: int | None = None) -> None:
    columns, offsets, params = generate(workload, size, group_size, seed, mean_length)
    write_directory(directory, workload, size, group_size, columns, offsets, params)


def write_directory(directory: str, workload: str, size: int, group_size: int,
                    columns: dict[str, tuple[str, np.ndarray, str | None]], offsets: dict[str, np.ndarray],
                    params: dict[str, object]) -> None:
    os.makedirs(directory, exist_ok=True)
    manifest: dict[str, object] = {"workload": workload, "size": size, "group_size": group_size,
                                   "columns": {}, "offsets": {}, "params": params}
    for name, (dtype, values, axis) in columns.items():
        values = np.asarray(values)
        values.astype({"f32": "<f4", "i32": "<i4", "u8": "u1"}[dtype]).tofile(os.path.join(directory, f"{name}.bin"))
        entry = {"dtype": dtype, "file": f"{name}.bin", "length": int(values.size)}
        if axis:
            entry["axis"] = axis
        manifest["columns"][name] = entry  # type: ignore[index]
    for axis, off in offsets.items():
        off = np.asarray(off)
        off.astype("<i4").tofile(os.path.join(directory, f"{axis}.offsets.bin"))
        manifest["offsets"][axis] = {"file": f"{axis}.offsets.bin", "length": int(off.size)}  # type: ignore[index]
    (np.arange(size, dtype=np.int32) // group_size).astype("<i4").tofile(os.path.join(directory, "group.bin"))
    manifest["groups"] = {"file": "group.bin", "length": size}
    with open(os.path.join(directory, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("size", type=int)
    parser.add_argument("dir")
    parser.add_argument("--group-size", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--length", type=int, default=None, help="mean ragged length (steps or tokens)")
    args = parser.parse_args()
    write_batch(args.dir, args.workload, args.size, args.group_size, args.seed, args.length)
    sys.exit(0)
