"""Names the NER model misses (Census gazetteer, titles, record layout, French leads) and French
texts routed to the French pipeline. Names here are made up for the tests."""

from __future__ import annotations

import pytest

from detectors.analyzer import analyzer_languages, build_analyzer
from detectors.names import gazetteer
from detectors.nlp import FRENCH, LANGUAGE, text_language
from detectors.recognizers.person_gazetteer import PersonGazetteerRecognizer
from detectors.settings import DetectionSettings
from detectors.text import scan_texts


def found(text: str, entity: str = "PERSON") -> list[str]:
    """The substrings reported as `entity` in `text` by `scan_texts` with default settings."""
    return [text[f.start : f.end] for f in scan_texts([text], "body") if f.entity_type == entity]


def french_installed() -> bool:
    return FRENCH in analyzer_languages()


needs_french = pytest.mark.skipif(
    not french_installed(),
    reason="the French spaCy pipeline (fr_core_news_sm, requirements/model.txt) is not "
    "installed, or TELEPRIVACY_SPACY_MODEL_FR is empty: French texts go to the English pipeline",
)

NAMES = [
    # (text, the name that must be reported whole)
    ("Account holder is Étienne-Georges Desrochers, moving next month.",
     "Étienne-Georges Desrochers"),  # lead phrase, accented and hyphenated first name
    ("Account holder: QUINTARD-BOUVIER, Maëlle", "QUINTARD-BOUVIER, Maëlle"),  # record, lead
    ("Reconnect line 4 for Marie-Ève Lachapelle.", "Marie-Ève Lachapelle"),  # gazetteer
    ("Refund approved for Ingrid Vasquez-Thornbury today.", "Ingrid Vasquez-Thornbury"),
    ("Spoke with Tobias ODUYA about the porting delay.", "Tobias ODUYA"),  # upper-case surname
    ("RUSH, WILLIE H", "RUSH, WILLIE H"),  # record style, a cell of its own
    ("Customer file: QUILLFEATHER, MARGARET A requested a new PIN.",
     "QUILLFEATHER, MARGARET A"),  # record style inside a sentence
    ("Thornbury, Harold J.", "Thornbury, Harold J"),  # record style, title case
    ("MARGARET QUILLFEATHER", "MARGARET QUILLFEATHER"),  # a cell that is only a name
    ("Mr. and Mrs. Harold Thornbury", "Mr. and Mrs. Harold Thornbury"),  # couple, titles
    ("my name is harold thornbury and the line is dead", "harold thornbury"),  # lower case
    ("Me GRANDBOIS, notaire, a signé le contrat.", "GRANDBOIS"),  # French title, SURNAME
    ("Veuillez contacter M. DESBOIS-LAFLEUR au bureau.", "DESBOIS-LAFLEUR"),  # "M." + SURNAME
    ("Bonjour, je m'appelle Guillaume Vantrimpont et ma ligne est coupée.",
     "Guillaume Vantrimpont"),  # je m'appelle
    ("mon nom est solène garnier et je suis cliente", "solène garnier"),  # lower case, French
    ("Titulaire du compte : Ysaline Plamondeau", "Ysaline Plamondeau"),  # French space, colon
    ("Nom : Bérénice Ouellon-Tardif", "Bérénice Ouellon-Tardif"),  # "Nom :"
    ("Merci de votre aide.\nBien à vous,\nYsaline Plamondeau", "Ysaline Plamondeau"),  # sign-off
]  # fmt: skip


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_name_found_whole(text: str, name: str) -> None:
    """Each class of name is reported as one PERSON span covering the whole name."""
    assert any(name in span for span in found(text)), found(text)


NOT_NAMES = [
    # (text, words that must not be reported as PERSON)
    ("Northwind Voice and Bell Canada renewed the contract.", ["Northwind", "Bell"]),  # companies
    ("Rogers Wireless Inc. sent the invoice.", ["Rogers"]),  # surname + company word
    ("The technician is at 22 Main Street until noon.", ["Main"]),  # a street
    ("Billing runs in May and June, then again in August.", ["May", "June", "August"]),  # months
    ("Will you call back? Grace period ends soon. Hope this helps.", ["Will", "Grace", "Hope"]),
    ("Mark the ticket done.", ["Mark"]),  # a verb at a sentence start
    ("Service Street Bank Home", ["Service", "Street", "Bank", "Home"]),  # common words alone
    ("CALL NOW TO WIN A PRIZE", ["CALL", "WIN", "PRIZE"]),  # shouting is not a name
    ("Ok", ["Ok"]),  # a word that is also a first name in the Census list
    ("The store on Avenue Gaston Ferland is closed.", ["Gaston"]),  # a street named for someone
    ("Reception desk of Harold Thornbury School", ["Harold"]),  # a school named for someone
    ("LaSalle Montreal QC", ["LaSalle"]),  # a cell that is a place, not a name
]


