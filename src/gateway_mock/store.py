"""The jobs the mock keeps, per collection (per account), and their walk through the states on the mock's clock.

State changes are events on a heap, applied in time order before each request is answered (`catch_up`): a job is
always plain data that Get, List and the filters read as it is, and a walk costs nothing until it is observed.
Each collection keeps its jobs sorted by name (the default order, kept as jobs come and go); another order is
sorted on first use and kept until the collection changes. Page tokens resume after the last key served
(keyset paging), so jobs created during a walk never make it repeat one.

All public methods hold one lock: the server answers on one event loop, and a test may drive the store or its
clock from another thread.
"""

from __future__ import annotations

import bisect
import copy
import heapq
import itertools
import threading
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from gateway_protocol.job_states import TERMINAL_STATES

from . import lifecycle as lc
from .clock import Clock, format_timestamp
from .filtering import Filter, Ordering, Querying
from .job_model import JobModel

__all__ = ["JobRecord", "JobStore", "Page", "StoreError"]

_NS = 1_000_000_000
_Key = tuple[Any, ...]


class StoreError(Exception):
    """A request the store refuses: `code` is the google.rpc code name, `message` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(eq=False, slots=True)
class JobRecord:
    """One job: its clean body (set fields only, as the fixtures hold them) and what the store tracks of it."""

    job_id: str
    name: str
    body: dict[str, Any]
    fields: tuple[Any, ...]  # filter values (Querying.filter_values)
    version: int = 0  # grows with every change: the app's cached answers are keyed by it
    generation: int = 0  # grows when the walk is replaced (cancel, resume, delete): older events are stale
    position: int = -1  # index in the walk's plan, -1 when not walking
    hidden: bool = False  # DELETED: out of List unless the filter names that state
    cache: Any = None  # the app's wire answers for this version


@dataclass(frozen=True)
class Page:
    records: list[JobRecord]
    last_key: _Key | None  # the sort key of the last job served (None: an empty page)
    before_last_key: _Key | None  # the key before it (what a page that repeats its last job resumes after)
    more: bool  # another matching job follows
    total: int


@dataclass(frozen=True)
class _PlanStep:
    state: str
    seconds: float
    progress: float | None  # fraction of the run, for jobProgress


def _plan(states: frozenset[str]) -> tuple[_PlanStep, ...]:
    """The walk over the states the spec has, RUNNING split into its progress updates."""
    steps: list[_PlanStep] = []
    for step in lc.WALK:
        if step.state not in states:
            continue
        if step.state == lc.RUNNING:
            tick = step.seconds / lc.PROGRESS_TICKS
            steps += [_PlanStep(step.state, tick, k / lc.PROGRESS_TICKS) for k in range(lc.PROGRESS_TICKS)]
        elif steps and steps[-1].state == lc.RUNNING:
            steps.append(_PlanStep(step.state, step.seconds, 1.0))
        else:
            steps.append(_PlanStep(step.state, step.seconds, None))
    return tuple(steps)


def _position(plan: tuple[_PlanStep, ...], state: str) -> int:
    return next((i for i, step in enumerate(plan) if step.state == state), 0)


@dataclass
class _Collection:
    parent: tuple[str, ...]
    jobs: dict[str, JobRecord] = field(default_factory=dict)
    keys: list[_Key] = field(default_factory=list)  # (name,), sorted: the default order
    records: list[JobRecord] = field(default_factory=list)  # parallel to keys
    version: int = 0
    hidden: int = 0
    ordered: dict[str, tuple[int, list[_Key], list[JobRecord]]] = field(default_factory=dict)
    counts: dict[tuple[str, bool], tuple[int, int]] = field(default_factory=dict)

    def add(self, record: JobRecord) -> None:
        index = bisect.bisect_left(self.keys, (record.name,))
        self.keys.insert(index, (record.name,))
        self.records.insert(index, record)
        self.jobs[record.job_id] = record
        self.hidden += record.hidden
        self.version += 1

    def remove(self, record: JobRecord) -> None:
        index = bisect.bisect_left(self.keys, (record.name,))
        if index < len(self.records) and self.records[index] is record:
            del self.keys[index]
            del self.records[index]
        self.jobs.pop(record.job_id, None)
        self.hidden -= record.hidden
        self.version += 1


class JobStore:
    """Jobs per collection, seeded from fixtures, changed by requests and by the clock."""

    def __init__(self, model: JobModel, querying: Querying, clock: Clock) -> None:
        lc.check_states(model.states)
        states = frozenset(model.states)
        self._plan = _plan(states)
        self._resume_position = _position(self._plan, lc.RESUME_STATE)
        self._running_position = _position(self._plan, lc.RUNNING)
        self._deleting = lc.DELETING if lc.DELETING in states else None
        self._deleted = lc.DELETED if lc.DELETED in states else None
        self._cancelling = lc.CANCELLING if lc.CANCELLING in states else None
        self.model = model
        self.querying = querying
        self.clock = clock
        self._lock = threading.RLock()
        self._collections: dict[tuple[str, ...], _Collection] = {}
        self._seeds: dict[tuple[str, ...], dict[str, dict[str, Any]]] = {}
        self._events: list[tuple[int, int, tuple[str, ...], str, int, str]] = []
        self._sequence = itertools.count()
        self.created = 0  # jobs created since the start (or the last reset)

    # --- seeding ------------------------------------------------------------------------------------------

    def seed(self, parent: tuple[str, ...], jobs: Mapping[str, dict[str, Any]]) -> None:
        """Add a collection's fixture jobs (bodies kept as they are; `reset` restores them)."""
        with self._lock:
            self._seeds.setdefault(parent, {}).update(jobs)
            collection = self._collections.setdefault(parent, _Collection(parent))
            added = [self._record(job_id, self.model.name(parent, job_id), body) for job_id, body in jobs.items()]
            for record in added:
                old = collection.jobs.pop(record.job_id, None)
                if old is not None:
                    collection.remove(old)
                collection.jobs[record.job_id] = record
            collection.records = sorted(collection.jobs.values(), key=lambda r: r.name)
            collection.keys = [(r.name,) for r in collection.records]
            collection.hidden = sum(r.hidden for r in collection.records)
            collection.version += 1

    def reset(self) -> None:
        """Back to the seeded jobs: created jobs gone, changed ones restored, nothing scheduled."""
        with self._lock:
            seeds = self._seeds
            self._collections, self._seeds, self._events = {}, {}, []
            for parent, jobs in seeds.items():
                self.seed(parent, {job_id: copy.deepcopy(body) for job_id, body in jobs.items()})
            self.created = 0

    def _record(self, job_id: str, name: str, body: dict[str, Any]) -> JobRecord:
        record = JobRecord(job_id, name, body, self.querying.filter_values(body))
        record.hidden = body.get("state") == lc.DELETED
        return record

    def has_collection(self, parent: tuple[str, ...]) -> bool:
        return parent in self._collections

    def collections(self) -> tuple[tuple[str, ...], ...]:
        return tuple(self._collections)

    def job_ids(self, parent: tuple[str, ...]) -> tuple[str, ...]:
        with self._lock:
            collection = self._collections.get(parent)
            return tuple(collection.jobs) if collection else ()

    # --- time ---------------------------------------------------------------------------------------------

    def catch_up(self) -> None:
        """Apply every event that is due (instant clock: every event there is, each at its own moment)."""
        if not self._events:
            return
        with self._lock:
            if self.clock.mode == "instant":
                self._drain()
                return
            now = self.clock.now_ns()
            while self._events and self._events[0][0] <= now:
                self._apply(heapq.heappop(self._events))

    def run_all(self) -> None:
        """Run everything scheduled now, moving the clock to each event's moment (for tests)."""
        with self._lock:
            self._drain()

    def _drain(self) -> None:
        while self._events:
            event = heapq.heappop(self._events)
            self.clock.move_to(event[0])
            self._apply(event)

    def pending(self) -> int:
        return len(self._events)

    def _schedule(self, at: int, record: JobRecord, parent: tuple[str, ...], action: str) -> None:
        heapq.heappush(self._events, (at, next(self._sequence), parent, record.job_id, record.generation, action))

    def _apply(self, event: tuple[int, int, tuple[str, ...], str, int, str]) -> None:
        at, _, parent, job_id, generation, action = event
        collection = self._collections.get(parent)
        record = collection.jobs.get(job_id) if collection else None
        if collection is None or record is None or record.generation != generation:
            return  # the job is gone, or its walk was replaced
        if action == "walk":
            self._walk_to(collection, record, record.position + 1, at)
        elif action == "cancelled":
            self._finish(collection, record, lc.CANCELLED, at, "CANCELLED", "cancelled by the user")
        elif action == "deleted":
            self._mark_deleted(collection, record, at)
        elif action == "resurrect":  # the delete-resurrects fault: a deleted job runs again
            self._walk_to(collection, record, self._running_position, at)
        elif action == "purge":
            collection.remove(record)

    # --- changing jobs ------------------------------------------------------------------------------------

    def _change(self, collection: _Collection, record: JobRecord, at: int, **fields: Any) -> None:
        body = dict(record.body)  # copy on write: seeded bodies may share their values
        properties = self.model.properties
        for name, value in fields.items():
            if name in properties:
                if value is None:
                    body.pop(name, None)
                else:
                    body[name] = value
        if "updateTime" in properties:
            body["updateTime"] = format_timestamp(at)
        record.body = body
        record.fields = self.querying.filter_values(body)
        record.version += 1
        collection.version += 1

    def _mark_deleted(self, collection: _Collection, record: JobRecord, at: int) -> None:
        if self._deleted is None:
            collection.remove(record)
            return
        self._change(collection, record, at, state=self._deleted)
        record.hidden = True
        collection.hidden += 1
        self._schedule(at + round(lc.DELETED_KEPT_S * _NS), record, collection.parent, "purge")

    def _walk_to(self, collection: _Collection, record: JobRecord, position: int, at: int) -> None:
        step = self._plan[position]
        record.position = position
        fields: dict[str, Any] = {"state": step.state}
        if step.progress is not None:
            fields["jobProgress"] = self._progress(record.body, step.progress)
        if position == len(self._plan) - 1:
            del fields["state"]
            self._finish(collection, record, step.state, at, "OK", "", **fields)
            return
        self._change(collection, record, at, **fields)
        self._schedule(at + round(step.seconds * _NS), record, collection.parent, "walk")

    def _finish(
        self, collection: _Collection, record: JobRecord, state: str, at: int, code: str, message: str, **fields: Any
    ) -> None:
        record.position = -1
        fields.update(state=state, completedTime=format_timestamp(at), status={"code": code, "message": message})
        self._change(collection, record, at, **fields)

    def _progress(self, body: dict[str, Any], fraction: float) -> dict[str, Any]:
        found, asked = body.get("jobProgress"), body.get("epochs")
        old: dict[str, Any] = found if isinstance(found, dict) else {}
        epochs = asked if isinstance(asked, int) and asked > 0 else 1
        percent = max(int(old.get("percent") or 0), round(fraction * 100))  # never goes down, resumed or not
        epoch = min(int(fraction * epochs), epochs - 1)
        return {**old, "percent": percent, "epoch": max(int(old.get("epoch") or 0), epoch)}

    # --- operations ---------------------------------------------------------------------------------------

    def collection(self, parent: tuple[str, ...]) -> _Collection:
        collection = self._collections.get(parent)
        if collection is None:
            raise StoreError("NOT_FOUND", f'account "{"/".join(parent)}" not found')
        return collection

    def get(self, parent: tuple[str, ...], job_id: str) -> JobRecord | None:
        collection = self._collections.get(parent)
        return collection.jobs.get(job_id) if collection else None

    def create(
        self,
        parent: tuple[str, ...],
        job_id: str | None,
        job: dict[str, Any],
        *,
        keep: Mapping[str, Any] | None = None,
        duplicate_ok: bool = False,
    ) -> JobRecord:
        """A new job from its writable fields; StoreError ALREADY_EXISTS for a taken id. `keep`: output-only
        fields to keep as sent, and `duplicate_ok`: answer a taken id with the job there (both faults only)."""
        with self._lock:
            collection = self.collection(parent)
            if job_id is None:
                job_id = str(uuid.uuid4())
            existing = collection.jobs.get(job_id)
            if existing is not None:
                if duplicate_ok:
                    return existing
                raise StoreError("ALREADY_EXISTS", f'supervised fine-tuning job "{existing.name}" already exists')
            now = self.clock.now_ns()
            name = self.model.name(parent, job_id)
            stamp = format_timestamp(now)
            nanos = lc.estimate_nanos(job)
            output: dict[str, Any] = {
                "name": name,
                "createTime": stamp,
                "updateTime": stamp,
                "state": self._plan[0].state,
                "status": {"code": "OK", "message": ""},
                "createdBy": lc.CREATED_BY,
                "jobProgress": {"percent": 0, "epoch": 0},
                "estimatedCost": {"currencyCode": "USD", "units": str(nanos // _NS), "nanos": nanos % _NS},
                **(keep or {}),
            }
            merged = {**job, **{k: v for k, v in output.items() if k in self.model.properties}}
            body = {name: merged[name] for name in self.model.properties if name in merged}
            record = self._record(job_id, name, body)
            collection.add(record)
            self.created += 1
            if body.get("state") == self._plan[0].state:
                record.position = 0
                self._schedule(now + round(self._plan[0].seconds * _NS), record, parent, "walk")
            return record

    def delete(self, parent: tuple[str, ...], job_id: str, *, resurrect: bool = False) -> JobRecord:
        """Soft delete; StoreError NOT_FOUND for an unknown job or one already being deleted."""
        with self._lock:
            collection = self.collection(parent)
            record = collection.jobs.get(job_id)
            if record is None or record.body.get("state") in (lc.DELETING, lc.DELETED):
                raise StoreError(
                    "NOT_FOUND", f'supervised fine-tuning job "{self.model.quoted_name(parent, job_id)}" not found'
                )
            now = self.clock.now_ns()
            record.generation += 1
            record.position = -1
            if self._deleting is None and not resurrect:
                self._mark_deleted(collection, record, now)
                return record
            self._change(collection, record, now, state=self._deleting or record.body.get("state"))
            self._schedule(now + round(lc.DELETING_S * _NS), record, parent, "resurrect" if resurrect else "deleted")
            return record

    def cancel(self, parent: tuple[str, ...], job_id: str, *, ignore: bool = False) -> JobRecord:
        """Toward CANCELLED; StoreError FAILED_PRECONDITION for a terminal job. `ignore` (a fault): change
        nothing, and keep the job where it is for good."""
        with self._lock:
            record = self._existing(parent, job_id)
            state = record.body.get("state")
            if state in TERMINAL_STATES or state in (lc.DELETING, lc.DELETED):
                raise StoreError(lc.CANCEL_REFUSED_CODE, f"cannot cancel job {record.name}: it is already {state}")
            if ignore:
                record.generation += 1  # its walk stops: the job never ends
                record.position = -1
                return record
            if state == lc.CANCELLING:
                return record
            now = self.clock.now_ns()
            record.generation += 1
            record.position = -1
            if self._cancelling is None:
                self._finish(self.collection(parent), record, lc.CANCELLED, now, "CANCELLED", "cancelled by the user")
                return record
            self._change(self.collection(parent), record, now, state=self._cancelling)
            self._schedule(now + round(lc.CANCELLING_S * _NS), record, parent, "cancelled")
            return record

    def resume(self, parent: tuple[str, ...], job_id: str) -> JobRecord:
        """PAUSED, FAILED and CANCELLED jobs walk on from PENDING; StoreError FAILED_PRECONDITION for others."""
        with self._lock:
            record = self._existing(parent, job_id)
            state = record.body.get("state")
            if state not in lc.RESUMABLE:
                allowed = ", ".join(sorted(lc.RESUMABLE))
                raise StoreError(
                    lc.CANCEL_REFUSED_CODE, f"cannot resume job {record.name} in {state}: only {allowed} resume"
                )
            now = self.clock.now_ns()
            record.generation += 1
            collection = self.collection(parent)
            position = self._resume_position
            record.position = position
            self._change(
                collection,
                record,
                now,
                state=self._plan[position].state,
                completedTime=None,
                status={"code": "OK", "message": ""},
            )
            self._schedule(now + round(self._plan[position].seconds * _NS), record, parent, "walk")
            return record

    def _existing(self, parent: tuple[str, ...], job_id: str) -> JobRecord:
        record = self.collection(parent).jobs.get(job_id)
        if record is None:
            raise StoreError(
                "NOT_FOUND", f'supervised fine-tuning job "{self.model.quoted_name(parent, job_id)}" not found'
            )
        return record

    # --- list ---------------------------------------------------------------------------------------------

    def _index(self, collection: _Collection, ordering: Ordering) -> tuple[list[_Key], list[JobRecord]]:
        if ordering.default:
            return collection.keys, collection.records
        cached = collection.ordered.get(ordering.text)
        if cached is not None and cached[0] == collection.version:
            return cached[1], cached[2]
        key = self.querying.order_key
        pairs = sorted(((key(ordering, r.body, r.name, r.fields), r) for r in collection.records), key=lambda p: p[0])
        keys, records = [p[0] for p in pairs], [p[1] for p in pairs]
        if len(collection.ordered) >= 16:
            collection.ordered.clear()
        collection.ordered[ordering.text] = (collection.version, keys, records)
        return keys, records

    def list_page(
        self, parent: tuple[str, ...], size: int, matcher: Filter, ordering: Ordering, after: _Key | None
    ) -> Page:
        with self._lock:
            collection = self.collection(parent)
            keys, records = self._index(collection, ordering)
            show_hidden = lc.DELETED in matcher.states_named
            matches = matcher.matches
            start = bisect.bisect_right(keys, after) if after is not None else 0
            page: list[JobRecord] = []
            last = before_last = -1
            index, count = start, len(records)
            while index < count and len(page) < size:
                record = records[index]
                if (show_hidden or not record.hidden) and matches(record.fields):
                    page.append(record)
                    before_last, last = last, index
                index += 1
            more = any((show_hidden or not r.hidden) and matches(r.fields) for r in _tail(records, index))
            if before_last < 0 and last > 0:
                before_last = last - 1
            return Page(
                page,
                keys[last] if last >= 0 else None,
                keys[before_last] if before_last >= 0 else None,
                more,
                self._total(collection, matcher, show_hidden),
            )

    def _total(self, collection: _Collection, matcher: Filter, show_hidden: bool) -> int:
        if matcher.empty:
            return len(collection.records) - (0 if show_hidden else collection.hidden)
        cache_key = (matcher.text, show_hidden)
        cached = collection.counts.get(cache_key)
        if cached is not None and cached[0] == collection.version:
            return cached[1]
        matches = matcher.matches
        total = sum(1 for r in collection.records if (show_hidden or not r.hidden) and matches(r.fields))
        if len(collection.counts) >= 64:
            collection.counts.clear()
        collection.counts[cache_key] = (collection.version, total)
        return total


def _tail(records: list[JobRecord], start: int) -> Iterator[JobRecord]:
    return itertools.islice(records, start, None)
