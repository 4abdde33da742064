# Chapter II (STUDY.md §7, first part): the 17-country analysis, from the release's pooled
# records to data/cross_country*.parquet, tables/chapter2_*.csv, figures 1-14 and the Chapter II
# part of the reproduction check. Logic in workflow/reintegration/chapter2/.
from reintegration.chapter2.outputs import DESCRIPTIVE_TABLES as C2_DESCRIPTIVES
from reintegration.chapter2.outputs import FIGURES as C2_FIGURES

C2 = config["cross_country"]
C2_MIN_CELL = config["disclosure"]["min_cell_size"]
C2_TABLES = f"{RELEASE_DIR}/tables"
C2_FIGURE_DIR = f"{RELEASE_DIR}/figures"
C2_CODE = package_files(
    "chapter2/", "stats/", "codebook/", "io", "reproduction", "published", "figures/style",
    "figures/jobs", "allocator",
)


rule chapter2_dataset:
    """One record per returnee (end of assistance, else latest), countries > min_records."""
    threads: rule_threads("chapter2_dataset")
    resources:
        **rule_resources("chapter2_dataset"),
    input:
        records=rules.pool_records.output.exact,
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_dataset.py",
    output:
        data=f"{INTERNAL_DIR}/cross_country.parquet",
        programmes=f"{INTERNAL_DIR}/cross_country_programmes.parquet",
        counts=exhibit(
            f"{C2_TABLES}/chapter2_sample_by_country.csv",
            "Sample by country (fn 14)",
            "chapter2",
            caption="../report/chapter2_tables.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/chapter2_dataset.log",
    params:
        codebook=CODEBOOK_DIR,
        min_records=C2["min_records"],
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script:q} --records {input.records:q} --codebook {params.codebook:q}"
        " --min-records {params.min_records:q} --min-cell {params.min_cell:q}"
        " --out-data {output.data:q} --out-programmes {output.programmes:q}"
        " --out-counts {output.counts:q} > {log:q} 2>&1"


rule chapter2_descriptives:
    """Country means and tiers, assistance shares, indicator distributions, scores by sex."""
    threads: rule_threads("chapter2_descriptives")
    resources:
        **rule_resources("chapter2_descriptives"),
    input:
        data=rules.chapter2_dataset.output.data,
        programmes=rules.chapter2_dataset.output.programmes,
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_descriptives.py",
    output:
        **{
            key: exhibit(
                f"{C2_TABLES}/{name}",
                name.removesuffix(".csv"),
                "chapter2",
                caption="../report/chapter2_tables.rst",
            )
            for key, name in C2_DESCRIPTIVES.items()
        },
    log:
        f"logs/releases/{RELEASE}/chapter2_descriptives.log",
    params:
        codebook=CODEBOOK_DIR,
        min_cell=C2_MIN_CELL,
        a_above=C2["tiers"]["a_above"],
        c_at_or_below=C2["tiers"]["c_at_or_below"],
        out_dir=folder_of(next(iter(C2_DESCRIPTIVES))),
    shell:
        "python {input.script:q} --data {input.data:q} --programmes {input.programmes:q}"
        " --codebook {params.codebook:q} --min-cell {params.min_cell:q}"
        " --tier-a-above {params.a_above:q} --tier-c-at-or-below {params.c_at_or_below:q}"
        " --out-dir {params.out_dir:q} > {log:q} 2>&1"


