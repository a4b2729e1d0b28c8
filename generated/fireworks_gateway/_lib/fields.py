"""Field checks of a JSON object before a model is built: proto3 JSON scalars, types and required fields.

Proto3 JSON writes non-finite floats as "NaN", "Infinity", "-Infinity" and may write any number as a string;
everything else of the wrong type raises ResponseContractError naming the field (never its value, which may
hold a secret), and a missing or null required field raises MissingFieldError.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from typing import Any

from .errors import MissingFieldError, ResponseContractError
from .protocol.proto_json import MESSAGE, NULL_MEANS_UNSET, TIMESTAMP, float_value, integer_value

__all__ = ["checked", "exact_types"]

# The generated models' field kinds whose JSON null means "unset" (protocol.proto_json says which kinds those are).
_NULLABLE = frozenset(
    kind for kind, proto_kind in (("object", MESSAGE), ("datetime", TIMESTAMP)) if proto_kind in NULL_MEANS_UNSET
)


class _Never:
    """The exact type of no JSON value: a timestamp is always parsed in _check."""


_EXACT: dict[str, type] = {
    "str": str,
    "enum": str,
    "datetime": _Never,
    "int": int,
    "float": float,
    "bool": bool,
    "object": dict,
    "array": list,
}


def exact_types(kinds: Mapping[str, str]) -> dict[str, type]:
    """For a model's field kinds (JSON name -> kind), the JSON name -> the one Python type a value of that kind
    needs no conversion or check for; fields of kinds not checked are left out. Built once per model, at import."""
    return {name: _EXACT[kind] for name, kind in kinds.items() if kind in _EXACT}


def _wrong(model: str, name: str, kind: str, value: Any) -> ResponseContractError:
    return ResponseContractError(f"field {name!r} of {model}: expected {kind}, got {type(value).__name__}")


def _int(model: str, name: str, value: Any) -> int:
    number = integer_value(value)
    if number is None:
        raise _wrong(model, name, "an integer", value)
    return number


def _float(model: str, name: str, value: Any) -> float:
    number = float_value(value)
    if number is None:
        raise _wrong(model, name, "a number (a double: finite, or NaN/Infinity/-Infinity)", value)
    return number


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
    exact: Mapping[str, type] | None = None,
) -> dict[str, Any]:
    """A copy of `src` with scalars converted as proto3 JSON defines them; raises on a type the spec rules out.

    `kinds` maps JSON names to str, int, float, bool, enum, datetime, object, array (others are not checked);
    `exact` is `exact_types(kinds)`, which a generated model builds once. A required field left out by a read mask
    (absent from `read_mask`, when given) comes back as the UNSET sentinel instead of raising.
    """
    if not isinstance(src, Mapping):
        raise ResponseContractError(f"{model}: expected an object, got {type(src).__name__}")
    if exact is None:
        exact = exact_types(kinds)
    d = dict(src)
    nulls = None
    for name, value in d.items():
        expected = exact.get(name)
        if expected is None or type(value) is expected:  # the common case, one lookup (bool is not int)
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


def lazy_dict(cls: type, name: str) -> None:
    """Make the slot `name` of the attrs class `cls` (a field with ``init=False`` and no default) a dict made on
    first use: reading it unset stores and returns an empty dict; assigning and deleting work as on the slot.

    A model's ``additional_properties`` is empty for nearly every object the client builds; made eagerly, that is
    one more dict per model, which on a page of jobs doubles the objects the garbage collector counts and walks.
    """
    slot = cls.__dict__[name]  # the slot's member descriptor, made by attrs' slotted class
    get, put = slot.__get__, slot.__set__

    def read(self: Any) -> dict[str, Any]:
        try:
            value: dict[str, Any] = get(self, cls)
        except AttributeError:
            value = {}
            put(self, value)
        return value

    setattr(cls, name, property(read, put, slot.__delete__, doc=f"{name} (made on first use)"))
