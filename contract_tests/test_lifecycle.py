"""The lifecycle of LIFECYCLE.md on each checked account: list walks, estimates, and (when writes are on) a job's
whole life, each observation judged by the lifecycle catalogue (`lifecycle_rules`).

Read-only checks run everywhere: a live run sends GETs and estimate-cost POSTs only. Writes (create, cancel,
delete, resume) run against the embedded mock always, and live only with CONTRACT_WRITES=1 and CONTRACT_DATASET,
on jobs this run creates (`writes.WriteLedger`), cleaned up whatever happens.

Requests per account, read-only (N jobs in the account, P = CONTRACT_MAX_LIST_PAGES): the walk at the largest
page size, min(ceil(N/max), P) pages, and its first page again when it took more than one; 3 GETs of listed jobs;
a walk of 2-job pages (at most 3, and its first page again); 3 page-size probes; 3 orders; 2 filters built from
what was seen (each a walk of at most P pages); 1 masked page; 3 page-token probes; 2 listings and 3 estimates
for estimate cost; 1 GET of an unknown id. With writes, about 25 more, 2 job ids created.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gateway_protocol.job_states import UNSPECIFIED_STATE, is_terminal
from gateway_protocol.proto_json import snake_case as snake

from .lifecycle_driver import LifecycleSession
from .lifecycle_rules import (
    Call,
    Cancel,
    CostPair,
    Create,
    Delete,
    DuplicateCreate,
    Estimate,
    JobReads,
    ListWalk,
    PageTokenProbe,
    SuiteFilter,
    UnknownJob,
    instant,
)
from .operation_facts import ApiFacts
from .run import ContractRun
from .writes import ID_PREFIX, LedgerFull

_GETS = 3  # listed jobs read one by one, to hold the listing to their GETs
_SMALL_PAGE, _SMALL_PAGES = 2, 3
_FAR_PAST = "2001-02-03T04:05:06Z"  # an output-only timestamp no gateway would produce for a new job
_BAD_TOKEN = "contract-suite-not-a-page-token"


def _session(run: ContractRun, account: str, test_name: str) -> LifecycleSession:
    if run.api.list is None:
        pytest.skip("the spec selects no list operation")
    return LifecycleSession(run, account, test_name)


def _largest(api: ApiFacts) -> int:
    listing = api.list
    assert listing is not None
    return listing.max_page_size or listing.default_page_size or 100


def _size(api: ApiFacts, size: int | None) -> dict[str, Any]:
    listing = api.list
    return {listing.page_size_param: size} if listing is not None and listing.page_size_param else {}


def _orders(api: ApiFacts) -> list[str]:
    """Orders to ask for: newest first, names descending, and a dotted subfield when the spec has one."""
    resource = api.resource
    name = snake(resource.name_field) if resource.name_field else None
    orders = []
    if resource.create_time_field:
        orders.append(f"{snake(resource.create_time_field)} desc")
    if name:
        orders.append(f"{name} desc")
    if resource.percent_paths and name:
        orders.append(".".join(snake(part) for part in resource.percent_paths[0]) + f" desc, {name}")
    return orders


def _filters(api: ApiFacts, jobs: list[Any]) -> list[SuiteFilter]:
    """Filters built from the jobs seen: their most common state, and created after the median creation time."""
    resource = api.resource
    built = []
    if resource.state_field:
        states: Counter[str] = Counter(
            str(job.get(resource.state_field))
            for job in jobs
            if isinstance(job, dict)
            and job.get(resource.state_field) in resource.state_values
            and job.get(resource.state_field) != UNSPECIFIED_STATE
        )
        if states:
            built.append(SuiteFilter(resource.state_field, "=", states.most_common(1)[0][0]))
    if resource.create_time_field:
        stamps = sorted({(when, job[resource.create_time_field]) for job in jobs if (when := _created(job, api))})
        if len(stamps) >= 2:
            built.append(SuiteFilter(resource.create_time_field, ">", stamps[len(stamps) // 2 - 1][1]))
    return built


def _created(job: Any, api: ApiFacts) -> tuple[int, int] | None:
    field = api.resource.create_time_field
    return instant(job.get(field)) if isinstance(job, dict) and field else None


def test_list_walk(run: ContractRun, account: str, test_name: str) -> None:
    """Walks over the account: page sizes, tokens that end without looping, no repeats, every job, totalSize, the
    default order and `orderBy`, filters built from what was seen, `readMask` on listed jobs, listed jobs against
    their GET, and page tokens tampered with (advisory)."""
    s = _session(run, account, test_name)
    listing = s.api.list
    assert listing is not None
    largest, bound = _largest(s.api), run.settings.max_list_pages
    full = s.walk(_size(s.api, largest), bound)
    listed = [job_id for job in full.jobs if (job_id := s.job_id(job)) is not None]
    # The jobs the user named first, listed or not (each must be listed: list-complete), then listed ones.
    named = list(run.target.job_ids) if account == run.target.account else []
    gets = tuple(s.call("get", job_id) for job_id in list(dict.fromkeys(named + listed))[:_GETS])
    known = tuple(get.body for get in gets if get.status == 200)
    s.observe(ListWalk(tuple(full.pages), known=known, gets=gets, stable=full.stable, page_bound=bound))

    small = s.walk(_size(s.api, _SMALL_PAGE), _SMALL_PAGES)
    s.observe(ListWalk(tuple(small.pages), stable=small.stable, page_bound=_SMALL_PAGES))
    for query in ({}, _size(s.api, largest * 5)):
        s.observe(ListWalk((s.call("list", query=query),)))
    if listing.page_size_param:
        s.call("list", query=_size(s.api, -1))

    if listing.order_by_param:
        for order in _orders(s.api):
            s.observe(ListWalk((s.call("list", query={listing.order_by_param: order, **_size(s.api, largest)}),)))
    filters = _filters(s.api, full.jobs) if listing.filter_param else []
    for built in filters:
        assert listing.filter_param is not None
        walk = s.walk({listing.filter_param: built.text, **_size(s.api, largest)}, bound)
        stable = walk.stable and full.stable
        s.observe(ListWalk(tuple(walk.pages), known=known, stable=stable, page_bound=bound, filter=built))

    if listing.read_mask_param:
        mask = ",".join(f for f in (s.api.resource.name_field, s.api.resource.state_field) if f)
        masked = s.call("list", query={listing.read_mask_param: mask, **_size(s.api, largest)})
        s.observe(ListWalk((masked,), gets=gets))

    if listing.page_token_param:
        token_param = listing.page_token_param
        malformed = s.call("list", query={token_param: _BAD_TOKEN, **_size(s.api, _SMALL_PAGE)})
        s.observe(PageTokenProbe(malformed, "malformed"))
        token = s.next_token(small.pages[0]) if small.pages else None
        if token is not None and filters and listing.filter_param:
            other = {token_param: token, listing.filter_param: filters[0].text, **_size(s.api, _SMALL_PAGE)}
            s.observe(PageTokenProbe(s.call("list", query=other), "other-filter"))
        orders = _orders(s.api)
        if token is not None and orders and listing.order_by_param:
            other = {token_param: token, listing.order_by_param: orders[-1], **_size(s.api, _SMALL_PAGE)}
            s.observe(PageTokenProbe(s.call("list", query=other), "other-order"))
    s.done()


def _settings_of(s: LifecycleSession, job: Any) -> dict[str, Any]:
    """A job's settings as a request body: its writable fields (AIP-203: no output-only ones), but unset ones,
    signed URLs and secret-named ones (never sent back to a gateway)."""
    resource = s.api.resource
    if not isinstance(job, dict):
        return {}
    return {
        k: v
        for k, v in job.items()
        if k in resource.writable
        and k in resource.stable_fields
        and not s.api.spec_facts.is_secret_name(k)
        and v not in (None, "", [], {})
    }


def _recent(s: LifecycleSession) -> Call:
    """One page of the account's jobs, newest first when the gateway takes that order."""
    listing = s.api.list
    assert listing is not None
    orders = _orders(s.api)
    if listing.order_by_param and s.api.resource.create_time_field and orders:
        newest = s.call("list", query={listing.order_by_param: orders[0], **_size(s.api, _largest(s.api))})
        if newest.status == 200:
            return newest
    return s.call("list", query=_size(s.api, _largest(s.api)))


