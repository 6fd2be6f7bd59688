"""Auto-guider (AG) tables: guide-camera frames, the spots found on them, their match
to guide stars and the pointing/focus corrections derived from them.

The AG system has six cameras around the edge of the focal plane.
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
from sqlalchemy.dialects.postgresql import DOUBLE_PRECISION
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class AgcExposure(Base):
    """One auto-guider exposure (all AG cameras read together) and its context."""

    __tablename__ = "agc_exposure"

    agc_exposure_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Auto-guider exposure number",
    )
    pfs_visit_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        nullable=True,
        comment="Visit during which the guide frame was taken",
    )
    agc_exptime: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Integration time of the guide frame, seconds"
    )
    altitude: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope elevation at the time of the frame, degrees"
    )
    azimuth: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope azimuth at the time of the frame, degrees"
    )
    insrot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Instrument rotator angle, degrees"
    )
    adc_pa: Mapped[float | None] = mapped_column(
        REAL,
        nullable=True,
        comment="Atmospheric dispersion corrector angle when the frame began, degrees",
    )
    m2_pos3: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Secondary-mirror hexapod focus (z) position, mm"
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
    measurement_algorithm: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Spot-finding method used (windowed or sep)"
    )
    version_actor: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Software version of the AG actor"
    )
    version_instdata: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Version of the pfs_instdata configuration in use"
    )
    taken_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the guide frame was exposed"
    )


class AgcData(Base):
    """One spot detected on one AG camera in one guide exposure."""

    __tablename__ = "agc_data"

    agc_exposure_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("agc_exposure.agc_exposure_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Guide exposure the spot was found in",
    )
    agc_camera_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="AG camera that saw the spot",
    )
    spot_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Running number of the spot within the camera image",
    )
    image_moment_00_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Zeroth moment of the spot (summed counts)"
    )
    centroid_x_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Spot centroid along detector x, pixels"
    )
    centroid_y_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Spot centroid along detector y, pixels"
    )
    central_image_moment_11_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Central second moment, cross (xy) term"
    )
    central_image_moment_20_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Central second moment along x"
    )
    central_image_moment_02_pix: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Central second moment along y"
    )
    peak_pixel_x_pix: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Column of the brightest pixel of the spot"
    )
    peak_pixel_y_pix: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Row of the brightest pixel of the spot"
    )
    peak_intensity: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Value of the brightest pixel"
    )
    background: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Local background level around the spot"
    )
    estimated_magnitude: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Rough magnitude inferred from the spot flux"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the detection's quality"
    )


class AgcMatch(Base):
    """Identification of one detected AG spot with a guide star of the design."""

    __tablename__ = "agc_match"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agc_exposure_id", "agc_camera_id", "spot_id"],
            ["agc_data.agc_exposure_id", "agc_data.agc_camera_id", "agc_data.spot_id"],
        ),
    )

    agc_exposure_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Guide exposure of the matched spot",
    )
    agc_camera_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="AG camera of the matched spot",
    )
    spot_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Spot number within that camera image",
    )
    pfs_design_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, comment="Design the matched guide star comes from"
    )
    guide_star_id: Mapped[int | None] = mapped_column(
        BigInteger, nullable=True, comment="Catalog id of the guide star matched to the spot"
    )
    agc_nominal_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected x of the star from the design, PFI mm"
    )
    agc_nominal_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Expected y of the star from the design, PFI mm"
    )
    agc_center_x_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured x of the spot mapped onto the PFI, mm"
    )
    agc_center_y_mm: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Measured y of the spot mapped onto the PFI, mm"
    )
    flags: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bit flags on the match"
    )


class AgcGuideOffset(Base):
    """Pointing, rotation, scale and focus corrections fitted from one guide exposure."""

    __tablename__ = "agc_guide_offset"

    agc_exposure_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("agc_exposure.agc_exposure_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Guide exposure the corrections were fitted on",
    )
    guide_ra: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Intended field-centre right ascension, deg"
    )
    guide_dec: Mapped[float | None] = mapped_column(
        DOUBLE_PRECISION, nullable=True, comment="Intended field-centre declination, deg"
    )
    guide_pa: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Intended field position angle, deg"
    )
    guide_delta_ra: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted pointing error in right ascension, arcsec"
    )
    guide_delta_dec: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted pointing error in declination, arcsec"
    )
    guide_delta_insrot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted rotator angle error, arcsec"
    )
    guide_delta_scale: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted plate-scale error"
    )
    guide_delta_az: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted azimuth error, arcsec; not always computed"
    )
    guide_delta_el: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Fitted elevation error, arcsec; not always computed"
    )
    guide_delta_z: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Overall focus error, mm"
    )
    guide_delta_z1: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 1, mm"
    )
    guide_delta_z2: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 2, mm"
    )
    guide_delta_z3: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 3, mm"
    )
    guide_delta_z4: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 4, mm"
    )
    guide_delta_z5: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 5, mm"
    )
    guide_delta_z6: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus error seen by AG camera 6, mm"
    )
    mask: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bitmask of the terms that were free in the fit"
    )
    taken_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the guide frame was exposed"
    )
