"""Keep Presidio's dependencies off the network: tldextract uses its bundled suffix list."""

from __future__ import annotations

import os

_ENV = "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"


def configure_offline() -> None:
    """Stop tldextract from fetching the public suffix list (it would log a traceback offline).

    Idempotent. The environment variable covers processes started later; the module-level
    extractor, built at import time, is told directly because it has already read the variable.
    """
    os.environ.setdefault(_ENV, "")
    import tldextract.tldextract as _tld  # imported here: reading the env happens at import

    _tld.TLD_EXTRACTOR.suffix_list_urls = ()
    _tld.TLD_EXTRACTOR.fallback_to_snapshot = True
