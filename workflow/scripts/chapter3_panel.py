"""Build the Chapter III panel (internal/panel.parquet), Table 4 and the phone-survey match report."""

from __future__ import annotations

import argparse
import sys

from reintegration.chapter3.outputs import add_table_arguments, table_paths
from reintegration.chapter3.panel import PanelMatchError
from reintegration.chapter3.stage import make_panel
from reintegration.data.io import add_pooled_records_argument

RULE = "chapter3_panel"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    add_pooled_records_argument(p)
    p.add_argument("--panel", required=True, help="internal/panel.parquet to write")
    add_table_arguments(p, RULE)
    p.add_argument("--countries", nargs="+", required=True)
    p.add_argument("--min-records", type=int, required=True)
    p.add_argument("--max-unmatched-phone-share", type=float, required=True)
    p.add_argument("--morocco-country", required=True)
    p.add_argument(
        "--require-follow-up",
        choices=["true", "false"],
        required=True,
        help="keep only persons with a 2020 follow-up record",
    )
    p.add_argument("--min-cell", type=int, required=True)
    a = p.parse_args(argv)
    try:
        make_panel(
            records=a.records,
            panel_out=a.panel,
            out=table_paths(a, RULE),
            countries=a.countries,
            min_records=a.min_records,
            max_unmatched_phone_share=a.max_unmatched_phone_share,
            morocco_country=a.morocco_country,
            min_cell=a.min_cell,
            require_follow_up=a.require_follow_up == "true",
        )
    except PanelMatchError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
