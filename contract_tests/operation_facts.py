"""What the lifecycle rules need to know about each selected operation, read from the vendored spec.

Everything here comes from the operation model (`Spec.operations`: method, path template, parameters, request
body and answer schemas) and the schemas those reach, so a bump that renames a field or adds an operation re-aims
the rules with no edit. Where the spec cannot say a thing, the name comes from the AIP that defines it (the
`name` field of AIP-122, the `page_size`/`page_token` fields of AIP-158, `create_time` of AIP-148), and the spec
is still asked whether it has it: a fact the spec lacks is None, and the rules that need it stay silent.

- `ResourceFacts`: the job schema seen by the rules: its resource-name template, required, output-only
  (`readOnly`, AIP-203 OUTPUT_ONLY) and writable fields, the fields that name other resources, the fields a
  running job cannot change, the state field and the standard timestamps.
- `ListFacts`: the list answer's item, token and total fields, the page parameters and the spec's page-size
  bounds and default order, read from the parameters' descriptions.
- `OperationFacts`: one per selected operation: its kind, parameters, request and answer schemas and where the
  jobs sit inside its answer.
- `ApiFacts`: all of it, plus the google.rpc codes the rules expect (`rpc_code`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from gateway_protocol.job_states import UNSPECIFIED_STATE
from gateway_protocol.operations import ApiModel, Operation
from gateway_protocol.proto_json import camel_case as camel
from gateway_protocol.resource_names import PathTemplate
from gateway_protocol.spec_view import Spec, json_type
from spec_tools.spec import load_spec

from .spec_facts import SpecFacts, build_facts

__all__ = [
    "ApiFacts",
    "ListFacts",
    "OperationFacts",
    "ResourceFacts",
    "RpcCode",
    "api_facts",
    "build_api_facts",
    "parse_order_by",
]

# AIP-122: a resource's own name is its `name` field.
NAME_FIELD = "name"
# AIP-148 standard fields, and the completion time LIFECYCLE.md's advisory reads (not an AIP-148 name).
CREATE_TIME, UPDATE_TIME, COMPLETED_TIME = "create_time", "update_time", "completed_time"
# AIP-158 (pagination), AIP-132 (filter, order_by), AIP-161 (read_mask): request and answer field names.
PAGE_SIZE, PAGE_TOKEN, NEXT_PAGE_TOKEN, TOTAL_SIZE = "page_size", "page_token", "next_page_token", "total_size"
FILTER, ORDER_BY, READ_MASK = "filter", "order_by", "read_mask"

# The spec's own words for the page-size bounds and the default order (the list's parameter descriptions).
_MAX_PAGE_SIZE = re.compile(r"(?i)maximum\s+page[_ ]?size\s+is\s+(\d+)")
_DEFAULT_PAGE_SIZE = re.compile(r"(?i)default\s+is\s+(\d+)")
_DEFAULT_ORDER = re.compile(r"(?i)default\s+order\s+is\s+by\s+\"([^\"]+)\"")
_DESCENDING_DEFAULT = re.compile(r"(?i)default\s+sort\s+order\s+is\s+descending")
_DEPRECATED = re.compile(r"(?i)^\s*deprecated\b")
# A URL signed for each read changes between two reads of the same job: never compared, never echoed.
_SIGNED_URL = re.compile(r"(?i)\bsigned\s+url\b")
_WORD = re.compile(r"[a-z]+|[A-Z][a-z]*|[0-9]+")


def _words(name: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(name))


def _text(schema: Mapping[str, Any]) -> str:
    return " ".join(str(schema.get(key, "")) for key in ("title", "description"))


@dataclass(frozen=True)
class RpcCode:
    """A google.rpc.Code as the rules expect it: its name, its wire number and the HTTP status it maps to."""

    name: str
    number: int
    http_status: int


def _code_table(spec: Spec) -> tuple[dict[str, int], dict[str, int]]:
    # The one place the lifecycle rules read the code table from: google.rpc numbers and the spec's HTTP mapping
    # live in spec_tools today and move to gateway_protocol; only this import changes then.
    from gateway_protocol.rpc import CODE_NUMBERS
    from gateway_protocol.spec_codes import http_status_by_code

    return dict(CODE_NUMBERS), http_status_by_code(spec)


@dataclass(frozen=True)
class ResourceFacts:
    """The resource the selected operations act on (the job), as its schema and the get's path describe it."""

    schema_key: str
    properties: dict[str, dict[str, Any]] = field(repr=False)  # resolved, by JSON name
    name_template: PathTemplate  # the get's path: its resource name is `name_template.name_template`
    id_variable: str  # the path variable naming one job (`supervised_fine_tuning_job_id`)
    parent_variables: tuple[str, ...]  # the others (`account_id`)
    name_field: str | None
    required: tuple[str, ...]
    output_only: tuple[str, ...]  # readOnly (AIP-203 OUTPUT_ONLY)
    writable: tuple[str, ...]
    reference_fields: tuple[str, ...]  # writable strings naming another resource (AIP-122): may come back expanded
    echo_fields: tuple[str, ...]  # writable scalars a create must echo (deprecated and signed-URL fields left out)
    stable_fields: tuple[str, ...]  # what a running job cannot change: name, create time, every writable field
    float32_fields: frozenset[str]  # `format: float`: compared after rounding to float32
    state_field: str | None
    state_values: tuple[str, ...]
    create_time_field: str | None
    update_time_field: str | None
    completed_time_field: str | None
    percent_paths: tuple[tuple[str, ...], ...]  # integers the spec bounds to 0..100 (`jobProgress.percent`)
    epochs_field: str | None  # the writable integer that counts training epochs, for the cost advisory

    @property
    def collection(self) -> str:
        collection = self.name_template.collection
        assert collection is not None
        return collection

    def resource_name(self, parents: Mapping[str, str], job_id: str) -> str:
        """`accounts/{account}/supervisedFineTuningJobs/{job}` for these values."""
        return self.name_template.resource_name({**parents, self.id_variable: job_id})

    def parse_name(self, name: object) -> dict[str, str] | None:
        """The variables of a job's resource name; None when it is not one."""
        return self.name_template.match_name(name) if isinstance(name, str) else None

    def name_pattern(self, capture: str | None = None) -> str:
        """A regular expression matching the resource name whole, with one group around variable `capture` (the
        job id when None): what an OpenAPI link extracts an id with."""
        capture = capture or self.id_variable
        parts = []
        for part in self.name_template.name_template.split("/"):
            if part.startswith("{") and part.endswith("}"):
                parts.append("([^/]+)" if part[1:-1] == capture else "[^/]+")
            else:
                parts.append(re.escape(part))
        return "^" + "/".join(parts) + "$"

    def schema_of(self, name: str) -> dict[str, Any]:
        return self.properties.get(name, {})

    def is_expanded_name(self, name: str, sent: object, got: object) -> bool:
        """AIP-122: `got` is the full resource name of the short value `sent` of field `name`: it ends with `/sent`,
        and either the field is a known reference, or the collection before `sent` is the field's type by name or
        description (`datasets/d` for `dataset`, `models/m` for `outputModel`). A spec assembled from pages holds
        none of the other collections' paths, so the answer's own shape tells the type there."""
        if not (isinstance(sent, str) and isinstance(got, str) and sent and got.endswith("/" + sent)):
            return False
        if name in self.reference_fields:
            return True
        segments = got[: -len(sent) - 1].split("/")
        if len(segments) % 2 != 1 or not all(segments):
            return False  # a name is `collection/id` pairs, ending with the collection before the id sent
        kind = _words(segments[-1])
        if not kind or not kind[-1].endswith("s"):
            return False
        kind = (*kind[:-1], kind[-1][:-1])
        words = _words(name) + _words(str(self.schema_of(name).get("description", "")))
        return any(words[i : i + len(kind)] == kind for i in range(len(words)))

    @property
    def marker_field(self) -> str | None:
        """The first plain string a create echoes that names no other resource (`displayName` today): the suite
        writes its run's mark there, so a job it made (or an estimate made by mistake) is told from a user's."""
        return next(
            (
                name
                for name in self.echo_fields
                if name not in self.reference_fields
                and name not in self.required
                and json_type(self.properties[name]) == "string"
                and not {"format", "enum"} & set(self.properties[name])
            ),
            None,
        )


