"""Asterisk cdr-csv call detail records, built column by column with numpy and pyarrow.

Per-subscriber strings (numbers in every format, caller-id heads, SIP URI parts) are rendered
once into lookup tables; each block of rows is then integer draws, Arrow `take`s and joins, so
no Python runs per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from detectors import entities as E
from synthetic.population import Population
from synthetic.randomness import blocks, numpy_stream

COLUMN_LABELS: dict[str, list[str]] = {
    "accountcode": [E.ACCOUNT_NUMBER],
    "src": [E.PHONE_NUMBER],
    "dst": [E.PHONE_NUMBER],
    "dcontext": [],
    "clid": [E.PERSON, E.PHONE_NUMBER],
    "channel": [E.ACCOUNT_NUMBER],
    "dstchannel": [],
    "lastapp": [],
    "lastdata": [E.PHONE_NUMBER],
    "start": [E.DATE_TIME],
    "answer": [E.DATE_TIME],
    "end": [E.DATE_TIME],
    "duration": [],
    "billsec": [],
    "disposition": [],
    "amaflags": [],
    "uniqueid": [E.TIME_ID],  # the call start in epoch seconds, then a sequence number
    "userfield": [],
    "src_ip": [E.IP_ADDRESS],
    "sip_uri": [E.SIP_URI],
}
COLUMNS: tuple[str, ...] = tuple(COLUMN_LABELS)  # Asterisk cdr-csv order, then src_ip, sip_uri
SCHEMA = pa.schema(
    [(c, pa.int64() if c in ("duration", "billsec") else pa.string()) for c in COLUMNS]
)
FORMATS = 5  # `switch_formats` variants per number
FORMAT_WEIGHTS = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
CLID_STYLES = 3  # '"Name" <number>', '<number>', 'number'
CLID_WEIGHTS = np.array([0.75, 0.15, 0.1])
CONTEXTS = ("from-internal", "outbound", "default", "from-trunk", "ext-local", "from-customer")
TRUNKS = ("voip-trunk", "carrier-e1", "carrier-w2", "telco-a-01", "intl-gw-01")  # equal widths
APPS = ("Dial", "Queue", "VoiceMail", "Hangup")
APP_WEIGHTS = np.array([0.8, 0.08, 0.07, 0.05])
QUEUE_DATA = ("support,t,,,300", "billing,tT,,,120", "sales,t")
VOICEMAIL_DATA = ("1001@default,u", "2002@default,b", "3000@customers,su")
DIAL_TIMEOUTS = (",30", ",45", ",60", ",60,tT")
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
DISPOSITION_WEIGHTS = np.array([0.7, 0.18, 0.07, 0.05])
AMAFLAGS = ("DOCUMENTATION", "BILLING")
AMAFLAG_WEIGHTS = np.array([0.8, 0.2])
USERFIELDS = ("", "rec=yes", "campaign=spring", "transfer")
USERFIELD_WEIGHTS = np.array([0.94, 0.03, 0.02, 0.01])
PBX_HOSTS = ("pbx.example.net", "sip.example.net")
START_EPOCH = 1_767_225_600  # 2026-01-01 00:00:00 UTC
SPAN_SECONDS = 30 * 86_400
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(28, -1, -4, dtype=np.uint32)


@dataclass(frozen=True)
class _Tables:
    """Rendered strings, format-major: entry `variant * count + item`."""

    subs: int
    numbers: pa.Array  # FORMATS x (subscribers, then external numbers), as `switch_formats`
    dialled: pa.Array  # per number as `dialled_digits`, then '' (rows that dial nothing)
    clid_heads: pa.Array  # CLID_STYLES x subscribers: '"Jane Roe" <', '<', ''
    ips: pa.Array
    uri_users: pa.Array  # 2 x subscribers: E.164, then without the plus in North America
    uri_hosts: pa.Array  # subscribers' IPs (IPv6 bracketed), then PBX_HOSTS
    channel_prefixes: np.ndarray  # (subscribers, width) bytes of 'SIP/ACCT-12345678-'
    dial_heads: pa.Array  # 'SIP/<trunk>/' per trunk, then Queue and VoiceMail data, then ''
    dial_tails: pa.Array  # DIAL_TIMEOUTS, then ''


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _take(table: pa.Array | tuple[str, ...], index: np.ndarray) -> pa.Array:
    values = table if isinstance(table, pa.Array) else pa.array(table, pa.string())
    return values.take(pa.array(index))


def switch_format_table(e164: pa.Array) -> tuple[pa.Array, pa.Array]:
    """`phones.switch_formats` and `phones.dialled_digits` for a whole array at once.

    Returns (FORMATS x numbers, format-major; dialled digits per number).
    """
    nanp = pc.starts_with(e164, "+1")
    plain = pc.utf8_slice_codeunits(e164, 1)
    national = pc.utf8_slice_codeunits(e164, 2)
    a, b, c = (pc.utf8_slice_codeunits(national, i, j) for i, j in ((0, 3), (3, 6), (6, 99)))
    dialled = pc.if_else(nanp, plain, _join("011", plain))
    formats = [
        e164,
        dialled,
        pc.if_else(nanp, national, e164),
        pc.if_else(nanp, _join("(", a, ") ", b, "-", c), dialled),
        pc.if_else(nanp, _join(a, "-", b, "-", c), e164),
    ]
    return pa.concat_arrays(formats), dialled


def _tables(pop: Population) -> _Tables:
    e164 = pa.array(pop.phones + pop.external_phones, pa.string())
    numbers, dialled = switch_format_table(e164)
    own = e164.slice(0, pop.size)
    ips = pa.array(pop.ips, pa.string())
    names = _join('"', pa.array(pop.first_names), " ", pa.array(pop.last_names), '" <')
    prefixes = "".join(f"SIP/{a}-" for a in pop.accounts).encode()
    return _Tables(
        subs=pop.size,
        numbers=numbers,
        dialled=pa.concat_arrays([dialled, pa.array([""])]),
        clid_heads=pa.concat_arrays(
            [names, pa.array(["<"] * pop.size), pa.array([""] * pop.size)]
        ),
        ips=ips,
        uri_users=pa.concat_arrays(
            [own, pc.if_else(pc.starts_with(own, "+1"), pc.utf8_slice_codeunits(own, 1), own)]
        ),
        uri_hosts=pa.concat_arrays([
            pc.if_else(pc.match_substring(ips, ":"), _join("[", ips, "]"), ips),
            pa.array(PBX_HOSTS, pa.string()),
        ]),
        channel_prefixes=np.frombuffer(prefixes, dtype=np.uint8).reshape(pop.size, -1),
        dial_heads=pa.array(
            [f"SIP/{t}/" for t in TRUNKS] + list(QUEUE_DATA) + list(VOICEMAIL_DATA) + [""]
        ),
        dial_tails=pa.array([*DIAL_TIMEOUTS, ""], pa.string()),
    )


def _hex_bytes(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 8) ASCII bytes of random lowercase hex, as Asterisk channel suffixes."""
    values = rng.integers(2**32, size=n, dtype=np.uint32)
    return _HEX[(values[:, None] >> _SHIFTS) & 0xF]


