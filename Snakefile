# Reintegration-outcome study pipeline: raw RSS exports -> scores -> analyses -> report.
# Thin by design: configuration, its validation, one rule module per stage, the default target.
# Run: `snakemake -c4` inside the environment (`make study` sets it up and runs this).

from snakemake.utils import min_version

from reintegration.config import validate_config

min_version("9.0")


configfile: "config/config.yaml"


# Stop at parse time, naming the key and the allowed values, if the config breaks its schema;
# the validated copy carries the schema's defaults for keys left out.
config.update(validate_config(config))


include: "workflow/rules/common.smk"
include: "workflow/rules/codebook.smk"


rule all:
    default_target: True
    input:
        FINAL_TARGETS,


onsuccess:
    print(
        "Done. Data dictionary: results/codebook/data_dictionary.html "
        f"(release {config['release']['name']})"
    )
