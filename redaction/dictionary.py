"""The data dictionary shipped with every delivery: what each delivered column is and what was
done to it, for the recipient. Names, types, rules and counts; never a value or a sample.

`describe_column` says what happened to one column; the plan writes its `description` into
the column's Parquet field metadata (`plan.build_plan`), and `build_dictionary` gathers the same
entries with the delivery's recipient, purpose and clause, policy pack, key id, token scope, row
filters and row counts. `write_dictionary` puts `_dictionary.json` (JSON Schema:
`redaction/schema/dictionary.schema.json`) and its rendering `_README.md` into the staged
delivery folder, so they are published with the parts or not at all (`publish.Stage`).
`read_dictionary` and `format_dictionary` serve `teleprivacy describe`. The format:
docs/redaction.md, "Data dictionary".

The readable copy is `_README.md`, not `README.md`: Arrow, pandas, Spark and DuckDB's
directory readers skip names starting with `_`, so `pandas.read_parquet(<delivery folder>)`
still reads the parts.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from jsonschema import Draft202012Validator

from detectors import entities
from detectors.masking import MASK_CHAR
from policy.decisions import Citation, DeliveryDecision, FieldDecision, TokenScope
from redaction.errors import DictionaryError, DictionaryNotFoundError
from redaction.operators.basic import InUtc
from redaction.operators.freetext import TOKENIZED
from redaction.operators.generalize import IPV6_PREFIX
from redaction.operators.pseudonymize import (
    DEFAULT_PREFIX,
    PREFIXES,
    TOKEN_HEX,
    is_caller_id,
    is_channel,
)
from redaction.operators.registry import FieldContext
from redaction.results import part_name

if TYPE_CHECKING:
    from policy.pack import PolicyPack
    from redaction.plan import PlannedColumn, RedactionPlan
    from redaction.results import DeliveryResult

SCHEMA_VERSION = "1.1"
DICTIONARY_FILE = "_dictionary.json"
README_FILE = "_README.md"
DOCUMENTS = (DICTIONARY_FILE, README_FILE)  # published beside the parts; not parts themselves
DESCRIPTION_KEY = b"description"
TRANSFORMATION_KEY = b"teleprivacy.transformation"
CATEGORY_KEY = b"teleprivacy.category"
SHARED = str(TokenScope.SHARED)
_MAX_LISTED_ERRORS = 5


class Transformation(StrEnum):
    """What was done to a column, in the recipient's words."""

    KEPT = "kept"
    PSEUDONYMIZED = "pseudonymized"
    ENCRYPTED = "encrypted"
    GENERALIZED = "generalized"
    MASKED = "masked"
    REDACTED = "redacted"
    REDACTED_SPANS = "redacted_spans"  # free text: the personal spans, not the whole cell
    DROPPED = "dropped"


_BY_OPERATOR: Mapping[str, Transformation] = {
    "keep": Transformation.KEPT,
    "pseudonymize": Transformation.PSEUDONYMIZED,
    "encrypt_fpe": Transformation.ENCRYPTED,
    "generalize": Transformation.GENERALIZED,
    "mask": Transformation.MASKED,
    "redact": Transformation.REDACTED,
    "drop": Transformation.DROPPED,
}
# How `pseudonymize` normalises a value before hashing it (`operators.pseudonymize`).
_NORMALISED: Mapping[str, str] = {
    entities.PHONE_NUMBER: "the number as E.164",
    entities.EMAIL_ADDRESS: "the address lower-cased",
    entities.ACCOUNT_NUMBER: "the id upper-cased",
    entities.PERSON: "the name case-folded",
    entities.IP_ADDRESS: "the canonical address",
    entities.SIP_URI: "the URI lower-cased",
}
_TARGETS: Mapping[str, str] = {
    "year": "dates reduced to their year",
    "area_code": "phone numbers reduced to country and area code (+1-514)",
    "first_part": "postal codes reduced to their first part (Canadian FSA, US 3-digit ZIP)",
}


