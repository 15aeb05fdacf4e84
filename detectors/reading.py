"""Read CSV, Parquet and JSONL inputs as a stream of Arrow record batches, bounded in memory.

CSV and JSONL are cut into blocks of whole lines (quote-aware for CSV) that pyarrow parses one at
a time, so line numbers of malformed rows are known exactly: pyarrow's streaming CSV reader
reports `InvalidRow.number` as None. A block that fails to parse is bisected until each bad row
is isolated and quarantined; good rows around it are kept. Every CSV column is read as a string so
ids with leading zeros survive; Parquet keeps its types.

Every physical record is accounted for: the reader counts the records of each block itself
(`Quarantine.records`) and checks that pyarrow read each one as a row or set it aside, so rows
read + rows quarantined = records. A block whose quotes all sit where CSV puts them is counted
vectorised; any other block is split record by record the way pyarrow parses CSV, and a quoted
field that spans lines and does not close properly (before a comma or line end, within
`MAX_QUOTED_LINES` lines, before the end of the file) costs only its opening line, quarantined as
`unterminated_quote`; reading resumes at the next line.

Encodings: `encoding=` forces one; without it a BOM says UTF-8, UTF-16 or UTF-32, and a file that
is not UTF-8 is read as cp1252 (a note in the quarantine says so; a file that mixes UTF-8 text
with other bytes keeps UTF-8 and quarantines the records that are not). Bytes are transcoded to
UTF-8 chunk by chunk as they stream in. A JSONL field whose type changes within the file, or that
holds an integer beyond int64, is read as string in every batch: the schema of a JSONL file is
decided over the whole file first (`_jsonl_layout`, remembered per file version).

Whether line 1 of a CSV holds column names is decided once per dataset (`resolve_header`): line 1
reads as data when a cell reads as a value, and a headerless file gets positional or Asterisk names,
so values never become column names. Nested JSONL/Parquet values are flattened (`parent.child`
columns; lists and maps as JSON text) so detection and redaction see every leaf.
"""

from __future__ import annotations

import codecs
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
from typing import Any, Literal, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from detectors.declared_types import DeclaredTypes
from detectors.errors import SettingsError, UnreadableFileError, UnsupportedFormatError
from detectors.quarantine import Quarantine, QuarantineClass
from detectors.validators import parse_phone
from storage import Location, ObjectPath, as_location, file_state, open_random_access, open_stream

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
_BLOCK_LINES = 15  # sixteenths of a batch a CSV block aims at: lines vary, batches must not
_QUOTE, _NEWLINE, _COMMA, _CR = ord('"'), ord("\n"), ord(","), ord("\r")
_SLICE = 1 << 22  # vectorised record counting works on 4 MiB slices of a block
MAX_QUOTED_LINES = 1_000  # a quoted field open longer than this is taken as never closed
# Where CSV puts quotes: an opening one after a comma, a line end or a quote (`""`); a closing
# one before a comma, a line end or a quote. Indexed by byte value.
_OPENS_AFTER = np.isin(np.arange(256), [_COMMA, _NEWLINE, _QUOTE])
# One whole CSV record on one line, every quote where CSV puts it (possessive: no backtracking).
_CSV_FIELD = rb'(?:"[^"]*+(?:""[^"]*+)*+"|[^",\r]*+)'
_CSV_LINE = re.compile(_CSV_FIELD + rb"(?:," + _CSV_FIELD + rb")*+\r?")
_CLOSES_BEFORE = np.isin(np.arange(256), [_COMMA, _NEWLINE, _CR, _QUOTE])
_FIELD_COUNT = re.compile(r"Expected (\d+) columns, got (\d+)")
_NOT_LINE_END = re.compile(rb"[^\r\n]")


_DIGESTS: dict[tuple[str, int, int, int | str], str] = {}
_DIGESTS_MAX = 4_096


