"""The contract documents in docs/contract/ are generated, fresh, and say what the
contract enforces: the JSON Schema takes every simulated event and refuses bad ones,
its required columns and types agree with opdb.contract table by table, and the
AsyncAPI document names the broker objects and headers the daemon really uses."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from support import assert_check_names_stale_files

from daemon.ingest import deadletter
from daemon.settings import Settings
from opdb import contract_docs
from opdb.contract import Contract, EventRejected, Op, Reason
from opdb.models import Base
from opdb.simulate import simulate_night

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[2]
REPO_DOCS = REPO_ROOT / "docs" / "contract"
REGENERATE = "python -m opdb.contract_docs"
NIGHT = {
    "visits": 5,
    "visits_per_field": 2,
    "frames": 3,
    "spots": 60,
    "cobras": 80,
    "fiducials": 8,
    "ag_frames": 3,
}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return contract_docs.envelope_schema()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract()


def envelope(*writes: dict[str, Any]) -> dict[str, Any]:
    return {
        "version": 1,
        "id": "0b7c9e52-3f0e-4c1d-9b7a-6f1f0c2d4e5a",
        "source": "test",
        "sent_at": "2026-11-24T19:00:00.000-10:00",
        "writes": list(writes),
    }


def write(table: str, *rows: dict[str, Any], op: str = "insert") -> dict[str, Any]:
    return {"table": table, "op": op, "rows": list(rows)}


def schema_errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(document)]


def contract_accepts(contract: Contract, document: dict[str, Any]) -> bool:
    try:
        contract.validate(document)
    except EventRejected:
        return False
    return True


# --------------------------------------------------------------------------- staleness


def test_committed_documents_match_the_models() -> None:
    stale = [
        name
        for name, text in contract_docs.generate().items()
        if not (REPO_DOCS / name).is_file() or (REPO_DOCS / name).read_text("utf-8") != text
    ]
    assert not stale, (
        f"docs/contract/{', docs/contract/'.join(stale)} out of date with opdb.models and "
        f"opdb.contract; regenerate with `{REGENERATE}` and commit the result"
    )
    assert contract_docs.stale_files(REPO_DOCS) == [], f"regenerate with `{REGENERATE}`"


def test_check_passes_on_fresh_output_and_fails_when_stale(tmp_path: Path) -> None:
    contract_docs.write_files(tmp_path)
    assert contract_docs.stale_files(tmp_path) == []
    assert contract_docs.main(["--check", "--out", str(tmp_path)]) == 0

    # a hand edit
    schema_file = tmp_path / contract_docs.ENVELOPE_FILE
    edited = json.loads(schema_file.read_text("utf-8"))
    edited["title"] = "hand-edited"
    schema_file.write_text(json.dumps(edited), encoding="utf-8")
    assert contract_docs.stale_files(tmp_path) == [contract_docs.ENVELOPE_FILE]

    # a missing file, and a file that is no longer generated
    contract_docs.write_files(tmp_path)
    (tmp_path / contract_docs.ASYNCAPI_FILE).unlink()
    (tmp_path / "old.schema.json").write_text("{}", encoding="utf-8")
    assert contract_docs.stale_files(tmp_path) == [contract_docs.ASYNCAPI_FILE, "old.schema.json"]


def test_a_model_change_makes_the_schema_stale(tmp_path: Path) -> None:
    metadata = sa.MetaData()
    sa.Table("probe", metadata, sa.Column("probe_id", sa.Integer, primary_key=True))
    contract_docs.write_files(tmp_path, metadata)
    assert contract_docs.stale_files(tmp_path, metadata) == []
    sa.Table("probe_child", metadata, sa.Column("child_id", sa.Integer, primary_key=True))
    assert contract_docs.stale_files(tmp_path, metadata) == [
        contract_docs.README_FILE,
        contract_docs.ENVELOPE_FILE,
    ]


def test_check_command_lists_stale_files_and_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert_check_names_stale_files(
        contract_docs.main, contract_docs.generate(), REGENERATE, tmp_path, capsys
    )
    assert not any(tmp_path.iterdir()), "--check must write nothing"


def refuse_constant(token: str) -> None:
    pytest.fail(f"a generated document holds {token}")


def test_generation_is_deterministic_and_strict_json() -> None:
    first = contract_docs.generate()
    assert contract_docs.generate() == first
    for name in (contract_docs.ENVELOPE_FILE, contract_docs.ASYNCAPI_FILE):
        text = first[name]
        assert text.endswith("}\n")
        # Strict JSON: no NaN/Infinity tokens anywhere in the documents themselves.
        json.loads(text, parse_constant=refuse_constant)
        assert (
            text
            == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        )


# --------------------------------------------------------------------------- JSON Schema


def test_the_schema_is_a_valid_2020_12_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    tables = sorted(Base.metadata.tables)
    assert schema["$defs"]["write"]["properties"]["table"]["enum"] == tables
    assert {f"row.{t}" for t in tables} | {f"write.{t}" for t in tables} <= set(schema["$defs"])


def test_every_simulated_event_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    count = 0
    for event in simulate_night(seed=4, **NIGHT):
        # As another team's tool would: from the JSON text, NaN tokens included.
        document = json.loads(json.dumps(event))
        assert schema_errors(validator, document) == [], event["writes"][0]["table"]
        count += 1
    assert count > 50


def test_a_full_size_mcs_frame_is_valid(validator: jsonschema.Draft202012Validator) -> None:
    options = {"visits": 1, "frames": 1, "ag_frames": 0, "status_snapshots": 0}
    frames = [
        e
        for e in simulate_night(seed=1, **options)
        if e["writes"][0]["table"] in {"mcs_exposure", "cobra_match"}
    ]
    assert sum(len(w["rows"]) for e in frames for w in e["writes"]) > 4800
    for event in frames:
        assert schema_errors(validator, event) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (envelope(write("no_such_table", {"a": 1})), "is not one of"),
        (envelope(write("pfs_visit", {"pfs_visit_id": "12"})), "is not of type 'integer'"),
        (
            envelope(write("pfs_visit", {"pfs_visit_id": 1, "colour": "red"})),
            "'colour' was unexpected",
        ),
        (
            envelope(write("pfs_visit", {"pfs_visit_description": "x"})),
            "'pfs_visit_id' is a required",
        ),
        (envelope(write("pfs_visit", {"pfs_visit_id": 2**31})), "is greater than the maximum"),
        (envelope(write("pfs_visit", {"pfs_visit_id": 1}, op="update")), "does not have enough"),
        (envelope(write("pfs_visit", {"pfs_visit_id": 1}, op="replace")), "is not one of"),
        (envelope(write("pfs_visit")), "should be non-empty"),
        (envelope(write("sps_camera", {"sps_camera_id": 1, "arm": "br"})), "is too long"),
        (envelope(write("mcs_data", {"mcs_frame_id": 1, "spot_id": None})), "is not of type"),
        (envelope(write("cobra", {"cobra_id": 1, "version": "a\x00b"})), "does not match"),
        (
            envelope(
                write(
                    "pfs_design",
                    {
                        "pfs_design_id": 1,
                        "variant": 0,
                        "design_id0": 1,
                        "to_be_observed_at": "2026-11-24T19:00:00",
                    },
                )
            ),
            "does not match",
        ),
        (
            envelope(
                write(
                    "tel_status",
                    {"pfs_visit_id": 1, "status_sequence_id": 1, "created_at": "yesterday"},
                )
            ),
            "does not match",
        ),
        ({**envelope(write("pfs_visit", {"pfs_visit_id": 1})), "version": 2}, "1 was expected"),
        ({**envelope(write("pfs_visit", {"pfs_visit_id": 1})), "source": "MCS!"}, "does not match"),
        (
            {**envelope(write("pfs_visit", {"pfs_visit_id": 1})), "sent_at": "2026-11-24T19:00"},
            "does not match",
        ),
        (
            {**envelope(write("pfs_visit", {"pfs_visit_id": 1})), "extra": 1},
            "'extra' was unexpected",
        ),
    ],
    ids=[
        "unknown-table",
        "wrong-type",
        "extra-column",
        "missing-key-on-insert",
        "int4-overflow",
        "update-of-key-only",
        "unknown-op",
        "no-rows",
        "varchar-too-long",
        "null-in-not-null",
        "nul-character",
        "naive-timestamptz",
        "not-a-timestamp",
        "version",
        "source",
        "naive-sent-at",
        "extra-envelope-key",
    ],
)
def test_bad_events_are_refused_by_both_schema_and_contract(
    validator: jsonschema.Draft202012Validator,
    contract: Contract,
    document: dict[str, Any],
    message: str,
) -> None:
    errors = schema_errors(validator, document)
    assert any(message in error for error in errors), errors
    assert not contract_accepts(contract, document)


def test_non_finite_reals_pass_once_parsed_as_python_does(
    validator: jsonschema.Draft202012Validator, contract: Contract
) -> None:
    row = {"mcs_frame_id": 1, "spot_id": 0, "flux": math.nan, "fluxerr": math.inf}
    document = json.loads(json.dumps(envelope(write("mcs_data", row))))
    assert schema_errors(validator, document) == []
    assert contract_accepts(contract, document)


# --------------------------------------------------------------------------- parity


def sample(column: dict[str, Any]) -> Any:
    """A value of the column's type that both the schema and the contract accept."""
    if column.get("pattern") == contract_docs.AWARE_TIMESTAMP_PATTERN:
        return "2026-11-24T19:00:00.250+00:00"
    if column.get("pattern") == contract_docs.SITE_TIMESTAMP_PATTERN:
        return "2026-11-24T19:00:00"
    kind = column.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    values = {"integer": 7, "number": 1.5, "boolean": True, "string": "x", "array": [1.5, 2.5]}
    return values[kind] if kind is not None else {"key": [1, "two", None]}


