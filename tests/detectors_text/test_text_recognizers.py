"""Each recognizer through the full text pipeline: what it must find and what it must leave."""

from __future__ import annotations

import pytest

from detectors.recognizers import CREDIT_CARD_MASKED
from detectors.text import scan_texts


def found(text: str, entity: str) -> list[str]:
    """The substrings reported as `entity` in `text` by `scan_texts` with default settings."""
    return [text[f.start : f.end] for f in scan_texts([text], "body") if f.entity_type == entity]


POSITIVES = [
    # (text, entity, expected substring)
    ("call +1 (514) 555-0199 tonight", "PHONE_NUMBER", "+1 (514) 555-0199"),  # +1, brackets
    ("cell 514.555.0199", "PHONE_NUMBER", "514.555.0199"),  # dotted
    ("my number is 5145550199", "PHONE_NUMBER", "5145550199"),  # bare 10 digits
    ("dial 15145550199 now", "PHONE_NUMBER", "15145550199"),  # bare 11 digits, Asterisk
    ("forward to +15145550199", "PHONE_NUMBER", "+15145550199"),  # E.164
    ("London office 011 44 20 7946 0958", "PHONE_NUMBER", "011 44 20 7946 0958"),  # 011 prefix
    ("Sydney mobile +61 491 570 156", "PHONE_NUMBER", "+61 491 570 156"),  # international, plus
    ("my mobile is 09-7625400", "PHONE_NUMBER", "09-7625400"),  # foreign national, context
    ("call me at (07) 5331 0577", "PHONE_NUMBER", "(07) 5331 0577"),  # foreign national, context
    ("as sip:jane.roe@example.com", "SIP_URI", "sip:jane.roe@example.com"),  # user@host
    (
        "peer sips:+15145550199@pbx.example.org;transport=tls ok",
        "SIP_URI",
        "sips:+15145550199@pbx.example.org;transport=tls",
    ),  # sips:, phone user part, parameters: one SIP_URI, not a phone
    ("softphone sip:1000@[2001:db8::1] fails", "SIP_URI", "sip:1000@[2001:db8::1]"),  # IPv6 host
    ('clid "Jane Roe" <5145550199>', "PERSON", "Jane Roe"),  # caller-id display name
    ("please ask for Dr. Amara Okafor", "PERSON", "Amara Okafor"),  # after a title
    ("Hi, this is Łukasz Kowalski again", "PERSON", "Łukasz Kowalski"),  # "this is", Ł
    ("Refund request from Åsa Tremblay", "PERSON", "Åsa Tremblay"),  # lead phrase, Å
    ("It still rings.\nthx Søren", "PERSON", "Søren"),  # sign-off on the same line
    ('clid "Jane Roe" <5145550199>', "PHONE_NUMBER", "5145550199"),  # caller-id number
    ("handset IMEI 490154203237518", "IMEI", "490154203237518"),  # Luhn + context
    ("imei: 49-015420-323751-8", "IMEI", "49-015420-323751-8"),  # grouped IMEI
    ("SIM IMSI 302720123456789", "IMSI", "302720123456789"),  # MCC 302 + context
    ("SIM ICCID 8910042348144559361", "ICCID", "8910042348144559361"),  # 19 digits, 89, Luhn
    ("router MAC 00:1A:2B:3C:4D:5E", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"),  # colon octets
    ("ATA 00-1a-2b-3c-4d-5e offline", "MAC_ADDRESS", "00-1a-2b-3c-4d-5e"),  # dashes, lowercase
    ("phone 001a.2b3c.4d5e", "MAC_ADDRESS", "001a.2b3c.4d5e"),  # Cisco dotted
    (
        "I live at 1234 Rue Sainte-Catherine O, Apt 5 now",
        "STREET_ADDRESS",
        "1234 Rue Sainte-Catherine O, Apt 5",
    ),  # French "Rue", direction, unit
    ("send it to 800 boul. René-Lévesque", "STREET_ADDRESS", "800 boul. René-Lévesque"),  # "boul."
    ("office at 55 5th Ave Suite 200", "STREET_ADDRESS", "55 5th Ave Suite 200"),  # ordinal, suite
    ("at 5888 Rue Notre-Dame O Apt 50", "STREET_ADDRESS", "5888 Rue Notre-Dame O Apt 50"),  # unit
    ("moved to 6676 Grande Allée E", "STREET_ADDRESS", "6676 Grande Allée E"),  # name, then type
    ("woont op Nassaustraat 123 nu", "STREET_ADDRESS", "Nassaustraat 123"),  # name, then number
    ("Montréal QC H3B 2Y5", "POSTAL_CODE", "H3B 2Y5"),  # Canadian
    ("New York, NY 10001", "POSTAL_CODE", "10001"),  # ZIP after a state code
    ("zip code 10001-1234", "POSTAL_CODE", "10001-1234"),  # ZIP+4 with context
    ("Montréal, QC", "LOCATION", "Montréal"),  # city before a province code
    ("account ACCT-10023456 is late", "ACCOUNT_NUMBER", "ACCT-10023456"),  # settings pattern
    ("Account #: 100234", "ACCOUNT_NUMBER", "100234"),  # digits after "account"
    ("my voicemail PIN is 4821", "VOICEMAIL_PIN", "4821"),  # keyword right before
    ("passcode: 90210", "VOICEMAIL_PIN", "90210"),  # passcode
    ("forgot my voicemail PIN, the old one was 4507.", "VOICEMAIL_PIN", "4507"),  # short clause
    ("password is Hunter2! thanks", "PASSWORD", "Hunter2!"),  # a final "!" is kept
    ("my password is Tr0ub4dor&3.", "PASSWORD", "Tr0ub4dor&3"),  # sentence full stop dropped
    ("pwd: s3cr3t-Pass", "PASSWORD", "s3cr3t-Pass"),  # pwd:
    ("card 5555 5555 5555 4444", "CREDIT_CARD", "5555 5555 5555 4444"),  # 4-4-4-4 spaces
    ("card 2221-0000-0000-0009", "CREDIT_CARD", "2221-0000-0000-0009"),  # 2-series Mastercard
    ("amex 3782 822463 10005", "CREDIT_CARD", "3782 822463 10005"),  # Amex 4-6-5
    ("4111111111111111", "CREDIT_CARD", "4111111111111111"),  # plain 16, no context
    ("exp 09/27", "CARD_EXPIRY", "09/27"),  # expiry with context
    ("card on file **** **** **** 1234", CREDIT_CARD_MASKED, "**** **** **** 1234"),  # masked
    ("card 411111******1111", CREDIT_CARD_MASKED, "411111******1111"),  # first six, last four
    ("mail jane.roe@example.com", "EMAIL_ADDRESS", "jane.roe@example.com"),  # e-mail
    ("from 192.0.2.10", "IP_ADDRESS", "192.0.2.10"),  # IPv4 documentation range
    ("from 2001:db8::1 over IPv6", "IP_ADDRESS", "2001:db8::1"),  # IPv6
    ("IBAN DE89 3704 0044 0532 0130 00", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),  # grouped
]


@pytest.mark.parametrize(("text", "entity", "expected"), POSITIVES)
def test_recognizer_finds(text: str, entity: str, expected: str) -> None:
    """The expected span is reported with exactly these offsets."""
    assert expected in found(text, entity)


NEGATIVES = [
    # (text, entity that must not be reported)
    ("call duration 125 seconds", "PHONE_NUMBER"),  # a duration
    ("uniqueid 1700000000.1234 hung up", "PHONE_NUMBER"),  # Asterisk uniqueid
    ("at epoch 1700000000 the call ended", "PHONE_NUMBER"),  # unix timestamp (area code 170)
    ("on 2024-03-15 at 10:22", "PHONE_NUMBER"),  # a date and a time
    ("order 5145550199 shipped", "PHONE_NUMBER"),  # order number shaped like a phone
    ("ticket ORD-5145550199", "PHONE_NUMBER"),  # id with a prefix
    ("I used the phone. Last time ticket 2024-117 fixed it", "PHONE_NUMBER"),  # next sentence
    ("my phone runs firmware 2.4.1 since 2024-03-15", "PHONE_NUMBER"),  # version and date
    ("the sip trunk is down", "SIP_URI"),  # the word, not a URI
    ("server sip:example.com", "SIP_URI"),  # no user part
    ("IMEI 490154203237519", "IMEI"),  # 15 digits failing Luhn
    ("ref 490154203237518", "IMEI"),  # Luhn-valid but no device context
    ("id 302720123456789", "IMSI"),  # 15 digits, no IMSI context
    ("IMSI 439011234567890", "IMSI"),  # context, but MCC 439 is not allocated
    ("SIM ICCID 8910042348144559362", "ICCID"),  # 89 prefix, Luhn fails
    ("broadcast ff:ff:ff:ff:ff:ff", "MAC_ADDRESS"),  # not a device
    ("at 10:22:33 today", "MAC_ADDRESS"),  # a time
    ("I waited 40 Minutes on hold", "STREET_ADDRESS"),  # number + capitalised words, no type
    ("code D3B 2Y5", "POSTAL_CODE"),  # D never used by Canada Post
    ("we sent 10001 messages", "POSTAL_CODE"),  # 5 digits without ZIP context
    ("ACCT-12 test", "ACCOUNT_NUMBER"),  # too short for the account pattern
    ("In 2024 we moved offices", "VOICEMAIL_PIN"),  # 4-digit year without PIN context
    ("4821 is my lucky number", "VOICEMAIL_PIN"),  # digits with no keyword before
    ("my password was reset yesterday", "PASSWORD"),  # plain words after the keyword
    ("reply PASS to 55501 now", "PASSWORD"),  # "pass" without ":" is not a keyword
    ("You have a Secret Admirer", "PASSWORD"),  # "secret" without ":"
    ("card 4111 1111 1111 1112", "CREDIT_CARD"),  # card-shaped, Luhn fails
    ("order 1234567812345678", "CREDIT_CARD"),  # 16-digit order number, Luhn fails
    ("handset IMEI 490154203237518", "CREDIT_CARD"),  # 15-digit IMEI is not an Amex
    ("card on file **** **** **** 1234", "CREDIT_CARD"),  # masked: not a clear card
    ("we met on 09/27", "CARD_EXPIRY"),  # a date without expiry context
    ("mail jane.roe@example.com", "URL"),  # Presidio's URL on the e-mail's domain
    ("Outbound caller ID shows UNKNOWN", "PERSON"),  # all-caps words are not names
    ("rejected with 403 Forbidden", "PERSON"),  # word after a number
    ("You won a Bonus Caller Prize", "PERSON"),  # capitalised "Caller" mid-sentence
    ("I will give it a miss. Am busy", "PERSON"),  # "miss" is not a title
    ("firmware 2.4.1 is current", "IP_ADDRESS"),  # a version number
    ("gateway 999.10.1.1 unreachable", "IP_ADDRESS"),  # an octet above 255
    ("login jane@localhost failed", "EMAIL_ADDRESS"),  # no public domain
    ("follow @northwind for updates", "EMAIL_ADDRESS"),  # a social handle
    ("IBAN DE89 3704 0044 0532 0130 01", "IBAN_CODE"),  # IBAN-shaped, checksum fails
    ("rated it ***** five stars", CREDIT_CARD_MASKED),  # stars with no digits kept
    ("the Premium plan costs more", "LOCATION"),  # a capitalised plan name
    ("my voicemail PIN is 4821", "DATE_TIME"),  # a PIN is not a year (Presidio says it is)
    ("version 2.4 of the app", "DATE_TIME"),  # a version number
    ("ext 1234 rings twice", "DATE_TIME"),  # an extension
]


@pytest.mark.parametrize(("text", "entity"), NEGATIVES)
def test_recognizer_ignores(text: str, entity: str) -> None:
    """Nothing of `entity` is reported."""
    assert found(text, entity) == []
