"""Errors raised by `detectors/`. Messages name the file, row or setting — never a data value."""

from __future__ import annotations


class DetectorError(Exception):
    """Base for every detection failure the user can fix."""


class UnreadableFileError(DetectorError):
    """An input file is missing, empty, or not in the format its name or `fmt` says."""


class UnsupportedFormatError(DetectorError):
    """A file extension or `fmt` that no reader handles."""


class ModelNotInstalledError(DetectorError):
    """The configured spaCy pipeline is not installed."""


class SettingsError(DetectorError):
    """A detection setting is invalid (bad regex, unknown entity, threshold out of range)."""
