"""Read CSV, Parquet and JSONL inputs as a stream of Arrow record batches, bounded in memory.

CSV and JSONL are cut into blocks of whole lines (quote-aware for CSV) that pyarrow parses one at
a time, so line numbers of malformed rows are known exactly: pyarrow's streaming CSV reader
reports `InvalidRow.number` as None. A block that fails to parse is bisected until each bad row
is isolated and quarantined; good rows around it are kept. Every CSV column is read as a string so
ids with leading zeros survive; Parquet keeps its types.

Whether line 1 of a CSV holds column names is decided once per dataset (`resolve_header`): line 1
reads as data when a cell reads as a value, and a headerless file gets positional or Asterisk names,
so values never become column names. Nested JSONL/Parquet values are flattened (`parent.child`
columns; lists and maps as JSON text) so detection and redaction see every leaf.
"""

from __future__ import annotations

import csv
import hashlib
import io
import ipaddress
import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from detectors.errors import SettingsError, UnreadableFileError, UnsupportedFormatError
from detectors.quarantine import Quarantine
from detectors.validators import parse_phone

FORMATS = ("csv", "parquet", "jsonl")
_EXTENSIONS = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}

# Asterisk cdr_csv (Master.csv) writes no header; order from cdr_csv.c build_csv_record(), with
# the `loguniqueid` and `loguserfield` columns that the Asterisk test-suite samples carry.
ASTERISK_CDR_CSV_COLUMNS: tuple[str, ...] = (
    "accountcode", "src", "dst", "dcontext", "clid", "channel", "dstchannel", "lastapp",
    "lastdata", "start", "answer", "end", "duration", "billsec", "disposition", "amaflags",
    "uniqueid", "userfield",
)
# With `newcdrcolumns=yes` in cdr.conf three more columns follow.
ASTERISK_CDR_CSV_NEW_COLUMNS: tuple[str, ...] = (
    *ASTERISK_CDR_CSV_COLUMNS, "peeraccount", "linkedid", "sequence",
)

_log = logging.getLogger(__name__)
_MIN_BLOCK = 1 << 16
_MAX_BLOCK = 1 << 25
_PARSE_BLOCK = 1 << 20  # pyarrow parses a line block in 1 MiB pieces (cache-sized), in this thread
_BYTES_PER_ROW_GUESS = 256
_QUOTE, _NEWLINE = ord('"'), ord("\n")
_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")


_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_DIGESTS_MAX = 4_096


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks so any size fits in memory.

    A run hashes each input several times (profile cache key, report checksum, delivery
    manifest): the digest is remembered per path, inode, size and modification time (ns), so an
    unchanged file is read once per process and a rewritten one is hashed again.
    """
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    digest = _DIGESTS.get(key)
    if digest is None:
        digest = _hash_file(Path(path), chunk_size)
        if len(_DIGESTS) >= _DIGESTS_MAX:
            _DIGESTS.clear()
        _DIGESTS[key] = digest
    return digest


def _hash_file(path: Path, chunk_size: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk_size):
            digest.update(block)
    return digest.hexdigest()


def detect_format(path: Path, fmt: str | None = None) -> tuple[str, str | None]:
    """The reader format (csv/parquet/jsonl) and stream compression for `path`."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    compression = _COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    if fmt is not None:
        if fmt not in FORMATS:
            raise UnsupportedFormatError(
                f"{path}: format {fmt!r} is not supported; expected one of {', '.join(FORMATS)}"
            )
        return fmt, compression
    found = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if found is None or (found == "parquet" and compression):
        known = ", ".join([*_EXTENSIONS, ".csv.gz", ".jsonl.gz"])
        raise UnsupportedFormatError(
            f"{path}: cannot tell the format from the file name; expected an extension among "
            f"{known}, or pass fmt= one of {', '.join(FORMATS)}"
        )
    return found, compression


