"""The client's facade (`client.jobs`, `client.async_jobs`), generated from the selected operations.

Each selected operation on the job collection becomes one typed method of both twins, named by the operation model
(`gateway_protocol.operations`: `.method_name`, `.kind`, `.verb`, `.empty_response`, the schema keys, the path
variables); what a method does is the generic behaviour of its kind in `openapi/lib/facade.py`. Class names come
from the generator's naming rule (`codegen.class_names`) applied to the schema keys, never from a hand list.

Generation also feeds the generator a partial model of every model a read mask can trim (`Partial<Class>`: the
same schema with no required field), so that a masked read is typed with fields that may be absent.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway_protocol.job_states import TERMINAL_STATES
from gateway_protocol.operations import Operation
from gateway_protocol.spec_view import Spec, json_type, schema_key_of

__all__ = [
    "FacadeError",
    "FacadeMethod",
    "FacadePlan",
    "add_partial_models",
    "partial_class_name",
    "plan_facade",
    "render_facade",
    "write_facade",
]

_READ_MASK = "readMask"  # AIP-157's partial response parameter, as this API spells it
_PAGE_TOKEN = "pageToken"  # AIP-158
_NEXT_PAGE_TOKEN = "nextPageToken"  # AIP-158
_TOTAL_SIZE = "totalSize"  # AIP-132
_ACCOUNT = "account_id"  # the parent variable the client fills with its own account by default
_SCALAR_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}


class FacadeError(ValueError):
    """The selected operations hold one the facade cannot express (a kind without generic behaviour)."""


def partial_class_name(class_name: str) -> str:
    """The class of a model whose fields may all be absent: what a read with a mask returns."""
    return f"Partial{class_name}"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _attribute(name: str) -> str:
    """The generated model's attribute of a JSON name, by the generator's own rule."""
    from openapi_python_client.strings import PythonIdentifier

    return str(PythonIdentifier(name, prefix="field_"))


@dataclass(frozen=True)
class QueryArgument:
    python: str
    json: str
    annotation: str


@dataclass
class FacadeMethod:
    """One method of both twins: what the template needs of one selected operation."""

    operation: Operation
    name: str
    constant: str
    retry: str
    takes_id: bool
    query: list[QueryArgument] = field(default_factory=list)
    body: str = "none"  # none, empty, resource
    answer: str = "model"  # model, empty, field, page
    model: str | None = None  # the answer's model, the field's model, or a page's item model
    partial: str | None = None  # the model of a masked read
    masked: bool = False
    wrapper: str | None = None  # the answer's model for a one-field answer, or a page's envelope
    field_name: str | None = None
    items: str | None = None
    total_size: str | None = None
    id_parameter: str | None = None

    @property
    def summary(self) -> str:
        text = " ".join(self.operation.summary.split()) or self.operation.operation_id
        return f"{text} ({self.operation.operation_id})."


@dataclass
class FacadePlan:
    """The facade of the selected operations: the job model, its partial, and one FacadeMethod per operation."""

    job: str | None
    methods: list[FacadeMethod]
    partials: dict[str, str]  # schema key -> partial class name
    imports: list[str]
    state: str | None = None  # the job's attribute holding its state, for wait()
    progress: str | None = None  # the job's attribute holding its progress, for wait()
    read: str | None = None  # the constant of the full read, for wait() and create()
    output_only: str | None = None  # a Python literal of the job's output-only tree (creation.OutputOnly)

    def method(self, name: str) -> FacadeMethod | None:
        return next((method for method in self.methods if method.name == name), None)


def _collection(operation: Operation) -> str:
    """The path of the collection an operation works on (its path without the resource variable and verb)."""
    template = operation.path
    segments = template.name_template.split("/")
    return "/".join(segments[:-1]) if template.last_variable is not None else "/".join(segments)


def _output_only(spec: Spec, schema: dict[str, Any], names: set[str]) -> dict[str, Any] | None:
    """{json name: (attribute, None | subtree)} of the readOnly properties reachable from `schema`."""
    tree: dict[str, Any] = {}
    for name, raw in (spec.resolve(schema).get("properties") or {}).items():
        if not isinstance(raw, dict):
            continue
        if raw.get("readOnly") is True:
            tree[name] = (_attribute(name), None)
            continue
        resolved = spec.resolve(raw)
        target = resolved.get("items") if json_type(resolved) == "array" else raw
        key = schema_key_of(target) if isinstance(target, dict) else None
        if key is None or key in names:
            continue
        subtree = _output_only(spec, spec.schemas[key], names | {key})
        if subtree:
            tree[name] = (_attribute(name), subtree)
    return tree or None


def _wait_fields(spec: Spec, job: dict[str, Any]) -> tuple[str | None, str | None]:
    """The job's state property (the enum holding the most terminal states; a spec may drop some of them, as one
    that removes JOB_STATE_DELETED does) and its progress property (an object whose name ends in Progress), as
    attributes."""
    state = progress = None
    held = 0
    for name, raw in (job.get("properties") or {}).items():
        resolved = spec.resolve(raw) if isinstance(raw, dict) else {}
        terminal = len(TERMINAL_STATES.intersection(resolved.get("enum") or ()))
        if terminal > held:
            state, held = _attribute(name), terminal
        elif progress is None and json_type(resolved) == "object" and name.endswith("Progress"):
            progress = _attribute(name)
    return state, progress


def _annotation(schema: dict[str, Any]) -> str:
    return _SCALAR_TYPES.get(json_type(schema) or "string", "str")


def _page_items(spec: Spec, envelope_key: str) -> tuple[str, str]:
    """The array property of a list answer and its items' schema key."""
    for name, raw in (spec.schemas[envelope_key].get("properties") or {}).items():
        resolved = spec.resolve(raw) if isinstance(raw, dict) else {}
        items = resolved.get("items") if json_type(resolved) == "array" else None
        key = schema_key_of(items)
        if key is not None:
            return name, key
    raise FacadeError(f"the list answer {envelope_key} has no array of resources")


