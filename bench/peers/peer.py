"""Python peers of the rewardc benchmark (issue 7): the same reward formulas as the bench's .reward specs,
written the way RL frameworks write them, timed on the same batch as rewardc.

Implementations (`--impl`):
  loop   per-sample pure Python in the style of verl's core_algos.py (`compute_grpo_outcome_advantage`:
         `id2score = defaultdict(list)` filled in a loop over the rollouts, per-group mean/std in a loop over
         the groups, a second loop over the rollouts); lists and `math` only. Runs without numpy.
  numpy  vectorised numpy in the style of TRL's GRPOTrainer and OpenRLHF: rewards viewed as (-1, G), mean and
         std along axis 1 (ddof=1), repeated back per rollout; ragged arrays through offsets with
         `np.add.reduceat` / `np.maximum.reduceat`, `np.repeat` and `np.bincount`. See workloads_numpy.py for
         the two places where it still loops in Python or pays a sort.

Workloads: verl_grpo, grpo_lambda, dapo, pure_minform, ngram_repetition, igpo (bench/workloads/*.reward and
examples/*.reward). Both peers compute in float64, written from the formulas, never by calling rewardc.

Usage:
  python3 bench/peers/peer.py --impl loop|numpy --data DIR [--repeats R] [--out OUTDIR]

DIR holds manifest.json and raw little-endian binaries (see /work/briefs/bench-design.md, "Data exchange"):
  {"workload", "size", "group_size", "columns": {name: {"dtype": "f32"|"i32"|"u8", "file", "length",
   "axis"?}}, "offsets": {axis: {"file", "length": N + 1}}, "groups": {"file", "length": N}, "params": {...}}
The data is loaded outside the timed region into the implementation's natural form (Python lists, or numpy
float64/int64 arrays). The workload then runs R times, each timed alone with time.perf_counter_ns (a garbage
collection runs before each, untimed). The last run's outputs are written to OUTDIR (default
DIR/out.<impl>/): one raw binary per output (f32, or u8 for keep; per-element outputs along their axis) and
manifest.json {"impl", "workload", "size", "outputs": {name: {"dtype", "file", "length", "axis"}},
"metrics": {name: number or null}}. stdout gets one JSON line:
  {"impl": ..., "workload": ..., "size": N, "times_ms": [...]}

Exit codes: 0 done; 2 bad arguments or data (one line on stderr); 3 numpy requested but not installed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import DataError, load_arrays, load_lists, write_outputs  # noqa: E402


# The inputs each workload's spec declares: name -> its axis, or None for one value per rollout.
REQUIRED_COLUMNS: dict[str, dict[str, str | None]] = {
    "verl_grpo": {"score": None},
    "grpo_lambda": {"correct": None, "length": None},
    "dapo": {"correct": None, "length": None},
    "pure_minform": {"pr": "steps"},
    "ngram_repetition": {"tokens": "tokens"},
    "igpo": {"prob0": None, "prob": "turns", "outcome": None, "token_turn": "tokens"},
}
AXIS_HINTS = {name: axis for columns in REQUIRED_COLUMNS.values() for name, axis in columns.items() if axis}


def _check_columns(batch) -> None:
    if batch.workload not in REQUIRED_COLUMNS:
        raise DataError(f"unknown workload '{batch.workload}' (known: {', '.join(REQUIRED_COLUMNS)})")
    for name, axis in REQUIRED_COLUMNS[batch.workload].items():
        if name not in batch.columns:
            raise DataError(f"workload {batch.workload} needs column '{name}'")
        if (axis is not None) != (name in batch.column_axis):
            kind = f"a ragged column on axis {axis}" if axis else "one value per rollout"
            raise DataError(f"column '{name}' must be {kind}")


def _check_groups_for_numpy(groups, group_size: int, size: int) -> None:
    """The numpy peer reshapes (N / G, G): groups must be contiguous blocks of G rollouts with one id each."""
    import numpy as np

    if group_size < 1 or size % group_size:
        raise DataError(f"group_size {group_size} does not divide the batch size {size}")
    if size == 0:
        return
    blocks = groups.reshape(-1, group_size)
    if not (blocks == blocks[:, :1]).all() or np.unique(blocks[:, 0]).size != blocks.shape[0]:
        raise DataError("groups are not contiguous blocks of group_size rollouts")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Python peers of the rewardc benchmark")
    parser.add_argument("--impl", choices=("loop", "numpy"), required=True)
    parser.add_argument("--data", required=True, help="batch directory with manifest.json")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", help="output directory (default DATA/out.IMPL)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        print("peer: --repeats must be at least 1", file=sys.stderr)
        return 2

    if args.impl == "numpy":
        try:
            import numpy  # noqa: F401
        except ImportError:
            print("peer: numpy is not installed", file=sys.stderr)
            return 3
        import workloads_numpy as workloads

        load = load_arrays
    else:
        import workloads_loop as workloads

        load = load_lists

    try:
        batch = load(args.data, AXIS_HINTS)
        _check_columns(batch)
        if args.impl == "numpy":
            _check_groups_for_numpy(batch.groups, batch.group_size, batch.size)
    except DataError as e:
        print(f"peer: {args.data}: {e}", file=sys.stderr)
        return 2

    run = workloads.WORKLOADS[batch.workload]
    times_ms: list[float] = []
    result = None
    for _ in range(args.repeats):
        gc.collect()
        start = time.perf_counter_ns()
        result = run(batch)
        times_ms.append((time.perf_counter_ns() - start) / 1e6)

    outputs, metrics = result
    out_dir = args.out or os.path.join(args.data, f"out.{args.impl}")
    write_outputs(out_dir, args.impl, batch.workload, batch.size, outputs, metrics)
    print(json.dumps({"impl": args.impl, "workload": batch.workload, "size": batch.size, "times_ms": times_ms}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