def _jobs_of(s: LifecycleSession, page: Call) -> tuple[Any, ...] | None:
    listing = s.api.list
    if listing is None or page.status != 200 or not isinstance(page.body, dict):
        return None
    items = page.body.get(listing.items_field)
    return tuple(items) if isinstance(items, list) else ()


def test_estimate_cost(run: ContractRun, account: str, test_name: str) -> None:
    """Estimate cost with the settings of a job the user named (output-only fields stripped): a Money that is not
    negative, no job created, `dataset` required; more epochs never cost less (advisory)."""
    s = _session(run, account, test_name)
    s.operation("estimate_cost")
    resource = s.api.resource
    before = _recent(s)
    listed = _jobs_of(s, before) or ()
    source = run.target.job_ids[0] if account == run.target.account and run.target.job_ids else None
    if source is None and listed:
        source = s.job_id(listed[0])
    read = s.call("get", source) if source is not None else None
    body = _settings_of(s, read.body if read is not None and read.status == 200 else None)
    if resource.marker_field:
        body[resource.marker_field] = run.ledger.mark  # tells a job an estimate made by mistake from a user's
    cheap = s.call("estimate_cost", body=body)
    if resource.epochs_field and cheap.status == 200:
        epochs = body.get(resource.epochs_field)
        more = body | {resource.epochs_field: (epochs if isinstance(epochs, int) and epochs > 0 else 1) + 1}
        s.observe(CostPair(cheap, s.call("estimate_cost", body=more)))
    if s.operation("estimate_cost").required_body_fields:
        bare = {k: v for k, v in body.items() if k not in s.operation("estimate_cost").required_body_fields}
        s.call("estimate_cost", body=bare)
    ids_before = frozenset(filter(None, (s.job_id(job) for job in listed))) if before.status == 200 else None
    after = _recent(s)
    s.observe(Estimate(cheap, ids_before, _jobs_of(s, after)))
    s.done()


