"""AuthenticatedClient.from_env reads FIREWORKS_API_KEY, FIREWORKS_ACCOUNT_ID and FIREWORKS_BASE_URL like the SDK."""

from __future__ import annotations

import httpx
import pytest
from fireworks_gateway import AuthenticatedClient
from fireworks_gateway.api.gateway import gateway_get_supervised_fine_tuning_job as get_job
from fireworks_gateway.errors import ConfigurationError

from tests.helpers import job_path

FULL_ENV = {
    "FIREWORKS_API_KEY": "fw-key",
    "FIREWORKS_ACCOUNT_ID": "acme",
    "FIREWORKS_BASE_URL": "http://127.0.0.1:9",
}


def test_reads_all_three_variables() -> None:
    """Token, account id and base URL come from the environment; the token is sent as a Bearer header."""
    client = AuthenticatedClient.from_env(environ=FULL_ENV)
    assert client.token == "fw-key"
    assert client.account_id == "acme"
    assert str(client.get_httpx_client().base_url) == "http://127.0.0.1:9"
    # The credential travels in the transport, never in the httpx client's headers (nor in their repr).
    assert "authorization" not in client.get_httpx_client().headers


def test_base_url_defaults_to_the_public_api() -> None:
    """Without FIREWORKS_BASE_URL the client talks to https://api.fireworks.ai."""
    client = AuthenticatedClient.from_env(environ={"FIREWORKS_API_KEY": "k"})
    assert str(client.get_httpx_client().base_url) == "https://api.fireworks.ai"


def test_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without environ= the process environment is used."""
    for name, value in FULL_ENV.items():
        monkeypatch.setenv(name, value)
    client = AuthenticatedClient.from_env()
    assert (client.token, client.account_id) == ("fw-key", "acme")


@pytest.mark.parametrize("value", [None, ""])
def test_missing_api_key_names_the_variable(value: str | None) -> None:
    """An unset or empty FIREWORKS_API_KEY is a ConfigurationError that names the variable."""
    env = {"FIREWORKS_ACCOUNT_ID": "acme"} | ({} if value is None else {"FIREWORKS_API_KEY": value})
    with pytest.raises(ConfigurationError, match="FIREWORKS_API_KEY"):
        AuthenticatedClient.from_env(environ=env)


def test_missing_account_id_is_reported_when_used() -> None:
    """Like the SDK, the account id is optional at construction; reading it unset names FIREWORKS_ACCOUNT_ID."""
    client = AuthenticatedClient.from_env(environ={"FIREWORKS_API_KEY": "k"})
    with pytest.raises(ConfigurationError, match="FIREWORKS_ACCOUNT_ID"):
        _ = client.account_id


def test_explicit_arguments_win_over_the_environment() -> None:
    """api_key/account_id/base_url arguments override the variables; other keywords reach the constructor."""
    client = AuthenticatedClient.from_env(
        api_key="arg-key", account_id="other", base_url="http://localhost:1", environ=FULL_ENV, max_retries=5
    )
    assert (client.token, client.account_id, client.max_retries) == ("arg-key", "other", 5)
    assert str(client.get_httpx_client().base_url) == "http://localhost:1"


def test_configured_client_makes_the_call() -> None:
    """A from_env client with the account id from the environment fetches the job at the right path with the token."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"dataset": "d"})

    client = AuthenticatedClient.from_env(environ=FULL_ENV, httpx_args={"transport": httpx.MockTransport(handler)})
    assert get_job.sync(client.account_id, "j1", client=client) is not None
    assert seen[0].url.path == job_path("acme", "j1")
    assert seen[0].headers["Authorization"] == "Bearer fw-key"
