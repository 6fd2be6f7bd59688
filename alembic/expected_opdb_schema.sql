--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: agc_data; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agc_data (
    agc_exposure_id integer NOT NULL,
    agc_camera_id integer NOT NULL,
    spot_id integer NOT NULL,
    image_moment_00_pix real,
    centroid_x_pix real,
    centroid_y_pix real,
    central_image_moment_11_pix real,
    central_image_moment_20_pix real,
    central_image_moment_02_pix real,
    peak_pixel_x_pix integer,
    peak_pixel_y_pix integer,
    peak_intensity real,
    background real,
    estimated_magnitude real,
    flags integer
);

--
-- Name: COLUMN agc_data.agc_exposure_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.agc_exposure_id IS 'Guide exposure the spot was found in';

--
-- Name: COLUMN agc_data.agc_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.agc_camera_id IS 'AG camera that saw the spot';

--
-- Name: COLUMN agc_data.spot_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.spot_id IS 'Running number of the spot within the camera image';

--
-- Name: COLUMN agc_data.image_moment_00_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.image_moment_00_pix IS 'Zeroth moment of the spot (summed counts)';

--
-- Name: COLUMN agc_data.centroid_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.centroid_x_pix IS 'Spot centroid along detector x, pixels';

--
-- Name: COLUMN agc_data.centroid_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.centroid_y_pix IS 'Spot centroid along detector y, pixels';

--
-- Name: COLUMN agc_data.central_image_moment_11_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.central_image_moment_11_pix IS 'Central second moment, cross (xy) term';

--
-- Name: COLUMN agc_data.central_image_moment_20_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.central_image_moment_20_pix IS 'Central second moment along x';

--
-- Name: COLUMN agc_data.central_image_moment_02_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.central_image_moment_02_pix IS 'Central second moment along y';

--
-- Name: COLUMN agc_data.peak_pixel_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.peak_pixel_x_pix IS 'Column of the brightest pixel of the spot';

--
-- Name: COLUMN agc_data.peak_pixel_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.peak_pixel_y_pix IS 'Row of the brightest pixel of the spot';

--
-- Name: COLUMN agc_data.peak_intensity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.peak_intensity IS 'Value of the brightest pixel';

--
-- Name: COLUMN agc_data.background; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.background IS 'Local background level around the spot';

--
-- Name: COLUMN agc_data.estimated_magnitude; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.estimated_magnitude IS 'Rough magnitude inferred from the spot flux';

--
-- Name: COLUMN agc_data.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_data.flags IS 'Bit flags on the detection''s quality';

--
-- Name: agc_exposure; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agc_exposure (
    agc_exposure_id integer NOT NULL,
    pfs_visit_id integer,
    agc_exptime real,
    altitude real,
    azimuth real,
    insrot real,
    adc_pa real,
    m2_pos3 real,
    outside_temperature real,
    outside_pressure real,
    outside_humidity real,
    measurement_algorithm character varying,
    version_actor character varying,
    version_instdata character varying,
    taken_at timestamp without time zone
);

--
-- Name: COLUMN agc_exposure.agc_exposure_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.agc_exposure_id IS 'Auto-guider exposure number';

--
-- Name: COLUMN agc_exposure.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.pfs_visit_id IS 'Visit during which the guide frame was taken';

--
-- Name: COLUMN agc_exposure.agc_exptime; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.agc_exptime IS 'Integration time of the guide frame, seconds';

--
-- Name: COLUMN agc_exposure.altitude; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.altitude IS 'Telescope elevation at the time of the frame, degrees';

--
-- Name: COLUMN agc_exposure.azimuth; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.azimuth IS 'Telescope azimuth at the time of the frame, degrees';

--
-- Name: COLUMN agc_exposure.insrot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.insrot IS 'Instrument rotator angle, degrees';

--
-- Name: COLUMN agc_exposure.adc_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.adc_pa IS 'Atmospheric dispersion corrector angle when the frame began, degrees';

--
-- Name: COLUMN agc_exposure.m2_pos3; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.m2_pos3 IS 'Secondary-mirror hexapod focus (z) position, mm';

--
-- Name: COLUMN agc_exposure.outside_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.outside_temperature IS 'Air temperature outside the dome, kelvin';

--
-- Name: COLUMN agc_exposure.outside_pressure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.outside_pressure IS 'Air pressure outside the dome, hPa';

--
-- Name: COLUMN agc_exposure.outside_humidity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.outside_humidity IS 'Relative humidity outside the dome, percent';

--
-- Name: COLUMN agc_exposure.measurement_algorithm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.measurement_algorithm IS 'Spot-finding method used (windowed or sep)';

--
-- Name: COLUMN agc_exposure.version_actor; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.version_actor IS 'Software version of the AG actor';

--
-- Name: COLUMN agc_exposure.version_instdata; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.version_instdata IS 'Version of the pfs_instdata configuration in use';

--
-- Name: COLUMN agc_exposure.taken_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_exposure.taken_at IS 'When the guide frame was exposed';

--
-- Name: agc_guide_offset; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agc_guide_offset (
    agc_exposure_id integer NOT NULL,
    guide_ra double precision,
    guide_dec double precision,
    guide_pa real,
    guide_delta_ra real,
    guide_delta_dec real,
    guide_delta_insrot real,
    guide_delta_scale real,
    guide_delta_az real,
    guide_delta_el real,
    guide_delta_z real,
    guide_delta_z1 real,
    guide_delta_z2 real,
    guide_delta_z3 real,
    guide_delta_z4 real,
    guide_delta_z5 real,
    guide_delta_z6 real,
    mask integer,
    taken_at timestamp without time zone
);

--
-- Name: COLUMN agc_guide_offset.agc_exposure_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.agc_exposure_id IS 'Guide exposure the corrections were fitted on';

--
-- Name: COLUMN agc_guide_offset.guide_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_ra IS 'Intended field-centre right ascension, deg';

--
-- Name: COLUMN agc_guide_offset.guide_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_dec IS 'Intended field-centre declination, deg';

--
-- Name: COLUMN agc_guide_offset.guide_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_pa IS 'Intended field position angle, deg';

--
-- Name: COLUMN agc_guide_offset.guide_delta_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_ra IS 'Fitted pointing error in right ascension, arcsec';

--
-- Name: COLUMN agc_guide_offset.guide_delta_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_dec IS 'Fitted pointing error in declination, arcsec';

--
-- Name: COLUMN agc_guide_offset.guide_delta_insrot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_insrot IS 'Fitted rotator angle error, arcsec';

--
-- Name: COLUMN agc_guide_offset.guide_delta_scale; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_scale IS 'Fitted plate-scale error';

--
-- Name: COLUMN agc_guide_offset.guide_delta_az; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_az IS 'Fitted azimuth error, arcsec; not always computed';

--
-- Name: COLUMN agc_guide_offset.guide_delta_el; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_el IS 'Fitted elevation error, arcsec; not always computed';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z IS 'Overall focus error, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z1; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z1 IS 'Focus error seen by AG camera 1, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z2; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z2 IS 'Focus error seen by AG camera 2, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z3; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z3 IS 'Focus error seen by AG camera 3, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z4; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z4 IS 'Focus error seen by AG camera 4, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z5; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z5 IS 'Focus error seen by AG camera 5, mm';

--
-- Name: COLUMN agc_guide_offset.guide_delta_z6; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.guide_delta_z6 IS 'Focus error seen by AG camera 6, mm';

--
-- Name: COLUMN agc_guide_offset.mask; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.mask IS 'Bitmask of the terms that were free in the fit';

--
-- Name: COLUMN agc_guide_offset.taken_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_guide_offset.taken_at IS 'When the guide frame was exposed';

--
-- Name: agc_match; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agc_match (
    agc_exposure_id integer NOT NULL,
    agc_camera_id integer NOT NULL,
    spot_id integer NOT NULL,
    pfs_design_id bigint,
    guide_star_id bigint,
    agc_nominal_x_mm real,
    agc_nominal_y_mm real,
    agc_center_x_mm real,
    agc_center_y_mm real,
    flags integer
);

--
-- Name: COLUMN agc_match.agc_exposure_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_exposure_id IS 'Guide exposure of the matched spot';

--
-- Name: COLUMN agc_match.agc_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_camera_id IS 'AG camera of the matched spot';

--
-- Name: COLUMN agc_match.spot_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.spot_id IS 'Spot number within that camera image';

--
-- Name: COLUMN agc_match.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.pfs_design_id IS 'Design the matched guide star comes from';

--
-- Name: COLUMN agc_match.guide_star_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.guide_star_id IS 'Catalog id of the guide star matched to the spot';

--
-- Name: COLUMN agc_match.agc_nominal_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_nominal_x_mm IS 'Expected x of the star from the design, PFI mm';

--
-- Name: COLUMN agc_match.agc_nominal_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_nominal_y_mm IS 'Expected y of the star from the design, PFI mm';

--
-- Name: COLUMN agc_match.agc_center_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_center_x_mm IS 'Measured x of the spot mapped onto the PFI, mm';

--
-- Name: COLUMN agc_match.agc_center_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.agc_center_y_mm IS 'Measured y of the spot mapped onto the PFI, mm';

--
-- Name: COLUMN agc_match.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.agc_match.flags IS 'Bit flags on the match';

--
-- Name: beam_switch_mode; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.beam_switch_mode (
    beam_switch_mode_id integer NOT NULL,
    beam_switch_mode_name character varying,
    beam_switch_mode_description character varying
);

--
-- Name: COLUMN beam_switch_mode.beam_switch_mode_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.beam_switch_mode.beam_switch_mode_id IS 'Code of the beam-switching mode';

--
-- Name: COLUMN beam_switch_mode.beam_switch_mode_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.beam_switch_mode.beam_switch_mode_name IS 'Short name of the mode';

--
-- Name: COLUMN beam_switch_mode.beam_switch_mode_description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.beam_switch_mode.beam_switch_mode_description IS 'What the mode does';

--
-- Name: calib; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.calib (
    calib_id bigint NOT NULL,
    calib_type character varying,
    sps_frames_to_use character varying,
    pfs_design_id bigint,
    calib_date timestamp without time zone
);

--
-- Name: COLUMN calib.calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib.calib_id IS 'Serial number of the calibration product';

--
-- Name: COLUMN calib.calib_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib.calib_type IS 'Kind of product: bias, dark, flat, arc...';

--
-- Name: COLUMN calib.sps_frames_to_use; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib.sps_frames_to_use IS 'Spectrograph frames combined into the product';

--
-- Name: COLUMN calib.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib.pfs_design_id IS 'Fiber design the input frames were taken with';

--
-- Name: COLUMN calib.calib_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib.calib_date IS 'Date the product is valid for';

--
-- Name: calib_calib_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.calib_calib_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: calib_calib_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.calib_calib_id_seq OWNED BY public.calib.calib_id;

--
-- Name: calib_set; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.calib_set (
    calib_set_id integer NOT NULL,
    calib_flat_id integer,
    calib_bias_id integer,
    calib_dark_id integer,
    calib_arcs_id integer
);

--
-- Name: COLUMN calib_set.calib_set_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib_set.calib_set_id IS 'Serial number of the set';

--
-- Name: COLUMN calib_set.calib_flat_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib_set.calib_flat_id IS 'Flat-field product of the set';

--
-- Name: COLUMN calib_set.calib_bias_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib_set.calib_bias_id IS 'Bias product of the set';

--
-- Name: COLUMN calib_set.calib_dark_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib_set.calib_dark_id IS 'Dark product of the set';

--
-- Name: COLUMN calib_set.calib_arcs_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.calib_set.calib_arcs_id IS 'Arc-lamp product of the set';

--
-- Name: calib_set_calib_set_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.calib_set_calib_set_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: calib_set_calib_set_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.calib_set_calib_set_id_seq OWNED BY public.calib_set.calib_set_id;

--
-- Name: camera_model_f3c_mcs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.camera_model_f3c_mcs (
    mcs_frame_id integer NOT NULL,
    matrix real[],
    distor real[],
    rot_vector real[],
    tran_vector real[]
);

--
-- Name: COLUMN camera_model_f3c_mcs.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.camera_model_f3c_mcs.mcs_frame_id IS 'MCS frame the model was fitted on';

--
-- Name: COLUMN camera_model_f3c_mcs.matrix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.camera_model_f3c_mcs.matrix IS 'Camera intrinsic matrix, flattened';

--
-- Name: COLUMN camera_model_f3c_mcs.distor; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.camera_model_f3c_mcs.distor IS 'Lens distortion coefficients';

--
-- Name: COLUMN camera_model_f3c_mcs.rot_vector; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.camera_model_f3c_mcs.rot_vector IS 'Camera rotation, as a rotation vector';

--
-- Name: COLUMN camera_model_f3c_mcs.tran_vector; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.camera_model_f3c_mcs.tran_vector IS 'Camera translation vector';

--
-- Name: cloud_condition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cloud_condition (
    cloud_condition_id integer NOT NULL,
    cloud_condition_name character varying,
    cloud_condition_description character varying,
    created_at timestamp without time zone,
    updated_at timestamp without time zone
);

--
-- Name: COLUMN cloud_condition.cloud_condition_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloud_condition.cloud_condition_id IS 'Code of the cloud-cover category';

--
-- Name: COLUMN cloud_condition.cloud_condition_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloud_condition.cloud_condition_name IS 'Short name of the category (e.g. clear, thin)';

--
-- Name: COLUMN cloud_condition.cloud_condition_description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloud_condition.cloud_condition_description IS 'What the category means';

--
-- Name: COLUMN cloud_condition.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloud_condition.created_at IS 'When the entry was added';

--
-- Name: COLUMN cloud_condition.updated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cloud_condition.updated_at IS 'When the entry last changed';

--
-- Name: cobra; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra (
    cobra_id integer NOT NULL,
    field_on_pfi integer,
    cobra_in_field integer,
    cobra_module_id integer,
    module_in_field integer,
    cobra_in_module integer,
    cobra_in_board integer,
    cobra_board_id integer,
    mtp character varying(3),
    sps_module_id integer,
    sps_slit_hole integer,
    science_fiber_id integer,
    fiber_id integer,
    sunss_id character varying(4),
    mtp_a_id character varying,
    mtp_c_id character varying,
    mtp_ba_id character varying,
    mtp_bc_id character varying,
    version character varying,
    created_at timestamp without time zone,
    updated_at timestamp without time zone
);

