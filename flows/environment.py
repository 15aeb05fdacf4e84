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
    # Task results may describe raw data; keep them in memory unless a task opts in.
    os.environ.setdefault("PREFECT_RESULTS_PERSIST_BY_DEFAULT", "false")
    if state_dir is not None:
        os.environ.setdefault("PREFECT_HOME", str(state_dir / "prefect"))
        os.environ.setdefault("TLDEXTRACT_CACHE", str(state_dir / "tldextract"))
        os.environ.setdefault("DASK_TEMPORARY_DIRECTORY", str(state_dir / "dask"))
    # Prefect's SQLite database cannot be opened in a folder that does not exist yet (a new
    # --out folder): create the state folders first.
    for name in ("PREFECT_HOME", "TLDEXTRACT_CACHE", "DASK_TEMPORARY_DIRECTORY"):
        if os.environ.get(name):
            Path(os.environ[name]).expanduser().mkdir(parents=True, exist_ok=True)
