"""OpenLineage events built from a real decision, plan and delivery of generated CDRs."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from openlineage.client.serde import Serde
from reports_leaks import labelled_values

import detectors
import policy
import redaction
import synthetic
from policy.decisions import DeliveryDecision, FieldDecision, RowFilter, Verdict
from redaction.plan import RedactionPlan
from redaction.publish import failed_delivery
from redaction.results import DeliveryResult, ResidualFinding
from reports import lineage
from reports.lineage import Transformation

KEY_TEXT = "k3y-lineage-0123456789abcdef0123456789abcdef"
FLOW_RUN = "0190b7a0-1d2c-7c3e-8f00-0123456789ab"
RUN = "0190b7a0-1d2c-7c3e-8f00-ba9876543210"
# what the analytics vendor asks for; the other columns are dropped
FIELDS = ["accountcode", "src", "dst", "duration", "sip_uri", "src_ip"]


@dataclass(frozen=True)
class Chain:
    data: Path
    labels: dict
    profile: detectors.DatasetProfile
    quality: DeliveryDecision  # proceeds
    warrant: DeliveryDecision  # denied: no legal basis
    plan: RedactionPlan
    result: DeliveryResult


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    """Profile, decide, plan and deliver 40 generated call records."""
    root = tmp_path_factory.mktemp("lineage")
    generated = synthetic.generate("cdr", 40, root / "data" / "cdr", seed=7)
    profile = detectors.profile_dataset("cdr", "cdr", [generated.data_path])
    pack = policy.load_pack("voipms")

    def decide(name: str, rclass: str, purpose: str, fields: list[str] | None = None):
        spec = policy.DeliverySpec(name=name, dataset="cdr", recipient="acme", fields=fields,
                                   recipient_class=rclass, purpose=purpose)  # fmt: skip
        return policy.evaluate_delivery(pack, spec, profile.fields, "cdr")

    quality = decide("cdr-quality", "analytics_vendor", "service_quality", FIELDS)
    key = redaction.load_key(None, env={redaction.DEFAULT_KEY_ENV: KEY_TEXT})
    schema = next(detectors.read_batches(generated.data_path)).schema
    plan = redaction.build_plan(quality, schema, key)
    result = redaction.deliver(plan, [generated.data_path], root / "out" / "cdr-quality")
    assert result.outcome is redaction.DeliveryOutcome.DELIVERED
    return Chain(
        data=generated.data_path,
        labels=json.loads(generated.labels_path.read_text("utf-8")),
        profile=profile,
        quality=quality,
        warrant=decide("cdr-warrant", "law_enforcement", "legal_process"),
        plan=plan,
        result=result,
    )


def _lineage(chain: Chain, decision: DeliveryDecision) -> lineage.DeliveryLineage:
    return lineage.delivery_lineage(
        decision,
        lineage.local_dataset(chain.data.parent / "*.csv", host="etl-1"),
        lineage.local_dataset(Path("/srv/out/deliveries") / decision.delivery, host="etl-1"),
        chain.profile,
        lineage.ParentRun(FLOW_RUN, "pipeline"),
    )


def _json(event) -> dict:
    return json.loads(Serde.to_json(event))


def _facet_schema() -> dict:
    text = resources.files("reports").joinpath("schema/TeleprivacyDeliveryRunFacet.json")
    schema = json.loads(text.read_text("utf-8"))
    return {**schema, "$ref": "#/$defs/TeleprivacyDeliveryRunFacet"}


def test_start_names_the_input_glob_its_schema_and_the_output_folder(chain: Chain) -> None:
    """START: job teleprivacy/delivery.<name>, input file://host + glob with every profiled
    column, output folder by name only, parent = the flow run."""
    event = _json(lineage.start_event(_lineage(chain, chain.quality), RUN))
    assert event["eventType"] == "START"
    assert event["job"]["namespace"] == "teleprivacy"
    assert event["job"]["name"] == "delivery.cdr-quality"
    (source,) = event["inputs"]
    assert source["namespace"] == "file://etl-1"
    assert source["name"] == str(chain.data.parent / "*.csv")
    columns = [(f["name"], f["type"]) for f in source["facets"]["schema"]["fields"]]
    assert columns == [(f.column, f.arrow_type) for f in chain.profile.fields]
    (target,) = event["outputs"]
    assert target["namespace"] == "file://etl-1"
    assert target["name"] == "/srv/out/deliveries/cdr-quality"
    assert target["facets"] == {}
    parent = event["run"]["facets"]["parent"]
    assert parent["run"]["runId"] == FLOW_RUN
    assert parent["job"] == {"namespace": "teleprivacy", "name": "pipeline", "facets": {}}
    facet = event["run"]["facets"]["teleprivacy_delivery"]
    assert (facet["status"], facet["verdict"]) == ("running", "proceed")
    assert (facet["recipientClass"], facet["purpose"]) == ("analytics_vendor", "service_quality")


def test_complete_maps_each_delivered_column_to_its_input_with_its_transformation(
    chain: Chain,
) -> None:
    """COMPLETE: the output schema is the plan's; each output column comes from the input column
    of the same name with the plan's transformation; dropped columns are no outputs."""
    event = _json(lineage.end_event(_lineage(chain, chain.quality), RUN, chain.result))
    assert event["eventType"] == "COMPLETE"
    (target,) = event["outputs"]
    schema = [(f["name"], f["type"]) for f in target["facets"]["schema"]["fields"]]
    assert schema == [(f.name, str(f.type)) for f in chain.plan.output_schema]
    fields = target["facets"]["columnLineage"]["fields"]
    # every column the recipient did not ask for is dropped (the JSON has its keys sorted)
    assert set(fields) == set(chain.plan.output_schema.names) == set(FIELDS)
    expected = {
        # column: (transformation, subtype, masking)
        "src": ("pseudonymize", "TRANSFORMATION", True),
        "sip_uri": ("pseudonymize", "TRANSFORMATION", True),
        "src_ip": ("generalize", "TRANSFORMATION", True),
        "duration": ("keep", "IDENTITY", False),
    }
    for column, (transformation, subtype, masking) in expected.items():
        (source,) = fields[column]["inputFields"]
        assert (source["namespace"], source["name"], source["field"]) == (
            "file://etl-1", str(chain.data.parent / "*.csv"), column,
        )  # fmt: skip
        (how,) = source["transformations"]
        assert how == {"type": "DIRECT", "subtype": subtype, "description": transformation,
                       "masking": masking}  # fmt: skip
        assert lineage.TRANSFORMATIONS[chain.plan.column(column).operator] == transformation
    stats = target["outputFacets"]["outputStatistics"]
    assert (stats["rowCount"], stats["fileCount"]) == (chain.result.rows_out, 1)
    assert target["facets"]["version"]["datasetVersion"] == chain.result.output_sha256
    assert event["inputs"][0]["inputFacets"]["inputStatistics"]["rowCount"] == 40


