"""The command line shared by the generators of committed files (schema diagrams,
contract documents): write them, or ``--check`` that the committed ones are current."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
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


def main(
    argv: list[str] | None,
    *,
    prog: str,
    description: str,
    default_out: Path,
    what: str,
    stale: Callable[[Path], list[str]],
    write: Callable[[Path], int],
) -> int:
    """``PROG [--out DIR] [--check]``: ``--check`` reports the ``stale`` files of DIR,
    otherwise ``write`` generates them there and returns the exit status. ``prog`` is
    also the command that regenerates the files."""
    args = parser(prog, description, default_out).parse_args(argv)
    out_dir: Path = args.out
    if args.check:
        return report_check(what, out_dir, stale(out_dir), prog, default_out)
    return write(out_dir)


def write_texts(out_dir: Path, texts: Mapping[str, str]) -> list[Path]:
    """Write each text into ``out_dir`` (created if needed) under its file name, with
    ``\n`` line ends on every platform; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8", newline="\n")
        paths.append(path)
    return paths
