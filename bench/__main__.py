"""Run every benchmark with its default size: `python -m bench` (what `make bench` runs).

Each prints its own numbers and ratios against its Presidio baseline; see docs/benchmarks.md for
the figures measured so far. A single one: `python -m bench.<name> --help`.
"""

from __future__ import annotations

import subprocess
import sys

# profile_cdr's Presidio baseline costs ~170 ms a row: a 1,000-row slice keeps it to minutes.
BENCHMARKS = {
    "profile_cdr": ["--presidio-rows", "1000"],
    "text_scan": [],
    "deliver_cdr": [],
    "cli_delivery": [],
    "startup": [],
    # Reads ../shared/realdata (exits 2 with the reason where it is absent); ~6 min in full.
    "detect_realdata": [],
}


def main() -> int:
    failed = []
    for name, args in BENCHMARKS.items():
        print(f"\n== bench.{name} {' '.join(args)} ==", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}", *args]).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
