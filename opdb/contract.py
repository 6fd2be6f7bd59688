"""The opDB event contract, version 1, and its validation.

Actors publish events and the ingestion daemon writes them into the opDB. Both run
this module: the publisher calls :meth:`Contract.validate` before sending, the daemon
calls :meth:`Contract.parse` on every message body, so a bad row is refused with the
same :class:`Reason` and the same detail on both sides, and an actor learns about it
before the message ever leaves.

An event body is UTF-8 JSON::

    {"version": 1, "id": "<uuid>", "source": "mcs",
     "sent_at": "2026-11-24T10:15:00.123+00:00",
     "writes": [{"table": "mcs_exposure", "op": "insert", "rows": [{...}]},
                {"table": "mcs_data", "rows": [{...}, ...]}]}

Row rules are derived from the SQLAlchemy metadata, never written per table, so a new
column is validated as soon as the model has it. Each (table, op) gets one
pydantic-core validator, built with the :class:`Contract`, that checks a whole ``rows``
list in a single call: the daemon sees MCS frames of ~3000 rows and per-row Python
would dominate its budget.

Value rules that are not obvious:

* ``real``/``double precision`` accept NaN and +/-Infinity (PostgreSQL stores them and
  MCS reports NaN centroids), but a finite value outside the ``real`` range is refused
  instead of being left for PostgreSQL to fail the whole batch on. Bodies carry them
  as the bare ``NaN``/``Infinity``/``-Infinity`` tokens Python's json module writes. A
  number literal too large for a double (``1e400``) is refused, not read as Infinity
  as Python's json module would: only the bare token means Infinity.
* ``jsonb`` accepts any JSON value except NaN/Infinity and NUL characters, which
  PostgreSQL's ``jsonb`` cannot store.
* ``timestamp without time zone`` columns hold site wall-clock time (HST at Subaru).
  A naive value is taken as that wall-clock time; an aware one is converted to the
  site zone and stored naive, so writers that send UTC-aware values land right.
  ``timestamp with time zone`` columns need an offset, since a naive value there
  would be read in the server's zone, whatever it happens to be.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, NoReturn
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    PlainValidator,
    StrictStr,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, SchemaValidator, from_json, to_json
from pydantic_core import core_schema as cs
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeEngine

from opdb.models import Base

CONTRACT_VERSION: Final = 1
SUPPORTED_VERSIONS: Final = (CONTRACT_VERSION,)
DEFAULT_SITE_TIMEZONE: Final = "Pacific/Honolulu"
DEFAULT_MAX_BODY_BYTES: Final = 16 * 1024 * 1024
SOURCE_PATTERN: Final = r"^[a-z0-9_.-]{1,64}$"
# The hyphenated 8-4-4-4-12 form only: it is what every UUID library writes, and what
# the published JSON Schema can state for other languages' validators.
UUID_PATTERN: Final = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)

# Largest finite float4; PostgreSQL refuses anything beyond it with "out of range".
REAL_MAX: Final = 3.4028234663852886e38
_INTEGER_BOUNDS: Final = {
    "smallint": (-(2**15), 2**15 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "bigint": (-(2**63), 2**63 - 1),
}
# PostgreSQL text types cannot hold NUL; any other character is fine.
_NO_NUL_PATTERN: Final = r"^[^\x00]*$"
# Deeper than the JSON parser lets a body nest, so it only stops cyclic Python objects
# handed to Contract.validate.
_MAX_JSON_DEPTH: Final = 256
_MAX_ECHO_CHARS: Final = 80
_MAX_DETAIL_CHARS: Final = 1000
_PG_DIALECT: Final = postgresql.dialect()  # type: ignore[no-untyped-call]


class Reason(StrEnum):
    """Why an event was refused: the dead-letter reason an operator sorts by."""

    MALFORMED = "malformed"
    VALIDATION = "validation"
    UNKNOWN_TABLE = "unknown_table"
    # The two below come from the database, so only the daemon raises them.
    CONFLICT = "conflict"
    MISSING_PARENT = "missing_parent"
    TOO_LARGE = "too_large"
    UNSUPPORTED_VERSION = "unsupported_version"


class EventRejected(Exception):  # noqa: N818 - the name is part of the published API
    """An event that is refused, with a reason to sort by and a detail for an operator.

    Contract checks are deterministic: the same body is refused the same way every time,
    so the daemon dead-letters it instead of retrying.
    """

    reason: Reason
    detail: str

    def __init__(self, reason: Reason, detail: str) -> None:
        # Both go to Exception.args so that unpickling can call __init__ again.
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


class Op(StrEnum):
    """How a write applies its rows; it decides which columns a row must carry."""

    INSERT = "insert"
    UPSERT = "upsert"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class TableWrite:
    """Validated rows for one table: Python values ready for the database driver."""

    table: str
    op: Op
    rows: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Event:
    """A validated event; ``writes`` are parents-first so they can be applied in order."""

    id: uuid.UUID
    source: str
    sent_at: datetime
    writes: tuple[TableWrite, ...]

    @property
    def row_count(self) -> int:
        """Rows over all writes, for batch sizing and metrics."""
        return sum(len(write.rows) for write in self.writes)


def _parse_timestamp(value: object) -> datetime:
    # datetime.fromisoformat is the ISO-8601 reader; pydantic's lax datetime would also
    # take numbers and numeric strings as Unix time, which the contract forbids.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "timestamp_parsing", "input should be an ISO-8601 timestamp"
            ) from None
    raise PydanticCustomError("timestamp_type", "input should be an ISO-8601 timestamp string")


def _aware_timestamp(value: object) -> datetime:
    timestamp = _parse_timestamp(value)
    if timestamp.utcoffset() is None:
        raise PydanticCustomError(
            "timestamp_naive", "timestamp must carry a UTC offset (e.g. +00:00 or Z)"
        )
    return timestamp


_UUID_RE: Final = re.compile(UUID_PATTERN)


def _event_id(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str) and _UUID_RE.fullmatch(value):
        return uuid.UUID(value)
    raise PydanticCustomError(
        "uuid_form", "input should be a valid UUID in its 8-4-4-4-12 hyphenated form"
    )


class _SiteWallClock:
    """Turns a timestamp into naive wall-clock time of the site zone."""

    __slots__ = ("_zone",)

    def __init__(self, zone: tzinfo) -> None:
        self._zone = zone

    def __call__(self, value: object) -> datetime:
        timestamp = _parse_timestamp(value)
        if timestamp.utcoffset() is None:
            return timestamp.replace(tzinfo=None)
        try:
            return timestamp.astimezone(self._zone).replace(tzinfo=None)
        except OverflowError:
            # Only at the ends of Python's year 1..9999; pydantic would let it escape.
            raise PydanticCustomError(
                "timestamp_range", "timestamp is out of range once converted to the site zone"
            ) from None


class _OverflowingNumber:
    """A number literal of a body that is too large for a double (``1e400``).

    The fast JSON reader turns it into Infinity; the exact reading (see
    :meth:`Contract.parse`) keeps it as this object, which no column accepts.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _exact_float(text: str) -> float | _OverflowingNumber:
    value = float(text)
    return _OverflowingNumber(text) if math.isinf(value) else value


