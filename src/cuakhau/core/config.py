"""Settings from the environment (prefix ``CUAKHAU_``) or a ``.env`` file."""

import logging
import secrets
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

log = logging.getLogger(__name__)

SECRET_FILE_NAME = ".cuakhau-secret"
# Two cores' worth of PostgreSQL work at once; more only queue inside it.
DEFAULT_POOL_SIZE = 5


class Environment(StrEnum):
    development = "development"
    production = "production"


class ConfigurationError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CUAKHAU_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Environment = Environment.development
    database_url: str = "sqlite:///cuakhau.db"
    # PostgreSQL connections each server process keeps, and never more: a burst
    # waits for one of them rather than opening more than the server allows.
    database_pool_size: int = Field(DEFAULT_POOL_SIZE, ge=1, le=100)
    secret_key: SecretStr | None = None
    # Where generated files (the development secret) are kept.
    data_dir: Path = Path(".")
    access_token_minutes: int = 8 * 60
    login_max_failures: int = 5
    login_lockout_seconds: int = 300
    # The simulator commands' language; pages and the API follow each reader's choice.
    default_language: Literal["vi", "en"] = "vi"
    # The periodic jobs inside each app process (webhook delivery, no-show sweep);
    # off, the process only serves (the tests run each job's function themselves).
    background_jobs: bool = True
    # Webhook delivery inside each app process; 0 turns it off (run
    # `cuakhau notifications deliver` from a timer instead).
    webhook_interval_seconds: float = 5.0
    webhook_timeout_seconds: float = 10.0
    # Hosts that may receive webhooks although they are inside the network
    # (comma-separated names or addresses); every other host must be public.
    webhook_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    # Only https webhook URLs; unset: required outside development.
    webhook_require_https: bool | None = None
    # How often each app process frees the windows of booked trucks that never came.
    no_show_sweep_seconds: float = 60.0
    # The hourly forecast (docs/simulation.md, "Forecasts"): how often each app
    # process tries to claim the hour's run (0: never; the first to claim an
    # hour runs it, the others find it taken), how far ahead,
    # how many replications, in how many worker processes (1: in the job's own
    # thread, the default: a process pool forked from a server's thread would
    # copy locks other threads hold), and the scenario lending what the
    # database does not record.
    forecast_interval_seconds: float = 300.0
    forecast_hours: int = Field(72, ge=1, le=24 * 14)
    forecast_replications: int = Field(5, ge=2, le=50)
    forecast_workers: int = Field(1, ge=1, le=64)
    forecast_template: str = "langson-baseline"
    # Comment lines on idle event streams, so proxies do not cut them.
    live_heartbeat_seconds: float = 15.0
    # The other side's system (docs/counterpart.md): silent longer than this, its
    # gate's officers are warned and the public page calls its data stale; a
    # signed request older or newer than the skew is refused (a replay).
    counterpart_silence_seconds: int = Field(900, ge=60)
    counterpart_max_skew_seconds: int = Field(300, ge=5, le=3600)
    # A swapped trailer back from across and not handed back to its owner
    # within these hours is overdue: the yard operator and the board are warned.
    hand_back_overdue_hours: int = Field(24, ge=1, le=24 * 30)
    # A transload whose cargo loaded out differs from what was unloaded by more
    # than these (packages; per cent of the weight) is held for customs.
    transload_package_tolerance: int = Field(0, ge=0)
    transload_weight_tolerance_percent: Decimal = Field(Decimal("0.5"), ge=0, le=100)
    # Log lines as text for a person, or one JSON object a line for a collector.
    log_format: Literal["plain", "json"] = "plain"
    # Who may read /metrics: a caller presenting this bearer token, or one whose
    # address (after the proxy headers uvicorn trusts) is in these networks.
    metrics_token: SecretStr | None = None
    metrics_networks: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=lambda: [IPvAnyNetwork("127.0.0.0/8"), IPvAnyNetwork("::1/128")]
    )

    @field_validator("metrics_networks", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        # CUAKHAU_METRICS_NETWORKS=10.0.0.0/8,127.0.0.1 (empty: none).
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _host_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple):
            return value
        # As the webhook URL's host is compared: no brackets, no final dot, lower case.
        hosts = (str(host).strip().strip("[]").rstrip(".").lower() for host in value)
        return tuple(host for host in hosts if host)

    @property
    def webhook_https_only(self) -> bool:
        if self.webhook_require_https is not None:
            return self.webhook_require_https
        return self.environment is not Environment.development

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def resolved_secret_key(self) -> str:
        return resolve_secret_key(self)


def resolve_secret_key(settings: Settings) -> str:
    """Return the configured secret, or in development create one once and keep it.

    Production must be given a secret: a generated one would differ between the
    app processes behind a load balancer.
    """
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        if len(value) < 32:
            raise ConfigurationError("CUAKHAU_SECRET_KEY must be at least 32 characters long.")
        return value
    if settings.environment is Environment.production:
        raise ConfigurationError(
            "CUAKHAU_SECRET_KEY is not set. In production the server refuses to start "
            "without it; generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'"
        )
    path = settings.data_dir / SECRET_FILE_NAME
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    log.warning(
        "CUAKHAU_SECRET_KEY is not set: generated one and stored it in %s "
        "(development only; set the variable in production).",
        path,
    )
    return value
