"""Soak: the demo configuration run again and again through the real `teleprivacy run`, with
random faults — `kill -9` at a random moment, an input removed or changed mid-run, a failing
write — and clean runs in between. After every run the invariants of issue 15 hold:

- published: each `deliveries/<name>/` holds exactly what the run report vouches for (the digest
  of a delivered delivery; nothing for a blocked, denied or failed one). After a kill, a folder
  that is there is complete and verified: its one part has the digest a report or a manifest
  recorded after verification; a half-written or unverified part is never published.
- no litter: no temporary, staging, aside or probe files once a run has got through its
  deliveries (a killed run's leftovers are the next run's to remove).
- no leftover processes: nothing started by a run (its Prefect API server, its supervised
  child) outlives it, found by a marker in the environment and by working folder.
- a complete history: every run that started has one row in the run history, with its outcome
  (`interrupted` for a killed run once the next run has started); a run stopped before it
  started (an input missing at the preflight) has none.
- exit statuses: 3 for a clean run (the demo denies two deliveries on purpose), 2 with one
  `teleprivacy: error:` line when a fault stopped something, never 1.

The runs go in rounds: the three faults (a kill, an input removed or changed, a failing write) in
a random order, then a clean run; the last run is always clean. TELEPRIVACY_SOAK_RUNS sets how
many runs (default 4: each fault once, then the clean rerun; 80-90 s here);
TELEPRIVACY_SOAK_SEED replays a failure (the seed is printed, and named in every assertion).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from redaction.dictionary import DOCUMENTS
from redaction.publish import folder_sha256

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
RUNS = int(os.environ.get("TELEPRIVACY_SOAK_RUNS", "4"))
ROWS = {"cdr": 120, "billing": 60, "tickets": 30}
DATA = {kind: Path("data") / kind / f"{kind}.{'jsonl' if kind == 'tickets' else 'csv'}"
        for kind in ROWS}  # fmt: skip
FAULTS = ("kill", "input", "fail-write")  # input: removed or changed, at random
MARK_ENV = "TELEPRIVACY_SOAK_MARK"
LITTER = re.compile(r"\.tmp-|\.tmp$|\.gate-|\.reuse-|teleprivacy-probe|^\.staging$|\.old$")
PART = re.compile(r"^(?P<name>[a-z0-9-]+)-part\d{4}\.(parquet|csv)$")
PARTITIONED = re.compile(r"^day=[0-9]{4}-[0-9]{2}-[0-9]{2}/part-\d+\.(parquet|csv)$")
# Started by the soak's runs only: writers that fail as on a full disk (see `_fail_writes`).
FAIL_WRITES_ENV = "TELEPRIVACY_SOAK_FAIL_WRITES"
SITECUSTOMIZE = f"""
import os
if os.environ.get({FAIL_WRITES_ENV!r}):
    import errno
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    class FullDisk:
        def __init__(self, writer):
            self._writer = writer
        def write_batch(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")
        def __getattr__(self, name):
            return getattr(self._writer, name)

    def failing(cls):
        return lambda *args, **kwargs: FullDisk(cls(*args, **kwargs))

    pq.ParquetWriter = failing(pq.ParquetWriter)
    pacsv.CSVWriter = failing(pacsv.CSVWriter)
"""


@dataclass
class Soak:
    """The workspace, the random generator and what the runs so far established."""

    root: Path
    rng: random.Random
    seed: int
    env: dict[str, str]
    baseline: dict[Path, bytes]  # each input's current content (restored after a removal)
    verified: dict[str, set[str]] = field(default_factory=dict)  # digests vouched for, by name
    history: list[tuple[str, str]] = field(default_factory=list)  # (run id, status) so far
    durations: list[float] = field(default_factory=list)  # of runs that were not killed
    log: list[str] = field(default_factory=list)

    @property
    def out(self) -> Path:
        return self.root / "out"

    def say(self, line: str) -> str:
        """`line` prefixed with the seed, kept for the failure message and printed."""
        text = f"[soak seed {self.seed}] {line}"
        self.log.append(text)
        print(text, flush=True)
        return text

    def moment(self) -> float:
        """A random moment of a run: from its start to the length of the shortest whole run
        so far (the first run, which profiles everything, is the longest)."""
        return self.rng.uniform(0.2, min(self.durations, default=20.0))


@dataclass
class Run:
    kind: str
    code: int
    output: str
    seconds: float
    started: bool  # the flow began: it must be in the history
    past_start: bool  # it logged after recording its start (a killed run: it must be there)

    @property
    def killed(self) -> bool:
        """Killed before it ended (a kill that came too late leaves a whole run)."""
        return self.code == -signal.SIGKILL


@pytest.fixture()
def soak(tmp_path: Path) -> Soak:
    """The demo's data and configuration, and a failing-writer hook. The runs use the test
    session's Prefect home (tests/conftest.py), whose database is then created once."""
    import synthetic
    from flows.commands import DEMO_CONFIG

    seed = int(os.environ.get("TELEPRIVACY_SOAK_SEED", random.randrange(1 << 30)))
    root = tmp_path / "work"
    for kind, rows in ROWS.items():
        synthetic.generate(kind, rows, root / "data" / kind, seed=7)
    (root / "demo.yaml").write_text(DEMO_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {
        **os.environ,
        "TELEPRIVACY_KEY": "soak-key-0123456789abcdef0123456789abcdef",
        "PYTHONPATH": str(hooks),
        MARK_ENV: uuid.uuid4().hex,
    }
    for name in ("PREFECT_API_URL", "TELEPRIVACY_DEBUG", FAIL_WRITES_ENV):
        env.pop(name, None)  # each run starts its own temporary API server, as a user's does
    baseline = {root / path: (root / path).read_bytes() for path in DATA.values()}
    return Soak(root, random.Random(seed), seed, env, baseline)


def test_soak_demo_runs_with_random_faults(soak: Soak):
    """The demo configuration, run TELEPRIVACY_SOAK_RUNS times with random faults (each kind of
    fault once per round, a clean run after each round): every invariant holds after every run,
    and the last run, clean, converges."""
    soak.say(f"{RUNS} runs; replay with TELEPRIVACY_SOAK_SEED={soak.seed}")
    kinds = [
        soak.rng.choice(("remove", "change")) if kind == "input" else kind
        for kind in _schedule(soak.rng, RUNS)
    ]
    began = time.monotonic()
    for number, kind in enumerate(kinds, 1):
        before = _published(soak)
        run = _run(soak, kind)
        where = soak.say(
            f"run {number}/{len(kinds)} {kind}: exit {run.code} after {run.seconds:.1f} s"
        )
        _check_exit(run, where)
        _check_processes(soak, where)
        _check_history(soak, run, where)
        _check_published(soak, run, before, where)
        if run.started and not run.killed:
            _check_litter(soak, where)
        if not run.killed:
            soak.durations.append(run.seconds)
    soak.say(f"{len(kinds)} runs in {time.monotonic() - began:.0f} s")


def _schedule(rng: random.Random, runs: int) -> list[str]:
    """Rounds of the faults in a random order, each round ending with a clean run; the last run
    is clean whatever the count (the rerun that must converge)."""
    kinds: list[str] = []
    while len(kinds) < runs - 1:
        kinds += [*rng.sample(FAULTS, len(FAULTS)), "clean"]
    return [*kinds[: max(runs - 1, 0)], "clean"]


# --- one run ----------------------------------------------------------------------------------


def _run(soak: Soak, kind: str) -> Run:
    """Start `teleprivacy run`, apply the fault at a random moment, wait for the end."""
    env = dict(soak.env)
    target = soak.rng.choice(sorted(soak.baseline))
    if kind == "fail-write":
        _change(soak, target, atomic=True)  # its deliveries must be written again: and fail
        env[FAIL_WRITES_ENV] = "1"
        soak.say(f"fail-write: {target.relative_to(soak.root)} changed before the run")
    output = soak.root / "run.log"
    began = time.monotonic()
    with output.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [str(BIN / "teleprivacy"), "run", "demo.yaml", "--out", "out"],
            cwd=soak.root, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            code = _fault(soak, kind, target, process)
        finally:
            if process.poll() is None:  # the test failed: its run goes (its group with it)
                process.kill()
    seconds = time.monotonic() - began
    if kind == "remove" and not target.exists():
        target.write_bytes(soak.baseline[target])  # back for the next run
    text = output.read_text(encoding="utf-8", errors="replace")
    started = "Beginning flow run" in text
    return Run(kind, code, text, seconds, started, "pipeline: 3 datasets" in text)


def _fault(soak: Soak, kind: str, target: Path, process: subprocess.Popen) -> int:
    """Kill the run, remove `target` or change it at a random moment; the run's exit status."""
    if kind in ("kill", "remove", "change"):
        delay = soak.moment()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=delay)
        what = f"{kind} at {delay:.1f} s"
        if kind != "kill":
            what = f"{kind} {target.relative_to(soak.root)} at {delay:.1f} s"
        if process.poll() is not None:
            soak.say(f"{what}: too late, the run had ended")
        elif kind == "kill":
            soak.say(what)
            process.send_signal(signal.SIGKILL)
        elif kind == "remove":
            soak.say(what)
            target.unlink()
        else:
            atomic = soak.rng.random() < 0.5
            soak.say(f"{what} ({'renamed over it' if atomic else 'rewritten in place'})")
            _change(soak, target, atomic)
    return process.wait(timeout=400)


def _change(soak: Soak, path: Path, atomic: bool) -> None:
    """One record fewer (a random one, never the header): the input's new content."""
    lines = soak.baseline[path].splitlines(keepends=True)
    first = 0 if path.suffix == ".jsonl" else 1
    del lines[soak.rng.randrange(first, len(lines))]
    content = b"".join(lines)
    soak.baseline[path] = content
    if atomic:
        temp = path.with_name(f".soak-{uuid.uuid4().hex[:8]}")
        temp.write_bytes(content)
        os.replace(temp, path)
    else:
        path.write_bytes(content)


# --- invariants -------------------------------------------------------------------------------


def _check_exit(run: Run, where: str) -> None:
    """3 for a clean run; 2 (one error line) or 3 for a fault; -9 for a kill; never 1."""
    tail = run.output[-4000:]
    if run.killed:
        return
    allowed = {"clean": {3}}.get(run.kind, {2, 3})
    assert run.code in allowed, f"{where}\n{tail}"
    errors = [line for line in run.output.splitlines() if line.startswith("teleprivacy: error:")]
    assert len(errors) == (1 if run.code == 2 else 0), f"{where}\n{tail}"
    if run.kind == "fail-write" and run.code == 2:
        assert "No space left on device" in errors[0], where


def _check_processes(soak: Soak, where: str) -> None:
    """Nothing a run started is still running 10 s after it ended (zombies aside)."""
    deadline = time.monotonic() + 10
    while True:
        alive = _marked(soak)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert alive == [], f"{where}: left running: {alive}"


def _marked(soak: Soak) -> list[str]:
    """Processes carrying this soak's environment marker or working in its folder."""
    mark = soak.env[MARK_ENV]
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd", "status"]):
        with contextlib.suppress(psutil.Error):
            if proc.pid == os.getpid() or proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            inside = (proc.info["cwd"] or "").startswith(str(soak.root))
            if inside or proc.environ().get(MARK_ENV) == mark:
                found.append(f"{proc.pid} {' '.join(proc.info['cmdline'] or [])[:100]}")
    return found


def _rows(soak: Soak) -> list[tuple[str, str]]:
    path = soak.root / "reports" / "history.sqlite"  # the demo's `history:` setting
    if not path.exists():
        return []
    with contextlib.closing(sqlite3.connect(path)) as db:
        query = "SELECT run_id, status FROM runs ORDER BY started_at, run_id"
        return [(str(run_id), str(status)) for run_id, status in db.execute(query)]


def _report(soak: Soak) -> dict | None:
    path = soak.out / "reports" / "report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _check_history(soak: Soak, run: Run, where: str) -> None:
    """One row per run that started, with its outcome; earlier rows keep theirs, except that a
    killed run's `running` becomes `interrupted` when the next run starts."""
    rows = _rows(soak)
    old, new = rows[: len(soak.history)], rows[len(soak.history) :]
    assert [run_id for run_id, _ in old] == [run_id for run_id, _ in soak.history], where
    for (run_id, was), (_, now) in zip(soak.history, old, strict=True):
        changed = was != now
        assert not changed or (was == "running" and now == "interrupted"), (where, run_id)
    if run.killed:  # a row once it recorded its start: certainly once it logged after that
        assert len(new) <= int(run.started) and len(new) >= int(run.past_start), where
    else:
        assert len(new) == int(run.started), f"{where}: history {rows}"
    if run.started and not run.killed:
        report = _report(soak)
        assert report is not None, where
        assert new == [(report["run"]["run_id"], report["run"]["status"])], where
        assert all(status != "running" for _, status in rows), f"{where}: {rows}"
        _check_report(report, run, where)
    soak.history = rows


def _check_report(report: dict, run: Run, where: str) -> None:
    """The report validates; exit 2 is a failed run with its error lines, 3 a blocked one."""
    from reports import validate_report

    validate_report(report)
    status, errors = report["run"]["status"], report["run"]["errors"]
    if run.code == 2:
        assert status == "failed" and errors, where
        line = next(x for x in run.output.splitlines() if x.startswith("teleprivacy: error:"))
        assert line == "teleprivacy: error: " + "; and ".join(errors), where
    else:
        assert (status, errors) == ("blocked", []), where


def _published(soak: Soak) -> dict[str, str | None]:
    """Each delivery folder's digest as a report states it (the file's for one part, the
    folder's for day partitions), or None; folders holding anything else than that and the
    data dictionary are listed by name."""
    root = soak.out / "deliveries"
    state: dict[str, str | None] = {}
    for folder in sorted(root.iterdir()) if root.is_dir() else ():
        if folder.name.startswith("."):
            continue
        documents = sorted(f.name for f in folder.iterdir() if f.name in DOCUMENTS)
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                       if p.is_file() and p.name not in DOCUMENTS)  # fmt: skip
        flat = len(files) == 1 and PART.match(files[0])
        days = files and all(PARTITIONED.match(f) for f in files)
        if documents != sorted(DOCUMENTS) or not (flat or days):
            state[folder.name] = f"not one part: {files}"
        elif len(files) == 1:
            state[folder.name] = _sha256(folder / files[0])
        else:
            state[folder.name] = folder_sha256(folder)
    return state


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest_digests(soak: Soak) -> dict[str, set[str]]:
    """The digests recorded after verification in the delivery manifests, by delivery."""
    found: dict[str, set[str]] = {}
    root = soak.out / ".state" / "manifests"
    for manifest in root.glob("*/*.manifest.json") if root.is_dir() else ():
        with contextlib.suppress(OSError, ValueError, KeyError):
            digest = json.loads(manifest.read_text(encoding="utf-8"))["result"]["output_sha256"]
            if digest:
                found.setdefault(manifest.parent.name, set()).add(digest)
    return found


