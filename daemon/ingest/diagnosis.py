"""Telling permanent trouble from passing trouble, and saying what to fix.

A wrong password, a missing database or virtual host, a schema at another revision do
not heal by waiting: the daemon still retries (someone may fix it meanwhile), but it
reports a named state with the fix in one line and does not repeat it every second.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# libpq's FATAL messages at connection time (they carry no SQLSTATE in psycopg).
_DATABASE_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r'database "(?P<name>[^"]+)" does not exist'),
        'database "{name}" does not exist: create it and run `opdb-ingestd migrate`, '
        "or fix the database name in OPDB_DATABASE_URL",
    ),
    (
        re.compile(r'password authentication failed for user "(?P<name>[^"]+)"'),
        'PostgreSQL refused the password of user "{name}": fix the credentials in '
        "OPDB_DATABASE_URL",
    ),
    (
        re.compile(r'role "(?P<name>[^"]+)" does not exist'),
        'PostgreSQL has no role "{name}": create it (deploy/postgres/roles.sql) or fix '
        "the user in OPDB_DATABASE_URL",
    ),
    (
        re.compile(r"no pg_hba\.conf entry for host \"[^\"]*\", user \"(?P<name>[^\"]+)\""),
        'PostgreSQL does not let user "{name}" in from this host: add a pg_hba.conf '
        "entry, or fix OPDB_DATABASE_URL",
    ),
    (
        re.compile(r'permission denied for database "(?P<name>[^"]+)"'),
        'the user may not connect to database "{name}": GRANT CONNECT, or fix OPDB_DATABASE_URL',
    ),
)


def database_problem(error: str) -> str | None:
    """The permanent problem (with its fix) behind a database error text, or None."""
    for pattern, advice in _DATABASE_PROBLEMS:
        if match := pattern.search(error):
            return advice.format(**match.groupdict())
    return None


def broker_problem(error: str, amqp_url: str) -> str | None:
    """The permanent problem (with its fix) behind a broker error text, or None."""
    parts = urlsplit(amqp_url)
    if "ACCESS_REFUSED" in error and "Login was refused" in error:
        return (
            f'RabbitMQ refused the login of user "{unquote(parts.username or "guest")}": '
            "fix the credentials in OPDB_AMQP_URL"
        )
    # RabbitMQ answers Connection.Open for a virtual host that does not exist, or that
    # the user may not use, by closing the connection.
    if "Connection.OpenOk" in error and "Connection.Close" in error:
        vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
        return (
            f'RabbitMQ closed the connection on opening virtual host "{vhost}": create it '
            "(rabbitmqctl add_vhost) and grant the user access, or fix OPDB_AMQP_URL"
        )
    return None


SCHEMA_FIX = "run `opdb-ingestd migrate` (or deploy the daemon version matching the database)"
