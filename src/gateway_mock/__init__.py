"""An offline mock of the Fireworks Gateway SFT-job API: a real HTTP server on loopback, fixtures from the spec.

Modules: `fixtures` (jobs derived from the vendored spec), `faults` (injectable contract violations),
`scenarios` (reserved job ids for client tests), `rpc_status` (google.rpc.Status error bodies),
`read_mask` (field masks), `app` (the raw ASGI app), `server` (processes: serve, `running_mock`), `cli`.
"""

from __future__ import annotations

from .constants import DEFAULT_API_KEY, MOCK_ACCOUNT

__all__ = ["DEFAULT_API_KEY", "MOCK_ACCOUNT"]