def _check_published(soak: Soak, run: Run, before: dict[str, str | None], where: str) -> None:
    """What the report vouches for is published, and nothing else; after a kill, whatever is
    published is one complete part that verification produced."""
    now = _published(soak)
    for name, digests in _manifest_digests(soak).items():
        soak.verified.setdefault(name, set()).update(digests)
    report = _report(soak)
    if run.started and not run.killed and report is not None:
        delivered = [d for d in report["deliveries"] if d["status"] == "delivered"]
        vouched = {d["name"]: d["output_sha256"] for d in delivered}
        assert now == vouched, f"{where}: published {now}, report {vouched}"
        for name, digest in vouched.items():
            soak.verified.setdefault(name, set()).add(digest)
    elif not run.started:
        assert now == before, f"{where}: a run that never started changed {before} to {now}"
    else:
        unverified = {n: d for n, d in now.items() if d not in soak.verified.get(n, set())}
        assert unverified == {}, f"{where}: published but never verified: {unverified}"


def _check_litter(soak: Soak, where: str) -> None:
    """No temporary, staging, aside or probe file anywhere under the output folder."""
    litter = sorted(
        str(path.relative_to(soak.out))
        for path in soak.out.rglob("*")
        if LITTER.search(path.name) and "prefect" not in path.parts
    )
    assert litter == [], f"{where}: {litter}"
