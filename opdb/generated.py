"""The command line shared by the generators of committed files (schema diagrams,
contract documents): write them, or ``--check`` that the committed ones are current."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parser(prog: str, description: str, default_out: Path) -> argparse.ArgumentParser:
    """``PROG [--out DIR] [--check]``."""
    command = argparse.ArgumentParser(prog=prog, description=description)
    command.add_argument(
        "--out",
        type=Path,
        default=default_out,
        metavar="DIR",
        help=f"output directory (default: {default_out})",
    )
    command.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files in DIR are out of date with the models",
    )
    return command


def report_check(
    what: str, out_dir: Path, stale: list[str], regenerate: str, default_out: Path
) -> int:
    """Print the outcome of ``--check``: 0 when current, 1 with the stale files and the
    command that regenerates them."""
    if not stale:
        print(f"{what} in {out_dir} are up to date")
        return 0
    print(f"stale {what} in {out_dir}:", file=sys.stderr)
    for name in stale:
        print(f"  {out_dir / name}", file=sys.stderr)
    if out_dir != default_out:
        regenerate += f" --out {out_dir}"
    print(f"regenerate them with: {regenerate}", file=sys.stderr)
    return 1
