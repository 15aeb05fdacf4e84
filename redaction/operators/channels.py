"""Asterisk channel names: `<technology>/<peer>-<call sequence>`, e.g. `SIP/ACCT-1234-0000002a`,
`PJSIP/alice-00000012`, `Local/100@from-internal-0000001b;1`.

Only the peer names a subscriber (an account, a SIP user, an extension); the technology and the
call's sequence number (hex, counted by the switch) do not. `pseudonymize` tokenizes the peer
alone and keeps the rest, so a channel stays readable for quality analysis and its peer's token
is the one the account column gives the same account (joinable), and a million calls of fifty
thousand subscribers cost fifty thousand HMACs instead of a million.

Only columns named as channels are split (`is_channel_field`: `channel`, `dstchannel`…): in
another column `SIP/ACCT-9656608a` may be a device named after an account. The pattern is
strict: a known technology, a peer of the characters switches allow, the 8 hex digits Asterisk's
counter writes (`Local/<exten>@<context>-<4-8 hex>;1|2` for Local channels); RE2 decides which
cells match and both paths split at the first `/` and the last `-` (property-tested). Anything
else (`DAHDI/1-1`, `IAX2/peer-1234`, `Console/dsp`, `SIP/ACCT-96566089`) is tokenized whole.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

# Technologies whose channels Asterisk names `<peer>-<8 hex digits>`; Local ones are apart.
TECHNOLOGIES = ("SIP", "PJSIP", "Skinny", "SCCP", "MGCP", "UNISTIM", "H323", "OOH323", "Motif",
                "mISDN")  # fmt: skip
_PEER = r"[A-Za-z0-9_.@+#*=:~%!-]+"
# The switch's counter, `%08x`: it starts with 0 until 268M channels, so 8 decimal digits that
# do not (`96566089`) may be an account's digits instead, and such a value is tokenized whole.
_COUNTER = "|".join(["0[0-9a-f]{7}", *(f"[0-9]{{{k}}}[a-f][0-9a-f]{{{7 - k}}}" for k in range(8))])
_LOCAL_COUNTER = r"[0-9a-f]{4,8};[12]"
_TECH = "|".join(TECHNOLOGIES)
CHANNEL = rf"^(?:(?:{_TECH})/{_PEER}-(?:{_COUNTER})|Local/{_PEER}@{_PEER}-{_LOCAL_COUNTER})$"
_CHANNEL_PY = re.compile(CHANNEL.removesuffix("$"))  # used with fullmatch: `$` allows a \n
# A channel whose peer is a token (`TOKEN_RE2`'s shape): what `pseudonymize` writes for one.
CHANNEL_TOKEN = (
    rf"(?:(?:{_TECH})/[A-Z][A-Z0-9]*_[0-9a-f]{{16}}-(?:{_COUNTER})"
    rf"|Local/[A-Z][A-Z0-9]*_[0-9a-f]{{16}}-{_LOCAL_COUNTER})"
)


class Parts(NamedTuple):
    """The three parts of matched channel names, one cell each."""

    tech: pa.Array
    peer: pa.Array
    sequence: pa.Array


def is_channel_field(name: str) -> bool:
    """A column named as Asterisk names its channel columns (`channel`, `dstchannel`, …)."""
    return name.lower().replace("_", "").endswith("channel")


def split(value: str) -> tuple[str, str, str] | None:
    """(technology, peer, sequence) of a channel name, or None: split at the first `/` and the
    last `-`, as `split_column` does."""
    if "/" not in value or _CHANNEL_PY.fullmatch(value) is None:
        return None
    tech, rest = value.split("/", 1)
    peer, sequence = rest.rsplit("-", 1)
    return tech, peer, sequence


def split_column(text: pa.Array) -> tuple[pa.Array, Parts] | None:
    """(matched, the parts of the matched cells) for a string array, or None when no cell is a
    channel name (decided by one substring scan in the usual case).

    RE2 only decides which cells match (its fast DFA: extracting groups costs 5x more); a
    matching cell has no `/` after its technology and no `-` in its sequence, so splitting at
    the first `/` and the last `-` gives the groups exactly."""
    if not pc.any(pc.match_substring(text, "/")).as_py():
        return None
    matched = pc.fill_null(pc.match_substring_regex(text, CHANNEL), False)
    if not pc.any(matched).as_py():
        return None
    head = pc.split_pattern(text.filter(matched), "/", max_splits=1)
    tail = pc.split_pattern(pc.list_element(head, 1), "-", max_splits=1, reverse=True)
    parts = Parts(pc.list_element(head, 0), pc.list_element(tail, 0), pc.list_element(tail, 1))
    return matched, parts


def joined(parts: Parts, peer_tokens: pa.Array) -> pa.Array:
    """`<tech>/<peer token>-<sequence>` per matched cell."""
    return pc.binary_join_element_wise(parts.tech, "/", peer_tokens, "-", parts.sequence, "")
