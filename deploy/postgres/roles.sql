-- The two PostgreSQL roles of the opDB ingestion and their privileges on one database.
--
-- Run with psql as a superuser, connected to the opDB (or naming it with -v db=...):
--
--   psql -X -U postgres -d opdb -f deploy/postgres/roles.sql
--   psql -X -U postgres -d postgres -v db=opdb_lab -f deploy/postgres/roles.sql
--
-- psql variables (all optional):
--   db        database to set up; default: the one psql is connected to
--   migrator  role that owns the schema and runs `opdb-ingestd migrate`; default opdb_migrator
--   ingest    role the daemon logs in as (OPDB_DATABASE_URL); default opdb_ingest
--   actor     role instrument actors read and allocate ids as (opdb.db, opdb.ids);
--             default opdb_actor
--   adopt     set to 1 to hand every table, view, sequence and schema of an existing opDB
--             (in public and opdb_ingest) to the migrator; see "Adopting" below
--
-- Idempotent: run it again at any time, e.g. after restoring a dump or adopting a
-- database; it creates what is missing and re-applies the grants. Roles are
-- cluster-wide: for a second database on the same server, run it again with -v db=...
-- Neither role gets a password here; set one interactively (psql sends it hashed):
--   \password opdb_migrator
--   \password opdb_ingest
--
-- What each role may do:
--   migrator: owns schemas public and opdb_ingest and every table in them; may create
--     schemas in the database. Guard rails: lock_timeout 10s, so a migration waiting
--     for a lock gives up instead of stalling every writer queued behind it, and
--     statement_timeout 30min (raise it with SET for a migration known to be longer).
--   ingest: SELECT, INSERT, UPDATE on every table (COPY FROM needs INSERT; INSERT ... ON
--     CONFLICT DO UPDATE needs INSERT and UPDATE; RETURNING needs SELECT), USAGE on
--     sequences (serial columns). No DELETE, no TRUNCATE, no CREATE anywhere, owns
--     nothing: it cannot change the schema. Reads alembic_version, cannot write it.
--     statement_timeout 60s and idle_in_transaction_session_timeout 60s. In opdb_ingest:
--     reads the maintenance switch but cannot change it; appends to the event ledger but
--     cannot change or delete it; adds its instance report and refreshes its state
--     columns only, of its own report only (row-level security of revision 0006, keyed
--     by a secret of the daemon's session, not by this role). What it can still do, and the mitigations: deploy/README.md.
--   actor: reads the opDB (SELECT on the tables of public) and draws ids (opdb.ids):
--     USAGE on the id sequences of opdb_ingest and on the serial sequences of public
--     (nextval only). Writes no table: data goes through the daemon.
--   Tables the migrator creates later (new migrations, new opdb_ingest tables) get the
--   ingest grants automatically (ALTER DEFAULT PRIVILEGES FOR ROLE migrator). Tables
--   created by any OTHER role do not: always migrate as the migrator, or run this
--   script again afterwards.
--
-- Adopting an existing opDB (tables owned by some other role, say pfs or postgres):
--   -v adopt=1 runs ALTER TABLE/VIEW/SEQUENCE/SCHEMA ... OWNER TO the migrator for every
--   object in public and opdb_ingest. The manual equivalent, when the old owner is an
--   ordinary role that owns nothing else in this database:
--     REASSIGN OWNED BY old_owner TO opdb_migrator;  -- in this database
--   (REASSIGN OWNED cannot take objects from the bootstrap superuser postgres, hence
--   the per-object ALTER ... OWNER of adopt=1.) Then stamp or migrate as usual.

\set ON_ERROR_STOP on
\set QUIET on

\if :{?db}
\connect :"db"
\endif
SELECT current_database() AS db \gset
\if :{?migrator}
\else
\set migrator opdb_migrator
\endif
\if :{?ingest}
\else
\set ingest opdb_ingest
\endif
\if :{?actor}
\else
\set actor opdb_actor
\endif
\if :{?adopt}
\else
\set adopt 0
\endif

BEGIN;

-- Roles: created when missing, attributes enforced every run.
SELECT format('CREATE ROLE %I LOGIN', :'migrator')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'migrator') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'ingest')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'ingest') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'actor')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'actor') \gexec

ALTER ROLE :"migrator" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"ingest" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"actor" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER ROLE :"migrator" SET lock_timeout = '10s';
ALTER ROLE :"migrator" SET statement_timeout = '30min';
ALTER ROLE :"ingest" SET statement_timeout = '60s';
ALTER ROLE :"ingest" SET idle_in_transaction_session_timeout = '60s';