def test_the_custom_facet_carries_verdicts_clauses_and_counts(chain: Chain) -> None:
    """teleprivacy_delivery: the delivery's clause, each field's verdict, operator and clause,
    the row counts; it validates against the shipped JSON Schema."""
    event = _json(lineage.end_event(_lineage(chain, chain.quality), RUN, chain.result))
    facet = event["run"]["facets"]["teleprivacy_delivery"]
    jsonschema.validate(facet, _facet_schema())
    assert facet["_schemaURL"] == lineage.FACET_SCHEMA_URL
    assert facet["status"] == "delivered"
    citation = chain.quality.citation
    assert citation is not None
    assert facet["citation"] == {"seed": citation.seed, "section": citation.section,
                                 "quote": citation.quote}  # fmt: skip
    by_field = {f["field"]: f for f in facet["fields"]}
    assert list(by_field) == [d.field for d in chain.quality.fields]
    src = by_field["src"]
    assert (src["verdict"], src["operator"], src["transformation"]) == (
        "pseudonymize", "pseudonymize", "pseudonymize",
    )  # fmt: skip
    decided = {d.field: d for d in chain.quality.fields}
    for name, field in by_field.items():
        cited = decided[name].citation
        assert field.get("citation") == (
            {"seed": cited.seed, "section": cited.section, "quote": cited.quote} if cited else None
        )
    dropped = by_field["uniqueid"]
    assert dropped["verdict"] == "drop" and "transformation" not in dropped
    assert facet["rows"]["rowsIn"] == chain.result.rows_in
    assert facet["rows"]["rowsOut"] == chain.result.rows_out


def test_a_denied_delivery_ends_with_fail_and_nothing_published(chain: Chain) -> None:
    """Denied by policy: FAIL, status denied with the reasons, the output named without a schema
    or column lineage."""
    event = _json(lineage.end_event(_lineage(chain, chain.warrant), RUN, None))
    assert event["eventType"] == "FAIL"
    facet = event["run"]["facets"]["teleprivacy_delivery"]
    jsonschema.validate(facet, _facet_schema())
    assert (facet["verdict"], facet["status"]) == ("denied", "denied")
    assert facet["denialReasons"] == list(chain.warrant.denial_reasons)
    assert facet["recipientClass"] == "law_enforcement"
    assert event["outputs"][0]["facets"] == {}


