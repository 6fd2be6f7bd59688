"""``opdb-ingestd`` after a throw-away model edit (tel_status gains ``test_flag``), with
its revisions in the folder named by OPDB_TEST_VERSIONS; ``stale`` runs the committed
files' stale checks (diagrams, contract documents) against the edited models."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Run as a script, this file would import the installed package, which may be another
# checkout: the code under test is the repository this file belongs to.
sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from sqlalchemy import Boolean, Column

from daemon import cli
from daemon.schema import migrations
from opdb import contract_docs, diagrams
from opdb.models import Base

if __name__ == "__main__":
    Base.metadata.tables["tel_status"].append_column(
        Column("test_flag", Boolean(), comment="Throw-away column of the schema-change test")
    )
    migrations.EXTRA_VERSION_LOCATIONS.append(Path(os.environ["OPDB_TEST_VERSIONS"]))
    if sys.argv[1:] == ["stale"]:
        print(f"diagrams {diagrams.main(['--check'])}")
        print(f"contract_docs {contract_docs.main(['--check'])}")
        sys.exit(0)
    sys.exit(cli.main(sys.argv[1:]))
