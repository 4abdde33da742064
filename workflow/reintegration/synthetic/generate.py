"""Orchestration: generate the synthetic raw exports, truth files and manifest.

Streaming: countries are generated one chunk of returnees at a time (config chunk_size), each
chunk drawing and writing its own raw files, so memory does not grow with scale. Each chunk has
its own random stream (seed, country, chunk), so output does not depend on the order of work:
with ``workers`` > 1 chunks are drawn in parallel and their truth rows written in chunk order
(:mod:`reintegration.synthetic.chunks`). Files are staged and moved into ``<raw_dir>/<wave>/`` at the end; the manifest is
written last.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from reintegration.codebook import load_codebook
from reintegration.synthetic import answers, chunks, identity, population, truth, writers
from reintegration.synthetic.files import write_file
from reintegration.synthetic.parameters import (
    MOROCCO,
    PANEL_COUNTRIES,
    Params,
    apportion,
    build_params,
    load_synthetic_config,
)

META = [
    "case_id", "country", "sex", "date_of_birth", "age", "return_date", "return_type", "return_scheme",
    "interview_date", "interview_mode", "survey_round", "assistance", "assistance_level", "orion_mentee",
    "mentoring_start", "full_name", "phone_number", "address", "gps", "notes",
]  # fmt: skip
MARKER = ".synthetic.json"


def _chunks(n: int, size: int) -> list[int]:
    k = max(1, -(-n // size))
    return [int(x) for x in apportion(n, [1] * k)]


def _wave(p: Params, dates: np.ndarray) -> np.ndarray:
    out = np.full(len(dates), "", dtype=object)
    for w in p.config["waves"]:
        m = (dates >= np.datetime64(w["start"])) & (dates <= np.datetime64(w["end"]))
        out[m] = w["name"]
    return out


class Generator:
    def __init__(
        self, config_path: Path, codebook_dir: Path, raw_dir: Path, truth_dir: Path, workers=1
    ):
        self.workers = workers
        self.p = build_params(load_synthetic_config(config_path), codebook_dir)
        self.cb = load_codebook(codebook_dir)
        self.specs = writers.format_specs(self.cb)
        self.labels = writers.Labels(self.cb)
        self.rss = answers.item_spec(self.cb, "rss")
        self.pre = answers.item_spec(self.cb, "premigration")
        self.offsets = answers.item_offsets(self.p, self.rss)
        self.raw_dir, self.truth_dir = Path(raw_dir), Path(truth_dir)
        self.stage = self.raw_dir / ".synthetic-staging"
        self.truth_stage = self.truth_dir.parent / ".truth-staging"
        self.files: dict[str, dict] = {}

    # ----------------------------------------------------------------- orchestration
    def run(self) -> dict:
        for d in (self.stage, self.truth_stage):
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
        self.writers: dict = {}  # opened at first use: after the workers are forked
        counts: dict[str, dict] = {}
        tasks = [t for ci, iso in enumerate(self.p.countries) for t in self._tasks(ci, iso)]
        for task, (done, files, collected) in zip(
            tasks, chunks.drawn_chunks(self, tasks, self.workers), strict=True
        ):
            self.files.update(files)
            chunks.replay(collected, self._writer)
            summary = counts.setdefault(task[1], {"returnees": 0, "records": 0})
            for key, v in done.items():
                summary[key] = summary.get(key, 0) + v
        defect_log = self._writer("defect_log")
        for name in chunks.STREAMS:
            if name in self.writers:
                self.writers[name].close()
        counts["defects"] = dict(sorted(defect_log.counts.items()))
        truth.write_json(
            self.truth_stage / "parameters.json", truth.parameters_json(self.p, counts)
        )
        return self._publish()

    def _writer(self, name: str):
        """The truth stream or defect log ``name`` (:data:`chunks.STREAMS`), opened once."""
        if name not in self.writers:
            if name == "defect_log":
                self.writers[name] = truth.DefectLog(self.truth_stage / "defects.csv")
            else:
                stem = {"records_out": "records", "returnees_out": "returnees"}.get(name)
                path = self.truth_stage / f"{stem or 'premigration'}.parquet"
                self.writers[name] = truth.ParquetStream(path)
        return self.writers[name]

    def _tasks(self, ci: int, iso: str) -> list[tuple]:
        """The chunks of country ``iso``: the arguments of :meth:`_chunk`."""
        p, cfg = self.p, self.p.config
        n = p.count(cfg["morocco"]["responses"] if iso == MOROCCO else p.n[iso])
        sizes = _chunks(n, cfg["chunk_size"])
        roles = [{} for _ in sizes]
        quota_keys = {}
        if iso in PANEL_COUNTRIES and iso in cfg["panel"]["countries"]:
            spec = cfg["panel"]["countries"][iso]
            quota_keys = {
                "panel": spec["returnees"],
                "mentored": spec["mentored"],
                "phone": spec["phone_survey"],
            }
        if iso in cfg["retrospective"]["cases"]:
            quota_keys["retro"] = cfg["retrospective"]["cases"][iso]
        if iso == MOROCCO:
            quota_keys["two_surveys"] = cfg["morocco"]["two_surveys"]
        for key, total in quota_keys.items():
            for k, c in enumerate(apportion(p.count(total), sizes)):
                roles[k][key] = int(c)
        nr_quotas = answers.chapter2_quotas(p, iso, sizes)
        first = np.cumsum([1, *sizes[:-1]])
        return [
            (ci, iso, int(first[k]), size, roles[k], nr_quotas[k], k, len(sizes))
            for k, size in enumerate(sizes)
        ]

    # ----------------------------------------------------------------- one chunk
    def _chunk(self, ci, iso, first_seq, size, roles, nr_quota, k, n_chunks) -> dict:
        p, cfg = self.p, self.p.config
        rng = np.random.default_rng([p.seed, ci, k])
        part = f"_part{k + 1:02d}" if n_chunks > 1 else ""
        people = population.returnees(p, iso, first_seq, size, roles, rng)
        ids = identity.identifiers(
            iso, cfg["countries"][iso]["names"], people["female"].to_numpy(), rng
        )
        recs = population.records(p, people, rng)
        caps = None
        if iso == MOROCCO:
            caps = np.array([cfg["morocco"]["item_caps"].get(i, 1.0) for i in self.rss.names])
        phone_rec = recs["phone_survey_record"].to_numpy()
        fmt_items = {
            f: np.array([i in self.specs[f].headers for i in self.rss.names])
            for f in ("phone_survey", cfg["countries"][iso]["format"])
        }
        present = np.where(
            phone_rec[:, None],
            fmt_items["phone_survey"][None, :],
            fmt_items[cfg["countries"][iso]["format"]][None, :],
        ).astype(float)
        mentored = people["mentored"].to_numpy()[recs["person"].to_numpy()]
        item_lat, sc = answers.answer_scores(
            p, self.rss, iso, self.offsets[ci], recs, mentored, present, caps, rng
        )
        chapter2 = (recs["role"] == "chapter2").to_numpy() & (iso != MOROCCO)
        codes = answers.nonresponse(p, self.rss, len(recs), chapter2, nr_quota, rng)
        items = answers.frame(answers.to_values(sc, self.rss), codes, self.rss)
        meta = self._metadata(people, ids, recs, rng)
        canon = pd.concat([meta, items], axis=1)
        canon["_rid"] = [f"{iso}-{first_seq + i}" for i in range(len(canon))]
        recs["record_id"] = canon["_rid"].to_numpy()
        recs["country"] = iso
        recs["wave"] = _wave(p, recs["interview_date"].to_numpy())
        phone = recs["phone_survey_record"].to_numpy()
        office = cfg["countries"][iso]
        recs["format"] = np.where(phone, "phone_survey", office["format"])
        recs["file_type"] = np.where(phone, "csv", office["file_type"])
        stem = {
            "case_management": "cms_export",
            "country_office": "formulaire_rss",
            "phone_survey": "phone_survey",
        }
        recs["source_file"] = [
            f"{stem[f]}_{iso}_{w}{part}.{t}"
            for f, w, t in zip(recs["format"], recs["wave"], recs["file_type"], strict=True)
        ]
        spare = recs["role"].isin(["baseline", "monitoring"]).to_numpy() & (
            iso not in (*PANEL_COUNTRIES, MOROCCO)
        )
        placed = []
        for name, idx in recs.groupby("source_file", sort=True).indices.items():
            r0 = recs.iloc[idx[0]]
            placed.append(
                write_file(
                    self,
                    name,
                    r0["wave"],
                    r0["format"],
                    r0["file_type"],
                    iso,
                    canon.iloc[idx],
                    spare[idx],
                    rng,
                    True,
                )
            )
        pre_rows = self._premigration(iso, people, ids, recs, item_lat, part, rng)
        placed.extend(pre_rows)
        where = pd.concat(placed, ignore_index=True)
        answers_out = items.add_prefix("answer_")
        rec_truth = (
            pd.concat([recs, answers_out], axis=1)
            .drop(columns=["person"])
            .merge(where, on="record_id", how="left", suffixes=("", "_written"))
        )
        rec_truth["interview_date"] = rec_truth["interview_date"].astype("datetime64[s]")
        self.records_out.write(rec_truth.drop(columns=["source_file_written"], errors="ignore"))
        keep = [c for c in people.columns if not c.startswith("panel_")] + [
            "panel_first",
            "panel_last",
        ]
        pt = people[keep].copy()
        for c in ("return_date", "ch2_date", "date_of_birth", "panel_first", "panel_last"):
            pt[c] = pt[c].astype("datetime64[s]")
        self.returnees_out.write(pt)
        return {"returnees": len(people), "records": len(recs), "premigration": int(people["retrospective"].sum()),
                "panel": int(people["panel"].sum()),
                "mentored": int((people["mentored"] & (people["panel"] | (iso == MOROCCO))).sum()),
                "phone_survey": int(recs["phone_survey_record"].sum())}  # fmt: skip

    def _metadata(self, people, ids, recs, rng) -> pd.DataFrame:
        iso = people["country"].iat[0]
        person = recs["person"].to_numpy()
        pp = people.iloc[person].reset_index(drop=True)
        dob = pp["date_of_birth"].to_numpy()
        date = recs["interview_date"].to_numpy()
        age = ((date - dob) / np.timedelta64(1, "D") / 365.25).astype(int)
        in_orion = pp["panel"].to_numpy() | (iso == MOROCCO)
        mentored = pp["mentored"].to_numpy() & in_orion
        first = np.where(
            pp["panel_first"].notna(),
            pp["panel_first"].to_numpy(),
            pp["ch2_date"].to_numpy() - 200 * np.timedelta64(1, "D"),
        )
        start = first + rng.integers(20, 90, len(pp)) * np.timedelta64(1, "D")
        orion = np.where(in_orion, np.where(mentored, "yes", "no"), "")
        show_start = mentored & (start <= date)
        return pd.DataFrame(
            {
                "case_id": pp["case_id"],
                "country": iso,
                "sex": np.where(pp["female"], "female", "male"),
                "date_of_birth": dob,
                "age": age.astype(object),
                "return_date": pp["return_date"].to_numpy(),
                "return_type": pp["return_type"],
                "return_scheme": pp["return_scheme"],
                "interview_date": date,
                "interview_mode": recs["interview_mode"].to_numpy(),
                "survey_round": recs["survey_round"].to_numpy(),
                "assistance": pp["assistance"],
                "assistance_level": pp["assistance_level"],
                "orion_mentee": orion,
                "mentoring_start": np.where(show_start, start, np.datetime64("NaT")),
                **{c: ids[c].to_numpy()[person] for c in ids.columns},
            }
        )

    def _premigration(self, iso, people, ids, recs, item_lat, part, rng) -> list[pd.DataFrame]:
        cfg = self.p.config["retrospective"]
        if iso not in cfg["files"] or not people["retrospective"].any():
            return []
        first_pos = (
            recs.reset_index()
            .sort_values(["person", "interview_date"])
            .groupby("person")["index"]
            .first()
        )
        persons = np.flatnonzero(people["retrospective"].to_numpy())
        pos = first_pos.loc[persons].to_numpy()
        x, s = answers.premigration_scores(item_lat[pos], self.rss, self.pre, cfg["shift"], rng)
        codes = np.where(
            rng.random(s.shape) < self.p.config["nonresponse"]["default_rate"], "dont_know", ""
        )
        items = answers.frame(answers.to_values(s, self.pre), codes, self.pre)
        pp = people.iloc[persons].reset_index(drop=True)
        date = recs["interview_date"].to_numpy()[pos]
        canon = pd.DataFrame(
            {
                "case_id": pp["case_id"], "country": iso, "sex": np.where(pp["female"], "female", "male"),
                "age": (((date - pp["date_of_birth"].to_numpy()) / np.timedelta64(1, "D")) / 365.25).astype(int).astype(object),
                "return_date": pp["return_date"].to_numpy(), "interview_date": date,
                "full_name": ids["full_name"].to_numpy()[persons], "phone_number": ids["phone_number"].to_numpy()[persons],
            }
        )  # fmt: skip
        canon = pd.concat([canon, items], axis=1)
        canon["_rid"] = [f"{iso}-pre-{c}" for c in pp["case_id"]]
        spec = cfg["files"][iso]
        wave = _wave(self.p, date)
        placed = []
        for w in sorted(set(wave)):
            m = wave == w
            name = f"premigration_{iso}_{w}{part}.{spec['file_type']}"
            placed.append(
                write_file(
                    self,
                    name,
                    w,
                    spec["format"],
                    spec["file_type"],
                    iso,
                    canon[m],
                    np.zeros(m.sum(), bool),
                    rng,
                    False,
                )
            )
        # Truth rows for pre-migration records (their latent item scores).
        pre_truth = pd.DataFrame({"record_id": canon["_rid"], "case_id": pp["case_id"], "role": "premigration",
                                  "wave": wave, "interview_date": date.astype("datetime64[s]")})  # fmt: skip
        for k, name in enumerate(self.pre.names):
            pre_truth[f"latent_{name}"] = x[:, k]
        self.truth_pre_out.write(pre_truth.merge(pd.concat(placed), on="record_id", how="left"))
        return []

    # ----------------------------------------------------------------- publishing
    def _publish(self) -> dict:
        files = []
        for rel, info in sorted(self.files.items()):
            path = self.stage / rel
            files.append(
                {"path": rel, "sha256": truth.sha256(path), "bytes": path.stat().st_size, **info}
            )
        waves = sorted({f["path"].split("/")[0] for f in files})
        previous = self.raw_dir / MARKER
        known = set(json.loads(previous.read_text())["files"]) if previous.exists() else set()
        for w in waves:
            target = self.raw_dir / w
            if target.exists():
                foreign = [q.name for q in target.iterdir() if f"{w}/{q.name}" not in known]
                if foreign:
                    raise FileExistsError(
                        f"{target} holds files the generator did not write ({', '.join(sorted(foreign)[:5])}); "
                        "move them away or set data.source: raw"
                    )
        # Record the new files before moving any folder in: a run killed while publishing
        # leaves only files the marker lists, so the next run replaces them (no manual cleanup).
        new = {f["path"] for f in files}
        _write_marker(self.raw_dir / MARKER, known | new)
        for w in waves:
            target = self.raw_dir / w
            if target.exists():
                shutil.rmtree(target)
            os.replace(self.stage / w, target)
        shutil.rmtree(self.stage, ignore_errors=True)
        _write_marker(self.raw_dir / MARKER, new)
        shutil.rmtree(self.truth_dir, ignore_errors=True)
        os.replace(self.truth_stage, self.truth_dir)
        truth_files = [
            {"path": q.name, "sha256": truth.sha256(q)} for q in sorted(self.truth_dir.iterdir())
        ]
        return {
            "generator": "reintegration.synthetic",
            "seed": self.p.seed,
            "scale": self.p.scale,
            "waves": waves,
            "files": files,
            "truth": truth_files,
        }


def _write_marker(path: Path, files) -> None:
    """The list of files the generator wrote (atomically: temporary file, then rename)."""
    tmp = path.with_name(f"{path.name}.tmp")
    tmp.write_text(json.dumps({"files": sorted(files)}, indent=1) + "\n")
    os.replace(tmp, path)


def generate(config_path, codebook_dir, raw_dir, truth_dir, manifest_path, workers=1) -> dict:
    """Generate everything; write the manifest last (atomically). Returns the manifest.
    ``workers`` >= 2 draws the chunks in that many processes (same bytes)."""
    manifest = Generator(
        Path(config_path), Path(codebook_dir), Path(raw_dir), Path(truth_dir), workers
    ).run()
    manifest_path = Path(manifest_path)
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = manifest_path.with_suffix(".json.tmp")
    truth.write_json(tmp, manifest)
    os.replace(tmp, manifest_path)
    return manifest
