"""Cache keys for Prefect tasks: input file checksums, settings and the code version.

A re-run over unchanged files (or objects: same ETag and size) reuses the profile; a changed
file, sample size or code version profiles again. Policy changes do not affect profiles.
Deliveries are reused through `redaction.manifest` (input checksums, plan, format, code
version), which also checks that the delivered file is still there, byte for byte — something a
Prefect cache key cannot see.
"""

from __future__ import annotations

import hashlib
from typing import Any

from detectors.reading import file_sha256
from reports.model import code_version
from storage import as_location


def profile_cache_key(context: Any, parameters: dict[str, Any]) -> str:
    """Key a profile on the bytes of its inputs, the sample size and the code version."""
    digest = hashlib.sha256()
    digest.update(f"profile|{code_version()}|{parameters['kind']}|{parameters['name']}".encode())
    digest.update(f"|{parameters['sample_rows']}|{parameters.get('fmt')}".encode())
    digest.update(f"|{parameters.get('settings')!r}".encode())  # allow list, region, patterns
    # line 1 read as names or as data: another header decision is another profile
    digest.update(f"|{parameters.get('header')!r}|{parameters.get('column_names')!r}".encode())
    digest.update(f"|{parameters.get('encoding')!r}".encode())
    declared = parameters.get("declared")  # another declared type is another reading
    digest.update(f"|{sorted(declared.items()) if declared else None!r}".encode())
    for path in parameters["files"]:
        # a local file's SHA-256; an object's ETag, version id and size (one HEAD request)
        digest.update(f"|{as_location(path).name}:{file_sha256(path)}".encode())
    return digest.hexdigest()
