"""Vectorised per-entity classifiers for structured columns (one value per cell)."""

from __future__ import annotations

from detectors.columns.base import Shape, ValueClassifier, normalise_name
from detectors.columns.registry import CLASSIFIERS, get_classifier, resolve
from detectors.columns.values import classify_values

__all__ = [
    "CLASSIFIERS",
    "Shape",
    "ValueClassifier",
    "classify_values",
    "get_classifier",
    "normalise_name",
    "resolve",
]
