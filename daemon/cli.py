"""``opdb-ingestd``: the command line of the ingestion daemon and its operators' tools."""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence

import psycopg
import structlog
import uvloop
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from daemon.errors import ConfigurationError, IngestError
from daemon.ingest.metrics import check_listen_address
from daemon.ingest.service import ExitStatus, IngestService
from daemon.ingest.systemd import Notifier
from daemon.logs import configure_logging, get_logger, mask_secrets
from daemon.ops import maintenance, status
from daemon.schema import migrations
from daemon.settings import Settings, mask_url

Handler = Callable[[argparse.Namespace, Settings], int]

# Operators' and developers' commands live in their own modules, each with a
# ``register(subparsers)``; only the one a command line names is imported, so that
# ``run`` loads the ingest path alone (all of them for --help or no command).
TOOL_COMMANDS = {
    "check": "daemon.ops.check",
    "dlq": "daemon.ops.dlq",
    "journal": "daemon.ops.journal",
    "visit": "daemon.ops.visit",
    "demo": "daemon.dev.demo",
    "bench": "daemon.dev.bench",
}
DB_TOOL_COMMANDS = {"seed-reference": "daemon.ops.reference", "revision": "daemon.schema.revision"}


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    where = mask_url(settings.sqlalchemy_url)
    plan = maintenance.MigrationPlan(
        target=args.to,
        backup=args.backup,
        wait_timeout_s=args.timeout,
        lock_timeout=args.lock_timeout,
        statement_timeout=args.statement_timeout,
        allow_data_loss=args.yes_drop_data,
        pause=args.pause,
        night=_night_policy(args),
    )
    if args.dry_run:
        print(maintenance.dry_run(settings.libpq_url, plan, say=_say), end="")
        return 0
    reached = maintenance.migrate(settings.libpq_url, plan, say=_say)
    print(f"{where} is at revision {reached or 'base'}")
    return 0


def _say(line: str) -> None:
    print(f"opdb-ingestd: {line}", file=sys.stderr)


def _night_policy(args: argparse.Namespace) -> maintenance.NightPolicy:
    return maintenance.NightPolicy(args.wait_for_gap, args.gap_timeout, args.force)


def _add_night_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait-for-gap",
        action="store_true",
        help="if an observation is in progress, wait for a gap instead of refusing",
    )
    parser.add_argument(
        "--gap-timeout", type=float, default=600.0, metavar="S", help="(default 600)"
    )
    parser.add_argument(
        "--force",
        metavar="REASON",
        help="pause even during an observation; REASON and who are recorded",
    )


def _maintenance(args: argparse.Namespace, settings: Settings) -> int:
    url = settings.libpq_url
    if args.action == "on":
        reason = args.reason
        if not maintenance.read_switch(url).enabled:
            forced = maintenance.before_pausing(url, _night_policy(args), _say)
            reason += f" ({forced})" if forced else ""
        before = maintenance.set_switch(url, True, reason)
        _say("maintenance on" + (" (it already was)" if before.enabled else ""))
        if args.wait:
            maintenance.wait_until_quiet(url, args.timeout)
            _say("every live daemon is paused with nothing in flight")
    elif args.action == "off":
        maintenance.set_switch(url, False, None)
        _say("maintenance off")
    else:
        _print_maintenance_status(url)
    return 0


def _print_maintenance_status(url: str) -> None:
    switch = maintenance.read_switch(url)
    if switch.enabled:
        print(
            f"maintenance: ON since {switch.changed_at:%Y-%m-%d %H:%M:%S %Z} "
            f"by {switch.changed_by}: {switch.reason}"
        )
    else:
        print(
            f"maintenance: off (last changed {switch.changed_at:%Y-%m-%d %H:%M:%S %Z} "
            f"by {switch.changed_by})"
        )
    instances = maintenance.live_instances(url)
    if not instances:
        print("no live daemon")
    for d in instances:
        commit = f"{d['last_commit_at']:%H:%M:%S}" if d["last_commit_at"] else "never"
        print(
            f"{d['host']} pid {d['pid']}: {d['state']}"
            + (f" ({d['state_reason']})" if d["state_reason"] else "")
            + f", {d['in_flight']} in flight, last commit {commit}, "
            f"expects revision {d['expected_revision']}"
        )


