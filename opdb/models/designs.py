"""Fiber designs and configurations.

A *pfsDesign* (``pfs_design_id``, a 63-bit hash) is the plan: which target every fiber
should observe and which guide stars the AG cameras should see. A *pfsConfig* is what
was actually achieved when that design was loaded, identified by the design and the
first visit taken with it (``visit0``). Guide stars and the input catalogs targets
come from are kept here too.
"""

import datetime

from sqlalchemy import (
    REAL,
    TIMESTAMP,
    BigInteger,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
)
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class InputCatalog(Base):
    """One source catalog that targets or guide stars are drawn from."""

    __tablename__ = "input_catalog"

    cat_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Catalog number",
    )
    input_catalog_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Short name of the catalog"
    )
    input_catalog_description: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="What the catalog contains"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry was added"
    )
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry last changed"
    )


class GuideStars(Base):
    """One star from a catalog that may serve as an auto-guider star."""

    __tablename__ = "guide_stars"

    guide_star_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Identifier of the star (from its source catalog)",
    )
    ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Right ascension of the star, degrees"
    )
    decl: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Declination of the star, degrees"
    )
    cat_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("input_catalog.cat_id"),
        nullable=True,
        comment="Catalog the star was taken from",
    )
    obj_type_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Object class code (star, galaxy...)"
    )
    mag_agc: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Magnitude in the AG camera passband"
    )
    flux_agc: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Flux in the AG camera passband"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Catalog quality bit flags"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry was added"
    )
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry last changed"
    )


class PfsDesign(Base):
    """One fiber design (pfsDesign): the planned pointing and fiber assignment."""

    __tablename__ = "pfs_design"

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design identifier, a 63-bit hash of the design content",
    )
    design_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Readable name of the design"
    )
    variant: Mapped[int] = mapped_column(
        Integer,
        nullable=False,
        comment="Variant number relative to design_id0 (0 for an original design)",
    )
    design_id0: Mapped[int] = mapped_column(
        BigInteger,
        nullable=False,
        comment="Design this one is a variant of; goes together with variant",
    )
    tile_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Survey tile the design was made for"
    )
    ra_center_designed: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Planned field-centre right ascension, deg"
    )
    dec_center_designed: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Planned field-centre declination, deg"
    )
    pa_designed: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Planned position angle, deg"
    )
    num_sci_designed: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of fibers put on science targets"
    )
    num_cal_designed: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of fibers put on calibration stars"
    )
    num_sky_designed: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of fibers put on blank sky"
    )
    num_guide_stars: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of guide stars selected"
    )
    exptime_tot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Total planned exposure time, seconds"
    )
    exptime_min: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Shortest single exposure planned, seconds"
    )
    ets_version: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Version of the fiber assigner (ETS) used"
    )
    ets_assigner: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Assignment algorithm chosen in ETS"
    )
    designed_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the design was made"
    )
    to_be_observed_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=True), nullable=True, comment="Time the design was planned for"
    )
    pfs_utils_version: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="pfs_utils version that wrote the design"
    )
    is_obsolete: Mapped[bool | None] = mapped_column(
        Boolean, nullable=True, comment="True once the design should no longer be used"
    )


class PfsDesignFiber(Base):
    """What one fiber of a design is assigned to."""

    __tablename__ = "pfs_design_fiber"

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("pfs_design.pfs_design_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design the assignment belongs to",
    )
    fiber_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Fiber being assigned",
    )
    target_cat_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Catalog the target comes from"
    )
    target_tract: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Sky tract of the target (survey tiling)"
    )
    target_patch: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Patch within the tract, e.g. 1,2"
    )
    target_obj_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, comment="Object id of the target in its catalog"
    )
    target_ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Target right ascension, deg"
    )
    target_dec: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Target declination, deg"
    )
    target_pm_ra: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Target proper motion in right ascension, mas/yr"
    )
    target_pm_dec: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Target proper motion in declination, mas/yr"
    )
    target_parallax: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Target parallax, mas"
    )
    epoch: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Epoch of the target coordinates, e.g. J2016.0"
    )
    proposal_id: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Observing proposal the target belongs to"
    )
    ob_code: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Observation-block code of the target"
    )
    target_type: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Target kind code (science, sky, flux standard...)"
    )
    fiber_status: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Fiber health code (good, broken, blocked...)"
    )
    pfi_nominal_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Planned fiber position along PFI x, mm"
    )
    pfi_nominal_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Planned fiber position along PFI y, mm"
    )
    ets_priority: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Priority ETS gave the target"
    )
    ets_cost_function: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Cost ETS computed for the assignment"
    )
    ets_cobra_motor_movement: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Cobra motion plan ETS produced for the fiber"
    )
    is_on_source: Mapped[bool | None] = mapped_column(
        Boolean, nullable=True, comment="True if the fiber is meant to sit on its target"
    )
    comments: Mapped[str | None] = mapped_column(String, nullable=True, comment="Free-text notes")