@dataclass(frozen=True)
class JoinScope:
    """Where equal tokens stand for equal values: one key and, unless shared, one recipient."""

    token_scope: str  # `recipient` or `shared` (`policy.decisions.TokenScope`)
    recipient: str
    key_id: str | None

    def sentence(self) -> str:
        key = f"key {self.key_id}" if self.key_id else "the same key"
        if self.token_scope == SHARED:
            return f"in every column and every delivery with token_scope shared made with {key}"
        return (
            f"in every column and every delivery to {self.recipient} made with {key}; other "
            "recipients get other tokens"
        )


def join_scope(decision: DeliveryDecision, key_id: str | None) -> JoinScope:
    """Where the delivery's tokens join (`policy.decisions.TokenScope`)."""
    return JoinScope(str(decision.token_scope), decision.recipient, key_id)


@dataclass(frozen=True)
class ColumnEntry:
    """One delivered column: its type as written, what was done to it, and the rule behind it."""

    name: str
    arrow_type: str
    transformation: Transformation
    detail: str  # how, in words
    category: str | None
    verdict: str
    entity_types: tuple[str, ...]
    citation: Citation | None
    reason: str
    token_format: str | None = None
    join_scope: str | None = None  # `recipient` or `shared` for tokens that join
    generalized_to: Mapping[str, Any] | None = None  # the generalize rule as applied
    operating_point: str | None = None  # free text: how its spans were found

    @property
    def description(self) -> str:
        """One sentence: transformation and category (the Parquet field's `description`)."""
        category = f"category {self.category}" if self.category else "no personal data category"
        return f"{self.transformation}: {self.detail}; {category}"

    def field_metadata(self) -> dict[bytes, bytes]:
        """The Parquet field metadata that carries this entry."""
        metadata = {
            DESCRIPTION_KEY: self.description.encode(),
            TRANSFORMATION_KEY: str(self.transformation).encode(),
        }
        if self.category:
            metadata[CATEGORY_KEY] = self.category.encode()
        return metadata


@dataclass(frozen=True)
class DroppedColumn:
    """An input column left out of the delivery, and why."""

    name: str
    category: str | None
    verdict: str
    reason: str
    citation: Citation | None


@dataclass(frozen=True)
class PartEntry:
    file: str
    rows: int
    sha256: str | None


@dataclass(frozen=True)
class DataDictionary:
    """Everything the recipient is told about one published delivery."""

    delivery: str
    dataset: str
    recipient: str
    recipient_class: str
    purpose: str
    purpose_title: str | None
    purpose_citation: Citation | None
    allowed_by: Citation | None  # the clause that allows the delivery as a whole
    legal_basis: str | None
    policy_name: str
    policy_version: str
    key_id: str | None
    token_scope: str
    format: str
    rows_in: int
    rows_out: int
    rows_quarantined: int
    rows_filtered: int
    rows_withheld: int
    row_filters: tuple[Any, ...]  # `policy.decisions.RowFilter`
    min_k: int | None
    quasi_identifiers: tuple[str, ...]
    gate_steps: tuple[str, ...]
    parts: tuple[PartEntry, ...]
    columns: tuple[ColumnEntry, ...]
    dropped: tuple[DroppedColumn, ...]
    partitions: tuple[Any, ...] = ()  # `redaction.partitions.PartitionKey`, outermost first


