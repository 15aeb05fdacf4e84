"""SIP and SIPS URIs (`sip:jane@example.com`, `sips:+15145550199@pbx.example.net;transport=tls`)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import SIP_URI
from detectors.recognizers.base import ContextPatternRecognizer

_USER = r"[A-Za-z0-9._~!$&'*+,;=%-]+"
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
_IPV6_HOST = r"\[[0-9A-Fa-f:.]+\]"  # sip:1000@[2001:db8::1]
_PARAMS = r"(?::\d{1,5})?(?:;[A-Za-z0-9_-]+(?:=[A-Za-z0-9_.-]+)?)*"


class SipUriRecognizer(ContextPatternRecognizer):
    """A `sip:`/`sips:` URI with a user part: it identifies a subscriber, so no context needed.

    The whole URI is one SIP_URI finding, even when its user part is a phone number: redacting
    the URI removes the number too, and the overlap resolver keeps the containing span.
    """

    ENTITY = SIP_URI
    PATTERNS = (
        Pattern("sip_uri", rf"(?<![\w])sips?:{_USER}@(?:{_IPV6_HOST}|{_HOST}){_PARAMS}", 0.9),
    )
    CONTEXT = ("sip", "uri", "extension", "endpoint", "register")
