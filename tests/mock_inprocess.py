"""The mock app in-process for lifecycle tests: no server, no port, one event loop, httpx's ASGI transport.

Building a MockGateway takes a few milliseconds, so each test may have its own (a fresh store, its own clock).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx

from gateway_mock.app import MockGateway
from gateway_mock.clock import Clock, ClockMode
from gateway_mock.constants import MOCK_ACCOUNT
from gateway_mock.faults import Fault
from gateway_mock.marshal import Profile
from gateway_mock.spec_source import served_spec

__all__ = ["ITEMS", "KEY", "SPEC", "InProcess", "collection_path", "job_path"]

KEY = "in-process-key"
SPEC = served_spec()
_LIST = next(op for op in SPEC.operations if op.kind == "list")
_COLLECTION = _LIST.path
_JOB = SPEC.job_operation().path
# The list answer's array of jobs (supervisedFineTuningJobs), found by its items' schema.
ITEMS = next(
    name
    for name, node in SPEC.resolve(_LIST.response_schema or {}).get("properties", {}).items()
    if SPEC.schema_name(SPEC.resolve(node).get("items", {})) == SPEC.job_schema_name()
)


def collection_path(account: str = MOCK_ACCOUNT) -> str:
    """The jobs' collection path, expanded from the spec's list template."""
    return _COLLECTION.expand({_COLLECTION.variables[0]: account})


def job_path(job_id: str, account: str = MOCK_ACCOUNT, verb: str | None = None) -> str:
    values = dict(zip(_JOB.variables, (account, job_id), strict=True))
    path = _JOB.expand(values)
    return f"{path}:{verb}" if verb else path


class InProcess:
    """Sync calls into one MockGateway; `app.clock` and `app.store` are there to drive."""

    def __init__(
        self,
        *,
        clock: ClockMode = "manual",
        marshal: Profile = "emit-unpopulated",
        fault: Fault | None = None,
        all_faults: bool = False,
        seed_jobs: int = 0,
    ) -> None:
        self.app = MockGateway(
            SPEC,
            api_key=KEY,
            clock=Clock(clock),
            marshal=marshal,
            fault=fault,
            all_faults=all_faults,
            seed_jobs=seed_jobs,
        )
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://mock.invalid",
            headers={"Authorization": f"Bearer {KEY}"},
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, path, **kwargs))

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.request("GET", path, params=params)

    def job(self, job_id: str, account: str = MOCK_ACCOUNT) -> dict[str, Any]:
        response = self.get(job_path(job_id, account))
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def create(self, body: dict[str, Any], job_id: str | None = None, account: str = MOCK_ACCOUNT) -> httpx.Response:
        params = {"supervisedFineTuningJobId": job_id} if job_id is not None else {}
        return self.request("POST", collection_path(account), params=params, json=body)

    def verb(self, job_id: str, verb: str, account: str = MOCK_ACCOUNT) -> httpx.Response:
        return self.request("POST", job_path(job_id, account, verb), json={})

    def delete(self, job_id: str, account: str = MOCK_ACCOUNT) -> httpx.Response:
        return self.request("DELETE", job_path(job_id, account))

    def estimate(self, body: dict[str, Any], account: str = MOCK_ACCOUNT) -> httpx.Response:
        return self.request("POST", collection_path(account) + ":estimateCost", json=body)

    def pages(self, account: str = MOCK_ACCOUNT, limit: int = 500, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a list walk (bounded), following nextPageToken."""
        token = None
        for _ in range(limit):
            response = self.get(collection_path(account), **params, **({"pageToken": token} if token else {}))
            assert response.status_code == 200, response.text
            page: dict[str, Any] = response.json()
            yield page
            token = page.get("nextPageToken")
            if not token:
                return
        raise AssertionError(f"the walk did not end within {limit} pages")

    def listed(self, account: str = MOCK_ACCOUNT, **params: Any) -> list[dict[str, Any]]:
        return [job for page in self.pages(account, **params) for job in page.get(ITEMS, [])]

    def advance(self, seconds: float) -> None:
        self.app.clock.advance(seconds)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
