"""String inputs through the client and the adapters' text paths, on examples/format_tags.reward.

The spec and its rows come with the string-input work; until they are in the tree these tests skip. They do not
depend on the spec's formula: every path must give the rewards `rewardc run` gives for the same rows.
TRL and verl are called as in test_adapters.py (see the call sites cited there).
"""

from __future__ import annotations

import os
import unittest
from typing import Any, Dict, List

import support
from support import EXAMPLES, example, example_rows, run_cli

from rewardc_client import RewardClient, RewardcError, make_trl_reward_func, make_verl_compute_score

SPEC = "format_tags"
PRESENT = os.path.exists(EXAMPLES / f"{SPEC}.reward") and os.path.exists(EXAMPLES / "data" / f"{SPEC}.jsonl")


def setUpModule() -> None:
    if PRESENT:
        support.require_built_cli()


@unittest.skipUnless(PRESENT, f"examples/{SPEC}.reward and its data are not in this tree yet (string inputs)")
class TextAdapterTest(unittest.TestCase):
    client: RewardClient
    rows: List[Dict[str, Any]]
    expected: List[float]

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = RewardClient(example(SPEC), backend="cpu")
        cls.rows = example_rows(SPEC)
        scored, cls.metrics = run_cli(example(SPEC), cls.rows)
        cls.expected = [row["reward"] for row in scored]
        spec = cls.client.spec()
        cls.key = spec["groupKey"]
        cls.texts = spec["texts"]
        cls.numbers = [entry["name"] for entry in spec["inputs"]]

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()

    def column(self, name: str) -> List[Any]:
        return [row[name] for row in self.rows]

    def prompts(self) -> List[Any]:
        return [str(row[self.key]) if self.key else "p" for row in self.rows]

    def test_the_spec_lists_its_string_inputs(self) -> None:
        self.assertIn("completion", self.texts)
        self.assertFalse(any(name.startswith("text.") for name in self.numbers), "derived inputs are not listed")

    def test_rows_and_columns_with_strings_score_as_rewardc_run_does(self) -> None:
        result = self.client.score(self.rows)
        self.assertEqual(result.outputs["reward"], self.expected)
        self.assertEqual(result.metrics, self.metrics)
        fields = self.texts + self.numbers + ([self.key] if self.key else [])
        by_columns = self.client.score(columns={name: self.column(name) for name in fields})
        self.assertEqual(by_columns.outputs["reward"], self.expected)

    def test_a_string_input_given_a_number_names_row_and_field(self) -> None:
        rows = [dict(row) for row in self.rows]
        rows[1]["completion"] = 3
        with self.assertRaises(RewardcError) as caught:
            self.client.score(rows)
        self.assertEqual([(p.row, p.field) for p in caught.exception.rows], [(1, "completion")])

    def trl_columns(self) -> Dict[str, List[Any]]:
        """The other inputs as TRL passes dataset columns: one keyword list per column."""
        return {name: self.column(name) for name in self.texts + self.numbers if name != "completion"}

    def test_trl_with_string_completions(self) -> None:
        func = make_trl_reward_func(self.client)
        self.assertEqual(func.__name__, self.client.spec()["name"])
        completions = self.column("completion")
        rewards = func(
            prompts=self.prompts(),
            completions=completions,
            completion_ids=[list(range(len(c))) for c in completions],
            trainer_state=None,
            log_extra=lambda column, values: None,
            log_metric=lambda name, value: None,
            **self.trl_columns(),
        )
        self.assertEqual(rewards, self.expected)

    def test_trl_with_conversational_completions(self) -> None:
        func = make_trl_reward_func(self.client)
        prompts = [[{"role": "user", "content": p}] for p in self.prompts()]
        completions = [[{"role": "assistant", "content": c}] for c in self.column("completion")]
        rewards = func(
            prompts=prompts,
            completions=completions,
            completion_ids=[[0] for _ in completions],
            trainer_state=None,
            **self.trl_columns(),
        )
        self.assertEqual(rewards, self.expected)

    def test_verl_with_solution_strings(self) -> None:
        others = [name for name in self.texts + self.numbers if name not in ("completion", "answer")]
        fields = {}
        if "answer" in self.texts:
            fields["answer"] = lambda data_source, solution_str, ground_truth, extra_info: ground_truth
        func = make_verl_compute_score(
            self.client,
            group_key=(lambda data_source, solution_str, ground_truth, extra_info: extra_info["index"]) if self.key else None,
            fields=fields,
        )
        infos = [dict({"index": row[self.key]} if self.key else {}, **{n: row[n] for n in others}) for row in self.rows]
        scores = func(
            data_sources=["format"] * len(self.rows),
            solution_strs=self.column("completion"),
            ground_truths=self.column("answer") if "answer" in self.texts else [None] * len(self.rows),
            extra_infos=infos,
        )
        self.assertEqual(scores, self.expected)


if __name__ == "__main__":
    unittest.main()