def _single_field(spec: Spec, key: str) -> tuple[str, str] | None:
    """(property, schema key) of an answer that is an object with exactly one property, a `$ref`."""
    properties = spec.schemas[key].get("properties") or {}
    if len(properties) != 1:
        return None
    ((name, raw),) = properties.items()
    target = schema_key_of(raw)
    return (name, target) if target is not None else None


def _is_empty_object(spec: Spec, schema: dict[str, Any] | None) -> bool:
    if schema is None:
        return False
    resolved = spec.resolve(schema)
    return json_type(resolved) == "object" and not resolved.get("properties")


def plan_facade(spec: Spec, class_names: dict[str, str]) -> FacadePlan:
    """The facade of the selected operations on the job collection (the collection of the selected `get`).

    Without exactly one selected `get` there is no job resource: the facade has no methods. FacadeError names an
    operation on the job collection whose kind has no generic behaviour (an update) or whose path has parents
    other than the account.
    """
    try:
        get = spec.job_operation()
        job_key = spec.job_schema_name()
    except LookupError:
        return FacadePlan(None, [], {}, [])
    collection = _collection(get)
    job_class = class_names[job_key]
    plan = FacadePlan(job_class, [], {}, [job_class])
    for operation in spec.operations:
        if _collection(operation) != collection:
            continue  # another resource: its generated functions stay available, the job facade has no method
        variables = operation.path.variables
        if variables[:1] != (_ACCOUNT,) or len(variables) > 2:
            raise FacadeError(f"{operation.operation_id}: the facade fills {_ACCOUNT} only, not {variables}")
        if operation.kind == "update":
            raise FacadeError(f"{operation.operation_id}: the facade has no behaviour for kind 'update' yet")
        method = FacadeMethod(
            operation=operation,
            name=operation.method_name,
            constant=f"_{operation.method_name.upper()}",
            retry="UNSENT" if operation.kind == "custom" else "SAFE",
            takes_id=operation.path.last_variable is not None and len(variables) == 2,
        )
        if plan.method(method.name) is not None:
            raise FacadeError(f"{operation.operation_id}: a second operation named {method.name!r}")
        _plan_request(spec, operation, method, job_key, class_names)
        _plan_answer(spec, operation, method, job_key, class_names, plan)
        plan.methods.append(method)
    tree = _output_only(spec, spec.schemas[job_key], {job_key})
    plan.output_only = repr(tree) if tree else None
    read = plan.method("get")
    if read is not None:
        plan.read = read.constant
        plan.state, plan.progress = _wait_fields(spec, spec.job_schema())
    for method in plan.methods:
        for name in (method.model, method.partial, method.wrapper):
            if name is not None and name not in plan.imports:
                plan.imports.append(name)
    return plan


