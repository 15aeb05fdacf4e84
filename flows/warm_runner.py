"""Warm start: `teleprivacy run` and `demo` forked from a process that has Prefect imported.

With the local Prefect server running, what is left of a small run's start-up is importing
Prefect, pandas, pyarrow and the rest (~2 s here, more than `teleprivacy check` takes in all).
The local server's process (`flows.server_process`) keeps a warm runner beside the server: a
process that has imported them once. A command asks it over a Unix socket in the server's folder
(owner-only, peer uid checked); the runner forks a child, which adopts the command's working
folder, environment (its key too: the runner itself never reads it), umask, standard streams and
arguments, imports teleprivacy's own packages afresh (the runner drops them after warming up, so
edited code and import-time settings are never stale) and runs the command as `python -m
flows.cli` would, in its own process group. The command forwards its signals to the child and
exits with the child's status; if the command is killed, the child sees its socket close and
kills its group (`flows.environment.watch_supervisor`).

A runner whose libraries changed on disk since it imported them (a pip install) refuses and
exits; the server process starts a fresh one. Anything unusual (no runner yet, a socket not owned
by this user, a refusal) and the command runs the usual way. Linux only;
TELEPRIVACY_WARM_START=0 turns it off. A forked run inherits the runner's resource limits and
scheduling priority, not the calling shell's.

    python -m flows.warm_runner SOCKET_PATH
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import signal
import socket
import stat
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

WARM_ENV = "TELEPRIVACY_WARM_START"
PROJECT_PACKAGES = frozenset(
    {"flows", "policy", "detectors", "redaction", "reports", "synthetic", "storage"}
)
# What a run imports; spaCy and Presidio only when a dataset holds text (0.7 s, 44 MB here).
WARM_IMPORTS = (
    "flows.cli", "flows.commands", "flows.pipeline", "flows.runners", "redaction",
    "spacy", "presidio_analyzer",
)  # fmt: skip
OP_RUN, OP_PING = b"R", b"P"
MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes; longer paths go through /proc/self/fd
HANDSHAKE_TIMEOUT_S = 5.0
MAX_REQUEST = 4 << 20


def warm_start_enabled() -> bool:
    """Off with TELEPRIVACY_WARM_START=0 (or false/off/no), and where fork is unsafe."""
    value = os.environ.get(WARM_ENV, "").strip().lower()
    return sys.platform == "linux" and value not in ("0", "false", "off", "no")


def usable_socket(path: Path) -> bool:
    """A socket at `path` we may talk to: ours, and a socket."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid()


def is_ready(path: Path, timeout_s: float = 2.0) -> bool:
    """True when a warm runner answers at `path` and is not stale."""
    if not usable_socket(path):
        return False
    try:
        with _connect(path, timeout_s) as sock:
            sock.sendall(OP_PING)
            return _read_message(sock).get("ready") is True
    except (OSError, ValueError):
        return False


def run_forked(path: Path, argv: Sequence[str], env: dict[str, str]) -> int | None:
    """Run `teleprivacy ARGV` in a child of the warm runner at `path`; its exit status, or None
    when no runner took it (then nothing ran, and the caller runs it the usual way)."""
    if not usable_socket(path):
        return None
    try:
        sock = _connect(path, HANDSHAKE_TIMEOUT_S)
    except OSError:
        return None
    try:
        sock.sendall(OP_RUN)
        pid = _read_message(sock).get("pid")
        if not isinstance(pid, int):
            sock.close()
            return None  # stale or refused: nothing was forked for us
        umask = os.umask(0o077)
        os.umask(umask)
        request = json.dumps(
            {"argv": list(argv), "cwd": os.getcwd(), "env": env, "umask": umask}
        ).encode()
        framed = struct.pack("!I", len(request)) + request
        sent = socket.send_fds(sock, [framed], [0, 1, 2])
        sock.sendall(framed[sent:])
    except (OSError, ValueError):
        sock.close()
        return None
    if env.get("TELEPRIVACY_DEBUG", "") not in ("", "0"):
        print(f"teleprivacy: forked from the warm runner as pid {pid}", file=sys.stderr)
    return _wait_for_child(sock, pid)


