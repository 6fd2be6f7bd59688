"""A simulated PFS night, as the event envelopes the instrument actors would publish.

Why: the daemon, the demo and other teams' tools need a night of *realistic* traffic to
test against (sizes, key chains, NaN centroids, sentinels, naive HST and UTC-aware
timestamps, events that arrive before their parents) without a summit connection. Every
envelope follows contract v1 (:mod:`opdb.contract`) and is built in the order the real
actors produce them:

1. one-off set-up: spectrograph modules and cameras, MCS cameras, cloud categories,
   the cobras (one event per PFI sector) and the fiducial fibers, all as ``upsert`` so
   a database that already holds this reference data takes them again;
2. the night's designs (``ets``): ``pfs_design`` with its ~2400 ``pfs_design_fiber``
   rows and a few ``pfs_design_agc`` guide stars each;
3. per field (one design, one IIC sequence, ``visits_per_field`` visits): the first
   visit converges the cobras (``frames`` iterations of cobra_target -> MCS frame ->
   cobra_match -> cobra_move), after which FPS writes the ``pfs_config`` (+ fibers and
   guide stars) and IIC links it to the sequence (``field_set``); every visit has its
   Gen2 status snapshots (``tel_status`` + ``env_condition``, ``obs_condition`` on the
   first), ``ag_frames`` guide frames on 6 cameras and one spectrograph exposure on
   4 modules x 3 arms; IIC closes the sequence and marks the configuration observed
   (an ``update``).

With ``out_of_order`` (the default) some events are published a little before their
parents, as happens when an actor's publisher retries: a Gen2 status snapshot or the
first guide frame before the visit, one module's ``sps_exposure`` before the
``sps_visit``, the FPS match before the MCS frame it refers to. Every parent does
arrive later, and no two events write the same primary key, so the whole night lands
once the daemon's missing-parent retries have run.

Everything is deterministic for a seed: the timeline and the out-of-order choices come
from one seeded :class:`random.Random`; each event's id and rows come from a generator
seeded by the night's seed and the event's own key, so an event's content does not
depend on how the events around it were ordered (``out_of_order`` changes only the
order and ``sent_at``). :func:`expected_rows` says how many rows each table gets.

``python -m opdb.simulate --visits 2 --frames 3 --out night.jsonl`` writes a night as
JSON lines (NaN written as the bare ``NaN`` token the contract reads).

The package follows the models' families: :mod:`.night` plans the timeline, and the
rows of each event come from the module of its instrument (:mod:`.mcs`, :mod:`.ag`,
:mod:`.sps`, :mod:`.telescope`, :mod:`.designs`, :mod:`.visits`); :mod:`.common` holds
the options and what they share, :mod:`.rows` the row counts.
"""

from opdb.simulate.cli import main
from opdb.simulate.common import AG_CAMERAS as AG_CAMERAS
from opdb.simulate.common import EARLY_KINDS as EARLY_KINDS
from opdb.simulate.common import EARLY_RATE as EARLY_RATE
from opdb.simulate.common import EXPOSED_ARMS as EXPOSED_ARMS
from opdb.simulate.common import FULL_COBRAS as FULL_COBRAS
from opdb.simulate.common import HST, NIGHT_START, NightOptions
from opdb.simulate.common import MAX_FIDUCIALS as MAX_FIDUCIALS
from opdb.simulate.common import MAX_FRAMES as MAX_FRAMES
from opdb.simulate.common import MAX_VISIT as MAX_VISIT
from opdb.simulate.common import EnvelopeDict as EnvelopeDict
from opdb.simulate.common import Row as Row
from opdb.simulate.common import Write as Write
from opdb.simulate.night import simulate_night
from opdb.simulate.rows import count_rows, expected_rows

__all__ = [
    "HST",
    "NIGHT_START",
    "NightOptions",
    "count_rows",
    "expected_rows",
    "main",
    "simulate_night",
]
