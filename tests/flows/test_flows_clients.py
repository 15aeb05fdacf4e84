"""Real clients of the demo's deliveries: DuckDB joins two of them on phone tokens, pandas and
polars read the Parquet parts, every delivered column is what its data dictionary says, and
`teleprivacy describe` prints the dictionary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from jsonschema import Draft202012Validator

import detectors
from flows.cli import main
from flows.exit_codes import ExitCode
from redaction.dictionary import DESCRIPTION_KEY, DICTIONARY_FILE, README_FILE, dictionary_schema
from redaction.operators.pseudonymize import normalise_phone

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"
TOKEN = re.compile(r"^PHONE_[0-9a-f]{16}$")


@pytest.fixture(scope="module")
def deliveries(prefect_harness, demo_workspace: Path, tmp_path_factory) -> Path:
    """The demo configuration run once by the pipeline flow; its deliveries folder."""
    from flows.pipeline import pipeline_flow

    out = tmp_path_factory.mktemp("clients-out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TELEPRIVACY_KEY", "clients-key-0123456789abcdef0123456789abcdef")
        pipeline_flow(str(demo_workspace / "demo.yaml"), str(out))
    return out / "deliveries"


def _dictionaries(deliveries: Path) -> dict[str, dict]:
    return {
        folder.name: json.loads((folder / DICTIONARY_FILE).read_text(encoding="utf-8"))
        for folder in sorted(deliveries.iterdir())
        if not folder.name.startswith(".")
    }


def _files(folder: Path) -> list[Path]:
    """The data files of a delivery: in its folder, or in its partition folders."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("_"))


def _parts(folder: Path, body: dict) -> list[Path]:
    """The Parquet parts in the order the dictionary lists them."""
    return [folder / p["file"] for p in body["parts"]]


def test_every_delivery_ships_a_dictionary_that_matches_its_schema(deliveries: Path):
    """Each published delivery has `_dictionary.json` (valid against the shipped schema) and
    `_README.md`, and the dictionary lists exactly the parts in the folder."""
    dictionaries = _dictionaries(deliveries)
    assert {"cdr-quality", "billing-quality", "billing-debt", "tickets-complaints"} <= set(
        dictionaries
    )
    validator = Draft202012Validator(dictionary_schema())
    for name, body in dictionaries.items():
        validator.validate(body)
        folder = deliveries / name
        assert (folder / README_FILE).is_file()
        parts = sorted(p.relative_to(folder).as_posix() for p in _files(folder))
        assert sorted(p["file"] for p in body["parts"]) == parts, name


def test_parquet_columns_have_the_type_and_description_their_dictionary_states(deliveries: Path):
    """Every delivered Parquet column: the Arrow type and the field `description` the dictionary
    gives it, in the dictionary's order; row counts as the dictionary says."""
    checked = 0
    for name, body in _dictionaries(deliveries).items():
        if body["format"] != "parquet":
            continue
        for part, listed in zip(_parts(deliveries / name, body), body["parts"], strict=True):
            schema = pq.read_schema(part)
            assert schema.names == [c["name"] for c in body["columns"]], name
            for column in body["columns"]:
                field = schema.field(column["name"])
                assert str(field.type) == column["arrow_type"], (name, column["name"])
                assert field.metadata[DESCRIPTION_KEY].decode() == column["description"]
                checked += 1
            assert pq.read_metadata(part).num_rows == listed["rows"]
    assert checked >= 20


def test_duckdb_joins_cdr_and_billing_on_phone_tokens(deliveries: Path, demo_workspace: Path):
    """Tokens of one recipient join across its deliveries: the billing numbers whose raw form
    appears as a CDR caller join through their tokens, no more and no fewer."""
    import duckdb

    dictionaries = _dictionaries(deliveries)
    for name, column in (("cdr-quality", "src"), ("billing-quality", "phone")):
        entry = next(c for c in dictionaries[name]["columns"] if c["name"] == column)
        assert (entry["token_format"], entry["join_scope"]) == ("PHONE_<16 hex>", "recipient")
    cdr = str(deliveries / "cdr-quality" / "**" / "*.parquet")  # partitioned by day
    billing = str(deliveries / "billing-quality" / "*.parquet")
    con = duckdb.connect()
    joined = con.execute(
        "SELECT count(DISTINCT b.phone) FROM read_parquet(?) b "
        "JOIN read_parquet(?) c ON b.phone = c.src",
        [billing, cdr],
    ).fetchone()[0]
    tokens = [t for (t,) in con.execute("SELECT DISTINCT phone FROM read_parquet(?)", [billing])
              .fetchall() if t]  # fmt: skip
    assert tokens and all(TOKEN.match(t) for t in tokens)
    raw_billing = _normalised(demo_workspace / "data/billing/billing.csv", "phone")
    raw_callers = _normalised(demo_workspace / "data/cdr/cdr.csv", "src")
    assert joined == len(raw_billing & raw_callers) > 0


def _normalised(path: Path, column: str) -> set[str]:
    """A column's numbers as pseudonymize normalises them before hashing (E.164)."""
    values: set[str] = set()
    for batch in detectors.read_batches(path, columns=[column]):
        values.update(normalise_phone(v) for v in batch.column(0).to_pylist() if v)
    return values


