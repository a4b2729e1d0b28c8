"""Protocol facts of the Gateway REST API, each defined once.

The mock, the contract suite and the spec tools import these modules from here; generation copies the package into
the client as ``fireworks_gateway._lib.protocol``, so the client carries the same definitions. Modules import each
other relatively, so they stay valid wherever they are copied, and need nothing beyond the standard library, except
``bounded_http``, which needs httpx and httpcore (the client's own dependencies).

- ``proto_json``: proto3 JSON scalars (int32/int64/uint64 ranges, 64-bit integers as strings, "NaN"/"Infinity"),
  zero values and the `null` of EmitUnpopulated marshaling, field-name casing (camelCase <-> snake_case).
- ``money``: google.type.Money's shape, every Money rule, exact decimal conversion.
- ``field_masks``: read masks (AIP-157/AIP-161): parsing, `*`, nested paths, JSON or proto names.
- ``resource_names``: path templates and resource names (AIP-122), ``expand()`` and ``match()``.
- ``rpc``: the google.rpc code table (names, numbers, standard HTTP mapping), Retry-After, backoff with jitter.
- ``redaction``: what a secret is (names and values) and the per-owner `Redactor` that keeps it out of text.
- ``bounded_http``: the one deadline- and size-bounded HTTP layer (httpcore's `network_backend`, decoded-size cap).
- ``spec_view``: read-only views of an OpenAPI document (schemas, ``$ref`` resolution).
- ``operations``: the spec parsed once into operations (method, path template, parameters, body, answer, AIP kind).
- ``job_states``: what the spec does not say about job states (which are terminal).
"""

__all__: list[str] = []
