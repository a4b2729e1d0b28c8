"""Protocol facts of the Gateway REST API, each defined once, with no dependency beyond the standard library.

The mock, the contract suite and the spec tools import these modules from here; generation copies the package into
the client as ``fireworks_gateway._lib.protocol``, so the client carries the same definitions. Modules import each
other relatively and nothing outside the standard library, so they stay valid wherever they are copied.

- ``resource_names``: path templates and resource names (AIP-122), ``expand()`` and ``match()``.
- ``spec_view``: read-only views of an OpenAPI document (schemas, ``$ref`` resolution).
- ``operations``: the spec parsed once into operations (method, path template, parameters, body, answer, AIP kind).
- ``job_states``: what the spec does not say about job states (which are terminal).
"""

__all__: list[str] = []
