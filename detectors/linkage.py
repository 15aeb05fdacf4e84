"""Columns that link datasets: ids one dataset shares with another, compared by keyed hashes.

Removing names is not de-identification when a column left in clear holds the same ids as a
column that names the customer elsewhere: a voip.ms CDR's `account` (`587479_4`) is the billing
export's `ref` (`587479`), and billing holds the holder's name beside it. Profiling sees one
dataset at a time and finds neither (six digits are no entity). `discover_links` reads the
candidate columns of every dataset of a configuration and compares their distinct values:

- values are normalised (trimmed, upper case) and hashed with keyed SipHash (a key derived from
  the run's master key, or random for the run); no value is kept or compared in clear;
- each column keeps a consistent threshold sample of its hashes (`IdSketch`: a hash is kept when
  it falls under the column's threshold, which halves as the sample fills), so the share of one
  column's distinct values found in another is estimated over every row, in bounded memory;
- a sub-account (`587479_4`, `587479_home`) is also compared by its main account (`587479`);
- column A links to column B of another dataset when at least `MIN_CONTAINMENT` of A's distinct
  values (and at least `MIN_SHARED` of them) are B's, and B is an identifier: it holds a direct
  identifier entity, or its dataset holds one beside it. A and an entity-less B are then
  identifiers (ACCOUNT_NUMBER), with the link said in the dataset's notes.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities
from detectors.findings import DatasetProfile, EntityEvidence, FieldKind, FieldProfile
from detectors.reading import read_batches
from storage import Location, as_location

SKETCH_CAP = 4096  # hashes kept per column: containment within a few percent
MIN_SHARED = 20  # fewer shared distinct values are chance (plans, regions, small counters)
MIN_CONTAINMENT = 0.5
MAX_ID_CHARS = 64  # longer values are text, not ids
_FULL = float(2**64)
_SUB_ACCOUNT = r"^(?P<main>[0-9A-Z]{4,})_[0-9A-Z]{1,16}$"
MAIN = "~main"  # suffix of the sketch of a column's main accounts
MIN_ID_SHARE = 0.9  # of a column's distinct values that must look like ids
ID_SHAPE = r"^[0-9A-Z][0-9A-Z_\-/.:#]{4,63}$"
# amounts, decimals and dates are not ids even when they have five characters and a digit
NOT_ID = r"^[0-9]+[.,][0-9]+$|^[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"

# Entities that name one customer on their own: a column holding one is an identifier.
DIRECT = frozenset({
    entities.ACCOUNT_NUMBER, entities.PERSON, entities.EMAIL_ADDRESS, entities.PHONE_NUMBER,
    entities.SIP_URI, entities.CA_SIN, entities.IBAN_CODE, entities.CREDIT_CARD, entities.IMEI,
    entities.IMSI, entities.ICCID, entities.MAC_ADDRESS, entities.STREET_ADDRESS,
})  # fmt: skip
# Column types that can hold ids: text and integers (an id stored as a number).
_ID_TYPES = ("string", "large_string", "int8", "int16", "int32", "int64", "uint8", "uint16",
             "uint32", "uint64")  # fmt: skip


@dataclass
class IdSketch:
    """A consistent sample of a column's distinct keyed hashes: those under `threshold`."""

    cap: int = SKETCH_CAP
    threshold: int = 2**64
    hashes: set[int] = field(default_factory=set)

    values: int = 0  # distinct values met per batch, summed (id-like or not)
    id_like: int = 0  # ... of which looked like ids

    def id_share(self) -> float:
        return self.id_like / self.values if self.values else 0.0

    def add(self, hashed: np.ndarray) -> None:
        kept = hashed[hashed < np.uint64(self.threshold)] if self.threshold < 2**64 else hashed
        self.hashes.update(kept.tolist())
        while len(self.hashes) > self.cap:
            self.threshold //= 2
            self.hashes = {h for h in self.hashes if h < self.threshold}

    def distinct(self) -> float:
        """Estimated distinct values of the column."""
        return len(self.hashes) * _FULL / self.threshold

    def share_in(self, other: IdSketch) -> tuple[float, float]:
        """(share of this column's distinct values that are `other`'s, estimated shared count)."""
        threshold = min(self.threshold, other.threshold)
        mine = {h for h in self.hashes if h < threshold}
        if not mine:
            return 0.0, 0.0
        shared = len(mine & {h for h in other.hashes if h < threshold})
        return shared / len(mine), shared * _FULL / threshold


@dataclass(frozen=True)
class Link:
    """Column `column` of `dataset` holds the ids of `target_column` of `target_dataset`."""

    dataset: str
    column: str
    target_dataset: str
    target_column: str
    share: float  # of the column's distinct values found in the target's
    shared: int  # estimated distinct values in common
    by_main_account: bool  # compared by the main account of sub-accounts (`587479_4`)

    def describe(self) -> str:
        how = " (sub-accounts by their main account)" if self.by_main_account else ""
        return (f"{self.dataset}.{self.column}: {self.share:.0%} of its distinct values "
                f"(~{self.shared}) are values of {self.target_dataset}.{self.target_column}"
                f"{how}, an identifier: treated as {entities.ACCOUNT_NUMBER}")