def read_batches(
    path: Path,
    fmt: str | None = None,
    batch_size: int = 65_536,
    columns: Sequence[str] | None = None,
    quarantine: Quarantine | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Stream `path` as record batches of at most `batch_size` rows.

    Malformed rows go to `quarantine`; without one they are counted and logged as a warning
    (file name and count only), never parsed into the output. `header=False` reads a headerless
    CSV with `column_names` (e.g. `ASTERISK_CDR_CSV_COLUMNS`), or `col1..colN` without them;
    `resolve_header` decides both for a dataset. Nested JSONL/Parquet values come out flat:
    struct fields as `parent.child` columns, lists and maps as JSON text, and a Parquet binary
    column that holds only UTF-8 as strings; `columns` names flattened columns.
    """
    path = Path(path)
    kind, compression = detect_format(path, fmt)
    _check_file(path)
    if quarantine is None:
        own = Quarantine(keep=0)
        try:
            yield from read_batches(path, fmt, batch_size, columns, own, header, column_names)
        finally:
            if own.count:
                _log.warning(
                    "%s: %d malformed rows skipped; pass a Quarantine to keep them", path, own.count
                )
            own.close()
        return
    if kind == "parquet":
        yield from _read_parquet(path, batch_size, columns)
        return
    block = max(_MIN_BLOCK, min(_MAX_BLOCK, batch_size * _BYTES_PER_ROW_GUESS))
    if kind == "csv":
        tables = _read_csv(path, compression, block, columns, quarantine, header, column_names)
        shape: Callable[[pa.RecordBatch], pa.RecordBatch] = _unchanged
    else:
        tables = _read_jsonl(path, compression, block, columns, quarantine)
        shape = _Flattener(frozenset(), columns)
    schema: pa.Schema | None = None
    produced = False
    for table in tables:
        schema = table.schema
        if table.num_rows:
            produced = True
            for batch in table.combine_chunks().to_batches(max_chunksize=batch_size):
                yield shape(batch)
    if not produced and schema is not None:  # a header without rows: keep the columns
        yield shape(_empty_batch(schema))


def _unchanged(batch: pa.RecordBatch) -> pa.RecordBatch:
    return batch


def _empty_batch(schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise UnreadableFileError(f"{path}: file not found; expected an existing input file")
    if not path.is_file():
        raise UnreadableFileError(f"{path}: is not a regular file; expected an input file")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise UnreadableFileError(
            f"{path}: cannot be opened ({exc.strerror}); check its permissions"
        ) from None
    if size == 0:
        raise UnreadableFileError(f"{path}: file is empty; expected at least one row")


def parquet_batches(
    parquet: pq.ParquetFile, batch_size: int, columns: Sequence[str] | None = None
) -> Iterator[pa.RecordBatch]:
    """Batches of a Parquet file, one row group in memory at a time.

    `ParquetFile.iter_batches` keeps what it has read allocated until the generator ends
    (measured: 764 MiB of Arrow memory after a 10M-row, 209-row-group file, flat at 21 MiB row
    group by row group), so memory is bounded by the largest row group, not by the file.
    """
    for index in range(parquet.metadata.num_row_groups):
        group = parquet.read_row_group(index, columns=columns)
        yield from group.to_batches(max_chunksize=batch_size)
        del group


def _read_parquet(
    path: Path, batch_size: int, columns: Sequence[str] | None
) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        raise UnreadableFileError(
            f"{path}: is not a readable Parquet file; expected Parquet (magic bytes PAR1)"
        ) from None
    schema = parquet.schema_arrow
    flat = flat_columns(path, schema)
    _check_columns(path, list(flat), columns)
    if not _needs_flattening(schema):
        if parquet.metadata.num_rows == 0:
            yield _empty_batch(pa.schema([schema.field(c) for c in columns]) if columns else schema)
            return
        try:
            yield from parquet_batches(parquet, batch_size, columns)
        except (pa.ArrowException, OSError):
            raise _damaged(path) from None
        return
    # Read the top-level columns the wanted flat columns live in, then flatten and select.
    tops = list(dict.fromkeys(flat[c] for c in columns)) if columns else None
    try:
        shape = _Flattener(_utf8_binaries(parquet, tops), columns)
        if parquet.metadata.num_rows == 0:
            empty = pa.schema([schema.field(c) for c in tops]) if tops else schema
            yield shape(_empty_batch(empty))
            return
        for batch in parquet_batches(parquet, batch_size, tops):
            yield shape(batch)
    except (pa.ArrowException, OSError):
        raise _damaged(path) from None


def _damaged(path: Path) -> UnreadableFileError:
    return UnreadableFileError(
        f"{path}: a Parquet row group could not be decoded; the file is damaged"
    )


def _check_columns(path: Path, names: Sequence[str], wanted: Sequence[str] | None) -> None:
    missing = [c for c in wanted or () if c not in names]
    if missing:
        raise UnreadableFileError(
            f"{path}: has no column(s) {', '.join(missing)}; columns: {', '.join(names)}"
        )


# --- line blocks -------------------------------------------------------------------------------


def _blocks(
    path: Path, compression: str | None, block: int, quoted: bool
) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (first line number, bytes of whole lines, at end of file) blocks of `path`.

    With `quoted`, a block never ends inside a double-quoted CSV field (an even count of quotes),
    unless a stray quote would make the block grow past 4 blocks: then it is cut at a line end and
    the damaged record is isolated later.
    """
    line = 1
    pending = b""
    try:
        with pa.input_stream(str(path), compression=compression) as stream:
            while True:
                data = stream.read(block)
                if not data:
                    if pending:
                        yield line, pending, True
                    return
                if pending:
                    data = pending + data
                cut = data.rfind(b"\n") + 1
                if quoted and cut:
                    cut = _even_quote_cut(data, cut, force=len(data) > 4 * block)
                if not cut:
                    pending = data
                    continue
                # One copy of the block's whole lines (a bytes slice); the short tail waits.
                out, pending = (data, b"") if cut == len(data) else (data[:cut], data[cut:])
                yield line, out, False
                line += _count(out, _NEWLINE)
    except (pa.ArrowException, OSError, EOFError):
        raise UnreadableFileError(
            f"{path}: could not be read or decompressed after line {line}; "
            f"expected {'a ' + compression + '-compressed' if compression else 'a'} text file"
        ) from None


def _count(data: bytes, byte: int, start: int = 0, end: int | None = None) -> int:
    """Occurrences of one byte value, vectorised (bytes.count is several times slower)."""
    view = np.frombuffer(data, dtype=np.uint8)[start:end]
    return int(np.count_nonzero(view == byte))


def _even_quote_cut(data: bytes, cut: int, force: bool) -> int:
    """Move `cut` back to a line end where the quote count is even; 0 when there is none."""
    quotes = _count(data, _QUOTE, 0, cut)
    while cut and quotes % 2:
        prev = data.rfind(b"\n", 0, cut - 1) + 1
        quotes -= data.count(b'"', prev, cut)
        cut = prev
    if not cut and force:
        return data.rfind(b"\n") + 1
    return cut


def _split_records(data: bytes, quoted: bool) -> list[tuple[int, bytes]]:
    """Split a block into (line offset, record bytes); quoted newlines stay inside a record."""
    records: list[tuple[int, bytes]] = []
    start_line, current, quotes = 0, b"", 0
    for offset, raw in enumerate(data.splitlines(keepends=True)):
        if not current:
            start_line = offset
        current += raw
        quotes += raw.count(b'"') if quoted else 0
        if quotes % 2 == 0:
            records.append((start_line, current))
            current, quotes = b"", 0
    if current:
        records.append((start_line, current))
    return records


class _Block:
    """Parse one block; on failure bisect its records until every bad one is quarantined."""

    def __init__(
        self,
        path: Path,
        quarantine: Quarantine,
        parse: Callable[[bytes, list[tuple[int, str, bytes]]], pa.Table],
        reason: Callable[[str], str],
        quoted: bool,
    ) -> None:
        self.path, self.quarantine, self.parse, self.reason = path, quarantine, parse, reason
        self.quoted = quoted

    def read(self, first_line: int, data: bytes) -> list[pa.Table]:
        try:
            return [self._parse_committed(first_line, data)]
        except pa.ArrowInvalid:
            records = _split_records(data, self.quoted)
            return self._bisect(first_line, records)

    def _parse_committed(self, first_line: int, data: bytes) -> pa.Table:
        skipped: list[tuple[int, str, bytes]] = []
        table = self.parse(data, skipped)
        for line_offset, why, raw in skipped:  # only once the whole block parsed
            self.quarantine.add(str(self.path), first_line + line_offset, why, raw)
        return table

    def _bisect(self, first_line: int, records: list[tuple[int, bytes]]) -> list[pa.Table]:
        data = b"".join(r for _, r in records)
        base = records[0][0]
        try:
            return [self._parse_committed(first_line + base, data)]
        except pa.ArrowInvalid as exc:
            if len(records) == 1:
                self.quarantine.add(str(self.path), first_line + base, self.reason(str(exc)), data)
                return []
        half = len(records) // 2
        return self._bisect(first_line, records[:half]) + self._bisect(first_line, records[half:])


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(
    path: Path,
    compression: str | None,
    block: int,
    columns: Sequence[str] | None,
    quarantine: Quarantine,
    header: bool,
    column_names: Sequence[str] | None,
) -> Iterator[pa.Table]:
    blocks = _blocks(path, compression, block, quoted=True)
    names = list(column_names) if column_names else None
    reader: _Block | None = None
    for first_line, data, at_end in blocks:
        if data.startswith(b"\xef\xbb\xbf") and first_line == 1:
            data = data[3:]
        if header and first_line == 1:
            head, data = _take_header(path, data)
            names = names or head
            first_line += 1
        if names is None:
            names = [f"col{i + 1}" for i in range(_field_count(path, data))]
        if reader is None:
            _check_names(path, names)
            _check_columns(path, names, columns)
            reader = _Block(
                path, quarantine, _csv_parser(names, columns), _csv_reason, quoted=True
            )
        if at_end and _count(data, _QUOTE) % 2:
            data = _drop_unterminated(path, first_line, data, quarantine)
        if data and not data.isspace():
            yield from reader.read(first_line, data)
    if reader is not None:  # marks the schema even when every row was bad or there were none
        yield pa.table({c: pa.array([], pa.string()) for c in (columns or names or ())})
    if reader is None:
        raise UnreadableFileError(f"{path}: has no header row; expected a CSV header line")


def _take_header(path: Path, data: bytes) -> tuple[list[str], bytes]:
    end = data.find(b"\n") + 1 or len(data)
    try:
        text = data[:end].decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFileError(
            f"{path}: line 1 (header) is not UTF-8 text; expected a UTF-8 CSV header"
        ) from None
    row = next(csv.reader([text.rstrip("\r\n")]), [])
    if not any(name.strip() for name in row):
        raise UnreadableFileError(
            f"{path}: line 1 (header) is blank; expected column names, or pass header=False"
        )
    return [name.strip() for name in row], data[end:]


def _field_count(path: Path, data: bytes) -> int:
    first = _split_records(data[: 1 << 20], quoted=True)
    try:
        text = first[0][1].decode("utf-8") if first else ""
    except UnicodeDecodeError:
        text = first[0][1].decode("latin-1")
    count = len(next(csv.reader([text.rstrip("\r\n")]), []))
    if not count:
        raise UnreadableFileError(f"{path}: line 1 is blank; expected a CSV row")
    return count


def _check_names(path: Path, names: Sequence[str]) -> None:
    # Positions, not names: when line 1 was data after all, a name is a value.
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise UnreadableFileError(
                f"{path}: columns {seen[name]} and {position} of line 1 (header) have the same "
                "name; expected unique column names, or read line 1 as data with header=False"
            )
        seen[name] = position


def _drop_unterminated(path: Path, first_line: int, data: bytes, quarantine: Quarantine) -> bytes:
    """Quarantine the last record of a file when its quoted field never closes."""
    records = _split_records(data, quoted=True)
    offset, raw = records[-1]
    quarantine.add(str(path), first_line + offset, "quoted field not closed at end of file", raw)
    return b"".join(r for _, r in records[:-1])


def _csv_parser(
    names: Sequence[str], columns: Sequence[str] | None
) -> Callable[[bytes, list[tuple[int, str, bytes]]], pa.Table]:
    read = pacsv.ReadOptions(column_names=list(names), use_threads=False)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        include_columns=list(columns) if columns else None,
    )

    def parse(data: bytes, skipped: list[tuple[int, str, bytes]]) -> pa.Table:
        taken: set[int] = set()

        def on_invalid(row: pacsv.InvalidRow) -> str:
            # pyarrow gives no row number here; the row's own text, found at a line start not
            # yet claimed (identical bad rows are interchangeable), gives its exact line.
            raw = row.text.encode("utf-8", "surrogateescape")
            pos = _line_start(data, raw, taken)
            taken.add(pos)
            why = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            skipped.append((data.count(b"\n", 0, pos), why, raw))
            return "skip"

        parse_options = pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=on_invalid)
        opts = pacsv.ReadOptions(
            column_names=read.column_names, use_threads=False, block_size=_PARSE_BLOCK
        )
        table = pacsv.read_csv(
            pa.py_buffer(data), read_options=opts, parse_options=parse_options,
            convert_options=convert,
        )
        skipped.sort()
        return table

    return parse


