"""The pipeline, scan and deliver flows under Prefect's test harness, on generated data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import detectors
from flows.exit_codes import ExitCode

pytestmark = pytest.mark.slow


def _input_values(path: Path, column: str) -> set[str]:
    values: set[str] = set()
    for batch in detectors.read_batches(path, columns=[column]):
        values.update(v for v in batch.column(0).to_pylist() if v and len(v) >= 5)
    return values


def _column_cells(path: Path, column: str) -> list[str | None]:
    cells: list[str | None] = []
    for batch in detectors.read_batches(path, columns=[column]):
        cells.extend(batch.column(0).to_pylist())
    return cells


def _assert_planted_spans_gone(delivery: dict, column: str, source: Path, outputs: list[Path]):
    """Planted spans of entity types the delivery does not allow in clear are gone from the text.

    Ground truth is the generator's labels. Names come from NER, whose recall target is 0.85, so
    up to 15% of planted names may survive; every pattern-detected type must be gone.
    """
    allowed = {
        entity
        for field in delivery["fields"]
        if field["verdict"] == "allow"
        for entity in field["entity_types"]
    }
    labels = json.loads((source.parent / "labels.json").read_text())
    spans = [s for s in labels["spans"] if s["field"] == column and s["entity_type"] not in allowed]
    assert spans, f"no planted spans to check in {column}"
    texts = _column_cells(source, column)
    kept: dict[str, list[int]] = {}
    for output in outputs:
        delivered = _column_cells(output, column)
        assert len(delivered) == len(texts)
        for s in spans:
            value = texts[s["row"]][s["start"] : s["end"]]
            tally = kept.setdefault(s["entity_type"], [0, 0])
            tally[0] += value in (delivered[s["row"]] or "")
            tally[1] += 1
    for entity, (survived, planted) in kept.items():
        limit = 0.15 * planted if entity == "PERSON" else 0
        assert survived <= limit, f"{delivery['name']}.{column}: {survived}/{planted} {entity}"


def _output_values(path: Path, column: str) -> set[str]:
    values: set[str] = set()
    for batch in detectors.read_batches(path, columns=[column]):
        values.update(str(v) for v in batch.column(0).to_pylist() if v is not None)
    return values


@pytest.fixture(scope="module")
def pipeline_run(prefect_harness, demo_workspace: Path, tmp_path_factory, demo_key_module):
    from flows.pipeline import pipeline_flow

    out = tmp_path_factory.mktemp("pipeline-out")
    outcome = pipeline_flow(str(demo_workspace / "demo.yaml"), str(out))
    return out, outcome


@pytest.fixture(scope="module")
def demo_key_module():
    mp = pytest.MonkeyPatch()
    mp.setenv("TELEPRIVACY_KEY", "module-key-0123456789abcdef0123456789abcdef")
    yield
    mp.undo()


def test_pipeline_writes_reports_and_blocks_the_denied_delivery(pipeline_run):
    """The demo config has a denied marketing delivery, so the run exits 3 with reports written."""
    out, outcome = pipeline_run
    assert outcome.exit_code is ExitCode.BLOCKED
    assert outcome.denied == ("billing-marketing", "cdr-warrant") and outcome.unverified == ()
    report = json.loads((out / "reports" / "report.json").read_text())
    assert report["schema_version"]
    statuses = {d["name"]: d["status"] for d in report["deliveries"]}
    assert statuses["billing-marketing"] == "denied"
    assert statuses["cdr-quality"] == "delivered"
    assert (out / "reports" / "report.html").is_file()


def test_consent_delivery_keeps_only_consenting_rows(pipeline_run, demo_workspace: Path):
    """billing-partner-offers: rows out == rows whose third_party_consent is true; the rest
    are counted as filtered, not lost."""
    out, _ = pipeline_run
    report = json.loads((out / "reports" / "report.json").read_text())
    (delivery,) = [d for d in report["deliveries"] if d["name"] == "billing-partner-offers"]
    consent = _column_cells(demo_workspace / "data" / "billing" / "billing.csv",
                            "third_party_consent")  # fmt: skip
    agreed = sum(1 for c in consent if c == "true")
    assert delivery["status"] == "delivered"
    assert 0 < agreed < len(consent)
    assert delivery["rows"]["rows_out"] == agreed
    assert delivery["rows"]["rows_filtered"] == len(consent) - agreed


def test_report_validates_against_its_schema(pipeline_run):
    """The machine contract holds for a real run, not only for fixtures."""
    import reports

    out, _ = pipeline_run
    reports.validate_report(json.loads((out / "reports" / "report.json").read_text()))


def test_no_transformed_field_keeps_an_input_value(pipeline_run, demo_workspace: Path):
    """Every field the policy did not allow in clear holds none of its input values."""
    out, _ = pipeline_run
    report = json.loads((out / "reports" / "report.json").read_text())
    datasets = {"cdr": "cdr/cdr.csv", "billing": "billing/billing.csv"}
    checked = 0
    for delivery in report["deliveries"]:
        if delivery["status"] != "delivered" or delivery["dataset"] not in datasets:
            continue
        source = demo_workspace / "data" / datasets[delivery["dataset"]]
        # The demo delivers billing-debt as CSV, the others as Parquet (cdr-quality by day).
        folder = out / "deliveries" / delivery["name"]
        outputs = sorted(p for p in folder.rglob("*.*") if not p.name.startswith("_"))
        assert outputs, f"no output for {delivery['name']}"
        for field in delivery["fields"]:
            if field["verdict"] in ("allow", "drop", "deny"):
                continue
            if field["free_text"]:
                _assert_planted_spans_gone(delivery, field["field"], source, outputs)
                checked += 1
                continue
            raw = _input_values(source, field["field"])
            if field["verdict"] == "generalize":
                # A value already as coarse as the level (a date generalized to the hour) stays
                # as it is; generalizing can only merge values, never add new ones.
                distinct_in = len(set(_column_cells(source, field["field"])))
                for output in outputs:
                    assert len(set(_column_cells(output, field["field"]))) <= distinct_in
                continue
            for output in outputs:
                leaked = raw & _output_values(output, field["field"])
                assert not leaked, (
                    f"{delivery['name']}.{field['field']} leaked {len(leaked)} values"
                )
            checked += 1
    assert checked >= 3


def test_key_never_appears_in_reports(pipeline_run):
    """The key id is recorded; the key itself is not."""
    out, _ = pipeline_run
    for path in (out / "reports").glob("report.*"):
        assert "module-key-0123456789abcdef" not in path.read_text()


def test_rerun_gives_byte_identical_deliveries(pipeline_run, demo_workspace: Path, tmp_path):
    """Same inputs, key and policy: the same bytes, so recipients can diff deliveries."""
    from flows.pipeline import pipeline_flow

    out, _ = pipeline_run
    pipeline_flow(str(demo_workspace / "demo.yaml"), str(tmp_path))
    first = sorted(p.relative_to(out) for p in (out / "deliveries").rglob("*.parquet"))
    assert first
    for rel in first:
        assert (out / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


def test_rerun_into_the_same_folder_reuses_unchanged_deliveries(
    prefect_harness, demo_workspace: Path, tmp_path, demo_key
):
    """A second run over unchanged files leaves every delivered file as it was (not rewritten),
    and the report still records each delivery with its checksum."""
    from flows.pipeline import pipeline_flow

    config = str(demo_workspace / "demo.yaml")
    pipeline_flow(config, str(tmp_path))
    parts = sorted((tmp_path / "deliveries").rglob("*-part*.*"))
    assert parts
    written = {p: p.stat().st_mtime_ns for p in parts}
    pipeline_flow(config, str(tmp_path))
    assert {p: p.stat().st_mtime_ns for p in parts} == written
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    delivered = [d for d in report["deliveries"] if d["status"] == "delivered"]
    assert delivered and all(d["output_sha256"] for d in delivered)


def test_scan_flow_delivers_nothing(prefect_harness, demo_workspace: Path, tmp_path):
    """Scanning writes a report with profiles and decisions but no deliveries."""
    from flows.pipeline import scan_flow

    outcome = scan_flow(str(demo_workspace / "demo.yaml"), str(tmp_path))
    assert not (tmp_path / "deliveries").exists()
    report = json.loads(outcome.report_json.read_text())
    assert {d["name"] for d in report["datasets"]} == {"cdr", "billing", "tickets"}


def test_deliver_flow_runs_one_delivery(prefect_harness, demo_workspace: Path, tmp_path, demo_key):
    """One delivery by name; the others are untouched."""
    from flows.pipeline import deliver_flow

    outcome = deliver_flow(str(demo_workspace / "demo.yaml"), "cdr-quality", str(tmp_path))
    assert outcome.exit_code is ExitCode.OK
    assert [p.name for p in (tmp_path / "deliveries").iterdir()] == ["cdr-quality"]


def test_demo_exits_0_with_its_intended_denials(prefect_harness, tmp_path, demo_key, capsys):
    """`make demo` (the README's first command) succeeds: the denials it shows are intended."""
    from flows import commands

    assert commands.demo(tmp_path / "demo", rows=120) == ExitCode.OK
    out = capsys.readouterr().out
    assert "billing-marketing" in out and "denied by policy, as the demo intends" in out
    assert (tmp_path / "demo" / "reports" / "report.html").is_file()
    assert list((tmp_path / "demo" / "deliveries" / "cdr-quality").rglob("*.parquet"))


DRIFT_CONFIG = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: cdr/cdr.csv}
deliveries:
  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,
     recipient_class: analytics_vendor, purpose: service_quality}
