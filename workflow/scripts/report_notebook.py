"""Execute one report chapter notebook with papermill; write the normalised ipynb and HTML."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reintegration.report.notebooks import run_chapter


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True, help="jupytext py:percent notebook")
    parser.add_argument("--parameters", required=True, help="JSON object of papermill parameters")
    parser.add_argument("--title", required=True)
    parser.add_argument("--notebook", type=Path, required=True)
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument(
        "--chapter", action="append", default=[], dest="chapters", help="chapters of the report"
    )
    args = parser.parse_args(argv)
    run_chapter(
        args.source,
        args.notebook,
        args.html,
        parameters=json.loads(args.parameters),
        title=args.title,
        cwd=Path.cwd(),
        chapters=args.chapters or None,
    )
    print(f"wrote {args.notebook} and {args.html}")


if __name__ == "__main__":
    main()
