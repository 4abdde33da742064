"""Render the codebook as the data dictionary (self-contained HTML and Markdown)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reintegration.codebook import load_codebook
from reintegration.codebook.dictionary import dictionary_sections, render_html, render_markdown

TITLE = "RSS data dictionary"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--codebook", type=Path, required=True)
    parser.add_argument("--min-answered-share", type=float, required=True)
    parser.add_argument("--html", type=Path, required=True)
    parser.add_argument("--markdown", type=Path, required=True)
    args = parser.parse_args(argv)
    sections = dictionary_sections(
        load_codebook(args.codebook), min_answered_share=args.min_answered_share
    )
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(render_html(sections, title=TITLE), encoding="utf-8")
    args.markdown.write_text(render_markdown(sections, title=TITLE), encoding="utf-8")
    print(f"wrote {args.html} and {args.markdown}")


if __name__ == "__main__":
    main()
