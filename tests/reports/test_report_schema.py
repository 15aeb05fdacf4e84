"""report.json validates against the shipped JSON Schema; invalid reports are never written."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from reports import ReportSchemaError, RunReport, validate_report, write_reports
from reports.writer import report_schema


def _walk_properties(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every (path, subschema) under a `properties` keyword."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            found.append((f"{path}/{name}", sub))
        for key, value in node.items():
            found += _walk_properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _walk_properties(value, f"{path}/{i}")
    return found


def test_schema_is_valid_2020_12_with_id_and_version_const() -> None:
    """The schema itself is a valid 2020-12 schema with an $id and a const schema_version."""
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("report.schema.json")
    assert schema["properties"]["schema_version"]["const"] == "1.3"


def test_every_property_is_described() -> None:
    """Each property has a description (directly or through its $ref target)."""
    schema = report_schema()
    missing = [
        path
        for path, sub in _walk_properties(schema)
        if "description" not in sub
        and "description" not in schema["$defs"].get(sub.get("$ref", "#/$defs/").split("/")[-1], {})
    ]
    assert missing == []


def test_written_json_validates(report: RunReport, tmp_path: Path) -> None:
    """The written report.json validates and starts with schema_version."""
    paths = write_reports(report, tmp_path / "out")
    data = json.loads(paths.json.read_text("utf-8"))
    Draft202012Validator(report_schema()).validate(data)
    assert next(iter(data)) == "schema_version"
    assert data["schema_version"] == "1.3"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "report.json"]


def test_invalid_report_raises_and_writes_nothing(report: RunReport, tmp_path: Path) -> None:
    """A report whose policy digest is not a SHA-256 fails validation; no file appears."""
    bad_policy = dataclasses.replace(report.run.policy, sha256="Secret-Looking-Value")
    bad = dataclasses.replace(report, run=dataclasses.replace(report.run, policy=bad_policy))
    with pytest.raises(ReportSchemaError) as info:
        write_reports(bad, tmp_path / "out")
    assert str(info.value) == (
        "report does not match report.schema.json: $.run.policy.sha256 fails 'pattern'; "
        "nothing was written. Fix the builder or the schema so they agree."
    )
    assert "Secret-Looking-Value" not in str(info.value)
    assert not (tmp_path / "out" / "report.json").exists()
    assert not (tmp_path / "out" / "report.html").exists()


def test_validate_report_lists_missing_keys(report: RunReport) -> None:
    """Missing required keys are reported by JSON path and rule."""
    data = report.to_dict()
    del data["counts"]
    with pytest.raises(ReportSchemaError, match=r"\$ fails 'required'"):
        validate_report(data)


def test_nan_rate_is_refused(report: RunReport, tmp_path: Path) -> None:
    """A NaN rate would make report.json invalid JSON; it is refused and nothing is written."""
    ds = report.datasets[0]
    bad_field = dataclasses.replace(ds.fields[0], null_rate=float("nan"))
    bad_ds = dataclasses.replace(ds, fields=(bad_field, *ds.fields[1:]))
    bad = dataclasses.replace(report, datasets=(bad_ds, *report.datasets[1:]))
    with pytest.raises(ReportSchemaError, match="NaN or infinite number"):
        write_reports(bad, tmp_path / "out")
    assert not (tmp_path / "out" / "report.json").exists()
