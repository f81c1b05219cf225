"""The vectorised numpy peer: each workload written as TRL and OpenRLHF write their group statistics.

TRL's GRPOTrainer views the rewards as (-1, num_generations), takes .mean(dim=1) and .std(dim=1), and
repeat_interleaves them back; OpenRLHF reshapes to (-1, n_samples_per_prompt) and normalises with keepdim
means and stds. The same here with numpy: rollouts of a group are contiguous and groups have equal size G
(the harness guarantees it; peer.py checks it before timing). Ragged arrays (steps, turns, tokens) are flat
arrays with offsets: per-rollout reductions use `ufunc.reduceat` on the rollout starts, element -> rollout
broadcasts use `np.repeat(x, lengths)`, element -> group reductions use `np.bincount(..., weights=)`.

Where numpy has to loop in Python, or pays more than the loop peer's asymptotics:
- igpo: the discounted suffix sum runs one vectorised step per turn position (a Python loop over the longest
  rollout's turn count, as verl's and OpenRLHF's discounted returns loop over response positions).
- ngram_repetition: numpy has no hash set; distinct windows are counted by one global sort of (rollout, window)
  keys packed in int64: O(W log W) for W windows, where the loop peer's `set` is O(W) expected, plus about
  five W-long int64 temporaries. When the key does not fit 63 bits it falls back to `np.lexsort` over the n
  token columns and the rollout id (slower still).

Values are float64. Each workload takes a `Batch` from data.load_arrays and returns (outputs, metrics), outputs
mapping a name to (dtype, array, axis).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from data import Batch

Outputs = dict[str, tuple[str, Any, "str | None"]]

GRPO_EPSILON = 1e-6  # std.grpo: verl's default epsilon
IGPO_EPSILON = 1e-8  # examples/igpo.reward


def _mean(values: np.ndarray) -> float:
    # rewardc's defined result: a mean over nothing is 0.
    return float(values.mean()) if values.size else 0.0


def grpo_advantage(scores: np.ndarray, group_size: int, epsilon: float = GRPO_EPSILON) -> np.ndarray:
    """std.grpo: (s - mean_g) / (std_g + epsilon), std unbiased (ddof=1, as torch.std); singleton groups use
    mean 0 and std 1 (verl)."""
    if group_size == 1:
        return scores / (1.0 + epsilon)
    grouped = scores.reshape(-1, group_size)
    mean = grouped.mean(axis=1)
    std = grouped.std(axis=1, ddof=1)  # unbiased, divides by G - 1
    return (scores - np.repeat(mean, group_size)) / (np.repeat(std, group_size) + epsilon)


def _segment_reduce(ufunc: np.ufunc, values: np.ndarray, offsets: np.ndarray, empty: float) -> np.ndarray:
    """ufunc over each rollout's slice of a flat ragged array; `empty` for rollouts without elements.
    reduceat alone would return values[start] for an empty slice, and rejects a start equal to values.size,
    so it runs on the non-empty rollouts only: their starts still delimit exactly their own elements."""
    lengths = np.diff(offsets)
    out = np.full(lengths.size, empty, dtype=np.float64 if values.dtype.kind == "f" else values.dtype)
    nonempty = lengths > 0
    if values.size:
        out[nonempty] = ufunc.reduceat(values, offsets[:-1][nonempty])
    return out


def verl_grpo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    scores = batch.columns["score"]
    advantages = grpo_advantage(scores, batch.group_size)
    return {"reward": ("f32", scores, None), "advantage": ("f32", advantages, None)}, {}


def grpo_lambda(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/grpo_lambda.reward: the Kimi length penalty, gated per group by the correctness ratio."""
    G = batch.group_size
    correct = batch.columns["correct"].astype(bool)
    length = batch.columns["length"]
    threshold = float(batch.param("threshold", 0.5))

    grouped_length = length.reshape(-1, G)
    shortest = grouped_length.min(axis=1)
    span = grouped_length.max(axis=1) - shortest
    gated = correct.reshape(-1, G).mean(axis=1) >= threshold
    shortest_r = np.repeat(shortest, G)
    span_r = np.repeat(span, G)
    # all lengths equal -> lam = 0; the division is masked so a zero span never divides
    kimi = np.zeros(length.size)
    varied = span_r != 0
    kimi[varied] = 0.5 - (length[varied] - shortest_r[varied]) / span_r[varied]
    shaped = np.where(correct, 1.0 + kimi, np.minimum(0.0, kimi))
    rewards = np.where(np.repeat(gated, G), shaped, correct.astype(np.float64))
    advantages = grpo_advantage(rewards, G)
    return {"reward": ("f32", rewards, None), "advantage": ("f32", advantages, None)}, {}


