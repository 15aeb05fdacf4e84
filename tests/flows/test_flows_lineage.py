"""OpenLineage from the flows: off unless configured, file and HTTP transports, failures only
warn. The events themselves are tested in tests/reports/test_report_lineage.py."""

from __future__ import annotations

import csv
import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import detectors
import policy
import synthetic
from flows.exit_codes import ExitCode
from flows.lineage import Lineage, lineage_configured

FLOW_RUN = "0190b7a0-1d2c-7c3e-8f00-0123456789ab"
CONFIG = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: data/cdr/*.csv}
deliveries:
  - name: cdr-quality
    dataset: cdr
    recipient: acme-analytics
    recipient_class: analytics_vendor
    purpose: service_quality
    fields: [accountcode, src, dst, duration, sip_uri, src_ip]
  - name: cdr-warrant
    dataset: cdr
    recipient: city-police
    recipient_class: law_enforcement
    purpose: legal_process
key: {env: TELEPRIVACY_KEY}
"""


@pytest.fixture()
def lineage_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No OpenLineage variable from outside; none left behind (the client adds some itself when
    OPENLINEAGE_URL is set)."""
    for name in [n for n in os.environ if n.startswith("OPENLINEAGE")]:
        monkeypatch.delenv(name)
    yield monkeypatch
    for name in [n for n in os.environ if n.startswith("OPENLINEAGE")]:
        del os.environ[name]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 generated call records beside a configuration of one allowed and one denied delivery."""
    root = tmp_path_factory.mktemp("lineage")
    synthetic.generate("cdr", 60, root / "data" / "cdr", seed=11)
    (root / "lineage.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def _input_cells(workspace: Path) -> set[str]:
    """Every distinct cell of the input (not its header) of 6 characters or more."""
    with (workspace / "data" / "cdr" / "cdr.csv").open(newline="", encoding="utf-8") as handle:
        _, *rows = csv.reader(handle)
    return {cell for row in rows for cell in row if len(cell) >= 6}


# --- off unless configured ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "files", "expected"),
    [
        ({}, (), False),  # nothing configured: off
        ({"OPENLINEAGE_URL": "http://127.0.0.1:5000"}, (), True),
        ({"OPENLINEAGE__TRANSPORT__TYPE": "console"}, (), True),
        ({"OPENLINEAGE_CONFIG": "/etc/ol/openlineage.yml"}, (), True),
        ({}, ("cwd/openlineage.yml",), True),  # the working folder's file
        ({}, ("home/.openlineage/openlineage.yml",), True),
        ({}, ("cwd/openlineage.yaml",), False),  # the client reads .yml only
        # OPENLINEAGE_DISABLED wins over any configuration, as in the client
        ({"OPENLINEAGE_URL": "http://x", "OPENLINEAGE_DISABLED": "true"}, (), False),
    ],
)
def test_lineage_is_configured_the_way_the_client_is(
    tmp_path: Path, environ: dict[str, str], files: tuple[str, ...], expected: bool
) -> None:
    """The variables and files openlineage-python reads, and nothing else, turn lineage on."""
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("transport: {type: console}\n", encoding="utf-8")
    (tmp_path / "cwd").mkdir(exist_ok=True)
    (tmp_path / "home").mkdir(exist_ok=True)
    assert lineage_configured(environ, tmp_path / "cwd", tmp_path / "home") is expected


def test_off_creates_no_client(monkeypatch: pytest.MonkeyPatch, workspace: Path) -> None:
    """Not configured: start/finish/close return at once and no client is ever made."""
    import openlineage.client

    def no_client(*args, **kwargs):
        raise AssertionError("an OpenLineage client was created while lineage is off")

    monkeypatch.setattr(openlineage.client, "OpenLineageClient", no_client)
    config = policy.load_config(workspace / "lineage.yaml")
    lineage = Lineage.for_run(config, workspace / "out", "pipeline", FLOW_RUN, environ={})
    assert not lineage.enabled
    decision = _decisions(workspace)["cdr-warrant"]
    lineage.start(decision, None)
    lineage.finish(decision, None)
    lineage.close()


# --- HTTP transport ------------------------------------------------------------------------------


class _Receiver(ThreadingHTTPServer):
    """An OpenLineage endpoint on loopback that keeps what it is sent."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.received: list[tuple[str, dict]] = []
        super().__init__(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, json.loads(body)))
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # quiet
        pass


class _Records(logging.Handler):
    """The records of one logger (Prefect may reconfigure the root logger, and caplog with it)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture()
def receiver() -> Iterator[_Receiver]:
    server = _Receiver()
    yield server
    server.stop()


def _decisions(workspace: Path) -> dict[str, policy.DeliveryDecision]:
    config = policy.load_config(workspace / "lineage.yaml")
    pack = policy.load_pack(config.policy_ref)
    profile = _profile(workspace)
    return {
        spec.name: policy.evaluate_delivery(pack, spec, profile.fields, "cdr")
        for spec in config.deliveries
    }


def _profile(workspace: Path) -> detectors.DatasetProfile:
    return detectors.profile_dataset("cdr", "cdr", [workspace / "data" / "cdr" / "cdr.csv"])


def test_http_transport_posts_start_and_end_to_a_receiver(
    lineage_env: pytest.MonkeyPatch, receiver: _Receiver, workspace: Path, tmp_path: Path
) -> None:
    """OPENLINEAGE_URL alone: each event is POSTed to <url>/api/v1/lineage as it happens."""
    lineage_env.setenv("OPENLINEAGE_URL", receiver.url)
    config = policy.load_config(workspace / "lineage.yaml")
    lineage = Lineage.for_run(config, tmp_path / "out", "pipeline", FLOW_RUN)
    decision = _decisions(workspace)["cdr-warrant"]
    lineage.start(decision, _profile(workspace))
    assert [e["eventType"] for _, e in receiver.received] == ["START"]
    lineage.finish(decision, None)
    lineage.close()
    assert [(p, e["eventType"]) for p, e in receiver.received] == [
        ("/api/v1/lineage", "START"),
        ("/api/v1/lineage", "FAIL"),
    ]
    start, end = (e for _, e in receiver.received)
    assert start["run"]["runId"] == end["run"]["runId"]
    assert end["run"]["facets"]["parent"]["run"]["runId"] == FLOW_RUN
    assert end["run"]["facets"]["teleprivacy_delivery"]["status"] == "denied"
    assert end["inputs"][0]["name"] == str(workspace / "data" / "cdr" / "*.csv")


def test_an_endpoint_that_fails_is_one_warning_per_event_without_values(
    lineage_env: pytest.MonkeyPatch, workspace: Path, tmp_path: Path
) -> None:
    """A receiver answering 500: nothing raises; each event is one warning naming the delivery
    and the error type, not the endpoint, its credentials or any value."""
    server = _Receiver(status=500)
    try:
        url = server.url.replace("http://", "http://user:s3cret@")
        lineage_env.setenv("OPENLINEAGE__TRANSPORT__TYPE", "http")
        lineage_env.setenv("OPENLINEAGE__TRANSPORT__URL", url)
        # no retries, and a 500 is raised as such (not retried into a RetryError)
        lineage_env.setenv("OPENLINEAGE__TRANSPORT__RETRY", '{"total": 0, "status_forcelist": []}')
        config = policy.load_config(workspace / "lineage.yaml")
        lineage = Lineage.for_run(config, tmp_path / "out", "pipeline", FLOW_RUN)
        decision = _decisions(workspace)["cdr-warrant"]
        records = _Records()
        logging.getLogger("flows.lineage").addHandler(records)
        try:
            lineage.start(decision, _profile(workspace))
            lineage.finish(decision, None)
            lineage.close()
        finally:
            logging.getLogger("flows.lineage").removeHandler(records)
    finally:
        server.stop()
    warnings = [r.getMessage() for r in records.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert warnings[0] == (
        "lineage: the START event of delivery cdr-warrant was not sent (HTTPError); "
        "deliveries are not affected"
    )
    assert all("s3cret" not in w and "127.0.0.1" not in w for w in warnings)


# --- through a real pipeline run -----------------------------------------------------------------


@pytest.mark.slow
def test_a_pipeline_run_writes_start_and_end_of_every_delivery_to_a_file(
    prefect_harness, demo_key, lineage_env: pytest.MonkeyPatch, workspace: Path, tmp_path: Path
) -> None:
    """File transport: START then COMPLETE for the delivered CDR, START then FAIL for the denied
    one; the pseudonymized src comes from the input's src; the parent is the flow run; and no
    cell of the input appears anywhere in the file."""
    from flows.pipeline import pipeline_flow

    events_file = tmp_path / "lineage" / "events.jsonl"
    events_file.parent.mkdir()
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__TYPE", "file")
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__LOG_FILE_PATH", str(events_file))
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__APPEND", "true")
    out = tmp_path / "out"
    outcome = pipeline_flow(str(workspace / "lineage.yaml"), str(out))
    assert outcome.exit_code is ExitCode.BLOCKED and outcome.denied == ("cdr-warrant",)

    text = events_file.read_text(encoding="utf-8")
    events = [json.loads(line) for line in text.splitlines()]
    by_job: dict[str, list[dict]] = {}
    for event in events:
        by_job.setdefault(event["job"]["name"], []).append(event)
    assert {job: [e["eventType"] for e in evs] for job, evs in by_job.items()} == {
        "delivery.cdr-quality": ["START", "COMPLETE"],
        "delivery.cdr-warrant": ["START", "FAIL"],
    }
    report = json.loads((out / "reports" / "report.json").read_text(encoding="utf-8"))
    for evs in by_job.values():
        assert len({e["run"]["runId"] for e in evs}) == 1  # one OpenLineage run per delivery
        for event in evs:
            parent = event["run"]["facets"]["parent"]
            assert parent["run"]["runId"] == report["run"]["run_id"]
            assert parent["job"]["name"] == "pipeline"

    complete = by_job["delivery.cdr-quality"][1]
    (source,) = complete["inputs"]
    assert source["namespace"] == f"file://{socket.gethostname()}"
    assert source["name"] == str(workspace / "data" / "cdr" / "*.csv")
    (target,) = complete["outputs"]
    assert target["name"] == str(out.absolute() / "deliveries" / "cdr-quality")
    assert (out / "deliveries" / "cdr-quality").is_dir()
    src = target["facets"]["columnLineage"]["fields"]["src"]["inputFields"]
    assert [(f["name"], f["field"], f["transformations"][0]["description"]) for f in src] == [
        (source["name"], "src", "pseudonymize")
    ]
    assert "uniqueid" not in target["facets"]["columnLineage"]["fields"]  # dropped
    facet = complete["run"]["facets"]["teleprivacy_delivery"]
    assert (facet["status"], facet["recipientClass"]) == ("delivered", "analytics_vendor")

    fail = by_job["delivery.cdr-warrant"][1]["run"]["facets"]["teleprivacy_delivery"]
    assert (fail["verdict"], fail["status"]) == ("denied", "denied")

    leaked = sorted(cell for cell in _input_cells(workspace) if cell in text)
    assert leaked == []


@pytest.mark.slow
def test_a_lineage_endpoint_that_is_down_fails_no_delivery(
    prefect_harness, demo_key, lineage_env: pytest.MonkeyPatch, workspace: Path, tmp_path: Path
) -> None:
    """Events to a closed port: the run ends as it would without lineage (the CDR published,
    the warrant denied)."""
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__TYPE", "http")
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__URL", f"http://127.0.0.1:{port}")
    lineage_env.setenv("OPENLINEAGE__TRANSPORT__RETRY", '{"total": 0}')
    from flows.pipeline import pipeline_flow

    outcome = pipeline_flow(str(workspace / "lineage.yaml"), str(tmp_path / "out"))
    assert outcome.exit_code is ExitCode.BLOCKED and outcome.denied == ("cdr-warrant",)
    assert list((tmp_path / "out" / "deliveries" / "cdr-quality").rglob("*.parquet"))
