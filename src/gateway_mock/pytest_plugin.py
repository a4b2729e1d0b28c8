"""pytest plugin of the installed mock (entry point `pytest11`): the `gateway_mock` fixture, as moto is to AWS.

One mock process serves the whole test session on a free loopback port; each test that asks for `gateway_mock`
gets it reset to its seeded jobs with the clock stopped (manual), so tests never see each other's jobs:

    def test_my_pipeline(gateway_mock):
        client = AuthenticatedClient(gateway_mock.base_url, gateway_mock.api_key)
        ...                                   # create jobs in gateway_mock.account
        gateway_mock.clock.run_all()          # every job walks to its end
        gateway_mock.clock.advance(3.5)       # or step time deterministically; .instant(), .realtime(speed)

ini options (pytest.ini / pyproject's [tool.pytest.ini_options]): `gateway_mock_marshal` (emit-unpopulated, the
default, or omit-unpopulated) and `gateway_mock_seed_jobs` (extra jobs in the account, default 0).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .control import ClockControl
from .marshal import PROFILES, Profile
from .server import RunningMock, running_mock

__all__ = ["GatewayMock"]


@dataclass(frozen=True)
class GatewayMock:
    """A running mock gateway, fresh for this test."""

    base_url: str
    api_key: str
    account: str
    clock: ClockControl  # manual(), instant(), realtime(speed), advance(seconds), run_all(), state()

    def reset(self) -> None:
        """Back to the seeded jobs (what each test starts with)."""
        self.clock.reset()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("gateway_mock_marshal", "the mock's marshal profile: " + " or ".join(PROFILES), default=PROFILES[0])
    parser.addini("gateway_mock_seed_jobs", "extra jobs seed-0000001.. in the mock's account", default="0")


@pytest.fixture(scope="session")
def gateway_mock_server(pytestconfig: pytest.Config) -> Iterator[RunningMock]:
    """The session's mock process (loopback, a random key); `gateway_mock` resets it for each test."""
    marshal = str(pytestconfig.getini("gateway_mock_marshal"))
    if marshal not in PROFILES:
        raise pytest.UsageError(f"gateway_mock_marshal = {marshal!r}: want one of {', '.join(PROFILES)}")
    seed = str(pytestconfig.getini("gateway_mock_seed_jobs"))
    if not seed.isdigit():
        raise pytest.UsageError(f"gateway_mock_seed_jobs = {seed!r}: want a count of jobs")
    profile: Profile = "omit-unpopulated" if marshal == "omit-unpopulated" else "emit-unpopulated"
    with running_mock(api_key=secrets.token_urlsafe(18), marshal=profile, clock="manual", seed_jobs=int(seed)) as mock:
        yield mock


@pytest.fixture
def gateway_mock(gateway_mock_server: RunningMock) -> GatewayMock:
    """The mock gateway, reset to its seeded jobs, its clock stopped until the test moves it."""
    control = gateway_mock_server.clock
    control.reset()
    control.manual()
    return GatewayMock(gateway_mock_server.base_url, gateway_mock_server.api_key, gateway_mock_server.account, control)
