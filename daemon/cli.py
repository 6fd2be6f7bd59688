"""``opdb-ingestd``: the command line of the ingestion daemon and its operators' tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from daemon import migrations
from daemon.errors import IngestError
from daemon.settings import Settings, mask_url

Handler = Callable[[argparse.Namespace, Settings], int]


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    target = args.to
    migrations.upgrade(settings.sqlalchemy_url, target)
    print(f"{mask_url(settings.sqlalchemy_url)} is at revision {target}")
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