def _line_start(data: bytes, raw: bytes, taken: set[int]) -> int:
    """Offset of the first unclaimed occurrence of `raw` that starts and ends a line."""
    pos = data.find(raw)
    while pos >= 0:
        end = pos + len(raw)
        starts = pos == 0 or data[pos - 1 : pos] == b"\n"
        ends = end == len(data) or data[end : end + 1] in (b"\n", b"\r")
        if starts and ends and pos not in taken:
            return pos
        pos = data.find(raw, pos + 1)
    return 0  # not found (text pyarrow altered): the block's first line


def _csv_reason(message: str) -> str:
    if "UTF8" in message or "utf8" in message.lower():
        return "undecodable bytes: expected UTF-8 text"
    counts = _FIELD_COUNT.search(message)
    if counts:
        return f"expected {counts.group(1)} fields, found {counts.group(2)}"
    return "unparseable CSV record"


# --- JSONL -------------------------------------------------------------------------------------


def _read_jsonl(
    path: Path,
    compression: str | None,
    block: int,
    columns: Sequence[str] | None,
    quarantine: Quarantine,
) -> Iterator[pa.Table]:
    """JSON Lines, one object per line. The schema is inferred from the first block that parses
    (all-null fields become strings); later lines whose types differ are quarantined.
    """
    schema: pa.Schema | None = None
    reader: _Block | None = None
    for first_line, data, _ in _blocks(path, compression, block, quoted=False):
        if not data or data.isspace():
            continue
        if reader is None:
            schema = _infer_schema(data)
            if schema is None:
                _Block(path, quarantine, _json_parser(None), _json_reason, False).read(
                    first_line, data
                )
                continue
            _check_columns(path, list(flat_columns(path, schema)), columns)
            reader = _Block(path, quarantine, _json_parser(schema), _json_reason, quoted=False)
        yield from reader.read(first_line, data)  # flattened and selected by `read_batches`
    if schema is None and quarantine.count_for(str(path)) == 0:
        raise UnreadableFileError(f"{path}: has no JSON lines; expected one JSON object per line")


