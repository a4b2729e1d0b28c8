"""Hand-written tools around the vendored OpenAPI spec: extraction, provenance, code generation."""
