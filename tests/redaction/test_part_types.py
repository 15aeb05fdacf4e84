"""Every part of a Parquet delivery gets one schema (`redaction.settle_types`)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from conftest import CDR_SCHEMA, F, cdr_decision

from detectors.reading import file_sha256
from policy.decisions import Verdict
from redaction import build_plan, deliver, settle_types, verify_output
from redaction.results import DeliveryOutcome

HEADER = "accountcode,src,dst,clid,start,src_ip,consent,duration,rate\n"
SCHEMA = CDR_SCHEMA.append(pa.field("rate", pa.string()))


def _rows(durations: list[str], rates: list[str]) -> str:
    return HEADER + "".join(
        f"ACCT-{i:06d},1514555{i:04d},5145550100,,2026-01-05 13:{i % 60:02d}:07,"
        f"203.0.113.{i},yes,{d},{r}\n"
        for i, (d, r) in enumerate(zip(durations, rates, strict=True))
    )


def _plan(key):
    decision = cdr_decision(
        clid=F("clid", Verdict.DROP, "contact.phone", (), "drop"),
        rate=F("rate", Verdict.ALLOW, None, (), None),
    )
    return build_plan(decision, SCHEMA, key)


def _parts(tmp_path: Path, key, files: list[str], manifests: Path | None = None):
    plan = _plan(key)
    out = tmp_path / "stage"
    results = []
    for part, text in enumerate(files):
        source = tmp_path / f"in-{part}.csv"
        source.write_text(text, encoding="utf-8")
        results.append(
            deliver(plan, [source], out, part=part, manifest_dir=manifests, reuse_tag="t")
        )
    assert all(r.outcome is DeliveryOutcome.DELIVERED for r in results)
    return plan, results


def _parquet(path: Path, durations: pa.Array) -> Path:
    """Two rows of the CDR as a Parquet input (all text), with `durations`."""
    source = path.with_suffix(".csv")
    source.write_text(_rows(["1", "2"], ["0.5", "1.5"]), encoding="utf-8")
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(SCHEMA.names, pa.string()),
                                   strings_can_be_null=False)  # fmt: skip
    table = pacsv.read_csv(source, convert_options=options)
    table = table.set_column(SCHEMA.names.index("duration"), "duration", durations)
    pq.write_table(table, path)
    return path


def _types(results) -> list[dict[str, pa.DataType]]:
    return [{f.name: f.type for f in pq.read_schema(r.output_path)} for r in results]


def test_a_part_that_kept_text_makes_the_column_text_everywhere(tmp_path: Path, key):
    """Part 0's durations are integers, part 1 holds `0042`: both deliver the column as the
    text it was, so one scan of the folder reads one type and no value changes."""
    plan, parts = _parts(tmp_path, key, [
        _rows(["61", "7"], ["0.0250", "1.5000"]),
        _rows(["0042", "3"], ["0.0100", "2.0000"]),
    ])  # fmt: skip
    assert _types(parts)[0]["duration"] == pa.int64()
    assert _types(parts)[1]["duration"] == pa.string()
    settled = settle_types(parts, plan)
    types = _types(settled)
    assert types[0] == types[1]
    assert types[0]["duration"] == pa.string()
    assert types[0]["rate"] == pa.decimal128(18, 4)  # the parts agreed on it: still typed
    durations = [v for r in settled for v in pq.read_table(r.output_path)["duration"].to_pylist()]
    assert durations == ["61", "7", "0042", "3"]
    for r in settled:  # the digests are those of the files now staged
        assert r.output_sha256 == file_sha256(r.output_path)
        assert verify_output(Path(r.output_path), plan) == ()
    stated = {f.field: f.output_type for f in settled[0].schema}
    assert stated["duration"] == "string" and stated["rate"] == "decimal128(18, 4)"
    assert stated["start"] == "timestamp[ms]"  # what a reader gets, not the plan's text
    assert stated["clid"] == "dropped"
    # the whole folder reads as one dataset
    assert pq.read_table(tmp_path / "stage").num_rows == 4


def test_decimals_of_one_scale_take_the_widest_precision(tmp_path: Path, key):
    plan, parts = _parts(tmp_path, key, [
        _rows(["1", "2"], ["1.5", "2.5"]),
        _rows(["3", "4"], ["12345678901234567890.5", "0.5"]),
    ])  # fmt: skip
    settled = settle_types(parts, plan)
    assert {t["rate"] for t in _types(settled)} == {pa.decimal128(38, 1)}
    rates = [str(v) for r in settled for v in pq.read_table(r.output_path)["rate"].to_pylist()]
    assert rates == ["1.5", "2.5", "12345678901234567890.5", "0.5"]


def test_a_part_with_only_nulls_takes_the_others_type(tmp_path: Path, key):
    """An all-null column says nothing about its type: it takes the other parts' one."""
    plan = _plan(key)
    out = tmp_path / "stage"
    typed = tmp_path / "a.csv"
    typed.write_text(_rows(["61", "7"], ["0.5", "1.5"]), encoding="utf-8")
    empty = _parquet(tmp_path / "b.parquet", pa.nulls(2, pa.string()))
    parts = [deliver(plan, [typed], out, part=0), deliver(plan, [empty], out, part=1)]
    assert _types(parts)[1]["duration"] == pa.string()
    settled = settle_types(parts, plan)
    assert {t["duration"] for t in _types(settled)} == {pa.int64()}
    durations = [v for r in settled for v in pq.read_table(r.output_path)["duration"].to_pylist()]
    assert durations == [61, 7, None, None]


