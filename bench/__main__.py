"""Run every benchmark with its default size: `python -m bench` (what `make bench` runs).

Each prints its own numbers and ratios against its Presidio baseline; see docs/benchmarks.md for
the figures measured so far. A single one: `python -m bench.<name> --help`.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = ("profile_cdr", "text_scan", "deliver_cdr", "cli_delivery")


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n== bench.{name} ==", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
