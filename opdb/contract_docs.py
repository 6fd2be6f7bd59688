"""The event contract as documents other teams' tools can read, generated from the models.

Why: actors are written in several codebases (some not in Python), and their authors
want to check an event before they publish it and to read what each table takes
without reading SQLAlchemy. The rules live in :mod:`opdb.contract` and the models, so
the documents are generated from those same sources and a test fails when the
committed copies are stale. ``python -m opdb.contract_docs`` writes into
``docs/contract/``:

* ``envelope.schema.json``: JSON Schema (draft 2020-12) of an event. Each entry of
  ``writes`` is tied to its table by an ``if``/``then`` on ``table`` (an ``if`` only
  reads ``table``, so a 2400-row write is checked against one table, not 61); the row
  schema of every table is in ``$defs`` (``row.<table>``) with the column types,
  ``additionalProperties: false`` and the column comments, and the columns a row must
  carry depend on ``op`` (again ``if``/``then``). One self-contained file, so a tool
  needs no reference resolver.
* ``asyncapi.json``: AsyncAPI 3.0 description of the broker side: the topic exchange
  ``opdb``, the queues ``opdb.ingest`` and ``opdb.ingest.dead``, the message and the
  dead-letter headers.
* ``README.md``: what the files are and what JSON Schema cannot say.

``python -m opdb.contract_docs --check`` writes nothing and exits 1 listing the stale
files. Output is deterministic: sorted keys, tables in name order, ``\\n`` line ends.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

# The contract's own helpers, so that the documents follow exactly the rules its
# validators apply; tests/unit/test_contract_docs.py checks the two agree table by table.
from opdb import generated
from opdb.contract import (
    _INTEGER_BOUNDS,
    _NO_NUL_PATTERN,
    CONTRACT_VERSION,
    REAL_MAX,
    Envelope,
    Op,
    Reason,
    _sql_label,
    server_fills,
)
from opdb.models import Base
from opdb.wire import (
    ATTEMPTS_HEADER,
    DEAD_LETTER_HEADERS,
    DEAD_LETTER_QUEUE,
    DETAIL_HEADER,
    EXCHANGE,
    FAILED_AT_HEADER,
    FIRST_FAILED_HEADER,
    INGEST_QUEUE,
    ORIGINAL_USER_HEADER,
    REASON_HEADER,
)

__all__ = [
    "ASYNCAPI_FILE",
    "DEAD_LETTER_HEADERS",
    "DEAD_LETTER_QUEUE",
    "ENVELOPE_FILE",
    "EXCHANGE",
    "INGEST_QUEUE",
    "README_FILE",
    "REASON_DESCRIPTIONS",
    "asyncapi_document",
    "envelope_schema",
    "generate",
    "main",
    "required_columns",
    "stale_files",
    "write_files",
]

DEFAULT_OUT_DIR: Final = Path("docs/contract")
REGENERATE_COMMAND: Final = "python -m opdb.contract_docs"
ENVELOPE_FILE: Final = "envelope.schema.json"
ASYNCAPI_FILE: Final = "asyncapi.json"
README_FILE: Final = "README.md"
JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

# Names on the wire come from opdb.wire, which the daemon reads too.

REASON_DESCRIPTIONS: Final[Mapping[Reason, str]] = {
    Reason.MALFORMED: "The body is not UTF-8 JSON, or the envelope does not follow the contract.",
    Reason.VALIDATION: (
        "A row breaks its table's rules (type, range, length, NOT NULL, unknown or missing "
        "column), here or in PostgreSQL (e.g. a check constraint)."
    ),
    Reason.UNKNOWN_TABLE: "A write names a table that is not in the opDB schema.",
    Reason.CONFLICT: "An insert hits a primary or unique key that already holds a row.",
    Reason.MISSING_PARENT: (
        "A row's parent (foreign key) or an updated row did not arrive within the daemon's "
        "retry time; until then the event waits in retry queues and is tried again."
    ),
    Reason.TOO_LARGE: "The body is larger than the daemon's limit.",
    Reason.UNSUPPORTED_VERSION: "The envelope's version is missing or not supported.",
}

# ISO-8601 forms every writer can produce; datetime.fromisoformat, which the contract
# uses, reads these and a few more (see the README). The date is checked against the
# calendar (2026-02-30 and 2025-02-29 are refused, as fromisoformat refuses them), so a
# validator of another language agrees with the daemon; the syntax is the common subset
# of ECMA-262 and Python regular expressions.
_LEAP_YEAR = r"(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DATE = (
    r"(?!0000)(?:\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))"
    f"|{_LEAP_YEAR}-02-29)"
)
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_DATE_TIME = f"{_DATE}[T ]{_TIME}"
_OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)"
AWARE_TIMESTAMP_PATTERN: Final = f"^{_DATE_TIME}{_OFFSET}$"
SITE_TIMESTAMP_PATTERN: Final = f"^{_DATE_TIME}{_OFFSET}?$"

_TYPE_NOTES: Final = {
    "real": "real; NaN and ±Infinity allowed as bare tokens",
    "double precision": "double precision; NaN and ±Infinity allowed as bare tokens",
    "timestamp without time zone": (
        "timestamp without time zone: naive values are HST wall-clock time, values with an "
        "offset are converted to HST"
    ),
    "timestamp with time zone": "timestamp with time zone: the UTC offset is required",
    "bigint": "bigint: keep the integer literal exact, JavaScript numbers lose digits past 2^53",
    "jsonb": "jsonb: any JSON value without NaN/Infinity or NUL characters",
}


# --------------------------------------------------------------------------- rows


def required_columns(table: sa.Table, op: Op) -> list[str]:
    """Columns a row must carry for ``op``, in table order: the contract's rule."""
    primary_key = {column.name for column in table.primary_key.columns}
    needed = {
        column.name for column in table.columns if not column.nullable and not server_fills(column)
    }
    if op is Op.UPDATE:
        names = primary_key
    elif op is Op.UPSERT:
        names = needed | primary_key
    else:
        names = needed
    return [column.name for column in table.columns if column.name in names]


