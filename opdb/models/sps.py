"""Spectrograph system (SPS): modules, cameras and their exposures.

PFS has four spectrograph modules (sm1..sm4), each with arms b (blue), r (red),
n (near-infrared) and m (medium-resolution red), i.e. up to 16 cameras such as ``b3``.
"""

import datetime

from sqlalchemy import (
    REAL,
    TIMESTAMP,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class SpsModule(Base):
    """One of the four spectrograph modules."""

    __tablename__ = "sps_module"

    sps_module_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Spectrograph module number, 1 to 4",
    )
    description: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Short name of the module (e.g. sm1)"
    )


class SpsCamera(Base):
    """One spectrograph camera: a given arm of a given module."""

    __tablename__ = "sps_camera"

    sps_camera_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Camera number, 1 to 16",
    )
    sps_camera_name: Mapped[str | None] = mapped_column(
        String(2), nullable=True, comment="Arm letter plus module digit, e.g. r2"
    )
    sps_module_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("sps_module.sps_module_id"),
        nullable=True,
        comment="Module the camera is mounted on",
    )
    sps_module_name: Mapped[str | None] = mapped_column(
        String(3), nullable=True, comment="Name of that module, e.g. sm2"
    )
    arm: Mapped[str | None] = mapped_column(
        String(1), nullable=True, comment="Arm letter: b, r, n or m"
    )
    arm_num: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Arm as a number, 1 to 4"
    )


class SpsVisit(Base):
    """A visit in which the spectrographs exposed, with its exposure type."""

    __tablename__ = "sps_visit"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit the spectrograph exposure belongs to",
    )
    exp_type: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Exposure kind such as bias, dark, flat, arc, object"
    )


class SpsExposure(Base):
    """One camera's exposure within a spectrograph visit."""

    __tablename__ = "sps_exposure"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("sps_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Spectrograph visit the frame was read out for",
    )
    sps_camera_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("sps_camera.sps_camera_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Camera that took the frame",
    )
    exptime: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Shutter-open time of the frame, seconds"
    )
    time_exp_start: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When integration began"
    )
    time_exp_end: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When integration ended"
    )
    beam_config_date: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION,
        nullable=True,
        comment="MJD of the last change of the spectrograph beam configuration",
    )


class SpsCondition(Base):
    """Quality measures of one camera's frame in a spectrograph visit."""

    __tablename__ = "sps_condition"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_visit_id", "sps_camera_id"],
            ["sps_exposure.pfs_visit_id", "sps_exposure.sps_camera_id"],
        ),
    )

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit of the measured frame",
    )
    sps_camera_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Camera of the measured frame",
    )
    background: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured background level of the frame"
    )
    throughput: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Estimated end-to-end system throughput"
    )


class SpsAnnotation(Base):
    """An observer's note and quality flag attached to one camera frame."""

    __tablename__ = "sps_annotation"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_visit_id", "sps_camera_id"],
            ["sps_exposure.pfs_visit_id", "sps_exposure.sps_camera_id"],
        ),
    )

    annotation_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the annotation",
    )
    pfs_visit_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Visit of the annotated frame"
    )
    sps_camera_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Camera of the annotated frame"
    )
    data_flag: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Quality verdict code for the frame"
    )
    notes: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text remark about the frame"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the note was written"
    )
