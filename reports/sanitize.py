"""Last line of defence before anything is published: masked samples, parameters, citations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from detectors.masking import MASK_CHAR
from policy.decisions import Citation
from reports.model import CitationRef

WITHHELD = "[withheld]"
_SECRET_PARAM_HINTS = ("key", "secret", "salt", "password", "token", "tweak")


def safe_masked(sample: str | None) -> str | None:
    """A masked sample as given, or WITHHELD when it does not look masked at all."""
    if sample is None or sample == "":
        return None
    return sample if MASK_CHAR in sample else WITHHELD


def citation_ref(c: Citation | None) -> CitationRef | None:
    """The report's copy of a policy citation."""
    return None if c is None else CitationRef(seed=c.seed, section=c.section, quote=c.quote)


def safe_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Operator parameters as JSON scalars; anything that smells of a secret is withheld."""
    out: dict[str, Any] = {}
    for name in sorted(params):
        value = params[name]
        if any(hint in name.lower() for hint in _SECRET_PARAM_HINTS) and name != "key_id":
            out[name] = WITHHELD
        elif value is None or isinstance(value, bool | int | float | str):
            out[name] = value
        elif isinstance(value, list | tuple) and all(
            isinstance(v, bool | int | float | str) for v in value
        ):
            out[name] = list(value)
        else:
            out[name] = str(value)
    return out
