"""Extract one wave: every export of the wave folder -> records.parquet + report.

Exit 1 listing every problem (unknown headers or formats, bad or refused files) at once.
Every path or sheet not read is printed with its reason.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reintegration.codebook import load_codebook
from reintegration.collector import collect_rarely
from reintegration.data.extract import ExtractOptions, extract_wave, read_case_id_links
from reintegration.data.inventory import console_summary
from reintegration.data.io import use_system_allocator, write_json, write_parquet
from reintegration.data.pseudonym import fingerprint_field, load_key
from reintegration.data.readers import Limits
from reintegration.problems import ProblemsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wave-dir", type=Path, required=True)
    parser.add_argument("--wave", required=True)
    parser.add_argument("--codebook", type=Path, required=True)
    parser.add_argument("--key-file", type=Path, required=True, help="pseudonym key file")
    parser.add_argument("--case-id-links", type=Path, default=None)
    parser.add_argument("--case-id-pattern", required=True)
    parser.add_argument("--allow-unlisted-columns", action="store_true")
    parser.add_argument("--skip-bad-files", action="store_true")
    parser.add_argument("--skip-unknown-files", action="store_true")
    parser.add_argument("--max-file-mb", type=int, default=1024)
    parser.add_argument("--max-header-fields", type=int, default=10_000)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args(argv)
    use_system_allocator()
    collect_rarely()
    start = time.perf_counter()
    try:
        options = ExtractOptions(
            allow_unlisted_columns=args.allow_unlisted_columns,
            skip_bad_files=args.skip_bad_files,
            case_id_links=read_case_id_links(args.case_id_links),
            case_id_pattern=args.case_id_pattern,
            skip_unknown_files=args.skip_unknown_files,
            limits=Limits(
                max_bytes=args.max_file_mb << 20, max_header_fields=args.max_header_fields
            ),
        )
        key = load_key(args.key_file, waves_dir=args.report.parent.parent)
        records, report = extract_wave(
            args.wave_dir, args.wave, load_codebook(args.codebook), key, options
        )
        report.update(fingerprint_field(key))  # which key, never the key (issue 17)
    except (ProblemsError, FileNotFoundError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    write_parquet(records, args.records)
    write_json(report, args.report)
    for line in console_summary({args.wave: report}):
        print("not read:" + line)
    print(
        f"wave {args.wave}: {len(report['files'])} table(s), {report['rows_read']} rows read, "
        f"{report['blank_rows']} blank rows, {report['header_rows_skipped']} repeated header "
        f"rows, {report['case_ids_canonicalised']} case ids "
        f"canonicalised, {report['case_ids_linked']} linked ({time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
