"""`encrypt_fpe`: FF3-1 format-preserving encryption of the digits of phone numbers and accounts.

Digits are encrypted as one radix-10 string; every other character (`+`, `-`, spaces, letters)
stays where it was, so length and separators are kept. The AES key is the `encrypt_fpe` sub-key
(HMAC-SHA-256 of the master key); the 56-bit tweak is the first 7 bytes of
HMAC-SHA-256(`encrypt_fpe/tweak` sub-key, field name), so the same number encrypts differently in
different fields and decrypting needs the field name. FF3-1 needs 6..56 digits: values with
fewer or more digits cannot be encrypted and become null (fail closed).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pyarrow as pa
from ff3 import FF3Cipher

from policy.operators import NoParams, OperatorName
from redaction.errors import MissingKeyError
from redaction.keys import Key
from redaction.operators.distinct import STRING, map_distinct
from redaction.operators.registry import FieldContext, register

KEY_LABEL = "encrypt_fpe"
TWEAK_LABEL = "encrypt_fpe/tweak"
MIN_DIGITS = 6
MAX_DIGITS = 56


@dataclass(frozen=True)
class FieldCipher:
    """FF3-1 over the digits of values of one field."""

    key_hex: str = field(repr=False)
    tweak_hex: str = field(repr=False)

    @cached_property
    def _cipher(self) -> FF3Cipher:
        return FF3Cipher(self.key_hex, self.tweak_hex, radix=10)

    def __getstate__(self) -> dict[str, str]:  # the AES context is rebuilt, not pickled
        return {"key_hex": self.key_hex, "tweak_hex": self.tweak_hex}

    def __setstate__(self, state: dict[str, str]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def encrypt(self, value: str) -> str | None:
        return self._apply(value, self._cipher.encrypt)

    def decrypt(self, value: str) -> str | None:
        return self._apply(value, self._cipher.decrypt)

    @staticmethod
    def _apply(value: str, fn: Any) -> str | None:
        digits = "".join(ch for ch in value if ch.isascii() and ch.isdigit())
        if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            return None
        out = iter(fn(digits))
        return "".join(next(out) if ch.isascii() and ch.isdigit() else ch for ch in value)


def cipher_for(key: Key | None, field_name: str) -> FieldCipher:
    """The cipher for one field: sub-key from `key`, tweak from the field name."""
    if key is None:
        raise MissingKeyError(
            f"field {field_name!r}: encrypt_fpe needs a key; set TELEPRIVACY_KEY (>= 32 characters)"
        )
    tweak = hmac.digest(key.derive(TWEAK_LABEL), field_name.encode(), hashlib.sha256)[:7]
    return FieldCipher(key.derive(KEY_LABEL).hex(), tweak.hex())


@dataclass(frozen=True)
class EncryptFpe:
    cipher: FieldCipher
    output_type: pa.DataType = STRING

    def __call__(self, array: pa.Array) -> pa.Array:
        return map_distinct(array, lambda v: self.cipher.encrypt(v) if v else v)

    def violations(self, array: pa.Array) -> pa.Array:
        """Ciphertexts look like the entity by design: nothing to check by shape."""
        return pa.array([False] * len(array), pa.bool_())


@register(OperatorName.ENCRYPT_FPE, keyed=True)
def build_encrypt_fpe(params: NoParams, ctx: FieldContext) -> EncryptFpe:
    return EncryptFpe(cipher_for(ctx.key, ctx.field))