def _widen_nulls(schema: pa.Schema) -> pa.Schema:
    return pa.schema([f.with_type(_widen_type(f.type)) for f in schema])


def _widen_type(kind: pa.DataType) -> pa.DataType:
    """Null becomes string, inside structs and lists too: a field null in every early line may
    hold text later, and a null type would quarantine those lines."""
    if pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_struct(kind):
        return pa.struct([f.with_type(_widen_type(f.type)) for f in kind])
    if pa.types.is_list(kind):
        return pa.list_(kind.value_field.with_type(_widen_type(kind.value_type)))
    return kind


def _infer_schema(data: bytes) -> pa.Schema | None:
    """The schema of a block, or of its first line that parses alone; None when none does."""
    parse = _json_parser(None)
    try:
        return _widen_nulls(parse(data, []).schema)
    except pa.ArrowInvalid:
        pass
    for line in data.splitlines()[:1000]:
        try:
            table = parse(line, [])
        except pa.ArrowInvalid:
            continue
        if table.num_columns:
            return _widen_nulls(table.schema)
    return None


def _json_parser(
    schema: pa.Schema | None,
) -> Callable[[bytes, list[tuple[int, str, bytes]]], pa.Table]:
    options = (
        pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        if schema is not None
        else pajson.ParseOptions()
    )

    def parse(data: bytes, skipped: list[tuple[int, str, bytes]]) -> pa.Table:
        read = pajson.ReadOptions(use_threads=False, block_size=max(len(data) + 1, 1 << 16))
        return pajson.read_json(pa.py_buffer(data), read_options=read, parse_options=options)

    return parse


