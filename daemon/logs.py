"""One JSON log stream: structlog for our events, stdlib records (aio-pika, alembic,
psycopg) routed through the same processors so an operator greps a single format."""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

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


def configure_logging(level: str = "INFO") -> None:
    """Route structlog and the stdlib ``logging`` tree into one JSON stream on stderr."""
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
            structlog.processors.JSONRenderer(),
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
