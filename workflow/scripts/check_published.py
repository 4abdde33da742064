"""Validate the published targets and the reproduction checks; list every problem at once."""

from __future__ import annotations

import argparse
import json
import sys

from reintegration.chapter2.quantities import QUANTITIES as CHAPTER2
from reintegration.chapter3.quantities import QUANTITIES as CHAPTER3
from reintegration.published import load_checks, load_targets, validate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--targets", required=True)
    p.add_argument("--checks", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)
    checks = load_checks(a.checks)
    problems = validate(load_targets(a.targets), checks, quantities={*CHAPTER2, *CHAPTER3})
    if problems:
        print(f"{a.targets} / {a.checks}: {len(problems)} problem(s):", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"targets": a.targets, "checks": a.checks, "check_rows": len(checks)}, f)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
