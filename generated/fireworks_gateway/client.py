import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable
from typing import Any, Self

import httpx
from attrs import define, evolve, field

# What the client adds lives in _lib (openapi/lib/): transports (credentials, retries, deadline, size cap), config.
from ._lib.client_base import AuthenticatedClientBase, ClientBase
from ._lib.config import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, NO_TIMEOUT, coerce_timeout
from ._lib.masking import keys_repr, mask_url
from ._lib.transport import DEFAULT_MAX_RESPONSE_BYTES
from ._lib.urls import KeptUrls

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "NO_TIMEOUT",
    "AuthenticatedClient",
    "Client",
]


@define
class Client(ClientBase):
    """A class for keeping track of data related to the API

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: An httpx.Timeout or seconds bounding each attempt as a whole (connect, headers, entire body);
        None means DEFAULT_TIMEOUT (60 s, 10 s to connect), NO_TIMEOUT waits forever. Exceeded after any retries,
        API functions raise errors.GatewayTimeoutError.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.

        ``account_id`` (default account), ``max_retries`` (2), ``retry_backoff`` (0.5 s, doubling, jittered),
        ``retry_backoff_max`` (8 s), ``retry_after_max`` (60 s), ``max_response_bytes`` (32 MiB), ``sleep``,
        ``async_sleep`` and ``clock`` (jobs.wait): see README "Using the client". Retries: 429, 502, 503, 504,
        connection errors, timeouts.


    Attributes:
        raise_on_unexpected_status: Kept for compatibility and ignored: an undocumented status always raises
            (errors.UnexpectedStatus for a 2xx, an errors.APIStatusError subclass otherwise). Can also be
            provided as a keyword argument to the constructor.
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url", repr=mask_url)
    _cookies: dict[str, str] = field(
        factory=dict, kw_only=True, alias="cookies", repr=keys_repr
    )
    _headers: dict[str, str] = field(
        factory=dict, kw_only=True, alias="headers", repr=keys_repr
    )
    _timeout: httpx.Timeout = field(
        default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout", converter=coerce_timeout
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(
        default=True, kw_only=True, alias="verify_ssl"
    )
    _follow_redirects: bool = field(
        default=False, kw_only=True, alias="follow_redirects"
    )
    _httpx_args: dict[str, Any] = field(
        factory=dict, kw_only=True, alias="httpx_args", repr=keys_repr
    )
    _account_id: str | None = field(default=None, kw_only=True, alias="account_id")
    max_retries: int = field(default=2, kw_only=True)
    retry_backoff: float = field(default=0.5, kw_only=True)
    retry_backoff_max: float = field(default=8.0, kw_only=True)
    retry_after_max: float = field(default=60.0, kw_only=True)
    max_response_bytes: int = field(default=DEFAULT_MAX_RESPONSE_BYTES, kw_only=True)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, kw_only=True, repr=False
    )
    clock: Callable[[], float] = field(default=time.monotonic, kw_only=True, repr=False)
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _kept_urls: KeptUrls = field(factory=KeptUrls, init=False, repr=False, eq=False)

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

    def with_timeout(self, timeout: httpx.Timeout) -> "Client":
        """Get a new client matching this one with a new timeout configuration"""
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
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                **self._httpx_kwargs(),  # headers and verify go to the transport
            )
        return self._client

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
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                **self._async_httpx_kwargs(),  # headers and verify go to the transport
            )
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)


@define
class AuthenticatedClient(AuthenticatedClientBase):
    """A Client which has been authenticated for use on secured endpoints

    The following are accepted as keyword arguments and will be used to construct httpx Clients internally:

        ``base_url``: The base URL for the API, all requests are made to a relative path to this URL

        ``cookies``: A dictionary of cookies to be sent with every request

        ``headers``: A dictionary of headers to be sent with every request

        ``timeout``: An httpx.Timeout or seconds bounding each attempt as a whole (connect, headers, entire body);
        None means DEFAULT_TIMEOUT (60 s, 10 s to connect), NO_TIMEOUT waits forever. Exceeded after any retries,
        API functions raise errors.GatewayTimeoutError.

        ``verify_ssl``: Whether or not to verify the SSL certificate of the API server. This should be True in production,
        but can be set to False for testing purposes.

        ``follow_redirects``: Whether or not to follow redirects. Default value is False.

        ``httpx_args``: A dictionary of additional arguments to be passed to the ``httpx.Client`` and ``httpx.AsyncClient`` constructor.

        ``account_id`` (default account), ``max_retries`` (2), ``retry_backoff`` (0.5 s, doubling, jittered),
        ``retry_backoff_max`` (8 s), ``retry_after_max`` (60 s), ``max_response_bytes`` (32 MiB), ``sleep``,
        ``async_sleep`` and ``clock`` (jobs.wait): see README "Using the client". Retries: 429, 502, 503, 504,
        connection errors, timeouts.


    Attributes:
        raise_on_unexpected_status: Kept for compatibility and ignored: an undocumented status always raises
            (errors.UnexpectedStatus for a 2xx, an errors.APIStatusError subclass otherwise). Can also be
            provided as a keyword argument to the constructor.
        token: The token to use for authentication
        prefix: The prefix to use for the Authorization header
        auth_header_name: The name of the Authorization header
    """

    raise_on_unexpected_status: bool = field(default=False, kw_only=True)
    _base_url: str = field(alias="base_url", repr=mask_url)
    _cookies: dict[str, str] = field(
        factory=dict, kw_only=True, alias="cookies", repr=keys_repr
    )
    _headers: dict[str, str] = field(
        factory=dict, kw_only=True, alias="headers", repr=keys_repr
    )
    _timeout: httpx.Timeout = field(
        default=DEFAULT_TIMEOUT, kw_only=True, alias="timeout", converter=coerce_timeout
    )
    _verify_ssl: str | bool | ssl.SSLContext = field(
        default=True, kw_only=True, alias="verify_ssl"
    )
    _follow_redirects: bool = field(
        default=False, kw_only=True, alias="follow_redirects"
    )
    _httpx_args: dict[str, Any] = field(
        factory=dict, kw_only=True, alias="httpx_args", repr=keys_repr
    )
    _account_id: str | None = field(default=None, kw_only=True, alias="account_id")
    max_retries: int = field(default=2, kw_only=True)
    retry_backoff: float = field(default=0.5, kw_only=True)
    retry_backoff_max: float = field(default=8.0, kw_only=True)
    retry_after_max: float = field(default=60.0, kw_only=True)
    max_response_bytes: int = field(default=DEFAULT_MAX_RESPONSE_BYTES, kw_only=True)
    sleep: Callable[[float], None] = field(default=time.sleep, kw_only=True, repr=False)
    async_sleep: Callable[[float], Awaitable[None]] = field(
        default=asyncio.sleep, kw_only=True, repr=False
    )
    clock: Callable[[], float] = field(default=time.monotonic, kw_only=True, repr=False)
    _client: httpx.Client | None = field(default=None, init=False)
    _async_client: httpx.AsyncClient | None = field(default=None, init=False)
    _kept_urls: KeptUrls = field(factory=KeptUrls, init=False, repr=False, eq=False)

    token: str = field(repr=False)
    prefix: str = "Bearer"
    auth_header_name: str = "Authorization"

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

    def with_timeout(self, timeout: httpx.Timeout) -> "AuthenticatedClient":
        """Get a new client matching this one with a new timeout configuration"""
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
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                **self._httpx_kwargs(),  # headers and verify go to the transport
            )
        return self._client

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
                timeout=self._timeout,
                follow_redirects=self._follow_redirects,
                **self._async_httpx_kwargs(),  # headers and verify go to the transport
            )
        return self._async_client

    async def __aenter__(self) -> Self:
        """Enter a context manager for underlying httpx.AsyncClient—you cannot enter twice (see httpx docs)"""
        await self.get_async_httpx_client().__aenter__()
        return self

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        """Exit a context manager for underlying httpx.AsyncClient (see httpx docs)"""
        await self.get_async_httpx_client().__aexit__(*args, **kwargs)
