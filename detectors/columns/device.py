"""Mobile device and subscriber identifiers: IMEI, IMSI, ICCID."""

from __future__ import annotations

from stdnum import imsi as _imsi

from detectors import entities
from detectors.columns.base import Shape, ValueClassifier
from detectors.settings import DetectionSettings
from detectors.validators import digits_only, luhn_valid


def _imei(value: str, settings: DetectionSettings) -> bool:
    digits = digits_only(value)
    return len(digits) == 15 and luhn_valid(digits)


def _imsi_valid(value: str, settings: DetectionSettings) -> bool:
    return _imsi.is_valid(value.strip())


def _iccid(value: str, settings: DetectionSettings) -> bool:
    digits = digits_only(value)
    return 19 <= len(digits) <= 20 and luhn_valid(digits)


IMEI = ValueClassifier(
    entities.IMEI,
    shapes=(
        Shape(r"^\s*[0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{6}[ \-]?[0-9]\s*$", validate=_imei),
    ),
    name_hint=r"imei|(^|_)(device_id|handset)(_|$)",
)

IMSI = ValueClassifier(
    entities.IMSI,
    shapes=(Shape(r"^\s*[2-7][0-9]{13,14}\s*$", validate=_imsi_valid),),
    name_hint=r"imsi|(^|_)(subscriber_identity)(_|$)",
)

ICCID = ValueClassifier(
    entities.ICCID,
    shapes=(Shape(r"^\s*89[0-9 ]{17,22}\s*$", validate=_iccid),),
    name_hint=r"iccid|(^|_)(sim|sim_serial|sim_id)(_|$)",
)
