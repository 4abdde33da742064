# Reintegration-outcome study pipeline: raw RSS exports -> scores -> analyses -> report.
# Thin by design: configuration, its validation, one rule module per stage, the default target.
# Run: `snakemake -c4` inside the environment (`make study` sets it up and runs this).

from snakemake.utils import min_version

from reintegration.config import validate_config
from reintegration.snakemake_job_servers import start_job_servers, stop_job_servers
from reintegration.interpreter import put_first_on_path
from reintegration.snakemake_checksums import cache_input_checksums
from reintegration.snakemake_scheduling import drop_local_job_rate_limit

min_version("9.0")

# Every rule's `python` is the interpreter running this Snakefile, whatever PATH says (also on a
# SLURM node, where each job parses this file again with the same interpreter).
put_first_on_path()
# Snakemake hashes every input of a job once per output when the job ends (snakemake#4240):
# each file once instead (the same recorded checksums; 4 s of a 1x run).
cache_input_checksums()


configfile: "config/config.yaml"


# Stop at parse time, naming the key and the allowed values, if the config breaks its schema;
# the validated copy carries the schema's defaults for keys left out.
config.update(validate_config(config))

# Description of the workflow in `snakemake --report` (captions of results: workflow/report/).
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/codebook.smk"
include: "workflow/rules/synthetic.smk"
include: "workflow/rules/data_helpers.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/chapter2.smk"
include: "workflow/rules/chapter3.smk"
# Release-level tables combining the chapters' parts (tables/reproduction.csv).
include: "workflow/rules/release.smk"
# Suppression log and k-anonymity table (the report shows them).
include: "workflow/rules/disclosure.smk"
# The release record and the report: keep this include last (it lists every module's outputs).
include: "workflow/rules/report.smk"
# publish/, the part of the release that may be handed over (after the report, before the scan).
include: "workflow/rules/publish.smk"
# The privacy scan of every release file: after the report (it reads all of the release).
include: "workflow/rules/privacy.smk"


rule all:
    default_target: True
    input:
        FINAL_TARGETS,
        PUBLISH_TARGETS,


onstart:
    # The release's inputs as the jobs start (compared at the manifest step: report_helpers.smk).
    release_manifest.write_start_fingerprint(RELEASE_FINGERPRINT, FINGERPRINT_AT_START)
    # A local run without the command line's default 100 jobs/s limit, whose 1 s re-scheduling
    # timers multiply and hold the end of the run (1 s of a 1x run).
    drop_local_job_rate_limit(workflow)
    # A local run's jobs forked from one process with numpy, pandas and pyarrow imported
    # (0.4-0.5 s of CPU a job; reintegration/job_server.py); REINTEGRATION_JOB_SERVER=0: off.
    start_job_servers(workflow)


onerror:
    stop_job_servers()


onsuccess:
    stop_job_servers()
    if not_read := files_not_read_lines():
        print("Files or sheets of the waves not read (extract_report.json inventory):")
        print("\n".join(not_read))
    if Path(REPORT_INDEX).exists():
        print(f"Done. Report of release {RELEASE}: {Path(REPORT_INDEX).resolve()}")
