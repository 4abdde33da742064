# Chapter III (STUDY.md §7): the ORION mentoring panel (Guinea, Senegal), DiD, effect sizes,
# selection-adjusted DiD, the retrospective pre-migration comparison and the Morocco snapshot.
# Reads the pooled release records; writes data/panel.parquet, data/retrospective.parquet,
# tables/chapter3_*.csv, figures/figure_15..31 + figure_did_selection_adjusted, and the
# Chapter III part of the reproduction check (tables/reproduction_chapter3.csv).

from reintegration.chapter3.outputs import FIGURE_INPUTS as C3_FIGURE_INPUTS
from reintegration.chapter3.outputs import FIGURES as C3_FIGURES_SPEC
from reintegration.chapter3.outputs import REPRODUCTION_INPUTS as C3_REPRODUCTION_INPUTS
from reintegration.chapter3.outputs import TABLES as C3_TABLES_SPEC
from reintegration.chapter3.outputs import script_arguments as c3_input_arguments
from reintegration.chapter3.outputs import table_arguments as c3_table_arguments
from reintegration.chapter3.outputs import tables_of as c3_tables_of

PANEL_CFG = config["panel"]
C3_MIN_CELL = config["disclosure"]["min_cell_size"]
C3_RECORDS = rules.pool_records.output.exact
C3_TABLES = f"{RELEASE_DIR}/tables"
C3_FIGURES = f"{RELEASE_DIR}/figures"
C3_CODE = package_files(
    "chapter3/", "stats/", "io", "reproduction", "published", "figures/style", "figures/jobs",
    "allocator",
)


def c3_inputs(inputs):
    """Input name -> output file of the rule making it, for an inputs mapping of outputs.py."""
    return {
        name: getattr(getattr(rules, rule).output, output)
        for name, (rule, output) in inputs.items()
    }


def c3_tables(rule):
    """The table outputs of ``rule`` (chapter3/outputs.py TABLES), registered as exhibits."""
    return {
        key: exhibit(f"{C3_TABLES}/{stem}.csv", C3_TABLES_SPEC[stem].title, C3_TABLES_SPEC[stem].chapter)
        for key, stem in c3_tables_of(rule).items()
    }


rule chapter3_panel:
    """Panel of returnees with >= 2 dated post-return RSS (phone survey linked), Table 4."""
    threads: rule_threads("chapter3_panel")
    resources:
        **rule_resources("chapter3_panel"),
    input:
        records=C3_RECORDS,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_panel.py",
    output:
        panel=f"{INTERNAL_DIR}/panel.parquet",
        **c3_tables("chapter3_panel"),
    log:
        f"logs/releases/{RELEASE}/chapter3_panel.log",
    params:
        countries=" ".join(PANEL_CFG["countries"]),
        min_records=PANEL_CFG["min_records"],
        max_unmatched=PANEL_CFG["max_unmatched_phone_share"],
        morocco=PANEL_CFG["morocco_country"],
        min_cell=C3_MIN_CELL,
        follow_up="true" if PANEL_CFG["require_follow_up"] else "false",
    shell:
        "python {input.script:q} --records {input.records:q} --panel {output.panel:q} "
        + c3_table_arguments("chapter3_panel")
        + " --countries {params.countries}"
        " --min-records {params.min_records:q} --max-unmatched-phone-share {params.max_unmatched:q}"
        " --morocco-country {params.morocco:q} --min-cell {params.min_cell:q}"
        " --require-follow-up {params.follow_up:q} > {log:q} 2>&1"


rule chapter3_panel_tables:
    """Means, indicator shares, balance, change regression (Figure 20), DiD, Annex 4."""
    threads: rule_threads("chapter3_panel_tables")
    resources:
        **rule_resources("chapter3_panel_tables"),
    input:
        panel=rules.chapter3_panel.output.panel,
        codebook=CODEBOOK_FILES,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_panel_tables.py",
    output:
        **c3_tables("chapter3_panel_tables"),
    log:
        f"logs/releases/{RELEASE}/chapter3_panel_tables.log",
    params:
        min_cell=C3_MIN_CELL,
        vcov=PANEL_CFG["change_regression_vcov"],
        min_clusters=PANEL_CFG["min_clusters"],
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} --panel {input.panel:q} --codebook {params.codebook:q} "
        + c3_table_arguments("chapter3_panel_tables")
        + " --min-cell {params.min_cell:q} --vcov {params.vcov:q}"
        " --min-clusters {params.min_clusters:q} > {log:q} 2>&1"


rule chapter3_selection:
    """Selection-adjusted DiD (IPW, doubly robust) and randomisation inference."""
    threads: rule_threads("chapter3_selection")
    resources:
        **rule_resources("chapter3_selection"),
    input:
        panel=rules.chapter3_panel.output.panel,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_selection.py",
    output:
        **c3_tables("chapter3_selection"),
    log:
        f"logs/releases/{RELEASE}/chapter3_selection.log",
    params:
        methods=" ".join(PANEL_CFG["ipw"]["methods"]),
        ipw_B=PANEL_CFG["ipw"]["B"],
        ipw_seed=PANEL_CFG["ipw"]["seed"],
        max_failure_share=PANEL_CFG["ipw"]["max_failure_share"],
        ri_B=PANEL_CFG["randomisation"]["B"],
        ri_seed=PANEL_CFG["randomisation"]["seed"],
        min_cell=C3_MIN_CELL,
    shell:
        # the rule's threads are processes fitting the resamples (one BLAS thread each: more
        # gave no speed, and the same numbers)
        "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python {input.script:q}"
        " --panel {input.panel:q} --workers {threads} "
        + c3_table_arguments("chapter3_selection")
        + " --ipw-methods {params.methods} --ipw-B {params.ipw_B:q} --ipw-seed {params.ipw_seed:q}"
        " --max-failure-share {params.max_failure_share:q}"
        " --ri-B {params.ri_B:q} --ri-seed {params.ri_seed:q} --min-cell {params.min_cell:q}"
        " > {log:q} 2>&1"