def test_unknown_job_each_operation(run: ContractRun, account: str, test_name: str) -> None:
    """Every operation on one job answers an id the account lacks with 404 and code 5 (the writing ones only
    when writes are on)."""
    s = _session(run, account, test_name)
    unknown = f"{ID_PREFIX}-no-such-job-{run.ledger.nonce}"
    for method_name, operation in s.api.operations.items():
        if not operation.on_resource or (operation.method != "GET" and not run.settings.writes):
            continue
        body: dict[str, Any] | None = {} if operation.method in ("POST", "PUT", "PATCH") else None
        s.observe(UnknownJob(s.call(method_name, unknown, body=body)))
    s.done()


def _writes(run: ContractRun) -> None:
    if not run.settings.writes:
        pytest.skip("live writes need CONTRACT_WRITES=1 and CONTRACT_DATASET (this run only reads)")


def _new_id(run: ContractRun) -> str:
    try:
        return run.ledger.new_id()
    except LedgerFull as full:
        run.fail_run(str(full))


def _required(s: LifecycleSession, listed: tuple[Any, ...]) -> dict[str, Any]:
    """The body fields a create requires: CONTRACT_DATASET for the first, else what a listed job holds."""
    required = s.operation("create").required_body_fields
    values: dict[str, Any] = {}
    for index, name in enumerate(required):
        if index == 0 and s.run.settings.dataset:
            values[name] = s.run.settings.dataset
            continue
        held = next((job.get(name) for job in listed if isinstance(job, dict) and job.get(name)), None)
        values[name] = held if held is not None else f"accounts/{s.account}/datasets/{ID_PREFIX}"
    return values


