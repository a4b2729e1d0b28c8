"""_lib.bulk: a page of jobs parsed column by column equals from_dict item by item, errors included.

The bodies are the mock's fixtures (built from the spec), written by both marshaling profiles, then mutated the
ways a gateway can get a field wrong: left out, null, another JSON type, a proto3 string number, a bad timestamp,
an enum value newer than the spec, a field newer than the spec. Hypothesis draws pages of them (a seeded, bounded
profile), and every page must give the same models, or the same error, both ways.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from fireworks_gateway._lib.bulk import BulkParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway_mock.fixtures import build_fixtures
from gateway_mock.marshal import Marshaler
from spec_tools.spec import load_spec
from tests.client_spec_bodies import JOB_PROPERTIES, model_class

SPEC = load_spec()
Job: Any = model_class(SPEC.job_schema_name())
FIXTURES = build_fixtures(SPEC)
BODIES: list[dict[str, Any]] = [
    Marshaler(SPEC, profile).full(job)
    for profile in ("emit-unpopulated", "omit-unpopulated")
    for job in FIXTURES.values()
]
REQUIRED = tuple(SPEC.job_schema().get("required", ()))
# Values of the wrong JSON type for each JSON type, and proto3 JSON spellings from_dict converts.
WRONG: dict[str, list[Any]] = {
    "string": [5, True, ["x"], {"a": 1}],
    "integer": ["7", "-3", "x", 1.0, 1.5, True, "1e3"],
    "number": [1, "NaN", "Infinity", "0.5", "abc", False, "1_0", " 2"],
    "boolean": ["true", 1, None],
    "object": ["text", 3, [], None],
    "array": ["text", {}],
}


def _kind(schema: dict[str, Any]) -> str:
    return str(schema.get("type") or "object")


def outcome(parse: Callable[[], list[Any]]) -> tuple[str, str]:
    """What a parse gives: its models' repr, or its error's type and message (repr: NaN equals itself)."""
    try:
        return "ok", repr(parse())
    except Exception as error:  # the type and text are what is compared
        return type(error).__name__, str(error)


@st.composite
def mutated_body(draw: st.DrawFn) -> dict[str, Any]:
    body = copy.deepcopy(draw(st.sampled_from(BODIES)))
    for _ in range(draw(st.integers(0, 3))):
        # Required fields drawn often: their absence and nulls are where the two paths could most easily differ.
        name = draw(st.sampled_from([*sorted(JOB_PROPERTIES), *REQUIRED * 8]))
        schema = JOB_PROPERTIES[name]
        action = draw(st.sampled_from(["drop", "null", "wrong", "nested", "unknown-enum", "extra", "timestamp"]))
        if action == "drop":
            body.pop(name, None)
        elif action == "null":
            body[name] = None
        elif action == "wrong":
            body[name] = draw(st.sampled_from(WRONG[_kind(schema)]))
        elif action == "nested" and isinstance(body.get(name), dict) and body[name]:
            sub = draw(st.sampled_from(sorted(body[name])))
            body[name][sub] = draw(st.sampled_from(["7", None, 2.5, "x", True, {}]))
        elif action == "unknown-enum" and schema.get("enum"):
            body[name] = "STATE_NEWER_THAN-THE-SPEC"
        elif action == "extra":
            body["fieldNewerThanTheSpec"] = draw(st.sampled_from([1, "x", None, {"a": [1]}]))
        elif action == "timestamp" and schema.get("format") == "date-time":
            body[name] = draw(st.sampled_from(["not a time", "2026-01-08", "2026-01-08T10:00:00.123456789Z"]))
    return body


@st.composite
def pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A few distinct bodies, repeated (pages hold many jobs of few shapes), in a drawn order."""
    distinct = draw(st.lists(mutated_body(), min_size=1, max_size=4))
    return draw(st.lists(st.sampled_from(distinct), min_size=1, max_size=40))


@settings(
    max_examples=150, derandomize=True, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(page=pages(), masked=st.booleans())
def test_a_page_parses_as_from_dict_parses_each_item(page: list[dict[str, Any]], masked: bool) -> None:
    """Same models, or the same first error, whatever the page holds (with and without a read mask)."""
    read_mask = frozenset(["name"]) if masked else None
    parser = BulkParser(Job)
    items = copy.deepcopy(page)
    bulk = outcome(lambda: parser.parse(items, read_mask))
    assert items == page, "parsing must not change its input"
    assert bulk == outcome(lambda: [Job.from_dict(item, read_mask=read_mask) for item in page])


def test_regular_pages_never_go_through_from_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages as each marshaling profile writes them (eight of each fixture, mixed: several key sets) parse by
    columns: from_dict, of the job and of every nested model, is never called, and the models are the same."""
    import fireworks_gateway.models as models

    pages = [
        [Marshaler(SPEC, profile).full(job) for job in FIXTURES.values()] * 8
        for profile in ("emit-unpopulated", "omit-unpopulated")
    ]
    expected = [repr([Job.from_dict(body) for body in page]) for page in pages]

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("from_dict called: the page left the column path")

    for name in models.__all__:
        if hasattr(getattr(models, name), "from_dict"):
            monkeypatch.setattr(getattr(models, name), "from_dict", classmethod(refuse))
    assert [repr(BulkParser(Job).parse(page)) for page in pages] == expected


def test_an_empty_page_and_a_page_of_one() -> None:
    """Edge sizes: nothing, and one job."""
    parser = BulkParser(Job)
    assert parser.parse([]) == []
    assert parser.parse([BODIES[0]]) == [Job.from_dict(BODIES[0])]


def _each_mutation() -> list[tuple[str, Any]]:
    """(field, value) for every job property and every wrong or unusual value of its JSON type, plus a null."""
    return [(name, value) for name, schema in JOB_PROPERTIES.items() for value in [*WRONG[_kind(schema)], None]]


def test_every_field_with_every_odd_value() -> None:
    """Deterministically, field by field: a page of regular jobs with one odd value in the middle parses the same
    both ways (converted alike, or refused with the same error)."""
    regular = BODIES[len(BODIES) // 2]
    for name, value in _each_mutation():
        odd = copy.deepcopy(regular) | {name: value}
        page = [regular, odd, regular]
        assert outcome(lambda page=page: BulkParser(Job).parse(page)) == outcome(
            lambda page=page: [Job.from_dict(item) for item in page]
        ), (name, value)
