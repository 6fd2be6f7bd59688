"""``Settings.to_env``: what a subprocess is given is what it reads back."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from daemon.settings import Settings

pytestmark = pytest.mark.unit

# A value other than the default for every field, so that a field to_env forgot, or
# rendered in a form the reader parses differently, comes back as its default.
NOT_DEFAULTS: dict[str, Any] = {
    "database_url": "postgresql+psycopg://ingest:s3cret@db.example:5433/opdb_env",
    "amqp_url": "amqp://u:p@broker-a:5672/, amqp://u:p@broker-b:5672/vhost",
    "exchange": "opdb.env",
    "queue": "opdb.env.ingest",
    "site_timezone": "UTC",
    "batch_max_events": 7,
    "batch_max_bytes": 4096,
    "batch_max_ms": 25,
    "buffer_max_bytes": 8192,
    "max_body_bytes": 2048,
    "copy_min_rows": 3,
    "retry_first_delay_ms": 150,
    "retry_max_delay_ms": 1500,
    "retry_give_up_s": 0.5,
    "heartbeat_s": 9,
    "reconnect_max_delay_s": 2.5,
    "control_interval_s": 0.2,
    "shutdown_timeout_s": 7.25,
    "metrics_address": "127.0.0.1:9101",
    "log_level": "DEBUG",
    "journal": False,
    "journal_max_age": "12h",
    "journal_max_bytes": 123456,
    "journal_segment_bytes": 4242,
    "stall_after_s": 4.5,
    "stall_give_up_s": 45.0,
    "starved_after_s": 12.5,
    "log_format": "console",
}


def test_every_field_round_trips_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert set(NOT_DEFAULTS) == set(Settings.model_fields), "a field has no test value"
    default = Settings()
    for name, value in NOT_DEFAULTS.items():
        plain = getattr(default, name)
        plain = plain.get_secret_value() if isinstance(plain, SecretStr) else plain
        assert plain != value, f"{name}: the test value is the default"
    written = Settings(**NOT_DEFAULTS)
    env = written.to_env()
    assert set(env) == {f"OPDB_{name.upper()}" for name in Settings.model_fields}
    for key in list(Settings.model_fields):
        monkeypatch.delenv(f"OPDB_{key.upper()}", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert Settings() == written


def test_secrets_are_revealed_only_in_the_environment() -> None:
    settings = Settings(**NOT_DEFAULTS)
    assert "s3cret" not in repr(settings)
    assert "s3cret" in settings.to_env()["OPDB_DATABASE_URL"]
    assert settings.to_env()["OPDB_AMQP_URL"] == NOT_DEFAULTS["amqp_url"]