def _bait(s: LifecycleSession) -> dict[str, Any]:
    """Output-only values no gateway would give a new job: a terminal state and far-past timestamps."""
    resource = s.api.resource
    bait: dict[str, Any] = {}
    terminal = [state for state in resource.state_values if is_terminal(state)]
    if resource.state_field and terminal:
        bait[resource.state_field] = terminal[0]
    for name in resource.output_only:
        if resource.schema_of(name).get("format") == "date-time":
            bait[name] = _FAR_PAST
    return bait


def test_job_lifecycle(run: ContractRun, account: str, test_name: str) -> None:
    """A job of this run: create (output-only fields in the body ignored, settings echoed), get, cancel, wait
    for a terminal state, cancel again, a duplicate create, list, delete, and the reads after it."""
    _writes(run)
    s = _session(run, account, test_name)
    create = s.operation("create")
    resource = s.api.resource
    listing = s.api.list
    assert listing is not None
    recent = s.call("list", query=_size(s.api, _largest(s.api)))
    body = _required(s, _jobs_of(s, recent) or ())
    if resource.marker_field:
        body[resource.marker_field] = run.ledger.mark
    asked = _new_id(run)
    run.ledger.note(account, asked)
    query = {create.resource_id_parameter: asked} if create.resource_id_parameter else {}
    created = s.call("create", query=query, body=body | _bait(s))
    s.observe(Create(created))
    job_id = run.ledger.learn(account, created)
    if job_id is None:
        s.done()
        run.fail_run(f"the create of {asked} answered HTTP {created.status}: the lifecycle cannot go on")
    reads = [created, s.call("get", job_id)]
    if s.has("cancel"):  # first, while the new job still runs
        before = reads[-1]
        cancel = s.call("cancel", job_id, body={})
        after, waited = s.poll(job_id, "terminal")
        reads += after
        s.observe(Cancel(before, cancel, tuple(after), waited))
        last = after[-1] if after else before
        if is_terminal(s.state(last)):
            again = s.call("cancel", job_id, body={})
            reads.append(s.call("get", job_id))
            s.observe(Cancel(last, again, (reads[-1],)))
    if create.resource_id_parameter and job_id == asked:  # a gateway's own ids need not be ones it takes
        duplicate = s.call("create", query={create.resource_id_parameter: job_id}, body=body)
        run.ledger.learn(account, duplicate)
        reads.append(s.call("get", job_id))
        s.observe(DuplicateCreate(reads[-2], duplicate, reads[-1]))
    page = s.call("list", query=_size(s.api, _largest(s.api)))
    s.observe(ListWalk((page,), known=(reads[-1].body,), gets=(reads[-1],)))
    if s.has("delete"):
        deleted = s.call("delete", job_id)
        gone, _ = s.poll(job_id, "gone")
        reads += gone
        s.observe(Delete(deleted, tuple(gone), s.call("delete", job_id) if deleted.status == 200 else None))
    s.observe(JobReads(tuple(read for read in reads if read.status == 200)))
    s.done()


def test_create_without_required_fields(run: ContractRun, account: str, test_name: str) -> None:
    """A create without `dataset` (every field the spec requires of its body) answers 400 with code 3."""
    _writes(run)
    s = _session(run, account, test_name)
    create = s.operation("create")
    if not create.required_body_fields:
        pytest.skip("the spec requires no field of a create's body")
    asked = _new_id(run)
    run.ledger.note(account, asked)
    marker = s.api.resource.marker_field
    body = {marker: run.ledger.mark} if marker else {}
    query = {create.resource_id_parameter: asked} if create.resource_id_parameter else {}
    run.ledger.learn(account, s.call("create", query=query, body=body))
    s.done()
