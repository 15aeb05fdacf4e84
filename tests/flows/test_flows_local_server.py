"""The local Prefect server that runs start on first use and reuse (flows/local_server.py), and
the warm runner beside it (flows/warm_runner.py).

The slow tests start real servers on loopback through the real `teleprivacy` command, each in a
temporary folder of its own, and stop every server they started, whatever happens: no process
outlives them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from flows import local_server
from flows.local_server import ServerFiles, ServerMode, ServerSettingError, ServerState
from flows.warm_runner import usable_socket

BIN = Path(sys.executable).parent
KEY = "local-server-key-0123456789abcdef0123456789"
CONFIG = """policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: data/cdr.csv}
deliveries:
  - {name: cdr-quality, dataset: cdr, recipient: acme-analytics,
     recipient_class: analytics_vendor, purpose: service_quality}
key: {env: TELEPRIVACY_KEY}
"""


# --- without a server -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ServerMode.LOCAL),  # unset: the local server
        ("ephemeral", ServerMode.EPHEMERAL),  # the opt-out
        (" Local ", ServerMode.LOCAL),  # case and spaces do not matter
    ],
)
def test_server_mode_reads_the_setting(value: str, expected: ServerMode, monkeypatch):
    """TELEPRIVACY_PREFECT_SERVER picks the mode; empty means the default."""
    monkeypatch.setenv("TELEPRIVACY_PREFECT_SERVER", value)
    assert local_server.server_mode() is expected


def test_unknown_server_mode_is_named_with_the_choices(monkeypatch):
    """A typo in the setting is an error that lists the modes."""
    monkeypatch.setenv("TELEPRIVACY_PREFECT_SERVER", "shared")
    with pytest.raises(ServerSettingError) as exc:
        local_server.server_mode()
    assert str(exc.value) == (
        "TELEPRIVACY_PREFECT_SERVER is 'shared'; set it to 'local' (a Prefect server started "
        "once and reused, the default) or 'ephemeral' (Prefect's temporary server at every run)"
    )


def test_user_api_url_comes_from_the_environment_or_the_active_profile(tmp_path, monkeypatch):
    """PREFECT_API_URL in the environment, else in the active profile of PREFECT_HOME."""
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert local_server.configured_api_url() is None
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.example.com/api"\n'
    )
    assert local_server.configured_api_url() == "http://prefect.example.com/api"
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert local_server.configured_api_url() == "http://127.0.0.1:4200/api"


def test_nothing_starts_when_the_user_chose_an_api_or_the_temporary_server(tmp_path, monkeypatch):
    """A user's PREFECT_API_URL, the ephemeral opt-out, or Prefect imported already: no server."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TELEPRIVACY_PREFECT_SERVER", raising=False)  # tests/conftest.py's
    monkeypatch.setattr(local_server, "prefect_imported", lambda: True)
    assert local_server.use_local_server() is None  # Prefect imported: it would not see a URL
    assert local_server.run_warm(["run", "c.yaml"]) is None
    monkeypatch.setattr(local_server, "prefect_imported", lambda: False)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert local_server.use_local_server() is None
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("TELEPRIVACY_PREFECT_SERVER", "ephemeral")
    assert local_server.use_local_server() is None
    assert not (tmp_path / "home").exists()


def test_server_environment_holds_no_secrets(monkeypatch, tmp_path):
    """The detached server inherits Prefect settings and the basics, not the run's key."""
    monkeypatch.setenv("TELEPRIVACY_KEY", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-for-the-server")
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("PREFECT_API_KEY", "pnu_not-for-the-server")
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "INFO")
    env = local_server._server_env(tmp_path)
    secrets = {"TELEPRIVACY_KEY", "AWS_SECRET_ACCESS_KEY", "PREFECT_API_URL", "PREFECT_API_KEY"}
    assert not secrets & set(env)
    assert env["PREFECT_HOME"] == str(tmp_path)
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["PREFECT_LOGGING_LEVEL"] == "INFO"
    assert env["PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"] == "false"


