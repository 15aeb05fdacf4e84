"""Faults injected into real `teleprivacy run` processes. The invariant: what is published under
`deliveries/<name>/` is one run's complete, verified parts, otherwise nothing; a killed run leaves
no process behind and the next run no litter; errors the user can fix exit 2 with one line.

The configuration has one delivery of two parts (a CDR dataset split into two files). The
subprocesses share one Prefect home (its database is created once) and start Prefect's temporary
API server themselves, as a user's would.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from redaction.dictionary import DOCUMENTS
from redaction.publish import folder_sha256

BIN = Path(sys.executable).parent
KEY = "fault-key-0123456789abcdef0123456789abcdef"
NAME = "cdr-quality"
ROWS = 12_000  # two parts of 6,000 calls: long enough to be killed while they are written
CONFIG = f"""policy: voipms
datasets:
  - {{name: cdr, kind: cdr, path: data/*.csv}}
deliveries:
  - {{name: {NAME}, dataset: cdr, recipient: acme-analytics, recipient_class: analytics_vendor,
     purpose: service_quality}}
key: {{env: TELEPRIVACY_KEY}}
"""


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """Two CDR files of generated calls beside the configuration."""
    import synthetic

    generated = synthetic.generate("cdr", ROWS, tmp_path / "generated", seed=11)
    header, *rows = generated.data_path.read_text(encoding="utf-8").splitlines(keepends=True)
    half = len(rows) // 2
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cdr-a.csv").write_text(header + "".join(rows[:half]), encoding="utf-8")
    (tmp_path / "data" / "cdr-b.csv").write_text(header + "".join(rows[half:]), encoding="utf-8")
    (tmp_path / "faults.yaml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def _env(prefect_home: Path) -> dict[str, str]:
    env = {**os.environ, "TELEPRIVACY_KEY": KEY, "PREFECT_HOME": str(prefect_home)}
    for name in ("PREFECT_API_URL", "TELEPRIVACY_DEBUG"):
        env.pop(name, None)  # Prefect's temporary server, started by the run; no tracebacks
    return env


def _run(workspace: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "teleprivacy"), "run", "faults.yaml", "--out", "out", *args],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=400,
    )  # fmt: skip


def _digest(folder: Path) -> str | None:
    """The published delivery's digest, or None when nothing is published."""
    try:
        return folder_sha256(folder)
    except FileNotFoundError:
        return None  # absent, or gone while it was read (a rename of the protocol)


def _report(workspace: Path) -> dict:
    report = json.loads((workspace / "out" / "reports" / "report.json").read_text("utf-8"))
    (delivery,) = report["deliveries"]
    return delivery


def _history(workspace: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(workspace / "out/reports/history.sqlite")) as db:
        return [status for (status,) in db.execute("SELECT status FROM runs ORDER BY started_at")]


def _litter(workspace: Path) -> list[str]:
    """Anything under deliveries/ but the parts: staging folders, temp files, old layouts."""
    root = workspace / "out" / "deliveries"
    parts = root / NAME
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if parts not in (p, p.parent))


def _survivors(processes: list[psutil.Process], timeout_s: float) -> list[str]:
    """The processes still running (zombies excluded) after waiting up to `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        alive = []
        for proc in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{proc.pid} {' '.join(proc.cmdline())[:120]}")
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _assert_one_line_error(stderr: str, *expected: str) -> None:
    errors = [line for line in stderr.splitlines() if line.startswith("teleprivacy: error:")]
    assert len(errors) == 1, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    for text in expected:
        assert text in errors[0]


@pytest.mark.slow
def test_kill_9_mid_delivery_then_rerun(workspace: Path, prefect_home: Path):
    """A run is killed (`kill -9`) at a random moment while its two parts are staged or
    published: nothing or the whole delivery is published, no process of the killed run survives
    it (its temporary API server included), and the next run publishes exactly its own parts and
    leaves no litter. TELEPRIVACY_FAULT_SEED replays a failure."""
    seed = int(os.environ.get("TELEPRIVACY_FAULT_SEED", random.randrange(1 << 20)))
    delay = random.Random(seed).uniform(0.0, 1.0)
    env = _env(prefect_home)
    target = workspace / "out" / "deliveries" / NAME
    staging = workspace / "out" / "deliveries" / ".staging" / NAME
    killed = subprocess.Popen(
        [str(BIN / "teleprivacy"), "run", "faults.yaml", "--out", "out"],
        cwd=workspace, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while not any(p.is_dir() for p in (staging.glob("*") if staging.exists() else ())):
        assert killed.poll() is None, "the run ended before it staged anything"
        assert time.monotonic() < deadline, "the run staged nothing in 300 s"
        time.sleep(0.01)
    time.sleep(delay)
    family = psutil.Process(killed.pid).children(recursive=True)
    assert any("uvicorn" in " ".join(p.cmdline()) for p in family), "no temporary API server"
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    at_kill = _digest(target)
    assert _survivors(family, timeout_s=10) == [], f"seed {seed}"

    again = _run(workspace, env)
    assert again.returncode == 0, again.stderr[-3000:]
    after = _digest(target)
    assert after == _report(workspace)["output_sha256"]
    assert at_kill in (None, after), f"seed {seed}: an incomplete delivery was published"
    assert sorted(p.name for p in target.iterdir()) == sorted([
        f"{NAME}-part0000.parquet",
        f"{NAME}-part0001.parquet",
        *DOCUMENTS,  # the data dictionary, published with the parts
    ])
    assert _litter(workspace) == [], f"seed {seed}"
    # The killed run started (it staged parts), so it has a row: `interrupted` once the rerun
    # started, or its outcome if it was killed after recording it.
    *killed_run, rerun = _history(workspace)
    assert rerun in ("ok", "needs_review") and len(killed_run) == 1, f"seed {seed}"
    assert killed_run[0] in ("interrupted", "ok", "needs_review"), f"seed {seed}"


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True)
    if os.geteuid() != 0:
        return False
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True)  # fmt: skip
    return mounted.returncode == 0


# Where no tmpfs can be mounted, the run's own process gets a writer that fails like a full disk.
FULL_DISK = """
import errno, sys
import pyarrow.parquet as pq
class FullDisk(pq.ParquetWriter):
    def write_batch(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "Error writing bytes to file")
pq.ParquetWriter = FullDisk
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
def test_disk_full_publishes_nothing_and_still_reports(workspace: Path, prefect_home: Path):
    """The deliveries folder is on a full disk (a 512 KiB tmpfs: room for one part of
    about 350 KiB, not for two):
    nothing is published, nothing is left in it, exit 2 with one line and no traceback, and the
    report and the history record the run and say so."""
    deliveries = workspace / "out" / "deliveries"
    env = _env(prefect_home)
    mounted = _mount_tmpfs(deliveries, "512k")
    try:
        if mounted:
            result = _run(workspace, env)
        else:
            command = [sys.executable, "-c", FULL_DISK, "run", "faults.yaml", "--out", "out"]
            result = subprocess.run(command, cwd=workspace, env=env, capture_output=True,
                                    text=True, timeout=400)  # fmt: skip
        assert result.returncode == 2, result.stderr[-3000:]
        _assert_one_line_error(result.stderr, f"delivery {NAME}:", "No space left on device")
        assert list(deliveries.iterdir()) == []
    finally:
        if mounted:
            subprocess.run(["umount", str(deliveries)], check=True)
    delivery = _report(workspace)
    assert delivery["status"] == "blocked" and delivery["output_path"] is None
    assert delivery["blockers"][0].startswith("The delivery failed: cannot write the output")
    assert delivery["blockers"][-1] == f"Nothing was published under deliveries/{NAME}."
    assert _history(workspace) == ["failed"]


@pytest.mark.parametrize("problem", ["file", "read-only"])
def test_an_unusable_out_folder_is_one_line_exit_2(workspace: Path, prefect_home, problem):
    """`--out` naming a file, or a read-only folder: exit 2 before any server starts, one line
    naming the folder and what to do, no traceback."""
    out = workspace / "out"
    if problem == "file":
        out.write_text("not a folder", encoding="utf-8")
        expected = "is a file; give --out a folder"
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to mount a read-only file system")
        out.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(out)],
                       check=True)  # fmt: skip
        expected = "cannot be written (Read-only file system)"
    try:
        result = _run(workspace, _env(prefect_home))
    finally:
        if problem == "read-only":
            subprocess.run(["umount", str(out)], check=True)
    assert result.returncode == 2, result.stderr[-3000:]
    assert result.stderr.count("\n") == 1, result.stderr
    _assert_one_line_error(result.stderr, f"the output folder {out.name}", expected)


def test_a_denied_delivery_reports_the_parts_it_withdrew(tmp_path: Path):
    """The policy now denies a delivery an earlier run published: the report's blockers say the
    earlier parts were removed, after the policy's own reasons; nothing is reported as output."""
    from policy.decisions import DeliveryDecision, DeliveryStatus
    from redaction.publish import publishing
    from reports.deliveries import build_delivery_report

    earlier = tmp_path / "deliveries" / NAME
    earlier.mkdir(parents=True)
    for part in (0, 1):
        (earlier / f"{NAME}-part{part:04d}.parquet").write_bytes(b"PAR1")
    with publishing(tmp_path / "deliveries", NAME) as stage:
        withdrawn = stage.deny()
    decision = DeliveryDecision(
        delivery=NAME, dataset="cdr", recipient="promo-partners",
        recipient_class="marketing_partner", purpose="marketing", legal_basis=None,
        status=DeliveryStatus.DENIED, fields=(), denial_reasons=("No clause allows marketing.",),
    )  # fmt: skip
    report = build_delivery_report(decision, withdrawn, [])
    assert report.status.value == "denied" and report.output_path is None
    assert report.blockers == (
        "No clause allows marketing.",
        f"Nothing was published under deliveries/{NAME}; the 2 part(s) an earlier run had "
        "published there were removed.",
    )
    assert not earlier.exists()


# The run's own process: the billing file is deleted just as its profiling starts.
VANISHING_INPUT = """
import sys
import detectors
profile_dataset = detectors.profile_dataset
def vanishing(name, kind, paths, *args, **kwargs):
    if name == "billing":
        for path in paths:
            path.unlink()
    return profile_dataset(name, kind, paths, *args, **kwargs)
detectors.profile_dataset = vanishing
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""
TWO_DATASETS = f"""policy: voipms
datasets:
  - {{name: cdr, kind: cdr, path: data/cdr-a.csv}}
  - {{name: billing, kind: billing, path: billing/billing.csv}}
deliveries:
  - {{name: {NAME}, dataset: cdr, recipient: acme-analytics, recipient_class: analytics_vendor,
     purpose: service_quality}}
  - {{name: billing-debt, dataset: billing, recipient: northside-collections,
     recipient_class: debt_collector, purpose: debt_recovery}}
key: {{env: TELEPRIVACY_KEY}}
"""


@pytest.mark.slow
def test_an_input_vanishing_while_profiled_fails_its_dataset_not_the_run(
    workspace: Path, prefect_home: Path
):
    """The billing input is deleted as its profiling starts: exit 2 with one line naming the
    dataset and the file, no traceback; the CDR delivery is still published; the report says
    the run failed, why, and that nothing was published for billing; the history has the run."""
    import synthetic

    synthetic.generate("billing", 60, workspace / "billing", seed=5)
    (workspace / "two.yaml").write_text(TWO_DATASETS, encoding="utf-8")
    command = [sys.executable, "-c", VANISHING_INPUT, "run", "two.yaml", "--out", "out"]
    result = subprocess.run(command, cwd=workspace, env=_env(prefect_home), capture_output=True,
                            text=True, timeout=400)  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    _assert_one_line_error(result.stderr, "dataset billing: ", "billing.csv: No such file")
    report = json.loads((workspace / "out" / "reports" / "report.json").read_text("utf-8"))
    assert report["run"]["status"] == "failed"
    (error,) = report["run"]["errors"]
    assert error.startswith("dataset billing: ") and "billing.csv: No such file" in error
    deliveries = {d["name"]: d for d in report["deliveries"]}
    assert deliveries[NAME]["status"] == "delivered"
    assert _digest(workspace / "out" / "deliveries" / NAME) is not None
    debt = deliveries["billing-debt"]
    assert debt["status"] == "blocked" and debt["output_path"] is None
    assert debt["blockers"] == [
        f"The delivery failed: {error}",
        "Nothing was published under deliveries/billing-debt.",
    ]
    assert [d["name"] for d in report["datasets"]] == ["cdr"]
    assert sorted(p.name for p in (workspace / "out" / "deliveries").iterdir()) == [NAME]
    assert _history(workspace) == ["failed"]
