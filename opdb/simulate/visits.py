"""IIC and Gen2 bookkeeping: the sequence group, IIC sequences and their end, the
visits and how they group into sequences."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from opdb.simulate.common import (
    Field,
    NightBase,
    Write,
    hst,
    rows_write,
)


def sequence_group_writes(night: NightBase, at: datetime) -> Callable[[random.Random], list[Write]]:
    row = {
        "group_id": night.group_id,
        "group_name": f"science {night.o.start.date().isoformat()}",
        "created_at": hst(at),
    }
    return lambda _r: rows_write("sequence_group", [row])


def sequence_writes(night: NightBase, fld: Field, at: datetime, _rng: random.Random) -> list[Write]:
    name = f"S26B-{1000 + fld.index:05d}"
    row = {
        "iic_sequence_id": fld.sequence_id,
        "sequence_type": "scienceObject",
        "name": name,
        "comments": "",
        "cmd_str": (
            f"iic scienceObject exptime={night.o.exptime:.1f} duplicate={len(fld.visits)} "
            f'designId=0x{fld.design_id:016x} name="{name}" groupId={night.group_id}'
        ),
        "group_id": night.group_id,
        "created_at": hst(at),
    }
    return rows_write("iic_sequence", [row])


def sequence_end_writes(
    night: NightBase, fld: Field, at: datetime, _rng: random.Random
) -> list[Write]:
    status = {
        "iic_sequence_id": fld.sequence_id,
        "status_flag": 0,
        "cmd_output": "scienceObject complete",
        "finished_at": hst(at),
    }
    observed = {"pfs_design_id": fld.design_id, "visit0": fld.visit0, "was_observed": True}
    return [
        *rows_write("pfs_config", [observed], "update"),
        *rows_write("iic_sequence_status", [status]),
    ]


def visit_writes(
    night: NightBase, fld: Field, visit: int, at: datetime, _r: random.Random
) -> list[Write]:
    row = {
        "pfs_visit_id": visit,
        "pfs_visit_description": "scienceObject",
        "pfs_design_id": fld.design_id,
        "issued_at": hst(at),
    }
    return rows_write("pfs_visit", [row])


def visit_set_writes(night: NightBase, fld: Field, visit: int) -> list[Write]:
    row = {"pfs_visit_id": visit, "iic_sequence_id": fld.sequence_id}
    return rows_write("visit_set", [row])


def field_set_writes(night: NightBase, fld: Field) -> list[Write]:
    row = {"iic_sequence_id": fld.sequence_id, "visit0": fld.visit0}
    return rows_write("field_set", [row])
