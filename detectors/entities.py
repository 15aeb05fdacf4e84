"""The entity vocabulary shared by detectors, synthetic labels, policy packs and redaction.

Presidio's own names where Presidio has one; telecom additions follow its UPPER_SNAKE style.
"""

from __future__ import annotations

# Presidio built-ins we use.
PERSON = "PERSON"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PHONE_NUMBER = "PHONE_NUMBER"
CREDIT_CARD = "CREDIT_CARD"
IBAN_CODE = "IBAN_CODE"
IP_ADDRESS = "IP_ADDRESS"
LOCATION = "LOCATION"  # a city, region or country named in text
DATE_TIME = "DATE_TIME"
URL = "URL"

# Telecom and billing additions.
SIP_URI = "SIP_URI"  # sip:/sips: URIs, including those carrying a phone number
IMEI = "IMEI"
IMSI = "IMSI"
ICCID = "ICCID"
MAC_ADDRESS = "MAC_ADDRESS"
STREET_ADDRESS = "STREET_ADDRESS"  # "1234 Rue Sainte-Catherine O, Apt 5"
POSTAL_CODE = "POSTAL_CODE"  # Canadian "H3B 2Y5", US ZIP "10001" / "10001-1234"
ACCOUNT_NUMBER = "ACCOUNT_NUMBER"  # customer/account/sub-account ids (configurable patterns)
VOICEMAIL_PIN = "VOICEMAIL_PIN"
PASSWORD = "PASSWORD"
CARD_EXPIRY = "CARD_EXPIRY"  # "09/27", "2027-09"
DATE_OF_BIRTH = "DATE_OF_BIRTH"
CA_SIN = "CA_SIN"  # Canadian social insurance number, named like Presidio's US_SSN
BILLING_DATE = "BILLING_DATE"  # invoice, due and payment dates: day granularity, not call times
TIME_ID = "TIME_ID"  # an id or number that encodes a time: Asterisk uniqueid, epoch seconds

PRESIDIO_BUILTINS = frozenset(
    {PERSON, EMAIL_ADDRESS, PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, IP_ADDRESS, LOCATION, DATE_TIME}
    | {URL}
)
TELECOM_ENTITIES = frozenset(
    {
        SIP_URI, IMEI, IMSI, ICCID, MAC_ADDRESS, STREET_ADDRESS, POSTAL_CODE, ACCOUNT_NUMBER,
        VOICEMAIL_PIN, PASSWORD, CARD_EXPIRY, DATE_OF_BIRTH, CA_SIN, TIME_ID,
        BILLING_DATE,
    }
)
ALL_ENTITIES = PRESIDIO_BUILTINS | TELECOM_ENTITIES
