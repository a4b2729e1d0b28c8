"""The spec the mock serves: the derived copy packaged in the mock's wheel, or the vendored spec of a checkout.

The wheel (`make dist`) carries `gateway_mock/_data/gateway.json`: the vendored spec cut down to the selected
operations and the schemas they reach (`spec_tools.selection.select_document`), as JSON, so an installed mock needs
neither a YAML parser nor the spec tools. In a source checkout there is no packaged copy: the mock reads the
vendored `openapi/gateway.yaml` (and its operation list) through the spec tools that sit beside it, so a bump is
served at once with no build step. `GATEWAY_MOCK_SPEC` names another derived JSON copy to serve.
"""

from __future__ import annotations

import functools
import json
import os
from importlib import resources
from pathlib import Path

from gateway_protocol.spec_view import Spec

__all__ = ["PACKAGED_SPEC", "SPEC_ENV", "SpecSourceError", "served_spec", "spec_from_json"]

PACKAGED_SPEC = "_data/gateway.json"  # inside the gateway_mock package, in the wheel only
SPEC_ENV = "GATEWAY_MOCK_SPEC"
_MAX_SPEC_BYTES = 8 * 1024 * 1024


class SpecSourceError(LookupError):
    """No spec to serve, or one that is not a JSON OpenAPI document."""


def spec_from_json(text: str | bytes, origin: str) -> Spec:
    """A derived copy (JSON) as a Spec selecting every operation it holds."""
    if len(text) > _MAX_SPEC_BYTES:
        raise SpecSourceError(f"{origin}: larger than {_MAX_SPEC_BYTES // (1024 * 1024)} MiB")
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SpecSourceError(f"{origin}: not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise SpecSourceError(f"{origin}: not an OpenAPI document (no `paths` mapping)")
    return Spec(document)


@functools.cache
def served_spec() -> Spec:
    """The spec to serve (cached: it does not change while a process runs)."""
    override = os.environ.get(SPEC_ENV)
    if override:
        path = Path(override)
        try:
            return spec_from_json(path.read_bytes(), str(path))
        except OSError as exc:
            raise SpecSourceError(f"{SPEC_ENV}={override}: cannot read it ({exc.strerror or exc})") from None
    packaged = resources.files(__package__ or "gateway_mock").joinpath(PACKAGED_SPEC)
    if packaged.is_file():
        return spec_from_json(packaged.read_bytes(), f"gateway_mock/{PACKAGED_SPEC}")
    return _checkout_spec()


def _checkout_spec() -> Spec:
    """The vendored spec of the source checkout this package sits in (never reached from the wheel)."""
    try:
        from spec_tools.spec import load_spec
    except ImportError:
        raise SpecSourceError(
            f"no spec to serve: gateway_mock/{PACKAGED_SPEC} is missing (a broken install?) and this is not a "
            f"source checkout with spec_tools; set {SPEC_ENV} to a derived JSON copy of the spec"
        ) from None
    return load_spec()