def describe_column(
    planned: PlannedColumn, decision: FieldDecision, scope: JoinScope
) -> ColumnEntry:
    """What the plan does to one column, as the recipient reads it (dropped ones included)."""
    transformation = _BY_OPERATOR.get(planned.operator, Transformation.REDACTED)
    token_format = joins = generalized = None
    if planned.dropped:
        detail = "left out of the delivery"
    elif planned.free_text:
        transformation = Transformation.REDACTED_SPANS
        detail, token_format = _free_text(planned, scope)
        joins = scope.token_scope if token_format else None
    elif planned.operator == "pseudonymize":
        detail, token_format = _tokens(planned, scope)
        joins = scope.token_scope
    elif planned.operator == "encrypt_fpe":
        apart = "field" if scope.token_scope == SHARED else "field and for each recipient"
        detail = (
            "FF3-1 format-preserving encryption of the digits (AES-256, a tweak per field): other "
            "characters stay in place, values with fewer than 6 digits become null, the same "
            f"number encrypts differently in each {apart}; only the key holder can reverse it, "
            "with a legal basis (teleprivacy reidentify)"
        )
    elif planned.operator == "generalize":
        generalized = dict(planned.params)
        detail = _generalized(planned)
    elif planned.operator == "mask":
        first, last = getattr(planned.op, "keep_first", 0), getattr(planned.op, "keep_last", 0)
        detail = (
            f"masked with {MASK_CHAR}, the first {first} and last {last} characters shown; "
            "length and separators kept"
        )
    elif planned.operator == "redact":
        text = getattr(planned.op, "text", None)
        detail = f"every value replaced by {text}" if text else "every value replaced by null"
    elif decision.category:
        detail = "as in the source (the policy allows it in clear)"
    else:
        detail = "as in the source (no personal data was found in it)"
    if isinstance(planned.op, InUtc):
        detail += "; as UTC instants (the source's time zone is not delivered)"
    return ColumnEntry(
        name=planned.field,
        arrow_type="dropped" if planned.dropped else str(planned.output_type),
        transformation=transformation,
        detail=detail,
        category=decision.category,
        verdict=str(planned.verdict),
        entity_types=tuple(planned.entity_types),
        citation=decision.citation,
        reason=decision.reason,
        token_format=token_format,
        join_scope=joins,
        generalized_to=generalized,
        operating_point=planned.operating_point,
    )


def _token(prefix: str) -> str:
    return f"{prefix}_<{TOKEN_HEX} hex>"


def _tokens(planned: PlannedColumn, scope: JoinScope) -> tuple[str, str]:
    ctx = FieldContext(planned.field, tuple(planned.entity_types), planned.input_type)
    if is_caller_id(ctx):
        token_format = f'"{_token("PERSON")}" <{_token("PHONE")}>'
        what = (
            f"{token_format}: the name and the number of each caller id tokenized apart, the "
            "number as E.164 (its token is the one phone columns give it)"
        )
    elif is_channel(ctx):
        token = _token(PREFIXES.get(ctx.entity or "", DEFAULT_PREFIX))
        token_format = f"<technology>/{token}-<call sequence>"
        what = (
            f"{token_format}: the peer of each Asterisk channel name tokenized (keyed "
            "HMAC-SHA-256; its token is the one an account column gives the same account), the "
            f"technology and the switch's call sequence kept; other values {token} whole"
        )
    else:
        token_format = _token(PREFIXES.get(ctx.entity or "", DEFAULT_PREFIX))
        normalised = _NORMALISED.get(ctx.entity or "", "the value")
        what = f"{token_format} tokens, keyed HMAC-SHA-256 of {normalised}"
    return f"{what}; equal values have equal tokens {scope.sentence()}", token_format


def _free_text(planned: PlannedColumn, scope: JoinScope) -> tuple[str, str | None]:
    point = f" at the {planned.operating_point} operating point" if planned.operating_point else ""
    head = f"free text; the personal data detected in it{point} is replaced span by span"
    if getattr(planned.op, "pseudonymizer", None) is None:  # `FreeText` without one: redact all
        return f"{head} by placeholders such as <PHONE_NUMBER>; dates in words are kept", None
    prefixes = sorted({PREFIXES.get(e, DEFAULT_PREFIX) for e in TOKENIZED})
    return (
        f"{head}: identifiers by tokens <PREFIX>_<{TOKEN_HEX} hex> ({', '.join(prefixes)}), "
        f"equal to the structured columns' tokens {scope.sentence()}; other spans by "
        "placeholders such as <CREDIT_CARD>; dates in words are kept"
    ), f"<PREFIX>_<{TOKEN_HEX} hex>"


