"""Schema diagrams of the opDB, generated from the SQLAlchemy models.

``python -m opdb.diagrams`` writes two Graphviz diagrams into ``diagrams/``:

* ``opdb-full``: every table with every column (SQL type, PK / FK / NOT NULL marks);
* ``opdb-light``: every table with only its key (PK and FK) columns.

Both show the foreign keys as edges from the referencing (child) table to the referenced
(parent) table, and group the tables into clusters by model family (the module under
``opdb.models`` that defines them).  The DOT text is built here directly from
``opdb.models.Base.metadata``; the ``dot`` program of Graphviz then renders each DOT file
to SVG and PDF.

``python -m opdb.diagrams --check`` regenerates the DOT text in memory and exits with 1 if a
committed ``.dot`` file differs from it or a rendered ``.svg`` / ``.pdf`` is missing.  Rendered
bytes are not compared: they depend on the Graphviz version.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, ForeignKeyConstraint, MetaData, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import SQLAlchemyError

from opdb import generated

MODELS_PACKAGE = "opdb.models"
DEFAULT_OUT_DIR = "diagrams"
REGENERATE_COMMAND = "python -m opdb.diagrams"
RENDER_FORMATS = ("svg", "pdf")

#: Human-readable cluster label of each model module; unknown modules use their own name.
FAMILY_LABELS: dict[str, str] = {
    "visits": "Visits and exposures",
    "designs": "Designs and fiber configurations",
    "sps": "SpS (spectrograph)",
    "mcs": "MCS and cobras",
    "ag": "AG (auto-guider)",
    "telescope": "Telescope and environment",
    "calibration": "Calibration",
    "obslog": "Observation log",
}

#: Family of tables that no module under ``opdb.models`` defines (e.g. a test MetaData).
OTHER_FAMILY = "other"

#: Header colours of the families in ``FAMILY_LABELS`` order; the last one for any other family.
_PALETTE = (
    "#cfe2f3",
    "#d9ead3",
    "#fff2cc",
    "#f4cccc",
    "#d9d2e9",
    "#fce5cd",
    "#d0e0e3",
    "#e6e6e6",
    "#ead1dc",
)
_CLUSTER_FILL = "#fafafa"
_PG_DIALECT = postgresql.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Diagram:
    """One diagram: its file stem and whether it shows only key columns."""

    stem: str
    light: bool
    title: str


DIAGRAMS = (
    Diagram("opdb-full", light=False, title="opDB schema: all tables and columns"),
    Diagram("opdb-light", light=True, title="opDB schema: tables, key columns and relations"),
)


# --------------------------------------------------------------------------- metadata


def default_metadata() -> MetaData:
    """The whole opDB schema: ``opdb.models.Base.metadata`` (importing every model module)."""
    import opdb.models  # imported here so that --help works even if a model is broken

    metadata: MetaData = opdb.models.Base.metadata
    return metadata


def table_families(metadata: MetaData, package: str = MODELS_PACKAGE) -> dict[str, str]:
    """Map each table key of ``metadata`` to the name of the module under ``package`` defining it.

    A mapped class belongs to the module named by its ``__module__``; a plain ``Table`` object
    to the first (by name) loaded module that holds it as a module attribute.  Tables found in
    no such module are in the family ``OTHER_FAMILY``.
    """
    prefix = package + "."
    modules = sorted(
        (name, module)
        for name, module in list(sys.modules.items())
        if name.startswith(prefix) and module is not None
    )
    tables_by_id = {id(table): key for key, table in metadata.tables.items()}
    by_class: dict[str, str] = {}
    by_attribute: dict[str, str] = {}
    for module_name, module in modules:
        family = module_name[len(prefix) :].split(".", 1)[0]
        for value in list(vars(module).values()):
            if isinstance(value, Table):
                key = tables_by_id.get(id(value))
                if key is not None:
                    by_attribute.setdefault(key, family)
            elif isinstance(value, type) and getattr(value, "__module__", None) == module_name:
                table = getattr(value, "__table__", None)
                key = tables_by_id.get(id(table)) if isinstance(table, Table) else None
                if key is not None:
                    by_class.setdefault(key, family)
    return {
        key: by_class.get(key) or by_attribute.get(key) or OTHER_FAMILY for key in metadata.tables
    }


def family_label(family: str) -> str:
    """The cluster label of a family (module name); the module name itself if not known."""
    if family == OTHER_FAMILY:
        return "Other"
    return FAMILY_LABELS.get(family, family)


def _family_order(families: Iterable[str]) -> list[str]:
    """Families in a fixed order: known ones as in ``FAMILY_LABELS``, then the rest by name."""
    known = list(FAMILY_LABELS)
    present = set(families)
    ordered = [family for family in known if family in present]
    ordered += sorted(present - set(known) - {OTHER_FAMILY})
    if OTHER_FAMILY in present:
        ordered.append(OTHER_FAMILY)
    return ordered


def _family_colour(family: str) -> str:
    """Header colour of a family's tables: fixed per known family, one shared by the others."""
    known = list(FAMILY_LABELS)
    if family in known:
        return _PALETTE[known.index(family) % len(_PALETTE)]
    return _PALETTE[-1]


