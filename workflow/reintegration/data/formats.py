"""Source formats (codebook formats.csv) and header mapping (codebook sources.csv).

A file's format is detected from its header row, never configured per file: the format whose
header aliases (after :func:`reintegration.text.normalise`) cover the most of the file's headers
wins, provided its case-identifier column is among them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reintegration.text import normalise

if TYPE_CHECKING:  # the readers (and the release manifest's raw inventory) need no pandas
    from reintegration.codebook import Codebook

DROP = "drop"


@dataclass(frozen=True)
class FormatInfo:
    name: str
    language: str
    file_types: tuple[str, ...]
    sheet: str | None
    date_order: str
    multi_separator: str
    aliases: dict[str, str]  # normalised header -> variable (or "drop")


@dataclass
class FormatMatch:
    """How one header row maps onto a format."""

    format: FormatInfo
    columns: dict[int, str]  # column position -> variable ("drop" included)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (position, header)
    matched: int = 0


class FormatIndex:
    """The codebook's formats with their header aliases, for matching header rows."""

    def __init__(self, codebook: Codebook):
        aliases: dict[str, dict[str, str]] = {}
        for row in codebook.sources.itertuples(index=False):
            aliases.setdefault(row.format, {})[normalise(row.header)] = row.variable
        self.formats: dict[str, FormatInfo] = {}
        for row in codebook.formats.itertuples(index=False):
            self.formats[row.format] = FormatInfo(
                name=row.format,
                language=row.language,
                file_types=tuple(str(row.file_types).split("|")),
                sheet=row.sheet or None,
                date_order=row.date_order or "ymd",
                multi_separator=row.multi_separator or ";",
                aliases=aliases.get(row.format, {}),
            )

    def match(self, headers: list[str]) -> FormatMatch | None:
        """Best format for ``headers`` or ``None`` when no format's case-id column is present.

        Blank headers are ignored here (the reader decides whether their column is empty).
        Ties are broken by the fewest unknown headers, then by format name (deterministic).
        """
        normalised = [normalise(h) for h in headers]
        best: tuple[int, int, str] | None = None
        for name, info in self.formats.items():
            hits = [i for i, h in enumerate(normalised) if h and h in info.aliases]
            if not any(info.aliases[normalised[i]] == "case_id" for i in hits):
                continue
            unknown = sum(1 for h in normalised if h and h not in info.aliases)
            key = (len(hits), -unknown, name)
            if best is None or key[:2] > best[:2]:
                best = key
        if best is None:
            return None
        info = self.formats[best[2]]
        columns = {}
        unknown = []
        for i, (raw, h) in enumerate(zip(headers, normalised, strict=True)):
            if not h:
                continue
            if h in info.aliases:
                columns[i] = info.aliases[h]
            else:
                unknown.append((i, raw))
        return FormatMatch(info, columns, unknown, matched=best[0])

    def score(self, headers: list[str]) -> int:
        """Number of headers known to the best-matching format (0 when none matches)."""
        m = self.match(headers)
        return m.matched if m else 0
