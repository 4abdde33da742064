"""Privacy scan of a release: every file under results/releases/<release>/ (STUDY.md §8).

Writes the scan's counts (never a matched value) to --out and exits 1, naming each file and
kind of finding, if a phone number, a raw case id, a raw identifier, a wave pseudonym or the
pseudonymisation key is found. The output is written in both cases (an atomic write), but the
rule's failure makes Snakemake remove it, so a failed scan never passes as complete.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from reintegration.codebook import load_codebook
from reintegration.collector import collect_rarely
from reintegration.data.pseudonym import load_key
from reintegration.io import write_json
from reintegration.privacy import SCAN_FILE, scan_release, wave_pseudonyms
from reintegration.privacy_raw import raw_identifiers


def _inside(folder: Path, paths: list[Path]) -> list[str]:
    """``paths`` that lie in ``folder``, relative to it."""
    root = folder.resolve()
    return [
        p.resolve().relative_to(root).as_posix() for p in paths if p.resolve().is_relative_to(root)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--wave", action="append", default=[], help="a wave of the release")
    parser.add_argument("--waves-dir", type=Path, default=Path("results/waves"))
    parser.add_argument("--raw-dir", type=Path, required=True)
    parser.add_argument("--codebook", type=Path, required=True)
    parser.add_argument("--key-file", type=Path, required=True)
    parser.add_argument("--case-id-pattern", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes reading the raw files and scanning the release",
    )
    parser.add_argument(
        "--written-after", type=Path, action="append", default=[],
        help="a release file written after the scan (not scanned)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    collect_rarely()  # before the pool forks: its processes inherit the setting
    start = time.perf_counter()
    codebook = load_codebook(args.codebook)
    waves = [args.raw_dir / w for w in args.wave]
    identifiers = raw_identifiers(waves, codebook, workers=args.workers)
    pseudonyms = wave_pseudonyms(args.waves_dir / w / "records.parquet" for w in args.wave)
    result = scan_release(
        args.release_dir,
        case_id_pattern=args.case_id_pattern,
        identifiers=identifiers,
        pseudonyms=pseudonyms,
        key=load_key(args.key_file, create=False),
        # files written after the scan (its summary page, publish/'s seal): a previous run's
        # copies are not scanned (the count of files would otherwise change on a rerun)
        exclude=[SCAN_FILE, *_inside(args.release_dir, [args.out, *args.written_after])],
        workers=args.workers,
    )
    summary = result.to_dict()
    summary["waves"] = list(args.wave)
    write_json(summary, args.out)
    print(
        f"privacy scan of {args.release_dir}: {result.files_scanned} files, "
        f"{len(identifiers)} raw identifier values, {len(pseudonyms)} wave pseudonyms; "
        f"findings by kind {summary['findings_by_kind']} ({time.perf_counter() - start:.1f} s)"
    )
    if not result.passed:
        print(result.message(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
