"""A voip.ms-style CDR export, derived column-wise from the generated Asterisk CDR.

voip.ms's getCDR returns `date, callerid, destination, description, account, disposition,
duration, rate, total, uniqueid` (../shared/realdata/cdr/FORMATS.md); a provider's export adds
the peer IP the call came from and the SIP route it left by. Same calls, same subscribers, so
the two layouts are measured on the same data. Synthetic values only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

_DESCRIPTIONS = ("Canada - Quebec", "Canada - Ontario", "USA - New York", "Inbound DID",
                 "Voicemail", "Canada - British Columbia")  # fmt: skip
_RATES = ("0.0100", "0.0085", "0.0125", "0.0000")


def voipms_from_asterisk(asterisk_csv: Path, target: Path, batch_rows: int = 262_144) -> Path:
    """Write `target` (CSV) from the Asterisk CDR at `asterisk_csv`, batch by batch."""
    read = pacsv.ReadOptions(block_size=64 << 20)
    with asterisk_csv.open("r", encoding="utf-8") as handle:
        names = pacsv.read_csv(pa.py_buffer(handle.readline().encode())).column_names
    types = {name: pa.int64() if name == "billsec" else pa.string() for name in names}
    convert = pacsv.ConvertOptions(column_types=types, strings_can_be_null=False)
    temp = target.with_name(f".{target.name}.tmp")
    writer = None
    try:
        for batch in pacsv.open_csv(asterisk_csv, read_options=read, convert_options=convert):
            table = _convert(batch)
            if writer is None:
                writer = pacsv.CSVWriter(temp, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    temp.replace(target)
    return target


def _convert(batch: pa.RecordBatch) -> pa.Table:
    n = batch.num_rows
    seconds = batch.column("billsec").to_numpy(zero_copy_only=False)
    index = np.arange(n)
    rate_index = (seconds + index) % len(_RATES)
    rates = np.array(_RATES)[rate_index]
    totals = np.char.mod("%.4f", rates.astype(float) * seconds / 60.0)
    digits = pc.replace_substring_regex(batch.column("accountcode"), r"[^0-9]", "")
    account = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(digits, 0, 6), pc.utf8_slice_codeunits(digits, 7, 8), "_"
    )
    destination = pc.replace_substring_regex(batch.column("dst"), r"[^0-9+]", "")
    route = pc.binary_join_element_wise("sip:", destination, "@gw1.example.net", "")
    return pa.table({
        "date": batch.column("start"),
        "callerid": batch.column("clid"),
        "destination": batch.column("dst"),
        "description": pa.array(np.array(_DESCRIPTIONS)[(seconds + 3 * index) % 6]),
        "account": account,
        "disposition": batch.column("disposition"),
        "duration": pc.cast(batch.column("billsec"), pa.string()),
        "rate": pa.array(rates),
        "total": pa.array(totals),
        "uniqueid": batch.column("uniqueid"),
        "peer_ip": batch.column("src_ip"),
        "sip_route": route,
    })  # fmt: skip
