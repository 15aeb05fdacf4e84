"""Process-wide defaults that must be in place before Prefect, Presidio or Dask are imported."""

from __future__ import annotations

import os
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