def _connect(path: Path, timeout_s: float) -> socket.socket:
    """A connection to the socket at `path`, through the folder's /proc/self/fd entry when the
    path is too long for a socket address."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout_s)
    try:
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
            sock.connect(os.fsencode(path))
            return sock
        folder = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
        try:
            sock.connect(f"/proc/self/fd/{folder}/{path.name}")
        finally:
            os.close(folder)
    except OSError:
        sock.close()
        raise
    return sock


def _wait_for_child(sock: socket.socket, pid: int) -> int:
    """Forward signals to the forked run until it reports its exit status."""
    from flows.environment import FORWARDED_SIGNALS, end_process_group

    forwarded: list[int] = []

    def forward(signum: int, frame: object) -> None:
        forwarded.append(signum)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        sock.settimeout(None)
        code = _read_message(sock).get("exit")
    except (OSError, ValueError):
        code = None
    finally:
        sock.close()  # the child's watcher sees end-of-file: nothing of the run outlives us
        end_process_group(pid)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not isinstance(code, int):
        how = f"stopped by signal {forwarded[-1]}" if forwarded else "the run ended abruptly"
        print(f"teleprivacy: {how}", file=sys.stderr)
        return 1
    return code


# --- the runner process ---------------------------------------------------------------------

_EXIT_STATUS: list[int] = []
_CLIENT: list[socket.socket] = []


def _end_forked_run() -> None:
    """The forked run's last exit handler (registered before anything else in the runner, so it
    runs after Prefect's, which send the last logs and events): report the status, then end
    without tearing the modules down."""
    if not _EXIT_STATUS:
        return
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    for client in _CLIENT:
        with contextlib.suppress(OSError):
            client.sendall(_message({"exit": _EXIT_STATUS[0]}))
    os._exit(_EXIT_STATUS[0])


def _warm_up() -> None:
    """Import what a run needs, then forget teleprivacy's own modules: each forked run imports
    them afresh, so they see its environment and the code as it is now."""
    import importlib

    for name in WARM_IMPORTS:
        importlib.import_module(name)
    for name in list(sys.modules):
        if name.split(".")[0] in PROJECT_PACKAGES:
            del sys.modules[name]


def _fingerprint() -> tuple:
    """What changes when libraries are installed or removed, or this runner is edited: the
    folders on sys.path, the interpreter, this file. Checked before each fork."""
    marks = []
    for entry in (sys.executable, __file__, *sys.path):
        with contextlib.suppress(OSError):
            info = os.stat(entry or ".")
            marks.append((entry, info.st_mtime_ns, info.st_ino))
    return tuple(marks)


def serve(path: Path) -> int:
    """Warm up, then fork a child for each run request until the server process is gone."""
    atexit.register(_end_forked_run)  # before any import registers its own
    _warm_up()
    fingerprint = _fingerprint()
    parent = os.getppid()
    path = path.absolute()
    path.unlink(missing_ok=True)
    os.chdir(path.parent)  # bound by its name: the full path may be too long for an address
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)  # the socket: owner only
    try:
        listener.bind(path.name)
    finally:
        os.umask(umask)
    listener.listen(16)
    listener.settimeout(1.0)
    # Reap each finished run at once: the command waits until its process group is empty, and
    # an unreaped child would keep it from being so.
    signal.signal(signal.SIGCHLD, lambda signum, frame: _reap())
    stale = False
    while os.getppid() == parent and not stale:
        _reap()
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            continue
        stale = _fingerprint() != fingerprint
        _handle(conn, listener, stale)  # a forked child never returns from it
    with contextlib.suppress(OSError):
        path.unlink()
    return 0


def _handle(conn: socket.socket, listener: socket.socket, stale: bool) -> None:
    """Answer one connection: a ping, a refusal when stale, or a fork that runs the command (the
    child leaves through `sys.exit`, so its exit handlers run)."""
    try:
        conn.settimeout(HANDSHAKE_TIMEOUT_S)
        uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
        op = conn.recv(1)
        if uid != os.getuid() or op not in (OP_PING, OP_RUN):
            return
        if op == OP_PING:
            conn.sendall(_message({"ready": not stale}))
        elif stale:
            conn.sendall(_message({"refused": "the runner's libraries changed; it restarts"}))
        else:
            sys.stdout.flush()
            sys.stderr.flush()
            if os.fork() == 0:
                listener.close()
                _run_child(conn)
    except OSError:
        return
    finally:
        if not _EXIT_STATUS:
            conn.close()


def _run_child(conn: socket.socket) -> None:
    """In the forked child: adopt the command's context, run it, record its status."""
    os.setsid()  # its own process group, which `watch_supervisor` kills if the command dies
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    code = 1
    try:
        conn.sendall(_message({"pid": os.getpid()}))
        request = _adopt(conn)
        _CLIENT.append(conn)
        _refresh_prefect()
        from flows.cli import main
        from flows.environment import SUPERVISOR_FD_ENV

        os.environ[SUPERVISOR_FD_ENV] = str(conn.fileno())  # dies with the command

        code = main(request["argv"])
    except KeyboardInterrupt:
        print("teleprivacy: interrupted", file=sys.stderr)
    except SystemExit as exc:  # argparse: usage errors and --help
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    except BaseException as exc:
        print(f"teleprivacy: unexpected {type(exc).__name__} in a warm start; rerun with "
              f"{WARM_ENV}=0", file=sys.stderr)  # fmt: skip
    _EXIT_STATUS.append(int(code))
    sys.exit(int(code))


def _adopt(conn: socket.socket) -> dict:
    """Receive the command's request and streams; take its folder, environment and umask."""
    data, fds, _flags, _address = socket.recv_fds(conn, 1 << 16, 3)
    if len(fds) != 3 or len(data) < 4:
        raise ValueError("a run request without its three standard streams")
    (size,) = struct.unpack("!I", data[:4])
    if size > MAX_REQUEST:
        raise ValueError("a run request too large")
    body = data[4:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ValueError("a run request cut short")
        body += chunk
    request = json.loads(body)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    conn.settimeout(None)
    os.chdir(request["cwd"])
    os.umask(int(request["umask"]))
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["teleprivacy", *request["argv"]]
    with contextlib.suppress(Exception):
        sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())
    return request


def _refresh_prefect() -> None:
    """Prefect read its settings and set up logging when the runner imported it: again, from the
    command's environment and onto its streams."""
    import prefect.context
    import prefect.logging.configuration

    prefect.context.refresh_global_settings_context()
    prefect.logging.configuration.setup_logging(incremental=False)


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _message(body: dict) -> bytes:
    return json.dumps(body).encode() + b"\n"


def _read_message(sock: socket.socket) -> dict:
    """One newline-terminated JSON object; {} at end-of-file."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(4096)
        if not chunk:
            return {}
        data += chunk
        if len(data) > MAX_REQUEST:
            raise ValueError("message too large")
    return json.loads(data)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m flows.warm_runner SOCKET_PATH", file=sys.stderr)
        return 2
    return serve(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
