"""A document validated to the end is not validated again in the same process: same content, same errors, no
second run of openapi-spec-validator; anything else (other content, a caller that stopped early) runs it afresh."""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from spec_tools import validate

VALID: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {"/v1/things": {"get": {"responses": {"200": {"description": "ok"}}}}},
}
# Two defects: a response without its required description, an operation whose path lacks its declared parameter.
BROKEN: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/things": {"get": {"responses": {"200": {}}}},
        "/v1/others": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
}


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times openapi-spec-validator walks a document, with an empty memo."""
    monkeypatch.setattr(validate, "_KNOWN", OrderedDict())
    calls: list[int] = []
    real = OpenAPIV31SpecValidator.iter_errors

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(OpenAPIV31SpecValidator, "iter_errors", counting)
    return calls


def _messages(document: dict[str, Any]) -> list[str]:
    return [error.message for error in validate._errors(document)]


def test_the_same_content_is_validated_once_and_gives_the_same_errors(runs: list[int]) -> None:
    first = _messages(BROKEN)
    assert first and runs == [1]
    assert _messages(copy.deepcopy(BROKEN)) == first  # another object with the same content
    assert _messages(VALID) == [] and _messages(copy.deepcopy(VALID)) == []
    assert runs == [1, 1]


def test_other_content_is_validated_afresh_even_where_json_would_not_tell(runs: list[int]) -> None:
    """A status key 200 (an int) and "200" (a name) write the same JSON, but only the name is valid: the int is
    refused, not given the name's clean result."""
    numeric = copy.deepcopy(VALID)
    numeric["paths"]["/v1/things"]["get"]["responses"] = {200: {"description": "ok"}}
    assert _messages(VALID) == []
    with pytest.raises(validate.SpecInputError, match="must be str"):
        _messages(numeric)
    changed = copy.deepcopy(VALID)
    changed["info"]["title"] = "u"
    _messages(changed)
    assert runs == [1, 1, 1]


def test_a_caller_that_stops_at_the_first_error_leaves_nothing_kept(runs: list[int]) -> None:
    first = next(iter(validate._errors(BROKEN)))
    assert first.message
    assert len(_messages(BROKEN)) == 2 and runs == [1, 1]
    assert len(_messages(BROKEN)) == 2 and runs == [1, 1]


def test_the_memo_is_bounded(runs: list[int]) -> None:
    for number in range(validate._MAX_KNOWN + 5):
        document = copy.deepcopy(VALID)
        document["info"]["title"] = f"t{number}"
        _messages(document)
    assert len(validate._KNOWN) == validate._MAX_KNOWN
    _messages(VALID | {"info": {"title": "t0", "version": "1"}})  # the oldest went first: validated again
    assert len(runs) == validate._MAX_KNOWN + 6
