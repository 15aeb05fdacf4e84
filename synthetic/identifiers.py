"""Checksummed identifiers (cards, IMEI, IBAN) and network addresses from reserved ranges."""

from __future__ import annotations

import random

DOC_IPV4_PREFIXES: tuple[str, ...] = ("192.0.2.", "198.51.100.", "203.0.113.")

# (brand, prefixes, length, grouping)
CARD_BRANDS: tuple[tuple[str, tuple[str, ...], int, tuple[int, ...]], ...] = (
    ("visa", ("4",), 16, (4, 4, 4, 4)),
    ("mastercard", ("51", "52", "53", "54", "55"), 16, (4, 4, 4, 4)),
    ("mastercard2", ("2221", "2300", "2500", "2699", "2720"), 16, (4, 4, 4, 4)),
    ("amex", ("34", "37"), 15, (4, 6, 5)),
    ("discover", ("6011", "65"), 16, (4, 4, 4, 4)),
)
IMEI_TACS: tuple[str, ...] = ("49015420", "35209900", "35693803", "01326300", "35332211")


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # Luhn: digit doubled, digits of the result summed


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn checksum."""
    digits = [ord(ch) - 48 for ch in reversed(payload)]
    total = sum(_DOUBLED[d] for d in digits[0::2]) + sum(digits[1::2])
    return str((10 - total % 10) % 10)


def _digits(rng: random.Random, count: int) -> str:
    """`count` random decimal digits, leading zeros allowed."""
    return f"{rng.randrange(10**count):0{count}d}"


def card_number(rng: random.Random) -> str:
    """A Luhn-valid card number in a random brand and writing style (plain, spaces, dashes)."""
    _, prefixes, length, groups = rng.choice(CARD_BRANDS)
    prefix = rng.choice(prefixes)
    payload = prefix + _digits(rng, length - len(prefix) - 1)
    number = payload + luhn_check_digit(payload)
    style = rng.randrange(3)
    if style == 0:
        return number
    parts, pos = [], 0
    for size in groups:
        parts.append(number[pos : pos + size])
        pos += size
    return (" " if style == 1 else "-").join(parts)


def card_expiry(rng: random.Random) -> str:
    """`09/27` or `2027-09`."""
    month, year = rng.randint(1, 12), rng.randint(2025, 2031)
    return f"{month:02d}/{year % 100:02d}" if rng.random() < 0.7 else f"{year}-{month:02d}"


def imei(rng: random.Random) -> str:
    """A 15-digit IMEI: type allocation code, serial, Luhn check digit."""
    payload = rng.choice(IMEI_TACS) + _digits(rng, 6)
    return payload + luhn_check_digit(payload)


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def _fr_rib_key(bank: str, branch: str, account: str) -> str:
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"


def iban(rng: random.Random) -> str:
    """A checksum-valid IBAN for DE, FR, GB or NL; half compact, half in groups of four."""
    country = rng.choice(("DE", "FR", "GB", "NL"))
    if country == "DE":
        bban = _digits(rng, 18)
    elif country == "FR":
        bank, branch, account = _digits(rng, 5), _digits(rng, 5), _digits(rng, 11)
        bban = bank + branch + account + _fr_rib_key(bank, branch, account)
    elif country == "GB":
        bban = rng.choice(("NWBK", "BARC", "MIDL", "LOYD")) + _digits(rng, 14)
    else:
        bban = rng.choice(("ABNA", "RABO", "INGB")) + _dutch_account(rng)
    code = country + _iban_check(country, bban) + bban
    if rng.random() < 0.5:
        return code
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _dutch_account(rng: random.Random) -> str:
    """Ten digits passing the Dutch eleven-test, which some validators apply."""
    while True:
        digits = _digits(rng, 10)
        if sum(int(d) * w for d, w in zip(digits, range(10, 0, -1), strict=True)) % 11 == 0:
            return digits


def mac_address(rng: random.Random) -> str:
    """`00:1A:2B:3C:4D:5E` (sometimes lowercase or dash-separated)."""
    octets = [rng.randrange(256) for _ in range(6)]
    octets[0] &= 0xFC  # unicast, globally administered shape
    sep = rng.choice((":", ":", "-"))
    text = sep.join(f"{o:02X}" for o in octets)
    return text.lower() if rng.random() < 0.3 else text


def ipv4(rng: random.Random) -> str:
    return rng.choice(DOC_IPV4_PREFIXES) + str(rng.randint(1, 254))


def ipv6(rng: random.Random) -> str:
    return f"2001:db8:{rng.randrange(1, 0xFFFF):x}::{rng.randrange(1, 0xFFFF):x}"


def postal_code(rng: random.Random, country: str, prefix: str) -> str:
    """Canadian `H3B 2Y5` from its first letter, or US `10001`/`10001-1234` from 3 digits."""
    if country == "CA":
        letters = "ABCEGHJKLMNPRSTVXY"
        return (
            f"{prefix}{rng.randrange(10)}{rng.choice(letters)} "
            f"{rng.randrange(10)}{rng.choice(letters)}{rng.randrange(10)}"
        )
    zip5 = prefix + _digits(rng, 2)
    return zip5 if rng.random() < 0.75 else f"{zip5}-{_digits(rng, 4)}"


def account_code(number: int) -> str:
    """`ACCT-10023456` from an 8-digit number."""
    return f"ACCT-{number:08d}"