def sql_type(column: Column[object]) -> str:
    """The PostgreSQL type of a column as psql writes it: ``real``, ``varchar(3)``, ``real[]``."""
    try:
        text = column.type.compile(dialect=_PG_DIALECT)
    except SQLAlchemyError:
        text = type(column.type).__name__
    text = text.lower()
    text = re.sub(r"\btimestamp(\(\d+\))? with time zone\b", r"timestamptz\1", text)
    text = re.sub(r"\btimestamp(\(\d+\))? without time zone\b", r"timestamp\1", text)
    text = re.sub(r"\btime(\(\d+\))? with time zone\b", r"timetz\1", text)
    text = re.sub(r"\btime(\(\d+\))? without time zone\b", r"time\1", text)
    return re.sub(r"\bcharacter varying\b", "varchar", text)


# --------------------------------------------------------------------------- DOT emitter


def _quote(identifier: str) -> str:
    """A DOT double-quoted ID."""
    return '"' + identifier.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str) -> str:
    """Escape text for a Graphviz HTML-like label."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _port(column_name: str) -> str:
    """A port name for a column: letters, digits and underscores only."""
    return "c_" + re.sub(r"[^A-Za-z0-9_]", "_", column_name)


def _cluster_id(family: str) -> str:
    return "cluster_" + re.sub(r"[^A-Za-z0-9_]", "_", family)


def _font(text: str, *, colour: str, size: int | None = None) -> str:
    """Escaped text in a FONT element; nothing for empty text (Graphviz rejects empty FONT)."""
    if not text:
        return ""
    size_attribute = "" if size is None else f' POINT-SIZE="{size}"'
    return f'<FONT COLOR="{colour}"{size_attribute}>{_html(text)}</FONT>'


_FONT_SIZE = 11
_MARK_FONT_SIZE = 9
_TITLE_FONT_SIZE = 14


def _text_width(text: str, *, size: int, bold: bool = False) -> int:
    """A generous estimate, in points, of the width of ``text`` set in Helvetica."""
    return round(len(text) * size * (0.68 if bold else 0.62)) + 6


def _column_cells(column: Column[object], *, light: bool) -> list[tuple[str, int]]:
    """The cells of one column's row: (HTML content, estimated width in points)."""
    marks = " ".join(
        mark
        for mark, present in (("PK", column.primary_key), ("FK", bool(column.foreign_keys)))
        if present
    )
    name = _html(column.name)
    cells = [
        (
            _font(marks, colour="#7f6000", size=_MARK_FONT_SIZE),
            _text_width(marks, size=_MARK_FONT_SIZE),
        ),
        (
            f"<B>{name}</B>" if column.primary_key else name,
            _text_width(column.name, size=_FONT_SIZE, bold=column.primary_key),
        ),
    ]
    if not light:
        type_text = sql_type(column)
        null_text = "" if column.nullable else "NOT NULL"
        cells += [
            (_font(type_text, colour="#1f4e79"), _text_width(type_text, size=_FONT_SIZE)),
            (
                _font(null_text, colour="#990000", size=_MARK_FONT_SIZE),
                _text_width(null_text, size=_MARK_FONT_SIZE),
            ),
        ]
    return cells


