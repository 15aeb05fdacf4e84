"""Storage: where inputs and outputs live. Local paths, and object stores through `pyarrow.fs`.

The seam every package reads and writes through (`docs/storage.md`). It imports nothing of the
project: `policy`, `detectors`, `redaction`, `reports` and `flows` may all use it.
"""

from __future__ import annotations

from storage.errors import (
    FilesystemUnavailableError,
    LocationError,
    ObjectAccessError,
    StorageError,
)
from storage.filesystems import (
    FileState,
    delete,
    delete_prefix,
    exists,
    file_state,
    filesystem,
    glob,
    list_objects,
    open_random_access,
    open_stream,
    probe_writable,
    read_bytes,
    reset_filesystems,
    upload,
    write_bytes,
)
from storage.locations import Location, ObjectPath, as_location, has_glob, is_remote, is_url
from storage.work import work_dir

__all__ = [
    "FileState", "FilesystemUnavailableError", "Location", "LocationError", "ObjectAccessError",
    "ObjectPath", "StorageError", "as_location", "delete", "delete_prefix", "exists",
    "file_state", "filesystem", "glob", "has_glob", "is_remote", "is_url", "list_objects",
    "open_random_access", "open_stream", "probe_writable", "read_bytes", "reset_filesystems",
    "upload", "work_dir", "write_bytes",
]  # fmt: skip