def wrong(column: dict[str, Any]) -> Any:
    """A value of another JSON type, refused by both."""
    kind = column.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    return 12 if kind == "string" else "twelve"


def table_cases(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for table in sorted(Base.metadata.tables):
        yield table, schema["$defs"][f"row.{table}"]["properties"]


def test_required_columns_agree_with_the_contract_for_every_table_and_op(
    schema: dict[str, Any], validator: jsonschema.Draft202012Validator, contract: Contract
) -> None:
    checked = 0
    for table, columns in table_cases(schema):
        key = [column.name for column in Base.metadata.tables[table].primary_key.columns]
        for op in Op:
            required = contract_docs.required_columns(Base.metadata.tables[table], op)
            row = {name: sample(columns[name]) for name in required}
            if op is Op.UPDATE:
                extra = next(name for name in columns if name not in key)
                row[extra] = sample(columns[extra])
            if not row:
                continue  # e.g. insert into a table whose only key is a serial
            document = envelope(write(table, row, op=op.value))
            assert schema_errors(validator, document) == [], (table, op)
            assert contract_accepts(contract, document), (table, op)
            for name in required:
                smaller = {k: v for k, v in row.items() if k != name}
                if not smaller:
                    continue
                document = envelope(write(table, smaller, op=op.value))
                assert schema_errors(validator, document), (table, op, name)
                assert not contract_accepts(contract, document), (table, op, name)
                checked += 1
    assert checked > 150


def test_column_types_agree_with_the_contract_for_every_column(
    schema: dict[str, Any], validator: jsonschema.Draft202012Validator, contract: Contract
) -> None:
    for table, columns in table_cases(schema):
        full = {name: sample(column) for name, column in columns.items()}
        document = envelope(write(table, full, op="upsert"))
        assert schema_errors(validator, document) == [], table
        assert contract_accepts(contract, document), table
        for name, column in columns.items():
            if "type" not in column:
                continue  # jsonb takes any JSON value
            document = envelope(write(table, {**full, name: wrong(column)}, op="upsert"))
            assert schema_errors(validator, document), (table, name)
            assert not contract_accepts(contract, document), (table, name)
            nullable = isinstance(column["type"], list)
            document = envelope(write(table, {**full, name: None}, op="upsert"))
            assert (schema_errors(validator, document) == []) is nullable, (table, name)
            assert contract_accepts(contract, document) is nullable, (table, name)
            if "maxLength" in column:
                long = "x" * (column["maxLength"] + 1)
                document = envelope(write(table, {**full, name: long}, op="upsert"))
                assert schema_errors(validator, document), (table, name)
                assert not contract_accepts(contract, document), (table, name)


@pytest.mark.parametrize(
    "value",
    [
        "2026-11-24T19:00",
        "2026-11-24 19:00:00",
        "2026-11-24T19:00:00.123456",
        "2026-11-24T19:00:00Z",
        "2026-11-24T19:00:00-10:00",
        "2026-11-24T19:00:00+0000",
    ],
)
def test_every_timestamp_the_pattern_takes_is_read_by_the_contract(value: str) -> None:
    assert re.match(contract_docs.SITE_TIMESTAMP_PATTERN, value)
    datetime.fromisoformat(value)
    aware = re.match(contract_docs.AWARE_TIMESTAMP_PATTERN, value) is not None
    assert aware is (datetime.fromisoformat(value).utcoffset() is not None)


def test_columns_carry_their_comments_and_sql_types(schema: dict[str, Any]) -> None:
    row = schema["$defs"]["row.mcs_data"]
    assert row["additionalProperties"] is False
    assert "Primary key: (mcs_frame_id, spot_id)." in row["description"]
    assert (
        "Foreign key: (mcs_frame_id) references mcs_exposure (mcs_frame_id)." in row["description"]
    )
    assert "One spot centroided" in row["description"]
    center = row["properties"]["mcs_center_x_pix"]
    assert "[real; NaN" in center["description"]
    assert center["type"] == ["number", "null"]
    assert "Spot centroid along MCS detector x" in center["description"]
    assert "NaN" in center["description"]
    bigint = schema["$defs"]["row.pfs_design"]["properties"]["pfs_design_id"]
    assert (bigint["minimum"], bigint["maximum"]) == (-(2**63), 2**63 - 1)
    assert schema["$defs"]["row.camera_model_f3c_mcs"]["properties"]["matrix"]["items"] == {
        "type": "number"
    }
    assert schema["$defs"]["row.sps_camera"]["properties"]["arm"]["maxLength"] == 1


# --------------------------------------------------------------------------- AsyncAPI


@pytest.fixture(scope="module")
def asyncapi() -> dict[str, Any]:
    return contract_docs.asyncapi_document()


def resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_asyncapi_names_the_daemons_broker_objects(asyncapi: dict[str, Any]) -> None:
    defaults = Settings.model_fields
    assert defaults["exchange"].default == contract_docs.EXCHANGE
    assert defaults["queue"].default == contract_docs.INGEST_QUEUE
    assert f"{defaults['queue'].default}.dead" == contract_docs.DEAD_LETTER_QUEUE
    assert asyncapi["asyncapi"] == "3.0.0"
    exchange = asyncapi["channels"]["opdbExchange"]["bindings"]["amqp"]["exchange"]
    assert (exchange["name"], exchange["type"], exchange["durable"]) == ("opdb", "topic", True)
    assert asyncapi["channels"]["ingestQueue"]["address"] == "opdb.ingest"
    assert asyncapi["channels"]["deadLetterQueue"]["address"] == "opdb.ingest.dead"
    assert "{host}" in asyncapi["servers"]["broker"]["host"]


def test_asyncapi_dead_letter_headers_are_the_daemons(asyncapi: dict[str, Any]) -> None:
    headers = asyncapi["components"]["messages"]["deadLetter"]["headers"]
    names = {
        deadletter.REASON_HEADER,
        deadletter.DETAIL_HEADER,
        deadletter.ATTEMPTS_HEADER,
        deadletter.FAILED_AT_HEADER,
        deadletter.FIRST_FAILED_HEADER,
    }
    assert names <= set(headers["properties"])
    assert set(contract_docs.DEAD_LETTER_HEADERS) == set(headers["properties"])
    reasons = headers["properties"][deadletter.REASON_HEADER]["enum"]
    assert reasons == [reason.value for reason in Reason]
    assert len(reasons) == 7
    assert set(contract_docs.REASON_DESCRIPTIONS) == set(Reason)


def test_asyncapi_references_resolve(asyncapi: dict[str, Any]) -> None:
    found = list(refs(asyncapi))
    assert found
    for ref in found:
        if ref.startswith("#/"):
            resolve(asyncapi, ref)
        else:
            assert (REPO_DOCS / ref).is_file(), ref
    for message in asyncapi["components"]["messages"].values():
        assert message["contentType"] == "application/json"
        assert message["payload"]["schema"] == {"$ref": f"./{contract_docs.ENVELOPE_FILE}"}
    for operation in asyncapi["operations"].values():
        channel = resolve(asyncapi, operation["channel"]["$ref"])
        for ref in operation["messages"]:
            assert ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
            assert resolve(asyncapi, ref["$ref"]) in channel["messages"].values()


# --------------------------------------------------------------------------- other languages

# Every keyword of JSON Schema 2020-12 but "format": Ajv's default (strict) settings
# refuse any keyword it does not know, x- extensions included, and a format it has no
# plugin for. Values are what the keyword holds: a schema, a list or a map of schemas.
_SCHEMA, _SCHEMAS, _SCHEMA_MAP, _VALUE = "schema", "schemas", "map", "value"
_KEYWORDS_2020_12: dict[str, str] = {
    **dict.fromkeys(
        [
            "items",
            "not",
            "if",
            "then",
            "else",
            "additionalProperties",
            "contains",
            "propertyNames",
            "unevaluatedItems",
            "unevaluatedProperties",
            "contentSchema",
        ],
        _SCHEMA,
    ),
    **dict.fromkeys(["allOf", "anyOf", "oneOf", "prefixItems"], _SCHEMAS),
    **dict.fromkeys(["properties", "patternProperties", "$defs", "dependentSchemas"], _SCHEMA_MAP),
    **dict.fromkeys(
        [
            "$schema",
            "$id",
            "$ref",
            "$anchor",
            "$dynamicRef",
            "$dynamicAnchor",
            "$vocabulary",
            "$comment",
            "type",
            "enum",
            "const",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "maxContains",
            "minContains",
            "maxProperties",
            "minProperties",
            "required",
            "dependentRequired",
            "title",
            "description",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly",
            "examples",
            "contentEncoding",
            "contentMediaType",
        ],
        _VALUE,
    ),
}


def unknown_keywords(node: Any, where: str = "#") -> Iterator[str]:
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        kind = _KEYWORDS_2020_12.get(key)
        if kind is None:
            yield f"{where}/{key}"
        elif kind == _SCHEMA:
            yield from unknown_keywords(value, f"{where}/{key}")
        elif kind == _SCHEMAS:
            for index, item in enumerate(value):
                yield from unknown_keywords(item, f"{where}/{key}/{index}")
        elif kind == _SCHEMA_MAP:
            for name, item in value.items():
                yield from unknown_keywords(item, f"{where}/{key}/{name}")


def test_the_schema_uses_only_keywords_a_strict_validator_knows(schema: dict[str, Any]) -> None:
    # An emulation of Ajv's strict mode; test_ajv_agrees_with_the_daemon runs Ajv itself
    # where Node.js and the ajv package are installed.
    assert list(unknown_keywords(schema)) == []
    assert list(unknown_keywords({"x-sql-type": "real", "format": "uuid"})) == [
        "#/x-sql-type",
        "#/format",
    ]


TEL = {"pfs_visit_id": 1, "status_sequence_id": 1}
HYPHENATED = "0b7c9e52-3f0e-4c1d-9b7a-6f1f0c2d4e5a"


def _with_sent_at(sent_at: str) -> dict[str, Any]:
    return {**envelope(write("tel_status", TEL)), "sent_at": sent_at}


def _with_id(event_id: str) -> dict[str, Any]:
    return {**envelope(write("tel_status", TEL)), "id": event_id}


def _with_created_at(created_at: str) -> dict[str, Any]:
    return envelope(write("tel_status", {**TEL, "created_at": created_at}))


# Documents on which the schema and the daemon must agree: (id, document, daemon accepts).
AGREEMENT: list[tuple[str, dict[str, Any], bool]] = [
    ("sent_at without seconds", _with_sent_at("2026-11-24T19:00-10:00"), True),
    ("sent_at with Z", _with_sent_at("2026-11-24T19:00:00Z"), True),
    ("sent_at on 30 February", _with_sent_at("2026-02-30T10:00:00+00:00"), False),
    ("sent_at at 24:00", _with_sent_at("2026-11-24T24:00:00+00:00"), False),
    ("naive timestamp on 30 February", _with_created_at("2026-02-30T10:00:00"), False),
    ("naive timestamp on 31 April", _with_created_at("2026-04-31T10:00:00"), False),
    ("29 February of a leap year", _with_created_at("2024-02-29T10:00:00"), True),
    ("29 February 2000", _with_created_at("2000-02-29T10:00"), True),
    ("29 February 1900", _with_created_at("1900-02-29T10:00"), False),
    ("29 February 2025", _with_created_at("2025-02-29T10:00"), False),
    ("year 0", _with_created_at("0000-01-01T10:00"), False),
    ("minute 60", _with_created_at("2026-01-01T10:60"), False),
    ("hyphenated uuid", _with_id(HYPHENATED), True),
    ("upper-case uuid", _with_id(HYPHENATED.upper()), True),
    ("un-hyphenated uuid", _with_id(HYPHENATED.replace("-", "")), False),
    ("urn uuid", _with_id(f"urn:uuid:{HYPHENATED}"), False),
    ("braced uuid", _with_id(f"{{{HYPHENATED}}}"), False),
]


@pytest.mark.parametrize(
    ("document", "accepted"),
    [pytest.param(document, accepted, id=name) for name, document, accepted in AGREEMENT],
)
def test_schema_and_daemon_agree_on_timestamps_and_uuids(
    validator: jsonschema.Draft202012Validator,
    contract: Contract,
    document: dict[str, Any],
    accepted: bool,
) -> None:
    body = json.dumps(document).encode()
    try:
        contract.parse(body)
        daemon = True
    except EventRejected:
        daemon = False
    assert daemon is accepted
    assert (schema_errors(validator, document) == []) is accepted


@settings(max_examples=300, deadline=None)
@given(
    year=st.integers(0, 9999),
    month=st.integers(0, 13),
    day=st.integers(0, 32),
    hour=st.integers(0, 25),
    minute=st.integers(0, 61),
)
def test_the_timestamp_pattern_takes_exactly_the_dates_the_daemon_reads(
    year: int, month: int, day: int, hour: int, minute: int
) -> None:
    value = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"
    try:
        datetime.fromisoformat(value)
        readable = True
    except ValueError:
        readable = False
    assert (re.match(contract_docs.SITE_TIMESTAMP_PATTERN, value) is not None) is readable


_AJV_SCRIPT = """
const fs = require("fs");
// Resolved from the working directory (a node_modules there) or NODE_PATH.
const Ajv2020 = require(require.resolve("ajv/dist/2020", {paths: [process.cwd()]})).default;
const [schemaPath, documentsPath] = process.argv.slice(2);
const messages = [];
const logger = {log: (m) => messages.push(String(m)), warn: (m) => messages.push(String(m)),
                error: (m) => messages.push(String(m))};
const ajv = new Ajv2020({logger});  // the defaults, with warnings captured
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
const verdicts = JSON.parse(fs.readFileSync(documentsPath, "utf8")).map((d) => validate(d));
console.log(JSON.stringify({messages, verdicts}));
"""


def _ajv_command() -> list[str] | None:
    node = shutil.which("node")
    if node is None:
        return None
    probe = subprocess.run(
        [node, "-e", "require.resolve('ajv/dist/2020')"],
        capture_output=True,
        check=False,
        cwd=REPO_ROOT,
    )
    return [node] if probe.returncode == 0 else None


def test_ajv_agrees_with_the_daemon(tmp_path: Path) -> None:
    command = _ajv_command()
    if command is None:
        pytest.skip("needs Node.js and the ajv package (npm install ajv; NODE_PATH=...)")
    script = tmp_path / "check.js"
    script.write_text(_AJV_SCRIPT)
    documents = tmp_path / "documents.json"
    documents.write_text(json.dumps([document for _, document, _ in AGREEMENT]))
    result = subprocess.run(
        [*command, str(script), str(REPO_DOCS / contract_docs.ENVELOPE_FILE), str(documents)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=REPO_ROOT,
    )
    report = json.loads(result.stdout)
    assert report["messages"] == []  # strict mode: no error, no warning
    assert dict(zip([name for name, _, _ in AGREEMENT], report["verdicts"], strict=True)) == {
        name: accepted for name, _, accepted in AGREEMENT
    }