def _table_label(table: Table, *, light: bool, colour: str) -> str:
    """HTML-like label of a table: a header and one row per shown column.

    Each row is a single cell (the column's port, so that edges end at the table's border)
    holding a borderless inner table; equal minimum cell widths keep the inner tables'
    cells aligned as columns.
    """
    columns = [
        column for column in table.columns if not light or column.primary_key or column.foreign_keys
    ]
    cells = [_column_cells(column, light=light) for column in columns]
    widths = [max(width for _, width in row_cells) for row_cells in zip(*cells, strict=True)]
    if widths:
        # The last cell takes up any width that the title needs beyond the columns' widths;
        # otherwise Graphviz spreads it over all the cells and the key marks drift apart.
        title_width = _text_width(table.fullname, size=_TITLE_FONT_SIZE, bold=True) + 8
        widths[-1] += max(0, title_width - sum(widths))
    rows = [
        f'<TR><TD BGCOLOR="{colour}" ALIGN="CENTER" CELLPADDING="4">'
        f'<B><FONT POINT-SIZE="{_TITLE_FONT_SIZE}">{_html(table.fullname)}</FONT></B></TD></TR>'
    ]
    for column, row_cells in zip(columns, cells, strict=True):
        inner = "".join(
            f'<TD ALIGN="LEFT" WIDTH="{width}">{content}</TD>'
            for (content, _), width in zip(row_cells, widths, strict=True)
        )
        rows.append(
            f'<TR><TD PORT="{_port(column.name)}" ALIGN="LEFT">'
            f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">'
            f"<TR>{inner}</TR></TABLE></TD></TR>"
        )
    if not columns:
        rows.append("<TR><TD><I>no key columns</I></TD></TR>")
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1" BGCOLOR="white">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _fk_sort_key(fk: ForeignKeyConstraint) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(fk.column_keys), tuple(element.target_fullname for element in fk.elements))


def _edge(table: Table, fk: ForeignKeyConstraint, tables: Mapping[str, Table]) -> str | None:
    """One edge child -> parent for a (possibly composite) foreign key; None if no parent."""
    targets = [element.target_fullname.rsplit(".", 1) for element in fk.elements]
    parent_key = targets[0][0]
    parent = tables.get(parent_key)
    if parent is None:
        return None
    child_columns = [element.parent.name for element in fk.elements]
    parent_columns = [target[1] for target in targets]
    tooltip = (
        f"{table.fullname}({', '.join(child_columns)}) -> "
        f"{parent.fullname}({', '.join(parent_columns)})"
    )
    optional = all(element.parent.nullable for element in fk.elements)
    attributes = [f"tooltip={_quote(tooltip)}"]
    if optional:
        attributes.append("style=dashed")
    tail = f"{_quote(table.key)}:{_port(child_columns[0])}"
    head = f"{_quote(parent.key)}:{_port(parent_columns[0])}"
    return f"  {tail} -> {head} [{', '.join(attributes)}];"


def build_dot(
    metadata: MetaData,
    *,
    light: bool,
    title: str,
    families: Mapping[str, str] | None = None,
) -> str:
    """DOT text of one diagram of ``metadata``; ``families`` maps table key -> family."""
    if families is None:
        families = table_families(metadata)
    tables = metadata.tables
    by_family: dict[str, list[str]] = {}
    for key in sorted(tables):
        by_family.setdefault(families.get(key, OTHER_FAMILY), []).append(key)
    legend = (
        "PK primary key, FK foreign key"
        + ("" if light else ", NOT NULL: column may not be null")
        + ". Arrows go from the referencing table to the referenced one;"
        " dashed when the foreign key is nullable."
    )
    lines = [
        "// Generated from opdb.models by `python -m opdb.diagrams`; do not edit by hand.",
        f"digraph {_quote('opdb-light' if light else 'opdb-full')} {{",
        "  graph [rankdir=LR, ranksep=1.2, nodesep=0.35, fontname=Helvetica, fontsize=22,",
        f"         labelloc=t, label=<<B>{_html(title)}</B><BR/>"
        f'<FONT POINT-SIZE="12">{_html(legend)}</FONT>>];',
        "  node [shape=plain, fontname=Helvetica, fontsize=11];",
        '  edge [color="#555555", arrowsize=0.7, arrowhead=normal, dir=both, arrowtail=crow];',
    ]
    for family in _family_order(by_family):
        colour = _family_colour(family)
        lines.append(f"  subgraph {_cluster_id(family)} {{")
        lines.append(
            f"    graph [label=<<B>{_html(family_label(family))}</B>>, fontsize=18,"
            f' style="rounded,filled", fillcolor="{_CLUSTER_FILL}", color="#999999",'
            " margin=16];"
        )
        for key in by_family[family]:
            label = _table_label(tables[key], light=light, colour=colour)
            comment = tables[key].comment
            tooltip = f", tooltip={_quote(comment)}" if comment else ""
            lines.append(f"    {_quote(key)} [label={label}{tooltip}];")
        lines.append("  }")
    for key in sorted(tables):
        table = tables[key]
        for fk in sorted(table.foreign_key_constraints, key=_fk_sort_key):
            edge = _edge(table, fk, tables)
            if edge is not None:
                lines.append(edge)
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate(
    metadata: MetaData | None = None, families: Mapping[str, str] | None = None
) -> dict[str, str]:
    """DOT text of every diagram, by file name (``opdb-full.dot``, ``opdb-light.dot``)."""
    if metadata is None:
        metadata = default_metadata()
    if families is None:
        families = table_families(metadata)
    return {
        f"{diagram.stem}.dot": build_dot(
            metadata, light=diagram.light, title=diagram.title, families=families
        )
        for diagram in DIAGRAMS
    }


