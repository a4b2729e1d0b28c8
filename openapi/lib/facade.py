"""The behaviour behind ``client.jobs`` and ``client.async_jobs``, once per kind of operation, for both twins.

The facade itself (``fireworks_gateway/jobs.py``) is generated from the selected operations: one typed method per
operation, each a line that calls one of the methods below with the operation's `Operation`, also generated (its
method, path template, retry mode, answer). What happens per kind lives here:

- read (get): one GET; with a read mask, the answer parses into the partial model, whose fields may be absent;
- list: pages fetched one at a time while the caller iterates, following the page tokens (a token seen twice
  raises PaginationLoopError);
- create: output-only fields refused before sending, an id always sent (a fresh one unless given), so that a
  retry after a lost answer cannot make a second resource; a 409 on a retry of this very create reads it back;
- custom methods (``:cancel``) and delete: an empty ``{}`` answer is None; a one-field answer (``estimatedCost``)
  is that field;
- wait: reads until the state is terminal, calling back on each change of state or progress.

The protocol facts come from the package generation copies in as ``_lib.protocol`` (src/gateway_protocol): path
templates, which expand values safely, and which job states are terminal. They are imported here only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar

import httpx

from .creation import OutputOnly, new_resource_id, refuse_output_only
from .errors import (
    APIStatusError,
    ConflictError,
    InvalidResourceIdError,
    MissingFieldError,
    ResponseContractError,
    ServerError,
    TransportFailure,
)
from .pagination import Page, TokenWalk
from .protocol.job_states import is_terminal
from .protocol.resource_names import PathTemplate, ResourceValueError
from .read_mask import masked, to_param
from .responses import parse_answer
from .retry import RETRIES_EXTENSION, RETRY_EXTENSION, RETRYABLE_STATUSES, RetryMode
from .waiting import Poll, WaitTimeoutError, Watch

__all__ = [
    "AsyncResource",
    "EmptyAnswer",
    "FieldAnswer",
    "ModelAnswer",
    "Operation",
    "Resource",
    "is_terminal",
]

M = TypeVar("M")
M_co = TypeVar("M_co", covariant=True)
T = TypeVar("T")

_OK = (200,)  # every selected operation documents its 200 answer only


class Answer(Protocol[M_co]):
    """Turns a 2xx JSON body into what the call returns; `mask` is what the request's readMask covered."""

    def __call__(self, body: Any, mask: frozenset[str] | None, /) -> M_co: ...


