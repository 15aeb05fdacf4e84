"""Reading from a real S3-compatible server (moto_server on loopback, `s3` fixture): globs,
streamed CSV/JSONL/Parquet through the same readers as local files, fingerprints from ETags,
and errors that name the object but never a credential."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import detectors
import storage
from detectors.errors import UnreadableFileError
from detectors.fingerprints import changed_since, fingerprint
from detectors.reading import read_batches, resolve_header

CSV = b"src,dst,duration\n+15145550101,+15145550102,12\n+15145550103,+15145550104,7\n"


def _table(location) -> pa.Table:
    return pa.Table.from_batches(list(read_batches(location)))


def test_glob_matches_like_local_glob(s3) -> None:
    """`*` stays within one segment, hidden names only when asked, prefixes are not files."""
    for key in ("cdr/a.csv", "cdr/b.csv", "cdr/.hidden.csv", "cdr/sub/c.csv", "cdr/a.jsonl",
                "billing/2026/x.csv", "billing/2027/y.csv"):  # fmt: skip
        s3.put(key, CSV)
    found = storage.glob(storage.as_location(s3.url("cdr/*.csv")))
    assert [str(p) for p in found] == [s3.url("cdr/a.csv"), s3.url("cdr/b.csv")]
    deep = storage.glob(storage.as_location(s3.url("billing/*/*.csv")))
    assert [p.name for p in deep] == ["x.csv", "y.csv"]
    assert storage.glob(storage.as_location(s3.url("cdr/a.csv"))) == [
        storage.as_location(s3.url("cdr/a.csv"))
    ]
    assert storage.glob(storage.as_location(s3.url("cdr"))) == []  # a prefix is no file
    assert storage.glob(storage.as_location(s3.url("nothing/*.csv"))) == []


@pytest.mark.parametrize("name", ["calls.csv", "calls.csv.gz", "calls.jsonl", "calls.parquet"])
def test_an_object_reads_as_its_local_copy_does(s3, tmp_path: Path, name: str) -> None:
    """Same batches from the object as from the same bytes on disk, for every format."""
    local = tmp_path / name
    table = pa.table({"src": ["+15145550101", "+15145550103"], "duration": ["12", "7"]})
    if name.endswith(".parquet"):
        pq.write_table(table, local)
    elif ".jsonl" in name:
        local.write_text('{"src": "+15145550101", "duration": "12"}\n'
                         '{"src": "+15145550103", "duration": "7"}\n')  # fmt: skip
    else:
        local.write_bytes(gzip.compress(CSV) if name.endswith(".gz") else CSV)
    url = s3.put(f"in/{name}", local)
    assert _table(storage.as_location(url)).equals(_table(local))


def test_parquet_is_read_by_ranges_one_row_group_at_a_time(s3) -> None:
    """A multi-row-group Parquet object comes out in row-group batches, all rows, in order."""
    table = pa.table({"n": pa.array(range(10_000), pa.int64())})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=1_000)
    url = s3.put("big.parquet", sink.getvalue())
    batches = list(read_batches(url, batch_size=4_096))
    assert [b.num_rows for b in batches] == [1_000] * 10
    assert pa.Table.from_batches(batches).equals(table)


def test_headerless_csv_objects_are_sniffed_like_files(s3) -> None:
    """`resolve_header` reads the head of an object as of a file: values are not names."""
    url = s3.put("cdr/master.csv", b"+15145550101,+15145550102,12\n+15145550103,+15145550104,7\n")
    decision = resolve_header([url], header="auto")
    assert (decision.header, decision.column_names) == (False, ("col1", "col2", "col3"))


def test_fingerprint_is_etag_and_size_and_changes_with_the_bytes(s3) -> None:
    """No inode: the ETag (and size) identify the object; rewriting it is seen, re-reading it
    is not a change."""
    url = s3.put("cdr/a.csv", CSV)
    before = fingerprint(url)
    assert (before.path, before.size, before.inode) == (url, len(CSV), 0)
    assert before.version.startswith('etag "') and len(before.sha256) == 64
    assert fingerprint(url) == before and changed_since(before, url) is None
    s3.put("cdr/a.csv", CSV.replace(b"12", b"13"))
    assert changed_since(before, url) == (
        f"input a.csv changed after it was profiled (SHA-256 {before.sha256[:12]}… then, "
        f"{fingerprint(url).sha256[:12]}… now)"
    )
    s3.client.delete_object(Bucket=s3.name, Key="cdr/a.csv")
    assert changed_since(before, url) == "input a.csv vanished after it was profiled"


def test_a_versioned_bucket_adds_the_version_id(s3) -> None:
    """On a bucket that keeps versions, the fingerprint names the version read."""
    s3.client.put_bucket_versioning(
        Bucket=s3.name, VersioningConfiguration={"Status": "Enabled"}
    )
    url = s3.put("a.csv", CSV)
    assert " version " in fingerprint(url).version


def test_profile_a_dataset_in_object_storage(s3, tmp_path: Path) -> None:
    """Profiling objects finds what profiling the same files finds; the inputs are the URLs."""
    import synthetic

    synthetic.generate("cdr", 120, tmp_path / "cdr", seed=5)
    s3.put_tree(tmp_path / "cdr", "raw/cdr")
    files = storage.glob(storage.as_location(s3.url("raw/cdr/*.csv")))
    header = resolve_header(files, kind="cdr")
    read = {"header": header.header, "column_names": header.column_names}
    remote = detectors.profile_dataset("cdr", "cdr", files, **read)
    local = detectors.profile_dataset("cdr", "cdr", [tmp_path / "cdr" / "cdr.csv"], **read)
    assert remote.fields == local.fields and remote.rows_read == 120
    assert [f.path for f in remote.inputs] == [s3.url("raw/cdr/cdr.csv")]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("missing.csv", "{url}: object not found; expected an existing input"),
        ("empty.csv", "{url}: object is empty; expected at least one row"),
        ("prefix", "{url}: is a prefix, not an object; expected an input object (or a glob)"),
    ],
)
def test_unreadable_objects_say_what_and_where(s3, key: str, message: str) -> None:
    """A missing object, an empty one and a prefix each get one line naming the URL."""
    s3.put("empty.csv", b"")
    s3.put("prefix/inside.csv", CSV)
    url = s3.url(key)
    with pytest.raises(UnreadableFileError) as caught:
        list(read_batches(url, fmt="csv"))
    assert str(caught.value) == message.format(url=url)


def test_no_credential_in_errors_from_the_store(s3) -> None:
    """A store that refuses (unknown bucket) is an ObjectAccessError or not-found naming the
    URL; the key id and the secret are in no message."""
    with pytest.raises((storage.StorageError, FileNotFoundError, UnreadableFileError)) as caught:
        list(read_batches("s3://no-such-bucket-teleprivacy/a.csv"))
    text = str(caught.value)
    assert "s3://no-such-bucket-teleprivacy/a.csv" in text
    assert not any(secret in text for secret in s3.secrets)