def test_empty_strings_beside_nulls_across_parts_stay_text(tmp_path: Path, key):
    """Part 0 stores its empty strings as nulls, part 1 has real nulls: one typed column could
    not tell them apart, so both parts deliver the text, empty strings and nulls as they were."""
    plan = _plan(key)
    out = tmp_path / "stage"
    blanks = tmp_path / "a.csv"
    blanks.write_text(_rows(["61", ""], ["0.5", "1.5"]), encoding="utf-8")
    nulls = _parquet(tmp_path / "b.parquet", pa.array(["5", None]))
    parts = [deliver(plan, [blanks], out, part=0), deliver(plan, [nulls], out, part=1)]
    assert _types(parts)[0]["duration"] == _types(parts)[1]["duration"] == pa.int64()
    settled = settle_types(parts, plan)
    assert {t["duration"] for t in _types(settled)} == {pa.string()}
    durations = [v for r in settled for v in pq.read_table(r.output_path)["duration"].to_pylist()]
    assert durations == ["61", "", "5", None]


def test_a_rewritten_part_is_still_reused_by_the_next_run(tmp_path: Path, key):
    """Its manifest is restamped with the new digest: an unchanged rerun reuses it."""
    manifests = tmp_path / "manifests"
    files = [_rows(["61", "7"], ["0.5", "1.5"]), _rows(["0042", "3"], ["0.5", "1.5"])]
    plan, parts = _parts(tmp_path, key, files, manifests)
    settled = settle_types(parts, plan, manifests)
    assert settled[0].output_sha256 != parts[0].output_sha256  # part 0 was rewritten
    again = deliver(plan, [tmp_path / "in-0.csv"], tmp_path / "stage", part=0,
                    manifest_dir=manifests, reuse_tag="t")  # fmt: skip
    assert again.output_sha256 == settled[0].output_sha256
    assert _types([again])[0]["duration"] == pa.string()  # the settled file, not a new one


def test_csv_parts_are_left_as_they_are(tmp_path: Path, key):
    plan = _plan(key)
    source = tmp_path / "a.csv"
    source.write_text(_rows(["1"], ["0.5"]), encoding="utf-8")
    part = deliver(plan, [source], tmp_path / "stage", fmt="csv", part=0)
    assert settle_types([part], plan) == [part]


@pytest.mark.parametrize("count", [1])
def test_a_single_part_states_the_types_a_reader_gets(tmp_path: Path, key, count):
    plan, parts = _parts(tmp_path, key, [_rows(["61"], ["0.5"])] * count)
    (settled,) = settle_types(parts, plan)
    assert settled.output_sha256 == parts[0].output_sha256  # nothing to rewrite
    assert {f.field: f.output_type for f in settled.schema}["duration"] == "int64"


def test_empty_strings_in_one_part_and_no_nulls_in_the_other_stay_typed(tmp_path: Path, key):
    """Part 0's nulls stand for empty strings and part 1 has no nulls: both say so, typed."""
    plan, parts = _parts(tmp_path, key, [
        _rows(["61", ""], ["0.5", "1.5"]), _rows(["5", "6"], ["0.5", "1.5"]),
    ])  # fmt: skip
    settled = settle_types(parts, plan)
    assert {t["duration"] for t in _types(settled)} == {pa.int64()}
    for r in settled:
        assert pq.read_schema(r.output_path).field("duration").metadata[
            b"teleprivacy.empty_as_null"] == b"true"  # fmt: skip
    assert verify_output(Path(settled[1].output_path), plan) == ()
