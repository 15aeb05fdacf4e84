"""What an input file was when it was profiled, so a delivery can prove it reads the same data.

A fingerprint is the file's size, modification time, inode and SHA-256. The digest is computed
once per process for an unchanged file (`reading.file_sha256` remembers it by path, inode, size
and mtime), so checking an unchanged input again costs a `stat`; a file replaced in place (new
inode), rewritten (new mtime) or truncated is hashed again and no longer matches.

An object (`s3://…`) has no inode: its fingerprint holds its size, its store version (ETag and,
on a versioned bucket, version id) and a digest of both (`reading.file_sha256`); checking it
again costs one HEAD request, and an object rewritten with other bytes gets another ETag.
"""

from __future__ import annotations

from detectors.findings import InputFingerprint
from detectors.reading import file_sha256
from storage import Location, as_location, file_state


def fingerprint(path: Location | str) -> InputFingerprint:
    """The fingerprint of the file or object at `path` now (raises FileNotFoundError when it is
    gone)."""
    path = as_location(path)
    state = file_state(path)
    digest = file_sha256(path)
    return InputFingerprint(str(path), state.size, state.mtime_ns, state.inode, digest,
                            state.version)  # fmt: skip


def changed_since(expected: InputFingerprint, path: Location | str) -> str | None:
    """Why the file at `path` is not the one `expected` describes, or None when it is.

    The reason names the file and what differs, never its content.
    """
    try:
        now = fingerprint(path)
    except FileNotFoundError:
        return f"input {as_location(path).name} vanished after it was profiled"
    if now.sha256 != expected.sha256 or now.size != expected.size:
        return (
            f"input {as_location(path).name} changed after it was profiled "
            f"(SHA-256 {expected.sha256[:12]}… then, {now.sha256[:12]}… now)"
        )
    return None
