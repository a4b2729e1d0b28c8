"""client.jobs and client.async_jobs: one method per selected operation, the per-kind behaviour, both twins.

Every test runs against tests/client_fake_gateway.py (an httpx MockTransport routed by the spec's path templates);
bodies and field names come from the spec. Waits run on a fake clock that the injected sleep advances.
"""

from __future__ import annotations

import asyncio
import inspect
import typing
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable
from typing import Any

import fireworks_gateway.models
import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.errors import (
    ConfigurationError,
    ConflictError,
    GatewayClientError,
    GatewayTimeoutError,
    NotFoundError,
    PaginationLoopError,
    ServerError,
    TransportFailure,
    WaitTimeoutError,
)
from fireworks_gateway.jobs import AsyncJobs, Jobs
from fireworks_gateway.types import UNSET, Unset

from gateway_mock.fixtures import build_fixtures
from gateway_protocol.job_states import TERMINAL_STATES
from spec_tools.codegen import class_name_for
from spec_tools.facade import partial_class_name
from spec_tools.spec import load_spec
from tests.client_fake_gateway import (
    CREATE_ID,
    FIRST_STATE,
    OPERATIONS,
    RUNNING_STATES,
    FakeGateway,
    status_body,
)
from tests.client_spec_bodies import attribute_of, model_class

SPEC = load_spec()
JOB_KEY = SPEC.job_schema_name()
Job: Any = model_class(JOB_KEY)
PartialJob: Any = getattr(fireworks_gateway.models, partial_class_name(class_name_for(JOB_KEY)))
AIP_122_ID = r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?"
TERMINAL = sorted(TERMINAL_STATES)[0]
# A job with values in every field the spec defines (the mock's fixtures are built from the spec).
FULL_JOB: dict[str, Any] = build_fixtures(SPEC)["sft-completed"]


class Clock:
    """Monotonic seconds that only the injected sleeps move."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Twin:
    """One of the two facades behind one interface: tests are written once, as coroutines, for both."""

    def __init__(self, gateway: FakeGateway, asynchronous: bool, **settings: Any) -> None:
        self.clock = Clock()
        self.asynchronous = asynchronous
        self.client = AuthenticatedClient(
            base_url="https://gateway.test",
            token="jobs-test-token",
            account_id=gateway.account,
            httpx_args={"transport": httpx.MockTransport(gateway)},
            sleep=self.clock.sleep,
            async_sleep=self.clock.async_sleep,
            clock=self.clock,
            **settings,
        )

    @property
    def jobs(self) -> Jobs | AsyncJobs:
        return self.client.async_jobs if self.asynchronous else self.client.jobs

    async def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.jobs, name)(*args, **kwargs)
        return await result if self.asynchronous else result

    async def collect(self, name: str, **kwargs: Any) -> list[Any]:
        iterator = getattr(self.jobs, name)(**kwargs)
        if self.asynchronous:
            return [item async for item in iterator]
        return list(iterator)


def both(test: Callable[[Twin, FakeGateway], Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test body once per twin, each with its own gateway and client."""

    @pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
    def run(asynchronous: bool) -> None:
        gateway = FakeGateway()
        asyncio.run(test(Twin(gateway, asynchronous), gateway))

    run.__name__ = test.__name__
    run.__doc__ = test.__doc__
    return run


def _requests(gateway: FakeGateway, method: str) -> list[httpx.Request]:
    return [request for request in gateway.requests if request.method == method]


# ---- list ---------------------------------------------------------------------------------------------------


@both
async def test_list_yields_every_job_across_pages(twin: Twin, gateway: FakeGateway) -> None:
    """Seven jobs in pages of three: three requests, the token of each page sent with the next, every job once,
    page_size, filter and order_by sent under their spec names."""
    ids = gateway.seed(7)
    jobs = await twin.collect("list", page_size=3, filter='state = "X"', order_by="name desc")
    assert [job.name.rsplit("/", 1)[1] for job in jobs] == ids
    assert all(isinstance(job, Job) for job in jobs)
    sent = [dict(request.url.params) for request in gateway.requests]
    assert [params.get("pageToken") for params in sent] == [None, "3", "6"]
    assert all(
        params["pageSize"] == "3" and params["filter"] == 'state = "X"' and params["orderBy"] == "name desc"
        for params in sent
    )


