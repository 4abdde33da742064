"""Per-wave files are shared between releases: a run must not silently change bytes an
existing release's manifest records.

``results/waves/<wave>/`` holds one copy of each wave's extracted, cleaned and scored files,
reused by every release analysing that wave. Each release manifest records the SHA-256 of the
per-wave files it used (``wave_outputs``) and the per-wave inputs (raw files of the wave,
codebook, case-id links file, key identifier, the config sections of the wave stages). When
the inputs of a wave differ from those an intact release recorded, the run would rebuild that
wave's files and leave the other release's manifest contradicting the files on disk:
:func:`shared_wave_conflicts` finds such releases when the workflow is parsed, before any job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from reintegration.report.manifest import sha256_file


@dataclass
class WaveConflict:
    """Release ``release`` uses ``waves`` whose inputs now differ (``reasons``)."""

    release: str
    waves: list[str]
    reasons: list[str] = field(default_factory=list)
    intact: bool = True  # its recorded per-wave files still match the files on disk

    def describe(self) -> str:
        return f"release '{self.release}' uses wave(s) {', '.join(self.waves)}: " + "; ".join(
            self.reasons
        )


def _wave_reasons(old: dict, new: dict, waves, present, wave_inputs) -> list[str]:
    """What differs between two fingerprints in the inputs of the per-wave files of ``waves``."""
    reasons = []
    for name in ("wave_config_sha256", "synthetic_config_sha256"):
        if name in old and name in new and old[name] != new[name]:
            what = "wave-stage configuration" if name.startswith("wave") else "synthetic config"
            reasons.append(f"the {what} differs")
    old_cb, new_cb = old.get("codebook", {}), new.get("codebook", {})
    reasons += [
        f"codebook file {n} differs"
        for n in sorted(set(old_cb) | set(new_cb))
        if old_cb.get(n) != new_cb.get(n)
    ]
    old_in, new_in = old.get("inputs", {}), new.get("inputs", {})
    reasons += [
        f"input file {n} differs"
        for n in sorted(wave_inputs)
        if n in old_in and old_in.get(n) != new_in.get(n)
    ]
    before, after = old.get("pseudonym_key_id"), new.get("pseudonym_key_id")
    if before and after and before != after:
        reasons.append("the pseudonymisation key differs")

    def keyed(rows):
        return {(r["wave"], r["file"]): r["sha256"] for r in rows if r["wave"] in present}

    old_raw, new_raw = keyed(old.get("raw_files", [])), keyed(new.get("raw_files", []))
    reasons += [
        f"raw file {w}/{f} differs"
        for w, f in sorted(set(old_raw) | set(new_raw))
        if w in waves and old_raw.get((w, f)) != new_raw.get((w, f))
    ]
    return reasons


def _intact(manifest: dict, waves, results_dir: Path) -> bool:
    """Whether the release's recorded files of ``waves`` still match the files on disk."""
    prefixes = tuple(f"results/waves/{w}/" for w in waves)
    for rel, sha in manifest.get("wave_outputs", {}).items():
        if rel.startswith(prefixes):
            path = results_dir.parent / rel
            if not path.is_file() or sha256_file(path) != sha:
                return False
    return True


def shared_wave_conflicts(
    results_dir: str | Path,
    release: str,
    waves: list[str],
    current: dict,
    *,
    raw_waves_present,
    wave_inputs=(),
) -> list[WaveConflict]:
    """Other releases under ``results_dir/releases/`` using one of ``waves`` whose per-wave
    inputs differ from ``current`` (a fingerprint); ``intact`` says whether rebuilding would
    make that release's manifest stale (False: it already is)."""
    results_dir = Path(results_dir)
    conflicts = []
    for path in sorted((results_dir / "releases").glob("*/manifest.json")):
        if path.parent.name == release:
            continue
        try:
            other = json.loads(path.read_text(encoding="utf-8"))
            old = other["fingerprint"]
        except (OSError, json.JSONDecodeError, KeyError):
            continue  # not a release manifest: the release guard reports its own folder only
        shared = sorted(set(other.get("waves", [])) & set(waves))
        reasons = _wave_reasons(old, current, shared, set(raw_waves_present), wave_inputs)
        if shared and reasons:
            conflicts.append(
                WaveConflict(path.parent.name, shared, reasons, _intact(other, shared, results_dir))
            )
    return conflicts


def conflict_message(conflicts: list[WaveConflict], release: str) -> str:
    lines = "\n".join(f"  - {c.describe()}" for c in conflicts)
    return (
        f"release '{release}' would rebuild per-wave files (results/waves/) that other releases "
        f"recorded in their manifests:\n{lines}\n"
        "Their manifests would then contradict the files on disk. Either run this release in "
        "another working directory, restore the inputs those releases used, or set "
        "release.rebuild_shared_waves: true to rebuild anyway (the releases named above are "
        "then listed as stale)."
    )