def test_a_failed_delivery_ends_with_fail_and_its_error_line(chain: Chain) -> None:
    """An error stopped it: FAIL, status failed, the one-line error in errorMessage."""
    failed = failed_delivery("cdr-quality", "disk full writing deliveries/cdr-quality", True)
    event = _json(lineage.end_event(_lineage(chain, chain.quality), RUN, failed))
    assert event["eventType"] == "FAIL"
    assert event["run"]["facets"]["teleprivacy_delivery"]["status"] == "failed"
    error = event["run"]["facets"]["errorMessage"]
    assert (error["message"], error["programmingLanguage"]) == (failed.error, "python")


def test_a_blocked_delivery_ends_with_fail_and_counts_without_samples(chain: Chain) -> None:
    """Blocked by verification: FAIL, residual findings by column, type and count; the masked
    samples and the free-text reasons stay out."""
    finding = ResidualFinding("src", "PHONE_NUMBER", 3, "+1514•••••99")
    blocked = replace(chain.result, outcome=redaction.DeliveryOutcome.BLOCKED, output_path=None,
                      output_sha256=None, residual=(finding,),
                      blocked_reasons=("3 PHONE_NUMBER values in src (+1514•••••99)",))  # fmt: skip
    event = _json(lineage.end_event(_lineage(chain, chain.quality), RUN, blocked))
    assert event["eventType"] == "FAIL"
    facet = event["run"]["facets"]["teleprivacy_delivery"]
    assert facet["status"] == "blocked"
    assert facet["residual"] == [{"column": "src", "entityType": "PHONE_NUMBER", "count": 3}]
    assert "•" not in Serde.to_json(event)


def test_no_input_value_reaches_any_event(chain: Chain) -> None:
    """Every labelled personal value of the input is absent from the serialized events."""
    events = [
        lineage.start_event(_lineage(chain, chain.quality), RUN),
        lineage.end_event(_lineage(chain, chain.quality), RUN, chain.result),
        lineage.end_event(_lineage(chain, chain.warrant), RUN, None),
    ]
    text = "\n".join(Serde.to_json(e) for e in events)
    raw = {v for values in labelled_values(chain.data, chain.labels).values() for v in values}
    assert raw
    assert [v for v in raw if len(v) >= 5 and v in text] == []


def test_row_filters_and_the_release_gate_are_indirect_lineage(chain: Chain) -> None:
    """Consent filters and the release gate decide which rows leave: INDIRECT/FILTER lineage of
    the whole output, on their columns."""
    decision = replace(
        chain.quality,
        row_filters=(RowFilter("disposition", "needs consent"),),
        min_k=5,
        quasi_identifiers=("src_ip",),
    )
    facet = lineage.column_lineage(_lineage(chain, decision), chain.result.schema)
    selected = [(f.field, f.transformations[0].type, f.transformations[0].subtype)
                for f in facet.dataset]  # fmt: skip
    assert selected == [("disposition", "INDIRECT", "FILTER"), ("src_ip", "INDIRECT", "FILTER")]


@pytest.mark.parametrize(
    ("operator", "verdict", "expected"),
    [
        ("keep", Verdict.ALLOW, Transformation.KEEP),
        ("pseudonymize", Verdict.PSEUDONYMIZE, Transformation.PSEUDONYMIZE),
        # format-preserving encryption carries a pseudonymize verdict: the operator decides
        ("encrypt_fpe", Verdict.PSEUDONYMIZE, Transformation.ENCRYPT),
        ("generalize", Verdict.GENERALIZE, Transformation.GENERALIZE),
        ("mask", Verdict.MASK, Transformation.MASK),
        ("redact", Verdict.REDACT, Transformation.REDACT),
        # no operator in the result: the verdict's default operator
        (None, Verdict.PSEUDONYMIZE, Transformation.PSEUDONYMIZE),
        (None, Verdict.ALLOW, Transformation.KEEP),
    ],
)
def test_transformation_of_an_operator(operator, verdict, expected) -> None:
    """Each registered operator but drop names one transformation."""
    decision = FieldDecision("x", verdict, None, (), None)
    assert lineage.transformation_of(operator, decision) is expected


def test_every_registered_operator_but_drop_has_a_transformation() -> None:
    """A new operator gets a row in TRANSFORMATIONS (or the events would fall back to its
    verdict)."""
    from redaction.operators.registry import known_operators

    assert set(known_operators()) - {"drop"} == set(lineage.TRANSFORMATIONS)