--
-- Name: COLUMN cobra.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_id IS 'Cobra number, 1 to 2394; one per science fiber';

--
-- Name: COLUMN cobra.field_on_pfi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.field_on_pfi IS 'Which of the three PFI sectors holds the cobra';

--
-- Name: COLUMN cobra.cobra_in_field; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_in_field IS 'Position of the cobra inside its sector, 1 to 798';

--
-- Name: COLUMN cobra.cobra_module_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_module_id IS 'Cobra module number, 1 to 42';

--
-- Name: COLUMN cobra.module_in_field; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.module_in_field IS 'Module position in its sector, 1 to 14, counted from the PFI centre';

--
-- Name: COLUMN cobra.cobra_in_module; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_in_module IS 'Position of the cobra inside its module, 1 to 57';

--
-- Name: COLUMN cobra.cobra_in_board; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_in_board IS 'Position of the cobra on its electronics board (28 or 29 per board)';

--
-- Name: COLUMN cobra.cobra_board_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.cobra_board_id IS 'Electronics board number, 1 to 84 (two per module)';

--
-- Name: COLUMN cobra.mtp; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.mtp IS 'MTP ferrule label of the module half, e.g. 13B';

--
-- Name: COLUMN cobra.sps_module_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.sps_module_id IS 'Spectrograph module the fiber feeds, 1 to 4';

--
-- Name: COLUMN cobra.sps_slit_hole; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.sps_slit_hole IS 'Hole of the slit head the fiber ends in, 1 to 651';

--
-- Name: COLUMN cobra.science_fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.science_fiber_id IS 'Science fiber number, 1 to 2394';

--
-- Name: COLUMN cobra.fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.fiber_id IS 'Fiber number over all slit fibers (science and engineering), 1 to 2604';

--
-- Name: COLUMN cobra.sunss_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.sunss_id IS 'SuNSS fiber label: number plus i (imaging) or d (diffuse)';

--
-- Name: COLUMN cobra.mtp_a_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.mtp_a_id IS 'Hole used in the MTP-A connector';

--
-- Name: COLUMN cobra.mtp_c_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.mtp_c_id IS 'Hole used in the MTP-C connector';

--
-- Name: COLUMN cobra.mtp_ba_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.mtp_ba_id IS 'Hole used in the MTP-BA connector';

--
-- Name: COLUMN cobra.mtp_bc_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.mtp_bc_id IS 'Hole used in the MTP-BC connector';

--
-- Name: COLUMN cobra.version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.version IS 'Version of the fiber-mapping data this row comes from';

--
-- Name: COLUMN cobra.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.created_at IS 'When the row was first written';

--
-- Name: COLUMN cobra.updated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra.updated_at IS 'When the row last changed';

--
-- Name: cobra_convergence_test; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_convergence_test (
    cobra_motor_model_id integer NOT NULL,
    iteration integer NOT NULL,
    cobra_motor_angle_target_id integer NOT NULL,
    cobra_motor_angle_target real,
    cobra_motor_angle_difference real,
    signal_to_noise_ratio real
);

--
-- Name: COLUMN cobra_convergence_test.cobra_motor_model_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.cobra_motor_model_id IS 'Motor model being tested';

--
-- Name: COLUMN cobra_convergence_test.iteration; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.iteration IS 'Iteration number of the test move';

--
-- Name: COLUMN cobra_convergence_test.cobra_motor_angle_target_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.cobra_motor_angle_target_id IS 'Number of the target angle tried';

--
-- Name: COLUMN cobra_convergence_test.cobra_motor_angle_target; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.cobra_motor_angle_target IS 'Angle the motor was asked to reach';

--
-- Name: COLUMN cobra_convergence_test.cobra_motor_angle_difference; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.cobra_motor_angle_difference IS 'Reached minus requested angle, degrees';

--
-- Name: COLUMN cobra_convergence_test.signal_to_noise_ratio; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_convergence_test.signal_to_noise_ratio IS 'Signal-to-noise of the position measurement';

--
-- Name: cobra_geometry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_geometry (
    cobra_geometry_calib_id integer NOT NULL,
    cobra_id integer NOT NULL,
    center_x_mm real,
    center_y_mm real,
    motor_theta_limit0 real,
    motor_theta_limit1 real,
    motor_theta_length_mm real,
    motor_phi_limit_in real,
    motor_phi_limit_out real,
    motor_phi_length_mm real,
    status integer
);

--
-- Name: COLUMN cobra_geometry.cobra_geometry_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.cobra_geometry_calib_id IS 'Calibration run these values come from';

--
-- Name: COLUMN cobra_geometry.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.cobra_id IS 'Cobra described';

--
-- Name: COLUMN cobra_geometry.center_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.center_x_mm IS 'Theta-axis centre along PFI x, mm';

--
-- Name: COLUMN cobra_geometry.center_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.center_y_mm IS 'Theta-axis centre along PFI y, mm';

--
-- Name: COLUMN cobra_geometry.motor_theta_limit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_theta_limit0 IS 'First hard stop of the theta stage';

--
-- Name: COLUMN cobra_geometry.motor_theta_limit1; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_theta_limit1 IS 'Second hard stop of the theta stage';

--
-- Name: COLUMN cobra_geometry.motor_theta_length_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_theta_length_mm IS 'Length of the theta arm, mm';

--
-- Name: COLUMN cobra_geometry.motor_phi_limit_in; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_phi_limit_in IS 'Inner hard stop of the phi stage';

--
-- Name: COLUMN cobra_geometry.motor_phi_limit_out; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_phi_limit_out IS 'Outer hard stop of the phi stage';

--
-- Name: COLUMN cobra_geometry.motor_phi_length_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.motor_phi_length_mm IS 'Length of the phi arm, mm';

--
-- Name: COLUMN cobra_geometry.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry.status IS 'Health bits: 1 ok, 2 not visible, 4 theta broken, 8 phi broken';

--
-- Name: cobra_geometry_calib; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_geometry_calib (
    cobra_geometry_calib_id integer NOT NULL,
    calibrated_at timestamp without time zone,
    comments character varying
);

--
-- Name: COLUMN cobra_geometry_calib.cobra_geometry_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry_calib.cobra_geometry_calib_id IS 'Serial number of the geometry calibration run';

--
-- Name: COLUMN cobra_geometry_calib.calibrated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry_calib.calibrated_at IS 'When the run was made';

--
-- Name: COLUMN cobra_geometry_calib.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_geometry_calib.comments IS 'Free-text notes on the run';

--
-- Name: cobra_geometry_calib_cobra_geometry_calib_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.cobra_geometry_calib_cobra_geometry_calib_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: cobra_geometry_calib_cobra_geometry_calib_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.cobra_geometry_calib_cobra_geometry_calib_id_seq OWNED BY public.cobra_geometry_calib.cobra_geometry_calib_id;

--
-- Name: cobra_match; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_match (
    pfs_visit_id integer NOT NULL,
    iteration integer NOT NULL,
    cobra_id integer NOT NULL,
    mcs_frame_id integer,
    spot_id integer,
    pfi_center_x_mm real,
    pfi_center_y_mm real,
    flags integer
);

--
-- Name: COLUMN cobra_match.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.pfs_visit_id IS 'Visit in which the cobras were converged';

--
-- Name: COLUMN cobra_match.iteration; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.iteration IS 'Iteration number within the convergence';

--
-- Name: COLUMN cobra_match.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.cobra_id IS 'Cobra that was measured';

--
-- Name: COLUMN cobra_match.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.mcs_frame_id IS 'MCS frame of this iteration';

--
-- Name: COLUMN cobra_match.spot_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.spot_id IS 'Spot of that frame identified with the cobra';

--
-- Name: COLUMN cobra_match.pfi_center_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.pfi_center_x_mm IS 'Measured fiber position along PFI x, mm';

--
-- Name: COLUMN cobra_match.pfi_center_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.pfi_center_y_mm IS 'Measured fiber position along PFI y, mm';

--
-- Name: COLUMN cobra_match.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_match.flags IS 'Bit flags on the match (unmatched, collided...)';

--
-- Name: cobra_motor_axis; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_motor_axis (
    cobra_motor_axis_id integer NOT NULL,
    cobra_motor_axis_name character varying
);

--
-- Name: COLUMN cobra_motor_axis.cobra_motor_axis_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_axis.cobra_motor_axis_id IS 'Stage number: 1 or 2';

--
-- Name: COLUMN cobra_motor_axis.cobra_motor_axis_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_axis.cobra_motor_axis_name IS 'Stage name: Theta or Phi';

--
-- Name: cobra_motor_calib; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_motor_calib (
    cobra_motor_calib_id integer NOT NULL,
    calibrated_at timestamp without time zone,
    comments character varying
);

--
-- Name: COLUMN cobra_motor_calib.cobra_motor_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_calib.cobra_motor_calib_id IS 'Serial number of the motor calibration run';

--
-- Name: COLUMN cobra_motor_calib.calibrated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_calib.calibrated_at IS 'When the run was made';

--
-- Name: COLUMN cobra_motor_calib.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_calib.comments IS 'Free-text notes on the run';

--
-- Name: cobra_motor_calib_cobra_motor_calib_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.cobra_motor_calib_cobra_motor_calib_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: cobra_motor_calib_cobra_motor_calib_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.cobra_motor_calib_cobra_motor_calib_id_seq OWNED BY public.cobra_motor_calib.cobra_motor_calib_id;

--
-- Name: cobra_motor_direction; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_motor_direction (
    cobra_motor_direction_id integer NOT NULL,
    cobra_motor_direction_name character varying
);

--
-- Name: COLUMN cobra_motor_direction.cobra_motor_direction_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_direction.cobra_motor_direction_id IS 'Direction code: 0 or 1';

--
-- Name: COLUMN cobra_motor_direction.cobra_motor_direction_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_direction.cobra_motor_direction_name IS 'Direction name: Forward or Reverse';

--
-- Name: cobra_motor_map; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_motor_map (
    cobra_motor_model_id integer NOT NULL,
    cobra_motor_move_sequence integer NOT NULL,
    cobra_motor_angle real,
    cobra_motor_speed real
);

--
-- Name: COLUMN cobra_motor_map.cobra_motor_model_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_map.cobra_motor_model_id IS 'Motor model the point belongs to';

--
-- Name: COLUMN cobra_motor_map.cobra_motor_move_sequence; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_map.cobra_motor_move_sequence IS 'Index of the point along the map';

--
-- Name: COLUMN cobra_motor_map.cobra_motor_angle; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_map.cobra_motor_angle IS 'Motor angle of the point, degrees';

--
-- Name: COLUMN cobra_motor_map.cobra_motor_speed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_map.cobra_motor_speed IS 'Motor speed there, degrees per step';

--
-- Name: cobra_motor_model; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_motor_model (
    cobra_motor_model_id integer NOT NULL,
    cobra_motor_calib_id integer,
    cobra_id integer,
    cobra_motor_axis_id integer,
    cobra_motor_direction_id integer,
    cobra_motor_on_time real,
    cobra_motor_step_size real,
    cobra_motor_frequency real
);

--
-- Name: COLUMN cobra_motor_model.cobra_motor_model_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_model_id IS 'Serial number of the motor model';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_calib_id IS 'Calibration run the model comes from';

--
-- Name: COLUMN cobra_motor_model.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_id IS 'Cobra the model describes';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_axis_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_axis_id IS 'Stage (theta or phi) the model is for';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_direction_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_direction_id IS 'Direction of motion the model is for';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_on_time; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_on_time IS 'Drive pulse on-time the model was measured with';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_step_size; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_step_size IS 'Angular resolution of the steps';

--
-- Name: COLUMN cobra_motor_model.cobra_motor_frequency; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_motor_model.cobra_motor_frequency IS 'Drive frequency of the motor';

--
-- Name: cobra_motor_model_cobra_motor_model_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.cobra_motor_model_cobra_motor_model_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: cobra_motor_model_cobra_motor_model_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.cobra_motor_model_cobra_motor_model_id_seq OWNED BY public.cobra_motor_model.cobra_motor_model_id;

--
-- Name: cobra_move; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_move (
    pfs_visit_id integer NOT NULL,
    iteration integer NOT NULL,
    cobra_id integer NOT NULL,
    cobra_motor_model_id_theta integer,
    motor_target_theta real,
    motor_num_step_theta integer,
    motor_on_time_theta real,
    cobra_motor_model_id_phi integer,
    motor_target_phi real,
    motor_num_step_phi integer,
    motor_on_time_phi real,
    flags integer
);

--
-- Name: COLUMN cobra_move.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.pfs_visit_id IS 'Visit in which the cobras were converged';

--
-- Name: COLUMN cobra_move.iteration; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.iteration IS 'Iteration number within the convergence';

--
-- Name: COLUMN cobra_move.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.cobra_id IS 'Cobra that was moved';

--
-- Name: COLUMN cobra_move.cobra_motor_model_id_theta; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.cobra_motor_model_id_theta IS 'Theta motor model used to plan the move';

--
-- Name: COLUMN cobra_move.motor_target_theta; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_target_theta IS 'Angle the theta motor was sent to';

--
-- Name: COLUMN cobra_move.motor_num_step_theta; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_num_step_theta IS 'Steps the theta motor made';

--
-- Name: COLUMN cobra_move.motor_on_time_theta; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_on_time_theta IS 'Pulse on-time used for the theta motor';

--
-- Name: COLUMN cobra_move.cobra_motor_model_id_phi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.cobra_motor_model_id_phi IS 'Phi motor model used to plan the move';

--
-- Name: COLUMN cobra_move.motor_target_phi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_target_phi IS 'Angle the phi motor was sent to';

--
-- Name: COLUMN cobra_move.motor_num_step_phi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_num_step_phi IS 'Steps the phi motor made';

--
-- Name: COLUMN cobra_move.motor_on_time_phi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.motor_on_time_phi IS 'Pulse on-time used for the phi motor';

