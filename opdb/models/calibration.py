"""Calibrations: spectrograph calibration products and the cobra / fiducial fiber
calibrations (geometry and motor models) used to drive the fiber positioners.

Each calibration run gets a serial id in a ``*_calib`` table; the per-cobra or
per-fiducial results of that run hang off it.
"""

import datetime

from sqlalchemy import (
    REAL,
    TIMESTAMP,
    BigInteger,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class Calib(Base):
    """One spectrograph calibration product (a combined bias, dark, flat or arc)."""

    __tablename__ = "calib"

    calib_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the calibration product",
    )
    calib_type: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Kind of product: bias, dark, flat, arc..."
    )
    sps_frames_to_use: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Spectrograph frames combined into the product"
    )
    pfs_design_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("pfs_design.pfs_design_id"),
        nullable=True,
        comment="Fiber design the input frames were taken with",
    )
    calib_date: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="Date the product is valid for"
    )


class CalibSet(Base):
    """A coherent set of calibration products (flat, bias, dark, arcs) used together."""

    __tablename__ = "calib_set"

    calib_set_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the set",
    )
    calib_flat_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("calib.calib_id"),
        nullable=True,
        comment="Flat-field product of the set",
    )
    calib_bias_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("calib.calib_id"),
        nullable=True,
        comment="Bias product of the set",
    )
    calib_dark_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("calib.calib_id"),
        nullable=True,
        comment="Dark product of the set",
    )
    calib_arcs_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("calib.calib_id"),
        nullable=True,
        comment="Arc-lamp product of the set",
    )


class CobraGeometryCalib(Base):
    """One calibration run measuring the geometry of the cobras."""

    __tablename__ = "cobra_geometry_calib"

    cobra_geometry_calib_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the geometry calibration run",
    )
    calibrated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the run was made"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text notes on the run"
    )


class CobraGeometry(Base):
    """Geometry of one cobra (centre, arm lengths, hard stops) from one calibration run."""

    __tablename__ = "cobra_geometry"

    cobra_geometry_calib_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("cobra_geometry_calib.cobra_geometry_calib_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Calibration run these values come from",
    )
    cobra_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("cobra.cobra_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra described",
    )
    center_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Theta-axis centre along PFI x, mm"
    )
    center_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Theta-axis centre along PFI y, mm"
    )
    motor_theta_limit0: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="First hard stop of the theta stage"
    )
    motor_theta_limit1: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Second hard stop of the theta stage"
    )
    motor_theta_length_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Length of the theta arm, mm"
    )
    motor_phi_limit_in: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Inner hard stop of the phi stage"
    )
    motor_phi_limit_out: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Outer hard stop of the phi stage"
    )
    motor_phi_length_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Length of the phi arm, mm"
    )
    status: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Health bits: 1 ok, 2 not visible, 4 theta broken, 8 phi broken",
    )


class CobraMotorCalib(Base):
    """One calibration run measuring the cobra motor maps."""

    __tablename__ = "cobra_motor_calib"

    cobra_motor_calib_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the motor calibration run",
    )
    calibrated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the run was made"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text notes on the run"
    )


class CobraMotorAxis(Base):
    """One cobra motor stage, theta or phi (lookup table)."""

    __tablename__ = "cobra_motor_axis"

    cobra_motor_axis_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Stage number: 1 or 2",
    )
    cobra_motor_axis_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Stage name: Theta or Phi"
    )


class CobraMotorDirection(Base):
    """One direction a cobra motor can turn (lookup table)."""

    __tablename__ = "cobra_motor_direction"

    cobra_motor_direction_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Direction code: 0 or 1",
    )
    cobra_motor_direction_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Direction name: Forward or Reverse"
    )


class CobraMotorModel(Base):
    """Motor model of one cobra stage in one direction, from one motor calibration run."""

    __tablename__ = "cobra_motor_model"

    cobra_motor_model_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the motor model",
    )
    cobra_motor_calib_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("cobra_motor_calib.cobra_motor_calib_id"),
        nullable=True,
        index=True,
        comment="Calibration run the model comes from",
    )
    cobra_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True, comment="Cobra the model describes"
    )
    cobra_motor_axis_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("cobra_motor_axis.cobra_motor_axis_id"),
        nullable=True,
        index=True,
        comment="Stage (theta or phi) the model is for",
    )
    cobra_motor_direction_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("cobra_motor_direction.cobra_motor_direction_id"),
        nullable=True,
        index=True,
        comment="Direction of motion the model is for",
    )
    cobra_motor_on_time: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Drive pulse on-time the model was measured with"
    )
    cobra_motor_step_size: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Angular resolution of the steps"
    )
    cobra_motor_frequency: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Drive frequency of the motor"
    )


class CobraMotorMap(Base):
    """One point of a cobra motor map: speed of the motor at a given angle."""

    __tablename__ = "cobra_motor_map"

    cobra_motor_model_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("cobra_motor_model.cobra_motor_model_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Motor model the point belongs to",
    )
    cobra_motor_move_sequence: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Index of the point along the map",
    )
    cobra_motor_angle: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Motor angle of the point, degrees"
    )
    cobra_motor_speed: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Motor speed there, degrees per step"
    )


class CobraConvergenceTest(Base):
    """One iteration of a test moving a cobra motor to a target angle."""

    __tablename__ = "cobra_convergence_test"

    cobra_motor_model_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("cobra_motor_model.cobra_motor_model_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Motor model being tested",
    )
    iteration: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Iteration number of the test move",
    )
    cobra_motor_angle_target_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Number of the target angle tried",
    )
    cobra_motor_angle_target: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Angle the motor was asked to reach"
    )
    cobra_motor_angle_difference: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Reached minus requested angle, degrees"
    )
    signal_to_noise_ratio: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Signal-to-noise of the position measurement"
    )


class FiducialFiberCalib(Base):
    """One calibration run measuring the fiducial fiber positions."""

    __tablename__ = "fiducial_fiber_calib"

    fiducial_fiber_calib_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=True,
        nullable=False,
        comment="Serial number of the fiducial calibration run",
    )
    calibrated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the run was made"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text notes on the run"
    )


class FiducialFiberGeometry(Base):
    """Position of one fiducial fiber on the PFI from one calibration run."""

    __tablename__ = "fiducial_fiber_geometry"

    fiducial_fiber_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("fiducial_fiber.fiducial_fiber_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Fiducial fiber measured",
    )
    fiducial_fiber_calib_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("fiducial_fiber_calib.fiducial_fiber_calib_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Calibration run the position comes from",
    )
    ff_center_on_pfi_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fiducial position along PFI x, mm"
    )
    ff_center_on_pfi_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fiducial position along PFI y, mm"
    )
    elevation: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope elevation during the measurement"
    )
    ambient_temp: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Ambient temperature during the measurement"
    )