def _fixed_width(matrix: np.ndarray) -> pa.Array:
    """A string array from an (n, width) byte matrix, without a Python loop."""
    n, width = matrix.shape
    offsets = np.arange(0, n * width + 1, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix, dtype=np.uint8).tobytes()
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _choice(rng: np.random.Generator, options: int, n: int, p: np.ndarray | None = None
            ) -> np.ndarray:
    return rng.choice(options, size=n, p=p)


def _timestamps(epochs: np.ndarray) -> pa.Array:
    """`YYYY-MM-DD HH:MM:SS` (Arrow's cast gives exactly this, far faster than strftime)."""
    return pc.cast(pa.array(epochs, pa.timestamp("s")), pa.string())


_TRUNK_BYTES = np.frombuffer("".join(f"SIP/{t}-" for t in TRUNKS).encode(), np.uint8).reshape(
    len(TRUNKS), -1
)


@dataclass(frozen=True)
class _Calls:
    """Who called whom in one block, and how the switch wrote it (indices into `_Tables`)."""

    caller: np.ndarray
    callee: np.ndarray
    src: np.ndarray  # index into `numbers`
    dst: np.ndarray
    clid_style: np.ndarray
    trunk: np.ndarray


def _calls(t: _Tables, rng: np.random.Generator, n: int) -> _Calls:
    subs = t.subs
    everyone = len(t.dialled) - 1
    # A few heavy callers: u**1.6 skews draws toward low indices.
    caller = np.minimum((subs * rng.random(n) ** 1.6).astype(np.int64), subs - 1)
    src_format = _choice(rng, FORMATS, n, FORMAT_WEIGHTS)
    on_net = rng.random(n) < 0.35
    other = (caller + 1 + rng.integers(max(subs - 1, 1), size=n)) % subs  # never the caller
    callee = np.where(on_net, other, subs + rng.integers(everyone - subs, size=n))
    dst_format = _choice(rng, FORMATS, n, FORMAT_WEIGHTS)
    return _Calls(
        caller=caller,
        callee=callee,
        src=src_format * everyone + caller,
        dst=dst_format * everyone + callee,
        clid_style=_choice(rng, CLID_STYLES, n, CLID_WEIGHTS),
        trunk=rng.integers(len(TRUNKS), size=n),
    )


