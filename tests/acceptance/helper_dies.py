"""Run ``opdb-ingestd run`` with one change: the helper task named by ``OPDB_TEST_HELPER``
(a method of IngestService) fails a second after the start, as a bug in it would."""

from __future__ import annotations

import asyncio
import os
import sys

from daemon import cli
from daemon.ingest.service import IngestService


async def _fail(_self: IngestService) -> None:
    await asyncio.sleep(1.0)
    raise RuntimeError("injected fault")


if __name__ == "__main__":
    setattr(IngestService, os.environ["OPDB_TEST_HELPER"], _fail)
    sys.exit(cli.main(sys.argv[1:]))
