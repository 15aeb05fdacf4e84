"""Asterisk cdr-csv call detail records, built column by column with numpy and pyarrow."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthetic.phones import dialled_digits, switch_formats
from synthetic.population import Population
from synthetic.randomness import blocks, numpy_stream

COLUMNS: tuple[str, ...] = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield", "src_ip", "sip_uri",
)
SCHEMA = pa.schema(
    [(c, pa.int64() if c in ("duration", "billsec") else pa.string()) for c in COLUMNS]
)
FORMAT_WEIGHTS = np.array([0.3, 0.25, 0.2, 0.15, 0.1])
CONTEXTS = ("from-internal", "outbound", "default", "from-trunk", "ext-local", "from-customer")
TRUNKS = ("trunk-voip", "carrier-east", "carrier-west", "telco-a", "intl-gw")
APPS = ("Dial", "Queue", "VoiceMail", "Hangup")
APP_WEIGHTS = np.array([0.8, 0.08, 0.07, 0.05])
QUEUE_DATA = ("support,t,,,300", "billing,tT,,,120", "sales,t")
VOICEMAIL_DATA = ("1001@default,u", "2002@default,b", "3000@customers,su")
DISPOSITIONS = ("ANSWERED", "NO ANSWER", "BUSY", "FAILED")
DISPOSITION_WEIGHTS = np.array([0.7, 0.18, 0.07, 0.05])
AMAFLAGS = ("DOCUMENTATION", "BILLING")
USERFIELDS = ("", "rec=yes", "campaign=spring", "transfer")
USERFIELD_WEIGHTS = np.array([0.94, 0.03, 0.02, 0.01])
PBX_HOSTS = ("pbx.example.net", "sip.example.net")
START_EPOCH = 1_767_225_600  # 2026-01-01 00:00:00 UTC
SPAN_SECONDS = 30 * 86_400
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_SHIFTS = np.arange(28, -1, -4, dtype=np.uint32)


@dataclass(frozen=True)
class _Tables:
    """Per-subscriber strings, indexed by `subscriber * width + variant`."""

    subs: int
    numbers: pa.Array  # 5 switch formats per number: subscribers, then external numbers
    dialled: pa.Array  # one per number, same order
    accounts: pa.Array
    clid_names: pa.Array  # '"Jane Roe" ' per subscriber
    ips: pa.Array
    uri_numbers: pa.Array  # 2 per subscriber: E.164 and `_uri_user`
    uri_hosts: pa.Array  # 1 per subscriber: its IP, bracketed when IPv6


def _tables(pop: Population) -> _Tables:
    everyone = pop.phones + pop.external_phones
    return _Tables(
        subs=pop.size,
        numbers=pa.array([f for n in everyone for f in switch_formats(n)], pa.string()),
        dialled=pa.array([dialled_digits(n) for n in everyone], pa.string()),
        accounts=pa.array(pop.accounts, pa.string()),
        clid_names=pa.array([f'"{pop.full_name(i)}" ' for i in range(pop.size)], pa.string()),
        ips=pa.array(pop.ips, pa.string()),
        uri_numbers=pa.array([v for n in pop.phones for v in (n, _uri_user(n))], pa.string()),
        uri_hosts=pa.array([f"[{ip}]" if ":" in ip else ip for ip in pop.ips], pa.string()),
    )


def _uri_user(e164: str) -> str:
    """The number as a SIP user part without the plus (`15145550123`); E.164 outside NANP."""
    return e164[1:] if e164.startswith("+1") else e164


def _hex8(values: np.ndarray) -> pa.Array:
    """Eight lowercase hex digits per uint32, without a Python loop."""
    nibbles = (values[:, None] >> _SHIFTS) & 0xF
    raw = _HEX[nibbles].tobytes()
    return pa.Array.from_buffers(
        pa.string(),
        len(values),
        [None, pa.py_buffer(np.arange(0, 8 * len(values) + 1, 8, dtype=np.int32)),
         pa.py_buffer(raw)],
    )


def _pick(rng: np.random.Generator, pool: tuple[str, ...], n: int, p=None) -> pa.Array:
    return pa.array(pool, pa.string()).take(pa.array(rng.choice(len(pool), size=n, p=p)))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _timestamps(epochs: np.ndarray) -> pa.Array:
    return pc.strftime(pa.array(epochs, pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")


def _block(t: _Tables, rng: np.random.Generator, first: int, n: int, rows: int) -> pa.RecordBatch:
    subs = t.subs
    externals = len(t.dialled) - subs
    caller = np.minimum((subs * rng.random(n) ** 1.6).astype(np.int64), subs - 1)
    src = t.numbers.take(pa.array(caller * 5 + rng.choice(5, size=n, p=FORMAT_WEIGHTS)))
    on_net = rng.random(n) < 0.35
    callee = np.where(on_net, rng.integers(subs, size=n), subs + rng.integers(externals, size=n))
    dst = t.numbers.take(pa.array(callee * 5 + rng.choice(5, size=n, p=FORMAT_WEIGHTS)))

    clid_style = rng.random(n)
    bracketed = _join(
        pc.if_else(pa.array(clid_style < 0.75), t.clid_names.take(pa.array(caller)), ""),
        "<", src, ">",
    )
    clid = pc.if_else(pa.array(clid_style < 0.9), bracketed, src)
    accounts = t.accounts.take(pa.array(caller))
    channel = _join("SIP/", accounts, "-", _hex8(rng.integers(2**32, size=n, dtype=np.uint32)))
    trunk = _pick(rng, TRUNKS, n)
    dstchannel = _join("SIP/", trunk, "-", _hex8(rng.integers(2**32, size=n, dtype=np.uint32)))

    app_idx = rng.choice(len(APPS), size=n, p=APP_WEIGHTS)
    dial = _join("SIP/", trunk, "/", t.dialled.take(pa.array(callee)), ",",
                 _pick(rng, ("30", "45", "60", "60,tT"), n))
    lastdata = pc.if_else(
        pa.array(app_idx == 0), dial,
        pc.if_else(pa.array(app_idx == 1), _pick(rng, QUEUE_DATA, n),
                   pc.if_else(pa.array(app_idx == 2), _pick(rng, VOICEMAIL_DATA, n), "")),
    )

    index = np.arange(first, first + n, dtype=np.int64)
    start = START_EPOCH + index * SPAN_SECONDS // max(rows, 1) + rng.integers(60, size=n)
    disp = rng.choice(len(DISPOSITIONS), size=n, p=DISPOSITION_WEIGHTS)
    answered = disp == 0
    ring = np.where(disp == 3, 0, rng.integers(1, 25, size=n))
    billsec = np.where(answered, rng.exponential(150.0, size=n).astype(np.int64) + 1, 0)
    duration = ring + billsec

    uri_scheme = pc.if_else(pa.array(rng.random(n) < 0.9), "sip:", "sips:")
    uri_number = t.uri_numbers.take(pa.array(caller * 2 + rng.integers(2, size=n)))
    host_kind = rng.random(n)
    uri_host = pc.if_else(
        pa.array(host_kind < 0.5), t.uri_hosts.take(pa.array(caller)),
        pc.if_else(pa.array(host_kind < 0.85), PBX_HOSTS[0], PBX_HOSTS[1]),
    )
    columns = [
        accounts, src, dst, _pick(rng, CONTEXTS, n), clid, channel, dstchannel,
        pa.array(APPS, pa.string()).take(pa.array(app_idx)), lastdata,
        _timestamps(start),
        pc.if_else(pa.array(answered), _timestamps(start + ring), ""),
        _timestamps(start + duration),
        pa.array(duration, pa.int64()), pa.array(billsec, pa.int64()),
        pa.array(DISPOSITIONS, pa.string()).take(pa.array(disp)),
        _pick(rng, AMAFLAGS, n, p=np.array([0.8, 0.2])),
        _join(pc.cast(pa.array(start), pa.string()), ".", pc.cast(pa.array(index), pa.string())),
        _pick(rng, USERFIELDS, n, p=USERFIELD_WEIGHTS),
        t.ips.take(pa.array(caller)),
        _join(uri_scheme, uri_number, "@", uri_host),
    ]
    return pa.RecordBatch.from_arrays(columns, schema=SCHEMA)


def cdr_batches(pop: Population, rows: int, seed: int) -> Iterator[pa.RecordBatch]:
    """Record batches of `BLOCK_ROWS` rows; each block has its own random stream."""
    tables = _tables(pop)
    for block, first, n in blocks(rows):
        yield _block(tables, numpy_stream(seed, "cdr", block), first, n, rows)