--
-- Name: COLUMN cobra_move.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_move.flags IS 'Bit flags on the move';

--
-- Name: cobra_target; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.cobra_target (
    pfs_visit_id integer NOT NULL,
    iteration integer NOT NULL,
    cobra_id integer NOT NULL,
    pfs_config_id bigint,
    pfi_nominal_x_mm real,
    pfi_nominal_y_mm real,
    pfi_target_x_mm real,
    pfi_target_y_mm real,
    flags integer
);

--
-- Name: COLUMN cobra_target.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfs_visit_id IS 'Visit in which the cobras were converged';

--
-- Name: COLUMN cobra_target.iteration; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.iteration IS 'Iteration number within the convergence';

--
-- Name: COLUMN cobra_target.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.cobra_id IS 'Cobra being moved';

--
-- Name: COLUMN cobra_target.pfs_config_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfs_config_id IS 'Fiber design the targets come from';

--
-- Name: COLUMN cobra_target.pfi_nominal_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfi_nominal_x_mm IS 'Design position of the fiber along PFI x, mm';

--
-- Name: COLUMN cobra_target.pfi_nominal_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfi_nominal_y_mm IS 'Design position of the fiber along PFI y, mm';

--
-- Name: COLUMN cobra_target.pfi_target_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfi_target_x_mm IS 'Position aimed at in this iteration, PFI x, mm';

--
-- Name: COLUMN cobra_target.pfi_target_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.pfi_target_y_mm IS 'Position aimed at in this iteration, PFI y, mm';

--
-- Name: COLUMN cobra_target.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.cobra_target.flags IS 'Bit flags on the cobra for this iteration';

--
-- Name: dot_roach_flux; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.dot_roach_flux (
    pfs_visit_id integer NOT NULL,
    cobra_id integer NOT NULL,
    flux_abs real,
    flux_ratio real,
    flux_ratio_norm real
);

--
-- Name: COLUMN dot_roach_flux.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.dot_roach_flux.pfs_visit_id IS 'Visit of the scan step';

--
-- Name: COLUMN dot_roach_flux.cobra_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.dot_roach_flux.cobra_id IS 'Cobra whose fiber flux was extracted';

--
-- Name: COLUMN dot_roach_flux.flux_abs; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.dot_roach_flux.flux_abs IS 'Extracted flux in detector units (ADU)';

--
-- Name: COLUMN dot_roach_flux.flux_ratio; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.dot_roach_flux.flux_ratio IS 'Flux relative to the unobstructed reference spectrum';

--
-- Name: COLUMN dot_roach_flux.flux_ratio_norm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.dot_roach_flux.flux_ratio_norm IS 'That ratio corrected for lamp variation';

--
-- Name: env_condition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.env_condition (
    pfs_visit_id integer NOT NULL,
    status_sequence_id integer NOT NULL,
    dome_temperature real,
    dome_pressure real,
    dome_humidity real,
    outside_temperature real,
    outside_pressure real,
    outside_humidity real,
    created_at timestamp without time zone
);

--
-- Name: COLUMN env_condition.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.pfs_visit_id IS 'Visit the reading was taken in';

--
-- Name: COLUMN env_condition.status_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.status_sequence_id IS 'Running number of the Gen2 status snapshot within the visit';

--
-- Name: COLUMN env_condition.dome_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.dome_temperature IS 'Air temperature inside the dome, kelvin';

--
-- Name: COLUMN env_condition.dome_pressure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.dome_pressure IS 'Air pressure inside the dome, hPa';

--
-- Name: COLUMN env_condition.dome_humidity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.dome_humidity IS 'Relative humidity inside the dome, percent';

--
-- Name: COLUMN env_condition.outside_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.outside_temperature IS 'Air temperature outside the dome, kelvin';

--
-- Name: COLUMN env_condition.outside_pressure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.outside_pressure IS 'Air pressure outside the dome, hPa';

--
-- Name: COLUMN env_condition.outside_humidity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.outside_humidity IS 'Relative humidity outside the dome, percent';

--
-- Name: COLUMN env_condition.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.env_condition.created_at IS 'When the reading was recorded';

--
-- Name: fiducial_fiber; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fiducial_fiber (
    fiducial_fiber_id integer NOT NULL,
    field_on_pfi integer,
    ff_in_field integer,
    ff_type character varying(5),
    ff_id_in_type integer,
    mask integer,
    version character varying
);

--
-- Name: COLUMN fiducial_fiber.fiducial_fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.fiducial_fiber_id IS 'Fiducial fiber number';

--
-- Name: COLUMN fiducial_fiber.field_on_pfi; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.field_on_pfi IS 'Which of the three PFI sectors holds the fiber';

--
-- Name: COLUMN fiducial_fiber.ff_in_field; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.ff_in_field IS 'Position of the fiber inside its sector';

--
-- Name: COLUMN fiducial_fiber.ff_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.ff_type IS 'Kind of fiducial (where it sits on the PFI)';

--
-- Name: COLUMN fiducial_fiber.ff_id_in_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.ff_id_in_type IS 'Number of the fiber among fiducials of its kind';

--
-- Name: COLUMN fiducial_fiber.mask; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.mask IS 'Bitmask of the uses the fiber is good for';

--
-- Name: COLUMN fiducial_fiber.version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber.version IS 'Version of the fiducial layout data';

--
-- Name: fiducial_fiber_calib; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fiducial_fiber_calib (
    fiducial_fiber_calib_id integer NOT NULL,
    calibrated_at timestamp without time zone,
    comments character varying
);

--
-- Name: COLUMN fiducial_fiber_calib.fiducial_fiber_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_calib.fiducial_fiber_calib_id IS 'Serial number of the fiducial calibration run';

--
-- Name: COLUMN fiducial_fiber_calib.calibrated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_calib.calibrated_at IS 'When the run was made';

--
-- Name: COLUMN fiducial_fiber_calib.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_calib.comments IS 'Free-text notes on the run';

--
-- Name: fiducial_fiber_calib_fiducial_fiber_calib_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.fiducial_fiber_calib_fiducial_fiber_calib_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: fiducial_fiber_calib_fiducial_fiber_calib_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.fiducial_fiber_calib_fiducial_fiber_calib_id_seq OWNED BY public.fiducial_fiber_calib.fiducial_fiber_calib_id;

--
-- Name: fiducial_fiber_geometry; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fiducial_fiber_geometry (
    fiducial_fiber_id integer NOT NULL,
    fiducial_fiber_calib_id integer NOT NULL,
    ff_center_on_pfi_x_mm real,
    ff_center_on_pfi_y_mm real,
    elevation real,
    ambient_temp real
);

--
-- Name: COLUMN fiducial_fiber_geometry.fiducial_fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.fiducial_fiber_id IS 'Fiducial fiber measured';

--
-- Name: COLUMN fiducial_fiber_geometry.fiducial_fiber_calib_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.fiducial_fiber_calib_id IS 'Calibration run the position comes from';

--
-- Name: COLUMN fiducial_fiber_geometry.ff_center_on_pfi_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.ff_center_on_pfi_x_mm IS 'Fiducial position along PFI x, mm';

--
-- Name: COLUMN fiducial_fiber_geometry.ff_center_on_pfi_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.ff_center_on_pfi_y_mm IS 'Fiducial position along PFI y, mm';

--
-- Name: COLUMN fiducial_fiber_geometry.elevation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.elevation IS 'Telescope elevation during the measurement';

--
-- Name: COLUMN fiducial_fiber_geometry.ambient_temp; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_geometry.ambient_temp IS 'Ambient temperature during the measurement';

--
-- Name: fiducial_fiber_match; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fiducial_fiber_match (
    pfs_visit_id integer NOT NULL,
    iteration integer NOT NULL,
    fiducial_fiber_id integer NOT NULL,
    mcs_frame_id integer,
    spot_id integer,
    pfi_center_x_mm real,
    pfi_center_y_mm real,
    fiducial_tweaked_x_mm real,
    fiducial_tweaked_y_mm real,
    flags integer,
    match_mask integer
);

--
-- Name: COLUMN fiducial_fiber_match.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.pfs_visit_id IS 'Visit in which the frame was taken';

--
-- Name: COLUMN fiducial_fiber_match.iteration; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.iteration IS 'Iteration number within the convergence';

--
-- Name: COLUMN fiducial_fiber_match.fiducial_fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.fiducial_fiber_id IS 'Fiducial fiber that was identified';

--
-- Name: COLUMN fiducial_fiber_match.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.mcs_frame_id IS 'MCS frame of this iteration';

--
-- Name: COLUMN fiducial_fiber_match.spot_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.spot_id IS 'Spot of that frame identified with the fiducial';

--
-- Name: COLUMN fiducial_fiber_match.pfi_center_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.pfi_center_x_mm IS 'Measured fiducial position along PFI x, mm';

--
-- Name: COLUMN fiducial_fiber_match.pfi_center_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.pfi_center_y_mm IS 'Measured fiducial position along PFI y, mm';

--
-- Name: COLUMN fiducial_fiber_match.fiducial_tweaked_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.fiducial_tweaked_x_mm IS 'Expected fiducial x once converged, PFI mm';

--
-- Name: COLUMN fiducial_fiber_match.fiducial_tweaked_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.fiducial_tweaked_y_mm IS 'Expected fiducial y once converged, PFI mm';

--
-- Name: COLUMN fiducial_fiber_match.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.flags IS 'Bit flags on the match';

--
-- Name: COLUMN fiducial_fiber_match.match_mask; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.fiducial_fiber_match.match_mask IS 'Which fits used the fiducial: 1 outer ring, 2 first pass, 4 final pass';

--
-- Name: field_set; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.field_set (
    iic_sequence_id integer NOT NULL,
    visit0 integer
);

--
-- Name: COLUMN field_set.iic_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.field_set.iic_sequence_id IS 'Sequence that observed the field';

--
-- Name: COLUMN field_set.visit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.field_set.visit0 IS 'First visit of the configuration used, which names that pfsConfig';

--
-- Name: guide_stars; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.guide_stars (
    guide_star_id bigint NOT NULL,
    ra double precision,
    decl double precision,
    cat_id integer,
    obj_type_id integer,
    mag_agc real,
    flux_agc real,
    flags integer,
    created_at timestamp without time zone,
    updated_at timestamp without time zone
);

--
-- Name: COLUMN guide_stars.guide_star_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.guide_star_id IS 'Identifier of the star (from its source catalog)';

--
-- Name: COLUMN guide_stars.ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.ra IS 'Right ascension of the star, degrees';

--
-- Name: COLUMN guide_stars.decl; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.decl IS 'Declination of the star, degrees';

--
-- Name: COLUMN guide_stars.cat_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.cat_id IS 'Catalog the star was taken from';

--
-- Name: COLUMN guide_stars.obj_type_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.obj_type_id IS 'Object class code (star, galaxy...)';

--
-- Name: COLUMN guide_stars.mag_agc; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.mag_agc IS 'Magnitude in the AG camera passband';

--
-- Name: COLUMN guide_stars.flux_agc; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.flux_agc IS 'Flux in the AG camera passband';

--
-- Name: COLUMN guide_stars.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.flags IS 'Catalog quality bit flags';

--
-- Name: COLUMN guide_stars.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.created_at IS 'When the entry was added';

--
-- Name: COLUMN guide_stars.updated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.guide_stars.updated_at IS 'When the entry last changed';

--
-- Name: iic_sequence; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.iic_sequence (
    iic_sequence_id integer NOT NULL,
    sequence_type character varying,
    name character varying,
    comments character varying,
    cmd_str character varying,
    group_id integer,
    created_at timestamp without time zone
);

--
-- Name: COLUMN iic_sequence.iic_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.iic_sequence_id IS 'Number of the IIC sequence';

--
-- Name: COLUMN iic_sequence.sequence_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.sequence_type IS 'Kind of sequence (e.g. biases, arcs, science objects)';

--
-- Name: COLUMN iic_sequence.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.name IS 'Name the observer gave to this batch of visits';

--
-- Name: COLUMN iic_sequence.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.comments IS 'Observer remarks about the sequence';

--
-- Name: COLUMN iic_sequence.cmd_str; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.cmd_str IS 'Full IIC command line that produced the visits';

--
-- Name: COLUMN iic_sequence.group_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.group_id IS 'Group this sequence belongs to, if any';

--
-- Name: COLUMN iic_sequence.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence.created_at IS 'When the sequence was started';

--
-- Name: iic_sequence_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.iic_sequence_status (
    iic_sequence_id integer NOT NULL,
    status_flag integer,
    cmd_output character varying,
    finished_at timestamp without time zone
);

--
-- Name: COLUMN iic_sequence_status.iic_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence_status.iic_sequence_id IS 'Sequence whose outcome this is';

--
-- Name: COLUMN iic_sequence_status.status_flag; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence_status.status_flag IS 'Completion code of the sequence (finished, failed...)';

--
-- Name: COLUMN iic_sequence_status.cmd_output; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence_status.cmd_output IS 'Final text the command replied with';

--
-- Name: COLUMN iic_sequence_status.finished_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.iic_sequence_status.finished_at IS 'When the sequence stopped';

--
-- Name: input_catalog; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.input_catalog (
    cat_id integer NOT NULL,
    input_catalog_name character varying,
    input_catalog_description character varying,
    created_at timestamp without time zone,
    updated_at timestamp without time zone
);

--
-- Name: COLUMN input_catalog.cat_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.input_catalog.cat_id IS 'Catalog number';

--
-- Name: COLUMN input_catalog.input_catalog_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.input_catalog.input_catalog_name IS 'Short name of the catalog';

--
-- Name: COLUMN input_catalog.input_catalog_description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.input_catalog.input_catalog_description IS 'What the catalog contains';

--
-- Name: COLUMN input_catalog.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.input_catalog.created_at IS 'When the entry was added';

--
-- Name: COLUMN input_catalog.updated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.input_catalog.updated_at IS 'When the entry last changed';

--
-- Name: mcs_boresight; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mcs_boresight (
    pfs_visit_id integer NOT NULL,
    mcs_boresight_x_pix real,
    mcs_boresight_y_pix real,
    calculated_at timestamp without time zone
);

