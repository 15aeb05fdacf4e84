"""Telecom recognizers for Presidio, one per module, and the list `build_analyzer` registers."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import (
    DateRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UrlRecognizer,
)

from detectors.recognizers.account_number import AccountNumberRecognizer
from detectors.recognizers.ca_sin import CaSinRecognizer
from detectors.recognizers.caller_id import CallerIdNameRecognizer
from detectors.recognizers.card_expiry import CardExpiryRecognizer
from detectors.recognizers.city_region import CityRegionRecognizer
from detectors.recognizers.credit_card import CreditCardRecognizer
from detectors.recognizers.date_of_birth import DateOfBirthRecognizer
from detectors.recognizers.iccid import IccidRecognizer
from detectors.recognizers.imei import ImeiRecognizer
from detectors.recognizers.imsi import ImsiRecognizer
from detectors.recognizers.mac_address import MacAddressRecognizer
from detectors.recognizers.masked_card import CREDIT_CARD_MASKED, MaskedCardRecognizer
from detectors.recognizers.obfuscated_email import ObfuscatedEmailRecognizer
from detectors.recognizers.password import PasswordRecognizer
from detectors.recognizers.person_context import PersonContextRecognizer
from detectors.recognizers.person_gazetteer import PersonGazetteerRecognizer
from detectors.recognizers.phone import PhoneRecognizer
from detectors.recognizers.phone_national import NationalPhoneRecognizer
from detectors.recognizers.postal_code import PostalCodeRecognizer
from detectors.recognizers.sip_uri import SipUriRecognizer
from detectors.recognizers.street_address import StreetAddressRecognizer
from detectors.recognizers.voicemail_pin import VoicemailPinRecognizer
from detectors.settings import DetectionSettings

__all__ = ["CREDIT_CARD_MASKED", "telecom_recognizers"]


def telecom_recognizers(settings: DetectionSettings) -> list[EntityRecognizer]:
    """Every pattern recognizer we register: Presidio's generic ones we trust, plus ours.

    Left out on purpose: Presidio's PhoneRecognizer and CreditCardRecognizer (replaced),
    and the country-specific ones (US_DRIVER_LICENSE, US_BANK_NUMBER, UK_NHS, MEDICAL_LICENSE,
    US_SSN...) that fire on CDR ids, account codes and phone numbers (../shared/KNOWN.md).
    Our CA_SIN takes bare digits only next to SIN words; plain e-mails are Presidio's, those
    written against harvesters ours.
    """
    return [
        EmailRecognizer(),
        ObfuscatedEmailRecognizer(),
        IpRecognizer(),
        IbanRecognizer(),
        UrlRecognizer(),
        DateRecognizer(),
        PhoneRecognizer(settings.default_region),
        NationalPhoneRecognizer(),
        SipUriRecognizer(),
        CallerIdNameRecognizer(),
        PersonContextRecognizer(),
        PersonGazetteerRecognizer(),
        CityRegionRecognizer(),
        ImeiRecognizer(),
        ImsiRecognizer(),
        IccidRecognizer(),
        MacAddressRecognizer(),
        StreetAddressRecognizer(),
        PostalCodeRecognizer(),
        AccountNumberRecognizer(settings.account_patterns),
        VoicemailPinRecognizer(),
        PasswordRecognizer(),
        CreditCardRecognizer(),
        MaskedCardRecognizer(),
        CardExpiryRecognizer(),
        DateOfBirthRecognizer(),
        CaSinRecognizer(),
    ]
