"""Reading a benchmark batch directory (manifest.json + raw little-endian binaries) and writing a peer's outputs.

Two loaders, one per peer, each giving the form that peer's authors would naturally hold in memory:
- `load_lists`: Python lists of floats/ints per rollout, and one Python list per rollout for ragged columns
  (what verl's per-sample code iterates over). Uses only the standard library (`array`), so the loop peer
  runs where numpy is absent.
- `load_arrays`: numpy float64/int64 arrays, ragged columns flat with int64 offsets (what TRL/OpenRLHF hold as
  tensors). float32 inputs are widened to float64 here, outside the timed region: the peers compute in
  float64 as Python does.
"""

from __future__ import annotations

import json
import math
import os
import sys
from array import array
from dataclasses import dataclass, field
from typing import Any


class DataError(Exception):
    """The batch directory is not what the workload needs (missing file, column or axis; bad lengths)."""


# array typecodes for the manifest dtypes; "i" and "f" are 4 bytes on every platform CPython supports.
_TYPECODES = {"f32": "f", "i32": "i", "u8": "B"}


@dataclass
class Batch:
    workload: str
    size: int
    group_size: int
    params: dict[str, Any]
    # Per-rollout group ids (list of int, or an int64 array).
    groups: Any
    # name -> per-rollout values (list or array) for scalar columns; for ragged columns, per-rollout lists
    # (load_lists) or the flat array (load_arrays).
    columns: dict[str, Any] = field(default_factory=dict)
    # ragged column name -> axis name
    column_axis: dict[str, str] = field(default_factory=dict)
    # axis -> offsets (N + 1 values, first 0), as a list or an int64 array
    offsets: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str, default: Any) -> Any:
        return self.params.get(name, default)

    def axis_offsets(self, column: str) -> Any:
        return self.offsets[self.column_axis[column]]


def read_manifest(directory: str) -> dict[str, Any]:
    path = os.path.join(directory, "manifest.json")
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise DataError(f"cannot read {path}: {e}") from e
    for key in ("workload", "size", "columns", "groups"):
        if key not in manifest:
            raise DataError(f"{path}: no '{key}'")
    return manifest


def _read_array(directory: str, entry: dict[str, Any], dtype: str, what: str) -> array:
    if dtype not in _TYPECODES:
        raise DataError(f"{what}: unknown dtype '{dtype}' (expected f32, i32 or u8)")
    values = array(_TYPECODES[dtype])
    path = os.path.join(directory, entry["file"])
    try:
        with open(path, "rb") as f:
            values.frombytes(f.read())
    except OSError as e:
        raise DataError(f"{what}: cannot read {path}: {e}") from e
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != entry["length"]:
        raise DataError(f"{what}: {path} holds {len(values)} values, the manifest says {entry['length']}")
    return values


def _column_axes(manifest: dict[str, Any]) -> dict[str, str]:
    """Ragged column -> its "axis" key; "" for a column without one whose length is not the batch size (its
    axis is then found by matching totals in `_resolve_axes`)."""
    axes: dict[str, str] = {}
    for name, entry in manifest["columns"].items():
        axis = entry.get("axis")
        if axis is not None:
            if axis not in manifest.get("offsets", {}):
                raise DataError(f"column {name}: axis '{axis}' has no offsets in the manifest")
            axes[name] = axis
        elif entry["length"] != manifest["size"]:
            axes[name] = ""
    return axes


def _check_offsets(axis: str, offsets: Any, size: int) -> None:
    if len(offsets) != size + 1 or offsets[0] != 0:
        raise DataError(f"offsets of axis {axis}: expected {size + 1} values starting at 0")
    for i in range(size):
        if offsets[i + 1] < offsets[i]:
            raise DataError(f"offsets of axis {axis}: decreasing at rollout {i}")


def _resolve_axes(manifest: dict[str, Any], offsets: dict[str, array], hints: dict[str, str]) -> dict[str, str]:
    """Ragged column -> axis: its "axis" key; else the workload's known axis for it (`hints`, from the spec's
    input declarations) when the manifest has that axis; else the one axis whose total is its length."""
    axes = _column_axes(manifest)
    for name, entry in manifest["columns"].items():
        if entry.get("axis") is None and hints.get(name) in offsets:
            axes[name] = hints[name]
    for name, axis in list(axes.items()):
        if axis:
            continue
        length = manifest["columns"][name]["length"]
        matches = [a for a, off in offsets.items() if off[-1] == length]
        if len(matches) != 1:
            raise DataError(
                f"column {name}: ragged (length {length}) but its axis is ambiguous or unknown; "
                'give it "axis" in the manifest'
            )
        axes[name] = matches[0]
    for name, axis in axes.items():
        if offsets[axis][-1] != manifest["columns"][name]["length"]:
            raise DataError(f"column {name}: length {manifest['columns'][name]['length']} != axis {axis} total")
    return axes