def test_the_readme_join_query_runs(deliveries: Path):
    """The three-line DuckDB query in README.md runs on the demo's deliveries and finds calls."""
    import duckdb

    query = re.search(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    assert len(query.strip().splitlines()) == 3
    rows = duckdb.sql(query.replace("out/demo/deliveries", str(deliveries))).fetchall()
    assert rows and sum(calls for _, calls in rows) > 0


def test_pandas_and_polars_read_the_parts(deliveries: Path):
    """pandas reads each part and the folder as a whole (the dictionary's `_` names are skipped);
    polars reads each part; both see the dictionary's columns and rows."""
    import pandas as pd
    import polars as pl

    for name, body in _dictionaries(deliveries).items():
        if body["format"] != "parquet":
            continue
        columns = [c["name"] for c in body["columns"]]
        keys = [p["key"] for p in body["partitions"]]  # read back from the folder names
        whole = pd.read_parquet(deliveries / name)
        assert list(whole.columns) == columns + keys
        assert len(whole) == body["rows"]["delivered"]
        for part, listed in zip(_parts(deliveries / name, body), body["parts"], strict=True):
            frame = pl.read_parquet(part)
            assert frame.columns == columns and frame.height == listed["rows"]
            assert list(pd.read_parquet(part).columns) == columns


def test_describe_prints_the_dictionary(deliveries: Path, capsys):
    """`describe` prints a table with every column; `--json` prints the file's content."""
    folder = deliveries / "cdr-quality"
    body = json.loads((folder / DICTIONARY_FILE).read_text(encoding="utf-8"))
    assert main(["describe", str(folder)]) == ExitCode.OK
    table = capsys.readouterr().out
    for column in body["columns"]:
        assert re.search(rf"^{re.escape(column['name'])}\s+{re.escape(column['arrow_type'])}\s",
                         table, re.M), column["name"]  # fmt: skip
    assert main(["describe", str(folder), "--json"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == body


def test_describe_without_a_dictionary_is_one_line(deliveries: Path, capsys):
    """The deliveries root is not a delivery: one line naming it, exit 2, no traceback."""
    assert main(["describe", str(deliveries)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    assert err == (
        f"teleprivacy: error: no data dictionary in {deliveries}: _dictionary.json is missing; "
        "give a delivery folder published by `teleprivacy run` (out/deliveries/<delivery>), or "
        "run the delivery again to write one\n"
    )


def test_duckdb_reads_typed_columns(deliveries: Path):
    """Kept numbers and times arrive typed: DuckDB sums durations and groups by day without a
    cast; tokens stay text."""
    import duckdb

    body = _dictionaries(deliveries)["cdr-quality"]
    cdr = pq.read_schema(_parts(deliveries / "cdr-quality", body)[0])
    types = {name: str(cdr.field(name).type) for name in cdr.names}
    assert types["duration"] == types["billsec"] == "int64"
    assert types["start"] == types["end"] == "timestamp[ms]"
    assert types["src"] == "string"
    glob = str(deliveries / "cdr-quality" / "**" / "*.parquet")
    rows = duckdb.execute(
        "SELECT date_trunc('day', start) AS on_day, sum(billsec) FROM read_parquet(?) "
        "GROUP BY on_day ORDER BY on_day",
        [glob],
    ).fetchall()
    assert rows and all(isinstance(total, int) for _, total in rows)


def test_the_cdr_delivery_is_laid_out_by_day(deliveries: Path):
    """`partition_by: [day]` in the demo: one Hive folder per day of the (generalized) start,
    every row in the folder of its day, and DuckDB prunes by it without reading the others."""
    import duckdb

    folder = deliveries / "cdr-quality"
    body = _dictionaries(deliveries)["cdr-quality"]
    assert [(p["key"], p["column"]) for p in body["partitions"]] == [("day", "start")]
    days = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert days and all(re.fullmatch(r"day=\d{4}-\d{2}-\d{2}", d) for d in days)
    glob = str(folder / "**" / "*.parquet")
    con = duckdb.connect()
    mismatched = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) "
        "WHERE CAST(day AS DATE) <> CAST(start AS DATE)",
        [glob],
    ).fetchone()[0]
    assert mismatched == 0
    first = days[0].split("=")[1]
    one_day = con.execute(
        "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) WHERE day = ?",
        [glob, first],
    ).fetchone()[0]
    in_folder = sum(pq.read_metadata(p).num_rows for p in (folder / days[0]).glob("*.parquet"))
    assert one_day == in_folder > 0


def test_verify_checks_a_whole_delivery_folder(deliveries: Path, capsys):
    """`teleprivacy verify` on a delivery folder reads every file of its day folders; with the
    folder's dictionary a generalized column's own entity (a /24 network) is not a finding, but
    contact details delivered in clear by consent still are (exit 3)."""
    assert main(["verify", str(deliveries / "cdr-quality")]) == ExitCode.OK
    out = capsys.readouterr().out
    rows = _dictionaries(deliveries)["cdr-quality"]["rows"]["delivered"]
    assert f"No personal data found in clear ({rows:,} rows, every cell)." in out
    assert main(["verify", str(deliveries / "billing-partner-offers")]) == ExitCode.BLOCKED
    assert "email" in capsys.readouterr().out
    assert main(["verify", str(deliveries.parent / "reports")]) == ExitCode.BAD_INPUT
    assert "no data files" in capsys.readouterr().err