class _ReadExactly(Exception):  # noqa: N818 - internal signal, never escapes parse()
    """An Infinity in a float column of a body read by the fast reader, which cannot
    tell the bare ``Infinity`` token from an overflowing literal."""


# validate_python context of a body read by the fast JSON reader.
_FAST_READ: Final = {"fast_read": True}


def _non_finite(value: float, info: cs.ValidationInfo) -> float:
    # Reached only for values outside the finite range: NaN and +/-Infinity are
    # storable, anything else there is a finite overflow (only possible for real).
    if math.isfinite(value):
        raise PydanticCustomError("real_range", "finite value outside the real range")
    if math.isinf(value) and info.context is _FAST_READ:
        raise _ReadExactly
    return value


def _json_error(path: str, why: str) -> NoReturn:
    raise PydanticCustomError("jsonb_value", "{why} at {path}", {"why": why, "path": path or "$"})


def _jsonb_value(value: object, info: cs.ValidationInfo) -> object:
    """Check a ``jsonb`` value without copying it; an explicit stack survives any depth."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                _json_error(path, "string contains a NUL character")
        elif item is None or isinstance(item, int):
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                if math.isinf(item) and info.context is _FAST_READ:
                    raise _ReadExactly  # an overflowing literal deserves its own message
                _json_error(path, "NaN and Infinity cannot be stored in jsonb")
        elif isinstance(item, _OverflowingNumber):
            _json_error(path, f"number {item.text} is out of range for a double")
        elif depth >= _MAX_JSON_DEPTH:
            _json_error(path, f"nested deeper than {_MAX_JSON_DEPTH} levels")
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item))
        elif isinstance(item, dict):
            for key, v in item.items():
                if not isinstance(key, str):
                    _json_error(path, "object keys must be strings")
                if "\x00" in key:
                    _json_error(path, "object key contains a NUL character")
                stack.append((v, f"{path}[{key!r}]", depth + 1))
        else:
            _json_error(path, f"{type(item).__name__} is not a JSON value")
    return value


_REAL_SCHEMA: Final = cs.chain_schema(
    [
        cs.float_schema(strict=True, allow_inf_nan=True),
        # Range first, all in Rust; the Python fallback runs only for NaN, +/-Infinity
        # and overflows. The custom error hides the union's two inner errors.
        cs.union_schema(
            [
                cs.float_schema(ge=-REAL_MAX, le=REAL_MAX),
                cs.with_info_plain_validator_function(_non_finite),
            ],
            mode="left_to_right",
            custom_error_type="real_range",
            custom_error_message=f"out of range for real (finite values within ±{REAL_MAX!r})",
        ),
    ]
)
_DOUBLE_SCHEMA: Final = cs.chain_schema(
    [
        cs.float_schema(strict=True, allow_inf_nan=True),
        # Finite values stay in Rust; only NaN and +/-Infinity reach Python.
        cs.union_schema(
            [
                cs.float_schema(allow_inf_nan=False),
                cs.with_info_plain_validator_function(_non_finite),
            ],
            mode="left_to_right",
        ),
    ]
)


def _sql_label(sql_type: TypeEngine[Any]) -> str:
    """The type as PostgreSQL spells it, for messages: ``varchar(5)``, ``real[]``."""
    return str(sql_type.compile(dialect=_PG_DIALECT)).lower()


def _value_schema(sql_type: TypeEngine[Any], site_clock: _SiteWallClock) -> cs.CoreSchema:
    """The non-null values a column of ``sql_type`` accepts, as a pydantic-core schema."""
    label = _sql_label(sql_type)
    if isinstance(sql_type, sa.ARRAY):
        if sql_type.dimensions not in (None, 1):
            raise TypeError(f"only one-dimensional arrays are supported, not {label}")
        return cs.list_schema(_value_schema(sql_type.item_type, site_clock), strict=True)
    if isinstance(sql_type, sa.Boolean):
        return cs.bool_schema(strict=True)
    if isinstance(sql_type, sa.Integer) and label in _INTEGER_BOUNDS:
        low, high = _INTEGER_BOUNDS[label]
        return cs.int_schema(strict=True, ge=low, le=high)
    if isinstance(sql_type, sa.Float):
        # FLOAT(p) with p <= 24 is real in PostgreSQL, as is REAL itself.
        if isinstance(sql_type, sa.REAL) or (sql_type.precision or 53) <= 24:
            return _REAL_SCHEMA
        return _DOUBLE_SCHEMA
    if isinstance(sql_type, sa.String):
        return cs.str_schema(strict=True, max_length=sql_type.length, pattern=_NO_NUL_PATTERN)
    if isinstance(sql_type, sa.DateTime):
        if sql_type.timezone:
            return cs.no_info_plain_validator_function(_aware_timestamp)
        return cs.no_info_plain_validator_function(site_clock)
    if isinstance(sql_type, sa.JSON):
        return cs.with_info_plain_validator_function(_jsonb_value)
    raise TypeError(f"the event contract has no rule for columns of type {label}")


def server_fills(column: sa.Column[Any]) -> bool:
    """Whether PostgreSQL fills the column when an INSERT leaves it out: the one rule
    for what a row may omit (the contract), what the documents call optional, and what
    the writer leaves out of its column lists."""
    return (
        column.server_default is not None
        or column.identity is not None
        or isinstance(column.default, sa.Sequence)
        or column is column.table.autoincrement_column  # serial / bigserial
    )


@dataclass(frozen=True, slots=True)
class _TableRules:
    """Everything needed to check rows of one table, built once."""

    validators: Mapping[Op, SchemaValidator]
    labels: Mapping[str, str]
    primary_key: frozenset[str]


def _build_rules(table: sa.Table, site_clock: _SiteWallClock) -> _TableRules:
    primary_key = frozenset(column.name for column in table.primary_key.columns)
    value_schemas: dict[str, cs.CoreSchema] = {}
    for column in table.columns:
        schema = _value_schema(column.type, site_clock)
        value_schemas[column.name] = cs.nullable_schema(schema) if column.nullable else schema
    needed_on_insert = {
        column.name for column in table.columns if not column.nullable and not server_fills(column)
    }
    required: dict[Op, frozenset[str]] = {
        Op.INSERT: frozenset(needed_on_insert),
        Op.UPSERT: frozenset(needed_on_insert | primary_key),
        Op.UPDATE: primary_key,
    }
    validators = {
        op: SchemaValidator(
            cs.list_schema(
                cs.typed_dict_schema(
                    {
                        name: cs.typed_dict_field(schema, required=name in required[op])
                        for name, schema in value_schemas.items()
                    },
                    extra_behavior="forbid",
                    strict=True,
                ),
                strict=True,
            )
        )
        for op in Op
    }
    labels = {column.name: _sql_label(column.type) for column in table.columns}
    return _TableRules(validators=validators, labels=labels, primary_key=primary_key)


AwareTimestamp = Annotated[
    datetime,
    PlainValidator(_aware_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An ISO-8601 timestamp string (or datetime object) that carries a UTC offset."""

