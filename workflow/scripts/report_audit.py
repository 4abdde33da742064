"""Write the release's audit tables (files, dropped columns, ledger, quarantine, cleaning)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.io import write_csv
from reintegration.report.audit import audit_tables
from reintegration.report.marking import mark_table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--waves-dir", type=Path, required=True)
    parser.add_argument("--wave", action="append", required=True, dest="waves")
    parser.add_argument("--pooling", type=Path)
    parser.add_argument("--files", type=Path, required=True)
    parser.add_argument("--ledger", type=Path, required=True)
    parser.add_argument("--quarantine", type=Path, required=True)
    parser.add_argument("--cleaning", type=Path, required=True)
    parser.add_argument("--dropped", type=Path, required=True)
    parser.add_argument("--data-source", required=True, help="config data.source")
    args = parser.parse_args(argv)
    tables = audit_tables(args.waves, args.waves_dir, args.pooling)
    for name in ("files", "dropped", "ledger", "quarantine", "cleaning"):
        write_csv(mark_table(tables[name], args.data_source), getattr(args, name))
        print(f"wrote {getattr(args, name)}: {len(tables[name])} rows")


if __name__ == "__main__":
    main()