rule chapter2_regression:
    """Annex 3 (published) specification and the full specification, every outcome."""
    threads: rule_threads("chapter2_regression")
    resources:
        **rule_resources("chapter2_regression"),
    input:
        data=rules.chapter2_dataset.output.data,
        programmes=rules.chapter2_dataset.output.programmes,
        codebook=CODEBOOK_FILES,
        targets=config["published"]["targets"],
        checks=config["published"]["checks"],
        # release.smk (included later) defines check_published: an input function resolves it
        published_ok=lambda wildcards: rules.check_published.output[0],
        code=C2_CODE,
        script=SCRIPTS / "chapter2_regression.py",
    output:
        published=exhibit(
            f"{C2_TABLES}/chapter2_regression_published.csv",
            "Annex 3 (reproduced)",
            "chapter2",
            caption="../report/chapter2_regression.rst",
        ),
        published_glance=exhibit(
            f"{C2_TABLES}/chapter2_regression_published_glance.csv",
            "Annex 3 (reproduced): fit statistics",
            "chapter2",
            caption="../report/chapter2_regression.rst",
        ),
        published_vs_annex=exhibit(
            f"{C2_TABLES}/chapter2_regression_published_vs_annex3.csv",
            "Annex 3 beside this run",
            "chapter2",
            caption="../report/chapter2_regression.rst",
        ),
        notes=f"{C2_TABLES}/regression_published_notes.md",
        full=exhibit(
            f"{C2_TABLES}/chapter2_regression_full.csv",
            "Full regression (HC3, clustered, wild bootstrap)",
            "chapter2",
            caption="../report/chapter2_regression.rst",
        ),
        full_glance=exhibit(
            f"{C2_TABLES}/chapter2_regression_full_glance.csv",
            "Full regression: fit statistics",
            "chapter2",
            caption="../report/chapter2_regression.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/chapter2_regression.log",
    params:
        codebook=CODEBOOK_DIR,
        reference=C2["full_reference_country"],
        B=C2["bootstrap"]["B"],
        weights=C2["bootstrap"]["weights"],
        seed=C2["bootstrap"]["seed"],
        min_cell=C2_MIN_CELL,
    shell:
        # threads = processes fitting the outcomes, one BLAS thread each (the tables' last
        # bits depend on the BLAS thread count, not on the processes)
        "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python {input.script:q} --workers {threads}"
        " --data {input.data:q} --programmes {input.programmes:q}"
        " --codebook {params.codebook:q} --reference {params.reference:q}"
        " --bootstrap-B {params.B:q} --bootstrap-weights {params.weights:q} --seed {params.seed:q}"
        " --min-cell {params.min_cell:q}"
        " --out-published {output.published:q} --out-published-glance {output.published_glance:q}"
        " --out-published-vs-annex {output.published_vs_annex:q} --out-notes {output.notes:q}"
        " --out-full {output.full:q} --out-full-glance {output.full_glance:q} > {log:q} 2>&1"


rule chapter2_trends:
    """Trendlines of Figure 2: score on years since return, per country and outcome."""
    threads: rule_threads("chapter2_trends")
    resources:
        **rule_resources("chapter2_trends"),
    input:
        data=rules.chapter2_dataset.output.data,
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_trends.py",
    output:
        slopes=exhibit(
            f"{C2_TABLES}/chapter2_trends.csv",
            "Trend slopes (Figure 2)",
            "chapter2",
            caption="../report/chapter2_tables.rst",
        ),
        bands=exhibit(
            f"{C2_TABLES}/chapter2_trend_bands.csv",
            "Trend bands (Figure 2)",
            "chapter2",
            caption="../report/chapter2_tables.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/chapter2_trends.log",
    params:
        codebook=CODEBOOK_DIR,
        countries=" ".join(C2["trend_countries"]),
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script:q} --data {input.data:q} --codebook {params.codebook:q}"
        " --countries {params.countries} --min-cell {params.min_cell:q}"
        " --out-slopes {output.slopes:q} --out-bands {output.bands:q} > {log:q} 2>&1"


rule chapter2_figures:
    """Figures 1-14 (and supplementary indicator figures), PNG and SVG."""
    threads: rule_threads("chapter2_figures")
    resources:
        **rule_resources("chapter2_figures"),
    input:
        descriptives=rules.chapter2_descriptives.output,
        regression=rules.chapter2_regression.output,
        trends=rules.chapter2_trends.output,
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_figures.py",
    output:
        **{
            stem: exhibit(
                f"{C2_FIGURE_DIR}/{stem}.png",
                spec.title,
                "chapter2",
                caption=f"../report/chapter2_{stem}.rst",
            )
            for stem, spec in C2_FIGURES.items()
        },
        **{f"{stem}_svg": f"{C2_FIGURE_DIR}/{stem}.svg" for stem in C2_FIGURES},
    log:
        f"logs/releases/{RELEASE}/chapter2_figures.log",
    params:
        codebook=CODEBOOK_DIR,
        tables=folder_of("descriptives", of="input"),
        out_dir=folder_of(next(iter(C2_FIGURES))),
        min_cell=C2_MIN_CELL,
        data_source=config["data"]["source"],
    shell:
        "python {input.script:q} --tables-dir {params.tables:q} --codebook {params.codebook:q}"
        " --out-dir {params.out_dir:q} --min-cell {params.min_cell:q}"
        " --data-source {params.data_source:q} --threads {threads} > {log:q} 2>&1"


rule chapter2_reproduction:
    """Chapter II rows of the reproduction check: each published number beside this run's."""
    threads: rule_threads("chapter2_reproduction")
    resources:
        **rule_resources("chapter2_reproduction"),
    input:
        data=rules.chapter2_dataset.output.data,
        counts=rules.chapter2_dataset.output.counts,
        descriptives=rules.chapter2_descriptives.output,
        published=rules.chapter2_regression.output.published,
        published_glance=rules.chapter2_regression.output.published_glance,
        slopes=rules.chapter2_trends.output.slopes,
        targets=config["published"]["targets"],
        checks=config["published"]["checks"],
        # release.smk (included later) defines check_published: an input function resolves it
        published_ok=lambda wildcards: rules.check_published.output[0],
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_reproduction.py",
    output:
        table=exhibit(
            f"{C2_TABLES}/reproduction_chapter2.csv",
            "Reproduction check: Chapter II part",
            "reproduction",
            caption="../report/reproduction.rst",
        ),
    log:
        f"logs/releases/{RELEASE}/chapter2_reproduction.log",
    params:
        codebook=CODEBOOK_DIR,
        tables=folder_of("published", of="input"),
    shell:
        "python {input.script:q} --data {input.data:q} --counts {input.counts:q}"
        " --tables-dir {params.tables:q} --published {input.published:q}"
        " --published-glance {input.published_glance:q} --slopes {input.slopes:q}"
        " --codebook {params.codebook:q} --targets {input.targets:q} --checks {input.checks:q}"
        " --out {output.table:q} > {log:q} 2>&1"


REPRODUCTION_PARTS.append(rules.chapter2_reproduction.output.table)

FINAL_TARGETS.extend(
    [
        *rules.chapter2_dataset.output,
        *rules.chapter2_descriptives.output,
        *rules.chapter2_regression.output,
        *rules.chapter2_trends.output,
        *rules.chapter2_figures.output,
        rules.chapter2_reproduction.output.table,
    ]
)
