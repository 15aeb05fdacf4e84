"""Where data lives: a local `Path`, or an `ObjectPath` (`s3://bucket/key`) in object storage.

`Path` stays the currency for local files, unchanged. An object is an `ObjectPath`, which
answers the questions code asks of a path (`name`, `suffixes`, `parent`, `/`) without ever
becoming one: `Path("s3://raw/a.csv")` would silently turn into the relative `s3:/raw/a.csv`.
`as_location` is the one place a string becomes either. Credentials never go in a URL
(`s3://KEY:SECRET@bucket` is refused): they come from the standard chain (`storage.filesystems`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from storage.errors import LocationError

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$", re.DOTALL)
_GLOB = re.compile(r"[*?\[]")


@dataclass(frozen=True, order=True)
class ObjectPath:
    """An object or a prefix in object storage: `scheme://bucket/key` (`key` has no leading or
    trailing slash; empty for the bucket itself). Hashable, ordered by URL, picklable."""

    scheme: str
    bucket: str
    key: str = ""

    @classmethod
    def parse(cls, url: str) -> ObjectPath:
        """`s3://bucket/some/key` as an `ObjectPath`; `LocationError` for anything else."""
        match = _URL.match(url.strip())
        if match is None:
            raise LocationError(f"{url!r} is not a URL; expected scheme://bucket/key")
        scheme = match["scheme"].lower()
        bucket, _, key = match["rest"].partition("/")
        if "@" in bucket:
            raise LocationError(
                f"{scheme}://…@{bucket.rpartition('@')[2]}: credentials never go in a URL; use "
                "the standard chain (AWS_* variables, a profile, an instance role)"
            )
        if not bucket:
            raise LocationError(f"{url!r} names no bucket; expected {scheme}://bucket/key")
        return cls(scheme, bucket, key.strip("/"))

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.bucket}/{self.key}" if self.key else (
            f"{self.scheme}://{self.bucket}"
        )  # fmt: skip

    @property
    def fs_path(self) -> str:
        """The path a pyarrow filesystem of this scheme takes: `bucket/key`."""
        return f"{self.bucket}/{self.key}" if self.key else self.bucket

    @property
    def namespace(self) -> str:
        """`s3://bucket`: the OpenLineage dataset namespace of an object store's datasets."""
        return f"{self.scheme}://{self.bucket}"

    @property
    def name(self) -> str:
        return self.key.rpartition("/")[2]

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix if self.name else ""

    @property
    def suffixes(self) -> list[str]:
        return PurePosixPath(self.name).suffixes if self.name else []

    @property
    def stem(self) -> str:
        return PurePosixPath(self.name).stem if self.name else ""

    @property
    def parent(self) -> ObjectPath:
        return ObjectPath(self.scheme, self.bucket, self.key.rpartition("/")[0])

    def joinpath(self, *parts: str) -> ObjectPath:
        key = "/".join(p.strip("/") for p in (self.key, *map(str, parts)) if p.strip("/"))
        return ObjectPath(self.scheme, self.bucket, key)

    def __truediv__(self, part: str) -> ObjectPath:
        return self.joinpath(part)

    def with_name(self, name: str) -> ObjectPath:
        return self.parent / name

    def relative_to(self, other: ObjectPath) -> str:
        """This key below `other`'s, as a `/`-joined string (`LocationError` when it is not)."""
        if (self.scheme, self.bucket) != (other.scheme, other.bucket) or not (
            not other.key or self.key.startswith(other.key + "/")
        ):
            raise LocationError(f"{self} is not under {other}")
        return self.key[len(other.key) + 1 :] if other.key else self.key

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"ObjectPath({self.url!r})"


Location = Path | ObjectPath


def is_url(value: object) -> bool:
    """True for `scheme://…` strings other than `file://` (which are local paths)."""
    if isinstance(value, ObjectPath):
        return True
    if not isinstance(value, str):
        return False
    match = _URL.match(value.strip())
    return match is not None and match["scheme"].lower() != "file"


def is_remote(location: object) -> bool:
    """True for a location in object storage (an `ObjectPath` or a URL string naming one)."""
    return is_url(location)


def as_location(value: str | Path | ObjectPath) -> Location:
    """A string, `Path` or `ObjectPath` as a `Path` (local) or an `ObjectPath` (a URL).

    `file:///srv/a.csv` is the local path `/srv/a.csv`; any other `scheme://` is an object."""
    if isinstance(value, ObjectPath | Path):
        return value
    text = str(value)
    match = _URL.match(text.strip())
    if match is None:
        return Path(text)
    if match["scheme"].lower() == "file":  # file:///srv/a.csv, or file://host/srv/a.csv
        rest = match["rest"]
        return Path(rest if rest.startswith("/") else "/" + rest.partition("/")[2])
    return ObjectPath.parse(text)


def has_glob(location: Location | str) -> bool:
    """True when the location holds glob characters (`*`, `?`, `[`)."""
    return bool(_GLOB.search(str(location)))
