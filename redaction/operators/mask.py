"""`mask`: hide all but a few leading/trailing characters, keeping length and separators.

Only letters and digits count and get masked; separators stay. Caps per entity: payment cards
show at most the first 6 and last 4 digits (PCI DSS 3.4), phone numbers at most the last 2.
Without params a card shows its last 4 digits only: the first 6 are for the recipients a pack
grants them (`card_first_six`), and policy then says so in the params.
When a value has no more characters than would be kept, all of them are masked. Characters
already used as masks (`•*#xX`) stay and take their slot, so masking is idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from detectors import entities
from detectors.masking import MASK_CHAR
from policy.operators import MAX_MASK_KEEP, MaskParams, OperatorName
from redaction.errors import InvalidParamsError
from redaction.operators.distinct import STRING, changed_by, map_distinct
from redaction.operators.registry import FieldContext, register

MASKED_CHARS = frozenset(MASK_CHAR + "*#xX")
# (max keep_first, max keep_last) per entity; default keep when the policy gives none.
CAPS: Mapping[str, tuple[int, int]] = {
    entities.CREDIT_CARD: (6, 4),
    entities.PHONE_NUMBER: (0, 2),
}
DEFAULTS: Mapping[str, tuple[int, int]] = {
    entities.CREDIT_CARD: (0, 4),
    entities.PHONE_NUMBER: (0, 2),
}


def mask_text(text: str, keep_first: int, keep_last: int) -> str:
    """Mask `text` keeping the first/last character slots; length never changes.

    Slots are letters, digits and mask characters, so an already-masked value keeps exactly the
    same positions visible and masking twice changes nothing.
    """
    slots = [i for i, ch in enumerate(text) if ch.isalnum() or ch in MASKED_CHARS]
    if len(slots) <= keep_first + keep_last:
        keep: set[int] = set()
    else:
        keep = set(slots[:keep_first]) | set(slots[len(slots) - keep_last :])
    return "".join(
        MASK_CHAR if i not in keep and ch.isalnum() and ch not in MASKED_CHARS else ch
        for i, ch in enumerate(text)
    )


@dataclass(frozen=True)
class Mask:
    keep_first: int
    keep_last: int
    output_type: pa.DataType = STRING

    def __call__(self, array: pa.Array) -> pa.Array:
        return map_distinct(array, lambda v: mask_text(v, self.keep_first, self.keep_last))

    def violations(self, array: pa.Array) -> pa.Array:
        """Cells that masking would still change: not (fully) masked."""
        return changed_by(self, array)


@register(OperatorName.MASK)
def build_mask(params: MaskParams, ctx: FieldContext) -> Mask:
    """Parameters are already checked (`policy.operators.MaskParams`: integers 0..12); the caps
    depend on the field's entity."""
    default_first, default_last = DEFAULTS.get(ctx.entity or "", (0, 4))
    first = default_first if params.keep_first is None else params.keep_first
    last = default_last if params.keep_last is None else params.keep_last
    cap_first, cap_last = CAPS.get(ctx.entity or "", (MAX_MASK_KEEP, MAX_MASK_KEEP))
    if first > cap_first or last > cap_last:
        raise InvalidParamsError(
            f"field {ctx.field!r}: mask of {ctx.entity} may keep at most the first {cap_first} "
            f"and last {cap_last} characters, got keep_first={first}, keep_last={last}"
        )
    return Mask(first, last)
