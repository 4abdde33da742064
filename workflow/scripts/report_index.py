"""Write the report's index page (results/releases/<release>/report/index.html)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
from reintegration.io import write_text
from reintegration.report.compare import summary
from reintegration.report.findings import INDEX_FINDINGS, findings
from reintegration.report.index import render_index


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--release", required=True)
    parser.add_argument("--wave", action="append", required=True, dest="waves")
    parser.add_argument("--data-source", required=True)
    parser.add_argument("--chapter", action="append", required=True, dest="chapters")
    parser.add_argument("--exhibits", type=Path, required=True)
    parser.add_argument("--manifest", type=Path, required=True)
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--previous", default="")
    parser.add_argument("--comparison", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    comparison = None
    if args.comparison:
        comparison = summary(pd.read_csv(args.comparison, keep_default_na=False, na_values=[""]))
    html = render_index(
        release=args.release,
        waves=args.waves,
        data_source=args.data_source,
        chapters=args.chapters,
        exhibits=pd.read_csv(args.exhibits, dtype=str, keep_default_na=False),
        manifest=json.loads(args.manifest.read_text(encoding="utf-8")),
        report_dir=args.out.parent,
        release_dir=args.release_dir,
        previous=args.previous or None,
        comparison_summary=comparison,
        findings=findings(args.release_dir / "tables", INDEX_FINDINGS),
    )
    write_text(html, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
