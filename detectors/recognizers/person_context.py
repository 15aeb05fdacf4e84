"""People named where tickets name them: after a sign-off, "request from", "talk to", "my wife",
"account holder is", a title ("Mme", "M."), "je m'appelle", "mon nom est", "Nom :"."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.entities import PERSON
from detectors.names import gazetteer
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
    r"|manager|assistant|tenant|landlord)|name[ \t]+is|[Nn]ame[ \t]*:|[Tt]his[ \t]+is|call[ \t]+me"
    r"|(?:signed|submitted|reported|opened|written|directed|assigned[ \t]+to|handled)[ \t]+by"
    r"|[Ss]igned[ \t]*[:,]|(?i:(?:account|card)[ \t]*holder(?:[ \t]+name)?(?:[ \t]+is|[ \t]*:))"
    r"|(?i:subscriber(?:[ \t]+name)?[ \t]*:|client[ \t]*:|customer[ \t]+name[ \t]*:)"
    # French: "je m'appelle", "mon nom est", "de la part de", "Nom :", "Titulaire du compte :"
    r"|(?i:je[ \t]+m['’][ \t]*appelle|mon[ \t]+nom[ \t]+(?:est|c['’]est))"
    r"|(?i:de[ \t]+la[ \t]+part[ \t]+de)"
    r"|(?i:(?:parlé|parler)[ \t]+(?:à|avec)|(?:pré)?nom(?:[ \t]+du[ \t]+client)?[ \t]*:)"
    r"|(?i:titulaire(?:[ \t]+du[ \t]+compte)?[ \t]*:?|abonné(?:e)?[ \t]*:)"
    r"|(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme|Mlle)\.?|(?:mr|mrs|ms|dr)\.|M\.|Monsieur|Madame|Mademoiselle"
    r"|[Dd]octeur|[Pp]rofesseur|[Mm]aître|[Aa]bbé|[Cc]uré|[Gg]énéral|[Cc]olonel|[Cc]apitaine"
    r"|[Cc]ommandant|[Ll]ieutenant|[Ss]ergent|Captain|General|Sergeant|Professor|Doctor"
    r"|President|Président|Judge"
    # more titles: office, rank, church, nobility (English and French, singular and plural)
    # (not the ranks that are everyday words: "Major Outage", "Private Message", "Chief
    # Officer", nor "Prince" of "Prince Edward Island")
    r"|Senator|Governor|Minister|Chancellor|Mayor|Sheriff|Detective|Inspector|Sir|Lady|Lord"
    r"|Miss|Rev\.?|Reverend|Pastor|Rabbi|Bishop|Admiral|Colonel|Corporal|Councillor"
    r"|Congressman|Congresswoman|Senators|Governors"
    r"|[Cc]ardinal|[Cc]hanoines?|Mgr|[Mm]onseigneur|[Mm]aréchal|[Aa]miral|[Ss]ieur|[Vv]euve|Vve"
    r"|[Pp]réfet|[Dd]éputé|[Ss]énateur|[Mm]inistre|[Jj]uge|[Cc]itoyens?|[Gg]énéraux|MM\.|Mmes"
    r"|[Mm]essieurs|[Mm]adame|[Mm]onsieur|[Ss]œur|[Ff]rère|[Pp]ère)"
)
# Names joined after one lead: "les citoyens Jean Roe et Paul Doe", "Senators Roe and Doe".
_AND = r"[ \t]+(?:&|and|et)[ \t]+(?:(?:de|d['’]|von|van)[ \t]+)?"
# Upper-case surnames after a title, as French letters write them: "M. DUPONT", "Mme Anne ROY".
_UPPER = r"[A-ZÀ-ÖØ-Þ]{2,}(?:[-'’][A-ZÀ-ÖØ-Þ]{2,})*"
# "Me" is a French notary's or lawyer's title: "Me LAVANDIER, notaire".
_TITLE = r"(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme|Mlle)\.?|M\.|Me|Monsieur|Madame|Mademoiselle)"
# spaCy tags names PERSON at 0.85 too, and Presidio keeps the higher-scored of two spans where
# one contains the other; text.py then drops spaCy's span when it has no capitalised word
# ("M. DUPONT", "john smith"). Names with no capitalised word are scored above spaCy.
UNCASED_SCORE = 0.9
_TITLE_CASE = re.compile(r"(?<![^\W\d_])[A-ZÀ-ÖØ-ÞĀ-Ž][a-zß-öø-ÿā-ž]")
_TITLED_NAME = (
    rf"{_NOT_NAME}(?:{_WORD}|{_UPPER})(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_WORD}|{_UPPER})){{0,2}}"
)
# A key that holds a person's name, quoted or not, then ":" or "=" and the value, maybe quoted.
_NAME_KEY = (
    r"(?<![\w])[\"']?(?i:(?:full|first|last|given|family|customer|contact|client|owner|holder"
    r"|account|card|user|subscriber)?[_ -]?name|owner|holder|account[_ -]?holder|card[_ -]?holder"
    r"|surname|(?:pré|pre)?nom|titulaire)[\"']?[ \t]*[:=][ \t]*[\"']?"
)
_BARE_NAME_KEY = re.compile(
    r"(?<![\w])[\"'](?i:name)[\"'][ \t]*[:=][ \t]*[\"']?\Z|(?<![\w_])(?i:name)=\Z"
)
# A sign-off, then the name on the same line ("thx Ava", "Regards, Hamza Lalonde") or the next.
_SIGN_OFF = (
    r"(?:[Tt]hanks|[Tt]hank[ \t]+you|[Rr]egards|[Bb]est(?:[ \t]+regards)?|[Cc]heers|[Mm]erci"
    r"|[Cc]ordialement|[Ss]alutations|[Bb]ien[ \t]+à[ \t]+vous|[Ss]incerely|[Tt]hx|--)"
    r"[ \t]*[,!.]?(?:[ \t]*\n+[ \t]*|[ \t]+)"
)
# A signature block: the name alone on a line, then "City, QC" on the next.
_CITY_LINE = rf"[ \t]*\n[ \t]*{CITY}[ \t]*,?[ \t]+(?:{CA_PROVINCES}|{US_STATES})\b"


class PersonContextRecognizer(ContextPatternRecognizer):
    """Names the small NER model misses (non-English first names, signatures). The name must
    be capitalised words on one line, right after a lead phrase or a sign-off line."""

    ENTITY = PERSON
    PATTERNS = (
        Pattern(
            "name_after_lead",
            rf"\b{_LEAD}[ \t]+(?:(?:de|d['’])[ \t]*)?(?P<value>{_NAME}(?:{_AND}{_NAME}){{0,3}})"
            r"(?![\w@])",
            0.6,
        ),
        Pattern("name_after_title", rf"\b{_TITLE}[ \t]+(?P<value>{_TITLED_NAME})(?![\w@])", 0.6),
        # JSON, logs and forms pasted into tickets: "owner":"Raj Mehta", name=Jane Roe
        Pattern(
            "name_in_key_value",
            rf"{_NAME_KEY}(?P<value>{_NAME})(?=[\"'’ \t]*(?:[,;}}\n&]|$))",
            0.6,
        ),
        Pattern("name_after_sign_off", rf"{_SIGN_OFF}(?P<value>{_NAME})[ \t]*(?=\n|$|\()", 0.6),
        Pattern("name_above_city", rf"(?:^|\n)[ \t]*(?P<value>{_NAME}){_CITY_LINE}", 0.6),
    )
    FLAGS = 0

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The patterns' matches, names without a capitalised word scored `UNCASED_SCORE`. The
        value of a bare `name` key must name a person (`_names_a_person`): products and plans
        have names too ("name": "Premium Plan")."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = [
            r
            for r in results
            if not _BARE_NAME_KEY.search(text, max(0, r.start - 16), r.start)
            or _names_a_person(text[r.start : r.end].split())
        ]
        return raise_uncased(kept, text)


def _names_a_person(words: list[str]) -> bool:
    """A known first name among `words`, or every word a known name; no company word."""
    names = gazetteer()
    if any(names.is_company_word(w) for w in words):
        return False
    return any(names.is_first_name(w) for w in words) or all(names.is_name(w) for w in words)


def raise_uncased(results: list[RecognizerResult], text: str) -> list[RecognizerResult]:
    """`results` whose span has no capitalised word ("M. DUPONT") scored at least
    `UNCASED_SCORE` (see its comment)."""
    for result in results:
        if not _TITLE_CASE.search(text, result.start, result.end):
            result.score = max(result.score, UNCASED_SCORE)
    return results
