"""Observation log: observers' notes on visits, sequences and MCS frames, and the FITS
headers of the raw files, kept for browsing and searching."""

from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class ObslogUser(Base):
    """One person allowed to write observation-log notes."""

    __tablename__ = "obslog_user"

    id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the user",
    )
    account_name: Mapped[str] = mapped_column(
        String, nullable=False, unique=True, comment="Login name of the user; unique"
    )


class ObslogVisitNote(Base):
    """One note written about a visit."""

    __tablename__ = "obslog_visit_note"

    id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the note",
    )
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("obslog_user.id"), nullable=True, comment="Author of the note"
    )
    pfs_visit_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        nullable=True,
        comment="Visit the note is about",
    )
    body: Mapped[str] = mapped_column(String, nullable=False, comment="Text of the note")


class ObslogVisitSetNote(Base):
    """One note written about an IIC sequence (a set of visits)."""

    __tablename__ = "obslog_visit_set_note"

    id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the note",
    )
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("obslog_user.id"), nullable=True, comment="Author of the note"
    )
    iic_sequence_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("iic_sequence.iic_sequence_id"),
        nullable=True,
        comment="Sequence the note is about",
    )
    body: Mapped[str] = mapped_column(String, nullable=False, comment="Text of the note")


class ObslogMcsExposureNote(Base):
    """One note written about an MCS frame."""

    __tablename__ = "obslog_mcs_exposure_note"

    id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the note",
    )
    user_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("obslog_user.id"), nullable=True, comment="Author of the note"
    )
    mcs_exposure_frame_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("mcs_exposure.mcs_frame_id"),
        nullable=True,
        comment="MCS frame the note is about",
    )
    body: Mapped[str] = mapped_column(String, nullable=False, comment="Text of the note")


class ObslogFitsHeader(Base):
    """The header of one HDU of one raw FITS file, stored as JSON for searching."""

    __tablename__ = "obslog_fits_header"

    pfs_visit_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        nullable=True,
        index=True,
        comment="Visit the file belongs to, when known",
    )
    filestem: Mapped[str] = mapped_column(
        String,
        primary_key=True,
        nullable=False,
        comment="File name without directory or extension",
    )
    hdu_index: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Position of the HDU in the file, 0 for the primary",
    )
    cards_dict: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, comment="Header keywords mapped to their values"
    )
    cards_list: Mapped[list[Any]] = mapped_column(
        JSONB, nullable=False, comment="Header cards in file order, with comments"
    )
