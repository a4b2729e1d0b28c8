"""An offline, stateful mock of the Fireworks Gateway SFT-job API: a real HTTP server on loopback, built from the spec.

Modules: `spec_source` (the spec it serves: packaged, or the checkout's), `routes` (the route table from the
selected operations), `job_model` (the job resource as the spec states it), `lifecycle` (every choice the spec
leaves to the mock), `store` (jobs per account and their walk), `clock` (virtual time tests control), `filtering`
(AIP-160 filters and orderBy), `page_tokens`, `fixtures` (seed jobs derived from the spec), `faults` (injectable
contract and lifecycle violations), `scenarios` (reserved job ids for client tests), `rpc_status`, `read_mask`,
`marshal`, `app` (the raw ASGI app), `control` (the /_mock/ endpoints and their client), `server` (serve,
`running_mock`), `cli`, `pytest_plugin` (the `gateway_mock` fixture of the installed wheel).
"""

from __future__ import annotations

from .constants import DEFAULT_API_KEY, MOCK_ACCOUNT

__all__ = ["DEFAULT_API_KEY", "MOCK_ACCOUNT"]