# --------------------------------------------------------------------------- files


def expected_files() -> list[str]:
    """Every file the generator produces, by name."""
    return [f"{d.stem}.{ext}" for d in DIAGRAMS for ext in ("dot", *RENDER_FORMATS)]


def stale_files(
    out_dir: Path,
    metadata: MetaData | None = None,
    families: Mapping[str, str] | None = None,
) -> list[str]:
    """Names of the files in ``out_dir`` that are out of date with the models.

    A ``.dot`` file is stale if it is missing or its text differs from the generated one; a
    rendered ``.svg`` / ``.pdf`` only if it is missing.
    """
    stale = []
    for name, text in generate(metadata, families).items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    for diagram in DIAGRAMS:
        for ext in RENDER_FORMATS:
            name = f"{diagram.stem}.{ext}"
            if not (out_dir / name).is_file():
                stale.append(name)
    return sorted(stale)


def write_dot_files(
    out_dir: Path,
    metadata: MetaData | None = None,
    families: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write the DOT files into ``out_dir`` (created if needed); return their paths."""
    return generated.write_texts(out_dir, generate(metadata, families))


class GraphvizMissingError(RuntimeError):
    """The Graphviz ``dot`` program is not on PATH."""


def find_dot() -> str:
    """Path of the Graphviz ``dot`` program, or GraphvizMissingError."""
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissingError(
            "the Graphviz `dot` program is not on PATH; install it with "
            "`apt-get install graphviz` (Debian/Ubuntu) and run again"
        )
    return dot


def render(dot_files: Sequence[Path], dot: str | None = None) -> list[Path]:
    """Render each DOT file next to itself as SVG and PDF with Graphviz; return the outputs."""
    if dot is None:
        dot = find_dot()
    outputs = []
    for dot_file in dot_files:
        for ext in RENDER_FORMATS:
            output = dot_file.with_suffix("." + ext)
            subprocess.run([dot, f"-T{ext}", "-o", str(output), str(dot_file)], check=True)
            outputs.append(output)
    return outputs


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m opdb.diagrams [--out DIR] [--check]``."""
    return generated.main(
        argv,
        prog=REGENERATE_COMMAND,
        description="Generate the opDB schema diagrams (Graphviz DOT, SVG, PDF) from the models.",
        default_out=Path(DEFAULT_OUT_DIR),
        what="schema diagrams",
        stale=stale_files,
        write=_write,
    )


def _write(out_dir: Path) -> int:
    """Write the DOT files and render them; 2 without Graphviz, 1 if it fails."""
    try:
        dot = find_dot()
    except GraphvizMissingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dot_files = write_dot_files(out_dir)
    try:
        outputs = render(dot_files, dot)
    except subprocess.CalledProcessError as error:
        print(f"error: Graphviz failed (exit {error.returncode}): {error.cmd}", file=sys.stderr)
        return 1
    for path in [*dot_files, *outputs]:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