--
-- Name: COLUMN mcs_boresight.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_boresight.pfs_visit_id IS 'Visit the boresight was measured from';

--
-- Name: COLUMN mcs_boresight.mcs_boresight_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_boresight.mcs_boresight_x_pix IS 'Boresight position along MCS detector x, pixels';

--
-- Name: COLUMN mcs_boresight.mcs_boresight_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_boresight.mcs_boresight_y_pix IS 'Boresight position along MCS detector y, pixels';

--
-- Name: COLUMN mcs_boresight.calculated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_boresight.calculated_at IS 'When the boresight was derived';

--
-- Name: mcs_camera; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mcs_camera (
    mcs_camera_id integer NOT NULL,
    mcs_camera_name character varying,
    comments character varying
);

--
-- Name: COLUMN mcs_camera.mcs_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_camera.mcs_camera_id IS 'Code of the metrology camera (e.g. 0 for the Canon, 1 for the RMOD)';

--
-- Name: COLUMN mcs_camera.mcs_camera_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_camera.mcs_camera_name IS 'Camera name such as Canon_50M or RMOD_71M';

--
-- Name: COLUMN mcs_camera.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_camera.comments IS 'Free-text notes about the camera';

--
-- Name: mcs_data; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mcs_data (
    mcs_frame_id integer NOT NULL,
    spot_id integer NOT NULL,
    mcs_center_x_pix real,
    mcs_center_y_pix real,
    mcs_second_moment_x_pix real,
    mcs_second_moment_y_pix real,
    mcs_second_moment_xy_pix real,
    bgvalue real,
    peakvalue real,
    flags integer,
    flux real,
    fluxerr real
);

--
-- Name: COLUMN mcs_data.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_frame_id IS 'MCS frame the spot was measured on';

--
-- Name: COLUMN mcs_data.spot_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.spot_id IS 'Running number of the spot in the frame';

--
-- Name: COLUMN mcs_data.mcs_center_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_center_x_pix IS 'Spot centroid along MCS detector x, pixels';

--
-- Name: COLUMN mcs_data.mcs_center_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_center_y_pix IS 'Spot centroid along MCS detector y, pixels';

--
-- Name: COLUMN mcs_data.mcs_second_moment_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_second_moment_x_pix IS 'Second moment of the spot along x, pixels squared';

--
-- Name: COLUMN mcs_data.mcs_second_moment_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_second_moment_y_pix IS 'Second moment of the spot along y, pixels squared';

--
-- Name: COLUMN mcs_data.mcs_second_moment_xy_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.mcs_second_moment_xy_pix IS 'Cross (xy) second moment of the spot, pixels squared';

--
-- Name: COLUMN mcs_data.bgvalue; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.bgvalue IS 'Background level under the spot';

--
-- Name: COLUMN mcs_data.peakvalue; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.peakvalue IS 'Highest pixel value in the spot';

--
-- Name: COLUMN mcs_data.flags; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.flags IS 'Bit flags on the quality of the centroid fit';

--
-- Name: COLUMN mcs_data.flux; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.flux IS 'Integrated flux of the spot';

--
-- Name: COLUMN mcs_data.fluxerr; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_data.fluxerr IS 'Uncertainty of the integrated flux';

--
-- Name: mcs_exposure; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mcs_exposure (
    mcs_frame_id integer NOT NULL,
    pfs_visit_id integer,
    mcs_exptime real,
    altitude real,
    azimuth real,
    insrot real,
    adc_pa real,
    dome_temperature real,
    dome_pressure real,
    dome_humidity real,
    outside_temperature real,
    outside_pressure real,
    outside_humidity real,
    mcs_cover_temperature real,
    mcs_m1_temperature real,
    mcs_camera_id integer,
    measurement_algorithm character varying,
    version_actor character varying,
    version_instdata character varying,
    taken_at timestamp without time zone,
    taken_in_hst_at timestamp without time zone
);

--
-- Name: COLUMN mcs_exposure.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.mcs_frame_id IS 'MCS frame number from Gen2 (visit times 100 plus frame index)';

--
-- Name: COLUMN mcs_exposure.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.pfs_visit_id IS 'Visit the frame was taken in';

--
-- Name: COLUMN mcs_exposure.mcs_exptime; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.mcs_exptime IS 'Integration time of the frame, seconds';

--
-- Name: COLUMN mcs_exposure.altitude; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.altitude IS 'Telescope elevation at exposure, degrees';

--
-- Name: COLUMN mcs_exposure.azimuth; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.azimuth IS 'Telescope azimuth at exposure, degrees';

--
-- Name: COLUMN mcs_exposure.insrot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.insrot IS 'Instrument rotator angle at exposure, degrees';

--
-- Name: COLUMN mcs_exposure.adc_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.adc_pa IS 'Atmospheric dispersion corrector angle when the frame began, degrees';

--
-- Name: COLUMN mcs_exposure.dome_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.dome_temperature IS 'Air temperature inside the dome, kelvin';

--
-- Name: COLUMN mcs_exposure.dome_pressure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.dome_pressure IS 'Air pressure inside the dome, hPa';

--
-- Name: COLUMN mcs_exposure.dome_humidity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.dome_humidity IS 'Relative humidity inside the dome, percent';

--
-- Name: COLUMN mcs_exposure.outside_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.outside_temperature IS 'Air temperature outside the dome, kelvin';

--
-- Name: COLUMN mcs_exposure.outside_pressure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.outside_pressure IS 'Air pressure outside the dome, hPa';

--
-- Name: COLUMN mcs_exposure.outside_humidity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.outside_humidity IS 'Relative humidity outside the dome, percent';

--
-- Name: COLUMN mcs_exposure.mcs_cover_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.mcs_cover_temperature IS 'Temperature of the MCS front cover, Celsius';

--
-- Name: COLUMN mcs_exposure.mcs_m1_temperature; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.mcs_m1_temperature IS 'Temperature of the telescope primary mirror, Celsius';

--
-- Name: COLUMN mcs_exposure.mcs_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.mcs_camera_id IS 'Which metrology camera took the frame';

--
-- Name: COLUMN mcs_exposure.measurement_algorithm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.measurement_algorithm IS 'Centroiding method used (windowed or sep)';

--
-- Name: COLUMN mcs_exposure.version_actor; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.version_actor IS 'Software version of the MCS actor';

--
-- Name: COLUMN mcs_exposure.version_instdata; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.version_instdata IS 'Version of the pfs_instdata configuration in use';

--
-- Name: COLUMN mcs_exposure.taken_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.taken_at IS 'When the frame was exposed';

--
-- Name: COLUMN mcs_exposure.taken_in_hst_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_exposure.taken_in_hst_at IS 'When the frame was exposed, as Hawaii local time';

--
-- Name: mcs_pfi_transformation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.mcs_pfi_transformation (
    mcs_frame_id integer NOT NULL,
    x0 real,
    y0 real,
    dscale real,
    scale2 real,
    theta real,
    alpha_rot real,
    camera_name character varying
);

--
-- Name: COLUMN mcs_pfi_transformation.mcs_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.mcs_frame_id IS 'MCS frame the mapping was fitted on';

--
-- Name: COLUMN mcs_pfi_transformation.x0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.x0 IS 'Offset of the mapping along x';

--
-- Name: COLUMN mcs_pfi_transformation.y0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.y0 IS 'Offset of the mapping along y';

--
-- Name: COLUMN mcs_pfi_transformation.dscale; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.dscale IS 'First scale term of the mapping';

--
-- Name: COLUMN mcs_pfi_transformation.scale2; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.scale2 IS 'Second scale term of the mapping';

--
-- Name: COLUMN mcs_pfi_transformation.theta; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.theta IS 'Rotation angle of the mapping';

--
-- Name: COLUMN mcs_pfi_transformation.alpha_rot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.alpha_rot IS 'Weight of the squared-rotation penalty in the fit';

--
-- Name: COLUMN mcs_pfi_transformation.camera_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.mcs_pfi_transformation.camera_name IS 'Camera whose transformation model was used';

--
-- Name: obs_condition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obs_condition (
    pfs_visit_id integer NOT NULL,
    status_sequence_id integer NOT NULL,
    airmass real,
    moon_phase real,
    moon_alt real,
    moon_sep real,
    seeing real,
    transparency real,
    cloud_condition_id integer,
    created_at timestamp without time zone
);

--
-- Name: COLUMN obs_condition.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.pfs_visit_id IS 'Visit the estimate applies to';

--
-- Name: COLUMN obs_condition.status_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.status_sequence_id IS 'Running number of the Gen2 status snapshot within the visit';

--
-- Name: COLUMN obs_condition.airmass; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.airmass IS 'Airmass towards the field';

--
-- Name: COLUMN obs_condition.moon_phase; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.moon_phase IS 'Lunar phase (fraction illuminated)';

--
-- Name: COLUMN obs_condition.moon_alt; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.moon_alt IS 'Moon altitude above the horizon, degrees';

--
-- Name: COLUMN obs_condition.moon_sep; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.moon_sep IS 'Angular distance from the field to the Moon, degrees';

--
-- Name: COLUMN obs_condition.seeing; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.seeing IS 'Seeing (image FWHM), arcsec';

--
-- Name: COLUMN obs_condition.transparency; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.transparency IS 'Estimated sky transparency';

--
-- Name: COLUMN obs_condition.cloud_condition_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.cloud_condition_id IS 'Cloud-cover category at the time';

--
-- Name: COLUMN obs_condition.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obs_condition.created_at IS 'When the estimate was recorded';

--
-- Name: obslog_fits_header; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obslog_fits_header (
    pfs_visit_id integer,
    filestem character varying NOT NULL,
    hdu_index integer NOT NULL,
    cards_dict jsonb NOT NULL,
    cards_list jsonb NOT NULL
);

--
-- Name: COLUMN obslog_fits_header.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_fits_header.pfs_visit_id IS 'Visit the file belongs to, when known';

--
-- Name: COLUMN obslog_fits_header.filestem; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_fits_header.filestem IS 'File name without directory or extension';

--
-- Name: COLUMN obslog_fits_header.hdu_index; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_fits_header.hdu_index IS 'Position of the HDU in the file, 0 for the primary';

--
-- Name: COLUMN obslog_fits_header.cards_dict; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_fits_header.cards_dict IS 'Header keywords mapped to their values';

--
-- Name: COLUMN obslog_fits_header.cards_list; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_fits_header.cards_list IS 'Header cards in file order, with comments';

--
-- Name: obslog_mcs_exposure_note; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obslog_mcs_exposure_note (
    id integer NOT NULL,
    user_id integer,
    mcs_exposure_frame_id integer,
    body character varying NOT NULL
);

--
-- Name: COLUMN obslog_mcs_exposure_note.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_mcs_exposure_note.id IS 'Serial number of the note';

--
-- Name: COLUMN obslog_mcs_exposure_note.user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_mcs_exposure_note.user_id IS 'Author of the note';

--
-- Name: COLUMN obslog_mcs_exposure_note.mcs_exposure_frame_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_mcs_exposure_note.mcs_exposure_frame_id IS 'MCS frame the note is about';

--
-- Name: COLUMN obslog_mcs_exposure_note.body; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_mcs_exposure_note.body IS 'Text of the note';

--
-- Name: obslog_mcs_exposure_note_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.obslog_mcs_exposure_note_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: obslog_mcs_exposure_note_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.obslog_mcs_exposure_note_id_seq OWNED BY public.obslog_mcs_exposure_note.id;

--
-- Name: obslog_user; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obslog_user (
    id integer NOT NULL,
    account_name character varying NOT NULL
);

--
-- Name: COLUMN obslog_user.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_user.id IS 'Serial number of the user';

--
-- Name: COLUMN obslog_user.account_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_user.account_name IS 'Login name of the user; unique';

--
-- Name: obslog_user_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.obslog_user_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: obslog_user_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.obslog_user_id_seq OWNED BY public.obslog_user.id;

--
-- Name: obslog_visit_note; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obslog_visit_note (
    id integer NOT NULL,
    user_id integer,
    pfs_visit_id integer,
    body character varying NOT NULL
);

--
-- Name: COLUMN obslog_visit_note.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_note.id IS 'Serial number of the note';

--
-- Name: COLUMN obslog_visit_note.user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_note.user_id IS 'Author of the note';

--
-- Name: COLUMN obslog_visit_note.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_note.pfs_visit_id IS 'Visit the note is about';

--
-- Name: COLUMN obslog_visit_note.body; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_note.body IS 'Text of the note';

--
-- Name: obslog_visit_note_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.obslog_visit_note_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: obslog_visit_note_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.obslog_visit_note_id_seq OWNED BY public.obslog_visit_note.id;

--
-- Name: obslog_visit_set_note; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.obslog_visit_set_note (
    id integer NOT NULL,
    user_id integer,
    iic_sequence_id integer,
    body character varying NOT NULL
);

--
-- Name: COLUMN obslog_visit_set_note.id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_set_note.id IS 'Serial number of the note';

--
-- Name: COLUMN obslog_visit_set_note.user_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_set_note.user_id IS 'Author of the note';

--
-- Name: COLUMN obslog_visit_set_note.iic_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_set_note.iic_sequence_id IS 'Sequence the note is about';

--
-- Name: COLUMN obslog_visit_set_note.body; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.obslog_visit_set_note.body IS 'Text of the note';

--
-- Name: obslog_visit_set_note_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.obslog_visit_set_note_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: obslog_visit_set_note_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.obslog_visit_set_note_id_seq OWNED BY public.obslog_visit_set_note.id;

--
-- Name: pfs_config; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_config (
    pfs_design_id bigint NOT NULL,
    visit0 integer NOT NULL,
    ra_center_config double precision,
    dec_center_config double precision,
    pa_config real,
    converg_num_iter integer,
    converg_elapsed_time real,
    converg_tolerance real,
    alloc_rms_scatter real,
    allocated_at timestamp without time zone,
    to_be_observed_at timestamp with time zone,
    pfs_utils_version character varying,
    to_be_observed_at_design timestamp with time zone,
    pfs_utils_version_design character varying,
    was_observed boolean,
    converg_distance_threshold real,
    target_fallback_invalid character varying,
    target_fallback_unassigned character varying,
    fiducial_check_skipped boolean,
    inst_status_flag integer
);