def test_list_fetches_each_page_only_when_reached() -> None:
    """Creating the iterator sends nothing; the first job costs one request; the fourth (second page) one more."""
    gateway = FakeGateway()
    gateway.seed(5)
    client = Twin(gateway, False).client
    jobs = client.jobs.list(page_size=3)
    assert gateway.requests == []
    next(jobs)
    assert len(gateway.requests) == 1
    for _ in range(3):
        next(jobs)
    assert len(gateway.requests) == 2


def test_list_holds_no_job_once_handed_out() -> None:
    """A walk frees each job the caller drops while the rest of its page is still to come (both twins)."""
    gateway = FakeGateway()
    gateway.seed(5)
    sync_jobs = Twin(gateway, False).client.jobs.list(page_size=3)
    first = weakref.ref(next(sync_jobs))
    assert first() is None and next(sync_jobs) is not None

    async def scenario() -> None:
        async_jobs: AsyncIterator[Any] = Twin(gateway, True).client.async_jobs.list(page_size=3)
        first = weakref.ref(await anext(async_jobs))
        assert first() is None and await anext(async_jobs) is not None

    asyncio.run(scenario())


def test_async_list_fetches_each_page_only_when_reached() -> None:
    """The async twin's iterator is lazy too."""
    gateway = FakeGateway()
    gateway.seed(5)
    client = Twin(gateway, True).client

    async def scenario() -> None:
        jobs: AsyncIterator[Any] = client.async_jobs.list(page_size=3)
        assert gateway.requests == []
        await anext(jobs)
        assert len(gateway.requests) == 1
        for _ in range(3):
            await anext(jobs)
        assert len(gateway.requests) == 2

    asyncio.run(scenario())


@both
async def test_list_pages_carry_jobs_token_and_total(twin: Twin, gateway: FakeGateway) -> None:
    """list_pages yields Page objects: .jobs, .next_page_token (None on the last), .total_size."""
    gateway.seed(5)
    pages = await twin.collect("list_pages", page_size=2)
    assert [len(page.jobs) for page in pages] == [2, 2, 1]
    assert [page.next_page_token for page in pages] == ["2", "4", None]
    assert {page.total_size for page in pages} == {5}


@both
async def test_a_page_token_seen_twice_raises_pagination_loop_error(twin: Twin, gateway: FakeGateway) -> None:
    """A server that hands out the same token again loops: PaginationLoopError (a GatewayClientError) after the
    second page, instead of asking forever."""
    gateway.seed(10)
    gateway.tokens = lambda start, end: "same-token"
    with pytest.raises(PaginationLoopError) as caught:
        await twin.collect("list", page_size=2)
    assert isinstance(caught.value, GatewayClientError)
    assert caught.value.token == "same-token" and len(gateway.requests) == 2


@both
async def test_a_masked_list_yields_partial_jobs(twin: Twin, gateway: FakeGateway) -> None:
    """With read_mask the jobs are the partial model: the masked-out required field is UNSET, not an error."""
    gateway.seed(3)
    jobs = await twin.collect("list", read_mask=["name"])
    assert all(type(job) is PartialJob for job in jobs)
    assert all(job.name and job.dataset is UNSET for job in jobs)
    assert gateway.requests[0].url.params["readMask"] == "name"


@both
async def test_an_empty_account_lists_nothing(twin: Twin, gateway: FakeGateway) -> None:
    """No jobs: one request, no item (proto3 JSON may leave the empty array out)."""
    assert await twin.collect("list") == []
    assert len(gateway.requests) == 1


# ---- create ---------------------------------------------------------------------------------------------------


def _output_only() -> list[tuple[str, ...]]:
    """JSON paths of every readOnly property of the job, one message deep, from the spec."""
    paths: list[tuple[str, ...]] = []
    for name, raw in SPEC.job_schema()["properties"].items():
        if raw.get("readOnly"):
            paths.append((name,))
            continue
        for sub, sub_raw in (SPEC.resolve(raw).get("properties") or {}).items():
            if sub_raw.get("readOnly"):
                paths.append((name, sub))
    return paths


