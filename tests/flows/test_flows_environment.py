"""Process defaults set before Prefect starts."""

from __future__ import annotations

import os
from pathlib import Path

from flows.environment import configure_environment, ensure_prefect_home


def test_state_folders_exist_before_prefect_opens_its_database(tmp_path: Path, monkeypatch):
    """A new --out folder: Prefect's SQLite file must have a folder to live in."""
    chosen = ("PREFECT_HOME", "TLDEXTRACT_CACHE", "DASK_TEMPORARY_DIRECTORY")
    env = {k: v for k, v in os.environ.items() if k not in chosen}
    monkeypatch.setattr(os, "environ", env)
    state = tmp_path / "new-out" / ".state"
    configure_environment(state)
    assert env["PREFECT_HOME"] == str(state / "prefect")
    assert not (tmp_path / "new-out").exists()  # `check` and `scan` write nothing
    ensure_prefect_home()
    assert (state / "prefect").is_dir()
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_values_the_user_set_are_kept(tmp_path: Path, monkeypatch):
    """PREFECT_HOME chosen by the user wins over the --out default."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "mine")}
    monkeypatch.setattr(os, "environ", env)
    configure_environment(tmp_path / "out" / ".state")
    ensure_prefect_home()
    assert env["PREFECT_HOME"] == str(tmp_path / "mine")
    assert (tmp_path / "mine").is_dir() and not (tmp_path / "out").exists()


def test_a_killed_commands_probe_file_is_removed_by_the_next(tmp_path: Path):
    """`prepare_output` writes and removes a probe file; one left by a command killed in between
    (its pid gone) is removed by the next command, one of a live process is left alone."""
    import subprocess
    import sys

    from flows.environment import PROBE_PREFIX, prepare_output

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f"{PROBE_PREFIX}{gone.pid}"
    live = tmp_path / f"{PROBE_PREFIX}{os.getppid()}"
    for probe in (dead, live):
        probe.write_bytes(b"teleprivacy")
    prepare_output(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name]