def _generalized(planned: PlannedColumn) -> str:
    params = planned.params
    if params.get("level") is not None:
        # Text times are delivered as timestamps in Parquet when every value reads as one
        # (`redaction.column_types`), as text otherwise: the wording fits both.
        if pa.types.is_timestamp(planned.output_type) or pa.types.is_date(planned.output_type):
            return f"truncated to the {params['level']}"
        return f"times truncated to the {params['level']}"
    if params.get("prefix") is not None:
        return (
            f"IPv4 addresses replaced by their /{params['prefix']} network, IPv6 by their "
            f"/{IPV6_PREFIX}"
        )
    if params.get("to") is not None:
        return _TARGETS.get(str(params["to"]), f"reduced to {params['to']}")
    edges = ", ".join(str(e) for e in params.get("bands") or ())
    return f"numbers replaced by the band they fall in (band edges {edges})"


def build_dictionary(
    plan: RedactionPlan,
    decision: DeliveryDecision,
    pack: PolicyPack,
    parts: Sequence[DeliveryResult],
    folder: Path | None = None,
    partitions: Sequence[Any] = (),
) -> DataDictionary:
    """The dictionary of a delivery from the plan its parts were written with (after the release
    gate's ladder), the policy decision, the pack, and the parts' results; part names are their
    paths below `folder` when given (partitions are folders), and `partitions` the layout's
    `redaction.partitions.PartitionKey`s."""
    decided = {d.field: d for d in decision.fields}
    scope = join_scope(decision, plan.key_id)
    written = _written_types(parts)
    entries = [
        replace(e, arrow_type=written.get(e.name, e.arrow_type))
        for e in (describe_column(c, decided[c.field], scope) for c in plan.columns)
    ]
    purpose = pack.purposes.get(decision.purpose)
    first = Path(parts[0].output_path or "") if parts else Path()
    return DataDictionary(
        delivery=decision.delivery,
        dataset=decision.dataset,
        recipient=decision.recipient,
        recipient_class=decision.recipient_class,
        purpose=decision.purpose,
        purpose_title=purpose.title if purpose else None,
        purpose_citation=purpose.citation if purpose else None,
        allowed_by=decision.citation,
        legal_basis=decision.legal_basis,
        policy_name=pack.name,
        policy_version=pack.version,
        key_id=plan.key_id,
        token_scope=scope.token_scope,
        format=first.suffix.lstrip(".") or "parquet",
        rows_in=sum(p.rows_in for p in parts),
        rows_out=sum(p.rows_out for p in parts),
        rows_quarantined=sum(p.rows_quarantined for p in parts),
        rows_filtered=sum(p.rows_filtered for p in parts),
        rows_withheld=sum(p.rows_withheld for p in parts),
        row_filters=tuple(plan.row_filters),
        min_k=plan.min_k,
        quasi_identifiers=tuple(plan.quasi_identifiers),
        gate_steps=tuple(parts[0].gate_steps) if parts else (),
        parts=tuple(
            PartEntry(part_name(Path(p.output_path or ""), folder), p.rows_out, p.output_sha256)
            for p in parts
        ),
        partitions=tuple(partitions),
        columns=tuple(e for e in entries if e.transformation is not Transformation.DROPPED),
        dropped=tuple(
            DroppedColumn(e.name, e.category, e.verdict, e.reason, e.citation)
            for e in entries
            if e.transformation is Transformation.DROPPED
        ),
    )


def _written_types(parts: Sequence[DeliveryResult]) -> dict[str, str]:
    """The Arrow types a reader gets from the Parquet parts, read from the first one's footer:
    Parquet has no seconds unit, so a `timestamp[s]` column is written as `timestamp[ms]`. Empty
    for CSV parts (their values are text; the plan's types are stated)."""
    paths = [Path(p.output_path) for p in parts if p.output_path]
    if not paths or paths[0].suffix != ".parquet":
        return {}
    return {f.name: str(f.type) for f in pq.read_schema(paths[0])}


