"""List as LIFECYCLE.md says: page sizes, tokens that end and are bound to their filter and order, the default
order and orderBy, the AIP-160 filter subset (and clear 400s for the rest), totalSize, readMask, and listed jobs
that equal their GET. Against the mock in-process; one mock per module (list never changes the store)."""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from gateway_mock.clock import parse_timestamp
from gateway_mock.filtering import sort_value
from gateway_protocol.job_states import DELETION_STATES
from gateway_protocol.proto_json import camel_case, snake_case
from tests.helpers import job_name
from tests.mock_inprocess import ITEMS, SPEC, InProcess, collection_path

PROPERTIES = {name: SPEC.resolve(node) for name, node in SPEC.job_schema()["properties"].items()}
SEEDED = 260  # more than the largest page (200) on top of the fixtures


def _subfields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, SPEC.resolve(node)) for name, node in schema.get("properties", {}).items()]


def _nested() -> tuple[str, tuple[str, ...]]:
    """A message field of the job and its scalar subfields, integers first: the one with the most integers
    (`jobProgress` today), else the most scalars, for orderBy and readMask paths with a dot."""

    def rank(item: tuple[str, dict[str, Any]]) -> tuple[int, int]:
        subs = [sub for _, sub in _subfields(item[1])]
        return sum(s.get("type") == "integer" for s in subs), sum(s.get("type") in SCALARS for s in subs)

    name, schema = max((item for item in PROPERTIES.items() if _subfields(item[1])), key=rank)
    subs = sorted(_subfields(schema), key=lambda item: item[1].get("type") != "integer")
    return name, tuple(sub for sub, sub_schema in subs if sub_schema.get("type") in SCALARS)


SCALARS = ("string", "integer", "number", "boolean")
NESTED, NESTED_SCALARS = _nested()
TEXT = next(n for n, s in PROPERTIES.items() if s.get("type") == "string" and not s.get("format") and n != "name")


@pytest.fixture(scope="module")
def mock() -> Iterator[InProcess]:
    served = InProcess(seed_jobs=SEEDED)
    yield served
    served.close()


@pytest.fixture(scope="module")
def everything(mock: InProcess) -> list[dict[str, Any]]:
    """Every listed job, by one walk at the largest page size."""
    return mock.listed(pageSize=200)