OUTPUT_ONLY = _output_only()


@both
async def test_create_sends_a_fresh_valid_id_and_returns_the_job(twin: Twin, gateway: FakeGateway) -> None:
    """Without job_id the client makes one (AIP-122 shape), a new one per create; the job comes back."""
    import re

    first = await twin.call("create", Job(dataset="accounts/acme/datasets/d"))
    second = await twin.call("create", Job(dataset="accounts/acme/datasets/d"))
    sent = [request.url.params[CREATE_ID] for request in gateway.requests]
    assert all(re.fullmatch(AIP_122_ID, job_id) for job_id in sent) and len(set(sent)) == 2
    assert isinstance(first, Job) and first.name.endswith(sent[0]) and second.name.endswith(sent[1])
    assert first.dataset == "accounts/acme/datasets/d"


@both
async def test_create_sends_the_given_id(twin: Twin, gateway: FakeGateway) -> None:
    """job_id= is sent as the spec's id parameter."""
    job = await twin.call("create", Job(dataset="d"), job_id="my-job")
    assert gateway.requests[0].url.params[CREATE_ID] == "my-job" and job.name.endswith("/my-job")


@pytest.mark.parametrize("path", OUTPUT_ONLY, ids=[".".join(path) for path in OUTPUT_ONLY])
@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("method", ["create", "estimate_cost"])
def test_an_output_only_field_is_refused_before_sending(method: str, asynchronous: bool, path: tuple[str, ...]) -> None:
    """Each readOnly field of the spec, set on the job, raises ValueError naming it; no request is sent."""
    assert OUTPUT_ONLY, "the spec's job has no readOnly field: this test would prove nothing"
    value: Any = FULL_JOB[path[0]]
    if len(path) == 2:
        value = {path[1]: value[path[1]]}
    job = Job.from_dict({"dataset": "d", path[0]: value})
    gateway = FakeGateway()
    twin = Twin(gateway, asynchronous)
    with pytest.raises(ValueError, match=rf"\b{path[-1]}\b") as caught:
        asyncio.run(twin.call(method, job))
    assert not isinstance(caught.value, GatewayClientError)
    assert ".".join(attribute_of(part) for part in path) in str(caught.value)
    assert gateway.requests == []


@both
async def test_a_409_on_the_retry_of_a_lost_create_reads_the_job_back(twin: Twin, gateway: FakeGateway) -> None:
    """The first attempt creates the job but its answer is lost (503); the retry gets 409: create reads the job
    back (GET) and returns it. One job exists."""

    def created_then_lost(request: httpx.Request) -> httpx.Response:
        gateway._create(request, {})
        return httpx.Response(503, json=status_body(14, "unavailable"))

    gateway.script.append(created_then_lost)
    job = await twin.call("create", Job(dataset="d"))
    assert [request.method for request in gateway.requests] == ["POST", "POST", "GET"]
    assert len(gateway.jobs) == 1 and job.name.endswith(next(iter(gateway.jobs)))
    assert len(twin.clock.sleeps) == 1


@both
async def test_a_409_on_the_first_attempt_is_a_conflict(twin: Twin, gateway: FakeGateway) -> None:
    """An id that already exists: ConflictError, no read-back."""
    gateway.seed(1)
    with pytest.raises(ConflictError):
        await twin.call("create", Job(dataset="d"), job_id="job-00000")
    assert len(gateway.requests) == 1


@both
async def test_a_create_whose_answers_are_all_lost_names_its_id(twin: Twin, gateway: FakeGateway) -> None:
    """Connections that keep failing: TransportFailure after the retries, with a note giving the id it was sent
    with, so that the caller can get it or create again without making a second job."""
    gateway.script.extend([httpx.ConnectError("refused")] * 3)
    with pytest.raises(TransportFailure) as caught:
        await twin.call("create", Job(dataset="d"))
    sent = gateway.requests[0].url.params[CREATE_ID]
    assert len(gateway.requests) == 3 and {r.url.params[CREATE_ID] for r in gateway.requests} == {sent}
    assert any(sent in note for note in caught.value.__notes__)


