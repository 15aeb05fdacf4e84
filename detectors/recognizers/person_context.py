"""People named where tickets name them: after a sign-off, "request from", "talk to", "my wife"."""

from __future__ import annotations

from presidio_analyzer import Pattern

from detectors.entities import PERSON
from detectors.recognizers.base import ContextPatternRecognizer
from detectors.recognizers.city_region import CA_PROVINCES, CITY, US_STATES

# A capitalised (not all-caps) name word in Latin scripts: "Åsa", "Łukasz", "Sung-min", "O'Brien".
_WORD = r"[A-ZÀ-ÖØ-ÞĀ-Ž](?:[a-zß-öø-ÿā-ž]|'[A-Z])[^\W\d_]*(?:[-'’][^\W\d_]+)*"
# Words that open a line in tickets but never a name.
_NOT_NAME = (
    r"(?!(?:Thanks|Thank|Regards|Best|Cheers|Merci|Sincerely|Please|Hello|Hi|Hey|Dear|Sent"
    r"|Good|Bonjour|Salut|Note|Update|Ticket|Support|Sorry|Your|You|My|The|Our|His|Her|This"
    r"|That|We|It|Am|Is|Service|Services)\b)"
)
_PARTICLE = r"(?:da|de|del|della|di|dos|du|van|von|der|den|la|le|bin|al|st)"
_NAME = rf"{_NOT_NAME}{_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_WORD}){{0,2}}"
_LEAD = (
    r"(?:(?:request|message|note|email|e-mail|call|voicemail|complaint)[ \t]+from"
    r"|(?:talk|speak|spoke|speaking)[ \t]+(?:to|with)|caller|customer|contact"
    # capitalised only where a sentence starts: "Caller Jane Roe ..." but not "Bonus Caller Prize"
    r"|(?:(?<![^\n])|(?<=[.!?] ))(?:Caller|Customer|Contact)"
    r"|my[ \t]+(?:wife|husband|son|daughter|partner|mother|father|mom|dad|colleague|roommate"
    r"|manager|assistant|tenant|landlord)|name[ \t]+is|[Nn]ame:|[Tt]his[ \t]+is|call[ \t]+me"
    r"|(?:signed|submitted|reported|opened|written|directed|assigned[ \t]+to|handled)[ \t]+by"
    r"|(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme|Mlle)\.?|(?:mr|mrs|ms|dr)\.)"
)
# A sign-off, then the name on the same line ("thx Ava", "Regards, Hamza Lalonde") or the next.
_SIGN_OFF = (
    r"(?:[Tt]hanks|[Tt]hank[ \t]+you|[Rr]egards|[Bb]est(?:[ \t]+regards)?|[Cc]heers|[Mm]erci"
    r"|[Cc]ordialement|[Ss]incerely|[Tt]hx|--)[ \t]*[,!.]?(?:[ \t]*\n+[ \t]*|[ \t]+)"
)
# A signature block: the name alone on a line, then "City, QC" on the next.
_CITY_LINE = rf"[ \t]*\n[ \t]*{CITY}[ \t]*,?[ \t]+(?:{CA_PROVINCES}|{US_STATES})\b"


class PersonContextRecognizer(ContextPatternRecognizer):
    """Names the small NER model misses (non-English first names, signatures). The name must
    be capitalised words on one line, right after a lead phrase or a sign-off line."""

    ENTITY = PERSON
    PATTERNS = (
        Pattern("name_after_lead", rf"\b{_LEAD}[ \t]+(?P<value>{_NAME})(?![\w@])", 0.6),
        Pattern("name_after_sign_off", rf"{_SIGN_OFF}(?P<value>{_NAME})[ \t]*(?=\n|$|\()", 0.6),
        Pattern("name_above_city", rf"(?:^|\n)[ \t]*(?P<value>{_NAME}){_CITY_LINE}", 0.6),
    )
    FLAGS = 0
