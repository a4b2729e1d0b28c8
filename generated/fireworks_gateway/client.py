import asyncio
import logging
import os
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Self

import httpx
from attrs import define, evolve, field

from .errors import ConfigurationError, parse_retry_after

DEFAULT_BASE_URL = "https://api.fireworks.ai"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
"""60 s to read/write/acquire a pooled connection, 10 s to connect; used when ``timeout`` is omitted or None."""
NO_TIMEOUT = httpx.Timeout(None)
"""Pass ``timeout=NO_TIMEOUT`` to wait forever; ``timeout=None`` means the default, not "no timeout"."""
DEFAULT_MAX_RETRIES = 2

# Retried only for idempotent methods: throttling, gateway hiccups, and transport failures before a response.
_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_RETRYABLE_ERRORS = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)
_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

_logger = logging.getLogger(__name__.rpartition(".")[0] or __name__)


def _coerce_timeout(value: httpx.Timeout | float | None) -> httpx.Timeout:
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(value)


def _headers_repr(headers: Mapping[str, str]) -> str:
    # Custom headers often carry credentials under names no list can anticipate: show the names only.
    return repr(dict.fromkeys(headers, "***"))


def _keys_repr(mapping: Mapping[str, Any]) -> str:
    # Cookies and httpx arguments (auth=, proxy=...) may hold credentials: show which are set, not their values.
    return repr(sorted(mapping))


def _backoff_delay(attempt: int, initial: float, maximum: float) -> float:
    """Exponential backoff (initial * 2**attempt, capped) with jitter in [50 %, 100 %] of it."""
    delay = min(maximum, initial * 2.0**attempt)
    return delay * (0.5 + random.random() / 2)


def _retry_delay(
    attempt: int,
    retry_after: str | None,
    initial: float,
    maximum: float,
    retry_after_max: float,
) -> float:
    if retry_after is not None:
        seconds = parse_retry_after(retry_after)
        if seconds is not None:
            return min(seconds, retry_after_max)
    return _backoff_delay(attempt, initial, maximum)