--
-- Name: COLUMN pfs_config.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.pfs_design_id IS 'Design that was configured';

--
-- Name: COLUMN pfs_config.visit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.visit0 IS 'First visit taken with this configuration; names it';

--
-- Name: COLUMN pfs_config.ra_center_config; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.ra_center_config IS 'Field-centre right ascension achieved, deg';

--
-- Name: COLUMN pfs_config.dec_center_config; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.dec_center_config IS 'Field-centre declination achieved, deg';

--
-- Name: COLUMN pfs_config.pa_config; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.pa_config IS 'Position angle of the PFI achieved, deg';

--
-- Name: COLUMN pfs_config.converg_num_iter; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.converg_num_iter IS 'Number of cobra iterations allowed to converge';

--
-- Name: COLUMN pfs_config.converg_elapsed_time; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.converg_elapsed_time IS 'Time allowed for convergence, seconds';

--
-- Name: COLUMN pfs_config.converg_tolerance; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.converg_tolerance IS 'Position tolerance the convergence aimed for, mm';

--
-- Name: COLUMN pfs_config.alloc_rms_scatter; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.alloc_rms_scatter IS 'RMS scatter of the final fiber positions (not yet defined)';

--
-- Name: COLUMN pfs_config.allocated_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.allocated_at IS 'When the configuration was made';

--
-- Name: COLUMN pfs_config.to_be_observed_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.to_be_observed_at IS 'Time the configuration was planned for';

--
-- Name: COLUMN pfs_config.pfs_utils_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.pfs_utils_version IS 'pfs_utils version that wrote the pfsConfig';

--
-- Name: COLUMN pfs_config.to_be_observed_at_design; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.to_be_observed_at_design IS 'Planned time copied from the originating design';

--
-- Name: COLUMN pfs_config.pfs_utils_version_design; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.pfs_utils_version_design IS 'pfs_utils version that wrote the originating design';

--
-- Name: COLUMN pfs_config.was_observed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.was_observed IS 'True if the configuration was used on sky';

--
-- Name: COLUMN pfs_config.converg_distance_threshold; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.converg_distance_threshold IS 'Distance under which a fiber is judged converged (sets fiber_status), mm';

--
-- Name: COLUMN pfs_config.target_fallback_invalid; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.target_fallback_invalid IS 'Where cobras with an unusable target were parked';

--
-- Name: COLUMN pfs_config.target_fallback_unassigned; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.target_fallback_unassigned IS 'Where cobras without a target were parked';

--
-- Name: COLUMN pfs_config.fiducial_check_skipped; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.fiducial_check_skipped IS 'True if the fiducial collision check was turned off';

--
-- Name: COLUMN pfs_config.inst_status_flag; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config.inst_status_flag IS 'Instrument status bits (e.g. convergence failed)';

--
-- Name: pfs_config_agc; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_config_agc (
    pfs_design_id bigint NOT NULL,
    visit0 integer NOT NULL,
    guide_star_id bigint NOT NULL,
    agc_camera_id integer,
    agc_final_x_pix real,
    agc_final_y_pix real,
    comments character varying,
    guide_star_ra double precision,
    guide_star_dec double precision
);

--
-- Name: COLUMN pfs_config_agc.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.pfs_design_id IS 'Design of the configuration';

--
-- Name: COLUMN pfs_config_agc.visit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.visit0 IS 'First visit of the configuration';

--
-- Name: COLUMN pfs_config_agc.guide_star_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.guide_star_id IS 'Catalog id of the guide star';

--
-- Name: COLUMN pfs_config_agc.agc_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.agc_camera_id IS 'AG camera the star falls on';

--
-- Name: COLUMN pfs_config_agc.agc_final_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.agc_final_x_pix IS 'Final star position on that camera, x pixels';

--
-- Name: COLUMN pfs_config_agc.agc_final_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.agc_final_y_pix IS 'Final star position on that camera, y pixels';

--
-- Name: COLUMN pfs_config_agc.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.comments IS 'Free-text notes';

--
-- Name: COLUMN pfs_config_agc.guide_star_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.guide_star_ra IS 'Star right ascension, deg';

--
-- Name: COLUMN pfs_config_agc.guide_star_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_agc.guide_star_dec IS 'Star declination, deg';

--
-- Name: pfs_config_fiber; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_config_fiber (
    pfs_design_id bigint NOT NULL,
    visit0 integer NOT NULL,
    fiber_id integer NOT NULL,
    target_ra double precision,
    target_dec double precision,
    fiber_status integer,
    target_validation_mask integer,
    cobra_command integer,
    pfi_nominal_x_mm real,
    pfi_nominal_y_mm real,
    pfi_center_final_x_mm real,
    pfi_center_final_y_mm real,
    motor_map_summary character varying,
    config_elapsed_time real,
    is_on_source boolean,
    comments character varying
);

--
-- Name: COLUMN pfs_config_fiber.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.pfs_design_id IS 'Design of the configuration';

--
-- Name: COLUMN pfs_config_fiber.visit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.visit0 IS 'First visit of the configuration';

--
-- Name: COLUMN pfs_config_fiber.fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.fiber_id IS 'Fiber described';

--
-- Name: COLUMN pfs_config_fiber.target_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.target_ra IS 'Target right ascension, deg';

--
-- Name: COLUMN pfs_config_fiber.target_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.target_dec IS 'Target declination, deg';

--
-- Name: COLUMN pfs_config_fiber.fiber_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.fiber_status IS 'Result for the fiber: good, not converged, behind a black dot, unknown';

--
-- Name: COLUMN pfs_config_fiber.target_validation_mask; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.target_validation_mask IS 'Reasons the positioner software rejected the target (0 if accepted)';

--
-- Name: COLUMN pfs_config_fiber.cobra_command; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.cobra_command IS 'What was done with the cobra: none, converge, home, black dot, unset';

--
-- Name: COLUMN pfs_config_fiber.pfi_nominal_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.pfi_nominal_x_mm IS 'Planned fiber position along PFI x, mm';

--
-- Name: COLUMN pfs_config_fiber.pfi_nominal_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.pfi_nominal_y_mm IS 'Planned fiber position along PFI y, mm';

--
-- Name: COLUMN pfs_config_fiber.pfi_center_final_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.pfi_center_final_x_mm IS 'Last measured fiber position along PFI x, mm';

--
-- Name: COLUMN pfs_config_fiber.pfi_center_final_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.pfi_center_final_y_mm IS 'Last measured fiber position along PFI y, mm';

--
-- Name: COLUMN pfs_config_fiber.motor_map_summary; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.motor_map_summary IS 'Summary of the motor maps used for the cobra';

--
-- Name: COLUMN pfs_config_fiber.config_elapsed_time; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.config_elapsed_time IS 'Time spent positioning the fiber, seconds';

--
-- Name: COLUMN pfs_config_fiber.is_on_source; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.is_on_source IS 'True if the fiber ended up on its target';

--
-- Name: COLUMN pfs_config_fiber.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_fiber.comments IS 'Free-text notes';

--
-- Name: pfs_config_sps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_config_sps (
    pfs_visit_id integer NOT NULL,
    visit0 integer NOT NULL,
    cam_mask integer,
    inst_status_flag integer
);

--
-- Name: COLUMN pfs_config_sps.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_sps.pfs_visit_id IS 'Visit observed with the configuration';

--
-- Name: COLUMN pfs_config_sps.visit0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_sps.visit0 IS 'First visit of the configuration used';

--
-- Name: COLUMN pfs_config_sps.cam_mask; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_sps.cam_mask IS 'Bitmask of the spectrograph cameras that exposed';

--
-- Name: COLUMN pfs_config_sps.inst_status_flag; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_config_sps.inst_status_flag IS 'Instrument status bits for this visit';

--
-- Name: pfs_design; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_design (
    pfs_design_id bigint NOT NULL,
    design_name character varying,
    variant integer NOT NULL,
    design_id0 bigint NOT NULL,
    tile_id integer,
    ra_center_designed double precision,
    dec_center_designed double precision,
    pa_designed real,
    num_sci_designed integer,
    num_cal_designed integer,
    num_sky_designed integer,
    num_guide_stars integer,
    exptime_tot real,
    exptime_min real,
    ets_version character varying,
    ets_assigner character varying,
    designed_at timestamp without time zone,
    to_be_observed_at timestamp with time zone,
    pfs_utils_version character varying,
    is_obsolete boolean
);

--
-- Name: COLUMN pfs_design.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.pfs_design_id IS 'Design identifier, a 63-bit hash of the design content';

--
-- Name: COLUMN pfs_design.design_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.design_name IS 'Readable name of the design';

--
-- Name: COLUMN pfs_design.variant; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.variant IS 'Variant number relative to design_id0 (0 for an original design)';

--
-- Name: COLUMN pfs_design.design_id0; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.design_id0 IS 'Design this one is a variant of; goes together with variant';

--
-- Name: COLUMN pfs_design.tile_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.tile_id IS 'Survey tile the design was made for';

--
-- Name: COLUMN pfs_design.ra_center_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.ra_center_designed IS 'Planned field-centre right ascension, deg';

--
-- Name: COLUMN pfs_design.dec_center_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.dec_center_designed IS 'Planned field-centre declination, deg';

--
-- Name: COLUMN pfs_design.pa_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.pa_designed IS 'Planned position angle, deg';

--
-- Name: COLUMN pfs_design.num_sci_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.num_sci_designed IS 'Number of fibers put on science targets';

--
-- Name: COLUMN pfs_design.num_cal_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.num_cal_designed IS 'Number of fibers put on calibration stars';

--
-- Name: COLUMN pfs_design.num_sky_designed; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.num_sky_designed IS 'Number of fibers put on blank sky';

--
-- Name: COLUMN pfs_design.num_guide_stars; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.num_guide_stars IS 'Number of guide stars selected';

--
-- Name: COLUMN pfs_design.exptime_tot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.exptime_tot IS 'Total planned exposure time, seconds';

--
-- Name: COLUMN pfs_design.exptime_min; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.exptime_min IS 'Shortest single exposure planned, seconds';

--
-- Name: COLUMN pfs_design.ets_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.ets_version IS 'Version of the fiber assigner (ETS) used';

--
-- Name: COLUMN pfs_design.ets_assigner; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.ets_assigner IS 'Assignment algorithm chosen in ETS';

--
-- Name: COLUMN pfs_design.designed_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.designed_at IS 'When the design was made';

--
-- Name: COLUMN pfs_design.to_be_observed_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.to_be_observed_at IS 'Time the design was planned for';

--
-- Name: COLUMN pfs_design.pfs_utils_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.pfs_utils_version IS 'pfs_utils version that wrote the design';

--
-- Name: COLUMN pfs_design.is_obsolete; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design.is_obsolete IS 'True once the design should no longer be used';

--
-- Name: pfs_design_agc; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_design_agc (
    pfs_design_id bigint NOT NULL,
    guide_star_id bigint NOT NULL,
    epoch character varying,
    guide_star_ra double precision,
    guide_star_dec double precision,
    guide_star_pm_ra real,
    guide_star_pm_dec real,
    guide_star_parallax real,
    guide_star_magnitude real,
    passband character varying,
    guide_star_color real,
    guide_star_flag integer,
    agc_camera_id integer,
    agc_target_x_pix real,
    agc_target_y_pix real,
    comments character varying
);

--
-- Name: COLUMN pfs_design_agc.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.pfs_design_id IS 'Design the guide star belongs to';

--
-- Name: COLUMN pfs_design_agc.guide_star_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_id IS 'Catalog id of the guide star';

--
-- Name: COLUMN pfs_design_agc.epoch; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.epoch IS 'Epoch of the star coordinates';

--
-- Name: COLUMN pfs_design_agc.guide_star_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_ra IS 'Star right ascension, deg';

--
-- Name: COLUMN pfs_design_agc.guide_star_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_dec IS 'Star declination, deg';

--
-- Name: COLUMN pfs_design_agc.guide_star_pm_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_pm_ra IS 'Star proper motion in right ascension, mas/yr';

--
-- Name: COLUMN pfs_design_agc.guide_star_pm_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_pm_dec IS 'Star proper motion in declination, mas/yr';

--
-- Name: COLUMN pfs_design_agc.guide_star_parallax; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_parallax IS 'Star parallax, mas';

--
-- Name: COLUMN pfs_design_agc.guide_star_magnitude; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_magnitude IS 'Star brightness, magnitudes';

--
-- Name: COLUMN pfs_design_agc.passband; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.passband IS 'Filter the magnitude is given in';

--
-- Name: COLUMN pfs_design_agc.guide_star_color; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_color IS 'Star colour index, magnitudes';

--
-- Name: COLUMN pfs_design_agc.guide_star_flag; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.guide_star_flag IS 'Quality flag from the star catalog';

--
-- Name: COLUMN pfs_design_agc.agc_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.agc_camera_id IS 'AG camera expected to see the star';

--
-- Name: COLUMN pfs_design_agc.agc_target_x_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.agc_target_x_pix IS 'Expected star position on that camera, x pixels';

--
-- Name: COLUMN pfs_design_agc.agc_target_y_pix; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.agc_target_y_pix IS 'Expected star position on that camera, y pixels';

--
-- Name: COLUMN pfs_design_agc.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_agc.comments IS 'Free-text notes';

--
-- Name: pfs_design_fiber; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_design_fiber (
    pfs_design_id bigint NOT NULL,
    fiber_id integer NOT NULL,
    target_cat_id integer,
    target_tract integer,
    target_patch character varying,
    target_obj_id bigint,
    target_ra double precision,
    target_dec double precision,
    target_pm_ra real,
    target_pm_dec real,
    target_parallax real,
    epoch character varying,
    proposal_id character varying,
    ob_code character varying,
    target_type integer,
    fiber_status integer,
    pfi_nominal_x_mm real,
    pfi_nominal_y_mm real,
    ets_priority integer,
    ets_cost_function double precision,
    ets_cobra_motor_movement character varying,
    is_on_source boolean,
    comments character varying
);

--
-- Name: COLUMN pfs_design_fiber.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.pfs_design_id IS 'Design the assignment belongs to';

