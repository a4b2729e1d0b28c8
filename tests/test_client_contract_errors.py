"""A 2xx body that breaks the spec raises a clear ResponseContractError carrying the raw body, not a bare KeyError."""

from __future__ import annotations

import json

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import MissingFieldError, ResponseContractError
from fireworks_gateway.models import SupervisedFineTuningJob

from tests.client_spec_bodies import TIMESTAMPS
from tests.helpers import job_name

WITHOUT_DATASET = {
    "name": job_name("acme", "j1"),
    "state": "JOB_STATE_RUNNING",
    "wandbConfig": {"apiKey": "wandb-secret-key"},
}


def client_answering(response: httpx.Response) -> AuthenticatedClient:
    return AuthenticatedClient(
        base_url="https://gateway.test",
        token="t",
        httpx_args={"transport": httpx.MockTransport(lambda request: response)},
    )


def test_from_dict_names_the_missing_field() -> None:
    """from_dict without `dataset` raises MissingFieldError naming the field and the model."""
    with pytest.raises(MissingFieldError) as caught:
        SupervisedFineTuningJob.from_dict(WITHOUT_DATASET)
    assert caught.value.field == "dataset"
    assert caught.value.model == "SupervisedFineTuningJob"
    assert "'dataset'" in str(caught.value)
    assert not isinstance(caught.value, KeyError)


def test_endpoint_attaches_the_raw_body() -> None:
    """Through the client the error also carries the exact response text and status; the text stays out of str()."""
    raw = json.dumps(WITHOUT_DATASET, indent=1)
    response = httpx.Response(200, text=raw, headers={"content-type": "application/json"})
    with pytest.raises(MissingFieldError) as caught:
        get_job.sync("acme", "j1", client=client_answering(response))
    error = caught.value
    assert error.body == raw
    assert error.status_code == 200
    assert "dataset" in str(error)
    assert "wandb-secret-key" not in str(error)


def test_minimal_body_with_dataset_is_fine() -> None:
    """The legitimate counterpart: `dataset` alone is a valid job."""
    job = get_job.sync("acme", "j1", client=client_answering(httpx.Response(200, json={"dataset": "d"})))
    assert job.dataset == "d"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<html>maintenance</html>", "not JSON"),
        ("[1, 2, 3]", "SupervisedFineTuningJob: expected an object"),
        (
            json.dumps({"dataset": "d", TIMESTAMPS[0]: "yesterday"}),
            f"field '{TIMESTAMPS[0]}' of SupervisedFineTuningJob",
        ),
    ],
    ids=["not-json", "not-an-object", "bad-timestamp"],
)
def test_malformed_2xx_bodies_raise_contract_errors(text: str, expected: str) -> None:
    """Non-JSON, non-object and ill-typed 200 bodies raise ResponseContractError with the raw text attached."""
    with pytest.raises(ResponseContractError, match=expected) as caught:
        get_job.sync("acme", "j1", client=client_answering(httpx.Response(200, text=text)))
    assert caught.value.body == text
    assert caught.value.status_code == 200