@pytest.mark.parametrize(("text", "words"), NOT_NAMES)
def test_common_words_not_reported(text: str, words: list[str]) -> None:
    """Company names, streets, months and capitalised ordinary words are not people."""
    spans = found(text)
    assert not [w for w in words if any(w in s for s in spans)], spans


def test_gazetteer_folds_case_and_accents() -> None:
    """Census names are upper-case ASCII; lookups fold case and accents."""
    names = gazetteer()
    assert names.is_first_name("Étienne") and names.is_first_name("ETIENNE")
    assert names.is_first_name("Margaret") and not names.is_surname("Quillfeather")
    assert names.is_surname("Garnier") and not names.is_first_name("Grace")


def test_gazetteer_is_built_once() -> None:
    """The frozensets are built on first use and shared afterwards."""
    assert gazetteer() is gazetteer()
    assert isinstance(gazetteer().first_names, frozenset)


def test_recognizer_without_nlp_artifacts() -> None:
    """The recognizer works on its own (no spaCy output): a first name, then a surname."""
    text = "ask for Harold Thornbury"
    results = PersonGazetteerRecognizer().analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in results] == ["Harold Thornbury"]


LANGUAGES = [
    # (text, language)
    ("Bonjour, je n'ai plus de tonalité depuis hier et le modem clignote.", FRENCH),
    ("Ma facture est trop élevée pour ce mois, pouvez-vous vérifier ?", FRENCH),
    ("Hello, my line has been dead since yesterday and the modem blinks.", LANGUAGE),
    ("Please check the invoice of Jean de la Fontaine.", LANGUAGE),  # French name, English text
    ("Merci", LANGUAGE),  # too short to tell: English
    ("", LANGUAGE),
]


@pytest.mark.parametrize(("text", "language"), LANGUAGES)
def test_text_language(text: str, language: str) -> None:
    """French function words outnumbering English ones (two at least) make a text French."""
    assert text_language(text) == language


@needs_french
def test_french_ticket_goes_to_the_french_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A French ticket is analysed with fr_core_news_sm, an English one with the English model,
    each batch per language."""
    engine = build_analyzer().nlp_engine
    calls: list[tuple[str, list[str]]] = []
    original = engine.process_batch

    def spy(texts, language, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        calls.append((language, texts))
        return original(texts, language, **kwargs)

    monkeypatch.setattr(engine, "process_batch", spy)
    french = "Ce matin, Yannig Kerbœuf a signalé une coupure de ligne à Rimouski."
    english = "This morning Harold Thornbury reported an outage in Rimouski."
    findings = scan_texts([french, english], "body")
    assert sorted(calls) == [(LANGUAGE, [english]), (FRENCH, [french])]
    french_spans = {(french[f.start : f.end], f.entity_type) for f in findings if f.row == 0}
    # Only the French model calls Rimouski a place (the English one says ORG, which is dropped).
    assert ("Rimouski", "LOCATION") in french_spans
    assert ("Yannig Kerbœuf", "PERSON") in french_spans


@needs_french
def test_french_pipeline_keeps_only_ner() -> None:
    """The French pipeline is trimmed like the English one: NER (+ its listeners), lemmas."""
    nlp = build_analyzer().nlp_engine.get_nlp(FRENCH)
    assert "ner" in nlp.pipe_names
    assert not {"parser", "morphologizer", "lemmatizer"} & set(nlp.pipe_names)


def test_french_routing_off() -> None:
    """With no French model configured, every text goes to the English pipeline."""
    settings = DetectionSettings(spacy_model_fr="")
    assert analyzer_languages(settings) == (LANGUAGE,)
    text = "Bonjour, je m'appelle Guillaume Vantrimpont et ma ligne est coupée."
    spans = [text[f.start : f.end] for f in scan_texts([text], "body", settings)]
    assert "Guillaume Vantrimpont" in spans  # the lead phrase does not depend on the model