def file_sha256(path: Location | str, chunk_size: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in chunks so any size fits in memory.

    A run hashes each input several times (profile cache key, report checksum, delivery
    manifest): the digest is remembered per path, inode, size and modification time (ns), so an
    unchanged file is read once per process and a rewritten one is hashed again.

    An object (`s3://…`) is not read for this: its digest is the SHA-256 of its ETag, version id
    and size (`storage.FileState.version`), the store's own identity of its bytes, which changes
    whenever they do; reading a large object again only to hash it would double its transfer.
    """
    location = as_location(path)
    if isinstance(location, ObjectPath):
        state = file_state(location)
        return hashlib.sha256(f"{state.version}|{state.size}".encode()).hexdigest()
    stat = location.stat()
    key = (str(location.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    digest = _DIGESTS.get(key)
    if digest is None:
        digest = _hash_file(location, chunk_size)
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


def detect_format(path: Location | str, fmt: str | None = None) -> tuple[str, str | None]:
    """The reader format (csv/parquet/jsonl) and stream compression for `path`."""
    suffixes = [s.lower() for s in as_location(path).suffixes]
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
    path: Location | str,
    fmt: str | None = None,
    batch_size: int = 65_536,
    columns: Sequence[str] | None = None,
    quarantine: Quarantine | None = None,
    header: bool = True,
    column_names: Sequence[str] | None = None,
    encoding: str | None = None,
    declared: DeclaredTypes | None = None,
) -> Iterator[pa.RecordBatch]:
    """Stream `path` as record batches of at most `batch_size` rows.

    Malformed rows go to `quarantine`; without one they are counted and logged as a warning
    (file name and count only), never parsed into the output. `quarantine` also counts the
    physical records met and keeps the reader's notes. `header=False` reads a headerless
    CSV with `column_names` (e.g. `ASTERISK_CDR_CSV_COLUMNS`), or `col1..colN` without them;
    `resolve_header` decides both for a dataset. `encoding` (a Python codec name) forces how CSV
    and JSONL bytes are decoded; without it they are detected (module docstring). Nested
    JSONL/Parquet values come out flat: struct fields as `parent.child` columns, lists and maps
    as JSON text, and a Parquet binary column that holds only UTF-8 as strings; `columns` names
    flattened columns. `path` is a local path or an object (`storage.ObjectPath`, e.g.
    `s3://raw/cdr/a.csv`), streamed through the same readers (`storage.open_stream`).
    `declared` (the dataset's `schema:`) converts its columns; a record holding a value that
    does not fit goes to `quarantine` (`detectors.declared_types`).
    """
    path = as_location(path)
    kind, compression = detect_format(path, fmt)
    codec = codec_name(encoding)
    _check_file(path)
    if quarantine is None:
        own = Quarantine(keep=0)
        try:
            yield from read_batches(
                path, fmt, batch_size, columns, own, header, column_names, encoding, declared
            )
        finally:
            if own.count:
                _log.warning(
                    "%s: %d malformed rows skipped; pass a Quarantine to keep them", path, own.count
                )
            own.close()
        return
    if declared is not None:
        first = 2 if header and kind == "csv" else 1  # the line of the first record
        yield from declared.applied(
            read_batches(path, fmt, batch_size, columns, quarantine, header, column_names,
                         encoding),
            quarantine, str(path), first,
        )  # fmt: skip
        return
    if kind == "parquet":
        yield from _read_parquet(path, batch_size, columns, quarantine)
        return
    block = max(_MIN_BLOCK, min(_MAX_BLOCK, batch_size * _BYTES_PER_ROW_GUESS))
    decoder = _Decoder(path, codec, quarantine)
    if kind == "csv":
        tables = _read_csv(
            path, compression, block, columns, quarantine, header, column_names, decoder,
            _BLOCK_LINES * batch_size // 16,
        )  # fmt: skip
        shape: Callable[[pa.RecordBatch], pa.RecordBatch] = _unchanged
    else:
        tables = _read_jsonl(path, compression, block, columns, quarantine, decoder, codec)
        shape = _Flattener(frozenset(), columns)
    schema: pa.Schema | None = None
    produced = False
    for table in tables:
        schema = table.schema
        if table.num_rows:
            produced = True
            for batch in _even_batches(table.combine_chunks(), batch_size):
                yield shape(batch)
    if not produced and schema is not None:  # a header without rows: keep the columns
        yield shape(_empty_batch(schema))


def _even_batches(table: pa.Table, batch_size: int) -> list[pa.RecordBatch]:
    """`table` in batches of at most `batch_size` rows, as even as can be (70,000 rows: two of
    35,000, not 65,536 and 4,464): work per batch (memories probed, files written) is paid
    once per batch, so a short batch costs nearly as much as a full one."""
    parts = max(1, -(-table.num_rows // batch_size))
    return table.to_batches(max_chunksize=max(1, -(-table.num_rows // parts)))


def _unchanged(batch: pa.RecordBatch) -> pa.RecordBatch:
    return batch


def _empty_batch(schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def _check_file(path: Location) -> None:
    if isinstance(path, ObjectPath):
        _check_object(path)
        return
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


def _check_object(path: ObjectPath) -> None:
    """`_check_file` for an object: there, not a prefix, readable (a HEAD request), not empty."""
    try:
        size = file_state(path).size
    except FileNotFoundError:
        raise UnreadableFileError(f"{path}: object not found; expected an existing input") from None
    except IsADirectoryError:
        raise UnreadableFileError(
            f"{path}: is a prefix, not an object; expected an input object (or a glob)"
        ) from None
    if size == 0:
        raise UnreadableFileError(f"{path}: object is empty; expected at least one row")


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
    path: Location, batch_size: int, columns: Sequence[str] | None, quarantine: Quarantine
) -> Iterator[pa.RecordBatch]:
    for batch in _parquet_batches(path, batch_size, columns):
        quarantine.saw_records(str(path), batch.num_rows)  # Parquet rows are whole records
        yield batch


def _parquet_batches(
    path: Location, batch_size: int, columns: Sequence[str] | None
) -> Iterator[pa.RecordBatch]:
    source = open_random_access(path)  # an object: ranged reads, one row group at a time
    try:
        yield from _parquet_file_batches(path, source, batch_size, columns)
    finally:
        if isinstance(source, pa.NativeFile):
            source.close()


def _parquet_file_batches(
    path: Location, source: str | pa.NativeFile, batch_size: int, columns: Sequence[str] | None
) -> Iterator[pa.RecordBatch]:
    try:
        parquet = pq.ParquetFile(source)
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


def _damaged(path: Location) -> UnreadableFileError:
    return UnreadableFileError(
        f"{path}: a Parquet row group could not be decoded; the file is damaged"
    )


def _check_columns(path: Location, names: Sequence[str], wanted: Sequence[str] | None) -> None:
    missing = [c for c in wanted or () if c not in names]
    if missing:
        raise UnreadableFileError(
            f"{path}: has no column(s) {', '.join(missing)}; columns: {', '.join(names)}"
        )


# --- line blocks -------------------------------------------------------------------------------


def _blocks(
    path: Location,
    compression: str | None,
    block: int,
    quoted: bool,
    decoder: _Decoder,
    lines: int | None = None,
) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (first line number, UTF-8 bytes of whole lines, at end of file) blocks of `path`.

    `decoder` turns the file's bytes into UTF-8 as they are read. With `quoted`, a block never
    ends inside a double-quoted CSV field (an even count of quotes), unless a stray quote would
    make the block grow past 4 blocks: then it is cut at a line end and the damaged record is
    isolated later. With `lines`, the first block has `block` bytes and the next ones about
    `lines` lines at the bytes per line met so far, never more than `block` (`_next_block`).
    """
    line = 1
    pending = b""
    size, seen = block, 0
    try:
        with open_stream(path, compression) as stream:
            while True:
                raw = stream.read(size)
                data = decoder.decode(raw, not raw, line + pending.count(b"\n"))
                if not raw:
                    data = pending + data
                    if data:
                        yield line, data, True
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
                seen += len(out)
                if lines:
                    size = _next_block(seen, line - 1, lines, block)
    except (pa.ArrowException, OSError, EOFError):
        raise UnreadableFileError(
            f"{path}: could not be read or decompressed after line {line}; "
            f"expected {'a ' + compression + '-compressed' if compression else 'a'} text file"
        ) from None


def _next_block(read: int, lines_read: int, lines: int, most: int) -> int:
    """Bytes to read for about `lines` more lines, after `read` bytes held `lines_read`, at most
    `most` (memory stays as bounded as with fixed blocks): a block of short lines then makes one
    batch of `read_batches` rather than one full batch and a short one."""
    if not lines_read:
        return most
    return max(_MIN_BLOCK, min(most, read * lines // lines_read))


# --- encodings ---------------------------------------------------------------------------------

_BOMS = (  # longest first: a UTF-32 LE BOM starts like a UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_UTF8_NAMES = ("utf-8", "utf-8-sig")
_SET_ENCODING = "Set encoding: on the dataset if the file uses another encoding"


def codec_name(encoding: str | None) -> str | None:
    """Python's name for the text encoding `encoding` (`latin-1` -> `iso8859-1`), or None."""
    if encoding is None:
        return None
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise SettingsError(
            f"encoding {encoding!r} is not known; expected a Python codec name such as utf-8, "
            "utf-16, cp1252 or latin-1"
        )
    return info.name


def _utf8_tail(data: bytes) -> int:
    """Bytes at the end of `data` that begin a UTF-8 sequence the next chunk completes."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # a lead byte: how long its sequence is
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if length > back else 0
    return 0


def _is_utf8(data: bytes, end: int) -> bool:
    """Whether `data[:end]` is valid UTF-8 (Arrow's validation, without copying the bytes)."""
    offsets = pa.py_buffer(np.array([0, end], dtype=np.int64))
    array = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        array.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _cp1252_table() -> str:
    """cp1252 as a 256-character decoding table; its 5 unassigned bytes decode as in Latin-1
    (as Windows does), so no byte is undecodable."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_CP1252 = _cp1252_table()


class _Decoder:
    """Turns the bytes of one file into UTF-8 chunk by chunk (memory: one chunk).

    Modes: `pass` (UTF-8 as is), `check` (UTF-8 as is while valid; at the first invalid byte,
    cp1252 from then on when nothing before was beyond ASCII, else `pass` with a note: the records
    that are not UTF-8 are quarantined), `cp1252`, `codec` (any other codec, incrementally).
    """

    def __init__(self, path: Location, codec: str | None, quarantine: Quarantine | None) -> None:
        self.path, self.codec, self.quarantine = path, codec, quarantine
        self.mode = ""
        self.text: codecs.IncrementalDecoder | None = None
        self.non_ascii = False  # valid UTF-8 beyond ASCII was seen: the file is UTF-8
        self.carry = b""  # a UTF-8 sequence cut by the end of a chunk
        self.line = 1  # the line the current chunk starts in, for notes and errors
        self.first_text = True

    def decode(self, raw: bytes, final: bool, line: int = 1) -> bytes:
        """UTF-8 for the next `raw` bytes of the file (`final` at its end); `line` is the line
        the chunk starts in."""
        self.line = line
        if not self.mode:
            raw = self._start(raw)
        if self.mode == "pass":
            return raw
        if self.mode == "check":
            return self._check(raw, final)
        if self.mode == "cp1252":
            return codecs.charmap_decode(raw, "strict", _CP1252)[0].encode("utf-8")
        return self._transcode(raw, final)

    def _start(self, raw: bytes) -> bytes:
        codec = self.codec
        if codec is None:
            codec = next((name for bom, name in _BOMS if raw.startswith(bom)), None)
            if codec == "utf-8":  # a BOM says UTF-8: bytes that are not are quarantined
                self.mode, self.non_ascii = "check", True
                return raw[3:]
            if codec is None:
                self.mode = "check"
                return raw
        if codec in _UTF8_NAMES:
            self.mode = "pass"
            return raw.removeprefix(b"\xef\xbb\xbf")
        if codec == "cp1252":
            self.mode = "cp1252"
            return raw
        self.mode, self.codec = "codec", codec
        self.text = codecs.getincrementaldecoder(codec)("strict")
        return raw

    def _check(self, raw: bytes, final: bool) -> bytes:
        data = self.carry + raw if self.carry else raw
        self.carry = b""
        if data.isascii():
            return data
        cut = len(data) - (0 if final else _utf8_tail(data))
        if _is_utf8(data, cut):  # the usual case, validated by Arrow ~10x faster than Python
            head, self.carry = (data[:cut], data[cut:]) if cut < len(data) else (data, b"")
            self.non_ascii = self.non_ascii or not head.isascii()
            return head
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data" and not final:
                head, self.carry = data[: exc.start], data[exc.start :]
                self.non_ascii = self.non_ascii or not head.isascii()
                return head
            line = self.line + data.count(b"\n", 0, exc.start)
            if not self.non_ascii and data[: exc.start].isascii():
                self.mode = "cp1252"
                self._note(
                    f"{self.path}: not UTF-8 text (first at line {line}); read as cp1252 "
                    f"(Windows Latin-1). {_SET_ENCODING}"
                )
                return codecs.charmap_decode(data, "strict", _CP1252)[0].encode("utf-8")
            self.mode = "pass"
            self._note(
                f"{self.path}: bytes that are not UTF-8 from line {line}, after UTF-8 text; the "
                f"records holding them are quarantined. {_SET_ENCODING}"
            )
            return data
        self.non_ascii = True
        return data

    def _transcode(self, raw: bytes, final: bool) -> bytes:
        decoder = cast(codecs.IncrementalDecoder, self.text)  # set with mode "codec"
        try:
            text = decoder.decode(raw, final)
        except UnicodeDecodeError:
            raise UnreadableFileError(
                f"{self.path}: cannot be decoded as {self.codec} from line {self.line}; "
                "check the dataset's encoding: setting (or leave it out to detect it)"
            ) from None
        if self.first_text and text:
            text, self.first_text = text.removeprefix("\ufeff"), False
        return text.encode("utf-8")

    def _note(self, text: str) -> None:
        if self.quarantine is not None:  # a read, not a sniff of the head
            _log.warning("%s", text)
            self.quarantine.note(text)


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


# (line offset, class, reason, raw bytes) of a record set aside while a block is parsed
_Skipped = tuple[int, QuarantineClass, str, bytes]
Parse = Callable[[bytes, list[_Skipped]], pa.Table]
Split = Callable[[bytes, bool], tuple[list[tuple[int, bytes]], list[_Skipped]]]


class _Miscounted(Exception):
    """pyarrow read a run of records as another number of rows than there are records."""


class _Block:
    """Parse one block and account for each of its records: read as a row, or quarantined.

    `count(data, rows)` gives the block's records when it can count them (cheaply, knowing that
    pyarrow read `rows` rows plus those it skipped), else None. When pyarrow read exactly that
    many, the block is done; otherwise, or when the block fails, `split` cuts it into records
    (setting aside those that cannot be one, such as unterminated quotes) and runs of records are
    bisected until every bad one is quarantined.
    """

    def __init__(
        self,
        path: Location,
        quarantine: Quarantine,
        parse: Parse,
        reason: Callable[[str], tuple[QuarantineClass, str]],
        split: Split,
        count: Callable[[bytes, int], int | None],
    ) -> None:
        self.path, self.quarantine, self.parse, self.reason = path, quarantine, parse, reason
        self.split, self.count = split, count

    def read(self, first_line: int, data: bytes, at_end: bool) -> list[pa.Table]:
        skipped: list[_Skipped] = []
        try:
            table = self.parse(data, skipped)
        except pa.ArrowInvalid:
            pass
        else:
            rows = table.num_rows + len(skipped)
            if self.count(data, rows) == rows:
                self._commit(first_line, skipped)
                self.quarantine.saw_records(str(self.path), rows)
                return [table]
        records, bad = self.split(data, at_end)
        self.quarantine.saw_records(str(self.path), len(records) + len(bad))
        for line_offset, kind, why, raw in bad:
            self.quarantine.add(str(self.path), first_line + line_offset, why, raw, kind)
        return self._bisect(first_line, records) if records else []

    def _commit(self, first_line: int, skipped: list[_Skipped]) -> None:
        for line_offset, kind, why, raw in skipped:  # only once the whole run parsed
            self.quarantine.add(str(self.path), first_line + line_offset, why, raw, kind)

    def _parse_committed(self, first_line: int, data: bytes, count: int) -> pa.Table:
        skipped: list[_Skipped] = []
        table = self.parse(data, skipped)
        if table.num_rows + len(skipped) != count:
            raise _Miscounted
        self._commit(first_line, skipped)
        return table

    def _bisect(self, first_line: int, records: list[tuple[int, bytes]]) -> list[pa.Table]:
        data = _join(records)
        base = records[0][0]
        try:
            return [self._parse_committed(first_line + base, data, len(records))]
        except (pa.ArrowInvalid, _Miscounted) as exc:
            if len(records) == 1:
                kind, why = (
                    self.reason(str(exc))
                    if isinstance(exc, pa.ArrowInvalid)
                    else (QuarantineClass.UNPARSEABLE, "record not read as exactly one row")
                )
                self.quarantine.add(str(self.path), first_line + base, why, data, kind)
                return []
        half = len(records) // 2
        return self._bisect(first_line, records[:half]) + self._bisect(first_line, records[half:])


def _join(records: list[tuple[int, bytes]]) -> bytes:
    """Records back into one run of lines; the lines between them (blank, or set aside) become
    empty lines, which the parsers skip, so a line offset in the run is one in the block."""
    parts: list[bytes] = []
    next_line = records[0][0]
    for offset, raw in records:
        if offset > next_line:
            parts.append(b"\n" * (offset - next_line))
        parts.append(raw)
        next_line = offset + raw.count(b"\n")
    return b"".join(parts)


# --- CSV ---------------------------------------------------------------------------------------


def _read_csv(
    path: Location,
    compression: str | None,
    block: int,
    columns: Sequence[str] | None,
    quarantine: Quarantine,
    header: bool,
    column_names: Sequence[str] | None,
    decoder: _Decoder,
    lines: int | None = None,
) -> Iterator[pa.Table]:
    blocks = _blocks(path, compression, block, quoted=True, decoder=decoder, lines=lines)
    names = list(column_names) if column_names else None
    reader: _Block | None = None
    for first_line, data, at_end in blocks:
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
                path, quarantine, _csv_parser(names, columns), _csv_reason, _csv_split,
                _csv_records,
            )  # fmt: skip
        if _NOT_LINE_END.search(data):  # not only line ends (no copy, unlike strip)
            yield from reader.read(first_line, data, at_end)
    if reader is not None:  # marks the schema even when every row was bad or there were none
        yield pa.table({c: pa.array([], pa.string()) for c in (columns or names or ())})
    if reader is None:
        raise UnreadableFileError(f"{path}: has no header row; expected a CSV header line")


def _csv_records(data: bytes, rows: int) -> int | None:
    """The records of a block pyarrow read as `rows` rows, when they can be told.

    Most blocks hold no quoted line break. pyarrow never splits a line and merging lines leaves
    fewer rows, so when it read one row per non-blank line, every line was one record, unless
    the last line opens a quote that runs to the end of the block (pyarrow would read it as a
    row). Otherwise the records are counted quote by quote.
    """
    if rows == _nonblank_lines(data) and not _scan_csv_line(_last_line(data), False)[0]:
        return rows
    return _csv_record_count(data)


def _last_line(data: bytes) -> bytes:
    """The last non-blank line of a block, without its line end."""
    end = len(data)
    while end and data[end - 1] in (_NEWLINE, _CR):
        end -= 1
    return data[data.rfind(b"\n", 0, end) + 1 : end]


def _nonblank_lines(data: bytes) -> int:
    """Lines of a block that are not empty (`\n` or `\r\n` alone), vectorised."""
    view = np.frombuffer(data, dtype=np.uint8)
    return _nonblank(data, np.flatnonzero(view == _NEWLINE))


def _nonblank(data: bytes, ends: np.ndarray) -> int:
    """How many of the pieces of `data` that end at the newline offsets `ends` (plus the piece
    after the last one) are not empty: pyarrow skips empty lines, they are not records."""
    view = np.frombuffer(data, dtype=np.uint8)
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
    lengths = ends - starts
    blank = (lengths == 0) | ((lengths == 1) & (view[np.minimum(starts, len(view) - 1)] == _CR))
    tail = data[int(ends[-1]) + 1 :] if len(ends) else data
    return len(ends) - int(np.count_nonzero(blank)) + (1 if tail.strip(b"\r") else 0)


def _csv_record_count(data: bytes) -> int | None:
    """The records in a block of whole CSV lines, counted vectorised (blank lines are none).

    None when a quote sits where CSV would not put one — opening inside a field, or closing
    before anything but a comma, a quote or a line end — or a quoted field is still open at the
    end: the block is then split record by record (`_csv_split`). Works on slices of the block,
    so its memory is a small multiple of `_SLICE`, not of the block.
    """
    view = np.frombuffer(data, dtype=np.uint8)
    size = len(view)
    inside = False  # in a quoted field at the start of the slice
    kept: list[np.ndarray] = []
    for low in range(0, size, _SLICE):
        part = view[low : low + _SLICE]
        quotes = np.flatnonzero(part == _QUOTE) + low
        newlines = np.flatnonzero(part == _NEWLINE) + low
        if len(quotes):
            first = int(inside)  # the first quote of the slice closes the field left open
            openers, closers = quotes[first::2], quotes[1 - first :: 2]
            before = view.take(openers - 1, mode="clip")
            if len(openers) and openers[0] == 0:
                before[0] = _NEWLINE
            after = view.take(closers + 1, mode="clip")
            if len(closers) and closers[-1] == size - 1:
                after[-1] = _NEWLINE
            if not (_OPENS_AFTER[before].all() and _CLOSES_BEFORE[after].all()):
                return None
            quoted = ((np.searchsorted(quotes, newlines) & 1) == 1) != inside
            newlines = newlines[~quoted]
            inside = inside != bool(len(quotes) & 1)
        elif inside:
            continue
        kept.append(newlines)
    if inside:
        return None
    return _nonblank(data, np.concatenate(kept) if kept else np.empty(0, dtype=np.int64))


def _csv_split(data: bytes, at_end: bool) -> tuple[list[tuple[int, bytes]], list[_Skipped]]:
    """Cut a block into records the way pyarrow parses CSV, and set aside unterminated quotes.

    A quote opens a quoted field only at the start of a field; inside one, `""` is a quote. A
    record whose quoted field runs onto later lines must close it properly (before a comma or the
    line end) within `MAX_QUOTED_LINES` lines and before the block ends; else its opening line is
    one bad record (`unterminated_quote`) and the next line starts a new record. Blank lines are
    not records.
    """
    lines = data.split(b"\n")
    ends_with_newline = lines[-1] == b""
    if ends_with_newline:
        lines.pop()
    records: list[tuple[int, bytes]] = []
    bad: list[_Skipped] = []
    last = len(lines) - 1

    def whole(first: int, end: int) -> bytes:
        text = b"\n".join(lines[first : end + 1])
        return text + b"\n" if end < last or ends_with_newline else text

    index = 0
    while index <= last:
        line = lines[index]
        if not line.strip(b"\r"):
            index += 1
            continue
        end, why = _quoted_end(lines, index, at_end)
        if why:
            bad.append((index, QuarantineClass.UNTERMINATED_QUOTE, why, whole(index, index)))
            index += 1
            continue
        records.append((index, whole(index, end)))
        index = end + 1
    return records, bad


def _quoted_end(lines: list[bytes], first: int, at_end: bool) -> tuple[int, str]:
    """The last line of the record starting at line `first`, or a reason it has none."""
    if b'"' not in lines[first] or _CSV_LINE.fullmatch(lines[first]):
        return first, ""
    open_quote, _ = _scan_csv_line(lines[first], False)
    end = first
    while open_quote:
        end += 1
        if end == len(lines):
            if at_end:
                return first, "quoted field not closed at end of file"
            return first, "quoted field not closed; reading resumed at the next line"
        if end - first > MAX_QUOTED_LINES:
            return first, (
                f"quoted field still open after {MAX_QUOTED_LINES:,} lines; reading resumed at "
                "the next line"
            )
        open_quote, closed_badly = _scan_csv_line(lines[end], True)
        if closed_badly:
            return first, (
                "quoted field not closed (its closing quote is followed by text on a later "
                "line); reading resumed at the next line"
            )
    return end, ""


def _scan_csv_line(line: bytes, in_quotes: bool) -> tuple[bool, bool]:
    """Walk one line as pyarrow does: (a quoted field is open at its end, the quoted field that
    was open when the line began closed before something other than a comma or the line end)."""
    spanning, closed_badly, pos = in_quotes, False, 0
    while True:
        if in_quotes:
            quote = line.find(b'"', pos)
            if quote < 0:
                return True, closed_badly
            if line[quote + 1 : quote + 2] == b'"':
                pos = quote + 2
                continue
            in_quotes = False
            if spanning and line[quote + 1 : quote + 2] not in (b",", b"", b"\r"):
                closed_badly = True
            spanning = False
            pos = quote + 1
        elif line[pos : pos + 1] == b'"':
            in_quotes = True
            pos += 1
            continue
        comma = line.find(b",", pos)
        if comma < 0:
            return False, closed_badly
        pos = comma + 1


def _take_header(path: Location, data: bytes) -> tuple[list[str], bytes]:
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


def _field_count(path: Location, data: bytes) -> int:
    first = _split_records(data[: 1 << 20], quoted=True)
    try:
        text = first[0][1].decode("utf-8") if first else ""
    except UnicodeDecodeError:
        text = first[0][1].decode("latin-1")
    count = len(next(csv.reader([text.rstrip("\r\n")]), []))
    if not count:
        raise UnreadableFileError(f"{path}: line 1 is blank; expected a CSV row")
    return count


def _check_names(path: Location, names: Sequence[str]) -> None:
    # Positions, not names: when line 1 was data after all, a name is a value.
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise UnreadableFileError(
                f"{path}: columns {seen[name]} and {position} of line 1 (header) have the same "
                "name; expected unique column names, or read line 1 as data with header=False"
            )
        seen[name] = position


def _csv_parser(names: Sequence[str], columns: Sequence[str] | None) -> Parse:
    read = pacsv.ReadOptions(column_names=list(names), use_threads=False)
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        include_columns=list(columns) if columns else None,
    )

    def parse(data: bytes, skipped: list[_Skipped]) -> pa.Table:
        taken: set[int] = set()

        def on_invalid(row: pacsv.InvalidRow) -> str:
            # pyarrow gives no row number here; the row's own text, found at a line start not
            # yet claimed (identical bad rows are interchangeable), gives its exact line.
            raw = row.text.encode("utf-8", "surrogateescape")
            pos = _line_start(data, raw, taken)
            taken.add(pos)
            why = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            line = data.count(b"\n", 0, pos)
            skipped.append((line, QuarantineClass.WRONG_FIELD_COUNT, why, raw))
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


def _csv_reason(message: str) -> tuple[QuarantineClass, str]:
    if "UTF8" in message or "utf8" in message.lower():
        return QuarantineClass.INVALID_UTF8, "undecodable bytes: expected UTF-8 text"
    counts = _FIELD_COUNT.search(message)
    if counts:
        why = f"expected {counts.group(1)} fields, found {counts.group(2)}"
        return QuarantineClass.WRONG_FIELD_COUNT, why
    return QuarantineClass.UNPARSEABLE, "unparseable CSV record"


# --- JSONL -------------------------------------------------------------------------------------

_INT64 = (-(1 << 63), (1 << 63) - 1)
# A colon, then an integer literal of 19+ digits: the values that may be beyond int64.
_BIG_INT = re.compile(rb':\s*(-?\d{19,})(?=\s*[,}\]])')
_INT64_DIGITS = 19  # int64 holds every integer of 18 digits
_DIGIT = np.isin(np.arange(256), np.arange(ord("0"), ord("9") + 1))
_JSON_SPACE = np.isin(np.arange(256), [9, 10, 13, 32])
_CHANGED = re.compile(r"Column\((/[^)]*)?\) changed from")
_LAYOUTS: dict[tuple[str, int, int, int | str, str | None, str | None], _JsonLayout] = {}
_LAYOUTS_MAX = 256
_MAX_TRIALS = 16  # keys forced in one try of a run of lines before it is bisected


@dataclass(frozen=True)
class _JsonLayout:
    """How a JSONL file is read: its schema over the whole file, and the keys read as string."""

    schema: pa.Schema | None  # None when no line parses
    forced: frozenset[str]


def _read_jsonl(
    path: Location,
    compression: str | None,
    block: int,
    columns: Sequence[str] | None,
    quarantine: Quarantine,
    decoder: _Decoder,
    codec: str | None,
) -> Iterator[pa.Table]:
    """JSON Lines, one object per line, read with one schema decided over the whole file
    (`_jsonl_layout`): every batch has it, and no line is lost to a type that changes."""
    layout = _jsonl_layout(path, compression, block, codec)
    if layout.schema is not None:
        _check_columns(path, list(flat_columns(path, layout.schema)), columns)
    reader = _Block(
        path, quarantine, _json_parser(layout.schema, layout.forced), _json_reason, _json_split,
        lambda data, rows: _json_record_count(data),
    )  # fmt: skip
    for first_line, data, at_end in _blocks(path, compression, block, False, decoder):
        if data and not data.isspace():
            yield from reader.read(first_line, data, at_end)
    if layout.schema is None and quarantine.count_for(str(path)) == 0:
        raise UnreadableFileError(f"{path}: has no JSON lines; expected one JSON object per line")
    if layout.schema is not None:  # flattened and selected by `read_batches`
        yield layout.schema.empty_table()


def _jsonl_layout(
    path: Location, compression: str | None, block: int, codec: str | None
) -> _JsonLayout:
    """The schema of a whole JSONL file, one block at a time (memory: one block).

    Each block's schema is inferred after its forced keys are rewritten as strings; a key whose
    type differs between lines or blocks (other than int and float, which make float), or that
    holds an integer beyond int64 anywhere, is forced: read as string everywhere, objects and
    arrays as their JSON text. All-null fields are strings. Remembered per file version.
    """
    key = (*_version_key(path), codec, compression)
    layout = _LAYOUTS.get(key)
    if layout is not None:
        return layout
    forced: set[str] = set()
    merged: dict[str, pa.DataType] = {}
    parsed = False  # some line parsed (`{}` lines parse, with no field)
    for _, data, at_end in _blocks(path, compression, block, False, _Decoder(path, codec, None)):
        if not data or data.isspace():
            continue
        forced |= _big_int_keys(data)
        whole = _try_schema(data, forced)
        if whole is not None:
            schemas = [whole]
        else:
            schemas = _infer_schemas([r for _, r in _json_split(data, at_end)[0]], forced)
        parsed = parsed or bool(schemas)
        for schema in schemas:
            for field in schema:
                known = merged.get(field.name)
                merged[field.name] = (
                    field.type
                    if known is None
                    else _merge_types(known, field.type, field.name, forced)
                )
    schema = (
        pa.schema([pa.field(n, _settle(t, n, forced)) for n, t in merged.items()])
        if parsed
        else None
    )
    layout = _JsonLayout(schema, frozenset(forced))
    if len(_LAYOUTS) >= _LAYOUTS_MAX:
        _LAYOUTS.clear()
    _LAYOUTS[key] = layout
    return layout


def _version_key(path: Location) -> tuple[str, int, int, int | str]:
    """What tells one version of a file from another: path, inode, size and mtime; for an
    object, its URL, size and version (ETag, version id)."""
    if isinstance(path, ObjectPath):
        state = file_state(path)
        return (str(path), 0, state.size, state.version)
    stat = path.stat()
    return (str(path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _big_int_keys(data: bytes) -> set[str]:
    """Keys holding an integer literal beyond int64 somewhere in `data`.

    Vectorised over the colons of the block: only values with 19 digits in a row after their
    colon are looked at one by one."""
    view = np.frombuffer(data, dtype=np.uint8)
    colons = np.flatnonzero(view == ord(":"))
    at = colons + 1
    for _ in range(4):  # writers put no or one space after the colon; `_BIG_INT` handles more
        at = at + _JSON_SPACE[view.take(at, mode="clip")]
    at = at + (view.take(at, mode="clip") == ord("-"))
    for offset in range(_INT64_DIGITS):
        keep = _DIGIT[view.take(at + offset, mode="clip")] & (at + offset < len(view))
        colons, at = colons[keep], at[keep]
        if not len(colons):
            return set()
    keys: set[str] = set()
    for colon in colons.tolist():
        match = _BIG_INT.match(data, colon)
        if match is None or _INT64[0] <= int(match.group(1)) <= _INT64[1]:
            continue
        key = _key_before(data, colon)
        if key is not None:
            keys.add(key)
    return keys


def _key_before(data: bytes, colon: int) -> str | None:
    """The JSON string that ends right before `colon` (spaces aside), or None."""
    end = data.rfind(b'"', 0, colon)
    if end < 0 or data[end + 1 : colon].strip():
        return None
    start = end
    while (start := data.rfind(b'"', 0, start)) >= 0:  # the opening quote: not escaped
        escapes = start
        while escapes and data[escapes - 1] == 0x5C:
            escapes -= 1
        if (start - escapes) % 2 == 0:
            break
    try:
        key = json.loads(data[start : end + 1]) if start >= 0 else None
    except ValueError:
        return None
    return key if isinstance(key, str) else None


def _infer_schemas(records: list[bytes], forced: set[str]) -> list[pa.Schema]:
    """The schemas of a run of lines, bisecting around lines that do not parse."""
    schema = _try_schema(b"".join(records), forced)
    if schema is not None:
        return [schema]
    if len(records) == 1:
        return []
    half = len(records) // 2
    return _infer_schemas(records[:half], forced) + _infer_schemas(records[half:], forced)


def _try_schema(data: bytes, forced: set[str]) -> pa.Schema | None:
    """The schema of a run of lines, or None when it does not parse.

    A key pyarrow names in a type change is tried as forced; it joins `forced` only when the run
    then parses (a line that is not JSON can make pyarrow blame the key of the line before it).
    """
    trial = set(forced)
    for _ in range(_MAX_TRIALS):
        try:
            schema = _json_parser(None, frozenset(trial))(data, []).schema
        except pa.ArrowInvalid as exc:
            key = _changed_key(str(exc))
            if key is None or key in trial:
                return None
            trial.add(key)
            continue
        forced |= trial
        return schema
    return None


def _merge_types(a: pa.DataType, b: pa.DataType, name: str, forced: set[str]) -> pa.DataType:
    """One type for two inferences of the field `name`; a conflict forces `name` to string."""
    if a == b or pa.types.is_null(b):
        return a
    if pa.types.is_null(a):
        return b
    if {a, b} == {pa.int64(), pa.float64()}:
        return pa.float64()
    if pa.types.is_struct(a) and pa.types.is_struct(b):
        fields = {f.name: f.type for f in a}
        for child in b:
            known = fields.get(child.name)
            fields[child.name] = (
                child.type if known is None else _merge_types(known, child.type, child.name, forced)
            )
        return pa.struct([pa.field(n, t) for n, t in fields.items()])
    if pa.types.is_list(a) and pa.types.is_list(b):
        inner = _merge_types(a.value_type, b.value_type, name, forced)
        if name not in forced:
            return pa.list_(inner)
    forced.add(name)
    return pa.string()


def _settle(kind: pa.DataType, name: str, forced: set[str]) -> pa.DataType:
    """The type read for field `name`: string when forced or all-null, inside structs and lists
    too (a field null in every line may hold text in another file version)."""
    if name in forced or pa.types.is_null(kind):
        return pa.string()
    if pa.types.is_struct(kind):
        return pa.struct([pa.field(f.name, _settle(f.type, f.name, forced)) for f in kind])
    if pa.types.is_list(kind):
        return pa.list_(_settle(kind.value_type, name, forced))
    return kind


def _changed_key(message: str) -> str | None:
    """The key whose type changed, from pyarrow's `Column(/a/b) changed from …` message."""
    match = _CHANGED.search(message)
    if match is None or not match.group(1):
        return None  # `Column()`: the line itself is not an object
    parts = [p for p in match.group(1).split("/") if p and p != "[]"]
    return parts[-1] if parts else None


def _rewrite(data: bytes, forced: frozenset[str] | set[str]) -> bytes:
    """Numbers and booleans of forced keys as JSON strings (exact digits kept), by pattern."""
    if not forced:
        return data
    names = b"|".join(
        re.escape(json.dumps(k, ensure_ascii=False)[1:-1].encode()) for k in sorted(forced)
    )
    pattern = re.compile(
        rb'("(?:' + names + rb')"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false)'
        rb"(?=\s*[,}\]])"
    )
    return pattern.sub(rb'\1"\2"', data)


class _Number(float):
    """A JSON float that remembers its text, so a forced key keeps the digits it was given."""

    text: str

    def __new__(cls, text: str) -> _Number:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _coerce(data: bytes, forced: frozenset[str]) -> bytes:
    """Every line with the values of forced keys as strings, objects and arrays as their JSON
    text; lines that are not JSON stay as they are (the parser quarantines them)."""
    lines = data.split(b"\n")
    for index, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw, parse_float=_Number)
        except ValueError:
            continue
        lines[index] = json.dumps(_as_text(value, forced), ensure_ascii=False).encode()
    return b"\n".join(lines)


def _as_text(value: Any, forced: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {
            k: _text(v) if k in forced and v is not None else _as_text(v, forced)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_as_text(v, forced) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Number):
        return value.text
    return json.dumps(value, ensure_ascii=False)


def _json_parser(schema: pa.Schema | None, forced: frozenset[str]) -> Parse:
    options = (
        pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
        if schema is not None
        else pajson.ParseOptions()
    )

    def read(data: bytes) -> pa.Table:
        block = pajson.ReadOptions(use_threads=False, block_size=max(len(data) + 1, 1 << 16))
        return pajson.read_json(pa.py_buffer(data), read_options=block, parse_options=options)

    def parse(data: bytes, skipped: list[_Skipped]) -> pa.Table:
        data = _rewrite(data, forced)
        try:
            return read(data)
        except pa.ArrowInvalid as exc:
            if _changed_key(str(exc)) not in forced:
                raise
        return read(_coerce(data, forced))  # an object or array where a string is read

    return parse


def _json_split(data: bytes, at_end: bool) -> tuple[list[tuple[int, bytes]], list[_Skipped]]:
    """A block's non-blank lines as records (a JSONL record is one line)."""
    return [(i, raw + b"\n") for i, raw in enumerate(data.split(b"\n")) if raw.strip()], []


def _json_record_count(data: bytes) -> int:
    """Non-blank lines of a block, vectorised: JSON Lines has one record per line."""
    view = np.frombuffer(data, dtype=np.uint8)
    filled = (view != _NEWLINE) & (view != _CR) & (view != 32) & (view != 9)
    starts = np.concatenate(([0], np.flatnonzero(view == _NEWLINE) + 1))
    starts = starts[starts < len(view)]
    return int(np.count_nonzero(np.logical_or.reduceat(filled, starts))) if len(starts) else 0


def _json_reason(message: str) -> tuple[QuarantineClass, str]:
    if "Column() changed" in message:
        return QuarantineClass.NOT_AN_OBJECT, "expected a JSON object per line"
    if "changed from" in message or "conversion" in message.lower():
        why = "value type differs from the type of this field in earlier lines"
        return QuarantineClass.TYPE_MISMATCH, why
    if "UTF8" in message or "utf-8" in message.lower():
        return QuarantineClass.INVALID_UTF8, "undecodable bytes: expected UTF-8 text"
    return QuarantineClass.INVALID_JSON, "invalid JSON"


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


def sniff_header(
    path: Location | str, fmt: str | None = None, encoding: str | None = None
) -> HeaderGuess:
    """Decide whether line 1 of a CSV holds column names or a data record.

    Line 1 is a header when at least half of its cells read as names (short identifier-like
    words such as `src`, `Caller ID`, `call_start`) and none reads as a value: a phone number,
    e-mail, date/time, number, IP address, caller id (`"Jane" <5145550100>`), long digit run or
    hex id, an empty cell, undecodable bytes, or a value that recurs in its column further down.
    Anything else reads as data: for privacy, a value must never become a column name. The head
    is decoded as `read_batches` decodes it (`encoding`, else detected).
    """
    path = as_location(path)
    kind, compression = detect_format(path, fmt)
    if kind != "csv":
        raise UnsupportedFormatError(
            f"{path}: header detection applies to CSV files; {kind} files name their columns"
        )
    _check_file(path)
    rows, decodable = _head_rows(path, compression, codec_name(encoding))
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
    paths: Sequence[Location | str],
    fmt: str | None = None,
    header: HeaderOption = "auto",
    kind: str | None = None,
    encoding: str | None = None,
) -> HeaderDecision:
    """Decide once for a dataset's files how line 1 of each CSV is read.

    `header=True` reads line 1 as names, `False` as data, `"auto"` decides with `sniff_header`.
    A headerless file gets Asterisk cdr_csv names when `kind` is `cdr` and the width fits
    (`ASTERISK_CDR_CSV_COLUMNS`, 18 columns; `ASTERISK_CDR_CSV_NEW_COLUMNS`, 21), else
    `col1..colN`; deciding so is logged as a warning naming the file and the column count.
    Files that disagree (a header in one, none in another, or headerless files of different
    widths) raise `UnreadableFileError`. Parquet and JSONL name their columns: always a header.
    `encoding` is the dataset's, as for `read_batches`.
    """
    if header not in (True, False, "auto") or not isinstance(header, bool | str):
        raise SettingsError(f"header={header!r} is not supported; expected True, False or 'auto'")
    csv_paths = [as_location(p) for p in paths if detect_format(p, fmt)[0] == "csv"]
    if header is True or not csv_paths:
        return HeaderDecision()
    guesses = [(p, sniff_header(p, fmt, encoding)) for p in csv_paths]
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


def _head_rows(
    path: Location, compression: str | None, codec: str | None
) -> tuple[list[list[str]], bool]:
    """The first records of a CSV as cells (decoded as `read_batches` would), and whether line 1
    is UTF-8 once decoded."""
    try:
        with open_stream(path, compression) as stream:
            raw = stream.read(_SNIFF_BYTES)
    except (pa.ArrowException, OSError, EOFError):
        raise UnreadableFileError(
            f"{path}: could not be read or decompressed at line 1; expected "
            f"{'a ' + compression + '-compressed' if compression else 'a'} text file"
        ) from None
    data = _Decoder(path, codec, None).decode(raw, final=len(raw) < _SNIFF_BYTES)
    records = _split_records(data, quoted=True)
    if len(raw) == _SNIFF_BYTES and len(records) > 1:
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


def flat_columns(path: Location, schema: pa.Schema) -> dict[str, str]:
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
