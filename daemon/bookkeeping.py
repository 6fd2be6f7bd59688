"""The daemon's own tables, kept in schema ``opdb_ingest`` apart from the opDB tables.

They live beside the opDB in the same database so that the ledger row and the data it
vouches for are committed in one transaction: that is what turns RabbitMQ's
at-least-once delivery into effectively-once writes.
"""

from __future__ import annotations

import datetime
import uuid

from sqlalchemy import TIMESTAMP, Integer, MetaData, String, Uuid, func
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