def _adopt(_args: argparse.Namespace, settings: Settings) -> int:
    url = settings.libpq_url
    current = migrations.database_revision(url)
    if current is not None:
        _say(f"already under migration control at revision {current}; nothing to adopt")
        return 0
    differences = migrations.adoption_differences(url)
    if differences:
        print(f"refusing to adopt: {len(differences)} differences from the baseline schema:")
        for line in differences:
            print(f"  {line}")
        return 1
    migrations.stamp(url, migrations.BASELINE)
    _say(
        f"schema matches the baseline; stamped at {migrations.BASELINE}. "
        "Run `opdb-ingestd migrate` to add the daemon's bookkeeping."
    )
    return 0


def _run(_args: argparse.Namespace, settings: Settings) -> int:
    if settings.metrics_address:
        # Before the first log line, so a port in use is one line and exit 2.
        check_listen_address(settings.metrics_address)
    configure_logging(settings.log_level, settings.log_format)
    log = get_logger("daemon")
    log.info(
        "starting",
        database=mask_url(settings.sqlalchemy_url),
        broker=", ".join(mask_url(url) for url in settings.amqp_urls),
        queue=settings.queue,
        exchange=settings.exchange,
    )

    service = IngestService(settings, Notifier())
    # Everything built so far (modules, models, the contract's validators: over 100k
    # objects) lives as long as the process. Frozen, the collector stops walking it: a
    # full collection took ~65 ms, and every event in flight waited for it (the p99 of
    # the 500 events/s latency).
    gc.collect()
    gc.freeze()

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal(signum: signal.Signals) -> None:
            if stop.is_set():
                # A second signal means "now": the broker requeues what was unacked.
                _exit_now(log, f"second {signum.name}", ExitStatus.FLUSH_CUT)
            stop.set()
            _arm_backstop(log, settings.shutdown_timeout_s + _BACKSTOP_MARGIN_S)

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, on_signal, signum)
        await service.run(stop)

    # uvloop's event loop halves asyncio's share of the CPU on small events (profiled:
    # the loop, not our code, was a fifth of the daemon's time).
    uvloop.run(serve())
    return int(service.exit_status)


# The service ends within its shutdown cap plus about a second per connection to close;
# past this margin something ignored cancellation, and the process ends regardless.
_BACKSTOP_MARGIN_S = 5.0


def _exit_now(log: structlog.stdlib.BoundLogger, why: str, status: ExitStatus) -> None:
    log.error("exiting at once; unacknowledged messages go back to the queue", why=why)
    logging.shutdown()
    os._exit(int(status))


def _arm_backstop(log: structlog.stdlib.BoundLogger, after_s: float) -> None:
    """A thread, so that it fires even if the event loop itself is stuck."""
    why = f"not stopped {after_s:g} s after the signal"
    timer = threading.Timer(after_s, _exit_now, (log, why, ExitStatus.FLUSH_CUT))
    timer.daemon = True
    timer.start()


def _status(args: argparse.Namespace, settings: Settings) -> int:
    report = status.collect(settings)
    print(status.render(report, args.json))
    return 0 if report.healthy else 1