EventId = Annotated[
    uuid.UUID,
    PlainValidator(_event_id),
    WithJsonSchema({"type": "string", "pattern": UUID_PATTERN}),
]
"""A UUID string in its hyphenated form (or a ``uuid.UUID`` object)."""


class EnvelopeWrite(BaseModel):
    """One entry of ``writes``: rows for one table.

    Rows are only checked to be objects here; their rules depend on the table, so
    :class:`Contract` applies them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: StrictStr
    op: Op = Op.INSERT
    # InstanceOf keeps the row dicts as they are (no copy per row) while the JSON
    # Schema still says "array of objects".
    rows: Annotated[list[InstanceOf[dict[str, Any]]], Field(min_length=1)]


class Envelope(BaseModel):
    """The envelope of an event, version 1; also the source of its JSON Schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    id: EventId
    source: Annotated[str, StringConstraints(strict=True, pattern=SOURCE_PATTERN)]
    sent_at: AwareTimestamp
    writes: Annotated[list[EnvelopeWrite], Field(min_length=1)]


_echo_repr = reprlib.Repr()
_echo_repr.maxlevel = 2
_echo_repr.maxstring = _MAX_ECHO_CHARS
_echo_repr.maxother = _MAX_ECHO_CHARS


def _echo(value: object) -> str:
    """A bounded repr of client input, so a huge value cannot flood a log line."""
    text = _echo_repr.repr(value)
    return text if len(text) <= _MAX_ECHO_CHARS else text[: _MAX_ECHO_CHARS - 3] + "..."


