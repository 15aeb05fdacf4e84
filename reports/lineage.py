"""OpenLineage run events of one delivery: its datasets, schemas, column lineage and decision.

Built from what the pipeline already holds (the `DeliveryDecision`, the profiled columns, the
`DeliveryResult`) with openlineage-python's classes. Events carry names, paths, types, counts and
policy clauses only: no cell value, no masked sample, no free-text reason of a result (those may
quote data). Nothing here sends an event or imports Prefect: `flows.lineage` does the sending.
docs/lineage.md describes the events.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from types import MappingProxyType

import attr
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    InputDatasetFacet,
    JobFacet,
    OutputDatasetFacet,
    RunFacet,
    column_lineage_dataset,
    dataset_version_dataset,
    error_message_run,
    input_statistics_input_dataset,
    job_type_job,
    output_statistics_output_dataset,
    parent_run,
    schema_dataset,
)

from detectors.findings import DatasetProfile
from policy.decisions import Citation, DeliveryDecision, DeliveryStatus, FieldDecision
from redaction.plan import DEFAULT_OPERATOR
from redaction.publish import FailedDelivery
from redaction.results import DeliveryOutcome, DeliveryResult, FieldOutput
from storage import Location, ObjectPath, as_location

JOB_NAMESPACE = "teleprivacy"  # the default job namespace (OPENLINEAGE_NAMESPACE overrides it)
FACET_NAME = "teleprivacy_delivery"
SCHEMA_BASE = "https://teleprivacy.example.com/schema/lineage/1.0"
FACET_SCHEMA_URL = (
    f"{SCHEMA_BASE}/TeleprivacyDeliveryRunFacet.json#/$defs/TeleprivacyDeliveryRunFacet"
)
# Indirect lineage of the whole output: what decides which rows leave.
CONSENT = "consent: only rows whose {} is true are delivered"
RELEASE_GATE = "release gate: rows in classes of fewer than {} over the quasi-identifiers withheld"


def producer() -> str:
    """The URI naming teleprivacy (and its version) as the producer of events and facets."""
    try:
        version = metadata.version("teleprivacy")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"https://teleprivacy.example.com/teleprivacy/{version}"


class Transformation(StrEnum):
    """What a delivered column is, relative to its input column."""

    KEEP = "keep"
    PSEUDONYMIZE = "pseudonymize"
    GENERALIZE = "generalize"
    MASK = "mask"
    REDACT = "redact"
    ENCRYPT = "encrypt"


# A column's operator says what happened to it (`encrypt_fpe` carries a pseudonymize verdict);
# `drop` has no entry: a dropped column is not an output.
TRANSFORMATIONS: Mapping[str, Transformation] = MappingProxyType({
    "keep": Transformation.KEEP,
    "pseudonymize": Transformation.PSEUDONYMIZE,
    "encrypt_fpe": Transformation.ENCRYPT,
    "generalize": Transformation.GENERALIZE,
    "mask": Transformation.MASK,
    "redact": Transformation.REDACT,
})  # fmt: skip


class LineageStatus(StrEnum):
    """Where a delivery run stands, as its events say; only DELIVERED ends with COMPLETE."""

    RUNNING = "running"
    DELIVERED = "delivered"
    BLOCKED = "blocked"  # by verification, the release gate or an input changed since profiling
    DENIED = "denied"  # by policy
    FAILED = "failed"  # an error stopped it (`FailedDelivery`)


@dataclass(frozen=True)
class DatasetLocation:
    """An OpenLineage dataset identity: `file://<host>` and an absolute path (or glob)."""

    namespace: str
    name: str


def local_dataset(path: str | Path, host: str | None = None) -> DatasetLocation:
    """A local file, folder or glob as an OpenLineage dataset on this host."""
    return DatasetLocation(f"file://{host or socket.gethostname()}", str(Path(path).absolute()))


def dataset_location(path: str | Location, host: str | None = None) -> DatasetLocation:
    """A local path (`local_dataset`) or an object-store location as an OpenLineage dataset:
    namespace `s3://bucket` and the key (or glob) as its name, as OpenLineage names S3 data.
    Only the URL goes in: credentials never are part of one (`storage.ObjectPath`)."""
    location = as_location(path)
    if isinstance(location, ObjectPath):
        return DatasetLocation(location.namespace, location.key)
    return local_dataset(location, host)


@dataclass(frozen=True)
class ParentRun:
    """The Prefect flow run a delivery runs in."""

    run_id: str  # a UUID: the flow run id
    job_name: str  # the flow name
    namespace: str = JOB_NAMESPACE


@dataclass(frozen=True)
class DeliveryLineage:
    """What every event of one delivery run names: its job, its two datasets and the decision."""

    decision: DeliveryDecision
    source: DatasetLocation
    target: DatasetLocation  # the published delivery folder
    input_columns: tuple[tuple[str, str], ...] = ()  # (column, Arrow type) as profiled
    input_files: int = 0
    input_bytes: int = 0
    parent: ParentRun | None = None
    namespace: str = JOB_NAMESPACE

    @property
    def job_name(self) -> str:
        return f"delivery.{self.decision.delivery}"


def delivery_lineage(
    decision: DeliveryDecision,
    source: DatasetLocation,
    target: DatasetLocation,
    profile: DatasetProfile | None = None,
    parent: ParentRun | None = None,
    namespace: str = JOB_NAMESPACE,
) -> DeliveryLineage:
    """The lineage of one delivery; `profile` (None when the dataset could not be read) gives
    the input schema and file statistics."""
    return DeliveryLineage(
        decision=decision,
        source=source,
        target=target,
        input_columns=tuple((f.column, f.arrow_type) for f in profile.fields) if profile else (),
        input_files=len(profile.inputs) if profile else 0,
        input_bytes=sum(f.size for f in profile.inputs) if profile else 0,
        parent=parent,
        namespace=namespace,
    )


def end_status(decision: DeliveryDecision, result: DeliveryResult | None) -> LineageStatus:
    """How a delivery ended: denied by policy, failed on an error, blocked, or delivered."""
    if isinstance(result, FailedDelivery):
        return LineageStatus.FAILED
    if decision.status is DeliveryStatus.DENIED:
        return LineageStatus.DENIED
    if result is None:  # only a denied delivery ends without a result
        return LineageStatus.FAILED
    if result.outcome is DeliveryOutcome.DELIVERED:
        return LineageStatus.DELIVERED
    return LineageStatus.BLOCKED


def start_event(lineage: DeliveryLineage, run_id: str, when: datetime | None = None) -> RunEvent:
    """START: the input with its schema, the output folder by name, the decision."""
    return _event(lineage, run_id, RunState.START, LineageStatus.RUNNING, None, when)


def end_event(
    lineage: DeliveryLineage,
    run_id: str,
    result: DeliveryResult | None,
    when: datetime | None = None,
) -> RunEvent:
    """COMPLETE for a published delivery (output schema, column lineage, row counts); FAIL for
    one denied, blocked or failed, whose output holds nothing this run published."""
    status = end_status(lineage.decision, result)
    state = RunState.COMPLETE if status is LineageStatus.DELIVERED else RunState.FAIL
    return _event(lineage, run_id, state, status, result, when)


def _event(
    lineage: DeliveryLineage,
    run_id: str,
    state: RunState,
    status: LineageStatus,
    result: DeliveryResult | None,
    when: datetime | None,
) -> RunEvent:
    made_by = producer()
    run_facets: dict[str, RunFacet] = {
        FACET_NAME: delivery_facet(lineage.decision, status, result, made_by)
    }
    if lineage.parent is not None:
        run_facets["parent"] = parent_run.ParentRunFacet(
            run=parent_run.Run(runId=lineage.parent.run_id),
            job=parent_run.Job(namespace=lineage.parent.namespace, name=lineage.parent.job_name),
            producer=made_by,
        )
    if isinstance(result, FailedDelivery) and result.error:
        # a FailedDelivery's error is one line that never quotes data (see redaction.publish)
        run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
            message=result.error, programmingLanguage="python", producer=made_by
        )
    job_facets: dict[str, JobFacet] = {
        "jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH", integration="TELEPRIVACY", jobType="DELIVERY",
            producer=made_by,
        )
    }  # fmt: skip
    delivered = status is LineageStatus.DELIVERED and result is not None
    return RunEvent(
        eventType=state,
        eventTime=(when or datetime.now(UTC)).isoformat(),
        run=Run(runId=run_id, facets=run_facets),
        job=Job(namespace=lineage.namespace, name=lineage.job_name, facets=job_facets),
        inputs=[_input(lineage, result, made_by)],
        outputs=[_output(lineage, result if delivered else None, made_by)],
        producer=made_by,
    )


def _input(lineage: DeliveryLineage, result: DeliveryResult | None, made_by: str) -> InputDataset:
    facets: dict[str, DatasetFacet] = {}
    if lineage.input_columns:
        facets["schema"] = _schema(lineage.input_columns, made_by)
    input_facets: dict[str, InputDatasetFacet] = {}
    if result is not None and result.rows_in:
        statistics = input_statistics_input_dataset.InputStatisticsInputDatasetFacet
        input_facets["inputStatistics"] = statistics(
            rowCount=result.rows_in, size=lineage.input_bytes or None,
            fileCount=lineage.input_files or None, producer=made_by,
        )  # fmt: skip
    return InputDataset(
        namespace=lineage.source.namespace, name=lineage.source.name, facets=facets,
        inputFacets=input_facets,
    )  # fmt: skip


def _output(lineage: DeliveryLineage, result: DeliveryResult | None, made_by: str) -> OutputDataset:
    """The delivery folder; with a published `result`, its schema, lineage and statistics."""
    facets: dict[str, DatasetFacet] = {}
    output_facets: dict[str, OutputDatasetFacet] = {}
    if result is not None:
        delivered = [f for f in result.schema if f.output_type != "dropped"]
        if delivered:
            facets["schema"] = _schema([(f.field, f.output_type) for f in delivered], made_by)
            facets["columnLineage"] = column_lineage(lineage, result.schema, made_by)
        if result.output_sha256:
            facets["version"] = dataset_version_dataset.DatasetVersionDatasetFacet(
                datasetVersion=result.output_sha256, producer=made_by
            )
        statistics = output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet
        output_facets["outputStatistics"] = statistics(  # one part per input file
            rowCount=result.rows_out, fileCount=lineage.input_files or None, producer=made_by
        )
    return OutputDataset(
        namespace=lineage.target.namespace, name=lineage.target.name, facets=facets,
        outputFacets=output_facets,
    )  # fmt: skip


def _schema(columns: Sequence[tuple[str, str]], made_by: str) -> schema_dataset.SchemaDatasetFacet:
    return schema_dataset.SchemaDatasetFacet(
        fields=[
            schema_dataset.SchemaDatasetFacetFields(name=name, type=kind, ordinal_position=i)
            for i, (name, kind) in enumerate(columns, start=1)
        ],
        producer=made_by,
    )


def column_lineage(
    lineage: DeliveryLineage, schema: Sequence[FieldOutput], made_by: str | None = None
) -> column_lineage_dataset.ColumnLineageDatasetFacet:
    """Each delivered column from its input column of the same name, with its transformation;
    dropped columns are not outputs. Row filters (consent) and the release gate, which decide
    which rows leave, are indirect lineage of the whole output."""
    made_by = made_by or producer()
    decided = {d.field: d for d in lineage.decision.fields}
    fields = {}
    for column in schema:
        if column.output_type == "dropped":
            continue
        transformation = transformation_of(column.operator, decided.get(column.field))
        kept = transformation is Transformation.KEEP
        subtype = "IDENTITY" if kept else "TRANSFORMATION"
        how = _how("DIRECT", subtype, str(transformation), masking=not kept)
        fields[column.field] = column_lineage_dataset.Fields(
            inputFields=[_input_field(lineage, column.field, how)],
            transformationDescription=str(transformation),
            transformationType="IDENTITY" if kept else "MASKED",
        )
    return column_lineage_dataset.ColumnLineageDatasetFacet(
        fields=fields, dataset=_row_selection(lineage), producer=made_by
    )


def _row_selection(lineage: DeliveryLineage) -> list[column_lineage_dataset.InputField]:
    decision = lineage.decision
    selected = [
        _input_field(lineage, f.column, _how("INDIRECT", "FILTER", CONSENT.format(f.column)))
        for f in decision.row_filters
    ]
    if decision.min_k is not None:
        gate = _how("INDIRECT", "FILTER", RELEASE_GATE.format(decision.min_k))
        selected += [_input_field(lineage, q, gate) for q in decision.quasi_identifiers]
    return selected


def _how(
    kind: str, subtype: str, description: str, masking: bool = False
) -> column_lineage_dataset.Transformation:
    return column_lineage_dataset.Transformation(
        type=kind, subtype=subtype, description=description, masking=masking
    )


def _input_field(
    lineage: DeliveryLineage, column: str, how: column_lineage_dataset.Transformation
) -> column_lineage_dataset.InputField:
    return column_lineage_dataset.InputField(
        namespace=lineage.source.namespace, name=lineage.source.name, field=column,
        transformations=[how],
    )  # fmt: skip


def transformation_of(operator: str | None, decision: FieldDecision | None) -> Transformation:
    """The transformation of a column: by its operator, else by its verdict's default one."""
    name = operator
    if name is None and decision is not None:
        name = decision.operator or DEFAULT_OPERATOR.get(decision.verdict)
    if name in TRANSFORMATIONS:
        return TRANSFORMATIONS[name]
    # an operator registered after this table was written: say what the verdict says
    verdict = str(decision.verdict) if decision is not None else ""
    return Transformation(verdict) if verdict in set(Transformation) else Transformation.REDACT


