"""The TRL and verl adapters, called exactly as those frameworks call reward functions, on a numeric spec.

Neither framework is installed; the calls mirror their call sites:
- TRL, trl/trainer/grpo_trainer.py `GRPOTrainer._calculate_rewards`: `reward_func(prompts=prompts,
  completions=completions, completion_ids=completion_ids_list, **reward_kwargs)`, reward_kwargs = one list per
  extra dataset column (every column but prompt/completion/completion_ids) plus `trainer_state`, `log_extra`,
  `log_metric`; the num_generations rollouts of a prompt are consecutive (RepeatSampler). The name it logs is
  `trl.trainer.utils.get_callable_name(func)`: `__name__`.
- verl, verl/workers/reward_manager/batch.py `BatchRewardManager.verify`: `self.compute_score(
  data_sources=data.non_tensor_batch[reward_fn_key], solution_strs=<decoded responses>,
  ground_truths=[item.non_tensor_batch["reward_model"].get("ground_truth")], extra_infos=
  data.non_tensor_batch.get("extra_info"), **self.reward_kwargs)`, after setting
  `extras[i]["rollout_reward_scores"]`; non_tensor_batch entries are numpy object arrays.
String inputs (the completion text) are covered by test_text_adapters.py.
"""

from __future__ import annotations

import unittest
from typing import Any, Dict, List, Tuple

import support
from support import example, example_rows, run_cli

from rewardc_client import RewardClient, make_trl_reward_func, make_verl_compute_score

try:
    import numpy
except ImportError:
    numpy = None


def setUpModule() -> None:
    support.require_built_cli()


def object_array(values: List[Any]) -> Any:
    """What verl's non_tensor_batch holds (a numpy object array), or a list where numpy is absent."""
    if numpy is None:
        return list(values)
    array = numpy.empty(len(values), dtype=object)
    array[:] = values
    return array


class TrlAdapterTest(unittest.TestCase):
    client: RewardClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = RewardClient(example("grpo_lambda"), backend="cpu")
        rows = example_rows("grpo_lambda")
        scored, cls.metrics = run_cli(example("grpo_lambda"), rows)
        cls.rows = rows
        cls.expected_reward = [row["reward"] for row in scored]
        cls.expected_advantage = [row["advantage"] for row in scored]

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()

    def trl_call(self, func: Any, prompts: List[Any], **columns: Any) -> Tuple[List[float], List[Tuple[str, float]]]:
        """One call as GRPOTrainer._calculate_rewards makes it."""
        logged: List[Tuple[str, float]] = []
        completions = [f"completion {i}" for i in range(len(self.rows))]
        completion_ids = [[7] * row["length"] for row in self.rows]
        reward_kwargs: Dict[str, Any] = dict(columns)
        reward_kwargs["trainer_state"] = object()
        reward_kwargs["log_extra"] = lambda column, values: None
        reward_kwargs["log_metric"] = lambda name, value: logged.append((name, value))
        rewards = func(prompts=prompts, completions=completions, completion_ids=completion_ids, **reward_kwargs)
        return rewards, logged

    def test_rewards_match_rewardc_run(self) -> None:
        func = self.client.trl_reward_func(fields={"length": lambda prompt, completion, completion_ids, **_: len(completion_ids)})
        self.assertEqual(func.__name__, "grpo_lambda")
        prompts = [row["prompt"] for row in self.rows]
        rewards, logged = self.trl_call(func, prompts, correct=[row["correct"] for row in self.rows], answer=["x"] * 9)
        self.assertEqual(rewards, self.expected_reward)
        self.assertTrue(all(type(r) is float for r in rewards))
        self.assertEqual(dict(logged), {f"grpo_lambda/{name}": value for name, value in self.metrics.items()})

    def test_conversational_prompts_group_the_same_way(self) -> None:
        func = make_trl_reward_func(self.client)
        prompts = [[{"role": "system", "content": "Be brief."}, {"role": "user", "content": row["prompt"]}] for row in self.rows]
        columns = {name: [row[name] for row in self.rows] for name in ("correct", "length")}
        rewards, _ = self.trl_call(func, prompts, **columns)
        self.assertEqual(rewards, self.expected_reward)

    def test_a_dataset_column_named_like_the_group_key_wins_over_the_prompt(self) -> None:
        func = make_trl_reward_func(self.client, log_metrics=False)
        prompts = ["the same text for every row"] * len(self.rows)
        columns = {name: [row[name] for row in self.rows] for name in ("prompt", "correct", "length")}
        rewards, logged = self.trl_call(func, prompts, **columns)
        self.assertEqual(rewards, self.expected_reward)
        self.assertEqual(logged, [])

    def test_another_output_and_name(self) -> None:
        func = make_trl_reward_func(self.client, "advantage")
        self.assertEqual(func.__name__, "grpo_lambda_advantage")
        self.assertEqual(make_trl_reward_func(self.client, name="len_gate").__name__, "len_gate")
        columns = {name: [row[name] for row in self.rows] for name in ("correct", "length")}
        rewards, _ = self.trl_call(func, [row["prompt"] for row in self.rows], **columns)
        self.assertEqual(rewards, self.expected_advantage)

    def test_mistakes_are_caught_when_the_function_is_made(self) -> None:
        with self.assertRaisesRegex(ValueError, "no output `score`; its outputs: reward, advantage"):
            make_trl_reward_func(self.client, "score")
        with self.assertRaisesRegex(ValueError, "fields lenght are not inputs of spec grpo_lambda"):
            make_trl_reward_func(self.client, fields={"lenght": len})
        with self.assertRaisesRegex(ValueError, "not a string input"):
            make_trl_reward_func(self.client, completion_field="correct")


