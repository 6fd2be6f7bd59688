"""``opdb-ingestd``: the command line of the ingestion daemon and its operators' tools."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from daemon import migrations
from daemon.errors import IngestError
from daemon.logs import configure_logging, get_logger
from daemon.service import IngestService
from daemon.settings import Settings, mask_url
from daemon.systemd import Notifier

Handler = Callable[[argparse.Namespace, Settings], int]


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    target = args.to
    migrations.upgrade(settings.sqlalchemy_url, target)
    print(f"{mask_url(settings.sqlalchemy_url)} is at revision {target}")
    return 0


def _run(_args: argparse.Namespace, settings: Settings) -> int:
    configure_logging(settings.log_level)
    log = get_logger("daemon")
    log.info(
        "starting",
        database=mask_url(settings.sqlalchemy_url),
        broker=mask_url(settings.amqp_url.get_secret_value()),
        queue=settings.queue,
        exchange=settings.exchange,
    )

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await IngestService(settings, Notifier()).run(stop)

    asyncio.run(serve())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="opdb-ingestd",
        description="Ingest PFS instrument events from RabbitMQ into the opDB.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser(
        "migrate", help="upgrade the database named by OPDB_DATABASE_URL to the newest schema"
    )
    migrate.add_argument("--to", default="head", metavar="REV", help="target revision")
    migrate.set_defaults(handler=_migrate)

    run = commands.add_parser("run", help="consume events from RabbitMQ and write them")
    run.set_defaults(handler=_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"opdb-ingestd: invalid configuration:\n{exc}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except IngestError as exc:
        print(f"opdb-ingestd: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
