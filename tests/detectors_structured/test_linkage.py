"""Linkage discovery: ids shared across datasets, compared by keyed hashes (issue 14, item 2).

Generated data only: six-digit customer refs, voip.ms-style sub-accounts `NNNNNN_N`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import detectors
import policy
from detectors.linkage import IdSketch, LinkInput, link_datasets
from policy.decisions import Verdict

SECRET = b"s" * 32
REFS = [str(n) for n in random.Random(7).sample(range(100_000, 999_999), 400)]


def _write(path: Path, columns: dict[str, list]) -> Path:
    pacsv.write_csv(pa.table(columns), path)
    return path


def _cdr(tmp_path: Path, accounts: list[str], rows: int = 30_000) -> Path:
    return _write(tmp_path / "cdr.csv", {
        "date": [f"2026-01-{1 + i % 28:02d} 10:{i % 60:02d}:00" for i in range(rows)],
        "account": [accounts[i % len(accounts)] for i in range(rows)],
        "duration": [str(i % 4000) for i in range(rows)],
        "rate": ["0.0100", "0.0085"] * (rows // 2),
        "callerid": [f"+1514555{i % 10_000:04d}" for i in range(rows)],
    })  # fmt: skip


def _billing(tmp_path: Path, refs: list[str] = REFS) -> Path:
    rows = len(refs) * 3
    return _write(tmp_path / "billing.csv", {
        "ref": refs * 3,
        "name": [f"Nadia {chr(65 + i % 26)}{chr(97 + i // 26 % 26)}ouellette" for i in range(rows)],
        "amount": [f"{10 + i % 80}.99" for i in range(rows)],
        "plan": ["Basic Voice", "International Plus"] * (rows // 2),
    })  # fmt: skip


def _link(*paths: tuple[str, str, Path], secret: bytes = SECRET):
    sources = [LinkInput(detectors.profile_dataset(name, kind, [path]), [path])
               for name, kind, path in paths]  # fmt: skip
    return link_datasets(sources, secret)


def test_sub_accounts_link_to_the_billing_refs_beside_names(tmp_path: Path) -> None:
    """`587479_4` in the CDR is customer `587479` of billing, whose rows name the holder: both
    columns become account numbers, and the notes say which links to which (no values)."""
    accounts = [f"{ref}_{i % 3}" for i, ref in enumerate(REFS * 3)]
    profiles, links = _link(("cdr", "cdr", _cdr(tmp_path, accounts)),
                            ("billing", "billing", _billing(tmp_path)))  # fmt: skip
    (link,) = links
    assert (link.dataset, link.column, link.target_dataset, link.target_column) == (
        "cdr", "account", "billing", "ref")
    assert link.by_main_account and link.share > 0.95
    fields = {(p.dataset, f.column): f for p in profiles.values() for f in p.fields}
    assert fields["cdr", "account"].entity_types == ("ACCOUNT_NUMBER",)
    assert fields["billing", "ref"].entity_types == ("ACCOUNT_NUMBER",)
    notes = " ".join(profiles["cdr"].notes + profiles["billing"].notes)
    assert "cdr.account" in notes and "billing.ref" in notes
    assert not any(ref in notes for ref in REFS)
    for column in ("duration", "rate", "date"):  # counters, amounts and times link nowhere
        assert "ACCOUNT_NUMBER" not in fields["cdr", column].entity_types


def test_a_linked_account_is_pseudonymized_for_the_analytics_vendor(tmp_path: Path) -> None:
    accounts = [f"{ref}_{i % 3}" for i, ref in enumerate(REFS * 3)]
    profiles, _ = _link(("cdr", "cdr", _cdr(tmp_path, accounts)),
                        ("billing", "billing", _billing(tmp_path)))  # fmt: skip
    spec = policy.DeliverySpec(name="q", dataset="cdr", recipient="acme",
                               recipient_class="analytics_vendor", purpose="service_quality")
    decision = policy.evaluate_delivery(policy.load_pack("voipms"), spec,
                                        profiles["cdr"].fields, "cdr")  # fmt: skip
    account = {f.field: f for f in decision.fields}["account"]
    assert (account.verdict, account.category) == (Verdict.PSEUDONYMIZE, "identity.account")


def test_exact_ids_link_without_sub_accounts(tmp_path: Path) -> None:
    _, links = _link(("cdr", "cdr", _cdr(tmp_path, REFS)),
                            ("billing", "billing", _billing(tmp_path)))  # fmt: skip
    (link,) = links
    assert not link.by_main_account and link.share == 1.0


def test_ids_of_other_customers_do_not_link(tmp_path: Path) -> None:
    """The same shape of ids, another population: nothing in common, nothing marked."""
    others = [str(n) for n in random.Random(8).sample(range(100_000, 999_999), 400)]
    others = [o for o in others if o not in REFS]
    profiles, links = _link(("cdr", "cdr", _cdr(tmp_path, others)),
                            ("billing", "billing", _billing(tmp_path)))  # fmt: skip
    assert links == []
    assert profiles["billing"].fields[0].entity_types == ()  # billing.ref stays as profiled


def test_a_few_shared_values_are_chance(tmp_path: Path) -> None:
    """Under MIN_SHARED distinct values in common is not a link (small code lists)."""
    _, links = _link(("cdr", "cdr", _cdr(tmp_path, REFS[:10])),
                            ("billing", "billing", _billing(tmp_path)))  # fmt: skip
    assert links == []


def test_a_single_dataset_has_nothing_to_link(tmp_path: Path) -> None:
    profiles, links = _link(("billing", "billing", _billing(tmp_path)))
    assert links == [] and profiles["billing"].fields[0].entity_types == ()


def test_the_keyed_sketch_estimates_containment_in_bounded_memory() -> None:
    """Threshold sampling: a sketch keeps at most `cap` hashes, and the share of one set in
    another is estimated within a few percent over 200k distinct values."""
    import numpy as np

    rng = np.random.default_rng(3)
    universe = rng.integers(0, 2**63, size=200_000, dtype=np.uint64) * np.uint64(2)
    a, b = IdSketch(cap=2048), IdSketch(cap=2048)
    a.add(universe[:100_000])
    b.add(universe[40_000:])  # 60% of a is in b
    share, shared = a.share_in(b)
    assert len(a.hashes) <= 2048 and len(b.hashes) <= 2048
    assert share == pytest.approx(0.6, abs=0.05)
    assert shared == pytest.approx(60_000, rel=0.15)
    assert a.distinct() == pytest.approx(100_000, rel=0.15)