def _application(t: _Tables, rng: np.random.Generator, calls: _Calls, n: int
                 ) -> tuple[np.ndarray, pa.Array]:
    """`lastapp` indices and `lastdata`: Dial carries the dialled number, others do not."""
    app = _choice(rng, len(APPS), n, APP_WEIGHTS)
    dialling = app == 0
    head = np.select(
        [dialling, app == 1, app == 2],
        [calls.trunk, len(TRUNKS) + rng.integers(len(QUEUE_DATA), size=n),
         len(TRUNKS) + len(QUEUE_DATA) + rng.integers(len(VOICEMAIL_DATA), size=n)],
        len(t.dial_heads) - 1,
    )
    timeout = rng.integers(len(DIAL_TIMEOUTS), size=n)
    lastdata = _join(
        _take(t.dial_heads, head),
        _take(t.dialled, np.where(dialling, calls.callee, len(t.dialled) - 1)),
        _take(t.dial_tails, np.where(dialling, timeout, len(DIAL_TIMEOUTS))),
    )
    return app, lastdata


def _timing(rng: np.random.Generator, first: int, n: int, rows: int) -> list[pa.Array]:
    """start, answer, end, duration, billsec, disposition; start rises with the row number."""
    index = np.arange(first, first + n, dtype=np.int64)
    start = START_EPOCH + index * SPAN_SECONDS // max(rows, 1) + rng.integers(60, size=n)
    disp = _choice(rng, len(DISPOSITIONS), n, DISPOSITION_WEIGHTS)
    answered = disp == 0
    ring = np.where(disp == 3, 0, rng.integers(1, 25, size=n))  # FAILED never rings
    billsec = np.where(answered, rng.exponential(150.0, size=n).astype(np.int64) + 1, 0)
    duration = ring + billsec
    return [
        _timestamps(start),
        pc.if_else(pa.array(answered), _timestamps(start + ring), ""),
        _timestamps(start + duration),
        pa.array(duration, pa.int64()),
        pa.array(billsec, pa.int64()),
        _take(DISPOSITIONS, disp),
        # uniqueid: epoch of the start, then a sequence number unique in the file
        _join(pc.cast(pa.array(start), pa.string()), ".", pc.cast(pa.array(index), pa.string())),
    ]


def _sip_uris(t: _Tables, rng: np.random.Generator, caller: np.ndarray) -> pa.Array:
    n, subs = len(caller), t.subs
    user, scheme = rng.integers(2, size=n), (rng.random(n) >= 0.9).astype(np.int64)
    host = np.searchsorted([0.5, 0.85], rng.random(n), side="right")  # own IP, pbx, sip
    return _join(
        _take(("sip:", "sips:"), scheme),
        _take(t.uri_users, user * subs + caller),
        "@",
        _take(t.uri_hosts, np.where(host == 0, caller, subs + host - 1)),
    )


def _block(t: _Tables, rng: np.random.Generator, first: int, n: int, rows: int) -> pa.RecordBatch:
    calls = _calls(t, rng, n)
    app, lastdata = _application(t, rng, calls, n)
    start, answer, end, duration, billsec, disposition, uniqueid = _timing(rng, first, n, rows)
    sip_uri = _sip_uris(t, rng, calls.caller)
    prefixes = t.channel_prefixes[calls.caller]  # 'SIP/ACCT-12345678-'
    src = _take(t.numbers, calls.src)
    clid_head = _take(t.clid_heads, calls.clid_style * t.subs + calls.caller)
    columns = [
        _fixed_width(prefixes[:, 4:-1]),
        src,
        _take(t.numbers, calls.dst),
        _take(CONTEXTS, rng.integers(len(CONTEXTS), size=n)),
        _join(clid_head, src, _take((">", ">", ""), calls.clid_style)),
        _fixed_width(np.hstack([prefixes, _hex_bytes(rng, n)])),
        _fixed_width(np.hstack([_TRUNK_BYTES[calls.trunk], _hex_bytes(rng, n)])),
        _take(APPS, app),
        lastdata,
        start, answer, end, duration, billsec, disposition,
        _take(AMAFLAGS, _choice(rng, len(AMAFLAGS), n, AMAFLAG_WEIGHTS)),
        uniqueid,
        _take(USERFIELDS, _choice(rng, len(USERFIELDS), n, USERFIELD_WEIGHTS)),
        _take(t.ips, calls.caller),
        sip_uri,
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)


def cdr_batches(pop: Population, rows: int, seed: int) -> Iterator[pa.RecordBatch]:
    """Record batches of `BLOCK_ROWS` rows; each block has its own random stream."""
    tables = _tables(pop)
    for block, first, n in blocks(rows):
        yield _block(tables, numpy_stream(seed, "cdr", block), first, n, rows)