# The custom run facet. Field names are camelCase like the OpenLineage facets'; its JSON Schema
# ships as reports/schema/TeleprivacyDeliveryRunFacet.json.


@attr.define(kw_only=True)
class Clause:
    """The policy clause a decision rests on (policy text, never data)."""

    seed: str
    section: str
    quote: str


@attr.define(kw_only=True)
class FieldVerdict:
    """One input column's decision: verdict, operator, transformation and clause."""

    field: str
    verdict: str
    operator: str | None = None
    transformation: str | None = None  # None for a dropped or denied column
    category: str | None = None
    entityTypes: list[str] = attr.field(factory=list)
    freeText: bool = False
    citation: Clause | None = None


@attr.define(kw_only=True)
class RowCounts:
    rowsIn: int
    rowsOut: int
    rowsQuarantined: int
    rowsFiltered: int
    rowsWithheld: int


@attr.define(kw_only=True)
class Residual:
    """Personal data verification found in a delivered column: where, what, how often."""

    column: str
    entityType: str
    count: int


@attr.define(kw_only=True)
class TeleprivacyDeliveryRunFacet(RunFacet):
    """What the privacy gate decided about a delivery and how it ended."""

    delivery: str
    dataset: str
    recipient: str
    recipientClass: str
    purpose: str
    verdict: str  # the policy's: proceed | denied
    status: str  # LineageStatus
    citation: Clause | None = None  # the clause for the delivery as a whole
    denialReasons: list[str] = attr.field(factory=list)
    fields: list[FieldVerdict] = attr.field(factory=list)
    rowFilters: list[str] = attr.field(factory=list)
    rows: RowCounts | None = None
    residual: list[Residual] = attr.field(factory=list)
    gateSteps: list[str] = attr.field(factory=list)
    keyId: str | None = None

    @staticmethod
    def _get_schema() -> str:
        return FACET_SCHEMA_URL