def test_a_recorded_server_whose_process_is_gone_is_not_running(tmp_path):
    """A state file naming a dead process and a closed port reads as no server."""
    files = ServerFiles.of(tmp_path)
    files.folder.mkdir(parents=True)
    _write_stale_state(files)
    assert local_server.recorded_server(tmp_path) is not None
    assert local_server.server_status(tmp_path) is None
    assert not local_server.is_healthy("http://127.0.0.1:9/api")


def test_warm_runner_socket_must_be_a_socket(tmp_path):
    """A plain file, or nothing, where the runner's socket should be is not talked to."""
    plain = tmp_path / "runner.sock"
    plain.write_text("not a socket")
    assert not usable_socket(plain)
    assert not usable_socket(tmp_path / "missing" / "runner.sock")


# --- against real servers -------------------------------------------------------------------


@pytest.fixture()
def short_tmp() -> Iterator[Path]:
    """A temporary folder with a short path: the warm runner's socket path fits a socket address."""
    folder = Path(tempfile.mkdtemp(prefix="tp-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def servers() -> Iterator[list[Path]]:
    """Prefect homes whose servers a test started; each is stopped afterwards, and no process
    of theirs may be left."""
    homes: list[Path] = []
    yield homes
    for home in homes:
        local_server.stop_server(home)
    time.sleep(0.5)
    left = [p for home in homes for p in _processes_of(home)]
    for process in left:
        process.kill()
    assert not left, f"processes left behind: {[p.pid for p in left]}"


@pytest.fixture()
def workspace(short_tmp: Path) -> Path:
    """A 60-row CDR beside a one-delivery configuration, deep enough that the warm runner's
    socket path does not fit a socket address (108 bytes): it is reached through /proc."""
    import synthetic

    folder = short_tmp / "a-folder-deep-enough-for-a-long-socket-path" / "of-the-warm-runner"
    synthetic.generate("cdr", 60, folder / "data", seed=5)
    (folder / "pipeline.yaml").write_text(CONFIG, encoding="utf-8")
    socket_path = folder / "out" / ".state" / "prefect" / "local-server" / "runner.sock"
    assert len(str(socket_path)) > 108
    return folder


def _env(**extra: str) -> dict[str, str]:
    """The environment of a user who chose no Prefect API and no Prefect home."""
    env = {**os.environ, "TELEPRIVACY_KEY": KEY}
    for name in ("PREFECT_API_URL", "PREFECT_HOME", "TELEPRIVACY_PREFECT_SERVER",
                 "TELEPRIVACY_DEBUG", "TELEPRIVACY_WARM_START"):  # fmt: skip
        env.pop(name, None)
    return env | extra


def _teleprivacy(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "teleprivacy"), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _status(cwd: Path, env: dict[str, str], out: str = "out") -> dict:
    result = _teleprivacy(["server", "status", "--out", out, "--json"], cwd, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _processes_of(home: Path) -> list[psutil.Process]:
    """The server processes of `home`: their command line names its server folder (the watcher,
    the warm runner) or they were started with it as PREFECT_HOME (`prefect server start`)."""
    folder = str(ServerFiles.of(home).folder)
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            named = any(folder in part for part in process.info["cmdline"] or ())
            if named or process.environ().get("PREFECT_HOME") == str(home):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _flow_runs(api_url: str) -> list[dict]:
    response = httpx.post(f"{api_url}/flow_runs/filter", json={"limit": 50}, timeout=10)
    response.raise_for_status()
    return response.json()


def _write_stale_state(files: ServerFiles) -> ServerState:
    """A state file naming a process that has ended and a port nothing listens on."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state = ServerState(
        url="http://127.0.0.1:9/api", pid=gone.pid, prefect_version="3.8.8",
        started="2026-01-01T00:00:00+00:00",
    )  # fmt: skip
    local_server._write_state(files, state)
    return state


@pytest.mark.slow
def test_server_lifecycle_from_a_stale_state_file_to_a_deleted_folder(short_tmp, servers):
    """A stale state file is cleaned up; two `server start` at once share one server (the lock);
    `status` reports it and its warm runner; `stop` ends every process; a server whose output
    folder is deleted ends by itself."""
    home = short_tmp / "out" / ".state" / "prefect"
    servers.append(home)
    files = ServerFiles.of(home)
    files.folder.mkdir(parents=True)
    stale = _write_stale_state(files)
    env = _env()
    command = [str(BIN / "teleprivacy"), "server", "start", "--out", "out"]
    both = [subprocess.Popen(command, cwd=short_tmp, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]  # fmt: skip
    outputs = [p.communicate(timeout=300)[0] for p in both]
    assert [p.returncode for p in both] == [0, 0], outputs
    assert sorted(o.startswith("local Prefect server started at") for o in outputs) == [0, 1]
    assert all("warm runner ready" in o for o in outputs)
    status = _status(short_tmp, env)
    assert status["runs_use"] == "local" and status["healthy"] is True
    assert status["local_server"]["warm_runner"] is True
    assert status["local_server"]["pid"] != stale.pid
    assert all(f"(pid {status['local_server']['pid']}," in o for o in outputs)
    assert httpx.get(f"{status['api_url']}/health", timeout=5).json() is True
    assert len(_processes_of(home)) == 3  # the watcher, `prefect server start`, the runner

    stopped = _teleprivacy(["server", "stop", "--out", "out"], short_tmp, env)
    assert stopped.returncode == 0, stopped.stderr
    assert f"(pid {status['local_server']['pid']})" in stopped.stdout
    assert not _processes_of(home)
    assert _status(short_tmp, env)["local_server"]["running"] is False

    assert _teleprivacy(["server", "start", "--out", "out"], short_tmp, env).returncode == 0
    shutil.rmtree(short_tmp / "out")  # the user deletes the output folder, database and all
    deadline = time.monotonic() + 30
    while _processes_of(home) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_of(home)


@pytest.mark.slow
def test_later_runs_reuse_the_server_warm_and_a_users_api_url_wins(workspace, servers):
    """The first run starts the server; the second runs against the same server, forked from the
    warm runner; a run with PREFECT_API_URL set uses that server and starts nothing, and
    `server start|stop` refuse then."""
    home = workspace / "out" / ".state" / "prefect"
    servers.append(home)
    env = _env()
    first = _teleprivacy(["run", "pipeline.yaml", "--out", "out"], workspace, env)
    assert first.returncode == 0, first.stderr
    assert "started a local Prefect server for this and later runs" in first.stderr
    assert "`teleprivacy server stop --out out` stops it" in first.stderr
    state = local_server.recorded_server(home)
    assert state is not None
    assert local_server.wait_for_runner(home, 120)

    second = _teleprivacy(["run", "pipeline.yaml", "--out", "out", "--debug"], workspace, env)
    assert second.returncode == 0, second.stderr
    assert "teleprivacy: forked from the warm runner as pid" in second.stderr
    assert "started a local Prefect server" not in second.stderr
    assert local_server.recorded_server(home) == state
    assert [r["state_type"] for r in _flow_runs(state.url)] == ["COMPLETED", "COMPLETED"]
    assert KEY not in (home / "local-server" / "server.log").read_text(encoding="utf-8")

    users = _env(PREFECT_API_URL=state.url)  # this server stands for the user's own
    refused = _teleprivacy(["server", "start", "--out", "other"], workspace, users)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"teleprivacy: error: PREFECT_API_URL is set ({state.url}): runs use that server and "
        "teleprivacy starts or stops none; unset it to start the local server"
    )
    assert _teleprivacy(["server", "stop", "--out", "other"], workspace, users).returncode == 2
    assert _status(workspace, users, out="other")["runs_use"] == "PREFECT_API_URL"
    third = _teleprivacy(["run", "pipeline.yaml", "--out", "other"], workspace, users)
    assert third.returncode == 0, third.stderr
    assert "started a local Prefect server" not in third.stderr
    assert not (workspace / "other" / ".state" / "prefect" / "local-server").exists()
    assert len(_flow_runs(state.url)) == 3
