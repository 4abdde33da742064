"""publish/: copy the report folder after the record-level and small-cell checks (`copy`), or
seal it with publish_manifest.json after the privacy scan passed (`seal`). See
reintegration.publish."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reintegration.io import write_json
from reintegration.publish import NotPublishable, copy_published, publish_manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=["copy", "seal"])
    parser.add_argument("--source-dir", type=Path, help="the report folder")
    parser.add_argument(
        "--file", action="append", default=[], help="a source file (seal: written after the scan)"
    )
    parser.add_argument("--min-cell", type=int, default=5)
    parser.add_argument("--publish-dir", type=Path, required=True)
    parser.add_argument("--release", help="seal: the release name")
    parser.add_argument("--scan", type=Path, help="seal: privacy_scan.json")
    parser.add_argument("--out", type=Path, help="seal: publish_manifest.json")
    args = parser.parse_args(argv)
    try:
        files = {Path(f).relative_to(args.source_dir).as_posix(): f for f in args.file}
        if args.step == "copy":
            copy_published(files, args.publish_dir, min_cell=args.min_cell)
            print(f"publish/: {len(files)} files copied from {args.source_dir}")
        else:
            scan = json.loads(args.scan.read_text(encoding="utf-8"))
            if scan.get("passed"):  # pages written after the scan (its summary) join now
                copy_published(files, args.publish_dir, min_cell=args.min_cell)
            manifest = publish_manifest(args.publish_dir, release=args.release, scan=scan)
            write_json(manifest, args.out)
            print(f"publish/ sealed: {len(manifest['files'])} files")
    except NotPublishable as error:
        print(f"publish_release: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
