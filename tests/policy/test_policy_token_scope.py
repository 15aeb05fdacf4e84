"""Token scope: per recipient by default; `token_scope: shared` only where the pack grants it."""

from __future__ import annotations

from pathlib import Path

import pytest
from policy_fakes import bundled, delivery, mini_pack, personal, write_yaml

from policy import (
    ConfigError,
    DeliveryStatus,
    PackError,
    TokenScope,
    evaluate_delivery,
    load_config,
    load_pack,
)

CONFIG = """\
policy: voipms
datasets:
  - {name: cdr, kind: cdr, path: data/cdr/*.csv}
deliveries:
  - name: cdr-quality
    dataset: cdr
    recipient: acme-analytics
    recipient_class: analytics_vendor
    purpose: service_quality
  - name: cdr-internal
    dataset: cdr
    recipient: noc
    recipient_class: internal
    purpose: service_quality
    token_scope: shared
"""
PHONE = (personal("src", "PHONE_NUMBER"),)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_scope_defaults_to_the_recipient_and_shared_loads_where_granted(tmp_path: Path) -> None:
    """No token_scope: recipient; voipms grants internal shared_tokens, so that loads."""
    config = load_config(_config(tmp_path, CONFIG))
    assert [d.token_scope for d in config.deliveries] == [TokenScope.RECIPIENT, TokenScope.SHARED]


def test_shared_scope_is_refused_where_the_pack_does_not_grant_it(tmp_path: Path) -> None:
    """An analytics vendor may not share tokens: a config error naming the delivery."""
    text = CONFIG.replace(
        "    purpose: service_quality\n  - name: cdr-internal",
        "    purpose: service_quality\n    token_scope: shared\n  - name: cdr-internal",
    )
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).replace(f"{path}: ", "").splitlines() == [
        "deliveries[0].token_scope: delivery 'cdr-quality': token_scope shared is not allowed "
        "for recipient class 'analytics_vendor' (pack 'voipms' does not grant it shared_tokens): "
        "its tokens would join with other recipients' deliveries; remove token_scope (tokens "
        "scoped to the recipient; classes granted shared_tokens: internal)"
    ]


def test_unknown_scope_is_a_config_error(tmp_path: Path) -> None:
    """Only recipient and shared are scopes."""
    path = _config(tmp_path, CONFIG.replace("token_scope: shared", "token_scope: global"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).replace(f"{path}: ", "") == (
        "deliveries[1].token_scope: Input should be 'recipient' or 'shared'"
    )


@pytest.mark.parametrize(
    ("cls", "scope", "status"),
    [
        # the default scope goes everywhere
        ("analytics_vendor", TokenScope.RECIPIENT, DeliveryStatus.PROCEED),
        # shared where granted
        ("internal", TokenScope.SHARED, DeliveryStatus.PROCEED),
        # a spec built without load_config still cannot share tokens with a vendor: denied
        ("analytics_vendor", TokenScope.SHARED, DeliveryStatus.DENIED),
    ],
)
def test_decision_carries_the_scope(cls: str, scope: TokenScope, status: DeliveryStatus) -> None:
    """The scope reaches the decision; an ungranted shared scope is denied (fail closed)."""
    spec = delivery(cls, "service_quality", "cdr", token_scope=scope)
    decision = evaluate_delivery(bundled("voipms"), spec, PHONE, "cdr")
    assert (decision.token_scope, decision.status) == (scope, status)
    if status is DeliveryStatus.DENIED:
        assert decision.denial_reasons[-1].startswith(
            "delivery 'd': token_scope shared is not allowed for recipient class "
            "'analytics_vendor'"
        )


def test_a_grant_needs_its_clause(tmp_path: Path) -> None:
    """`shared_tokens: true` is refused: a grant quotes the clause that allows it."""
    data = mini_pack()
    data["recipient_classes"]["internal"]["shared_tokens"] = True
    path = write_yaml(tmp_path / "pack.yaml", data)
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert str(err.value).replace(f"{path}: ", "") == (
        "recipient_classes.internal.shared_tokens: a grant names the clause that allows it: "
        "write {citation: {section: ..., quote: ...}} instead of true/false (leave the key out "
        "to withhold it)"
    )


def test_legacysip_grants_no_shared_tokens() -> None:
    """LegacySIP uses information only for the purpose submitted: no class shares tokens."""
    assert all(c.shared_tokens is None for c in bundled("legacysip").recipient_classes.values())
