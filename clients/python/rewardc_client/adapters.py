"""Reward functions for TRL and verl that score each batch with a `RewardClient`.

Both build one request row per completion. Every input of the spec is filled from, lowest precedence first:
1. the framework's own data: the group key from the prompt (TRL) or the sample's uid (verl), the completion text
   into the spec's string input;
2. a column of the same name: a TRL dataset column (arrives as a keyword list), a key of verl's `extra_info`;
3. `fields={input_name: callable}`, computed per completion.
Inputs the spec does not declare are not sent.

Group-level terms (group.mean, std.grpo, ...) need every rollout of a group in one call. A single-process TRL run
calls the reward function with whole groups; with several processes each sees its slice of the generation batch,
which can split a group. verl's BatchRewardManager scores the whole batch at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence

if TYPE_CHECKING:
    from .client import RewardClient

__all__ = ["make_trl_reward_func", "make_verl_compute_score", "prompt_key", "completion_text", "AUTO"]


class _Auto:
    def __repr__(self) -> str:
        return "AUTO"


AUTO: Any = _Auto()
"""Default of `completion_field` / `prompt_field`: chosen from the served spec (see the adapters' docs)."""


def prompt_key(prompt: Any) -> str:
    """A TRL prompt as a group key: the text itself, or a stable JSON text of a conversational prompt."""
    if isinstance(prompt, str):
        return prompt
    return json.dumps(prompt, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def completion_text(completion: Any) -> str:
    """The text of a completion: a string as is; a conversational one (a list of {"role", "content"} messages) is
    the content of its messages joined with newlines, so a one-message completion gives exactly its content."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return _content_text(completion.get("content"))
    if isinstance(completion, (list, tuple)):
        return "\n".join(_content_text(m.get("content") if isinstance(m, Mapping) else m) for m in completion)
    raise TypeError(f"a completion is a string or a list of messages, not {type(completion).__name__}")


def _content_text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, (list, tuple)):  # multimodal content parts: keep the text ones
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping) and p.get("type") == "text")
    return str(content)


class _SpecFields:
    """What the served spec needs in a row, and the output to hand back."""

    def __init__(self, client: RewardClient, output: str, completion_field: Any, key_field: Any) -> None:
        spec = client.spec()
        self.name: str = spec.get("name") or "rewardc"
        outputs = list(spec.get("outputs") or [])
        if output not in outputs:
            raise ValueError(f"spec {self.name} has no output `{output}`; its outputs: {', '.join(outputs) or 'none'}")
        self.output = output
        texts = list(spec.get("texts") or [])
        self.inputs: List[str] = [entry["name"] for entry in spec.get("inputs") or []] + texts
        self.group_key: Optional[str] = spec.get("groupKey")
        if completion_field is AUTO:
            completion_field = texts[0] if len(texts) == 1 else ("completion" if "completion" in texts else None)
        elif completion_field is not None and completion_field not in texts:
            raise ValueError(
                f"completion_field `{completion_field}` is not a string input of spec {self.name}; "
                f"its string inputs: {', '.join(texts) or 'none'}"
            )
        self.completion_field: Optional[str] = completion_field
        if key_field is AUTO:
            key_field = self.group_key
        self.key_field: Optional[str] = key_field
        self.wanted = set(self.inputs)
        if self.group_key is not None:
            self.wanted.add(self.group_key)

    def check_fields(self, fields: Mapping[str, Any]) -> Dict[str, Any]:
        unknown = [name for name in fields if name not in self.wanted]
        if unknown:
            raise ValueError(
                f"fields {', '.join(unknown)} are not inputs of spec {self.name}; "
                f"its inputs: {', '.join(sorted(self.wanted))}"
            )
        return dict(fields)

    def row(self, builtin: Dict[str, Any], columns: Mapping[str, Any], computed: Dict[str, Any]) -> Dict[str, Any]:
        row = {name: value for name, value in builtin.items() if name is not None and name in self.wanted}
        for name, value in columns.items():
            if name in self.wanted:
                row[name] = value
        row.update(computed)
        return row

    def values(self, client: RewardClient, rows: List[Dict[str, Any]]) -> "tuple[List[Any], Any]":
        result = client.score(rows, numpy=False)
        values = result.outputs[self.output]
        if any(isinstance(v, list) for v in values):
            raise TypeError(
                f"output `{self.output}` of spec {self.name} is per token; a reward function returns one number per "
                "completion"
            )
        return [float(v) for v in values], result


def make_trl_reward_func(
    client: RewardClient,
    output: str = "reward",
    *,
    completion_field: Any = AUTO,
    prompt_field: Any = AUTO,
    fields: Optional[Mapping[str, Callable[..., Any]]] = None,
    name: Optional[str] = None,
    log_metrics: bool = True,
) -> Callable[..., List[float]]:
    """A function for `GRPOTrainer(reward_funcs=[...])`: `f(prompts, completions, **kwargs) -> list[float]`.

    Per completion i the row holds: `prompt_field` (default: the spec's group key) = `prompt_key(prompts[i])`;
    `completion_field` (default: the spec's only string input, or one named `completion`) =
    `completion_text(completions[i])`; each spec input that is a dataset column, from `kwargs[name][i]`; and
    `fields[name](prompts[i], completions[i], **row)`, where `row` holds that completion's dataset columns and
    `completion_ids`. The function's `__name__` (what TRL logs the reward under) is `name`, else the spec's name
    (with `_<output>` for another output than reward). When TRL passes `log_metric` the spec's metrics are logged
    as `<name>/<metric>`.
    """
    spec = _SpecFields(client, output, completion_field, prompt_field)
    computed_fields = spec.check_fields(fields or {})
    func_name = name or (spec.name if output == "reward" else f"{spec.name}_{output}")

    # Called as in trl/trainer/grpo_trainer.py `_calculate_rewards`: reward_func(prompts=prompts,
    # completions=completions, completion_ids=completion_ids_list, **reward_kwargs), where reward_kwargs holds one
    # list per extra dataset column plus trainer_state, log_extra and log_metric (batch-level objects).
    def reward_func(prompts: Sequence[Any], completions: Sequence[Any], **kwargs: Any) -> List[float]:
        count = len(completions)
        per_row = {key: value for key, value in kwargs.items() if _is_column(value, count)}
        rows = []
        for i in range(count):
            columns = {key: value[i] for key, value in per_row.items()}
            builtin: Dict[str, Any] = {}
            if spec.key_field is not None:
                builtin[spec.key_field] = prompt_key(prompts[i])
            if spec.completion_field is not None:
                builtin[spec.completion_field] = completion_text(completions[i])
            computed = {key: fn(prompts[i], completions[i], **columns) for key, fn in computed_fields.items()}
            rows.append(spec.row(builtin, columns, computed))
        values, result = spec.values(client, rows)
        log_metric = kwargs.get("log_metric")
        if log_metrics and callable(log_metric):
            for metric, value in result.metrics.items():
                log_metric(f"{func_name}/{metric}", value)
        return values

    reward_func.__name__ = func_name
    reward_func.__qualname__ = func_name
    return reward_func


def make_verl_compute_score(
    client: RewardClient,
    output: str = "reward",
    *,
    completion_field: Any = AUTO,
    group_key: Optional[Callable[[Any, str, Any, Any], Any]] = None,
    fields: Optional[Mapping[str, Callable[[Any, str, Any, Any], Any]]] = None,
    extra_outputs: Sequence[str] = (),
) -> Callable[..., List[Any]]:
    """A batched `compute_score` for verl's BatchRewardManager (`reward_model.reward_manager=batch`):
    `compute_score(data_sources, solution_strs, ground_truths, extra_infos, **kwargs) -> list[float]`.

    Per sample i the row holds: the spec's group key = `group_key(data_source, solution_str, ground_truth,
    extra_info)` if given, else `extra_info["uid"]` (stock verl does not put the uid it assigns into extra_info, and
    may reorder the batch (trainer.balance_batch), so pass `group_key`, e.g. from the dataset's
    `extra_info["index"]`); `completion_field` (default: the spec's only string input, or one named `completion`) =
    `solution_strs[i]`; each spec input that is a key of `extra_info`; and `fields[name](data_source, solution_str,
    ground_truth, extra_info)`. With `extra_outputs` (names of other scalar outputs), each score is a dict
    {"score": <output>, name: value, ...}, which verl logs as reward extra info.
    """
    spec = _SpecFields(client, output, completion_field, None)
    computed_fields = spec.check_fields(fields or {})
    for extra in extra_outputs:
        _SpecFields(client, extra, None, None)  # fails early on an unknown output name

    # Called as in verl/workers/reward_manager/batch.py `BatchRewardManager.verify`: self.compute_score(
    # data_sources=..., solution_strs=..., ground_truths=..., extra_infos=..., **self.reward_kwargs), where
    # data_sources and extra_infos are numpy object arrays from non_tensor_batch, one entry per response.
    def compute_score(
        data_sources: Sequence[Any],
        solution_strs: Sequence[str],
        ground_truths: Sequence[Any],
        extra_infos: Optional[Sequence[Any]] = None,
        **kwargs: Any,
    ) -> List[Any]:
        count = len(solution_strs)
        infos = list(extra_infos) if extra_infos is not None else [None] * count
        rows = []
        for i in range(count):
            sample = (data_sources[i], solution_strs[i], ground_truths[i], infos[i])
            info = infos[i] if isinstance(infos[i], Mapping) else {}
            builtin: Dict[str, Any] = {}
            if spec.completion_field is not None:
                builtin[spec.completion_field] = solution_strs[i]
            if spec.group_key is not None:
                if group_key is not None:
                    builtin[spec.group_key] = group_key(*sample)
                elif "uid" in info:
                    builtin[spec.group_key] = info["uid"]
            computed = {key: fn(*sample) for key, fn in computed_fields.items()}
            row = spec.row(builtin, info, computed)
            if spec.group_key is not None and spec.group_key not in row:
                raise ValueError(
                    f"sample {i}: no group key `{spec.group_key}` for spec {spec.name}: verl does not pass its uid to "
                    "compute_score; pass group_key=lambda data_source, solution_str, ground_truth, extra_info: ... "
                    "(e.g. extra_info['index']), or put the key in the dataset's extra_info"
                )
            rows.append(row)
        values, result = spec.values(client, rows)
        if not extra_outputs:
            return values
        scored = [{"score": value} for value in values]
        for extra in extra_outputs:
            for entry, value in zip(scored, result.outputs[extra]):
                entry[extra] = float(value)
        return scored

    return compute_score


def _is_column(value: Any, count: int) -> bool:
    """A per-completion column (a list of one value per completion), as opposed to a batch-level object."""
    if isinstance(value, (str, bytes, Mapping)):
        return False
    try:
        return len(value) == count and hasattr(value, "__getitem__")
    except TypeError:
        return False
