"""PostgreSQL URLs as people write them, normalised for each client, and masked for
anything a person or a log will read; lists of RabbitMQ URLs. Shared by the library
and the daemon, so the same ``OPDB_DATABASE_URL`` and ``OPDB_AMQP_URL`` work
everywhere."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

SQLALCHEMY_DRIVER = "postgresql+psycopg"

# Advisory lock that gates writes against migrations: writers take it shared for each
# transaction, a migration takes it exclusively ("opdb" + role number 1).
WRITE_LOCK_KEY = 0x6F706462_0001


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``, for logs and status output."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def sqlalchemy_database_url(url: str) -> str:
    """Normalise a PostgreSQL URL to the SQLAlchemy psycopg 3 dialect."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in {"postgres", "postgresql", SQLALCHEMY_DRIVER}:
        raise ValueError(f"not a PostgreSQL URL: {mask_url(url)}")
    return f"{SQLALCHEMY_DRIVER}://{rest}"


def libpq_database_url(url: str) -> str:
    """Normalise a PostgreSQL URL to the plain form libpq, psql and pg_dump accept."""
    return "postgresql://" + sqlalchemy_database_url(url).partition("://")[2]


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


AMQP_SCHEMES = frozenset({"amqp", "amqps"})
_LIST_SEPARATORS = re.compile(r"[\s,]+")


def _amqp_url_problem(url: str) -> str | None:
    """What is wrong with one broker URL, in words that never quote it (a fragment of
    a badly split list may be a piece of a password)."""
    scheme, sep, _ = url.partition("://")
    if not sep or scheme.lower() not in AMQP_SCHEMES:
        return "is not an amqp:// or amqps:// URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        return "has a malformed host or port"
    if not parts.hostname:
        return "has no host"
    return None


def amqp_urls(value: str, setting: str = "OPDB_AMQP_URL") -> list[str]:
    """The broker URLs of a setting that holds one or more, separated by commas or
    whitespace (a comma inside a password must be written ``%2C``).

    Raises ValueError with one line naming the setting and which entry is wrong, never
    quoting it: ``amqp://u:p@host1,host2/`` is two entries, the second not a URL.
    """
    items = [item for item in _LIST_SEPARATORS.split(value.strip()) if item]
    if not items:
        raise ValueError(f"{setting} is empty: give one or more amqp:// URLs")
    for position, item in enumerate(items, 1):
        problem = _amqp_url_problem(item)
        if problem is not None:
            which = f"entry {position} of {len(items)}" if len(items) > 1 else "the URL"
            raise ValueError(
                f"{setting}: {which} {problem}; give each broker as a full URL "
                "(amqp://user:password@host:port/vhost), separated by commas or spaces"
            )
    return items


def broker_label(url: str) -> str:
    """Host and port of an AMQP URL, without credentials, for messages."""
    return urlsplit(url).netloc.rpartition("@")[2]
