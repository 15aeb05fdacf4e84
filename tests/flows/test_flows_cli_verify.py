"""`teleprivacy verify` and `teleprivacy scan --json`: every cell, nested ones included."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from flows.cli import main
from flows.exit_codes import ExitCode


def _parquet(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


def test_verify_finds_a_nested_email_and_exits_3(tmp_path: Path, capsys):
    """An e-mail inside a struct, in one row of 5,000: found, counted, never printed."""
    rows = 5_000
    contact = [{"name": "n/a", "email": None} for _ in range(rows)]
    contact[4_321] = {"name": "n/a", "email": "zoe.roe@example.com"}
    path = _parquet(tmp_path / "out.parquet", pa.table({"contact": contact,
                                                        "n": list(range(rows))}))  # fmt: skip
    code = main(["verify", str(path)])
    out = capsys.readouterr().out
    assert code == ExitCode.BLOCKED
    assert "contact.email" in out and "EMAIL_ADDRESS" in out and "1 of 5,000 rows" in out
    assert "zoe.roe" not in out


def test_verify_accepts_a_delivery_of_tokens_networks_and_hours(tmp_path: Path, capsys):
    """What a delivery writes (tokens, /24 networks, hour-rounded times) is not personal."""
    path = _parquet(tmp_path / "d.parquet", pa.table({
        "src": ["PHONE_3f9a0c1b2d3e4f50", "PHONE_0a1b2c3d4e5f6a7b"],
        "src_ip": ["203.0.113.0/24", "2001:db8:31fb::/48"],
        "start": ["2026-11-05 03:00:00", "2026-11-05 04:00:00"],
        "duration": [61, 7],
    }))  # fmt: skip
    assert main(["verify", str(path)]) == ExitCode.OK
    assert "No personal data found in clear" in capsys.readouterr().out


def test_scan_json_reports_counts_over_every_row(tmp_path: Path, capsys):
    """Machine-readable scan: the validated entity, its count over all rows, a masked example."""
    rows = 30_000
    notes = ["ok"] * rows
    for i in range(rows - 10, rows):
        notes[i] = f"call 514-555-01{i % 100:02d}"
    path = tmp_path / "t.csv"
    path.write_text("id,notes\n" + "".join(f"{i},{n}\n" for i, n in enumerate(notes)), "utf-8")
    assert main(["scan", str(path), "--json"]) == ExitCode.OK
    body = json.loads(capsys.readouterr().out)
    (column,) = [c for c in body["columns"] if c["name"] == "notes"]
    (entity,) = column["entities"]
    assert (entity["entity_type"], entity["rows_found"], column["rows_swept"]) == (
        "PHONE_NUMBER", 10, rows,
    )  # fmt: skip
    assert "514-555" not in json.dumps(body)
    assert body["files"][0]["sha256"]