def dictionary_json(dictionary: DataDictionary) -> dict[str, Any]:
    """`_dictionary.json`'s content, keys in a fixed order (`dictionary.schema.json`)."""
    d = dictionary
    return {
        "schema_version": SCHEMA_VERSION,
        "delivery": d.delivery,
        "dataset": d.dataset,
        "recipient": d.recipient,
        "recipient_class": d.recipient_class,
        "purpose": {
            "slug": d.purpose,
            "title": d.purpose_title,
            "citation": _citation(d.purpose_citation),
        },
        "allowed_by": _citation(d.allowed_by),
        "legal_basis": d.legal_basis,
        "policy": {"name": d.policy_name, "version": d.policy_version},
        "key_id": d.key_id,
        "token_scope": d.token_scope,
        "format": d.format,
        "rows": {
            "read": d.rows_in,
            "delivered": d.rows_out,
            "quarantined": d.rows_quarantined,
            "removed_by_row_filters": d.rows_filtered,
            "withheld_by_release_gate": d.rows_withheld,
        },
        "row_filters": [
            {
                "column": f.column,
                "keep_when": "true, 1, yes or y (any case)",
                "reason": f.reason,
                "citation": _citation(f.citation),
            }
            for f in d.row_filters
        ],
        "release_gate": {
            "min_k": d.min_k,
            "quasi_identifiers": list(d.quasi_identifiers),
            "steps": list(d.gate_steps),
        },
        "partitions": [
            {"key": k.key, "column": k.column, "description": k.describe()} for k in d.partitions
        ],
        "parts": [{"file": p.file, "rows": p.rows, "sha256": p.sha256} for p in d.parts],
        "columns": [_column_json(c) for c in d.columns],
        "dropped_columns": [
            {
                "name": c.name,
                "category": c.category,
                "verdict": c.verdict,
                "reason": c.reason,
                "citation": _citation(c.citation),
            }
            for c in d.dropped
        ],
    }


def _column_json(c: ColumnEntry) -> dict[str, Any]:
    return {
        "name": c.name,
        "arrow_type": c.arrow_type,
        "transformation": str(c.transformation),
        "detail": c.detail,
        "description": c.description,
        "token_format": c.token_format,
        "join_scope": c.join_scope,
        "generalized_to": dict(c.generalized_to) if c.generalized_to is not None else None,
        "operating_point": c.operating_point,
        "category": c.category,
        "entity_types": list(c.entity_types),
        "verdict": c.verdict,
        "reason": c.reason,
        "citation": _citation(c.citation),
    }


def _citation(citation: Citation | None) -> dict[str, str] | None:
    if citation is None:
        return None
    return {"seed": citation.seed, "section": citation.section, "quote": citation.quote}