def _value_schema(sql_type: sa.types.TypeEngine[Any]) -> dict[str, Any]:
    """The non-null JSON values a column accepts; mirrors ``opdb.contract._value_schema``."""
    label = _sql_label(sql_type)
    if isinstance(sql_type, sa.ARRAY):
        if sql_type.dimensions not in (None, 1):
            raise TypeError(f"only one-dimensional arrays are supported, not {label}")
        return {"type": "array", "items": _value_schema(sql_type.item_type)}
    if isinstance(sql_type, sa.Boolean):
        return {"type": "boolean"}
    if isinstance(sql_type, sa.Integer) and label in _INTEGER_BOUNDS:
        low, high = _INTEGER_BOUNDS[label]
        return {"type": "integer", "minimum": low, "maximum": high}
    if isinstance(sql_type, sa.Float):
        # No minimum/maximum for real: a validator given Python floats would then
        # refuse Infinity, which the contract stores; the range is in the description.
        return {"type": "number"}
    if isinstance(sql_type, sa.String):
        schema: dict[str, Any] = {"type": "string", "pattern": _NO_NUL_PATTERN}
        if sql_type.length is not None:
            schema["maxLength"] = sql_type.length
        return schema
    if isinstance(sql_type, sa.DateTime):
        # No "format": its RFC 3339 wants seconds, which the contract does not, and
        # Ajv's default (strict) settings refuse a format it has no plugin for.
        if sql_type.timezone:
            return {"type": "string", "pattern": AWARE_TIMESTAMP_PATTERN}
        return {"type": "string", "pattern": SITE_TIMESTAMP_PATTERN}
    if isinstance(sql_type, sa.JSON):
        return {}
    raise TypeError(f"the event contract has no rule for columns of type {label}")


