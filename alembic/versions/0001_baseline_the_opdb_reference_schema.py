"""baseline: the opDB reference schema

Creates exactly the 61 tables of the PFS operational database as the live summit
instance has them (shared/reference/pfs_opdb_schema.sql). An opDB created before this
project is stamped at this revision by `opdb-ingestd db adopt` instead of running it.

Revision ID: 0001
Revises:
Create Date: 2026-11-24 05:22:59.089255
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
# The baseline: before it there is nothing to write into: see "Changing the schema" in the README.
kind: str = "breaking"


def upgrade() -> None:
    op.create_table('beam_switch_mode',
    sa.Column('beam_switch_mode_id', sa.Integer(), autoincrement=False, nullable=False, comment='Code of the beam-switching mode'),
    sa.Column('beam_switch_mode_name', sa.String(), nullable=True, comment='Short name of the mode'),
    sa.Column('beam_switch_mode_description', sa.String(), nullable=True, comment='What the mode does'),
    sa.PrimaryKeyConstraint('beam_switch_mode_id', name=op.f('beam_switch_mode_pkey'))
    )
    op.create_table('cloud_condition',
    sa.Column('cloud_condition_id', sa.Integer(), autoincrement=False, nullable=False, comment='Code of the cloud-cover category'),
    sa.Column('cloud_condition_name', sa.String(), nullable=True, comment='Short name of the category (e.g. clear, thin)'),
    sa.Column('cloud_condition_description', sa.String(), nullable=True, comment='What the category means'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the entry was added'),
    sa.Column('updated_at', sa.TIMESTAMP(), nullable=True, comment='When the entry last changed'),
    sa.PrimaryKeyConstraint('cloud_condition_id', name=op.f('cloud_condition_pkey'))
    )
    op.create_table('cobra',
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra number, 1 to 2394; one per science fiber'),
    sa.Column('field_on_pfi', sa.Integer(), nullable=True, comment='Which of the three PFI sectors holds the cobra'),
    sa.Column('cobra_in_field', sa.Integer(), nullable=True, comment='Position of the cobra inside its sector, 1 to 798'),
    sa.Column('cobra_module_id', sa.Integer(), nullable=True, comment='Cobra module number, 1 to 42'),
    sa.Column('module_in_field', sa.Integer(), nullable=True, comment='Module position in its sector, 1 to 14, counted from the PFI centre'),
    sa.Column('cobra_in_module', sa.Integer(), nullable=True, comment='Position of the cobra inside its module, 1 to 57'),
    sa.Column('cobra_in_board', sa.Integer(), nullable=True, comment='Position of the cobra on its electronics board (28 or 29 per board)'),
    sa.Column('cobra_board_id', sa.Integer(), nullable=True, comment='Electronics board number, 1 to 84 (two per module)'),
    sa.Column('mtp', sa.String(length=3), nullable=True, comment='MTP ferrule label of the module half, e.g. 13B'),
    sa.Column('sps_module_id', sa.Integer(), nullable=True, comment='Spectrograph module the fiber feeds, 1 to 4'),
    sa.Column('sps_slit_hole', sa.Integer(), nullable=True, comment='Hole of the slit head the fiber ends in, 1 to 651'),
    sa.Column('science_fiber_id', sa.Integer(), nullable=True, comment='Science fiber number, 1 to 2394'),
    sa.Column('fiber_id', sa.Integer(), nullable=True, comment='Fiber number over all slit fibers (science and engineering), 1 to 2604'),
    sa.Column('sunss_id', sa.String(length=4), nullable=True, comment='SuNSS fiber label: number plus i (imaging) or d (diffuse)'),
    sa.Column('mtp_a_id', sa.String(), nullable=True, comment='Hole used in the MTP-A connector'),
    sa.Column('mtp_c_id', sa.String(), nullable=True, comment='Hole used in the MTP-C connector'),
    sa.Column('mtp_ba_id', sa.String(), nullable=True, comment='Hole used in the MTP-BA connector'),
    sa.Column('mtp_bc_id', sa.String(), nullable=True, comment='Hole used in the MTP-BC connector'),
    sa.Column('version', sa.String(), nullable=True, comment='Version of the fiber-mapping data this row comes from'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the row was first written'),
    sa.Column('updated_at', sa.TIMESTAMP(), nullable=True, comment='When the row last changed'),
    sa.PrimaryKeyConstraint('cobra_id', name=op.f('cobra_pkey'))
    )
    op.create_table('cobra_geometry_calib',
    sa.Column('cobra_geometry_calib_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the geometry calibration run'),
    sa.Column('calibrated_at', sa.TIMESTAMP(), nullable=True, comment='When the run was made'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes on the run'),
    sa.PrimaryKeyConstraint('cobra_geometry_calib_id', name=op.f('cobra_geometry_calib_pkey'))
    )
    op.create_table('cobra_motor_axis',
    sa.Column('cobra_motor_axis_id', sa.Integer(), autoincrement=False, nullable=False, comment='Stage number: 1 or 2'),
    sa.Column('cobra_motor_axis_name', sa.String(), nullable=True, comment='Stage name: Theta or Phi'),
    sa.PrimaryKeyConstraint('cobra_motor_axis_id', name=op.f('cobra_motor_axis_pkey'))
    )
    op.create_table('cobra_motor_calib',
    sa.Column('cobra_motor_calib_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the motor calibration run'),
    sa.Column('calibrated_at', sa.TIMESTAMP(), nullable=True, comment='When the run was made'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes on the run'),
    sa.PrimaryKeyConstraint('cobra_motor_calib_id', name=op.f('cobra_motor_calib_pkey'))
    )
    op.create_table('cobra_motor_direction',
    sa.Column('cobra_motor_direction_id', sa.Integer(), autoincrement=False, nullable=False, comment='Direction code: 0 or 1'),
    sa.Column('cobra_motor_direction_name', sa.String(), nullable=True, comment='Direction name: Forward or Reverse'),
    sa.PrimaryKeyConstraint('cobra_motor_direction_id', name=op.f('cobra_motor_direction_pkey'))
    )
    op.create_table('fiducial_fiber',
    sa.Column('fiducial_fiber_id', sa.Integer(), autoincrement=False, nullable=False, comment='Fiducial fiber number'),
    sa.Column('field_on_pfi', sa.Integer(), nullable=True, comment='Which of the three PFI sectors holds the fiber'),
    sa.Column('ff_in_field', sa.Integer(), nullable=True, comment='Position of the fiber inside its sector'),
    sa.Column('ff_type', sa.String(length=5), nullable=True, comment='Kind of fiducial (where it sits on the PFI)'),
    sa.Column('ff_id_in_type', sa.Integer(), nullable=True, comment='Number of the fiber among fiducials of its kind'),
    sa.Column('mask', sa.Integer(), nullable=True, comment='Bitmask of the uses the fiber is good for'),
    sa.Column('version', sa.String(), nullable=True, comment='Version of the fiducial layout data'),
    sa.PrimaryKeyConstraint('fiducial_fiber_id', name=op.f('fiducial_fiber_pkey'))
    )
    op.create_table('fiducial_fiber_calib',
    sa.Column('fiducial_fiber_calib_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the fiducial calibration run'),
    sa.Column('calibrated_at', sa.TIMESTAMP(), nullable=True, comment='When the run was made'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes on the run'),
    sa.PrimaryKeyConstraint('fiducial_fiber_calib_id', name=op.f('fiducial_fiber_calib_pkey'))
    )
    op.create_table('input_catalog',
    sa.Column('cat_id', sa.Integer(), autoincrement=False, nullable=False, comment='Catalog number'),
    sa.Column('input_catalog_name', sa.String(), nullable=True, comment='Short name of the catalog'),
    sa.Column('input_catalog_description', sa.String(), nullable=True, comment='What the catalog contains'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the entry was added'),
    sa.Column('updated_at', sa.TIMESTAMP(), nullable=True, comment='When the entry last changed'),
    sa.PrimaryKeyConstraint('cat_id', name=op.f('input_catalog_pkey'))
    )
    op.create_table('mcs_camera',
    sa.Column('mcs_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='Code of the metrology camera (e.g. 0 for the Canon, 1 for the RMOD)'),
    sa.Column('mcs_camera_name', sa.String(), nullable=True, comment='Camera name such as Canon_50M or RMOD_71M'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes about the camera'),
    sa.PrimaryKeyConstraint('mcs_camera_id', name=op.f('mcs_camera_pkey'))
    )
    op.create_table('obslog_user',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the user'),
    sa.Column('account_name', sa.String(), nullable=False, comment='Login name of the user; unique'),
    sa.PrimaryKeyConstraint('id', name=op.f('obslog_user_pkey')),
    sa.UniqueConstraint('account_name', name=op.f('obslog_user_account_name_key'))
    )
    op.create_table('pfs_design',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design identifier, a 63-bit hash of the design content'),
    sa.Column('design_name', sa.String(), nullable=True, comment='Readable name of the design'),
    sa.Column('variant', sa.Integer(), nullable=False, comment='Variant number relative to design_id0 (0 for an original design)'),
    sa.Column('design_id0', sa.BigInteger(), nullable=False, comment='Design this one is a variant of; goes together with variant'),
    sa.Column('tile_id', sa.Integer(), nullable=True, comment='Survey tile the design was made for'),
    sa.Column('ra_center_designed', sa.DOUBLE_PRECISION(), nullable=True, comment='Planned field-centre right ascension, deg'),
    sa.Column('dec_center_designed', sa.DOUBLE_PRECISION(), nullable=True, comment='Planned field-centre declination, deg'),
    sa.Column('pa_designed', sa.REAL(), nullable=True, comment='Planned position angle, deg'),
    sa.Column('num_sci_designed', sa.Integer(), nullable=True, comment='Number of fibers put on science targets'),
    sa.Column('num_cal_designed', sa.Integer(), nullable=True, comment='Number of fibers put on calibration stars'),
    sa.Column('num_sky_designed', sa.Integer(), nullable=True, comment='Number of fibers put on blank sky'),
    sa.Column('num_guide_stars', sa.Integer(), nullable=True, comment='Number of guide stars selected'),
    sa.Column('exptime_tot', sa.REAL(), nullable=True, comment='Total planned exposure time, seconds'),
    sa.Column('exptime_min', sa.REAL(), nullable=True, comment='Shortest single exposure planned, seconds'),
    sa.Column('ets_version', sa.String(), nullable=True, comment='Version of the fiber assigner (ETS) used'),
    sa.Column('ets_assigner', sa.String(), nullable=True, comment='Assignment algorithm chosen in ETS'),
    sa.Column('designed_at', sa.TIMESTAMP(), nullable=True, comment='When the design was made'),
    sa.Column('to_be_observed_at', sa.TIMESTAMP(timezone=True), nullable=True, comment='Time the design was planned for'),
    sa.Column('pfs_utils_version', sa.String(), nullable=True, comment='pfs_utils version that wrote the design'),
    sa.Column('is_obsolete', sa.Boolean(), nullable=True, comment='True once the design should no longer be used'),
    sa.PrimaryKeyConstraint('pfs_design_id', name=op.f('pfs_design_pkey'))
    )
    op.create_table('pfs_visit',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit number handed out by Gen2; unique across the instrument'),
    sa.Column('pfs_visit_description', sa.String(), nullable=True, comment='Free-text label of what the visit was for'),
    sa.Column('pfs_design_id', sa.BigInteger(), nullable=True, comment='Fiber design loaded when the visit was taken'),
    sa.Column('issued_at', sa.TIMESTAMP(), nullable=True, comment='When the visit id was allocated'),
    sa.PrimaryKeyConstraint('pfs_visit_id', name=op.f('pfs_visit_pkey'))
    )
    op.create_table('sequence_group',
    sa.Column('group_id', sa.Integer(), autoincrement=False, nullable=False, comment='Number identifying the group of sequences'),
    sa.Column('group_name', sa.String(), nullable=True, comment='Human-readable name of the group'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the group was opened'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('sequence_group_pkey'))
    )
    op.create_table('sps_module',
    sa.Column('sps_module_id', sa.Integer(), autoincrement=False, nullable=False, comment='Spectrograph module number, 1 to 4'),
    sa.Column('description', sa.String(), nullable=True, comment='Short name of the module (e.g. sm1)'),
    sa.PrimaryKeyConstraint('sps_module_id', name=op.f('sps_module_pkey'))
    )
    op.create_table('sps_sequence',
    sa.Column('visit_set_id', sa.Integer(), autoincrement=False, nullable=False, comment='Number of the spectrograph visit set'),
    sa.Column('sequence_type', sa.String(), nullable=True, comment='Kind of spectrograph sequence (arcs, flats...)'),
    sa.Column('name', sa.String(), nullable=True, comment='Name the observer gave to this batch of visits'),
    sa.Column('comments', sa.String(), nullable=True, comment='Observer remarks about the sequence'),
    sa.Column('cmd_str', sa.String(), nullable=True, comment='Command line that produced the visits'),
    sa.Column('status', sa.String(), nullable=True, comment='Final state of the sequence, as text'),
    sa.PrimaryKeyConstraint('visit_set_id', name=op.f('sps_sequence_pkey'))
    )
    op.create_table('agc_exposure',
    sa.Column('agc_exposure_id', sa.Integer(), autoincrement=False, nullable=False, comment='Auto-guider exposure number'),
    sa.Column('pfs_visit_id', sa.Integer(), nullable=True, comment='Visit during which the guide frame was taken'),
    sa.Column('agc_exptime', sa.REAL(), nullable=True, comment='Integration time of the guide frame, seconds'),
    sa.Column('altitude', sa.REAL(), nullable=True, comment='Telescope elevation at the time of the frame, degrees'),
    sa.Column('azimuth', sa.REAL(), nullable=True, comment='Telescope azimuth at the time of the frame, degrees'),
    sa.Column('insrot', sa.REAL(), nullable=True, comment='Instrument rotator angle, degrees'),
    sa.Column('adc_pa', sa.REAL(), nullable=True, comment='Atmospheric dispersion corrector angle when the frame began, degrees'),
    sa.Column('m2_pos3', sa.REAL(), nullable=True, comment='Secondary-mirror hexapod focus (z) position, mm'),
    sa.Column('outside_temperature', sa.REAL(), nullable=True, comment='Air temperature outside the dome, kelvin'),
    sa.Column('outside_pressure', sa.REAL(), nullable=True, comment='Air pressure outside the dome, hPa'),
    sa.Column('outside_humidity', sa.REAL(), nullable=True, comment='Relative humidity outside the dome, percent'),
    sa.Column('measurement_algorithm', sa.String(), nullable=True, comment='Spot-finding method used (windowed or sep)'),
    sa.Column('version_actor', sa.String(), nullable=True, comment='Software version of the AG actor'),
    sa.Column('version_instdata', sa.String(), nullable=True, comment='Version of the pfs_instdata configuration in use'),
    sa.Column('taken_at', sa.TIMESTAMP(), nullable=True, comment='When the guide frame was exposed'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('agc_exposure_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('agc_exposure_id', name=op.f('agc_exposure_pkey'))
    )
    op.create_table('calib',
    sa.Column('calib_id', sa.BigInteger(), autoincrement=True, nullable=False, comment='Serial number of the calibration product'),
    sa.Column('calib_type', sa.String(), nullable=True, comment='Kind of product: bias, dark, flat, arc...'),
    sa.Column('sps_frames_to_use', sa.String(), nullable=True, comment='Spectrograph frames combined into the product'),
    sa.Column('pfs_design_id', sa.BigInteger(), nullable=True, comment='Fiber design the input frames were taken with'),
    sa.Column('calib_date', sa.TIMESTAMP(), nullable=True, comment='Date the product is valid for'),
    sa.ForeignKeyConstraint(['pfs_design_id'], ['pfs_design.pfs_design_id'], name=op.f('calib_pfs_design_id_fkey')),
    sa.PrimaryKeyConstraint('calib_id', name=op.f('calib_pkey'))
    )
    op.create_table('cobra_geometry',
    sa.Column('cobra_geometry_calib_id', sa.Integer(), autoincrement=False, nullable=False, comment='Calibration run these values come from'),
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra described'),
    sa.Column('center_x_mm', sa.REAL(), nullable=True, comment='Theta-axis centre along PFI x, mm'),
    sa.Column('center_y_mm', sa.REAL(), nullable=True, comment='Theta-axis centre along PFI y, mm'),
    sa.Column('motor_theta_limit0', sa.REAL(), nullable=True, comment='First hard stop of the theta stage'),
    sa.Column('motor_theta_limit1', sa.REAL(), nullable=True, comment='Second hard stop of the theta stage'),
    sa.Column('motor_theta_length_mm', sa.REAL(), nullable=True, comment='Length of the theta arm, mm'),
    sa.Column('motor_phi_limit_in', sa.REAL(), nullable=True, comment='Inner hard stop of the phi stage'),
    sa.Column('motor_phi_limit_out', sa.REAL(), nullable=True, comment='Outer hard stop of the phi stage'),
    sa.Column('motor_phi_length_mm', sa.REAL(), nullable=True, comment='Length of the phi arm, mm'),
    sa.Column('status', sa.Integer(), nullable=True, comment='Health bits: 1 ok, 2 not visible, 4 theta broken, 8 phi broken'),
    sa.ForeignKeyConstraint(['cobra_geometry_calib_id'], ['cobra_geometry_calib.cobra_geometry_calib_id'], name=op.f('cobra_geometry_cobra_geometry_calib_id_fkey')),
    sa.ForeignKeyConstraint(['cobra_id'], ['cobra.cobra_id'], name=op.f('cobra_geometry_cobra_id_fkey')),
    sa.PrimaryKeyConstraint('cobra_geometry_calib_id', 'cobra_id', name=op.f('cobra_geometry_pkey'))
    )
    op.create_table('cobra_motor_model',
    sa.Column('cobra_motor_model_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the motor model'),
    sa.Column('cobra_motor_calib_id', sa.Integer(), nullable=True, comment='Calibration run the model comes from'),
    sa.Column('cobra_id', sa.Integer(), nullable=True, comment='Cobra the model describes'),
    sa.Column('cobra_motor_axis_id', sa.Integer(), nullable=True, comment='Stage (theta or phi) the model is for'),
    sa.Column('cobra_motor_direction_id', sa.Integer(), nullable=True, comment='Direction of motion the model is for'),
    sa.Column('cobra_motor_on_time', sa.REAL(), nullable=True, comment='Drive pulse on-time the model was measured with'),
    sa.Column('cobra_motor_step_size', sa.REAL(), nullable=True, comment='Angular resolution of the steps'),
    sa.Column('cobra_motor_frequency', sa.REAL(), nullable=True, comment='Drive frequency of the motor'),
    sa.ForeignKeyConstraint(['cobra_motor_axis_id'], ['cobra_motor_axis.cobra_motor_axis_id'], name=op.f('cobra_motor_model_cobra_motor_axis_id_fkey')),
    sa.ForeignKeyConstraint(['cobra_motor_calib_id'], ['cobra_motor_calib.cobra_motor_calib_id'], name=op.f('cobra_motor_model_cobra_motor_calib_id_fkey')),
    sa.ForeignKeyConstraint(['cobra_motor_direction_id'], ['cobra_motor_direction.cobra_motor_direction_id'], name=op.f('cobra_motor_model_cobra_motor_direction_id_fkey')),
    sa.PrimaryKeyConstraint('cobra_motor_model_id', name=op.f('cobra_motor_model_pkey'))
    )
    op.create_index(op.f('ix_cobra_motor_model_cobra_id'), 'cobra_motor_model', ['cobra_id'], unique=False)
    op.create_index(op.f('ix_cobra_motor_model_cobra_motor_axis_id'), 'cobra_motor_model', ['cobra_motor_axis_id'], unique=False)
    op.create_index(op.f('ix_cobra_motor_model_cobra_motor_calib_id'), 'cobra_motor_model', ['cobra_motor_calib_id'], unique=False)
    op.create_index(op.f('ix_cobra_motor_model_cobra_motor_direction_id'), 'cobra_motor_model', ['cobra_motor_direction_id'], unique=False)
    op.create_table('cobra_target',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit in which the cobras were converged'),
    sa.Column('iteration', sa.Integer(), autoincrement=False, nullable=False, comment='Iteration number within the convergence'),
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra being moved'),
    sa.Column('pfs_config_id', sa.BigInteger(), nullable=True, comment='Fiber design the targets come from'),
    sa.Column('pfi_nominal_x_mm', sa.REAL(), nullable=True, comment='Design position of the fiber along PFI x, mm'),
    sa.Column('pfi_nominal_y_mm', sa.REAL(), nullable=True, comment='Design position of the fiber along PFI y, mm'),
    sa.Column('pfi_target_x_mm', sa.REAL(), nullable=True, comment='Position aimed at in this iteration, PFI x, mm'),
    sa.Column('pfi_target_y_mm', sa.REAL(), nullable=True, comment='Position aimed at in this iteration, PFI y, mm'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the cobra for this iteration'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('cobra_target_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'iteration', 'cobra_id', name=op.f('cobra_target_pkey'))
    )
    op.create_table('dot_roach_flux',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit of the scan step'),
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra whose fiber flux was extracted'),
    sa.Column('flux_abs', sa.REAL(), nullable=True, comment='Extracted flux in detector units (ADU)'),
    sa.Column('flux_ratio', sa.REAL(), nullable=True, comment='Flux relative to the unobstructed reference spectrum'),
    sa.Column('flux_ratio_norm', sa.REAL(), nullable=True, comment='That ratio corrected for lamp variation'),
    sa.ForeignKeyConstraint(['cobra_id'], ['cobra.cobra_id'], name=op.f('dot_roach_flux_cobra_id_fkey')),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('dot_roach_flux_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'cobra_id', name=op.f('dot_roach_flux_pkey'))
    )
    op.create_table('env_condition',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit the reading was taken in'),
    sa.Column('status_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Running number of the Gen2 status snapshot within the visit'),
    sa.Column('dome_temperature', sa.REAL(), nullable=True, comment='Air temperature inside the dome, kelvin'),
    sa.Column('dome_pressure', sa.REAL(), nullable=True, comment='Air pressure inside the dome, hPa'),
    sa.Column('dome_humidity', sa.REAL(), nullable=True, comment='Relative humidity inside the dome, percent'),
    sa.Column('outside_temperature', sa.REAL(), nullable=True, comment='Air temperature outside the dome, kelvin'),
    sa.Column('outside_pressure', sa.REAL(), nullable=True, comment='Air pressure outside the dome, hPa'),
    sa.Column('outside_humidity', sa.REAL(), nullable=True, comment='Relative humidity outside the dome, percent'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the reading was recorded'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('env_condition_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'status_sequence_id', name=op.f('env_condition_pkey'))
    )
    op.create_index(op.f('ix_env_condition_created_at'), 'env_condition', ['created_at'], unique=False)
    op.create_table('fiducial_fiber_geometry',
    sa.Column('fiducial_fiber_id', sa.Integer(), autoincrement=False, nullable=False, comment='Fiducial fiber measured'),
    sa.Column('fiducial_fiber_calib_id', sa.Integer(), autoincrement=False, nullable=False, comment='Calibration run the position comes from'),
    sa.Column('ff_center_on_pfi_x_mm', sa.REAL(), nullable=True, comment='Fiducial position along PFI x, mm'),
    sa.Column('ff_center_on_pfi_y_mm', sa.REAL(), nullable=True, comment='Fiducial position along PFI y, mm'),
    sa.Column('elevation', sa.REAL(), nullable=True, comment='Telescope elevation during the measurement'),
    sa.Column('ambient_temp', sa.REAL(), nullable=True, comment='Ambient temperature during the measurement'),
    sa.ForeignKeyConstraint(['fiducial_fiber_calib_id'], ['fiducial_fiber_calib.fiducial_fiber_calib_id'], name=op.f('fiducial_fiber_geometry_fiducial_fiber_calib_id_fkey')),
    sa.ForeignKeyConstraint(['fiducial_fiber_id'], ['fiducial_fiber.fiducial_fiber_id'], name=op.f('fiducial_fiber_geometry_fiducial_fiber_id_fkey')),
    sa.PrimaryKeyConstraint('fiducial_fiber_id', 'fiducial_fiber_calib_id', name=op.f('fiducial_fiber_geometry_pkey'))
    )
    op.create_table('guide_stars',
    sa.Column('guide_star_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Identifier of the star (from its source catalog)'),
    sa.Column('ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Right ascension of the star, degrees'),
    sa.Column('decl', sa.DOUBLE_PRECISION(), nullable=True, comment='Declination of the star, degrees'),
    sa.Column('cat_id', sa.Integer(), nullable=True, comment='Catalog the star was taken from'),
    sa.Column('obj_type_id', sa.Integer(), nullable=True, comment='Object class code (star, galaxy...)'),
    sa.Column('mag_agc', sa.REAL(), nullable=True, comment='Magnitude in the AG camera passband'),
    sa.Column('flux_agc', sa.REAL(), nullable=True, comment='Flux in the AG camera passband'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Catalog quality bit flags'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the entry was added'),
    sa.Column('updated_at', sa.TIMESTAMP(), nullable=True, comment='When the entry last changed'),
    sa.ForeignKeyConstraint(['cat_id'], ['input_catalog.cat_id'], name=op.f('guide_stars_cat_id_fkey')),
    sa.PrimaryKeyConstraint('guide_star_id', name=op.f('guide_stars_pkey'))
    )
    op.create_table('iic_sequence',
    sa.Column('iic_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Number of the IIC sequence'),
    sa.Column('sequence_type', sa.String(), nullable=True, comment='Kind of sequence (e.g. biases, arcs, science objects)'),
    sa.Column('name', sa.String(), nullable=True, comment='Name the observer gave to this batch of visits'),
    sa.Column('comments', sa.String(), nullable=True, comment='Observer remarks about the sequence'),
    sa.Column('cmd_str', sa.String(), nullable=True, comment='Full IIC command line that produced the visits'),
    sa.Column('group_id', sa.Integer(), nullable=True, comment='Group this sequence belongs to, if any'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the sequence was started'),
    sa.ForeignKeyConstraint(['group_id'], ['sequence_group.group_id'], name=op.f('iic_sequence_group_id_fkey')),
    sa.PrimaryKeyConstraint('iic_sequence_id', name=op.f('iic_sequence_pkey'))
    )
    op.create_table('mcs_boresight',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit the boresight was measured from'),
    sa.Column('mcs_boresight_x_pix', sa.REAL(), nullable=True, comment='Boresight position along MCS detector x, pixels'),
    sa.Column('mcs_boresight_y_pix', sa.REAL(), nullable=True, comment='Boresight position along MCS detector y, pixels'),
    sa.Column('calculated_at', sa.TIMESTAMP(), nullable=True, comment='When the boresight was derived'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('mcs_boresight_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', name=op.f('mcs_boresight_pkey'))
    )
    op.create_table('mcs_exposure',
    sa.Column('mcs_frame_id', sa.Integer(), autoincrement=False, nullable=False, comment='MCS frame number from Gen2 (visit times 100 plus frame index)'),
    sa.Column('pfs_visit_id', sa.Integer(), nullable=True, comment='Visit the frame was taken in'),
    sa.Column('mcs_exptime', sa.REAL(), nullable=True, comment='Integration time of the frame, seconds'),
    sa.Column('altitude', sa.REAL(), nullable=True, comment='Telescope elevation at exposure, degrees'),
    sa.Column('azimuth', sa.REAL(), nullable=True, comment='Telescope azimuth at exposure, degrees'),
    sa.Column('insrot', sa.REAL(), nullable=True, comment='Instrument rotator angle at exposure, degrees'),
    sa.Column('adc_pa', sa.REAL(), nullable=True, comment='Atmospheric dispersion corrector angle when the frame began, degrees'),
    sa.Column('dome_temperature', sa.REAL(), nullable=True, comment='Air temperature inside the dome, kelvin'),
    sa.Column('dome_pressure', sa.REAL(), nullable=True, comment='Air pressure inside the dome, hPa'),
    sa.Column('dome_humidity', sa.REAL(), nullable=True, comment='Relative humidity inside the dome, percent'),
    sa.Column('outside_temperature', sa.REAL(), nullable=True, comment='Air temperature outside the dome, kelvin'),
    sa.Column('outside_pressure', sa.REAL(), nullable=True, comment='Air pressure outside the dome, hPa'),
    sa.Column('outside_humidity', sa.REAL(), nullable=True, comment='Relative humidity outside the dome, percent'),
    sa.Column('mcs_cover_temperature', sa.REAL(), nullable=True, comment='Temperature of the MCS front cover, Celsius'),
    sa.Column('mcs_m1_temperature', sa.REAL(), nullable=True, comment='Temperature of the telescope primary mirror, Celsius'),
    sa.Column('mcs_camera_id', sa.Integer(), nullable=True, comment='Which metrology camera took the frame'),
    sa.Column('measurement_algorithm', sa.String(), nullable=True, comment='Centroiding method used (windowed or sep)'),
    sa.Column('version_actor', sa.String(), nullable=True, comment='Software version of the MCS actor'),
    sa.Column('version_instdata', sa.String(), nullable=True, comment='Version of the pfs_instdata configuration in use'),
    sa.Column('taken_at', sa.TIMESTAMP(), nullable=True, comment='When the frame was exposed'),
    sa.Column('taken_in_hst_at', sa.TIMESTAMP(), nullable=True, comment='When the frame was exposed, as Hawaii local time'),
    sa.ForeignKeyConstraint(['mcs_camera_id'], ['mcs_camera.mcs_camera_id'], name=op.f('mcs_exposure_mcs_camera_id_fkey')),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('mcs_exposure_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('mcs_frame_id', name=op.f('mcs_exposure_pkey'))
    )
    op.create_index(op.f('ix_mcs_exposure_mcs_frame_id'), 'mcs_exposure', ['mcs_frame_id'], unique=True)
    op.create_table('obs_condition',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit the estimate applies to'),
    sa.Column('status_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Running number of the Gen2 status snapshot within the visit'),
    sa.Column('airmass', sa.REAL(), nullable=True, comment='Airmass towards the field'),
    sa.Column('moon_phase', sa.REAL(), nullable=True, comment='Lunar phase (fraction illuminated)'),
    sa.Column('moon_alt', sa.REAL(), nullable=True, comment='Moon altitude above the horizon, degrees'),
    sa.Column('moon_sep', sa.REAL(), nullable=True, comment='Angular distance from the field to the Moon, degrees'),
    sa.Column('seeing', sa.REAL(), nullable=True, comment='Seeing (image FWHM), arcsec'),
    sa.Column('transparency', sa.REAL(), nullable=True, comment='Estimated sky transparency'),
    sa.Column('cloud_condition_id', sa.Integer(), nullable=True, comment='Cloud-cover category at the time'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the estimate was recorded'),
    sa.ForeignKeyConstraint(['cloud_condition_id'], ['cloud_condition.cloud_condition_id'], name=op.f('obs_condition_cloud_condition_id_fkey')),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('obs_condition_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'status_sequence_id', name=op.f('obs_condition_pkey'))
    )
    op.create_index(op.f('ix_obs_condition_created_at'), 'obs_condition', ['created_at'], unique=False)
    op.create_table('obslog_fits_header',
    sa.Column('pfs_visit_id', sa.Integer(), nullable=True, comment='Visit the file belongs to, when known'),
    sa.Column('filestem', sa.String(), nullable=False, comment='File name without directory or extension'),
    sa.Column('hdu_index', sa.Integer(), autoincrement=False, nullable=False, comment='Position of the HDU in the file, 0 for the primary'),
    sa.Column('cards_dict', postgresql.JSONB(astext_type=sa.Text()), nullable=False, comment='Header keywords mapped to their values'),
    sa.Column('cards_list', postgresql.JSONB(astext_type=sa.Text()), nullable=False, comment='Header cards in file order, with comments'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('obslog_fits_header_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('filestem', 'hdu_index', name=op.f('obslog_fits_header_pkey'))
    )
    op.create_index(op.f('ix_obslog_fits_header_pfs_visit_id'), 'obslog_fits_header', ['pfs_visit_id'], unique=False)
    op.create_table('obslog_visit_note',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the note'),
    sa.Column('user_id', sa.Integer(), nullable=True, comment='Author of the note'),
    sa.Column('pfs_visit_id', sa.Integer(), nullable=True, comment='Visit the note is about'),
    sa.Column('body', sa.String(), nullable=False, comment='Text of the note'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('obslog_visit_note_pfs_visit_id_fkey')),
    sa.ForeignKeyConstraint(['user_id'], ['obslog_user.id'], name=op.f('obslog_visit_note_user_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('obslog_visit_note_pkey'))
    )
    op.create_table('pfs_config',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design that was configured'),
    sa.Column('visit0', sa.Integer(), autoincrement=False, nullable=False, comment='First visit taken with this configuration; names it'),
    sa.Column('ra_center_config', sa.DOUBLE_PRECISION(), nullable=True, comment='Field-centre right ascension achieved, deg'),
    sa.Column('dec_center_config', sa.DOUBLE_PRECISION(), nullable=True, comment='Field-centre declination achieved, deg'),
    sa.Column('pa_config', sa.REAL(), nullable=True, comment='Position angle of the PFI achieved, deg'),
    sa.Column('converg_num_iter', sa.Integer(), nullable=True, comment='Number of cobra iterations allowed to converge'),
    sa.Column('converg_elapsed_time', sa.REAL(), nullable=True, comment='Time allowed for convergence, seconds'),
    sa.Column('converg_tolerance', sa.REAL(), nullable=True, comment='Position tolerance the convergence aimed for, mm'),
    sa.Column('alloc_rms_scatter', sa.REAL(), nullable=True, comment='RMS scatter of the final fiber positions (not yet defined)'),
    sa.Column('allocated_at', sa.TIMESTAMP(), nullable=True, comment='When the configuration was made'),
    sa.Column('to_be_observed_at', sa.TIMESTAMP(timezone=True), nullable=True, comment='Time the configuration was planned for'),
    sa.Column('pfs_utils_version', sa.String(), nullable=True, comment='pfs_utils version that wrote the pfsConfig'),
    sa.Column('to_be_observed_at_design', sa.TIMESTAMP(timezone=True), nullable=True, comment='Planned time copied from the originating design'),
    sa.Column('pfs_utils_version_design', sa.String(), nullable=True, comment='pfs_utils version that wrote the originating design'),
    sa.Column('was_observed', sa.Boolean(), nullable=True, comment='True if the configuration was used on sky'),
    sa.Column('converg_distance_threshold', sa.REAL(), nullable=True, comment='Distance under which a fiber is judged converged (sets fiber_status), mm'),
    sa.Column('target_fallback_invalid', sa.String(), nullable=True, comment='Where cobras with an unusable target were parked'),
    sa.Column('target_fallback_unassigned', sa.String(), nullable=True, comment='Where cobras without a target were parked'),
    sa.Column('fiducial_check_skipped', sa.Boolean(), nullable=True, comment='True if the fiducial collision check was turned off'),
    sa.Column('inst_status_flag', sa.Integer(), nullable=True, comment='Instrument status bits (e.g. convergence failed)'),
    sa.ForeignKeyConstraint(['pfs_design_id'], ['pfs_design.pfs_design_id'], name=op.f('pfs_config_pfs_design_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_design_id', 'visit0', name=op.f('pfs_config_pkey')),
    sa.UniqueConstraint('visit0', name=op.f('pfs_config_visit0_key'))
    )
    op.create_table('pfs_design_agc',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design the guide star belongs to'),
    sa.Column('guide_star_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Catalog id of the guide star'),
    sa.Column('epoch', sa.String(), nullable=True, comment='Epoch of the star coordinates'),
    sa.Column('guide_star_ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Star right ascension, deg'),
    sa.Column('guide_star_dec', sa.DOUBLE_PRECISION(), nullable=True, comment='Star declination, deg'),
    sa.Column('guide_star_pm_ra', sa.REAL(), nullable=True, comment='Star proper motion in right ascension, mas/yr'),
    sa.Column('guide_star_pm_dec', sa.REAL(), nullable=True, comment='Star proper motion in declination, mas/yr'),
    sa.Column('guide_star_parallax', sa.REAL(), nullable=True, comment='Star parallax, mas'),
    sa.Column('guide_star_magnitude', sa.REAL(), nullable=True, comment='Star brightness, magnitudes'),
    sa.Column('passband', sa.String(), nullable=True, comment='Filter the magnitude is given in'),
    sa.Column('guide_star_color', sa.REAL(), nullable=True, comment='Star colour index, magnitudes'),
    sa.Column('guide_star_flag', sa.Integer(), nullable=True, comment='Quality flag from the star catalog'),
    sa.Column('agc_camera_id', sa.Integer(), nullable=True, comment='AG camera expected to see the star'),
    sa.Column('agc_target_x_pix', sa.REAL(), nullable=True, comment='Expected star position on that camera, x pixels'),
    sa.Column('agc_target_y_pix', sa.REAL(), nullable=True, comment='Expected star position on that camera, y pixels'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes'),
    sa.ForeignKeyConstraint(['pfs_design_id'], ['pfs_design.pfs_design_id'], name=op.f('pfs_design_agc_pfs_design_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_design_id', 'guide_star_id', name=op.f('pfs_design_agc_pkey'))
    )
    op.create_table('pfs_design_fiber',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design the assignment belongs to'),
    sa.Column('fiber_id', sa.Integer(), autoincrement=False, nullable=False, comment='Fiber being assigned'),
    sa.Column('target_cat_id', sa.Integer(), nullable=True, comment='Catalog the target comes from'),
    sa.Column('target_tract', sa.Integer(), nullable=True, comment='Sky tract of the target (survey tiling)'),
    sa.Column('target_patch', sa.String(), nullable=True, comment='Patch within the tract, e.g. 1,2'),
    sa.Column('target_obj_id', sa.BigInteger(), nullable=True, comment='Object id of the target in its catalog'),
    sa.Column('target_ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Target right ascension, deg'),
    sa.Column('target_dec', sa.DOUBLE_PRECISION(), nullable=True, comment='Target declination, deg'),
    sa.Column('target_pm_ra', sa.REAL(), nullable=True, comment='Target proper motion in right ascension, mas/yr'),
    sa.Column('target_pm_dec', sa.REAL(), nullable=True, comment='Target proper motion in declination, mas/yr'),
    sa.Column('target_parallax', sa.REAL(), nullable=True, comment='Target parallax, mas'),
    sa.Column('epoch', sa.String(), nullable=True, comment='Epoch of the target coordinates, e.g. J2016.0'),
    sa.Column('proposal_id', sa.String(), nullable=True, comment='Observing proposal the target belongs to'),
    sa.Column('ob_code', sa.String(), nullable=True, comment='Observation-block code of the target'),
    sa.Column('target_type', sa.Integer(), nullable=True, comment='Target kind code (science, sky, flux standard...)'),
    sa.Column('fiber_status', sa.Integer(), nullable=True, comment='Fiber health code (good, broken, blocked...)'),
    sa.Column('pfi_nominal_x_mm', sa.REAL(), nullable=True, comment='Planned fiber position along PFI x, mm'),
    sa.Column('pfi_nominal_y_mm', sa.REAL(), nullable=True, comment='Planned fiber position along PFI y, mm'),
    sa.Column('ets_priority', sa.Integer(), nullable=True, comment='Priority ETS gave the target'),
    sa.Column('ets_cost_function', sa.DOUBLE_PRECISION(), nullable=True, comment='Cost ETS computed for the assignment'),
    sa.Column('ets_cobra_motor_movement', sa.String(), nullable=True, comment='Cobra motion plan ETS produced for the fiber'),
    sa.Column('is_on_source', sa.Boolean(), nullable=True, comment='True if the fiber is meant to sit on its target'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes'),
    sa.ForeignKeyConstraint(['pfs_design_id'], ['pfs_design.pfs_design_id'], name=op.f('pfs_design_fiber_pfs_design_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_design_id', 'fiber_id', name=op.f('pfs_design_fiber_pkey'))
    )
    op.create_table('sps_camera',
    sa.Column('sps_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='Camera number, 1 to 16'),
    sa.Column('sps_camera_name', sa.String(length=2), nullable=True, comment='Arm letter plus module digit, e.g. r2'),
    sa.Column('sps_module_id', sa.Integer(), nullable=True, comment='Module the camera is mounted on'),
    sa.Column('sps_module_name', sa.String(length=3), nullable=True, comment='Name of that module, e.g. sm2'),
    sa.Column('arm', sa.String(length=1), nullable=True, comment='Arm letter: b, r, n or m'),
    sa.Column('arm_num', sa.Integer(), nullable=True, comment='Arm as a number, 1 to 4'),
    sa.ForeignKeyConstraint(['sps_module_id'], ['sps_module.sps_module_id'], name=op.f('sps_camera_sps_module_id_fkey')),
    sa.PrimaryKeyConstraint('sps_camera_id', name=op.f('sps_camera_pkey'))
    )
    op.create_table('sps_visit',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit the spectrograph exposure belongs to'),
    sa.Column('exp_type', sa.String(), nullable=True, comment='Exposure kind such as bias, dark, flat, arc, object'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('sps_visit_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', name=op.f('sps_visit_pkey'))
    )
    op.create_table('tel_status',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit the snapshot was taken in'),
    sa.Column('status_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Running number of the Gen2 status snapshot within the visit'),
    sa.Column('altitude', sa.REAL(), nullable=True, comment='Telescope elevation, degrees'),
    sa.Column('azimuth', sa.REAL(), nullable=True, comment='Telescope azimuth, degrees'),
    sa.Column('insrot', sa.REAL(), nullable=True, comment='Instrument rotator angle, degrees'),
    sa.Column('inst_pa', sa.REAL(), nullable=True, comment='Instrument position angle on the sky at start, degrees'),
    sa.Column('adc_pa', sa.REAL(), nullable=True, comment='Atmospheric dispersion corrector angle at start, degrees'),
    sa.Column('m2_pos3', sa.REAL(), nullable=True, comment='Secondary-mirror hexapod focus (z) position, mm'),
    sa.Column('m2_off3', sa.REAL(), nullable=True, comment='Focus offset applied on top of the hexapod position, mm'),
    sa.Column('tel_ra', sa.REAL(), nullable=True, comment='Right ascension the telescope points at, degrees'),
    sa.Column('tel_dec', sa.REAL(), nullable=True, comment='Declination the telescope points at, degrees'),
    sa.Column('dither_ra', sa.REAL(), nullable=True, comment='Dither offset applied in right ascension, arcsec'),
    sa.Column('dither_dec', sa.REAL(), nullable=True, comment='Dither offset applied in declination, arcsec'),
    sa.Column('dither_pa', sa.REAL(), nullable=True, comment='Dither offset applied to the position angle'),
    sa.Column('dome_shutter_status', sa.Integer(), nullable=True, comment='Dome slit state code: open, closed or unknown'),
    sa.Column('dome_light_status', sa.Integer(), nullable=True, comment='Bitmask of the dome interior lights that are on'),
    sa.Column('caller', sa.String(), nullable=True, comment='Subsystem that asked for the snapshot (mcs, agcc...)'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the snapshot was recorded'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('tel_status_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'status_sequence_id', name=op.f('tel_status_pkey'))
    )
    op.create_index(op.f('ix_tel_status_created_at'), 'tel_status', ['created_at'], unique=False)
    op.create_table('agc_data',
    sa.Column('agc_exposure_id', sa.Integer(), autoincrement=False, nullable=False, comment='Guide exposure the spot was found in'),
    sa.Column('agc_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='AG camera that saw the spot'),
    sa.Column('spot_id', sa.Integer(), autoincrement=False, nullable=False, comment='Running number of the spot within the camera image'),
    sa.Column('image_moment_00_pix', sa.REAL(), nullable=True, comment='Zeroth moment of the spot (summed counts)'),
    sa.Column('centroid_x_pix', sa.REAL(), nullable=True, comment='Spot centroid along detector x, pixels'),
    sa.Column('centroid_y_pix', sa.REAL(), nullable=True, comment='Spot centroid along detector y, pixels'),
    sa.Column('central_image_moment_11_pix', sa.REAL(), nullable=True, comment='Central second moment, cross (xy) term'),
    sa.Column('central_image_moment_20_pix', sa.REAL(), nullable=True, comment='Central second moment along x'),
    sa.Column('central_image_moment_02_pix', sa.REAL(), nullable=True, comment='Central second moment along y'),
    sa.Column('peak_pixel_x_pix', sa.Integer(), nullable=True, comment='Column of the brightest pixel of the spot'),
    sa.Column('peak_pixel_y_pix', sa.Integer(), nullable=True, comment='Row of the brightest pixel of the spot'),
    sa.Column('peak_intensity', sa.REAL(), nullable=True, comment='Value of the brightest pixel'),
    sa.Column('background', sa.REAL(), nullable=True, comment='Local background level around the spot'),
    sa.Column('estimated_magnitude', sa.REAL(), nullable=True, comment='Rough magnitude inferred from the spot flux'),
    sa.Column('flags', sa.Integer(), nullable=True, comment="Bit flags on the detection's quality"),
    sa.ForeignKeyConstraint(['agc_exposure_id'], ['agc_exposure.agc_exposure_id'], name=op.f('agc_data_agc_exposure_id_fkey')),
    sa.PrimaryKeyConstraint('agc_exposure_id', 'agc_camera_id', 'spot_id', name=op.f('agc_data_pkey'))
    )
    op.create_table('agc_guide_offset',
    sa.Column('agc_exposure_id', sa.Integer(), autoincrement=False, nullable=False, comment='Guide exposure the corrections were fitted on'),
    sa.Column('guide_ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Intended field-centre right ascension, deg'),
    sa.Column('guide_dec', sa.DOUBLE_PRECISION(), nullable=True, comment='Intended field-centre declination, deg'),
    sa.Column('guide_pa', sa.REAL(), nullable=True, comment='Intended field position angle, deg'),
    sa.Column('guide_delta_ra', sa.REAL(), nullable=True, comment='Fitted pointing error in right ascension, arcsec'),
    sa.Column('guide_delta_dec', sa.REAL(), nullable=True, comment='Fitted pointing error in declination, arcsec'),
    sa.Column('guide_delta_insrot', sa.REAL(), nullable=True, comment='Fitted rotator angle error, arcsec'),
    sa.Column('guide_delta_scale', sa.REAL(), nullable=True, comment='Fitted plate-scale error'),
    sa.Column('guide_delta_az', sa.REAL(), nullable=True, comment='Fitted azimuth error, arcsec; not always computed'),
    sa.Column('guide_delta_el', sa.REAL(), nullable=True, comment='Fitted elevation error, arcsec; not always computed'),
    sa.Column('guide_delta_z', sa.REAL(), nullable=True, comment='Overall focus error, mm'),
    sa.Column('guide_delta_z1', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 1, mm'),
    sa.Column('guide_delta_z2', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 2, mm'),
    sa.Column('guide_delta_z3', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 3, mm'),
    sa.Column('guide_delta_z4', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 4, mm'),
    sa.Column('guide_delta_z5', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 5, mm'),
    sa.Column('guide_delta_z6', sa.REAL(), nullable=True, comment='Focus error seen by AG camera 6, mm'),
    sa.Column('mask', sa.Integer(), nullable=True, comment='Bitmask of the terms that were free in the fit'),
    sa.Column('taken_at', sa.TIMESTAMP(), nullable=True, comment='When the guide frame was exposed'),
    sa.ForeignKeyConstraint(['agc_exposure_id'], ['agc_exposure.agc_exposure_id'], name=op.f('agc_guide_offset_agc_exposure_id_fkey')),
    sa.PrimaryKeyConstraint('agc_exposure_id', name=op.f('agc_guide_offset_pkey'))
    )
    op.create_table('calib_set',
    sa.Column('calib_set_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the set'),
    sa.Column('calib_flat_id', sa.Integer(), nullable=True, comment='Flat-field product of the set'),
    sa.Column('calib_bias_id', sa.Integer(), nullable=True, comment='Bias product of the set'),
    sa.Column('calib_dark_id', sa.Integer(), nullable=True, comment='Dark product of the set'),
    sa.Column('calib_arcs_id', sa.Integer(), nullable=True, comment='Arc-lamp product of the set'),
    sa.ForeignKeyConstraint(['calib_arcs_id'], ['calib.calib_id'], name=op.f('calib_set_calib_arcs_id_fkey')),
    sa.ForeignKeyConstraint(['calib_bias_id'], ['calib.calib_id'], name=op.f('calib_set_calib_bias_id_fkey')),
    sa.ForeignKeyConstraint(['calib_dark_id'], ['calib.calib_id'], name=op.f('calib_set_calib_dark_id_fkey')),
    sa.ForeignKeyConstraint(['calib_flat_id'], ['calib.calib_id'], name=op.f('calib_set_calib_flat_id_fkey')),
    sa.PrimaryKeyConstraint('calib_set_id', name=op.f('calib_set_pkey'))
    )
    op.create_table('camera_model_f3c_mcs',
    sa.Column('mcs_frame_id', sa.Integer(), autoincrement=False, nullable=False, comment='MCS frame the model was fitted on'),
    sa.Column('matrix', postgresql.ARRAY(sa.REAL()), nullable=True, comment='Camera intrinsic matrix, flattened'),
    sa.Column('distor', postgresql.ARRAY(sa.REAL()), nullable=True, comment='Lens distortion coefficients'),
    sa.Column('rot_vector', postgresql.ARRAY(sa.REAL()), nullable=True, comment='Camera rotation, as a rotation vector'),
    sa.Column('tran_vector', postgresql.ARRAY(sa.REAL()), nullable=True, comment='Camera translation vector'),
    sa.ForeignKeyConstraint(['mcs_frame_id'], ['mcs_exposure.mcs_frame_id'], name=op.f('camera_model_f3c_mcs_mcs_frame_id_fkey')),
    sa.PrimaryKeyConstraint('mcs_frame_id', name=op.f('camera_model_f3c_mcs_pkey'))
    )
    op.create_table('cobra_convergence_test',
    sa.Column('cobra_motor_model_id', sa.Integer(), autoincrement=False, nullable=False, comment='Motor model being tested'),
    sa.Column('iteration', sa.Integer(), autoincrement=False, nullable=False, comment='Iteration number of the test move'),
    sa.Column('cobra_motor_angle_target_id', sa.Integer(), autoincrement=False, nullable=False, comment='Number of the target angle tried'),
    sa.Column('cobra_motor_angle_target', sa.REAL(), nullable=True, comment='Angle the motor was asked to reach'),
    sa.Column('cobra_motor_angle_difference', sa.REAL(), nullable=True, comment='Reached minus requested angle, degrees'),
    sa.Column('signal_to_noise_ratio', sa.REAL(), nullable=True, comment='Signal-to-noise of the position measurement'),
    sa.ForeignKeyConstraint(['cobra_motor_model_id'], ['cobra_motor_model.cobra_motor_model_id'], name=op.f('cobra_convergence_test_cobra_motor_model_id_fkey')),
    sa.PrimaryKeyConstraint('cobra_motor_model_id', 'iteration', 'cobra_motor_angle_target_id', name=op.f('cobra_convergence_test_pkey'))
    )
    op.create_table('cobra_motor_map',
    sa.Column('cobra_motor_model_id', sa.Integer(), autoincrement=False, nullable=False, comment='Motor model the point belongs to'),
    sa.Column('cobra_motor_move_sequence', sa.Integer(), autoincrement=False, nullable=False, comment='Index of the point along the map'),
    sa.Column('cobra_motor_angle', sa.REAL(), nullable=True, comment='Motor angle of the point, degrees'),
    sa.Column('cobra_motor_speed', sa.REAL(), nullable=True, comment='Motor speed there, degrees per step'),
    sa.ForeignKeyConstraint(['cobra_motor_model_id'], ['cobra_motor_model.cobra_motor_model_id'], name=op.f('cobra_motor_map_cobra_motor_model_id_fkey')),
    sa.PrimaryKeyConstraint('cobra_motor_model_id', 'cobra_motor_move_sequence', name=op.f('cobra_motor_map_pkey'))
    )
    op.create_table('field_set',
    sa.Column('iic_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Sequence that observed the field'),
    sa.Column('visit0', sa.Integer(), nullable=True, comment='First visit of the configuration used, which names that pfsConfig'),
    sa.ForeignKeyConstraint(['iic_sequence_id'], ['iic_sequence.iic_sequence_id'], name=op.f('field_set_iic_sequence_id_fkey')),
    sa.ForeignKeyConstraint(['visit0'], ['pfs_config.visit0'], name=op.f('field_set_visit0_fkey')),
    sa.PrimaryKeyConstraint('iic_sequence_id', name=op.f('field_set_pkey'))
    )
    op.create_table('iic_sequence_status',
    sa.Column('iic_sequence_id', sa.Integer(), autoincrement=False, nullable=False, comment='Sequence whose outcome this is'),
    sa.Column('status_flag', sa.Integer(), nullable=True, comment='Completion code of the sequence (finished, failed...)'),
    sa.Column('cmd_output', sa.String(), nullable=True, comment='Final text the command replied with'),
    sa.Column('finished_at', sa.TIMESTAMP(), nullable=True, comment='When the sequence stopped'),
    sa.ForeignKeyConstraint(['iic_sequence_id'], ['iic_sequence.iic_sequence_id'], name=op.f('iic_sequence_status_iic_sequence_id_fkey')),
    sa.PrimaryKeyConstraint('iic_sequence_id', name=op.f('iic_sequence_status_pkey'))
    )
    op.create_table('mcs_data',
    sa.Column('mcs_frame_id', sa.Integer(), autoincrement=False, nullable=False, comment='MCS frame the spot was measured on'),
    sa.Column('spot_id', sa.Integer(), autoincrement=False, nullable=False, comment='Running number of the spot in the frame'),
    sa.Column('mcs_center_x_pix', sa.REAL(), nullable=True, comment='Spot centroid along MCS detector x, pixels'),
    sa.Column('mcs_center_y_pix', sa.REAL(), nullable=True, comment='Spot centroid along MCS detector y, pixels'),
    sa.Column('mcs_second_moment_x_pix', sa.REAL(), nullable=True, comment='Second moment of the spot along x, pixels squared'),
    sa.Column('mcs_second_moment_y_pix', sa.REAL(), nullable=True, comment='Second moment of the spot along y, pixels squared'),
    sa.Column('mcs_second_moment_xy_pix', sa.REAL(), nullable=True, comment='Cross (xy) second moment of the spot, pixels squared'),
    sa.Column('bgvalue', sa.REAL(), nullable=True, comment='Background level under the spot'),
    sa.Column('peakvalue', sa.REAL(), nullable=True, comment='Highest pixel value in the spot'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the quality of the centroid fit'),
    sa.Column('flux', sa.REAL(), nullable=True, comment='Integrated flux of the spot'),
    sa.Column('fluxerr', sa.REAL(), nullable=True, comment='Uncertainty of the integrated flux'),
    sa.ForeignKeyConstraint(['mcs_frame_id'], ['mcs_exposure.mcs_frame_id'], name=op.f('mcs_data_mcs_frame_id_fkey')),
    sa.PrimaryKeyConstraint('mcs_frame_id', 'spot_id', name=op.f('mcs_data_pkey'))
    )
    op.create_index(op.f('ix_mcs_data_mcs_frame_id'), 'mcs_data', ['mcs_frame_id'], unique=False)
    op.create_table('mcs_pfi_transformation',
    sa.Column('mcs_frame_id', sa.Integer(), autoincrement=False, nullable=False, comment='MCS frame the mapping was fitted on'),
    sa.Column('x0', sa.REAL(), nullable=True, comment='Offset of the mapping along x'),
    sa.Column('y0', sa.REAL(), nullable=True, comment='Offset of the mapping along y'),
    sa.Column('dscale', sa.REAL(), nullable=True, comment='First scale term of the mapping'),
    sa.Column('scale2', sa.REAL(), nullable=True, comment='Second scale term of the mapping'),
    sa.Column('theta', sa.REAL(), nullable=True, comment='Rotation angle of the mapping'),
    sa.Column('alpha_rot', sa.REAL(), nullable=True, comment='Weight of the squared-rotation penalty in the fit'),
    sa.Column('camera_name', sa.String(), nullable=True, comment='Camera whose transformation model was used'),
    sa.ForeignKeyConstraint(['mcs_frame_id'], ['mcs_exposure.mcs_frame_id'], name=op.f('mcs_pfi_transformation_mcs_frame_id_fkey')),
    sa.PrimaryKeyConstraint('mcs_frame_id', name=op.f('mcs_pfi_transformation_pkey'))
    )
    op.create_table('obslog_mcs_exposure_note',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the note'),
    sa.Column('user_id', sa.Integer(), nullable=True, comment='Author of the note'),
    sa.Column('mcs_exposure_frame_id', sa.Integer(), nullable=True, comment='MCS frame the note is about'),
    sa.Column('body', sa.String(), nullable=False, comment='Text of the note'),
    sa.ForeignKeyConstraint(['mcs_exposure_frame_id'], ['mcs_exposure.mcs_frame_id'], name=op.f('obslog_mcs_exposure_note_mcs_exposure_frame_id_fkey')),
    sa.ForeignKeyConstraint(['user_id'], ['obslog_user.id'], name=op.f('obslog_mcs_exposure_note_user_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('obslog_mcs_exposure_note_pkey'))
    )
    op.create_table('obslog_visit_set_note',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the note'),
    sa.Column('user_id', sa.Integer(), nullable=True, comment='Author of the note'),
    sa.Column('iic_sequence_id', sa.Integer(), nullable=True, comment='Sequence the note is about'),
    sa.Column('body', sa.String(), nullable=False, comment='Text of the note'),
    sa.ForeignKeyConstraint(['iic_sequence_id'], ['iic_sequence.iic_sequence_id'], name=op.f('obslog_visit_set_note_iic_sequence_id_fkey')),
    sa.ForeignKeyConstraint(['user_id'], ['obslog_user.id'], name=op.f('obslog_visit_set_note_user_id_fkey')),
    sa.PrimaryKeyConstraint('id', name=op.f('obslog_visit_set_note_pkey'))
    )
    op.create_table('pfs_config_agc',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design of the configuration'),
    sa.Column('visit0', sa.Integer(), autoincrement=False, nullable=False, comment='First visit of the configuration'),
    sa.Column('guide_star_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Catalog id of the guide star'),
    sa.Column('agc_camera_id', sa.Integer(), nullable=True, comment='AG camera the star falls on'),
    sa.Column('agc_final_x_pix', sa.REAL(), nullable=True, comment='Final star position on that camera, x pixels'),
    sa.Column('agc_final_y_pix', sa.REAL(), nullable=True, comment='Final star position on that camera, y pixels'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes'),
    sa.Column('guide_star_ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Star right ascension, deg'),
    sa.Column('guide_star_dec', sa.DOUBLE_PRECISION(), nullable=True, comment='Star declination, deg'),
    sa.ForeignKeyConstraint(['pfs_design_id', 'visit0'], ['pfs_config.pfs_design_id', 'pfs_config.visit0'], name=op.f('pfs_config_agc_pfs_design_id_visit0_fkey')),
    sa.PrimaryKeyConstraint('pfs_design_id', 'visit0', 'guide_star_id', name=op.f('pfs_config_agc_pkey'))
    )
    op.create_table('pfs_config_fiber',
    sa.Column('pfs_design_id', sa.BigInteger(), autoincrement=False, nullable=False, comment='Design of the configuration'),
    sa.Column('visit0', sa.Integer(), autoincrement=False, nullable=False, comment='First visit of the configuration'),
    sa.Column('fiber_id', sa.Integer(), autoincrement=False, nullable=False, comment='Fiber described'),
    sa.Column('target_ra', sa.DOUBLE_PRECISION(), nullable=True, comment='Target right ascension, deg'),
    sa.Column('target_dec', sa.DOUBLE_PRECISION(), nullable=True, comment='Target declination, deg'),
    sa.Column('fiber_status', sa.Integer(), nullable=True, comment='Result for the fiber: good, not converged, behind a black dot, unknown'),
    sa.Column('target_validation_mask', sa.Integer(), nullable=True, comment='Reasons the positioner software rejected the target (0 if accepted)'),
    sa.Column('cobra_command', sa.Integer(), nullable=True, comment='What was done with the cobra: none, converge, home, black dot, unset'),
    sa.Column('pfi_nominal_x_mm', sa.REAL(), nullable=True, comment='Planned fiber position along PFI x, mm'),
    sa.Column('pfi_nominal_y_mm', sa.REAL(), nullable=True, comment='Planned fiber position along PFI y, mm'),
    sa.Column('pfi_center_final_x_mm', sa.REAL(), nullable=True, comment='Last measured fiber position along PFI x, mm'),
    sa.Column('pfi_center_final_y_mm', sa.REAL(), nullable=True, comment='Last measured fiber position along PFI y, mm'),
    sa.Column('motor_map_summary', sa.String(), nullable=True, comment='Summary of the motor maps used for the cobra'),
    sa.Column('config_elapsed_time', sa.REAL(), nullable=True, comment='Time spent positioning the fiber, seconds'),
    sa.Column('is_on_source', sa.Boolean(), nullable=True, comment='True if the fiber ended up on its target'),
    sa.Column('comments', sa.String(), nullable=True, comment='Free-text notes'),
    sa.ForeignKeyConstraint(['pfs_design_id', 'visit0'], ['pfs_config.pfs_design_id', 'pfs_config.visit0'], name=op.f('pfs_config_fiber_pfs_design_id_visit0_fkey')),
    sa.PrimaryKeyConstraint('pfs_design_id', 'visit0', 'fiber_id', name=op.f('pfs_config_fiber_pkey'))
    )
    op.create_table('pfs_config_sps',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit observed with the configuration'),
    sa.Column('visit0', sa.Integer(), autoincrement=False, nullable=False, comment='First visit of the configuration used'),
    sa.Column('cam_mask', sa.Integer(), nullable=True, comment='Bitmask of the spectrograph cameras that exposed'),
    sa.Column('inst_status_flag', sa.Integer(), nullable=True, comment='Instrument status bits for this visit'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('pfs_config_sps_pfs_visit_id_fkey')),
    sa.ForeignKeyConstraint(['visit0'], ['pfs_config.visit0'], name=op.f('pfs_config_sps_visit0_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'visit0', name=op.f('pfs_config_sps_pkey'))
    )
    op.create_table('sps_exposure',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Spectrograph visit the frame was read out for'),
    sa.Column('sps_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='Camera that took the frame'),
    sa.Column('exptime', sa.REAL(), nullable=True, comment='Shutter-open time of the frame, seconds'),
    sa.Column('time_exp_start', sa.TIMESTAMP(), nullable=True, comment='When integration began'),
    sa.Column('time_exp_end', sa.TIMESTAMP(), nullable=True, comment='When integration ended'),
    sa.Column('beam_config_date', sa.DOUBLE_PRECISION(), nullable=True, comment='MJD of the last change of the spectrograph beam configuration'),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['sps_visit.pfs_visit_id'], name=op.f('sps_exposure_pfs_visit_id_fkey')),
    sa.ForeignKeyConstraint(['sps_camera_id'], ['sps_camera.sps_camera_id'], name=op.f('sps_exposure_sps_camera_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'sps_camera_id', name=op.f('sps_exposure_pkey'))
    )
    op.create_table('visit_set',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit taken as part of the sequence'),
    sa.Column('iic_sequence_id', sa.Integer(), nullable=True, comment='Sequence the visit was taken in'),
    sa.ForeignKeyConstraint(['iic_sequence_id'], ['iic_sequence.iic_sequence_id'], name=op.f('visit_set_iic_sequence_id_fkey')),
    sa.ForeignKeyConstraint(['pfs_visit_id'], ['pfs_visit.pfs_visit_id'], name=op.f('visit_set_pfs_visit_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', name=op.f('visit_set_pkey'))
    )
    op.create_table('agc_match',
    sa.Column('agc_exposure_id', sa.Integer(), autoincrement=False, nullable=False, comment='Guide exposure of the matched spot'),
    sa.Column('agc_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='AG camera of the matched spot'),
    sa.Column('spot_id', sa.Integer(), autoincrement=False, nullable=False, comment='Spot number within that camera image'),
    sa.Column('pfs_design_id', sa.BigInteger(), nullable=True, comment='Design the matched guide star comes from'),
    sa.Column('guide_star_id', sa.BigInteger(), nullable=True, comment='Catalog id of the guide star matched to the spot'),
    sa.Column('agc_nominal_x_mm', sa.REAL(), nullable=True, comment='Expected x of the star from the design, PFI mm'),
    sa.Column('agc_nominal_y_mm', sa.REAL(), nullable=True, comment='Expected y of the star from the design, PFI mm'),
    sa.Column('agc_center_x_mm', sa.REAL(), nullable=True, comment='Measured x of the spot mapped onto the PFI, mm'),
    sa.Column('agc_center_y_mm', sa.REAL(), nullable=True, comment='Measured y of the spot mapped onto the PFI, mm'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the match'),
    sa.ForeignKeyConstraint(['agc_exposure_id', 'agc_camera_id', 'spot_id'], ['agc_data.agc_exposure_id', 'agc_data.agc_camera_id', 'agc_data.spot_id'], name=op.f('agc_match_agc_exposure_id_agc_camera_id_spot_id_fkey')),
    sa.PrimaryKeyConstraint('agc_exposure_id', 'agc_camera_id', 'spot_id', name=op.f('agc_match_pkey'))
    )
    op.create_table('cobra_match',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit in which the cobras were converged'),
    sa.Column('iteration', sa.Integer(), autoincrement=False, nullable=False, comment='Iteration number within the convergence'),
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra that was measured'),
    sa.Column('mcs_frame_id', sa.Integer(), nullable=True, comment='MCS frame of this iteration'),
    sa.Column('spot_id', sa.Integer(), nullable=True, comment='Spot of that frame identified with the cobra'),
    sa.Column('pfi_center_x_mm', sa.REAL(), nullable=True, comment='Measured fiber position along PFI x, mm'),
    sa.Column('pfi_center_y_mm', sa.REAL(), nullable=True, comment='Measured fiber position along PFI y, mm'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the match (unmatched, collided...)'),
    sa.ForeignKeyConstraint(['mcs_frame_id', 'spot_id'], ['mcs_data.mcs_frame_id', 'mcs_data.spot_id'], name=op.f('cobra_match_mcs_frame_id_spot_id_fkey')),
    sa.ForeignKeyConstraint(['pfs_visit_id', 'iteration', 'cobra_id'], ['cobra_target.pfs_visit_id', 'cobra_target.iteration', 'cobra_target.cobra_id'], name=op.f('cobra_match_pfs_visit_id_iteration_cobra_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'iteration', 'cobra_id', name=op.f('cobra_match_pkey'))
    )
    op.create_table('fiducial_fiber_match',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit in which the frame was taken'),
    sa.Column('iteration', sa.Integer(), autoincrement=False, nullable=False, comment='Iteration number within the convergence'),
    sa.Column('fiducial_fiber_id', sa.Integer(), autoincrement=False, nullable=False, comment='Fiducial fiber that was identified'),
    sa.Column('mcs_frame_id', sa.Integer(), nullable=True, comment='MCS frame of this iteration'),
    sa.Column('spot_id', sa.Integer(), nullable=True, comment='Spot of that frame identified with the fiducial'),
    sa.Column('pfi_center_x_mm', sa.REAL(), nullable=True, comment='Measured fiducial position along PFI x, mm'),
    sa.Column('pfi_center_y_mm', sa.REAL(), nullable=True, comment='Measured fiducial position along PFI y, mm'),
    sa.Column('fiducial_tweaked_x_mm', sa.REAL(), nullable=True, comment='Expected fiducial x once converged, PFI mm'),
    sa.Column('fiducial_tweaked_y_mm', sa.REAL(), nullable=True, comment='Expected fiducial y once converged, PFI mm'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the match'),
    sa.Column('match_mask', sa.Integer(), nullable=True, comment='Which fits used the fiducial: 1 outer ring, 2 first pass, 4 final pass'),
    sa.ForeignKeyConstraint(['mcs_frame_id', 'spot_id'], ['mcs_data.mcs_frame_id', 'mcs_data.spot_id'], name=op.f('fiducial_fiber_match_mcs_frame_id_spot_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'iteration', 'fiducial_fiber_id', name=op.f('fiducial_fiber_match_pkey'))
    )
    op.create_table('sps_annotation',
    sa.Column('annotation_id', sa.Integer(), autoincrement=True, nullable=False, comment='Serial number of the annotation'),
    sa.Column('pfs_visit_id', sa.Integer(), nullable=True, comment='Visit of the annotated frame'),
    sa.Column('sps_camera_id', sa.Integer(), nullable=True, comment='Camera of the annotated frame'),
    sa.Column('data_flag', sa.Integer(), nullable=True, comment='Quality verdict code for the frame'),
    sa.Column('notes', sa.String(), nullable=True, comment='Free-text remark about the frame'),
    sa.Column('created_at', sa.TIMESTAMP(), nullable=True, comment='When the note was written'),
    sa.ForeignKeyConstraint(['pfs_visit_id', 'sps_camera_id'], ['sps_exposure.pfs_visit_id', 'sps_exposure.sps_camera_id'], name=op.f('sps_annotation_pfs_visit_id_sps_camera_id_fkey')),
    sa.PrimaryKeyConstraint('annotation_id', name=op.f('sps_annotation_pkey'))
    )
    op.create_table('sps_condition',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit of the measured frame'),
    sa.Column('sps_camera_id', sa.Integer(), autoincrement=False, nullable=False, comment='Camera of the measured frame'),
    sa.Column('background', sa.REAL(), nullable=True, comment='Measured background level of the frame'),
    sa.Column('throughput', sa.REAL(), nullable=True, comment='Estimated end-to-end system throughput'),
    sa.ForeignKeyConstraint(['pfs_visit_id', 'sps_camera_id'], ['sps_exposure.pfs_visit_id', 'sps_exposure.sps_camera_id'], name=op.f('sps_condition_pfs_visit_id_sps_camera_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'sps_camera_id', name=op.f('sps_condition_pkey'))
    )
    op.create_table('cobra_move',
    sa.Column('pfs_visit_id', sa.Integer(), autoincrement=False, nullable=False, comment='Visit in which the cobras were converged'),
    sa.Column('iteration', sa.Integer(), autoincrement=False, nullable=False, comment='Iteration number within the convergence'),
    sa.Column('cobra_id', sa.Integer(), autoincrement=False, nullable=False, comment='Cobra that was moved'),
    sa.Column('cobra_motor_model_id_theta', sa.Integer(), nullable=True, comment='Theta motor model used to plan the move'),
    sa.Column('motor_target_theta', sa.REAL(), nullable=True, comment='Angle the theta motor was sent to'),
    sa.Column('motor_num_step_theta', sa.Integer(), nullable=True, comment='Steps the theta motor made'),
    sa.Column('motor_on_time_theta', sa.REAL(), nullable=True, comment='Pulse on-time used for the theta motor'),
    sa.Column('cobra_motor_model_id_phi', sa.Integer(), nullable=True, comment='Phi motor model used to plan the move'),
    sa.Column('motor_target_phi', sa.REAL(), nullable=True, comment='Angle the phi motor was sent to'),
    sa.Column('motor_num_step_phi', sa.Integer(), nullable=True, comment='Steps the phi motor made'),
    sa.Column('motor_on_time_phi', sa.REAL(), nullable=True, comment='Pulse on-time used for the phi motor'),
    sa.Column('flags', sa.Integer(), nullable=True, comment='Bit flags on the move'),
    sa.ForeignKeyConstraint(['pfs_visit_id', 'iteration', 'cobra_id'], ['cobra_match.pfs_visit_id', 'cobra_match.iteration', 'cobra_match.cobra_id'], name=op.f('cobra_move_pfs_visit_id_iteration_cobra_id_fkey')),
    sa.PrimaryKeyConstraint('pfs_visit_id', 'iteration', 'cobra_id', name=op.f('cobra_move_pkey'))
    )


def downgrade() -> None:
    op.drop_table('cobra_move')
    op.drop_table('sps_condition')
    op.drop_table('sps_annotation')
    op.drop_table('fiducial_fiber_match')
    op.drop_table('cobra_match')
    op.drop_table('agc_match')
    op.drop_table('visit_set')
    op.drop_table('sps_exposure')
    op.drop_table('pfs_config_sps')
    op.drop_table('pfs_config_fiber')
    op.drop_table('pfs_config_agc')
    op.drop_table('obslog_visit_set_note')
    op.drop_table('obslog_mcs_exposure_note')
    op.drop_table('mcs_pfi_transformation')
    op.drop_index(op.f('ix_mcs_data_mcs_frame_id'), table_name='mcs_data')
    op.drop_table('mcs_data')
    op.drop_table('iic_sequence_status')
    op.drop_table('field_set')
    op.drop_table('cobra_motor_map')
    op.drop_table('cobra_convergence_test')
    op.drop_table('camera_model_f3c_mcs')
    op.drop_table('calib_set')
    op.drop_table('agc_guide_offset')
    op.drop_table('agc_data')
    op.drop_index(op.f('ix_tel_status_created_at'), table_name='tel_status')
    op.drop_table('tel_status')
    op.drop_table('sps_visit')
    op.drop_table('sps_camera')
    op.drop_table('pfs_design_fiber')
    op.drop_table('pfs_design_agc')
    op.drop_table('pfs_config')
    op.drop_table('obslog_visit_note')
    op.drop_index(op.f('ix_obslog_fits_header_pfs_visit_id'), table_name='obslog_fits_header')
    op.drop_table('obslog_fits_header')
    op.drop_index(op.f('ix_obs_condition_created_at'), table_name='obs_condition')
    op.drop_table('obs_condition')
    op.drop_index(op.f('ix_mcs_exposure_mcs_frame_id'), table_name='mcs_exposure')
    op.drop_table('mcs_exposure')
    op.drop_table('mcs_boresight')
    op.drop_table('iic_sequence')
    op.drop_table('guide_stars')
    op.drop_table('fiducial_fiber_geometry')
    op.drop_index(op.f('ix_env_condition_created_at'), table_name='env_condition')
    op.drop_table('env_condition')
    op.drop_table('dot_roach_flux')
    op.drop_table('cobra_target')
    op.drop_index(op.f('ix_cobra_motor_model_cobra_motor_direction_id'), table_name='cobra_motor_model')
    op.drop_index(op.f('ix_cobra_motor_model_cobra_motor_calib_id'), table_name='cobra_motor_model')
    op.drop_index(op.f('ix_cobra_motor_model_cobra_motor_axis_id'), table_name='cobra_motor_model')
    op.drop_index(op.f('ix_cobra_motor_model_cobra_id'), table_name='cobra_motor_model')
    op.drop_table('cobra_motor_model')
    op.drop_table('cobra_geometry')
    op.drop_table('calib')
    op.drop_table('agc_exposure')
    op.drop_table('sps_sequence')
    op.drop_table('sps_module')
    op.drop_table('sequence_group')
    op.drop_table('pfs_visit')
    op.drop_table('pfs_design')
    op.drop_table('obslog_user')
    op.drop_table('mcs_camera')
    op.drop_table('input_catalog')
    op.drop_table('fiducial_fiber_calib')
    op.drop_table('fiducial_fiber')
    op.drop_table('cobra_motor_direction')
    op.drop_table('cobra_motor_calib')
    op.drop_table('cobra_motor_axis')
    op.drop_table('cobra_geometry_calib')
    op.drop_table('cobra')
    op.drop_table('cloud_condition')
    op.drop_table('beam_switch_mode')
