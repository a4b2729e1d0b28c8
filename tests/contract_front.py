"""A loopback front for contract self-tests: it forwards every request to a mock and notes each one, a witness
outside the suite that sees every client the suite uses."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx

from contract_tests.operation_facts import api_facts
from gateway_mock.constants import MINIMAL_JOB_ID
from tests.helpers import SECRET_KEY, LoopbackServer, loopback_request

__all__ = ["CLEAN_JOBS", "CLOCK_SPEED", "DATASET", "WAIT", "front", "held"]

CLEAN_JOBS = ("sft-running", MINIMAL_JOB_ID)  # faithful fixture jobs: no finding may land on them

CLOCK_SPEED = 20.0  # jobs walk 20 times faster than real time: a cancel shows in 0.05 s, a job ends in 0.5 s
WAIT = "1"  # CONTRACT_WAIT_SECONDS: how long a cancel that never takes effect is waited for
DATASET = "contract-selftest-dataset"  # short, so that the full-resource-names variant expands it


@contextlib.contextmanager
def front(
    upstream: str,
    created: tuple[threading.Event, str] | None = None,
    refuse: tuple[str, str] | None = None,
) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A loopback front that forwards every request to the mock and notes (method, path with query): a witness
    outside the suite, seeing every client it uses. `created` (event, path part): the event is set once a create
    whose path holds that part went through; `refuse` (method, path part): such requests are answered 500 (code
    13, INTERNAL) instead of forwarded."""
    requests: list[tuple[str, str]] = []
    create = api_facts().operations["create"]

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # BaseHTTPRequestHandler dispatches on do_<METHOD>
                return self._forward
            raise AttributeError(name)

        def _forward(self) -> None:
            requests.append((self.command, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            if refuse is not None and self.command == refuse[0] and refuse[1] in self.path:
                self.rfile.read(length)
                body = b'{"code": 13, "message": "refused by the test", "details": []}'
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            answer = client.request(self.command, upstream + self.path, headers=headers,
                                    content=self.rfile.read(length) if length else None)  # fmt: skip
            self.send_response(answer.status_code)
            for key, value in answer.headers.items():
                if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)
            made = self.command == create.method and create.path.match(self.path.split("?")[0]) is not None
            if created is not None and made and created[1] in self.path and answer.status_code == 200:
                created[0].set()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    with httpx.Client(timeout=30) as client, LoopbackServer(("127.0.0.1", 0), Forward) as front:
        threading.Thread(target=front.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{front.server_address[1]}", requests
        finally:
            front.shutdown()


def held(base_url: str, account: str, job_id: str) -> str:
    """What the mock holds of a job now: "gone", a deletion state, or any other state (a job left behind)."""
    path = api_facts().operations["get"].path.expand({"account_id": account, "supervised_fine_tuning_job_id": job_id})
    answer = loopback_request("GET", base_url + path, headers={"Authorization": f"Bearer {SECRET_KEY}"})
    return "gone" if answer.status_code == 404 else str(answer.json().get(api_facts().resource.state_field or ""))
