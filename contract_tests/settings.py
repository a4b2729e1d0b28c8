"""Which gateway the suite runs against, from the environment: the embedded mock unless CONTRACT_BASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["LIVE_SETTINGS", "Settings", "SettingsError", "settings_from_env"]

LIVE_SETTINGS = ("FIREWORKS_API_KEY", "FIREWORKS_ACCOUNT_ID", "CONTRACT_JOB_IDS")
DEFAULT_SEED = 4259
DEFAULT_EXAMPLES = 40
MAX_LIVE_EXAMPLES = 200  # live runs bound their request count


class SettingsError(ValueError):
    """The environment does not describe a runnable target."""


@dataclass(frozen=True)
class Settings:
    base_url: str | None
    api_key: str = field(repr=False)
    account: str | None
    job_ids: tuple[str, ...]
    seed: int
    examples: int
    mock_fault: str | None
    report_dir: Path

    @property
    def live(self) -> bool:
        return self.base_url is not None


def _int(env: Mapping[str, str], name: str, default: int, low: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if value < low:
        raise SettingsError(f"{name} must be at least {low}, got {value}")
    return value


def _check_fault(name: str | None) -> None:
    from gateway_mock.faults import FAULTS

    if name is not None and name not in FAULTS:
        raise SettingsError(f"CONTRACT_MOCK_FAULT={name!r} is not a mock fault; valid: {', '.join(FAULTS)}")


def settings_from_env(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check the settings; a SettingsError names every missing or malformed one."""
    env = os.environ if env is None else env
    base_url = env.get("CONTRACT_BASE_URL", "").strip().rstrip("/") or None
    seed = _int(env, "CONTRACT_SEED", DEFAULT_SEED, 0)
    examples = _int(env, "CONTRACT_EXAMPLES", DEFAULT_EXAMPLES, 1)
    # Resolved now: the runner changes directory before pytest starts.
    report_dir = Path(env.get("CONTRACT_REPORT_DIR", "reports")).resolve()
    if base_url is None:
        _check_fault(env.get("CONTRACT_MOCK_FAULT") or None)
        return Settings(
            None,
            env.get("MOCK_API_KEY", ""),
            None,
            (),
            seed,
            examples,
            env.get("CONTRACT_MOCK_FAULT") or None,
            report_dir,
        )
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError(f"CONTRACT_BASE_URL must start with http:// or https://, got {base_url!r}")
    missing = [name for name in LIVE_SETTINGS if not env.get(name, "").strip()]
    if missing:
        raise SettingsError(
            f"CONTRACT_BASE_URL is set, so the suite runs live and also needs {', '.join(missing)}. Example:\n"
            "  CONTRACT_BASE_URL=https://api.fireworks.ai FIREWORKS_API_KEY=... FIREWORKS_ACCOUNT_ID=acme "
            "CONTRACT_JOB_IDS=abc123,def456 make contract"
        )
    job_ids = tuple(dict.fromkeys(j.strip() for j in env["CONTRACT_JOB_IDS"].split(",") if j.strip()))
    if not job_ids:
        raise SettingsError("CONTRACT_JOB_IDS must name at least one existing job id (comma-separated)")
    return Settings(
        base_url,
        env["FIREWORKS_API_KEY"].strip(),
        env["FIREWORKS_ACCOUNT_ID"].strip(),
        job_ids,
        seed,
        min(examples, MAX_LIVE_EXAMPLES),
        None,
        report_dir,
    )
