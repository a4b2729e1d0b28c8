"""Field checks of a JSON object before a model is built: proto3 JSON scalars, types and required fields.

Proto3 JSON writes non-finite floats as "NaN", "Infinity", "-Infinity" and may write any number as a string;
everything else of the wrong type raises ResponseContractError naming the field (never its value, which may
hold a secret), and a missing or null required field raises MissingFieldError.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from .errors import MissingFieldError, ResponseContractError

__all__ = ["checked"]

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
# Kinds whose JSON null means "unset" in proto3 JSON: messages (objects) and google.protobuf.Timestamp.
_NULLABLE = frozenset({"object", "datetime"})
_EXACT: dict[str, type] = {
    "str": str,
    "enum": str,
    "datetime": type(None),  # never the exact type of a present value: timestamps are always parsed in _check
    "int": int,
    "float": float,
    "bool": bool,
    "object": dict,
    "array": list,
}


_exact_by_kinds: dict[int, tuple[Mapping[str, str], dict[str, type]]] = {}


def _exact_types(kinds: Mapping[str, str]) -> dict[str, type]:
    """JSON name -> the exact Python type a well-typed value has; cached per (module-level, immortal) kinds table."""
    cached = _exact_by_kinds.get(id(kinds))
    if cached is None or cached[0] is not kinds:
        table = {name: _EXACT[kind] for name, kind in kinds.items() if kind in _EXACT}
        cached = _exact_by_kinds[id(kinds)] = (kinds, table)
    return cached[1]


def _wrong(model: str, name: str, kind: str, value: Any) -> ResponseContractError:
    return ResponseContractError(f"field {name!r} of {model}: expected {kind}, got {type(value).__name__}")


def _int(model: str, name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise _wrong(model, name, "an integer", value)
    if isinstance(value, int):
        number = value
    elif (isinstance(value, float) and value.is_integer()) or (isinstance(value, str) and _INTEGER.fullmatch(value)):
        number = int(value)
    else:
        raise _wrong(model, name, "an integer", value)
    return number


def _float(model: str, name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise _wrong(model, name, "a number", value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        if value in _NON_FINITE:
            return _NON_FINITE[value]
        if _NUMBER.fullmatch(value):
            return float(value)
    raise _wrong(model, name, "a number", value)


def _timestamp(model: str, name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _wrong(model, name, "an RFC 3339 timestamp (string)", value)
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        # The value stays out of the message: a hostile server may reflect a credential into it.
        raise ResponseContractError(f"field {name!r} of {model}: not an RFC 3339 timestamp") from None
    return value


def _check(model: str, name: str, kind: str, value: Any) -> Any:
    if kind == "int":
        return _int(model, name, value)
    if kind == "float":
        return _float(model, name, value)
    if kind == "datetime":
        return _timestamp(model, name, value)
    expected = {
        "str": (str, "a string"),
        "enum": (str, "an enum name (string)"),
        "datetime": (str, "an RFC 3339 timestamp (string)"),
        "bool": (bool, "a boolean"),
        "object": (dict, "an object"),
        "array": (list, "an array"),
    }.get(kind)
    if expected is not None and not isinstance(value, expected[0]):
        raise _wrong(model, name, expected[1], value)
    return value


def checked(
    model: str,
    src: Mapping[str, Any],
    kinds: Mapping[str, str],
    required: Collection[str],
    read_mask: Collection[str] | None = None,
) -> dict[str, Any]:
    """A copy of `src` with scalars converted as proto3 JSON defines them; raises on a type the spec rules out.

    `kinds` maps JSON names to str, int, float, bool, enum, datetime, object, array (others are not checked).
    A required field left out by a read mask (absent from `read_mask`, when given) comes back as the UNSET
    sentinel instead of raising.
    """
    if not isinstance(src, Mapping):
        raise ResponseContractError(f"{model}: expected an object, got {type(src).__name__}")
    d = dict(src)
    cached = _exact_by_kinds.get(id(kinds))
    exact = cached[1] if cached is not None and cached[0] is kinds else _exact_types(kinds)
    nulls = None
    for name, value in d.items():
        expected = exact.get(name)
        if expected is None or (type(value) is expected and value is not None):  # common case (bool is not int)
            continue  # (a field newer than the spec, or of a kind not checked, is kept as it is)
        if value is None:
            nulls = [*(nulls or ()), name]
        else:
            d[name] = _check(model, name, kinds[name], value)
    for name in required:
        if d.get(name) is None:
            if read_mask is not None and name not in read_mask:
                from ..types import UNSET

                d[name] = UNSET
                continue
            raise MissingFieldError(name, model)
    for name in nulls or ():
        if name not in d or d[name] is not None:
            continue  # a required field the read mask excused
        if kinds[name] not in _NULLABLE:
            raise ResponseContractError(f"field {name!r} of {model}: null is not a valid {kinds[name]}")
        del d[name]  # proto3 JSON's unset message (EmitUnpopulated): parsed as absent, hence UNSET
    return d