--
-- Name: COLUMN pfs_design_fiber.fiber_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.fiber_id IS 'Fiber being assigned';

--
-- Name: COLUMN pfs_design_fiber.target_cat_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_cat_id IS 'Catalog the target comes from';

--
-- Name: COLUMN pfs_design_fiber.target_tract; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_tract IS 'Sky tract of the target (survey tiling)';

--
-- Name: COLUMN pfs_design_fiber.target_patch; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_patch IS 'Patch within the tract, e.g. 1,2';

--
-- Name: COLUMN pfs_design_fiber.target_obj_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_obj_id IS 'Object id of the target in its catalog';

--
-- Name: COLUMN pfs_design_fiber.target_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_ra IS 'Target right ascension, deg';

--
-- Name: COLUMN pfs_design_fiber.target_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_dec IS 'Target declination, deg';

--
-- Name: COLUMN pfs_design_fiber.target_pm_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_pm_ra IS 'Target proper motion in right ascension, mas/yr';

--
-- Name: COLUMN pfs_design_fiber.target_pm_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_pm_dec IS 'Target proper motion in declination, mas/yr';

--
-- Name: COLUMN pfs_design_fiber.target_parallax; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_parallax IS 'Target parallax, mas';

--
-- Name: COLUMN pfs_design_fiber.epoch; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.epoch IS 'Epoch of the target coordinates, e.g. J2016.0';

--
-- Name: COLUMN pfs_design_fiber.proposal_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.proposal_id IS 'Observing proposal the target belongs to';

--
-- Name: COLUMN pfs_design_fiber.ob_code; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.ob_code IS 'Observation-block code of the target';

--
-- Name: COLUMN pfs_design_fiber.target_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.target_type IS 'Target kind code (science, sky, flux standard...)';

--
-- Name: COLUMN pfs_design_fiber.fiber_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.fiber_status IS 'Fiber health code (good, broken, blocked...)';

--
-- Name: COLUMN pfs_design_fiber.pfi_nominal_x_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.pfi_nominal_x_mm IS 'Planned fiber position along PFI x, mm';

--
-- Name: COLUMN pfs_design_fiber.pfi_nominal_y_mm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.pfi_nominal_y_mm IS 'Planned fiber position along PFI y, mm';

--
-- Name: COLUMN pfs_design_fiber.ets_priority; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.ets_priority IS 'Priority ETS gave the target';

--
-- Name: COLUMN pfs_design_fiber.ets_cost_function; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.ets_cost_function IS 'Cost ETS computed for the assignment';

--
-- Name: COLUMN pfs_design_fiber.ets_cobra_motor_movement; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.ets_cobra_motor_movement IS 'Cobra motion plan ETS produced for the fiber';

--
-- Name: COLUMN pfs_design_fiber.is_on_source; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.is_on_source IS 'True if the fiber is meant to sit on its target';

--
-- Name: COLUMN pfs_design_fiber.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_design_fiber.comments IS 'Free-text notes';

--
-- Name: pfs_visit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pfs_visit (
    pfs_visit_id integer NOT NULL,
    pfs_visit_description character varying,
    pfs_design_id bigint,
    issued_at timestamp without time zone
);

--
-- Name: COLUMN pfs_visit.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_visit.pfs_visit_id IS 'Visit number handed out by Gen2; unique across the instrument';

--
-- Name: COLUMN pfs_visit.pfs_visit_description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_visit.pfs_visit_description IS 'Free-text label of what the visit was for';

--
-- Name: COLUMN pfs_visit.pfs_design_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_visit.pfs_design_id IS 'Fiber design loaded when the visit was taken';

--
-- Name: COLUMN pfs_visit.issued_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pfs_visit.issued_at IS 'When the visit id was allocated';

--
-- Name: sequence_group; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sequence_group (
    group_id integer NOT NULL,
    group_name character varying,
    created_at timestamp without time zone
);

--
-- Name: COLUMN sequence_group.group_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sequence_group.group_id IS 'Number identifying the group of sequences';

--
-- Name: COLUMN sequence_group.group_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sequence_group.group_name IS 'Human-readable name of the group';

--
-- Name: COLUMN sequence_group.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sequence_group.created_at IS 'When the group was opened';

--
-- Name: sps_annotation; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_annotation (
    annotation_id integer NOT NULL,
    pfs_visit_id integer,
    sps_camera_id integer,
    data_flag integer,
    notes character varying,
    created_at timestamp without time zone
);

--
-- Name: COLUMN sps_annotation.annotation_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.annotation_id IS 'Serial number of the annotation';

--
-- Name: COLUMN sps_annotation.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.pfs_visit_id IS 'Visit of the annotated frame';

--
-- Name: COLUMN sps_annotation.sps_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.sps_camera_id IS 'Camera of the annotated frame';

--
-- Name: COLUMN sps_annotation.data_flag; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.data_flag IS 'Quality verdict code for the frame';

--
-- Name: COLUMN sps_annotation.notes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.notes IS 'Free-text remark about the frame';

--
-- Name: COLUMN sps_annotation.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_annotation.created_at IS 'When the note was written';

--
-- Name: sps_annotation_annotation_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sps_annotation_annotation_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

--
-- Name: sps_annotation_annotation_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sps_annotation_annotation_id_seq OWNED BY public.sps_annotation.annotation_id;

--
-- Name: sps_camera; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_camera (
    sps_camera_id integer NOT NULL,
    sps_camera_name character varying(2),
    sps_module_id integer,
    sps_module_name character varying(3),
    arm character varying(1),
    arm_num integer
);

--
-- Name: COLUMN sps_camera.sps_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.sps_camera_id IS 'Camera number, 1 to 16';

--
-- Name: COLUMN sps_camera.sps_camera_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.sps_camera_name IS 'Arm letter plus module digit, e.g. r2';

--
-- Name: COLUMN sps_camera.sps_module_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.sps_module_id IS 'Module the camera is mounted on';

--
-- Name: COLUMN sps_camera.sps_module_name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.sps_module_name IS 'Name of that module, e.g. sm2';

--
-- Name: COLUMN sps_camera.arm; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.arm IS 'Arm letter: b, r, n or m';

--
-- Name: COLUMN sps_camera.arm_num; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_camera.arm_num IS 'Arm as a number, 1 to 4';

--
-- Name: sps_condition; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_condition (
    pfs_visit_id integer NOT NULL,
    sps_camera_id integer NOT NULL,
    background real,
    throughput real
);

--
-- Name: COLUMN sps_condition.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_condition.pfs_visit_id IS 'Visit of the measured frame';

--
-- Name: COLUMN sps_condition.sps_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_condition.sps_camera_id IS 'Camera of the measured frame';

--
-- Name: COLUMN sps_condition.background; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_condition.background IS 'Measured background level of the frame';

--
-- Name: COLUMN sps_condition.throughput; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_condition.throughput IS 'Estimated end-to-end system throughput';

--
-- Name: sps_exposure; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_exposure (
    pfs_visit_id integer NOT NULL,
    sps_camera_id integer NOT NULL,
    exptime real,
    time_exp_start timestamp without time zone,
    time_exp_end timestamp without time zone,
    beam_config_date double precision
);

--
-- Name: COLUMN sps_exposure.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.pfs_visit_id IS 'Spectrograph visit the frame was read out for';

--
-- Name: COLUMN sps_exposure.sps_camera_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.sps_camera_id IS 'Camera that took the frame';

--
-- Name: COLUMN sps_exposure.exptime; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.exptime IS 'Shutter-open time of the frame, seconds';

--
-- Name: COLUMN sps_exposure.time_exp_start; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.time_exp_start IS 'When integration began';

--
-- Name: COLUMN sps_exposure.time_exp_end; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.time_exp_end IS 'When integration ended';

--
-- Name: COLUMN sps_exposure.beam_config_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_exposure.beam_config_date IS 'MJD of the last change of the spectrograph beam configuration';

--
-- Name: sps_module; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_module (
    sps_module_id integer NOT NULL,
    description character varying
);

--
-- Name: COLUMN sps_module.sps_module_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_module.sps_module_id IS 'Spectrograph module number, 1 to 4';

--
-- Name: COLUMN sps_module.description; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_module.description IS 'Short name of the module (e.g. sm1)';

--
-- Name: sps_sequence; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_sequence (
    visit_set_id integer NOT NULL,
    sequence_type character varying,
    name character varying,
    comments character varying,
    cmd_str character varying,
    status character varying
);

--
-- Name: COLUMN sps_sequence.visit_set_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.visit_set_id IS 'Number of the spectrograph visit set';

--
-- Name: COLUMN sps_sequence.sequence_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.sequence_type IS 'Kind of spectrograph sequence (arcs, flats...)';

--
-- Name: COLUMN sps_sequence.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.name IS 'Name the observer gave to this batch of visits';

--
-- Name: COLUMN sps_sequence.comments; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.comments IS 'Observer remarks about the sequence';

--
-- Name: COLUMN sps_sequence.cmd_str; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.cmd_str IS 'Command line that produced the visits';

--
-- Name: COLUMN sps_sequence.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_sequence.status IS 'Final state of the sequence, as text';

--
-- Name: sps_visit; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sps_visit (
    pfs_visit_id integer NOT NULL,
    exp_type character varying
);

--
-- Name: COLUMN sps_visit.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_visit.pfs_visit_id IS 'Visit the spectrograph exposure belongs to';

--
-- Name: COLUMN sps_visit.exp_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sps_visit.exp_type IS 'Exposure kind such as bias, dark, flat, arc, object';

--
-- Name: tel_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.tel_status (
    pfs_visit_id integer NOT NULL,
    status_sequence_id integer NOT NULL,
    altitude real,
    azimuth real,
    insrot real,
    inst_pa real,
    adc_pa real,
    m2_pos3 real,
    m2_off3 real,
    tel_ra real,
    tel_dec real,
    dither_ra real,
    dither_dec real,
    dither_pa real,
    dome_shutter_status integer,
    dome_light_status integer,
    caller character varying,
    created_at timestamp without time zone
);

--
-- Name: COLUMN tel_status.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.pfs_visit_id IS 'Visit the snapshot was taken in';

--
-- Name: COLUMN tel_status.status_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.status_sequence_id IS 'Running number of the Gen2 status snapshot within the visit';

--
-- Name: COLUMN tel_status.altitude; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.altitude IS 'Telescope elevation, degrees';

--
-- Name: COLUMN tel_status.azimuth; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.azimuth IS 'Telescope azimuth, degrees';

--
-- Name: COLUMN tel_status.insrot; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.insrot IS 'Instrument rotator angle, degrees';

--
-- Name: COLUMN tel_status.inst_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.inst_pa IS 'Instrument position angle on the sky at start, degrees';

--
-- Name: COLUMN tel_status.adc_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.adc_pa IS 'Atmospheric dispersion corrector angle at start, degrees';

--
-- Name: COLUMN tel_status.m2_pos3; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.m2_pos3 IS 'Secondary-mirror hexapod focus (z) position, mm';

--
-- Name: COLUMN tel_status.m2_off3; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.m2_off3 IS 'Focus offset applied on top of the hexapod position, mm';

--
-- Name: COLUMN tel_status.tel_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.tel_ra IS 'Right ascension the telescope points at, degrees';

--
-- Name: COLUMN tel_status.tel_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.tel_dec IS 'Declination the telescope points at, degrees';

--
-- Name: COLUMN tel_status.dither_ra; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.dither_ra IS 'Dither offset applied in right ascension, arcsec';

--
-- Name: COLUMN tel_status.dither_dec; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.dither_dec IS 'Dither offset applied in declination, arcsec';

--
-- Name: COLUMN tel_status.dither_pa; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.dither_pa IS 'Dither offset applied to the position angle';

--
-- Name: COLUMN tel_status.dome_shutter_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.dome_shutter_status IS 'Dome slit state code: open, closed or unknown';

--
-- Name: COLUMN tel_status.dome_light_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.dome_light_status IS 'Bitmask of the dome interior lights that are on';

--
-- Name: COLUMN tel_status.caller; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.caller IS 'Subsystem that asked for the snapshot (mcs, agcc...)';

--
-- Name: COLUMN tel_status.created_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.tel_status.created_at IS 'When the snapshot was recorded';

--
-- Name: visit_set; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.visit_set (
    pfs_visit_id integer NOT NULL,
    iic_sequence_id integer
);

--
-- Name: COLUMN visit_set.pfs_visit_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.visit_set.pfs_visit_id IS 'Visit taken as part of the sequence';

--
-- Name: COLUMN visit_set.iic_sequence_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.visit_set.iic_sequence_id IS 'Sequence the visit was taken in';

--
-- Name: calib calib_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib ALTER COLUMN calib_id SET DEFAULT nextval('public.calib_calib_id_seq'::regclass);

--
-- Name: calib_set calib_set_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set ALTER COLUMN calib_set_id SET DEFAULT nextval('public.calib_set_calib_set_id_seq'::regclass);

--
-- Name: cobra_geometry_calib cobra_geometry_calib_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_geometry_calib ALTER COLUMN cobra_geometry_calib_id SET DEFAULT nextval('public.cobra_geometry_calib_cobra_geometry_calib_id_seq'::regclass);

--
-- Name: cobra_motor_calib cobra_motor_calib_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_calib ALTER COLUMN cobra_motor_calib_id SET DEFAULT nextval('public.cobra_motor_calib_cobra_motor_calib_id_seq'::regclass);

--
-- Name: cobra_motor_model cobra_motor_model_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_model ALTER COLUMN cobra_motor_model_id SET DEFAULT nextval('public.cobra_motor_model_cobra_motor_model_id_seq'::regclass);

--
-- Name: fiducial_fiber_calib fiducial_fiber_calib_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_calib ALTER COLUMN fiducial_fiber_calib_id SET DEFAULT nextval('public.fiducial_fiber_calib_fiducial_fiber_calib_id_seq'::regclass);

--
-- Name: obslog_mcs_exposure_note id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_mcs_exposure_note ALTER COLUMN id SET DEFAULT nextval('public.obslog_mcs_exposure_note_id_seq'::regclass);

--
-- Name: obslog_user id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_user ALTER COLUMN id SET DEFAULT nextval('public.obslog_user_id_seq'::regclass);

