"""A document validated to the end is not validated again in the same process: same content, same errors, no
second run of openapi-spec-validator; anything else (other content, a caller that stopped early) runs it afresh.
A document found valid is not validated again in a later process either (`spec_tools.validation_cache`); one with
errors always is."""

from __future__ import annotations

import copy
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from spec_tools import validate, validation_cache
from spec_tools.parse_cache import CACHE_ENV

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
    """How many times openapi-spec-validator walks a document, with an empty memo and no cache between processes."""
    monkeypatch.setenv(CACHE_ENV, "off")
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


@pytest.fixture
def markers(runs: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`runs`, with the cache between processes in a folder of this test's own: where its markers go."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path / "valid-specs"


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new process starts with: an empty memo (the markers on disk stay)."""
    monkeypatch.setattr(validate, "_KNOWN", OrderedDict())


def test_a_valid_document_is_validated_once_across_processes(
    markers: Path, runs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _messages(VALID) == [] and runs == [1]
    assert len(list(markers.iterdir())) == 1
    _new_process(monkeypatch)
    assert _messages(copy.deepcopy(VALID)) == [] and runs == [1]
    changed = copy.deepcopy(VALID)
    changed["info"]["title"] = "u"
    assert _messages(changed) == [] and runs == [1, 1]  # other content: validated


def test_a_document_with_errors_is_validated_in_every_process(
    markers: Path, runs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _messages(BROKEN)
    _new_process(monkeypatch)
    assert _messages(BROKEN) == first and len(first) == 2
    assert runs == [1, 1] and not markers.exists()


def test_other_validation_rules_never_reach_older_markers(
    markers: Path, runs: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A marker left under other rules (another validator version, other validation code) is not taken."""
    rules = validation_cache._rules()
    assert rules is not None
    for part in (*validation_cache._SOURCES, *validation_cache._DISTRIBUTIONS):
        assert f"{part} " in rules
    _messages(VALID)
    _new_process(monkeypatch)
    monkeypatch.setattr(validation_cache, "_rules", lambda: rules.replace("openapi-spec-validator ", "o-s-v 99."))
    assert _messages(VALID) == [] and runs == [1, 1]


def test_the_markers_are_bounded(markers: Path, runs: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation_cache, "MAX_ENTRIES", 3)
    for number in range(5):
        document = copy.deepcopy(VALID)
        document["info"]["title"] = f"t{number}"
        _messages(document)
    assert len(list(markers.iterdir())) == 3 and len(runs) == 5


def test_with_the_cache_off_nothing_is_written_and_every_process_validates(
    runs: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    _messages(VALID)
    _new_process(monkeypatch)
    _messages(VALID)
    assert runs == [1, 1] and list(tmp_path.iterdir()) == []
