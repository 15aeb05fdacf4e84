"""Locations without a server: URLs stay URLs, local paths stay paths, credentials stay out."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from storage import LocationError, ObjectPath, as_location, has_glob, is_url, work_dir


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s3://raw/cdr/a.csv", ObjectPath("s3", "raw", "cdr/a.csv")),  # an object
        ("s3://raw/cdr/", ObjectPath("s3", "raw", "cdr")),  # a prefix: no trailing slash
        ("S3://raw", ObjectPath("s3", "raw", "")),  # a bucket; the scheme is case-insensitive
        ("gs://lake/x/*.parquet", ObjectPath("gs", "lake", "x/*.parquet")),  # any scheme
        ("data/cdr/*.csv", Path("data/cdr/*.csv")),  # a relative local path stays a Path
        ("/srv/a.csv", Path("/srv/a.csv")),
        ("file:///srv/a.csv", Path("/srv/a.csv")),  # file:// is local
        ("file://etl-1/srv/a.csv", Path("/srv/a.csv")),  # with a host, still local
    ],
)
def test_as_location(text: str, expected: object) -> None:
    """A string becomes an ObjectPath for object storage, a Path for anything local."""
    assert as_location(text) == expected


def test_an_object_path_answers_like_a_path() -> None:
    """name, suffixes, stem, parent and / work as on a PurePath, and str() is the URL."""
    path = as_location("s3://raw/cdr/day-1.csv.gz")
    assert isinstance(path, ObjectPath)
    assert (path.name, path.suffixes, path.suffix, path.stem) == (
        "day-1.csv.gz", [".csv", ".gz"], ".gz", "day-1.csv",
    )  # fmt: skip
    assert str(path.parent / "day-2.csv") == "s3://raw/cdr/day-2.csv"
    assert (path.namespace, path.fs_path) == ("s3://raw", "raw/cdr/day-1.csv.gz")
    assert path.relative_to(as_location("s3://raw")) == "cdr/day-1.csv.gz"
    assert pickle.loads(pickle.dumps(path)) == path  # crosses process boundaries (Dask)
    assert sorted([as_location("s3://b/2"), as_location("s3://b/10")]) == [
        as_location("s3://b/10"), as_location("s3://b/2"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # credentials in a URL are refused, and the message does not repeat them
        ("s3://AKIAEXAMPLE:s3cr3t@raw/a.csv",
         "s3://…@raw: credentials never go in a URL; use the standard chain (AWS_* variables, "
         "a profile, an instance role)"),
        ("s3:///a.csv", "'s3:///a.csv' names no bucket; expected s3://bucket/key"),
    ],
)  # fmt: skip
def test_bad_urls_are_refused(url: str, message: str) -> None:
    """What is wrong with the URL, and no secret in the message."""
    with pytest.raises(LocationError) as caught:
        as_location(url)
    assert str(caught.value) == message
    assert "s3cr3t" not in str(caught.value)


def test_is_url_and_globs() -> None:
    """file:// is not remote; glob characters are seen in both kinds."""
    assert is_url("s3://raw/a") and not is_url("file:///a") and not is_url("data/a.csv")
    assert has_glob(as_location("s3://raw/cdr/*.csv")) and not has_glob("s3://raw/cdr/a.csv")


def test_work_dir_of_an_object_store_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A local --out is its own work folder; an object-store one gets a folder of its own."""
    monkeypatch.setenv("TELEPRIVACY_WORK_DIR", str(tmp_path))
    assert work_dir(Path("out")) == Path("out")
    assert work_dir(as_location("s3://bucket/runs/prod")) == tmp_path / "s3/bucket/runs/prod"
