"""Metrology camera system (MCS) and the fiber positioners it measures.

The MCS images the back-illuminated fibers of the ~2400 cobras (fiber positioners)
and of the fixed fiducial fibers. Each convergence of the cobras towards their targets
is a series of iterations: a target per cobra, an MCS frame, the matching of spots to
cobras, and the motor move commanded for the next iteration.
"""

import datetime

from sqlalchemy import (
    REAL,
    TIMESTAMP,
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class McsCamera(Base):
    """One metrology camera model that has been used as the MCS (lookup table)."""

    __tablename__ = "mcs_camera"

    mcs_camera_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Code of the metrology camera (e.g. 0 for the Canon, 1 for the RMOD)",
    )
    mcs_camera_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Camera name such as Canon_50M or RMOD_71M"
    )
    comments: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Free-text notes about the camera"
    )


class McsExposure(Base):
    """One MCS frame, with the telescope and weather context at exposure time."""

    __tablename__ = "mcs_exposure"

    mcs_frame_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        index=True,
        unique=True,
        comment="MCS frame number from Gen2 (visit times 100 plus frame index)",
    )
    pfs_visit_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        nullable=True,
        comment="Visit the frame was taken in",
    )
    mcs_exptime: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Integration time of the frame, seconds"
    )
    altitude: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope elevation at exposure, degrees"
    )
    azimuth: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope azimuth at exposure, degrees"
    )
    insrot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Instrument rotator angle at exposure, degrees"
    )
    adc_pa: Mapped[float | None] = mapped_column(
        REAL,
        nullable=True,
        comment="Atmospheric dispersion corrector angle when the frame began, degrees",
    )
    dome_temperature: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Air temperature inside the dome, kelvin"
    )
    dome_pressure: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Air pressure inside the dome, hPa"
    )
    dome_humidity: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Relative humidity inside the dome, percent"
    )
    outside_temperature: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Air temperature outside the dome, kelvin"
    )
    outside_pressure: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Air pressure outside the dome, hPa"
    )
    outside_humidity: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Relative humidity outside the dome, percent"
    )
    mcs_cover_temperature: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Temperature of the MCS front cover, Celsius"
    )
    mcs_m1_temperature: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Temperature of the telescope primary mirror, Celsius"
    )
    mcs_camera_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("mcs_camera.mcs_camera_id"),
        nullable=True,
        comment="Which metrology camera took the frame",
    )
    measurement_algorithm: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Centroiding method used (windowed or sep)"
    )
    version_actor: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Software version of the MCS actor"
    )
    version_instdata: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Version of the pfs_instdata configuration in use"
    )
    taken_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the frame was exposed"
    )
    taken_in_hst_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False),
        nullable=True,
        comment="When the frame was exposed, as Hawaii local time",
    )


class McsData(Base):
    """One spot centroided on one MCS frame."""

    __tablename__ = "mcs_data"

    mcs_frame_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("mcs_exposure.mcs_frame_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        index=True,
        comment="MCS frame the spot was measured on",
    )
    spot_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Running number of the spot in the frame",
    )
    mcs_center_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Spot centroid along MCS detector x, pixels"
    )
    mcs_center_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Spot centroid along MCS detector y, pixels"
    )
    mcs_second_moment_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Second moment of the spot along x, pixels squared"
    )
    mcs_second_moment_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Second moment of the spot along y, pixels squared"
    )
    mcs_second_moment_xy_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Cross (xy) second moment of the spot, pixels squared"
    )
    bgvalue: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Background level under the spot"
    )
    peakvalue: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Highest pixel value in the spot"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the quality of the centroid fit"
    )
    flux: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Integrated flux of the spot"
    )
    fluxerr: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Uncertainty of the integrated flux"
    )


class McsBoresight(Base):
    """The rotator-axis position on the MCS detector, measured in a dedicated visit."""

    __tablename__ = "mcs_boresight"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit the boresight was measured from",
    )
    mcs_boresight_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Boresight position along MCS detector x, pixels"
    )
    mcs_boresight_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Boresight position along MCS detector y, pixels"
    )
    calculated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the boresight was derived"
    )


