"""The README's tested example runs as written (from the repo root, with the names it leaves to the reader)."""

from __future__ import annotations

import math
import os
import re
import unittest
from types import SimpleNamespace
from typing import Any, Dict, List

import support
from support import CLIENT_ROOT, REPO_ROOT, example, example_rows, run_cli


def setUpModule() -> None:
    support.require_built_cli()


def tested_block(readme) -> str:
    text = readme.read_text(encoding="utf-8")
    found = re.search(r"<!-- tested[^>]*-->\n```python\n(.*?)```", text, re.S)
    if found is None:
        raise AssertionError(f"{readme} has no ```python block marked <!-- tested -->")
    return found.group(1)


class ReadmeTest(unittest.TestCase):
    def test_the_client_readme_example(self) -> None:
        self.check_training_loop_example(CLIENT_ROOT / "README.md")

    def test_the_repository_readme_example(self) -> None:
        self.check_training_loop_example(REPO_ROOT / "README.md")

    def check_training_loop_example(self, readme) -> None:
        rows = example_rows("grpo_lambda")
        rollouts = [
            SimpleNamespace(prompt_id=row["prompt"], correct=row["correct"], tokens=[0] * row["length"]) for row in rows
        ]
        steps = [SimpleNamespace(rollouts=rollouts), SimpleNamespace(rollouts=rollouts[:4])]
        logged: List[Dict[str, float]] = []
        namespace: Dict[str, Any] = {"steps": steps, "log": logged.append}
        cwd = os.getcwd()
        os.chdir(REPO_ROOT)
        try:
            exec(compile(tested_block(readme), str(readme), "exec"), namespace)
        finally:
            os.chdir(cwd)
        scored, metrics = run_cli(example("grpo_lambda"), rows[:4], params={"threshold": "0.6"})
        # The example uses backend "auto": WebGPU where there is an adapter, so compare to the CPU within rounding.
        for got, want in zip(namespace["advantages"], [row["advantage"] for row in scored]):
            self.assertTrue(math.isclose(got, want, rel_tol=1e-5, abs_tol=1e-6), (got, want))
        self.assertEqual(len(logged), 2)
        self.assertEqual(set(logged[1]), set(metrics))
        self.assertIn('"step":2', namespace["checkpoint"].replace(" ", ""))
        self.assertTrue(namespace["client"].closed)


if __name__ == "__main__":
    unittest.main()
