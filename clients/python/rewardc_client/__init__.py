"""Python client of `rewardc serve`: score batches of rollouts against a reward spec, with TRL and verl adapters.

Standard library only; numpy is used when asked for (`RewardClient(..., numpy=True)`) and accepted in inputs.
"""

from .adapters import AUTO, completion_text, make_trl_reward_func, make_verl_compute_score, prompt_key
from .client import RewardClient, ScoreResult
from .errors import RewardcConnectionError, RewardcError, RewardcStartError, RewardcStateNotSavedError, RowProblem

__version__ = "0.1.0"

__all__ = [
    "RewardClient",
    "ScoreResult",
    "RewardcError",
    "RewardcConnectionError",
    "RewardcStartError",
    "RewardcStateNotSavedError",
    "RowProblem",
    "make_trl_reward_func",
    "make_verl_compute_score",
    "prompt_key",
    "completion_text",
    "AUTO",
]
