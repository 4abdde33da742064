"""Write the release's exhibit list (exhibits.csv: exhibit, file, rule, chapter)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from reintegration.io import write_csv
from reintegration.report.exhibits import COLUMNS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", required=True, help="JSON list of exhibit rows")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    table = pd.DataFrame(json.loads(args.entries), columns=COLUMNS)
    write_csv(table, args.out)
    print(f"wrote {args.out}: {len(table)} exhibits")


if __name__ == "__main__":
    main()