# ---- retries per kind -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "name", [op.method_name for op in SPEC.operations if op.kind == "custom" and not op.on_collection]
)
def test_custom_methods_are_retried_only_when_unsent(name: str, asynchronous: bool) -> None:
    """cancel and resume: a connect error (the request never left) is retried; a 503 or a read timeout (it may
    have been acted on) is not."""
    gateway = FakeGateway()
    [job_id] = gateway.seed(1)
    twin = Twin(gateway, asynchronous)
    gateway.script.append(httpx.ConnectError("refused"))
    asyncio.run(twin.call(name, job_id))
    assert len(gateway.requests) == 2
    gateway.requests.clear()
    gateway.script.append(lambda request: httpx.Response(503, json=status_body(14, "unavailable")))
    with pytest.raises(ServerError):
        asyncio.run(twin.call(name, job_id))
    assert len(gateway.requests) == 1
    gateway.requests.clear()
    gateway.script.append(httpx.ReadTimeout("no answer"))
    with pytest.raises(GatewayTimeoutError):
        asyncio.run(twin.call(name, job_id))
    assert len(gateway.requests) == 1


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", ["get", "delete"])
def test_reads_and_deletes_are_retried_on_503(name: str, asynchronous: bool) -> None:
    """GET and DELETE: a 503 then the answer; two requests, one wait."""
    gateway = FakeGateway()
    [job_id] = gateway.seed(1)
    twin = Twin(gateway, asynchronous)
    gateway.script.append(lambda request: httpx.Response(503, json=status_body(14, "unavailable")))
    asyncio.run(twin.call(name, job_id))
    assert len(gateway.requests) == 2 and len(twin.clock.sleeps) == 1


# ---- the other kinds ---------------------------------------------------------------------------------------------


@both
async def test_delete_and_cancel_return_none_resume_the_job_estimate_the_money(
    twin: Twin, gateway: FakeGateway
) -> None:
    """Empty {} answers are None; resume returns the job; estimate_cost returns the answer's Money."""
    [job_id, other] = gateway.seed(2)
    assert await twin.call("cancel", job_id) is None
    assert gateway.requests[-1].content == b"{}"
    resumed = await twin.call("resume", job_id)
    assert isinstance(resumed, Job) and resumed.state == FIRST_STATE
    assert await twin.call("delete", other) is None and other not in gateway.jobs
    money = await twin.call("estimate_cost", Job(dataset="d", epochs=3))
    money_class = model_class(OPERATIONS["estimate_cost"].response_schema_key or "")
    assert not isinstance(money, money_class)  # the one field, not the wrapper
    assert money.to_decimal() == 12


@both
async def test_another_account_and_unsafe_ids(twin: Twin, gateway: FakeGateway) -> None:
    """account_id= replaces the client's account in the path; an id that would rewrite the path (`..`) is a
    ValueError before anything is sent."""
    gateway.account = "other"
    gateway.seed(1)
    await twin.call("get", "job-00000", account_id="other")
    assert gateway.requests[-1].url.path.startswith("/v1/accounts/other/")
    count = len(gateway.requests)
    with pytest.raises(ValueError):
        await twin.call("delete", "..")
    assert len(gateway.requests) == count


def test_a_missing_account_is_reported_when_list_is_called() -> None:
    """No account: ConfigurationError from list() itself, not later at the first page."""
    client = AuthenticatedClient(base_url="https://gateway.test", token="t")
    with pytest.raises(ConfigurationError, match="FIREWORKS_ACCOUNT_ID"):
        client.jobs.list()


# ---- wait ------------------------------------------------------------------------------------------------------


def _walk(gateway: FakeGateway, job_id: str, states: Iterable[str]) -> None:
    """Each GET of the job answers the next of `states` (then stays on the last)."""
    steps = iter(states)

    def answer(request: httpx.Request) -> None:
        state = next(steps, None)
        if state is not None:
            gateway.jobs[job_id]["state"] = state
        return None

    gateway.script.extend([answer] * 20)