@dataclass(frozen=True)
class ListFacts:
    """The list operation's page parameters and answer fields, and the bounds its descriptions state."""

    items_field: str
    next_token_field: str | None
    total_size_field: str | None
    page_size_param: str | None
    page_token_param: str | None
    filter_param: str | None
    order_by_param: str | None
    read_mask_param: str | None
    default_page_size: int | None
    max_page_size: int | None
    default_order: tuple[tuple[str, bool], ...]  # (JSON field path, descending)

    def page_limit(self, requested: int | None) -> int | None:
        """The most jobs one page may hold for a requested pageSize (None or 0: the default; above the maximum:
        coerced to it); None when the spec states no bound or the request is negative."""
        if requested is None or requested == 0:
            return self.default_page_size
        if requested < 0:
            return None
        return min(requested, self.max_page_size) if self.max_page_size is not None else requested


@dataclass(frozen=True)
class OperationFacts:
    """One selected operation as the lifecycle rules see it."""

    operation: Operation = field(repr=False)
    operation_id: str
    method: str
    kind: str  # AIP kind: get, list, create, delete, custom
    method_name: str  # get, list, create, delete, cancel, resume, estimate_cost
    path: PathTemplate
    query_parameters: tuple[str, ...]
    on_resource: bool  # the path addresses one job (get, delete, cancel, resume)
    request_is_resource: bool  # the body is a job (create, estimate cost)
    required_body_fields: tuple[str, ...]
    answer_schema_key: str | None
    answer_is_empty: bool  # `{}` (delete, cancel)
    answer_is_resource: bool  # the job itself (get, create, resume)
    answer_list_field: str | None  # the array of jobs (list)
    answer_money_fields: tuple[str, ...]  # top-level Money fields of an answer that is not a job (estimate cost)
    resource_id_parameter: str | None  # create's `supervisedFineTuningJobId` (AIP-133 `{resource}_id`)
    read_mask_param: str | None  # `readMask` (AIP-161) where the operation takes one (get, list)

    def path_values(self, raw_path: str) -> dict[str, str] | None:
        """The path variables of a request path (percent-encoded, without the query); None for another path."""
        return self.path.match(raw_path)

    def jobs_in(self, body: Any) -> Iterator[tuple[str, Any]]:
        """(JSON path, job body) of every job inside an answer of this operation."""
        if self.answer_is_resource and isinstance(body, dict):
            yield "$", body
        elif self.answer_list_field is not None and isinstance(body, dict):
            items = body.get(self.answer_list_field)
            for index, item in enumerate(items if isinstance(items, list) else ()):
                yield f"$.{self.answer_list_field}[{index}]", item


