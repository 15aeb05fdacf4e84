"""Payment and account data: card numbers, card expiry dates, IBANs, account numbers."""

from __future__ import annotations

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier
from detectors.settings import DetectionSettings
from detectors.validators import card_brand_valid, iban_valid


def _card(value: str, settings: DetectionSettings) -> bool:
    """Every brand's issuer range and length (`validators.CARD_BRANDS`), and Luhn: the same test
    as in text and in the verification sweep. Luhn alone passes one random number in ten."""
    return card_brand_valid(value)


def _iban(value: str, settings: DetectionSettings) -> bool:
    return iban_valid(value.strip())


CREDIT_CARD = ValueClassifier(
    entities.CREDIT_CARD,
    shapes=(Shape(r"^\s*[0-9]{4}[0-9 \-]{8,18}[0-9]\s*$", validate=_card),),
    name_hint=r"(^|_)(card|cc|pan|cc_number|card_number|credit_card|cardnumber)(_|$)",
    name_exclude=r"expir|(^|_)exp(_|$)|card_type|cc_type|sim_card",
)

_MONTH = "(?:0[1-9]|1[0-2])"
CARD_EXPIRY = ValueClassifier(
    entities.CARD_EXPIRY,
    shapes=(
        Shape(rf"^\s*{_MONTH}\s?/\s?(?:[0-9]{{2}}|20[0-9]{{2}})\s*$"),
        # 2027-09 and full dates are billing periods or dates unless the name says expiry
        Shape(rf"^\s*(?:20|21)[0-9]{{2}}-{_MONTH}(?:-[0-3][0-9])?\s*$", needs_hint=True),
        Shape(rf"^\s*{_MONTH}-?[0-9]{{2}}\s*$", needs_hint=True),
    ),
    name_hint=r"expir|(^|_)(exp|cc_exp|card_exp|valid_thru|valid_until)(_|$)",
)

IBAN_CODE = ValueClassifier(
    entities.IBAN_CODE,
    shapes=(
        Shape(r"^\s*[A-Za-z]{2}[0-9]{2}(?:\s?[A-Za-z0-9]{1,4}){3,8}\s*$", validate=_iban),
    ),
    name_hint=r"iban|(^|_)(bank_account|account_iban)(_|$)",
)


def _account_shapes(settings: DetectionSettings) -> tuple[Shape, ...]:
    return tuple(Shape(pattern) for pattern in settings.account_patterns)


ACCOUNT_NUMBER = ValueClassifier(
    entities.ACCOUNT_NUMBER,
    shapes=(
        # with an account-like name, a short code plus digits: C-100234, 10023456
        Shape(r"^\s*[A-Za-z]{0,6}[\-_]?[0-9]{4,12}\s*$", needs_hint=True),
    ),
    settings_shapes=_account_shapes,
    name_hint=(
        r"(^|_)(account|acct|accountcode|account_code|account_number|account_no|account_id|"
        r"customer_id|cust_id|customer_number|subscriber_id|peeraccount|bank_account)(_|$)"
    ),
)