--
-- Name: obslog_visit_note id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_note ALTER COLUMN id SET DEFAULT nextval('public.obslog_visit_note_id_seq'::regclass);

--
-- Name: obslog_visit_set_note id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_set_note ALTER COLUMN id SET DEFAULT nextval('public.obslog_visit_set_note_id_seq'::regclass);

--
-- Name: sps_annotation annotation_id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_annotation ALTER COLUMN annotation_id SET DEFAULT nextval('public.sps_annotation_annotation_id_seq'::regclass);

--
-- Name: agc_data agc_data_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_data
    ADD CONSTRAINT agc_data_pkey PRIMARY KEY (agc_exposure_id, agc_camera_id, spot_id);

--
-- Name: agc_exposure agc_exposure_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_exposure
    ADD CONSTRAINT agc_exposure_pkey PRIMARY KEY (agc_exposure_id);

--
-- Name: agc_guide_offset agc_guide_offset_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_guide_offset
    ADD CONSTRAINT agc_guide_offset_pkey PRIMARY KEY (agc_exposure_id);

--
-- Name: agc_match agc_match_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_match
    ADD CONSTRAINT agc_match_pkey PRIMARY KEY (agc_exposure_id, agc_camera_id, spot_id);

--
-- Name: beam_switch_mode beam_switch_mode_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.beam_switch_mode
    ADD CONSTRAINT beam_switch_mode_pkey PRIMARY KEY (beam_switch_mode_id);

--
-- Name: calib calib_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib
    ADD CONSTRAINT calib_pkey PRIMARY KEY (calib_id);

--
-- Name: calib_set calib_set_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set
    ADD CONSTRAINT calib_set_pkey PRIMARY KEY (calib_set_id);

--
-- Name: camera_model_f3c_mcs camera_model_f3c_mcs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.camera_model_f3c_mcs
    ADD CONSTRAINT camera_model_f3c_mcs_pkey PRIMARY KEY (mcs_frame_id);

--
-- Name: cloud_condition cloud_condition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cloud_condition
    ADD CONSTRAINT cloud_condition_pkey PRIMARY KEY (cloud_condition_id);

--
-- Name: cobra_convergence_test cobra_convergence_test_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_convergence_test
    ADD CONSTRAINT cobra_convergence_test_pkey PRIMARY KEY (cobra_motor_model_id, iteration, cobra_motor_angle_target_id);

--
-- Name: cobra_geometry_calib cobra_geometry_calib_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_geometry_calib
    ADD CONSTRAINT cobra_geometry_calib_pkey PRIMARY KEY (cobra_geometry_calib_id);

--
-- Name: cobra_geometry cobra_geometry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_geometry
    ADD CONSTRAINT cobra_geometry_pkey PRIMARY KEY (cobra_geometry_calib_id, cobra_id);

--
-- Name: cobra_match cobra_match_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_match
    ADD CONSTRAINT cobra_match_pkey PRIMARY KEY (pfs_visit_id, iteration, cobra_id);

--
-- Name: cobra_motor_axis cobra_motor_axis_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_axis
    ADD CONSTRAINT cobra_motor_axis_pkey PRIMARY KEY (cobra_motor_axis_id);

--
-- Name: cobra_motor_calib cobra_motor_calib_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_calib
    ADD CONSTRAINT cobra_motor_calib_pkey PRIMARY KEY (cobra_motor_calib_id);

--
-- Name: cobra_motor_direction cobra_motor_direction_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_direction
    ADD CONSTRAINT cobra_motor_direction_pkey PRIMARY KEY (cobra_motor_direction_id);

--
-- Name: cobra_motor_map cobra_motor_map_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_map
    ADD CONSTRAINT cobra_motor_map_pkey PRIMARY KEY (cobra_motor_model_id, cobra_motor_move_sequence);

--
-- Name: cobra_motor_model cobra_motor_model_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_model
    ADD CONSTRAINT cobra_motor_model_pkey PRIMARY KEY (cobra_motor_model_id);

--
-- Name: cobra_move cobra_move_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_move
    ADD CONSTRAINT cobra_move_pkey PRIMARY KEY (pfs_visit_id, iteration, cobra_id);

--
-- Name: cobra cobra_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra
    ADD CONSTRAINT cobra_pkey PRIMARY KEY (cobra_id);

--
-- Name: cobra_target cobra_target_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_target
    ADD CONSTRAINT cobra_target_pkey PRIMARY KEY (pfs_visit_id, iteration, cobra_id);

--
-- Name: dot_roach_flux dot_roach_flux_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dot_roach_flux
    ADD CONSTRAINT dot_roach_flux_pkey PRIMARY KEY (pfs_visit_id, cobra_id);

--
-- Name: env_condition env_condition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.env_condition
    ADD CONSTRAINT env_condition_pkey PRIMARY KEY (pfs_visit_id, status_sequence_id);

--
-- Name: fiducial_fiber_calib fiducial_fiber_calib_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_calib
    ADD CONSTRAINT fiducial_fiber_calib_pkey PRIMARY KEY (fiducial_fiber_calib_id);

--
-- Name: fiducial_fiber_geometry fiducial_fiber_geometry_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_geometry
    ADD CONSTRAINT fiducial_fiber_geometry_pkey PRIMARY KEY (fiducial_fiber_id, fiducial_fiber_calib_id);

--
-- Name: fiducial_fiber_match fiducial_fiber_match_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_match
    ADD CONSTRAINT fiducial_fiber_match_pkey PRIMARY KEY (pfs_visit_id, iteration, fiducial_fiber_id);

--
-- Name: fiducial_fiber fiducial_fiber_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber
    ADD CONSTRAINT fiducial_fiber_pkey PRIMARY KEY (fiducial_fiber_id);

--
-- Name: field_set field_set_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.field_set
    ADD CONSTRAINT field_set_pkey PRIMARY KEY (iic_sequence_id);

--
-- Name: guide_stars guide_stars_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guide_stars
    ADD CONSTRAINT guide_stars_pkey PRIMARY KEY (guide_star_id);

--
-- Name: iic_sequence iic_sequence_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.iic_sequence
    ADD CONSTRAINT iic_sequence_pkey PRIMARY KEY (iic_sequence_id);

--
-- Name: iic_sequence_status iic_sequence_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.iic_sequence_status
    ADD CONSTRAINT iic_sequence_status_pkey PRIMARY KEY (iic_sequence_id);

--
-- Name: input_catalog input_catalog_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.input_catalog
    ADD CONSTRAINT input_catalog_pkey PRIMARY KEY (cat_id);

--
-- Name: mcs_boresight mcs_boresight_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_boresight
    ADD CONSTRAINT mcs_boresight_pkey PRIMARY KEY (pfs_visit_id);

--
-- Name: mcs_camera mcs_camera_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_camera
    ADD CONSTRAINT mcs_camera_pkey PRIMARY KEY (mcs_camera_id);

--
-- Name: mcs_data mcs_data_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_data
    ADD CONSTRAINT mcs_data_pkey PRIMARY KEY (mcs_frame_id, spot_id);

--
-- Name: mcs_exposure mcs_exposure_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_exposure
    ADD CONSTRAINT mcs_exposure_pkey PRIMARY KEY (mcs_frame_id);

--
-- Name: mcs_pfi_transformation mcs_pfi_transformation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_pfi_transformation
    ADD CONSTRAINT mcs_pfi_transformation_pkey PRIMARY KEY (mcs_frame_id);

--
-- Name: obs_condition obs_condition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obs_condition
    ADD CONSTRAINT obs_condition_pkey PRIMARY KEY (pfs_visit_id, status_sequence_id);

--
-- Name: obslog_fits_header obslog_fits_header_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_fits_header
    ADD CONSTRAINT obslog_fits_header_pkey PRIMARY KEY (filestem, hdu_index);

--
-- Name: obslog_mcs_exposure_note obslog_mcs_exposure_note_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_mcs_exposure_note
    ADD CONSTRAINT obslog_mcs_exposure_note_pkey PRIMARY KEY (id);

--
-- Name: obslog_user obslog_user_account_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_user
    ADD CONSTRAINT obslog_user_account_name_key UNIQUE (account_name);

--
-- Name: obslog_user obslog_user_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_user
    ADD CONSTRAINT obslog_user_pkey PRIMARY KEY (id);

--
-- Name: obslog_visit_note obslog_visit_note_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_note
    ADD CONSTRAINT obslog_visit_note_pkey PRIMARY KEY (id);

--
-- Name: obslog_visit_set_note obslog_visit_set_note_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_set_note
    ADD CONSTRAINT obslog_visit_set_note_pkey PRIMARY KEY (id);

--
-- Name: pfs_config_agc pfs_config_agc_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_agc
    ADD CONSTRAINT pfs_config_agc_pkey PRIMARY KEY (pfs_design_id, visit0, guide_star_id);

--
-- Name: pfs_config_fiber pfs_config_fiber_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_fiber
    ADD CONSTRAINT pfs_config_fiber_pkey PRIMARY KEY (pfs_design_id, visit0, fiber_id);

--
-- Name: pfs_config pfs_config_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config
    ADD CONSTRAINT pfs_config_pkey PRIMARY KEY (pfs_design_id, visit0);

--
-- Name: pfs_config_sps pfs_config_sps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_sps
    ADD CONSTRAINT pfs_config_sps_pkey PRIMARY KEY (pfs_visit_id, visit0);

--
-- Name: pfs_config pfs_config_visit0_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config
    ADD CONSTRAINT pfs_config_visit0_key UNIQUE (visit0);

--
-- Name: pfs_design_agc pfs_design_agc_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_design_agc
    ADD CONSTRAINT pfs_design_agc_pkey PRIMARY KEY (pfs_design_id, guide_star_id);

--
-- Name: pfs_design_fiber pfs_design_fiber_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_design_fiber
    ADD CONSTRAINT pfs_design_fiber_pkey PRIMARY KEY (pfs_design_id, fiber_id);

--
-- Name: pfs_design pfs_design_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_design
    ADD CONSTRAINT pfs_design_pkey PRIMARY KEY (pfs_design_id);

--
-- Name: pfs_visit pfs_visit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_visit
    ADD CONSTRAINT pfs_visit_pkey PRIMARY KEY (pfs_visit_id);

--
-- Name: sequence_group sequence_group_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sequence_group
    ADD CONSTRAINT sequence_group_pkey PRIMARY KEY (group_id);

--
-- Name: sps_annotation sps_annotation_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_annotation
    ADD CONSTRAINT sps_annotation_pkey PRIMARY KEY (annotation_id);

--
-- Name: sps_camera sps_camera_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_camera
    ADD CONSTRAINT sps_camera_pkey PRIMARY KEY (sps_camera_id);

--
-- Name: sps_condition sps_condition_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_condition
    ADD CONSTRAINT sps_condition_pkey PRIMARY KEY (pfs_visit_id, sps_camera_id);

--
-- Name: sps_exposure sps_exposure_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_exposure
    ADD CONSTRAINT sps_exposure_pkey PRIMARY KEY (pfs_visit_id, sps_camera_id);

--
-- Name: sps_module sps_module_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_module
    ADD CONSTRAINT sps_module_pkey PRIMARY KEY (sps_module_id);

--
-- Name: sps_sequence sps_sequence_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_sequence
    ADD CONSTRAINT sps_sequence_pkey PRIMARY KEY (visit_set_id);

--
-- Name: sps_visit sps_visit_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_visit
    ADD CONSTRAINT sps_visit_pkey PRIMARY KEY (pfs_visit_id);

--
-- Name: tel_status tel_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tel_status
    ADD CONSTRAINT tel_status_pkey PRIMARY KEY (pfs_visit_id, status_sequence_id);

--
-- Name: visit_set visit_set_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_set
    ADD CONSTRAINT visit_set_pkey PRIMARY KEY (pfs_visit_id);

--
-- Name: ix_cobra_motor_model_cobra_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cobra_motor_model_cobra_id ON public.cobra_motor_model USING btree (cobra_id);

--
-- Name: ix_cobra_motor_model_cobra_motor_axis_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cobra_motor_model_cobra_motor_axis_id ON public.cobra_motor_model USING btree (cobra_motor_axis_id);

--
-- Name: ix_cobra_motor_model_cobra_motor_calib_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cobra_motor_model_cobra_motor_calib_id ON public.cobra_motor_model USING btree (cobra_motor_calib_id);

--
-- Name: ix_cobra_motor_model_cobra_motor_direction_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_cobra_motor_model_cobra_motor_direction_id ON public.cobra_motor_model USING btree (cobra_motor_direction_id);

--
-- Name: ix_env_condition_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_env_condition_created_at ON public.env_condition USING btree (created_at);

--
-- Name: ix_mcs_data_mcs_frame_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_mcs_data_mcs_frame_id ON public.mcs_data USING btree (mcs_frame_id);

--
-- Name: ix_mcs_exposure_mcs_frame_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ix_mcs_exposure_mcs_frame_id ON public.mcs_exposure USING btree (mcs_frame_id);

--
-- Name: ix_obs_condition_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_obs_condition_created_at ON public.obs_condition USING btree (created_at);

--
-- Name: ix_obslog_fits_header_pfs_visit_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_obslog_fits_header_pfs_visit_id ON public.obslog_fits_header USING btree (pfs_visit_id);

--
-- Name: ix_tel_status_created_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_tel_status_created_at ON public.tel_status USING btree (created_at);

--
-- Name: agc_data agc_data_agc_exposure_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_data
    ADD CONSTRAINT agc_data_agc_exposure_id_fkey FOREIGN KEY (agc_exposure_id) REFERENCES public.agc_exposure(agc_exposure_id);

--
-- Name: agc_exposure agc_exposure_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_exposure
    ADD CONSTRAINT agc_exposure_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: agc_guide_offset agc_guide_offset_agc_exposure_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_guide_offset
    ADD CONSTRAINT agc_guide_offset_agc_exposure_id_fkey FOREIGN KEY (agc_exposure_id) REFERENCES public.agc_exposure(agc_exposure_id);

--
-- Name: agc_match agc_match_agc_exposure_id_agc_camera_id_spot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agc_match
    ADD CONSTRAINT agc_match_agc_exposure_id_agc_camera_id_spot_id_fkey FOREIGN KEY (agc_exposure_id, agc_camera_id, spot_id) REFERENCES public.agc_data(agc_exposure_id, agc_camera_id, spot_id);