def _bounded(detail: str) -> str:
    return detail if len(detail) <= _MAX_DETAIL_CHARS else detail[: _MAX_DETAIL_CHARS - 3] + "..."


def _sentence(message: str) -> str:
    # pydantic capitalises its messages ("Input should..."); ours are lower-case already
    # and may begin with a word such as "NaN" that must keep its capitals.
    first_word = message.split(" ", 1)[0]
    if first_word[1:].islower():
        return message[:1].lower() + message[1:]
    return message


_JSON_TYPE_NAMES: Final = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


# Why the envelope is refused, by pydantic error type (any other: pydantic's message).
_ENVELOPE_WHY: Final = {
    "missing": "is missing",
    "extra_forbidden": "is not a key of the contract",
    "too_short": "must not be empty",
    "is_instance_of": "must be a JSON object",
    "string_pattern_mismatch": f"must match {SOURCE_PATTERN}",
}
# Why a row's value is refused, by pydantic error type, filled in from the error's ctx
# (any other type: pydantic's message). The only pattern on values is the one refusing NUL.
_VALUE_WHY: Final = {
    "less_than_equal": "out of range, must be <= {le}",
    "greater_than_equal": "out of range, must be >= {ge}",
    "string_pattern_mismatch": "string contains a NUL character, which PostgreSQL cannot store",
    "string_too_long": "string longer than {max_length} characters",
}