class McsPfiTransformation(Base):
    """Parameters of the MCS-pixel to PFI-millimetre mapping fitted on one frame."""

    __tablename__ = "mcs_pfi_transformation"

    mcs_frame_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("mcs_exposure.mcs_frame_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="MCS frame the mapping was fitted on",
    )
    x0: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Offset of the mapping along x"
    )
    y0: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Offset of the mapping along y"
    )
    dscale: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="First scale term of the mapping"
    )
    scale2: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Second scale term of the mapping"
    )
    theta: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Rotation angle of the mapping"
    )
    alpha_rot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Weight of the squared-rotation penalty in the fit"
    )
    camera_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Camera whose transformation model was used"
    )


class CameraModelF3cMcs(Base):
    """Optical camera model (intrinsics, distortion, pose) fitted for one MCS frame."""

    __tablename__ = "camera_model_f3c_mcs"

    mcs_frame_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("mcs_exposure.mcs_frame_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="MCS frame the model was fitted on",
    )
    matrix: Mapped[list[float] | None] = mapped_column(
        ARRAY(REAL), nullable=True, comment="Camera intrinsic matrix, flattened"
    )
    distor: Mapped[list[float] | None] = mapped_column(
        ARRAY(REAL), nullable=True, comment="Lens distortion coefficients"
    )
    rot_vector: Mapped[list[float] | None] = mapped_column(
        ARRAY(REAL), nullable=True, comment="Camera rotation, as a rotation vector"
    )
    tran_vector: Mapped[list[float] | None] = mapped_column(
        ARRAY(REAL), nullable=True, comment="Camera translation vector"
    )


class Cobra(Base):
    """One cobra fiber positioner and where its science fiber is routed."""

    __tablename__ = "cobra"

    cobra_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra number, 1 to 2394; one per science fiber",
    )
    field_on_pfi: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Which of the three PFI sectors holds the cobra"
    )
    cobra_in_field: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Position of the cobra inside its sector, 1 to 798"
    )
    cobra_module_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Cobra module number, 1 to 42"
    )
    module_in_field: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Module position in its sector, 1 to 14, counted from the PFI centre",
    )
    cobra_in_module: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Position of the cobra inside its module, 1 to 57"
    )
    cobra_in_board: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Position of the cobra on its electronics board (28 or 29 per board)",
    )
    cobra_board_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Electronics board number, 1 to 84 (two per module)"
    )
    mtp: Mapped[str | None] = mapped_column(
        String(3), nullable=True, comment="MTP ferrule label of the module half, e.g. 13B"
    )
    sps_module_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Spectrograph module the fiber feeds, 1 to 4"
    )
    sps_slit_hole: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Hole of the slit head the fiber ends in, 1 to 651"
    )
    science_fiber_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Science fiber number, 1 to 2394"
    )
    fiber_id: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Fiber number over all slit fibers (science and engineering), 1 to 2604",
    )
    sunss_id: Mapped[str | None] = mapped_column(
        String(4),
        nullable=True,
        comment="SuNSS fiber label: number plus i (imaging) or d (diffuse)",
    )
    mtp_a_id: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Hole used in the MTP-A connector"
    )
    mtp_c_id: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Hole used in the MTP-C connector"
    )
    mtp_ba_id: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Hole used in the MTP-BA connector"
    )
    mtp_bc_id: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Hole used in the MTP-BC connector"
    )
    version: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Version of the fiber-mapping data this row comes from"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the row was first written"
    )
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the row last changed"
    )


class CobraTarget(Base):
    """Where one cobra is asked to go at one iteration of a convergence."""

    __tablename__ = "cobra_target"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit in which the cobras were converged",
    )
    iteration: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Iteration number within the convergence",
    )
    cobra_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra being moved",
    )
    pfs_config_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, comment="Fiber design the targets come from"
    )
    pfi_nominal_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Design position of the fiber along PFI x, mm"
    )
    pfi_nominal_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Design position of the fiber along PFI y, mm"
    )
    pfi_target_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Position aimed at in this iteration, PFI x, mm"
    )
    pfi_target_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Position aimed at in this iteration, PFI y, mm"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the cobra for this iteration"
    )


