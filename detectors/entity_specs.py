"""One `EntitySpec` per entity, registered in one place: what the gate needs to find it, to
tokenize it and to check that none leaves in clear.

Each field feeds one stage:

- `column`: the column classifier profiling runs on every column (`detectors/columns`);
  `profiling` and `detectors.columns.CLASSIFIERS` read the registry, so a registered entity is
  profiled;
- `token_prefix` and `normaliser`: the tokens `pseudonymize` makes (`PREFIX_<16 hex>`, an HMAC
  of the value normalised so that one value written several ways is one token);
  `redaction.operators.pseudonymize.PREFIXES` and `NORMALISERS` are views of the registry;
- `swept`: a validated identifier the full-coverage sweep (`detectors/sweep.py`) checks in
  every delivered cell; `in_text`: free-text recognizers report it; `generated`: the
  synthetic generator plants it, labelled.

Its category (and so its default transform and role) is the taxonomy's
(`policy/taxonomy.yaml`), which the policy owns: a new entity is mapped there once.
`tests/policy/test_entity_invariants.py` checks every registered entity against every stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from detectors import entities as e
from detectors.columns import address, contact, dates, device, government_id, network, payment
from detectors.columns import person as person_columns
from detectors.columns.base import ValueClassifier
from detectors.live_mapping import LiveMapping


class Normaliser(StrEnum):
    """How a value is written down before it is tokenized (the functions are redaction's:
    `pseudonymize.NORMALISE`)."""

    E164 = "e164"  # a phone number as E.164; digits when it does not parse
    LOWER = "lower"  # stripped, lower case (e-mail, SIP URI)
    UPPER = "upper"  # stripped, upper case (account ids)
    WORDS = "words"  # spaces collapsed, case folded (names)
    IP = "ip"  # the address's compressed form
    HEX = "hex"  # hex digits only, lower case (MAC addresses)
    DIGITS = "digits"  # digits only (cards, SIN, IMEI, IMSI, ICCID)
    ALNUM_UPPER = "alnum_upper"  # spaces removed, upper case (IBAN)
    STRIP = "strip"  # surrounding blanks removed


@dataclass(frozen=True)
class EntitySpec:
    """Everything about one entity but its category (see the module docstring)."""

    name: str
    column: ValueClassifier | None = None
    token_prefix: str | None = None  # None: never tokenized on its own (times, dates)
    normaliser: Normaliser | None = None
    swept: bool = False
    in_text: bool = True
    generated: bool = True


_REGISTRY: dict[str, EntitySpec] = {}


def register(spec: EntitySpec) -> EntitySpec:
    """Add (or replace) an entity; every stage that reads the registry sees it from now on."""
    if spec.token_prefix is not None and spec.normaliser is None:
        raise ValueError(f"entity {spec.name}: a token prefix needs a normaliser")
    if spec.column is not None and spec.column.entity_type != spec.name:
        found = spec.column.entity_type
        raise ValueError(f"entity {spec.name}: its column classifier finds {found}")
    _REGISTRY[spec.name] = spec
    return spec


def unregister(name: str) -> None:
    """Remove a registered entity (tests that register a toy one)."""
    _REGISTRY.pop(name, None)


def specs() -> tuple[EntitySpec, ...]:
    return tuple(_REGISTRY.values())


def spec_for(name: str) -> EntitySpec | None:
    return _REGISTRY.get(name)


def registry_view(field: str) -> LiveMapping[object]:
    """A live mapping of entity name → one field of its spec, for the entities that have it."""
    return LiveMapping(lambda: {
        s.name: value for s in _REGISTRY.values() if (value := getattr(s, field)) is not None
    })  # fmt: skip


S = EntitySpec
N = Normaliser
for _spec in (  # column classifiers run in this order
    S(e.PHONE_NUMBER, contact.PHONE_NUMBER, "PHONE", N.E164, swept=True),
    S(e.EMAIL_ADDRESS, contact.EMAIL_ADDRESS, "EMAIL", N.LOWER, swept=True),
    S(e.SIP_URI, contact.SIP_URI, "SIP", N.LOWER, swept=True),
    S(e.IP_ADDRESS, network.IP_ADDRESS, "IP", N.IP, swept=True),
    S(e.MAC_ADDRESS, network.MAC_ADDRESS, "MAC", N.HEX, swept=True),
    S(e.CREDIT_CARD, payment.CREDIT_CARD, "CARD", N.DIGITS, swept=True),
    S(e.CARD_EXPIRY, payment.CARD_EXPIRY),
    S(e.IBAN_CODE, payment.IBAN_CODE, "IBAN", N.ALNUM_UPPER, swept=True),
    S(e.ACCOUNT_NUMBER, payment.ACCOUNT_NUMBER, "ACCT", N.UPPER),
    S(e.IMEI, device.IMEI, "IMEI", N.DIGITS, swept=True),
    # no check digit: an IMSI is found by its column and text context, not swept
    S(e.IMSI, device.IMSI, "IMSI", N.DIGITS, generated=False),
    S(e.ICCID, device.ICCID, "ICCID", N.DIGITS, swept=True, generated=False),
    S(e.STREET_ADDRESS, address.STREET_ADDRESS, "ADDR", N.STRIP),
    S(e.POSTAL_CODE, address.POSTAL_CODE, "POSTAL", N.STRIP),
    S(e.PERSON, person_columns.PERSON, "PERSON", N.WORDS),
    S(e.LOCATION, person_columns.LOCATION, "LOC", N.STRIP),
    S(e.DATE_TIME, dates.DATE_TIME),
    S(e.DATE_OF_BIRTH, dates.DATE_OF_BIRTH),
    S(e.TIME_ID, dates.TIME_ID, "CALLID", N.STRIP, in_text=False),
    S(e.BILLING_DATE, dates.BILLING_DATE, in_text=False),
    S(e.CA_SIN, government_id.CA_SIN, "SIN", N.DIGITS, swept=True, generated=False),
    S(e.URL, None, "URL", N.STRIP, generated=False),
    S(e.VOICEMAIL_PIN, None),
    S(e.PASSWORD, None),
):
    register(_spec)
del _spec
