"""The JSON side of the wire protocol: request bodies out, replies in.

Requests: JSON has no NaN or infinity and `rewardc` inputs must be finite, so a non-finite input is refused here
with the row and field named, exactly as the server would name them, instead of being sent as invalid JSON.
numpy arrays and scalars are accepted anywhere a list or number is (converted with `.tolist()`), without importing
numpy.

Replies: the server writes NaN and infinities as the strings "NaN", "Infinity", "-Infinity"; they are turned back
into floats in outputs, metrics and state.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .errors import RewardcError, RowProblem

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def encode_score_request(rows: Optional[Iterable[Any]], columns: Optional[Mapping]) -> bytes:
    """The body of `POST /v1/score`: {"rows": [...]} or {"columns": {...}}; exactly one of the two is given."""
    if (rows is None) == (columns is None):
        raise ValueError("score() takes either rows or columns (exactly one of them)")
    if rows is not None:
        if isinstance(rows, Mapping):
            raise TypeError("rows must be a list of row objects (dicts); to pass one list per field use columns=")
        payload: Dict[str, Any] = {"rows": list(rows)}
    else:
        if not isinstance(columns, Mapping):
            raise TypeError(f"columns must be a mapping of field name -> values, not {type(columns).__name__}")
        payload = {"columns": {str(name): values for name, values in columns.items()}}
    return encode_json(payload, _score_location)


def encode_json(payload: Any, locate: Any = None) -> bytes:
    """Strict JSON (no NaN) with numpy values converted; `locate(payload, bad)` names the place of a bad value."""
    try:
        return json.dumps(payload, default=_plain, allow_nan=False, separators=(",", ":")).encode("utf-8")
    except (ValueError, TypeError) as exc:
        if locate is None:
            raise
        problem = locate(payload)
        if problem is None:
            raise
        raise RewardcError("bad_rows", "the request has values JSON cannot carry; nothing was sent", [problem]) from exc


def _plain(value: Any) -> Any:
    """json.dumps fallback: numpy arrays and scalars (anything with .tolist()), other mappings, tuples of them."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _score_location(payload: Dict[str, Any]) -> Optional[RowProblem]:
    if "rows" in payload:
        for index, row in enumerate(payload["rows"]):
            row = _as_plain(row)
            if not isinstance(row, dict):
                continue
            for field, value in row.items():
                message = _describe_bad(value)
                if message is not None:
                    return RowProblem(index, str(field), f"field `{field}`{message}")
        return None
    for field, values in payload["columns"].items():
        values = _as_plain(values)
        if not isinstance(values, list):
            continue
        for index, value in enumerate(values):
            message = _describe_bad(value)
            if message is not None:
                return RowProblem(index, str(field), f"field `{field}`{message}")
    return None


def _as_plain(value: Any) -> Any:
    try:
        return _plain(value)
    except TypeError:
        return value


def _describe_bad(value: Any) -> Optional[str]:
    """': expected a finite number, found nan' or '[3]: ...' for the first value JSON cannot carry; else None."""
    value = _as_plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f": expected a finite number, found {value!r} (JSON has no NaN or infinity)"
    if isinstance(value, (list, tuple)):
        for index, element in enumerate(value):
            inner = _describe_bad(element)
            if inner is not None:
                return f"[{index}]{inner}"
        return None
    if value is None or isinstance(value, (str, int, float, bool, dict)):
        return None
    return f": a {type(value).__name__} cannot be sent as JSON"


def decode_json(body: bytes) -> Any:
    return json.loads(body.decode("utf-8"))


def decode_numbers(value: Any) -> Any:
    """The protocol's number encoding back to Python: "NaN"/"Infinity"/"-Infinity" -> float, recursively."""
    if isinstance(value, str):
        return _NON_FINITE.get(value, value)
    if isinstance(value, list):
        return [decode_numbers(element) for element in value]
    if isinstance(value, dict):
        return {key: decode_numbers(element) for key, element in value.items()}
    return value


def decode_score_reply(reply: Any) -> Tuple[Dict[str, Any], Dict[str, float], int, Dict[str, Any]]:
    """(outputs, metrics, step, state) of a `POST /v1/score` reply, non-finite strings decoded."""
    if not isinstance(reply, dict) or not isinstance(reply.get("outputs"), dict):
        raise RewardcError("bad_reply", f"the server's score reply has no outputs object: {str(reply)[:500]}")
    outputs = {name: _floats(decode_numbers(values)) for name, values in reply["outputs"].items()}
    metrics = {name: _floats(decode_numbers(value)) for name, value in (reply.get("metrics") or {}).items()}
    state = {name: decode_numbers(value) for name, value in (reply.get("state") or {}).items()}
    step = reply.get("step")
    return outputs, metrics, step if isinstance(step, int) else -1, state


def _floats(value: Any) -> Any:
    """Outputs and metrics are float32 (or bool) values; JSON prints 0.0 as 0, which Python would read as an int."""
    if isinstance(value, list):
        return [_floats(element) for element in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def outputs_to_numpy(outputs: Dict[str, List[Any]], np: Any) -> Dict[str, Any]:
    """Float outputs -> float32 arrays, bool outputs (keep) -> bool arrays, per-token -> a list of float32 arrays."""
    converted: Dict[str, Any] = {}
    for name, values in outputs.items():
        if any(isinstance(v, list) for v in values):
            converted[name] = [np.asarray(v, dtype=np.float32) for v in values]
        elif values and all(isinstance(v, bool) for v in values):
            converted[name] = np.asarray(values, dtype=bool)
        else:
            converted[name] = np.asarray(values, dtype=np.float32)
    return converted
