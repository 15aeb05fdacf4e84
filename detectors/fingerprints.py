"""What an input file was when it was profiled, so a delivery can prove it reads the same data.

A fingerprint is the file's size, modification time, inode and SHA-256. The digest is computed
once per process for an unchanged file (`reading.file_sha256` remembers it by path, inode, size
and mtime), so checking an unchanged input again costs a `stat`; a file replaced in place (new
inode), rewritten (new mtime) or truncated is hashed again and no longer matches.
"""

from __future__ import annotations

from pathlib import Path

from detectors.findings import InputFingerprint
from detectors.reading import file_sha256


def fingerprint(path: Path) -> InputFingerprint:
    """The fingerprint of the file at `path` now (raises FileNotFoundError when it is gone)."""
    path = Path(path)
    stat = path.stat()
    digest = file_sha256(path)
    return InputFingerprint(str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino, digest)


def changed_since(expected: InputFingerprint, path: Path) -> str | None:
    """Why the file at `path` is not the one `expected` describes, or None when it is.

    The reason names the file and what differs, never its content.
    """
    try:
        now = fingerprint(path)
    except FileNotFoundError:
        return f"input {Path(path).name} vanished after it was profiled"
    if now.sha256 != expected.sha256 or now.size != expected.size:
        return (
            f"input {Path(path).name} changed after it was profiled "
            f"(SHA-256 {expected.sha256[:12]}… then, {now.sha256[:12]}… now)"
        )
    return None
