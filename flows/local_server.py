"""The local Prefect server that `teleprivacy run` starts once and later runs reuse.

Prefect's temporary API server costs 6-14 s at every run; a `prefect server start` on a loopback
port, left running in the background, answers the next run at once (../shared/KNOWN.md). There is
one server per Prefect home (one database): its address and process id are kept in
`<PREFECT_HOME>/local-server/state.json`, and a lock file there keeps two first runs from starting
two servers. A state file whose process is gone, or whose server does not answer, is cleaned up
and a new server started.

PREFECT_API_URL set by the user (in the environment or the active Prefect profile) always wins:
nothing is started or stopped then. TELEPRIVACY_PREFECT_SERVER=ephemeral keeps Prefect's
temporary server at every run. Nothing here imports Prefect: the address has to be in the
environment before Prefect is imported, which reads its settings once.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

MODE_ENV = "TELEPRIVACY_PREFECT_SERVER"
HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0  # healthy after 4-17 s here; a busy 2-core machine is slower
STOP_GRACE_S = 10.0
SERVER_FOLDER = "local-server"
# Services only deployments, work pools and pauses need; Prefect's temporary server does without
# them too. Each wakes up every few seconds, which a server idling between runs need not do.
IDLE_SERVICES = (
    "SCHEDULER", "LATE_RUNS", "FOREMAN", "PAUSE_EXPIRATIONS", "CANCELLATION_CLEANUP",
    "REPOSSESSOR", "CLEANUP_RECONCILER",
)  # fmt: skip
# What the server process inherits: no keys or other secrets of the run that started it.
KEPT_ENV = (
    "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
    "VIRTUAL_ENV", "PYTHONPATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "DO_NOT_TRACK",
    "TELEPRIVACY_WARM_START",
)  # fmt: skip
DROPPED_PREFECT_ENV = ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING")


class ServerMode(StrEnum):
    """How runs reach a Prefect API when PREFECT_API_URL is not set."""

    LOCAL = "local"  # a local server started once and reused (the default)
    EPHEMERAL = "ephemeral"  # Prefect's temporary server, started by every run


class LocalServerError(Exception):
    """The local Prefect server cannot be used as asked."""


class ServerSettingError(LocalServerError):
    """TELEPRIVACY_PREFECT_SERVER holds a value that is not a known mode."""


class ServerStartError(LocalServerError):
    """The local Prefect server did not become healthy."""


class ExternalServerError(LocalServerError):
    """PREFECT_API_URL names a server, so teleprivacy starts and stops none."""


@dataclass(frozen=True)
class ServerState:
    """A local server as recorded in its state file."""

    url: str  # the API, http://127.0.0.1:PORT/api
    pid: int  # the server's process (group) id
    prefect_version: str
    started: str  # UTC, ISO 8601

    @property
    def ui_url(self) -> str:
        return self.url.removesuffix("/api")


@dataclass(frozen=True)
class ServerFiles:
    """Where a Prefect home keeps its local server's state, lock and log."""

    folder: Path

    @classmethod
    def of(cls, home: Path) -> ServerFiles:
        return cls(Path(home) / SERVER_FOLDER)

    @property
    def state(self) -> Path:
        return self.folder / "state.json"

    @property
    def lock(self) -> Path:
        return self.folder / "lock"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    @property
    def runner_socket(self) -> Path:
        return self.folder / "runner.sock"  # flows/warm_runner.py


@dataclass(frozen=True)
class ServerUse:
    """The server a run uses, and whether this run started it."""

    state: ServerState
    started: bool
    files: ServerFiles


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect resolves it (the CLI sets it under the output's state folder)."""
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser().absolute()


def server_mode() -> ServerMode:
    """The mode TELEPRIVACY_PREFECT_SERVER asks for; `local` when it is unset or empty."""
    text = os.environ.get(MODE_ENV, "").strip().lower() or ServerMode.LOCAL.value
    try:
        return ServerMode(text)
    except ValueError:
        raise ServerSettingError(
            f"{MODE_ENV} is {text!r}; set it to 'local' (a Prefect server started once and "
            "reused, the default) or 'ephemeral' (Prefect's temporary server at every run)"
        ) from None


def configured_api_url() -> str | None:
    """The Prefect API the user chose: PREFECT_API_URL, else the active profile's, else the
    `api.url` of a prefect.toml in the working folder; None when Prefect would start its own."""
    if url := os.environ.get("PREFECT_API_URL", "").strip():
        return url
    import tomllib

    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or prefect_home() / "profiles.toml")
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError):
        data = tomllib.loads(profiles.expanduser().read_text(encoding="utf-8"))
        active = os.environ.get("PREFECT_PROFILE") or data.get("active")
        if url := data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"):
            return str(url)
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, AttributeError):
        data = tomllib.loads(Path("prefect.toml").read_text(encoding="utf-8"))
        if url := data.get("api", {}).get("url"):
            return str(url)
    return None