def _json_reason(message: str) -> str:
    if "changed from object" in message or "array" in message.split(" in row")[0][-40:]:
        return "expected a JSON object per line"
    if "changed from" in message or "conversion" in message.lower():
        return "value type differs from the type of this field in earlier lines"
    if "UTF8" in message or "utf-8" in message.lower():
        return "undecodable bytes: expected UTF-8 text"
    return "invalid JSON"


# --- header detection --------------------------------------------------------------------------

HeaderOption = bool | Literal["auto"]
_SNIFF_BYTES = 1 << 16
_SNIFF_ROWS = 50
_MAX_NAME_LENGTH = 64
_MAX_NAME_WORDS = 5
# What a cell of line 1 reads as, checked in order; the first match names it in the warning.
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_CALLER_ID = re.compile(r"<[^<>]*>\s*")  # `"Jane Roe" <5145550123>`, at the end of the cell
_DATE_TIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}(:\d{2})?(\D|$)|\d{8}[-T ]\d{4,6}"
)
_NUMBER = re.compile(
    r"[(+-]?[$€£¥]?\s?(\d[\d,' ]*)?\.?\d+([eE][+-]?\d+)?\s?(%|ms|s|sec|m|min|h)?\)?", re.IGNORECASE
)
_DIGIT_RUN = re.compile(r"\d{6,}")
_HEX_ID = re.compile(
    r"(?=[^\d]*\d)[0-9A-Fa-f]{16,}|[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}"
)
_NAME = re.compile(r"[#:]?[^\W\d][\w .\-/()\[\]#:&%?+]*")


