"""Test-wide set-up: offline, quiet dependencies and access to ../shared test material."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_STATE = Path(tempfile.mkdtemp(prefix="teleprivacy-tests-"))
# Set before Prefect, Presidio or tldextract are imported by any test module.
os.environ.setdefault("PREFECT_HOME", str(_STATE / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("TLDEXTRACT_CACHE", str(_STATE / "tldextract"))
os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", str(_STATE / "dask"))
# CLI runs in subprocesses start Prefect's temporary server, as before the local server
# (flows/local_server.py): no server outlives the tests. tests/flows/test_flows_local_server.py
# starts its own and stops them.
os.environ["TELEPRIVACY_PREFECT_SERVER"] = "ephemeral"

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the checkout; tests that need it skip with the reason when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared not found at {SHARED}: real test material is not available here")
    return SHARED


@pytest.fixture(scope="session")
def realdata(shared_dir: Path) -> Path:
    path = shared_dir / "realdata"
    if not path.is_dir():
        pytest.skip(f"{path} not found: real test material is not available here")
    return path


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} not found: the policy seed texts are not available here")
    return path


# --- a real S3-compatible server on loopback (moto in server mode) ----------------------------

# Credentials the S3 tests run with: recognisable, so a test can prove none of them leaks into a
# report, a log, a lineage event or an error message.
FAKE_AWS_KEY_ID = "AKIATELEPRIVACYTEST1"
FAKE_AWS_SECRET = "teleprivacy-fake-secret-must-never-leak-0123456789"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """`moto_server` as a subprocess on a free loopback port for the session, once it answers;
    stopped (SIGTERM, then SIGKILL) at the end. Tests talk to it over HTTP like to any S3."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = (_STATE / f"moto-{port}.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"moto_server exited with {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    message = f"moto_server not healthy after 60 s; see {log.name}"
                    raise RuntimeError(message) from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class S3Bucket:
    """A fresh bucket on the test server, with boto3 to put and list objects (tests only)."""

    secrets = (FAKE_AWS_KEY_ID, FAKE_AWS_SECRET)  # what must never appear in any output

    def __init__(self, client, name: str) -> None:
        self.client, self.name = client, name

    def url(self, key: str = "") -> str:
        return f"s3://{self.name}/{key}" if key else f"s3://{self.name}"

    def put(self, key: str, body: bytes | Path) -> str:
        data = body.read_bytes() if isinstance(body, Path) else body
        self.client.put_object(Bucket=self.name, Key=key, Body=data)
        return self.url(key)

    def put_tree(self, folder: Path, prefix: str) -> None:
        """Every file under `folder`, at `prefix/<relative path>`."""
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.put(f"{prefix}/{path.relative_to(folder).as_posix()}", path)

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(o["Key"] for page in pages for o in page.get("Contents", ()))


@pytest.fixture()
def s3(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> S3Bucket:
    """The standard AWS variables pointed at the test server (and nowhere else: no profile, no
    instance metadata), and a fresh bucket."""
    import uuid

    import boto3

    import storage

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("TELEPRIVACY_WORK_DIR", str(tmp_path / "work"))
    storage.reset_filesystems()
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    bucket = S3Bucket(client, f"tp-{uuid.uuid4().hex[:12]}")
    client.create_bucket(Bucket=bucket.name)
    return bucket