def prefect_imported() -> bool:
    """Prefect read its settings when it was imported: an address set now would not reach it."""
    return "prefect" in sys.modules


def is_healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    """True when a Prefect API answers GET /health with `true` (no proxy: loopback only)."""
    parts = urlsplit(api_url)
    if parts.scheme != "http" or not parts.hostname or not parts.port:
        return False
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    try:
        connection.request("GET", f"{parts.path.rstrip('/')}/health")
        response = connection.getresponse()
        return response.status == 200 and response.read(64).strip() == b"true"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def recorded_server(home: Path) -> ServerState | None:
    """The server the state file of `home` names, running or not."""
    return _read_state(ServerFiles.of(home))


def server_status(home: Path) -> ServerState | None:
    """The recorded server of `home` when it is running and healthy; None otherwise."""
    files = ServerFiles.of(Path(home).absolute())
    state = _read_state(files)
    if state and _is_ours(state.pid, files) and is_healthy(state.url):
        return state
    return None


def ensure_server(home: Path, timeout_s: float = START_TIMEOUT_S) -> ServerUse:
    """The healthy local server of `home`, started first when there is none.

    Under the lock, a recorded server that is healthy and of this Prefect version is reused; one
    still starting (its starter died) gets `timeout_s` to answer; anything else recorded is
    stopped and forgotten, and a new server started.
    """
    files = ServerFiles.of(Path(home).absolute())  # the server runs in another folder
    files.folder.mkdir(parents=True, exist_ok=True)
    with _locked(files.lock):
        state = _read_state(files)
        if state is not None:
            current = state.prefect_version == _prefect_version() and _is_ours(state.pid, files)
            if current and _wait_healthy(state, files, timeout_s):
                return ServerUse(state, started=False, files=files)
            _end(state.pid, files)
            files.state.unlink(missing_ok=True)
        return ServerUse(_start(files.folder.parent, files, timeout_s), started=True, files=files)


def stop_server(home: Path) -> ServerState | None:
    """Stop the recorded server of `home` and forget it; the state it had, or None."""
    files = ServerFiles.of(Path(home).absolute())
    if not files.state.exists():
        return None
    with _locked(files.lock):
        state = _read_state(files)
        if state is not None:
            _end(state.pid, files)
        files.state.unlink(missing_ok=True)
        files.runner_socket.unlink(missing_ok=True)
        return state


def use_local_server() -> ServerUse | None:
    """Point this process's Prefect at the local server, starting it on first use.

    None, and nothing started, when Prefect's own choice stands: the user configured an API
    (PREFECT_API_URL or a profile), TELEPRIVACY_PREFECT_SERVER=ephemeral, Prefect is already
    imported (it would not see the address: tests, or teleprivacy used as a library), or the
    platform has no process groups.
    """
    if os.name != "posix" or prefect_imported() or configured_api_url():
        return None
    if server_mode() is ServerMode.EPHEMERAL:
        return None
    use = ensure_server(prefect_home())
    os.environ["PREFECT_API_URL"] = use.state.url
    return use


def run_warm(argv: Sequence[str]) -> int | None:
    """Run a command forked from the local server's warm runner (flows/warm_runner.py): its exit
    status, or None when none is ready or Prefect's own choice stands (then nothing ran)."""
    from flows import warm_runner

    if not warm_runner.warm_start_enabled() or prefect_imported() or configured_api_url():
        return None
    try:
        if server_mode() is ServerMode.EPHEMERAL:
            return None
    except ServerSettingError:
        return None  # the usual path reports it
    home = prefect_home()
    state = server_status(home)
    if state is None:
        return None
    env = {**os.environ, "PREFECT_API_URL": state.url}
    return warm_runner.run_forked(ServerFiles.of(home).runner_socket, argv, env)