class ModelAnswer(Generic[M]):
    """The body is the model (the job; its partial model after a masked read)."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._from_dict: Callable[..., M] = model.from_dict  # type: ignore[attr-defined]

    def __call__(self, body: Any, mask: frozenset[str] | None) -> M:
        return self._from_dict(masked(body, mask), read_mask=mask)


class EmptyAnswer:
    """The body is ``{}`` (delete, cancel): the call returns None; anything but an object breaks the contract."""

    def __call__(self, body: Any, mask: frozenset[str] | None) -> None:
        if not isinstance(body, dict):
            raise ResponseContractError(f"expected an object ({{}}), got {type(body).__name__}")


class FieldAnswer(Generic[M]):
    """The body is an object with one field, whose model is what the call returns (``estimatedCost``)."""

    def __init__(self, name: str, model: type[M], wrapper: str) -> None:
        self.name = name
        self._from_dict: Callable[[Any], M] = model.from_dict  # type: ignore[attr-defined]
        self._wrapper = wrapper

    def __call__(self, body: Any, mask: frozenset[str] | None) -> M:
        if not isinstance(body, dict):
            raise ResponseContractError(f"{self._wrapper}: expected an object, got {type(body).__name__}")
        value = body.get(self.name)
        if value is None:
            raise MissingFieldError(self.name, self._wrapper)
        return self._from_dict(value)


@dataclass(frozen=True)
class Operation(Generic[M]):
    """One selected operation as the facade sends it (generated from gateway_protocol.operations)."""

    operation_id: str
    method: str
    path: str
    answer: Answer[M]
    retry: RetryMode
    body: Literal["none", "empty", "resource"] = "none"
    output_only: OutputOnly | None = None  # a resource body: the fields the server owns
    id_parameter: str | None = None  # create: the query parameter that names the new resource
    page_token: str | None = None  # list: the query parameter of the page token
    template: PathTemplate = field(init=False, repr=False)
    _parent: str = field(init=False, repr=False)  # the account's variable
    _child: str | None = field(init=False, repr=False)  # the resource's variable, when the path names one

    def __post_init__(self) -> None:
        template = PathTemplate(self.path)
        variables = template.variables
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "_parent", variables[0])
        child = variables[-1] if template.last_variable is not None and len(variables) > 1 else None
        object.__setattr__(self, "_child", child)

    def answering(self, answer: Answer[T]) -> Operation[T]:
        """The same operation with another answer (the partial model of a masked read)."""
        return Operation(
            self.operation_id,
            self.method,
            self.path,
            answer,
            self.retry,
            self.body,
            self.output_only,
            self.id_parameter,
            self.page_token,
        )

    def request(
        self,
        account_id: str,
        resource_id: str | None,
        query: Mapping[str, object],
        body: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """httpx.Client.request arguments; InvalidResourceIdError (before anything is sent) for an id that cannot be
        in a path."""
        values = {self._parent: account_id}
        if self._child is not None:
            values[self._child] = resource_id if resource_id is not None else ""
        try:
            url = self.template.expand(values)
        except ResourceValueError as error:
            raise InvalidResourceIdError(str(error)) from None
        request: dict[str, Any] = {
            "method": self.method,
            "url": url,
            "extensions": {RETRY_EXTENSION: self.retry},
        }
        if query:
            params = {name: to_param(value) for name, value in query.items() if value is not None}
            if params:
                request["params"] = params
        if self.body == "empty":
            request["json"] = {}
        elif body is not None:
            request["json"] = body
        return request

    def parse(self, response: httpx.Response) -> M:
        return parse_answer(response, self.answer, self.operation_id, _OK)

    def resource_body(self, resource: Any, what: str) -> dict[str, Any]:
        """The JSON body of a resource model: ValueError naming any output-only field that is set."""
        body: dict[str, Any] = resource.to_dict()
        if self.output_only:
            refuse_output_only(body, self.output_only, what)
        return body


def _handed_out(pages: Iterator[Page[T]]) -> Iterator[T]:
    """Each item of each page, no longer held once handed out: a caller that keeps none frees each job as it goes,
    so that the garbage collector does not carry whole pages into its older generations on a long walk."""
    for page in pages:
        items = page.jobs
        items.reverse()
        pop = items.pop
        while items:
            yield pop()


def _retried(error: ConflictError) -> bool:
    return bool(error.response.extensions.get(RETRIES_EXTENSION))


def _note_id(error: BaseException, resource_id: str) -> None:
    """When a create's answer is lost, the caller needs the id it was sent with to try again safely."""
    if isinstance(error, TransportFailure | ServerError):
        error.add_note(
            f"the create was sent with id {resource_id!r}: the job may exist; get it, or create again with that id"
        )


def _retry_after(response: httpx.Response) -> float | None:
    from .errors import parse_retry_after

    value = response.headers.get("retry-after")
    return parse_retry_after(value) if value is not None else None


class _Base:
    def __init__(self, client: Any) -> None:
        self._client = client

    def _account(self, account_id: str | None) -> str:
        return account_id or str(self._client.account_id)

    def _poll(self, timeout: float | None, poll_interval: float) -> Poll:
        return Poll(timeout, poll_interval, self._client.clock, self._client.retry_after_max)

    @staticmethod
    def _timed_out(watch: Watch, last: Any, resource_id: str, poll: Poll) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"{resource_id} is still {watch.state(last)} after {poll.elapsed:.1f} s (timeout {poll.timeout} s)",
            last=last,
            timeout=poll.timeout or 0.0,
        )