def _column_schema(column: sa.Column[Any]) -> dict[str, Any]:
    label = _sql_label(column.type)
    schema = _value_schema(column.type)
    if column.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    base_label = label.removesuffix("[]")
    note = _TYPE_NOTES.get(base_label, base_label)
    if label.endswith("[]"):
        note = f"array of {note}"
    comment = (column.comment or "").rstrip(".")
    nullability = "" if column.nullable else ", NOT NULL"
    schema["description"] = f"{comment} [{note}{nullability}]" if comment else f"[{note}]"
    return schema


def _table_descriptions(metadata: sa.MetaData) -> dict[str, str]:
    """Table name -> first paragraph of its model's docstring (or the table comment)."""
    found: dict[str, str] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        doc = inspect.getdoc(mapper.class_)
        if isinstance(table, sa.Table) and table.metadata is metadata and doc:
            found[table.name] = " ".join(doc.split("\n\n")[0].split())
    for table in metadata.tables.values():
        if table.name not in found and table.comment:
            found[table.name] = table.comment
    return found


def _row_schema(table: sa.Table, description: str) -> dict[str, Any]:
    primary_key = [column.name for column in table.primary_key.columns]
    links = sorted(
        (
            fk.referred_table.name,
            [element.parent.name for element in fk.elements],
            [element.column.name for element in fk.elements],
        )
        for fk in table.foreign_key_constraints
    )
    text = description.rstrip(".")
    # Keys are told in the description, not in x- keywords, which Ajv's default strict
    # mode refuses as unknown.
    key_text = f"Primary key: ({', '.join(primary_key)})." if primary_key else "No primary key."
    key_text += "".join(
        f" Foreign key: ({', '.join(columns)}) references {parent} ({', '.join(referred)})."
        for parent, columns, referred in links
    )
    return {
        "type": "object",
        "title": f"{table.name} row",
        "description": f"{text}. {key_text}" if text else key_text,
        "properties": {column.name: _column_schema(column) for column in table.columns},
        "additionalProperties": False,
    }


def _op_rule(op: Op, required: list[str], primary_key: list[str]) -> dict[str, Any] | None:
    """An ``if``/``then`` that applies the op's required columns to every row."""
    # The types restate what the envelope says, for Ajv's strictTypes check.
    items: dict[str, Any] = {"type": "object"}
    if required:
        items["required"] = required
    if op is Op.UPDATE:
        # At least one column besides the key, since additionalProperties is false.
        items["minProperties"] = len(primary_key) + 1
    if len(items) == 1:
        return None
    condition: dict[str, Any] = {"properties": {"op": {"const": op.value}}}
    if op is not Op.INSERT:
        # Without "op" the write is an insert; "properties" alone would match it too.
        condition["required"] = ["op"]
    return {
        "if": condition,
        "then": {"properties": {"rows": {"type": "array", "items": items}}},
    }


def _write_schema(table: sa.Table) -> dict[str, Any]:
    primary_key = [column.name for column in table.primary_key.columns]
    rules = [
        rule
        for op in Op
        if (rule := _op_rule(op, required_columns(table, op), primary_key)) is not None
    ]
    schema: dict[str, Any] = {
        "type": "object",
        "title": f"write to {table.name}",
        "description": (
            f"Rows for {table.name}. Required columns: insert "
            f"({', '.join(required_columns(table, Op.INSERT)) or 'none'}), upsert "
            f"({', '.join(required_columns(table, Op.UPSERT)) or 'none'}), update "
            f"({', '.join(primary_key)} plus at least one other column)."
        ),
        "properties": {
            "table": {"const": table.name},
            "op": {"$ref": "#/$defs/Op"},
            "rows": {
                "type": "array",
                "minItems": 1,
                "items": {"$ref": f"#/$defs/row.{table.name}"},
            },
        },
        "required": ["table", "rows"],
        "additionalProperties": False,
    }
    if rules:
        schema["allOf"] = rules
    return schema


