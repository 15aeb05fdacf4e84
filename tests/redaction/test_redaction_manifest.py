"""Re-runs over unchanged inputs reuse the delivered file; any change delivers again."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CDR_SCHEMA, KEY_TEXT, cdr_decision

import redaction.delivery
from redaction import build_plan, deliver
from redaction.keys import key_from_text


def _deliver(key, cdr_csv: Path, tmp_path: Path, tag: str = "code-1"):
    plan = build_plan(cdr_decision(), CDR_SCHEMA, key)
    return deliver(plan, [cdr_csv], tmp_path / "out", manifest_dir=tmp_path / "state",
                   reuse_tag=tag)  # fmt: skip


def _no_reading(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the inputs were read again")

    monkeypatch.setattr(redaction.delivery.detectors, "read_batches", fail)


def test_unchanged_rerun_reuses_the_output_without_reading(cdr_csv, tmp_path, key, monkeypatch):
    """Same inputs, plan, key and code: the recorded result, no read, the same file."""
    first = _deliver(key, cdr_csv, tmp_path)
    _no_reading(monkeypatch)
    assert _deliver(key, cdr_csv, tmp_path) == first


@pytest.mark.parametrize(
    "change",
    [
        "input",  # a new day's file under the same name
        "key",  # key rotation gives new tokens
        "code",  # a new code or policy version
        "output",  # someone edited the delivered file
    ],
)
def test_any_change_delivers_again(change, cdr_csv, tmp_path, key):
    """Whatever decides the output's bytes, or the bytes themselves, changed: run again."""
    first = _deliver(key, cdr_csv, tmp_path)
    tag = "code-1"
    if change == "input":
        cdr_csv.write_text(cdr_csv.read_text().replace("ACCT-000125", "ACCT-000126"))
    elif change == "key":
        key = key_from_text(KEY_TEXT[::-1])
    elif change == "code":
        tag = "code-2"
    else:
        Path(first.output_path).write_bytes(b"edited")
    again = _deliver(key, cdr_csv, tmp_path, tag)
    assert Path(again.output_path).read_bytes() != b"edited"
    if change in ("input", "key"):
        assert again.output_sha256 != first.output_sha256
    else:
        assert again.output_sha256 == first.output_sha256  # deterministic output


def test_manifest_holds_no_raw_value_and_no_key(cdr_csv, tmp_path, key):
    """Manifests hold checksums and counts: no phone number, no name, no key."""
    _deliver(key, cdr_csv, tmp_path)
    text = "".join(p.read_text() for p in (tmp_path / "state").iterdir())
    for raw in ("5145550123", "Jane Roe", "203.0.113.77", KEY_TEXT):
        assert raw not in text
