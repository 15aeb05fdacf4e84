"""The filesystem behind a location, and what every reader and writer asks of it.

Local paths go through the operating system exactly as before this seam existed. An
`ObjectPath` goes through `pyarrow.fs` (`s3://` with `S3FileSystem`; `gs://`, `abfs://` and
the other schemes pyarrow's `FileSystem.from_uri` knows), or through fsspec for a scheme pyarrow
lacks when fsspec and the scheme's package are installed. One filesystem per scheme and bucket
is made per process.

Credentials: only the standard chain of each store. For S3 that is pyarrow's (the AWS SDK's):
`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`, `AWS_PROFILE` and the shared
config files, instance and container roles, and `AWS_ENDPOINT_URL`/`AWS_ENDPOINT_URL_S3` for an
S3-compatible server (passed as `endpoint_override` when pyarrow would not read it). Nothing
here logs or stores them; error messages are scrubbed of their values.

An object's identity is its ETag (and version id on a versioned bucket) with its size: objects
have no inode, and an ETag changes whenever the bytes do (`FileState.version`).
"""

from __future__ import annotations

import fnmatch
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.fs as pafs

from storage.errors import FilesystemUnavailableError, ObjectAccessError
from storage.locations import Location, ObjectPath, has_glob

# pyarrow's own schemes; anything else is tried through fsspec.
PYARROW_SCHEMES = frozenset({"s3", "gs", "gcs", "abfs", "abfss", "hdfs", "viewfs"})
ENDPOINT_ENVS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
_SECRET_ENVS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID",
                "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_SAS_TOKEN")  # fmt: skip
_COPY_CHUNK = 8 << 20
_FILESYSTEMS: dict[tuple[str, str], pafs.FileSystem] = {}
_LOCK = threading.Lock()
T = TypeVar("T")


@dataclass(frozen=True)
class FileState:
    """What changes when a file or object is rewritten: size, modification time, inode (0 for
    objects) and, for objects, the store's version: `etag "…"` plus ` version …` when the
    bucket keeps versions. Never the content."""

    size: int
    mtime_ns: int
    inode: int = 0
    version: str = ""


def filesystem(location: ObjectPath) -> pafs.FileSystem:
    """The pyarrow filesystem for `location`'s scheme and bucket (made once per process)."""
    cache_key = (location.scheme, location.bucket)
    with _LOCK:
        found = _FILESYSTEMS.get(cache_key)
        if found is None:
            found = _FILESYSTEMS[cache_key] = _make_filesystem(location)
    return found


def _make_filesystem(location: ObjectPath) -> pafs.FileSystem:
    if location.scheme == "s3":
        return _s3_filesystem(location)
    if location.scheme in PYARROW_SCHEMES:
        try:
            fs, _ = pafs.FileSystem.from_uri(location.url)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise FilesystemUnavailableError(
                f"{location.namespace}: pyarrow cannot open this store ({_reason(exc)}); check "
                "the URL and the store's standard credentials"
            ) from None
        return fs
    return _fsspec_filesystem(location)


def _s3_filesystem(location: ObjectPath) -> pafs.FileSystem:
    """pyarrow's S3 filesystem with the AWS chain; AWS_ENDPOINT_URL(_S3) as endpoint override
    (an S3-compatible server: MinIO, Ceph, moto), which also skips the bucket-region lookup."""
    endpoint = next((os.environ[e] for e in ENDPOINT_ENVS if os.environ.get(e)), None)
    try:
        if endpoint is None:
            fs, _ = pafs.FileSystem.from_uri(location.url)
            return fs
        scheme, _, host = endpoint.partition("://")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        return pafs.S3FileSystem(
            endpoint_override=host.rstrip("/") if host else endpoint,
            scheme=scheme if host else "https",
            region=region or "us-east-1",
        )
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise FilesystemUnavailableError(
            f"{location.namespace}: cannot open the S3 store ({_reason(exc)}); check the bucket "
            "name, AWS_ENDPOINT_URL and the AWS credentials chain (AWS_* variables, profile, role)"
        ) from None


def _fsspec_filesystem(location: ObjectPath) -> pafs.FileSystem:
    try:
        import fsspec
        from fsspec.registry import known_implementations

        if location.scheme not in known_implementations:
            raise ImportError(location.scheme)
        return pafs.PyFileSystem(pafs.FSSpecHandler(fsspec.filesystem(location.scheme)))
    except ImportError:
        raise FilesystemUnavailableError(
            f"{location.url}: no filesystem handles {location.scheme}:// here; supported: "
            f"local paths, {', '.join(sorted(PYARROW_SCHEMES))}:// (pyarrow), and schemes "
            "whose fsspec package is installed"
        ) from None


