"""The OpenAPI links the suite declares in a derived copy of the spec, and the measurement behind them: schemathesis'
own inference finds none of them. (tests/test_contract_stateful.py walks them.)"""

from __future__ import annotations

import copy
from typing import Any

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
    """Create links to every operation on one job and to estimate cost (the operations that take a job's settings
    and make nothing); the list only to the operations on one job that read."""
    ops = FACTS.operations
    on_job = {o.operation_id for o in ops.values() if o.on_resource}
    priced = {
        o.operation_id for o in ops.values() if o.request_is_resource and o.kind != "create" and not o.on_resource
    }
    reads = {o.operation_id for o in ops.values() if o.on_resource and o.method == "GET"}
    assert priced and _links_of(with_links(derived(), FACTS)) == {
        ops["create"].operation_id: on_job | priced,
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
    """schemathesis parses each declared expression: a link to one job takes its id out of the job's name with a
    regex; a link to estimate cost sends the body the create sent, on the same account."""
    name = FACTS.resource.resource_name({"account_id": "acme"}, "job-7")
    id_parameter = f"path.{FACTS.resource.id_variable}"
    for links in declared_links(FACTS).values():
        for link in links.values():
            for expression in link["parameters"].values():
                parser.parse(expression)
            if id_parameter not in link["parameters"]:
                assert link["requestBody"] == "$request.body"
                assert FACTS.by_id(link["operationId"]).request_is_resource
                continue
            [node] = parser.parse(link["parameters"][id_parameter])
            assert node.extractor is not None and node.extractor.extract(name) == "job-7"
            assert node.extractor.extract("accounts/acme/models/job-7") is None


def test_schemathesis_infers_no_link_out_of_create_or_list() -> None:
    """The measurement behind the declared links: schemathesis 4.32.5's dependency analysis, on the derived copy,
    links only the `{}` answers of delete and cancel (8 links, each taking a body field those answers never carry),
    never create or list: none of the declared links is inferred."""
    api = schemathesis.openapi.from_dict(derived())
    assert api.analysis.inject_links() > 0
    inferred = _links_of(api.raw_schema)
    ops = FACTS.operations
    assert ops["create"].operation_id not in inferred and ops["list"].operation_id not in inferred
    assert set(inferred) <= {o.operation_id for o in ops.values() if o.answer_is_empty}
    declared = _links_of(with_links(derived(), FACTS))
    pairs = {(source, target) for source, targets in inferred.items() for target in targets}
    assert pairs.isdisjoint((source, target) for source, targets in declared.items() for target in targets)