@cache
def dictionary_schema() -> dict[str, Any]:
    """The shipped JSON Schema of `_dictionary.json`."""
    text = resources.files("redaction").joinpath("schema/dictionary.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate_dictionary(body: Any, where: str = DICTIONARY_FILE) -> None:
    """Raise `DictionaryError` listing the violations by JSON path and rule (never a value)."""
    validator = Draft202012Validator(dictionary_schema())
    errors = sorted(validator.iter_errors(body), key=lambda e: e.json_path)
    violations = list(dict.fromkeys(_violation(e) for e in errors))  # one line per path and rule
    if violations:
        shown = violations[:_MAX_LISTED_ERRORS]
        listed = "; ".join(shown)
        more = f" (and {len(violations) - len(shown)} more)" if len(violations) > len(shown) else ""
        raise DictionaryError(
            f"{where} does not match dictionary.schema.json: {listed}{more}; it was not written "
            "by this version of teleprivacy, or was edited"
        )


def _violation(error: Any) -> str:
    """A schema violation by path and rule; for `required`, the keys missing (names only)."""
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"{error.json_path} lacks {', '.join(missing)}"
    return f"{error.json_path} fails '{error.validator}'"


def write_dictionary(folder: Path, dictionary: DataDictionary) -> tuple[str, ...]:
    """Write `_dictionary.json` and `_README.md` into a (staged) delivery folder, each through a
    hidden temp name; the names written."""
    body = dictionary_json(dictionary)
    validate_dictionary(body)
    texts = {
        DICTIONARY_FILE: json.dumps(body, indent=2, ensure_ascii=False) + "\n",
        README_FILE: render_readme(body),
    }
    for name, text in texts.items():
        path = Path(folder) / name
        temp = path.with_name(f".{name}.tmp-{uuid.uuid4().hex[:8]}")
        try:
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return DOCUMENTS


def read_dictionary(folder: Path) -> dict[str, Any]:
    """The `_dictionary.json` of a delivery folder, checked against its schema.

    `DictionaryNotFoundError` when the folder or its dictionary is missing, `DictionaryError`
    when the file is not a dictionary this version wrote.
    """
    folder = Path(folder)
    path = folder / DICTIONARY_FILE
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DictionaryNotFoundError(
            f"{folder} {what}; give a delivery folder such as out/deliveries/<delivery>"
        )
    if not path.is_file():
        raise DictionaryNotFoundError(
            f"no data dictionary in {folder}: {DICTIONARY_FILE} is missing; give a delivery "
            "folder published by `teleprivacy run` (out/deliveries/<delivery>), or run the "
            "delivery again to write one"
        )
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise DictionaryError(f"{path} is not valid JSON{where}; run the delivery again") from None
    validate_dictionary(body, str(path))
    return dict(body)


def render_readme(body: Mapping[str, Any]) -> str:
    """`_README.md`: the dictionary for people, from its JSON form."""
    rows, gate = body["rows"], body["release_gate"]
    purpose = body["purpose"]
    lines = [
        f"# {body['delivery']}: data dictionary",
        "",
        f"Delivered to **{body['recipient']}** ({body['recipient_class']}) for the purpose "
        f"**{purpose['slug']}**"
        + (f" ({purpose['title']})" if purpose["title"] else "")
        + f", under the policy pack {body['policy']['name']} {body['policy']['version']}.",
        "",
        f"- Purpose clause: {_md(_clause(purpose['citation']))}",
    ]
    if body["allowed_by"] != purpose["citation"]:
        lines.append(f"- Allowed by: {_md(_clause(body['allowed_by']))}")
    if body["legal_basis"]:
        lines.append(f"- Legal basis: {_md(body['legal_basis'])}")
    lines += [
        f"- Key id: `{body['key_id'] or 'none (no keyed column)'}` (a fingerprint; the key "
        "itself is never shipped)",
        f"- Token scope: {body['token_scope']} ({_scope_words(body)})",
        f"- Format: {body['format']}, {len(body['parts'])} part(s), {rows['delivered']:,} rows "
        f"delivered of {rows['read']:,} read ({rows['quarantined']:,} quarantined, "
        f"{rows['removed_by_row_filters']:,} removed by row filters, "
        f"{rows['withheld_by_release_gate']:,} withheld by the release gate)",
        "",
        "## Columns",
        "",
        "| column | type | transformation | category | verdict | clause |",
        "|---|---|---|---|---|---|",
    ]
    for c in body["columns"]:
        how = f"**{c['transformation']}**: {_md(c['detail'])}"
        cells = [f"`{c['name']}`", f"`{c['arrow_type']}`", how, c["category"] or "-",
                 c["verdict"], _section(c["citation"])]  # fmt: skip
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    lines += ["", "## Dropped columns", ""]
    if body["dropped_columns"]:
        lines += ["| column | category | reason | clause |", "|---|---|---|---|"]
        for c in body["dropped_columns"]:
            cells = [f"`{c['name']}`", c["category"] or "-", _md(c["reason"] or c["verdict"]),
                     _section(c["citation"])]  # fmt: skip
            lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    else:
        lines.append("None.")
    lines += ["", "## Row filters", ""]
    for f in body["row_filters"]:
        lines.append(f"- Rows kept only where `{f['column']}` is {f['keep_when']}: "
                     f"{_md(f['reason'])} ({_section(f['citation'])})")  # fmt: skip
    lines.append(
        f"- Rows removed by the row filters: {rows['removed_by_row_filters']:,}"
        if body["row_filters"]
        else "None."
    )
    lines += ["", "## Release gate", ""]
    if gate["min_k"]:
        qis = ", ".join(f"`{q}`" for q in gate["quasi_identifiers"]) or "none"
        lines.append(
            f"- Every combination of the quasi-identifiers ({qis}) is shared by at least "
            f"{gate['min_k']} rows (rows withheld to reach it: "
            f"{rows['withheld_by_release_gate']:,})"
        )
        lines += [f"- Coarsened to reach it: {step}" for step in gate["steps"]]
    else:
        lines.append("None for this recipient class.")
    if body.get("partitions"):
        lines += ["", "## Partitions", "", "Hive-style folders, outermost first (read them with "
                  "`hive_partitioning`):", ""]  # fmt: skip
        lines += [f"- `{p['description']}`" for p in body["partitions"]]
    lines += ["", "## Parts", "", "| file | rows | sha256 |", "|---|---|---|"]
    lines += [f"| `{p['file']}` | {p['rows']:,} | `{p['sha256'] or '-'}` |" for p in body["parts"]]
    lines += [
        "",
        f"`{DICTIONARY_FILE}` holds the same, machine-readable (schema version "
        f"{body['schema_version']}). Neither file holds a data value.",
        "",
    ]
    return "\n".join(lines)


def format_dictionary(body: Mapping[str, Any]) -> str:
    """The dictionary as a terminal table (`teleprivacy describe`)."""
    rows, purpose = body["rows"], body["purpose"]
    head = [
        f"delivery {body['delivery']} (dataset {body['dataset']}) for {body['recipient']} "
        f"({body['recipient_class']}), purpose {purpose['slug']}: {_section(purpose['citation'])}",
        f"policy {body['policy']['name']} {body['policy']['version']}, key id "
        f"{body['key_id'] or '-'}, token scope {body['token_scope']}, format {body['format']}, "
        f"{len(body['parts'])} part(s)" + (
            ", in folders " + " / ".join(f"{p['key']} ({p['column']})" for p in partitions)
            if (partitions := body.get("partitions")) else ""
        ),
        f"rows: {rows['delivered']:,} delivered of {rows['read']:,} read, "
        f"{rows['quarantined']:,} quarantined, {rows['removed_by_row_filters']:,} removed by row "
        f"filters, {rows['withheld_by_release_gate']:,} withheld by the release gate",
    ]
    head += [f"row filter: keep rows where {f['column']} is true ({f['reason']})"
             for f in body["row_filters"]]  # fmt: skip
    table = [("column", "type", "transformation", "category", "verdict", "clause")]
    table += [
        (
            c["name"],
            c["arrow_type"],
            c["transformation"],
            c["category"] or "-",
            c["verdict"],
            _section(c["citation"]),
        )
        for c in body["columns"]
    ]
    table += [
        (c["name"], "-", "dropped", c["category"] or "-", c["verdict"], _section(c["citation"]))
        for c in body["dropped_columns"]
    ]
    details = [f"  {c['name']}: {c['description']}" for c in body["columns"]]
    details += [f"  {c['name']}: dropped ({c['reason'] or c['verdict']})"
                for c in body["dropped_columns"]]  # fmt: skip
    return "\n".join([*head, "", *_aligned(table), "", *details])


def _aligned(rows: Iterable[tuple[str, ...]]) -> list[str]:
    rows = list(rows)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _scope_words(body: Mapping[str, Any]) -> str:
    if body["token_scope"] == SHARED:
        return "tokens are shared by every delivery with token_scope shared made with this key"
    return (
        f"tokens join across the deliveries to {body['recipient']} made with this key; other "
        "recipients get other tokens"
    )


def _clause(citation: Mapping[str, str] | None) -> str:
    if not citation:
        return "-"
    return f"{citation['section']}: \u201c{citation['quote']}\u201d ({citation['seed']})"


def _section(citation: Mapping[str, str] | None) -> str:
    return citation["section"] if citation else "-"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md(text: str) -> str:
    """Prose for Markdown: `<PHONE_NUMBER>` and `PHONE_<16 hex>` would be read as HTML tags."""
    return text.replace("<", "\\<").replace(">", "\\>")