class Resource(_Base):
    """The per-kind behaviour of the sync facade (``client.jobs``)."""

    def _send(
        self,
        operation: Operation[M],
        account_id: str | None,
        resource_id: str | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> M:
        return self._exchange(operation, account_id, resource_id, query, body)[0]

    def _exchange(
        self,
        operation: Operation[M],
        account_id: str | None,
        resource_id: str | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> tuple[M, httpx.Response]:
        request = operation.request(self._account(account_id), resource_id, query or {}, body)
        client = self._client.get_httpx_client()
        response = client.request(**request | {"url": self._client._kept_urls(client.base_url, request["url"])})
        return operation.parse(response), response

    def _pages(
        self, operation: Operation[Page[T]], account_id: str | None, query: Mapping[str, object]
    ) -> Iterator[Page[T]]:
        account = self._account(account_id)  # a missing account is an error now, not at the first page
        token_parameter = operation.page_token or "pageToken"

        def walk() -> Iterator[Page[T]]:
            tokens, token = TokenWalk(), None
            while True:
                page = self._send(operation, account, None, {**query, token_parameter: token})
                yield page
                token = tokens.next(page.next_page_token)
                if token is None:
                    return

        return walk()

    def _items(self, operation: Operation[Page[T]], account_id: str | None, query: Mapping[str, object]) -> Iterator[T]:
        pages = self._pages(operation, account_id, query)
        return _handed_out(pages)  # one generator per walk, not one per page and one over them

    def _create(
        self,
        operation: Operation[M],
        resource: Any,
        resource_id: str | None,
        account_id: str | None,
        read_back: Operation[M] | None,
    ) -> M:
        body = operation.resource_body(resource, "job")
        new_id = resource_id or new_resource_id()
        query = {operation.id_parameter or "": new_id}
        try:
            return self._send(operation, account_id, None, query, body)
        except ConflictError as error:
            if read_back is None or not _retried(error):
                raise
            # The first attempt made it and its answer was lost; the retry found the job: read it back.
            return self._send(read_back, account_id, new_id)
        except Exception as error:
            _note_id(error, new_id)
            raise

    def _wait(
        self,
        read: Operation[M],
        resource_id: str,
        account_id: str | None,
        timeout: float | None,
        poll_interval: float,
        on_progress: Callable[[M], object] | None,
        watch: Watch,
    ) -> M:
        poll = self._poll(timeout, poll_interval)
        last: M | None = None
        while True:
            retry_after, changed = None, False
            try:
                current, response = self._exchange(read, account_id, resource_id)
            except APIStatusError as error:
                if error.status_code not in RETRYABLE_STATUSES:
                    raise
                retry_after = error.retry_after  # throttled or unavailable past the retries: poll again later
            else:
                last = current
                changed = watch.changed(current)
                if changed and on_progress is not None:
                    on_progress(current)
                if watch.finished(current):
                    return current
                retry_after = _retry_after(response)
            pause = poll.next_pause(changed, retry_after)
            if pause is None:
                raise self._timed_out(watch, last, resource_id, poll)
            self._client.sleep(pause)


class AsyncResource(_Base):
    """The per-kind behaviour of the async facade (``client.async_jobs``): Resource's twin."""

    async def _send(
        self,
        operation: Operation[M],
        account_id: str | None,
        resource_id: str | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> M:
        return (await self._exchange(operation, account_id, resource_id, query, body))[0]

    async def _exchange(
        self,
        operation: Operation[M],
        account_id: str | None,
        resource_id: str | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> tuple[M, httpx.Response]:
        request = operation.request(self._account(account_id), resource_id, query or {}, body)
        client = self._client.get_async_httpx_client()
        response = await client.request(**request | {"url": self._client._kept_urls(client.base_url, request["url"])})
        return operation.parse(response), response

    def _pages(
        self, operation: Operation[Page[T]], account_id: str | None, query: Mapping[str, object]
    ) -> AsyncIterator[Page[T]]:
        account = self._account(account_id)
        token_parameter = operation.page_token or "pageToken"

        async def walk() -> AsyncIterator[Page[T]]:
            tokens, token = TokenWalk(), None
            while True:
                page = await self._send(operation, account, None, {**query, token_parameter: token})
                yield page
                token = tokens.next(page.next_page_token)
                if token is None:
                    return

        return walk()

    def _items(
        self, operation: Operation[Page[T]], account_id: str | None, query: Mapping[str, object]
    ) -> AsyncIterator[T]:
        pages = self._pages(operation, account_id, query)

        async def items() -> AsyncIterator[T]:
            async for page in pages:
                items = page.jobs
                items.reverse()  # handed out as in the sync twin's _handed_out, no longer held once yielded
                while items:
                    yield items.pop()

        return items()

    async def _create(
        self,
        operation: Operation[M],
        resource: Any,
        resource_id: str | None,
        account_id: str | None,
        read_back: Operation[M] | None,
    ) -> M:
        body = operation.resource_body(resource, "job")
        new_id = resource_id or new_resource_id()
        query = {operation.id_parameter or "": new_id}
        try:
            return await self._send(operation, account_id, None, query, body)
        except ConflictError as error:
            if read_back is None or not _retried(error):
                raise
            return await self._send(read_back, account_id, new_id)
        except Exception as error:
            _note_id(error, new_id)
            raise

    async def _wait(
        self,
        read: Operation[M],
        resource_id: str,
        account_id: str | None,
        timeout: float | None,
        poll_interval: float,
        on_progress: Callable[[M], object] | None,
        watch: Watch,
    ) -> M:
        poll = self._poll(timeout, poll_interval)
        last: M | None = None
        while True:
            retry_after, changed = None, False
            try:
                current, response = await self._exchange(read, account_id, resource_id)
            except APIStatusError as error:
                if error.status_code not in RETRYABLE_STATUSES:
                    raise
                retry_after = error.retry_after
            else:
                last = current
                changed = watch.changed(current)
                if changed and on_progress is not None:
                    on_progress(current)
                if watch.finished(current):
                    return current
                retry_after = _retry_after(response)
            pause = poll.next_pause(changed, retry_after)
            if pause is None:
                raise self._timed_out(watch, last, resource_id, poll)
            await self._client.async_sleep(pause)