"""


def test_second_run_reports_drift_and_history_lists_both_runs(
    prefect_harness, tmp_path, demo_key, capsys
):
    """A column that starts holding e-mail addresses is drift for the reviewer; the run history
    (`teleprivacy report history`) shows both runs of the configuration."""
    import synthetic
    from flows.cli import main
    from flows.pipeline import pipeline_flow

    synthetic.generate("cdr", 200, tmp_path / "cdr", seed=5)
    (tmp_path / "pipeline.yaml").write_text(DRIFT_CONFIG)
    config, out = str(tmp_path / "pipeline.yaml"), str(tmp_path / "out")
    first = json.loads(pipeline_flow(config, out).report_json.read_text())
    assert "new_pii_field" not in {f["kind"] for f in first["findings"]}
    path = tmp_path / "cdr" / "cdr.csv"
    with path.open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    column = header.index("userfield")
    for i, row in enumerate(rows):
        row[column] = f"user{i}@example.com"
    with path.open("w", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    second = json.loads(pipeline_flow(config, out).report_json.read_text())
    drift = [f for f in second["findings"] if f["kind"] == "new_pii_field"]
    assert drift and drift[0]["field"] == "userfield"
    capsys.readouterr()
    assert main(["report", "history", "--history", f"{out}/reports/history.sqlite"]) == 0
    listed = capsys.readouterr().out
    runs = [line for line in listed.splitlines() if "pipeline.yaml" in line]
    assert len(runs) == 2
    assert first["run"]["run_id"] in listed and second["run"]["run_id"] in listed
    assert "example.com" not in listed


def test_run_artifacts_in_the_api_hold_no_planted_value(pipeline_run, demo_workspace: Path):
    """The run page's summary and decision table, read back from the Prefect API, carry no value
    the generator planted (only masked samples, counts, names and entity types)."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    out, _ = pipeline_run
    run_id = json.loads((out / "reports" / "report.json").read_text())["run"]["run_id"]

    def latest(key: str) -> str:
        # Straight to the REST API: prefect 3.8.8's client sends explicit nulls for the optional
        # filters, which this server rejects (422), so `Artifact.get` cannot be used here.
        query = {
            "artifacts": {"key": {"any_": [key]}},
            "flow_runs": {"id": {"any_": [run_id]}},
            "sort": "CREATED_DESC",
            "limit": 1,
        }
        response = httpx.post(f"{PREFECT_API_URL.value()}/artifacts/filter", json=query, timeout=30)
        response.raise_for_status()
        found = response.json()
        assert found, f"no {key} artifact"
        return json.dumps(found[0]["data"])

    summary, table = latest("teleprivacy-summary"), latest("teleprivacy-decisions")
    assert "cdr-quality" in summary and "billing-marketing" in summary
    assert "src" in table and "pseudonymize" in table
    planted = set()
    for kind, name in (("cdr", "cdr.csv"), ("billing", "billing.csv")):
        labels = json.loads((demo_workspace / "data" / kind / "labels.json").read_text())
        for column, entity_types in labels["columns"].items():
            # Times and card expiries (`2026-12`) are also in the run's own timestamps.
            if set(entity_types) - {"DATE_TIME", "CARD_EXPIRY"}:
                planted |= _input_values(demo_workspace / "data" / kind / name, column)
    assert planted
    leaked = [v for v in planted if v in summary or v in table]
    assert not leaked, f"{len(leaked)} planted values in the artifacts"


