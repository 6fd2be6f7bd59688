"""Run ``opdb-ingestd run`` with one change: the process SIGKILLs itself at the moment
it would acknowledge its first batch, i.e. after COMMIT and before the ack reaches the
broker. Used to prove that such a crash neither loses nor duplicates anything."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from daemon import cli
from daemon.ingest.consumer import Consumer


async def _die(_self: Consumer, _messages: Sequence[Any]) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


if __name__ == "__main__":
    Consumer.ack = _die  # type: ignore[method-assign]
    sys.exit(cli.main(sys.argv[1:]))
