"""The OpenAPI links the suite declares in a derived copy of the spec, and schemathesis' stateful phase following
them against a small loopback server (schemathesis' own inference finds none of them)."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import hypothesis
import pytest
import schemathesis
from schemathesis.specs.openapi.expressions import parser

from contract_tests.links import declared_links, with_links
from contract_tests.operation_facts import api_facts
from spec_tools.selection import select_document
from spec_tools.spec import load_spec

FACTS = api_facts()
SPEC = load_spec()


def derived() -> dict[str, Any]:
    return select_document(SPEC.document, SPEC.selection)


def _links_of(document: dict[str, Any]) -> dict[str, set[str]]:
    """operationId -> the operationIds its 200 answer links to (by operationId or operationRef)."""
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "responses" in op
    ]
    by_ref = {
        f"#/paths/{path.replace('~', '~0').replace('/', '~1')}/{method}": op["operationId"]
        for path, method, op in operations
    }
    found: dict[str, set[str]] = {}
    for _, _, op in operations:
        for link in (op["responses"].get("200") or {}).get("links", {}).values():
            target = link.get("operationId") or by_ref.get(link.get("operationRef", ""))
            found.setdefault(op["operationId"], set()).add(target)
    return found


def test_declared_links_go_from_create_and_list_to_the_job_operations() -> None:
    """Create links to every operation on one job; the list only to the ones that read."""
    ops = FACTS.operations
    on_job = {o.operation_id for o in ops.values() if o.on_resource}
    reads = {o.operation_id for o in ops.values() if o.on_resource and o.method == "GET"}
    assert _links_of(with_links(derived(), FACTS)) == {
        ops["create"].operation_id: on_job,
        ops["list"].operation_id: reads,
    }


def test_links_are_declared_in_a_copy_only() -> None:
    """The document given (and the vendored spec behind it) is left as it was."""
    document = derived()
    before = copy.deepcopy(document)
    with_links(document, FACTS)
    assert document == before
    assert _links_of(SPEC.document) == {}


def test_link_expressions_extract_the_job_id_from_a_resource_name() -> None:
    """schemathesis parses each declared expression, and its regex takes the id out of the job's name."""
    name = FACTS.resource.resource_name({"account_id": "acme"}, "job-7")
    for links in declared_links(FACTS).values():
        for link in links.values():
            expression = link["parameters"][f"path.{FACTS.resource.id_variable}"]
            [node] = parser.parse(expression)
            assert node.extractor is not None and node.extractor.extract(name) == "job-7"
            assert node.extractor.extract("accounts/acme/models/job-7") is None


def test_schemathesis_infers_no_link_out_of_create_or_list() -> None:
    """The measurement behind the declared links: schemathesis 4.32.5's dependency analysis, on the derived copy,
    links only the `{}` answers of delete and cancel (to a field they never carry), never create or list."""
    api = schemathesis.openapi.from_dict(derived())
    assert api.analysis.inject_links() > 0
    inferred = _links_of(api.raw_schema)
    ops = FACTS.operations
    assert ops["create"].operation_id not in inferred and ops["list"].operation_id not in inferred
    assert set(inferred) <= {o.operation_id for o in ops.values() if o.answer_is_empty}


# --- the stateful phase follows them -----------------------------------------------------------------


class _Jobs(BaseHTTPRequestHandler):
    """Just enough of the lifecycle to be walked: create, get, list, delete, cancel, resume, estimate."""

    jobs: dict[str, dict[str, Any]]
    created: set[str]
    requests: list[tuple[str, str]]

    def log_message(self, *_: Any) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        split = urlsplit(self.path)
        self.requests.append((self.command, split.path))
        for facts in FACTS.operations.values():
            values = facts.path.match(split.path) if facts.method == self.command else None
            if values is not None:
                return self._serve(facts.method_name, values, parse_qs(split.query))
        return self._answer(404, {"code": 5, "message": "no such route", "details": []})

    def _serve(self, kind: str, values: dict[str, str], query: dict[str, list[str]]) -> None:
        res = FACTS.resource
        if kind == "create":
            asked = (query.get(FACTS.operations["create"].resource_id_parameter or "") or [""])[0]
            job_id = asked if re.fullmatch(r"[a-z][a-z0-9-]{0,62}", asked) else f"j{len(self.jobs)}"
            self.jobs[job_id] = {res.name_field: res.resource_name(values, job_id), **dict.fromkeys(res.required, "d")}
            self.created.add(job_id)
            return self._answer(200, self.jobs[job_id])
        if kind == "list":
            return self._answer(200, {FACTS.operations["list"].answer_list_field: list(self.jobs.values())})
        if kind == "estimate_cost":
            return self._answer(200, {"estimatedCost": {"currencyCode": "USD", "units": "1"}})
        job = self.jobs.get(values.get(res.id_variable, ""))
        if job is None:
            return self._answer(404, {"code": 5, "message": "not found", "details": []})
        if kind == "delete":
            self.jobs.pop(values[res.id_variable])
        return self._answer(200, {} if FACTS.operations[kind].answer_is_empty else job)

    do_GET = do_POST = do_DELETE = _route


@pytest.fixture
def job_server() -> Iterator[tuple[str, type[_Jobs]]]:
    handler = type("Handler", (_Jobs,), {"jobs": {}, "created": set(), "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _walk(base_url: str, document: dict[str, Any], *, infer: bool) -> None:
    api = schemathesis.openapi.from_dict(document)
    api.config.update(base_url=base_url, headers={"Authorization": "Bearer k"})
    if not infer:
        api.config.phases.stateful.inference.algorithms = []  # only the links the document declares

    class Machine(api.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, *_: Any, **__: Any) -> None:
            pass  # this measures which calls are chained, not what they answer

    Machine.run(
        settings=hypothesis.settings(
            max_examples=12,
            stateful_step_count=4,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


def _on_created(handler: type[_Jobs]) -> set[str]:
    """The operations (by method name) that reached a job the walk had created."""
    reached = set()
    for method, path in handler.requests:
        for facts in FACTS.operations.values():
            values = facts.path.match(path) if facts.on_resource and facts.method == method else None
            if values and values[FACTS.resource.id_variable] in handler.created:
                reached.add(facts.method_name)
    return reached


def test_the_stateful_phase_follows_the_declared_links(job_server: tuple[str, type[_Jobs]]) -> None:
    """With the declared links, generated walks create jobs and then get, delete, cancel and resume them; bounded
    (12 walks of at most 4 steps, derandomized)."""
    base_url, handler = job_server
    _walk(base_url, with_links(derived(), FACTS), infer=False)
    assert _on_created(handler) == {o.method_name for o in FACTS.operations.values() if o.on_resource}


def test_without_links_no_walk_reaches_a_created_job(job_server: tuple[str, type[_Jobs]]) -> None:
    """The same walk over the undeclared copy, with schemathesis' own inference, never reaches a job it created:
    the declared links are what chain them."""
    base_url, handler = job_server
    _walk(base_url, derived(), infer=True)
    assert _on_created(handler) == set()
