"""Writers of real-world deliveries for the inventory and spreadsheet tests (no generator).

Each writer is the file format written by hand (ODS XML, zip archives, a deflate stream), so
the tests know every byte they read.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

from reintegration.data.clean import clean_wave
from reintegration.data.extract import ExtractOptions, extract_wave
from reintegration.data.ledger import build_ledger, check_ledger

CM_HEADERS = ["Case ID", "Country of return", "Interview date", "Sex", "Age"]
WAVE = "2020-07"


def extract_checked(wave_dir: Path, codebook, key: bytes, **options):
    """Extract and clean a wave; the ledger must hold. Returns ``(records, report)``."""
    records, report = extract_wave(wave_dir, WAVE, codebook, key, ExtractOptions(**options))
    result = clean_wave(records, codebook, wave=WAVE, extract_report=report)
    ledger = build_ledger(
        report, len(records), len(result.clean), len(result.quarantine), result.duplicates_merged
    )
    check_ledger(ledger)
    return records, report


def provenance(records) -> list[tuple]:
    """``(file, sheet, row, country, interview date)`` of every record, in order."""
    cols = ["source_file", "source_sheet", "source_row", "country", "interview_date"]
    return [tuple(r) for r in records[cols].astype(object).itertuples(index=False)]


def inventory(report: dict) -> list[tuple]:
    """``(path, sheet, status, sheet_state, rows)`` of every inventory entry."""
    return [
        (e["path"], e["sheet"], e["status"], e["sheet_state"], e["rows"])
        for e in report["inventory"]
    ]


def _ods_cell(value) -> str:
    if isinstance(value, tuple):  # ("date", "2019-06-20")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value[1]}">'
            f"<text:p>{value[1]}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p>'
        "</table:table-cell>"
    )


def write_ods(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> Path:
    """A LibreOffice spreadsheet (ODF 1.2) written by hand: one ``table:table`` per sheet;
    a hidden sheet has a table style with ``table:display="false"``."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
    )
    tables = []
    for name, rows in sheets.items():
        style = ' table:style-name="hid"' if name in hidden else ' table:style-name="vis"'
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
            for row in rows
        )
        tables.append(f'<table:table table:name="{escape(name)}"{style}>{body}</table:table>')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:automatic-styles>'
        '<style:style style:name="vis" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="hid" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


class _Bits:
    """LSB-first bit writer of a deflate stream (RFC 1951 §3.1.1)."""

    def __init__(self):
        self.value, self.n = 0, 0

    def put(self, value: int, n: int) -> None:
        self.value |= value << self.n
        self.n += n

    def huffman(self, code: int, n: int) -> None:  # Huffman codes go most significant bit first
        self.put(int(f"{code:0{n}b}"[::-1], 2), n)

    def stored_empty(self, final: int) -> None:
        """An empty stored block: aligns the stream to a byte boundary."""
        self.put(final, 1)
        self.put(0, 2)
        self.n += -self.n % 8
        self.put(0xFFFF0000, 32)  # LEN = 0, NLEN = ~0

    def bytes(self) -> bytes:
        assert self.n % 8 == 0
        return self.value.to_bytes(self.n // 8, "little")


def _zero_block(copies: int, literal: bool) -> bytes:
    """A fixed-Huffman block: (a literal 0 byte, then) ``copies`` x "copy 258 bytes from 1
    back", then an empty stored block, so every such block is byte-aligned and identical."""
    bits = _Bits()
    bits.put(0, 1)  # BFINAL = 0
    bits.put(1, 2)  # BTYPE = 01 (fixed Huffman codes)
    if literal:
        bits.huffman(0x30, 8)  # literal 0
    for _ in range(copies):
        bits.huffman(0xC5, 8)  # length code 285 = 258 bytes
        bits.huffman(0, 5)  # distance code 0 = distance 1
    bits.huffman(0, 7)  # end of block (256)
    bits.stored_empty(0)
    return bits.bytes()


def zeros_deflate(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of about ``megabytes`` MiB of zero bytes (160:1, built in
    milliseconds): ``(stream, decompressed size)``."""
    copies = 4064  # 4064 x 258 + 1 = 1 MiB + 1 byte per block
    first, block = _zero_block(copies, True), _zero_block(copies, False)
    tail = _Bits()
    tail.stored_empty(1)
    n_blocks = max(1, megabytes)
    size = 1 + copies * 258 * n_blocks
    return first + block * (n_blocks - 1) + tail.bytes(), size


def _crc_of_zeros(size: int) -> int:
    crc, chunk = 0, bytes(1 << 24)
    while size:
        part = chunk[: min(size, len(chunk))]
        crc = zlib.crc32(part, crc)
        size -= len(part)
    return crc


def write_zip_bomb(
    path: Path,
    member: str,
    megabytes: int,
    others: dict[str, bytes] | None = None,
    declared: int | None = None,
) -> Path:
    """A zip whose ``member`` inflates to ``megabytes`` MiB of zeros, beside ``others``
    (stored as they are). Sizes and CRC are honest unless ``declared`` is given: then the
    member claims that size (and the CRC of that many zeros)."""
    stream, size = zeros_deflate(megabytes)
    size = size if declared is None else declared
    parts = [(member, 8, stream, size, _crc_of_zeros(size))]
    parts += [(n, 0, d, len(d), zlib.crc32(d)) for n, d in (others or {}).items()]
    body, central = b"", b""
    for name, method, data, full, crc in parts:
        raw = name.encode()
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), full, len(raw), 0, 0, 0, 0,
            0, len(body),
        ) + raw  # fmt: skip
        body += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), full, len(raw), 0
        ) + raw + data  # fmt: skip
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(central),
                      len(body), 0)  # fmt: skip
    path.write_bytes(body + central + end)
    return path