# --------------------------------------------------------------------------- envelope


_ENVELOPE_DESCRIPTION: Final = (
    f"An opDB event, contract version {CONTRACT_VERSION}: UTF-8 JSON published to the "
    f"exchange '{EXCHANGE}'. The daemon writes all rows of an event in one transaction, "
    "parents first whatever the order of 'writes', and records 'id' so a redelivered event "
    "is written once. What JSON Schema cannot express: real and double precision columns "
    "also take NaN, Infinity and -Infinity, written as the bare tokens Python's json module "
    "writes (they are not JSON; validate a body read by a parser that maps them to floats, "
    "as Python's does); a number literal too large for a double (1e400) is refused, not "
    "read as Infinity; a finite real must lie within "
    f"±{REAL_MAX!r}; integers must be JSON integers (1.0 is refused); timestamps are read "
    "by Python's datetime.fromisoformat, which takes a few more ISO-8601 forms than the "
    "patterns here; a jsonb value must not contain NaN, Infinity or NUL characters. "
    "Foreign keys are checked by PostgreSQL: an event whose parents are missing waits and "
    "is retried, and is dead-lettered as missing_parent only if they never come."
)


def envelope_schema(metadata: sa.MetaData | None = None) -> dict[str, Any]:
    """JSON Schema (2020-12) of an event envelope with the row schema of every table.

    The envelope fields come from the pydantic :class:`~opdb.contract.Envelope` model
    the contract validates with, so a change there shows up here.
    """
    metadata = Base.metadata if metadata is None else metadata
    tables = sorted(metadata.tables.values(), key=lambda table: table.name)
    descriptions = _table_descriptions(metadata)
    model = Envelope.model_json_schema()
    model_defs = model["$defs"]
    generic = dict(model_defs["EnvelopeWrite"])
    generic["title"] = "write"
    generic["description"] = (
        "Rows for one table; 'op' (default insert) decides which columns each row must "
        "carry. The 'then' branch matching 'table' holds that table's rules."
    )
    generic["properties"] = {
        **generic["properties"],
        "table": {"type": "string", "enum": [table.name for table in tables]},
    }
    generic["allOf"] = [
        {
            "if": {"required": ["table"], "properties": {"table": {"const": table.name}}},
            "then": {"$ref": f"#/$defs/write.{table.name}"},
        }
        for table in tables
    ]
    properties = dict(model["properties"])
    properties["sent_at"] = {
        "title": properties["sent_at"]["title"],
        "description": "When the actor sent the event, with its UTC offset; seconds may be "
        "left out, as the daemon's reader (datetime.fromisoformat) allows.",
        "type": "string",
        "pattern": AWARE_TIMESTAMP_PATTERN,
    }
    properties["id"] = {
        **properties["id"],
        "description": "The event's idempotency key: a UUID in its hyphenated form "
        "(8-4-4-4-12 hexadecimal digits, either case); other spellings are refused.",
    }
    properties["writes"] = {**properties["writes"], "items": {"$ref": "#/$defs/write"}}
    defs: dict[str, Any] = {"Op": model_defs["Op"], "write": generic}
    for table in tables:
        defs[f"write.{table.name}"] = _write_schema(table)
        defs[f"row.{table.name}"] = _row_schema(table, descriptions.get(table.name, ""))
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": f"opDB event envelope, contract version {CONTRACT_VERSION}",
        "description": _ENVELOPE_DESCRIPTION,
        "type": "object",
        "properties": properties,
        "required": model["required"],
        "additionalProperties": model["additionalProperties"],
        "$defs": defs,
    }


# --------------------------------------------------------------------------- AsyncAPI


