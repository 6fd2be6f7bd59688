"""Visits and the instrument-control sequences that group them.

A *visit* (``pfs_visit_id``, assigned by Gen2) is one exposure set of the whole
instrument. IIC (the instrument-control actor) runs *sequences* of visits, which may be
gathered in named groups; a *field set* ties a sequence to the fiber configuration
(``visit0``) it was observed with.
"""

import datetime

from sqlalchemy import TIMESTAMP, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class PfsVisit(Base):
    """One PFS visit: a single exposure set of the instrument, keyed by its Gen2 id."""

    __tablename__ = "pfs_visit"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit number handed out by Gen2; unique across the instrument",
    )
    pfs_visit_description: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text label of what the visit was for"
    )
    pfs_design_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, comment="Fiber design loaded when the visit was taken"
    )
    issued_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the visit id was allocated"
    )


class SequenceGroup(Base):
    """A named group of IIC sequences run together (e.g. one calibration campaign)."""

    __tablename__ = "sequence_group"

    group_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Number identifying the group of sequences",
    )
    group_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Human-readable name of the group"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the group was opened"
    )


class IicSequence(Base):
    """One sequence of visits launched by a single IIC command."""

    __tablename__ = "iic_sequence"

    iic_sequence_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Number of the IIC sequence",
    )
    sequence_type: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Kind of sequence (e.g. biases, arcs, science objects)"
    )
    name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Name the observer gave to this batch of visits"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Observer remarks about the sequence"
    )
    cmd_str: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Full IIC command line that produced the visits"
    )
    group_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("sequence_group.group_id"),
        nullable=True,
        comment="Group this sequence belongs to, if any",
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the sequence was started"
    )


class IicSequenceStatus(Base):
    """How an IIC sequence ended: its final status code and command output."""

    __tablename__ = "iic_sequence_status"

    iic_sequence_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("iic_sequence.iic_sequence_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Sequence whose outcome this is",
    )
    status_flag: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Completion code of the sequence (finished, failed...)"
    )
    cmd_output: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Final text the command replied with"
    )
    finished_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the sequence stopped"
    )


class VisitSet(Base):
    """Membership of one visit in the IIC sequence that produced it."""

    __tablename__ = "visit_set"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit taken as part of the sequence",
    )
    iic_sequence_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("iic_sequence.iic_sequence_id"),
        nullable=True,
        comment="Sequence the visit was taken in",
    )


class FieldSet(Base):
    """Link between an IIC sequence and the fiber configuration it observed."""

    __tablename__ = "field_set"

    iic_sequence_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("iic_sequence.iic_sequence_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Sequence that observed the field",
    )
    visit0: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("pfs_config.visit0"),
        nullable=True,
        comment="First visit of the configuration used, which names that pfsConfig",
    )


class SpsSequence(Base):
    """A spectrograph-only sequence of visits (older form of an IIC sequence)."""

    __tablename__ = "sps_sequence"

    visit_set_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Number of the spectrograph visit set",
    )
    sequence_type: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Kind of spectrograph sequence (arcs, flats...)"
    )
    name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Name the observer gave to this batch of visits"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Observer remarks about the sequence"
    )
    cmd_str: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Command line that produced the visits"
    )
    status: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Final state of the sequence, as text"
    )