def _plan_request(
    spec: Spec, operation: Operation, method: FacadeMethod, job_key: str, class_names: dict[str, str]
) -> None:
    for parameter in operation.query_parameters:
        if parameter.name == _PAGE_TOKEN and operation.kind == "list":
            continue  # the pager sends it
        if operation.kind == "create" and parameter.name.endswith("Id"):
            method.id_parameter = parameter.name  # AIP-133: the facade always sends it (as job_id)
            continue
        if parameter.name == _READ_MASK:
            method.masked = True
            continue
        method.query.append(QueryArgument(_snake(parameter.name), parameter.name, _annotation(parameter.schema)))
    if operation.kind == "create" and method.id_parameter is None:
        raise FacadeError(f"{operation.operation_id}: a create without an id parameter cannot be retried safely")
    if operation.request_schema_key == job_key:
        method.body = "resource"
    elif _is_empty_object(spec, operation.request_schema):
        method.body = "empty"
    elif operation.request_schema is not None:
        raise FacadeError(f"{operation.operation_id}: a request body other than the job or {{}}")


def _plan_answer(
    spec: Spec,
    operation: Operation,
    method: FacadeMethod,
    job_key: str,
    class_names: dict[str, str],
    plan: FacadePlan,
) -> None:
    key = operation.response_schema_key
    if operation.kind == "list":
        if key is None:
            raise FacadeError(f"{operation.operation_id}: a list answer must be a $ref")
        method.answer = "page"
        method.wrapper = class_names[key]
        method.items, item_key = _page_items(spec, key)
        method.model = class_names[item_key]
        properties = spec.schemas[key].get("properties") or {}
        method.total_size = _TOTAL_SIZE if _TOTAL_SIZE in properties else None
        if _NEXT_PAGE_TOKEN not in properties:
            raise FacadeError(f"{operation.operation_id}: a list answer without {_NEXT_PAGE_TOKEN}")
    elif operation.empty_response:
        method.answer = "empty"
        return
    elif key is None:
        raise FacadeError(f"{operation.operation_id}: an inline answer the facade cannot type")
    elif key != job_key and (single := _single_field(spec, key)) is not None:
        method.answer = "field"
        method.field_name, field_key = single
        method.model = class_names[field_key]
        method.wrapper = class_names[key]
        return
    else:
        method.model = class_names[key]
        item_key = key
    if method.masked:
        model_key = item_key
        plan.partials[model_key] = partial_class_name(class_names[model_key])
        method.partial = plan.partials[model_key]


def add_partial_models(derived: dict[str, Any], plan: FacadePlan, class_names: dict[str, str]) -> dict[str, Any]:
    """The generator input with a `Partial<Class>` schema beside each model a read mask trims: the same schema,
    with no required property (a mask may leave any field out)."""
    schemas = derived.get("components", {}).get("schemas")
    if not plan.partials or not isinstance(schemas, dict):
        return derived
    for key, partial in plan.partials.items():
        if partial in schemas:
            raise FacadeError(f"the spec has a schema named {partial!r}, the partial model of {key}")
        schema = {name: value for name, value in schemas[class_names[key]].items() if name != "required"}
        description = schema.get("description") or ""
        schema["description"] = (
            f"{class_names[key]} as a read with a mask returns it: any field may be absent (UNSET). {description}"
        ).strip()
        schemas[partial] = schema
    return derived


def render_facade(plan: FacadePlan, template: Path) -> str:
    """The facade module's source, from the template beside the generator's (openapi/facade/jobs.py.jinja)."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(template.name).render(plan=plan)


def write_facade(package_dir: Path, plan: FacadePlan, template: Path) -> Path:
    """Render the facade into the generated package and format it as the generator's hooks format the rest."""
    target = package_dir / template.name.removesuffix(".jinja")
    target.write_text(render_facade(plan, template), encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    for command in (
        [str(ruff), "check", str(target), "--isolated", "--no-cache", "--fix-only", "--select=F401,I", "--quiet"],
        [str(ruff), "format", str(target), "--isolated", "--no-cache", "--quiet"],
    ):
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise FacadeError(f"formatting {target.name} failed: {(result.stdout + result.stderr).strip()[:2000]}")
    return target
