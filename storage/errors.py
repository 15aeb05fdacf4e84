"""Errors raised by `storage/`. Messages name the location and the fix, never a credential."""

from __future__ import annotations


class StorageError(Exception):
    """Base for every storage failure the user can fix (a bad URL, no filesystem, no access)."""


class LocationError(StorageError):
    """A location that cannot be used: a malformed URL, credentials in it, a missing bucket."""


class FilesystemUnavailableError(StorageError):
    """A URL scheme no installed filesystem handles (pyarrow, or fsspec with its package)."""


class ObjectAccessError(StorageError):
    """An object or prefix could not be listed, read, written or deleted."""
