"""The daemon's configuration: one class, read from ``OPDB_*`` environment variables.

Built once by the CLI and handed to every component, so nothing reads the
environment at import time and tests can build a ``Settings`` directly.
"""

from __future__ import annotations

import zoneinfo
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opdb import wire
from opdb.urls import amqp_urls, libpq_database_url, mask_url, sqlalchemy_database_url

__all__ = ["Settings", "libpq_database_url", "mask_url", "sqlalchemy_database_url"]

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Everything an ``opdb-ingestd`` process needs to know about its world."""

    model_config = SettingsConfigDict(env_prefix="OPDB_", extra="ignore", hide_input_in_errors=True)

    database_url: SecretStr = Field(
        default=SecretStr("postgresql+psycopg://postgres@127.0.0.1:5432/opdb"),
        description="PostgreSQL URL of the opDB this daemon writes to.",
    )
    amqp_url: SecretStr = Field(
        default=SecretStr("amqp://guest:guest@127.0.0.1:5672/"),
        description="RabbitMQ URL the daemon consumes from, or several (a cluster's nodes), "
        "separated by commas or spaces: each (re)connection moves on to the next that answers.",
    )
    exchange: str = Field(default=wire.EXCHANGE, description="Topic exchange actors publish to.")
    queue: str = Field(default=wire.INGEST_QUEUE, description="Queue the daemon consumes.")
    site_timezone: str = Field(
        default="Pacific/Honolulu",
        description="Zone of the wall-clock times stored in timestamp-without-zone columns.",
    )

    batch_max_events: int = Field(
        default=500, ge=1, description="A batch holds at most N events..."
    )
    batch_max_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, description="...and at most B bytes of bodies."
    )
    # The writer takes whatever has arrived as soon as it is free, so batches grow only
    # while a write is in flight; a linger trades latency for fewer, larger commits.
    batch_max_ms: int = Field(
        default=0,
        ge=0,
        description="Linger: a free writer waits up to T ms after a batch's first event "
        "for more (0: writes at once).",
    )
    buffer_max_bytes: int = Field(
        default=24 * 1024 * 1024,
        ge=1024,
        description="Memory for events held ahead of the writer (a parsed event takes about "
        "three times its body); prefetch adapts to the message size to stay under.",
    )
    max_body_bytes: int = Field(
        default=16 * 1024 * 1024, ge=1024, description="Larger events are rejected (too_large)."
    )
    copy_min_rows: int = Field(
        default=10, ge=1, description="Insert groups of at least this many rows use COPY."
    )

    retry_first_delay_ms: int = Field(
        default=1000, ge=1, description="First retry of an event whose parent is missing."
    )
    retry_max_delay_ms: int = Field(
        default=120_000, ge=1, description="Retry delays double up to this cap."
    )
    retry_give_up_s: float = Field(
        default=900.0, ge=0, description="Dead-letter a missing-parent event after this long."
    )

    heartbeat_s: int = Field(
        default=3,
        ge=1,
        description="AMQP heartbeat. A connection that stays silent for 3 x (this + 1) s is "
        "declared dead: about 13 s at 3, the summit's bound of 15 s.",
    )
    reconnect_max_delay_s: float = Field(
        default=15.0, gt=0, description="Cap of the back-off between reconnection attempts."
    )
    control_interval_s: float = Field(
        default=1.0,
        gt=0,
        description="How often the daemon reads the maintenance switch and reports itself.",
    )
    shutdown_timeout_s: float = Field(
        default=20.0, gt=0, description="Hard cap on the final flush at SIGTERM."
    )
    stall_after_s: float = Field(
        default=30.0,
        gt=0,
        description="A batch waiting this long on the database puts the daemon in the "
        "stalled state (status unhealthy, with the lock holder when there is one).",
    )
    stall_give_up_s: float = Field(
        default=300.0,
        gt=0,
        description="A write waiting this long is abandoned and retried (nothing is lost).",
    )
    starved_after_s: float = Field(
        default=20.0,
        gt=0,
        description="A consuming daemon that has been delivered nothing for this long while "
        "events are ready in the ingest queue reconnects (the broker gives back what it held).",
    )
    metrics_address: str = Field(
        default="",
        description="host:port serving /metrics, /healthz and /readyz; empty turns it off.",
    )
    log_level: str = Field(default="INFO", description="Python logging level name.")
    log_format: Literal["json", "console", "auto"] = Field(
        default="auto",
        description="json, console (for people), or auto: JSON unless stderr is a terminal "
        "outside systemd.",
    )

    # The journal: a stream queue bound to the exchange, keeping every accepted event for
    # recovery, rebuilds and rehearsals (daemon/ops/journal.py). A change of retention does
    # not reach an existing journal (the broker refuses to redeclare a queue with other
    # arguments): apply it with a policy, see the README.
    journal: bool = Field(
        default=True, description="Declare the journal stream queue and bind it to the exchange."
    )
    journal_max_age: str = Field(
        default="21D",
        pattern=r"^[0-9]+[YMDhms]$",
        description="Journal retention by age (RabbitMQ x-max-age: 21D, 12h, 30m, 10s...).",
    )
    journal_max_bytes: int = Field(
        default=0, ge=0, description="Journal retention by size in bytes; 0: by age only."
    )
    journal_segment_bytes: int = Field(
        default=100 * 1024 * 1024,
        ge=1,
        description="Journal segment file size: retention removes whole segments.",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgresql(cls, value: SecretStr) -> SecretStr:
        return SecretStr(sqlalchemy_database_url(value.get_secret_value()))

    # The checks below turn what would crash the daemon later, with a traceback, into
    # one line naming the setting and the fix (see daemon.cli).

    @field_validator("amqp_url")
    @classmethod
    def _amqp_urls_are_urls(cls, value: SecretStr) -> SecretStr:
        amqp_urls(value.get_secret_value())
        return value

    def to_env(self) -> dict[str, str]:
        """These settings as the ``OPDB_*`` environment of a subprocess that must run
        with them (a daemon, a CLI command): every field, secrets revealed."""
        prefix = self.model_config.get("env_prefix", "")
        env: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, bool):
                value = "true" if value else "false"
            env[f"{prefix}{name}".upper()] = str(value)
        return env

    @property
    def amqp_urls(self) -> list[str]:
        """The brokers of ``amqp_url``, in the order given."""
        return amqp_urls(self.amqp_url.get_secret_value())

    @field_validator("site_timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as Pacific/Honolulu"
            ) from None
        return value

    @field_validator("metrics_address")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        if not value:
            return value
        host, colon, port = value.rpartition(":")
        if (
            not colon
            or not port.isdigit()
            or not 0 < int(port) < 65536
            or (":" in host.strip("[]") and not host.startswith("["))
        ):
            raise ValueError(
                f"{value!r} is not host:port: write e.g. 127.0.0.1:9108 (empty turns it off)"
            )
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in _LOG_LEVELS:
            raise ValueError(f"unknown level {value!r}: use one of {', '.join(_LOG_LEVELS)}")
        return value.upper()

    @property
    def dead_letter_queue(self) -> str:
        """Queue holding events the daemon rejected, with the reason in their headers."""
        return self.queue + wire.DEAD_LETTER_SUFFIX

    @property
    def journal_queue(self) -> str:
        """Stream queue holding a copy of every event the exchange accepted."""
        return f"{self.queue}.journal"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url.get_secret_value()

    @property
    def libpq_url(self) -> str:
        return libpq_database_url(self.database_url.get_secret_value())
