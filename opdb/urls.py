"""PostgreSQL URLs as people write them, normalised for each client, and masked for
anything a person or a log will read; lists of RabbitMQ URLs. Shared by the library
and the daemon, so the same ``OPDB_DATABASE_URL`` and ``OPDB_AMQP_URL`` work
everywhere."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

SQLALCHEMY_DRIVER = "postgresql+psycopg"


_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)


class DatabaseUrlError(ValueError):
    """A database setting that is neither a PostgreSQL URL nor a libpq keyword string.
    Its message never repeats the setting, which may hold a password."""


def mask_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``, for logs and status output;
    libpq keyword strings (``host=... password=...``) are masked too."""
    if "://" not in url:
        return _KEYWORD_PASSWORD.sub(r"\g<1>***", url)
    parts = urlsplit(url)
    masked = _KEYWORD_PASSWORD.sub(r"\g<1>***", parts.query) if parts.query else parts.query
    if parts.password is None:
        return urlunsplit(parts._replace(query=masked))
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}", query=masked))


def _is_keyword_string(value: str) -> bool:
    return "://" not in value and "=" in value


def _from_keywords(value: str) -> str:
    """``host=h1,h2 port=5432,5433 dbname=opdb user=u password=p`` as a libpq URL."""
    try:
        params = conninfo_to_dict(value)
    except psycopg.ProgrammingError:
        raise DatabaseUrlError(
            "not a valid libpq keyword string (write key=value pairs, quoting values "
            "that hold spaces)"
        ) from None
    user = quote(str(params.pop("user", "") or ""), safe="")
    password = params.pop("password", None)
    credentials = user + (":" + quote(str(password), safe="") if password is not None else "")
    hosts = str(params.pop("host", "") or "").split(",")
    ports = str(params.pop("port", "") or "").split(",")
    if len(ports) == 1:
        ports = ports * len(hosts)
    if len(ports) != len(hosts):
        raise DatabaseUrlError("host and port list different numbers of servers")
    netloc = ",".join(
        (f"[{h}]" if ":" in h else h) + (f":{p}" if p else "")
        for h, p in zip(hosts, ports, strict=True)
    )
    database = quote(str(params.pop("dbname", "") or ""), safe="")
    query = urlencode({k: str(v) for k, v in params.items()})
    at = "@" if credentials else ""
    return f"postgresql://{credentials}{at}{netloc}/{database}" + (f"?{query}" if query else "")


def _split(url: str) -> tuple[str, str]:
    """(scheme, the rest) of a PostgreSQL URL in any accepted spelling."""
    if _is_keyword_string(url):
        url = _from_keywords(url)
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in {"postgres", "postgresql", SQLALCHEMY_DRIVER}:
        raise DatabaseUrlError(
            "not a PostgreSQL URL: write postgresql://user@host:port/dbname "
            "or a libpq keyword string 'host=... dbname=... user=...'"
        )
    return scheme, rest


def libpq_database_url(url: str) -> str:
    """Normalise a PostgreSQL URL (or libpq keyword string) to the plain URL form that
    libpq, psql and pg_dump accept; several servers are listed in the host part."""
    _scheme, rest = _split(url)
    parts = urlsplit("postgresql://" + rest)
    query = parse_qsl(parts.query, keep_blank_values=True)
    hosts = [v for k, v in query if k == "host"]
    if hosts and all(_looks_like_address(h) for h in hosts) and len(hosts) > 1:
        # SQLAlchemy's spelling of several servers: back into the host part for libpq.
        credentials = parts.netloc.rpartition("@")[0]
        netloc = (credentials + "@" if credentials else "") + ",".join(hosts)
        rest_query = urlencode([(k, v) for k, v in query if k != "host"])
        parts = parts._replace(netloc=netloc, query=rest_query)
    return urlunsplit(parts)


def sqlalchemy_database_url(url: str) -> str:
    """Normalise a PostgreSQL URL (or libpq keyword string) to the SQLAlchemy psycopg 3
    dialect. SQLAlchemy cannot parse several servers in the host part
    (``h1:p1,h2:p2``), so they move to repeated ``host=`` parameters, its own spelling."""
    parts = urlsplit(libpq_database_url(url))
    credentials, _, hosts = parts.netloc.rpartition("@")
    if "," in hosts:
        query = [("host", h) for h in hosts.split(",")] + parse_qsl(
            parts.query, keep_blank_values=True
        )
        netloc = credentials + "@" if credentials else ""
        parts = parts._replace(netloc=netloc, query=urlencode(query, safe=":[]"))
    return urlunsplit(parts._replace(scheme=SQLALCHEMY_DRIVER))


def _looks_like_address(value: str) -> bool:
    return bool(value) and not value.startswith("/")


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
