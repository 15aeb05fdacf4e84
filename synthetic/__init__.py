"""Seeded, labelled synthetic telecom data: CDRs, billing exports and support tickets.

`generate(kind, rows, out_dir, seed=7, batch_rows=100_000)` writes `cdr.csv`, `billing.csv` or
`tickets.jsonl` plus `labels.json` into `out_dir` (one kind per folder) and returns a
`GeneratedDataset`. Same seed → byte-identical files, whatever `batch_rows` is.

Label conventions:
- `columns` maps every column to the entity types of `detectors.entities` it holds (`[]` = not
  personal). `free_text_columns` lists the columns whose entities are given as `spans`.
- A span is `{"row", "field", "start", "end", "entity_type"}`: `row` is 0-based in file order,
  offsets are Python string (code point) indices into the decoded cell, end exclusive. A PIN or
  password span covers only the secret; an address is three spans (STREET_ADDRESS, LOCATION for
  the city, POSTAL_CODE; the region code is not labelled).
- `COMPANY`'s name, support numbers, emails and website appear in tickets and notes unlabelled:
  they are the provider's own public details (an allow list for detectors).
- Subscriber i is the same person (account, name, number) in every kind of one seed, so CDR
  `accountcode`s are billing `customer_id`s when billing has at least as many rows.
"""

from __future__ import annotations

from synthetic.company import COMPANY, Company
from synthetic.dataset import KINDS, GeneratedDataset, generate
from synthetic.errors import (
    InvalidSeedError,
    InvalidSizeError,
    OutputError,
    SyntheticError,
    UnknownKindError,
)

__all__ = [
    "COMPANY",
    "KINDS",
    "Company",
    "GeneratedDataset",
    "InvalidSeedError",
    "InvalidSizeError",
    "OutputError",
    "SyntheticError",
    "UnknownKindError",
    "generate",
]