def _dead_letter_headers() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            REASON_HEADER: {
                "type": "string",
                "enum": [reason.value for reason in Reason],
                "description": "Why the event was refused: "
                + " ".join(f"{reason.value}: {REASON_DESCRIPTIONS[reason]}" for reason in Reason),
            },
            DETAIL_HEADER: {
                "type": "string",
                "description": "What exactly was wrong (table, row, column, value), for an "
                "operator; at most 4000 characters.",
            },
            ATTEMPTS_HEADER: {
                "type": "integer",
                "minimum": 1,
                "description": "How many times the daemon tried the event.",
            },
            FAILED_AT_HEADER: {
                "type": "string",
                "format": "date-time",
                "description": "When the event was dead-lettered (UTC).",
            },
            FIRST_FAILED_HEADER: {
                "type": "string",
                "format": "date-time",
                "description": "When the event first failed (UTC); earlier than "
                f"{FAILED_AT_HEADER} for an event that waited for missing parents.",
            },
            ORIGINAL_USER_HEADER: {
                "type": "string",
                "description": "The AMQP user_id of the original message, if it had one "
                "(the property itself cannot be republished).",
            },
        },
        "required": [REASON_HEADER, DETAIL_HEADER, ATTEMPTS_HEADER, FAILED_AT_HEADER],
    }


def asyncapi_document() -> dict[str, Any]:
    """AsyncAPI 3.0 description of how events travel through RabbitMQ."""
    payload = {
        "schemaFormat": "application/schema+json;version=2020-12",
        "schema": {"$ref": f"./{ENVELOPE_FILE}"},
    }
    event_description = (
        "One opDB event. Publish it persistent (delivery mode 2) with publisher confirms; "
        "an unconfirmed event may be published again with the same id, the daemon writes "
        "it once."
    )
    exchange_binding = {
        "is": "routingKey",
        "exchange": {
            "name": EXCHANGE,
            "type": "topic",
            "durable": True,
            "autoDelete": False,
            "vhost": "/",
        },
        "bindingVersion": "0.3.0",
    }

    def queue_binding(name: str) -> dict[str, Any]:
        return {
            "is": "queue",
            "queue": {
                "name": name,
                "durable": True,
                "exclusive": False,
                "autoDelete": False,
                "vhost": "/",
            },
            "bindingVersion": "0.3.0",
        }

    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "opDB ingestion events",
            "version": str(CONTRACT_VERSION),
            "description": (
                "Instrument actors (MCS, AG, SPS, Gen2, IIC, FPS) publish opDB events to "
                f"the topic exchange '{EXCHANGE}'; the ingestion daemon consumes them from "
                f"'{INGEST_QUEUE}', writes them into PostgreSQL and acknowledges them after "
                f"COMMIT. Refused events go to '{DEAD_LETTER_QUEUE}' with the reason in "
                f"headers. Generated by `{REGENERATE_COMMAND}`; do not edit."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "broker": {
                "host": "{host}:{port}",
                "protocol": "amqp",
                "protocolVersion": "0-9-1",
                "description": "The site's RabbitMQ broker; credentials come from the "
                "deployment, never from this document.",
                "variables": {
                    "host": {"default": "localhost", "description": "Broker host name."},
                    "port": {"default": "5672", "description": "AMQP port."},
                },
            }
        },
        "channels": {
            "opdbExchange": {
                "address": None,
                "title": f"Exchange {EXCHANGE}",
                "description": (
                    f"Durable topic exchange '{EXCHANGE}'. Any routing key works: the "
                    f"ingest queue is bound with '#'."
                ),
                "messages": {"event": {"$ref": "#/components/messages/event"}},
                "bindings": {"amqp": exchange_binding},
            },
            "ingestQueue": {
                "address": INGEST_QUEUE,
                "title": f"Queue {INGEST_QUEUE}",
                "description": (
                    f"Durable quorum queue bound to '{EXCHANGE}' with '#', consumed by the "
                    "daemon. An event whose parent rows are not there yet waits in a queue "
                    f"'{INGEST_QUEUE}.retry.quorum.<delay>ms' (doubling delays) and comes back "
                    "here; the daemon gives up after its retry time and dead-letters it."
                ),
                "messages": {"event": {"$ref": "#/components/messages/event"}},
                "bindings": {"amqp": queue_binding(INGEST_QUEUE)},
            },
            "deadLetterQueue": {
                "address": DEAD_LETTER_QUEUE,
                "title": f"Queue {DEAD_LETTER_QUEUE}",
                "description": (
                    "Durable quorum queue of refused events: the original body and "
                    "properties, with the reason in x-opdb-* headers. Nothing consumes it "
                    "automatically; operators inspect, fix and republish."
                ),
                "messages": {"deadLetter": {"$ref": "#/components/messages/deadLetter"}},
                "bindings": {"amqp": queue_binding(DEAD_LETTER_QUEUE)},
            },
        },
        "operations": {
            "publishEvent": {
                "action": "send",
                "title": "An actor publishes an event",
                "channel": {"$ref": "#/channels/opdbExchange"},
                "messages": [{"$ref": "#/channels/opdbExchange/messages/event"}],
                "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": "0.3.0"}},
            },
            "ingestEvent": {
                "action": "receive",
                "title": "The daemon writes an event into the opDB",
                "channel": {"$ref": "#/channels/ingestQueue"},
                "messages": [{"$ref": "#/channels/ingestQueue/messages/event"}],
            },
            "inspectDeadLetter": {
                "action": "receive",
                "title": "An operator reads a refused event",
                "channel": {"$ref": "#/channels/deadLetterQueue"},
                "messages": [{"$ref": "#/channels/deadLetterQueue/messages/deadLetter"}],
            },
        },
        "components": {
            "messages": {
                "event": {
                    "name": "opdbEvent",
                    "title": "opDB event",
                    "summary": f"Rows for opDB tables, contract version {CONTRACT_VERSION}.",
                    "description": event_description,
                    "contentType": "application/json",
                    "payload": payload,
                },
                "deadLetter": {
                    "name": "opdbDeadLetter",
                    "title": "Refused opDB event",
                    "summary": "An event the daemon refused, with the reason in headers.",
                    "contentType": "application/json",
                    "headers": _dead_letter_headers(),
                    "payload": payload,
                },
            }
        },
    }


