"""Telecom recognizers for Presidio, one per module, and the list `build_analyzer` registers."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern
from presidio_analyzer.predefined_recognizers import (
    DateRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UkPostcodeRecognizer,
)

from detectors.entities import POSTAL_CODE
from detectors.recognizers.account_number import AccountNumberRecognizer
from detectors.recognizers.address_lead import AddressLeadRecognizer
from detectors.recognizers.ca_sin import CaSinRecognizer
from detectors.recognizers.caller_id import CallerIdNameRecognizer
from detectors.recognizers.card_expiry import CardExpiryRecognizer
from detectors.recognizers.city_region import CityRegionRecognizer
from detectors.recognizers.credit_card import CreditCardRecognizer
from detectors.recognizers.date_of_birth import DateOfBirthRecognizer
from detectors.recognizers.email_gated import GatedEmailRecognizer
from detectors.recognizers.handle import HandleRecognizer
from detectors.recognizers.iccid import IccidRecognizer
from detectors.recognizers.imei import ImeiRecognizer
from detectors.recognizers.imsi import ImsiRecognizer
from detectors.recognizers.mac_address import MacAddressRecognizer
from detectors.recognizers.masked_card import CREDIT_CARD_MASKED, MaskedCardRecognizer
from detectors.recognizers.obfuscated_email import ObfuscatedEmailRecognizer
from detectors.recognizers.password import PasswordRecognizer
from detectors.recognizers.person_context import PersonContextRecognizer
from detectors.recognizers.person_coordinated import PersonCoordinatedRecognizer
from detectors.recognizers.person_gazetteer import PersonGazetteerRecognizer
from detectors.recognizers.person_lower import PersonLowerRecognizer
from detectors.recognizers.person_surname import PersonSurnameRecognizer
from detectors.recognizers.phone import PhoneRecognizer
from detectors.recognizers.phone_national import NationalPhoneRecognizer
from detectors.recognizers.phone_presidio import PresidioPhoneRecognizer
from detectors.recognizers.phone_vanity import VanityPhoneRecognizer
from detectors.recognizers.place_gazetteer import PlaceGazetteerRecognizer
from detectors.recognizers.postal_code import PostalCodeRecognizer
from detectors.recognizers.sip_uri import SipUriRecognizer
from detectors.recognizers.street_address import StreetAddressRecognizer
from detectors.recognizers.url_gated import GatedUrlRecognizer
from detectors.recognizers.voicemail_pin import VoicemailPinRecognizer
from detectors.settings import DetectionSettings

__all__ = ["CREDIT_CARD_MASKED", "recall_recognizers", "telecom_recognizers"]


def telecom_recognizers(settings: DetectionSettings) -> list[EntityRecognizer]:
    """Every pattern recognizer we register: Presidio's generic ones we trust, plus ours.

    Left out on purpose: Presidio's PhoneRecognizer and CreditCardRecognizer (replaced),
    and the country-specific ones (US_DRIVER_LICENSE, US_BANK_NUMBER, UK_NHS, MEDICAL_LICENSE,
    US_SSN...) that fire on CDR ids, account codes and phone numbers (../shared/KNOWN.md).
    Our CA_SIN takes bare digits only next to SIN words; plain e-mails are Presidio's, those
    written against harvesters ours. At the recall operating point `recall_recognizers` join.
    """
    recall = recall_recognizers(settings) if settings.recall_first else []
    return [*_precision_recognizers(settings), *recall]


def recall_recognizers(settings: DetectionSettings) -> list[EntityRecognizer]:
    """What the recall operating point adds, each for a class of misses measured on
    ../shared/realdata (docs/detection_text.md, "Operating points"):

    - user handles (`@jroe`) and lower-case first names after a lead word ("talked to john");
    - capitalised names joined to a person's name ("Zorbulon and Pete": `person_coordinated`);
    - Presidio's own PhoneRecognizer (`phone_presidio`: libphonenumber's matcher, leniency
      VALID, over US (and so Canada), GB, DE, FR, IL, IN, BR and `default_region`): national
      numbers of those countries written with no phone word; 7 digits at least (it takes civic
      numbers);
    - Presidio's UK postcode pattern as POSTAL_CODE, scored 0.5 (Presidio scores it 0.1 unless
      an address word is near): its shape (`SW1A 1AA`) is strict.

    Left out on measurement: Presidio's CreditCardRecognizer (finds no card ours misses), and
    the recognizers that flood short texts and fire on CDR ids (US_DRIVER_LICENSE,
    US_BANK_NUMBER, DE_PLZ, UK_NHS, MEDICAL_LICENSE; ../shared/KNOWN.md). None of these runs on
    structured columns: the operating point applies to free text only.
    """
    postcode = UkPostcodeRecognizer(supported_entity=POSTAL_CODE)
    return [
        HandleRecognizer(),
        PersonLowerRecognizer(),
        PersonCoordinatedRecognizer(),
        PersonSurnameRecognizer(),
        PresidioPhoneRecognizer(settings.default_region),
        PlaceGazetteerRecognizer(),
        AddressLeadRecognizer(),
        UkPostcodeRecognizer(
            patterns=[Pattern(p.name, p.regex, 0.5) for p in postcode.patterns],
            supported_entity=POSTAL_CODE,
            name="UkPostcodeRecognizer",
        ),
    ]


def _precision_recognizers(settings: DetectionSettings) -> list[EntityRecognizer]:
    return [
        GatedEmailRecognizer(),
        ObfuscatedEmailRecognizer(),
        IpRecognizer(),
        IbanRecognizer(),
        GatedUrlRecognizer(),
        DateRecognizer(),
        PhoneRecognizer(settings.default_region),
        NationalPhoneRecognizer(),
        VanityPhoneRecognizer(settings.default_region),
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