def reset_filesystems() -> None:
    """Forget the filesystems made so far (tests change AWS_ENDPOINT_URL between servers)."""
    with _LOCK:
        _FILESYSTEMS.clear()


# --- reading -------------------------------------------------------------------------------------


def file_state(location: Location) -> FileState:
    """The state of a file or object now: `FileNotFoundError` when it is gone,
    `IsADirectoryError` for a folder or prefix, `ObjectAccessError` when it cannot be asked."""
    if isinstance(location, Path):
        stat = location.stat()
        if not location.is_file():
            raise IsADirectoryError(f"{location} is not a regular file")
        return FileState(stat.st_size, stat.st_mtime_ns, stat.st_ino)
    fs = filesystem(location)
    try:
        with fs.open_input_file(location.fs_path) as handle:
            metadata = _metadata(handle)
            size = handle.size()
    except FileNotFoundError:
        info = _call(location, "look up", lambda: fs.get_file_info(location.fs_path))
        if info.type == pafs.FileType.Directory:
            raise IsADirectoryError(f"{location} is a prefix, not an object") from None
        raise FileNotFoundError(f"{location}: no such object") from None
    except (pa.ArrowException, OSError) as exc:
        raise _access_error(location, "read", exc) from None
    version = ""
    if metadata.get("ETag"):
        version = f"etag {metadata['ETag']}"
    if metadata.get("VersionId"):
        version += f" version {metadata['VersionId']}"
    mtime_ns = _parse_time(metadata.get("Last-Modified", ""))
    if not version or not mtime_ns:  # a filesystem without object metadata (fsspec)
        info = _call(location, "look up", lambda: fs.get_file_info(location.fs_path))
        mtime_ns = mtime_ns or (info.mtime_ns or 0)
        version = version or f"mtime {mtime_ns}"
    return FileState(size, mtime_ns, 0, version.strip())


def _metadata(handle: Any) -> dict[str, str]:
    try:
        raw = handle.metadata() or {}
    except (pa.ArrowException, OSError, NotImplementedError):
        return {}
    return {
        (k.decode() if isinstance(k, bytes) else str(k)): (
            v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        )
        for k, v in dict(raw).items()
    }


def _parse_time(text: str) -> int:
    if not text:
        return 0
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1e9)
    except ValueError:
        return 0


def exists(location: Location) -> bool:
    """True when a file or object is at `location` now."""
    if isinstance(location, Path):
        return location.exists()
    info = _call(location, "look up", lambda: filesystem(location).get_file_info(location.fs_path))
    return info.type == pafs.FileType.File


def open_stream(location: Location, compression: str | None = None) -> pa.NativeFile:
    """A sequential input stream over the bytes of `location` (decompressed with `compression`,
    `gzip`/`bz2`/`zstd`), read in the caller's chunk sizes: an object is streamed, never
    downloaded whole."""
    if isinstance(location, Path):
        return pa.input_stream(str(location), compression=compression)
    fs = filesystem(location)
    return _call(
        location,
        "read",
        lambda: fs.open_input_stream(location.fs_path, compression=compression),
    )


def open_random_access(location: Location) -> str | pa.NativeFile:
    """What `pyarrow.parquet.ParquetFile` reads: the path itself for a local file (as before),
    a random-access file over ranged reads for an object (close it when done)."""
    if isinstance(location, Path):
        return str(location)
    fs = filesystem(location)
    return _call(location, "read", lambda: fs.open_input_file(location.fs_path))


def read_bytes(location: Location) -> bytes:
    """The whole content of a small file or object (a manifest, a data dictionary)."""
    if isinstance(location, Path):
        return location.read_bytes()
    with open_stream(location) as stream:
        return stream.read()


