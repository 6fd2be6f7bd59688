"""One log stream, JSON for machines or a console format for people: structlog for our
events, stdlib records (aio-pika, alembic, psycopg) routed through the same processors
so an operator greps a single format."""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Mapping
from typing import Any, TextIO

import structlog

_PASSWORD_IN_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@", re.I)


# libpq keyword strings: password=secret or password='s e c r e t'
_PASSWORD_KEYWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.I)


def mask_secrets(text: str) -> str:
    """Replace the password of every URL or libpq keyword string inside ``text``."""
    return _PASSWORD_KEYWORD.sub(r"\g<1>***", _PASSWORD_IN_URL.sub(r"\g<scheme>:***@", text))


def _mask_event_dict(
    _logger: Any, _method: str, event_dict: structlog.typing.EventDict
) -> structlog.typing.EventDict:
    # Libraries log connection URLs in messages and exceptions; the last line of
    # defence is to scrub every string value on its way out.
    for key, value in event_dict.items():
        if isinstance(value, str) and ("://" in value or "password" in value.lower()):
            event_dict[key] = mask_secrets(value)
    return event_dict


def wants_json(log_format: str, stream: TextIO, environ: Mapping[str, str]) -> bool:
    """``auto``: JSON for machines (not a terminal, or under systemd, whose journal sets
    JOURNAL_STREAM and INVOCATION_ID), a readable console format for a person."""
    if log_format != "auto":
        return log_format == "json"
    under_systemd = bool(environ.get("JOURNAL_STREAM") or environ.get("INVOCATION_ID"))
    return under_systemd or not stream.isatty()


def configure_logging(level: str = "INFO", log_format: str = "json") -> None:
    """Route structlog and the stdlib ``logging`` tree into one stream on stderr: JSON,
    or for a terminal (``log_format`` console or auto) one aligned line per event."""
    renderer: structlog.typing.Processor
    if wants_json(log_format, sys.stderr, os.environ):
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _mask_event_dict,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aio-pika and aiormq narrate every frame at INFO; their warnings are what matters.
    for noisy in ("aio_pika", "aiormq"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.stdlib.get_logger(name)
    return logger