@dataclass(frozen=True)
class HeaderGuess:
    """What line 1 of a CSV looks like: column names or a data record.

    Holds positions and what a cell reads as, never the cells themselves.
    """

    has_header: bool
    column_count: int
    data_cells: tuple[tuple[int, str], ...] = ()  # (1-based column, e.g. "phone number")
    name_cells: int = 0

    def describe(self) -> str:
        """Why line 1 reads as data, by column position (for warnings: no values)."""
        if self.has_header:
            return "line 1 reads as column names"
        if not self.data_cells:
            return (
                f"{self.name_cells} of {self.column_count} cells read as column names, "
                "fewer than half"
            )
        shown = ", ".join(f"column {col}: {what}" for col, what in self.data_cells[:4])
        more = len(self.data_cells) - 4
        return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class HeaderDecision:
    """How a dataset's CSV files are read, decided once (`resolve_header`) and carried along.

    Fields match `read_batches`' keywords: `header` says whether line 1 holds names;
    `column_names` names the columns of a headerless file.
    """

    header: bool = True
    column_names: tuple[str, ...] | None = None


def sniff_header(path: Path, fmt: str | None = None) -> HeaderGuess:
    """Decide whether line 1 of a CSV holds column names or a data record.

    Line 1 is a header when at least half of its cells read as names (short identifier-like
    words such as `src`, `Caller ID`, `call_start`) and none reads as a value: a phone number,
    e-mail, date/time, number, IP address, caller id (`"Jane" <5145550100>`), long digit run or
    hex id, an empty cell, undecodable bytes, or a value that recurs in its column further down.
    Anything else reads as data: for privacy, a value must never become a column name.
    """
    path = Path(path)
    kind, compression = detect_format(path, fmt)
    if kind != "csv":
        raise UnsupportedFormatError(
            f"{path}: header detection applies to CSV files; {kind} files name their columns"
        )
    _check_file(path)
    rows, decodable = _head_rows(path, compression)
    first = rows[0] if rows else []
    if not any(cell.strip() for cell in first):  # blank line 1: the reader says so
        return HeaderGuess(True, len(first))
    below = [row for row in rows[1:] if row != first]  # a repeated header is not a value
    data_cells: list[tuple[int, str]] = []
    names = 0
    for index, cell in enumerate(first):
        what = _value_kind(cell) if decodable else "undecodable bytes"
        if what is None and any(len(row) > index and row[index] == cell for row in below):
            what = "a value repeated further down its column"
        if what is not None:
            data_cells.append((index + 1, what))
        elif _is_name(cell):
            names += 1
    has_header = not data_cells and 2 * names >= len(first)
    return HeaderGuess(has_header, len(first), tuple(data_cells), names)


def resolve_header(
    paths: Sequence[Path],
    fmt: str | None = None,
    header: HeaderOption = "auto",
    kind: str | None = None,
) -> HeaderDecision:
    """Decide once for a dataset's files how line 1 of each CSV is read.

    `header=True` reads line 1 as names, `False` as data, `"auto"` decides with `sniff_header`.
    A headerless file gets Asterisk cdr_csv names when `kind` is `cdr` and the width fits
    (`ASTERISK_CDR_CSV_COLUMNS`, 18 columns; `ASTERISK_CDR_CSV_NEW_COLUMNS`, 21), else
    `col1..colN`; deciding so is logged as a warning naming the file and the column count.
    Files that disagree (a header in one, none in another, or headerless files of different
    widths) raise `UnreadableFileError`. Parquet and JSONL name their columns: always a header.
    """
    if header not in (True, False, "auto") or not isinstance(header, bool | str):
        raise SettingsError(f"header={header!r} is not supported; expected True, False or 'auto'")
    csv_paths = [Path(p) for p in paths if detect_format(Path(p), fmt)[0] == "csv"]
    if header is True or not csv_paths:
        return HeaderDecision()
    guesses = [(p, sniff_header(p, fmt)) for p in csv_paths]
    if header == "auto":
        headed = [p for p, guess in guesses if guess.has_header]
        if len(headed) == len(guesses):
            return HeaderDecision()
        if headed:
            bare = next(p for p, guess in guesses if not guess.has_header)
            raise UnreadableFileError(
                f"{headed[0]}: has a header row but {bare} has none (its line 1 reads as data); "
                "expected the files of one dataset to agree: set header: true or false on the "
                "dataset, or split it"
            )
    first_path, first = guesses[0]
    for path, guess in guesses[1:]:
        if guess.column_count != first.column_count:
            raise UnreadableFileError(
                f"{path}: line 1 has {guess.column_count} fields but {first_path} has "
                f"{first.column_count}; expected the headerless files of one dataset to have "
                "the same columns"
            )
    if not first.column_count:
        return HeaderDecision(header=False)  # blank line 1: the reader says so
    names = headerless_names(first.column_count, kind)
    if header == "auto":
        label = "col1..colN" if names[0] == "col1" else "as Asterisk cdr_csv writes them"
        for path, guess in guesses:
            _log.warning(
                "%s: line 1 reads as data, not column names (%s); reading it as a headerless "
                "CSV of %d columns named %s; set header: true on the dataset if it is a header",
                path, guess.describe(), guess.column_count, label,
            )  # fmt: skip
    return HeaderDecision(header=False, column_names=names)


