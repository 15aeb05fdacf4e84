"""The local folder a run keeps beside an object-store `--out`.

A run writes some things that cannot live in object storage: Prefect's database, the run
history (SQLite), the lock and the scratch copies of parts before they are uploaded. With a
local `--out` they live in it, as always; with `--out s3://bucket/prefix` they live in
`$TELEPRIVACY_WORK_DIR/<scheme>/<bucket>/<prefix>` (default `.teleprivacy/work/…` under the
current folder), so two outputs never share one.
"""

from __future__ import annotations

import os
from pathlib import Path

from storage.locations import Location

WORK_ENV = "TELEPRIVACY_WORK_DIR"
DEFAULT_WORK_DIR = Path(".teleprivacy") / "work"


def work_dir(out: Location) -> Path:
    """`out` itself when it is local; the local folder kept for an object-store `out`."""
    if isinstance(out, Path):
        return out
    base = Path(os.environ.get(WORK_ENV) or DEFAULT_WORK_DIR).expanduser()
    return (base / out.scheme / out.bucket / out.key).absolute()
