"""Datasets and --out in object storage, end to end against a real S3-compatible server
(moto_server on loopback, the `s3` fixture): read with globs, profile, deliver from s3:// to a
local folder and to s3://, publish with a manifest, rerun, lineage names `s3://bucket`; no
credential in reports, logs, manifests or lineage."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

import storage
import synthetic
from flows.exit_codes import ExitCode
from redaction.object_publishing import published_objects, read_manifest

CDR_ONLY = """\
policy: voipms
datasets:
  - {{name: cdr, kind: cdr, path: {url}}}
deliveries:
  - name: cdr-quality
    dataset: cdr
    recipient: acme-analytics
    recipient_class: analytics_vendor
    purpose: service_quality
key: {{env: TELEPRIVACY_KEY}}
"""


@pytest.fixture()
def cdr_in_s3(s3, tmp_path: Path) -> Path:
    """60 generated call records in two objects under raw/cdr/, and a configuration reading
    them with a glob (beside a local copy nobody reads)."""
    data = tmp_path / "local-cdr"
    synthetic.generate("cdr", 60, data, seed=11)
    text = (data / "cdr.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    s3.put("raw/cdr/day-1.csv", "".join(text[:31]).encode())
    s3.put("raw/cdr/day-2.csv", "".join(text[:1] + text[31:]).encode())
    s3.put("raw/cdr/notes.txt", b"not a dataset file")
    config = tmp_path / "cdr.yaml"
    config.write_text(CDR_ONLY.format(url=s3.url("raw/cdr/*.csv")), encoding="utf-8")
    return config


def _no_secret(s3, *texts: str) -> None:
    for text in texts:
        assert not any(secret in text for secret in s3.secrets)


def test_scan_reads_a_glob_of_objects(s3, cdr_in_s3: Path, capsys) -> None:
    """`teleprivacy scan s3://…/*.csv --json` expands the glob in the store and profiles every
    object: the files are the URLs, 60 rows in all."""
    from flows.cli import main

    code = main(["scan", s3.url("raw/cdr/*.csv"), "--kind", "cdr", "--json"])
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.err
    body = json.loads(out.out)
    assert [f["path"] for f in body["files"]] == [s3.url("raw/cdr/day-1.csv"),
                                                   s3.url("raw/cdr/day-2.csv")]  # fmt: skip
    assert body["rows_read"] == 60
    _no_secret(s3, out.out, out.err)


def test_check_reads_datasets_in_object_storage(s3, cdr_in_s3: Path, capsys) -> None:
    """`teleprivacy check` takes its head sample from the objects and prints the table."""
    from flows.cli import main

    code = main(["check", str(cdr_in_s3)])
    out = capsys.readouterr()
    assert code == ExitCode.OK, out.err
    assert "cdr-quality" in out.out and "cdr: 60 rows" in out.out
    _no_secret(s3, out.out, out.err)


def test_a_missing_object_prefix_is_one_line_exit_2(s3, tmp_path: Path, capsys) -> None:
    """A glob that matches no object stops the run before any flow, naming the URL."""
    from flows.cli import main

    config = tmp_path / "none.yaml"
    config.write_text(CDR_ONLY.format(url=s3.url("raw/none/*.csv")), encoding="utf-8")
    code = main(["check", str(config)])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.strip() == (
        f"teleprivacy: error: dataset 'cdr': no object matches {s3.url('raw/none/*.csv')}; "
        "check the URL, and that the store's credentials may list that prefix"
    )


@pytest.mark.slow
def test_deliver_from_s3_to_a_local_folder(
    prefect_harness, demo_key, s3, cdr_in_s3: Path, tmp_path: Path, caplog
) -> None:
    """Objects in, a local delivery out: one part per object, the report lists the URLs, and
    the local publishing protocol is unchanged."""
    from flows.pipeline import pipeline_flow

    caplog.set_level(logging.INFO)
    out = tmp_path / "out"
    outcome = pipeline_flow(str(cdr_in_s3), str(out))
    assert outcome.exit_code is ExitCode.OK, outcome.errors
    parts = sorted(p.name for p in (out / "deliveries" / "cdr-quality").glob("*.parquet"))
    assert parts == ["cdr-quality-part0000.parquet", "cdr-quality-part0001.parquet"]
    report = (out / "reports" / "report.json").read_text(encoding="utf-8")
    (dataset,) = json.loads(report)["datasets"]
    assert dataset["paths"] == [s3.url("raw/cdr/day-1.csv"), s3.url("raw/cdr/day-2.csv")]
    _no_secret(s3, report, caplog.text)


@pytest.mark.slow
def test_three_datasets_from_s3_to_s3_with_lineage_and_a_converging_rerun(
    prefect_harness, demo_key, s3, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """The demo's CDR, billing and tickets read from s3://, delivered to s3://: each delivered
    delivery is a manifest listing its parts (readers see nothing else), the reports are
    uploaded, the history stays local; lineage names `s3://bucket` for inputs and outputs; a
    rerun publishes the same bytes and leaves no orphan; no credential anywhere."""
    from flows.commands import DEMO_CONFIG
    from flows.pipeline import pipeline_flow

    caplog.set_level(logging.INFO)
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    for kind, suffix in (("cdr", "csv"), ("billing", "csv"), ("tickets", "jsonl")):
        synthetic.generate(kind, 120, tmp_path / "data" / kind, seed=3)
        s3.put(f"raw/{kind}/{kind}.{suffix}", tmp_path / "data" / kind / f"{kind}.{suffix}")
        url = s3.url(f"raw/{kind}/*.{suffix}")
        text = text.replace(f"path: data/{kind}/{kind}.{suffix}", f"path: {url}")
    config = tmp_path / "demo.yaml"
    config.write_text(text, encoding="utf-8")
    events = tmp_path / "lineage.jsonl"
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__TYPE", "file")
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__LOG_FILE_PATH", str(events))
    monkeypatch.setenv("OPENLINEAGE__TRANSPORT__APPEND", "true")
    out = storage.as_location(s3.url("out"))

    first = pipeline_flow(str(config), str(out))
    assert first.exit_code is ExitCode.BLOCKED and not first.errors  # the demo's two denials
    assert set(first.denied) == {"billing-marketing", "cdr-warrant"}
    assert str(first.report_json) == s3.url("out/reports/report.json")
    report = json.loads(s3.get("out/reports/report.json"))
    delivered = sorted(d["name"] for d in report["deliveries"] if d["status"] == "delivered")
    assert delivered == ["billing-debt", "billing-partner-offers", "billing-quality",
                         "cdr-quality", "tickets-complaints"]  # fmt: skip
    digests = {}
    for d in report["deliveries"]:
        target = out / "deliveries" / d["name"]
        body = read_manifest(target)
        if d["status"] != "delivered":
            assert body is None and published_objects(target) == []
            continue
        assert body["output_sha256"] == d["output_sha256"]
        assert len(published_objects(target)) == len(body["parts"]) >= 1
        digests[d["name"]] = d["output_sha256"]
    assert (tmp_path / "reports" / "history.sqlite").is_file()  # `history:` of the config

    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    by_job: dict[str, list[str]] = {}
    for event in lines:
        by_job.setdefault(event["job"]["name"], []).append(event["eventType"])
        for dataset in event.get("inputs", []) + event.get("outputs", []):
            assert dataset["namespace"] == f"s3://{s3.name}"
    assert all(kinds[0] == "START" for kinds in by_job.values())
    assert by_job["delivery.cdr-quality"] == ["START", "COMPLETE"]
    complete = next(e for e in lines if e["job"]["name"] == "delivery.cdr-quality"
                    and e["eventType"] == "COMPLETE")  # fmt: skip
    assert complete["inputs"][0]["name"] == "raw/cdr/*.csv"
    assert complete["outputs"][0]["name"] == "out/deliveries/cdr-quality"

    objects = [k for k in s3.keys("out/") if not k.endswith("/")]
    second = pipeline_flow(str(config), str(out))
    assert second.exit_code is ExitCode.BLOCKED and not second.errors
    rerun = json.loads(s3.get("out/reports/report.json"))
    assert {d["name"]: d["output_sha256"] for d in rerun["deliveries"]
            if d["status"] == "delivered"} == digests  # fmt: skip
    after = [k for k in s3.keys("out/") if not k.endswith("/")]
    assert len(after) == len(objects)  # the earlier run's objects replaced, none left over

    html = s3.get("out/reports/report.html").decode()
    manifests = [s3.get(k).decode() for k in after if k.endswith("_manifest.json")]
    _no_secret(s3, json.dumps(report), html, events.read_text(encoding="utf-8"), caplog.text,
               *manifests)  # fmt: skip


def test_an_out_bucket_that_cannot_be_written_is_one_line_before_any_flow(
    s3, demo_key, cdr_in_s3: Path, capsys
) -> None:
    """`--out s3://<missing bucket>/…`: the write probe fails before Prefect starts, exit 2,
    one line naming the URL and where credentials come from, none of them in it."""
    from flows.cli import main

    code = main(["run", str(cdr_in_s3), "--out", "s3://no-such-bucket-teleprivacy/out"])
    err = capsys.readouterr().err
    assert code == ExitCode.BAD_INPUT
    assert err.startswith("teleprivacy: error: s3://no-such-bucket-teleprivacy/out/")
    assert "cannot write" in err and "AWS_ENDPOINT_URL" in err and len(err.splitlines()) == 1
    _no_secret(s3, err)