--
-- Name: calib calib_pfs_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib
    ADD CONSTRAINT calib_pfs_design_id_fkey FOREIGN KEY (pfs_design_id) REFERENCES public.pfs_design(pfs_design_id);

--
-- Name: calib_set calib_set_calib_arcs_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set
    ADD CONSTRAINT calib_set_calib_arcs_id_fkey FOREIGN KEY (calib_arcs_id) REFERENCES public.calib(calib_id);

--
-- Name: calib_set calib_set_calib_bias_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set
    ADD CONSTRAINT calib_set_calib_bias_id_fkey FOREIGN KEY (calib_bias_id) REFERENCES public.calib(calib_id);

--
-- Name: calib_set calib_set_calib_dark_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set
    ADD CONSTRAINT calib_set_calib_dark_id_fkey FOREIGN KEY (calib_dark_id) REFERENCES public.calib(calib_id);

--
-- Name: calib_set calib_set_calib_flat_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.calib_set
    ADD CONSTRAINT calib_set_calib_flat_id_fkey FOREIGN KEY (calib_flat_id) REFERENCES public.calib(calib_id);

--
-- Name: camera_model_f3c_mcs camera_model_f3c_mcs_mcs_frame_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.camera_model_f3c_mcs
    ADD CONSTRAINT camera_model_f3c_mcs_mcs_frame_id_fkey FOREIGN KEY (mcs_frame_id) REFERENCES public.mcs_exposure(mcs_frame_id);

--
-- Name: cobra_convergence_test cobra_convergence_test_cobra_motor_model_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_convergence_test
    ADD CONSTRAINT cobra_convergence_test_cobra_motor_model_id_fkey FOREIGN KEY (cobra_motor_model_id) REFERENCES public.cobra_motor_model(cobra_motor_model_id);

--
-- Name: cobra_geometry cobra_geometry_cobra_geometry_calib_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_geometry
    ADD CONSTRAINT cobra_geometry_cobra_geometry_calib_id_fkey FOREIGN KEY (cobra_geometry_calib_id) REFERENCES public.cobra_geometry_calib(cobra_geometry_calib_id);

--
-- Name: cobra_geometry cobra_geometry_cobra_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_geometry
    ADD CONSTRAINT cobra_geometry_cobra_id_fkey FOREIGN KEY (cobra_id) REFERENCES public.cobra(cobra_id);

--
-- Name: cobra_match cobra_match_mcs_frame_id_spot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_match
    ADD CONSTRAINT cobra_match_mcs_frame_id_spot_id_fkey FOREIGN KEY (mcs_frame_id, spot_id) REFERENCES public.mcs_data(mcs_frame_id, spot_id);

--
-- Name: cobra_match cobra_match_pfs_visit_id_iteration_cobra_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_match
    ADD CONSTRAINT cobra_match_pfs_visit_id_iteration_cobra_id_fkey FOREIGN KEY (pfs_visit_id, iteration, cobra_id) REFERENCES public.cobra_target(pfs_visit_id, iteration, cobra_id);

--
-- Name: cobra_motor_map cobra_motor_map_cobra_motor_model_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_map
    ADD CONSTRAINT cobra_motor_map_cobra_motor_model_id_fkey FOREIGN KEY (cobra_motor_model_id) REFERENCES public.cobra_motor_model(cobra_motor_model_id);

--
-- Name: cobra_motor_model cobra_motor_model_cobra_motor_axis_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_model
    ADD CONSTRAINT cobra_motor_model_cobra_motor_axis_id_fkey FOREIGN KEY (cobra_motor_axis_id) REFERENCES public.cobra_motor_axis(cobra_motor_axis_id);

--
-- Name: cobra_motor_model cobra_motor_model_cobra_motor_calib_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_model
    ADD CONSTRAINT cobra_motor_model_cobra_motor_calib_id_fkey FOREIGN KEY (cobra_motor_calib_id) REFERENCES public.cobra_motor_calib(cobra_motor_calib_id);

--
-- Name: cobra_motor_model cobra_motor_model_cobra_motor_direction_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_motor_model
    ADD CONSTRAINT cobra_motor_model_cobra_motor_direction_id_fkey FOREIGN KEY (cobra_motor_direction_id) REFERENCES public.cobra_motor_direction(cobra_motor_direction_id);

--
-- Name: cobra_move cobra_move_pfs_visit_id_iteration_cobra_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_move
    ADD CONSTRAINT cobra_move_pfs_visit_id_iteration_cobra_id_fkey FOREIGN KEY (pfs_visit_id, iteration, cobra_id) REFERENCES public.cobra_match(pfs_visit_id, iteration, cobra_id);

--
-- Name: cobra_target cobra_target_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.cobra_target
    ADD CONSTRAINT cobra_target_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: dot_roach_flux dot_roach_flux_cobra_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dot_roach_flux
    ADD CONSTRAINT dot_roach_flux_cobra_id_fkey FOREIGN KEY (cobra_id) REFERENCES public.cobra(cobra_id);

--
-- Name: dot_roach_flux dot_roach_flux_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.dot_roach_flux
    ADD CONSTRAINT dot_roach_flux_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: env_condition env_condition_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.env_condition
    ADD CONSTRAINT env_condition_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: fiducial_fiber_geometry fiducial_fiber_geometry_fiducial_fiber_calib_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_geometry
    ADD CONSTRAINT fiducial_fiber_geometry_fiducial_fiber_calib_id_fkey FOREIGN KEY (fiducial_fiber_calib_id) REFERENCES public.fiducial_fiber_calib(fiducial_fiber_calib_id);

--
-- Name: fiducial_fiber_geometry fiducial_fiber_geometry_fiducial_fiber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_geometry
    ADD CONSTRAINT fiducial_fiber_geometry_fiducial_fiber_id_fkey FOREIGN KEY (fiducial_fiber_id) REFERENCES public.fiducial_fiber(fiducial_fiber_id);

--
-- Name: fiducial_fiber_match fiducial_fiber_match_mcs_frame_id_spot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fiducial_fiber_match
    ADD CONSTRAINT fiducial_fiber_match_mcs_frame_id_spot_id_fkey FOREIGN KEY (mcs_frame_id, spot_id) REFERENCES public.mcs_data(mcs_frame_id, spot_id);

--
-- Name: field_set field_set_iic_sequence_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.field_set
    ADD CONSTRAINT field_set_iic_sequence_id_fkey FOREIGN KEY (iic_sequence_id) REFERENCES public.iic_sequence(iic_sequence_id);

--
-- Name: field_set field_set_visit0_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.field_set
    ADD CONSTRAINT field_set_visit0_fkey FOREIGN KEY (visit0) REFERENCES public.pfs_config(visit0);

--
-- Name: guide_stars guide_stars_cat_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.guide_stars
    ADD CONSTRAINT guide_stars_cat_id_fkey FOREIGN KEY (cat_id) REFERENCES public.input_catalog(cat_id);

--
-- Name: iic_sequence iic_sequence_group_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.iic_sequence
    ADD CONSTRAINT iic_sequence_group_id_fkey FOREIGN KEY (group_id) REFERENCES public.sequence_group(group_id);

--
-- Name: iic_sequence_status iic_sequence_status_iic_sequence_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.iic_sequence_status
    ADD CONSTRAINT iic_sequence_status_iic_sequence_id_fkey FOREIGN KEY (iic_sequence_id) REFERENCES public.iic_sequence(iic_sequence_id);

--
-- Name: mcs_boresight mcs_boresight_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_boresight
    ADD CONSTRAINT mcs_boresight_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: mcs_data mcs_data_mcs_frame_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_data
    ADD CONSTRAINT mcs_data_mcs_frame_id_fkey FOREIGN KEY (mcs_frame_id) REFERENCES public.mcs_exposure(mcs_frame_id);

--
-- Name: mcs_exposure mcs_exposure_mcs_camera_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_exposure
    ADD CONSTRAINT mcs_exposure_mcs_camera_id_fkey FOREIGN KEY (mcs_camera_id) REFERENCES public.mcs_camera(mcs_camera_id);

--
-- Name: mcs_exposure mcs_exposure_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_exposure
    ADD CONSTRAINT mcs_exposure_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: mcs_pfi_transformation mcs_pfi_transformation_mcs_frame_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.mcs_pfi_transformation
    ADD CONSTRAINT mcs_pfi_transformation_mcs_frame_id_fkey FOREIGN KEY (mcs_frame_id) REFERENCES public.mcs_exposure(mcs_frame_id);

--
-- Name: obs_condition obs_condition_cloud_condition_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obs_condition
    ADD CONSTRAINT obs_condition_cloud_condition_id_fkey FOREIGN KEY (cloud_condition_id) REFERENCES public.cloud_condition(cloud_condition_id);

--
-- Name: obs_condition obs_condition_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obs_condition
    ADD CONSTRAINT obs_condition_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: obslog_fits_header obslog_fits_header_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_fits_header
    ADD CONSTRAINT obslog_fits_header_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: obslog_mcs_exposure_note obslog_mcs_exposure_note_mcs_exposure_frame_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_mcs_exposure_note
    ADD CONSTRAINT obslog_mcs_exposure_note_mcs_exposure_frame_id_fkey FOREIGN KEY (mcs_exposure_frame_id) REFERENCES public.mcs_exposure(mcs_frame_id);

--
-- Name: obslog_mcs_exposure_note obslog_mcs_exposure_note_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_mcs_exposure_note
    ADD CONSTRAINT obslog_mcs_exposure_note_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.obslog_user(id);

--
-- Name: obslog_visit_note obslog_visit_note_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_note
    ADD CONSTRAINT obslog_visit_note_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: obslog_visit_note obslog_visit_note_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_note
    ADD CONSTRAINT obslog_visit_note_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.obslog_user(id);

--
-- Name: obslog_visit_set_note obslog_visit_set_note_iic_sequence_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_set_note
    ADD CONSTRAINT obslog_visit_set_note_iic_sequence_id_fkey FOREIGN KEY (iic_sequence_id) REFERENCES public.iic_sequence(iic_sequence_id);

--
-- Name: obslog_visit_set_note obslog_visit_set_note_user_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.obslog_visit_set_note
    ADD CONSTRAINT obslog_visit_set_note_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.obslog_user(id);

--
-- Name: pfs_config_agc pfs_config_agc_pfs_design_id_visit0_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_agc
    ADD CONSTRAINT pfs_config_agc_pfs_design_id_visit0_fkey FOREIGN KEY (pfs_design_id, visit0) REFERENCES public.pfs_config(pfs_design_id, visit0);

--
-- Name: pfs_config_fiber pfs_config_fiber_pfs_design_id_visit0_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_fiber
    ADD CONSTRAINT pfs_config_fiber_pfs_design_id_visit0_fkey FOREIGN KEY (pfs_design_id, visit0) REFERENCES public.pfs_config(pfs_design_id, visit0);

--
-- Name: pfs_config pfs_config_pfs_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config
    ADD CONSTRAINT pfs_config_pfs_design_id_fkey FOREIGN KEY (pfs_design_id) REFERENCES public.pfs_design(pfs_design_id);

--
-- Name: pfs_config_sps pfs_config_sps_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_sps
    ADD CONSTRAINT pfs_config_sps_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: pfs_config_sps pfs_config_sps_visit0_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_config_sps
    ADD CONSTRAINT pfs_config_sps_visit0_fkey FOREIGN KEY (visit0) REFERENCES public.pfs_config(visit0);

--
-- Name: pfs_design_agc pfs_design_agc_pfs_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_design_agc
    ADD CONSTRAINT pfs_design_agc_pfs_design_id_fkey FOREIGN KEY (pfs_design_id) REFERENCES public.pfs_design(pfs_design_id);

--
-- Name: pfs_design_fiber pfs_design_fiber_pfs_design_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pfs_design_fiber
    ADD CONSTRAINT pfs_design_fiber_pfs_design_id_fkey FOREIGN KEY (pfs_design_id) REFERENCES public.pfs_design(pfs_design_id);

--
-- Name: sps_annotation sps_annotation_pfs_visit_id_sps_camera_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_annotation
    ADD CONSTRAINT sps_annotation_pfs_visit_id_sps_camera_id_fkey FOREIGN KEY (pfs_visit_id, sps_camera_id) REFERENCES public.sps_exposure(pfs_visit_id, sps_camera_id);

--
-- Name: sps_camera sps_camera_sps_module_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_camera
    ADD CONSTRAINT sps_camera_sps_module_id_fkey FOREIGN KEY (sps_module_id) REFERENCES public.sps_module(sps_module_id);

--
-- Name: sps_condition sps_condition_pfs_visit_id_sps_camera_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_condition
    ADD CONSTRAINT sps_condition_pfs_visit_id_sps_camera_id_fkey FOREIGN KEY (pfs_visit_id, sps_camera_id) REFERENCES public.sps_exposure(pfs_visit_id, sps_camera_id);

--
-- Name: sps_exposure sps_exposure_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_exposure
    ADD CONSTRAINT sps_exposure_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.sps_visit(pfs_visit_id);

--
-- Name: sps_exposure sps_exposure_sps_camera_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_exposure
    ADD CONSTRAINT sps_exposure_sps_camera_id_fkey FOREIGN KEY (sps_camera_id) REFERENCES public.sps_camera(sps_camera_id);

--
-- Name: sps_visit sps_visit_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sps_visit
    ADD CONSTRAINT sps_visit_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: tel_status tel_status_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.tel_status
    ADD CONSTRAINT tel_status_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- Name: visit_set visit_set_iic_sequence_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_set
    ADD CONSTRAINT visit_set_iic_sequence_id_fkey FOREIGN KEY (iic_sequence_id) REFERENCES public.iic_sequence(iic_sequence_id);

--
-- Name: visit_set visit_set_pfs_visit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.visit_set
    ADD CONSTRAINT visit_set_pfs_visit_id_fkey FOREIGN KEY (pfs_visit_id) REFERENCES public.pfs_visit(pfs_visit_id);

--
-- PostgreSQL database dump complete
--
