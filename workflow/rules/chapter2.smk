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
    "chapter2/", "stats/", "codebook/", "io", "reproduction", "published", "figures/style"
)


rule chapter2_dataset:
    """One record per returnee (end of assistance, else latest), countries > min_records."""
    threads: rule_threads("chapter2_dataset")
    resources:
        **rule_resources("chapter2_dataset"),
    input:
        records=f"{RELEASE_DIR}/data/records.parquet",
        codebook=CODEBOOK_FILES,
        code=C2_CODE,
        script=SCRIPTS / "chapter2_dataset.py",
    output:
        data=f"{RELEASE_DIR}/data/cross_country.parquet",
        programmes=f"{RELEASE_DIR}/data/cross_country_programmes.parquet",
        counts=exhibit(
            f"{C2_TABLES}/chapter2_sample_by_country.csv",
            "Sample by country (fn 14)",
            "chapter2",
            caption="../report/chapter2_tables.rst",
        ),
    log:
        "logs/chapter2/dataset.log",
    params:
        codebook=CODEBOOK_DIR,
        min_records=C2["min_records"],
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script} --records {input.records} --codebook {params.codebook}"
        " --min-records {params.min_records} --min-cell {params.min_cell}"
        " --out-data {output.data} --out-programmes {output.programmes}"
        " --out-counts {output.counts} > {log} 2>&1"


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
        "logs/chapter2/descriptives.log",
    params:
        codebook=CODEBOOK_DIR,
        min_cell=C2_MIN_CELL,
        a_above=C2["tiers"]["a_above"],
        c_at_or_below=C2["tiers"]["c_at_or_below"],
        out_dir=folder_of(next(iter(C2_DESCRIPTIVES))),
    shell:
        "python {input.script} --data {input.data} --programmes {input.programmes}"
        " --codebook {params.codebook} --min-cell {params.min_cell}"
        " --tier-a-above {params.a_above} --tier-c-at-or-below {params.c_at_or_below}"
        " --out-dir {params.out_dir} > {log} 2>&1"


rule chapter2_regression:
    """Annex 3 (published) specification and the full specification, every outcome."""
    threads: rule_threads("chapter2_regression")
    resources:
        **rule_resources("chapter2_regression"),
    input:
        data=rules.chapter2_dataset.output.data,
        programmes=rules.chapter2_dataset.output.programmes,
        codebook=CODEBOOK_FILES,
        targets="config/published/targets.yaml",
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
        "logs/chapter2/regression.log",
    params:
        codebook=CODEBOOK_DIR,
        reference=C2["full_reference_country"],
        B=C2["bootstrap"]["B"],
        weights=C2["bootstrap"]["weights"],
        seed=C2["bootstrap"]["seed"],
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script} --data {input.data} --programmes {input.programmes}"
        " --codebook {params.codebook} --reference {params.reference}"
        " --bootstrap-B {params.B} --bootstrap-weights {params.weights} --seed {params.seed}"
        " --min-cell {params.min_cell}"
        " --out-published {output.published} --out-published-glance {output.published_glance}"
        " --out-published-vs-annex {output.published_vs_annex} --out-notes {output.notes}"
        " --out-full {output.full} --out-full-glance {output.full_glance} > {log} 2>&1"


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
        "logs/chapter2/trends.log",
    params:
        codebook=CODEBOOK_DIR,
        countries=" ".join(C2["trend_countries"]),
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script} --data {input.data} --codebook {params.codebook}"
        " --countries {params.countries} --min-cell {params.min_cell}"
        " --out-slopes {output.slopes} --out-bands {output.bands} > {log} 2>&1"


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
                title,
                "chapter2",
                caption=f"../report/chapter2_{stem}.rst",
            )
            for stem, title in C2_FIGURES.items()
        },
        **{f"{stem}_svg": f"{C2_FIGURE_DIR}/{stem}.svg" for stem in C2_FIGURES},
    log:
        "logs/chapter2/figures.log",
    params:
        codebook=CODEBOOK_DIR,
        tables=folder_of("descriptives", of="input"),
        out_dir=folder_of(next(iter(C2_FIGURES))),
        min_cell=C2_MIN_CELL,
    shell:
        "python {input.script} --tables-dir {params.tables} --codebook {params.codebook}"
        " --out-dir {params.out_dir} --min-cell {params.min_cell} > {log} 2>&1"


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
        targets="config/published/targets.yaml",
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
        "logs/chapter2/reproduction.log",
    params:
        codebook=CODEBOOK_DIR,
        tables=folder_of("published", of="input"),
    shell:
        "python {input.script} --data {input.data} --counts {input.counts}"
        " --tables-dir {params.tables} --published {input.published}"
        " --published-glance {input.published_glance} --slopes {input.slopes}"
        " --codebook {params.codebook} --targets {input.targets} --out {output.table} > {log} 2>&1"


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
