"""Execute the report's chapter notebooks with papermill; write each normalised ipynb and HTML.

Every page runs in its own kernel; ``--workers`` pages at a time, in processes forked from this
one (reintegration.report.notebooks.run_chapters).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reintegration.report.notebooks import Page, run_chapters


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--pages", required=True,
        help="JSON list of pages: source (jupytext py:percent notebook), parameters (papermill "
        "parameters), title, notebook and html (the outputs)",
    )  # fmt: skip
    parser.add_argument("--workers", type=int, default=1, help="pages executed at a time")
    parser.add_argument(
        "--chapter", action="append", default=[], dest="chapters", help="chapters of the report"
    )
    args = parser.parse_args(argv)
    pages = [Page(**page) for page in json.loads(args.pages)]
    written = run_chapters(
        pages, workers=args.workers, cwd=Path.cwd(), chapters=args.chapters or None
    )
    for page, notebook in zip(pages, written, strict=True):
        print(f"wrote {notebook} and {page.html}")


if __name__ == "__main__":
    main()
