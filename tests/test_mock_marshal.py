"""The mock marshals by one profile at a time: emit-unpopulated (grpc-gateway's default) or omit-unpopulated
(protojson's default), with and without a read mask, and the contract rules accept both."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from contract_tests.exchange import Exchange
from contract_tests.rules import check_exchange
from contract_tests.spec_facts import spec_facts
from gateway_mock.app import MockGateway
from gateway_mock.clock import Clock
from gateway_mock.constants import DEFAULT_API_KEY, MINIMAL_JOB_ID
from gateway_mock.fixtures import build_fixtures
from gateway_mock.marshal import PROFILES, Marshaler
from gateway_mock.server import serving_in_thread
from spec_tools.spec import load_spec
from tests.client_spec_bodies import MONEY_FIELDS
from tests.helpers import asgi_request, jobs_prefix, mask_samples

JOBS = jobs_prefix("mock-account")
SPEC = load_spec()
FIXTURES = build_fixtures(SPEC)
PROPERTIES = {name: SPEC.resolve(node) for name, node in SPEC.job_schema()["properties"].items()}
REQUIRED = next(iter(SPEC.job_schema().get("required", ())), "name")
# Masks of every kind, their paths found in the spec and the running job: none, top level, a message, a nested
# leaf, proto (snake_case) names.
SAMPLE = mask_samples(PROPERTIES, FIXTURES["sft-running"], MONEY_FIELDS)
NESTED = [f"{SAMPLE.nested}.{SAMPLE.leaves[0]}"] if SAMPLE.nested and SAMPLE.leaves else []
MASKS = ["", "name", f"name,{REQUIRED}", f"state,{SAMPLE.message}", *NESTED]
MASKS += [f"{SAMPLE.snake(SAMPLE.scalar)},{SAMPLE.snake(SAMPLE.nested or SAMPLE.message)}"]


@functools.cache
def _app(profile: str) -> MockGateway:
    """One mock per profile for the module (reads change nothing; its clock stands still): building one costs a
    few milliseconds, and the module reads a few hundred times."""
    return MockGateway(SPEC, api_key=DEFAULT_API_KEY, marshal=profile, clock=Clock("manual"))  # type: ignore[arg-type]


def served(profile: str, job_id: str, mask: str = "") -> dict[str, Any]:
    app = _app(profile)
    query = f"?readMask={mask}" if mask else ""
    status, headers, body = asgi_request(app, JOBS + job_id + query, authorization=f"Bearer {DEFAULT_API_KEY}")
    assert (status, headers["content-type"]) == (200, "application/json")
    return dict(json.loads(body))


def nulls(value: Any) -> int:
    if isinstance(value, dict):
        return sum(1 if v is None else nulls(v) for v in value.values())
    return 0


@pytest.mark.parametrize("job_id", list(FIXTURES))
def test_emit_unpopulated_writes_every_field(job_id: str) -> None:
    """Default profile: every property of the schema is present, set ones as the fixture has them."""
    job = served("emit-unpopulated", job_id)
    assert set(job) == set(PROPERTIES)
    assert all(job[name] == value for name, value in FIXTURES[job_id].items() if value is not None)


@pytest.mark.parametrize("job_id", list(FIXTURES))
def test_omit_unpopulated_writes_no_null_and_no_zero_scalar(job_id: str) -> None:
    """protojson's default: no null anywhere, no top-level zero-valued scalar, set values unchanged."""
    job = served("omit-unpopulated", job_id)
    assert nulls(job) == 0
    for name, value in job.items():
        assert value not in ("", 0, "0", False, []), name
        if not isinstance(value, dict):
            assert value == FIXTURES[job_id][name]
    assert set(job) <= {name for name, value in FIXTURES[job_id].items() if value is not None}


def test_the_minimal_job_differs_by_profile() -> None:
    """sft-minimal: every field (zero-valued) when emitting unpopulated fields; name and dataset only otherwise."""
    assert set(served("emit-unpopulated", MINIMAL_JOB_ID)) == set(PROPERTIES)
    assert set(served("omit-unpopulated", MINIMAL_JOB_ID)) == set(FIXTURES[MINIMAL_JOB_ID])


@pytest.mark.parametrize("mask", [m for m in MASKS if m])
def test_masked_out_fields_are_zero_values_or_absent(mask: str) -> None:
    """Outside a read mask: a zero value (`"dataset": ""`) in emit-unpopulated, absent in omit-unpopulated."""
    emitted, omitted = served("emit-unpopulated", "sft-running", mask), served("omit-unpopulated", "sft-running", mask)
    assert set(emitted) == set(PROPERTIES)
    tops = {path.split(".")[0] for path in mask.split(",")}
    named = {name for name in PROPERTIES if any(_same(name, top) for top in tops)}
    assert set(omitted) <= named
    for name in set(PROPERTIES) - named:
        assert emitted[name] in (None, "", 0, "0", False, [], PROPERTIES[name].get("enum", [None])[0]), name
    if REQUIRED not in mask:
        assert emitted[REQUIRED] == "" and REQUIRED not in omitted


def _same(camel: str, path: str) -> bool:
    return camel.lower() == path.replace("_", "").lower()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("mask", MASKS)
def test_every_profile_and_mask_passes_every_contract_rule(profile: str, mask: str) -> None:
    """The rules accept what each profile writes: no profile is a contract violation."""
    for job_id in FIXTURES:
        body = served(profile, job_id, mask)
        url = f"http://mock{JOBS}{job_id}" + (f"?readMask={mask}" if mask else "")
        exchange = Exchange.build(
            method="GET",
            url=url,
            status=200,
            headers={"content-type": "application/json"},
            content=json.dumps(body).encode(),
            authorization=f"Bearer {DEFAULT_API_KEY}",
            api_key=DEFAULT_API_KEY,
        )
        failures = [v for v in check_exchange(exchange, spec_facts()) if not v.advisory]
        assert failures == [], (profile, job_id, mask, failures)


def test_an_unknown_profile_is_refused() -> None:
    """A typo in the profile is an error naming the valid ones, not a silent default."""
    with pytest.raises(ValueError, match="emit-unpopulated"):
        Marshaler(SPEC, "emit")  # type: ignore[arg-type]


@pytest.mark.parametrize("profile", PROFILES)
def test_the_generated_client_parses_every_profile(profile: str) -> None:
    """Our client reads what each profile writes, masked or not, over HTTP: set fields keep their values."""
    from fireworks_gateway import AuthenticatedClient
    from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job

    with serving_in_thread(marshal=profile) as mock, AuthenticatedClient(mock.base_url, mock.api_key) as client:  # type: ignore[arg-type]
        for job_id in FIXTURES:
            for mask in MASKS:
                job = get_job.sync(mock.account, job_id, client=client, read_mask=mask or None)
                assert job is not None and not isinstance(job, Exception)
                if not mask or "name" in mask.split(","):
                    assert job.name == FIXTURES[job_id]["name"]
