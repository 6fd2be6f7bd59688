"""``opdb-ingestd`` as a next release whose one migration (t002, in ./breaking) is
declared breaking: the same column as t001, applied under maintenance mode."""

from __future__ import annotations

import sys
from pathlib import Path

from opdb_ingestd_next import become_next_release

from daemon import cli

if __name__ == "__main__":
    become_next_release(Path(__file__).resolve().parent / "breaking")
    sys.exit(cli.main(sys.argv[1:]))
