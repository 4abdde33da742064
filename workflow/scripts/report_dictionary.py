"""The data dictionary page inside report/, with the report's banner and navigation bar."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.io import write_text
from reintegration.report.pages import wrap_foreign_page


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page", type=Path, required=True, help="results/codebook/...html")
    parser.add_argument("--chapter", action="append", required=True, dest="chapters")
    parser.add_argument("--data-source", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    text = wrap_foreign_page(
        args.page.read_text(encoding="utf-8"),
        current=args.out.name,
        chapters=args.chapters,
        data_source=args.data_source,
    )
    write_text(text, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
