"""The mock holds up: schemathesis (positive and negative data) finds no 5xx, and a bounded load sees zero errors."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.schemas import BaseSchema

from gateway_mock.constants import DEFAULT_API_KEY
from gateway_mock.server import RunningMock, running_mock
from spec_tools.selection import select_document
from spec_tools.spec import load_spec
from tests.client_spec_bodies import NESTED_SCALAR
from tests.helpers import job_path

CLIENTS = 20
_SPEC = load_spec()
REQUIRED = tuple(_SPEC.job_schema().get("required", ()))
REQUESTS_PER_CLIENT = 500


@pytest.fixture(scope="module")
def served_api() -> BaseSchema:
    """The operations the mock serves: the selected ones (the whole spec's others would only cost time). Built when
    the test runs, not at import: every xdist worker collects every module, and the coverage cases schemathesis
    builds with a collected test cost each of them about a second."""
    api = schemathesis.openapi.from_dict(select_document(_SPEC.document, _SPEC.selection))
    api.config.generation.update(
        max_examples=60,
        deterministic=True,
        database="none",
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    )
    return api


@pytest.fixture(autouse=True)
def _schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32.5's fixture-built tests name each operation in the report through `Node._nodeid`, which
    pytest 9 no longer has (AttributeError): give the node that attribute, read and written only by schemathesis."""
    request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("served_api")


# A mask of the name and one nested leaf (jobProgress.percent today), found in the spec, or the required fields.
NESTED_MASK = ",".join(["name", NESTED_SCALAR.path] if NESTED_SCALAR else ["name", *REQUIRED])


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock() as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """One keep-alive session for the generated calls: each call with a session of its own would open a connection
    and read the proxy settings of the environment (about 2 ms of the test's 6 per call)."""
    with requests.Session() as opened:
        opened.trust_env = False  # loopback: no proxy, no netrc
        yield opened


@schema.parametrize()
def test_schemathesis_finds_no_server_error(
    case: schemathesis.Case, mock: RunningMock, session: requests.Session
) -> None:
    """Generated requests (valid and invalid ids, accounts, readMasks) never get a 5xx or a non-JSON body."""
    authorization = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    response = case.call(base_url=mock.base_url, session=session, headers=authorization, timeout=10)
    assert response.status_code < 500, (case.path_parameters, case.query, response.text)
    assert response.headers.get("content-type") == ["application/json"]
    body = response.json()
    if response.status_code != 200:
        assert set(body) == {"code", "message", "details"}


def test_twenty_clients_times_five_hundred_requests_see_zero_errors(mock: RunningMock) -> None:
    """20 concurrent keep-alive clients x 500 requests (fixtures, readMask, 404): every answer as expected."""
    url = urlsplit(mock.base_url)
    paths = [
        (job_path("mock-account", "sft-running"), 200),
        (job_path("mock-account", "sft-minimal"), 200),
        (job_path("mock-account", "sft-completed") + f"?readMask={NESTED_MASK}", 200),
        (job_path("mock-account", "no-such-job"), 404),
    ]
    expected_bodies: dict[str, bytes] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
        try:
            for index in range(REQUESTS_PER_CLIENT):
                path, status = paths[(number + index) % len(paths)]
                connection.request("GET", path, headers={"Authorization": f"Bearer {mock.api_key}"})
                response = connection.getresponse()
                body = response.read()
                with lock:
                    reference = expected_bodies.setdefault(path, body)
                if response.status != status or body != reference:
                    with lock:
                        errors.append(f"client {number} request {index}: {path} -> {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            with lock:
                errors.append(f"client {number}: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert len(expected_bodies) == len(paths)
