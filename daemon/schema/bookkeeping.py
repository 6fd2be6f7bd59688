"""The daemon's own tables, kept in schema ``opdb_ingest`` apart from the opDB tables.

They live beside the opDB in the same database so that the ledger row and the data it
vouches for are committed in one transaction: that is what turns RabbitMQ's
at-least-once delivery into effectively-once writes.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import (
    TIMESTAMP,
    Boolean,
    CheckConstraint,
    Integer,
    MetaData,
    String,
    Text,
    Uuid,
    func,
    true,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from opdb.models.base import NAMING_CONVENTION

SCHEMA = "opdb_ingest"


class BookkeepingBase(DeclarativeBase):
    """Root of the daemon's bookkeeping tables."""

    metadata = MetaData(schema=SCHEMA, naming_convention=NAMING_CONVENTION)


class EventLedger(BookkeepingBase):
    """One row per event whose writes were committed: the idempotency key store."""

    __tablename__ = "event_ledger"

    event_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, primary_key=True, comment="Event id chosen by the publisher"
    )
    source: Mapped[str] = mapped_column(
        String(64), nullable=False, comment="Actor that published the event"
    )
    sent_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, comment="When the actor sent the event"
    )
    committed_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True),
        nullable=False,
        server_default=func.now(),
        index=True,
        comment="When the transaction holding the event's rows committed",
    )
    row_count: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Rows the event wrote, all tables together"
    )
    generated_keys: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSONB,
        comment="Serial values generated for the event's rows, kept when its sender asked "
        "for a receipt, so that a redelivered copy is answered with the same keys",
    )


class Maintenance(BookkeepingBase):
    """The maintenance switch shared by every daemon on this database: a single row."""

    __tablename__ = "maintenance"
    __table_args__ = (CheckConstraint("singleton", name="singleton"),)

    singleton: Mapped[bool] = mapped_column(
        Boolean, primary_key=True, server_default=true(), comment="Always true: one row only"
    )
    enabled: Mapped[bool] = mapped_column(
        Boolean, nullable=False, comment="While true, daemons stop consuming and write nothing"
    )
    reason: Mapped[str | None] = mapped_column(Text, comment="Why maintenance was switched on")
    changed_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True),
        nullable=False,
        server_default=func.now(),
        comment="When the switch last changed",
    )
    changed_by: Mapped[str | None] = mapped_column(
        Text, comment="Who changed it: user@host of the command"
    )


class DaemonInstance(BookkeepingBase):
    """What each running daemon last said about itself; refreshed every few seconds."""

    __tablename__ = "daemon_instance"

    instance_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, primary_key=True, comment="Random id of one daemon process"
    )
    host: Mapped[str] = mapped_column(Text, nullable=False, comment="Host the daemon runs on")
    pid: Mapped[int] = mapped_column(Integer, nullable=False, comment="Its process id")
    queue: Mapped[str] = mapped_column(Text, nullable=False, comment="Queue it consumes")
    state: Mapped[str] = mapped_column(
        String(32),
        nullable=False,
        comment="running, maintenance, schema_mismatch, not_ready... (daemon.ingest.gate.State)",
    )
    state_reason: Mapped[str | None] = mapped_column(Text, comment="Why it is in that state")
    expected_revision: Mapped[str] = mapped_column(
        String(32), nullable=False, comment="Schema revision its code writes into"
    )
    database_revision: Mapped[str | None] = mapped_column(
        String(32), comment="Schema revision it last found in the database"
    )
    in_flight: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Messages it holds unacknowledged"
    )
    started_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, comment="When the process started"
    )
    heartbeat_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True), nullable=False, index=True, comment="Its last report"
    )
    last_commit_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=True), comment="Its last committed batch"
    )
    events_last_minute: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Events it committed in the last 60 s"
    )
    rows_last_minute: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="Rows it committed in the last 60 s"
    )


class SchemaRevision(BookkeepingBase):
    """Each revision applied since 0004, with its kind: a daemon built for an older
    revision reads it to know whether every revision beyond its own is additive, and so
    whether it may keep writing."""

    __tablename__ = "schema_revision"
    __table_args__ = (CheckConstraint("kind IN ('additive', 'breaking')", name="kind"),)

    revision: Mapped[str] = mapped_column(
        String(32), primary_key=True, comment="Alembic revision id"
    )
    down_revision: Mapped[str | None] = mapped_column(
        String(32), comment="The revision it was applied on top of"
    )
    kind: Mapped[str] = mapped_column(
        String(16),
        nullable=False,
        comment="additive: code of the revision below keeps writing; breaking: it may not",
    )
    applied_at: Mapped[datetime.datetime] = mapped_column(
        TIMESTAMP(timezone=True),
        nullable=False,
        server_default=func.now(),
        comment="When it was applied",
    )
