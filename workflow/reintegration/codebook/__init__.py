"""The RSS codebook: CSV tables that drive extraction, cleaning and scoring."""

from reintegration.codebook.check import check_codebook, validate_codebook
from reintegration.codebook.load import TABLES, Codebook, load_codebook

__all__ = ["TABLES", "Codebook", "check_codebook", "load_codebook", "validate_codebook"]
