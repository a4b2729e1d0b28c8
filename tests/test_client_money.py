"""Money converts exactly to and from Decimal and reports every google.type.Money rule it breaks."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import Any

import pytest

from spec_tools.spec import load_spec
from tests.client_spec_bodies import MONEY_SCHEMAS, model_class

# The generated model of google.type.Money, found by its shape in the vendored spec, not by name.
if not MONEY_SCHEMAS:
    pytest.skip("the vendored spec has no google.type.Money-shaped schema", allow_module_level=True)
Money: Any = model_class(MONEY_SCHEMAS[0])
OTHER_MESSAGES = [
    key
    for key, schema in load_spec().selected_schemas.items()
    if schema.get("type") == "object" and key not in MONEY_SCHEMAS
]

INT64_MAX = "9223372036854775807"
INT64_MIN = "-9223372036854775808"


@pytest.mark.parametrize(
    ("units", "nanos", "expected"),
    [
        (INT64_MAX, 750_000_000, Decimal("9223372036854775807.75")),
        (INT64_MAX, 999_999_999, Decimal("9223372036854775807.999999999")),
        (INT64_MIN, -999_999_999, Decimal("-9223372036854775808.999999999")),
        ("-1", -750_000_000, Decimal("-1.75")),
        ("0", -1, Decimal("-0.000000001")),
        ("12", 0, Decimal(12)),
    ],
)
def test_to_decimal_is_exact(units: str, nanos: int, expected: Decimal) -> None:
    """units + nanos become the exact Decimal, even where a float (or a 28-digit context) would round."""
    amount = Money(currency_code="USD", units=units, nanos=nanos).to_decimal()
    assert amount == expected
    assert amount - int(units) == Decimal(nanos).scaleb(-9)


def test_int64_units_beyond_float_precision_stay_exact() -> None:
    """The largest int64 units keep every digit (a float would give 9223372036854775808)."""
    amount = Money(currency_code="USD", units=INT64_MAX, nanos=750_000_000).to_decimal()
    assert str(amount) == "9223372036854775807.750000000"
    assert Decimal(float(INT64_MAX)) != int(INT64_MAX)


def test_to_decimal_ignores_a_small_decimal_context() -> None:
    """The conversion is exact regardless of the caller's Decimal precision."""
    with localcontext() as context:
        context.prec = 6
        assert Money(currency_code="USD", units=INT64_MAX, nanos=1).to_decimal() == Decimal(
            "9223372036854775807.000000001"
        )


def test_unset_parts_count_as_zero() -> None:
    """A Money with only a currency is zero; with only nanos it is that many billionths."""
    assert Money(currency_code="USD").to_decimal() == 0
    assert Money(currency_code="USD", nanos=5).to_decimal() == Decimal("0.000000005")


@pytest.mark.parametrize(
    ("amount", "units", "nanos"),
    [
        (Decimal("-1.75"), "-1", -750_000_000),
        (Decimal("1.75"), "1", 750_000_000),
        (Decimal("-0.5"), "0", -500_000_000),
        (Decimal("9223372036854775807.999999999"), INT64_MAX, 999_999_999),
        (Decimal("-9223372036854775808.999999999"), INT64_MIN, -999_999_999),
        (Decimal("1E+3"), "1000", 0),
        (Decimal("-0"), "0", 0),
        (Decimal("2.500000000000"), "2", 500_000_000),
        ("0.000000001", "0", 1),
        (7, "7", 0),
    ],
)
def test_from_decimal_follows_the_sign_rule(amount: Decimal | str | int, units: str, nanos: int) -> None:
    """from_decimal splits toward zero: units and nanos share the amount's sign, and it round-trips exactly."""
    money = Money.from_decimal(amount, "USD")
    assert (money.units, money.nanos, money.currency_code) == (units, nanos, "USD")
    assert money.violations() == []
    assert money.to_decimal() == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "currency", "error", "message"),
    [
        (Decimal("0.0000000001"), "USD", ValueError, "more than 9 fractional digits"),
        (Decimal("9223372036854775808"), "USD", ValueError, "int64"),
        (Decimal("1E+30"), "USD", ValueError, "int64"),
        (Decimal("NaN"), "USD", ValueError, "finite"),
        (Decimal("Infinity"), "USD", ValueError, "finite"),
        (Decimal("1"), "usd", ValueError, "currencyCode"),
        (Decimal("1"), "EURO", ValueError, "currencyCode"),
        (0.1, "USD", TypeError, "float"),
    ],
)
def test_from_decimal_rejects_what_money_cannot_hold(
    amount: object, currency: str, error: type[Exception], message: str
) -> None:
    """Amounts that would be rounded or overflow, floats, and bad currency codes are refused, not approximated."""
    with pytest.raises(error, match=message):
        Money.from_decimal(amount, currency)


def test_valid_money_has_no_violations() -> None:
    """A well-formed amount reports nothing and validate() passes."""
    money = Money(currency_code="EUR", units="-3", nanos=-10)
    assert money.violations() == []
    money.validate()


@pytest.mark.parametrize(
    ("money", "fragment"),
    [
        (Money(currency_code="USD", units="1.5", nanos=0), "units: expected an int64 as a decimal string"),
        (Money(currency_code="USD", units="9223372036854775808"), "units: expected an int64 within"),
        (Money(currency_code="USD", units="1", nanos=1_000_000_000), "nanos: expected an integer within"),
        (Money(currency_code="USD", units="1", nanos=-1), "nanos: expected the sign of units"),
        (Money(currency_code="USD", units="-1", nanos=1), "nanos: expected the sign of units"),
        (Money(currency_code="usd", units="1"), "currencyCode: expected an ISO 4217 currency code"),
        (Money(units="1"), "currencyCode is missing"),
    ],
)
def test_each_rule_is_reported(money: Any, fragment: str) -> None:
    """Each broken rule (units format/range, nanos range, sign rule, currency code) shows in violations and validate."""
    assert any(fragment in problem for problem in money.violations()), money.violations()
    with pytest.raises(ValueError, match=fragment):
        money.validate()


def test_all_violations_are_reported_together() -> None:
    """Several broken rules are listed together, not just the first."""
    problems = Money(currency_code="dollars", units="x", nanos=2_000_000_000).violations()
    assert len(problems) == 3


@pytest.mark.parametrize("key", MONEY_SCHEMAS)
def test_helpers_come_from_the_schema_shape(key: str) -> None:
    """The units/nanos/currencyCode-shaped models get the money helpers."""
    cls = model_class(key)
    assert hasattr(cls, "to_decimal") and hasattr(cls, "from_decimal") and hasattr(cls, "violations")


@pytest.mark.parametrize("key", OTHER_MESSAGES)
def test_other_models_get_no_money_helpers(key: str) -> None:
    """The legitimate counterpart: every other message model of the spec is untouched."""
    cls = model_class(key)
    assert not hasattr(cls, "to_decimal") and not hasattr(cls, "violations")
