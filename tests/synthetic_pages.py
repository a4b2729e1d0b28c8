"""Synthetic specs and docs pages for bump tests, derived from whatever spec is vendored now.

Each synthetic spec changes a spec the way newer (or older) published ones do; `docs_page` wraps a spec like a
published page at its most awkward (CRLF line endings, a ```json example block before the OpenAPI block), and
`operation_pages` cuts a spec into the per-operation docs pages Fireworks publishes (each page: one operation and
every component it reaches). Nothing here names a field, state or schema of today's spec, so the pages keep
working after every bump.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from spec_tools.selection import load_selection, select_document
from spec_tools.spec import Spec

__all__ = [
    "SyntheticSpec",
    "additive_spec",
    "breaking_spec",
    "docs_page",
    "next_version",
    "operation_pages",
    "published_page_set",
    "spec_text",
    "write_pages",
]

# New schema keys carry the proto package prefix like the published ones; "Synth" keeps them clear of any
# name a real page could define.
_PREFIX = "gateway"


@dataclass(frozen=True)
class SyntheticSpec:
    document: dict[str, Any]
    added_state: str | None = None
    deprecated_property: str | None = None
    removed_properties: tuple[str, ...] = ()
    removed_state: str | None = None

    @property
    def version(self) -> str:
        return str(self.document["info"]["version"])


def next_version(version: str) -> str:
    """The next minor version of a dotted version: 4.259.0 -> 4.260.0."""
    numbers = [int(part) for part in re.findall(r"[0-9]+", version)[:3]]
    numbers += [0] * (3 - len(numbers))
    return f"{numbers[0]}.{numbers[1] + 1}.0"


def _spec(document: dict[str, Any]) -> Spec:
    """The document with this project's operation list (a whole spec has many GETs; the list says which is ours)."""
    return Spec(document, load_selection())


def _state_enum_name(spec: Spec, job: dict[str, Any]) -> str:
    """The schema key of the job's state enum: the enum that `state` refers to."""
    for prop in job.get("properties", {}).values():
        name = spec.schema_name(prop)
        if name and spec.schemas[name].get("enum") and "JOB_STATE" in str(spec.schemas[name]["enum"][0]):
            return name
    raise LookupError("the job schema has no property holding a job-state enum")


def _new_name(schemas: dict[str, Any], stem: str) -> str:
    name = f"{_PREFIX}{stem}"
    while name in schemas:
        name += "X"
    return name


def _new_property(properties: dict[str, Any], stem: str) -> str:
    name = stem
    while name in properties:
        name += "X"
    return name


def additive_spec(document: dict[str, Any]) -> SyntheticSpec:
    """Every additive change a newer published page makes, none breaking for a reader or a writer.

    - a new enum type and a property using it;
    - a new object that holds another new object (a proto `oneof`, described in prose);
    - an object with no properties (a proto empty message), read-only;
    - a new job state;
    - an existing optional string property deprecated by a description starting `Deprecated:`.
    """
    doc = copy.deepcopy(document)
    spec = _spec(doc)
    schemas = spec.schemas
    job = schemas[spec.job_schema_name()]
    properties: dict[str, Any] = job["properties"]
    required = set(job.get("required", ()))

    priority = _new_name(schemas, "SynthTrainingPriority")
    schemas[priority] = {
        "type": "string",
        "enum": ["TRAINING_PRIORITY_UNSPECIFIED", "TRAINING_PRIORITY_LOW", "TRAINING_PRIORITY_HIGH"],
        "default": "TRAINING_PRIORITY_UNSPECIFIED",
    }
    constant = _new_name(schemas, "SynthConstantLrSchedule")
    schemas[constant] = {
        "type": "object",
        "properties": {"learningRate": {"type": "number", "format": "float"}, "label": {"type": "string"}},
    }
    scheduler = _new_name(schemas, "SynthLrScheduler")
    schemas[scheduler] = {
        "type": "object",
        "properties": {
            "constant": {"$ref": f"#/components/schemas/{constant}"},
            "warmupSteps": {"type": "integer", "format": "int32"},
        },
        "description": "Only one of the schedule variants is set; the one set selects the shape.",
    }
    empty = _new_name(schemas, "SynthEncryptionState")
    schemas[empty] = {"type": "object"}

    properties[_new_property(properties, "synthPriority")] = {"$ref": f"#/components/schemas/{priority}"}
    properties[_new_property(properties, "synthLrScheduler")] = {
        "$ref": f"#/components/schemas/{scheduler}",
        "description": "How the learning rate changes over training.",
    }
    properties[_new_property(properties, "synthEncryptionState")] = {
        "$ref": f"#/components/schemas/{empty}",
        "readOnly": True,
    }

    states = schemas[_state_enum_name(spec, job)]["enum"]
    added_state = "JOB_STATE_SYNTH_ARCHIVED"
    while added_state in states:
        added_state += "_X"
    states.append(added_state)

    deprecated = next(
        name
        for name, prop in properties.items()
        if name not in required
        and not prop.get("readOnly")
        and prop.get("type") == "string"
        and "format" not in prop
        and not str(prop.get("description", "")).startswith("Deprecated")
    )
    old = str(properties[deprecated].get("description", "")).strip()
    properties[deprecated]["description"] = f"Deprecated: superseded by a newer field. {old}".strip()

    doc["info"]["version"] = next_version(spec.version)
    return SyntheticSpec(doc, added_state=added_state, deprecated_property=deprecated)


