"""Full personal profiles for billing and tickets, derived from the shared population."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from synthetic import identifiers
from synthetic.population import Population
from synthetic.randomness import python_stream
from synthetic.vocabulary import CA_STREETS, CITIES, EMAIL_DOMAINS, UNIT_STYLES, US_STREETS, City

_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "å": "a", "æ": "ae"})
PASSWORDS = ("hunter2!", "Winter2026", "p@ssw0rd", "Maple#Leaf9", "qwerty123", "Tr0ub4dor&3")


@dataclass(frozen=True)
class Person:
    """One subscriber with everything billing and support might know about them."""

    account: str
    first_name: str
    last_name: str
    phone: str  # E.164
    ip: str
    email: str
    street: str
    city: City
    postal_code: str
    birth_date: str
    card_number: str
    card_expiry: str
    iban: str
    imei: str
    mac: str
    pin: str
    password: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def ascii_fold(text: str) -> str:
    """`Zoë Brûlé` → `Zoe Brule`, for email local parts."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _local_part(first: str, last: str, style: int, number: int) -> str:
    f = "".join(ch for ch in ascii_fold(first).lower() if ch.isalnum())
    la = "".join(ch for ch in ascii_fold(last).lower() if ch.isalnum())
    return (f"{f}.{la}", f"{f[0]}{la}", f"{f}{number}", f"{la}.{f}", f"{f}_{la}{number}")[style]


def _city_for(phone: str, pick: int) -> City:
    if phone.startswith("+1"):
        area = int(phone[2:5])
        for city in CITIES:
            if area in city.area_codes:
                return city
    return CITIES[pick % len(CITIES)]


def person(seed: int, pop: Population, i: int) -> Person:
    """Subscriber `i` of `pop` in full; the same for every dataset kind of one seed."""
    rng = python_stream(seed, "person", i)
    first, last, phone = pop.first_names[i], pop.last_names[i], pop.phones[i]
    city = _city_for(phone, rng.randrange(len(CITIES)))
    unit = rng.choice(UNIT_STYLES).format(n=rng.randint(1, 2400))
    streets = CA_STREETS if city.country == "CA" else US_STREETS
    street = f"{rng.randint(1, 9999)} {rng.choice(streets)}{unit}"
    email = f"{_local_part(first, last, rng.randrange(5), rng.randint(1, 99))}@"
    email += rng.choice(EMAIL_DOMAINS)
    return Person(
        account=pop.accounts[i],
        first_name=first,
        last_name=last,
        phone=phone,
        ip=pop.ips[i],
        email=email,
        street=street,
        city=city,
        postal_code=identifiers.postal_code(rng, city.country, city.postal_prefix),
        birth_date=f"{rng.randint(1940, 2006)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        card_number=identifiers.card_number(rng),
        card_expiry=identifiers.card_expiry(rng),
        iban=identifiers.iban(rng) if rng.random() < (0.15 if phone[:2] == "+1" else 0.8) else "",
        imei=identifiers.imei(rng),
        mac=identifiers.mac_address(rng),
        pin=f"{rng.randrange(10_000):04d}" if rng.random() < 0.8 else f"{rng.randrange(10**6):06d}",
        password=rng.choice(PASSWORDS),
    )



class PersonCache:
    """Bounded memo of `person()` for kinds that revisit customers (tickets)."""

    def __init__(self, seed: int, pop: Population, size: int = 4096) -> None:
        self._seed, self._pop, self._size = seed, pop, size
        self._people: dict[int, Person] = {}

    def get(self, i: int) -> Person:
        found = self._people.get(i)
        if found is None:
            if len(self._people) >= self._size:
                del self._people[next(iter(self._people))]  # oldest first
            found = self._people[i] = person(self._seed, self._pop, i)
        return found