@dataclass(frozen=True)
class ApiFacts:
    """The facts of every selected operation, the resource they share, and the code table."""

    spec_facts: SpecFacts = field(repr=False)
    version: str
    resource: ResourceFacts
    operations: dict[str, OperationFacts]  # by method name (get, list, create, ..., estimate_cost)
    list: ListFacts | None
    codes: dict[str, RpcCode] = field(repr=False)

    def by_id(self, operation_id: str) -> OperationFacts:
        """The facts of an operation by its operationId; KeyError naming it when it is not selected."""
        for facts in self.operations.values():
            if facts.operation_id == operation_id:
                return facts
        raise KeyError(f"operation {operation_id!r} is not among the selected operations")

    def kind(self, method_name: str) -> OperationFacts | None:
        return self.operations.get(method_name)

    def rpc_code(self, name: str) -> RpcCode:
        """The code by name (`INVALID_ARGUMENT`): its number and HTTP status; KeyError when the spec lacks it."""
        return self.codes[name]

    def code_name(self, value: object) -> str | None:
        """The code name of a Status `code`, written as its number or its name; None when it is neither."""
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return next((code.name for code in self.codes.values() if code.number == value), None)
        return value if isinstance(value, str) and value in self.codes else None


# --- building ------------------------------------------------------------------------------------


def _collections(spec: Spec) -> frozenset[str]:
    """Singular resource types (`dataset`, `model`, `deployed model`) of every collection the document's paths
    name, selected or not: a field named after one, or described as one, names such a resource."""
    found: set[str] = set()
    for operation in ApiModel.from_document(spec.document):
        segments = operation.path.segments
        for before, after in pairwise(segments):
            if before.literal is not None and after.variable is not None:
                words = _words(before.literal)
                if words and words[-1].endswith("s"):
                    found.add(" ".join((*words[:-1], words[-1][:-1])))
    return frozenset(found)


