"""The per-sample Python peer: each workload written as verl's `core_algos.py` writes its estimators.

verl's `compute_grpo_outcome_advantage` groups scores by prompt with `id2score = defaultdict(list)` in one loop
over the rollouts, computes each group's mean and std in a loop over the groups, and normalises in a second
loop over the rollouts. Every workload here keeps that shape, in pure Python (lists, floats, `math`): no numpy,
no torch. Values are Python floats (float64). Ragged arrays (steps, tokens, turns) are one Python list per
rollout. Written from the formulas of the .reward files (examples/*.reward, stdlib/std.reward and the bench
specs in bench/workloads/), never from rewardc's output.

Each workload takes a `Batch` from data.load_lists and returns (outputs, metrics): outputs maps an output name
to (dtype, values, axis), values a list per rollout or, for per-element outputs, a list of per-rollout lists.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from data import Batch

Outputs = dict[str, tuple[str, Any, "str | None"]]

GRPO_EPSILON = 1e-6  # std.grpo: verl's default epsilon
IGPO_EPSILON = 1e-8  # examples/igpo.reward


def _mean(values: list[float]) -> float:
    # rewardc's defined result: a mean over nothing is 0.
    return sum(values) / len(values) if values else 0.0


def grpo_advantage(scores: list[float], index: list[int], epsilon: float = GRPO_EPSILON) -> list[float]:
    """std.grpo: A = (s - mean_g) / (std_g + epsilon), std unbiased as torch.std; a singleton group uses mean 0
    and std 1 (verl), so A = s / (1 + epsilon)."""
    id2score: dict[int, list[float]] = defaultdict(list)
    id2mean: dict[int, float] = {}
    id2std: dict[int, float] = {}
    bsz = len(scores)
    for i in range(bsz):
        id2score[index[i]].append(scores[i])
    for idx, group in id2score.items():
        n = len(group)
        if n == 1:
            id2mean[idx] = 0.0
            id2std[idx] = 1.0
        else:
            mean = sum(group) / n
            # unbiased: divides by n - 1, like torch.std
            id2std[idx] = math.sqrt(sum((s - mean) * (s - mean) for s in group) / (n - 1))
            id2mean[idx] = mean
    advantages = [0.0] * bsz
    for i in range(bsz):
        advantages[i] = (scores[i] - id2mean[index[i]]) / (id2std[index[i]] + epsilon)
    return advantages


def verl_grpo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    scores = batch.columns["score"]
    advantages = grpo_advantage(scores, batch.groups)
    return {"reward": ("f32", scores, None), "advantage": ("f32", advantages, None)}, {}


def grpo_lambda(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/grpo_lambda.reward: the Kimi length penalty, gated per group by the correctness ratio."""
    correct = batch.columns["correct"]
    length = batch.columns["length"]
    index = batch.groups
    threshold = float(batch.param("threshold", 0.5))
    bsz = len(correct)

    id2correct: dict[int, list[int]] = defaultdict(list)
    id2length: dict[int, list[int]] = defaultdict(list)
    for i in range(bsz):
        id2correct[index[i]].append(correct[i])
        id2length[index[i]].append(length[i])
    id2gated: dict[int, bool] = {}
    id2shortest: dict[int, int] = {}
    id2span: dict[int, int] = {}
    for idx in id2correct:
        id2gated[idx] = sum(id2correct[idx]) / len(id2correct[idx]) >= threshold
        shortest = min(id2length[idx])
        id2shortest[idx] = shortest
        id2span[idx] = max(id2length[idx]) - shortest

    rewards = [0.0] * bsz
    for i in range(bsz):
        idx = index[i]
        span = id2span[idx]
        # all lengths equal -> lam = 0 (no division by a zero span)
        kimi = 0.0 if span == 0 else 0.5 - (length[i] - id2shortest[idx]) / span
        if id2gated[idx]:
            rewards[i] = 1.0 + kimi if correct[i] else min(0.0, kimi)
        else:
            rewards[i] = float(correct[i])
    advantages = grpo_advantage(rewards, index)
    return {"reward": ("f32", rewards, None), "advantage": ("f32", advantages, None)}, {}


