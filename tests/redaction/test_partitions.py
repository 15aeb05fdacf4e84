"""Hive-style partitions of a delivery (`partition_by`, `redaction.partitions`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import CDR_SCHEMA, F, cdr_decision

from policy.decisions import Verdict
from redaction import build_plan, deliver, partition, partition_keys, settle_types
from redaction import partitions as partitions_module
from redaction.errors import PartitionError
from redaction.publish import folder_sha256, publishing
from redaction.results import DeliveryOutcome

NAME = "cdr-quality"
HEADER = "accountcode,src,dst,clid,start,src_ip,consent,duration\n"


def _cdr(path: Path, rows: int, first_day: int = 1) -> Path:
    """`rows` calls spread over four days of January 2026 from `first_day`."""
    path.write_text(HEADER + "".join(
        f"ACCT-{i:06d},1514555{i % 100:04d},5145550100,,"
        f"2026-01-{first_day + i % 4:02d} {i % 24:02d}:{i % 60:02d}:07,203.0.113.{i % 250},"
        f"yes,{i * 7}\n"
        for i in range(rows)
    ), encoding="utf-8")  # fmt: skip
    return path


def _plan(key, **override):
    return build_plan(cdr_decision(row_filters=False, **override), CDR_SCHEMA, key)


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["day"], [("day", "start", True)]),  # the delivered time column
        (["month(start)"], [("month", "start", True)]),
        (["consent"], [("consent", "consent", False)]),  # no personal data in it
        (["day", "consent"], [("day", "start", True), ("consent", "consent", False)]),
    ],
)
def test_keys_read_a_time_column_or_a_column_without_personal_data(key, entries, expected):
    keys = partition_keys(entries, _plan(key))
    assert [(k.key, k.column, k.time) for k in keys] == expected


@pytest.mark.parametrize(
    ("entries", "override", "says"),
    [
        (["src"], {}, "personal data"),  # tokens or numbers in folder names: never
        (["day(src_ip)"], {}, "not a delivered time column"),
        (["nosuch"], {}, "not a delivered column"),
        (["day", "day"], {}, "twice"),
        # the time column is not delivered: its days would tell what was left out
        (["day"], {"start": F("start", Verdict.DROP, "call_records.time", (), "drop")},
         "no delivered time column"),
    ],
)  # fmt: skip
def test_keys_that_cannot_be_folder_names_are_refused(key, entries, override, says):
    with pytest.raises(PartitionError, match=says) as raised:
        partition_keys(entries, _plan(key, **override))
    assert NAME in str(raised.value)


def _staged(tmp_path: Path, key, fmt: str = "parquet", entries=("day",), files: int = 2):
    plan = _plan(key)
    inputs = [_cdr(tmp_path / f"in-{i}.csv", 300, first_day=1 + i) for i in range(files)]
    out = tmp_path / "out"
    with publishing(out / "deliveries", NAME) as stage:
        parts = [
            deliver(plan, [p], stage.folder, fmt=fmt, part=i, batch_size=64)
            for i, p in enumerate(inputs)
        ]
        plain = pa.concat_tables(
            pq.read_table(p.output_path) if fmt == "parquet" else ds.dataset(
                p.output_path, format="csv").to_table()
            for p in parts
        )  # fmt: skip
        laid = partition(settle_types(parts, plan), plan, partition_keys(entries, plan), fmt,
                         stage.folder)  # fmt: skip
        result = stage.settle(laid)
    return plan, plain, laid, result, out / "deliveries" / NAME


def test_a_delivery_is_published_as_day_folders(tmp_path: Path, key):
    """One folder per day of `start`, every row once, the values unchanged, the digest that of
    the folder, and DuckDB reads the day back from the folder names."""
    _, plain, laid, result, target = _staged(tmp_path, key)
    assert result.outcome is DeliveryOutcome.DELIVERED
    days = sorted(p.name for p in target.iterdir())
    assert days == [f"day=2026-01-0{d}" for d in range(1, 6)]
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.parquet"))
    assert len(files) == len(laid) and all(f.count("/") == 1 for f in files)
    assert result.rows_out == plain.num_rows == sum(p.rows_out for p in laid) == 600
    assert result.rows_in == 600 and result.rows_balanced
    assert result.output_sha256 == folder_sha256(target)
    back = ds.dataset(target, format="parquet", partitioning="hive").to_table()
    assert back.schema.field("start").type == pa.timestamp("ms")  # typed in every folder
    assert "day" in back.schema.names
    key_columns = [n for n in plain.schema.names if n != "day"]
    assert sorted(back.select(key_columns).to_pylist(), key=repr) == sorted(
        plain.select(key_columns).to_pylist(), key=repr
    )
    for row in back.select(["start", "day"]).to_pylist():
        assert str(row["day"]) == row["start"].strftime("%Y-%m-%d")
    glob = f"{target}/**/*.parquet"
    counts = duckdb.connect().sql(
        f"SELECT day, count(*) AS n FROM read_parquet('{glob}', hive_partitioning = true) "
        "GROUP BY day ORDER BY day"
    ).fetchall()
    assert [n for _, n in counts] == [75, 150, 150, 150, 75]


def test_csv_deliveries_partition_the_same_way(tmp_path: Path, key):
    _, plain, _, result, target = _staged(tmp_path, key, fmt="csv", files=1)
    assert result.outcome is DeliveryOutcome.DELIVERED
    assert sorted(p.name for p in target.iterdir()) == [f"day=2026-01-0{d}" for d in range(1, 5)]
    back = ds.dataset(target, format="csv", partitioning="hive").to_table()
    assert back.num_rows == plain.num_rows == 300


def test_a_column_key_leaves_the_column_to_the_folder_names(tmp_path: Path, key):
    *_, target = _staged(tmp_path, key, entries=("consent",), files=1)
    assert [p.name for p in target.iterdir()] == ["consent=yes"]
    (file,) = target.rglob("*.parquet")
    assert "consent" not in pq.read_schema(file).names  # Hive: the value is in the path


def test_too_many_folders_are_refused_before_publishing(tmp_path: Path, key, monkeypatch):
    monkeypatch.setattr(partitions_module, "MAX_PARTITIONS", 3)
    with pytest.raises(PartitionError, match="more than 3 folders"):
        _staged(tmp_path, key, files=1)
    assert not (tmp_path / "out" / "deliveries" / NAME).exists()


def test_a_zoned_time_falls_in_the_folder_of_its_local_day():
    """23:30 in Montreal is 04:30 UTC the next day: the folder is Montreal's day."""
    instants = pa.array([datetime(2026, 11, 6, 4, 30, tzinfo=UTC), None],
                        pa.timestamp("us", tz="America/Montreal"))  # fmt: skip
    days = partitions_module._time_prefix(instants, partitions_module.TIME_KEYS["day"])
    assert days.to_pylist() == ["2026-11-05", None]
    text = pa.array(["2026-11-05 23:30:00", "n/a"])
    assert partitions_module._time_prefix(text, 7).to_pylist() == ["2026-11", None]