def glob(pattern: Location) -> list[Location]:
    """The files a path or glob matches, sorted; `[]` when none does.

    Local patterns behave as `glob.glob` (no `**` recursion, hidden names only when the pattern
    names them). Object patterns the same, segment by segment over a listing of the prefix
    before the first glob character: `s3://raw/cdr/*.csv`, `s3://raw/*/2026-*.jsonl.gz`.
    """
    if isinstance(pattern, Path):
        import glob as local_glob

        return sorted(Path(p) for p in local_glob.glob(str(pattern)) if Path(p).is_file())
    if not has_glob(pattern.key):
        return [pattern] if pattern.key and exists(pattern) else []
    segments = pattern.key.split("/")
    fixed = next(i for i, s in enumerate(segments) if has_glob(s))
    base = ObjectPath(pattern.scheme, pattern.bucket, "/".join(segments[:fixed]))
    wanted = segments[fixed:]
    fs = filesystem(pattern)
    selector = pafs.FileSelector(base.fs_path, recursive=len(wanted) > 1, allow_not_found=True)
    infos = _call(base, "list", lambda: fs.get_file_info(selector))
    found = []
    for info in infos:
        if info.type != pafs.FileType.File:
            continue
        below = info.path[len(base.fs_path) :].lstrip("/").split("/")
        if len(below) == len(wanted) and all(
            fnmatch.fnmatchcase(part, want) and (want.startswith(".") or not part.startswith("."))
            for part, want in zip(below, wanted, strict=True)
        ):
            found.append(ObjectPath(pattern.scheme, *info.path.split("/", 1)))
    return sorted(found)


def list_objects(prefix: ObjectPath) -> list[ObjectPath]:
    """Every object under `prefix` (recursively), sorted; `[]` when there is none."""
    fs = filesystem(prefix)
    selector = pafs.FileSelector(prefix.fs_path, recursive=True, allow_not_found=True)
    infos = _call(prefix, "list", lambda: fs.get_file_info(selector))
    return sorted(
        ObjectPath(prefix.scheme, *i.path.split("/", 1))
        for i in infos
        if i.type == pafs.FileType.File
    )


# --- writing (object stores) ------------------------------------------------------------------


def write_bytes(target: ObjectPath, data: bytes) -> None:
    """Put one object whole: on an object store a reader sees the old object or the new one."""
    fs = filesystem(target)

    def put() -> None:
        with fs.open_output_stream(target.fs_path) as stream:
            stream.write(data)

    _call(target, "write", put)


def upload(source: Path, target: ObjectPath) -> int:
    """Copy a local file to an object, streamed in chunks (multipart for large files); the
    number of bytes copied."""
    fs = filesystem(target)

    def copy() -> int:
        copied = 0
        with source.open("rb") as handle, fs.open_output_stream(target.fs_path) as stream:
            while chunk := handle.read(_COPY_CHUNK):
                stream.write(chunk)
                copied += len(chunk)
        return copied

    return _call(target, "write", copy)


def delete(target: ObjectPath) -> None:
    """Delete one object; gone already is fine."""
    fs = filesystem(target)
    try:
        fs.delete_file(target.fs_path)
    except FileNotFoundError:
        return
    except (pa.ArrowException, OSError) as exc:
        raise _access_error(target, "delete", exc) from None


def delete_prefix(prefix: ObjectPath) -> None:
    """Delete every object under `prefix` in one go; nothing there is fine. (pyarrow's S3
    filesystem then keeps the parent "folder" as a zero-byte `parent/` marker object; deleting
    object by object would leave one marker per emptied prefix instead.)"""
    fs = filesystem(prefix)
    try:
        fs.delete_dir(prefix.fs_path)
    except FileNotFoundError:
        return
    except (pa.ArrowException, OSError) as exc:
        raise _access_error(prefix, "delete", exc) from None


def probe_writable(prefix: ObjectPath) -> None:
    """Prove an object can be written and deleted under `prefix` (credentials, bucket, policy),
    before a run starts; an `ObjectAccessError` saying what failed otherwise."""
    import uuid

    probe = prefix / f".teleprivacy-probe-{uuid.uuid4().hex[:12]}"
    write_bytes(probe, b"")
    delete(probe)


# --- errors ------------------------------------------------------------------------------------


def _call(location: ObjectPath, what: str, action: Callable[[], T]) -> T:
    try:
        return action()
    except FileNotFoundError:
        raise
    except (pa.ArrowException, OSError) as exc:
        raise _access_error(location, what, exc) from None


def _access_error(location: ObjectPath, what: str, exc: BaseException) -> ObjectAccessError:
    return ObjectAccessError(
        f"{location}: cannot {what} ({_reason(exc)}); check the URL, that the bucket exists, "
        "and the store's credentials (for S3: AWS_* variables, AWS_PROFILE, an instance role; "
        "AWS_ENDPOINT_URL for an S3-compatible server)"
    )


def _reason(exc: BaseException) -> str:
    """The error's text on one line, with any credential value from the environment removed."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    for name in _SECRET_ENVS:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text[:300]