@dataclass(frozen=True)
class LinkInput:
    """One profiled dataset and how to read its files again."""

    profile: DatasetProfile
    paths: Sequence[Location]
    fmt: str | None = None
    header: bool = True
    column_names: Sequence[str] | None = None
    encoding: str | None = None
    max_rows: int | None = None  # `teleprivacy check` reads a head sample, not everything


def hash_key(secret: bytes | None = None) -> str:
    """The 16-character SipHash key pandas wants, from `secret` (random when None)."""
    return hashlib.blake2b(secret or secrets.token_bytes(32), digest_size=8).hexdigest()


def candidate_columns(profile: DatasetProfile) -> list[str]:
    """Structured text or integer columns: with no entity, or with a direct identifier."""
    return [f.column for f in profile.fields if _candidate(f)]


def _sources(profile: DatasetProfile) -> list[str]:
    """Columns that may link to another dataset: candidates with no entity found."""
    return [f.column for f in profile.fields if _candidate(f) and not f.entity_types]


def _targets(profile: DatasetProfile) -> list[str]:
    """Columns another dataset's column may link to: identifiers, or any candidate beside one."""
    beside = _holds_identifiers(profile)
    return [f.column for f in profile.fields if _candidate(f) and (beside or f.entity_types)]


def needed_columns(
    profiles: Sequence[DatasetProfile], id_like: Mapping[str, Collection[str]] | None = None
) -> dict[str, list[str]]:
    """Per dataset, the columns worth reading: sources only where another dataset has targets,
    targets only where another dataset has sources (one CDR beside a billing export whose
    columns are all identified reads nothing); only `id_like` columns when given."""
    keep = (lambda name, cols: cols) if id_like is None else (
        lambda name, cols: [c for c in cols if c in id_like.get(name, ())])  # fmt: skip
    sources = {p.dataset: keep(p.dataset, _sources(p)) for p in profiles}
    targets = {p.dataset: keep(p.dataset, _targets(p)) for p in profiles}
    needed = {}
    for p in profiles:
        others = [o for o in sources if o != p.dataset]
        want = sources[p.dataset] if any(targets[o] for o in others) else []
        want += targets[p.dataset] if any(sources[o] for o in others) else []
        needed[p.dataset] = list(dict.fromkeys(want))
    return needed


def _candidate(f: FieldProfile) -> bool:
    if f.kind is not FieldKind.STRUCTURED or not f.arrow_type.startswith(_ID_TYPES):
        return False
    found = set(f.entity_types)
    return not found or bool(found & DIRECT)


def sketch_dataset(
    source: LinkInput, key: str, columns: Sequence[str] | None = None
) -> dict[str, IdSketch]:
    """Read `columns` (default: the candidates) of every file of `source` and sketch them; a
    column whose first batch is not mostly ids is not read further."""
    columns = list(candidate_columns(source.profile) if columns is None else columns)
    sketches: dict[str, IdSketch] = {}
    if not columns:
        return sketches
    left = source.max_rows
    for path in source.paths:
        for batch in _batches(source, path, columns):
            if left is not None:
                batch, left = batch.slice(0, left), left - min(left, batch.num_rows)
            for name in batch.schema.names:
                _sketch_column(batch.column(name), name, key, sketches)
            if left == 0:
                return sketches
    return sketches


def id_like_columns(source: LinkInput, key: str, columns: Sequence[str]) -> set[str]:
    """The `columns` whose first batch is mostly ids: the rest is not worth reading in full."""
    if not columns or not source.paths:
        return set()
    probe: dict[str, IdSketch] = {}
    for batch in _batches(source, source.paths[0], columns):
        for name in batch.schema.names:
            _sketch_column(batch.column(name), name, key, probe)
        break
    return {c for c, sketch in probe.items() if _ids(sketch)}


def _batches(source: LinkInput, path: object, columns: Sequence[str]) -> Iterator[pa.RecordBatch]:
    return read_batches(
        as_location(path), source.fmt, columns=list(columns), header=source.header,
        column_names=source.column_names, encoding=source.encoding,
    )  # fmt: skip


def _sketch_column(array: pa.Array, name: str, key: str, sketches: dict[str, IdSketch]) -> None:
    text = array if pa.types.is_string(array.type) else pc.cast(array, pa.string())
    values = pc.unique(pc.utf8_upper(pc.utf8_trim_whitespace(text.drop_null())))
    values = values.filter(pc.and_(
        pc.greater(pc.utf8_length(values), 0), pc.less_equal(pc.utf8_length(values), MAX_ID_CHARS)
    ))  # fmt: skip
    if not len(values):
        return
    sketch = sketches.setdefault(name, IdSketch())
    ids = values.filter(_id_like(values))
    sketch.values += len(values)
    sketch.id_like += len(ids)
    if not len(ids):
        return
    sketch.add(_hash(ids, key))
    values = ids
    main = pc.struct_field(pc.extract_regex(values, _SUB_ACCOUNT), "main").drop_null()
    if len(main):
        sketches.setdefault(name + MAIN, IdSketch()).add(_hash(pc.unique(main), key))