@both
async def test_wait_returns_the_terminal_job_and_reports_each_change(twin: Twin, gateway: FakeGateway) -> None:
    """on_progress sees the first read and every change of state, never a repeat; pauses start at the poll
    interval, grow 1.5x while nothing changes, and come back after a change."""
    [job_id] = gateway.seed(1)
    first, second = RUNNING_STATES[0], RUNNING_STATES[-1]
    _walk(gateway, job_id, [first, first, first, second, TERMINAL])
    seen: list[str] = []
    job = await twin.call("wait", job_id, poll_interval=2.0, on_progress=lambda job: seen.append(job.state))
    assert job.state == TERMINAL and isinstance(job, Job)
    assert seen == [first, second, TERMINAL]
    assert twin.clock.sleeps == [2.0, 3.0, 4.5, 2.0]


@both
async def test_wait_reports_progress_changes_in_the_same_state(twin: Twin, gateway: FakeGateway) -> None:
    """A change of progress alone (same state) is reported too."""
    progress = next((name for name in SPEC.job_schema()["properties"] if name.endswith("Progress")), None)
    if progress is None:
        pytest.skip("this spec's job has no progress property (jobProgress): only state changes are reported")
    [job_id] = gateway.seed(1, state=RUNNING_STATES[-1])
    base = FULL_JOB[progress]
    counter = next(key for key, value in base.items() if type(value) is int)
    steps = iter([base, base, {**base, counter: (base[counter] + 1) % 100}])

    def answer(request: httpx.Request) -> None:
        value = next(steps, None)
        if value is None:
            gateway.jobs[job_id]["state"] = TERMINAL
        else:
            gateway.jobs[job_id][progress] = value
        return None

    gateway.script.extend([answer] * 4)
    calls: list[Any] = []
    await twin.call("wait", job_id, poll_interval=1.0, on_progress=calls.append)
    assert len(calls) == 3  # the first read, the new percent, the terminal state


@both
async def test_wait_honours_retry_after(twin: Twin, gateway: FakeGateway) -> None:
    """A Retry-After on an answer lengthens the next pause; a 429 that outlasts the retries does not end the wait:
    its Retry-After is waited and the wait goes on."""
    [job_id] = gateway.seed(1)
    gateway.script.append(lambda request: httpx.Response(200, json=gateway.jobs[job_id], headers={"Retry-After": "7"}))
    gateway.script.append(
        lambda request: httpx.Response(429, json=status_body(8, "slow down"), headers={"Retry-After": "9"})
    )
    _walk(gateway, job_id, [TERMINAL])
    twin.client.max_retries = 0
    await twin.call("wait", job_id, poll_interval=1.0)
    assert twin.clock.sleeps[:2] == [7.0, 9.0]


@both
async def test_wait_times_out(twin: Twin, gateway: FakeGateway) -> None:
    """A job that never ends: WaitTimeoutError (a GatewayClientError) once the timeout has passed, the last pause
    cut to the deadline, the last job read attached."""
    [job_id] = gateway.seed(1)
    with pytest.raises(WaitTimeoutError) as caught:
        await twin.call("wait", job_id, timeout=10.0, poll_interval=2.0)
    assert isinstance(caught.value, GatewayClientError)
    assert sum(twin.clock.sleeps) == pytest.approx(10.0) and twin.clock.sleeps[-1] < 4.5
    assert caught.value.last is not None and caught.value.last.state == FIRST_STATE
    assert FIRST_STATE in str(caught.value)


@both
async def test_wait_on_a_missing_job_raises(twin: Twin, gateway: FakeGateway) -> None:
    """A 404 is not something to wait out."""
    with pytest.raises(NotFoundError):
        await twin.call("wait", "no-such-job")


# ---- the facade as generated -----------------------------------------------------------------------------------

PUBLIC = {op.method_name for op in SPEC.operations} | {"list_pages", "wait"}


@pytest.mark.parametrize("facade", [Jobs, AsyncJobs])
def test_one_method_per_selected_operation(facade: type) -> None:
    """The facade's public methods are the selected operations' names (plus list_pages and wait), in both twins;
    the async ones are coroutines, their lists async iterators."""
    methods = {name for name, _ in inspect.getmembers(facade, inspect.isfunction) if not name.startswith("_")}
    assert methods == PUBLIC
    if facade is AsyncJobs:
        assert {name for name in methods if inspect.iscoroutinefunction(getattr(facade, name))} == methods - {
            "list",
            "list_pages",
        }