class CobraMatch(Base):
    """Where one cobra was measured at one iteration: the MCS spot assigned to it."""

    __tablename__ = "cobra_match"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_visit_id", "iteration", "cobra_id"],
            ["cobra_target.pfs_visit_id", "cobra_target.iteration", "cobra_target.cobra_id"],
        ),
        ForeignKeyConstraint(
            ["mcs_frame_id", "spot_id"],
            ["mcs_data.mcs_frame_id", "mcs_data.spot_id"],
        ),
    )

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit in which the cobras were converged",
    )
    iteration: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Iteration number within the convergence",
    )
    cobra_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra that was measured",
    )
    mcs_frame_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="MCS frame of this iteration"
    )
    spot_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Spot of that frame identified with the cobra"
    )
    pfi_center_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured fiber position along PFI x, mm"
    )
    pfi_center_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured fiber position along PFI y, mm"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the match (unmatched, collided...)"
    )


class CobraMove(Base):
    """The theta and phi motor commands sent to one cobra after one iteration."""

    __tablename__ = "cobra_move"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_visit_id", "iteration", "cobra_id"],
            ["cobra_match.pfs_visit_id", "cobra_match.iteration", "cobra_match.cobra_id"],
        ),
    )

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit in which the cobras were converged",
    )
    iteration: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Iteration number within the convergence",
    )
    cobra_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra that was moved",
    )
    cobra_motor_model_id_theta: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Theta motor model used to plan the move"
    )
    motor_target_theta: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Angle the theta motor was sent to"
    )
    motor_num_step_theta: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Steps the theta motor made"
    )
    motor_on_time_theta: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Pulse on-time used for the theta motor"
    )
    cobra_motor_model_id_phi: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Phi motor model used to plan the move"
    )
    motor_target_phi: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Angle the phi motor was sent to"
    )
    motor_num_step_phi: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Steps the phi motor made"
    )
    motor_on_time_phi: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Pulse on-time used for the phi motor"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the move"
    )


class FiducialFiber(Base):
    """One fixed fiducial fiber on the PFI, used to anchor the MCS-to-PFI mapping."""

    __tablename__ = "fiducial_fiber"

    fiducial_fiber_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Fiducial fiber number",
    )
    field_on_pfi: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Which of the three PFI sectors holds the fiber"
    )
    ff_in_field: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Position of the fiber inside its sector"
    )
    ff_type: Mapped[str | None] = mapped_column(
        String(5), nullable=True, comment="Kind of fiducial (where it sits on the PFI)"
    )
    ff_id_in_type: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of the fiber among fiducials of its kind"
    )
    mask: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bitmask of the uses the fiber is good for"
    )
    version: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Version of the fiducial layout data"
    )


class FiducialFiberMatch(Base):
    """The MCS spot identified with one fiducial fiber at one iteration."""

    __tablename__ = "fiducial_fiber_match"
    __table_args__ = (
        ForeignKeyConstraint(
            ["mcs_frame_id", "spot_id"],
            ["mcs_data.mcs_frame_id", "mcs_data.spot_id"],
        ),
    )

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit in which the frame was taken",
    )
    iteration: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Iteration number within the convergence",
    )
    fiducial_fiber_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Fiducial fiber that was identified",
    )
    mcs_frame_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="MCS frame of this iteration"
    )
    spot_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Spot of that frame identified with the fiducial"
    )
    pfi_center_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured fiducial position along PFI x, mm"
    )
    pfi_center_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured fiducial position along PFI y, mm"
    )
    fiducial_tweaked_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected fiducial x once converged, PFI mm"
    )
    fiducial_tweaked_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected fiducial y once converged, PFI mm"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the match"
    )
    match_mask: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Which fits used the fiducial: 1 outer ring, 2 first pass, 4 final pass",
    )


class DotRoachFlux(Base):
    """Flux of one cobra's fiber in one visit of a black-dot ("dot roach") scan."""

    __tablename__ = "dot_roach_flux"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit of the scan step",
    )
    cobra_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("cobra.cobra_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Cobra whose fiber flux was extracted",
    )
    flux_abs: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Extracted flux in detector units (ADU)"
    )
    flux_ratio: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Flux relative to the unobstructed reference spectrum"
    )
    flux_ratio_norm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="That ratio corrected for lamp variation"
    )
