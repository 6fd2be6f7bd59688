"""The daemon's configuration: one class, read from ``OPDB_*`` environment variables.

Built once by the CLI and handed to every component, so nothing reads the
environment at import time and tests can build a ``Settings`` directly.
"""

from __future__ import annotations

import zoneinfo
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from opdb.urls import libpq_database_url, mask_url, sqlalchemy_database_url

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
        description="RabbitMQ URL the daemon consumes from.",
    )
    exchange: str = Field(default="opdb", description="Topic exchange actors publish to.")
    queue: str = Field(default="opdb.ingest", description="Queue the daemon consumes.")
    site_timezone: str = Field(
        default="Pacific/Honolulu",
        description="Zone of the wall-clock times stored in timestamp-without-zone columns.",
    )

    batch_max_events: int = Field(default=500, ge=1, description="Close a batch at N events.")
    batch_max_ms: int = Field(default=100, ge=1, description="...or T ms after its first event.")
    batch_max_bytes: int = Field(
        default=4 * 1024 * 1024, ge=1024, description="...or B bytes of message bodies."
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
        default=10, ge=1, description="AMQP heartbeat; a dead broker is noticed in ~3x this."
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

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgresql(cls, value: SecretStr) -> SecretStr:
        return SecretStr(sqlalchemy_database_url(value.get_secret_value()))

    # The checks below turn what would crash the daemon later, with a traceback, into
    # one line naming the setting and the fix (see daemon.cli).

    @field_validator("amqp_url")
    @classmethod
    def _amqp_url_is_amqp(cls, value: SecretStr) -> SecretStr:
        scheme, sep, rest = value.get_secret_value().partition("://")
        if not sep or scheme not in {"amqp", "amqps"} or not rest:
            raise ValueError("not an AMQP URL: write amqp://user:password@host:5672/vhost")
        return value

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
        return f"{self.queue}.dead"

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url.get_secret_value()

    @property
    def libpq_url(self) -> str:
        return libpq_database_url(self.database_url.get_secret_value())
