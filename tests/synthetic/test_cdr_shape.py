"""CDR rows look like Asterisk cdr-csv output and repeat a realistic subscriber population."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from datetime import datetime

from detectors.validators import parse_phone, to_e164
from synthetic.cdr import COLUMNS

ACCOUNT = re.compile(r"\b(?:ACCT|AC|CUST)-?\d{6,10}\b")
CLID = re.compile(r'^(?:"(?P<name>[^"]+)" )?<(?P<number>[^>]+)>$')
CHANNEL = re.compile(r"^SIP/(?P<account>ACCT-\d{8})-[0-9a-f]{8}$")
DSTCHANNEL = re.compile(r"^SIP/[a-z0-9-]+-[0-9a-f]{8}$")
SIP_URI = re.compile(r"^sips?:(?P<number>\+?\d+)@(?P<host>\[[0-9a-f:]+\]|[\w.]+)$")
DIAL = re.compile(r"^SIP/[a-z0-9-]+/(?P<number>\d+),\d+(?:,tT)?$")
DOC_NETS = [ipaddress.ip_network(n) for n in
            ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
TIME = "%Y-%m-%d %H:%M:%S"


def test_header_is_asterisk_order(generated) -> None:
    """The header row holds the Asterisk columns plus src_ip and sip_uri, in order."""
    first = generated["cdr"].data_path.read_text(encoding="utf-8").splitlines()[0]
    assert first == ",".join(f'"{c}"' for c in COLUMNS)


def test_numbers_repeat_in_several_formats(rows, labels) -> None:
    """Distinct callers ≈ subscribers, far below rows; one number appears in several formats."""
    cdr = rows["cdr"]
    subscribers = labels["cdr"]["subscribers"]
    assert subscribers == len(cdr) // 20
    callers = {to_e164(r["src"]) for r in cdr}
    assert None not in callers
    assert 0.8 * subscribers <= len(callers) <= subscribers
    formats = Counter(to_e164(r["src"]) for r in {r["src"]: r for r in cdr}.values())
    assert max(formats.values()) >= 3
    assert len({r["accountcode"] for r in cdr}) == len(callers)


def test_every_number_is_valid(rows) -> None:
    """src, dst, the clid number, the dialled number and the SIP URI user all parse."""
    for row in rows["cdr"]:
        clid = CLID.match(row["clid"])
        clid_number = clid["number"] if clid else row["clid"]
        assert clid_number == row["src"]
        uri = SIP_URI.match(row["sip_uri"])
        assert uri is not None
        numbers = [row["src"], row["dst"], uri["number"]]
        if row["lastapp"] == "Dial":
            dial = DIAL.match(row["lastdata"])
            assert dial is not None
            numbers.append(dial["number"])
        assert all(parse_phone(n) is not None for n in numbers)


def test_identifiers_and_addresses(rows) -> None:
    """Account codes, channels, IPs and unique ids have the documented shapes."""
    cdr = rows["cdr"]
    for row in cdr:
        assert ACCOUNT.fullmatch(row["accountcode"])
        channel = CHANNEL.match(row["channel"])
        assert channel is not None and channel["account"] == row["accountcode"]
        assert DSTCHANNEL.match(row["dstchannel"])
        ip = ipaddress.ip_address(row["src_ip"])
        assert any(ip in net for net in DOC_NETS)
        assert row["disposition"] in {"ANSWERED", "NO ANSWER", "BUSY", "FAILED"}
        assert row["amaflags"] in {"DOCUMENTATION", "BILLING"}
    assert len({r["uniqueid"] for r in cdr}) == len(cdr)
    assert any(":" in r["src_ip"] for r in cdr) and any("." in r["src_ip"] for r in cdr)


def test_times_and_durations_agree(rows) -> None:
    """end - start = duration; billsec = end - answer when answered, else 0 with no answer."""
    for row in rows["cdr"]:
        start, end = datetime.strptime(row["start"], TIME), datetime.strptime(row["end"], TIME)
        duration, billsec = int(row["duration"]), int(row["billsec"])
        assert (end - start).total_seconds() == duration
        if row["disposition"] == "ANSWERED":
            answer = datetime.strptime(row["answer"], TIME)
            assert (end - answer).total_seconds() == billsec > 0
        else:
            assert row["answer"] == "" and billsec == 0


def test_cdr_labels(labels) -> None:
    """CDR labels name the personal columns and plant no spans."""
    cdr = labels["cdr"]
    assert cdr["columns"]["clid"] == ["PERSON", "PHONE_NUMBER"]
    assert cdr["columns"]["dstchannel"] == []
    assert cdr["free_text_columns"] == [] and cdr["spans"] == []
