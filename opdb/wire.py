"""Names on the wire, shared by actors, the daemon, its tools and the contract
documents: the default broker objects and the headers the daemon writes on messages it
sets aside. Defined once here, in the package both sides import (``opdb`` never imports
the daemon)."""

from __future__ import annotations

from typing import Final

# The broker objects of a default deployment (daemon settings OPDB_EXCHANGE, OPDB_QUEUE).
EXCHANGE: Final = "opdb"
INGEST_QUEUE: Final = "opdb.ingest"
DEAD_LETTER_SUFFIX: Final = ".dead"
DEAD_LETTER_QUEUE: Final = INGEST_QUEUE + DEAD_LETTER_SUFFIX

# Every header the daemon and its tools write starts so; on a message that did not come
# back from the daemon's own retry queues, such headers are someone else's claims.
HEADER_PREFIX: Final = "x-opdb-"
REASON_HEADER: Final = "x-opdb-reason"
DETAIL_HEADER: Final = "x-opdb-detail"
ATTEMPTS_HEADER: Final = "x-opdb-attempts"
FAILED_AT_HEADER: Final = "x-opdb-failed-at"
FIRST_FAILED_HEADER: Final = "x-opdb-first-failed-at"
ORIGINAL_USER_HEADER: Final = "x-opdb-original-user-id"
# Written by `opdb-ingestd dlq replay` on the copy it publishes again.
REPLAYED_AT_HEADER: Final = "x-opdb-replayed-at"
# Written by the publisher: the actor that sent the event.
SOURCE_HEADER: Final = "x-opdb-source"

# The headers a dead letter carries, in the order the documents list them.
DEAD_LETTER_HEADERS: Final = (
    REASON_HEADER,
    DETAIL_HEADER,
    ATTEMPTS_HEADER,
    FAILED_AT_HEADER,
    FIRST_FAILED_HEADER,
    ORIGINAL_USER_HEADER,
)
