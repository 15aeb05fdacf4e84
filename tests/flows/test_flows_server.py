"""Against a real `prefect server start` on loopback: a pipeline run, a served deployment
triggered once, and a Dask LocalCluster run that must match the single-process output."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
KEY = "server-key-0123456789abcdef0123456789abcdef"
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _get(url: str):
    try:
        response = httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None
    return response if response.status_code == 200 else None


@pytest.fixture(scope="module")
def server_env(tmp_path_factory) -> dict[str, str]:
    """Start a Prefect server on a free loopback port; stop it after the module."""
    home = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "TELEPRIVACY_KEY": KEY,
    }
    env.pop("PREFECT_API_URL", None)
    log = (home / "server.log").open("wb")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        _wait(lambda: _get(f"{api}/health"), 90, "the Prefect server to be healthy")
        yield {**env, "PREFECT_API_URL": api}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def _teleprivacy(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "teleprivacy"), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _flow_runs(api: str) -> list[dict]:
    response = httpx.post(f"{api}/flow_runs/filter", json={"limit": 50}, timeout=10)
    response.raise_for_status()
    return response.json()


def test_pipeline_runs_against_a_real_server(server_env, demo_workspace: Path, tmp_path: Path):
    """The CLI talks to the server named by PREFECT_API_URL; the run is recorded there."""
    result = _teleprivacy(["run", "demo.yaml", "--out", str(tmp_path)], server_env, demo_workspace)
    assert result.returncode == 3, result.stderr[-2000:]
    assert (tmp_path / "reports" / "report.json").is_file()
    states = [r["state_type"] for r in _flow_runs(server_env["PREFECT_API_URL"])]
    assert "COMPLETED" in states
    assert KEY not in result.stdout + result.stderr


def test_served_deployment_has_its_schedule_and_runs(server_env, demo_workspace: Path, tmp_path):
    """`teleprivacy serve --cron` registers a scheduled deployment; a triggered run completes."""
    api = server_env["PREFECT_API_URL"]
    serve = subprocess.Popen(
        [
            str(BIN / "teleprivacy"),
            "serve",
            "demo.yaml",
            "--cron",
            "0 2 * * *",
            "--out",
            str(tmp_path),
            "--name",
            "nightly",
        ],
        env=server_env,
        cwd=demo_workspace,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deployment = _wait(
            lambda: _get(f"{api}/deployments/name/pipeline/nightly"), 120, "the deployment"
        ).json()
        schedules = [s["schedule"].get("cron") for s in deployment["schedules"]]
        assert schedules == ["0 2 * * *"]
        answers: list[str] = []

        def trigger():
            # A just-registered deployment, on a busy SQLite server, can refuse the first request.
            response = httpx.post(
                f"{api}/deployments/{deployment['id']}/create_flow_run", json={}, timeout=10
            )
            answers.append(f"{response.status_code} {response.text[:200]}")
            return response.json() if response.status_code in (200, 201) else None

        try:
            run = _wait(trigger, 60, "the server to accept a flow run")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last answers: {answers[-3:]}") from None

        def finished():
            state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state_type"]
            return state if state in TERMINAL else None

        assert _wait(finished, 240, "the triggered flow run") == "COMPLETED"
        assert (tmp_path / "reports" / "report.html").is_file()
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)


def test_dask_cluster_output_matches_single_process(server_env, tmp_path: Path):
    """A multi-file CDR delivery on a real distributed.LocalCluster gives the same bytes."""
    from distributed import LocalCluster

    import synthetic

    data = tmp_path / "data"
    for day in range(3):
        generated = synthetic.generate("cdr", 400, tmp_path / f"gen{day}", seed=day)
        (data / "cdr").mkdir(parents=True, exist_ok=True)
        generated.data_path.rename(data / "cdr" / f"cdr-2026-11-0{day + 1}.csv")
    config = tmp_path / "pipeline.yaml"
    config.write_text(
        "policy: voipms\n"
        "datasets:\n  - {name: cdr, kind: cdr, path: data/cdr/*.csv}\n"
        "deliveries:\n"
        "  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,\n"
        "     recipient_class: analytics_vendor, purpose: service_quality}\n"
    )
    single = _teleprivacy(["run", str(config), "--out", "single"], server_env, tmp_path)
    assert single.returncode == 0, single.stderr[-2000:]
    worker_env = {k: server_env[k] for k in ("PREFECT_API_URL", "PREFECT_HOME", "TELEPRIVACY_KEY")}
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env=worker_env,
    ) as cluster:
        dask = _teleprivacy(
            ["run", str(config), "--out", "dask", "--dask", cluster.scheduler_address],
            server_env,
            tmp_path,
        )
    assert dask.returncode == 0, dask.stderr[-2000:]
    parts = sorted(
        p.relative_to(tmp_path / "single") for p in (tmp_path / "single").rglob("*.parquet")
    )
    assert len(parts) == 3
    for rel in parts:
        assert (tmp_path / "single" / rel).read_bytes() == (tmp_path / "dask" / rel).read_bytes()
