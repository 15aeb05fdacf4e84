"""Generated cards, IMEIs and IBANs pass the validators the detectors use, for any seed."""

from __future__ import annotations

import random
import re

from hypothesis import given
from hypothesis import strategies as st

from detectors.validators import card_number_valid, iban_valid, imei_valid, luhn_valid
from synthetic import identifiers

SEEDS = st.integers(0, 2**32 - 1)


@given(SEEDS)
def test_cards_are_luhn_valid_in_their_brand_shape(seed: int) -> None:
    """Card numbers pass Luhn; grouped ones use 4-4-4-4 or Amex 4-6-5."""
    card = identifiers.card_number(random.Random(seed))
    assert card_number_valid(card)
    assert re.fullmatch(r"\d{15,16}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}|3[47]\d{2}([ -])\d{6}\2\d{5}",
                        card)


@given(SEEDS)
def test_imei_and_iban_checksums(seed: int) -> None:
    """IMEIs are 15 Luhn-valid digits; IBANs pass ISO 13616 and country checks."""
    rng = random.Random(seed)
    imei = identifiers.imei(rng)
    assert len(imei) == 15 and imei_valid(imei) and luhn_valid(imei)
    assert iban_valid(identifiers.iban(rng))


@given(SEEDS)
def test_network_identifiers_are_reserved(seed: int) -> None:
    """IPs come from documentation ranges; MACs have six octets."""
    rng = random.Random(seed)
    assert identifiers.ipv4(rng).startswith(identifiers.DOC_IPV4_PREFIXES)
    assert identifiers.ipv6(rng).startswith("2001:db8:")
    assert re.fullmatch(r"[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}",
                        identifiers.mac_address(rng))


def test_luhn_check_digit_matches_a_known_imei() -> None:
    """The check digit of the IMEI from the IMEI standard's example is 8."""
    assert identifiers.luhn_check_digit("49015420323751") == "8"
