# Synthetic RSS exports (default data source): raw files calibrated to the published study.


if config["data"]["source"] == "synthetic":

    rule generate_synthetic:
        """Generate the seeded synthetic raw exports into <raw_dir>/<wave>/, with truth files."""
        threads: rule_threads("generate_synthetic")
        resources:
            **rule_resources("generate_synthetic"),
        input:
            config=config["data"]["synthetic_config"],
            schema=SCHEMAS / "synthetic.schema.yaml",
            codebook=CODEBOOK_FILES,
            code=package_files("synthetic/", "codebook/", "config", "text", "paths"),
            script=SCRIPTS / "generate_synthetic.py",
        output:
            manifest="resources/synthetic/manifest.json",
            parameters="resources/synthetic/truth/parameters.json",
            returnees="resources/synthetic/truth/returnees.parquet",
            records="resources/synthetic/truth/records.parquet",
            defects="resources/synthetic/truth/defects.csv",
        log:
            "logs/generate_synthetic.log",
        params:
            codebook=CODEBOOK_DIR,
            raw_dir=config["data"]["raw_dir"],
            truth_dir=folder_of("parameters"),
        shell:
            "python {input.script:q} --config {input.config:q} --codebook {params.codebook:q}"
            " --raw-dir {params.raw_dir:q} --truth-dir {params.truth_dir:q}"
            " --manifest {output.manifest:q} --workers {threads} > {log:q} 2>&1"

    FINAL_TARGETS.append(rules.generate_synthetic.output.manifest)