def delivery_facet(
    decision: DeliveryDecision,
    status: LineageStatus,
    result: DeliveryResult | None = None,
    made_by: str | None = None,
) -> TeleprivacyDeliveryRunFacet:
    """The `teleprivacy_delivery` run facet: verdict, status, recipient class, purpose, and the
    clause of the delivery and of each column; with a result, its counts (never its samples or
    its free-text reasons)."""
    finished = result is not None and not isinstance(result, FailedDelivery)
    return TeleprivacyDeliveryRunFacet(
        delivery=decision.delivery,
        dataset=decision.dataset,
        recipient=decision.recipient,
        recipientClass=decision.recipient_class,
        purpose=decision.purpose,
        verdict=str(decision.status),
        status=str(status),
        citation=_clause(decision.citation),
        denialReasons=list(decision.denial_reasons),
        fields=[_field_verdict(d, _operator(d, result)) for d in decision.fields],
        rowFilters=[f.column for f in decision.row_filters],
        rows=RowCounts(
            rowsIn=result.rows_in, rowsOut=result.rows_out,
            rowsQuarantined=result.rows_quarantined, rowsFiltered=result.rows_filtered,
            rowsWithheld=result.rows_withheld,
        ) if finished and result is not None else None,
        residual=[
            Residual(column=r.column, entityType=r.entity_type, count=r.count)
            for r in (result.residual if result is not None else ())
        ],
        gateSteps=list(result.gate_steps) if result is not None else [],
        keyId=result.key_id if result is not None else None,
        producer=made_by or producer(),
    )  # fmt: skip


def _operator(decision: FieldDecision, result: DeliveryResult | None) -> str | None:
    """The operator the plan applied to the column (from the result), else the decision's."""
    for column in result.schema if result is not None else ():
        if column.field == decision.field:
            return column.operator
    return decision.operator or DEFAULT_OPERATOR.get(decision.verdict)


def _field_verdict(decision: FieldDecision, operator: str | None) -> FieldVerdict:
    dropped = operator in (None, "drop")
    return FieldVerdict(
        field=decision.field,
        verdict=str(decision.verdict),
        operator=operator,
        transformation=None if dropped else str(transformation_of(operator, decision)),
        category=decision.category,
        entityTypes=list(decision.entity_types),
        freeText=decision.free_text,
        citation=_clause(decision.citation),
    )


def _clause(citation: Citation | None) -> Clause | None:
    if citation is None:
        return None
    return Clause(seed=citation.seed, section=citation.section, quote=citation.quote)
