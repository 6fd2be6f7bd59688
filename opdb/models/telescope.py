"""Telescope and sky state: Subaru status snapshots taken during visits, dome and
weather readings, observing conditions and the small lookup tables they refer to."""

import datetime

from sqlalchemy import REAL, TIMESTAMP, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from opdb.models.base import Base


class CloudCondition(Base):
    """One category of cloud cover (lookup table)."""

    __tablename__ = "cloud_condition"

    cloud_condition_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Code of the cloud-cover category",
    )
    cloud_condition_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Short name of the category (e.g. clear, thin)"
    )
    cloud_condition_description: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="What the category means"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry was added"
    )
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False), nullable=True, comment="When the entry last changed"
    )


class BeamSwitchMode(Base):
    """One telescope beam-switching (on/off source nodding) mode (lookup table)."""

    __tablename__ = "beam_switch_mode"

    beam_switch_mode_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Code of the beam-switching mode",
    )
    beam_switch_mode_name: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Short name of the mode"
    )
    beam_switch_mode_description: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="What the mode does"
    )


class TelStatus(Base):
    """One snapshot of the telescope status (Gen2) taken during a visit."""

    __tablename__ = "tel_status"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit the snapshot was taken in",
    )
    status_sequence_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Running number of the Gen2 status snapshot within the visit",
    )
    altitude: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope elevation, degrees"
    )
    azimuth: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Telescope azimuth, degrees"
    )
    insrot: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Instrument rotator angle, degrees"
    )
    inst_pa: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Instrument position angle on the sky at start, degrees"
    )
    adc_pa: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Atmospheric dispersion corrector angle at start, degrees"
    )
    m2_pos3: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Secondary-mirror hexapod focus (z) position, mm"
    )
    m2_off3: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Focus offset applied on top of the hexapod position, mm"
    )
    tel_ra: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Right ascension the telescope points at, degrees"
    )
    tel_dec: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Declination the telescope points at, degrees"
    )
    dither_ra: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Dither offset applied in right ascension, arcsec"
    )
    dither_dec: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Dither offset applied in declination, arcsec"
    )
    dither_pa: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Dither offset applied to the position angle"
    )
    dome_shutter_status: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Dome slit state code: open, closed or unknown"
    )
    dome_light_status: Mapped[int | None] = mapped_column(
        Integer, nullable=True, comment="Bitmask of the dome interior lights that are on"
    )
    caller: Mapped[str | None] = mapped_column(
        String, nullable=True, comment="Subsystem that asked for the snapshot (mcs, agcc...)"
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False),
        nullable=True,
        index=True,
        comment="When the snapshot was recorded",
    )


class EnvCondition(Base):
    """One reading of the dome and outside weather sensors during a visit."""

    __tablename__ = "env_condition"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit the reading was taken in",
    )
    status_sequence_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Running number of the Gen2 status snapshot within the visit",
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
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False),
        nullable=True,
        index=True,
        comment="When the reading was recorded",
    )


class ObsCondition(Base):
    """One estimate of the observing conditions (airmass, moon, seeing...) in a visit."""

    __tablename__ = "obs_condition"

    pfs_visit_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("pfs_visit.pfs_visit_id"),
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Visit the estimate applies to",
    )
    status_sequence_id: Mapped[int] = mapped_column(
        Integer,
        primary_key=True,
        autoincrement=False,
        nullable=False,
        comment="Running number of the Gen2 status snapshot within the visit",
    )
    airmass: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Airmass towards the field"
    )
    moon_phase: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Lunar phase (fraction illuminated)"
    )
    moon_alt: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Moon altitude above the horizon, degrees"
    )
    moon_sep: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Angular distance from the field to the Moon, degrees"
    )
    seeing: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Seeing (image FWHM), arcsec"
    )
    transparency: Mapped[float | None] = mapped_column(
        REAL, nullable=True, comment="Estimated sky transparency"
    )
    cloud_condition_id: Mapped[int | None] = mapped_column(
        Integer,
        ForeignKey("cloud_condition.cloud_condition_id"),
        nullable=True,
        comment="Cloud-cover category at the time",
    )
    created_at: Mapped[datetime.datetime | None] = mapped_column(
        TIMESTAMP(timezone=False),
        nullable=True,
        index=True,
        comment="When the estimate was recorded",
    )