class VerlAdapterTest(unittest.TestCase):
    client: RewardClient

    @classmethod
    def setUpClass(cls) -> None:
        cls.client = RewardClient(example("grpo_lambda"), backend="cpu")
        rows = example_rows("grpo_lambda")
        scored, _ = run_cli(example("grpo_lambda"), rows)
        cls.rows = rows
        cls.expected_reward = [row["reward"] for row in scored]
        cls.expected_advantage = [row["advantage"] for row in scored]

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()

    def verl_call(self, func: Any, infos: List[Dict[str, Any]], **reward_kwargs: Any) -> List[Any]:
        """One call as BatchRewardManager.verify makes it; the answer is right exactly when `correct` is."""
        solutions = ["4" * row["length"] for row in self.rows]
        ground_truths = [s if row["correct"] else "5" for s, row in zip(solutions, self.rows)]
        extras = object_array(infos)
        for i in range(len(self.rows)):
            extras[i]["rollout_reward_scores"] = {}
        return func(
            data_sources=object_array(["openai/gsm8k"] * len(self.rows)),
            solution_strs=solutions,
            ground_truths=ground_truths,
            extra_infos=extras,
            **reward_kwargs,
        )

    def fields(self) -> Dict[str, Any]:
        return {
            "correct": lambda data_source, solution_str, ground_truth, extra_info: solution_str == ground_truth,
            "length": lambda data_source, solution_str, ground_truth, extra_info: len(solution_str),
        }

    def test_group_key_callable(self) -> None:
        func = make_verl_compute_score(
            self.client,
            group_key=lambda data_source, solution_str, ground_truth, extra_info: extra_info["index"],
            fields=self.fields(),
        )
        infos = [{"split": "train", "index": row["prompt"]} for row in self.rows]
        self.assertEqual(self.verl_call(func, infos, some_config_kwarg=1), self.expected_reward)

    def test_uid_in_extra_info_and_inputs_from_extra_info(self) -> None:
        func = self.client.verl_compute_score(fields={"length": self.fields()["length"]})
        infos = [{"uid": f"uid-{row['prompt']}", "correct": row["correct"]} for row in self.rows]
        self.assertEqual(self.verl_call(func, infos), self.expected_reward)

    def test_without_a_group_key_the_error_says_what_to_do(self) -> None:
        func = make_verl_compute_score(self.client, fields=self.fields())
        with self.assertRaisesRegex(ValueError, "sample 0: no group key `prompt`.*pass group_key="):
            self.verl_call(func, [{"index": i} for i in range(len(self.rows))])

    def test_extra_outputs_give_dicts(self) -> None:
        func = make_verl_compute_score(
            self.client,
            group_key=lambda data_source, solution_str, ground_truth, extra_info: extra_info["index"],
            fields=self.fields(),
            extra_outputs=("advantage",),
        )
        scores = self.verl_call(func, [{"index": row["prompt"]} for row in self.rows])
        self.assertEqual([s["score"] for s in scores], self.expected_reward)
        self.assertEqual([s["advantage"] for s in scores], self.expected_advantage)


if __name__ == "__main__":
    unittest.main()