def _names_resource(name: str, schema: Mapping[str, Any], types: frozenset[str]) -> bool:
    """AIP-122: a string field referring to another resource is named after its type (`dataset`, `base_model`),
    or, in this spec, described as one (`warmStartFrom`: "The PEFT addon model in Fireworks format")."""
    if json_type(dict(schema)) != "string" or schema.get("format") or schema.get("enum"):
        return False
    words = _words(name)
    if any(words[-len(kind.split()) :] == tuple(kind.split()) for kind in types):
        return True
    described = " ".join(_words(str(schema.get("description", ""))))
    return any(re.search(rf"\b{re.escape(kind)}\b", described) for kind in types)


def _is_scalar(schema: Mapping[str, Any]) -> bool:
    return json_type(dict(schema)) in ("string", "integer", "number", "boolean")


def _property_named(properties: Mapping[str, Any], proto_name: str) -> str | None:
    json_name = camel(proto_name)
    return json_name if json_name in properties else None


def _resource(spec: Spec, facts: SpecFacts) -> ResourceFacts:
    get = spec.job_operation()
    # A `$ref` with siblings (`readOnly`, `description`) means the referenced schema plus them (OpenAPI 3.1).
    properties = {
        name: {**spec.resolve(node), **{k: v for k, v in node.items() if k != "$ref"}}
        for name, node in facts.job_properties.items()
    }
    variables = get.path.variables
    id_variable = get.path.last_variable
    assert id_variable is not None, "the job's get addresses one job"
    output_only = tuple(name for name, schema in properties.items() if schema.get("readOnly") is True)
    writable = tuple(name for name in properties if name not in output_only)
    types = _collections(spec)
    references = tuple(name for name in writable if _names_resource(name, properties[name], types))
    volatile = {name for name, schema in properties.items() if _SIGNED_URL.search(_text(schema))}
    deprecated = {name for name, schema in properties.items() if _DEPRECATED.search(str(schema.get("description", "")))}
    echo = tuple(
        name for name in writable if _is_scalar(properties[name]) and name not in volatile and name not in deprecated
    )
    name_field = _property_named(properties, NAME_FIELD)
    create_time = _property_named(properties, CREATE_TIME)
    stable = tuple(
        name for name in properties if name not in volatile and (name in writable or name in (name_field, create_time))
    )
    state_field = next(
        (name for name, schema in properties.items() if UNSPECIFIED_STATE in (schema.get("enum") or ())), None
    )
    epochs = next(
        (
            name
            for name in writable
            if json_type(properties[name]) == "integer" and "epochs" in _words(str(properties[name].get("description")))
        ),
        None,
    )
    return ResourceFacts(
        schema_key=facts.job_schema_name,
        properties=properties,
        name_template=get.path,
        id_variable=id_variable,
        parent_variables=tuple(v for v in variables if v != id_variable),
        name_field=name_field,
        required=facts.required,
        output_only=output_only,
        writable=writable,
        reference_fields=references,
        echo_fields=echo,
        stable_fields=stable,
        float32_fields=frozenset(name for name, schema in properties.items() if schema.get("format") == "float"),
        state_field=state_field,
        state_values=tuple(properties[state_field].get("enum", ())) if state_field else (),
        create_time_field=create_time,
        update_time_field=_property_named(properties, UPDATE_TIME),
        completed_time_field=_property_named(properties, COMPLETED_TIME),
        percent_paths=facts.percent_paths,
        epochs_field=epochs,
    )


def _list_field(spec: Spec, answer: Mapping[str, Any], resource_key: str) -> str | None:
    """The answer property holding an array of the resource (`supervisedFineTuningJobs`)."""
    for name, node in (answer.get("properties") or {}).items():
        schema = spec.resolve(node)
        if json_type(schema) == "array" and spec.schema_name(schema.get("items") or {}) == resource_key:
            return str(name)
    return None


def _query_parameter(operation: Operation, proto_name: str) -> str | None:
    parameter = operation.parameter(camel(proto_name))
    return parameter.name if parameter is not None and parameter.location == "query" else None


def parse_order_by(text: str) -> tuple[tuple[str, bool], ...]:
    """An `orderBy` value as (JSON field path, descending) keys: `"create_time desc, name"` ->
    `(("createTime", True), ("name", False))`; proto and JSON names alike, dotted subfields kept."""
    keys = []
    for part in text.split(","):
        words = part.split()
        if words:
            descending = len(words) > 1 and words[1].lower() == "desc"
            keys.append((".".join(camel(segment) for segment in words[0].split(".")), descending))
    return tuple(keys)


