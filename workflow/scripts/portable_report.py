"""Rewrite a `snakemake --report` file so that it holds no absolute build path.

snakemake --report report.zip && python workflow/scripts/portable_report.py report.zip
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.report.portable import relativise_report

WORKFLOW = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("report", type=Path, help="report.zip or report.html")
    parser.add_argument(
        "--directory", type=Path, default=Path.cwd(), help="the run's working directory"
    )
    args = parser.parse_args(argv)
    count = relativise_report(args.report, [WORKFLOW, args.directory])
    print(f"{args.report}: {count} HTML file(s) rewritten without absolute paths")


if __name__ == "__main__":
    main()
