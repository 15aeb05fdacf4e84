"""Name gazetteer: first names and surnames that tell a person's name from other capitalised words.

Source: the US Census Bureau's 1990 name files (`dist.male.first`, `dist.female.first`,
`dist.all.last`: 5,163 distinct first names and 88,799 surnames, public domain as a work of the
US government), as shipped by the `names` package on PyPI (0.3.0, MIT; we read its data files, we
do not call its code). Census names are American; `_FIRST_NAMES_EXTRA` adds French, Québécois and
other common first names it lacks, written for this module. Ordinary words that are also names
("Will", "May", "Grace", "Bill", "Service", "Street") are in `COMMON_WORDS` and never count as
names on their own.

Lookups fold case and accents ("Étienne" and "ETIENNE" are one key). The sets are frozensets
built once, on first use (~0.1 s).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from detectors.errors import ModelNotInstalledError

CENSUS_PACKAGE = "names"
_FIRST_FILES = ("dist.male.first", "dist.female.first")
_SURNAME_FILE = "dist.all.last"
_NAME_COLUMN = re.compile(r"^([A-Z][A-Z'-]*)", re.MULTILINE)
_LETTERS = re.compile(r"[^\W\d_]+")


# French, Québécois and other first names the 1990 US Census files lack (written for this module).
def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`: word lists written as prose blocks."""
    return frozenset(text.split())


_FIRST_NAMES_EXTRA = """
Adèle Adrien Agathe Aimé Alain Albane Alexandre Alexis Amandine Amélie Anaïs Anatole Annick
Antoine Apolline Armelle Arnaud Aurèle Aurélie Aurélien Baptiste Bastien Benoît Benoit Bérénice
Bertrand Brigitte Capucine Carole Cédric Céline Chantal Chloé Christophe Clémence Clément
Clothilde Colette Corentin Cyril Cyrille Damien Delphine Denise Didier Dominique Édith Édouard
Élise Élodie Éloïse Émile Émilie Emmanuel Emmanuelle Enzo Éric Estelle Étienne Évelyne Fabien
Fabienne Fabrice Fanny Félix Florian Florence Francine Franck François Françoise Frédéric
Frédérique Gaël Gaëlle Gaétan Gaston Geneviève Georges Gérald Gérard Ghislain Gilles Ginette
Gisèle Guillaume Gustave Hélène Henri Hervé Honoré Hugues Huguette Inès Isabelle Jacqueline
Jacques Jean Jeanne Jérémie Jérémy Jérôme Jocelyne Joël Joëlle Johanne Josée Joséphine Jules
Julien Juliette Justine Laetitia Laure Laurent Léa Léna Léo Léon Léonie Lise Loïc Louis Louise
Luc Lucie Lucien Lucille Madeleine Maël Maëlle Manon Marc Marcel Margaux Marguerite Marianne
Marie Marine Maryse Mathéo Mathias Mathieu Mathilde Mathis Matthieu Maude Maurice Maxime Mélanie
Mélissa Micheline Michèle Michel Mireille Monique Muriel Nadège Nadine Nathalie Nicolas Noémie
Océane Odette Odile Olivier Pascal Pascale Patrice Paulette Perrine Philippe Pierre Quentin
Raphaël Raphaëlle Réjean Rémi Rémy Renaud René Renée Roch Romain Rosalie Sandrine Sébastien
Ségolène Serge Séverine Simone Solange Solène Sophie Stéphane Stéphanie Suzanne Sylvain Sylvie
Thérèse Théo Thibault Thibaut Thierry Timothée Tristan Valentin Valérie Véronique Vincent
Virginie Xavier Yann Yannick Yolande Yves Yvette Yvon Yvonne Zoé
Ahmed Aïcha Amine Anil Arjun Björn Chiara Deepak Dmitri Fatima Fatoumata Francesca Giorgio
Giulia Hamza Hiroshi Igor Ivan Jürgen Karim Katarzyna Kenji Klaus Krzysztof Lars Leila Lorenzo
Łukasz Magdalena Matteo Mehdi Mohamed Mohammed Muhammad Nikolai Oksana Olga Omar Paweł Piotr
Priya Rachid Rahul Ravi Samir Sanjay Sergei Siddharth Sven Tatiana Vijay Vladimir Wojciech
Yasmine Youssef Yuki Zeynep
"""