class PfsDesignAgc(Base):
    """One guide star selected by a design, and where it should land on an AG camera."""

    __tablename__ = "pfs_design_agc"

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("pfs_design.pfs_design_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design the guide star belongs to",
    )
    guide_star_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Catalog id of the guide star",
    )
    epoch: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Epoch of the star coordinates"
    )
    guide_star_ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Star right ascension, deg"
    )
    guide_star_dec: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Star declination, deg"
    )
    guide_star_pm_ra: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Star proper motion in right ascension, mas/yr"
    )
    guide_star_pm_dec: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Star proper motion in declination, mas/yr"
    )
    guide_star_parallax: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Star parallax, mas"
    )
    guide_star_magnitude: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Star brightness, magnitudes"
    )
    passband: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Filter the magnitude is given in"
    )
    guide_star_color: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Star colour index, magnitudes"
    )
    guide_star_flag: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Quality flag from the star catalog"
    )
    agc_camera_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="AG camera expected to see the star"
    )
    agc_target_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected star position on that camera, x pixels"
    )
    agc_target_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected star position on that camera, y pixels"
    )
    comments: Mapped[str | None] = mapped_column(String, nullable=True, comment="Free-text notes")


class PfsConfig(Base):
    """One fiber configuration (pfsConfig): a design as actually set up on the sky."""

    __tablename__ = "pfs_config"

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("pfs_design.pfs_design_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design that was configured",
    )
    visit0: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        unique=True,
        comment="First visit taken with this configuration; names it",
    )
    ra_center_config: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Field-centre right ascension achieved, deg"
    )
    dec_center_config: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Field-centre declination achieved, deg"
    )
    pa_config: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Position angle of the PFI achieved, deg"
    )
    converg_num_iter: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Number of cobra iterations allowed to converge"
    )
    converg_elapsed_time: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Time allowed for convergence, seconds"
    )
    converg_tolerance: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Position tolerance the convergence aimed for, mm"
    )
    alloc_rms_scatter: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="RMS scatter of the final fiber positions (not yet defined)"
    )
    allocated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the configuration was made"
    )
    to_be_observed_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=True),
        nullable=True,
        comment="Time the configuration was planned for",
    )
    pfs_utils_version: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="pfs_utils version that wrote the pfsConfig"
    )
    to_be_observed_at_design: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=True),
        nullable=True,
        comment="Planned time copied from the originating design",
    )
    pfs_utils_version_design: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="pfs_utils version that wrote the originating design"
    )
    was_observed: Mapped[bool | None] = mapped_column(
        Boolean, nullable=True, comment="True if the configuration was used on sky"
    )
    converg_distance_threshold: Mapped[float | None] = mapped_column(
        REAL,
        nullable=True,
        comment="Distance under which a fiber is judged converged (sets fiber_status), mm",
    )
    target_fallback_invalid: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Where cobras with an unusable target were parked"
    )
    target_fallback_unassigned: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Where cobras without a target were parked"
    )
    fiducial_check_skipped: Mapped[bool | None] = mapped_column(
        Boolean, nullable=True, comment="True if the fiducial collision check was turned off"
    )
    inst_status_flag: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Instrument status bits (e.g. convergence failed)"
    )


class PfsConfigFiber(Base):
    """The outcome for one fiber of a configuration."""

    __tablename__ = "pfs_config_fiber"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_design_id", "visit0"],
            ["pfs_config.pfs_design_id", "pfs_config.visit0"],
        ),
    )

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design of the configuration",
    )
    visit0: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="First visit of the configuration",
    )
    fiber_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Fiber described",
    )
    target_ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Target right ascension, deg"
    )
    target_dec: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Target declination, deg"
    )
    fiber_status: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Result for the fiber: good, not converged, behind a black dot, unknown",
    )
    target_validation_mask: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="Reasons the positioner software rejected the target (0 if accepted)",
    )
    cobra_command: Mapped[int | None] = mapped_column(
        Integer,
        nullable=True,
        comment="What was done with the cobra: none, converge, home, black dot, unset",
    )
    pfi_nominal_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Planned fiber position along PFI x, mm"
    )
    pfi_nominal_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Planned fiber position along PFI y, mm"
    )
    pfi_center_final_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Last measured fiber position along PFI x, mm"
    )
    pfi_center_final_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Last measured fiber position along PFI y, mm"
    )
    motor_map_summary: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Summary of the motor maps used for the cobra"
    )
    config_elapsed_time: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Time spent positioning the fiber, seconds"
    )
    is_on_source: Mapped[bool | None] = mapped_column(
        Boolean, nullable=True, comment="True if the fiber ended up on its target"
    )
    comments: Mapped[str | None] = mapped_column(String, nullable=True, comment="Free-text notes")


class PfsConfigAgc(Base):
    """Where one guide star of a configuration was finally seen on its AG camera."""

    __tablename__ = "pfs_config_agc"
    __table_args__ = (
        ForeignKeyConstraint(
            ["pfs_design_id", "visit0"],
            ["pfs_config.pfs_design_id", "pfs_config.visit0"],
        ),
    )

    pfs_design_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Design of the configuration",
    )
    visit0: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="First visit of the configuration",
    )
    guide_star_id: Mapped[int] = mapped_column(
        BigInteger,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Catalog id of the guide star",
    )
    agc_camera_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="AG camera the star falls on"
    )
    agc_final_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Final star position on that camera, x pixels"
    )
    agc_final_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Final star position on that camera, y pixels"
    )
    comments: Mapped[str | None] = mapped_column(String, nullable=True, comment="Free-text notes")
    guide_star_ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Star right ascension, deg"
    )
    guide_star_dec: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Star declination, deg"
    )


class PfsConfigSps(Base):
    """Which configuration a spectrograph visit used and which cameras took part."""

    __tablename__ = "pfs_config_sps"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit observed with the configuration",
    )
    visit0: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_config.visit0"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="First visit of the configuration used",
    )
    cam_mask: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bitmask of the spectrograph cameras that exposed"
    )
    inst_status_flag: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Instrument status bits for this visit"
    )
