"""Locations inside the repository that the code itself needs (schemas, codebook)."""

from pathlib import Path

#: ``workflow/`` of the repository (the package lives in ``workflow/reintegration``).
WORKFLOW_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = WORKFLOW_DIR.parent
SCHEMA_DIR = WORKFLOW_DIR / "schemas"
CONFIG_SCHEMA = SCHEMA_DIR / "config.schema.yaml"
CODEBOOK_SCHEMA_DIR = SCHEMA_DIR / "codebook"
