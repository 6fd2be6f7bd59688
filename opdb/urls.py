"""PostgreSQL URLs as people write them, normalised for each client, and masked for
anything a person or a log will read. Shared by the library and the daemon, so the
same ``OPDB_DATABASE_URL`` works everywhere."""

from __future__ import annotations

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
