"""What part a category of data plays in re-identification: its role.

- direct identifier: names one person on its own (name, phone, e-mail, account, card);
- quasi-identifier: harmless alone, identifying in combination (postal code, birth date, call
  and invoice times, city, plan, amounts) — what k-anonymity is measured over;
- sensitive: what must not be inferable from a group (secrets; packs may add health, religion…);
- other: neither (free text is treated span by span).

Each category's role is data: `role:` in `policy/taxonomy.yaml`, inherited from the nearest
ancestor that gives one (`policy.taxonomy`); a pack may give a category its own `role:`.
Columns without personal entities (a plan, an amount, an invoice date) are quasi-identifiers
when their name says so or the dataset declares them.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Role(StrEnum):
    DIRECT_IDENTIFIER = "direct_identifier"
    QUASI_IDENTIFIER = "quasi_identifier"
    SENSITIVE = "sensitive"
    OTHER = "other"


# Column names of non-personal fields that still single people out in combination.
QUASI_IDENTIFIER_NAMES = re.compile(
    r"(?i)(?:^|_)(?:plan|package|tier|amount|total|price|rate|balance|invoice_date|bill_date"
    r"|billing_date|cell|cell_id|tower|postal|zip|zipcode|region|province|state|city)(?:_|$)"
)


def named_quasi_identifier(column: str) -> bool:
    """A column whose name marks it as a quasi-identifier (`plan`, `total_amount`, `zip`)."""
    return QUASI_IDENTIFIER_NAMES.search(column) is not None
