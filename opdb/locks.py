"""PostgreSQL advisory lock keys (arbitrary 64-bit constants, spelled "opdb" + a role
number), defined once for every process that takes them."""

from __future__ import annotations

from typing import Final

# Gates writes against migrations: every writing transaction takes it shared (a batch
# of the daemon, reference rows, an admin session), a migration exclusively.
WRITE_LOCK_KEY: Final = 0x6F706462_0001
# Only one migration at a time.
MIGRATOR_LOCK_KEY: Final = 0x6F706462_0002