@define
class Client:
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request; repr() shows their names, not their values

        ``timeout``: An httpx.Timeout or a number of seconds. Omitted or None means DEFAULT_TIMEOUT
        (60 s, 10 s to connect); waiting forever must be asked for with NO_TIMEOUT. API functions raise
        httpx.TimeoutException (after retries) when it is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.

        ``account_id``: The default account id (the official SDK reads it from FIREWORKS_ACCOUNT_ID); read it back
        with the ``account_id`` property.

    Retries (idempotent methods only; on 429, 502, 503, 504, connection errors and timeouts; never on other 4xx):

        ``max_retries``: Retries after the first attempt, default 2; 0 disables retrying.

        ``retry_backoff``: First backoff delay in seconds, default 0.5; doubles each retry, with jitter
        (each delay is drawn from 50-100 % of the nominal value).

        ``retry_backoff_max``: Upper bound of one backoff delay in seconds, default 8.

        ``retry_after_max``: A server's ``Retry-After`` (seconds or HTTP date) is honoured up to this many
        seconds, default 60; longer requests are shortened to it.

        ``sleep`` / ``async_sleep``: The functions used to wait between attempts (time.sleep, asyncio.sleep);
        tests inject recorders.


    Attributes:
        raise_on_unexpected_status: Whether or not to raise an errors.UnexpectedStatus if the API returns a
            2xx status code that was not documented in the source OpenAPI document (non-2xx statuses always raise
            an errors.APIStatusError). Can also be provided as a keyword argument to the constructor.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(
        factory=dict, kw_only=True, alias="cookies", repr=_keys_repr
    )
    _headers: dict[str, str] = field(
        factory=dict, kw_only=True, alias="headers", repr=_headers_repr
    )
    _timeout: httpx.Timeout = field(
        default=DEFAULT_TIMEOUT,
        kw_only=True,
        alias="timeout",
        converter=_coerce_timeout,
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(
        default=True, kw_only=True, alias="verify_ssl"
    )
    _follow_redirects: bool = field(
        default=False, kw_only=True, alias="follow_redirects"
    )
    _httpx_args: dict[str, Any] = field(
        factory=dict, kw_only=True, alias="httpx_args", repr=_keys_repr
    )
    _account_id: str | None = field(default=None, kw_only=True, alias="account_id")
    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    retry_backoff: float = field(default=0.5, kw_only=True)
    retry_backoff_max: float = field(default=8.0, kw_only=True)
    retry_after_max: float = field(default=60.0, kw_only=True)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, kw_only=True, repr=False
    )
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    @property
    def account_id(self) -> str:
        """The default account id; raises ConfigurationError naming FIREWORKS_ACCOUNT_ID when none was given."""
        if not self._account_id:
            raise ConfigurationError(
                "no account id: set FIREWORKS_ACCOUNT_ID or pass account_id=... to the client"
            )
        return self._account_id

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout given to the httpx clients this object builds."""
        return self._timeout

    def with_headers(self, headers: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "Client":
        """Get a new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(self, timeout: httpx.Timeout | float | None) -> "Client":
        """Get a new client matching this one with a new timeout (None means DEFAULT_TIMEOUT)"""
        timeout = _coerce_timeout(timeout)
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request with the underlying httpx.Client, retrying as the retry settings say.

        Retries only idempotent methods, on 429/502/503/504 responses and on connection errors and timeouts.
        Returns the last response (whatever its status); re-raises the last transport error.
        """
        client = self.get_httpx_client()
        retries = self.max_retries if method.upper() in _IDEMPOTENT_METHODS else 0
        attempt = 0
        while True:
            try:
                response = client.request(method, url, **kwargs)
            except _RETRYABLE_ERRORS as error:
                if attempt >= retries:
                    raise
                delay = _backoff_delay(
                    attempt, self.retry_backoff, self.retry_backoff_max
                )
                reason = type(error).__name__
            else:
                if (
                    attempt >= retries
                    or response.status_code not in _RETRYABLE_STATUSES
                ):
                    return response
                delay = _retry_delay(
                    attempt,
                    response.headers.get("retry-after"),
                    self.retry_backoff,
                    self.retry_backoff_max,
                    self.retry_after_max,
                )
                reason = f"status {response.status_code}"
                response.close()
            attempt += 1
            _logger.info(
                "retrying %s %s after %s in %.3f s (retry %d of %d)",
                method.upper(),
                url,
                reason,
                delay,
                attempt,
                retries,
            )
            self.sleep(delay)

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._headers,
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._async_client

    async def arequest(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """The asynchronous twin of ``request``: same retries, waiting with ``async_sleep``."""
        client = self.get_async_httpx_client()
        retries = self.max_retries if method.upper() in _IDEMPOTENT_METHODS else 0
        attempt = 0
        while True:
            try:
                response = await client.request(method, url, **kwargs)
            except _RETRYABLE_ERRORS as error:
                if attempt >= retries:
                    raise
                delay = _backoff_delay(
                    attempt, self.retry_backoff, self.retry_backoff_max
                )
                reason = type(error).__name__
            else:
                if (
                    attempt >= retries
                    or response.status_code not in _RETRYABLE_STATUSES
                ):
                    return response
                delay = _retry_delay(
                    attempt,
                    response.headers.get("retry-after"),
                    self.retry_backoff,
                    self.retry_backoff_max,
                    self.retry_after_max,
                )
                reason = f"status {response.status_code}"
                await response.aclose()
            attempt += 1
            _logger.info(
                "retrying %s %s after %s in %.3f s (retry %d of %d)",
                method.upper(),
                url,
                reason,
                delay,
                attempt,
                retries,
            )
            await self.async_sleep(delay)

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient:
    """A Client which has been authenticated for use on secured endpoints

    ``AuthenticatedClient.from_env()`` builds one from FIREWORKS_API_KEY, FIREWORKS_ACCOUNT_ID and
    FIREWORKS_BASE_URL, like the official SDK. The token never appears in repr(), str(), error messages or logs.

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request; repr() shows their names, not their values

        ``timeout``: An httpx.Timeout or a number of seconds. Omitted or None means DEFAULT_TIMEOUT
        (60 s, 10 s to connect); waiting forever must be asked for with NO_TIMEOUT. API functions raise
        httpx.TimeoutException (after retries) when it is exceeded.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.

        ``account_id``: The default account id (the official SDK reads it from FIREWORKS_ACCOUNT_ID); read it back
        with the ``account_id`` property.

    Retries (idempotent methods only; on 429, 502, 503, 504, connection errors and timeouts; never on other 4xx):

        ``max_retries``: Retries after the first attempt, default 2; 0 disables retrying.

        ``retry_backoff``: First backoff delay in seconds, default 0.5; doubles each retry, with jitter
        (each delay is drawn from 50-100 % of the nominal value).

        ``retry_backoff_max``: Upper bound of one backoff delay in seconds, default 8.

        ``retry_after_max``: A server's ``Retry-After`` (seconds or HTTP date) is honoured up to this many
        seconds, default 60; longer requests are shortened to it.

        ``sleep`` / ``async_sleep``: The functions used to wait between attempts (time.sleep, asyncio.sleep);
        tests inject recorders.


    Attributes:
        raise_on_unexpected_status: Whether or not to raise an errors.UnexpectedStatus if the API returns a
            2xx status code that was not documented in the source OpenAPI document (non-2xx statuses always raise
            an errors.APIStatusError). Can also be provided as a keyword argument to the constructor.
        token: The token to use for authentication; never shown by repr()
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url")
    _cookies: dict[str, str] = field(
        factory=dict, kw_only=True, alias="cookies", repr=_keys_repr
    )
    _headers: dict[str, str] = field(
        factory=dict, kw_only=True, alias="headers", repr=_headers_repr
    )
    _timeout: httpx.Timeout = field(
        default=DEFAULT_TIMEOUT,
        kw_only=True,
        alias="timeout",
        converter=_coerce_timeout,
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(
        default=True, kw_only=True, alias="verify_ssl"
    )
    _follow_redirects: bool = field(
        default=False, kw_only=True, alias="follow_redirects"
    )
    _httpx_args: dict[str, Any] = field(
        factory=dict, kw_only=True, alias="httpx_args", repr=_keys_repr
    )
    _account_id: str | None = field(default=None, kw_only=True, alias="account_id")
    max_retries: int = field(default=DEFAULT_MAX_RETRIES, kw_only=True)
    retry_backoff: float = field(default=0.5, kw_only=True)
    retry_backoff_max: float = field(default=8.0, kw_only=True)
    retry_after_max: float = field(default=60.0, kw_only=True)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, kw_only=True, repr=False
    )
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)

    token: str = field(repr=False)
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"

    @classmethod
    def from_env(
        cls,
        *,
        api_key: str | None = None,
        account_id: str | None = None,
        base_url: str | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> "AuthenticatedClient":
        """Configure a client like the official SDK: explicit arguments win over the environment.

        - token from ``api_key`` or FIREWORKS_API_KEY (required: ConfigurationError names the variable),
        - account id from ``account_id`` or FIREWORKS_ACCOUNT_ID (optional here; the ``account_id``
          property raises a ConfigurationError naming the variable when it is used but unset),
        - base URL from ``base_url`` or FIREWORKS_BASE_URL, default https://api.fireworks.ai.

        ``environ`` replaces os.environ (for tests); other keyword arguments go to the constructor.
        """
        env = os.environ if environ is None else environ
        token = api_key or env.get("FIREWORKS_API_KEY")
        if not token:
            raise ConfigurationError(
                "no API key: set FIREWORKS_API_KEY or pass api_key=..."
            )
        return cls(
            base_url=base_url or env.get("FIREWORKS_BASE_URL") or DEFAULT_BASE_URL,
            token=token,
            account_id=account_id or env.get("FIREWORKS_ACCOUNT_ID") or None,
            **kwargs,
        )

    def _auth_headers(self) -> dict[str, str]:
        # Built per httpx client instead of stored in self._headers, so the token never reaches repr().
        return {
            **self._headers,
            self.auth_header_name: f"{self.prefix} {self.token}"
            if self.prefix
            else self.token,
        }

    @property
    def account_id(self) -> str:
        """The default account id; raises ConfigurationError naming FIREWORKS_ACCOUNT_ID when none was given."""
        if not self._account_id:
            raise ConfigurationError(
                "no account id: set FIREWORKS_ACCOUNT_ID or pass account_id=... to the client"
            )
        return self._account_id

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout given to the httpx clients this object builds."""
        return self._timeout

    def with_headers(self, headers: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional headers"""
        if self._client is not None:
            self._client.headers.update(headers)
        if self._async_client is not None:
            self._async_client.headers.update(headers)
        return evolve(self, headers={**self._headers, **headers})

    def with_cookies(self, cookies: dict[str, str]) -> "AuthenticatedClient":
        """Get a new client matching this one with additional cookies"""
        if self._client is not None:
            self._client.cookies.update(cookies)
        if self._async_client is not None:
            self._async_client.cookies.update(cookies)
        return evolve(self, cookies={**self._cookies, **cookies})

    def with_timeout(
        self, timeout: httpx.Timeout | float | None
    ) -> "AuthenticatedClient":
        """Get a new client matching this one with a new timeout (None means DEFAULT_TIMEOUT)"""
        timeout = _coerce_timeout(timeout)
        if self._client is not None:
            self._client.timeout = timeout
        if self._async_client is not None:
            self._async_client.timeout = timeout
        return evolve(self, timeout=timeout)

    def set_httpx_client(self, client: httpx.Client) -> Self:
        """Manually set the underlying httpx.Client

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._client = client
        return self

    def get_httpx_client(self) -> httpx.Client:
        """Get the underlying httpx.Client, constructing a new one if not previously set"""
        if self._client is None:
            self._client = httpx.Client(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._auth_headers(),
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._client

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request with the underlying httpx.Client, retrying as the retry settings say.

        Retries only idempotent methods, on 429/502/503/504 responses and on connection errors and timeouts.
        Returns the last response (whatever its status); re-raises the last transport error.
        """
        client = self.get_httpx_client()
        retries = self.max_retries if method.upper() in _IDEMPOTENT_METHODS else 0
        attempt = 0
        while True:
            try:
                response = client.request(method, url, **kwargs)
            except _RETRYABLE_ERRORS as error:
                if attempt >= retries:
                    raise
                delay = _backoff_delay(
                    attempt, self.retry_backoff, self.retry_backoff_max
                )
                reason = type(error).__name__
            else:
                if (
                    attempt >= retries
                    or response.status_code not in _RETRYABLE_STATUSES
                ):
                    return response
                delay = _retry_delay(
                    attempt,
                    response.headers.get("retry-after"),
                    self.retry_backoff,
                    self.retry_backoff_max,
                    self.retry_after_max,
                )
                reason = f"status {response.status_code}"
                response.close()
            attempt += 1
            _logger.info(
                "retrying %s %s after %s in %.3f s (retry %d of %d)",
                method.upper(),
                url,
                reason,
                delay,
                attempt,
                retries,
            )
            self.sleep(delay)

    def __enter__(self) -> Self:
        """Enter a context manager for self.client—you cannot enter twice (see httpx docs)"""
        self.get_httpx_client().__enter__()
        return self

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for internal httpx.Client (see httpx docs)"""
        self.get_httpx_client().__exit__(*args, **kwargs)

    def set_async_httpx_client(self, async_client: httpx.AsyncClient) -> Self:
        """Manually set the underlying httpx.AsyncClient

        **NOTE**: This will override any other settings on the client, including cookies, headers, and timeout.
        """
        self._async_client = async_client
        return self

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """Get the underlying httpx.AsyncClient, constructing a new one if not previously set"""
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(
                base_url=self._base_url,
                cookies=self._cookies,
                headers=self._auth_headers(),
                timeout=self._timeout,
                verify=self._verify_ssl,
                follow_redirects=self._follow_redirects,
                **self._httpx_args,
            )
        return self._async_client

    async def arequest(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """The asynchronous twin of ``request``: same retries, waiting with ``async_sleep``."""
        client = self.get_async_httpx_client()
        retries = self.max_retries if method.upper() in _IDEMPOTENT_METHODS else 0
        attempt = 0
        while True:
            try:
                response = await client.request(method, url, **kwargs)
            except _RETRYABLE_ERRORS as error:
                if attempt >= retries:
                    raise
                delay = _backoff_delay(
                    attempt, self.retry_backoff, self.retry_backoff_max
                )
                reason = type(error).__name__
            else:
                if (
                    attempt >= retries
                    or response.status_code not in _RETRYABLE_STATUSES
                ):
                    return response
                delay = _retry_delay(
                    attempt,
                    response.headers.get("retry-after"),
                    self.retry_backoff,
                    self.retry_backoff_max,
                    self.retry_after_max,
                )
                reason = f"status {response.status_code}"
                await response.aclose()
            attempt += 1
            _logger.info(
                "retrying %s %s after %s in %.3f s (retry %d of %d)",
                method.upper(),
                url,
                reason,
                delay,
                attempt,
                retries,
            )
            await self.async_sleep(delay)

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)