def _id_like(values: pa.Array) -> pa.Array:
    """Ids, not amounts, counters, dates or words: 5+ characters with a digit and no space."""
    shape = pc.match_substring_regex(values, ID_SHAPE)
    digit = pc.match_substring_regex(values, "[0-9]")
    number = pc.match_substring_regex(values, NOT_ID)
    return pc.and_(pc.and_(shape, digit), pc.invert(number))


def _hash(values: pa.Array, key: str) -> np.ndarray:
    objects = np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
    return pd.util.hash_array(objects, hash_key=key, categorize=False)


def find_links(
    profiles: Mapping[str, DatasetProfile], sketches: Mapping[str, Mapping[str, IdSketch]]
) -> list[Link]:
    """Every column that links to an identifier column of another dataset (best target each)."""
    links = []
    for name, profile in profiles.items():
        for f in profile.fields:
            if f.entity_types or f.column not in sketches.get(name, {}):
                continue
            best = _best_target(name, f.column, profiles, sketches)
            if best is not None:
                links.append(best)
    return links


def _best_target(
    name: str,
    column: str,
    profiles: Mapping[str, DatasetProfile],
    sketches: Mapping[str, Mapping[str, IdSketch]],
) -> Link | None:
    own = sketches[name]
    best: Link | None = None
    for other, their in sketches.items():
        if other == name:
            continue
        for target, sketch in their.items():
            if target.endswith(MAIN) or not _ids(sketch):
                continue
            if not _holds_identifiers(profiles[other]):
                continue
            for by_main in (False, True):
                mine = own.get(column + MAIN if by_main else column)
                if mine is None or mine.distinct() < MIN_SHARED or not _ids(own[column]):
                    continue
                share, shared = mine.share_in(sketch)
                if share >= MIN_CONTAINMENT and shared >= MIN_SHARED and (
                    best is None or share > best.share
                ):
                    best = Link(name, column, other, target, round(share, 4), int(shared),
                                by_main)  # fmt: skip
    return best


def _ids(sketch: IdSketch) -> bool:
    return sketch.id_share() >= MIN_ID_SHARE


def _holds_identifiers(profile: DatasetProfile) -> bool:
    """A dataset with a direct identifier: each of its id columns holds one or sits beside one."""
    return any(set(f.entity_types) & DIRECT for f in profile.fields)


def apply_links(
    profiles: Mapping[str, DatasetProfile], links: Sequence[Link]
) -> dict[str, DatasetProfile]:
    """Profiles where each linked column (and an entity-less target) is an ACCOUNT_NUMBER."""
    marked: dict[tuple[str, str], float] = {}
    notes: dict[str, list[str]] = {}
    for link in links:
        marked[link.dataset, link.column] = max(marked.get((link.dataset, link.column), 0.0),
                                                link.share)  # fmt: skip
        notes.setdefault(link.dataset, []).append(link.describe())
        target = {f.column: f for f in profiles[link.target_dataset].fields}[link.target_column]
        if not target.entity_types:
            marked.setdefault((link.target_dataset, link.target_column), 1.0)
            notes.setdefault(link.target_dataset, []).append(
                f"{link.target_dataset}.{link.target_column}: holds the ids that "
                f"{link.dataset}.{link.column} links to, beside direct identifiers: treated as "
                f"{entities.ACCOUNT_NUMBER}"
            )
    result = {}
    for name, profile in profiles.items():
        fields = tuple(_as_account(f, marked[name, f.column]) if (name, f.column) in marked
                       else f for f in profile.fields)  # fmt: skip
        result[name] = replace(profile, fields=fields,
                               notes=(*profile.notes, *notes.get(name, ())))  # fmt: skip
    return result


def _as_account(f: FieldProfile, share: float) -> FieldProfile:
    evidence = EntityEvidence(entities.ACCOUNT_NUMBER, round(share, 4), round(share, 4), False)
    return replace(f, entities=(evidence, *f.entities))


def link_datasets(
    sources: Sequence[LinkInput], secret: bytes | None = None
) -> tuple[dict[str, DatasetProfile], list[Link]]:
    """Sketch every dataset, find the links between them, and mark the linked columns."""
    profiles = {s.profile.dataset: s.profile for s in sources}
    if len(profiles) < 2:
        return profiles, []
    key = hash_key(secret)
    first = needed_columns([s.profile for s in sources])
    id_like = {s.profile.dataset: id_like_columns(s, key, first[s.profile.dataset])
               for s in sources}  # fmt: skip
    needed = needed_columns([s.profile for s in sources], id_like)
    sketches = {s.profile.dataset: sketch_dataset(s, key, needed[s.profile.dataset])
                for s in sources}  # fmt: skip
    links = find_links(profiles, sketches)
    return apply_links(profiles, links), links
