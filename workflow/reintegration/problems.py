"""Collecting data problems and reporting them all at once.

Following iecodebook: a run that finds problems lists every one of them, each with
where it is (table or file, line or row, column), then fails once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a table or file.

    ``line`` is the 1-based line of a CSV file (the header is line 1) or the row
    number of a spreadsheet; ``None`` when the problem concerns the whole table.
    """

    source: str
    line: int | None
    column: str | None
    message: str
    rule: str = ""

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}: {self.message}{rule}"


class ProblemsError(ValueError):
    """Raised with every problem found, so that one run reports them all."""

    def __init__(self, what: str, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.source, p.line or 0, p.column or ""))
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{what}: {len(self.problems)} problem(s)\n{lines}")