def _read_common(directory: str, hints: dict[str, str]) -> tuple[dict[str, Any], array, dict[str, array], dict[str, array], dict[str, str]]:
    manifest = read_manifest(directory)
    size = manifest["size"]
    groups = _read_array(directory, manifest["groups"], "i32", "groups")
    if len(groups) != size:
        raise DataError(f"groups: {len(groups)} ids for {size} rollouts")
    offsets = {
        axis: _read_array(directory, entry, "i32", f"offsets of axis {axis}")
        for axis, entry in manifest.get("offsets", {}).items()
    }
    for axis, off in offsets.items():
        _check_offsets(axis, off, size)
    columns = {
        name: _read_array(directory, entry, entry["dtype"], f"column {name}")
        for name, entry in manifest["columns"].items()
    }
    axes = _resolve_axes(manifest, offsets, hints)
    for name, values in columns.items():
        if name not in axes and len(values) != size:
            raise DataError(f"column {name}: {len(values)} values for {size} rollouts")
    return manifest, groups, offsets, columns, axes


def _batch(manifest: dict[str, Any]) -> Batch:
    return Batch(
        workload=manifest["workload"],
        size=manifest["size"],
        group_size=manifest.get("group_size", 0),
        params=dict(manifest.get("params", {})),
        groups=None,
    )


def load_lists(directory: str, axis_hints: dict[str, str] | None = None) -> Batch:
    manifest, groups, offsets, columns, axes = _read_common(directory, axis_hints or {})
    batch = _batch(manifest)
    batch.groups = groups.tolist()
    batch.offsets = {axis: off.tolist() for axis, off in offsets.items()}
    batch.column_axis = axes
    for name, values in columns.items():
        if name in axes:
            off = batch.offsets[axes[name]]
            # sliced as arrays, then listed: no flat list of every element beside the per-rollout ones
            batch.columns[name] = [values[off[i] : off[i + 1]].tolist() for i in range(batch.size)]
        else:
            batch.columns[name] = values.tolist()
    return batch


def load_arrays(directory: str, axis_hints: dict[str, str] | None = None) -> Batch:
    import numpy as np

    manifest, groups, offsets, columns, axes = _read_common(directory, axis_hints or {})
    batch = _batch(manifest)
    batch.groups = np.frombuffer(groups, dtype=np.int32).astype(np.int64)
    batch.offsets = {axis: np.frombuffer(off, dtype=np.int32).astype(np.int64) for axis, off in offsets.items()}
    batch.column_axis = axes
    for name, values in columns.items():
        dtype = manifest["columns"][name]["dtype"]
        raw = np.frombuffer(values, dtype={"f32": np.float32, "i32": np.int32, "u8": np.uint8}[dtype])
        # float64 like Python; ints widened so that sums and products never wrap.
        batch.columns[name] = raw.astype(np.float64 if dtype == "f32" else np.int64)
    return batch


def write_outputs(
    out_dir: str,
    impl: str,
    workload: str,
    size: int,
    outputs: dict[str, tuple[str, Any, str | None]],
    metrics: dict[str, float],
) -> None:
    """outputs: name -> (dtype "f32"|"u8", values, axis or None). Values are a flat sequence, a sequence of
    per-rollout lists (ragged outputs of the loop peer), or a numpy array."""
    os.makedirs(out_dir, exist_ok=True)
    entries: dict[str, Any] = {}
    for name, (dtype, values, axis) in outputs.items():
        if hasattr(values, "astype"):  # numpy array
            data = values.astype("<f4" if dtype == "f32" else "u1").tobytes()
            length = int(values.size)
        else:
            flat = [v for row in values for v in row] if values and isinstance(values[0], list) else list(values)
            if dtype == "u8":
                flat = [1 if v else 0 for v in flat]
            buf = array(_TYPECODES[dtype], flat)
            if sys.byteorder != "little":
                buf.byteswap()
            data = buf.tobytes()
            length = len(flat)
        file = f"{name}.bin"
        with open(os.path.join(out_dir, file), "wb") as f:
            f.write(data)
        entries[name] = {"dtype": dtype, "file": file, "length": length, "axis": axis}
    # JSON has no NaN or infinity: a non-finite metric is written as null, as `rewardc run` prints it.
    finite = {name: (v if math.isfinite(v) else None) for name, v in metrics.items()}
    manifest = {"impl": impl, "workload": workload, "size": size, "outputs": entries, "metrics": finite}
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
