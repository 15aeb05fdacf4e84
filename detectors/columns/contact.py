"""Phone numbers, e-mail addresses and SIP URIs, whole-cell or embedded in switch strings."""

from __future__ import annotations

import phonenumbers

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier
from detectors.columns.phones import phones_valid
from detectors.settings import DetectionSettings
from detectors.validators import digits_only

# A number bounded by non-word characters, not right after `:` (the user part of a sip: URI is
# reported as SIP_URI) nor inside an identifier (`ACCT-10023456`, pseudonym tokens).
_WHOLE = r"^\s*(?:[Tt][Ee][Ll]:)?\+?[0-9(][0-9 ().\-]{5,22}[0-9]\s*$"
# Decimals (1270167992.0 is an Asterisk uniqueid) and IPv4 addresses are never phone numbers.
_NOT_PHONE = r"^\s*(?:[0-9]+\.[0-9]+|[0-9]{1,3}(?:\.[0-9]{1,3}){3})\s*$"
_EMBEDDED = r"(?:^|[^0-9A-Za-z_+:])(?P<value>\+?[0-9]{10,15})(?:[^0-9A-Za-z_]|$)"


def _possible_phone(value: str, settings: DetectionSettings) -> bool:
    """Phone-shaped for the region (length fits) though not assigned in libphonenumber's
    metadata, as test systems' numbers often are (`450-123-1234`); not one repeated digit.
    """
    if len(set(digits_only(value))) < 3:
        return False
    try:
        number = phonenumbers.parse(value.strip(), settings.default_region)
    except phonenumbers.NumberParseException:
        return False
    reason = phonenumbers.is_possible_number_with_reason(number)
    return reason in (
        phonenumbers.ValidationResult.IS_POSSIBLE,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    )


PHONE_NUMBER = ValueClassifier(
    entities.PHONE_NUMBER,
    shapes=(
        # the whole cell: +15145550123, (514) 555-0123, 514.555.0123, tel:+44...
        Shape(_WHOLE, exclude=_NOT_PHONE, validate_many=phones_valid),
        # caller id: "Jane Roe" <(514) 555-0123>
        Shape(r"<[^<>@]{7,25}>", extract=r"<(?P<value>[^<>@]{7,25})>", validate_many=phones_valid),
        # dial strings: SIP/trunk/15145550123,60
        Shape(_EMBEDDED, extract=_EMBEDDED, validate_many=phones_valid),
        # in a phone-named column, numbers of a possible length (a name alone never suffices)
        Shape(_WHOLE, exclude=_NOT_PHONE, validate=_possible_phone, needs_hint=True),
    ),
    name_hint=(
        r"phone|(^|_)(tel|telephone|msisdn|mobile|cell|fax|src|dst|clid|cid|cid_num|ani|dnid|"
        r"rdnis|did|cli|callerid|caller|callee|caller_id|destination|number|dialed|called)(_|$)"
    ),
    name_exclude=r"(^|_)(ip|ipv4|ipv6|mac|uri|url|host|domain|addr|address|channel|context)(_|$)",
)

EMAIL_ADDRESS = ValueClassifier(
    entities.EMAIL_ADDRESS,
    shapes=(
        Shape(
            r"^\s*[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\s*$"
        ),
    ),
    name_hint=r"e_?mail|(^|_)mail(_|$)",
)

SIP_URI = ValueClassifier(
    entities.SIP_URI,
    shapes=(
        Shape(
            r"(^|[^a-z])sips?:[^\s@<>\"]+@(?:[a-z0-9.\-]+|\[[0-9a-f:.]+\])",
            ignore_case=True,
        ),
    ),
    name_hint=r"sip|(^|_)uri(_|$)|(^|_)(from|to|contact)_uri",
)
