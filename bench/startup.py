"""Start-up of `teleprivacy run` on a small delivery, against `teleprivacy check` of the same
configuration.

    python -m bench.startup [--rows 100] [--repeat 3]

Times, each as a child process like a user's command: `check`; a first run in a fresh output
folder (it starts the local Prefect server and creates its database); later runs (warm: the
server and its warm runner are up, so the run is forked from a process with Prefect imported);
later runs with TELEPRIVACY_WARM_START=0 (the server only: each run a fresh process); a first run
after `teleprivacy server stop` (the database exists); and runs with
TELEPRIVACY_PREFECT_SERVER=ephemeral (Prefect's temporary server at every run, the behaviour
before the local server). Prints every time and the ratio warm run / check (the target: at most
3x). Stops the server it started. Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import cli_delivery

RESULTS = Path(__file__).resolve().parent / "results"
CLI = Path(sys.executable).with_name("teleprivacy")
# the delivery benchmark's configuration, with its key source said
CONFIG = cli_delivery.CONFIG + "key: {env: TELEPRIVACY_KEY}\n"
TARGET_RATIO = 3.0


def _workspace(rows: int) -> Path:
    import synthetic

    folder = RESULTS / f"startup-{rows}"
    if not (folder / "cdr.csv").exists():
        synthetic.generate("cdr", rows, folder, seed=1)
    (folder / "pipeline.yaml").write_text(CONFIG, encoding="utf-8")
    return folder


def _env(**extra: str) -> dict[str, str]:
    """The user's environment without a chosen Prefect API or home: the defaults under test."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.pop("TELEPRIVACY_PREFECT_SERVER", None)
    env.setdefault("TELEPRIVACY_KEY", "bench-" + "k" * 40)
    return env | extra


def _time(args: list[str], folder: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run([str(CLI), *args], cwd=folder, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode not in (0, 3):
        print(f"  `teleprivacy {' '.join(args)}` exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall


def _series(label: str, args: list[str], folder: Path, env: dict[str, str], n: int) -> float:
    times = [_time(args, folder, env) for _ in range(n)]
    median = statistics.median(times)
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"{label:<44} median {median:6.2f} s   ({shown})", flush=True)
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3, help="runs per warm series")
    args = parser.parse_args()
    folder = _workspace(args.rows)
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = _env()
    run = ["run", "pipeline.yaml", "--out", "out"]
    stop = ["server", "stop", "--out", "out"]
    print(f"{args.rows} CDR rows, one delivery (voipms cdr-quality); {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    try:
        check = _series("check", ["check", "pipeline.yaml"], folder, env, args.repeat)
        first = _series("run, first ever (starts server, new database)", run, folder, env, 1)
        ready = _wait_for_runner(folder, env)
        print(f"{'  warm runner ready after the first run':<44} {ready:13.2f} s", flush=True)
        warm = _series("run, warm (forked from the warm runner)", run, folder, env, args.repeat)
        cold = _series(
            "run, server up, TELEPRIVACY_WARM_START=0", run, folder,
            _env(TELEPRIVACY_WARM_START="0"), args.repeat,
        )  # fmt: skip
        _time(stop, folder, env)
        restart = _series("run, first after `server stop`", run, folder, env, 1)
    finally:
        _time(stop, folder, env)
    ephemeral = _series(
        "run, TELEPRIVACY_PREFECT_SERVER=ephemeral", run, folder,
        _env(TELEPRIVACY_PREFECT_SERVER="ephemeral"), 2,
    )  # fmt: skip
    ratio = warm / check
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"\nwarm run / check: {ratio:.2f}x (target <= {TARGET_RATIO:.0f}x: {verdict}); "
          f"server without warm start / check: {cold / check:.2f}x")  # fmt: skip
    print(f"first run costs {first:.1f} s ({first - warm:.1f} s over a warm run); after a "
          f"`server stop` {restart:.1f} s; an ephemeral run {ephemeral:.1f} s "
          f"({ephemeral / warm:.1f}x a warm run)")  # fmt: skip


def _wait_for_runner(folder: Path, env: dict[str, str], timeout_s: float = 120.0) -> float:
    """Seconds until `server status` reports the warm runner ready (it starts after the server,
    while the first run runs)."""
    started = time.perf_counter()
    command = [str(CLI), "server", "status", "--out", "out", "--json"]
    while time.perf_counter() - started < timeout_s:
        status = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        with contextlib.suppress(ValueError, KeyError):
            if json.loads(status.stdout)["local_server"]["warm_runner"]:
                break
        time.sleep(0.5)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
