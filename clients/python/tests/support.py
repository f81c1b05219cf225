"""Shared by the live tests: the repo's CLI, example rows, and `rewardc run` as the reference scorer.

The server is the repo's built CLI (`node <repo>/bin/rewardc.js`, built by `npm run build`), unless REWARDC names
another command line. The client package is imported from the source tree, so no install is needed.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

CLIENT_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = REPO_ROOT / "examples"

if str(CLIENT_ROOT) not in sys.path:
    sys.path.insert(0, str(CLIENT_ROOT))

if not os.environ.get("REWARDC"):
    os.environ["REWARDC"] = shlex.join(["node", str(REPO_ROOT / "bin" / "rewardc.js")])
REWARDC: List[str] = shlex.split(os.environ["REWARDC"])


def require_built_cli() -> None:
    """Live tests need the compiled CLI; say how to get it instead of failing obscurely."""
    if REWARDC[:1] == ["node"] and not (REPO_ROOT / "dist" / "src" / "cli" / "main.js").exists():
        raise RuntimeError(f"the CLI is not built: run `npm run build` in {REPO_ROOT} (or set REWARDC)")


def example(name: str) -> str:
    return str(EXAMPLES / f"{name}.reward")


def example_rows(name: str) -> List[Dict[str, Any]]:
    with open(EXAMPLES / "data" / f"{name}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def run_cli(
    spec: str, rows: List[Dict[str, Any]], params: Optional[Dict[str, str]] = None, state: Optional[str] = None
) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """`rewardc run SPEC --in rows.jsonl --backend cpu`: (scored rows, metrics)."""
    with tempfile.TemporaryDirectory(prefix="rewardc-run-") as tmp:
        rows_path = os.path.join(tmp, "rows.jsonl")
        metrics_path = os.path.join(tmp, "metrics.json")
        with open(rows_path, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)
        argv = REWARDC + ["run", spec, "--in", rows_path, "--backend", "cpu", "--metrics", metrics_path]
        for name, value in (params or {}).items():
            argv += ["--param", f"{name}={value}"]
        if state is not None:
            argv += ["--state", state]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise AssertionError(f"{shlex.join(argv)} failed ({done.returncode}):\n{done.stderr}")
        with open(metrics_path, encoding="utf-8") as handle:
            metrics = json.load(handle)
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()], metrics


@contextlib.contextmanager
def numpy_hidden() -> Iterator[Any]:
    """Imports rewardc_client afresh while `import numpy` fails, as on a machine without numpy; restores after."""
    saved = {name: module for name, module in sys.modules.items() if name == "numpy" or name.startswith("numpy.")}
    saved_client = {name: m for name, m in sys.modules.items() if name.split(".")[0] == "rewardc_client"}
    for name in list(saved) + list(saved_client):
        del sys.modules[name]
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        yield importlib.import_module("rewardc_client")
    finally:
        del sys.modules["numpy"]
        for name in [n for n in sys.modules if n.split(".")[0] == "rewardc_client"]:
            del sys.modules[name]
        sys.modules.update(saved)
        sys.modules.update(saved_client)
