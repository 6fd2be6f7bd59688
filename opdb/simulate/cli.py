"""``python -m opdb.simulate``: a night as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict

from opdb.simulate.common import (
    NightOptions,
)
from opdb.simulate.night import simulate_night
from opdb.simulate.rows import expected_rows


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = NightOptions()
    parser = argparse.ArgumentParser(
        prog="python -m opdb.simulate",
        description="Write a simulated PFS night as contract-v1 event envelopes (JSON lines).",
    )
    parser.add_argument("--out", default="-", help="output file, - for stdout (default: -)")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    for name in (
        "visits",
        "visits_per_field",
        "frames",
        "spots",
        "cobras",
        "fiducials",
        "ag_frames",
        "ag_spots",
        "guide_stars_per_camera",
        "status_snapshots",
    ):
        parser.add_argument(
            "--" + name.replace("_", "-"),
            type=int,
            default=getattr(defaults, name),
            help=f"(default: {getattr(defaults, name)})",
        )
    parser.add_argument("--exptime", type=float, default=defaults.exptime)
    parser.add_argument("--first-visit", type=int, default=None)
    parser.add_argument(
        "--in-order", action="store_true", help="publish every event after its parents"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m opdb.simulate [options] [--out FILE]``; a summary goes to stderr."""
    args = _parse(argv)
    values = {k: v for k, v in vars(args).items() if k not in {"out", "in_order"}}
    try:
        options = NightOptions(out_of_order=not args.in_order, **values)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    events = 0
    stream = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")  # noqa: SIM115
    try:
        for envelope in simulate_night(options=options):
            # allow_nan: the contract reads the bare NaN token Python writes.
            stream.write(json.dumps(envelope, separators=(",", ":")) + "\n")
            events += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    elapsed = time.perf_counter() - started
    rows = expected_rows(options)
    print(
        f"{events} events, {sum(rows.values())} rows in {elapsed:.1f} s "
        f"({', '.join(f'{k}={v}' for k, v in asdict(options).items() if k != 'start')})",
        file=sys.stderr,
    )
    for table, n in rows.items():
        print(f"  {table:24} {n:>9}", file=sys.stderr)
    return 0
