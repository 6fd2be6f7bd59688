"""``python -m opdb.simulate``."""

import sys

from opdb.simulate.cli import main

sys.exit(main())
