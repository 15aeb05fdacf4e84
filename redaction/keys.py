"""The master key: where it comes from, its fingerprint, and the sub-keys derived from it.

A key is any string of at least `MIN_KEY_CHARS` characters (its UTF-8 bytes are the key
material), read from an environment variable (default `TELEPRIVACY_KEY`) or from a named Prefect
Secret block through an injected `secret_loader` — `redaction/` never imports Prefect.
Operators never see the master key: each gets its own sub-key, HMAC-SHA-256(master, label).

Token scope: a delivery's operators get the key of its recipient (`Key.for_recipient`), so the
same value has a different token for each recipient and two recipients cannot join their
deliveries; the master key itself is the shared scope (`token_scope: shared`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redaction.errors import KeyScopeError, KeySourceError, MissingKeyError, WeakKeyError

DEFAULT_KEY_ENV = "TELEPRIVACY_KEY"
MIN_KEY_CHARS = 32
_KEY_ID_LABEL = b"teleprivacy-key-id"
_RECIPIENT_SCOPE_LABEL = b"teleprivacy/scope/recipient\x00"  # no sub-key label holds NUL
_HOW = (
    f"set {{env}} to a random string of at least {MIN_KEY_CHARS} characters "
    "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
    "or configure `key: {{prefect_secret: <block name>}}`"
)

SecretLoader = Callable[[str], str]


@dataclass(frozen=True, eq=False)
class Key:
    """A master key, or one recipient's scope of it (`for_recipient`). `key_id` is the master
    key's public fingerprint; the bytes never appear in repr/str."""

    key_id: str
    _material: bytes = field(repr=False)
    recipient: str | None = None  # the token scope; None: the master key (shared scope)

    def derive(self, label: str) -> bytes:
        """A 32-byte sub-key for one purpose: HMAC-SHA-256(key, "teleprivacy/" + label)."""
        return hmac.new(self._material, b"teleprivacy/" + label.encode(), hashlib.sha256).digest()

    def for_recipient(self, recipient: str) -> Key:
        """The key of `recipient`'s token scope: HMAC-SHA-256(master, scope label + name), the
        name with whitespace collapsed and case folded (`Acme Analytics` = `acme  analytics`).
        Its sub-keys differ per recipient and are the same for every delivery to one; it holds
        no master key bytes."""
        name = " ".join(recipient.split()).casefold()
        if not name:
            raise KeyScopeError("a recipient token scope needs the recipient's name; got a blank")
        if self.recipient is not None:
            raise KeyScopeError(
                f"the key is already scoped to recipient {self.recipient!r}; derive every "
                "recipient's scope from the master key"
            )
        material = hmac.new(self._material, _RECIPIENT_SCOPE_LABEL + name.encode(), hashlib.sha256)
        return Key(key_id=self.key_id, _material=material.digest(), recipient=name)

    def __repr__(self) -> str:
        scope = f", recipient={self.recipient!r}" if self.recipient is not None else ""
        return f"Key(key_id={self.key_id!r}{scope})"

    __str__ = __repr__


def key_from_text(text: str, where: str = "key") -> Key:
    """Build a Key from its text form; `where` names the source in error messages."""
    material = text.strip().encode("utf-8")
    if len(text.strip()) < MIN_KEY_CHARS:
        raise WeakKeyError(
            f"{where}: the key has {len(text.strip())} characters, at least {MIN_KEY_CHARS} are "
            f"needed; {_HOW.format(env=DEFAULT_KEY_ENV)}"
        )
    key_id = hmac.new(material, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:12]
    return Key(key_id=key_id, _material=material)


def load_key(
    source: Any = None,
    env: Mapping[str, str] = os.environ,
    secret_loader: SecretLoader | None = None,
) -> Key:
    """Load the master key, or raise `MissingKeyError` saying how to provide it.

    `source` is None (the `TELEPRIVACY_KEY` variable), an environment variable name, a mapping
    or object with `env` or `prefect_secret` (a Secret block name read via `secret_loader`).
    """
    env_name, block = _parse_source(source)
    if block is not None:
        if secret_loader is None:
            raise KeySourceError(
                f"key: Prefect Secret block {block!r} is configured but no secret loader was "
                "given; run through the teleprivacy flows, or use `key: {env: TELEPRIVACY_KEY}`"
            )
        try:
            text = secret_loader(block)
        except Exception as exc:  # the loader's own errors may say anything; keep only the type
            raise MissingKeyError(
                f"key: Prefect Secret block {block!r} could not be read "
                f"({type(exc).__name__}); create it with "
                f"`Secret(value=...).save({block!r})` or use `key: {{env: {DEFAULT_KEY_ENV}}}`"
            ) from None
        if not text:
            raise MissingKeyError(f"key: Prefect Secret block {block!r} is empty")
        return key_from_text(str(text), where=f"Prefect Secret block {block!r}")
    text = env.get(env_name, "")
    if not text.strip():
        raise MissingKeyError(
            f"key: environment variable {env_name} is not set, and pseudonymization/encryption "
            f"need a key; {_HOW.format(env=env_name)}"
        )
    return key_from_text(text, where=f"environment variable {env_name}")


def _parse_source(source: Any) -> tuple[str, str | None]:
    """(env variable name, Secret block name or None) from the accepted source forms."""
    if source is None:
        return DEFAULT_KEY_ENV, None
    if isinstance(source, str):
        return source, None
    get = source.get if isinstance(source, Mapping) else lambda k: getattr(source, k, None)
    env_name, block = get("env"), get("prefect_secret")
    if block:
        return DEFAULT_KEY_ENV, str(block)
    if env_name:
        return str(env_name), None
    raise KeySourceError(
        "key: expected {env: VARIABLE} or {prefect_secret: BLOCK}; got neither "
        f"(type {type(source).__name__})"
    )