# --------------------------------------------------------------------------- README


def _readme(metadata: sa.MetaData) -> str:
    tables = sorted(metadata.tables.values(), key=lambda table: table.name)
    lines = [
        "# opDB event contract (generated)",
        "",
        f"Generated from `opdb/contract.py` and `opdb/models` by `{REGENERATE_COMMAND}`;",
        f"do not edit. `{REGENERATE_COMMAND} --check` (and a unit test) fail when stale.",
        "",
        f"- `{ENVELOPE_FILE}`: JSON Schema 2020-12 of an event, contract version "
        f"{CONTRACT_VERSION}, with the row schema of every table in `$defs` "
        "(`row.<table>`, `write.<table>`).",
        f"- `{ASYNCAPI_FILE}`: AsyncAPI 3.0: exchange `{EXCHANGE}` (topic, durable), queues "
        f"`{INGEST_QUEUE}` and `{DEAD_LETTER_QUEUE}`, dead-letter headers.",
        "",
        "Checking an event in Python (`pip install jsonschema`):",
        "",
        "```python",
        "import json, jsonschema",
        f'schema = json.load(open("docs/contract/{ENVELOPE_FILE}"))',
        "validator = jsonschema.Draft202012Validator(",
        "    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER",
        ")",
        "validator.validate(json.loads(body))  # json.loads reads NaN/Infinity tokens",
        "```",
        "",
        "In JavaScript, Ajv's default (strict) settings compile it (`npm install ajv`):",
        "",
        "```js",
        'const Ajv2020 = require("ajv/dist/2020").default;',
        f'const validate = new Ajv2020().compile(require("./{ENVELOPE_FILE}"));',
        "```",
        "",
        "The schema uses no `format` keyword and no `x-` extension (primary and foreign",
        "keys are in each row's description), so no plugin or option is needed. Event ids",
        "are UUIDs in their hyphenated form; timestamps are checked against the calendar",
        "and may leave out seconds, exactly as the daemon reads them.",
        "",
        "What the schema cannot say (the daemon's `opdb.contract` still checks it):",
        "",
        "- `real` and `double precision` columns also take `NaN`, `Infinity` and",
        "  `-Infinity` as bare tokens (not JSON: Python's `json` reads and writes them);",
        "  a number literal too large for a double (`1e400`) is refused, although",
        f"  Python's `json` reads it as Infinity; a finite `real` must lie within ±{REAL_MAX!r}.",
        "- Integers must be JSON integers: `1.0` is refused.",
        "- Timestamps are read by `datetime.fromisoformat`, which takes a few more ISO-8601",
        "  forms than the schema's patterns. `timestamp` columns hold HST wall-clock time:",
        "  a naive value is stored as is, a value with an offset is converted to HST.",
        "- Foreign keys: the daemon writes an event's writes parents first; an event whose",
        "  parents are not in the database yet waits in retry queues and is dead-lettered",
        "  (`missing_parent`) only if they never come.",
        "",
        "## Dead-letter reasons (`x-opdb-reason`)",
        "",
        "| reason | meaning |",
        "|---|---|",
        *(f"| `{reason.value}` | {REASON_DESCRIPTIONS[reason]} |" for reason in Reason),
        "",
        "## Tables",
        "",
        "| table | columns | required on insert | primary key |",
        "|---|---|---|---|",
    ]
    for table in tables:
        required = ", ".join(required_columns(table, Op.INSERT)) or "-"
        key = ", ".join(column.name for column in table.primary_key.columns) or "-"
        lines.append(f"| `{table.name}` | {len(table.columns)} | {required} | {key} |")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- files