def _list_facts(spec: Spec, operation: Operation, resource_key: str) -> ListFacts | None:
    if operation.response_schema is None:
        return None
    answer = spec.resolve(operation.response_schema)
    items = _list_field(spec, answer, resource_key)
    if items is None:
        return None
    answer_props = answer.get("properties") or {}

    def param(proto_name: str) -> str | None:
        return _query_parameter(operation, proto_name)

    def description(name: str | None) -> str:
        parameter = operation.parameter(name) if name is not None else None
        return parameter.description if parameter is not None else ""

    page_size, order_by = param(PAGE_SIZE), param(ORDER_BY)
    size_text, order_text = description(page_size), description(order_by)
    maximum, default, order = (
        _MAX_PAGE_SIZE.search(size_text),
        _DEFAULT_PAGE_SIZE.search(size_text),
        _DEFAULT_ORDER.search(order_text),
    )
    descending = bool(_DESCENDING_DEFAULT.search(order_text))
    return ListFacts(
        items_field=items,
        next_token_field=_property_named(answer_props, NEXT_PAGE_TOKEN),
        total_size_field=_property_named(answer_props, TOTAL_SIZE),
        page_size_param=page_size,
        page_token_param=param(PAGE_TOKEN),
        filter_param=param(FILTER),
        order_by_param=order_by,
        read_mask_param=param(READ_MASK),
        default_page_size=int(default.group(1)) if default else None,
        max_page_size=int(maximum.group(1)) if maximum else None,
        default_order=tuple((path, descending) for path, _ in parse_order_by(order.group(1))) if order else (),
    )


def _operation_facts(
    spec: Spec, operation: Operation, resource: ResourceFacts, money: frozenset[str]
) -> OperationFacts:
    request = spec.resolve(operation.request_schema) if operation.request_schema is not None else {}
    answer = spec.resolve(operation.response_schema) if operation.response_schema is not None else {}
    answer_is_resource = operation.response_schema_key == resource.schema_key
    singular = resource.collection[:-1] if resource.collection.endswith("s") else resource.collection
    id_parameter = operation.parameter(f"{singular}Id") if operation.kind == "create" else None
    return OperationFacts(
        operation=operation,
        operation_id=operation.operation_id,
        method=operation.method,
        kind=operation.kind,
        method_name=operation.method_name,
        path=operation.path,
        query_parameters=tuple(p.name for p in operation.query_parameters),
        on_resource=resource.id_variable in operation.path.variables,
        request_is_resource=operation.request_schema_key == resource.schema_key,
        required_body_fields=tuple(request.get("required", ())),
        answer_schema_key=operation.response_schema_key,
        answer_is_empty=operation.empty_response,
        answer_is_resource=answer_is_resource,
        answer_list_field=None if answer_is_resource else _list_field(spec, answer, resource.schema_key),
        answer_money_fields=()
        if answer_is_resource
        else tuple(name for name, node in (answer.get("properties") or {}).items() if spec.schema_name(node) in money),
        resource_id_parameter=id_parameter.name if id_parameter is not None else None,
        read_mask_param=_query_parameter(operation, READ_MASK),
    )


def build_api_facts(spec: Spec) -> ApiFacts:
    """The facts of a spec's selected operations (the spec needs a selected `get` of the job)."""
    facts = build_facts(spec)
    resource = _resource(spec, facts)
    operations = {
        op.method_name: _operation_facts(spec, op, resource, facts.money_schema_names) for op in spec.operations
    }
    listing = next((op for op in spec.operations if op.kind == "list"), None)
    numbers, statuses = _code_table(spec)
    codes = {
        name: RpcCode(name, numbers[name], statuses[name])
        for name in facts.code_names
        if name in numbers and name in statuses
    }
    return ApiFacts(
        spec_facts=facts,
        version=spec.version,
        resource=resource,
        operations=operations,
        list=_list_facts(spec, listing, resource.schema_key) if listing is not None else None,
        codes=codes,
    )


@functools.cache
def api_facts() -> ApiFacts:
    """The facts of the vendored spec (cached)."""
    return build_api_facts(load_spec())