def _first_word(words: Sequence[str]) -> str | None:
    return next((word for word in words if not word.startswith("-")), None)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; only the tool module ``argv`` names is imported (every one for
    --help, no command or an unknown one, so that argparse can list them all)."""
    words = list(sys.argv[1:] if argv is None else argv)
    first = _first_word(words)
    second = _first_word(words[words.index(first) + 1 :]) if first else None
    own = {"run", "migrate", "maintenance", "status", "db"}
    everything = "-h" in words or "--help" in words or first not in {*own, *TOOL_COMMANDS}
    tools = [m for n, m in TOOL_COMMANDS.items() if everything or first == n]
    # `db` alone, or with an unknown word, lists every db command.
    every_db = everything or (first == "db" and second not in {"adopt", *DB_TOOL_COMMANDS})
    db_tools = [m for n, m in DB_TOOL_COMMANDS.items() if every_db or second == n]
    parser = argparse.ArgumentParser(
        prog="opdb-ingestd",
        description="Ingest PFS instrument events from RabbitMQ into the opDB.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser(
        "migrate",
        help="move the database to a schema revision (up or down) under maintenance mode",
        description="Check the target, the URL, the backup path and the database's history "
        "before changing anything; at the target already, do nothing. Otherwise optionally "
        "back up while the daemons keep writing, switch maintenance on and wait for every "
        "daemon to pause, run alembic with lock and statement timeouts, check the revision "
        "reached, and switch maintenance off again if it was off before.",
    )
    migrate.add_argument("--to", default="head", metavar="REV", help="target revision")
    migrate.add_argument(
        "--backup",
        metavar="FILE",
        help="pg_dump the database here first (folders are created; never overwrites)",
    )
    migrate.add_argument(
        maintenance.CONFIRM_FLAG,
        dest="yes_drop_data",
        action="store_true",
        help="allow a downgrade below the baseline (--to base) or one that drops tables "
        "or columns holding data",
    )
    migrate.add_argument(
        "--dry-run", action="store_true", help="print the SQL without touching the database"
    )
    migrate.add_argument(
        "--pause",
        action="store_true",
        help="pause ingestion (maintenance mode) even when every revision is additive",
    )
    migrate.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="how long to wait for the daemons to pause (default 60)",
    )
    migrate.add_argument(
        "--lock-timeout",
        default=migrations.DEFAULT_SESSION_OPTIONS["lock_timeout"],
        metavar="T",
        help="give up a DDL statement that waits this long for a lock (default %(default)s)",
    )
    migrate.add_argument(
        "--statement-timeout",
        default=migrations.DEFAULT_SESSION_OPTIONS["statement_timeout"],
        metavar="T",
        help="give up a statement that runs this long (default %(default)s)",
    )
    _add_night_options(migrate)
    migrate.set_defaults(handler=_migrate)

    switch = commands.add_parser("maintenance", help="pause or resume every daemon")
    switch.add_argument("action", choices=["on", "off", "status"])
    switch.add_argument("--reason", default="maintenance", help="why (shown in status)")
    switch.add_argument("--wait", action="store_true", help="return once every daemon has paused")
    switch.add_argument("--timeout", type=float, default=60.0, metavar="S")
    _add_night_options(switch)
    switch.set_defaults(handler=_maintenance)

    health = commands.add_parser(
        "status", help="daemons, queues and problems; exit 0 when healthy, 1 when not"
    )
    health.add_argument("--json", action="store_true", help="machine-readable output")
    health.set_defaults(handler=_status)

    db = commands.add_parser("db", help="database administration")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="COMMAND")
    adopt = db_commands.add_parser(
        "adopt",
        help="bring an opDB created before this project under migration control",
    )
    adopt.set_defaults(handler=_adopt)
    for module in db_tools:
        importlib.import_module(module).register(db_commands)

    run = commands.add_parser("run", help="consume events from RabbitMQ and write them")
    run.set_defaults(handler=_run)
    for module in tools:
        importlib.import_module(module).register(commands)
    return parser


def configuration_errors(exc: ValidationError) -> list[str]:
    """One line per bad setting: its environment variable and what to write instead.
    The input is never repeated (it may be a password)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        name = "OPDB_" + "_".join(str(part) for part in error["loc"]).upper()
        lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        for line in configuration_errors(exc):
            print(f"opdb-ingestd: configuration error: {line}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except ConfigurationError as exc:
        print(f"opdb-ingestd: configuration error: {mask_secrets(str(exc))}", file=sys.stderr)
        return 2
    except IngestError as exc:
        print(f"opdb-ingestd: {exc}", file=sys.stderr)
        return 1
    except (psycopg.Error, SQLAlchemyError) as exc:
        print(f"opdb-ingestd: database error: {mask_secrets(str(exc))}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