def _json_text(document: Mapping[str, Any]) -> str:
    # allow_nan=False: a NaN would make the document unreadable to strict parsers.
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    )


def generate(metadata: sa.MetaData | None = None) -> dict[str, str]:
    """Every document, by file name, as the text to write."""
    metadata = Base.metadata if metadata is None else metadata
    return {
        ENVELOPE_FILE: _json_text(envelope_schema(metadata)),
        ASYNCAPI_FILE: _json_text(asyncapi_document()),
        README_FILE: _readme(metadata),
    }


def stale_files(out_dir: Path, metadata: sa.MetaData | None = None) -> list[str]:
    """Names of files in ``out_dir`` that are missing, differ, or are no longer generated."""
    expected = generate(metadata)
    stale = [
        name
        for name, text in expected.items()
        if not (out_dir / name).is_file() or (out_dir / name).read_text(encoding="utf-8") != text
    ]
    if out_dir.is_dir():
        stale += [
            path.name
            for path in out_dir.iterdir()
            if path.is_file() and path.suffix in {".json", ".md"} and path.name not in expected
        ]
    return sorted(stale)


def write_files(out_dir: Path, metadata: sa.MetaData | None = None) -> list[Path]:
    """Write every document into ``out_dir`` (created if needed); return the paths."""
    return generated.write_texts(out_dir, generate(metadata))


def _write(out_dir: Path) -> int:
    for path in write_files(out_dir):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m opdb.contract_docs [--out DIR] [--check]``."""
    return generated.main(
        argv,
        prog=REGENERATE_COMMAND,
        description="Generate the contract documents (JSON Schema, AsyncAPI) from the models.",
        default_out=DEFAULT_OUT_DIR,
        what="contract documents",
        stale=stale_files,
        write=_write,
    )


if __name__ == "__main__":
    sys.exit(main())
