"""OpenAPI links between the selected operations, declared in a derived copy of the spec for schemathesis'
stateful phase (the vendored spec declares none and is never edited).

schemathesis 4.32.5 infers links from response schemas and path parameters, and from `Location` headers, which
this gateway does not send. On the seven operations its dependency analysis finds none of the links the lifecycle
needs: a created job's id is the last segment of its `name` (`accounts/{account}/supervisedFineTuningJobs/{id}`),
which no field of the job names as an id. (It does infer links from the `{}` answers of delete and cancel to
`$response.body#/supervised_fine_tuning_job_id`, a field that never exists; `LIFECYCLE_NOTES.md` has the
measurement.) The links declared here take the id out of the name with schemathesis' `#regex:` extractor:

- from the create (the answer is the job) to every operation on one job (get, delete, cancel, resume);
- from the list (its first listed job) to every operation on one job that only reads (get);
- from the create to estimate cost, its body the body the create sent (`$request.body`): the settings of a job
  the run created, priced.

Everything comes from the operation facts: which answers carry a job, where, which operations address one, the
path variables and the resource-name template.

The stateful phase (`test_stateful.py`) runs on this copy with schemathesis' inference off: in short, 8 links
inferred, 0 of them usable; 6 needed (create -> get, delete, cancel, resume, estimate cost; list -> get), 0 of
them inferred, 6 declared. Without the last, the phase would never call estimate cost (no link into or out of it).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .operation_facts import ApiFacts, OperationFacts

__all__ = ["declared_links", "with_links"]

_LINK_ORIGIN = "x-contract-suite"  # marks what this module added, so a reader of the copy knows whose it is


def _source_pointer(source: OperationFacts, facts: ApiFacts) -> str | None:
    """The JSON pointer of a job's `name` in the source's answer; None when the answer carries no job."""
    name = facts.resource.name_field
    if name is None:
        return None
    if source.answer_is_resource and source.kind == "create":
        return f"/{name}"
    if source.answer_list_field is not None:
        return f"/{source.answer_list_field}/0/{name}"
    return None


def _targets(source: OperationFacts, facts: ApiFacts) -> Iterator[OperationFacts]:
    # A listed job may be a user's: links from the list only read; a created job is the suite's own.
    for target in facts.operations.values():
        if target.on_resource and target is not source and (source.kind == "create" or target.method == "GET"):
            yield target


def _priced(source: OperationFacts, facts: ApiFacts) -> Iterator[OperationFacts]:
    # The operations that take a job's settings and make nothing (estimate cost): fed what a create sent.
    if source.kind == "create" and source.request_is_resource:
        for target in facts.operations.values():
            if target.request_is_resource and target.kind != "create" and not target.on_resource:
                yield target


def declared_links(facts: ApiFacts) -> dict[str, dict[str, dict[str, Any]]]:
    """operationId -> {link name -> OpenAPI Link object} for the 200 answer of every producing operation."""
    pattern = facts.resource.name_pattern()
    links: dict[str, dict[str, dict[str, Any]]] = {}
    for source in facts.operations.values():
        pointer = _source_pointer(source, facts)
        if pointer is None:
            continue
        for target in _targets(source, facts):
            parameters = {
                f"path.{variable}": f"$request.path.{variable}" for variable in facts.resource.parent_variables
            }
            parameters[f"path.{facts.resource.id_variable}"] = f"$response.body#{pointer}#regex:{pattern}"
            name = f"{source.method_name}_to_{target.method_name}"
            links.setdefault(source.operation_id, {})[name] = {
                "operationId": target.operation_id,
                "parameters": parameters,
                "description": f"the job the {source.method_name} answered, by the id in its resource name",
                _LINK_ORIGIN: True,
            }
        for target in _priced(source, facts):
            links.setdefault(source.operation_id, {})[f"{source.method_name}_to_{target.method_name}"] = {
                "operationId": target.operation_id,
                "parameters": {f"path.{v}": f"$request.path.{v}" for v in facts.resource.parent_variables},
                "requestBody": "$request.body",
                "description": f"the settings the {source.method_name} sent, priced",
                _LINK_ORIGIN: True,
            }
    return links


def with_links(document: dict[str, Any], facts: ApiFacts) -> dict[str, Any]:
    """A copy of an OpenAPI document (the derived copy of the selected operations) with the declared links added
    to each producer's 200 answer; links the document already declares under the same name are kept as they are.
    The document passed in is not changed."""
    derived = copy.deepcopy(document)
    wanted = declared_links(facts)
    for item in (derived.get("paths") or {}).values():
        for operation in item.values() if isinstance(item, dict) else ():
            if not isinstance(operation, dict) or operation.get("operationId") not in wanted:
                continue
            answer = (operation.get("responses") or {}).get("200")
            if not isinstance(answer, dict):
                continue
            declared = answer.setdefault("links", {})
            for name, link in wanted[operation["operationId"]].items():
                declared.setdefault(name, link)
    return derived
