"""Write the RabbitMQ definitions of opdb-ingestd's topology and permissions.

The names and arguments come from the daemon's own code (``daemon.ingest.topology``), so the
file matches exactly what the daemon declares at start: importing it first lets the
broker be set up, and its permissions checked, before the daemon ever runs.

    python3 deploy/rabbitmq/make_definitions.py > deploy/rabbitmq/definitions.json
    python3 deploy/rabbitmq/make_definitions.py --check deploy/rabbitmq/definitions.json
    python3 deploy/rabbitmq/make_definitions.py --from-env   # OPDB_QUEUE etc. of this shell

Users are not in the file: importing a user resets its password, so re-importing the
definitions would break running clients. ``users.sh`` creates them; the permissions
here name them, so run ``users.sh`` before ``rabbitmqctl import_definitions``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from daemon.ingest.topology import (
    journal_arguments,
    retry_delays_ms,
    retry_queue_arguments,
    retry_queue_name,
)
from daemon.settings import Settings
from opdb.receipts import REPLY_QUEUE_PREFIX

DEFAULT_VHOST = "/"
DEFAULT_ACTOR_USER = "opdb-actor"
DEFAULT_DAEMON_USER = "opdb-ingestd"
DEFAULT_OPERATOR_USER = "opdb-operator"
# Permission patterns are regular expressions matched against resource names. "^$"
# matches nothing a client can name; the default exchange is "amq.default" there.
NOTHING = "^$"
DEFAULT_EXCHANGE = "amq.default"


def _escape(name: str) -> str:
    """A regular-expression literal for ``name`` (names here hold only [\\w.-])."""
    return "".join("\\" + c if c in r".^$|?*+()[]{}\\" else c for c in name)


def _any_of(*patterns: str) -> str:
    return "^(" + "|".join(patterns) + ")$"


def retry_queue_pattern(settings: Settings) -> str:
    """Every waiting room of the ingest queue, whatever the retry schedule: changing
    OPDB_RETRY_* makes the daemon declare new ones, which it may then still do."""
    return _escape(settings.queue) + r"\.retry\.quorum\.[0-9]+ms"


def daemon_permissions(settings: Settings) -> dict[str, str]:
    """What ``opdb-ingestd`` needs, and no more (checked by tests/integration/test_deploy.py).

    configure: declare its exchange and queues (needed even when they already exist).
    write: bind its queue (write on the queue), and publish retries and dead letters
    through the default exchange (publishing checks the exchange only, not the queue).
    read: consume its queue, bind from its exchange, and create retry queues (creating a
    queue with a dead-letter exchange needs read on it and write on that exchange).
    """
    exchange = _escape(settings.exchange)
    ingest = _escape(settings.queue)
    retries = retry_queue_pattern(settings)
    # The journal: declared (configure) and bound (write on the queue) by the daemon,
    # which never reads it.
    journal = [_escape(settings.journal_queue)] if settings.journal else []
    return {
        "configure": _any_of(
            exchange, ingest, _escape(settings.dead_letter_queue), retries, *journal
        ),
        "write": _any_of(_escape(DEFAULT_EXCHANGE), ingest, *journal),
        "read": _any_of(exchange, ingest, retries),
    }


def actor_permissions(settings: Settings) -> dict[str, str]:
    """Actors publish to the topic exchange, and declare and read their own reply queues
    for write receipts (opdb.reply.*, exclusive: no actor can read another's)."""
    replies = _escape(REPLY_QUEUE_PREFIX) + ".+"
    return {
        "configure": _any_of(replies),
        "write": _any_of(_escape(settings.exchange)),
        "read": _any_of(replies),
    }


def operator_permissions(settings: Settings) -> dict[str, str]:
    """``opdb-ingestd dlq`` (list, show, replay, purge): take dead letters and publish
    replays to the topic exchange; ``opdb-ingestd journal`` (list, replay) reads the
    journal stream. Kept apart from the daemon's user, which needs neither, and run by
    an operator with OPDB_AMQP_URL naming this user."""
    journal = [_escape(settings.journal_queue)] if settings.journal else []
    return {
        "configure": NOTHING,
        "write": _any_of(_escape(settings.exchange)),
        "read": _any_of(_escape(settings.dead_letter_queue), *journal),
    }


def definitions(
    settings: Settings,
    *,
    vhost: str = DEFAULT_VHOST,
    actor_user: str = DEFAULT_ACTOR_USER,
    daemon_user: str = DEFAULT_DAEMON_USER,
    operator_user: str = DEFAULT_OPERATOR_USER,
) -> dict[str, Any]:
    """The definitions document, in the shape ``rabbitmqctl export_definitions`` writes."""
    quorum = {"x-queue-type": "quorum"}
    journal = [settings.journal_queue] if settings.journal else []
    queues = [
        (settings.queue, quorum),
        (settings.dead_letter_queue, quorum),
        *((name, journal_arguments(settings)) for name in journal),
        *(
            (
                retry_queue_name(settings, delay),
                # The same arguments, and no others, as daemon.ingest.topology.declare: a
                # difference would make the daemon use the queue as it is.
                retry_queue_arguments(settings, delay),
            )
            for delay in retry_delays_ms(settings)
        ),
    ]
    return {
        "vhosts": [{"name": vhost}],
        "permissions": [
            {"user": actor_user, "vhost": vhost, **actor_permissions(settings)},
            {"user": daemon_user, "vhost": vhost, **daemon_permissions(settings)},
            {"user": operator_user, "vhost": vhost, **operator_permissions(settings)},
        ],
        "exchanges": [
            {
                "name": settings.exchange,
                "vhost": vhost,
                "type": "topic",
                "durable": True,
                "auto_delete": False,
                "internal": False,
                "arguments": {},
            }
        ],
        "queues": [
            {
                "name": name,
                "vhost": vhost,
                "durable": True,
                "auto_delete": False,
                "arguments": arguments,
            }
            for name, arguments in queues
        ],
        "bindings": [
            {
                "source": settings.exchange,
                "vhost": vhost,
                "destination": destination,
                "destination_type": "queue",
                "routing_key": "#",
                "arguments": {},
            }
            for destination in [
                settings.queue,
                *([settings.journal_queue] if settings.journal else []),
            ]
        ],
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2) + "\n"


def default_settings() -> Settings:
    """The daemon's defaults, whatever this shell's OPDB_* variables say."""
    return Settings.model_construct()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--from-env",
        action="store_true",
        help="take exchange, queue and retry schedule from OPDB_* variables, not defaults",
    )
    parser.add_argument("--vhost", default=DEFAULT_VHOST)
    parser.add_argument("--actor-user", default=DEFAULT_ACTOR_USER)
    parser.add_argument("--daemon-user", default=DEFAULT_DAEMON_USER)
    parser.add_argument("--operator-user", default=DEFAULT_OPERATOR_USER)
    parser.add_argument(
        "--check",
        metavar="FILE",
        type=Path,
        help="exit 1 if FILE differs from what would be written",
    )
    args = parser.parse_args(argv)
    settings = Settings() if args.from_env else default_settings()
    text = render(
        definitions(
            settings,
            vhost=args.vhost,
            actor_user=args.actor_user,
            daemon_user=args.daemon_user,
            operator_user=args.operator_user,
        )
    )
    if args.check is not None:
        if args.check.read_text(encoding="utf-8") != text:
            print(f"{args.check} is stale: regenerate it with {parser.prog}", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
