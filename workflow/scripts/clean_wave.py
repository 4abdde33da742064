"""Clean one wave: records.parquet -> clean.parquet, quarantine.csv, cleaning_log.csv, ledger.json.

Exit 1 listing every answer label not in the codebook, or when the ledger does not hold
(rows read != kept + quarantined + duplicates merged).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reintegration.codebook import load_codebook
from reintegration.data.clean import clean_wave
from reintegration.data.dates import WaveDateError
from reintegration.data.io import (
    read_json,
    read_parquet,
    use_system_allocator,
    write_csv,
    write_json,
    write_parquet,
)
from reintegration.data.ledger import LedgerError, build_ledger, check_ledger
from reintegration.problems import ProblemsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--extract-report", type=Path, required=True)
    parser.add_argument("--wave", required=True)
    parser.add_argument("--codebook", type=Path, required=True)
    parser.add_argument("--age-range", type=int, nargs=2, default=[15, 80])
    parser.add_argument("--earliest-date", default="2000-01-01")
    parser.add_argument("--age-dob-tolerance", type=float, default=1.0)
    parser.add_argument(
        "--wave-date", help="delivery date of the wave (release.wave_dates); else its name's month"
    )
    parser.add_argument("--clean", type=Path, required=True)
    parser.add_argument("--quarantine", type=Path, required=True)
    parser.add_argument("--log-table", type=Path, required=True)
    parser.add_argument("--ledger", type=Path, required=True)
    args = parser.parse_args(argv)
    use_system_allocator()
    start = time.perf_counter()
    report = read_json(args.extract_report)
    try:
        result = clean_wave(
            read_parquet(args.records),  # the only reference: cleaning frees it (issue 16)
            load_codebook(args.codebook),
            wave=args.wave,
            extract_report=report,
            age_range=tuple(args.age_range),
            earliest_date=args.earliest_date,
            wave_dates={args.wave: args.wave_date} if args.wave_date else None,
            age_dob_tolerance_years=args.age_dob_tolerance,
        )
    except (ProblemsError, WaveDateError) as error:
        print(error, file=sys.stderr)
        return 1
    ledger = build_ledger(
        report,
        result.rows_read,
        len(result.clean),
        len(result.quarantine),
        result.duplicates_merged,
    )
    ledger["quarantined_by_rule"] = {
        k: int(v) for k, v in result.quarantine["rule"].value_counts().sort_index().items()
    }
    write_json(ledger, args.ledger)
    try:
        check_ledger(ledger)
    except LedgerError as error:
        print(error, file=sys.stderr)
        return 1
    write_parquet(result.clean, args.clean)
    write_csv(result.quarantine, args.quarantine)
    write_csv(result.log, args.log_table)
    print(
        f"wave {args.wave}: read {ledger['rows_read']} = kept {ledger['rows_kept']} + quarantined "
        f"{ledger['rows_quarantined']} + merged {ledger['duplicates_merged']} "
        f"({time.perf_counter() - start:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
