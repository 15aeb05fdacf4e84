"""Process-wide set-up for commands: defaults that must be in place before Prefect, Presidio or
Dask are imported, the output folder, the process group a run lives in, and quiet logs for
errors the user can fix."""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def configure_environment(state_dir: Path | None = None) -> None:
    """Quiet, offline defaults; values the user already set are kept.

    Prefect telemetry and tldextract's public-suffix download both try the network and log
    long tracebacks offline (../shared/KNOWN.md). `state_dir` holds Prefect's local database
    when the user has not chosen a PREFECT_HOME.
    """
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    # The temporary API server takes 4-14 s to start here; Prefect gives up after 20 s, which a
    # busy 2-core machine (CI running tests beside it) reaches. A slow start is not an error.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    # Task results may describe raw data; keep them in memory unless a task opts in.
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
    if state_dir is not None:
        os.environ.setdefault("PREFECT_HOME", str(state_dir / "prefect"))
        os.environ.setdefault("TLDEXTRACT_CACHE", str(state_dir / "tldextract"))
        os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", str(state_dir / "dask"))


def ensure_prefect_home() -> None:
    """Create PREFECT_HOME before a flow starts.

    Prefect creates its home folder but not the folders above it, so its SQLite database cannot
    be opened under a new --out folder. Only commands that run flows call this: `check` and
    `scan` write nothing.
    """
    home = os.environ.get("PREFECT_HOME")
    if home:
        Path(home).expanduser().mkdir(parents=True, exist_ok=True)


class OutputFolderError(Exception):
    """The --out folder cannot be used: it is a file, is not writable, or its disk is full."""


PROBE_PREFIX = ".teleprivacy-probe-"


def _remove_dead_probes(out: Path) -> None:
    """Remove the probe files of commands killed while they wrote one (their pid is gone)."""
    for probe in out.glob(f"{PROBE_PREFIX}*"):
        try:
            os.kill(int(probe.name.removeprefix(PROBE_PREFIX)), 0)
        except ValueError:
            continue  # not one of ours
        except ProcessLookupError:
            probe.unlink(missing_ok=True)
        except PermissionError:
            continue  # alive, another user's


def prepare_output(out: Path) -> None:
    """Create `out` and prove a file can be written in it, before any flow or server starts.

    A file given as --out, a read-only mount or a full disk is named here in one line instead of
    failing later inside a flow run.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputFolderError(
            f"the output folder {out} is a file; give --out a folder (it is created if missing)"
        )
    probe = out / f"{PROBE_PREFIX}{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        _remove_dead_probes(out)
        with probe.open("wb") as handle:
            handle.write(b"teleprivacy")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        raise OutputFolderError(
            f"the output folder {out} cannot be written ({reason}); give --out a writable "
            "folder on a disk with free space"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            probe.unlink()


# A command that starts flows runs in a child process group that cannot outlive the command:
# Prefect's temporary API server (a `uvicorn` subprocess) and Dask's local workers are started
# by that child, so a `kill -9` of `teleprivacy` would otherwise leave them running.
SUPERVISOR_FD_ENV = "TELEPRIVACY_SUPERVISOR_FD"
GROUP_GRACE_S = 5.0
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def can_supervise() -> bool:
    """True where process groups exist and this process is not already a supervised child."""
    return os.name == "posix" and SUPERVISOR_FD_ENV not in os.environ


def supervise(argv: Sequence[str]) -> int:
    """Run `python -m flows.cli ARGV` in a new process group that dies with this process.

    The child gets the read end of a pipe whose only write end stays here: when this process
    ends in any way (`kill -9` included) the child reads end-of-file and kills its whole group
    (`watch_supervisor`). SIGINT, SIGTERM and SIGHUP are passed on to the child; when it exits,
    whatever is left of its group gets SIGTERM, then SIGKILL. Returns the child's exit status.
    """
    read_end, write_end = os.pipe()
    env = {**os.environ, SUPERVISOR_FD_ENV: str(read_end)}
    child = subprocess.Popen(
        # -P: the working folder is not put on sys.path, so a `reports/` or `policy/` folder of
        # the user's (the demo's history lives in `reports/`) cannot shadow our packages
        [sys.executable, "-P", "-m", "flows.cli", *argv],
        env=env,
        pass_fds=(read_end,),
        start_new_session=True,  # its own process group (and no terminal to send it ^C)
    )
    os.close(read_end)

    def forward(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        code = child.wait()
    finally:
        end_process_group(child.pid)
        os.close(write_end)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code < 0:
        print(f"teleprivacy: stopped by signal {-code}", file=sys.stderr)
        return 1
    return code


def watch_supervisor() -> None:
    """In a supervised child: kill this process group as soon as the supervisor is gone.

    Does nothing in a process that was not started by `supervise` (or is not its group's
    leader, which would make the group someone else's).
    """
    fd_text = os.environ.pop(SUPERVISOR_FD_ENV, None)
    if fd_text is None or os.getpgrp() != os.getpid():
        return
    try:
        fd = int(fd_text)
        os.fstat(fd)
    except (ValueError, OSError):
        return  # not a pipe from `supervise`

    def wait_for_end_of_file() -> None:
        try:
            while os.read(fd, 64):
                pass
        except OSError:
            return  # not readable after all: not ours to act on
        os.killpg(os.getpgrp(), signal.SIGKILL)  # this process, its API server, its workers

    threading.Thread(target=wait_for_end_of_file, name="supervisor-watch", daemon=True).start()


def end_process_group(pgid: int, grace_s: float = GROUP_GRACE_S) -> None:
    """SIGTERM every process left in group `pgid`, then SIGKILL what is still there after
    `grace_s` seconds."""
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 0.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)


def skip_module_teardown() -> Callable[[int], None]:
    """Make this process end right after its exit handlers, without tearing its modules down.

    After a run, freeing what Prefect, pandas and pyarrow hold takes 0.5-0.8 s and writes
    nothing. Call this first thing in the process: the handler it registers then runs after
    every exit handler registered later (Prefect's, which send the last logs and events), flushes
    the logging handlers and the standard streams, and ends the process with the status given to
    the function returned. Until that is called, the process ends as usual.
    """
    status: list[int] = []

    def end() -> None:
        if not status:
            return
        logging.shutdown()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(status[0])

    atexit.register(end)
    return status.append


PREFECT_RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs", "prefect.engine")


def hide_tracebacks(expected: Callable[[BaseException], bool]) -> None:
    """Drop the traceback from Prefect's run logs when the exception is `expected`.

    Prefect logs a failed task or flow run with its traceback; for an error the user can fix,
    the CLI's one-line message says all there is to say (`--debug` keeps the traceback).
    """
    for name in PREFECT_RUN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _ExpectedErrorFilter) for f in logger.filters):
            logger.addFilter(_ExpectedErrorFilter(expected))


class _ExpectedErrorFilter(logging.Filter):
    """Keeps the record, strips its traceback when its exception is an expected one."""

    def __init__(self, expected: Callable[[BaseException], bool]) -> None:
        super().__init__()
        self.expected = expected

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and self.expected(record.exc_info[1]):
            record.exc_info = None
            record.exc_text = None
        return True
