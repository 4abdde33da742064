"""Check the codebook and write a JSON report of what it contains; exit 1 listing every problem."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reintegration.codebook.check import summarise_codebook, validate_codebook
from reintegration.problems import ProblemsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codebook", type=Path, required=True, help="codebook folder")
    parser.add_argument("--out", type=Path, required=True, help="JSON report to write")
    args = parser.parse_args(argv)
    try:
        codebook = validate_codebook(args.codebook)
    except ProblemsError as error:
        print(error, file=sys.stderr)
        return 1
    report = {"codebook": args.codebook.as_posix(), "valid": True, **summarise_codebook(codebook)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"codebook {args.codebook}: valid ({report['variables']} variables, {report['choices']} choices)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
