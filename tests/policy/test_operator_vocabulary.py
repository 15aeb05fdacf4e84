"""One operator vocabulary: what a pack may name is what redaction registers, parameters are
checked by one model, and the two sides accept and refuse the same parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from policy_fakes import NO_SALE, delivery, mini_pack, personal, write_yaml

from policy import PackError, bundled_packs, evaluate_delivery, load_pack
from policy.operators import OPERATOR_VERDICT, OperatorName, params_model
from redaction.errors import InvalidParamsError
from redaction.operators import get_operator, known_operators

CITE = {"section": "6", "quote": NO_SALE}
# One rule per operator a pack may name, with parameters, and a field it decides.
NAMED: dict[OperatorName, tuple[str, dict[str, Any], str]] = {
    OperatorName.KEEP: ("contact.phone", {}, "PHONE_NUMBER"),
    OperatorName.PSEUDONYMIZE: ("contact.email", {}, "EMAIL_ADDRESS"),
    OperatorName.ENCRYPT_FPE: ("identity.account", {}, "ACCOUNT_NUMBER"),
    OperatorName.GENERALIZE: ("call_records.time", {"level": "day"}, "DATE_TIME"),
    OperatorName.MASK: ("financial.payment_card", {"keep_last": 4}, "CREDIT_CARD"),
    OperatorName.REDACT: ("location", {}, "LOCATION"),
    OperatorName.DROP: ("credentials", {}, "PASSWORD"),
}


def test_every_operator_a_pack_may_name_is_registered_and_the_reverse() -> None:
    """The policy's names and redaction's registry are one set, with one params model each."""
    assert set(known_operators()) == {str(o) for o in OperatorName} == {str(o) for o in NAMED}
    for name in OperatorName:
        assert get_operator(name).params is params_model(name)
        assert name in OPERATOR_VERDICT


def _pack_naming(tmp_path: Path, operators: dict[OperatorName, tuple[str, dict, str]]) -> Any:
    rules = [{"recipient_class": "*", "purpose": "*", "category": "*", "verdict": "drop",
              "citation": CITE}]  # fmt: skip
    for operator, (category, params, _) in operators.items():
        rules.append({"recipient_class": "internal", "purpose": "service_quality",
                      "category": category, "verdict": str(OPERATOR_VERDICT[operator]),
                      "operator": str(operator), **({"params": params} if params else {}),
                      "citation": CITE})  # fmt: skip
    return load_pack(write_yaml(tmp_path / "pack.yaml", mini_pack(rules=rules)))


def test_every_operator_can_be_named_in_a_pack_and_planned(tmp_path: Path) -> None:
    """A rule may name each registered operator; its decision builds in redaction."""
    pack = _pack_naming(tmp_path, NAMED)
    fields = [personal(str(op), entity) for op, (_, _, entity) in NAMED.items()]
    decision = evaluate_delivery(pack, delivery("internal", "service_quality"), fields,
                                 "billing")  # fmt: skip
    for field in decision.fields:
        name = field.operator or "keep"  # allow is carried out by keep
        assert name == field.field
        get_operator(name).parse(field.params, field.field)


@pytest.mark.parametrize(
    ("operator", "params", "accepted"),
    [
        ("generalize", {"bands": [0, 10, 50, 100]}, True),  # amounts to ranges: in packs too
        ("generalize", {"to": "five_years"}, True),
        ("generalize", {"to": "first_char"}, True),
        ("generalize", {"prefix": 16}, True),
        ("generalize", {"prefix": 64}, False),  # IPv4 prefixes only (IPv6 keeps /48)
        ("generalize", {"bands": [10, 0]}, False),  # not increasing
        ("generalize", {"level": "week"}, False),
        ("generalize", {}, False),  # exactly one rule
        ("mask", {"keep_first": 6, "keep_last": 4}, True),
        ("mask", {}, True),  # the entity's default digits
        ("mask", {"keep_last": 13}, False),
        ("mask", {"keep_last": "4"}, False),
        ("pseudonymize", {"salt": 1}, False),
        ("redact", {}, True),
    ],
)  # fmt: skip
def test_pack_and_plan_accept_the_same_params(
    tmp_path: Path, operator: str, params: dict[str, Any], accepted: bool
) -> None:
    """Parameters a pack rule may write are exactly those a plan builds with."""
    name = OperatorName(operator)
    category = "billing" if name is not OperatorName.MASK else "contact"
    try:
        _pack_naming(tmp_path, {name: (category, params, "")})
        in_pack = True
    except PackError:
        in_pack = False
    try:
        get_operator(name).parse(params, "f")
        in_plan = True
    except InvalidParamsError:
        in_plan = False
    assert in_pack is in_plan is accepted


@pytest.mark.parametrize("name", bundled_packs())
def test_bundled_rules_name_operators_and_params_redaction_accepts(name: str) -> None:
    """Every operator and parameter set of a bundled pack builds in redaction."""
    for rule in load_pack(name).rules:
        if rule.operator is not None:
            get_operator(rule.operator).parse(rule.params, f"rules[{rule.index}]")


def test_generalized_bands_from_a_pack_reach_the_plan(tmp_path: Path) -> None:
    """`bands` written in a pack is carried to the decision and built into an operator."""
    pack = _pack_naming(tmp_path, {OperatorName.GENERALIZE: ("billing", {"bands": [0, 50]}, "")})
    decision = evaluate_delivery(pack, delivery("internal", "service_quality"),
                                 [personal("paid_on", "BILLING_DATE")], "billing")  # fmt: skip
    (field,) = decision.fields
    assert (field.operator, dict(field.params)) == ("generalize", {"bands": [0, 50]})
    op = get_operator(field.operator).build(field.params, _ctx(field.field))
    assert op(pa.array(["12", "75"])).to_pylist() == ["0-50", "50+"]


def _ctx(field: str) -> Any:
    from redaction.operators import FieldContext

    return FieldContext(field, (), pa.string())
