"""What the generated Client and AuthenticatedClient add to their attrs fields: transports, account id, facade."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Self

import httpx

from .config import ENV_ACCOUNT_ID, checked_credential, from_env
from .errors import ConfigurationError
from .masking import RedactingFilter, Redactor, client_redactor
from .protocol.redaction import is_secret_name
from .retry import RetryPolicy
from .transport import (
    DEFAULT_MAX_REDIRECTS,
    TRANSPORT_ARGS,
    AsyncBoundedTransport,
    AsyncGatewayTransport,
    BoundedTransport,
    GatewayTransport,
    Limits,
)
from .urls import KeptUrls

if TYPE_CHECKING:
    from ..jobs import AsyncJobs, Jobs

__all__ = ["AuthenticatedClientBase", "ClientBase"]


@functools.cache
def _facades() -> tuple[type[Jobs], type[AsyncJobs]]:
    """The facade classes, imported once (the facade module imports the models, which import this module)."""
    from ..jobs import AsyncJobs, Jobs

    return Jobs, AsyncJobs


class ClientBase:
    """Mixed into the generated clients; the attributes below are their attrs fields."""

    _base_url: str
    _headers: dict[str, str]
    _timeout: httpx.Timeout
    _httpx_args: dict[str, Any]
    _verify_ssl: Any
    _account_id: str | None
    max_retries: int
    retry_backoff: float
    retry_backoff_max: float
    retry_after_max: float
    max_response_bytes: int
    sleep: Callable[[float], None]
    async_sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    _kept_urls: KeptUrls

    def __attrs_post_init__(self) -> None:
        # Credential-like headers are checked like the key: a control character would make h11 refuse the header
        # and quote its value in the error.
        self._headers = {
            name: checked_credential(value, f"header {name}") if is_secret_name(name) else value
            for name, value in self._headers.items()
        }

    @property
    def account_id(self) -> str:
        """The default account id; raises ConfigurationError naming FIREWORKS_ACCOUNT_ID when none was given."""
        if not self._account_id:
            raise ConfigurationError(f"no account id: set {ENV_ACCOUNT_ID} or pass account_id=... to the client")
        return self._account_id

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout given to the httpx clients this object builds (each attempt as a whole; see DEFAULT_TIMEOUT)."""
        return self._timeout

    @property
    def jobs(self) -> Jobs:
        """The supervised fine-tuning jobs of this client's account (sync): ``client.jobs.get(job_id)``, ``.list()``,
        ``.create(job)``, ``.wait(job_id)``, ... (generated from the selected operations)."""
        return _facades()[0](self)

    @property
    def async_jobs(self) -> AsyncJobs:
        """``await client.async_jobs.get(job_id)``: the asynchronous twin of ``jobs``."""
        return _facades()[1](self)

    def _secret_headers(self) -> dict[str, str]:
        """Headers the transport adds per request, so that the httpx client never holds (or shows) them."""
        return dict(self._headers)

    def _redactor(self) -> Redactor:
        """This client's secrets (its credential headers, its base URL's password), and nobody else's."""
        return client_redactor(self._base_url, self._secret_headers())

    def log_filter(self) -> logging.Filter:
        """A logging filter that redacts this client's secrets from records: attach it to a handler you own
        (``handler.addFilter(client.log_filter())``). The client itself reconfigures no logger."""
        return RedactingFilter(self._redactor())

    def _limits(self, client_args: dict[str, Any]) -> Limits:
        policy = RetryPolicy(self.max_retries, self.retry_backoff, self.retry_backoff_max, self.retry_after_max)
        max_redirects = client_args.get("max_redirects", DEFAULT_MAX_REDIRECTS)
        return Limits(policy, self.max_response_bytes, self.sleep, self.async_sleep, max_redirects)

    def _split_httpx_args(self) -> tuple[dict[str, Any], dict[str, Any]]:
        client_args = dict(self._httpx_args)
        transport_args = {"verify": self._verify_ssl} | {
            key: client_args.pop(key) for key in TRANSPORT_ARGS if key in client_args
        }
        return client_args, transport_args

    def _httpx_kwargs(self) -> dict[str, Any]:
        """httpx.Client arguments: the user's, with the transport (a BoundedTransport unless the user gave one)
        wrapped by GatewayTransport."""
        client_args, transport_args = self._split_httpx_args()
        inner = client_args.pop("transport", None) or BoundedTransport(**transport_args)
        transport = GatewayTransport(
            inner, self._secret_headers(), self._limits(client_args), httpx.URL(self._base_url), self._redactor()
        )
        return client_args | {"transport": transport}

    def _async_httpx_kwargs(self) -> dict[str, Any]:
        """httpx.AsyncClient arguments: the user's, with the transport wrapped by AsyncGatewayTransport."""
        client_args, transport_args = self._split_httpx_args()
        inner = client_args.pop("transport", None) or AsyncBoundedTransport(**transport_args)
        transport = AsyncGatewayTransport(
            inner, self._secret_headers(), self._limits(client_args), httpx.URL(self._base_url), self._redactor()
        )
        return client_args | {"transport": transport}


class AuthenticatedClientBase(ClientBase):
    """The authenticated client's additions: the credential travels in the transport, not in httpx's headers."""

    token: str
    prefix: str
    auth_header_name: str

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | None = None,
        account_id: str | None = None,
        base_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Self:
        """Configure a client like the official SDK: explicit arguments win over the environment.

        - token from ``api_key`` or FIREWORKS_API_KEY (required: ConfigurationError names the variable),
        - account id from ``account_id`` or FIREWORKS_ACCOUNT_ID (optional here; ``account_id`` raises a
          ConfigurationError naming the variable when it is used but unset),
        - base URL from ``base_url`` or FIREWORKS_BASE_URL, default https://api.fireworks.ai.

        ``environ`` replaces os.environ (for tests); other keyword arguments go to the constructor.
        """
        return from_env(cls, api_key=api_key, account_id=account_id, base_url=base_url, environ=environ, **kwargs)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        # `echo key | base64` and pasted keys end in a newline: stripped; a control character inside is refused.
        self.token = checked_credential(self.token, "token")

    def _secret_headers(self) -> dict[str, str]:
        value = f"{self.prefix} {self.token}" if self.prefix else self.token
        return {**self._headers, self.auth_header_name: value}

    def _redactor(self) -> Redactor:
        redactor = super()._redactor()
        redactor.add(self.token)  # whatever the header is called
        return redactor
