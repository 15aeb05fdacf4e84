"""Phone numbers, e-mail addresses and SIP URIs, whole-cell or embedded in switch strings."""

from __future__ import annotations

import re

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

# E-mails written against harvesters: `john dot doe at example dot com`, `jdoe [at] example
# [dot] com`, `jdoe(at)example(dot)com`, `jean point dupont arobase exemple point fr`. The pieces
# are RE2- and Python-compatible: the column shape and the text recognizer share them.
_OPEN, _CLOSE = r"[\[({<]", r"[\])}>]"
_AT_WORD = r"(?:at|ar{1,2}obas(?:e)?)"  # arobase, arrobase, arobas
_DOT_WORD = r"(?:dot|point)"
_WORDED_AT = rf"\s*{_OPEN}\s*{_AT_WORD}\s*{_CLOSE}\s*|\s+{_AT_WORD}\s+"
_WORDED_DOT = rf"\s*{_OPEN}\s*{_DOT_WORD}\s*{_CLOSE}\s*|\s+{_DOT_WORD}\s+"
OBFUSCATED_AT = rf"(?:{_WORDED_AT}|\s*@\s*)"
OBFUSCATED_DOT = rf"(?:{_WORDED_DOT}|\.)"
# Top-level domains an address may end in: common generic ones and every two-letter country
# code (the ccTLDs of tldextract's bundled public suffix list). "meet at noon" has none.
_GENERIC_TLDS = (
    "com net org edu gov mil int info biz name pro mobi aero coop museum app dev xyz online "
    "site tech store shop cloud email live blog page club quebec"
)
_COUNTRY_TLDS = (
    "ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb be bf bg bh bi bj bm bn bo br bs "
    "bt bv bw by bz ca cc cd cf cg ch ci cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec "
    "ee eg es et eu fi fj fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk "
    "hm hn hr ht hu id ie il im in io iq ir is it je jo jp ke kg ki km kn kp kr kw ky kz la lb "
    "lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mn mo mp mq mr ms mt mu mv mw mx my mz "
    "na nc ne nf ng ni nl no nr nu nz om pa pe pf ph pk pl pm pn pr ps pt pw py qa re ro rs ru "
    "rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk "
    "tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt zm zw"
)
TLDS = frozenset((_GENERIC_TLDS + " " + _COUNTRY_TLDS).split())
_TLD = "(?:" + "|".join(sorted(TLDS, key=lambda t: (-len(t), t))) + ")"
_LOCAL_PART = rf"[a-z0-9_%+\-]+(?:{OBFUSCATED_DOT}[a-z0-9_%+\-]+)*"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
OBFUSCATED_EMAIL = (
    rf"(?P<local>{_LOCAL_PART})(?P<at>{OBFUSCATED_AT})"
    rf"(?P<domain>{_LABEL}(?:{OBFUSCATED_DOT}{_LABEL})*{OBFUSCATED_DOT}{_TLD})"
)
"""Case-insensitive; groups `local`, `at`, `domain`. See `deobfuscate_email` for what counts."""

_OBFUSCATED_EMAIL_RE = re.compile(OBFUSCATED_EMAIL, re.IGNORECASE)
# "point" alone is also an English word ("at some point so…"): only "dot" or a bracketed word
# makes a plain "at" an address.
_TELLING_DOT_RE = re.compile(rf"\s*{_OPEN}\s*{_DOT_WORD}\s*{_CLOSE}\s*|\s+dot\s+", re.IGNORECASE)
_ANY_DOT_RE = re.compile(OBFUSCATED_DOT, re.IGNORECASE)


def deobfuscate_email(text: str) -> str | None:
    """The plain lower-case address `text` writes against harvesters, else None.

    `text` must be all address (see `OBFUSCATED_EMAIL`). A bracketed at, "arobase" or an
    upper-case AT is deliberate; a plain "at" or "@" counts only with a spelled-out "dot" or a
    bracketed dot somewhere (`john at example dot com`), so "visit us at www.example.com" and
    "at some point so" are prose, not addresses.
    """
    match = _OBFUSCATED_EMAIL_RE.fullmatch(text.strip())
    if match is None:
        return None
    local, at, domain = match.group("local", "at", "domain")
    at = at.strip()
    deliberate = at[0] in "[({<" or at.lower().startswith("ar") or at == "AT"
    telling_dot = _TELLING_DOT_RE.search(local) or _TELLING_DOT_RE.search(domain)
    if not (deliberate or telling_dot):
        return None
    return f"{_ANY_DOT_RE.sub('.', local)}@{_ANY_DOT_RE.sub('.', domain)}".lower()


def _obfuscated_email(value: str, settings: DetectionSettings) -> bool:
    return deobfuscate_email(value) is not None


EMAIL_ADDRESS = ValueClassifier(
    entities.EMAIL_ADDRESS,
    shapes=(
        Shape(
            r"^\s*[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\s*$"
        ),
        # written against harvesters; cells longer than an address never are one
        Shape(
            rf"^\s*{OBFUSCATED_EMAIL}\s*$",
            exclude=r"^.{255}",
            validate=_obfuscated_email,
            ignore_case=True,
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