def runner_ready(home: Path) -> bool:
    """True when the warm runner of `home`'s server answers (flows/warm_runner.py)."""
    from flows import warm_runner

    return warm_runner.is_ready(ServerFiles.of(home).runner_socket)


def wait_for_runner(home: Path, timeout_s: float) -> bool:
    """Wait until the warm runner answers; False after `timeout_s` or when warm start is off."""
    from flows import warm_runner

    if not warm_runner.warm_start_enabled():
        return False
    deadline = time.monotonic() + timeout_s
    while not runner_ready(home):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.25)
    return True


def _start(home: Path, files: ServerFiles, timeout_s: float) -> ServerState:
    """Start the server process detached (its own session), record it, wait for health."""
    env = _server_env(home)
    problem = "it exited"
    for _ in range(2):  # a port taken between choosing and binding it: one more port
        port = _free_port()
        with files.log.open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-P", "-m", "flows.server_process", str(files.state),
                 "--host", HOST, "--port", str(port)],
                env=env, cwd=files.folder, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,  # outlives the run, and a killed run's process group
            )  # fmt: skip
        state = ServerState(
            url=f"http://{HOST}:{port}/api",
            pid=process.pid,
            prefect_version=_prefect_version(),
            started=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        _write_state(files, state)  # the server process watches for it
        if _wait_healthy(state, files, timeout_s, process):
            return state
        exited = process.poll() is not None
        problem = "it exited" if exited else f"no answer in {timeout_s:.0f} s"
        _end_group(process.pid)
        files.state.unlink(missing_ok=True)
        if not exited:
            break
    raise ServerStartError(
        f"the local Prefect server did not start ({problem}; its log is {files.log}); "
        f"set {MODE_ENV}=ephemeral to use Prefect's temporary server, or PREFECT_API_URL to use "
        "a server of your own"
    )


def _server_env(home: Path) -> dict[str, str]:
    """The server's environment: Prefect settings and the basics, quiet and offline."""
    env = {k: v for k, v in os.environ.items() if k in KEPT_ENV or k.startswith("LC_")}
    env |= {
        k: v
        for k, v in os.environ.items()
        if k.startswith("PREFECT_") and k not in DROPPED_PREFECT_ENV
    }
    env["PREFECT_HOME"] = str(home)
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env["DO_NOT_TRACK"] = "1"
    env.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")  # no access log: paths, ids
    for service in IDLE_SERVICES:
        env.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    return env


def _wait_healthy(
    state: ServerState,
    files: ServerFiles,
    timeout_s: float,
    process: subprocess.Popen | None = None,
) -> bool:
    deadline = time.monotonic() + timeout_s
    while True:
        if is_healthy(state.url):
            return True
        if process is not None and process.poll() is not None:
            return False
        if process is None and not _is_ours(state.pid, files):
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def _end(pid: int, files: ServerFiles) -> None:
    """Stop a recorded server, if `pid` is still its server process."""
    if _is_ours(pid, files):
        _end_group(pid)


def _end_group(pid: int) -> None:
    """SIGTERM the server's process group, SIGKILL it after STOP_GRACE_S."""
    for sig, wait_s in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # our own child (tests): reap it
            if not _group_alive(pid):
                return
            time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _is_ours(pid: int, files: ServerFiles) -> bool:
    """True when `pid` runs the server process of `files` (not a reused pid of another program,
    nor the server of another Prefect home)."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():
        return True  # no /proc: the pid is alive, trust the state file
    with contextlib.suppress(OSError):
        arguments = cmdline.read_bytes().split(b"\0")
        return b"flows.server_process" in arguments and os.fsencode(files.state) in arguments
    return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _prefect_version() -> str:
    return version("prefect")


def _read_state(files: ServerFiles) -> ServerState | None:
    """The recorded state, or None when there is none or it is unreadable (then it is stale)."""
    try:
        data = json.loads(files.state.read_text(encoding="utf-8"))
        return ServerState(**{k: data[k] for k in ServerState.__dataclass_fields__})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_state(files: ServerFiles, state: ServerState) -> None:
    temporary = files.state.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(asdict(state), indent=2), encoding="utf-8")
    os.replace(temporary, files.state)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` for this block (released when the process ends, too)."""
    import fcntl

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