def dapo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/dapo_overlong.reward: +-1 outcome, the overlong buffer penalty, dynamic-sampling keep."""
    G = batch.group_size
    correct = batch.columns["correct"].astype(bool)
    length = batch.columns["length"]
    max_len = float(batch.param("max_len", 20480.0))
    buffer = float(batch.param("buffer", 4096.0))
    factor = float(batch.param("factor", 1.0))

    outcome = np.where(correct, 1.0, -1.0)
    exceed = length - (max_len - buffer)
    overlong = np.minimum(-exceed / buffer * factor, 0.0)
    rewards = outcome + overlong
    grouped = rewards.reshape(-1, G)
    kept_groups = grouped.max(axis=1) > grouped.min(axis=1)  # dynamic sampling: not all rewards equal
    advantages = grpo_advantage(rewards, G)
    outputs = {
        "reward": ("f32", rewards, None),
        "advantage": ("f32", advantages, None),
        "keep": ("u8", np.repeat(kept_groups, G), None),
    }
    return outputs, {}


def pure_minform(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """PURE soft min-form over the steps: reward = sum_j softmax_j(-pr / T) * pr_j (0 without steps),
    advantage = std.grpo(reward); metric hard_min: the mean over rollouts with steps of min(pr)."""
    pr = batch.columns["pr"]
    offsets = batch.axis_offsets("pr")
    T = float(batch.param("T", 0.1))
    lengths = np.diff(offsets)

    logits = -pr / T
    top = _segment_reduce(np.maximum, logits, offsets, 0.0)  # softmax shifted by each rollout's maximum
    weights = np.exp(logits - np.repeat(top, lengths))
    total = _segment_reduce(np.add, weights, offsets, 1.0)
    rewards = _segment_reduce(np.add, weights / np.repeat(total, lengths) * pr, offsets, 0.0)
    advantages = grpo_advantage(rewards, batch.group_size)

    has_steps = lengths > 0
    metrics = {"hard_min": _mean(_segment_reduce(np.minimum, pr, offsets, 0.0)[has_steps])}
    return {"reward": ("f32", rewards, None), "advantage": ("f32", advantages, None)}, metrics


def distinct_windows(tokens: np.ndarray, offsets: np.ndarray, n: int) -> np.ndarray:
    """Number of distinct length-n windows of each rollout's token array (0 when shorter than n)."""
    size = offsets.size - 1
    lengths = np.diff(offsets)
    starts_count = tokens.size - n + 1  # window starts in the flat array, some straddling two rollouts
    if n < 1 or starts_count <= 0:
        return np.zeros(size, dtype=np.int64)
    rollout = np.repeat(np.arange(size, dtype=np.int64), lengths)[:starts_count]
    # a window starting in the last n - 1 positions of its rollout would straddle into the next one
    inside = np.ones(starts_count, dtype=bool)
    for k in range(1, n):
        last = offsets[1:] - k
        inside[last[(last >= offsets[:-1]) & (last < starts_count)]] = False
    shifted = tokens - tokens.min()
    vocab = int(shifted.max()) + 1
    key_bits = n * max(vocab - 1, 1).bit_length()
    if key_bits + max(size - 1, 1).bit_length() <= 63:
        # one int64 per window: rollout id in the high bits, the n tokens in base `vocab` below
        key = shifted[:starts_count].copy()
        for k in range(1, n):
            key *= vocab
            key += shifted[k : k + starts_count]
        span = vocab**n
        rollout *= span
        key += rollout
        packed = np.sort(key[inside])
        first = np.empty(packed.size, dtype=bool)
        first[:1] = True
        np.not_equal(packed[1:], packed[:-1], out=first[1:])
        return np.bincount(packed[first] // span, minlength=size)
    # too wide for one int64: sort by (rollout, token columns) with lexsort, compare neighbours column-wise
    columns = [shifted[k : k + starts_count][inside] for k in range(n)]
    owner = rollout[inside]
    order = np.lexsort(columns[::-1] + [owner])
    owner = owner[order]
    first = np.empty(owner.size, dtype=bool)
    first[:1] = True
    new = owner[1:] != owner[:-1]
    for column in columns:
        sorted_column = column[order]
        new |= sorted_column[1:] != sorted_column[:-1]
    first[1:] = new
    return np.bincount(owner[first], minlength=size)


def ngram_repetition(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """open-r1 repetition penalty over token ids: total = max(len - n + 1, 0) windows, penalty =
    (1 - distinct / total) * max_penalty, 0 when total == 0 (bench/workloads/ngram_repetition.reward: n = 3,
    the reward only)."""
    tokens = batch.columns["tokens"]
    offsets = batch.axis_offsets("tokens")
    n = int(batch.param("n", 3))
    max_penalty = float(batch.param("max_penalty", -1.0))

    total = np.maximum(np.diff(offsets) - n + 1, 0)
    distinct = distinct_windows(tokens, offsets, n)
    rewards = np.zeros(total.size)
    has_windows = total > 0  # shorter than n: no window, no penalty
    rewards[has_windows] = (1.0 - distinct[has_windows] / total[has_windows]) * max_penalty
    return {"reward": ("f32", rewards, None)}, {}


def igpo(batch: Batch) -> tuple[Outputs, dict[str, float]]:
    """examples/igpo.reward: information-gain turn rewards z-scored per group (gains of non-final turns and
    outcomes of final turns separately, population std, std = 1 for <= 1 element), discounted suffix sums,
    copied to each turn's tokens."""
    G = batch.group_size
    prob0 = batch.columns["prob0"]
    prob = batch.columns["prob"]
    outcome = batch.columns["outcome"]
    token_turn = batch.columns["token_turn"]
    turn_offsets = batch.axis_offsets("prob")
    token_offsets = batch.axis_offsets("token_turn")
    gamma = float(batch.param("gamma", 1.0))
    size = outcome.size
    groups = size // G

    turns = np.diff(turn_offsets)
    rollout = np.repeat(np.arange(size), turns)  # per turn
    turn_index = np.arange(prob.size) - np.repeat(turn_offsets[:-1], turns)
    final = turn_index == turns[rollout] - 1
    previous = np.empty_like(prob)
    previous[1:] = prob[:-1]
    previous[turn_index == 0] = prob0[turns > 0]  # the first turn's gain is over prob0
    gain = prob - previous

    # gains of the non-final turns, per group: counts and sums by bincount, then the two-pass variance
    not_final = ~final
    gain_group = rollout[not_final] // G
    gains = gain[not_final]
    n_ig = np.bincount(gain_group, minlength=groups)
    m_ig = np.bincount(gain_group, weights=gains, minlength=groups) / np.maximum(n_ig, 1)  # 0 when empty
    deviation = gains - m_ig[gain_group]
    var_ig = np.bincount(gain_group, weights=deviation * deviation, minlength=groups) / np.maximum(n_ig, 1)
    sd_ig = np.where(n_ig <= 1, 1.0, np.sqrt(var_ig))  # population std; 1 for <= 1 element

    # outcomes of the rollouts that have a final turn, per group (reshape: one row per group)
    has_turn = (turns > 0).reshape(-1, G)
    n_o = has_turn.sum(axis=1)
    grouped_outcome = outcome.reshape(-1, G)
    m_o = np.where(has_turn, grouped_outcome, 0.0).sum(axis=1) / np.maximum(n_o, 1)
    centred = np.where(has_turn, grouped_outcome - m_o[:, None], 0.0)
    sd_o = np.where(n_o <= 1, 1.0, np.sqrt((centred * centred).sum(axis=1) / np.maximum(n_o, 1)))

    turn_group = rollout // G
    r_hat = np.where(
        final,
        (outcome[rollout] - m_o[turn_group]) / (sd_o[turn_group] + IGPO_EPSILON),
        (gain - m_ig[turn_group]) / (sd_ig[turn_group] + IGPO_EPSILON),
    )

    # suffix_sum(r_hat, gamma) on a (rollouts, longest) padded matrix, one column per step from the right;
    # the zero padding past each rollout's end keeps the recurrence exact
    longest = int(turns.max()) if size else 0
    padded = np.zeros((size, longest + 1))
    padded[rollout, turn_index] = r_hat
    for t in range(longest - 1, -1, -1):
        padded[:, t] += gamma * padded[:, t + 1]

    # at(turn_a, token_turn): tokens outside the rollout's turns get 0
    token_rollout = np.repeat(np.arange(size), np.diff(token_offsets))
    inside = (token_turn >= 0) & (token_turn < turns[token_rollout])
    advantages = np.where(inside, padded[token_rollout, np.where(inside, token_turn, longest)], 0.0)

    metrics = {"mean_gain": _mean(gains), "mean_turns": _mean(turns)}
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