@pytest.mark.parametrize("facade", [Jobs, AsyncJobs])
def test_every_public_method_has_resolvable_types(facade: type) -> None:
    """typing.get_type_hints and inspect.signature(eval_str=True) work on every public method and overload."""
    for name in PUBLIC:
        method = getattr(facade, name)
        for function in [method, *typing.get_overloads(method)]:
            hints = typing.get_type_hints(function)
            signature = inspect.signature(function, eval_str=True)
            assert "return" in hints and signature.return_annotation is not inspect.Signature.empty


def test_a_masked_read_is_typed_with_fields_that_may_be_absent() -> None:
    """get(read_mask=...) is declared to return the partial model, whose required field admits UNSET; without a
    mask, the job, whose required field does not."""
    returns = {
        typing.get_type_hints(overload)["read_mask"]: typing.get_type_hints(overload)["return"]
        for overload in typing.get_overloads(Jobs.get)
    }
    assert returns[type(None)] is Job
    assert PartialJob in returns.values()
    required = next(name for name in SPEC.job_schema()["required"])
    assert Unset in typing.get_args(typing.get_type_hints(PartialJob)[attribute_of(required)])
    assert typing.get_type_hints(Job)[attribute_of(required)] is str


def test_the_package_has_a_version() -> None:
    """__version__: in a checkout, the version of the spec the client was generated from."""
    import fireworks_gateway

    assert fireworks_gateway.__version__ == SPEC.version


def test_the_facade_follows_the_operation_list() -> None:
    """Rendered from a selection without cancel, the facade has no cancel, in either twin; with a naming rule that
    names the job otherwise, it uses that name."""
    from gateway_protocol.spec_view import Spec
    from spec_tools.codegen import class_names
    from spec_tools.facade import plan_facade, render_facade
    from spec_tools.paths import OPENAPI_DIR
    from spec_tools.selection import select_document

    template = OPENAPI_DIR / "facade" / "jobs.py.jinja"
    selection = tuple(op.operation_id for op in SPEC.operations if op.method_name != "cancel")
    names = class_names(select_document(SPEC.document, selection))
    source = render_facade(plan_facade(Spec(SPEC.document, selection), names), template)
    assert "def cancel" not in source and source.count("def resume") == 2
    renamed = {key: ("Renamed" + name if key == JOB_KEY else name) for key, name in names.items()}
    source = render_facade(plan_facade(Spec(SPEC.document, selection), renamed), template)
    assert f"job: Renamed{class_name_for(JOB_KEY)}" in source


def test_wait_finds_the_state_when_the_spec_drops_a_terminal_state() -> None:
    """A spec whose state enum lacks some terminal states (a bump that removes one) still has wait(), watching the
    same state attribute; a spec whose job has no state enum at all has no wait()."""
    import copy

    from gateway_protocol.spec_view import Spec
    from spec_tools.codegen import class_names
    from spec_tools.facade import plan_facade
    from spec_tools.selection import select_document

    selection = tuple(op.operation_id for op in SPEC.operations)
    names = class_names(select_document(SPEC.document, selection))
    state = plan_facade(Spec(SPEC.document, selection), names).state
    assert state is not None
    document = copy.deepcopy(SPEC.document)
    schemas = document["components"]["schemas"]
    enums = [key for key, schema in schemas.items() if TERMINAL_STATES & set(schema.get("enum") or ())]
    assert enums, "the spec has no job state enum: this test would prove nothing"
    for key in enums:
        kept = [value for value in schemas[key]["enum"] if value not in TERMINAL_STATES]
        schemas[key]["enum"] = [*kept, TERMINAL]  # every terminal state but one removed
    assert plan_facade(Spec(document, selection), names).state == state
    for key in enums:
        schemas[key]["enum"] = [value for value in schemas[key]["enum"] if value not in TERMINAL_STATES]
    assert plan_facade(Spec(document, selection), names).state is None
