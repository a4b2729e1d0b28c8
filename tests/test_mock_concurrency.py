"""Concurrency over real HTTP (one mock process for the module): 50 concurrent creates of one id give exactly one
200 and 49 409s; a list walk while jobs are being created never repeats a job and misses none that was there."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from gateway_mock.server import RunningMock, running_mock
from tests.mock_inprocess import ITEMS, collection_path

CONCURRENT = 50


@pytest.fixture(scope="module")
def mock() -> Iterator[RunningMock]:
    with running_mock(clock="manual") as served:
        yield served


def _send(mock: RunningMock, method: str, path: str, body: Any = None) -> tuple[int, dict[str, Any]]:
    url = urlsplit(mock.base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    try:
        headers = {"Authorization": f"Bearer {mock.api_key}", "Content-Type": "application/json"}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_concurrent_creates_of_one_id_give_one_200_and_409s(mock: RunningMock) -> None:
    path = collection_path() + "?" + urlencode({"supervisedFineTuningJobId": "contested"})
    barrier = threading.Barrier(CONCURRENT)

    def create(number: int) -> tuple[int, dict[str, Any]]:
        barrier.wait(timeout=30)
        return _send(mock, "POST", path, {"dataset": "accounts/mock-account/datasets/d", "displayName": str(number)})

    with ThreadPoolExecutor(CONCURRENT) as pool:
        answers = list(pool.map(create, range(CONCURRENT)))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (CONCURRENT - 1)
    assert {body["code"] for status, body in answers if status == 409} == {6}
    winner = next(body for status, body in answers if status == 200)
    status, stored = _send(mock, "GET", collection_path() + "/contested")
    assert (status, stored["displayName"]) == (200, winner["displayName"])


def test_a_list_walk_while_jobs_are_created_never_repeats_a_job(mock: RunningMock) -> None:
    before = set()
    token = ""
    while True:
        status, page = _send(mock, "GET", collection_path() + "?" + urlencode({"pageSize": 200, "pageToken": token}))
        before |= {job["name"] for job in page.get(ITEMS, [])}
        token = page.get("nextPageToken", "")
        if not token:
            break
    stop = threading.Event()
    created: list[str] = []

    def keep_creating() -> None:
        number = 0
        while not stop.is_set() and number < 400:
            job_id = f"during-walk-{number:04d}" if number % 2 else f"aa-during-{number:04d}"
            if (
                _send(mock, "POST", collection_path() + "?supervisedFineTuningJobId=" + job_id, {"dataset": "d"})[0]
                == 200
            ):
                created.append(job_id)
            number += 1

    creator = threading.Thread(target=keep_creating)
    creator.start()
    walked: list[str] = []
    token = ""
    try:
        for _ in range(500):
            query = urlencode({"pageSize": 3, "pageToken": token})
            status, page = _send(mock, "GET", collection_path() + "?" + query)
            assert status == 200, page
            walked += [job["name"] for job in page.get(ITEMS, [])]
            token = page.get("nextPageToken", "")
            if not token:
                break
    finally:
        stop.set()
        creator.join(timeout=60)
    assert created, "no job was created during the walk"
    assert len(walked) == len(set(walked))
    assert before <= set(walked)
