"""Seeded, labelled synthetic telecom data: CDRs, billing exports and support tickets."""

from __future__ import annotations

from synthetic.company import COMPANY, Company
from synthetic.dataset import KINDS, GeneratedDataset, generate
from synthetic.errors import InvalidSizeError, OutputError, SyntheticError, UnknownKindError

__all__ = [
    "COMPANY",
    "KINDS",
    "Company",
    "GeneratedDataset",
    "InvalidSizeError",
    "OutputError",
    "SyntheticError",
    "UnknownKindError",
    "generate",
]
