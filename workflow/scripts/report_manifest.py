"""Write the release manifest: input and output hashes, code and package versions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reintegration.io import write_json
from reintegration.report import manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--release", required=True)
    parser.add_argument("--wave", action="append", required=True, dest="waves")
    parser.add_argument("--previous", default="")
    parser.add_argument("--config-json", required=True, help="the validated config as JSON")
    parser.add_argument("--codebook-file", action="append", required=True, dest="codebook")
    parser.add_argument("--raw-dir", type=Path, required=True)
    parser.add_argument("--synthetic-config", type=Path)
    parser.add_argument("--waves-dir", type=Path, required=True)
    parser.add_argument("--release-dir", type=Path, required=True)
    parser.add_argument("--output", action="append", default=[], dest="outputs")
    parser.add_argument("--wave-output", action="append", default=[], dest="wave_outputs")
    parser.add_argument("--input-file", action="append", default=[], dest="inputs")
    parser.add_argument("--key-file", type=Path, required=True)
    parser.add_argument(
        "--started-from", type=Path, required=True, help="fingerprint the run started from"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    config = json.loads(args.config_json)
    fingerprint = manifest.fingerprint(
        config,
        args.codebook,
        manifest.raw_files(args.raw_dir, args.waves),
        synthetic_config=args.synthetic_config,
        inputs=args.inputs,
        key=manifest.available_key(args.key_file),
    )
    reports = {
        w: json.loads((args.waves_dir / w / "extract_report.json").read_text(encoding="utf-8"))
        for w in args.waves
    }
    try:
        start = manifest.read_start_fingerprint(args.started_from)
    except manifest.ReleaseConflict as err:
        print(f"rule release_manifest: {err}", file=sys.stderr)
        return 1
    changed = manifest.changed_during_run(start, fingerprint, reports)
    if changed:
        print(
            f"rule release_manifest: release {args.release} failed: inputs changed during the "
            "run, so its outputs may mix old and new inputs:\n"
            + "\n".join(f"  - {c}" for c in changed)
            + "\nNo manifest was written. Run the workflow again: it starts from the new inputs.",
            file=sys.stderr,
        )
        return 1
    result = manifest.build_manifest(
        release=args.release,
        waves=args.waves,
        previous=args.previous or None,
        config=config,
        fingerprint=fingerprint,
        extract_reports=reports,
        outputs=args.outputs,
        wave_outputs=args.wave_outputs,
        release_dir=args.release_dir,
    )
    write_json(result, args.out)
    print(f"wrote {args.out}: {len(result['outputs'])} outputs hashed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
