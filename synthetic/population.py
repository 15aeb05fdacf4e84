"""Subscribers shared by every dataset kind of one seed: subscriber i is the same person in
CDRs, billing and tickets, so joins across generated files are possible."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from synthetic import phones
from synthetic.identifiers import DOC_IPV4_PREFIXES, account_code
from synthetic.randomness import numpy_stream
from synthetic.vocabulary import FIRST_NAMES, LAST_NAMES

SUBSCRIBER_CAP = 50_000
POPULATION_SIZE = 60_000  # the cap plus room for numbers of people outside the dataset
INTERNATIONAL_SHARE = 0.12
# Multipliers coprime with 90,000,000 so account numbers never collide.
_MULTIPLIERS = (7_919, 104_729, 1_299_709, 15_485_863, 32_452_843)


def subscriber_count(rows: int) -> int:
    """About one subscriber per 20 rows, at least 5, at most `SUBSCRIBER_CAP`."""
    return max(5, min(SUBSCRIBER_CAP, rows // 20))


@dataclass(frozen=True)
class Population:
    """Core attributes of the first `size` people of a seed, as parallel tuples."""

    size: int
    accounts: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    phones: tuple[str, ...]  # E.164
    ips: tuple[str, ...]
    external_phones: tuple[str, ...]  # numbers of people outside the dataset

    def full_name(self, i: int) -> str:
        return f"{self.first_names[i]} {self.last_names[i]}"


@lru_cache(maxsize=8)
def _phone_order(seed: int) -> tuple[str, ...]:
    """Every pool number in the order subscribers receive them."""
    rng = numpy_stream(seed, "phones")
    preferred = phones.na_pool(phones.PREFERRED_AREA_CODES)
    others = tuple(a for a in phones.AREA_CODES if a not in phones.PREFERRED_AREA_CODES)
    rest = phones.na_pool(others)
    na = [preferred[i] for i in rng.permutation(len(preferred))]
    na += [rest[i] for i in rng.permutation(len(rest))]
    intl_pool = phones.international_pool()
    intl = [intl_pool[i] for i in rng.permutation(len(intl_pool))]
    wants_intl = rng.random(POPULATION_SIZE) < INTERNATIONAL_SHARE
    order: list[str] = []
    ni = nn = 0
    for flag in wants_intl:
        if (flag and ni < len(intl)) or nn >= len(na):
            order.append(intl[ni])
            ni += 1
        else:
            order.append(na[nn])
            nn += 1
    return tuple(order)


@lru_cache(maxsize=8)
def population(seed: int, size: int) -> Population:
    """The first `size` subscribers of `seed` (independent of `size` for each index)."""
    rng = numpy_stream(seed, "population")
    mult = _MULTIPLIERS[int(rng.integers(len(_MULTIPLIERS)))]
    offset = int(rng.integers(90_000_000))
    first = rng.integers(len(FIRST_NAMES), size=POPULATION_SIZE)
    last = rng.integers(len(LAST_NAMES), size=POPULATION_SIZE)
    ip_kind = rng.random(POPULATION_SIZE) < 0.9
    ip_net = rng.integers(len(DOC_IPV4_PREFIXES), size=POPULATION_SIZE)
    ip_host = rng.integers(1, 255, size=POPULATION_SIZE)
    v6 = rng.integers(1, 0xFFFF, size=(POPULATION_SIZE, 2))
    order = _phone_order(seed)
    idx = np.arange(size, dtype=np.int64)
    numbers = 10_000_000 + (idx * mult + offset) % 90_000_000
    ips = tuple(
        DOC_IPV4_PREFIXES[ip_net[i]] + str(ip_host[i])
        if ip_kind[i]
        else f"2001:db8:{v6[i, 0]:x}::{v6[i, 1]:x}"
        for i in range(size)
    )
    external_end = min(len(order), size + max(50, min(5_000, size)))
    return Population(
        size=size,
        accounts=tuple(account_code(int(n)) for n in numbers),
        first_names=tuple(FIRST_NAMES[j] for j in first[:size]),
        last_names=tuple(LAST_NAMES[j] for j in last[:size]),
        phones=order[:size],
        ips=ips,
        external_phones=order[size:external_end] or order[:size],
    )