-- Database: both connect; only the migrator creates schemas (opdb_ingest, in 0002).
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"db" TO :"migrator";
GRANT CONNECT ON DATABASE :"db" TO :"ingest";
GRANT CONNECT ON DATABASE :"db" TO :"actor";
REVOKE CREATE ON DATABASE :"db" FROM :"actor";
REVOKE CREATE ON DATABASE :"db" FROM :"ingest";

-- Nobody but the owner creates objects in public (PostgreSQL 15's default; older
-- clusters upgraded in place still grant it to PUBLIC).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"migrator";

-- Adoption of an existing opDB (adopt=1): the migrator becomes owner of everything in
-- our schemas. Sequences owned by a column follow their table and are skipped.
\if :adopt
SELECT format('ALTER SCHEMA %I OWNER TO %I', nspname, :'migrator')
FROM pg_namespace WHERE nspname = 'opdb_ingest' \gexec
SELECT format(
    'ALTER %s %I.%I OWNER TO %I',
    CASE c.relkind
        WHEN 'v' THEN 'VIEW'
        WHEN 'm' THEN 'MATERIALIZED VIEW'
        WHEN 'S' THEN 'SEQUENCE'
        WHEN 'f' THEN 'FOREIGN TABLE'
        ELSE 'TABLE'
    END,
    n.nspname, c.relname, :'migrator'
)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('public', 'opdb_ingest')
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND NOT (c.relkind = 'S' AND EXISTS (
      SELECT FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')
  ))
ORDER BY c.relkind = 'S', n.nspname, c.relname \gexec
\endif

-- Grants on what exists now.
GRANT USAGE ON SCHEMA public TO :"ingest";
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO :"ingest";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"ingest";
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', nspname, :'ingest'),
       format('REVOKE CREATE ON SCHEMA %I FROM %I', nspname, :'ingest'),
       format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA %I TO %I', nspname, :'ingest'),
       format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %I TO %I', nspname, :'ingest')
FROM pg_namespace WHERE nspname = 'opdb_ingest' \gexec

-- The actor: reads, and draws ids; the id sequences exist from migration 0004 on (run
-- this script again after migrating).
GRANT USAGE ON SCHEMA public TO :"actor";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"actor";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO :"actor";
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', nspname, :'actor')
FROM pg_namespace WHERE nspname = 'opdb_ingest' \gexec
SELECT format('GRANT USAGE ON SEQUENCE opdb_ingest.%I TO %I', c.relname, :'actor')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'opdb_ingest' AND c.relkind = 'S'
  AND c.relname IN ('iic_sequence_id_seq', 'sequence_group_id_seq', 'agc_exposure_id_seq')
\gexec
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public GRANT SELECT ON TABLES TO :"actor";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public GRANT USAGE ON SEQUENCES TO :"actor";

-- Grants on what the migrator creates later, in any schema of this database (global
-- default privileges: opdb_ingest may not exist yet, and IN SCHEMA needs it to).
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" GRANT USAGE ON SCHEMAS TO :"ingest";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" GRANT SELECT, INSERT, UPDATE ON TABLES TO :"ingest";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" GRANT USAGE ON SEQUENCES TO :"ingest";

-- The migration history is the migrator's alone (the default privileges above also
-- reach alembic_version when the first migration creates it: run this script again
-- after that first migration to take the write back).
SELECT format('REVOKE INSERT, UPDATE ON public.alembic_version FROM %I', :'ingest')
WHERE to_regclass('public.alembic_version') IS NOT NULL \gexec

-- Bookkeeping, least privilege (same re-run rule as above). The maintenance switch is
-- for operators and the migrator: the daemon reads it and never changes it (an ingest
-- role that could would end a migration's maintenance window).
SELECT format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON opdb_ingest.maintenance FROM %I',
              :'ingest')
WHERE to_regclass('opdb_ingest.maintenance') IS NOT NULL \gexec
-- The ledger is append-only for the daemon: a rewritten event id would make a new event
-- look like a duplicate (and be dropped) or let an old one be written twice.
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON opdb_ingest.event_ledger FROM %I', :'ingest')
WHERE to_regclass('opdb_ingest.event_ledger') IS NOT NULL \gexec
-- Instance reports: a daemon adds its row and refreshes only the columns of its state;
-- it cannot delete reports nor rewrite who a report belongs to (id, host, pid, queue,
-- start, expected revision).
SELECT format('REVOKE UPDATE, DELETE, TRUNCATE ON opdb_ingest.daemon_instance FROM %I',
              :'ingest'),
       format('GRANT UPDATE (state, state_reason, database_revision, in_flight, '
              'heartbeat_at, last_commit_at, events_last_minute, rows_last_minute) '
              'ON opdb_ingest.daemon_instance TO %I', :'ingest')
WHERE to_regclass('opdb_ingest.daemon_instance') IS NOT NULL \gexec

COMMIT;

\unset QUIET
\echo roles :migrator, :ingest and :actor set up on database :db
