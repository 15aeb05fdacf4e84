"""A CDR delivery of N rows through the real CLI: wall time, rows/s and peak memory.

    python -m bench.cli_delivery --rows 10000000

Generates the CDR once under bench/results/ (reused when present), runs `teleprivacy run` on a
one-delivery configuration (pseudonymize src/dst/clid, generalize IP and timestamps per the
voipms pack) as a child process, and reads the child's peak RSS from the kernel. Prints numbers;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CONFIG = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: cdr.csv}
deliveries:
  - name: cdr-quality
    dataset: cdr
    recipient: acme-analytics
    recipient_class: analytics_vendor
    purpose: service_quality
"""


def _dataset(rows: int) -> Path:
    import synthetic

    folder = RESULTS / f"cdr-{rows}"
    if not (folder / "cdr.csv").exists():
        started = time.perf_counter()
        synthetic.generate("cdr", rows, folder, seed=1)
        print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s")
    (folder / "pipeline.yaml").write_text(CONFIG, encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = _dataset(args.rows)
    env = {**os.environ, "TELEPRIVACY_KEY": os.environ.get("TELEPRIVACY_KEY", "bench-" + "k" * 40)}
    out = folder / "out"
    cli = Path(sys.executable).with_name("teleprivacy")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(cli), "run", "pipeline.yaml", "--out", str(out)], cwd=folder, env=env,
        capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    size_mib = (folder / "cdr.csv").stat().st_size / 2**20
    print(f"rows: {args.rows:,}  input: {size_mib:,.0f} MiB CSV  exit: {proc.returncode}")
    print(f"wall: {wall:.1f} s  rate: {args.rows / wall:,.0f} rows/s (incl. Prefect start-up)")
    print(f"peak RSS of the CLI process tree's largest process: {peak_mib:,.0f} MiB")
    if proc.returncode not in (0, 3):
        print(proc.stderr[-3000:])


if __name__ == "__main__":
    main()
