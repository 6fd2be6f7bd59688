"""The daemon's exceptions: one root, split by what the caller should do about them."""

from __future__ import annotations


class IngestError(Exception):
    """Root of every error raised on purpose by opdb-ingestd."""


class ConfigurationError(IngestError):
    """The daemon cannot run as configured; an operator must change something."""