def headerless_names(count: int, kind: str | None = None) -> tuple[str, ...]:
    """Column names for a headerless CSV of `count` columns (see `resolve_header`)."""
    if kind == "cdr":
        for names in (ASTERISK_CDR_CSV_COLUMNS, ASTERISK_CDR_CSV_NEW_COLUMNS):
            if len(names) == count:
                return names
    return tuple(f"col{i}" for i in range(1, count + 1))


def _head_rows(path: Path, compression: str | None) -> tuple[list[list[str]], bool]:
    """The first records of a CSV as cells, and whether line 1 is UTF-8."""
    try:
        with pa.input_stream(str(path), compression=compression) as stream:
            data = stream.read(_SNIFF_BYTES)
    except (pa.ArrowException, OSError, EOFError):
        raise UnreadableFileError(
            f"{path}: could not be read or decompressed at line 1; expected "
            f"{'a ' + compression + '-compressed' if compression else 'a'} text file"
        ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    records = _split_records(data, quoted=True)
    if len(data) == _SNIFF_BYTES and len(records) > 1:
        records = records[:-1]  # the last record may be cut short
    rows: list[list[str]] = []
    decodable = True
    for number, (_, raw) in enumerate(records[:_SNIFF_ROWS]):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            decodable = decodable and number > 0  # only line 1 matters: names are UTF-8
            text = raw.decode("utf-8", "replace")
        rows.append(next(csv.reader(io.StringIO(text.rstrip("\r\n"))), []))
    return rows, decodable


def _value_kind(cell: str) -> str | None:
    """What a cell reads as when it is a value rather than a name; None when it is not one."""
    text = cell.strip()
    if not text:
        return "empty"
    if _EMAIL.search(text):
        return "e-mail address"
    if _CALLER_ID.search(text) and text.endswith(">"):
        return "caller id"
    if _DATE_TIME.search(text):
        return "date/time"
    if _is_ip(text):
        return "IP address"
    if sum(ch.isdigit() for ch in text) >= 3 and parse_phone(text) is not None:
        return "phone number"
    if _NUMBER.fullmatch(text):
        return "number"
    if _DIGIT_RUN.search(text):
        return "digit run"
    if _HEX_ID.fullmatch(text):
        return "identifier"
    return None


def _is_ip(text: str) -> bool:
    if not any(ch in text for ch in ".:"):
        return False
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_name(cell: str) -> bool:
    text = cell.strip()
    return (
        len(text) <= _MAX_NAME_LENGTH
        and len(text.split()) <= _MAX_NAME_WORDS
        and _NAME.fullmatch(text) is not None
    )


# --- nested values -----------------------------------------------------------------------------


def flat_columns(path: Path, schema: pa.Schema) -> dict[str, str]:
    """Each column `read_batches` yields for `schema`, mapped to the top-level field it is in.

    Struct fields flatten to `parent.child` (recursively). Two paths flattening to one name
    (a top-level `contact.name` and `name` nested in `contact`) raise `UnreadableFileError`:
    column names are schema, not data, for the formats that nest, so the message names them.
    """
    flat: dict[str, str] = {}
    origin: dict[str, tuple[str, ...]] = {}

    def visit(name: str, kind: pa.DataType, parts: tuple[str, ...]) -> None:
        if pa.types.is_struct(kind) and kind.num_fields:
            for child in kind:
                visit(f"{name}.{child.name}", child.type, (*parts, child.name))
            return
        if name in origin:
            raise UnreadableFileError(
                f"{path}: column {name!r} would come from both {_field_path(origin[name])} and "
                f"{_field_path(parts)} once nested fields are flattened; expected unique column "
                "paths: rename one of the fields"
            )
        origin[name] = parts
        flat[name] = parts[0]

    for field in schema:
        visit(field.name, field.type, (field.name,))
    return flat


def _field_path(parts: tuple[str, ...]) -> str:
    if len(parts) == 1:
        return f"the top-level field {parts[0]!r}"
    return "the nested field " + " > ".join(repr(p) for p in parts)


def _is_nested(kind: pa.DataType) -> bool:
    return (
        pa.types.is_struct(kind)
        or pa.types.is_map(kind)
        or pa.types.is_list(kind)
        or pa.types.is_large_list(kind)
        or pa.types.is_fixed_size_list(kind)
        or pa.types.is_list_view(kind)
        or pa.types.is_large_list_view(kind)
    )


def _is_binary(kind: pa.DataType) -> bool:
    return pa.types.is_binary(kind) or pa.types.is_large_binary(kind)


def _needs_flattening(schema: pa.Schema) -> bool:
    return any(_is_nested(f.type) or _is_binary(f.type) for f in schema)


def _leaves(batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Array]]:
    """(flat name, array) of every column, struct fields flattened (their parent's nulls kept)."""

    def visit(name: str, array: pa.Array) -> Iterator[tuple[str, pa.Array]]:
        kind = array.type
        if pa.types.is_struct(kind) and kind.num_fields:
            for field, child in zip(kind, array.flatten(), strict=True):
                yield from visit(f"{name}.{field.name}", child)
        else:
            yield name, array

    for name, array in zip(batch.schema.names, batch.columns, strict=True):
        yield from visit(name, array)


