"""A dataset's `schema:` end to end: declared types delivered, misfits quarantined and reported,
unknown types refused before the run."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from flows.cli import main
from flows.exit_codes import ExitCode
from redaction.dictionary import DICTIONARY_FILE

pytestmark = pytest.mark.slow
MONTREAL = ZoneInfo("America/Montreal")

SCHEMA = (
    "{duration: int64, billsec: int64, start: 'timestamp[America/Montreal]', "
    "answer: 'timestamp[America/Montreal]', end: 'timestamp[America/Montreal]'}"
)


def _config(folder: Path, workspace: Path, schema: str) -> Path:
    """The demo's CDRs with one bad duration appended, delivered to an analytics vendor by day."""
    source = (workspace / "data" / "cdr" / "cdr.csv").read_text(encoding="utf-8")
    rows = source.splitlines()
    bad = rows[1].split(",")
    bad[12] = '"12s"'  # duration: not a number
    (folder / "cdr.csv").write_text(source + ",".join(bad) + "\n", encoding="utf-8")
    config = folder / "pipeline.yaml"
    config.write_text(
        "policy: voipms\n"
        f"datasets:\n  - {{name: cdr, kind: cdr, path: cdr.csv, schema: {schema}}}\n"
        "deliveries:\n"
        "  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,\n"
        "     recipient_class: analytics_vendor, purpose: service_quality,\n"
        "     partition_by: [day]}\n"
        "  - {name: cdr-internal, dataset: cdr, recipient: noc, recipient_class: internal,\n"
        "     purpose: service_quality, fields: [start, duration]}\n"
        "quarantine_threshold: 0.01\n",
        encoding="utf-8",
    )
    return config


def test_declared_types_are_delivered_and_misfits_quarantined(
    prefect_harness, demo_workspace: Path, demo_key, tmp_path: Path, capsys
):
    config = _config(tmp_path, demo_workspace, SCHEMA)
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out)]) == ExitCode.OK
    folder = out / "deliveries" / "cdr-quality"
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    types = {f.name: f.type for f in table.schema}
    assert types["duration"] == pa.int64()
    # generalized, and in UTC for an analytics vendor (the pack's times_in_utc): the zone
    # would tell where callers are
    assert types["start"] == pa.timestamp("us", tz="UTC")
    assert all(t.minute == 0 and t.second == 0 for t in table.column("start").to_pylist() if t)
    for row in table.select(["start", "day"]).to_pylist():  # the folder of its day, in UTC
        assert str(row["day"]) == row["start"].date().isoformat()
    internal = ds.dataset(out / "deliveries" / "cdr-internal", format="parquet").to_table()
    assert internal.schema.field("start").type == pa.timestamp("us", tz="America/Montreal")
    first = internal.column("start").to_pylist()[0]
    assert first.utcoffset() != first.astimezone(UTC).utcoffset()  # a Montreal clock time
    body = json.loads((folder / DICTIONARY_FILE).read_text(encoding="utf-8"))
    stated = {c["name"]: c["arrow_type"] for c in body["columns"]}
    assert stated["start"] == "timestamp[us, tz=UTC]"
    start = next(c for c in body["columns"] if c["name"] == "start")
    assert "as UTC instants" in start["detail"]
    assert body["rows"]["quarantined"] == 1
    assert body["rows"]["delivered"] == table.num_rows
    report = json.loads((out / "reports" / "report.json").read_text(encoding="utf-8"))
    text = json.dumps(report)
    assert "type_mismatch" in text and "12s" not in text


def test_an_unknown_declared_type_stops_the_run_before_reading(
    demo_workspace: Path, demo_key, tmp_path: Path, capsys
):
    config = _config(tmp_path, demo_workspace, "{duration: integer}")
    assert main(["run", str(config), "--out", str(tmp_path / "out")]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert "dataset 'cdr': schema.duration: unknown type 'integer'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
