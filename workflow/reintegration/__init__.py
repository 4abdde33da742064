"""Reproducible pipeline for reintegration-outcome studies (IOM RSS data).

The package holds all the logic; Snakemake rules and notebooks only load inputs,
call one function from here, and save the result.
"""

__version__ = "0.1.0"