# Names that are also ordinary English or French words, month and day names, places and
# company words: never a name on their own (a title or a lead phrase still makes them one).
COMMON_WORDS = words(
    """
    alpha amber america angel angle argentina art asia august autumn avril bank bell berry bill
    billing blanch blossom bob bonny brain brook buck bud buddy burl call candy card carol carry
    cash center chance chase cherish cherry china christmas church clay coral coy curt dakota
    dallas dawn denver desire dimple don done dot dusty earnest ebony echo eddy faith fawn florida
    forest foster france frank free garland gay genesis georgia german ginger glory golden good
    grace grant green guy hang hazel holly home homer honey hope houston hue hunter in india irish
    ivy jack jade january jewel joy june junior kit king lacy lance le lean les liberty line loan
    long love mai maj major man manual many march marine mark marry marvel may merry miss misty
    monday moon mercy new noble noel number numbers ok olive page paris pasty pat patience pearl
    pearly peg ping porter precious prince princess queen raven ray rich rob rocky rose rosy royal
    ruby rusty sage sales sandy scarlet school season see service so soon sparkle spring star
    sterling stormy street sue summer sun sunday sunny tawny tiny valentine velvet voice wade
    ward will win windy winter young
    abbey ami brandy costa del dear easter ela hai hello hey hi jan max nan neva okie ola pa
    pansy penny santa sunshine viva wan wen yen yun thanks thx cheers okay sorry yes xmas
    lundi mardi mercredi jeudi vendredi samedi dimanche janvier fevrier mars juin juillet aout
    septembre octobre novembre decembre hier demain non oui merci bonjour salut madame monsieur
    """
)
# Words that make a run of names a company, a school or a place: "Elizabeth Meyer School".
COMPANY_WORDS = words(
    """
    academy ag associates association auto bank bar brands cafe care center centre church clinic
    co college company consulting corp corporation dental dentistry district elementary es
    foundation gallery gmbh grill group high holdings hospital hotel inc inn institute insurance
    international investments law league llc llp ltd ltee mobile motors pac partners pharmacy
    plc properties realty restaurant sa sarl sas school services solutions sons studies systems
    technologies tech telecom university wireless
    airport arena beach bridge building county field fort hall island lake library mall museum
    park stadium station theater theatre tower valley village usa nyc
    """
)
# Street words: names after one ("Avenue Aristide Briand", "Rue Roland Garros") or before one
# ("Victoria Street", "Mt Victoria Rd") name a street, not a person.
STREET_BEFORE = words(
    """
    allee av avenida avenue bd bdul boul boulevard bulevardul calle chemin cite corso cote
    esplanade impasse montee piazza place platz promenade quai rang route rua rue square strada
    ulica via viale
    aeroport bibliotheque cap ecole fort gare hopital lac lake mont mount mt musee parc pont port
    saint sainte san st ste universite
    """
)
STREET_AFTER = words(
    """
    alley ave avenue blvd boulevard cir circle close court cres crescent ct dr drive expressway
    freeway grove hwy highway lane ln parkway pkwy pl place plaza rd road row sq square st
    street ter terrace trail trl way
    """
)
_TITLE_WORDS = words(
    "mr mrs ms mx dr prof sir madam mme mlle monsieur madame mademoiselle jr sr ii iii iv"
)


@dataclass(frozen=True)
class NameGazetteer:
    """Folded first names and surnames, and words that are never names on their own."""

    first_names: frozenset[str]
    surnames: frozenset[str]
    stop_words: frozenset[str]

    def is_first_name(self, word: str) -> bool:
        key = fold(word)
        return key in self.first_names and key not in self.stop_words

    def is_surname(self, word: str) -> bool:
        key = fold(word)
        return key in self.surnames and key not in self.stop_words

    def is_name(self, word: str) -> bool:
        key = fold(word)
        return (key in self.first_names or key in self.surnames) and key not in self.stop_words

    def is_company_word(self, word: str) -> bool:
        """A word that makes the names before it a company's or a street's ("School", "Inc",
        "Street", "Rd")."""
        key = fold(word)
        return key in COMPANY_WORDS or key in STREET_AFTER

    def is_street_word(self, word: str) -> bool:
        """A word that makes the names after it a street's ("Avenue", "Rue", "Strada")."""
        return fold(word) in STREET_BEFORE

    def is_common(self, word: str) -> bool:
        """A stop word, a company/street word or an ordinary word that is also a name."""
        return fold(word) in self.stop_words

    def has_content_word(self, text: str) -> bool:
        """Whether `text` holds a word of two letters or more that `is_common` does not
        know: "bonnie bennett", "kerala" do; "us", "i'm", "call me" do not."""
        return any(len(w) > 1 and not self.is_common(w) for w in _LETTERS.findall(text))


def fold(word: str) -> str:
    """The lookup key: lower case, accents removed ("Étienne" -> "etienne")."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def gazetteer() -> NameGazetteer:
    """The gazetteer, read once from the `names` package's Census files.

    Raises `ModelNotInstalledError` when the package is missing.
    """
    try:
        folder = resources.files(CENSUS_PACKAGE)
    except ModuleNotFoundError:
        raise ModelNotInstalledError(
            f"the name gazetteer needs the {CENSUS_PACKAGE!r} package (US Census 1990 name "
            f"files); install it with: pip install '{CENSUS_PACKAGE}==0.3.0'"
        ) from None
    # The Census files are upper-case ASCII: lower() is their fold.
    first = {w.lower() for name in _FIRST_FILES for w in _first_column(folder / name)}
    first |= {fold(w) for w in words(_FIRST_NAMES_EXTRA)}
    surnames = {w.lower() for w in _first_column(folder / _SURNAME_FILE)}
    stop = {fold(w) for w in _EN_STOP | _FR_STOP} | COMMON_WORDS | COMPANY_WORDS | _TITLE_WORDS
    stop |= STREET_BEFORE | STREET_AFTER
    return NameGazetteer(frozenset(first), frozenset(surnames), frozenset(stop))


def _first_column(path: Traversable) -> list[str]:
    """The name column of a Census file ("SMITH          1.006  1.006      1")."""
    return _NAME_COLUMN.findall(path.read_text("ascii"))
