"""The detached process behind the local Prefect server (`flows.local_server`).

It runs `prefect server start` on a loopback port and, once the server answers, the warm runner
(`flows.warm_runner`, unless TELEPRIVACY_WARM_START=0), started again when it exits (a stale one
exits on purpose). It ends both when the state file no longer names this process: after
`teleprivacy server stop`, after a newer server replaced it, or when the output folder holding
its state was deleted (its database with it), so no server is left running that nothing knows
about. SIGTERM to its process group stops all three processes.

    python -m flows.server_process STATE_FILE --host 127.0.0.1 --port PORT
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from flows.local_server import is_healthy

CHECK_EVERY_S = 1.0
UNCLAIMED_AFTER_S = 30.0  # the starter writes the state file right after starting this process
STOP_GRACE_S = 8.0
RUNNER_FAILURES = 3  # a runner that cannot warm up this many times in a row is not restarted
RUNNER_SETTLED_S = 60.0  # a runner that lived this long did not fail to warm up


def names_this_process(state_file: Path) -> bool:
    """True when the state file records this process as the server."""
    try:
        return json.loads(state_file.read_text(encoding="utf-8")).get("pid") == os.getpid()
    except (OSError, ValueError, AttributeError):
        return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.server_process", description=__doc__)
    parser.add_argument("state_file", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    stopping = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: stopping.set())
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", args.host,
         "--port", str(args.port), "--ui", "--analytics-off"],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    runner = _Runner(args.state_file.parent / "runner.sock", f"http://{args.host}:{args.port}/api")
    claimed = False
    waited = 0.0
    while server.poll() is None and not stopping.wait(CHECK_EVERY_S):
        waited += CHECK_EVERY_S
        if names_this_process(args.state_file):
            claimed = True
        elif claimed or waited >= UNCLAIMED_AFTER_S:
            break  # forgotten: stopped, replaced, or its folder deleted
        runner.keep_up()
    for process in (runner.process, server):
        _stop(process)
    return 0 if server.returncode in (0, -signal.SIGTERM) else 1


class _Runner:
    """The warm runner beside the server: started once the server answers, again when it ends."""

    def __init__(self, socket_path: Path, api_url: str) -> None:
        from flows.warm_runner import warm_start_enabled

        self.socket_path = socket_path
        self.api_url = api_url
        self.enabled = warm_start_enabled()
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.failures = 0

    def keep_up(self) -> None:
        if not self.enabled or self.failures >= RUNNER_FAILURES:
            return
        if self.process is not None:
            if self.process.poll() is None:
                return
            lived = time.monotonic() - self.started
            ok = self.process.returncode == 0 or lived >= RUNNER_SETTLED_S
            self.failures = 0 if ok else self.failures + 1
            self.process = None
            if self.failures >= RUNNER_FAILURES:
                print(f"warm runner failed {self.failures} times; runs start cold",
                      file=sys.stderr, flush=True)  # fmt: skip
                return
        elif not is_healthy(self.api_url):
            return  # the server first: the runner's imports would slow its start
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "flows.warm_runner", str(self.socket_path)],
            stdin=subprocess.DEVNULL,
        )


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


if __name__ == "__main__":
    sys.exit(main())
