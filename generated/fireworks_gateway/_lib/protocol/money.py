"""google.type.Money: its shape in a spec, every rule an amount must follow, and exact decimal conversion.

Rules (google/type/money.proto, as the spec's Money description states them):
- `units` is an int64, written in proto3 JSON as a decimal string;
- `nanos` is an integer within -999,999,999..+999,999,999;
- `units` and `nanos` share a sign: units > 0 needs nanos >= 0, units < 0 needs nanos <= 0 (the money sign rule);
- `currencyCode` is an ISO 4217 code: three upper-case letters (`is_currency` may check a code list too).

An absent `units` or `nanos` is zero. An absent or empty `currencyCode` is allowed on the wire (a masked or zero
Money may leave it out) unless the caller requires one (a Money it builds itself).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .proto_json import INT64_RANGE, parse_integer_string

__all__ = [
    "NANOS_PER_UNIT",
    "NANOS_RANGE",
    "MoneyProblem",
    "from_decimal",
    "is_currency_shape",
    "is_money_schema",
    "money_problems",
    "to_decimal",
]

NANOS_PER_UNIT = 1_000_000_000
NANOS_RANGE = (-999_999_999, 999_999_999)
_CURRENCY_SHAPE = re.compile(r"[A-Z]{3}")


def is_money_schema(schema: Mapping[str, Any]) -> bool:
    """google.type.Money's shape: `currencyCode`, an int64 `units` (a string in JSON) and an int32 `nanos`."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return False
    units, nanos = properties.get("units") or {}, properties.get("nanos") or {}
    return "currencyCode" in properties and units.get("format") == "int64" and nanos.get("format") == "int32"


def is_currency_shape(code: object) -> bool:
    """Three upper-case ASCII letters: the shape of an ISO 4217 alphabetic code."""
    return isinstance(code, str) and _CURRENCY_SHAPE.fullmatch(code) is not None


@dataclass(frozen=True)
class MoneyProblem:
    """One broken Money rule: the field (`units`, `nanos`, `currencyCode`), what the rule requires, and what is
    there (None: absent; a (units, nanos) pair for the sign rule)."""

    field: str
    expected: str
    got: Any

    def got_text(self) -> str:
        """What is there, as a finding shows it: `absent`, `units 2, nanos -1`, `"XYZ"`, `12`."""
        if self.got is None:
            return "absent"
        if isinstance(self.got, tuple):
            return f"units {self.got[0]}, nanos {self.got[1]}"
        return f'"{self.got}"' if isinstance(self.got, str) else repr(self.got)

    def __str__(self) -> str:
        if self.got is None:
            return f"{self.field} is missing: expected {self.expected}"
        return f"{self.field}: expected {self.expected}, got {self.got_text()}"


def money_problems(
    units: Any,
    nanos: Any,
    currency_code: Any,
    *,
    is_currency: Callable[[str], bool] = is_currency_shape,
    currency_required: bool = False,
) -> list[MoneyProblem]:
    """Every Money rule the amount breaks, in field order (empty when it is valid). None stands for absent."""
    problems: list[MoneyProblem] = []
    units_value: int | None = 0
    if units is not None:
        units_value = parse_integer_string(units)
        if units_value is None:
            problems.append(MoneyProblem("units", "an int64 as a decimal string", units))
        elif not INT64_RANGE[0] <= units_value <= INT64_RANGE[1]:
            problems.append(MoneyProblem("units", f"an int64 within {INT64_RANGE[0]}..{INT64_RANGE[1]}", units))
            units_value = None
    nanos_value = 0 if nanos is None else nanos
    nanos_ok = isinstance(nanos_value, int) and not isinstance(nanos_value, bool)
    if not nanos_ok or not NANOS_RANGE[0] <= nanos_value <= NANOS_RANGE[1]:
        problems.append(MoneyProblem("nanos", "an integer within -999999999..999999999", nanos))
    elif units_value is not None and units_value * nanos_value < 0:
        problems.append(
            MoneyProblem(
                "nanos",
                "the sign of units (units > 0 => nanos >= 0; units < 0 => nanos <= 0)",
                (units_value, nanos_value),
            )
        )
    if currency_code is None or currency_code == "":
        if currency_required:
            problems.append(MoneyProblem("currencyCode", "an ISO 4217 currency code", None))
    elif not (is_currency_shape(currency_code) and is_currency(currency_code)):
        problems.append(MoneyProblem("currencyCode", "an ISO 4217 currency code", currency_code))
    return problems


def to_decimal(units: Any, nanos: Any) -> Decimal:
    """The exact amount units + nanos / 10**9 (None counts as zero); no float on the way.

    Raises ValueError when units is not a decimal integer string (or int) or nanos is not an integer.
    """
    units_value = units if isinstance(units, int) and not isinstance(units, bool) else parse_integer_string(units)
    if units is None:
        units_value = 0
    if units_value is None:
        raise ValueError("units is not a decimal integer string")
    nanos_value = 0 if nanos is None else nanos
    if not isinstance(nanos_value, int) or isinstance(nanos_value, bool):
        raise ValueError("nanos is not an integer")
    # Built from a string, the Decimal is exact whatever the context precision (int64 + 9 digits is 28+).
    return Decimal(f"{units_value * NANOS_PER_UNIT + nanos_value}E-9")


def from_decimal(amount: Decimal | int | str) -> tuple[str, int]:
    """(units, nanos) of an exact amount, truncated toward zero so that they share its sign.

    Raises ValueError for more than 9 fractional digits, a non-finite amount or units beyond int64; TypeError for
    a float (inexact).
    """
    if isinstance(amount, float):
        raise TypeError("Money needs an exact amount (Decimal, int or str), not a float")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"amount must be finite, got {value}")
    if value and value.adjusted() > 18:
        raise ValueError(f"amount {value} does not fit int64 units")
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0")
    if exponent >= -9:
        total_nanos = coefficient * 10 ** (exponent + 9)
    else:
        total_nanos, rest = divmod(coefficient, 10 ** (-9 - exponent))
        if rest:
            raise ValueError(f"amount {value} has more than 9 fractional digits")
    whole, nanos = divmod(total_nanos, NANOS_PER_UNIT)
    if sign:
        whole, nanos = -whole, -nanos
    if not INT64_RANGE[0] <= whole <= INT64_RANGE[1]:
        raise ValueError(f"amount {value} does not fit int64 units")
    return str(whole), nanos
