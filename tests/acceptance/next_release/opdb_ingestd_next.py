"""``opdb-ingestd`` as the next release would be: the real CLI, plus one migration
(tests/acceptance/next_release/versions) and the model column it adds."""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file would import the installed package, which may be another
# checkout: the code under test is the repository this file belongs to.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from sqlalchemy import Column, String

from daemon import cli
from daemon.schema import migrations
from opdb.models import Base

VERSIONS = Path(__file__).resolve().parent / "versions"


def become_next_release(versions: Path = VERSIONS) -> None:
    migrations.EXTRA_VERSION_LOCATIONS.append(versions)
    Base.metadata.tables["tel_status"].append_column(Column("test_note", String()))


if __name__ == "__main__":
    become_next_release()
    sys.exit(cli.main(sys.argv[1:]))