def _page(mock: InProcess, **params: Any) -> dict[str, Any]:
    response = mock.get(collection_path(), **params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


def _refused(mock: InProcess, **params: Any) -> str:
    response = mock.get(collection_path(), **params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == 3
    message: str = response.json()["message"]
    return message


def test_the_walk_lists_every_job_once_and_totalsize_counts_them(
    mock: InProcess, everything: list[dict[str, Any]]
) -> None:
    """Over a still account, pages never repeat a job, their union is every job not deleted, and totalSize is that
    count on every page."""
    names = [job["name"] for job in everything]
    assert len(names) == len(set(names))
    expected = {
        record.name
        for record in mock.app.store.collection((mock.app.account,)).records
        if record.body.get("state") != "JOB_STATE_DELETED"
    }
    assert set(names) == expected and len(expected) > SEEDED
    for size in (7, 50):
        pages = list(mock.pages(pageSize=size))
        assert {page["totalSize"] for page in pages} == {len(expected)}
        walked = [job["name"] for page in pages for job in page[ITEMS]]
        assert walked == names  # the same order, whatever the page size


def test_the_default_order_is_by_name_ascending(everything: list[dict[str, Any]]) -> None:
    names = [job["name"] for job in everything]
    assert names == sorted(names)


@pytest.mark.parametrize(
    ("asked", "served"), [(None, 50), ("0", 50), ("1", 1), ("200", 200), ("250", 200), ("99999", 200)]
)
def test_page_sizes_default_to_50_and_are_coerced_to_200(mock: InProcess, asked: str | None, served: int) -> None:
    page = _page(mock, **({"pageSize": asked} if asked is not None else {}))
    assert len(page[ITEMS]) == served and page["nextPageToken"]


@pytest.mark.parametrize("size", ["-1", "-200", "ten", "1.5", "99999999999"])
def test_negative_or_malformed_page_sizes_are_400_code_3(mock: InProcess, size: str) -> None:
    assert "pageSize" in _refused(mock, pageSize=size)


def test_the_last_page_has_no_token_in_either_profile() -> None:
    """omit-unpopulated leaves nextPageToken out; emit-unpopulated writes proto3's zero value, the empty string."""
    for profile, expected in (("omit-unpopulated", None), ("emit-unpopulated", "")):
        mock = InProcess(marshal=profile)
        try:
            *_, last = mock.pages(pageSize=6)
            assert last.get("nextPageToken") == expected
        finally:
            mock.close()


def test_tokens_are_tamper_evident_and_bound_to_filter_and_order(mock: InProcess) -> None:
    """Advisory of AIP-158, the mock's choice: an altered token, one from another filter or order, or garbage -> 400."""
    token = _page(mock, pageSize=5, filter='state = "JOB_STATE_RUNNING"')["nextPageToken"]
    payload, _, mac = token.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[-3] ^= 1
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode() + "." + mac
    assert "altered" in _refused(mock, pageSize=5, filter='state = "JOB_STATE_RUNNING"', pageToken=forged)
    assert "filter" in _refused(mock, pageSize=5, pageToken=token)
    assert "orderBy" in _refused(
        mock, pageSize=5, filter='state = "JOB_STATE_RUNNING"', orderBy="createTime", pageToken=token
    )
    assert _refused(mock, pageToken="not-a-token")
    # The same filter by its proto name, or spaced differently in orderBy, is the same query.
    ok = _page(mock, pageSize=5, filter='state = "JOB_STATE_RUNNING"', pageToken=token)
    assert ok[ITEMS]


def _value(job: dict[str, Any], path: str) -> Any:
    value: Any = job
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


@pytest.mark.parametrize(
    "order_by",
    [
        "createTime desc",
        "create_time",
        f"{TEXT},createTime desc",
        f"{NESTED}.{NESTED_SCALARS[0]} desc",
        ".".join(map(snake_case, (NESTED, NESTED_SCALARS[-1]))),
    ],
)
def test_order_by_follows_the_fields_asked_and_ties_break_by_name(
    mock: InProcess, everything: list[dict[str, Any]], order_by: str
) -> None:
    """Comma-separated fields, ` desc`, dotted subfields, proto or JSON names; the walk keeps every job once."""
    walked = mock.listed(pageSize=37, orderBy=order_by)
    assert sorted(job["name"] for job in walked) == sorted(job["name"] for job in everything)
    fields = []
    for part in order_by.split(","):
        path, _, direction = part.strip().partition(" ")
        camel = ".".join(map(camel_case, path.split(".")))
        schema: Any = {"properties": PROPERTIES}
        for piece in camel.split("."):
            schema = SPEC.resolve(schema["properties"][piece])
        fields.append((camel, schema, direction == "desc"))
    for before, after in itertools.pairwise(walked):
        for path, schema, desc in fields:
            a, b = sort_value(_value(before, path), schema), sort_value(_value(after, path), schema)
            if a != b:
                assert (a > b) if desc else (a < b), (path, before["name"], after["name"])
                break
        else:
            assert before["name"] < after["name"]


@pytest.mark.parametrize(
    ("order_by", "problem"),
    [("nope", "no field"), ("createTime sideways", "field desc"), (NESTED, "message"), ("name,name", "twice")],
)
def test_a_bad_order_by_is_400_code_3_naming_the_problem(mock: InProcess, order_by: str, problem: str) -> None:
    assert problem in _refused(mock, orderBy=order_by)


def _matches(job: dict[str, Any], field: str, operator: str, value: Any) -> bool:
    have = job.get(field)
    if PROPERTIES[field].get("format") == "date-time":
        if have is None:
            return operator == "!="
        have, value = parse_timestamp(have), parse_timestamp(value)
    have = "" if have is None else have
    return {
        "=": have == value,
        "!=": have != value,
        "<": have < value,
        ">": have > value,
        "<=": have <= value,
        ">=": have >= value,
    }[operator]


CUT = "2026-01-05T08:01:00Z"  # seed jobs are a second apart from 08:00:00: a cut through them
FILTERS = [
    ('state = "JOB_STATE_RUNNING"', lambda j: _matches(j, "state", "=", "JOB_STATE_RUNNING")),
    ("state != JOB_STATE_RUNNING", lambda j: _matches(j, "state", "!=", "JOB_STATE_RUNNING")),
    (f'create_time > "{CUT}"', lambda j: _matches(j, "createTime", ">", CUT)),
    (f'createTime <= "{CUT}"', lambda j: _matches(j, "createTime", "<=", CUT)),
    (
        f'update_time >= "{CUT}" AND update_time < "2026-01-05T08:02:00Z"',
        lambda j: _matches(j, "updateTime", ">=", CUT) and _matches(j, "updateTime", "<", "2026-01-05T08:02:00Z"),
    ),
    ('display_name = "seed job 00*"', lambda j: str(j.get("displayName", "")).startswith("seed job 00")),
    ('displayName = "*7"', lambda j: str(j.get("displayName", "")).endswith("7")),
    (
        f'name > "{job_name("mock-account", "sft")}"',
        lambda j: j["name"] > job_name("mock-account", "sft"),
    ),
    (
        'dataset = "accounts/mock-account/datasets/support-chats-1"',
        lambda j: j.get("dataset") == "accounts/mock-account/datasets/support-chats-1",
    ),
    ('base_model = ""', lambda j: not j.get("baseModel")),
    (
        'state = "JOB_STATE_RUNNING" OR state = "JOB_STATE_PAUSED" AND display_name != ""',
        lambda j: j["state"] in ("JOB_STATE_RUNNING", "JOB_STATE_PAUSED") and bool(j.get("displayName")),
    ),
    (
        'NOT (state = "JOB_STATE_RUNNING" OR state = "JOB_STATE_FAILED")',
        lambda j: j["state"] not in ("JOB_STATE_RUNNING", "JOB_STATE_FAILED"),
    ),
    (
        '-state = "JOB_STATE_RUNNING" AND (create_time < "2026-01-05T08:00:30Z")',
        lambda j: j["state"] != "JOB_STATE_RUNNING" and _matches(j, "createTime", "<", "2026-01-05T08:00:30Z"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), FILTERS, ids=[text for text, _ in FILTERS])
def test_every_listed_job_matches_the_filter_and_every_match_is_listed(
    mock: InProcess, everything: list[dict[str, Any]], text: str, expected: Any
) -> None:
    """AIP-160's subset (OR binds tighter than AND): the walk equals the matching jobs, totalSize their count."""
    pages = list(mock.pages(pageSize=40, filter=text))
    walked = [job["name"] for page in pages for job in page.get(ITEMS, [])]
    wanted = [job["name"] for job in everything if expected(job)]
    assert walked == wanted and 0 < len(wanted) < len(everything)
    assert {page.get("totalSize", 0) for page in pages} == {len(wanted)}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("epochs = 3", "cannot be filtered on"),
        ('nope = "x"', "no field"),
        ('state < "JOB_STATE_RUNNING"', "enum"),
        ('state = "JOB_STATE_NOPE"', "not a value of state"),
        ('create_time > "yesterday"', "RFC 3339"),
        ('state : "JOB_STATE_RUNNING"', "column 7"),
        ('state = "JOB_STATE_RUNNING" AND', "ends early"),
        ('state = "A" state = "B"', "unexpected"),
        ("(" * 60 + 'state = "JOB_STATE_RUNNING"' + ")" * 60, "nested deeper"),
        ("x" * 2001, "longer than"),
    ],
)
def test_anything_else_in_a_filter_is_400_code_3_naming_the_problem(mock: InProcess, text: str, problem: str) -> None:
    message = _refused(mock, filter=text)
    assert problem in message and len(message) < 300


def test_read_mask_applies_to_every_listed_job_as_to_a_get(mock: InProcess) -> None:
    mask = f"name,state,{NESTED}.{NESTED_SCALARS[0]}"
    page = _page(mock, pageSize=10, readMask=mask)
    for job in page[ITEMS]:
        job_id = job["name"].rsplit("/", 1)[-1]
        got = mock.get(collection_path() + "/" + job_id, readMask=mask).json()
        assert job == got
        assert job["dataset"] == "" and job["createTime"] is None  # emit-unpopulated: zero values outside the mask
    _refused(mock, readMask="nope")


def test_a_listed_job_equals_its_get(mock: InProcess, everything: list[dict[str, Any]]) -> None:
    for job in everything[:: max(1, len(everything) // 40)]:
        assert mock.job(job["name"].rsplit("/", 1)[-1]) == job


def test_deleting_jobs_stay_listed_and_deleted_ones_do_not(everything: list[dict[str, Any]]) -> None:
    states = {job["state"] for job in everything}
    assert "JOB_STATE_DELETING" in states and "JOB_STATE_DELETED" not in states
    assert DELETION_STATES - states == {"JOB_STATE_DELETED"}


def test_an_unknown_account_is_404_for_list_create_and_estimate(mock: InProcess) -> None:
    for method, suffix in (("GET", ""), ("POST", ""), ("POST", ":estimateCost")):
        response = mock.request(method, collection_path("nobody") + suffix, json={"dataset": "d"})
        assert (response.status_code, response.json()["code"]) == (404, 5)