def _loc_text(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + _echo(part).strip("'\"")
    return text or "body"


def _envelope_detail(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    error = errors[0]
    kind = error["type"]
    where = _loc_text(error["loc"])
    why = _ENVELOPE_WHY[kind] if kind in _ENVELOPE_WHY else _sentence(error["msg"])
    if kind not in {"missing", "extra_forbidden"}:
        why += f", got {_echo(error['input'])}"
    more = f" ({len(errors)} envelope errors, first shown)" if len(errors) > 1 else ""
    return _bounded(f"{where}: {why}{more}")


def _row_error_text(error: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    loc = error["loc"]
    kind = error["type"]
    row = loc[0]
    column = loc[1]
    if kind == "missing":
        return f"row {row}: missing required column {column!r}"
    if kind == "extra_forbidden":
        # Most often a publisher built for a newer schema than the daemon writes into:
        # say so, so the actor's developers know to wait for the upgrade, not fix a typo.
        return (
            f"row {row} column {_echo(column)}: unknown column: not in the schema this side "
            "was built for; if the publisher is on a newer release, migrate the database and "
            "upgrade the daemon first, then replay this event from the dead-letter queue"
        )
    where = f"row {row} column {column!r} ({labels[column]})"
    if len(loc) > 2:
        where += " element " + "".join(f"[{part}]" for part in loc[2:])
    value = error["input"]
    if isinstance(value, _OverflowingNumber):
        return f"{where}: number out of range (beyond a double), got {value.text}"
    if value is None:
        return f"{where}: null is not allowed " + (
            "(the column is NOT NULL)" if len(loc) == 2 else "in an array"
        )
    if kind in _VALUE_WHY:
        why = _VALUE_WHY[kind].format(**error.get("ctx", {}))
    else:
        why = _sentence(error["msg"])
    return f"{where}: {why}, got {_echo(value)}"


def _count_suffix(problems: int, rows: int) -> str:
    if problems <= 1:
        return ""
    return f" ({problems} problems in {rows} rows, first shown)"


class Contract:
    """Validates events against one opDB schema; build it once and share it.

    The constructor builds one validator per table and op, which is what makes each
    event cheap afterwards; instances are immutable and safe to share between threads.
    """

    def __init__(
        self,
        metadata: sa.MetaData | None = None,
        site_timezone: str = DEFAULT_SITE_TIMEZONE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if max_body_bytes <= 0:
            raise ValueError(f"max_body_bytes must be positive, not {max_body_bytes}")
        # ZoneInfo raises at once on an unknown zone name: a typo must stop start-up.
        self._site_clock = _SiteWallClock(ZoneInfo(site_timezone))
        self._max_body_bytes = max_body_bytes
        tables = (Base.metadata if metadata is None else metadata).sorted_tables
        self._table_order = tuple(table.key for table in tables)
        self._rank = {name: rank for rank, name in enumerate(self._table_order)}
        # All 61 tables build in milliseconds; doing it here makes a column type the
        # contract cannot check fail at start-up rather than on the first event.
        self._rules = {table.key: _build_rules(table, self._site_clock) for table in tables}

    @property
    def max_body_bytes(self) -> int:
        """Largest body :meth:`parse` accepts; the broker's limit should not be lower."""
        return self._max_body_bytes

    @property
    def table_order(self) -> tuple[str, ...]:
        """Every table, parents before the tables whose foreign keys point at them."""
        return self._table_order

    def sort_parents_first(self, writes: Iterable[TableWrite]) -> list[TableWrite]:
        """Writes in foreign-key order, keeping the given order within one table.

        The daemon uses it as well when it merges the writes of many events.
        """
        return sorted(writes, key=lambda write: self._rank[write.table])

    def parse(self, body: bytes) -> Event:
        """Validate a message body as received from the broker (the daemon's entry)."""
        if len(body) > self._max_body_bytes:
            raise EventRejected(
                Reason.TOO_LARGE,
                f"body is {len(body)} bytes, more than the limit of {self._max_body_bytes}",
            )
        try:
            document = from_json(body, allow_inf_nan=True)
        except ValueError as exc:
            raise EventRejected(Reason.MALFORMED, _unreadable_body_detail(body, exc)) from None
        try:
            return self._check(document, _FAST_READ)
        except _ReadExactly:
            pass
        # An Infinity reached a float column: read the body again, slowly but exactly,
        # so that an overflowing literal such as 1e400 is refused rather than stored as
        # Infinity. Bodies without Infinity never pay for this.
        exact = json.loads(body, parse_float=_exact_float)
        return self._check(exact)

    def validate(self, envelope: Mapping[str, Any]) -> Event:
        """Validate an event built in Python (the publisher's entry).

        Accepts what :meth:`parse` accepts after JSON decoding, plus ``uuid.UUID`` and
        ``datetime`` objects where the JSON has strings.
        """
        return self._check(envelope)

    def encode(self, event: Event) -> bytes:
        """The JSON body of a validated event, as :meth:`parse` reads it back.

        NaN and Infinity are written as the bare ``NaN``/``Infinity`` tokens that
        Python's json module and :meth:`parse` understand.
        """
        body = to_json(
            {
                "version": CONTRACT_VERSION,
                "id": str(event.id),
                "source": event.source,
                "sent_at": event.sent_at.isoformat(),
                "writes": [
                    {"table": write.table, "op": str(write.op), "rows": write.rows}
                    for write in event.writes
                ],
            },
            inf_nan_mode="constants",
        )
        if len(body) > self._max_body_bytes:
            raise EventRejected(
                Reason.TOO_LARGE,
                f"body is {len(body)} bytes, more than the limit of {self._max_body_bytes}",
            )
        return body

    def _check(self, document: object, context: Mapping[str, bool] | None = None) -> Event:
        if not isinstance(document, Mapping):
            kind = _JSON_TYPE_NAMES.get(type(document), type(document).__name__)
            raise EventRejected(Reason.MALFORMED, f"body must be a JSON object, got {kind}")
        # The version decides how to read everything else, so it is checked first.
        version = document.get("version")
        if type(version) is not int or version not in SUPPORTED_VERSIONS:
            found = (
                "version is missing"
                if "version" not in document
                else (f"version {_echo(version)} is not supported")
            )
            raise EventRejected(
                Reason.UNSUPPORTED_VERSION,
                f"{found}; supported versions: {', '.join(map(str, SUPPORTED_VERSIONS))}",
            )
        try:
            envelope = Envelope.model_validate(document)
        except ValidationError as exc:
            raise EventRejected(Reason.MALFORMED, _envelope_detail(exc)) from None
        for index, write in enumerate(envelope.writes):
            if write.table not in self._rules:
                raise EventRejected(
                    Reason.UNKNOWN_TABLE,
                    f"writes[{index}]: table {_echo(write.table)} is not in the opDB schema",
                )
        writes = [
            self._check_write(index, write, context) for index, write in enumerate(envelope.writes)
        ]
        return Event(
            id=envelope.id,
            source=envelope.source,
            sent_at=envelope.sent_at,
            writes=tuple(self.sort_parents_first(writes)),
        )

    def _check_write(
        self, index: int, write: EnvelopeWrite, context: Mapping[str, bool] | None
    ) -> TableWrite:
        rules = self._rules[write.table]
        prefix = f"writes[{index}] {write.table} {write.op}"
        try:
            rows: list[dict[str, Any]] = rules.validators[write.op].validate_python(
                write.rows, context=context
            )
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            failed_rows = len({error["loc"][0] for error in errors})
            detail = _row_error_text(errors[0], rules.labels)
            raise EventRejected(
                Reason.VALIDATION,
                _bounded(f"{prefix}: {detail}{_count_suffix(len(errors), failed_rows)}"),
            ) from None
        if write.op is Op.UPDATE:
            key_only = [
                number for number, row in enumerate(rows) if row.keys() <= rules.primary_key
            ]
            if key_only:
                raise EventRejected(
                    Reason.VALIDATION,
                    _bounded(
                        f"{prefix}: row {key_only[0]}: nothing to update, give at least one "
                        f"column besides the primary key ({', '.join(sorted(rules.primary_key))})"
                        + _count_suffix(len(key_only), len(key_only))
                    ),
                )
        return TableWrite(table=write.table, op=write.op, rows=rows)


def _unreadable_body_detail(body: bytes, exc: ValueError) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"body is not valid UTF-8: {bad.reason} at byte {bad.start}"
    return _bounded(f"body is not valid JSON: {exc}")