rule chapter3_retrospective:
    """Pre-migration vs first post-return RSS: dataset, paired tests, distributions."""
    threads: rule_threads("chapter3_retrospective")
    resources:
        **rule_resources("chapter3_retrospective"),
    input:
        records=C3_RECORDS,
        codebook=CODEBOOK_FILES,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_retrospective.py",
    output:
        data=f"{INTERNAL_DIR}/retrospective.parquet",
        **c3_tables("chapter3_retrospective"),
    log:
        f"logs/releases/{RELEASE}/chapter3_retrospective.log",
    params:
        codebook=CODEBOOK_DIR,
        countries=" ".join(PANEL_CFG["countries"]),
        min_cell=C3_MIN_CELL,
    shell:
        "python {input.script:q} --records {input.records:q} --codebook {params.codebook:q}"
        " --data {output.data:q} "
        + c3_table_arguments("chapter3_retrospective")
        + " --countries {params.countries} --min-cell {params.min_cell:q} > {log:q} 2>&1"


rule chapter3_morocco:
    """Morocco snapshot (indicative), with disclosure control."""
    threads: rule_threads("chapter3_morocco")
    resources:
        **rule_resources("chapter3_morocco"),
    input:
        records=C3_RECORDS,
        codebook=CODEBOOK_FILES,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_morocco.py",
    output:
        **c3_tables("chapter3_morocco"),
    log:
        f"logs/releases/{RELEASE}/chapter3_morocco.log",
    params:
        country=PANEL_CFG["morocco_country"],
        min_cell=C3_MIN_CELL,
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} --records {input.records:q} --codebook {params.codebook:q} "
        + c3_table_arguments("chapter3_morocco")
        + " --country {params.country:q}"
        " --min-cell {params.min_cell:q} > {log:q} 2>&1"


rule chapter3_figures:
    """Figures 15-31 and the selection-adjusted DiD figure (chapter3/outputs.py: FIGURES)."""
    threads: rule_threads("chapter3_figures")
    resources:
        **rule_resources("chapter3_figures"),
    input:
        **c3_inputs(C3_FIGURE_INPUTS),
        codebook=CODEBOOK_FILES,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_figures.py",
    output:
        **{
            stem: exhibit(f"{C3_FIGURES}/{stem}.png", spec.title, spec.chapter, caption=spec.caption)
            for stem, spec in C3_FIGURES_SPEC.items()
        },
        **{f"{stem}_svg": f"{C3_FIGURES}/{stem}.svg" for stem in C3_FIGURES_SPEC},
    log:
        f"logs/releases/{RELEASE}/chapter3_figures.log",
    params:
        out_dir=folder_of(next(iter(C3_FIGURES_SPEC))),
        min_cell=C3_MIN_CELL,
        data_source=config["data"]["source"],
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} " + c3_input_arguments(C3_FIGURE_INPUTS) +
        " --out-dir {params.out_dir:q} --min-cell {params.min_cell:q}"
        " --data-source {params.data_source:q} --codebook {params.codebook:q}"
        " --threads {threads} > {log:q} 2>&1"


rule chapter3_reproduction:
    """Chapter III rows of the reproduction check."""
    threads: rule_threads("chapter3_reproduction")
    resources:
        **rule_resources("chapter3_reproduction"),
    input:
        **c3_inputs(C3_REPRODUCTION_INPUTS),
        targets=config["published"]["targets"],
        checks=config["published"]["checks"],
        # release.smk (included later) defines check_published: an input function resolves it
        published_ok=lambda wildcards: rules.check_published.output[0],
        codebook=CODEBOOK_FILES,
        code=C3_CODE,
        script=SCRIPTS / "chapter3_reproduction.py",
    output:
        **c3_tables("chapter3_reproduction"),
    log:
        f"logs/releases/{RELEASE}/chapter3_reproduction.log",
    params:
        codebook=CODEBOOK_DIR,
    shell:
        "python {input.script:q} "
        + c3_input_arguments(C3_REPRODUCTION_INPUTS)
        + " --targets {input.targets:q} --checks {input.checks:q}"
        " --codebook {params.codebook:q} "
        + c3_table_arguments("chapter3_reproduction")
        + " > {log:q} 2>&1"


REPRODUCTION_PARTS.append(rules.chapter3_reproduction.output.table)

FINAL_TARGETS.extend(
    [
        *rules.chapter3_panel.output,
        *rules.chapter3_panel_tables.output,
        *rules.chapter3_selection.output,
        *rules.chapter3_retrospective.output,
        *rules.chapter3_morocco.output,
        *rules.chapter3_figures.output,
        rules.chapter3_reproduction.output.table,
    ]
)