def breaking_spec(document: dict[str, Any], *, removed: int = 3) -> SyntheticSpec:
    """A spec that removes `removed` optional properties (the newest message- or enum-typed ones) and one job state."""
    doc = copy.deepcopy(document)
    spec = _spec(doc)
    job = spec.schemas[spec.job_schema_name()]
    properties: dict[str, Any] = job["properties"]
    required = set(job.get("required", ()))
    state_enum = _state_enum_name(spec, job)
    state_property = next(n for n, p in properties.items() if spec.schema_name(p) == state_enum)
    order = [n for n in properties if n not in required and n not in {"name", state_property}]
    # The newest message- or enum-typed properties first, as older published pages lack them: removing them
    # strands the faults, fixtures and rules that target them.
    newest = list(reversed(order))
    candidates = sorted(newest, key=lambda n: (spec.schema_name(properties[n]) is None, newest.index(n)))
    gone = tuple(candidates[:removed])
    for name in gone:
        del properties[name]
    states = spec.schemas[state_enum]["enum"]
    removed_state = states.pop()  # the newest state; the first one is the proto zero value and stays
    doc["info"]["version"] = next_version(spec.version)
    return SyntheticSpec(doc, removed_properties=gone, removed_state=removed_state)


# libyaml's dumper when PyYAML has it: five times the pure-Python one's speed, and a test spec only has to read back.
_DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def spec_text(document: dict[str, Any]) -> str:
    """A spec's YAML text, in key order, as a test writes it (not as spec_tools.validate.render_spec vendors it)."""
    return yaml.dump(document, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=100)


def docs_page(document: dict[str, Any], title: str = "Get Supervised Fine-tuning Job") -> bytes:
    """A docs page as published, at its most awkward: CRLF endings, a ```json block before the OpenAPI one."""
    example = {"name": "accounts/acme/supervisedFineTuningJobs/abc123", "dataset": "accounts/acme/datasets/d"}
    operation = next(iter(Spec(document).operations), None)
    fence = f"{operation.method.lower()} {operation.path.template}" if operation else "openapi"
    page = (
        "> ## Documentation Index\n> Fetch the complete documentation index at the docs site.\n\n"
        f"# {title}\n\nAn example answer:\n\n"
        f"```json\n{json.dumps(example, indent=2)}\n```\n\n"
        f"## OpenAPI\n\n````yaml {fence}\n{spec_text(document)}````\n"
    )
    return page.replace("\n", "\r\n").encode("utf-8")


def operation_pages(document: dict[str, Any], selection: Sequence[str] | None = None) -> dict[str, bytes]:
    """The docs pages of the selected operations (default: this project's list), as Fireworks publishes them: one
    page per operation holding it and every component it reaches, named `<operationId>.md`."""
    operations = tuple(selection) if selection is not None else load_selection()
    return {
        f"{operation_id}.md": docs_page(select_document(document, (operation_id,)), title=operation_id)
        for operation_id in operations
    }


def write_pages(folder: Path, pages: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in pages.items():
        (folder / name).write_bytes(data)
    return folder


def published_page_set(
    published: Path, published_document: dict[str, Any], frozen: dict[str, Any], folder: Path
) -> Path:
    """A folder of the pages of a published version: the real page (one operation) verbatim, and a page for each
    other selected operation, cut from the frozen spec with the published page's components in place of the frozen
    ones (so the set agrees on what it shares, as pages of one version do), at the published page's version."""
    merged = copy.deepcopy(frozen)
    merged["info"]["version"] = published_document["info"]["version"]
    for section, entries in published_document["components"].items():
        merged["components"].setdefault(section, {}).update(copy.deepcopy(entries))
    own = {
        raw.get("operationId")
        for item in published_document["paths"].values()
        for raw in item.values()
        if isinstance(raw, dict)
    }
    others = [operation_id for operation_id in load_selection() if operation_id not in own]
    write_pages(folder, operation_pages(merged, others))
    (folder / published.name).write_bytes(published.read_bytes())
    return folder
