"""Names the mock, its tests and the contract suite agree on; the job's collection and resource name come from the
spec's job path template (`gateway_protocol.resource_names`)."""

from __future__ import annotations

from .spec_source import served_spec

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "JOB_COLLECTION",
    "JOB_ID_PREFIX",
    "MINIMAL_JOB_ID",
    "MOCK_ACCOUNT",
    "job_name",
]

MOCK_ACCOUNT = "mock-account"
DEFAULT_API_KEY = "mock-api-key"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
JOB_COLLECTION = served_spec().job_operation().path.collection or ""  # the spec's job path names the collection
JOB_ID_PREFIX = "sft-"
MINIMAL_JOB_ID = "sft-minimal"


def job_name(job_id: str, account: str = MOCK_ACCOUNT) -> str:
    """The resource name the gateway puts in a job's `name` field (the spec's job path without `/v1` and verb),
    for any id, one a resource name cannot hold included (an error message quotes what was asked for)."""
    template = served_spec().job_operation().path
    account_variable, job_variable = template.variables
    return template.name_template.format_map({account_variable: account, job_variable: job_id})
