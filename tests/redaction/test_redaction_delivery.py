"""Delivery: streaming, atomic write, determinism, row balance, verification and key hygiene."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import CDR_SCHEMA, KEY_TEXT, cdr_decision

import redaction.delivery
from redaction import build_plan, combine_results, deliver, verify_output
from redaction.errors import OutputWriteError
from redaction.operators.pseudonymize import Pseudonymize
from redaction.results import DeliveryOutcome


class _Leaky(Pseudonymize):
    """A pseudonymizer with a bug: it returns its input unchanged."""

    def __call__(self, array: pa.Array) -> pa.Array:
        return array


def _plan(key):
    return build_plan(cdr_decision(), CDR_SCHEMA, key)


def test_delivers_parquet_with_balanced_counts_and_digest(cdr_csv: Path, tmp_path: Path, key):
    """A malformed row is quarantined, a non-consenting row filtered; the counts balance."""
    with cdr_csv.open("a", encoding="utf-8") as f:
        f.write('ACCT-9,"unterminated\n')
    before = cdr_csv.read_bytes()
    result = deliver(_plan(key), [cdr_csv], tmp_path / "out", quarantine_dir=tmp_path / "q")
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert (result.rows_in, result.rows_out, result.rows_quarantined, result.rows_filtered) == (
        4, 2, 1, 1,
    )  # fmt: skip
    assert result.rows_balanced and result.key_id == key.key_id
    assert Path(result.output_path) == tmp_path / "out" / "cdr-quality.parquet"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["cdr-quality.parquet"]
    assert (tmp_path / "q" / "quarantine.rows").exists()
    assert cdr_csv.read_bytes() == before  # inputs are never modified
    rows = pq.read_table(result.output_path).to_pylist()
    assert rows[0]["src"] == rows[0]["clid"].split("<")[1].rstrip(">")  # one token per phone


def test_rerun_is_byte_identical(cdr_csv: Path, tmp_path: Path, key):
    """Same inputs, key and policy: the same bytes and digest."""
    a = deliver(_plan(key), [cdr_csv], tmp_path / "a")
    b = deliver(_plan(key), [cdr_csv], tmp_path / "b")
    assert Path(a.output_path).read_bytes() == Path(b.output_path).read_bytes()
    assert a.output_sha256 == b.output_sha256


def test_progress_is_told_rows_read_after_every_batch(cdr_csv: Path, tmp_path: Path, key):
    """One call per batch, rising to every row read (filtered rows count as read)."""
    seen: list[int] = []
    result = deliver(_plan(key), [cdr_csv], tmp_path / "out", batch_size=1, progress=seen.append)
    assert seen == sorted(seen) and len(seen) >= 2
    assert seen[-1] == result.rows_in - result.rows_quarantined


def test_failure_mid_write_leaves_nothing(cdr_csv: Path, tmp_path: Path, key, monkeypatch):
    """An error after the first batch: no final file, no temporary file."""
    real = redaction.delivery.apply_plan
    calls = []

    def flaky(plan, batch):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(plan, batch)

    monkeypatch.setattr(redaction.delivery, "apply_plan", flaky)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        deliver(_plan(key), [cdr_csv], out, batch_size=1)
    assert list(out.iterdir()) == []


def test_verification_blocks_a_phone_left_in_clear(cdr_csv: Path, tmp_path: Path, key):
    """An operator that leaks (simulated) → BLOCKED, masked sample only, no output file."""
    plan = _plan(key)
    leaky = tuple(
        dataclasses.replace(c, op=_Leaky(**vars(c.op))) if c.field == "src" else c
        for c in plan.columns
    )
    result = deliver(dataclasses.replace(plan, columns=leaky), [cdr_csv], tmp_path / "out")
    assert result.outcome is DeliveryOutcome.BLOCKED and result.output_path is None
    assert list((tmp_path / "out").iterdir()) == []
    (finding,) = result.residual
    assert (finding.column, finding.entity_type, finding.count) == ("src", "PHONE_NUMBER", 1)
    assert "5550123" not in finding.masked_sample and "5550123" not in str(result)
    assert result.blocked_reasons[0].startswith("column 'src': 1 PHONE_NUMBER value(s) in clear")


def test_a_file_holding_other_rows_than_written_is_not_published(
    cdr_csv: Path, tmp_path: Path, key, monkeypatch
):
    """A writer that loses a batch (simulated) is caught by the footer check: no file is left."""
    real = redaction.delivery.open_writer

    @contextlib.contextmanager
    def lossy(path, plan, fmt, schema=None):
        with real(path, plan, fmt, schema) as write:
            lost = []

            def write_all_but_one(batch):
                if lost or not batch.num_rows:
                    write(batch)
                else:
                    lost.append(batch.num_rows)

            yield write_all_but_one

    monkeypatch.setattr(redaction.delivery, "open_writer", lossy)
    out = tmp_path / "out"
    with pytest.raises(
        OutputWriteError, match=r"2 rows were written to cdr-quality\.parquet but the file holds 1"
    ):
        deliver(_plan(key), [cdr_csv], out, batch_size=1)
    assert list(out.iterdir()) == []


def test_verify_output_on_a_hand_written_file(tmp_path: Path, key):
    """A file with a raw phone where the plan pseudonymizes is reported; a clean one is not."""
    plan = build_plan(cdr_decision(row_filters=False), CDR_SCHEMA, key)
    row = {"accountcode": "ACCT_0123456789abcdef", "src": "+1 514 555 0123",
           "dst": "5145550100", "clid": "", "start": "2026-01-05 13:00:00",
           "src_ip": "203.0.113.0", "consent": "y", "duration": "3"}  # fmt: skip
    path = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pylist([row], schema=plan.output_schema), path)
    (finding,) = verify_output(path, plan)
    assert (finding.column, finding.entity_type) == ("src", "PHONE_NUMBER")
    row["src"] = "PHONE_0123456789abcdef"
    pq.write_table(pa.Table.from_pylist([row], schema=plan.output_schema), path)
    assert verify_output(path, plan) == ()


def test_csv_output_and_parts(cdr_csv: Path, tmp_path: Path, key):
    """CSV is written and verified too; parts combine into one result."""
    parts = [deliver(_plan(key), [cdr_csv], tmp_path / "o", fmt="csv", part=i) for i in (0, 1)]
    assert [Path(p.output_path).name for p in parts] == [
        "cdr-quality-part0000.csv",
        "cdr-quality-part0001.csv",
    ]
    strings = pacsv.ConvertOptions(column_types={"start": pa.string()})
    table = pacsv.read_csv(parts[0].output_path, convert_options=strings)
    assert table.column("start").to_pylist() == ["2026-01-05 13:00:00", "2026-01-06 01:00:00"]
    combined = combine_results(parts)
    assert combined.rows_in == 6 and combined.output_path == str(tmp_path / "o")
    assert combined.outcome is DeliveryOutcome.DELIVERED and len(combined.output_sha256) == 64


def test_key_never_appears_in_output_or_results(cdr_csv: Path, tmp_path: Path, key):
    """Neither the key text nor its sub-keys show in the output, result or plan repr."""
    plan = _plan(key)
    result = deliver(plan, [cdr_csv], tmp_path / "out")
    data = Path(result.output_path).read_bytes()
    for secret in (KEY_TEXT.encode(), key.derive("pseudonymize"), key.derive("encrypt_fpe")):
        assert secret not in data
        assert secret.hex() not in repr(plan) and secret.hex() not in repr(result)
    assert KEY_TEXT not in repr(plan) + repr(result)