def dapo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/dapo_overlong.reward: +-1 outcome, the overlong buffer penalty, dynamic-sampling keep."""
    correct = batch.columns["correct"]
    length = batch.columns["length"]
    index = batch.groups
    max_len = float(batch.param("max_len", 20480.0))
    buffer = float(batch.param("buffer", 4096.0))
    factor = float(batch.param("factor", 1.0))
    bsz = len(correct)

    rewards = [0.0] * bsz
    id2reward: dict[int, list[float]] = defaultdict(list)
    for i in range(bsz):
        outcome = 1.0 if correct[i] else -1.0
        exceed = length[i] - (max_len - buffer)
        overlong = min(-exceed / buffer * factor, 0.0)
        rewards[i] = outcome + overlong
        id2reward[index[i]].append(rewards[i])
    # dynamic sampling keeps a group whose rewards are not all equal
    id2keep = {idx: max(group) > min(group) for idx, group in id2reward.items()}
    keep = [id2keep[index[i]] for i in range(bsz)]
    advantages = grpo_advantage(rewards, index)
    outputs = {
        "reward": ("f32", rewards, None),
        "advantage": ("f32", advantages, None),
        "keep": ("u8", keep, None),
    }
    return outputs, {}


def pure_minform(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """PURE soft min-form over the steps: reward = sum_j softmax_j(-pr / T) * pr_j (0 without steps),
    advantage = std.grpo(reward); metric hard_min: the mean over rollouts with steps of min(pr)."""
    pr = batch.columns["pr"]
    index = batch.groups
    T = float(batch.param("T", 0.1))
    bsz = len(pr)

    rewards = [0.0] * bsz
    hard_mins: list[float] = []
    for i in range(bsz):
        steps = pr[i]
        if not steps:
            continue  # sum over no steps is 0; no min to report
        logits = [-p / T for p in steps]
        top = max(logits)  # softmax shifted by its maximum, so exp never overflows
        weights = [math.exp(z - top) for z in logits]
        total = sum(weights)
        rewards[i] = sum(w / total * p for w, p in zip(weights, steps))
        hard_mins.append(min(steps))
    advantages = grpo_advantage(rewards, index)
    metrics = {"hard_min": _mean(hard_mins)}
    return {"reward": ("f32", rewards, None), "advantage": ("f32", advantages, None)}, metrics


def ngram_repetition(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """open-r1 repetition penalty over token ids: total = max(len - n + 1, 0) windows, penalty =
    (1 - distinct / total) * max_penalty, 0 when total == 0 (bench/workloads/ngram_repetition.reward: n = 3,
    the reward only)."""
    tokens = batch.columns["tokens"]
    n = int(batch.param("n", 3))
    max_penalty = float(batch.param("max_penalty", -1.0))
    bsz = len(tokens)

    rewards = [0.0] * bsz
    for i in range(bsz):
        toks = tokens[i]
        total = max(len(toks) - n + 1, 0)
        if total == 0:
            continue  # shorter than n: no window, no penalty
        distinct = len(set(zip(*(toks[k:] for k in range(n)))))
        rewards[i] = (1.0 - distinct / total) * max_penalty
    return {"reward": ("f32", rewards, None)}, {}


def _population_stats(values: list[float]) -> tuple[float, float]:
    """IGPO's normalisation: mean and population std (divide by n), two-pass; std = 1 when the set has <= 1
    element; an empty set has mean 0."""
    n = len(values)
    if n == 0:
        return 0.0, 1.0
    mean = sum(values) / n
    if n == 1:
        return mean, 1.0
    return mean, math.sqrt(sum((v - mean) * (v - mean) for v in values) / n)


def igpo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/igpo.reward: information-gain turn rewards z-scored per group (gains of non-final turns and
    outcomes of final turns separately), discounted suffix sums, copied to each turn's tokens."""
    prob0 = batch.columns["prob0"]
    prob = batch.columns["prob"]
    outcome = batch.columns["outcome"]
    token_turn = batch.columns["token_turn"]
    index = batch.groups
    gamma = float(batch.param("gamma", 1.0))
    bsz = len(prob)

    gains: list[list[float]] = [[] for _ in range(bsz)]
    id2gains: dict[int, list[float]] = defaultdict(list)
    id2outcomes: dict[int, list[float]] = defaultdict(list)
    all_gains: list[float] = []
    for i in range(bsz):
        probs = prob[i]
        previous = prob0[i]
        g = gains[i]
        for p in probs:
            g.append(p - previous)
            previous = p
        if probs:  # a rollout without turns contributes nothing
            id2gains[index[i]].extend(g[:-1])  # the final turn carries the outcome, not its gain
            id2outcomes[index[i]].append(outcome[i])
            all_gains.extend(g[:-1])
    id2gain_stats = {idx: _population_stats(values) for idx, values in id2gains.items()}
    id2outcome_stats = {idx: _population_stats(values) for idx, values in id2outcomes.items()}

    advantages: list[list[float]] = [[] for _ in range(bsz)]
    for i in range(bsz):
        turns = len(prob[i])
        if turns == 0:
            advantages[i] = [0.0] * len(token_turn[i])  # every token is outside the (no) turns
            continue
        m_ig, sd_ig = id2gain_stats[index[i]]
        m_o, sd_o = id2outcome_stats[index[i]]
        r_hat = [(g - m_ig) / (sd_ig + IGPO_EPSILON) for g in gains[i]]
        r_hat[-1] = (outcome[i] - m_o) / (sd_o + IGPO_EPSILON)
        # suffix_sum(r_hat, gamma): A_t = r_t + gamma * A_{t+1}
        turn_a = [0.0] * turns
        acc = 0.0
        for t in range(turns - 1, -1, -1):
            acc = r_hat[t] + gamma * acc
            turn_a[t] = acc
        # at(turn_a, token_turn): 0 for tokens outside the turns (-1 for tool output, or past the last turn)
        advantages[i] = [turn_a[k] if 0 <= k < turns else 0.0 for k in token_turn[i]]

    metrics = {
        "mean_gain": _mean(all_gains),
        "mean_turns": _mean([len(p) for p in prob]),
    }
    outputs = {"reward": ("f32", outcome, None), "advantage": ("f32", advantages, batch.column_axis["token_turn"])}
    return outputs, metrics


WORKLOADS = {
    "verl_grpo": verl_grpo,
    "grpo_lambda": grpo_lambda,
    "dapo": dapo,
    "pure_minform": pure_minform,
    "ngram_repetition": ngram_repetition,
    "igpo": igpo,
}