UNREADABLE_CONFIG = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: cdr/cdr.csv}
  - {name: billing, kind: billing, path: billing/billing.parquet}
deliveries:
  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,
     recipient_class: analytics_vendor, purpose: service_quality}
  - {name: billing-debt, dataset: billing, recipient: northside-collections,
     recipient_class: debt_collector, purpose: debt_recovery}
"""


def test_an_unreadable_dataset_fails_the_run_withdraws_its_delivery_and_is_recorded(
    prefect_harness, tmp_path, demo_key
):
    """A billing Parquet file damaged after a good run: the rerun still delivers the CDRs, the
    billing delivery publishes nothing and withdraws the part the first run published; the
    report (status failed, the error line) and the history record the run; exit 2."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    import synthetic
    from flows.pipeline import pipeline_flow

    synthetic.generate("cdr", 120, tmp_path / "cdr", seed=5)
    billing = synthetic.generate("billing", 60, tmp_path / "billing", seed=5)
    parquet = tmp_path / "billing" / "billing.parquet"
    pq.write_table(pacsv.read_csv(billing.data_path), parquet)
    billing.data_path.unlink()
    (tmp_path / "pipeline.yaml").write_text(UNREADABLE_CONFIG)
    config, out = str(tmp_path / "pipeline.yaml"), tmp_path / "out"
    first = pipeline_flow(config, str(out))
    assert first.exit_code in (ExitCode.OK, ExitCode.BLOCKED) and not first.errors
    assert (out / "deliveries" / "billing-debt").is_dir()

    parquet.write_bytes(parquet.read_bytes()[: parquet.stat().st_size // 2])  # footer gone
    second = pipeline_flow(config, str(out))
    assert second.exit_code is ExitCode.BAD_INPUT
    (error,) = second.errors
    assert error.startswith("dataset billing: ") and "billing.parquet" in error
    report = json.loads(second.report_json.read_text())
    assert report["run"]["status"] == "failed" and report["run"]["errors"] == [error]
    deliveries = {d["name"]: d for d in report["deliveries"]}
    assert deliveries["cdr-quality"]["status"] == "delivered"
    assert deliveries["billing-debt"]["blockers"] == [
        f"The delivery failed: {error}",
        "Nothing was published under deliveries/billing-debt; the 1 part(s) an earlier run had "
        "published there were removed.",
    ]
    assert sorted(p.name for p in (out / "deliveries").iterdir()) == ["cdr-quality"]
    import reports

    latest, earlier = reports.RunHistory(out / "reports" / "history.sqlite").list()
    assert (latest.run_id, latest.status.value) == (report["run"]["run_id"], "failed")
    assert earlier.status.value in ("ok", "needs_review", "blocked")


def test_analytics_delivery_passes_its_release_gate(pipeline_run):
    """cdr-quality goes to an analytics vendor (min k 5 in the pack): the call times are
    coarsened up the ladder until every delivered (start, answer, end) is shared by 5 rows,
    checked here on the delivered file itself."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out, _ = pipeline_run
    report = json.loads((out / "reports" / "report.json").read_text())
    (delivery,) = [d for d in report["deliveries"] if d["name"] == "cdr-quality"]
    risk = delivery["risk"]
    assert risk["required_k"] == 5 and risk["min_k"] >= 5
    assert risk["quasi_identifiers"] == ["start", "answer", "end"]
    assert "start: level hour → day" in risk["ladder_steps"]
    rows = delivery["rows"]
    assert rows["rows_in"] == rows["rows_out"] + rows["rows_withheld"] + rows["rows_filtered"]
    table = pa.concat_tables(
        pq.read_table(p) for p in sorted((out / "deliveries" / "cdr-quality").rglob("*.parquet"))
    )
    sizes = table.group_by(["start", "answer", "end"]).aggregate([([], "count_all")])
    assert min(sizes.column("count_all").to_pylist()) >= 5
    assert table.num_rows == rows["rows_out"] == risk["rows"]
