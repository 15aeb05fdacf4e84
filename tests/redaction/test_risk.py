"""k-anonymity and l-diversity of delivered rows, cross-checked against pycanon."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from redaction import risk

pycanon = pytest.importorskip(
    "pycanon.anonymity", reason="pycanon (make venv installs it) cross-checks the figures"
)


def _billing(rows: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    return pa.table(
        {
            "postal": [rng.choice(["H2X", "H3A", "M5V", "V6B", "K1P"]) for _ in range(rows)],
            "birth_year": [rng.randint(1950, 1960) for _ in range(rows)],
            "plan": [rng.choice(["basic", "pro", None]) for _ in range(rows)],
            "diagnosis": [rng.choice(["a", "b", "c"]) for _ in range(rows)],
        }
    )


def _metered(table: pa.Table, qis: list[str], sensitive: tuple[str, ...] = (), chunk: int = 97):
    meter = risk.RiskMeter(qis, sensitive)
    for batch in table.to_batches(max_chunksize=chunk):
        meter.add(batch)
    return meter.figures()


@pytest.mark.parametrize(
    "qis", [["postal"], ["postal", "birth_year"], ["postal", "birth_year", "plan"]]
)
def test_min_k_and_l_match_pycanon(qis: list[str]) -> None:
    table = _billing(2_000, seed=len(qis))
    figures = _metered(table, qis, ("diagnosis",))
    frame = table.to_pandas().fillna("<null>")
    assert figures.min_k == pycanon.k_anonymity(frame, qis)
    assert figures.diversity[0].min_l == pycanon.l_diversity(frame, qis, ["diagnosis"])
    assert figures.rows == table.num_rows


def test_shares_count_rows_in_small_classes() -> None:
    # classes of sizes 1, 3, 6 and 12 → 1 unique row, 4 rows below 5, 10 below 10
    values = ["a"] + ["b"] * 3 + ["c"] * 6 + ["d"] * 12
    figures = _metered(pa.table({"postal": values}), ["postal"], chunk=5)
    assert (figures.min_k, figures.classes, figures.rows) == (1, 4, 22)
    assert (figures.unique_rows, figures.rows_below_5, figures.rows_below_10) == (1, 4, 10)
    assert dict(figures.k_bands) == {"1": 1, "2-4": 3, "5-9": 6, "10-49": 12, "50+": 0}
    assert figures.share_below_5 == pytest.approx(4 / 22)


def test_classes_spanning_batches_are_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(risk, "_MERGE_ROWS", 10)  # merge partial counts many times
    table = _billing(3_000, seed=7)
    merged = _metered(table, ["postal", "birth_year"], ("diagnosis",), chunk=50)
    whole = _metered(table, ["postal", "birth_year"], ("diagnosis",), chunk=3_000)
    assert merged == whole


def test_nulls_form_one_class_and_other_types_are_grouped_as_text() -> None:
    table = pa.table(
        {
            "plan": [None, None, "pro"],
            "tags": pa.array([["x"], ["x"], ["y"]], pa.list_(pa.string())),
        }
    )
    figures = _metered(table, ["plan", "tags"])
    assert (figures.classes, figures.min_k) == (2, 1)


def test_empty_delivery_has_no_classes() -> None:
    figures = risk.RiskMeter(["postal"]).figures()
    assert (figures.rows, figures.classes, figures.min_k) == (0, 0, 0)


# --- the release gate in a delivery -------------------------------------------------------------


def _decision(min_k: int | None, max_suppression: float = 0.01):
    from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict

    fields = tuple(
        FieldDecision(name, Verdict.ALLOW, None, (), None) for name in ("postal", "plan", "calls")
    )
    return DeliveryDecision(
        "risk-test", "billing", "vendor", "analytics_vendor", "service_quality", None,
        DeliveryStatus.PROCEED, fields, quasi_identifiers=("postal", "plan"), min_k=min_k,
        max_suppression=max_suppression,
    )  # fmt: skip


def _csv(path, rare: int, rows: int = 1_000):
    """`rows` rows in 4 large classes, the last `rare` of them each alone in its class."""
    import pyarrow.csv as pacsv

    postal = [f"H{i % 2}X" for i in range(rows - rare)] + [f"Z{i}Z" for i in range(rare)]
    plan = [("basic", "pro")[i % 4 // 2] for i in range(rows - rare)] + ["pro"] * rare
    table = pa.table({"postal": postal, "plan": plan, "calls": [str(i % 7) for i in range(rows)]})
    pacsv.write_csv(table, path)
    return path


def _deliver(tmp_path, decision, source):
    import detectors
    import redaction

    schema = detectors.read_schema(source)
    plan = redaction.build_plan(decision, schema, None)
    return redaction.deliver(plan, [source], tmp_path / "out")


def test_gate_withholds_rare_rows_within_the_allowed_share(tmp_path) -> None:
    import pyarrow.parquet as pq

    result = _deliver(tmp_path, _decision(min_k=5), _csv(tmp_path / "in.csv", rare=8))
    assert str(result.outcome) == "delivered"
    assert (result.rows_withheld, result.rows_out) == (8, 992)
    assert result.rows_balanced
    delivered = pq.read_table(result.output_path)
    assert delivered.num_rows == 992
    assert not any(p.startswith("Z") for p in delivered.column("postal").to_pylist())
    assert result.risk.min_k >= 5 and result.risk.rows == 992 and result.risk.unique_rows == 0


def test_gate_blocks_when_too_many_rows_would_be_withheld(tmp_path) -> None:
    result = _deliver(tmp_path, _decision(min_k=5), _csv(tmp_path / "in.csv", rare=30))
    assert str(result.outcome) == "blocked"
    assert result.output_path is None and not list((tmp_path / "out").glob("*.parquet"))
    (reason,) = result.blocked_reasons
    assert "postal, plan" in reason and "min k 1" in reason and "3.0%" in reason
    assert "Z0Z" not in reason  # never a value
    assert result.risk.unique_rows == 30


def test_without_a_gate_the_risk_is_measured_and_nothing_withheld(tmp_path) -> None:
    result = _deliver(tmp_path, _decision(min_k=None), _csv(tmp_path / "in.csv", rare=30))
    assert str(result.outcome) == "delivered" and result.rows_withheld == 0
    assert (result.risk.min_k, result.risk.unique_rows, result.risk.rows) == (1, 30, 1_000)


def test_gate_output_is_deterministic(tmp_path) -> None:
    source = _csv(tmp_path / "in.csv", rare=8)
    first = _deliver(tmp_path / "a", _decision(min_k=5), source)
    second = _deliver(tmp_path / "b", _decision(min_k=5), source)
    assert first.output_sha256 == second.output_sha256


def test_ladder_coarsens_generalized_quasi_identifiers_one_step() -> None:
    from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict

    fields = (
        FieldDecision("start", Verdict.GENERALIZE, "call_records.time", ("DATE_TIME",),
                      "generalize", {"level": "hour"}),
        FieldDecision("ip", Verdict.GENERALIZE, "network.ip", ("IP_ADDRESS",), "generalize",
                      {"prefix": 24}),
        FieldDecision("end", Verdict.GENERALIZE, "call_records.time", ("DATE_TIME",),
                      "generalize", {"level": "hour"}),  # not a quasi-identifier here
    )  # fmt: skip
    decision = DeliveryDecision(
        "d", "cdr", "vendor", "analytics_vendor", "service_quality", None,
        DeliveryStatus.PROCEED, fields, quasi_identifiers=("start", "ip"), min_k=5,
    )  # fmt: skip
    steps = []
    while (step := risk.coarser(decision)) is not None:
        decision, taken = step
        steps.extend(taken)
    assert steps == ["start: level hour → day", "ip: prefix 24 → 16", "start: level day → month",
                     "ip: prefix 16 → 8"]  # fmt: skip
    by_name = {f.field: dict(f.params) for f in decision.fields}
    assert by_name == {"start": {"level": "month"}, "ip": {"prefix": 8}, "end": {"level": "hour"}}


def test_ladder_climbs_postal_codes_birth_dates_and_amounts() -> None:
    """Postal code FSA/ZIP3 → first character; birth year → 5-year band; an amount in clear
    → bands, then wider bands; a plan name has no ladder and stays as it is."""
    from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict

    fields = (
        FieldDecision("postal_code", Verdict.GENERALIZE, "contact.postal", ("POSTAL_CODE",),
                      "generalize", {"to": "first_part"}),
        FieldDecision("birth_date", Verdict.GENERALIZE, "identity.birth_date",
                      ("DATE_OF_BIRTH",), "generalize", {"to": "year"}),
        FieldDecision("amount", Verdict.ALLOW, None, (), None, reason="no personal data"),
        FieldDecision("plan", Verdict.ALLOW, None, (), None),
    )  # fmt: skip
    decision = DeliveryDecision(
        "d", "billing", "vendor", "analytics_vendor", "service_quality", None,
        DeliveryStatus.PROCEED, fields, quasi_identifiers=("postal_code", "birth_date", "amount",
                                                          "plan"), min_k=5,
    )  # fmt: skip
    steps = []
    while (step := risk.coarser(decision)) is not None:
        decision, taken = step
        steps.extend(taken)
    assert steps[:3] == ["postal_code: to first_part → first_char",
                         "birth_date: to year → five_years",
                         "amount: in clear → bands 0-10-25-50-100-250-500-1000"]  # fmt: skip
    assert steps[3:] == ["amount: bands 0-10-25-50-100-250-500-1000 → 0-25-100-500-1000",
                         "amount: bands 0-25-100-500-1000 → 0-100-1000",
                         "amount: bands 0-100-1000 → 0-1000"]  # fmt: skip
    by_name = {f.field: f for f in decision.fields}
    assert by_name["amount"].verdict is Verdict.GENERALIZE
    assert "release gate" in by_name["amount"].reason
    assert by_name["plan"].verdict is Verdict.ALLOW and not by_name["plan"].params


def test_the_gate_climbs_a_billing_delivery_until_k_holds(tmp_path) -> None:
    """Postal areas, birth years and amounts single everyone out at first; the ladder coarsens
    them (through the operators, on real files) until min k 5 holds with little withheld."""
    import random

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from policy.decisions import DeliveryDecision, DeliveryStatus, FieldDecision, Verdict
    from redaction.risk import climb_ladder

    rng = random.Random(4)
    rows = 600
    fsas = ["H2X", "H3B", "H4A", "J4K", "K1A", "M5V"]
    pacsv.write_csv(pa.table({
        "postal_code": [f"{rng.choice(fsas)} {rng.randint(1, 9)}A{rng.randint(1, 9)}"
                        for _ in range(rows)],
        "birth_date": [f"{rng.randint(1950, 2004)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
                       for _ in range(rows)],
        "amount": [f"{rng.uniform(5, 120):.2f}" for _ in range(rows)],
    }), tmp_path / "billing.csv")  # fmt: skip
    fields = (
        FieldDecision("postal_code", Verdict.GENERALIZE, "contact.postal", ("POSTAL_CODE",),
                      "generalize", {"to": "first_part"}),
        FieldDecision("birth_date", Verdict.GENERALIZE, "identity.birth_date",
                      ("DATE_OF_BIRTH",), "generalize", {"to": "year"}),
        FieldDecision("amount", Verdict.ALLOW, None, (), None),
    )  # fmt: skip
    decision = DeliveryDecision(
        "billing-analytics", "billing", "vendor", "analytics_vendor", "service_quality", None,
        DeliveryStatus.PROCEED, fields, quasi_identifiers=("postal_code", "birth_date", "amount"),
        min_k=5, max_suppression=0.05,
    )  # fmt: skip
    (result,) = climb_ladder(decision, lambda d: [_deliver(tmp_path, d, tmp_path / "billing.csv")])
    assert str(result.outcome) == "delivered", result.blocked_reasons
    assert "postal_code: to first_part → first_char" in result.gate_steps
    assert result.risk.min_k >= 5 and result.rows_withheld <= 0.05 * rows
    delivered = pq.read_table(result.output_path)
    assert set(delivered.column("postal_code").to_pylist()) <= {"H", "J", "K", "M"}
    assert all(len(b) == 9 for b in delivered.column("birth_date").to_pylist())  # 1980-1984
    assert not any("." in a for a in delivered.column("amount").to_pylist())  # bands only