def _utf8_binaries(parquet: pq.ParquetFile, tops: Sequence[str] | None) -> frozenset[str]:
    """Flat names of the binary columns whose every non-null cell is UTF-8 text.

    Decided over the whole file (one row group at a time, binary columns only) so every batch
    gets the same schema; `pc.cast` to string validates UTF-8.
    """
    schema = parquet.schema_arrow
    wanted = [f for f in schema if tops is None or f.name in tops]
    binary_tops = [f.name for f in wanted if _has_binary(f.type)]
    if not binary_tops:
        return frozenset()
    text: set[str] | None = None
    for batch in parquet_batches(parquet, 65_536, binary_tops):
        leaves = [(n, a) for n, a in _leaves(batch) if _is_binary(a.type)]
        if text is None:
            text = {n for n, _ in leaves}
        for name, array in leaves:
            if name in text and not _castable_to_text(array):
                text.discard(name)
        if not text:
            break
    if text is None:  # no rows: nothing contradicts text
        empty = _empty_batch(pa.schema([schema.field(n) for n in binary_tops]))
        text = {n for n, a in _leaves(empty) if _is_binary(a.type)}
    return frozenset(text)


def _has_binary(kind: pa.DataType) -> bool:
    if pa.types.is_struct(kind):
        return any(_has_binary(f.type) for f in kind)
    return _is_binary(kind)


def _castable_to_text(array: pa.Array) -> bool:
    try:
        pc.cast(array, _text_type(array.type))
    except pa.ArrowInvalid:
        return False
    return True


def _text_type(kind: pa.DataType) -> pa.DataType:
    return pa.large_string() if pa.types.is_large_binary(kind) else pa.string()


class _Flattener:
    """Flatten a batch's nested values and pick `columns` (flat names) from it."""

    def __init__(self, utf8_binaries: frozenset[str], columns: Sequence[str] | None) -> None:
        self.utf8_binaries, self.columns = utf8_binaries, columns

    def __call__(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        if _needs_flattening(batch.schema):
            names, arrays = [], []
            for name, array in _leaves(batch):
                if _is_nested(array.type):
                    array = _json_text(array)
                elif name in self.utf8_binaries:
                    array = pc.cast(array, _text_type(array.type))
                names.append(name)
                arrays.append(array)
            batch = pa.RecordBatch.from_arrays(arrays, names=names)
        return batch.select(list(self.columns)) if self.columns else batch


def _json_text(array: pa.Array) -> pa.Array:
    """A list, map or empty struct column as the JSON text of each value (null stays null)."""
    kind = array.type
    texts = [
        None if value is None
        else json.dumps(_jsonable(value, kind), ensure_ascii=False, default=str)
        for value in array.to_pylist()
    ]  # fmt: skip
    return pa.array(texts, pa.string())


def _jsonable(value: Any, kind: pa.DataType) -> Any:
    """A Python value from `to_pylist` as JSON-ready data: maps as objects with sorted keys."""
    if value is None:
        return None
    if pa.types.is_map(kind):
        pairs = sorted(((str(k), v) for k, v in value), key=lambda pair: pair[0])
        return {k: _jsonable(v, kind.item_type) for k, v in pairs}
    if _is_nested(kind) and not pa.types.is_struct(kind):
        return [_jsonable(item, kind.value_type) for item in value]
    if pa.types.is_struct(kind):
        return {f.name: _jsonable(value.get(f.name), f.type) for f in kind}
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return value
